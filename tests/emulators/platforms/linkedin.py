"""LinkedIn (standard 3-legged OAuth, OpenID userinfo, organization ACLs), per WIRE.md § LinkedIn."""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
from urllib.parse import unquote

from core import Grant, Platform, Request, Response, json_response

from .linkedin_inbox import LinkedInInbox
from .linkedin_metrics import LinkedInMetrics

SCOPES = {
    "openid", "profile", "email", "w_member_social", "r_member_social", "w_organization_social",
    "r_organization_social", "rw_organization_admin", "r_organization_admin", "r_basicprofile",
    "w_member_social_feed", "w_organization_social_feed", "r_organization_social_feed",
}
ORG_SCOPES = {"rw_organization_admin", "r_organization_admin", "w_organization_social", "r_organization_social"}
# The scopes each LinkedIn product grants an app (Developer Portal → Products → Auth tab). A scope of a
# product the app lacks is refused at the authorization endpoint with `unauthorized_scope_error`,
# `Scope "w_organization_social" is not authorized for your application`.
PRODUCT_SCOPES = {
    "sign_in_openid": {"openid", "profile", "email"},  # Sign In with LinkedIn using OpenID Connect (self-serve)
    "share": {"w_member_social"},  # Share on LinkedIn (self-serve)
    "community_management": ORG_SCOPES | {"r_member_social", "r_basicprofile", "w_member_social_feed",
                                          "w_organization_social_feed", "r_organization_social_feed"},
}
# [decision] An app registered without `products` has the two self-serve products, as a new app does.
DEFAULT_PRODUCTS = ["sign_in_openid", "share"]


def authorized_scopes(app) -> set[str]:
    out: set[str] = set()
    for p in app.extra.get("products", DEFAULT_PRODUCTS):
        out |= PRODUCT_SCOPES.get(p, set())
    return out

ACCESS_TTL = 5184000  # 60 days
REFRESH_TTL = 31536000  # 365 days, fixed: refreshing does not extend it

BAD_CODE = ("Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. "
            "Or authorization code expired. Or external member binding exists")
# [decision] WIRE.md fixes the REST version; the emulator requires exactly these header values.
REST_VERSION = "202510"
RESTLI_PROTOCOL = "2.0.0"


def oauth_error(status: int, error: str, desc: str) -> Response:
    return json_response(status, {"error": error, "error_description": desc})


def rest_error(status: int, code: str, message: str, service_code: int | None = None) -> Response:
    body = {"status": status, "code": code, "message": message}
    if service_code is not None:
        body["serviceErrorCode"] = service_code
    return json_response(status, body)


# ---------------------------------------------------------------------------------------------------
# Publishing (reference §2): Posts API, Images API, Videos API (multi-part upload, finalize, processing).

UPLOAD_HOST = "https://www.linkedin.com"  # upload URLs point at LinkedIn's upload host (mapped by the client)
VIDEO_PART = 4 * 1024 * 1024  # the part size LinkedIn's uploadInstructions use
MAX_IMAGE = 36 * 1024 * 1024
MAX_COMMENTARY = 3000
# [decision] LinkedIn's UI caps a comment at 1250 characters; the Comments API reference states no number.
MAX_COMMENT = 1250
# "little text" reserved characters: a literal one must be backslash-escaped in `commentary`.
RESERVED = set("|{}@[]()<>#\\*_~")
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


