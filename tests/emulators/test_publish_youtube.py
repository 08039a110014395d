"""The YouTube emulator's publishing endpoints are strict: the resumable upload protocol (session,
Content-Range chunks of 256 KiB multiples, 308 + Range, status queries, a connection dropped mid
chunk), video metadata rules (title, publishAt only when private), thumbnails and Google's error
shapes (quotaExceeded, uploadLimitExceeded). `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import sys
import unittest
from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402

KIB = 1024
START = "/upload/youtube/v3/videos?" + urlencode({"uploadType": "resumable", "part": "snippet,status"})


class YouTubePublishing(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("youtube")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.token = self.admin("token", {})["access_token"]

    def call(self, method, path, body=b"", headers=None, token="default"):
        h = dict(headers or {})
        token = self.token if token == "default" else token
        if token:
            h["Authorization"] = f"Bearer {token}"
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        c.request(method, path, body=body, headers=h)
        try:
            r = c.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            c.close()
            return 0, None, {}
        raw = r.read()
        hs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        try:
            data = json.loads(raw)
        except ValueError:
            data = raw
        return r.status, data, hs

    def admin(self, name, body=None):
        if body is None:
            st, data, _ = self.call("GET", f"/__emulator/{name}", token=None)
        else:
            st, data, _ = self.call("POST", f"/__emulator/{name}", json.dumps(body).encode(),
                                    {"Content-Type": "application/json"}, token=None)
        self.assertEqual(st, 200, data)
        return data

    def start(self, total, meta=None, **kw):
        meta = meta or {"snippet": {"title": "T", "description": "d", "tags": ["a"], "categoryId": "22"},
                        "status": {"privacyStatus": "public"}}
        return self.call("POST", START, json.dumps(meta).encode(),
                         {"Content-Type": "application/json; charset=UTF-8", "X-Upload-Content-Length": str(total),
                          "X-Upload-Content-Type": "video/mp4"}, **kw)

    def session(self, total, **kw):
        st, data, hs = self.start(total, **kw)
        self.assertEqual(st, 200, data)
        loc = hs["location"]
        self.assertTrue(loc.startswith("https://www.googleapis.com/upload/youtube/v3/videos?"), loc)
        u = urlsplit(loc)
        return u.path + "?" + u.query

    def put(self, path, data, first, total):
        return self.call("PUT", path, data, {"Content-Range": f"bytes {first}-{first + len(data) - 1}/{total}"})

    def query(self, path, total):
        return self.call("PUT", path, b"", {"Content-Range": f"bytes */{total}"})

    def test_chunks_308_range_and_completion(self):
        total = 512 * KIB + 7
        data = bytes(i % 256 for i in range(total))
        s = self.session(total)
        st, _, hs = self.query(s, total)
        self.assertEqual(st, 308)
        self.assertNotIn("range", hs, "nothing stored yet")
        st, _, hs = self.put(s, data[:256 * KIB], 0, total)
        self.assertEqual((st, hs["range"]), (308, f"bytes=0-{256 * KIB - 1}"))
        st, body, _ = self.put(s, data[256 * KIB:], 256 * KIB, total)
        self.assertEqual(st, 200, body)
        self.assertEqual(body["kind"], "youtube#video")
        v = self.admin("videos")[0]
        self.assertEqual(v["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual(self.query(s, total)[0], 200, "a finished session answers with the video")

    def test_chunk_rules(self):
        total = 600 * KIB
        s = self.session(total)
        self.assertEqual(self.put(s, b"x" * 100 * KIB, 0, total)[0], 400, "not a 256 KiB multiple")
        self.assertEqual(self.put(s, b"x" * 256 * KIB, 256 * KIB, total)[0], 400, "skips bytes")
        self.assertEqual(self.put(s, b"x" * 256 * KIB, 0, total + 1)[0], 400, "wrong total")
        st, _, _ = self.call("PUT", s, b"x" * 10, {"Content-Range": f"bytes 0-99/{total}"})
        self.assertEqual(st, 400, "range does not match the body")
        self.assertEqual(self.put(s, b"x" * 256 * KIB, 0, total)[0], 308)

    def test_drop_mid_chunk_then_status_query(self):
        total = 1024 * KIB
        s = self.session(total)
        self.admin("youtube-publishing", {"drop_after": 300 * KIB + 5})
        self.assertEqual(self.put(s, b"x" * 256 * KIB, 0, total)[0], 308)
        self.assertEqual(self.put(s, b"x" * 512 * KIB, 256 * KIB, total)[0], 0, "connection dropped")
        st, _, hs = self.query(s, total)
        self.assertEqual((st, hs["range"]), (308, f"bytes=0-{300 * KIB + 4}"))

    def test_metadata_rules(self):
        bad_title = {"snippet": {"title": "a<b"}, "status": {"privacyStatus": "public"}}
        st, data, _ = self.start(10, bad_title)
        self.assertEqual((st, data["error"]["errors"][0]["reason"]), (400, "invalidTitle"))
        public_at = {"snippet": {"title": "t"}, "status": {"privacyStatus": "public",
                                                           "publishAt": "2100-01-01T00:00:00Z"}}
        st, data, _ = self.start(10, public_at)
        self.assertEqual((st, data["error"]["errors"][0]["reason"]), (400, "invalidPublishAt"))
        public_at["status"]["privacyStatus"] = "private"
        self.assertEqual(self.start(10, public_at)[0], 200)
        st, _, _ = self.call("POST", START, b"{}", {"Content-Type": "application/json", "X-Upload-Content-Length": "1",
                                                   "X-Upload-Content-Type": "text/plain"})
        self.assertEqual(st, 400)

    def test_category_must_be_assignable_and_the_audience_a_boolean(self):
        for cat in ("99", "18", "abc"):  # unknown, not assignable, malformed
            meta = {"snippet": {"title": "t", "categoryId": cat}, "status": {"privacyStatus": "public"}}
            st, data, _ = self.start(10, meta)
            self.assertEqual((st, data["error"]["errors"][0]["reason"]), (400, "invalidCategoryId"), cat)
        meta = {"snippet": {"title": "t", "categoryId": "27"},
                "status": {"privacyStatus": "public", "selfDeclaredMadeForKids": "yes"}}
        self.assertEqual(self.start(10, meta)[0], 400)
        meta["status"]["selfDeclaredMadeForKids"] = True
        self.assertEqual(self.start(10, meta)[0], 200)

    def test_errors(self):
        self.assertEqual(self.start(10, token=None)[0], 401)
        self.admin("youtube-publishing", {"quota_exceeded": True})
        st, data, _ = self.start(10)
        self.assertEqual((st, data["error"]["errors"][0]["reason"]), (403, "quotaExceeded"))
        self.admin("youtube-publishing", {"quota_exceeded": False, "upload_limit": 0})
        st, data, _ = self.start(10)
        self.assertEqual((st, data["error"]["errors"][0]["reason"]), (400, "uploadLimitExceeded"))
        t = self.admin("token", {"scopes": ["https://www.googleapis.com/auth/youtube.readonly"]})["access_token"]
        self.admin("youtube-publishing", {"upload_limit": None})
        self.assertEqual(self.start(10, token=t)[0], 403)

    def test_thumbnail(self):
        s = self.session(10)
        st, v, _ = self.put(s, b"0123456789", 0, 10)
        self.assertEqual(st, 200)
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 50
        path = "/upload/youtube/v3/thumbnails/set?videoId="
        self.assertEqual(self.call("POST", path + "nope", png, {"Content-Type": "image/png"})[0], 404)
        self.assertEqual(self.call("POST", path + v["id"], b"GIF89a", {"Content-Type": "image/gif"})[0], 400)
        self.assertEqual(self.call("POST", path + v["id"], png, {"Content-Type": "image/png"})[0], 200)
        self.assertEqual(self.admin("videos")[0]["thumbnail"]["bytes"], len(png))


    # -- videos.list / videos.update / videos.delete (scheduling handoff)
    MANAGE = ["https://www.googleapis.com/auth/youtube.force-ssl"]

    def video(self, status):
        meta = {"snippet": {"title": "T"}, "status": status}
        s = self.session(4, meta=meta)
        st, v, _ = self.put(s, b"abcd", 0, 4)
        self.assertEqual(st, 200, v)
        return v["id"]

    def iso(self, offset):
        from datetime import datetime, timezone
        return datetime.fromtimestamp(self.emu.now() + offset, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def update(self, body, token, part="status"):
        return self.call("PUT", "/youtube/v3/videos?part=" + part, json.dumps(body).encode(),
                         {"Content-Type": "application/json"}, token=token)

    def listed(self, vid, token=None):
        st, data, _ = self.call("GET", f"/youtube/v3/videos?part=status&id={vid}", token=token or self.token)
        self.assertEqual(st, 200, data)
        return data["items"]

    def test_list_status(self):
        vid = self.video({"privacyStatus": "private", "publishAt": self.iso(3600), "embeddable": False})
        items = self.listed(vid)
        self.assertEqual([i["id"] for i in items], [vid])
        st = items[0]["status"]
        self.assertEqual((st["privacyStatus"], st["publishAt"], st["embeddable"]), ("private", self.iso(3600), False))
        self.assertEqual(self.listed("nope"), [], "an unknown id is absent, not an error")
        self.assertEqual(self.call("GET", "/youtube/v3/videos?part=status")[0], 400, "a filter is required")
        self.assertEqual(self.call("GET", f"/youtube/v3/videos?id={vid}")[0], 400, "part is required")
        self.assertEqual(self.call("GET", f"/youtube/v3/videos?part=bogus&id={vid}")[0], 400)
        upload_only = self.admin("token", {"scopes": ["https://www.googleapis.com/auth/youtube.upload"]})
        self.assertEqual(self.call("GET", f"/youtube/v3/videos?part=status&id={vid}",
                                   token=upload_only["access_token"])[0], 403)
        self.assertEqual(self.admin("quota")["videos.list"], 2, "1 unit per successful call")

    def test_update_status_rules(self):
        vid = self.video({"privacyStatus": "private", "publishAt": self.iso(3600), "embeddable": False,
                          "selfDeclaredMadeForKids": False})
        tok = self.admin("token", {"scopes": self.MANAGE})["access_token"]
        later = self.iso(7200)

        def reason(resp):
            return resp[1]["error"]["errors"][0]["reason"]
        # youtube.upload alone cannot update
        self.assertEqual(self.update({"id": vid, "status": {"privacyStatus": "private", "publishAt": later}},
                                     self.token)[0], 403)
        # publishAt only with privacyStatus private (an omitted privacyStatus reverts to public)
        for st in ({"privacyStatus": "public", "publishAt": later}, {"publishAt": later}):
            r = self.update({"id": vid, "status": st}, tok)
            self.assertEqual((r[0], reason(r)), (400, "invalidPublishAt"), st)
        r = self.update({"id": vid, "status": {"privacyStatus": "private", "publishAt": self.iso(-5)}}, tok)
        self.assertEqual((r[0], reason(r)), (400, "invalidPublishAt"), "in the past")
        r = self.update({"id": vid, "status": {"privacyStatus": "private", "publishAt": "tomorrow"}}, tok)
        self.assertEqual(r[0], 400)
        r = self.update({"id": vid, "status": {"privacyStatus": "private", "bogus": 1}}, tok)
        self.assertEqual((r[0], reason(r)), (400, "invalid"), "unknown field")
        r = self.update({"id": vid, "status": {"privacyStatus": "private", "embeddable": "no"}}, tok)
        self.assertEqual(r[0], 400, "a boolean field")
        r = self.update({"id": vid, "snippet": {"title": "x"}, "status": {"privacyStatus": "private"}}, tok)
        self.assertEqual(r[0], 400, "a part the part parameter does not name")
        self.assertEqual(self.update({"status": {"privacyStatus": "private"}}, tok)[0], 400, "no id")
        r = self.update({"id": "nope", "status": {"privacyStatus": "private", "publishAt": later}}, tok)
        self.assertEqual((r[0], reason(r)), (404, "videoNotFound"))
        self.assertEqual(self.listed(vid)[0]["status"]["publishAt"], self.iso(3600), "nothing changed so far")
        # The whole part is replaced: fields left out revert (embeddable back to true).
        st, v, _ = self.update({"id": vid, "status": {"privacyStatus": "private", "publishAt": later,
                                                      "uploadStatus": "processed"}}, tok)
        self.assertEqual(st, 200, v)
        self.assertEqual((v["status"]["publishAt"], v["status"]["embeddable"]), (later, True))
        self.assertEqual(v["status"]["uploadStatus"], "uploaded", "read-only fields are ignored")
        self.assertNotIn("selfDeclaredMadeForKids", v["status"])
        st, v, _ = self.update({"id": vid, "status": {"privacyStatus": "private", "publishAt": later,
                                                      "embeddable": False}}, tok)
        self.assertEqual(self.listed(vid)[0]["status"]["embeddable"], False)
        self.assertEqual(self.admin("quota")["videos.update"], 100)

    def test_scheduled_video_goes_public_when_the_clock_passes(self):
        vid = self.video({"privacyStatus": "private", "publishAt": self.iso(600)})
        # publishAt is whole seconds (rounded down) and the emulator's clock also moves with real
        # time, so the check before it keeps a margin a loaded machine cannot eat.
        self.admin("clock", {"advance_seconds": 590})
        self.assertEqual(self.listed(vid)[0]["status"]["privacyStatus"], "private")
        self.admin("clock", {"advance_seconds": 20})
        st = self.listed(vid)[0]["status"]
        self.assertEqual(st["privacyStatus"], "public")
        self.assertNotIn("publishAt", st)
        self.assertEqual(self.admin("videos")[0]["status"]["privacyStatus"], "public")

    def test_delete(self):
        vid = self.video({"privacyStatus": "private", "publishAt": self.iso(3600)})
        tok = self.admin("token", {"scopes": self.MANAGE})["access_token"]
        self.assertEqual(self.call("DELETE", f"/youtube/v3/videos?id={vid}")[0], 403, "youtube.upload alone")
        self.assertEqual(self.call("DELETE", "/youtube/v3/videos", token=tok)[0], 400, "no id")
        self.admin("user", {"id": "UCsomeoneElse0000000000001", "name": "B", "username": "b"})
        other = self.admin("token", {"scopes": self.MANAGE})["access_token"]
        self.assertEqual(self.call("DELETE", f"/youtube/v3/videos?id={vid}", token=other)[0], 403)
        self.assertEqual(self.listed(vid, other), [], "another channel's private video is not listed")
        st, body, _ = self.call("DELETE", f"/youtube/v3/videos?id={vid}", token=tok)
        self.assertEqual((st, body), (204, b""))
        st, body, _ = self.call("DELETE", f"/youtube/v3/videos?id={vid}", token=tok)
        self.assertEqual((st, body["error"]["errors"][0]["reason"]), (404, "videoNotFound"))
        self.assertEqual(self.admin("videos"), [])
        self.assertEqual([v["id"] for v in self.admin("deleted-videos")], [vid])
        self.admin("youtube-publishing", {"quota_exceeded": True})
        st, body, _ = self.call("DELETE", f"/youtube/v3/videos?id={vid}", token=tok)
        self.assertEqual((st, body["error"]["errors"][0]["reason"]), (403, "quotaExceeded"))
        self.assertEqual(self.admin("quota")["videos.delete"], 50)


if __name__ == "__main__":
    unittest.main()
