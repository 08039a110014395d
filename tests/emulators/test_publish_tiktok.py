"""The TikTok emulator's publishing endpoints are strict: JSON with charset UTF-8, bearer token and
scope, creator_info options, the unaudited-app restriction, TikTok's chunk rules and Content-Range
order, the status state machine with failure injection, PULL_FROM_URL fetched for real, rate
windows. `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import sys
import threading
import unittest
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402
from platforms.tiktok import MIB, chunk_problem  # noqa: E402

JSON = "application/json; charset=UTF-8"
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 200


def file_server(files: dict[str, bytes]):
    """A tiny HTTP server on 127.0.0.1 serving `files` by path (the user's media host)."""
    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


class TikTokPublishing(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("tiktok")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.token = self.admin("token", {})["access_token"]

    def call(self, method, path, body=None, ctype=JSON, token="default", headers=None):
        h = dict(headers or {})
        token = self.token if token == "default" else token
        if token:
            h["Authorization"] = f"Bearer {token}"
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection(self.host, self.port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        raw = r.read()
        c.close()
        try:
            return r.status, json.loads(raw)
        except ValueError:
            return r.status, raw

    def js(self, path, obj, **kw):
        return self.call("POST", path, json.dumps(obj).encode(), **kw)

    def admin(self, name, body=None):
        if body is None:
            st, data = self.call("GET", f"/__emulator/{name}", token=None, ctype=None)
        else:
            st, data = self.call("POST", f"/__emulator/{name}", json.dumps(body).encode(), "application/json",
                                 token=None)
        self.assertEqual(st, 200, data)
        return data

    def video_init(self, size, chunk=None, count=None, **info):
        chunk = size if chunk is None else chunk
        count = 1 if count is None else count
        post_info = {"title": "hi", "privacy_level": "SELF_ONLY", "disable_comment": False,
                     "disable_duet": False, "disable_stitch": False, "brand_content_toggle": False, **info}
        return self.js("/v2/post/publish/video/init/", {
            "post_info": post_info,
            "source_info": {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": chunk,
                            "total_chunk_count": count}})

    def put(self, url, data, first, total, ctype="video/mp4", last=None):
        last = first + len(data) - 1 if last is None else last
        u = urlsplit(url)
        self.assertEqual(u.netloc, "open-upload.tiktokapis.com")
        return self.call("PUT", f"{u.path}?{u.query}", data, ctype, token=None,
                         headers={"Content-Range": f"bytes {first}-{last}/{total}"})

    def status(self, pid):
        st, b = self.js("/v2/post/publish/status/fetch/", {"publish_id": pid})
        self.assertEqual(st, 200, b)
        return b["data"]

    # -- request shape and auth
    def test_json_needs_charset_and_a_token_with_video_publish(self):
        st, b = self.call("POST", "/v2/post/publish/creator_info/query/", b"", "application/json")
        self.assertEqual((st, b["error"]["code"]), (400, "invalid_params"))
        st, b = self.call("POST", "/v2/post/publish/creator_info/query/", b"", token="nope")
        self.assertEqual((st, b["error"]["code"]), (401, "access_token_invalid"))
        t = self.admin("token", {"scopes": ["user.info.basic"]})["access_token"]
        st, b = self.call("POST", "/v2/post/publish/creator_info/query/", b"", token=t)
        self.assertEqual((st, b["error"]["code"]), (401, "scope_not_authorized"))
        st, b = self.call("POST", "/v2/post/publish/creator_info/query/", b"")
        self.assertEqual(st, 200)
        self.assertEqual(b["error"]["code"], "ok")
        self.assertIn("SELF_ONLY", b["data"]["privacy_level_options"])
        self.assertEqual(b["data"]["max_video_post_duration_sec"], 600)

    def test_creator_options_are_enforced(self):
        self.admin("tiktok-publishing", {"creator": {"privacy_level_options": ["SELF_ONLY"],
                                                     "comment_disabled": True}})
        st, b = self.video_init(1000, privacy_level="PUBLIC_TO_EVERYONE", disable_comment=True)
        self.assertEqual((st, b["error"]["code"]), (403, "privacy_level_option_mismatch"))
        st, b = self.video_init(1000, disable_comment=False)
        self.assertEqual((st, b["error"]["code"]), (400, "invalid_params"))
        self.assertIn("disable_comment", b["error"]["message"])
        st, b = self.video_init(1000, disable_comment=True)
        self.assertEqual(st, 200, b)

    def test_unaudited_client_may_only_post_self_only(self):
        self.admin("tiktok-publishing", {"unaudited_clients": ["test-client"]})
        st, b = self.video_init(1000, privacy_level="PUBLIC_TO_EVERYONE")
        self.assertEqual((st, b["error"]["code"]), (403, "unaudited_client_can_only_post_to_private_accounts"))
        self.assertEqual(self.video_init(1000)[0], 200)
        other = self.admin("token", {"client_id": "audited-app"})["access_token"]
        self.token = other
        self.assertEqual(self.video_init(1000, privacy_level="PUBLIC_TO_EVERYONE")[0], 200)

    # -- chunk rules
    def test_chunk_rules(self):
        self.assertIsNone(chunk_problem(1000, 1000, 1))
        self.assertIsNotNone(chunk_problem(1000, 500, 2), "under 5 MB goes whole")
        self.assertIsNone(chunk_problem(30 * MIB, 30 * MIB, 1))
        self.assertIsNone(chunk_problem(70 * MIB, 16 * MIB, 4))
        self.assertIsNotNone(chunk_problem(70 * MIB, 70 * MIB, 1), "over 64 MB must be chunked")
        self.assertIsNotNone(chunk_problem(70 * MIB, 16 * MIB, 5), "count is floor(size/chunk)")
        self.assertIsNotNone(chunk_problem(70 * MIB, 4 * MIB, 17), "chunks are at least 5 MB")
        self.assertIsNotNone(chunk_problem(200 * MIB, 65 * MIB, 3), "chunks are at most 64 MB")
        self.assertIsNotNone(chunk_problem(6000 * MIB, 5 * MIB, 1200), "at most 1000 chunks (and 4 GB)")
        # (the 128 MB cap on the last chunk follows from the floor rule and the 64 MB cap)
        st, b = self.video_init(1000, 500, 2)
        self.assertEqual((st, b["error"]["code"]), (400, "invalid_params"))

    def test_chunks_in_order_with_exact_ranges_then_status_machine(self):
        size, chunk = 11 * MIB + 7, 5 * MIB
        data = bytes(i % 251 for i in range(size))
        st, b = self.video_init(size, chunk, 2)
        self.assertEqual(st, 200, b)
        pid, url = b["data"]["publish_id"], b["data"]["upload_url"]
        self.assertEqual(self.status(pid)["status"], "PROCESSING_UPLOAD")
        # Out of order, wrong total, wrong type, wrong length: refused.
        self.assertEqual(self.put(url, data[chunk:], chunk, size)[0], 416)
        self.assertEqual(self.put(url, data[:chunk], 0, size + 1)[0], 400)
        self.assertEqual(self.put(url, data[:chunk], 0, size, ctype="application/octet-stream")[0], 400)
        self.assertEqual(self.put(url, data[:chunk - 1], 0, size)[0], 400)
        self.assertEqual(self.put(url, data[:chunk], 0, size, last=chunk)[0], 400)
        # The last chunk carries the trailing bytes.
        self.assertEqual(self.put(url, data[:chunk], 0, size)[0], 206)
        self.assertEqual(self.put(url, data[:chunk], 0, size)[0], 416, "a repeated chunk is out of order")
        self.assertEqual(self.put(url, data[chunk:], chunk, size)[0], 201)
        self.assertEqual(self.status(pid)["status"], "PROCESSING_UPLOAD")  # one poll of processing
        d = self.status(pid)
        self.assertEqual(d["status"], "PUBLISH_COMPLETE")
        self.assertEqual(d["publicaly_available_post_id"], [], "a SELF_ONLY post has no public id")
        import hashlib
        self.assertEqual(self.admin("posts")[0]["sha256"], hashlib.sha256(data).hexdigest())

    def test_failure_injection_and_unknown_publish_id(self):
        self.admin("tiktok-publishing", {"fail_reason": "duration_check_failed", "polls": 0})
        st, b = self.video_init(10)
        self.assertEqual(self.put(b["data"]["upload_url"], b"x" * 10, 0, 10)[0], 201)
        d = self.status(b["data"]["publish_id"])
        self.assertEqual((d["status"], d["fail_reason"]), ("FAILED", "duration_check_failed"))
        st, b = self.js("/v2/post/publish/status/fetch/", {"publish_id": "v_pub_file~nope"})
        self.assertEqual((st, b["error"]["code"]), (400, "invalid_params"))

    def test_rate_limit_per_minute(self):
        for _ in range(6):
            self.assertEqual(self.video_init(10)[0], 200)
        st, b = self.video_init(10)
        self.assertEqual((st, b["error"]["code"]), (429, "rate_limit_exceeded"))
        self.admin("clock", {"advance_seconds": 61})
        self.assertEqual(self.video_init(10)[0], 200)

    def test_commercial_content_disclosure_is_required_and_branded_content_is_never_private(self):
        info = {"title": "hi", "privacy_level": "SELF_ONLY", "disable_comment": False,
                "disable_duet": False, "disable_stitch": False}
        st, b = self.js("/v2/post/publish/video/init/", {
            "post_info": info,
            "source_info": {"source": "FILE_UPLOAD", "video_size": 1000, "chunk_size": 1000,
                            "total_chunk_count": 1}})
        self.assertEqual((st, b["error"]["code"]), (400, "invalid_params"))
        self.assertIn("brand_content_toggle", b["error"]["message"])
        st, b = self.video_init(1000, brand_content_toggle=True)
        self.assertEqual(st, 400)
        self.assertIn("cannot be set to private", b["error"]["message"])
        st, b = self.video_init(1000, brand_content_toggle=False, brand_organic_toggle="yes")
        self.assertEqual(st, 400)
        self.assertEqual(self.video_init(1000, brand_organic_toggle=True)[0], 200)

    # -- photos
    def photo(self, urls, **info):
        return self.js("/v2/post/publish/content/init/", {
            "post_info": {"title": "t", "description": "d", "privacy_level": "PUBLIC_TO_EVERYONE",
                          "disable_comment": False, "brand_content_toggle": False, **info},
            "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0, "photo_images": urls},
            "post_mode": "DIRECT_POST", "media_type": "PHOTO"})

    def test_photos_are_pulled_from_their_urls(self):
        fs, origin = file_server({"/a.jpg": JPEG, "/b.png": b"\x89PNG\r\n\x1a\n"})
        self.addCleanup(fs.server_close)
        self.addCleanup(fs.shutdown)
        st, b = self.photo([f"{origin}/a.jpg"])
        self.assertEqual(st, 200, b)
        pid = b["data"]["publish_id"]
        self.assertEqual(self.status(pid)["status"], "PROCESSING_DOWNLOAD")
        d = self.status(pid)
        self.assertEqual(d["status"], "PUBLISH_COMPLETE")
        self.assertEqual(len(d["publicaly_available_post_id"]), 1)
        self.assertEqual(self.admin("posts")[0]["photos"][0]["bytes"], len(JPEG))
        # A URL that cannot be fetched, or is not JPEG/WebP, fails the post.
        for url, reason in ((f"{origin}/missing.jpg", "photo_pull_failed"),
                            (f"{origin}/b.png", "file_format_check_failed")):
            st, b = self.photo([url])
            d = self.status(b["data"]["publish_id"])
            self.assertEqual((d["status"], d.get("fail_reason")), ("FAILED", reason))

    def test_photo_shape_and_url_ownership(self):
        st, b = self.photo([])
        self.assertEqual(st, 400)
        st, b = self.photo(["http://127.0.0.1:9/a.jpg"], title="x" * 91)
        self.assertEqual(st, 400)
        self.admin("tiktok-publishing", {"verified_url_prefixes": ["https://media.example/"]})
        st, b = self.photo(["http://127.0.0.1:9/a.jpg"])
        self.assertEqual((st, b["error"]["code"]), (403, "url_ownership_unverified"))


if __name__ == "__main__":
    unittest.main()