def unescape_little_text(text: str) -> str | None:
    """The rendered text of `commentary`, or None when a reserved character is not escaped.
    [decision] the real API renders unescaped reserved characters as markup (or drops text); the emulator
    refuses them with 422 so a client that forgets to escape fails."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 < len(text) and text[i + 1] in RESERVED:
                out.append(text[i + 1])
                i += 2
                continue
            return None
        if c in RESERVED:
            return None
        out.append(c)
        i += 1
    return "".join(out)


class BadRequestLI(Exception):
    pass


class Publishing:
    """The publishing side of the LinkedIn emulator (mixed into `LinkedIn`)."""

    def reset(self):
        self.posts: list[dict] = []
        self.comments: list[dict] = []
        self.comment_ids = itertools.count(7100000000000000001)
        self.images: dict[str, dict] = {}
        self.videos: dict[str, dict] = {}
        self.uploads: dict[str, tuple] = {}  # upload id -> ("image", urn) | ("video", urn, part index)
        self.share_ids = itertools.count(7000000000000000001)
        self.media_ids = itertools.count(1)
        self.processing = {"polls": 1, "outcome": "AVAILABLE"}
        self.malformed: dict[str, int] = {}  # path -> how many answers are cut-off JSON / lack their header

    def dispatch(self, req: Request) -> Response:
        if self.malformed.get(req.path, 0) > 0:
            self.malformed[req.path] -= 1
            if req.path == "/rest/posts":
                return Response(201)  # created, but no x-restli-id
            return Response(200, b'{"value":{"uploadUrl":"https://www.linkedin.com/dms-up', "application/json")
        return super().dispatch(req)

    def _admin_malformed(self, req):
        self.malformed[req.admin_body["path"]] = int(req.admin_body.get("times", 1))
        return self.malformed

    def admin_routes(self) -> dict:
        return {
            "token": ("POST", self._admin_token),
            "posts": ("GET", lambda r: self.posts),
            "comments": ("GET", lambda r: self.comments),
            "media": ("GET", lambda r: {"images": list(self.images.values()),
                                        "videos": [{k: v for k, v in x.items() if k != "data"}
                                                   for x in self.videos.values()]}),
            "linkedin-processing": ("POST", self._admin_processing),
            "malformed": ("POST", self._admin_malformed),
        }

    def _admin_token(self, req):
        """Mints an access token for the current user with `scopes` (publishing tests skip the sign-in)."""
        scopes = req.admin_body.get("scopes", ["openid", "profile", "w_member_social", "w_organization_social"])
        g = Grant(secrets.token_hex(8), "test-client", dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        t = self.emu.issue_token("access", g, "AQV" + secrets.token_urlsafe(64), ACCESS_TTL)
        return {"access_token": t.value, "person": f"urn:li:person:{g.user['id']}"}

    def _admin_processing(self, req):
        b = req.admin_body
        if "polls" in b:
            self.processing["polls"] = int(b["polls"])
        if "outcome" in b:
            if b["outcome"] not in ("AVAILABLE", "PROCESSING_FAILED"):
                raise ValueError("outcome must be AVAILABLE or PROCESSING_FAILED")
            self.processing["outcome"] = b["outcome"]
        return self.processing

    def max_body(self, method: str, path: str) -> int:
        if method == "PUT" and path.startswith("/dms-uploads/"):
            return MAX_IMAGE + 1  # an image, or one 4 MiB video part; larger is 413
        return super().max_body(method, path)

    def publish_guard(self, req: Request, owner: str | None):
        """Versioned REST headers, token, the right write scope for `owner` and that the member may act as it."""
        version = req.header("Linkedin-Version")
        if version is None:
            return None, rest_error(400, "VERSION_MISSING", "A version must be present. Please specify a version "
                                    "by adding the LinkedIn-Version header.")
        if version != REST_VERSION:
            return None, rest_error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if req.header("X-Restli-Protocol-Version") != RESTLI_PROTOCOL:
            return None, rest_error(400, "ILLEGAL_ARGUMENT",
                                    "X-Restli-Protocol-Version: 2.0.0 is required for this resource")
        t, why = self.emu.access(req)
        if why:
            return None, self.bad_token(why)
        if owner is None:
            return t, None
        if not isinstance(owner, str):
            return None, rest_error(422, "UNPROCESSABLE_ENTITY", "Field Value validation failed in REQUEST_BODY: "
                                    "Data Processing Exception while processing fields [/author]")
        me = f"urn:li:person:{t.user['id']}"
        if owner.startswith("urn:li:person:"):
            if not ({"w_member_social", "w_member_social_feed"} & set(t.scopes)):
                return None, rest_error(403, "ACCESS_DENIED", "Not enough permissions to access: "
                                        f"partnerApiPostsExternal.CREATE.{REST_VERSION}01", 100)
            if owner != me:
                return None, rest_error(403, "ACCESS_DENIED", f"Member is not allowed to act as {owner}", 100)
            return t, None
        if owner.startswith("urn:li:organization:"):
            if not ({"w_organization_social", "w_organization_social_feed"} & set(t.scopes)):
                return None, rest_error(403, "ACCESS_DENIED", "Not enough permissions to access: "
                                        f"partnerApiPostsExternal.CREATE.{REST_VERSION}01", 100)
            oid = owner.rsplit(":", 1)[1]
            if not any(str(o["id"]) == oid for o in self.orgs(t)):
                return None, rest_error(403, "ACCESS_DENIED", f"Member is not an administrator of {owner}", 100)
            return t, None
        return None, rest_error(422, "UNPROCESSABLE_ENTITY", f"Invalid owner/author URN {owner}")

    def _init_body(self, req: Request):
        if not req.is_json():
            raise BadRequestLI("Content-Type must be application/json")
        b = req.json()
        if not isinstance(b, dict) or not isinstance(b.get("initializeUploadRequest"), dict):
            raise BadRequestLI("initializeUploadRequest is required")
        return b["initializeUploadRequest"]

    def images_action(self, req: Request) -> Response:
        if req.q("action") != "initializeUpload":
            return rest_error(400, "ILLEGAL_ARGUMENT", "action=initializeUpload is required")
        try:
            body = self._init_body(req)
        except BadRequestLI as e:
            return rest_error(400, "ILLEGAL_ARGUMENT", str(e))
        owner = body.get("owner")
        t, err = self.publish_guard(req, owner)
        if err:
            return err
        iid = f"D4E10AQ{next(self.media_ids):012d}"
        urn = f"urn:li:image:{iid}"
        up = secrets.token_urlsafe(16)
        self.uploads[up] = ("image", urn)
        self.images[urn] = {"urn": urn, "owner": owner, "status": "WAITING_UPLOAD", "bytes": 0, "sha256": None,
                            "content_type": None}
        expires = int(self.emu.now() * 1000) + 86400000
        return json_response(200, {"value": {"uploadUrlExpiresAt": expires,
                                             "uploadUrl": f"{UPLOAD_HOST}/dms-uploads/{up}", "image": urn}})

    def videos_action(self, req: Request) -> Response:
        action = req.q("action")
        if action not in ("initializeUpload", "finalizeUpload"):
            return rest_error(400, "ILLEGAL_ARGUMENT", "action=initializeUpload or action=finalizeUpload is required")
        if action == "finalizeUpload":
            return self.finalize_video(req)
        try:
            body = self._init_body(req)
        except BadRequestLI as e:
            return rest_error(400, "ILLEGAL_ARGUMENT", str(e))
        owner = body.get("owner")
        t, err = self.publish_guard(req, owner)
        if err:
            return err
        size = body.get("fileSizeBytes")
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            return rest_error(400, "ILLEGAL_ARGUMENT", "fileSizeBytes must be a positive number")
        if size > 5 * 1024 * 1024 * 1024:
            return rest_error(422, "UNPROCESSABLE_ENTITY", "Video file size exceeds the maximum allowed")
        for k in ("uploadCaptions", "uploadThumbnail"):
            if k in body and not isinstance(body[k], bool):
                return rest_error(400, "ILLEGAL_ARGUMENT", f"{k} must be a boolean")
        vid = f"D5610AQ{next(self.media_ids):012d}"
        urn = f"urn:li:video:{vid}"
        instructions, parts = [], []
        for i, first in enumerate(range(0, size, VIDEO_PART)):
            last = min(first + VIDEO_PART, size) - 1
            up = secrets.token_urlsafe(16)
            self.uploads[up] = ("video", urn, i)
            instructions.append({"uploadUrl": f"{UPLOAD_HOST}/dms-uploads/{up}", "firstByte": first, "lastByte": last})
            parts.append({"first": first, "last": last, "etag": None, "data": None})
        token = secrets.token_urlsafe(12)
        self.videos[urn] = {"urn": urn, "owner": owner, "size": size, "status": "WAITING_UPLOAD", "parts": parts,
                            "upload_token": token, "polls_left": self.processing["polls"], "sha256": None}
        expires = int(self.emu.now() * 1000) + 86400000
        return json_response(200, {"value": {"uploadUrlsExpireAt": expires, "video": urn,
                                             "uploadInstructions": instructions, "uploadToken": token}})

    def upload(self, req: Request) -> Response:
        target = self.uploads.get(req.match.group(1))
        if target is None:
            return rest_error(404, "NOT_FOUND", "Upload URL not found or expired")
        t, why = self.emu.access(req)
        if why:
            return self.bad_token(why)
        data = req.body
        if not data:
            return rest_error(400, "ILLEGAL_ARGUMENT", "Empty upload")
        if target[0] == "image":
            img = self.images[target[1]]
            if img["status"] != "WAITING_UPLOAD":
                return rest_error(409, "CONFLICT", "The image was already uploaded")
            if not data.startswith(IMAGE_MAGIC):
                return rest_error(400, "ILLEGAL_ARGUMENT", "Unsupported image format: JPG, PNG or GIF expected")
            img.update(status="AVAILABLE", bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
            return Response(201)
        video = self.videos[target[1]]
        part = video["parts"][target[2]]
        want = part["last"] - part["first"] + 1
        if len(data) != want:
            return rest_error(400, "ILLEGAL_ARGUMENT",
                              f"Part {target[2]} must be bytes {part['first']}-{part['last']} ({want} bytes); "
                              f"got {len(data)}")
        part["data"] = data
        part["etag"] = "/ETag/" + hashlib.md5(data).hexdigest()  # noqa: S324 — an opaque tag, as LinkedIn's
        return Response(200, b"", None, [("ETag", part["etag"])])

    def finalize_video(self, req: Request) -> Response:
        try:
            b = req.json() if req.is_json() else None
        except Exception:
            b = None
        f = b.get("finalizeUploadRequest") if isinstance(b, dict) else None
        if not isinstance(f, dict):
            return rest_error(400, "ILLEGAL_ARGUMENT", "finalizeUploadRequest is required")
        t, err = self.publish_guard(req, None)
        if err:
            return err
        video = self.videos.get(f.get("video") or "")
        if video is None:
            return rest_error(404, "NOT_FOUND", f"Video {f.get('video')} not found")
        if f.get("uploadToken") != video["upload_token"]:
            return rest_error(400, "ILLEGAL_ARGUMENT", "uploadToken does not match the upload")
        missing = [i for i, p in enumerate(video["parts"]) if p["etag"] is None]
        if missing:
            return rest_error(400, "ILLEGAL_ARGUMENT", f"Parts {missing} were not uploaded")
        ids = f.get("uploadedPartIds")
        if ids != [p["etag"] for p in video["parts"]]:
            return rest_error(400, "ILLEGAL_ARGUMENT", "uploadedPartIds must list every part's ETag in order")
        data = b"".join(p["data"] for p in video["parts"])
        for p in video["parts"]:
            p["data"] = None
        video.update(status="PROCESSING", sha256=hashlib.sha256(data).hexdigest())
        return json_response(200, {})

    def get_video(self, req: Request) -> Response:
        t, err = self.publish_guard(req, None)
        if err:
            return err
        raw = req.match.group(1)
        if ":" in raw:  # Rest.li 2.0: URNs in paths are URL-encoded
            return rest_error(400, "ILLEGAL_ARGUMENT", "The URN in the path must be URL-encoded")
        video = self.videos.get(unquote(raw))
        if video is None:
            return rest_error(404, "NOT_FOUND", f"Video {unquote(raw)} not found")
        if video["status"] == "PROCESSING":
            if video["polls_left"] > 0:
                video["polls_left"] -= 1
            else:
                video["status"] = self.processing["outcome"]
        return json_response(200, {"id": video["urn"], "owner": video["owner"], "status": video["status"],
                                   "duration": 0, "aspectRatioWidth": 16.0, "aspectRatioHeight": 9.0})

    def create_post(self, req: Request) -> Response:
        if not req.is_json():
            return rest_error(400, "ILLEGAL_ARGUMENT", "Content-Type must be application/json")
        b = req.json()
        if not isinstance(b, dict):
            return rest_error(400, "ILLEGAL_ARGUMENT", "The body must be a JSON object")
        t, err = self.publish_guard(req, b.get("author"))
        if err:
            return err

        def unprocessable(msg):
            return rest_error(422, "UNPROCESSABLE_ENTITY", msg)

        for k in ("author", "commentary", "visibility", "lifecycleState"):
            if k not in b:
                return unprocessable(f"Field Value validation failed in REQUEST_BODY: Data Processing Exception "
                                     f"while processing fields [/{k}]")
        if b["visibility"] not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"):
            return unprocessable(f"Invalid visibility {b['visibility']}")
        if b["lifecycleState"] not in ("PUBLISHED", "DRAFT"):
            return unprocessable(f"Invalid lifecycleState {b['lifecycleState']}")
        d = b.get("distribution")
        if not isinstance(d, dict) or d.get("feedDistribution") not in ("MAIN_FEED", "NONE"):
            return unprocessable("distribution.feedDistribution must be MAIN_FEED or NONE")
        if not isinstance(b["commentary"], str):
            return unprocessable("commentary must be a string")
        text = unescape_little_text(b["commentary"])
        if text is None:
            return unprocessable("commentary has an unescaped reserved character (little text format)")
        if len(text) > MAX_COMMENTARY:
            return unprocessable(f"commentary is longer than {MAX_COMMENTARY} characters")
        media = []
        content = b.get("content")
        if content is not None:
            if not isinstance(content, dict) or len(content) != 1 or next(iter(content)) not in ("media", "multiImage"):
                return unprocessable("content must be exactly one of media, multiImage")
            if "media" in content:
                items = [content["media"]]
            else:
                items = (content["multiImage"] or {}).get("images")
                if not isinstance(items, list) or not (2 <= len(items) <= 20):
                    return unprocessable("multiImage.images must have 2 to 20 images")
            for it in items:
                if not isinstance(it, dict) or not isinstance(it.get("id"), str):
                    return unprocessable("a media item needs an id")
                alt = it.get("altText")
                if alt is not None and (not isinstance(alt, str) or len(alt) > 4086):
                    return unprocessable("altText must be a string of at most 4086 characters")
                urn = it["id"]
                asset = self.images.get(urn) or self.videos.get(urn)
                if asset is None or asset["owner"] != b["author"]:
                    return unprocessable(f"Media {urn} does not exist or is not owned by the author")
                if urn.startswith("urn:li:video:") and "multiImage" in content:
                    return unprocessable("multiImage takes images only")
                if asset["status"] != "AVAILABLE":
                    return unprocessable(f"Media {urn} is not AVAILABLE (status {asset['status']})")
                media.append({"id": urn, "altText": alt, "sha256": asset["sha256"]})
        elif not text.strip():
            return unprocessable("commentary must not be empty for a post without content")
        for p in self.posts:  # LinkedIn refuses an exact repeat of the author's post
            if p["author"] == b["author"] and p["commentary"] == b["commentary"] and p["media"] == media:
                return unprocessable(f"Content is a duplicate of {p['id']}")
        urn = f"urn:li:share:{next(self.share_ids)}"
        self.posts.append({"id": urn, "author": b["author"], "created_ms": int(self.emu.now() * 1000), "commentary": b["commentary"], "text": text,
                           "visibility": b["visibility"], "content_kind": None if content is None else next(iter(content)),
                           "media": media, "body": b})
        return Response(201, b"", None, [("x-restli-id", urn), ("x-linkedin-id", urn)])

    def create_comment(self, req: Request) -> Response:
        """`POST /rest/socialActions/{post URN}/comments` (Comments API): a comment on a post, by an actor
        the member may act as, who must be the post's author (Outpost only writes first comments on its own
        posts). [decision] the real API lets anyone comment; the emulator refuses another actor with 403 so a
        client that comments as the wrong identity fails. `message.text` is plain text (not little text)."""
        t, err = self.publish_guard(req, None)
        if err:
            return err
        raw = req.match.group(1)
        if ":" in raw:  # Rest.li 2.0: URNs in paths are URL-encoded
            return rest_error(400, "ILLEGAL_ARGUMENT", "The URN in the path must be URL-encoded")
        target = unquote(raw)
        if not req.is_json():
            return rest_error(400, "ILLEGAL_ARGUMENT", "Content-Type must be application/json")
        try:
            b = req.json()
        except Exception:
            b = None
        if not isinstance(b, dict):
            return rest_error(400, "ILLEGAL_ARGUMENT", "The body must be a JSON object")

        def unprocessable(msg):
            return rest_error(422, "UNPROCESSABLE_ENTITY", msg)

        for k in ("actor", "object", "message"):
            if k not in b:
                return unprocessable(f"Field Value validation failed in REQUEST_BODY: Data Processing Exception "
                                     f"while processing fields [/{k}]")
        extra = sorted(set(b) - {"actor", "object", "message", "parentComment"})
        if extra:
            return unprocessable(f"Field Value validation failed in REQUEST_BODY: Unrecognized field [/{extra[0]}]")
        m = b["message"]
        if not isinstance(m, dict) or "text" not in m:
            return unprocessable("Field Value validation failed in REQUEST_BODY: Data Processing Exception "
                                 "while processing fields [/message/text]")
        extra = sorted(set(m) - {"text"})
        if extra:
            return unprocessable(f"Field Value validation failed in REQUEST_BODY: Unrecognized field "
                                 f"[/message/{extra[0]}]")
        if not isinstance(m["text"], str) or not m["text"].strip():
            return unprocessable("message.text must be a non-empty string")
        if len(m["text"]) > MAX_COMMENT:
            return unprocessable(f"message.text is longer than {MAX_COMMENT} characters")
        parent = b.get("parentComment")
        if parent is not None:
            # A reply: the path names the parent comment, `object` its post.
            if parent != target:
                return rest_error(400, "ILLEGAL_ARGUMENT", f"parentComment {parent} does not match the path's {target}")
            pc = next((c for c in self.comments if c["$URN"] == parent), None)
            if pc is None:
                return rest_error(404, "NOT_FOUND", f"Comment {parent} not found")
            if pc["object"] != b["object"]:
                return rest_error(400, "ILLEGAL_ARGUMENT", f"object {b['object']} is not the post of {parent}")
        elif b["object"] != target:
            return rest_error(400, "ILLEGAL_ARGUMENT", f"object {b['object']} does not match the path's {target}")
        target = b["object"]
        post = next((p for p in self.posts if p["id"] == target), None)
        if post is None:
            return rest_error(404, "NOT_FOUND", f"Post {target} not found")
        actor = b["actor"]
        t, err = self.publish_guard(req, actor)
        if err:
            return err
        if actor != post["author"]:
            return rest_error(403, "ACCESS_DENIED", f"{actor} is not the author of {target}", 100)
        cid = str(next(self.comment_ids))
        urn = f"urn:li:comment:({target},{cid})"
        now = int(self.emu.now() * 1000)
        comment = {"actor": actor, "object": target, "message": {"text": m["text"]}, "id": cid, "$URN": urn,
                   "commentUrn": urn, "created": {"actor": actor, "time": now},
                   "lastModified": {"actor": actor, "time": now}}
        if parent is not None:
            comment["parentComment"] = parent
        self.comments.append(comment)
        # [decision] as the Comments API: x-restli-id is the comment's id, the URN is in the body.
        return json_response(201, comment, headers=[("x-restli-id", cid)])


class LinkedIn(LinkedInInbox, LinkedInMetrics, Publishing, Platform):
    name = "linkedin"

    def setup(self):
        self.route("GET", r"/oauth/v2/authorization", self.authorize_ep)
        self.route("POST", r"/oauth/v2/accessToken", self.token)
        self.route("GET", r"/v2/userinfo", self.userinfo)
        self.route("GET", r"/rest/organizationAcls", self.org_acls)
        self.route("GET", r"/rest/organizations/([^/]+)", self.organization)
        # Publishing: Posts, Images and Videos APIs (reference §2).
        self.route("POST", r"/rest/posts", self.create_post)
        self.route("POST", r"/rest/images", self.images_action)
        self.route("POST", r"/rest/videos", self.videos_action)
        self.route("GET", r"/rest/videos/([^/]+)", self.get_video)
        self.route("POST", r"/rest/socialActions/([^/]+)/comments", self.create_comment)
        self.route("PUT", r"/dms-uploads/([A-Za-z0-9_-]+)", self.upload)
        self.setup_metrics()
        self.setup_inbox()
        self.reset()

    def default_user(self):
        return {"id": "782bbtaQ", "name": "Outpost Tester", "username": "outpost-tester",
                "avatar_url": "https://media.licdn.com/dms/image/test/profile.jpg", "email": "tester@example.com",
                "organizations": [{"id": "2414183", "name": "Outpost Test Co", "vanity": "outpost-test-co"}]}

    def not_found(self, req):
        return rest_error(404, "NOT_FOUND", f"No route found for {req.method} {req.path}")

    def method_not_allowed(self, req):
        return rest_error(405, "METHOD_NOT_ALLOWED", f"Method {req.method} is not allowed on {req.path}")

    def server_error(self, status):
        codes = {500: "INTERNAL_SERVER_ERROR", 502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE",
                 504: "GATEWAY_TIMEOUT", 429: "TOO_MANY_REQUESTS"}
        return rest_error(status, codes.get(status, "ERROR"), "Service is temporarily unavailable")

    def bad_request(self, req, message):
        if req.path.startswith("/oauth/"):
            return oauth_error(400, "invalid_request", message)
        return rest_error(400, "ILLEGAL_ARGUMENT", message)

    # -- OAuth
    def authorize_ep(self, req: Request) -> Response:
        # Standard flow: no PKCE (LinkedIn's native PKCE flow must be enabled per app; not used).
        return self.authorize(req, scope_sep=" ", known_scopes=SCOPES, authorized_scopes=authorized_scopes)

    def token(self, req: Request) -> Response:
        self.require_form(req)
        gt = req.f("grant_type")
        if gt not in ("authorization_code", "refresh_token"):
            if not gt:
                return oauth_error(400, "invalid_request", 'A required parameter "grant_type" is missing')
            return oauth_error(400, "unsupported_grant_type", "Unsupported grant type")
        cid, sec = req.f("client_id"), req.f("client_secret")
        app = self.app(cid)
        if app is None or not app.client_secret or not sec or not secrets.compare_digest(sec, app.client_secret):
            return oauth_error(401, "invalid_client", "Client authentication failed")
        if gt == "authorization_code":
            for p in ("code", "redirect_uri"):
                if not req.f(p):
                    return oauth_error(400, "invalid_request", f'A required parameter "{p}" is missing')
            code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"), None, None)
            if why:
                return oauth_error(400, "invalid_request", BAD_CODE)
            grant = self.emu.grants[code.grant_id]
            refresh = self.emu.issue_token("refresh", grant, "AQX" + secrets.token_urlsafe(48), REFRESH_TTL)
            return self.issue(grant, refresh)
        old, why = self.emu.lookup(req.f("refresh_token"), "refresh", app.client_id)
        if why:
            return oauth_error(400, "invalid_grant",
                               "The provided authorization grant or refresh token is invalid, expired or revoked.")
        self.emu.counters["refreshes"] += 1
        return self.issue(old.grant, old)  # same refresh token, expiry not extended

    def issue(self, grant, refresh) -> Response:
        access = self.emu.issue_token("access", grant, "AQV" + secrets.token_urlsafe(64), ACCESS_TTL)
        remaining = max(0, int(refresh.expires_at - self.emu.now()))
        return json_response(200, {"access_token": access.value, "expires_in": ACCESS_TTL,
                                   "refresh_token": refresh.value, "refresh_token_expires_in": remaining,
                                   "scope": ",".join(grant.scopes)})

    # -- API
    def bad_token(self, why: str) -> Response:
        if why in ("revoked", "removed"):
            return rest_error(401, "REVOKED_ACCESS_TOKEN",
                              "The token used in the request has been revoked by the user", 65600)
        if why == "expired":
            return rest_error(401, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired", 65601)
        return rest_error(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65601)

    def userinfo(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.bad_token(why)
        if "openid" not in t.scopes or "profile" not in t.scopes:
            return rest_error(403, "ACCESS_DENIED", "Not enough permissions to access: userinfo.GET.NO_VERSION", 100)
        u = t.user
        given, _, family = u["name"].partition(" ")
        out = {"sub": u["id"], "name": u["name"], "given_name": given, "family_name": family,
               "picture": u["avatar_url"], "locale": {"country": "US", "language": "en"}}
        if "email" in t.scopes and u.get("email"):
            out["email"] = u["email"]
            out["email_verified"] = True
        return json_response(200, out)

    def rest_guard(self, req: Request):
        """Versioned REST calls: the two headers, then the token and the organization scopes."""
        version = req.header("Linkedin-Version")
        if version is None:
            return None, rest_error(400, "VERSION_MISSING", "A version must be present. Please specify a version "
                                    "by adding the LinkedIn-Version header.")
        if not re.fullmatch(r"\d{6}", version) or version != REST_VERSION:
            return None, rest_error(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if req.header("X-Restli-Protocol-Version") != RESTLI_PROTOCOL:
            return None, rest_error(400, "ILLEGAL_ARGUMENT",
                                    "X-Restli-Protocol-Version: 2.0.0 is required for this resource")
        t, why = self.emu.access(req)
        if why:
            return None, self.bad_token(why)
        if not (ORG_SCOPES & set(t.scopes)):
            return None, rest_error(403, "ACCESS_DENIED", "Not enough permissions to access: "
                                    f"{req.path.rsplit('/', 1)[-1]}.GET.{REST_VERSION}01", 100)
        return t, None

    def orgs(self, t) -> list[dict]:
        return t.user.get("organizations") or []

    def org_acls(self, req: Request) -> Response:
        t, err = self.rest_guard(req)
        if err:
            return err
        if req.q("q") != "roleAssignee":
            return rest_error(400, "ILLEGAL_ARGUMENT", "Finder q=roleAssignee is required")
        role, state = req.q("role"), req.q("state")
        if role is not None and role not in ("ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "RECRUITING_POSTER",
                                             "LEAD_CAPTURE_ADMINISTRATOR", "LEAD_GEN_FORMS_MANAGER",
                                             "ANALYST", "CURATOR", "CONTENT_ADMINISTRATOR"):
            return rest_error(400, "ILLEGAL_ARGUMENT", f"Invalid value {role} for parameter role")
        if state is not None and state not in ("APPROVED", "REQUESTED", "REJECTED", "REVOKED"):
            return rest_error(400, "ILLEGAL_ARGUMENT", f"Invalid value {state} for parameter state")
        elements = []
        for o in self.orgs(t):
            o_role = o.get("role", "ADMINISTRATOR")
            if role is not None and o_role != role:
                continue
            if state is not None and state != "APPROVED":
                continue
            elements.append({"organization": f"urn:li:organization:{o['id']}", "role": o_role, "state": "APPROVED",
                             "roleAssignee": f"urn:li:person:{t.user['id']}"})
        return json_response(200, {"elements": elements,
                                   "paging": {"start": 0, "count": 10, "total": len(elements), "links": []}})

    def organization(self, req: Request) -> Response:
        t, err = self.rest_guard(req)
        if err:
            return err
        oid = req.match.group(1)
        if not oid.isdigit():
            return rest_error(400, "ILLEGAL_ARGUMENT", f"Invalid organization id {oid}")
        for o in self.orgs(t):
            if str(o["id"]) == oid:
                return json_response(200, {"id": int(oid), "localizedName": o["name"], "vanityName": o["vanity"],
                                           "name": {"localized": {"en_US": o["name"]},
                                                    "preferredLocale": {"country": "US", "language": "en"}}})
        return rest_error(404, "NOT_FOUND", f"Organization {oid} not found")

