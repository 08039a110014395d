"""The Meta emulators' inbox and metrics endpoints (meta_inbox.py) are strict: the permission of each
edge, `filter`/`order`/`since` on Page comments, cursor paging, nested `fields{…}`, the 24-hour
messaging window, private replies once per comment within 7 days, `impressions` refused for media.
`python3 -m unittest tests/emulators/test_inbox_meta.py`."""

from __future__ import annotations

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_publish_meta import Base  # noqa: E402

FB = ["pages_show_list", "pages_manage_posts", "pages_read_engagement", "pages_manage_engagement",
      "pages_messaging", "read_insights"]
IG = ["instagram_business_basic", "instagram_business_manage_comments", "instagram_business_manage_insights",
      "instagram_business_manage_messages"]


class FacebookInbox(Base):
    platform = "facebook"

    def setUp(self):
        super().setUp()
        t = self.admin("token", {"scopes": FB})
        self.token, self.page = t["access_token"], t["page_id"]
        self.post = self.admin("fb_post", {"message": "hello"})["id"]

    def test_comments_stream_since_and_paging(self):
        old = self.admin("fb_comment", {"post_id": self.post, "message": "old", "ago_seconds": 3600})
        self.admin("fb_comment", {"parent_id": old["id"], "message": "reply"})
        for i in range(3):
            self.admin("fb_comment", {"post_id": self.post, "message": f"c{i}"})
        path = f"/v23.0/{self.post}/comments"
        st, top, _ = self.call("GET", path, query={"fields": "id,message"})
        self.assertEqual(st, 200, top)
        self.assertEqual(len(top["data"]), 4, "toplevel by default: no reply")
        st, s, _ = self.call("GET", path, query={"filter": "stream", "limit": "2",
                                                 "fields": "id,message,parent{id},from{id,name,picture}"})
        self.assertEqual([c["message"] for c in s["data"]], ["old", "reply"])
        self.assertNotIn("parent", s["data"][0])
        self.assertEqual(s["data"][1]["parent"], {"id": old["id"]})
        self.assertIn("next", s["paging"])
        st, s2, _ = self.call("GET", path, query={"filter": "stream", "limit": "2", "after": s["paging"]["cursors"]["after"],
                                                  "fields": "id,message"})
        self.assertEqual([c["message"] for c in s2["data"]], ["c0", "c1"])
        import time
        st, recent, _ = self.call("GET", path, query={"filter": "stream", "since": str(int(time.time()) - 60)})
        self.assertEqual(len(recent["data"]), 4)
        self.assertEqual(self.code(self.call("GET", path, query={"filter": "everything"})), 100)
        self.assertEqual(self.code(self.call("GET", path, query={"fields": "id,nope"})), 100)

    def test_permissions_are_required(self):
        narrow = self.admin("token", {"scopes": ["pages_show_list", "pages_manage_posts"]})["access_token"]
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.post}/comments", token=narrow)), 10)
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.page}/conversations", token=narrow,
                                             query={"platform": "messenger"})), 200)
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.post}/insights", token=narrow,
                                             query={"metric": "post_impressions"})), 10)

    def test_messenger_window(self):
        self.admin("fb_message", {"text": "hi", "from_id": "1", "ago_seconds": 100})
        self.admin("fb_message", {"text": "late", "from_id": "2", "ago_seconds": 90000})
        st, convs, _ = self.call("GET", f"/v23.0/{self.page}/conversations",
                                 query={"platform": "messenger", "fields": "id,updated_time,messages{id,message,from}"})
        self.assertEqual(st, 200, convs)
        self.assertEqual(len(convs["data"]), 2)
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.page}/conversations")), 100)
        send = lambda rid, mt="RESPONSE": self.call(  # noqa: E731
            "POST", f"/v23.0/{self.page}/messages", ctype="application/json",
            body=json.dumps({"recipient": {"id": rid}, "messaging_type": mt, "message": {"text": "ok"}}).encode())
        st, ok, _ = send("1")
        self.assertEqual(st, 200, ok)
        self.assertIn("message_id", ok)
        st, err, _ = send("2")
        self.assertEqual((err["error"]["code"], err["error"]["error_subcode"]), (10, 2018278))
        self.assertEqual(self.code(send("1", "SPAM")), 100)


class InstagramInbox(Base):
    platform = "instagram"

    def setUp(self):
        super().setUp()
        t = self.admin("token", {"scopes": IG})
        self.token, self.user = t["access_token"], t["user_id"]
        self.media = self.admin("ig_media", {"caption": "hi"})["id"]

    def test_comments_with_replies_and_replying_to_top_level_only(self):
        c = self.admin("ig_comment", {"media_id": self.media, "text": "nice"})
        r = self.admin("ig_comment", {"parent_id": c["id"], "text": "agreed"})
        st, data, _ = self.call("GET", f"/v23.0/{self.media}/comments",
                                query={"fields": "id,text,timestamp,username,replies{id,text,username}"})
        self.assertEqual(st, 200, data)
        self.assertEqual(data["data"][0]["replies"]["data"][0]["text"], "agreed")
        self.assertTrue(data["data"][0]["timestamp"].endswith("+0000"))
        st, ok, _ = self.call("POST", f"/v23.0/{c['id']}/replies", params={"message": "thanks"})
        self.assertEqual(st, 200, ok)
        self.assertEqual(self.code(self.call("POST", f"/v23.0/{r['id']}/replies", params={"message": "x"})), 100)
        st, node, _ = self.call("GET", f"/v23.0/{r['id']}", query={"fields": "id,parent_id"})
        self.assertEqual(node["parent_id"], c["id"])

    def test_private_reply_once_within_seven_days(self):
        c = self.admin("ig_comment", {"media_id": self.media, "text": "price?"})
        old = self.admin("ig_comment", {"media_id": self.media, "text": "old", "ago_seconds": 8 * 86400})
        send = lambda cid: self.call(  # noqa: E731
            "POST", f"/v23.0/{self.user}/messages", ctype="application/json",
            body=json.dumps({"recipient": {"comment_id": cid}, "message": {"text": "DM'd you"}}).encode())
        self.assertEqual(send(c["id"])[0], 200)
        st, err, _ = send(c["id"])
        self.assertEqual(err["error"]["error_subcode"], 2018336)
        st, err, _ = send(old["id"])
        self.assertEqual(err["error"]["error_subcode"], 2018278)

    def test_media_insights_use_views_not_impressions(self):
        self.admin("ig_engage", {"id": self.media, "views": 5})
        st, data, _ = self.call("GET", f"/v23.0/{self.media}/insights", query={"metric": "views,reach,saved"})
        self.assertEqual(st, 200, data)
        self.assertEqual(data["data"][0]["values"][0]["value"], 5)
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.media}/insights", query={"metric": "impressions"})), 100)
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.user}/insights", query={"metric": "reach"})), 100)
        narrow = self.admin("token", {"scopes": IG[:2]})["access_token"]
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.media}/insights", token=narrow,
                                             query={"metric": "views"})), 10)


if __name__ == "__main__":
    unittest.main()
