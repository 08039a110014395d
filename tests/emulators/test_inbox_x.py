"""The X inbox/metrics routes (platforms/x_inbox.py) against their docs: paging, scopes, error shapes."""

from __future__ import annotations

import http.client
import json
import os
import sys
import unittest
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import core  # noqa: E402


class XInboxRoutes(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("x")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.token = self.admin("x-token", {"scopes": ["tweet.read", "tweet.write", "users.read", "dm.read",
                                                       "dm.write"]})["access_token"]
        self.me = self.emu.user["id"]

    def req(self, method, path, body=None, token=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        h = {"Authorization": f"Bearer {token or self.token}"}
        data = None
        if body is not None:
            data, h["Content-Type"] = json.dumps(body).encode(), "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = (r.status, json.loads(r.read() or b"null"))
        c.close()
        return out

    def admin(self, name, body=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        c.request("POST", f"/__emulator/{name}", body=json.dumps(body or {}).encode(),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = json.loads(r.read())
        c.close()
        self.assertEqual(r.status, 200, data)
        return data

    def get(self, path, **q):
        return self.req("GET", f"{path}?{urlencode(q)}" if q else path)

    def test_mentions_page_newest_first_with_since_id_and_tokens(self):
        own = self.admin("x-own-post", {"text": "my launch"})["id"]
        ids = [self.admin("x-mention", {"text": f"@outpost_tester {i}", "author": {"username": f"u{i}"}})["id"]
               for i in range(7)]
        reply = self.admin("x-mention", {"text": "nice", "reply_to": own})
        status, page = self.get(f"/2/users/{self.me}/mentions", max_results=5,
                                expansions="author_id,referenced_tweets.id",
                                **{"tweet.fields": "created_at,conversation_id,referenced_tweets,author_id",
                                   "user.fields": "profile_image_url"})
        self.assertEqual(status, 200, page)
        self.assertEqual([t["id"] for t in page["data"]], [reply["id"], *reversed(ids)][:5])
        self.assertEqual(page["data"][0]["conversation_id"], own)
        self.assertEqual(page["includes"]["tweets"][0]["id"], own)
        self.assertIn("profile_image_url", page["includes"]["users"][0])
        status, rest = self.get(f"/2/users/{self.me}/mentions", max_results=5,
                                pagination_token=page["meta"]["next_token"])
        self.assertEqual([t["id"] for t in rest["data"]], list(reversed(ids))[4:])
        self.assertNotIn("next_token", rest["meta"])
        status, none = self.get(f"/2/users/{self.me}/mentions", since_id=reply["id"])
        self.assertEqual(none, {"meta": {"result_count": 0}})
        self.assertEqual(self.get(f"/2/users/{self.me}/mentions", max_results=4)[0], 400)
        self.assertEqual(self.get(f"/2/users/{self.me}/mentions", pagination_token="nope")[0], 400)
        self.assertEqual(self.get(f"/2/users/{self.me}/mentions", bogus=1)[0], 400)

    def test_scopes_and_dm_access(self):
        weak = self.admin("x-token", {"scopes": ["tweet.read", "users.read"]})["access_token"]
        self.assertEqual(self.req("GET", "/2/dm_events", token=weak)[0], 403)
        self.admin("x-dm", {"text": "hi there", "sender": {"username": "bob"}})
        status, page = self.get("/2/dm_events", expansions="sender_id",
                                **{"dm_event.fields": "dm_conversation_id,created_at,sender_id"})
        self.assertEqual(status, 200, page)
        ev = page["data"][0]
        self.assertEqual(ev["text"], "hi there")
        status, sent = self.req("POST", f"/2/dm_conversations/{ev['dm_conversation_id']}/messages", {"text": "hey"})
        self.assertEqual(status, 201, sent)
        self.assertEqual(self.req("POST", "/2/dm_conversations/1-2/messages", {"text": "x"})[0], 400)
        self.admin("x-dm-access", {"allowed": False})
        status, body = self.get("/2/dm_events")
        self.assertEqual(status, 403)
        self.assertEqual(body["type"], "https://api.twitter.com/2/problems/client-forbidden")

    def test_metrics_30_days_and_deleted(self):
        fresh = self.admin("x-own-post", {"text": "new"})["id"]
        old = self.admin("x-own-post", {"text": "old", "age_days": 40})["id"]
        gone = self.admin("x-own-post", {"text": "gone"})["id"]
        self.admin("x-delete", {"id": gone})
        self.admin("x-metrics", {"id": fresh, "public": {"like_count": 3}, "non_public": {"url_link_clicks": 2}})
        fields = "public_metrics,non_public_metrics,organic_metrics"
        status, v = self.get("/2/tweets", ids=f"{fresh},{old},{gone}", **{"tweet.fields": fields})
        self.assertEqual(status, 200)
        self.assertEqual([d["id"] for d in v["data"]], [fresh])
        self.assertEqual(v["data"][0]["public_metrics"]["like_count"], 3)
        self.assertEqual(v["data"][0]["non_public_metrics"]["url_link_clicks"], 2)
        titles = {e["resource_id"]: e["title"] for e in v["errors"]}
        self.assertEqual(titles, {old: "Field Authorization Error", gone: "Not Found Error"})
        status, v = self.get("/2/tweets", ids=old, **{"tweet.fields": "public_metrics"})
        self.assertEqual(v["data"][0]["id"], old)
        self.assertEqual(self.get("/2/tweets", ids=",".join(["1"] * 101))[0], 400)
        self.admin("x-account", {"followers_count": 12})
        status, me = self.get("/2/users/me", **{"user.fields": "public_metrics"})
        self.assertEqual(me["data"]["public_metrics"]["followers_count"], 12)


if __name__ == "__main__":
    unittest.main()
