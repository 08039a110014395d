"""YouTube via Google OAuth for desktop apps (loopback any-port redirect, PKCE S256), per WIRE.md § YouTube."""

from __future__ import annotations

import secrets

from core import Platform, Request, Response, json_response

YT = "https://www.googleapis.com/auth/"
SCOPES = {YT + s for s in ("youtube", "youtube.upload", "youtube.readonly", "youtube.force-ssl",
                           "youtubepartner", "yt-analytics.readonly", "userinfo.profile", "userinfo.email")}
SCOPES |= {"openid", "email", "profile"}
READ_SCOPES = {YT + s for s in ("youtube", "youtube.readonly", "youtube.force-ssl", "youtubepartner")}
ACCESS_TTL = 3599


def oauth_error(status: int, error: str, desc: str) -> Response:
    return json_response(status, {"error": error, "error_description": desc})


def api_error(status: int, message: str, reason: str, status_text: str, **extra) -> Response:
    e = {"message": message, "domain": "global", "reason": reason, **extra}
    return json_response(status, {"error": {"code": status, "message": message, "errors": [e], "status": status_text}})


class YouTube(Platform):
    name = "youtube"

    def setup(self):
        self.route("GET", r"/o/oauth2/v2/auth", self.authorize_ep)
        self.route("POST", r"/token", self.token)
        self.route("POST", r"/revoke", self.revoke)
        self.route("GET", r"/youtube/v3/channels", self.channels)

    def default_user(self):
        return {"id": "UCoutpostTester0000000001", "name": "Outpost Tester", "username": "outposttester",
                "avatar_url": "https://yt3.ggpht.com/test=s88-c-k-c0x00ffffff-no-rj"}

    def not_found(self, req):
        return api_error(404, "Not Found", "notFound", "NOT_FOUND")

    def method_not_allowed(self, req):
        return api_error(405, f"Method {req.method} not allowed", "httpMethodNotAllowed", "METHOD_NOT_ALLOWED")

    def server_error(self, status):
        if status >= 500:
            return api_error(status, "The service is currently unavailable.", "backendError", "UNAVAILABLE")
        return api_error(status, "Rate Limit Exceeded", "rateLimitExceeded", "RESOURCE_EXHAUSTED")

    def bad_request(self, req, message):
        if req.path.startswith("/youtube/"):
            return api_error(400, message, "badRequest", "INVALID_ARGUMENT")
        return oauth_error(400, "invalid_request", message)

    def make_code(self):
        return "4/0A" + secrets.token_urlsafe(48)

    def authorize_ep(self, req: Request) -> Response:
        def check(r: Request, app):
            at = r.q("access_type")
            if at not in (None, "online", "offline"):
                return "Invalid access_type: must be online or offline"
            prompt = r.q("prompt")
            if prompt is not None and not set(prompt.split(" ")) <= {"none", "consent", "select_account"}:
                return "Invalid prompt value"
            return None

        # Loopback any port (RFC 8252 §7.3), PKCE S256 required by the contract.
        return self.authorize(req, redirect_match="loopback", pkce="s256", scope_sep=" ", known_scopes=SCOPES,
                              extra_check=check, offline=req.q("access_type") == "offline")

    def client(self, req: Request):
        app = self.app(req.f("client_id"))
        if app is None:
            return None, oauth_error(401, "invalid_client", "The OAuth client was not found.")
        sec = req.f("client_secret")
        # Desktop clients have a (non-confidential) secret, and Google's token endpoint requires it.
        if not app.client_secret or not sec or not secrets.compare_digest(sec, app.client_secret):
            return None, oauth_error(401, "invalid_client", "Unauthorized")
        return app, None

    def token(self, req: Request) -> Response:
        self.require_form(req)
        gt = req.f("grant_type")
        if gt not in ("authorization_code", "refresh_token"):
            return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + (gt or ""))
        app, err = self.client(req)
        if err:
            return err
        if gt == "authorization_code":
            if not req.f("code"):
                return oauth_error(400, "invalid_request", "Missing required parameter: code")
            if not req.f("redirect_uri"):
                return oauth_error(400, "invalid_request", "Missing parameter: redirect_uri")
            code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"),
                                             req.f("code_verifier"), "s256")
            if why == "redirect":
                return oauth_error(400, "redirect_uri_mismatch", "Bad Request")
            if why == "verifier_missing":
                return oauth_error(400, "invalid_grant", "Missing code verifier.")
            if why == "verifier":
                return oauth_error(400, "invalid_grant", "Invalid code verifier.")
            if why:
                return oauth_error(400, "invalid_grant", "Bad Request")
            g = self.emu.grants[code.grant_id]
            access = self.emu.issue_token("access", g, "ya29." + secrets.token_urlsafe(96), ACCESS_TTL)
            out = {"access_token": access.value, "expires_in": ACCESS_TTL, "scope": " ".join(g.scopes),
                   "token_type": "Bearer"}
            if g.extra.get("offline"):  # refresh tokens only with access_type=offline
                out["refresh_token"] = self.emu.issue_token("refresh", g, "1//0" + secrets.token_urlsafe(64),
                                                            None).value
            return json_response(200, out)
        rt, why = self.emu.lookup(req.f("refresh_token"), "refresh", app.client_id)
        if why in ("missing",):
            return oauth_error(400, "invalid_request", "Missing required parameter: refresh_token")
        if why:
            return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
        self.emu.counters["refreshes"] += 1
        access = self.emu.issue_token("access", rt.grant, "ya29." + secrets.token_urlsafe(96), ACCESS_TTL)
        # The refresh token never rotates: no refresh_token in the answer.
        return json_response(200, {"access_token": access.value, "expires_in": ACCESS_TTL,
                                   "scope": " ".join(rt.grant.scopes), "token_type": "Bearer"})

    def revoke(self, req: Request) -> Response:
        self.require_form(req)
        value = req.f("token")
        t = self.emu.tokens.get(value or "")
        if t is None or t.revoked or t.superseded or (t.expires_at is not None and self.emu.now() >= t.expires_at):
            return oauth_error(400, "invalid_token", "Token expired or revoked")
        self.emu.revoke_grant(t.grant.id, "user")  # revoking either token revokes the grant
        return json_response(200, {})

    def channels(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return api_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                             "login cookie or other valid authentication credential. See "
                             "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                             "authError", "UNAUTHENTICATED", location="Authorization", locationType="header")
        part = req.q("part")
        if not part:
            return api_error(400, "Required parameter: part", "required", "INVALID_ARGUMENT",
                             location="part", locationType="parameter")
        parts = part.split(",")
        bad = [p for p in parts if p not in ("snippet", "id", "contentDetails", "statistics", "brandingSettings",
                                             "status", "topicDetails", "localizations")]
        if bad:
            return api_error(400, f"'{bad[0]}'", "unknownPart", "INVALID_ARGUMENT", location="part",
                             locationType="parameter")
        if req.q("mine") != "true":
            return api_error(400, "No filter selected. Expected one of: forUsername, managedByMe, id, mine, "
                             "forHandle, categoryId", "missingRequiredParameter", "INVALID_ARGUMENT",
                             location="parameters.", locationType="other")
        if not (READ_SCOPES & set(t.scopes)):
            return api_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                             "PERMISSION_DENIED")
        u = t.user
        item = {"kind": "youtube#channel", "etag": secrets.token_urlsafe(12), "id": u["id"]}
        if "snippet" in parts:
            thumbs = {k: {"url": u["avatar_url"], "width": w, "height": w}
                      for k, w in (("default", 88), ("medium", 240), ("high", 800))}
            item["snippet"] = {"title": u["name"], "description": "", "customUrl": "@" + u["username"],
                               "publishedAt": "2020-01-01T00:00:00Z", "thumbnails": thumbs,
                               "localized": {"title": u["name"], "description": ""}}
        return json_response(200, {"kind": "youtube#channelListResponse", "etag": secrets.token_urlsafe(12),
                                   "pageInfo": {"totalResults": 1, "resultsPerPage": 5}, "items": [item]})
