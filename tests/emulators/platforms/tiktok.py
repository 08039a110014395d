"""TikTok Login Kit for desktop (client_key, hex PKCE, rotating refresh tokens), per WIRE.md § TikTok."""

from __future__ import annotations

import itertools
import re
import secrets
from urllib.parse import urlsplit

from core import Grant, Platform, Request, Response, json_response

from .pull import fetch, sha256
from .tiktok_metrics import TikTokMetrics

SCOPES = {"user.info.basic", "user.info.profile", "user.info.stats", "video.publish", "video.upload", "video.list"}
USER_FIELDS = {"open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name",
               "bio_description", "profile_deep_link", "is_verified", "username", "follower_count",
               "following_count", "likes_count", "video_count"}
ACCESS_TTL = 86400
REFRESH_TTL = 31536000


def log_id() -> str:
    return "2025" + secrets.token_hex(14).upper()


def oauth_error(error: str, desc: str, status: int = 400) -> Response:
    return json_response(status, {"error": error, "error_description": desc, "log_id": log_id()})


def api_error(status: int, code: str, message: str) -> Response:
    return json_response(status, {"data": {}, "error": {"code": code, "message": message, "log_id": log_id()}})


# ---------------------------------------------------------------------------------------------------
# Publishing (reference §7): Content Posting API, Direct Post — creator_info, video init with
# FILE_UPLOAD chunk rules, chunked PUT upload, photo content init with PULL_FROM_URL, status fetch.

