"""Meta platforms: Facebook Pages (Graph v23.0), Instagram (Business Login), Threads.
Per WIRE.md §§ Facebook Pages, Instagram, Threads."""

from __future__ import annotations

import secrets
import time

from core import Platform, Request, Response, json_response
from .meta_inbox import FacebookInbox, InstagramInbox
from .meta_publish import FacebookPublishing, InstagramPublishing, ThreadsPublishing
from .threads_inbox import ThreadsInbox

GRAPH_VERSION = "v23.0"  # [decision] WIRE.md pins Graph v23.0; other versions are not routed (404)
THREADS_VERSION = "v1.0"
LONG_TTL = 5183944  # ~60 days
FB_SHORT_TTL = 5183  # WIRE.md: short-lived user token expires_in 5183 (about 1.4 h)
IG_SHORT_TTL = 3600  # Instagram/Threads short-lived tokens: 1 h
MIN_REFRESH_AGE = 24 * 3600

FB_SCOPES = {
    "public_profile", "email", "pages_show_list", "pages_manage_posts", "pages_read_engagement",
    "pages_manage_engagement", "pages_manage_metadata", "pages_read_user_content", "pages_messaging",
    "publish_video", "read_insights", "business_management",
}
IG_SCOPES = {
    "instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_comments",
    "instagram_business_manage_insights", "instagram_business_manage_messages",
}
TH_SCOPES = {
    "threads_basic", "threads_content_publish", "threads_manage_replies", "threads_read_replies",
    "threads_manage_insights", "threads_keyword_search", "threads_manage_mentions", "threads_delete",
    "threads_location_tagging", "threads_profile_discovery",
}


def fbtrace() -> str:
    return secrets.token_urlsafe(9)


def meta_error(message: str, code: int, subcode: int | None = None, status: int = 400,
               type_: str = "OAuthException", transient: bool | None = None) -> Response:
    err = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    if transient is not None:
        err["is_transient"] = transient
    err["fbtrace_id"] = fbtrace()
    headers = []
    if code == 190:
        headers.append(("WWW-Authenticate", f'OAuth "Facebook Platform" "invalid_token" "{message}"'))
    return json_response(status, {"error": err}, headers)


class MetaBase(Platform):
    """Shared Graph-API behaviour (error shape, token errors, 5xx)."""

    def not_found(self, req):
        return meta_error(f"Unknown path components: {req.path}", 2500, status=404)

    def method_not_allowed(self, req):
        return meta_error(f"Unsupported {req.method} request.", 100, status=405, type_="GraphMethodException")

    def server_error(self, status):
        return meta_error("An unexpected error has occurred. Please retry your request later.", 2, status=status,
                          transient=True)

    def bad_request(self, req, message):
        return meta_error(message, 100)

    def token_error(self, why: str, token=None) -> Response:
        # Code 190 = invalid/expired/revoked token. 400 as Graph answers OAuthException (WIRE.md "Errors (400)").
        if why == "missing":
            return meta_error("An active access token must be used to query information about the current user.", 2500)
        if why == "expired":
            when = time.strftime("%A, %d-%b-%y %H:%M:%S PDT", time.gmtime(token.expires_at))
            return meta_error(f"Error validating access token: Session has expired on {when}.", 190, 463)
        if why in ("removed", "revoked"):
            return meta_error(f"Error validating access token: The user has not authorized application "
                              f"{token.client_id}.", 190, 458)
        return meta_error("Invalid OAuth access token - Cannot parse access token", 190)

    def fields(self, req: Request, default: list[str]) -> list[str]:
        f = req.q("fields")
        return [x.strip() for x in f.split(",") if x.strip()] if f else default

    def check_secret(self, app, secret: str | None) -> bool:
        return bool(app and app.client_secret and secret and secrets.compare_digest(secret, app.client_secret))

    def make_token(self) -> str:
        return "EAA" + secrets.token_urlsafe(96)

    # -- Instagram/Threads long-lived exchange and refresh (the long-lived token refreshes itself)
    def long_lived_exchange(self, req: Request, grant_type: str) -> Response:
        if req.q("grant_type") != grant_type:
            return meta_error(f"Unsupported grant_type, expected {grant_type}", 100)
        t, why = self.emu.lookup(req.q("access_token"), "access")
        if why:
            return self.token_error(why, t)
        if not self.check_secret(self.app(t.client_id), req.q("client_secret")):
            return meta_error("Error validating client secret.", 1)
        if t.extra.get("stage") != "short":
            return meta_error("Invalid OAuth access token - only short-lived tokens can be exchanged", 190)
        new = self.emu.issue_token("access", t.grant, self.make_token(), LONG_TTL, stage="long")
        return json_response(200, {"access_token": new.value, "token_type": "bearer", "expires_in": LONG_TTL})

    def long_lived_refresh(self, req: Request, grant_type: str) -> Response:
        if req.q("grant_type") != grant_type:
            return meta_error(f"Unsupported grant_type, expected {grant_type}", 100)
        t, why = self.emu.lookup(req.q("access_token"), "access")
        if why:
            return self.token_error(why, t)
        if t.extra.get("stage") != "long":
            return meta_error("Only long-lived access tokens can be refreshed", 190)
        if self.emu.now() - t.issued_at < MIN_REFRESH_AGE:
            # [decision] Meta documents the 24 h rule but not the error; code 100 here.
            return meta_error("The access token must be at least 24 hours old to be refreshed", 100)
        # [decision] a new token string valid 60 days from now; the old one stays valid until its own expiry.
        new = self.emu.issue_token("access", t.grant, self.make_token(), LONG_TTL, stage="long")
        self.emu.counters["refreshes"] += 1
        return json_response(200, {"access_token": new.value, "token_type": "bearer", "expires_in": LONG_TTL})


