"""Mastodon 4.3+ server (Doorkeeper OAuth, discovery, dynamic app registration), per WIRE.md § Mastodon.
The emulator's origin is the server URL."""

from __future__ import annotations

import datetime
import html
import re
import secrets
import time

from core import MAX_BODY, BadRequest, Platform, Request, Response, json_response

SCOPES = {"read", "write", "push", "follow", "profile", "admin:read", "admin:write"}
SCOPES |= {f"read:{s}" for s in ("accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
                                 "mutes", "notifications", "search", "statuses")}
SCOPES |= {f"write:{s}" for s in ("accounts", "blocks", "bookmarks", "conversations", "favourites", "filters",
                                  "follows", "lists", "media", "mutes", "notifications", "reports", "statuses")}
ACCOUNT_SCOPES = {"read", "read:accounts", "profile"}

INVALID_GRANT = ("The provided authorization grant is invalid, expired, revoked, does not match the redirection URI "
                 "used in the authorization request, or was issued to another client.")
INVALID_CLIENT = ("Client authentication failed due to unknown client, no client authentication included, "
                  "or unsupported authentication method.")


def oauth_error(status: int, error: str, desc: str) -> Response:
    return json_response(status, {"error": error, "error_description": desc})


NOTIFICATION_TYPES = {"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
                      "admin.sign_up", "admin.report", "severed_relationships", "moderation_warning"}


