"""The Meta emulators' publishing endpoints are strict: Graph version prefix, token in the header,
Page tokens for Pages, scheduling bounds, resumable video ranges, container state machines that FETCH
their media, quotas, throttling with usage headers, Meta's error bodies.
`python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import http.client
import http.server
import json
import os
import sys
import threading
import time
import unittest
from urllib.parse import urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
MP4 = b"\0\0\0\x18ftypmp42" + b"\0" * 300


class MediaServer:
    """A local HTTP server serving registered bytes (what a media host does)."""

    def __init__(self):
        files = self.files = {}

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                data = files.get(self.path.lstrip("/"))
                self.send_response(200 if data is not None else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def log_message(self, *a):
                pass

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def url(self, key, data):
        self.files[key] = data
        return f"http://127.0.0.1:{self.srv.server_address[1]}/{key}"

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


class Base(unittest.TestCase):
    platform = ""

    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread(self.platform)
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        self.media = MediaServer()
        self.addCleanup(self.media.close)

    def call(self, method, path, params=None, token="default", body=None, ctype=None, query=None):
        if query:
            path += "?" + urlencode(query)
        h = {}
        token = self.token if token == "default" else token
        if token:
            h["Authorization"] = f"Bearer {token}"
        if params is not None:
            body, ctype = urlencode(params).encode(), "application/x-www-form-urlencoded"
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection(self.host, self.port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
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
            st, data, _ = self.call("POST", f"/__emulator/{name}", token=None, body=json.dumps(body).encode(),
                                    ctype="application/json")
        self.assertEqual(st, 200, data)
        return data

    def code(self, resp):
        st, data, _ = resp
        self.assertGreaterEqual(st, 400, data)
        self.assertIn("fbtrace_id", data["error"])
        return data["error"]["code"]


def multipart(fields: dict, file_field: str, data: bytes):
    b = "XyZbound"
    out = b""
    for k, v in fields.items():
        out += f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    out += (f'--{b}\r\nContent-Disposition: form-data; name="{file_field}"; filename="f"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return out, f"multipart/form-data; boundary={b}"


class FacebookPublishing(Base):
    platform = "facebook"

    def setUp(self):
        super().setUp()
        t = self.admin("token", {})
        self.token, self.page, self.user_token = t["access_token"], t["page_id"], t["user_token"]
        self.feed = f"/v23.0/{self.page}/feed"

    def test_text_post_needs_the_page_token_in_the_header_and_the_version(self):
        st, data, _ = self.call("POST", self.feed, {"message": "hi"})
        self.assertEqual(st, 200, data)
        self.assertTrue(data["id"].startswith(self.page + "_"))
        self.assertEqual(self.code(self.call("POST", self.feed, {"message": "hi"}, token=self.user_token)), 200)
        self.assertEqual(self.code(self.call("POST", self.feed, {"message": "hi"}, token=None)), 2500)
        self.assertEqual(self.call("POST", f"/v22.0/{self.page}/feed", {"message": "hi"})[0], 404)
        st, data, _ = self.call("POST", self.feed, {"message": "hi", "access_token": self.token}, token=None)
        self.assertEqual(st, 400)
        self.assertEqual(self.code(self.call("POST", self.feed, {"message": "  "})), 100)
        self.assertEqual(self.code(self.call("POST", self.feed, {"message": "x", "link": "ftp://x"})), 100)

    def test_scheduling_bounds_reschedule_and_delete(self):
        now = int(time.time())
        for at in (now + 300, now + 31 * 86400):
            st, data, _ = self.call("POST", self.feed, {"message": "s", "published": "false",
                                                         "scheduled_publish_time": str(at)})
            self.assertEqual(st, 400, data)
        self.assertEqual(self.code(self.call("POST", self.feed, {"message": "s", "scheduled_publish_time":
                                                                str(now + 3600)})), 100)  # published must be false
        st, data, _ = self.call("POST", self.feed, {"message": "s", "published": "false",
                                                     "scheduled_publish_time": str(now + 3600)})
        self.assertEqual(st, 200, data)
        pid = data["id"]
        self.assertEqual(self.code(self.call("POST", f"/v23.0/{pid}/comments", {"message": "c"})), 100)
        self.assertEqual(self.call("POST", f"/v23.0/{pid}", {"scheduled_publish_time": str(now + 7200)})[1],
                         {"success": True})
        self.assertEqual(self.code(self.call("POST", f"/v23.0/{pid}", {"scheduled_publish_time": str(now + 60)})),
                         100)
        self.assertEqual(self.call("DELETE", f"/v23.0/{pid}")[1], {"success": True})
        st, data, _ = self.call("DELETE", f"/v23.0/{pid}")
        self.assertEqual((st, data["error"]["code"], data["error"]["error_subcode"]), (400, 100, 33))

    def test_photos_multipart_and_attached_media_rules(self):
        body, ct = multipart({"published": "false"}, "source", PNG)
        st, data, _ = self.call("POST", f"/v23.0/{self.page}/photos", body=body, ctype=ct)
        self.assertEqual(st, 200, data)
        fbid = data["id"]
        body, ct = multipart({}, "source", b"not an image")
        self.assertEqual(self.code(self.call("POST", f"/v23.0/{self.page}/photos", body=body, ctype=ct)), 324)
        self.assertEqual(self.code(self.call("POST", f"/v23.0/{self.page}/photos", {"url": "x"})), 324)
        now = int(time.time())
        # A scheduled post needs temporary photos.
        st, _, _ = self.call("POST", self.feed, {"attached_media[0]": json.dumps({"media_fbid": fbid}),
                                                  "published": "false",
                                                  "scheduled_publish_time": str(now + 3600)})
        self.assertEqual(st, 400)
        self.assertEqual(self.code(self.call("POST", self.feed, {"attached_media[1]": json.dumps(
            {"media_fbid": fbid})})), 100)  # indexes from 0
        st, data, _ = self.call("POST", self.feed, {"attached_media[0]": json.dumps({"media_fbid": fbid})})
        self.assertEqual(st, 200, data)
        self.assertEqual(self.code(self.call("POST", self.feed, {"attached_media[0]": json.dumps(
            {"media_fbid": fbid})})), 100)  # used once only

    def test_resumable_video_ranges(self):
        path = f"/v23.0/{self.page}/videos"
        size = 1024 * 1024 + 100
        st, s, _ = self.call("POST", path, {"upload_phase": "start", "file_size": str(size)})
        self.assertEqual((st, s["start_offset"], s["end_offset"]), (200, "0", str(1024 * 1024)), s)
        data = MP4 + b"\0" * (size - len(MP4))
        sid = s["upload_session_id"]
        self.assertEqual(self.code(self.call("POST", path, {"upload_phase": "finish", "upload_session_id": sid})),
                         6000)
        body, ct = multipart({"upload_phase": "transfer", "upload_session_id": sid, "start_offset": "0"},
                             "video_file_chunk", data[:1000])
        self.assertEqual(self.code(self.call("POST", path, body=body, ctype=ct)), 6001)  # wrong length
        body, ct = multipart({"upload_phase": "transfer", "upload_session_id": sid, "start_offset": "5"},
                             "video_file_chunk", data[:1024 * 1024])
        self.assertEqual(self.code(self.call("POST", path, body=body, ctype=ct)), 6001)  # wrong offset
        off = 0
        while off < size:
            end = min(off + 1024 * 1024, size)
            body, ct = multipart({"upload_phase": "transfer", "upload_session_id": sid, "start_offset": str(off)},
                                 "video_file_chunk", data[off:end])
            st, r, _ = self.call("POST", path, body=body, ctype=ct)
            self.assertEqual(st, 200, r)
            off = int(r["start_offset"])
        self.assertEqual(r["start_offset"], r["end_offset"])
        st, r, _ = self.call("POST", path, {"upload_phase": "finish", "upload_session_id": sid, "description": "d"})
        self.assertEqual((st, r), (200, {"success": True}))
        self.assertEqual(self.admin("posts")[0]["id"], s["video_id"])

    def test_throttling_answers_with_meta_codes_and_usage_headers(self):
        self.admin("throttle", {"code": 32, "minutes": 12})
        st, data, hs = self.call("POST", self.feed, {"message": "x"})
        self.assertEqual((st, data["error"]["code"]), (400, 32))
        buc = json.loads(hs["x-business-use-case-usage"])
        self.assertEqual(buc[self.page][0]["estimated_time_to_regain_access"], 12)
        self.admin("throttle", {"code": 4, "header": "app"})
        st, data, hs = self.call("POST", self.feed, {"message": "x"})
        self.assertEqual(json.loads(hs["x-app-usage"])["call_count"], 100)
        self.assertEqual(self.call("POST", self.feed, {"message": "x"})[0], 200)


class ContainerTests(Base):
    user_edge = ""

    def setUp(self):
        super().setUp()
        t = self.admin("token", {})
        self.token, self.user = t["access_token"], t["user_id"]
        self.v = "/v23.0" if self.platform == "instagram" else "/v1.0"

    def create(self, params):
        return self.call("POST", f"{self.v}/{self.user}/{self.create_edge}", params)

    def status(self, cid):
        st, data, _ = self.call("GET", f"{self.v}/{cid}", query={"fields": self.state_field})
        self.assertEqual(st, 200, data)
        return data[self.state_field]

    def publish(self, cid):
        return self.call("POST", f"{self.v}/{self.user}/{self.publish_edge}", {"creation_id": cid})


class InstagramContainers(ContainerTests):
    platform = "instagram"
    create_edge, publish_edge, state_field = "media", "media_publish", "status_code"

    def test_the_image_is_fetched_and_must_exist(self):
        st, data, _ = self.create({"image_url": self.media.url("a", JPEG), "caption": "c"})
        self.assertEqual(st, 200, data)
        self.assertEqual(self.admin("containers")[0]["media"]["bytes"], len(JPEG))
        st, data, _ = self.create({"image_url": self.media.url("gone", JPEG)[:-4] + "nope"})
        self.assertEqual((st, data["error"]["code"], data["error"]["error_subcode"]), (400, 9004, 2207052))
        self.assertEqual(self.code(self.create({"image_url": self.media.url("p", PNG)})), 9004)  # JPEG only
        self.assertEqual(self.code(self.create({"image_url": "http://192.0.2.1/x.jpg"})), 9004)

    def test_state_machine_polls_error_expired_and_publish_once(self):
        self.admin("processing", {"polls": 2})
        cid = self.create({"image_url": self.media.url("a", JPEG)})[1]["id"]
        self.assertEqual(self.code(self.publish(cid)), 9007)  # not ready
        self.assertEqual([self.status(cid) for _ in range(3)], ["IN_PROGRESS", "IN_PROGRESS", "FINISHED"])
        st, data, _ = self.publish(cid)
        self.assertEqual(st, 200, data)
        self.assertEqual(self.code(self.publish(cid)), 100)
        self.assertEqual(self.status(cid), "PUBLISHED")
        self.admin("processing", {"polls": 0, "outcome": "ERROR"})
        cid = self.create({"image_url": self.media.url("b", JPEG)})[1]["id"]
        self.assertEqual(self.status(cid), "ERROR")
        self.admin("processing", {"outcome": "FINISHED"})
        cid = self.create({"image_url": self.media.url("c", JPEG)})[1]["id"]
        self.admin("clock", {"advance_seconds": 86401})
        self.assertEqual(self.status(cid), "EXPIRED")

    def test_unfetchable_video_ends_in_error(self):
        self.admin("processing", {"polls": 0})
        cid = self.create({"media_type": "REELS", "video_url": self.media.url("v", JPEG)})[1]["id"]
        self.assertEqual(self.status(cid), "ERROR")
        self.assertEqual(self.code(self.create({"media_type": "VIDEO", "video_url": self.media.url("w", MP4)})),
                         100)  # VIDEO only as a carousel item

    def test_share_to_feed_is_a_reels_boolean(self):
        self.admin("processing", {"polls": 0})
        self.assertEqual(self.code(self.create({"image_url": self.media.url("i", JPEG), "share_to_feed": "false"})),
                         100)  # an image is a feed post
        self.assertEqual(self.code(self.create({"media_type": "REELS", "video_url": self.media.url("v", MP4),
                                                "share_to_feed": "no"})), 100)
        st, data, _ = self.create({"media_type": "REELS", "video_url": self.media.url("r", MP4), "share_to_feed": "false"})
        self.assertEqual(st, 200, data)

    def test_carousel_children_alt_text_and_hashtags(self):
        self.admin("processing", {"polls": 0})
        self.assertEqual(self.code(self.create({"media_type": "REELS", "video_url": self.media.url("v", MP4),
                                                "alt_text": "x"})), 100)
        kids = []
        for i in range(2):
            cid = self.create({"image_url": self.media.url(f"k{i}", JPEG), "is_carousel_item": "true"})[1]["id"]
            self.assertEqual(self.status(cid), "FINISHED")
            kids.append(cid)
        self.assertEqual(self.code(self.create({"media_type": "CAROUSEL", "children": kids[0]})), 100)
        self.assertEqual(self.code(self.create({"image_url": self.media.url("h", JPEG),
                                                "caption": " ".join(f"#t{i}" for i in range(31))})), 100)
        st, data, _ = self.create({"media_type": "CAROUSEL", "children": ",".join(kids), "caption": "c"})
        self.assertEqual(st, 200, data)
        self.assertEqual(self.status(data["id"]), "FINISHED")
        self.assertEqual(self.publish(data["id"])[0], 200)
        self.assertEqual(self.code(self.publish(kids[0])), 100)  # a child is not published alone

    def test_quota_and_limit_fields(self):
        st, data, _ = self.call("GET", f"/v23.0/{self.user}/content_publishing_limit",
                                query={"fields": "quota_usage,config"})
        self.assertEqual(data["data"][0], {"quota_usage": 0, "config": {"quota_total": 50, "quota_duration": 86400}})
        self.assertEqual(self.code(self.call("GET", f"/v23.0/{self.user}/content_publishing_limit",
                                             query={"fields": "reply_quota_usage"})), 100)
        self.admin("quota", {"usage": 50})
        self.admin("processing", {"polls": 0})
        cid = self.create({"image_url": self.media.url("a", JPEG)})[1]["id"]
        self.status(cid)
        self.assertEqual(self.code(self.publish(cid)), 9)
        self.assertEqual(self.code(self.call("POST", f"/v23.0/1234/media", {"image_url": "x"})), 100)


class ThreadsContainers(ContainerTests):
    platform = "threads"
    create_edge, publish_edge, state_field = "threads", "threads_publish", "status"

    def test_text_rules_replies_and_reply_quota(self):
        self.admin("processing", {"polls": 0})
        self.assertEqual(self.code(self.create({"media_type": "TEXT", "text": "x" * 501})), 100)
        self.assertEqual(self.code(self.create({"text": "no type"})), 100)
        self.assertEqual(self.code(self.create({"media_type": "TEXT", "text": "r", "reply_to_id": "999"})), 100)
        cid = self.create({"media_type": "TEXT", "text": "x" * 500})[1]["id"]
        self.status(cid)
        first = self.publish(cid)[1]["id"]
        self.admin("quota", {"reply_usage": 1000})
        rid = self.create({"media_type": "TEXT", "text": "r", "reply_to_id": first})[1]["id"]
        self.status(rid)
        self.assertEqual(self.code(self.publish(rid)), 9)
        self.admin("quota", {"reply_usage": 0})
        self.assertEqual(self.publish(rid)[0], 200)
        self.assertEqual(self.admin("posts")[1]["reply_to"], first)
        st, data, _ = self.call("GET", f"/v1.0/{self.user}/threads_publishing_limit",
                                query={"fields": "quota_usage,config,reply_quota_usage,reply_config"})
        self.assertEqual(data["data"][0]["reply_quota_usage"], 1)
        self.assertEqual(data["data"][0]["quota_usage"], 1)

    def test_image_is_fetched_and_carousel_needs_ready_items(self):
        self.admin("processing", {"polls": 0})
        self.assertEqual(self.code(self.create({"media_type": "IMAGE", "image_url": self.media.url("x", MP4)})),
                         9004)
        a = self.create({"media_type": "IMAGE", "image_url": self.media.url("a", PNG), "is_carousel_item": "true"})
        b = self.create({"media_type": "VIDEO", "video_url": self.media.url("b", MP4), "is_carousel_item": "true"})
        ids = [a[1]["id"], b[1]["id"]]
        self.assertEqual(self.code(self.create({"media_type": "CAROUSEL", "children": ",".join(ids)})), 100)
        for i in ids:
            self.status(i)
        st, data, _ = self.create({"media_type": "CAROUSEL", "children": ",".join(ids), "text": "c"})
        self.assertEqual(st, 200, data)


if __name__ == "__main__":
    unittest.main()