# ---------------------------------------------------------------------------------------------------


class Facebook(FacebookInbox, FacebookPublishing, MetaBase):
    name = "facebook"

    def setup(self):
        v = GRAPH_VERSION.replace(".", r"\.")
        self.route("GET", rf"/{v}/dialog/oauth", self.authorize_ep)
        self.route("GET", rf"/{v}/oauth/access_token", self.access_token)
        self.route("GET", rf"/{v}/me", self.me)
        self.route("GET", rf"/{v}/me/accounts", self.accounts)
        self.route("DELETE", rf"/{v}/me/permissions", self.delete_permissions)
        self.setup_publishing()
        self.reset()

    def default_user(self):
        tasks = ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"]
        return {"id": "10229384756102938", "name": "Outpost Tester", "username": "outpost.tester",
                "avatar_url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1",
                "pages": [{"id": "104857600000001", "name": "Outpost Bakery", "tasks": tasks},
                          {"id": "104857600000002", "name": "Outpost Garage",
                           "tasks": ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MODERATE"]}]}

    def authorize_ep(self, req):
        return self.authorize(req, scope_sep=",", known_scopes=FB_SCOPES)

    def access_token(self, req: Request) -> Response:
        gt = req.q("grant_type")
        app = self.app(req.q("client_id"))
        if app is None:
            return meta_error("Error validating application. Invalid application ID.", 101)
        if not self.check_secret(app, req.q("client_secret")):
            return meta_error("Error validating client secret.", 1)
        if gt == "fb_exchange_token":
            t, why = self.emu.lookup(req.q("fb_exchange_token"), "access")
            if why:
                return self.token_error(why, t)
            if t.client_id != app.client_id or t.extra.get("page"):
                return meta_error("Invalid OAuth access token - the token was not issued to this application", 190)
            new = self.emu.issue_token("access", t.grant, self.make_token(), LONG_TTL, stage="long")
            return json_response(200, {"access_token": new.value, "token_type": "bearer", "expires_in": LONG_TTL})
        if gt is not None:
            return meta_error(f"Unsupported grant_type {gt}", 100)
        for p in ("redirect_uri", "code"):
            if not req.q(p):
                return meta_error(f"Missing {p} parameter.", 100)
        code, why = self.emu.redeem_code(req.q("code"), app.client_id, req.q("redirect_uri"), None, None)
        if why == "replayed":
            return meta_error("This authorization code has been used.", 100, 36009)
        if why == "expired":
            return meta_error("This authorization code has expired.", 100, 36007)
        if why in ("redirect", "redirect_missing"):
            return meta_error("Error validating verification code. Please make sure your redirect_uri is identical "
                              "to the one you used in the OAuth dialog request", 100, 36008)
        if why:
            return meta_error("Invalid verification code format.", 100)
        t = self.emu.issue_token("access", self.emu.grants[code.grant_id], self.make_token(), FB_SHORT_TTL,
                                 stage="short")
        return json_response(200, {"access_token": t.value, "token_type": "bearer", "expires_in": FB_SHORT_TTL})

    def picture(self, url: str) -> dict:
        return {"data": {"height": 50, "width": 50, "is_silhouette": False, "url": url}}

    def me(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.token_error(why, t)
        page = t.extra.get("page")
        if page:  # a page token's /me is the page
            subject = {"id": page["id"], "name": page["name"], "picture": self.picture(
                f"https://scontent.xx.fbcdn.net/page/{page['id']}.jpg")}
        else:
            u = t.user
            subject = {"id": u["id"], "name": u["name"], "picture": self.picture(u["avatar_url"])}
        out = {"id": subject["id"]}
        for f in self.fields(req, ["id", "name"]):
            if f not in subject:
                return meta_error(f"(#100) Tried accessing nonexisting field ({f}) on node type (User)", 100)
            out[f] = subject[f]
        return json_response(200, out)

    def accounts(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.token_error(why, t)
        if t.extra.get("page"):
            return meta_error("(#100) Tried accessing nonexisting field (accounts) on node type (Page)", 100)
        wanted = self.fields(req, ["access_token", "category", "category_list", "name", "id", "tasks"])
        data = []
        if "pages_show_list" in t.scopes:  # without the permission the edge is empty
            for p in t.user.get("pages") or []:
                # Page tokens from a long-lived user token do not expire; from a short-lived one they
                # expire with it.
                ttl = None if t.extra.get("stage") == "long" else max(1.0, t.expires_at - self.emu.now())
                pt = self.emu.issue_token("access", t.grant, self.make_token(), ttl,
                                          page={"id": str(p["id"]), "name": p["name"]})
                full = {"id": str(p["id"]), "name": p["name"], "access_token": pt.value,
                        "tasks": list(p.get("tasks", [])), "category": "Local business",
                        "category_list": [{"id": "2500", "name": "Local business"}],
                        "picture": self.picture(f"https://scontent.xx.fbcdn.net/page/{p['id']}.jpg")}
                item = {}
                for f in wanted:
                    if f not in full:
                        return meta_error(f"(#100) Tried accessing nonexisting field ({f}) on node type (Page)", 100)
                    item[f] = full[f]
                data.append(item)
        out = {"data": data}
        if data:
            out["paging"] = {"cursors": {"before": secrets.token_urlsafe(12), "after": secrets.token_urlsafe(12)}}
        return json_response(200, out)

    def delete_permissions(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.token_error(why, t)
        if t.extra.get("page"):
            return meta_error("(#100) A user access token is required", 100)
        self.emu.revoke_grant(t.grant.id, "user")
        return json_response(200, {"success": True})


# ---------------------------------------------------------------------------------------------------


def _id_json(v: str):
    """Meta returns numeric ids as JSON numbers in token responses [decision: as the real API does]."""
    return int(v) if v.isdigit() else v


class Instagram(InstagramInbox, InstagramPublishing, MetaBase):
    name = "instagram"

    def setup(self):
        self.route("GET", r"/oauth/authorize", self.authorize_ep)
        self.route("POST", r"/oauth/access_token", self.token)
        self.route("GET", r"/access_token", lambda r: self.long_lived_exchange(r, "ig_exchange_token"))
        self.route("GET", r"/refresh_access_token", lambda r: self.long_lived_refresh(r, "ig_refresh_token"))
        self.route("GET", rf"/{GRAPH_VERSION.replace('.', chr(92) + '.')}/me", self.me)
        self.setup_publishing()
        self.reset()

    def default_user(self):
        return {"id": "17841400000000001", "name": "Outpost Tester", "username": "outpost.tester",
                "avatar_url": "https://scontent.cdninstagram.com/v/t51/test.jpg"}

    def make_token(self) -> str:
        return "IGAA" + secrets.token_urlsafe(96)

    def authorize_ep(self, req):
        return self.authorize(req, scope_sep=",", known_scopes=IG_SCOPES, fragment="_")  # Meta appends #_

    def ig_error(self, message: str, status: int = 400) -> Response:
        return json_response(status, {"error_type": "OAuthException", "code": status, "error_message": message})

    def token(self, req: Request) -> Response:
        if not req.is_form():
            return self.ig_error("Content-Type must be application/x-www-form-urlencoded")
        app = self.app(req.f("client_id"))
        if app is None:
            return self.ig_error("Invalid platform app")
        if not self.check_secret(app, req.f("client_secret")):
            return self.ig_error("Error validating client secret.")
        if req.f("grant_type") != "authorization_code":
            return self.ig_error("Invalid grant_type, expected authorization_code")
        if not req.f("redirect_uri"):
            return self.ig_error("Missing required field redirect_uri")
        code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"), None, None)
        if why == "redirect":
            return self.ig_error("Error validating verification code. Please make sure your redirect_uri is "
                                 "identical to the one you used in the OAuth dialog request")
        if why == "replayed":
            return self.ig_error("This authorization code has been used")
        if why:
            return self.ig_error("Invalid authorization code")
        g = self.emu.grants[code.grant_id]
        t = self.emu.issue_token("access", g, self.make_token(), IG_SHORT_TTL, stage="short")
        return json_response(200, {"data": [{"access_token": t.value, "user_id": _id_json(g.user["id"]),
                                             "permissions": ",".join(g.scopes)}]})

    def me(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.token_error(why, t)
        u = t.user
        subject = {"user_id": u["id"], "username": u["username"], "name": u["name"],
                   "profile_picture_url": u["avatar_url"], "id": u["id"], "account_type": "BUSINESS"}
        out = {}
        for f in self.fields(req, ["id"]):
            if f not in subject:
                return meta_error(f"(#100) Tried accessing nonexisting field ({f}) on node type (User)", 100)
            out[f] = subject[f]
        out["id"] = u["id"]
        return json_response(200, out)


class Threads(ThreadsInbox, ThreadsPublishing, MetaBase):
    name = "threads"

    def setup(self):
        self.route("GET", r"/oauth/authorize", self.authorize_ep)
        self.route("POST", r"/oauth/access_token", self.token)
        self.route("GET", r"/access_token", lambda r: self.long_lived_exchange(r, "th_exchange_token"))
        self.route("GET", r"/refresh_access_token", lambda r: self.long_lived_refresh(r, "th_refresh_token"))
        self.route("GET", rf"/{THREADS_VERSION.replace('.', chr(92) + '.')}/me", self.me)
        self.setup_publishing()
        self.reset()

    def default_user(self):
        return {"id": "26012345678901234", "name": "Outpost Tester", "username": "outpost.tester",
                "avatar_url": "https://scontent.cdninstagram.com/v/t51/threads-test.jpg"}

    def make_token(self) -> str:
        return "THAA" + secrets.token_urlsafe(96)

    def authorize_ep(self, req):
        return self.authorize(req, scope_sep=",", known_scopes=TH_SCOPES)

    def token(self, req: Request) -> Response:
        if not req.is_form():
            return meta_error("Content-Type must be application/x-www-form-urlencoded", 100)
        app = self.app(req.f("client_id"))
        if app is None:
            return meta_error("Error validating application. Invalid application ID.", 101)
        if not self.check_secret(app, req.f("client_secret")):
            return meta_error("Error validating client secret.", 1)
        if req.f("grant_type") != "authorization_code":
            return meta_error("Unsupported grant_type, expected authorization_code", 100)
        if not req.f("redirect_uri"):
            return meta_error("Missing redirect_uri parameter.", 100)
        code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"), None, None)
        if why == "replayed":
            return meta_error("This authorization code has been used.", 100, 36009)
        if why == "expired":
            return meta_error("This authorization code has expired.", 100, 36007)
        if why == "redirect":
            return meta_error("Error validating verification code. Please make sure your redirect_uri is identical "
                              "to the one you used in the OAuth dialog request", 100, 36008)
        if why:
            return meta_error("Invalid verification code format.", 100)
        g = self.emu.grants[code.grant_id]
        t = self.emu.issue_token("access", g, self.make_token(), IG_SHORT_TTL, stage="short")
        return json_response(200, {"access_token": t.value, "user_id": _id_json(g.user["id"])})

    def me(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return self.token_error(why, t)
        u = t.user
        subject = {"id": u["id"], "username": u["username"], "name": u["name"],
                   "threads_profile_picture_url": u["avatar_url"], "threads_biography": ""}
        out = {}
        for f in self.fields(req, ["id"]):
            if f not in subject:
                return meta_error(f"(#100) Tried accessing nonexisting field ({f}) on node type (User)", 100)
            out[f] = subject[f]
        out["id"] = u["id"]
        return json_response(200, out)
