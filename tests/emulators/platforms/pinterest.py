"""Pinterest API v5 OAuth (HTTP Basic client auth, continuous refresh), per WIRE.md § Pinterest."""

from __future__ import annotations

import secrets

from core import Platform, Request, Response, json_response

SCOPES = {
    "ads:read", "ads:write", "billing:read", "billing:write", "biz_access:read", "biz_access:write",
    "boards:read", "boards:read_secret", "boards:write", "boards:write_secret", "catalogs:read", "catalogs:write",
    "pins:read", "pins:read_secret", "pins:write", "pins:write_secret", "user_accounts:read",
}
ACCESS_TTL = 2592000  # 30 days
REFRESH_TTL = 5184000  # 60 days (continuous refresh)


def perr(status: int, code: int, message: str) -> Response:
    return json_response(status, {"code": code, "message": message})


class Pinterest(Platform):
    name = "pinterest"

    def setup(self):
        self.route("GET", r"/oauth/", self.authorize_ep)
        self.route("POST", r"/v5/oauth/token", self.token)
        self.route("GET", r"/v5/user_account", self.user_account)

    def default_user(self):
        return {"id": "549755885175", "name": "Outpost Tester", "username": "outposttester",
                "avatar_url": "https://i.pinimg.com/600x600_R/test.jpg"}

    def not_found(self, req):
        return perr(404, 404, "Resource not found.")

    def method_not_allowed(self, req):
        return perr(405, 405, f"Method {req.method} not allowed.")

    def server_error(self, status):
        if status == 429:
            return perr(429, 8, "You have exceeded your rate limit. Try again later.")
        return perr(status, status, "Something went wrong on our end. Sorry about that.")

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
                                   "about": "", "board_count": 0, "pin_count": 0, "follower_count": 0,
                                   "following_count": 0, "monthly_views": 0})
