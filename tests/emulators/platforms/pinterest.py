"""Pinterest API v5 OAuth (HTTP Basic client auth, continuous refresh), per WIRE.md § Pinterest."""

from __future__ import annotations

import base64
import binascii
import itertools
import secrets
from urllib.parse import urlsplit

from core import BadRequest, Grant, Platform, Request, Response, json_response

from .pinterest_metrics import PinterestMetrics
from .pull import fetch, sha256

SCOPES = {
    "ads:read", "ads:write", "billing:read", "billing:write", "biz_access:read", "biz_access:write",
    "boards:read", "boards:read_secret", "boards:write", "boards:write_secret", "catalogs:read", "catalogs:write",
    "pins:read", "pins:read_secret", "pins:write", "pins:write_secret", "user_accounts:read",
}
ACCESS_TTL = 2592000  # 30 days
REFRESH_TTL = 5184000  # 60 days (continuous refresh)


def perr(status: int, code: int, message: str) -> Response:
    return json_response(status, {"code": code, "message": message})


# ---------------------------------------------------------------------------------------------------
# Publishing (reference §8): boards (bookmark pagination), Pins (image_base64 / image_url /
# multiple_* / video_id), media registration, the S3 POST form upload, media status.

MIB = 1024 * 1024
MAX_IMAGE = 20 * MIB  # [U] Pinterest help: images up to 20 MB
MAX_VIDEO = 2 * 1024 * MIB
UPLOAD_URL = "https://pinterest-media-upload.s3-accelerate.amazonaws.com/"
IMAGE_MAGIC = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
PIN_FIELDS = {"board_id", "board_section_id", "title", "description", "link", "alt_text", "media_source",
              "dominant_color", "parent_pin_id", "note"}
SOURCES = {
    "image_base64": {"source_type", "content_type", "data", "is_standard"},
    "image_url": {"source_type", "url", "is_standard"},
    "multiple_image_base64": {"source_type", "items", "index"},
    "multiple_image_urls": {"source_type", "items", "index"},
    "video_id": {"source_type", "media_id", "cover_image_url", "cover_image_content_type", "cover_image_data",
                 "cover_image_key_frame_time", "is_standard"},
}


def s3_error(status: int, code: str, message: str) -> Response:
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{secrets.token_hex(8).upper()}</RequestId></Error>").encode()
    return Response(status, body, "application/xml")


class PinError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.resp = perr(status, code, message)


