"""TikTok Login Kit for desktop (client_key, hex PKCE, rotating refresh tokens), per WIRE.md § TikTok."""

from __future__ import annotations

import secrets

from core import Platform, Request, Response, json_response

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


class TikTok(Platform):
    name = "tiktok"

    def setup(self):
        self.route("GET", r"/v2/auth/authorize/", self.authorize_ep)
        self.route("POST", r"/v2/oauth/token/", self.token)
        self.route("POST", r"/v2/oauth/revoke/", self.revoke)
        self.route("GET", r"/v2/user/info/", self.user_info)

    def default_user(self):
        return {"id": "-000OutpostTesterOpenId0001", "name": "Outpost Tester", "username": "outpost.tester",
                "avatar_url": "https://p16-sign.tiktokcdn-us.com/test~c5_168x168.jpeg"}

    def not_found(self, req):
        return api_error(404, "not_found", f"The requested path {req.path} does not exist.")

    def method_not_allowed(self, req):
        return api_error(405, "method_not_allowed", f"{req.method} is not allowed on {req.path}.")

    def server_error(self, status):
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
        if "user.info.basic" not in t.scopes:
            return api_error(401, "scope_not_authorized", "The user did not authorize the scope required.")
        # Note: real TikTok puts `username` under user.info.profile; WIRE.md asks for it with
        # user.info.basic only, so the emulator does not enforce that split.
        u = t.user
        full = {"open_id": u["id"], "union_id": "union-" + u["id"], "avatar_url": u["avatar_url"],
                "avatar_url_100": u["avatar_url"], "avatar_large_url": u["avatar_url"], "display_name": u["name"],
                "bio_description": "", "profile_deep_link": f"https://www.tiktok.com/@{u['username']}",
                "is_verified": False, "username": u["username"], "follower_count": 0, "following_count": 0,
                "likes_count": 0, "video_count": 0}
        return json_response(200, {"data": {"user": {f: full[f] for f in wanted}},
                                   "error": {"code": "ok", "message": "", "log_id": log_id()}})
