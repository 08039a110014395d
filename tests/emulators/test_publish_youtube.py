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


if __name__ == "__main__":
    unittest.main()
