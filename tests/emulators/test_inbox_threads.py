"""The Threads emulator's inbox and insights endpoints are strict: scopes (threads_read_replies,
threads_manage_mentions, threads_manage_insights), cursor paging, since/until bounds, the flattened
conversation versus top-level replies, Graph timestamps, deleted media.
`python3 -m pytest tests/emulators/test_inbox_threads.py`."""

from __future__ import annotations

import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from test_publish_meta import Base  # noqa: E402

ALL = ["threads_basic", "threads_content_publish", "threads_manage_replies", "threads_read_replies",
       "threads_manage_mentions", "threads_manage_insights"]


class ThreadsInbox(Base):
    platform = "threads"

    def setUp(self):
        super().setUp()
        t = self.admin("token", {"scopes": ALL})
        self.token, self.user = t["access_token"], t["user_id"]
        self.v = "/v1.0"
        self.admin("processing", {"polls": 0})

    def post(self, text, reply_to=None):
        p = {"media_type": "TEXT", "text": text}
        if reply_to:
            p["reply_to_id"] = reply_to
        st, c, _ = self.call("POST", f"{self.v}/{self.user}/threads", p)
        self.assertEqual(st, 200, c)
        self.call("GET", f"{self.v}/{c['id']}", query={"fields": "status"})
        st, m, _ = self.call("POST", f"{self.v}/{self.user}/threads_publish", {"creation_id": c["id"]})
        self.assertEqual(st, 200, m)
        return m["id"]

    def get(self, path, **q):
        return self.call("GET", f"{self.v}/{path}", query=q or None)

    def test_conversation_is_flat_replies_are_top_level_and_pages_follow_cursors(self):
        root = self.post("My post")
        a = self.admin("reply", {"to": root, "text": "first", "username": "ann", "at": 1_760_000_000})
        b = self.admin("reply", {"to": a["id"], "text": "nested", "username": "bob", "at": 1_760_000_100})
        c = self.admin("reply", {"to": root, "text": "second", "username": "cy", "at": 1_760_000_200})
        fields = "id,text,username,timestamp,root_post,replied_to,is_reply_owned_by_me,profile_picture_url"
        st, data, _ = self.get(f"{root}/conversation", fields=fields, reverse="false")
        self.assertEqual(st, 200, data)
        self.assertEqual([d["id"] for d in data["data"]], [a["id"], b["id"], c["id"]])
        self.assertEqual(data["data"][1]["root_post"], {"id": root})
        self.assertEqual(data["data"][1]["replied_to"], {"id": a["id"]})
        self.assertEqual(data["data"][0]["timestamp"], "2025-10-09T08:53:20+0000")
        self.assertFalse(data["data"][0]["is_reply_owned_by_me"])
        st, top, _ = self.get(f"{root}/replies", fields="id")
        self.assertEqual([d["id"] for d in top["data"]], [c["id"], a["id"]])  # newest first by default
        st, p1, _ = self.get(f"{root}/conversation", fields="id", reverse="false", limit="2")
        self.assertEqual(len(p1["data"]), 2)
        self.assertIn("next", p1["paging"])
        st, p2, _ = self.get(f"{root}/conversation", fields="id", reverse="false", limit="2",
                             after=p1["paging"]["cursors"]["after"])
        self.assertEqual([d["id"] for d in p2["data"]], [c["id"]])
        self.assertNotIn("next", p2["paging"])
        self.assertEqual(self.code(self.get(f"{root}/conversation", after="x", before="y")), 100)
        self.assertEqual(self.code(self.get(f"{root}/conversation", fields="nope")), 100)

    def test_own_replies_are_listed_and_answering_someone_counts_the_reply_quota(self):
        root = self.post("Mine")
        a = self.admin("reply", {"to": root, "text": "hello"})
        mine = self.post("thanks!", reply_to=a["id"])
        st, data, _ = self.get(f"{self.user}/replies", fields="id,text,replied_to,is_reply_owned_by_me")
        self.assertEqual(st, 200, data)
        self.assertEqual(data["data"], [{"id": mine, "text": "thanks!", "replied_to": {"id": a["id"]},
                                         "is_reply_owned_by_me": True}])
        st, q, _ = self.get(f"{self.user}/threads_publishing_limit", fields="reply_quota_usage,reply_config")
        self.assertEqual(q["data"][0]["reply_quota_usage"], 1)
        st, posts, _ = self.get(f"{self.user}/threads", fields="id,text")
        self.assertEqual([p["id"] for p in posts["data"]], [root])

    def test_scopes_are_required(self):
        root = self.post("x")
        t = self.admin("token", {"scopes": ["threads_basic", "threads_content_publish"]})["access_token"]
        self.assertEqual(self.code(self.call("GET", f"{self.v}/{root}/conversation", token=t)), 10)
        self.assertEqual(self.code(self.call("GET", f"{self.v}/{self.user}/mentions", token=t)), 10)
        self.assertEqual(self.code(self.call("GET", f"{self.v}/{root}/insights?metric=likes", token=t)), 10)

    def test_mentions_since_bounds_and_order(self):
        old = self.admin("mention", {"text": "hi @outpost.tester", "at": 1_760_000_000})
        new = self.admin("mention", {"text": "again", "at": 1_760_000_500})
        st, data, _ = self.get(f"{self.user}/mentions", fields="id,text,username")
        self.assertEqual([d["id"] for d in data["data"]], [new["id"], old["id"]])
        st, data, _ = self.get(f"{self.user}/mentions", fields="id", since="1760000100")
        self.assertEqual([d["id"] for d in data["data"]], [new["id"]])
        self.assertEqual(self.code(self.get(f"{self.user}/mentions", since="1000")), 100)
        self.assertEqual(self.code(self.get(f"{self.user}/mentions", until=str(int(time.time()) + 9999))), 100)

    def test_insights_shapes_unknown_metric_and_deleted_media(self):
        root = self.post("counted")
        self.admin("insights", {"id": root, "views": 120, "likes": 7, "shares": 2})
        st, data, _ = self.get(f"{root}/insights", metric="views,likes,replies,reposts,quotes,shares")
        self.assertEqual(st, 200, data)
        got = {d["name"]: d["values"][0]["value"] for d in data["data"]}
        self.assertEqual(got, {"views": 120, "likes": 7, "replies": 0, "reposts": 0, "quotes": 0, "shares": 2})
        self.assertEqual(self.code(self.get(f"{root}/insights", metric="saves")), 100)
        self.admin("user-insights", {"followers_count": 321, "views": 40})
        st, u, _ = self.get(f"{self.user}/threads_insights", metric="followers_count,views")
        by = {d["name"]: d for d in u["data"]}
        self.assertEqual(by["followers_count"]["total_value"]["value"], 321)
        self.assertEqual(by["views"]["values"][-1]["value"], 40)
        self.assertEqual(self.code(self.get(f"{self.user}/threads_insights", metric="views", since="1000")), 100)
        self.admin("delete", {"id": root})
        st, err, _ = self.get(f"{root}/insights", metric="likes")
        self.assertEqual((st, err["error"]["code"], err["error"]["error_subcode"]), (400, 100, 33))


if __name__ == "__main__":
    unittest.main()