class Publishing:
    """The publishing side of the Pinterest emulator (mixed into `Pinterest`)."""

    def reset(self):
        self.pins: list[dict] = []
        self.media: dict[str, dict] = {}
        self.pin_ids = itertools.count(1125899906842001)
        self.media_ids = itertools.count(5000000000000001)
        self.processing = {"polls": 1, "outcome": "succeeded"}
        self.rate = {"remaining": None}  # API calls left before 429 (None: unlimited)
        self.boards = [self.make_board(i) for i in range(3)]

    def make_board(self, i: int) -> dict:
        return {"id": str(549755900000 + i), "name": f"Board {i + 1}", "description": f"Test board {i + 1}",
                "privacy": "PUBLIC" if i % 3 else "SECRET", "owner": {"username": self.default_user()["username"]},
                "created_at": "2026-01-01T00:00:00", "pin_count": 0, "follower_count": 0}

    def admin_routes(self) -> dict:
        return {
            "token": ("POST", self._admin_token),
            "pins": ("GET", lambda r: self.pins),
            "media": ("GET", lambda r: [{k: v for k, v in m.items()} for m in self.media.values()]),
            "pinterest-boards": ("POST", self._admin_boards),
            "pinterest-processing": ("POST", self._admin_processing),
            "pinterest-rate": ("POST", self._admin_rate),
        }

    def _admin_token(self, req):
        scopes = req.admin_body.get("scopes", ["boards:read", "boards:write", "pins:read", "pins:write",
                                              "user_accounts:read"])
        g = Grant(secrets.token_hex(8), "test-client", dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        t = self.emu.issue_token("access", g, "pina_" + secrets.token_urlsafe(64), ACCESS_TTL)
        return {"access_token": t.value}

    def _admin_boards(self, req):
        self.boards = [self.make_board(i) for i in range(int(req.admin_body["count"]))]
        return {"boards": len(self.boards)}

    def _admin_processing(self, req):
        b = req.admin_body
        if "polls" in b:
            self.processing["polls"] = int(b["polls"])
        if "outcome" in b:
            if b["outcome"] not in ("succeeded", "failed"):
                raise ValueError("outcome must be succeeded or failed")
            self.processing["outcome"] = b["outcome"]
        return self.processing

    def _admin_rate(self, req):
        self.rate["remaining"] = req.admin_body.get("remaining")
        return self.rate

    def max_body(self, method: str, path: str) -> int:
        if method == "POST" and path == "/v5/pins":
            return 5 * (MAX_IMAGE * 4 // 3 + 8) + 64 * 1024  # a carousel of five base64 images
        if method == "POST" and path == "/":
            return 256 * MIB  # the S3 form (videos in tests stay far below Pinterest's 2 GB)
        return super().max_body(method, path)

    def api_guard(self, req: Request, scope: str):
        t, why = self.emu.access(req)
        if why:
            return None, perr(401, 2, "Authentication failed.")
        if self.rate["remaining"] is not None:
            if self.rate["remaining"] <= 0:
                return None, self.server_error(429)
            self.rate["remaining"] -= 1
        if scope not in t.scopes:
            return None, perr(403, 3, f"Not authorized to access the resource (missing scope {scope}).")
        return t, None

    def server_error(self, status):
        if status == 429:
            # [decision] the headers Pinterest's docs describe for rate limits; reset in seconds.
            return json_response(429, {"code": 8, "message": "You have exceeded your rate limit. Try again later."},
                                 [("x-ratelimit-limit", "100"), ("x-ratelimit-remaining", "0"),
                                  ("x-ratelimit-reset", "60")])
        return perr(status, status, "Something went wrong on our end. Sorry about that.")

    # -- boards
    def list_boards(self, req: Request) -> Response:
        t, err = self.api_guard(req, "boards:read")
        if err:
            return err
        size = req.q("page_size") or "25"
        if not size.isdigit() or not (1 <= int(size) <= 250):
            return perr(400, 1, "page_size must be between 1 and 250")
        start = 0
        bm = req.q("bookmark")
        if bm is not None:
            try:
                start = int(base64.urlsafe_b64decode(bm.encode()).decode().removeprefix("b:"))
            except (ValueError, binascii.Error, UnicodeDecodeError):
                return perr(400, 1, "Invalid bookmark")
        page = self.boards[start:start + int(size)]
        end = start + len(page)
        nxt = base64.urlsafe_b64encode(f"b:{end}".encode()).decode() if end < len(self.boards) else None
        return json_response(200, {"items": page, "bookmark": nxt})

    # -- media
    def register_media(self, req: Request) -> Response:
        t, err = self.api_guard(req, "pins:write")
        if err:
            return err
        if not req.is_json():
            return perr(400, 1, "Content-Type must be application/json")
        b = req.json()
        if not isinstance(b, dict) or b.get("media_type") != "video" or set(b) != {"media_type"}:
            return perr(400, 1, "media_type must be video")
        mid = str(next(self.media_ids))
        key = f"uploads/{secrets.token_hex(4)}/{mid}"
        params = {"x-amz-date": "20261123T120000Z", "x-amz-signature": secrets.token_hex(32),
                  "x-amz-security-token": secrets.token_urlsafe(48), "x-amz-algorithm": "AWS4-HMAC-SHA256",
                  "key": key, "policy": base64.b64encode(secrets.token_bytes(48)).decode(),
                  "x-amz-credential": "ASIA0000TEST/20261123/us-east-1/s3/aws4_request",
                  "Content-Type": "multipart/form-data"}
        self.media[mid] = {"media_id": mid, "owner": t.user["id"], "status": "registered", "key": key,
                           "params": params, "polls": self.processing["polls"], "sha256": None, "bytes": 0,
                           "fields_order": None}
        return json_response(201, {"media_id": mid, "media_type": "video", "upload_url": UPLOAD_URL,
                                   "upload_parameters": params})

    def s3_upload(self, req: Request) -> Response:
        if req.header("Authorization") is not None:
            return s3_error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm "
                                                    "form field or the Authorization header may be used")
        try:
            parts = req.multipart()
        except BadRequest:
            return s3_error(412, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data")
        names = list(parts)
        key = parts.get("key", {}).get("data", b"").decode("utf-8", "replace")
        m = next((x for x in self.media.values() if x["key"] == key), None)
        if m is None:
            return s3_error(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: key")
        if not names or names[-1] != "file":
            return s3_error(400, "InvalidArgument", "Bucket POST must contain a field named 'file', and it must "
                                                    "be the last field")
        for k, v in m["params"].items():
            got = parts.get(k)
            if got is None or got["data"].decode("utf-8", "replace") != v:
                return s3_error(403, "AccessDenied", f"Invalid according to Policy: Policy Condition failed: {k}")
        extra = set(names) - set(m["params"]) - {"file"}
        if extra:
            return s3_error(403, "AccessDenied", "Invalid according to Policy: Extra input fields: "
                                                 + ", ".join(sorted(extra)))
        if m["status"] != "registered":
            return s3_error(403, "AccessDenied", "Request has expired")
        data = parts["file"]["data"]
        if not data:
            return s3_error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
        m.update(status="processing", sha256=sha256(data), bytes=len(data), fields_order=names)
        return Response(204)

    def get_media(self, req: Request) -> Response:
        t, err = self.api_guard(req, "pins:read")
        if err:
            return err
        m = self.media.get(req.match.group(1))
        if m is None or m["owner"] != t.user["id"]:
            return perr(404, 4, "Media upload not found")
        if m["status"] == "processing":
            if m["polls"] > 0:
                m["polls"] -= 1
            else:
                m["status"] = self.processing["outcome"]
        return json_response(200, {"media_id": m["media_id"], "media_type": "video", "status": m["status"]})

    # -- pins
    def image(self, content_type, data) -> bytes:
        if content_type not in IMAGE_MAGIC:
            raise PinError(400, 1, "content_type must be image/jpeg or image/png")
        if not isinstance(data, str) or not data:
            raise PinError(400, 1, "data is required")
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise PinError(400, 1, "data is not valid base64")
        if len(raw) > MAX_IMAGE:
            raise PinError(400, 1, "The image is larger than 20 MB")
        if not raw.startswith(IMAGE_MAGIC[content_type]):
            raise PinError(400, 1, f"The image data is not {content_type}")
        return raw

    def pulled(self, url) -> bytes:
        data, why = fetch(url, MAX_IMAGE)
        if data is None:
            raise PinError(400, 1, f"Sorry we could not fetch the image. ({why})")
        if not any(data.startswith(m) for m in IMAGE_MAGIC.values()):
            raise PinError(400, 1, "Sorry we could not fetch the image. (not an image)")
        return data

    def media_of(self, t, src) -> dict:
        if not isinstance(src, dict) or src.get("source_type") not in SOURCES:
            raise PinError(400, 1, "media_source.source_type is invalid")
        st = src["source_type"]
        extra = set(src) - SOURCES[st]
        if extra:
            raise PinError(400, 1, f"Unknown media_source fields: {', '.join(sorted(extra))}")
        if st == "image_base64":
            return {"type": "image", "images": [sha256(self.image(src.get("content_type"), src.get("data")))]}
        if st == "image_url":
            return {"type": "image", "images": [sha256(self.pulled(src.get("url")))], "urls": [src.get("url")]}
        if st in ("multiple_image_base64", "multiple_image_urls"):
            items = src.get("items")
            if not isinstance(items, list) or not (2 <= len(items) <= 5):
                raise PinError(400, 1, "items must have 2 to 5 images")
            out = []
            for it in items:
                if not isinstance(it, dict):
                    raise PinError(400, 1, "items must be objects")
                if st == "multiple_image_base64":
                    out.append(sha256(self.image(it.get("content_type"), it.get("data"))))
                else:
                    out.append(sha256(self.pulled(it.get("url"))))
            return {"type": "multiple_images", "images": out}
        m = self.media.get(src.get("media_id") or "")
        if m is None or m["owner"] != t.user["id"]:
            raise PinError(400, 1, "media_id is not a media upload of this user")
        if m["status"] != "succeeded":
            raise PinError(400, 1, f"The media upload is not ready (status {m['status']})")
        cover = {}
        if "cover_image_data" in src:
            cover["data_sha256"] = sha256(self.image(src.get("cover_image_content_type"), src["cover_image_data"]))
        elif "cover_image_url" in src:
            cover["url_sha256"] = sha256(self.pulled(src["cover_image_url"]))
        elif "cover_image_key_frame_time" in src:
            kf = src["cover_image_key_frame_time"]
            if not isinstance(kf, (int, float)) or isinstance(kf, bool) or kf < 0:
                raise PinError(400, 1, "cover_image_key_frame_time must be a non-negative number")
            cover["key_frame_time"] = kf
        else:
            raise PinError(400, 1, "A video Pin needs a cover: cover_image_url, cover_image_data or "
                                   "cover_image_key_frame_time")
        return {"type": "video", "media_id": m["media_id"], "video_sha256": m["sha256"], "cover": cover}

    def create_pin(self, req: Request) -> Response:
        t, err = self.api_guard(req, "pins:write")
        if err:
            return err
        if not req.is_json():
            return perr(400, 1, "Content-Type must be application/json")
        b = req.json()
        if not isinstance(b, dict):
            return perr(400, 1, "The body must be a JSON object")
        extra = set(b) - PIN_FIELDS
        if extra:
            return perr(400, 1, f"Unknown fields: {', '.join(sorted(extra))}")
        board = next((x for x in self.boards if x["id"] == b.get("board_id")), None)
        if board is None:
            return perr(404, 2, "Board not found.")
        for k, mx in (("title", 100), ("description", 800), ("link", 2048), ("alt_text", 500)):
            v = b.get(k)
            if v is not None and (not isinstance(v, str) or len(v) > mx):
                return perr(400, 1, f"{k} must be a string of at most {mx} characters")
        if b.get("link") is not None and urlsplit(b["link"]).scheme not in ("http", "https"):
            return perr(400, 1, "link must be an http or https URL")
        try:
            media = self.media_of(t, b.get("media_source"))
        except PinError as e:
            return e.resp
        pid = str(next(self.pin_ids))
        pin = {"id": pid, "created_at": "2026-11-23T12:00:00", "board_id": board["id"],
               "board_owner": {"username": t.user["username"]}, "title": b.get("title"),
               "description": b.get("description"), "link": b.get("link"), "alt_text": b.get("alt_text"),
               "media": {"media_type": media["type"]}, "board_section_id": b.get("board_section_id")}
        self.pins.append({**pin, "stored": media})
        return json_response(201, pin)


class Pinterest(PinterestMetrics, Publishing, Platform):
    name = "pinterest"

    def setup(self):
        self.route("GET", r"/oauth/", self.authorize_ep)
        self.route("POST", r"/v5/oauth/token", self.token)
        self.route("GET", r"/v5/user_account", self.user_account)
        # Publishing (reference §8).
        self.route("GET", r"/v5/boards", self.list_boards)
        self.route("POST", r"/v5/pins", self.create_pin)
        self.route("POST", r"/v5/media", self.register_media)
        self.route("GET", r"/v5/media/([0-9]+)", self.get_media)
        self.route("POST", r"/", self.s3_upload)  # the S3 upload host, mapped onto the emulator
        self.setup_metrics()
        self.reset()

    def default_user(self):
        return {"id": "549755885175", "name": "Outpost Tester", "username": "outposttester",
                "avatar_url": "https://i.pinimg.com/600x600_R/test.jpg"}

    def not_found(self, req):
        return perr(404, 404, "Resource not found.")

    def method_not_allowed(self, req):
        return perr(405, 405, f"Method {req.method} not allowed.")


    def bad_request(self, req, message):
        return perr(400, 1, message)

    def make_code(self):
        return secrets.token_hex(20)

    def authorize_ep(self, req: Request) -> Response:
        return self.authorize(req, scope_sep=",", known_scopes=SCOPES)

    def token(self, req: Request) -> Response:
        self.require_form(req)
        basic = req.basic()
        app = self.app(basic[0]) if basic else None
        # HTTP Basic only: a secret in the body does not authenticate.
        if not basic or app is None or not app.client_secret or not secrets.compare_digest(basic[1], app.client_secret):
            return perr(401, 2, "Authentication failed.")
        gt = req.f("grant_type")
        if gt == "authorization_code":
            if not req.f("code"):
                return perr(400, 1, "Missing code")
            if not req.f("redirect_uri"):
                return perr(400, 1, "Missing redirect_uri")
            cr = req.f("continuous_refresh")
            if cr not in (None, "true", "false"):
                return perr(400, 1, "continuous_refresh must be a boolean")
            code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"), None, None)
            if why == "redirect":
                return perr(400, 1, "Invalid redirect_uri")
            if why:
                return perr(400, 1, "Invalid authorization code")
            return self.issue(self.emu.grants[code.grant_id], "authorization_code")
        if gt == "refresh_token":
            old, why = self.emu.lookup(req.f("refresh_token"), "refresh", app.client_id)
            if why == "missing":
                return perr(400, 1, "Missing refresh_token")
            if why:
                return perr(400, 1, "Invalid refresh token")
            # [decision] continuous refresh: a new 60-day refresh token; the old one stays valid until it expires.
            self.emu.counters["refreshes"] += 1
            return self.issue(old.grant, "refresh_token")
        return perr(400, 1, "Unsupported grant_type")

    def issue(self, grant, response_type: str) -> Response:
        access = self.emu.issue_token("access", grant, "pina_" + secrets.token_urlsafe(64), ACCESS_TTL)
        refresh = self.emu.issue_token("refresh", grant, "pinr_" + secrets.token_urlsafe(64), REFRESH_TTL)
        return json_response(200, {"access_token": access.value, "refresh_token": refresh.value,
                                   "response_type": response_type, "token_type": "bearer",
                                   "expires_in": ACCESS_TTL, "refresh_token_expires_in": REFRESH_TTL,
                                   "refresh_token_expires_at": int(refresh.expires_at),
                                   "scope": ",".join(grant.scopes)})

    def user_account(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return perr(401, 2, "Authentication failed.")
        if "user_accounts:read" not in t.scopes:
            return perr(403, 3, "Not authorized to access the user associated with this access token.")
        u = t.user
        return json_response(200, {"account_type": "BUSINESS", "id": u["id"], "profile_image": u["avatar_url"],
                                   "website_url": "", "username": u["username"], "business_name": u["name"],
                                   "about": "", "board_count": 0, **self.account_counts})
