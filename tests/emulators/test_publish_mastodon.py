"""Strictness of the Mastodon emulator's publishing endpoints (reference §10)."""

from __future__ import annotations

import http.client
import json
import os
import sys
import unittest
from urllib.parse import urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import core  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 200


def multipart(fields: dict[str, bytes], files: dict[str, tuple[str, str, bytes]], boundary="b0undary"):
    out = b""
    for k, v in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode() + v + b"\r\n"
    for k, (fn, ct, data) in files.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename="{fn}"\r\n'
                f"Content-Type: {ct}\r\n\r\n").encode() + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class MastodonPublishTest(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("mastodon")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        o = urlsplit(self.emu.origin)
        self.host, self.port = o.hostname, o.port
        self.token = self.req("POST", "/__emulator/token", {})[1]["access_token"]

    def req(self, method, path, json_body=None, raw=None, ctype=None, token=None, headers=None):
        h = dict(headers or {})
        body = None
        if json_body is not None:
            body, h["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif raw is not None:
            body, h["Content-Type"] = raw, ctype
        if token:
            h["Authorization"] = f"Bearer {token}"
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
        finally:
            c.close()
        return r.status, (json.loads(data) if data else None), r

    def status(self, body, key=None):
        return self.req("POST", "/api/v1/statuses", body, token=self.token,
                        headers={"Idempotency-Key": key} if key else None)

    def upload(self, data, desc=None):
        raw, ct = multipart({"description": desc.encode()} if desc else {}, {"file": ("f", "x/y", data)})
        return self.req("POST", "/api/v2/media", raw=raw, ctype=ct, token=self.token)

    def test_instance_document(self):
        st, b, _ = self.req("GET", "/api/v2/instance")
        self.assertEqual(st, 200)
        self.assertEqual(b["configuration"]["statuses"]["max_characters"], 500)
        self.assertEqual(b["configuration"]["media_attachments"]["video_size_limit"], 103_809_024)

    def test_notifications_are_newest_first_filtered_and_paged_after_min_id(self):
        ids = [self.req("POST", "/__emulator/notify", {"type": t, "content": "<p>x</p>"})[1]["id"]
               for t in ("mention", "favourite", "mention", "mention")]
        st, b, _ = self.req("GET", "/api/v1/notifications?types[]=mention", token=self.token)
        self.assertEqual((st, [n["id"] for n in b]), (200, [ids[3], ids[2], ids[0]]))
        _, b, _ = self.req("GET", f"/api/v1/notifications?types[]=mention&min_id={ids[0]}&limit=1", token=self.token)
        self.assertEqual([n["id"] for n in b], [ids[2]], "min_id: the page just after it")
        _, b, _ = self.req("GET", f"/api/v1/notifications?since_id={ids[0]}&limit=1", token=self.token)
        self.assertEqual([n["id"] for n in b], [ids[3]], "since_id: the newest after it")
        self.assertEqual(self.req("GET", "/api/v1/notifications", token="nope")[0], 401)
        self.assertEqual(self.req("GET", "/api/v1/notifications?types[]=bogus", token=self.token)[0], 422)
        self.assertEqual(self.req("GET", "/api/v1/notifications?min_id=abc", token=self.token)[0], 422)
        st, _, _ = self.req("GET", "/api/v1/notifications",
                            token=self.req("POST", "/__emulator/token", {"scopes": ["write"]})[1]["access_token"])
        self.assertEqual(st, 403, "needs read or read:notifications")

    def test_a_notified_status_exists_and_can_be_answered(self):
        n = self.req("POST", "/__emulator/notify", {"content": "<p>psst</p>", "visibility": "direct"})[1]
        sid = n["status"]["id"]
        st, b, _ = self.req("GET", f"/api/v1/statuses/{sid}", token=self.token)
        self.assertEqual((st, b["visibility"], b["account"]["acct"]), (200, "direct", "alice@elsewhere.example"))
        st, b, _ = self.status({"status": "@alice@elsewhere.example hi", "in_reply_to_id": sid, "visibility": "direct"})
        self.assertEqual((st, b["in_reply_to_id"], b["in_reply_to_account_id"]), (200, sid, n["account"]["id"]))
        own = self.req("GET", "/__emulator/posts")[1]
        self.assertEqual([p["text"] for p in own], ["@alice@elsewhere.example hi"], "someone else's status is not ours")
        self.assertEqual(self.req("POST", "/__emulator/notify", {"content": "x", "visibility": "secret"})[0] // 100, 4)

    def test_auth_and_text_limit(self):
        self.assertEqual(self.req("POST", "/api/v1/statuses", {"status": "x"}, token="nope")[1],
                         {"error": "The access token is invalid"})
        st, b, _ = self.status({"status": "a" * 501})
        self.assertEqual((st, b["error"]), (422, "Validation failed: Text character limit of 500 exceeded"))
        st, b, _ = self.status({"status": "a" * 490, "spoiler_text": "b" * 11})
        self.assertEqual(st, 422, "the content warning counts")
        self.assertEqual(self.status({"status": " "})[0], 422)
        self.assertEqual(self.status({"status": "x", "visibility": "everyone"})[0], 422)
        self.assertEqual(self.status({"status": "x", "bogus": 1})[0], 422)

    def test_idempotency_key_kept_one_hour(self):
        st, a, _ = self.status({"status": "hi"}, key="k1")
        self.assertEqual(st, 200)
        _, b, _ = self.status({"status": "hi"}, key="k1")
        self.assertEqual(a["id"], b["id"])
        self.req("POST", "/__emulator/clock", {"advance_seconds": 3601})
        _, c, _ = self.status({"status": "hi"}, key="k1")
        self.assertNotEqual(a["id"], c["id"])
        self.assertEqual(len(self.req("GET", "/__emulator/posts")[1]), 2)

    def test_media_sync_async_and_attachment_rules(self):
        st, img, _ = self.upload(PNG, "alt")
        self.assertEqual(st, 200)
        self.assertIsNotNone(img["url"])
        self.assertEqual(img["description"], "alt")
        st, vid, _ = self.upload(MP4)
        self.assertEqual((st, vid["url"]), (202, None))
        st, b, _ = self.status({"status": "v", "media_ids": [vid["id"]]})
        self.assertEqual((st, b["error"][:30]), (422, "Cannot attach files that have "))
        self.assertEqual(self.req("GET", f"/api/v1/media/{vid['id']}", token=self.token)[0], 206)
        self.assertEqual(self.req("GET", f"/api/v1/media/{vid['id']}", token=self.token)[0], 206)
        self.assertEqual(self.req("GET", f"/api/v1/media/{vid['id']}", token=self.token)[0], 200)
        self.assertEqual(self.status({"status": "v", "media_ids": [img["id"], vid["id"]]})[0], 422, "no mixing")
        self.assertEqual(self.status({"status": "v", "media_ids": [vid["id"]]})[0], 200)
        st, b, _ = self.status({"status": "again", "media_ids": [vid["id"]]})
        self.assertEqual(st, 422, "already attached")
        self.assertEqual(self.upload(b"not media")[0], 422)
        self.assertEqual(self.req("POST", "/api/v2/media", {"file": "x"}, token=self.token)[0], 422)
        self.req("POST", "/__emulator/instance", {"image_size_limit": 100})
        self.assertEqual(self.upload(PNG)[0], 422)

    def test_large_upload_accepted_and_threads_and_scheduling(self):
        st, _, _ = self.upload(PNG + b"\0" * 300_000)
        self.assertEqual(st, 200, "bodies above 64 KiB are accepted on the media endpoint")
        _, a, _ = self.status({"status": "one"})
        _, b, _ = self.status({"status": "two", "in_reply_to_id": a["id"]})
        self.assertEqual(b["in_reply_to_id"], a["id"])
        self.assertEqual(self.status({"status": "x", "in_reply_to_id": "999"})[0], 404)
        now = self.emu.now()
        soon = self.emu.platform.iso(now + 60)
        self.assertEqual(self.status({"status": "s", "scheduled_at": soon})[0], 422)
        st, s, _ = self.status({"status": "s", "scheduled_at": self.emu.platform.iso(now + 3600)})
        self.assertEqual(st, 200)
        self.assertEqual(set(s), {"id", "scheduled_at", "params", "media_attachments"})

    def schedule(self, offset, text="s", **extra):
        at = self.emu.platform.iso(self.emu.now() + offset)
        return self.status({"status": text, "scheduled_at": at, **extra})

    def test_scheduled_statuses_list_get_update_delete(self):
        st, s, _ = self.schedule(3600)
        self.assertEqual(st, 200)
        path = f"/api/v1/scheduled_statuses/{s['id']}"
        st, lst, _ = self.req("GET", "/api/v1/scheduled_statuses", token=self.token)
        self.assertEqual((st, [x["id"] for x in lst]), (200, [s["id"]]))
        self.assertEqual(self.req("GET", "/api/v1/scheduled_statuses")[0], 401, "a token is required")
        self.assertEqual(self.req("GET", path, token=self.token)[1], s)
        # Mastodon refuses a time 5 minutes ahead or less, with its validation message (clock frozen for
        # the exact boundary).
        frozen = float(int(self.emu.now()))
        self.emu.now = lambda: frozen
        for too_soon in (60, 300):
            at = self.emu.platform.iso(frozen + too_soon)
            st, b, _ = self.req("PUT", path, {"scheduled_at": at}, token=self.token)
            self.assertEqual((st, b), (422, {"error": "Validation failed: Scheduled at The scheduled date must be "
                                                      "in the future"}))
        st, b, _ = self.req("PUT", path, {"scheduled_at": self.emu.platform.iso(frozen + 301)}, token=self.token)
        self.assertEqual(st, 200, "just over 5 minutes")
        st, b, _ = self.req("PUT", path, {"scheduled_at": "next tuesday"}, token=self.token)
        self.assertEqual(st, 422)
        later = self.emu.platform.iso(self.emu.now() + 7200)
        self.assertEqual(self.req("PUT", path, {"scheduled_at": later, "status": "y"}, token=self.token)[0], 422,
                         "only scheduled_at can change")
        read_only = self.req("POST", "/__emulator/token", {"scopes": ["read"]})[1]["access_token"]
        self.assertEqual(self.req("PUT", path, {"scheduled_at": later}, token=read_only)[0], 403)
        self.assertEqual(self.req("DELETE", path, token=read_only)[0], 403)
        st, b, _ = self.req("PUT", path, {"scheduled_at": later}, token=self.token)
        self.assertEqual((st, b["id"], b["scheduled_at"]), (200, s["id"], later))
        self.assertEqual(self.req("GET", path, token=self.token)[1]["scheduled_at"], later)
        # form-encoded, as the docs show
        st, b, _ = self.req("PUT", path, raw=b"scheduled_at=" + later.replace(":", "%3A").encode(),
                            ctype="application/x-www-form-urlencoded", token=self.token)
        self.assertEqual((st, b["scheduled_at"]), (200, later))
        self.assertEqual(self.req("DELETE", path, token=self.token)[:2], (200, {}))
        self.assertEqual(self.req("GET", path, token=self.token)[:2], (404, {"error": "Record not found"}))
        self.assertEqual(self.req("DELETE", path, token=self.token)[0], 404, "already gone")
        self.assertEqual(self.req("PUT", path, {"scheduled_at": later}, token=self.token)[0], 404)
        self.assertEqual(self.req("GET", "/__emulator/scheduled")[1], [])

    def test_another_accounts_scheduled_status_is_not_found(self):
        _, s, _ = self.schedule(3600)
        self.req("POST", "/__emulator/user", {"id": "42", "name": "Other", "username": "other"})
        other = self.req("POST", "/__emulator/token", {})[1]["access_token"]
        path = f"/api/v1/scheduled_statuses/{s['id']}"
        self.assertEqual(self.req("GET", path, token=other)[0], 404)
        self.assertEqual(self.req("DELETE", path, token=other)[0], 404)
        self.assertEqual(self.req("GET", "/api/v1/scheduled_statuses", token=other)[1], [])

    def test_a_scheduled_status_is_published_when_the_clock_passes(self):
        _, img, _ = self.upload(PNG)
        _, s, _ = self.schedule(600, "later", media_ids=[img["id"]])
        self.assertEqual(self.req("GET", "/__emulator/posts")[1], [])
        # The emulator's clock also moves with real time: a margin a loaded machine cannot eat.
        self.req("POST", "/__emulator/clock", {"advance_seconds": 590})
        self.assertEqual(len(self.req("GET", "/api/v1/scheduled_statuses", token=self.token)[1]), 1)
        self.req("POST", "/__emulator/clock", {"advance_seconds": 20})
        self.assertEqual(self.req("GET", "/api/v1/scheduled_statuses", token=self.token)[1], [])
        self.assertEqual(self.req("GET", f"/api/v1/scheduled_statuses/{s['id']}", token=self.token)[0], 404)
        posts = self.req("GET", "/__emulator/posts")[1]
        self.assertEqual(len(posts), 1)
        self.assertEqual((posts[0]["text"], posts[0]["from_scheduled"]), ("later", s["id"]))
        self.assertNotEqual(posts[0]["id"], s["id"], "the status has its own id")
        self.assertEqual(self.req("GET", "/__emulator/media")[1][0]["status_id"], posts[0]["id"])

    def test_scheduled_limits_per_day(self):
        self.emu.platform.SCHEDULED_DAILY_LIMIT = 2
        day = 86400 * 3
        base = self.emu.now() + day - (self.emu.now() + day) % 86400 + 3600  # 01:00 UTC, three days ahead
        at = lambda t: self.emu.platform.iso(t)  # noqa: E731
        self.assertEqual(self.status({"status": "a", "scheduled_at": at(base)})[0], 200)
        _, b, _ = self.status({"status": "b", "scheduled_at": at(base + 60)})
        st, e, _ = self.status({"status": "c", "scheduled_at": at(base + 120)})
        self.assertEqual((st, e["error"]), (422, "Validation failed: You have exceeded the limit of 2 scheduled "
                                                 "posts for today"))
        self.assertEqual(self.status({"status": "c", "scheduled_at": at(base + 86400)})[0], 200, "another day")
        path = f"/api/v1/scheduled_statuses/{b['id']}"
        self.assertEqual(self.req("PUT", path, {"scheduled_at": at(base + 300)}, token=self.token)[0], 200,
                         "moving within its own day does not count itself")
        self.assertEqual(self.status({"status": "d", "scheduled_at": at(base + 86400 + 30)})[0], 200)
        self.assertEqual(self.req("PUT", path, {"scheduled_at": at(base + 86400 + 60)}, token=self.token)[0], 422,
                         "the other day is full")

    def test_metrics_change_between_reads_and_follow_visibility(self):
        _, pub, _ = self.status({"status": "public one"})
        _, priv, _ = self.status({"status": "followers only", "visibility": "private"})
        st, b, _ = self.req("GET", f"/api/v1/statuses/{pub['id']}")
        self.assertEqual((st, b["favourites_count"], b["reblogs_count"], b["replies_count"]), (200, 0, 0, 0))
        self.req("POST", "/__emulator/engage", {"id": pub["id"], "favourites": 9, "replies": 2})
        _, b, _ = self.req("GET", f"/api/v1/statuses/{pub['id']}", token=self.token)
        self.assertEqual((b["favourites_count"], b["reblogs_count"], b["replies_count"]), (9, 0, 2))
        self.assertEqual(self.req("GET", f"/api/v1/statuses/{pub['id']}", token="nope")[0], 401,
                         "a token that is sent must be valid")
        self.assertEqual(self.req("GET", f"/api/v1/statuses/{priv['id']}")[0], 404, "private: hidden without a token")
        self.assertEqual(self.req("GET", f"/api/v1/statuses/{priv['id']}", token=self.token)[0], 200)
        self.assertEqual(self.req("POST", "/__emulator/engage", {"id": pub["id"], "favourites": -1})[0], 400)
        self.req("POST", "/__emulator/followers", {"followers": 321, "following": 4})
        _, me, _ = self.req("GET", "/api/v1/accounts/verify_credentials", token=self.token)
        self.assertEqual((me["followers_count"], me["following_count"], me["statuses_count"]), (321, 4, 2))
        self.req("POST", "/__emulator/delete_status", {"id": pub["id"]})
        self.assertEqual(self.req("GET", f"/api/v1/statuses/{pub['id']}", token=self.token)[0], 404)

    def test_rate_limit_headers_and_garble(self):
        self.req("POST", "/__emulator/fail", {"path": "/api/v1/statuses", "status": 429})
        st, b, r = self.status({"status": "x"})
        self.assertEqual(st, 429)
        self.assertIsNone(r.getheader("Retry-After"))
        self.assertRegex(r.getheader("X-RateLimit-Reset"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
        self.req("POST", "/__emulator/garble", {"path": "/api/v1/statuses"})
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        c.request("POST", "/api/v1/statuses", body=b'{"status":"y"}',
                  headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        data = c.getresponse().read()
        c.close()
        with self.assertRaises(ValueError):
            json.loads(data)


if __name__ == "__main__":
    unittest.main()
