"""Mastodon 4.3+ server (Doorkeeper OAuth, discovery, dynamic app registration), per WIRE.md § Mastodon.
The emulator's origin is the server URL."""

from __future__ import annotations

import re
import secrets
import time

from core import BadRequest, Platform, Request, Response, json_response

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


class Mastodon(Platform):
    name = "mastodon"

    def setup(self):
        self.route("GET", r"/\.well-known/oauth-authorization-server", self.discovery)
        self.route("POST", r"/api/v1/apps", self.register)
        self.route("GET", r"/oauth/authorize", self.authorize_ep)
        self.route("POST", r"/oauth/token", self.token)
        self.route("POST", r"/oauth/revoke", self.revoke)
        self.route("GET", r"/api/v1/accounts/verify_credentials", self.verify_credentials)

    def default_user(self):
        return {"id": "109876543210987654", "name": "Outpost Tester", "username": "outpost",
                "avatar_url": "https://files.example.invalid/accounts/avatars/outpost.png"}

    def not_found(self, req):
        return json_response(404, {"error": "Record not found"})

    def method_not_allowed(self, req):
        return json_response(405, {"error": "Method not allowed"})

    def server_error(self, status):
        if status == 429:
            return json_response(429, {"error": "Too many requests"}, [("Retry-After", "1")])
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
            "avatar_static": u["avatar_url"], "header": "", "header_static": "", "followers_count": 0,
            "following_count": 0, "statuses_count": 0, "fields": [], "emojis": [],
            "source": {"privacy": "public", "sensitive": False, "language": "", "note": "", "fields": []},
        })
