"""LinkedIn (standard 3-legged OAuth, OpenID userinfo, organization ACLs), per WIRE.md § LinkedIn."""

from __future__ import annotations

import re
import secrets

from core import Platform, Request, Response, json_response

SCOPES = {
    "openid", "profile", "email", "w_member_social", "r_member_social", "w_organization_social",
    "r_organization_social", "rw_organization_admin", "r_organization_admin", "r_basicprofile",
    "w_member_social_feed", "w_organization_social_feed", "r_organization_social_feed",
}
ORG_SCOPES = {"rw_organization_admin", "r_organization_admin", "w_organization_social", "r_organization_social"}

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


class LinkedIn(Platform):
    name = "linkedin"

    def setup(self):
        self.route("GET", r"/oauth/v2/authorization", self.authorize_ep)
        self.route("POST", r"/oauth/v2/accessToken", self.token)
        self.route("GET", r"/v2/userinfo", self.userinfo)
        self.route("GET", r"/rest/organizationAcls", self.org_acls)
        self.route("GET", r"/rest/organizations/([^/]+)", self.organization)

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
        return self.authorize(req, scope_sep=" ", known_scopes=SCOPES)

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
