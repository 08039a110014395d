"""The X emulator's publishing endpoints are strict: posts, the v2 chunked media upload, alt text,
limits and X's error shapes. `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import http.client
import json
import os
import sys
import unittest
from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402

BOUNDARY = "b0undary"


def multipart(parts: list[tuple[str, bytes, str | None]]) -> bytes:
    out = b""
    for name, data, filename in parts:
        out += f"--{BOUNDARY}\r\n".encode()
        disp = f'Content-Disposition: form-data; name="{name}"'
        if filename:
            disp += f'; filename="{filename}"\r\nContent-Type: application/octet-stream'
        out += disp.encode() + b"\r\n\r\n" + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


class XPublishing(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("x")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.token = self.admin("x-token", {})["access_token"]

    # -- HTTP
    def call(self, method, path, body: bytes | None = None, ctype: str | None = None, token: str | None = "default",
             query=None):
        if query:
            path += "?" + urlencode(query)
        h = {}
        if token == "default":
            token = self.token
        if token:
            h["Authorization"] = f"Bearer {token}"
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        raw = r.read()
        headers = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        try:
            data = json.loads(raw)
        except ValueError:
            data = raw
        return r.status, data, headers

    def js(self, method, path, obj, **kw):
        return self.call(method, path, json.dumps(obj).encode(), "application/json", **kw)

    def admin(self, name, body=None):
        if body is None:
            st, data, _ = self.call("GET", f"/__emulator/{name}", token=None)
        else:
            st, data, _ = self.js("POST", f"/__emulator/{name}", body, token=None)
        self.assertEqual(st, 200, data)
        return data

    def init(self, media_type="image/png", total=10, category="tweet_image"):
        return self.js("POST", "/2/media/upload/initialize",
                       {"media_type": media_type, "total_bytes": total, "media_category": category})

    def append(self, mid, idx, data: bytes):
        body = multipart([("segment_index", str(idx).encode(), None), ("media", data, "blob")])
        return self.call("POST", f"/2/media/upload/{mid}/append", body, f"multipart/form-data; boundary={BOUNDARY}")

    def uploaded(self, data=b"x" * 10, **kw) -> str:
        st, d, _ = self.init(total=len(data), **kw)
        self.assertEqual(st, 200, d)
        mid = d["data"]["id"]
        self.assertEqual(self.append(mid, 0, data)[0], 200)
        self.assertEqual(self.call("POST", f"/2/media/upload/{mid}/finalize")[0], 200)
        return mid

    # -- posts
    def test_text_post_and_reply_chain(self):
        st, d, _ = self.js("POST", "/2/tweets", {"text": "hello"})
        self.assertEqual(st, 201)
        first = d["data"]["id"]
        self.assertEqual(d["data"]["text"], "hello")
        st, d, _ = self.js("POST", "/2/tweets", {"text": "reply", "reply": {"in_reply_to_tweet_id": first}})
        self.assertEqual(st, 201)
        posts = self.admin("posts")
        self.assertEqual([p["in_reply_to_tweet_id"] for p in posts], [None, first])

    def test_post_rules(self):
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "x"}, token=None)[0], 401)
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "x"}, token="nope")[0], 401)
        self.assertEqual(self.call("POST", "/2/tweets", b"text=x", "application/x-www-form-urlencoded")[0], 400)
        self.assertEqual(self.js("POST", "/2/tweets", {})[0], 400)  # text or media required
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "x", "poll_x": 1})[0], 400)  # unknown field
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "a" * 281})[0], 400)
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "日" * 141})[0], 400)  # CJK weighs 2
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "日" * 140})[0], 201)
        url = "https://example.com/" + "a" * 300
        self.assertEqual(self.js("POST", "/2/tweets", {"text": url})[0], 201)  # a URL weighs 23
        st, d, _ = self.js("POST", "/2/tweets", {"text": "r", "reply": {"in_reply_to_tweet_id": "999"}})
        self.assertEqual(st, 400)
        self.assertIn("does not exist", d["errors"][0]["message"])
        st, d, _ = self.js("POST", "/2/tweets", {"text": "日" * 140})
        self.assertEqual(st, 403)
        self.assertIn("duplicate content", d["detail"])
        self.assertEqual(self.call("PUT", "/2/tweets")[0], 405)
        no_write = self.admin("x-token", {"scopes": ["tweet.read", "users.read"]})["access_token"]
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "y"}, token=no_write)[0], 403)

    def test_media_ids_must_be_finished_uploads(self):
        st, d, _ = self.init(total=10)
        mid = d["data"]["id"]
        # initialized but not finalized
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "p", "media": {"media_ids": [mid]}})[0], 400)
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "p", "media": {"media_ids": [int(mid)]}})[0], 400)
        imgs = [self.uploaded() for _ in range(5)]
        self.assertEqual(self.js("POST", "/2/tweets", {"media": {"media_ids": imgs}})[0], 400)  # > 4
        st, d, _ = self.js("POST", "/2/tweets", {"media": {"media_ids": imgs[:4]}})
        self.assertEqual(st, 201, d)
        vid = self.uploaded(category="tweet_video", media_type="video/mp4")
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "mix", "media": {"media_ids": [imgs[4], vid]}})[0], 400)

    # -- upload
    def test_initialize_is_strict(self):
        self.assertEqual(self.init(category="amplify")[0], 400)
        self.assertEqual(self.init(media_type="video/mp4", category="tweet_image")[0], 400)
        self.assertEqual(self.init(total=0)[0], 400)
        self.assertEqual(self.init(total=5 * 1024 * 1024 + 1)[0], 400)  # images ≤ 5 MB
        self.assertEqual(self.init(media_type="image/gif", category="tweet_gif", total=15 * 1024 * 1024)[0], 200)
        st, d, _ = self.js("POST", "/2/media/upload/initialize",
                           {"command": "INIT", "media_type": "image/png", "total_bytes": 1, "media_category": "tweet_image"})
        self.assertEqual(st, 400)
        no_media = self.admin("x-token", {"scopes": ["tweet.read", "tweet.write"]})["access_token"]
        self.assertEqual(self.init()[0], 200)
        st, _, _ = self.js("POST", "/2/media/upload/initialize",
                           {"media_type": "image/png", "total_bytes": 1, "media_category": "tweet_image"}, token=no_media)
        self.assertEqual(st, 403)
        self.assertEqual(self.call("POST", "/2/media/upload", b"command=INIT", "application/x-www-form-urlencoded")[0], 405)

    def test_segments_must_add_up_in_order(self):
        st, d, _ = self.init(media_type="video/mp4", category="tweet_video", total=6)
        mid = d["data"]["id"]
        self.assertEqual(self.append(mid, 1, b"abc")[0], 200)
        # segment 0 missing
        st, d, _ = self.call("POST", f"/2/media/upload/{mid}/finalize")
        self.assertEqual(st, 400)
        self.assertEqual(self.append(mid, 0, b"ab")[0], 200)
        st, d, _ = self.call("POST", f"/2/media/upload/{mid}/finalize")
        self.assertEqual(st, 400)
        self.assertIn("total file size", d["errors"][0]["message"])
        self.assertEqual(self.append(mid, 0, b"abc")[0], 200)  # a resent segment replaces the first
        self.assertEqual(self.append(mid, 2, b"x")[0], 400)  # would exceed total_bytes
        st, d, _ = self.call("POST", f"/2/media/upload/{mid}/finalize")
        self.assertEqual(st, 200, d)
        self.assertEqual(d["data"]["processing_info"]["state"], "pending")
        self.assertEqual(self.append(mid, 3, b"x")[0], 400)  # finalized

    def test_append_is_strict_multipart(self):
        st, d, _ = self.init(total=4)
        mid = d["data"]["id"]
        raw = multipart([("segment_index", b"0", None), ("media", b"abcd", "blob")])
        self.assertEqual(self.call("POST", f"/2/media/upload/{mid}/append", raw, "multipart/form-data")[0], 400)
        self.assertEqual(self.call("POST", f"/2/media/upload/{mid}/append", b"abcd", "application/octet-stream")[0], 400)
        body = multipart([("media", b"abcd", "blob")])
        self.assertEqual(self.call("POST", f"/2/media/upload/{mid}/append", body,
                                   f"multipart/form-data; boundary={BOUNDARY}")[0], 400)
        self.assertEqual(self.append(mid, 1000, b"abcd")[0], 400)
        self.assertEqual(self.append("1", 0, b"abcd")[0], 400)  # unknown id
        # a segment over 5 MB is refused
        big = self.init(media_type="video/mp4", category="tweet_video", total=6 * 1024 * 1024)[1]["data"]["id"]
        self.assertEqual(self.append(big, 0, b"v" * (5 * 1024 * 1024 + 1))[0], 400)
        self.assertEqual(self.append(big, 0, b"v" * (5 * 1024 * 1024))[0], 200)
        # other endpoints keep the 64 KiB body limit
        self.assertEqual(self.js("POST", "/2/tweets", {"text": "a" * 70000})[0], 413)

    def test_status_polling_and_alt_text(self):
        self.admin("x-processing", {"polls": 2, "check_after_secs": 3})
        vid = self.uploaded(category="tweet_video", media_type="video/mp4")
        q = {"command": "STATUS", "media_id": vid}
        states = []
        for _ in range(3):
            st, d, _ = self.call("GET", "/2/media/upload", query=q)
            self.assertEqual(st, 200)
            states.append(d["data"]["processing_info"]["state"])
        self.assertEqual(states, ["in_progress", "in_progress", "succeeded"])
        self.assertEqual(self.call("GET", "/2/media/upload", query={"command": "STATUSX", "media_id": vid})[0], 400)
        st, d, _ = self.js("POST", "/2/media/metadata", {"id": vid, "metadata": {"alt_text": {"text": "a clip"}}})
        self.assertEqual(st, 200, d)
        self.assertEqual(self.js("POST", "/2/media/metadata", {"id": vid, "metadata": {"alt_text": "a clip"}})[0], 400)
        self.assertEqual(self.js("POST", "/2/media/metadata",
                                 {"id": vid, "metadata": {"alt_text": {"text": "a" * 1001}}})[0], 400)
        self.assertEqual(self.admin("media")[0]["alt_text"], "a clip")
        self.admin("x-processing", {"polls": 0, "outcome": "failed"})
        bad = self.uploaded(category="tweet_video", media_type="video/mp4")
        st, d, _ = self.call("GET", "/2/media/upload", query={"command": "STATUS", "media_id": bad})
        self.assertEqual(d["data"]["processing_info"]["state"], "failed")
        self.assertIn("message", d["data"]["processing_info"]["error"])
        self.assertEqual(self.js("POST", "/2/tweets", {"media": {"media_ids": [bad]}})[0], 400)

    def test_video_too_long_and_rate_limit_and_garble(self):
        self.admin("x-processing", {"polls": 0, "video_too_long": True})
        vid = self.uploaded(category="tweet_video", media_type="video/mp4")
        self.call("GET", "/2/media/upload", query={"command": "STATUS", "media_id": vid})
        st, d, _ = self.js("POST", "/2/tweets", {"text": "v", "media": {"media_ids": [vid]}})
        self.assertEqual(st, 403)
        self.assertIn("not allowed to post a video longer than", d["detail"])
        self.admin("fail", {"path": "/2/tweets", "status": 429})
        st, d, h = self.js("POST", "/2/tweets", {"text": "rl"})
        self.assertEqual(st, 429)
        self.assertEqual(d["errors"][0]["code"], 88)
        self.assertEqual(h["x-rate-limit-remaining"], "0")
        self.assertGreater(int(h["x-rate-limit-reset"]), int(self.emu.now()))
        self.admin("x-garble", {"path": "/2/tweets"})
        st, d, _ = self.js("POST", "/2/tweets", {"text": "cut"})
        self.assertEqual(st, 201)
        self.assertIsInstance(d, bytes)  # not JSON any more
        self.assertEqual(len(self.admin("posts")), 1)  # the post was made all the same

    def test_reset_forgets_posts_and_media(self):
        self.js("POST", "/2/tweets", {"text": "one"})
        self.uploaded()
        self.admin("reset", {})
        self.assertEqual(self.admin("posts"), [])
        self.assertEqual(self.admin("media"), [])


if __name__ == "__main__":
    unittest.main()
