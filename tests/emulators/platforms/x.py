"""X (OAuth 2.0 authorization code + PKCE), per WIRE.md § X."""

from __future__ import annotations

import secrets

from core import Platform, Request, Response, json_response

SCOPES = {
    "tweet.read", "tweet.write", "tweet.moderate.write", "users.read", "users.email", "follows.read",
    "follows.write", "offline.access", "space.read", "mute.read", "mute.write", "like.read", "like.write",
    "list.read", "list.write", "block.read", "block.write", "bookmark.read", "bookmark.write", "media.write",
    "dm.read", "dm.write",
}

BAD_CODE = "Value passed for the authorization code was invalid."
BAD_TOKEN = "Value passed for the token was invalid."


def oauth_error(status: int, error: str, desc: str) -> Response:
    return json_response(status, {"error": error, "error_description": desc})


class X(Platform):
    name = "x"
    code_lifetime = 30.0  # docs: "the authorization code is valid for 30 seconds"

    def setup(self):
        self.route("GET", r"/i/oauth2/authorize", self.authorize_ep)
        self.route("POST", r"/2/oauth2/token", self.token)
        self.route("POST", r"/2/oauth2/revoke", self.revoke)
        self.route("GET", r"/2/users/me", self.me)

    def default_user(self):
        return {"id": "1346889436626259968", "name": "Outpost Tester", "username": "outpost_tester",
                "avatar_url": "https://pbs.twimg.com/profile_images/1/test_normal.jpg"}

    # -- shapes
    def problem(self, status: int, title: str, detail: str | None = None) -> Response:
        return json_response(status, {"title": title, "type": "about:blank", "status": status,
                                      "detail": detail or title})

    def not_found(self, req):
        return json_response(404, {"errors": [{"message": "Sorry, that page does not exist", "code": 34}]})

    def method_not_allowed(self, req):
        return self.problem(405, "Method Not Allowed")

    def server_error(self, status):
        titles = {503: "Service Unavailable", 500: "Internal Server Error", 502: "Bad Gateway", 429: "Too Many Requests"}
        return self.problem(status, titles.get(status, "Error"))

    def bad_request(self, req, message):
        return oauth_error(400, "invalid_request", message)

    # -- endpoints
    def authorize_ep(self, req: Request) -> Response:
        # X also accepts `plain`; the contract sends S256 and the emulator requires it (WIRE.md general rules).
        return self.authorize(req, pkce="s256", scope_sep=" ", known_scopes=SCOPES)

    def client_auth(self, req: Request):
        """Public app: body client_id and no Authorization. Confidential app: HTTP Basic id:secret
        (a body client_id, if also sent, must be the same). Returns (app, None) or (None, response)."""
        basic = req.basic()
        body_cid = req.f("client_id")
        unauthorized = (None, oauth_error(401, "unauthorized_client", "Missing valid authorization header"))
        if basic is False:
            return unauthorized
        if basic:
            cid, sec = basic
            app = self.app(cid)
            if app is None or not app.client_secret or not secrets.compare_digest(sec, app.client_secret):
                return unauthorized
            if body_cid is not None and body_cid != cid:
                return unauthorized
            return app, None
        if not body_cid:
            return None, oauth_error(400, "invalid_request", "Missing required parameter [client_id].")
        app = self.app(body_cid)
        if app is None or app.client_secret:
            # [decision] a confidential app must authenticate with HTTP Basic.
            return unauthorized
        return app, None

    def token(self, req: Request) -> Response:
        self.require_form(req)
        app, err = self.client_auth(req)
        if err:
            return err
        gt = req.f("grant_type")
        if gt == "authorization_code":
            for p in ("code", "redirect_uri", "code_verifier"):
                if not req.f(p):
                    return oauth_error(400, "invalid_request", f"Missing required parameter [{p}].")
            code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"),
                                             req.f("code_verifier"), "s256")
            if why:
                return oauth_error(400, "invalid_request", BAD_CODE)
            return self.issue(self.emu.grants[code.grant_id])
        if gt == "refresh_token":
            old, why = self.emu.lookup(req.f("refresh_token"), "refresh", app.client_id)
            if why:
                # [decision] WIRE.md: treated by Outpost as invalid_grant.
                return oauth_error(400, "invalid_request", BAD_TOKEN)
            self.emu.supersede(old)  # rotation: the old refresh token stops working
            self.emu.counters["refreshes"] += 1
            return self.issue(old.grant)
        if not gt:
            return oauth_error(400, "invalid_request", "Missing required parameter [grant_type].")
        return oauth_error(400, "unsupported_grant_type", "grant_type not supported")

    def issue(self, grant) -> Response:
        access = self.emu.issue_token("access", grant, secrets.token_urlsafe(64), 7200)
        out = {"token_type": "bearer", "expires_in": 7200, "access_token": access.value,
               "scope": " ".join(grant.scopes)}
        if "offline.access" in grant.scopes:  # refresh tokens only with offline.access
            out["refresh_token"] = self.emu.issue_token("refresh", grant, secrets.token_urlsafe(64), None).value
        return json_response(200, out)

    def revoke(self, req: Request) -> Response:
        self.require_form(req)
        app, err = self.client_auth(req)
        if err:
            return err
        hint = req.f("token_type_hint")
        if hint not in (None, "access_token", "refresh_token"):
            return oauth_error(400, "unsupported_token_type", "token_type_hint must be access_token or refresh_token")
        value = req.f("token")
        if not value:
            return oauth_error(400, "invalid_request", "Missing required parameter [token].")
        t = self.emu.tokens.get(value)
        if t is not None:
            if t.client_id != app.client_id:
                return oauth_error(400, "invalid_request", BAD_TOKEN)
            self.emu.revoke_grant(t.grant.id, "user")  # revoking either token ends the grant
        return json_response(200, {"revoked": True})

    def me(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.problem(401, "Unauthorized")
        if "users.read" not in t.scopes or "tweet.read" not in t.scopes:
            return json_response(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                       "detail": "Forbidden: users.read and tweet.read scopes are required."})
        fields = (req.q("user.fields") or "").split(",")
        u = t.user
        data = {"id": u["id"], "name": u["name"], "username": u["username"]}
        if "profile_image_url" in fields:  # only returned when asked for
            data["profile_image_url"] = u["avatar_url"]
        return json_response(200, {"data": data})