class Mastodon(Platform):
    name = "mastodon"

    def setup(self):
        self.route("GET", r"/\.well-known/oauth-authorization-server", self.discovery)
        self.route("POST", r"/api/v1/apps", self.register)
        self.route("GET", r"/oauth/authorize", self.authorize_ep)
        self.route("POST", r"/oauth/token", self.token)
        self.route("POST", r"/oauth/revoke", self.revoke)
        self.route("GET", r"/api/v1/accounts/verify_credentials", self.verify_credentials)
        # publishing (reference §10)
        self.route("GET", r"/api/v2/instance", self.instance)
        self.route("POST", r"/api/v2/media", self.media_upload)
        self.route("GET", r"/api/v1/media/(\w+)", self.media_get)
        self.route("POST", r"/api/v1/statuses", self.post_status)
        self.route("GET", r"/api/v1/statuses/(\w+)", self.get_status)
        self.route("GET", r"/api/v1/accounts/(\w+)/statuses", self.account_statuses)
        # scheduled statuses (methods/scheduled_statuses.md)
        self.route("GET", r"/api/v1/scheduled_statuses", self.scheduled_list)
        self.route("GET", r"/api/v1/scheduled_statuses/(\w+)", self.scheduled_get)
        self.route("PUT", r"/api/v1/scheduled_statuses/(\w+)", self.scheduled_update)
        self.route("DELETE", r"/api/v1/scheduled_statuses/(\w+)", self.scheduled_delete)
        # the inbox (methods/notifications.md)
        self.route("GET", r"/api/v1/notifications", self.notifications_list)
        self.reset()

    def default_user(self):
        return {"id": "109876543210987654", "name": "Outpost Tester", "username": "outpost",
                "avatar_url": "https://files.example.invalid/accounts/avatars/outpost.png"}

    def not_found(self, req):
        return json_response(404, {"error": "Record not found"})

    def method_not_allowed(self, req):
        return json_response(405, {"error": "Method not allowed"})

    def server_error(self, status):
        if status == 429:
            # rack-attack's throttled responder: no Retry-After, X-RateLimit-* with an ISO 8601 reset.
            return json_response(429, {"error": "Too many requests"}, self.rate_headers(0))
        return json_response(status, {"error": "We're sorry, but something went wrong on our end."},
                             [("Retry-After", "1")] if status == 503 else [])

    def bad_request(self, req, message):
        if req.path.startswith("/oauth/"):
            return oauth_error(400, "invalid_request", message)
        return json_response(422, {"error": f"Validation failed: {message}"})

    # -- discovery and registration
    def discovery(self, req: Request) -> Response:
        o = self.emu.origin
        return json_response(200, {
            "issuer": o + "/",
            "service_documentation": "https://docs.joinmastodon.org/",
            "authorization_endpoint": o + "/oauth/authorize",
            "token_endpoint": o + "/oauth/token",
            "app_registration_endpoint": o + "/api/v1/apps",
            "revocation_endpoint": o + "/oauth/revoke",
            "userinfo_endpoint": o + "/oauth/userinfo",
            "scopes_supported": sorted(SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })

    def register(self, req: Request) -> Response:
        if req.is_json():
            body = req.json()
            if not isinstance(body, dict):
                return json_response(422, {"error": "Validation failed: body must be an object"})
        elif req.is_form():
            body = {k: (v if len(v) > 1 or k.endswith("[]") else v[0]) for k, v in req.form_lists.items()}
            if "redirect_uris[]" in body:
                body["redirect_uris"] = body.pop("redirect_uris[]")
        else:
            return json_response(415, {"error": "Content-Type must be application/json or form-urlencoded"})
        name = body.get("client_name")
        if not isinstance(name, str) or not name.strip():
            return json_response(422, {"error": "Validation failed: Application name can't be blank"})
        uris = body.get("redirect_uris")
        if isinstance(uris, str):
            uris = [u.strip() for u in uris.split("\n") if u.strip()]
        if not isinstance(uris, list) or not uris or not all(isinstance(u, str) for u in uris):
            return json_response(422, {"error": "Validation failed: Redirect URI can't be blank"})
        for u in uris:
            if u != "urn:ietf:wg:oauth:2.0:oob" and (not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s#]+$", u)):
                return json_response(422, {"error": "Validation failed: Redirect URI must be an absolute URI."})
        scopes_s = body.get("scopes", "read")
        if not isinstance(scopes_s, str):
            return json_response(422, {"error": "Validation failed: Scopes must be a string"})
        scopes = scopes_s.split()
        if not scopes or any(s not in SCOPES for s in scopes):
            return json_response(422, {"error": "Validation failed: Scopes are invalid"})
        website = body.get("website")
        cid, sec = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        app = self.emu.register_app(cid, sec, uris, scopes=scopes, name=name)
        return json_response(200, {
            "id": str(100 + len(self.emu.apps)), "name": name, "website": website, "scopes": scopes,
            "redirect_uris": app.redirect_uris, "redirect_uri": "\n".join(app.redirect_uris),
            "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
            "client_id": cid, "client_secret": sec, "client_secret_expires_at": 0,
        })

    # -- OAuth
    def authorize_ep(self, req: Request) -> Response:
        try:
            app = self.app(req.q("client_id"))
        except BadRequest:
            app = None
        allowed = set(app.extra.get("scopes") or SCOPES) if app else SCOPES  # requested ⊆ the app's scopes
        return self.authorize(req, pkce="s256", scope_sep=" ", known_scopes=allowed)

    def client(self, req: Request):
        basic = req.basic()
        if basic is False:
            return None, oauth_error(401, "invalid_client", INVALID_CLIENT)
        if basic:
            cid, sec = basic
            if req.f("client_id") not in (None, cid):
                return None, oauth_error(401, "invalid_client", INVALID_CLIENT)
        else:
            cid, sec = req.f("client_id"), req.f("client_secret")
        app = self.app(cid)
        if app is None or not app.client_secret or not sec or not secrets.compare_digest(sec, app.client_secret):
            return None, oauth_error(401, "invalid_client", INVALID_CLIENT)
        return app, None

    def token(self, req: Request) -> Response:
        self.require_form(req)
        gt = req.f("grant_type")
        if not gt:
            return oauth_error(400, "invalid_request", "Missing required parameter: grant_type.")
        if gt != "authorization_code":
            return oauth_error(400, "unsupported_grant_type",
                               "The authorization grant type is not supported by the authorization server.")
        app, err = self.client(req)
        if err:
            return err
        if not req.f("code"):
            return oauth_error(400, "invalid_request", "Missing required parameter: code.")
        code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"),
                                         req.f("code_verifier"), "s256")
        if why:
            return oauth_error(400, "invalid_grant", INVALID_GRANT)
        g = self.emu.grants[code.grant_id]
        t = self.emu.issue_token("access", g, secrets.token_urlsafe(32), None)  # no expiry, no refresh token
        return json_response(200, {"access_token": t.value, "token_type": "Bearer", "scope": " ".join(g.scopes),
                                   "created_at": int(t.issued_at)})

    def revoke(self, req: Request) -> Response:
        self.require_form(req)
        app, err = self.client(req)
        if err:
            return err
        t = self.emu.tokens.get(req.f("token") or "")
        if t is not None:
            if t.client_id != app.client_id:
                return oauth_error(403, "unauthorized_client", "You are not authorized to revoke this token")
            self.emu.revoke_grant(t.grant.id, "user")
        return json_response(200, {})

    # -- API
    def verify_credentials(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return json_response(401, {"error": "The access token is invalid"})
        if not (ACCOUNT_SCOPES & set(t.scopes)):
            return json_response(403, {"error": "This action is outside the authorized scopes"})
        u = t.user
        return json_response(200, {
            "id": u["id"], "username": u["username"], "acct": u["username"], "display_name": u["name"],
            "locked": False, "bot": False, "created_at": time.strftime("%Y-%m-%dT00:00:00.000Z", time.gmtime(0)),
            "note": "", "url": f"{self.emu.origin}/@{u['username']}", "avatar": u["avatar_url"],
            "avatar_static": u["avatar_url"], "header": "", "header_static": "",
            # Counts set with the `followers` admin route; statuses_count counts this account's statuses.
            "followers_count": self.followers, "following_count": self.following,
            "statuses_count": sum(1 for s in self.statuses.values()
                                  if not s.get("remote") and s["account"]["id"] == u["id"]),
            "fields": [], "emojis": [],
            "source": {"privacy": "public", "sensitive": False, "language": "", "note": "", "fields": []},
        })

    # -----------------------------------------------------------------------------------------------
    # Publishing (reference §10): instance limits, media v2 with async processing, statuses with
    # Idempotency-Key (kept 1 h per account), scheduled statuses, threads via in_reply_to_id.

    DEFAULT_CONFIG = {
        "max_characters": 500, "max_media_attachments": 4, "image_size_limit": 16_777_216,
        "video_size_limit": 103_809_024, "description_limit": 1500,
        "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/heic", "image/heif", "image/webp",
                                 "image/avif", "video/webm", "video/mp4", "video/quicktime", "video/ogg",
                                 "audio/wave", "audio/wav", "audio/x-wav", "audio/x-pn-wave", "audio/vnd.wave",
                                 "audio/ogg", "audio/vorbis", "audio/mpeg", "audio/mp3", "audio/webm",
                                 "audio/flac", "audio/aac", "audio/m4a", "audio/x-m4a", "audio/mp4",
                                 "audio/3gpp", "video/x-ms-asf"],
        # [decision] how many GET /api/v1/media/:id polls answer 206 before a 202 upload is ready
        "processing_polls": 2,
        # [decision] images up to this size are processed synchronously (200), larger ones and every
        # video/GIF answer 202
        "sync_image_bytes": 1024 * 1024,
    }
    IDEMPOTENCY_TTL = 3600
    MIN_SCHEDULE = 300  # ScheduledStatusValidator::MINIMUM_OFFSET: scheduled_at <= now + 5 min is too soon
    SCHEDULED_TOTAL_LIMIT = 300  # ScheduledStatusValidator::TOTAL_LIMIT
    SCHEDULED_DAILY_LIMIT = 25  # ScheduledStatusValidator::DAILY_LIMIT (per UTC day of scheduled_at)
    TOO_SOON = "Validation failed: Scheduled at The scheduled date must be in the future"
    RATE_LIMIT = 300
    RATE_PERIOD = 300

    def reset(self):
        self.config = dict(self.DEFAULT_CONFIG)
        self.statuses: dict[str, dict] = {}  # id -> stored record
        self.scheduled: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.idempotency: dict[tuple[str, str], tuple[float, int, dict]] = {}
        self.next_id = 113_000_000_000_000_000
        self.garbled: dict[str, int] = {}
        self.notifications: list[dict] = []  # oldest first
        self.followers = 0
        self.following = 0

    def new_id(self) -> str:
        self.next_id += 1 + secrets.randbelow(1000)
        return str(self.next_id)

    def admin_routes(self):
        return {
            "posts": ("GET", lambda r: [self.status_json(s) | {"idempotency_key": s["idempotency_key"],
                                                                "text": s["text"],
                                                                "from_scheduled": s.get("from_scheduled")}
                                        for s in self.promoted(self.statuses).values()
                                        if not s.get("remote")]),
            "scheduled": ("GET", lambda r: [self.scheduled_json(s) for s in self.promoted(self.scheduled).values()]),
            "media": ("GET", lambda r: [self.media_admin_json(m) for m in self.media.values()]),
            "instance": ("POST", self._admin_instance),
            "token": ("POST", self._admin_token),
            "garble": ("POST", self._admin_garble),
            "notify": ("POST", self._admin_notify),
            "status": ("POST", self._admin_status),
            "engage": ("POST", self._admin_engage),
            "followers": ("POST", self._admin_followers),
            "delete_status": ("POST", self._admin_delete_status),
        }

    def _admin_engage(self, req):
        """Others react to a status: `{"id", "favourites"?, "reblogs"?, "replies"?}` set its counters
        (what GET /api/v1/statuses/:id then reports as favourites_count, reblogs_count, replies_count)."""
        b = req.admin_body
        s = self.statuses.get(str(b.get("id")))
        if s is None:
            raise ValueError("no such status")
        for k in ("favourites", "reblogs", "replies"):
            if k in b:
                if not isinstance(b[k], int) or b[k] < 0:
                    raise ValueError(f"{k} must be a count")
                s[k + "_count"] = b[k]
        return self.status_json(s)

    def _admin_followers(self, req):
        """`{"followers", "following"?}`: the current user's counts (verify_credentials)."""
        b = req.admin_body
        if not isinstance(b.get("followers"), int):
            raise ValueError("followers must be a count")
        self.followers = b["followers"]
        self.following = int(b.get("following", self.following))
        return {"followers_count": self.followers, "following_count": self.following}

    def _admin_delete_status(self, req):
        """The status is deleted on the server (by the user on the web, or by a moderator)."""
        if self.statuses.pop(str(req.admin_body.get("id")), None) is None:
            raise ValueError("no such status")
        return {}

    def _admin_status(self, req):
        """A status of the current user made outside Outpost: `{"text", "ago_seconds"?, "application"?}`
        (e.g. the same words posted last week, or by another app)."""
        b = req.admin_body
        text = b["text"]
        if not isinstance(text, str):
            raise ValueError("text must be a string")
        user = self.emu.user
        sid = self.new_id()
        self.statuses[sid] = {"id": sid, "text": text, "media_ids": [], "in_reply_to_id": None, "sensitive": False,
                              "spoiler_text": "", "visibility": "public", "language": None, "idempotency_key": None,
                              "account": user, "created_at": self.emu.now() - float(b.get("ago_seconds", 0)),
                              "application": b.get("application", "Outpost")}
        return self.status_json(self.statuses[sid])

    def _admin_token(self, req):
        """A live access token for the current user without the OAuth dance (publishing tests)."""
        scopes = req.admin_body.get("scopes", ["read", "write", "profile"])
        if not isinstance(scopes, list) or any(s not in SCOPES for s in scopes):
            raise ValueError("scopes must be a list of Mastodon scopes")
        from core import Grant
        g = Grant(secrets.token_hex(8), "admin", dict(self.emu.user), scopes)
        self.emu.grants[g.id] = g
        return {"access_token": self.emu.issue_token("access", g, secrets.token_urlsafe(32), None).value}

    def _admin_notify(self, req):
        """Someone else's status arrives as a notification of `type` (mention by default), replying
        to `in_reply_to_id` when given."""
        b = req.admin_body
        kind = b.get("type", "mention")
        if kind not in NOTIFICATION_TYPES:
            raise ValueError("type must be a Mastodon notification type")
        who = {"id": str(b.get("account_id", "110000000000000001")), "username": b.get("username", "alice"),
               "name": b.get("display_name", "Alice"), "avatar_url": "https://files.example.invalid/a.png"}
        acct = b.get("acct", who["username"] + "@elsewhere.example")
        now = self.emu.now()
        sid = self.new_id()
        visibility = b.get("visibility", "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            raise ValueError("visibility must be public, unlisted, private or direct")
        status = {"id": sid, "created_at": self.iso(now), "in_reply_to_id": b.get("in_reply_to_id"),
                  "visibility": visibility, "url": f"https://elsewhere.example/@{who['username']}/{sid}",
                  "content": b["content"], "account": self.account_json(who) | {"acct": acct}}
        # The status exists on the server too (GET /api/v1/statuses/:id, in_reply_to_id of a reply).
        self.statuses[sid] = {"id": sid, "remote": status, "in_reply_to_id": b.get("in_reply_to_id"),
                              "created_at": now, "account": {"id": who["id"]}, "visibility": visibility,
                              "idempotency_key": None, "text": b["content"]}
        n = {"id": self.new_id(), "type": kind, "created_at": self.iso(now), "group_key": f"ungrouped-{sid}",
             "account": self.account_json(who) | {"acct": acct}, "status": status}
        self.notifications.append(n)
        return n

    def notifications_list(self, req: Request) -> Response:
        """Newest first; `min_id` gives the page just after it, `since_id` the newest after it;
        `types[]` filters; `limit` defaults to 40, at most 80."""
        t, err = self.api_token(req, {"read", "read:notifications"})
        if err:
            return err
        types = req.query_lists.get("types[]", [])
        for k in ("min_id", "since_id", "max_id"):
            v = req.q(k)
            if v is not None and not v.isdigit():
                raise BadRequest(f"{k} must be an id")
        if any(x not in NOTIFICATION_TYPES for x in types):
            raise BadRequest("types[] has an unknown type")
        limit = req.q("limit") or "40"
        if not limit.isdigit() or int(limit) < 1:
            raise BadRequest("limit must be a positive number")
        limit = min(int(limit), 80)
        items = [n for n in self.notifications if not types or n["type"] in types]
        if req.q("max_id"):
            items = [n for n in items if int(n["id"]) < int(req.q("max_id"))]
        if req.q("min_id"):
            items = [n for n in items if int(n["id"]) > int(req.q("min_id"))][:limit]
        elif req.q("since_id"):
            items = [n for n in items if int(n["id"]) > int(req.q("since_id"))][-limit:]
        else:
            items = items[-limit:]
        return json_response(200, list(reversed(items)))

    def _admin_garble(self, req):
        """The next `times` requests on `path` succeed upstream but their 200 answer is cut short."""
        path = req.admin_body["path"]
        self.garbled[path] = int(req.admin_body.get("times", 1))
        return {"path": path, "times": self.garbled[path]}

    def dispatch(self, req):
        self.publish_due()
        resp = super().dispatch(req)
        left = self.garbled.get(req.path, 0)
        if left > 0 and 200 <= resp.status < 300:
            self.garbled[req.path] = left - 1
            resp.body = resp.body[: len(resp.body) // 2]
        return resp

    def _admin_instance(self, req):
        for k, v in req.admin_body.items():
            if k not in self.DEFAULT_CONFIG:
                raise ValueError(f"unknown instance setting {k}")
            self.config[k] = v
        return self.config

    def max_body(self, method, path):
        if method == "POST" and path == "/api/v2/media":
            # the file may be up to the video limit; multipart framing on top
            return max(int(self.config["video_size_limit"]), int(self.config["image_size_limit"])) + 64 * 1024
        return MAX_BODY

    def iso(self, t: float) -> str:
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def rate_headers(self, remaining: int):
        now = self.emu.now()
        reset = now + (self.RATE_PERIOD - int(now) % self.RATE_PERIOD)
        stamp = datetime.datetime.fromtimestamp(reset, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return [("X-RateLimit-Limit", str(self.RATE_LIMIT)), ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", stamp)]

    def api_token(self, req: Request, scopes: set[str]):
        """(token, None) or (None, error response): 401 for a bad token, 403 outside the scopes."""
        t, why = self.emu.access(req)
        if why:
            return None, json_response(401, {"error": "The access token is invalid"})
        if not (scopes & set(t.scopes)):
            return None, json_response(403, {"error": "This action is outside the authorized scopes"})
        return t, None

    def account_json(self, u: dict) -> dict:
        return {"id": u["id"], "username": u["username"], "acct": u["username"], "display_name": u["name"],
                "url": f"{self.emu.origin}/@{u['username']}", "avatar": u["avatar_url"]}

    # -- instance
    def instance(self, req: Request) -> Response:
        c = self.config
        host = self.emu.origin.split("://", 1)[1]
        return json_response(200, {
            "domain": host, "title": "Outpost test server", "version": "4.3.0", "source_url": "",
            "description": "An emulated Mastodon server", "languages": ["en"],
            "configuration": {
                "urls": {"streaming": "ws://" + host}, "accounts": {"max_featured_tags": 10},
                "statuses": {"max_characters": c["max_characters"],
                             "max_media_attachments": c["max_media_attachments"],
                             "characters_reserved_per_url": 23},
                "media_attachments": {"supported_mime_types": c["supported_mime_types"],
                                      "description_limit": c["description_limit"],
                                      "image_size_limit": c["image_size_limit"], "image_matrix_limit": 33177600,
                                      "video_size_limit": c["video_size_limit"], "video_frame_rate_limit": 120,
                                      "video_matrix_limit": 8294400},
                "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                          "max_expiration": 2629746},
                "translation": {"enabled": False},
            },
            "registrations": {"enabled": False, "approval_required": False, "message": None},
        })

    # -- media
    @staticmethod
    def sniff(data: bytes) -> str | None:
        if data[:3] == b"\xff\xd8\xff":
            return "image/jpeg"
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return "image/png"
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return "image/gif"
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return "image/webp"
        if data[4:8] == b"ftyp":
            return "video/quicktime" if data[8:10] == b"qt" else "video/mp4"
        if data[:4] == b"\x1a\x45\xdf\xa3":
            return "video/webm"
        return None

    def media_upload(self, req: Request) -> Response:
        t, err = self.api_token(req, {"write", "write:media"})
        if err:
            return err
        parts = req.multipart()
        unknown = set(parts) - {"file", "thumbnail", "description", "focus"}
        if unknown:
            return json_response(422, {"error": f"Validation failed: unknown parameter {sorted(unknown)[0]}"})
        f = parts.get("file")
        if f is None or f["filename"] is None:
            return json_response(422, {"error": "Validation failed: File can't be blank"})
        data = f["data"]
        mime = self.sniff(data)  # from the content, as Mastodon (Paperclip) does
        if mime is None or mime not in self.config["supported_mime_types"]:
            return json_response(422, {"error": "Validation failed: File content type is invalid, File is invalid"})
        video = mime.startswith("video/")
        limit = int(self.config["video_size_limit" if video else "image_size_limit"])
        if len(data) > limit:
            return json_response(422, {
                "error": f"Validation failed: File file size must be less than {limit // (1024 * 1024)} MB"})
        desc = parts["description"]["data"].decode("utf-8", "replace") if "description" in parts else None
        if desc is not None and len(desc) > int(self.config["description_limit"]):
            return json_response(422, {
                "error": f"Validation failed: Description is too long (maximum is {self.config['description_limit']} characters)"})
        focus = None
        if "focus" in parts:
            m = re.fullmatch(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)", parts["focus"]["data"].decode("ascii", "replace"))
            if not m or not all(-1.0 <= float(x) <= 1.0 for x in m.groups()):
                return json_response(422, {"error": "Validation failed: Focus is invalid"})
            focus = [float(x) for x in m.groups()]
        kind = "video" if video else ("gifv" if mime == "image/gif" else "image")
        sync = kind == "image" and len(data) <= int(self.config["sync_image_bytes"])
        mid = self.new_id()
        self.media[mid] = {
            "id": mid, "type": kind, "mime": mime, "size": len(data), "description": desc, "focus": focus,
            "filename": f["filename"], "part_content_type": f["content_type"], "owner": t.user["id"],
            "polls_left": 0 if sync else int(self.config["processing_polls"]), "status_id": None,
            "sha256": __import__("hashlib").sha256(data).hexdigest(),
        }
        # the upload was logged before the handler ran: add what the file part said
        if self.emu.log:
            self.emu.log[-1]["multipart"] = {"parts": sorted(parts), "filename": f["filename"], "size": len(data),
                                             "content_type": f["content_type"], "description": desc}
        return json_response(200 if sync else 202, self.media_json(self.media[mid]))

    def media_ready(self, m) -> bool:
        return m["polls_left"] <= 0

    def media_json(self, m) -> dict:
        ready = self.media_ready(m)
        base = f"{self.emu.origin}/system/media_attachments/files/{m['id']}"
        meta = {"focus": {"x": m["focus"][0], "y": m["focus"][1]}} if m["focus"] else {}
        return {"id": m["id"], "type": m["type"], "url": f"{base}/original/file" if ready else None,
                "preview_url": f"{base}/small/file", "remote_url": None, "preview_remote_url": None,
                "text_url": None, "meta": meta, "description": m["description"], "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IU"}

    def media_admin_json(self, m) -> dict:
        return self.media_json(m) | {k: m[k] for k in ("mime", "size", "filename", "part_content_type", "status_id",
                                                       "sha256")}

    def media_get(self, req: Request) -> Response:
        t, err = self.api_token(req, {"write", "write:media"})
        if err:
            return err
        m = self.media.get(req.match.group(1))
        if m is None or m["owner"] != t.user["id"]:
            return json_response(404, {"error": "Record not found"})
        if not self.media_ready(m):
            m["polls_left"] -= 1
            return json_response(206, self.media_json(m) | {"url": None})
        return json_response(200, self.media_json(m))

    # -- statuses
    def status_params(self, req: Request) -> dict:
        if req.is_json():
            b = req.json()
            if not isinstance(b, dict):
                raise BadRequest("body must be an object")
            return b
        if req.is_form():
            out = {}
            for k, v in req.form_lists.items():
                if k.endswith("[]"):
                    out[k[:-2]] = v
                elif len(v) != 1:
                    raise BadRequest(f"{k} given more than once")
                else:
                    out[k] = v[0]
            return out
        raise BadRequest("Content-Type must be application/json or form-urlencoded")

    @staticmethod
    def boolean(v) -> bool:
        return v is True or (isinstance(v, str) and v.lower() in ("true", "1", "t", "on"))

    def app_name(self, t) -> str:
        app = self.emu.apps.get(t.client_id) if t is not None else None
        return (app.extra.get("name") if app else None) or "Outpost"

    def post_status(self, req: Request) -> Response:
        t, err = self.api_token(req, {"write", "write:statuses"})
        if err:
            return err
        user = t.user
        key = req.header("Idempotency-Key")
        now = self.emu.now()
        if key:
            hit = self.idempotency.get((user["id"], key))
            if hit and now - hit[0] < self.IDEMPOTENCY_TTL:
                store = self.scheduled if hit[2][0] == "scheduled" else self.statuses
                if hit[2][1] not in store:  # the scheduled status was published or cancelled since
                    return json_response(404, {"error": "Record not found"})
                return json_response(hit[1], self.lookup_entity(hit[2]))
        p = self.status_params(req)
        unknown = set(p) - {"status", "media_ids", "poll", "in_reply_to_id", "sensitive", "spoiler_text",
                            "visibility", "language", "scheduled_at", "quoted_status_id"}
        if unknown:
            raise BadRequest(f"unknown parameter {sorted(unknown)[0]}")
        text = p.get("status") or ""
        if not isinstance(text, str):
            raise BadRequest("status must be a string")
        media_ids = p.get("media_ids") or []
        if not isinstance(media_ids, list) or not all(isinstance(x, str) for x in media_ids):
            raise BadRequest("media_ids must be a list of strings")
        spoiler = p.get("spoiler_text") or ""
        visibility = p.get("visibility") or "public"
        if visibility not in ("public", "unlisted", "private", "direct"):
            return json_response(422, {"error": "Validation failed: Visibility is not included in the list"})
        language = p.get("language")
        if language is not None and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)?", str(language)):
            return json_response(422, {"error": "Validation failed: Language is not included in the list"})
        n = len(text) + len(spoiler)  # code points (Python str), as Mastodon counts [decision: URLs not weighted]
        if n > int(self.config["max_characters"]):
            return json_response(422, {
                "error": f"Validation failed: Text character limit of {self.config['max_characters']} exceeded"})
        if not text.strip() and not media_ids:
            return json_response(422, {"error": "Validation failed: Text can't be blank"})
        # media, as PostStatusService#validate_media!
        if len(media_ids) > int(self.config["max_media_attachments"]):
            return json_response(422, {"error": f"Cannot attach more than {self.config['max_media_attachments']} files"})
        media = []
        missing = []
        for mid in media_ids:
            m = self.media.get(mid)
            if m is None or m["owner"] != user["id"] or m["status_id"] is not None:
                missing.append(mid)
            else:
                media.append(m)
        if missing:
            return json_response(422, {"error": f"Media with IDs {', '.join(missing)} not found or already "
                                                f"attached to another post"})
        if len(media) > 1 and any(m["type"] in ("video", "gifv") for m in media):
            return json_response(422, {"error": "Cannot attach a video to a post that already contains images"})
        if any(not self.media_ready(m) for m in media):
            return json_response(422, {"error": "Cannot attach files that have not finished processing. "
                                                "Try again in a moment!"})
        reply_to = p.get("in_reply_to_id")
        if reply_to is not None and reply_to not in self.statuses:
            return json_response(404, {"error": "Record not found"})
        scheduled_at = p.get("scheduled_at")
        when = None
        if scheduled_at:
            when = self.parse_time(scheduled_at)
            if when is None:
                return json_response(422, {"error": "Validation failed: Scheduled at is invalid"})
            if when <= now:
                when = None  # in the past: published now (PostStatusService)
            else:
                problem = self.schedule_problem(user["id"], when, None)
                if problem:
                    return json_response(422, {"error": problem})
        record = {"text": text, "media_ids": [m["id"] for m in media], "in_reply_to_id": reply_to,
                  "sensitive": self.boolean(p.get("sensitive")) or bool(spoiler), "spoiler_text": spoiler,
                  "visibility": visibility, "language": language, "idempotency_key": key, "account": user,
                  "created_at": now, "application": self.app_name(t)}
        if when is not None:
            sid = self.new_id()
            record.update(id=sid, scheduled_at=when)
            self.scheduled[sid] = record
            for m in media:
                m["status_id"] = "scheduled:" + sid
            status, ref = 200, ("scheduled", sid)
        else:
            sid = self.new_id()
            record.update(id=sid)
            self.statuses[sid] = record
            for m in media:
                m["status_id"] = sid
            status, ref = 200, ("status", sid)
        if key:
            self.idempotency[(user["id"], key)] = (now, status, ref)
        return json_response(status, self.lookup_entity(ref))

    def lookup_entity(self, ref) -> dict:
        kind, sid = ref
        return self.scheduled_json(self.scheduled[sid]) if kind == "scheduled" else self.status_json(self.statuses[sid])

    def status_json(self, s) -> dict:
        if s.get("remote"):
            return s["remote"]
        u = s["account"]
        paras = [p for p in s["text"].split("\n\n")]
        content = "".join("<p>" + html.escape(p).replace("\n", "<br />") + "</p>" for p in paras)
        parent = self.statuses.get(s["in_reply_to_id"]) if s["in_reply_to_id"] else None
        return {
            "id": s["id"], "created_at": self.iso(s["created_at"]), "in_reply_to_id": s["in_reply_to_id"],
            "in_reply_to_account_id": parent["account"]["id"] if parent else None, "sensitive": s["sensitive"],
            "spoiler_text": s["spoiler_text"], "visibility": s["visibility"], "language": s["language"],
            "uri": f"{self.emu.origin}/users/{u['username']}/statuses/{s['id']}",
            "url": f"{self.emu.origin}/@{u['username']}/{s['id']}", "replies_count": s.get("replies_count", 0),
            "reblogs_count": s.get("reblogs_count", 0), "favourites_count": s.get("favourites_count", 0),
            "edited_at": None, "content": content, "reblog": None,
            # The app that created it, as Mastodon shows the owner (`application.name` = its client_name).
            "application": {"name": s.get("application") or "Outpost", "website": None},
            "account": self.account_json(u), "media_attachments": [self.media_json(self.media[m]) for m in s["media_ids"]],
            "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None,
        }

    def scheduled_json(self, s) -> dict:
        return {
            "id": s["id"], "scheduled_at": self.iso(s["scheduled_at"]),
            "params": {"text": s["text"], "media_ids": s["media_ids"] or None, "sensitive": s["sensitive"],
                       "spoiler_text": s["spoiler_text"] or None, "visibility": s["visibility"],
                       "language": s["language"], "in_reply_to_id": s["in_reply_to_id"], "poll": None,
                       "idempotency": s["idempotency_key"], "scheduled_at": None, "application_id": 1,
                       "with_rate_limit": False},
            "media_attachments": [self.media_json(self.media[m]) for m in s["media_ids"]],
        }

    def get_status(self, req: Request) -> Response:
        """Public for public and unlisted statuses; a token that is sent must be valid (401), and a
        private or direct status needs `read:statuses` of someone who may see it (its author, or the
        user it was delivered to) (else 404, as
        Mastodon hides what the caller may not see)."""
        t = None
        if req.header("Authorization"):
            t, err = self.api_token(req, {"read", "read:statuses"})
            if err:
                return err
        s = self.statuses.get(req.match.group(1))
        if s is None:
            return json_response(404, {"error": "Record not found"})
        # A status delivered to the user (a notification) is one they may see; else only the author.
        mine = t is not None and (s.get("remote") or t.user["id"] == s["account"]["id"])
        if s.get("visibility") in ("private", "direct") and not mine:
            return json_response(404, {"error": "Record not found"})
        return json_response(200, self.status_json(s))

    def account_statuses(self, req: Request) -> Response:
        t, err = self.api_token(req, {"read", "read:statuses"})
        if err:
            return err
        aid = req.match.group(1)
        limit = req.q("limit") or "20"
        if not limit.isdigit():
            raise BadRequest("limit must be a number")
        mine = [s for s in self.statuses.values() if s["account"]["id"] == aid]
        mine.sort(key=lambda s: int(s["id"]), reverse=True)
        return json_response(200, [self.status_json(s) for s in mine[:min(int(limit), 40)]])

    # -- scheduled statuses (methods/scheduled_statuses.md; ScheduledStatusValidator)
    @staticmethod
    def parse_time(value) -> float | None:
        """A Mastodon datetime (ISO 8601 with an offset or Z) as unix seconds; None when unparsable."""
        try:
            t = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
        if t.tzinfo is None:  # [decision] Rails would read it in the server's zone (UTC)
            t = t.replace(tzinfo=datetime.timezone.utc)
        return t.timestamp()

    def schedule_problem(self, account_id: str, when: float, own_id: str | None) -> str | None:
        """ScheduledStatusValidator: too soon, over the total limit, over the daily limit (UTC day)."""
        if when <= self.emu.now() + self.MIN_SCHEDULE:
            return self.TOO_SOON
        mine = [s for s in self.scheduled.values() if s["account"]["id"] == account_id and s["id"] != own_id]
        if len(mine) >= self.SCHEDULED_TOTAL_LIMIT:
            return f"Validation failed: You have exceeded the limit of {self.SCHEDULED_TOTAL_LIMIT} scheduled posts"
        day = datetime.datetime.fromtimestamp(when, datetime.timezone.utc).date()
        same_day = [s for s in mine
                    if datetime.datetime.fromtimestamp(s["scheduled_at"], datetime.timezone.utc).date() == day]
        if len(same_day) >= self.SCHEDULED_DAILY_LIMIT:
            return (f"Validation failed: You have exceeded the limit of {self.SCHEDULED_DAILY_LIMIT} scheduled "
                    f"posts for today")
        return None

    def publish_due(self):
        """Scheduled statuses whose time the emulator clock has passed become real statuses (new ids; the
        ScheduledStatus is gone, as after PublishScheduledStatusWorker)."""
        now = self.emu.now()
        for sid in sorted((k for k, s in self.scheduled.items() if s["scheduled_at"] <= now),
                          key=lambda k: self.scheduled[k]["scheduled_at"]):
            rec = self.scheduled.pop(sid)
            new = dict(rec, id=self.new_id(), created_at=rec["scheduled_at"], from_scheduled=sid)
            new.pop("scheduled_at")
            if new["in_reply_to_id"] not in self.statuses:
                new["in_reply_to_id"] = None
            self.statuses[new["id"]] = new
            for mid in new["media_ids"]:
                self.media[mid]["status_id"] = new["id"]

    def promoted(self, store: dict) -> dict:
        self.publish_due()
        return store

    def own_scheduled(self, req: Request, scopes: set[str]):
        """(token, record, None) or (None, None, error): 404 for another account's or an unknown id."""
        t, err = self.api_token(req, scopes)
        if err:
            return None, None, err
        s = self.scheduled.get(req.match.group(1))
        if s is None or s["account"]["id"] != t.user["id"]:
            return None, None, json_response(404, {"error": "Record not found"})
        return t, s, None

    def scheduled_list(self, req: Request) -> Response:
        t, err = self.api_token(req, {"read", "read:statuses"})
        if err:
            return err
        limit = req.q("limit") or "20"
        if not limit.isdigit():
            raise BadRequest("limit must be a number")
        mine = sorted((s for s in self.scheduled.values() if s["account"]["id"] == t.user["id"]),
                      key=lambda s: int(s["id"]), reverse=True)
        for bound, keep in (("max_id", lambda s, b: int(s["id"]) < b), ("since_id", lambda s, b: int(s["id"]) > b),
                            ("min_id", lambda s, b: int(s["id"]) > b)):
            v = req.q(bound)
            if v is not None:
                if not v.isdigit():
                    return json_response(404, {"error": "Record not found"})
                mine = [s for s in mine if keep(s, int(v))]
        n = max(1, min(int(limit), 40))
        return json_response(200, [self.scheduled_json(s) for s in mine[:n]])

    def scheduled_get(self, req: Request) -> Response:
        _, s, err = self.own_scheduled(req, {"read", "read:statuses"})
        return err or json_response(200, self.scheduled_json(s))

    def scheduled_update(self, req: Request) -> Response:
        t, s, err = self.own_scheduled(req, {"write", "write:statuses"})
        if err:
            return err
        p = self.status_params(req)
        unknown = set(p) - {"scheduled_at"}
        if unknown:  # [decision] Rails would drop unpermitted parameters; strict here to catch client bugs
            raise BadRequest(f"unknown parameter {sorted(unknown)[0]}")
        if "scheduled_at" not in p:  # params.permit(:scheduled_at) is empty: nothing changes
            return json_response(200, self.scheduled_json(s))
        when = self.parse_time(p["scheduled_at"]) if p["scheduled_at"] else None
        if when is None:
            return json_response(422, {"error": "Validation failed: Scheduled at can't be blank"})
        problem = self.schedule_problem(t.user["id"], when, s["id"])
        if problem:
            return json_response(422, {"error": problem})
        s["scheduled_at"] = when
        return json_response(200, self.scheduled_json(s))

    def scheduled_delete(self, req: Request) -> Response:
        _, s, err = self.own_scheduled(req, {"write", "write:statuses"})
        if err:
            return err
        del self.scheduled[s["id"]]
        for mid in s["media_ids"]:  # has_many :media_attachments, dependent: :nullify
            self.media[mid]["status_id"] = None
        return json_response(200, {})
