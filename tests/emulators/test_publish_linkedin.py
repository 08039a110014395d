"""The LinkedIn emulator's publishing endpoints are strict: versioned REST headers, the author and
its scope, little-text escaping, the Images API, the Videos API's parts/ETags/finalize/processing, and
LinkedIn's error shapes. `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`."""

from __future__ import annotations

import http.client
import json
import os
import sys
import unittest
from urllib.parse import quote, urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
REST = {"Linkedin-Version": "202510", "X-Restli-Protocol-Version": "2.0.0"}


class LinkedInPublishing(unittest.TestCase):
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread("linkedin")
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        u = urlsplit(self.emu.origin)
        self.host, self.port = u.hostname, u.port
        t = self.admin("token", {})
        self.token, self.me = t["access_token"], t["person"]

    def call(self, method, path, body=None, ctype=None, headers=None, token="default", query=None):
        if query:
            path += "?" + urlencode(query)
        h = dict(REST if headers is None else headers)
        token = self.token if token == "default" else token
        if token:
            h["Authorization"] = f"Bearer {token}"
        if ctype:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection(self.host, self.port, timeout=10)
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

    def js(self, method, path, obj, **kw):
        return self.call(method, path, json.dumps(obj).encode(), "application/json", **kw)

    def admin(self, name, body=None):
        if body is None:
            st, data, _ = self.call("GET", f"/__emulator/{name}", headers={}, token=None)
        else:
            st, data, _ = self.js("POST", f"/__emulator/{name}", body, headers={}, token=None)
        self.assertEqual(st, 200, data)
        return data

    def post_body(self, text="hello", **extra):
        return {"author": self.me, "commentary": text, "visibility": "PUBLIC",
                "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                                 "thirdPartyDistributionChannels": []},
                "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False, **extra}

    def upload_path(self, url):
        self.assertTrue(url.startswith("https://www.linkedin.com/dms-uploads/"), url)
        return urlsplit(url).path

    # -- posts
    def test_text_post_created_with_urn_header(self):
        st, _, hs = self.js("POST", "/rest/posts", self.post_body(r"Hi \(all\) \#tag"))
        self.assertEqual(st, 201)
        self.assertTrue(hs["x-restli-id"].startswith("urn:li:share:"))
        self.assertEqual(self.admin("posts")[0]["text"], "Hi (all) #tag")

    def test_versioned_headers_are_required(self):
        st, data, _ = self.js("POST", "/rest/posts", self.post_body(), headers={})
        self.assertEqual((st, data["code"]), (400, "VERSION_MISSING"))
        st, data, _ = self.js("POST", "/rest/posts", self.post_body(), headers={"Linkedin-Version": "202510"})
        self.assertEqual(st, 400)
        st, data, _ = self.js("POST", "/rest/posts", self.post_body(),
                              headers={**REST, "Linkedin-Version": "202301"})
        self.assertEqual((st, data["code"]), (426, "NONEXISTENT_VERSION"))

    def test_unescaped_reserved_characters_and_length_are_refused(self):
        st, data, _ = self.js("POST", "/rest/posts", self.post_body("Hi (all)"))
        self.assertEqual(st, 422, data)
        self.assertIn("unescaped", data["message"])
        st, _, _ = self.js("POST", "/rest/posts", self.post_body("a" * 3000))
        self.assertEqual(st, 201)
        st, _, _ = self.js("POST", "/rest/posts", self.post_body("b" * 3001))
        self.assertEqual(st, 422)

    def test_required_fields_author_and_scope(self):
        b = self.post_body()
        del b["lifecycleState"]
        self.assertEqual(self.js("POST", "/rest/posts", b)[0], 422)
        st, data, _ = self.js("POST", "/rest/posts", self.post_body() | {"author": "urn:li:person:someoneelse"})
        self.assertEqual((st, data["code"]), (403, "ACCESS_DENIED"))
        t = self.admin("token", {"scopes": ["openid", "profile"]})["access_token"]
        st, _, _ = self.js("POST", "/rest/posts", self.post_body(), token=t)
        self.assertEqual(st, 403)
        self.admin("revoke-all", {})
        st, data, _ = self.js("POST", "/rest/posts", self.post_body())
        self.assertEqual((st, data["code"]), (401, "REVOKED_ACCESS_TOKEN"))

    def test_duplicate_is_refused_with_linkedins_message(self):
        self.assertEqual(self.js("POST", "/rest/posts", self.post_body("same"))[0], 201)
        st, data, _ = self.js("POST", "/rest/posts", self.post_body("same"))
        self.assertEqual(st, 422)
        self.assertTrue(data["message"].startswith("Content is a duplicate of urn:li:share:"))

    def test_429_has_no_rate_limit_headers(self):
        self.admin("fail", {"path": "/rest/posts", "status": 429})
        st, data, hs = self.js("POST", "/rest/posts", self.post_body())
        self.assertEqual(st, 429)
        self.assertNotIn("retry-after", hs)

    # -- comments (a post's second part is its first comment)
    def comment_path(self, urn):
        return f"/rest/socialActions/{quote(urn, safe='')}/comments"

    def new_post(self, text="with a comment", author=None):
        body = self.post_body(text) | ({"author": author} if author else {})
        st, _, hs = self.js("POST", "/rest/posts", body)
        self.assertEqual(st, 201)
        return hs["x-restli-id"]

    def test_first_comment_is_created_and_stored(self):
        urn = self.new_post()
        body = {"actor": self.me, "object": urn, "message": {"text": "More (details) #here"}}
        st, data, hs = self.js("POST", self.comment_path(urn), body)
        self.assertEqual(st, 201, data)
        self.assertEqual(data["$URN"], f"urn:li:comment:({urn},{hs['x-restli-id']})")
        self.assertEqual((data["actor"], data["object"], data["message"]),
                         (self.me, urn, {"text": "More (details) #here"}))
        got = self.admin("comments")
        self.assertEqual(len(got), 1)
        self.assertEqual(got[0]["$URN"], data["$URN"])
        # An organization's post, commented on as the organization.
        org = "urn:li:organization:2414183"
        urn2 = self.new_post("page post", author=org)
        st, data, _ = self.js("POST", self.comment_path(urn2),
                              {"actor": org, "object": urn2, "message": {"text": "from the page"}})
        self.assertEqual(st, 201, data)

    def test_comment_is_strict(self):
        urn = self.new_post()
        ok = {"actor": self.me, "object": urn, "message": {"text": "hi"}}
        path = self.comment_path(urn)
        # Versioned headers.
        st, data, _ = self.js("POST", path, ok, headers={})
        self.assertEqual((st, data["code"]), (400, "VERSION_MISSING"))
        # The URN in the path must be encoded; an unknown post is 404.
        st, data, _ = self.js("POST", f"/rest/socialActions/{urn}/comments", ok)
        self.assertEqual((st, data["code"]), (400, "ILLEGAL_ARGUMENT"))
        gone = "urn:li:share:1"
        st, data, _ = self.js("POST", self.comment_path(gone), ok | {"object": gone})
        self.assertEqual((st, data["code"]), (404, "NOT_FOUND"))
        # object must be the post in the path.
        st, _, _ = self.js("POST", path, ok | {"object": gone})
        self.assertEqual(st, 400)
        # Missing and extra fields, wrong types, too long, not JSON.
        for bad in ({"actor": self.me, "object": urn}, {"object": urn, "message": {"text": "x"}},
                    ok | {"reshare": "urn:li:comment:(x,1)"}, ok | {"message": {}},
                    ok | {"message": {"text": "x", "attributes": []}}, ok | {"message": {"text": ""}},
                    ok | {"message": {"text": 5}}, ok | {"message": {"text": "a" * 1251}}):
            st, data, _ = self.js("POST", path, bad)
            self.assertEqual((st, data["code"], data["status"]), (422, "UNPROCESSABLE_ENTITY", 422), bad)
        st, data, _ = self.call("POST", path, b"actor=x", "application/x-www-form-urlencoded")
        self.assertEqual((st, data["code"]), (400, "ILLEGAL_ARGUMENT"))
        self.assertEqual(self.js("POST", path, ok | {"message": {"text": "a" * 1250}})[0], 201)
        # The actor: someone the member cannot act as, an organization not administered, or not the author.
        for actor in ("urn:li:person:someoneelse", "urn:li:organization:999", "urn:li:organization:2414183"):
            st, data, _ = self.js("POST", path, ok | {"actor": actor})
            self.assertEqual((st, data["code"]), (403, "ACCESS_DENIED"), actor)
        # Token.
        st, _, _ = self.js("POST", path, ok, token=None)
        self.assertEqual(st, 401)
        self.assertEqual(len(self.admin("comments")), 1, "only the valid comment was stored")

    # -- images
    def test_image_upload_then_post(self):
        st, data, _ = self.js("POST", "/rest/images", {"initializeUploadRequest": {"owner": self.me}},
                              query={"action": "initializeUpload"})
        self.assertEqual(st, 200, data)
        urn, path = data["value"]["image"], self.upload_path(data["value"]["uploadUrl"])
        # Not uploaded yet: a post cannot use it.
        st, _, _ = self.js("POST", "/rest/posts", self.post_body(content={"media": {"id": urn}}))
        self.assertEqual(st, 422)
        self.assertEqual(self.call("PUT", path, b"not an image", "application/octet-stream")[0], 400)
        self.assertEqual(self.call("PUT", path, PNG, "application/octet-stream", token=None)[0], 401)
        self.assertEqual(self.call("PUT", path, PNG, "application/octet-stream")[0], 201)
        self.assertEqual(self.call("PUT", path, PNG, "application/octet-stream")[0], 409)
        st, _, _ = self.js("POST", "/rest/posts", self.post_body(content={"media": {"id": urn, "altText": "x"}}))
        self.assertEqual(st, 201)
        # multiImage needs 2..20 images
        st, _, _ = self.js("POST", "/rest/posts", self.post_body("m", content={"multiImage": {"images": [{"id": urn}]}}))
        self.assertEqual(st, 422)

    def test_image_init_needs_action(self):
        st, _, _ = self.js("POST", "/rest/images", {"initializeUploadRequest": {"owner": self.me}})
        self.assertEqual(st, 400)

    # -- videos
    def test_video_parts_finalize_and_processing(self):
        size = 4 * 1024 * 1024 + 10
        st, data, _ = self.js("POST", "/rest/videos", {"initializeUploadRequest": {
            "owner": self.me, "fileSizeBytes": size, "uploadCaptions": False, "uploadThumbnail": False}},
            query={"action": "initializeUpload"})
        self.assertEqual(st, 200, data)
        v = data["value"]
        ins = v["uploadInstructions"]
        self.assertEqual([(i["firstByte"], i["lastByte"]) for i in ins],
                         [(0, 4 * 1024 * 1024 - 1), (4 * 1024 * 1024, size - 1)])
        fin = {"finalizeUploadRequest": {"video": v["video"], "uploadToken": v["uploadToken"], "uploadedPartIds": []}}
        self.assertEqual(self.js("POST", "/rest/videos", fin, query={"action": "finalizeUpload"})[0], 400)
        # A part of the wrong length is refused.
        self.assertEqual(self.call("PUT", self.upload_path(ins[1]["uploadUrl"]), b"x" * 5,
                                   "application/octet-stream")[0], 400)
        etags = []
        for i in ins:
            n = i["lastByte"] - i["firstByte"] + 1
            st, _, hs = self.call("PUT", self.upload_path(i["uploadUrl"]), b"v" * n, "application/octet-stream")
            self.assertEqual(st, 200)
            etags.append(hs["etag"])
        fin["finalizeUploadRequest"]["uploadedPartIds"] = list(reversed(etags))
        self.assertEqual(self.js("POST", "/rest/videos", fin, query={"action": "finalizeUpload"})[0], 400)
        fin["finalizeUploadRequest"]["uploadedPartIds"] = etags
        self.assertEqual(self.js("POST", "/rest/videos", fin, query={"action": "finalizeUpload"})[0], 200)
        # Processing: the URN must be encoded in the path; PROCESSING once, then AVAILABLE.
        self.assertEqual(self.call("GET", "/rest/videos/" + v["video"])[0], 400)
        enc = "/rest/videos/" + quote(v["video"], safe="")
        st, _, _ = self.js("POST", "/rest/posts", self.post_body(content={"media": {"id": v["video"]}}))
        self.assertEqual(st, 422, "not available yet")
        self.assertEqual(self.call("GET", enc)[1]["status"], "PROCESSING")
        self.assertEqual(self.call("GET", enc)[1]["status"], "AVAILABLE")
        st, _, _ = self.js("POST", "/rest/posts", self.post_body(content={"media": {"id": v["video"]}}))
        self.assertEqual(st, 201)

    def test_upload_bodies_are_bounded(self):
        self.assertEqual(self.emu.platform.max_body("POST", "/rest/posts"), core.MAX_BODY)
        self.assertGreater(self.emu.platform.max_body("PUT", "/dms-uploads/x"), 4 * 1024 * 1024)


if __name__ == "__main__":
    unittest.main()