MIB = 1024 * 1024
# [decision] the media transfer guide's "MB" read as MiB: chunks 5–64 MiB, the last up to 128 MiB.
MIN_CHUNK, MAX_CHUNK, MAX_LAST, MAX_CHUNKS = 5 * MIB, 64 * MIB, 128 * MIB, 1000
MAX_VIDEO = 4 * 1024 * MIB
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm"}
PRIVACY = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
UPLOAD_HOST = "https://open-upload.tiktokapis.com"
JPEG, WEBP = b"\xff\xd8\xff", b"RIFF"
RANGE_RE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
# Per user token, per minute (sliding): init endpoints 6, status fetch 30, creator_info 20.
WINDOWS = {"init": 6, "status": 30, "creator": 20}


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class Publishing:
    """The publishing side of the TikTok emulator (mixed into `TikTok`)."""

    def reset(self):
        self.publishes: dict[str, dict] = {}
        self.uploads: dict[str, str] = {}  # upload_id -> publish_id
        self.posts: list[dict] = []
        self.ids = itertools.count(1)
        self.post_ids = itertools.count(7310000000000000001)
        self.calls: dict[tuple, list[float]] = {}
        self.config = {
            "creator": {"creator_avatar_url": "https://p16-sign.tiktokcdn-us.com/test~c5_168x168.jpeg",
                        "creator_username": "outpost.tester", "creator_nickname": "Outpost Tester",
                        "privacy_level_options": list(PRIVACY), "comment_disabled": False,
                        "duet_disabled": False, "stitch_disabled": False, "max_video_post_duration_sec": 600},
            "unaudited_clients": [],  # apps whose posts must be SELF_ONLY
            "polls": 1,  # status polls spent in each processing state
            "fail_reason": None,  # processing ends FAILED with this reason
            "verified_url_prefixes": None,  # None: every pull URL counts as verified
            "limits": dict(WINDOWS),
        }

    def admin_routes(self) -> dict:
        return {
            "token": ("POST", self._admin_token),
            "tiktok-publishing": ("POST", self._admin_publishing),
            "posts": ("GET", lambda r: self.posts),
            "publishes": ("GET", lambda r: [{k: v for k, v in p.items() if k != "data"}
                                            for p in self.publishes.values()]),
        }

    def _admin_token(self, req):
        b = req.admin_body
        scopes = b.get("scopes", ["user.info.basic", "video.publish", "video.upload"])
        g = Grant(secrets.token_hex(8), b.get("client_id", "test-client"), dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        t = self.emu.issue_token("access", g, "act." + secrets.token_urlsafe(48), ACCESS_TTL)
        return {"access_token": t.value, "open_id": g.user["id"]}

    def _admin_publishing(self, req):
        b = req.admin_body
        for k, v in b.items():
            if k == "creator":
                self.config["creator"].update(v)
            elif k == "limits":
                self.config["limits"].update(v)
            elif k in self.config:
                self.config[k] = v
            else:
                raise ValueError(f"unknown setting {k}")
        return self.config

    def max_body(self, method: str, path: str) -> int:
        if method == "PUT" and path == "/video/":
            return MAX_LAST + 1
        return super().max_body(method, path)

    # -- guards
    def guard(self, req: Request, window: str):
        """JSON content type with charset UTF-8, a live token with video.publish, the rate window."""
        ctype = (req.header("Content-Type") or "").replace(" ", "").lower()
        if ctype != "application/json;charset=utf-8":
            return None, api_error(400, "invalid_params", "Content-Type must be application/json; charset=UTF-8")
        t, why = self.emu.access(req)
        if why:
            return None, api_error(401, "access_token_invalid",
                                   "The access token is invalid or not found in the request.")
        if "video.publish" not in t.scopes:
            return None, api_error(401, "scope_not_authorized", "The user did not authorize the scope required.")
        now = self.emu.now()
        key = (t.value, window)
        recent = [x for x in self.calls.get(key, []) if now - x < 60]
        if len(recent) >= self.config["limits"][window]:
            self.calls[key] = recent
            return None, api_error(429, "rate_limit_exceeded",
                                   "The API rate limit was exceeded. Please try again later.")
        recent.append(now)
        self.calls[key] = recent
        return t, None

    def body(self, req: Request, allow_empty=False):
        if not req.body and allow_empty:
            return {}
        b = req.json()
        if not isinstance(b, dict):
            raise ValueError("The request body must be a JSON object.")
        return b

    def check_post_info(self, t, info, video: bool):
        """None, or the error for a post_info the creator/app cannot publish."""
        c = self.config["creator"]
        if not isinstance(info, dict):
            return api_error(400, "invalid_params", "post_info is required.")
        allowed = {"title", "privacy_level", "disable_comment"}
        allowed |= {"disable_duet", "disable_stitch", "video_cover_timestamp_ms", "brand_content_toggle",
                    "brand_organic_toggle", "is_aigc"} if video else {"description", "auto_add_music",
                                                                        "brand_content_toggle",
                                                                        "brand_organic_toggle"}
        extra = set(info) - allowed
        if extra:
            return api_error(400, "invalid_params", f"Unknown post_info fields: {', '.join(sorted(extra))}")
        level = info.get("privacy_level")
        if level not in PRIVACY:
            return api_error(400, "invalid_params", "privacy_level is required and must be a TikTok privacy level.")
        if level not in c["privacy_level_options"]:
            return api_error(403, "privacy_level_option_mismatch",
                             "The privacy level is not one of the creator's privacy_level_options.")
        if t.client_id in self.config["unaudited_clients"] and level != "SELF_ONLY":
            return api_error(403, "unaudited_client_can_only_post_to_private_accounts",
                             "Please review our integration guidelines at "
                             "https://developers.tiktok.com/doc/content-sharing-guidelines/")
        # Commercial content disclosure: brand_content_toggle is required (a bool); branded content
        # (a paid partnership) cannot be private.
        if not isinstance(info.get("brand_content_toggle"), bool):
            return api_error(400, "invalid_params", "brand_content_toggle is required and must be a boolean.")
        if "brand_organic_toggle" in info and not isinstance(info["brand_organic_toggle"], bool):
            return api_error(400, "invalid_params", "brand_organic_toggle must be a boolean.")
        if info["brand_content_toggle"] and level == "SELF_ONLY":
            return api_error(400, "invalid_params", "Branded content visibility cannot be set to private.")
        for k in ("disable_comment", "disable_duet", "disable_stitch", "auto_add_music"):
            if k in info and not isinstance(info[k], bool):
                return api_error(400, "invalid_params", f"{k} must be a boolean.")
        for k, flag in (("disable_comment", "comment_disabled"), ("disable_duet", "duet_disabled"),
                        ("disable_stitch", "stitch_disabled")):
            if (video or k == "disable_comment") and c[flag] and info.get(k) is not True:
                return api_error(400, "invalid_params", f"{k} must be true: the creator turned it off.")
        title = info.get("title", "")
        if not isinstance(title, str):
            return api_error(400, "invalid_params", "title must be a string.")
        if video and utf16_len(title) > 2200:
            return api_error(400, "invalid_params", "title is longer than 2200 UTF-16 runes.")
        if not video:
            if len(title) > 90:
                return api_error(400, "invalid_params", "title is longer than 90 characters.")
            d = info.get("description", "")
            if not isinstance(d, str) or utf16_len(d) > 4000:
                return api_error(400, "invalid_params", "description must be a string of at most 4000 UTF-16 runes.")
        return None

    # -- endpoints
    def creator_info(self, req: Request) -> Response:
        t, err = self.guard(req, "creator")
        if err:
            return err
        self.body(req, allow_empty=True)
        return json_response(200, {"data": dict(self.config["creator"]),
                                   "error": {"code": "ok", "message": "", "log_id": log_id()}})

    def video_init(self, req: Request) -> Response:
        t, err = self.guard(req, "init")
        if err:
            return err
        try:
            b = self.body(req)
        except ValueError as e:
            return api_error(400, "invalid_params", str(e))
        err = self.check_post_info(t, b.get("post_info"), True)
        if err:
            return err
        si = b.get("source_info")
        if not isinstance(si, dict) or si.get("source") != "FILE_UPLOAD":
            return api_error(400, "invalid_params", "source_info.source must be FILE_UPLOAD or PULL_FROM_URL.")
        nums = [si.get(k) for k in ("video_size", "chunk_size", "total_chunk_count")]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in nums):
            return api_error(400, "invalid_params", "video_size, chunk_size and total_chunk_count are required.")
        size, chunk, count = nums
        problem = chunk_problem(size, chunk, count)
        if problem:
            return api_error(400, "invalid_params", problem)
        pid = f"v_pub_file~v2-1.{next(self.ids)}{secrets.randbelow(10**9):09d}"
        up = secrets.token_hex(12)
        self.uploads[up] = pid
        self.publishes[pid] = {"publish_id": pid, "kind": "video", "open_id": t.user["id"], "client": t.client_id,
                               "post_info": b["post_info"], "video_size": size, "chunk_size": chunk,
                               "total_chunk_count": count, "next": 0, "chunks": [], "data": bytearray(),
                               "status": "PROCESSING_UPLOAD", "polls": self.config["polls"], "sha256": None}
        return json_response(200, {"data": {"publish_id": pid,
                                            "upload_url": f"{UPLOAD_HOST}/video/?upload_id={up}&upload_token="
                                                          f"{secrets.token_urlsafe(16)}"},
                                   "error": {"code": "ok", "message": "", "log_id": log_id()}})

    def upload(self, req: Request) -> Response:
        pid = self.uploads.get(req.q("upload_id") or "")
        if pid is None or not req.q("upload_token"):
            return api_error(404, "not_found", "The upload URL is invalid or expired.")
        p = self.publishes[pid]
        if req.header("Content-Type") not in VIDEO_TYPES:
            return api_error(400, "invalid_params", "Content-Type must be video/mp4, video/quicktime or video/webm.")
        m = RANGE_RE.fullmatch(req.header("Content-Range") or "")
        if not m:
            return api_error(400, "invalid_params", "Content-Range must be bytes FIRST-LAST/TOTAL.")
        first, last, total = map(int, m.groups())
        i = len(p["chunks"])
        if i >= p["total_chunk_count"]:
            return api_error(400, "invalid_params", "Every chunk was already uploaded.")
        if total != p["video_size"]:
            return api_error(400, "invalid_params", "The total in Content-Range is not the video_size.")
        if first != p["next"]:
            return Response(416, b"", None, [("Content-Range", f"bytes */{total}")])
        final = i + 1 == p["total_chunk_count"]
        want = p["video_size"] - first if final else p["chunk_size"]
        if last - first + 1 != want or len(req.body) != want:
            return api_error(400, "invalid_params", f"Chunk {i} must be {want} bytes (bytes {first}-{first + want - 1}).")
        p["chunks"].append((first, last))
        p["data"] += req.body
        p["next"] = last + 1
        if not final:
            return Response(206)
        p["sha256"] = sha256(bytes(p["data"]))
        p["data"] = bytearray()
        p["status_since_upload"] = True
        return Response(201)

    def content_init(self, req: Request) -> Response:
        t, err = self.guard(req, "init")
        if err:
            return err
        try:
            b = self.body(req)
        except ValueError as e:
            return api_error(400, "invalid_params", str(e))
        if b.get("media_type") != "PHOTO" or b.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
            return api_error(400, "invalid_params", "media_type must be PHOTO and post_mode DIRECT_POST or MEDIA_UPLOAD.")
        err = self.check_post_info(t, b.get("post_info"), False)
        if err:
            return err
        si = b.get("source_info")
        if not isinstance(si, dict) or si.get("source") != "PULL_FROM_URL":
            return api_error(400, "invalid_params", "Photos are only accepted with source PULL_FROM_URL.")
        imgs = si.get("photo_images")
        if not isinstance(imgs, list) or not (1 <= len(imgs) <= 35) or not all(isinstance(u, str) for u in imgs):
            return api_error(400, "invalid_params", "photo_images must list 1 to 35 URLs.")
        ci = si.get("photo_cover_index")
        if not isinstance(ci, int) or isinstance(ci, bool) or not (0 <= ci < len(imgs)):
            return api_error(400, "invalid_params", "photo_cover_index must index photo_images.")
        prefixes = self.config["verified_url_prefixes"]
        if prefixes is not None and not all(any(u.startswith(x) for x in prefixes) for u in imgs):
            return api_error(403, "url_ownership_unverified",
                             "Please verify the ownership of the domain or URL prefix of the media.")
        pid = f"p_pub_url~v2.{next(self.ids)}{secrets.randbelow(10**9):09d}"
        self.publishes[pid] = {"publish_id": pid, "kind": "photo", "open_id": t.user["id"], "client": t.client_id,
                               "post_info": b["post_info"], "urls": imgs, "fetched": [],
                               "status": "PROCESSING_DOWNLOAD", "polls": self.config["polls"]}
        return json_response(200, {"data": {"publish_id": pid},
                                   "error": {"code": "ok", "message": "", "log_id": log_id()}})

    def status_fetch(self, req: Request) -> Response:
        t, err = self.guard(req, "status")
        if err:
            return err
        try:
            b = self.body(req)
        except ValueError as e:
            return api_error(400, "invalid_params", str(e))
        p = self.publishes.get(b.get("publish_id") if isinstance(b.get("publish_id"), str) else "")
        if p is None or p["open_id"] != t.user["id"]:
            return api_error(400, "invalid_params", "The publish_id is invalid.")
        self.advance(p)
        data = {"status": p["status"]}
        if p["kind"] == "video":
            data["uploaded_bytes"] = p["next"]
        else:
            data["downloaded_bytes"] = sum(f["bytes"] for f in p["fetched"])
        if p["status"] == "FAILED":
            data["fail_reason"] = p["fail_reason"]
        if p["status"] == "PUBLISH_COMPLETE":
            data["publicaly_available_post_id"] = p.get("post_ids", [])
        return json_response(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": log_id()}})

    def advance(self, p):
        """The state machine, one step per status poll: processing states last `polls` polls."""
        if p["status"] in ("PUBLISH_COMPLETE", "FAILED"):
            return
        if p["kind"] == "video" and p["sha256"] is None:
            return  # still waiting for chunks: PROCESSING_UPLOAD
        if p["status"] == "PROCESSING_DOWNLOAD" and not p["fetched"]:
            # TikTok pulls the photos now: every URL must answer with a JPEG or WebP image.
            for u in p["urls"]:
                data, why = fetch(u, 20 * MIB)
                if data is None or not (data.startswith(JPEG) or (data[:4] == WEBP and data[8:12] == b"WEBP")):
                    p.update(status="FAILED",
                             fail_reason="photo_pull_failed" if data is None else "file_format_check_failed",
                             pull_error=why or "not a JPEG or WebP image", url=u)
                    return
                p["fetched"].append({"url": u, "bytes": len(data), "sha256": sha256(data)})
        if p["polls"] > 0:
            p["polls"] -= 1
            return
        if self.config["fail_reason"]:
            p.update(status="FAILED", fail_reason=self.config["fail_reason"])
            return
        p["status"] = "PUBLISH_COMPLETE"
        post_id = next(self.post_ids)
        if p["post_info"]["privacy_level"] != "SELF_ONLY":
            p["post_ids"] = [post_id]  # private posts have no publicly available id
        self.posts.append({"id": str(post_id), "publish_id": p["publish_id"], "kind": p["kind"],
                           "open_id": p["open_id"], "post_info": p["post_info"],
                           "sha256": p.get("sha256"), "photos": p.get("fetched", []),
                           "chunks": p.get("chunks", [])})


def chunk_problem(size: int, chunk: int, count: int) -> str | None:
    """TikTok's chunk rules (media transfer guide) for a FILE_UPLOAD init, or None when they hold."""
    if size > MAX_VIDEO:
        return "video_size is larger than 4 GB."
    if size < MIN_CHUNK and (chunk != size or count != 1):
        return "A video under 5 MB must be uploaded whole: chunk_size = video_size, total_chunk_count = 1."
    if size > MAX_CHUNK and count < 2:
        return "A video over 64 MB must be uploaded in several chunks."
    if chunk > size:
        return "chunk_size is larger than video_size."
    if size >= MIN_CHUNK and not (MIN_CHUNK <= chunk <= MAX_CHUNK):
        return "chunk_size must be between 5 MB and 64 MB."
    if count != size // chunk:
        return "total_chunk_count must be video_size / chunk_size rounded down."
    if not (1 <= count <= MAX_CHUNKS):
        return "total_chunk_count must be between 1 and 1000."
    if size - (count - 1) * chunk > MAX_LAST:
        return "The last chunk can be at most 128 MB."
    return None


class TikTok(TikTokMetrics, Publishing, Platform):
    name = "tiktok"

    def setup(self):
        self.route("GET", r"/v2/auth/authorize/", self.authorize_ep)
        self.route("POST", r"/v2/oauth/token/", self.token)
        self.route("POST", r"/v2/oauth/revoke/", self.revoke)
        self.route("GET", r"/v2/user/info/", self.user_info)
        # Publishing (reference §7).
        self.route("POST", r"/v2/post/publish/creator_info/query/", self.creator_info)
        self.route("POST", r"/v2/post/publish/video/init/", self.video_init)
        self.route("POST", r"/v2/post/publish/content/init/", self.content_init)
        self.route("POST", r"/v2/post/publish/status/fetch/", self.status_fetch)
        self.route("PUT", r"/video/", self.upload)
        self.setup_metrics()
        self.reset()

    def default_user(self):
        return {"id": "-000OutpostTesterOpenId0001", "name": "Outpost Tester", "username": "outpost.tester",
                "avatar_url": "https://p16-sign.tiktokcdn-us.com/test~c5_168x168.jpeg"}

    def not_found(self, req):
        return api_error(404, "not_found", f"The requested path {req.path} does not exist.")

    def method_not_allowed(self, req):
        return api_error(405, "method_not_allowed", f"{req.method} is not allowed on {req.path}.")

    def server_error(self, status):
        if status == 429:
            return api_error(429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.")
        return api_error(status, "internal_error", "Something went wrong. Please try again later.")

    def bad_request(self, req, message):
        if req.path.startswith("/v2/oauth/"):
            return oauth_error("invalid_request", message)
        return api_error(400, "invalid_params", message)

    def make_code(self):
        # Real TikTok codes carry characters such as '*' and '!' that arrive percent-encoded in the
        # redirect: a client that does not URL-decode the code fails the exchange.
        return secrets.token_urlsafe(24) + "*" + secrets.token_urlsafe(8) + "!" + secrets.token_hex(4)

    def authorize_ep(self, req: Request) -> Response:
        # [decision] WIRE.md: the desktop guide's hex SHA-256 challenge; a base64url one is rejected here.
        return self.authorize(req, client_param="client_key", redirect_match="loopback", pkce="hex", scope_sep=",",
                              known_scopes=SCOPES)

    def client(self, req: Request):
        app = self.app(req.f("client_key"))
        sec = req.f("client_secret")
        if app is None or not app.client_secret or not sec or not secrets.compare_digest(sec, app.client_secret):
            return None, oauth_error("invalid_client", "Client key or secret is incorrect.")
        return app, None

    def token(self, req: Request) -> Response:
        self.require_form(req)
        app, err = self.client(req)
        if err:
            return err
        gt = req.f("grant_type")
        if gt == "authorization_code":
            for p in ("code", "redirect_uri", "code_verifier"):
                if not req.f(p):
                    return oauth_error("invalid_request", f"The request parameter {p} is missing.")
            code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"),
                                             req.f("code_verifier"), "hex")
            if why == "expired":
                return oauth_error("invalid_grant", "Authorization code is expired.")
            if why == "redirect":
                return oauth_error("invalid_request", "Redirect URI does not match the authorization request.")
            if why == "verifier":
                return oauth_error("invalid_grant", "Code verifier is invalid.")
            if why:
                return oauth_error("invalid_grant", "Authorization code is invalid.")
            return self.issue(self.emu.grants[code.grant_id])
        if gt == "refresh_token":
            old, why = self.emu.lookup(req.f("refresh_token"), "refresh", app.client_id)
            if why == "missing":
                return oauth_error("invalid_request", "The request parameter refresh_token is missing.")
            if why:
                return oauth_error("invalid_grant", "Refresh token is invalid or expired.")
            self.emu.supersede(old)  # rotation: the old refresh token stops working
            self.emu.counters["refreshes"] += 1
            return self.issue(old.grant)
        return oauth_error("invalid_request", "grant_type must be authorization_code or refresh_token.")

    def issue(self, grant) -> Response:
        access = self.emu.issue_token("access", grant, "act." + secrets.token_urlsafe(48), ACCESS_TTL)
        refresh = self.emu.issue_token("refresh", grant, "rft." + secrets.token_urlsafe(48), REFRESH_TTL)
        return json_response(200, {"access_token": access.value, "expires_in": ACCESS_TTL, "open_id": grant.user["id"],
                                   "refresh_expires_in": REFRESH_TTL, "refresh_token": refresh.value,
                                   "scope": ",".join(grant.scopes), "token_type": "Bearer"})

    def revoke(self, req: Request) -> Response:
        self.require_form(req)
        app, err = self.client(req)
        if err:
            return err
        value = req.f("token")
        if not value:
            return oauth_error("invalid_request", "The request parameter token is missing.")
        t = self.emu.tokens.get(value)
        if t is not None and t.client_id == app.client_id:
            self.emu.revoke_grant(t.grant.id, "user")
        return json_response(200, {})

    def user_info(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return api_error(401, "access_token_invalid",
                             "The access token is invalid or not found in the request.")
        fields = req.q("fields")
        if not fields:
            return api_error(400, "invalid_params", "The fields parameter is required.")
        wanted = fields.split(",")
        bad = [f for f in wanted if f not in USER_FIELDS]
        if bad:
            return api_error(400, "invalid_params", f"Invalid fields: {','.join(bad)}")
        if "user.info.basic" not in t.scopes or (set(wanted) & self.stats_fields and "user.info.stats" not in t.scopes):
            return api_error(401, "scope_not_authorized", "The user did not authorize the scope required.")
        # Note: real TikTok puts `username` under user.info.profile; WIRE.md asks for it with
        # user.info.basic only, so the emulator does not enforce that split.
        u = t.user
        full = {"open_id": u["id"], "union_id": "union-" + u["id"], "avatar_url": u["avatar_url"],
                "avatar_url_100": u["avatar_url"], "avatar_large_url": u["avatar_url"], "display_name": u["name"],
                "bio_description": "", "profile_deep_link": f"https://www.tiktok.com/@{u['username']}",
                "is_verified": False, "username": u["username"], **self.user_stats}
        return json_response(200, {"data": {"user": {f: full[f] for f in wanted}},
                                   "error": {"code": "ok", "message": "", "log_id": log_id()}})
