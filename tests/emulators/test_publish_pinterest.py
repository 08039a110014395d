"""The Pinterest emulator's publishing endpoints are strict: boards with bookmark pagination, Pin
validation (board, lengths, media_source shapes, base64 content), image_url fetched for real, the
media registration → S3 POST form (every upload parameter, file last, no Authorization) → media
status machine, 429 with rate-limit headers. `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import base64
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
from test_publish_tiktok import file_server  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\1" * 100


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def form(fields: list[tuple[str, bytes]], boundary="XyZ"):
    out = b""
    for k, v in fields:
        fn = '; filename="v.mp4"' if k == "file" else ""
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"{fn}\r\n\r\n'.encode() + v + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class PinterestPublishing(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("pinterest")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.token = self.admin("token", {})["access_token"]
        self.board = self.call("GET", "/v5/boards")[1]["items"][0]["id"]

    def call(self, method, path, body=None, ctype=None, token="default", query=None):
        if query:
            path += "?" + urlencode(query)
        h = {}
        token = self.token if token == "default" else token
        if token:
            h["Authorization"] = f"Bearer {token}"
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection(self.host, self.port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        raw = r.read()
        hs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        try:
            return r.status, json.loads(raw), hs
        except ValueError:
            return r.status, raw, hs

    def js(self, path, obj, **kw):
        return self.call("POST", path, json.dumps(obj).encode(), "application/json", **kw)

    def admin(self, name, body=None):
        if body is None:
            st, data, _ = self.call("GET", f"/__emulator/{name}", token=None)
        else:
            st, data, _ = self.call("POST", f"/__emulator/{name}", json.dumps(body).encode(), "application/json",
                                    token=None)
        self.assertEqual(st, 200, data)
        return data

    def pin(self, media_source, **extra):
        return self.js("/v5/pins", {"board_id": self.board, "media_source": media_source, **extra})

    # -- boards
    def test_boards_paginate_with_bookmarks(self):
        self.admin("pinterest-boards", {"count": 7})
        seen, bm = [], None
        for _ in range(5):
            q = {"page_size": 3, **({"bookmark": bm} if bm else {})}
            st, b, _ = self.call("GET", "/v5/boards", query=q)
            self.assertEqual(st, 200, b)
            seen += [x["id"] for x in b["items"]]
            bm = b["bookmark"]
            if bm is None:
                break
        self.assertEqual(len(seen), 7)
        self.assertEqual(len(set(seen)), 7)
        self.assertEqual(self.call("GET", "/v5/boards", query={"page_size": 251})[0], 400)
        self.assertEqual(self.call("GET", "/v5/boards", query={"bookmark": "!!"})[0], 400)
        self.assertEqual(self.call("GET", "/v5/boards", token="bad")[1]["code"], 2)
        t = self.admin("token", {"scopes": ["pins:write"]})["access_token"]
        self.assertEqual(self.call("GET", "/v5/boards", token=t)[0], 403)

    # -- pins
    def test_image_base64_pin_and_validation(self):
        st, b, _ = self.pin({"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG)},
                            title="T", description="D", link="https://example.com/x", alt_text="alt")
        self.assertEqual(st, 201, b)
        stored = self.admin("pins")[0]
        self.assertEqual(stored["stored"]["images"], [hashlib.sha256(PNG).hexdigest()])
        self.assertEqual((stored["title"], stored["alt_text"]), ("T", "alt"))
        bad = [
            ({"source_type": "image_base64", "content_type": "image/gif", "data": b64(PNG)}, {}),
            ({"source_type": "image_base64", "content_type": "image/jpeg", "data": b64(PNG)}, {}),
            ({"source_type": "image_base64", "content_type": "image/png", "data": "not base64!"}, {}),
            ({"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG), "extra": 1}, {}),
            ({"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG)}, {"title": "x" * 101}),
            ({"source_type": "image_base64", "content_type": "image/png", "data": b64(PNG)},
             {"link": "javascript:alert(1)"}),
            ({"source_type": "multiple_image_base64",
              "items": [{"content_type": "image/png", "data": b64(PNG)}]}, {}),
            ({"source_type": "video_id", "media_id": "1"}, {}),
        ]
        for src, extra in bad:
            self.assertEqual(self.pin(src, **extra)[0], 400, (src, extra))
        st, b, _ = self.js("/v5/pins", {"board_id": "nope", "media_source": {
            "source_type": "image_base64", "content_type": "image/png", "data": b64(PNG)}})
        self.assertEqual((st, b["code"]), (404, 2))
        self.assertEqual(self.call("POST", "/v5/pins", b"{}", "text/plain")[0], 400)

    def test_carousel_of_base64_images(self):
        items = [{"content_type": "image/png", "data": b64(PNG)}, {"content_type": "image/jpeg", "data": b64(JPEG)}]
        st, b, _ = self.pin({"source_type": "multiple_image_base64", "items": items})
        self.assertEqual(st, 201, b)
        self.assertEqual(len(self.admin("pins")[0]["stored"]["images"]), 2)

    def test_image_url_is_fetched(self):
        fs, origin = file_server({"/a.jpg": JPEG, "/t.txt": b"hello"})
        self.addCleanup(fs.server_close)
        self.addCleanup(fs.shutdown)
        st, b, _ = self.pin({"source_type": "image_url", "url": f"{origin}/a.jpg"})
        self.assertEqual(st, 201, b)
        self.assertEqual(self.admin("pins")[0]["stored"]["images"], [hashlib.sha256(JPEG).hexdigest()])
        for url in (f"{origin}/missing.jpg", f"{origin}/t.txt", "http://127.0.0.1:9/x.jpg"):
            st, b, _ = self.pin({"source_type": "image_url", "url": url})
            self.assertEqual(st, 400, url)
            self.assertIn("could not fetch", b["message"])

    # -- video
    def register(self):
        st, b, _ = self.js("/v5/media", {"media_type": "video"})
        self.assertEqual(st, 201, b)
        self.assertTrue(b["upload_url"].startswith("https://"))
        return b

    def upload(self, reg, data=b"\0\0\0\x18ftypmp42" + b"v" * 500, drop=None, order=None, auth=False, extra=None):
        fields = [(k, v.encode()) for k, v in reg["upload_parameters"].items() if k != drop]
        fields += [(k, v.encode()) for k, v in (extra or {}).items()]
        fields.append(("file", data))
        if order == "file_first":
            fields = fields[-1:] + fields[:-1]
        body, ctype = form(fields)
        return self.call("POST", "/", body, ctype, token="default" if auth else None)

    def test_video_media_form_status_and_pin(self):
        self.admin("pinterest-processing", {"polls": 1})
        reg = self.register()
        # The S3 form: no bearer, every parameter unchanged, file last, nothing extra.
        self.assertEqual(self.upload(reg, auth=True)[0], 400)
        self.assertEqual(self.upload(reg, drop="policy")[0], 403)
        self.assertEqual(self.upload(reg, order="file_first")[0], 400)
        self.assertEqual(self.upload(reg, extra={"acl": "public-read"})[0], 403)
        self.assertEqual(self.call("POST", "/", b"raw", "video/mp4", token=None)[0], 412)
        mid = reg["media_id"]
        # Not uploaded yet: a Pin is refused.
        cover = {"cover_image_key_frame_time": 0}
        self.assertEqual(self.pin({"source_type": "video_id", "media_id": mid, **cover})[0], 400)
        self.assertEqual(self.upload(reg)[0], 204)
        self.assertEqual(self.upload(reg)[0], 403, "the form is single use")
        self.assertEqual(self.call("GET", f"/v5/media/{mid}")[1]["status"], "processing")
        self.assertEqual(self.pin({"source_type": "video_id", "media_id": mid, **cover})[0], 400)
        self.assertEqual(self.call("GET", f"/v5/media/{mid}")[1]["status"], "succeeded")
        self.assertEqual(self.pin({"source_type": "video_id", "media_id": mid})[0], 400, "a cover is required")
        st, b, _ = self.pin({"source_type": "video_id", "media_id": mid, **cover})
        self.assertEqual(st, 201, b)
        self.assertEqual(self.admin("pins")[0]["stored"]["cover"], {"key_frame_time": 0})

    def test_video_processing_can_fail(self):
        self.admin("pinterest-processing", {"polls": 0, "outcome": "failed"})
        reg = self.register()
        self.assertEqual(self.upload(reg)[0], 204)
        self.assertEqual(self.call("GET", f"/v5/media/{reg['media_id']}")[1]["status"], "failed")
        self.assertEqual(self.call("GET", "/v5/media/999")[0], 404)
        self.assertEqual(self.js("/v5/media", {"media_type": "image"})[0], 400)

    def test_rate_limit_429_with_headers(self):
        self.admin("pinterest-rate", {"remaining": 1})
        self.assertEqual(self.call("GET", "/v5/boards")[0], 200)
        st, b, hs = self.call("GET", "/v5/boards")
        self.assertEqual((st, b["code"]), (429, 8))
        self.assertEqual((hs["x-ratelimit-remaining"], hs["x-ratelimit-reset"]), ("0", "60"))


if __name__ == "__main__":
    unittest.main()
