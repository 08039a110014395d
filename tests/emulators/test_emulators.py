"""Tests that prove the emulators are strict: `python3 -m unittest discover -s tests/emulators -p 'test_*.py'`.

Each platform runs in-process on an ephemeral loopback port (one server per test); serve.py and
browser.py are exercised as subprocesses at the end.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import http.server
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import unittest
from urllib.parse import parse_qs, urlencode, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import core  # noqa: E402

CLIENT, SECRET = "client-abc", "secret-xyz"


def s256(v: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b"=").decode()


def hexsha(v: str) -> str:
    return hashlib.sha256(v.encode()).hexdigest()


def basic(cid: str, sec: str) -> str:
    return "Basic " + base64.b64encode(f"{cid}:{sec}".encode()).decode()


class Base(unittest.TestCase):
    platform = ""
    auth_path = ""
    client_param = "client_id"
    redirect = ""
    scope = ""
    pkce: str | None = None  # "s256" | "hex"
    identity_path = ""
    bad_identity_status = 401
    token_path = ""
    token_method = "POST"
    code_lifetime = 600
    has_refresh = True
    has_revoke = False
    confidential = True

    # -- lifecycle
    def setUp(self):
        self.srv, self.emu, _ = core.start_in_thread(self.platform)
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        self.host, port = urlsplit(self.emu.origin).hostname, urlsplit(self.emu.origin).port
        self.port = port
        self.client_id, self.secret = CLIENT, SECRET if self.confidential else None
        self.register()

    def register(self):
        body = {"client_id": CLIENT, "redirect_uris": [self.redirect]}
        if self.secret:
            body["client_secret"] = self.secret
        self.admin("apps", body)

    # -- HTTP
    def req(self, method, path, query=None, form=None, json_body=None, headers=None, raw=None):
        if query:
            path = path + ("&" if "?" in path else "?") + urlencode(query)
        h = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            h.setdefault("Content-Type", "application/json")
        elif raw is not None:
            body = raw
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
        finally:
            conn.close()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode("utf-8", "replace")
        return r.status, r, parsed

    def admin(self, name, body=None):
        st, _, out = self.req("POST" if body is not None or name not in ("log", "state") else "GET",
                              "/__emulator/" + name, json_body=body if body is not None else None,
                              raw=b"" if body is None else None)
        self.assertEqual(st, 200, out)
        return out

    # -- authorization
    def auth_params(self, **over):
        p = {self.client_param: self.client_id, "redirect_uri": self.redirect, "response_type": "code",
             "scope": self.scope, "state": secrets.token_urlsafe(32)}
        verifier = secrets.token_urlsafe(48)
        if self.pkce:
            p["code_challenge"] = s256(verifier) if self.pkce == "s256" else hexsha(verifier)
            p["code_challenge_method"] = "S256"
        p.update(self.extra_auth_params())
        for k, v in over.items():
            if v is None:
                p.pop(k, None)
            else:
                p[k] = v
        return p, verifier

    def extra_auth_params(self):
        return {}

    def authorize(self, **over):
        p, verifier = self.auth_params(**over)
        st, r, body = self.req("GET", self.auth_path, query=p)
        loc = r.getheader("Location")
        params = {}
        if loc:
            parts = urlsplit(loc)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            params["_fragment"] = parts.fragment
            params["_base"] = loc.split("?")[0]
        return st, loc, params, verifier, p

    def code(self, **over):
        st, loc, params, verifier, p = self.authorize(**over)
        self.assertEqual(st, 302, loc)
        self.assertIn("code", params, loc)
        self.assertEqual(params["state"], p["state"])
        self.assertEqual(params["_base"], p["redirect_uri"])
        return params["code"], verifier

    # -- per-platform
    def exchange(self, code, verifier, redirect=None, secret=None):
        raise NotImplementedError

    def tokens(self, body):
        return body["access_token"], body.get("refresh_token")

    def identity(self, access):
        return self.req("GET", self.identity_path, headers={"Authorization": f"Bearer {access}"})

    def refresh(self, refresh):
        raise NotImplementedError

    def grant(self):
        """A usable grant: (access, refresh-ish) after the full sign-in of this platform."""
        code, v = self.code()
        st, _, body = self.exchange(code, v)
        self.assertEqual(st, 200, body)
        return self.tokens(body)


class Common:
    """Tests every platform must pass; mixed into each platform's TestCase."""

    def test_happy_path(self):
        access, refresh = self.grant()
        st, _, body = self.identity(access)
        self.assertEqual(st, 200, body)
        self.check_identity(body)
        state = self.admin("state")
        self.assertEqual(state["codes_redeemed"], 1)
        self.assertGreaterEqual(state["live_access_tokens"], 1)
        if self.has_refresh:
            st, _, body = self.refresh(refresh)
            self.assertEqual(st, 200, body)
            self.assertEqual(self.admin("state")["refreshes"], 1)

    def check_identity(self, body):
        pass

    def test_unknown_client_is_an_error_page_without_redirect(self):
        st, loc, _, _, _ = self.authorize(**{self.client_param: "nope"})
        self.assertEqual(st, 400)
        self.assertIsNone(loc)

    def test_wrong_redirect_uri_is_an_error_page_without_redirect(self):
        for bad in (self.redirect + "/", self.redirect.replace("/callback", "/other"),
                    "https://evil.example/oauth/cb", self.redirect.replace("127.0.0.1", "localhost")):
            st, loc, _, _, _ = self.authorize(redirect_uri=bad)
            self.assertEqual((st, loc), (400, None), bad)
        st, loc, _, _, _ = self.authorize(redirect_uri=None)
        self.assertEqual((st, loc), (400, None))

    def test_missing_state_is_rejected(self):
        st, loc, params, _, _ = self.authorize(state=None)
        self.assertEqual(st, 302)
        self.assertEqual(params.get("error"), "invalid_request")
        self.assertNotIn("code", params)

    def test_wrong_response_type_and_unknown_scope(self):
        st, _, params, _, _ = self.authorize(response_type="token")
        self.assertEqual((st, params.get("error")), (302, "unsupported_response_type"))
        st, _, params, _, _ = self.authorize(scope="not.a.scope")
        self.assertEqual((st, params.get("error")), (302, "invalid_scope"))
        self.assertNotIn("code", params)

    def test_denied_consent(self):
        self.admin("consent", {"decision": "deny"})
        st, _, params, _, p = self.authorize()
        self.assertEqual(st, 302)
        self.assertEqual(params["error"], "access_denied")
        self.assertEqual(params["state"], p["state"])
        self.assertNotIn("code", params)

    def test_replayed_code_fails_and_revokes_its_tokens(self):
        code, v = self.code()
        st, _, body = self.exchange(code, v)
        self.assertEqual(st, 200, body)
        access, _ = self.tokens(body)
        self.assertEqual(self.identity(access)[0], 200)
        st2, _, body2 = self.exchange(code, v)
        self.assertGreaterEqual(st2, 400, body2)
        self.assertLess(st2, 500)
        self.assertEqual(self.identity(access)[0], self.bad_identity_status)
        self.assertGreaterEqual(self.admin("state")["revoked"], 1)

    def test_expired_code(self):
        code, v = self.code()
        self.admin("clock", {"advance_seconds": self.code_lifetime + 1})
        st, _, body = self.exchange(code, v)
        self.assertEqual(st, 400, body)

    def test_code_just_before_expiry_works(self):
        code, v = self.code()
        self.admin("clock", {"advance_seconds": self.code_lifetime - 2})
        st, _, body = self.exchange(code, v)
        self.assertEqual(st, 200, body)

    def test_redirect_uri_at_token_must_equal_authorization_request(self):
        code, v = self.code()
        st, _, body = self.exchange(code, v, redirect=self.redirect + "x")
        self.assertEqual(st, 400, body)
        st, _, body = self.exchange(code, v)  # the code survives a mismatched attempt
        self.assertEqual(st, 200, body)

    def test_wrong_client_auth(self):
        code, v = self.code()
        st, _, body = self.exchange(code, v, secret="wrong-secret")
        self.assertIn(st, (400, 401), body)
        self.assertEqual(self.admin("state")["codes_redeemed"], 0)

    def test_bad_bearer_token(self):
        st, _, _ = self.identity("not-a-token")
        self.assertEqual(st, self.bad_identity_status)
        st, _, _ = self.req("GET", self.identity_path)
        self.assertIn(st, (400, 401))

    def test_revoke_all(self):
        access, refresh = self.grant()
        self.admin("revoke-all", {})
        self.assertEqual(self.identity(access)[0], self.bad_identity_status)
        if self.has_refresh:
            st, _, body = self.refresh(refresh)
            self.assertEqual(st, 400, body)
        self.assertEqual(self.admin("state")["live_access_tokens"], 0)

    def test_expire_access_tokens(self):
        access, _ = self.grant()
        self.admin("expire-access-tokens", {})
        self.assertEqual(self.identity(access)[0], self.bad_identity_status)

    def test_dropped_connection_then_recovery(self):
        self.admin("fail", {"path": self.token_path.split("?")[0], "mode": "drop", "times": 1})
        code, v = self.code()
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.exchange(code, v)
        st, _, body = self.exchange(code, v)
        self.assertEqual(st, 200, body)

    def test_injected_status(self):
        self.admin("fail", {"path": self.identity_path.split("?")[0], "status": 503, "times": 2})
        access, _ = self.grant()
        self.assertEqual(self.identity(access)[0], 503)
        self.assertEqual(self.identity(access)[0], 503)
        self.assertEqual(self.identity(access)[0], 200)
        log = self.admin("log")
        self.assertEqual([e["status"] for e in log if e["path"] == self.identity_path.split("?")[0]], [503, 503, 200])

    def test_fail_after_skipping_then_revoke_and_replace(self):
        path = self.identity_path.split("?")[0]
        access, _ = self.grant()
        # The second request fails (skip 1), as part 2 of a thread would.
        self.admin("fail", {"path": path, "status": 429, "skip": 1, "times": 1})
        self.assertEqual(self.identity(access)[0], 200)
        self.assertEqual(self.identity(access)[0], 429)
        self.assertEqual(self.identity(access)[0], 200)
        # An HTML error page instead of the platform's JSON.
        self.admin("fail", {"path": path, "status": 502, "body": "<html><body>Bad gateway</body></html>"})
        st, _, body = self.req("GET", self.identity_path, headers={"Authorization": f"Bearer {access}"})
        self.assertEqual(st, 502)
        self.assertIn(b"<html>", body if isinstance(body, bytes) else json.dumps(body).encode())
        # Replace: the request is handled, its answer spoilt (a 200 with a truncated body).
        self.admin("fail", {"path": path, "mode": "replace", "status": 200, "body": '{"data": {"id"'})
        self.identity(access)
        entry = [e for e in self.admin("log") if e["path"] == path][-1]
        self.assertEqual((entry["status"], entry["replaced_status"]), (200, 200))
        # Revoke: the grant dies, then the platform answers as it would.
        self.admin("fail", {"path": path, "mode": "revoke"})
        self.assertEqual(self.identity(access)[0], self.bad_identity_status)

    def test_size_limits_unknown_path_and_method(self):
        path = self.token_path.split("?")[0]
        st, _, _ = self.req("POST", path, raw=b"a=" + b"x" * (70 * 1024),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(st, 413)
        st, _, _ = self.req("GET", self.identity_path, headers={"X-Big": "y" * (17 * 1024)})
        self.assertEqual(st, 431)
        st, _, body = self.req("GET", "/definitely/not/here")
        self.assertEqual(st, 404)
        self.assertIsInstance(body, dict)
        wrong = "PUT" if self.token_method in ("POST", "GET") else "POST"
        st, r, _ = self.req(wrong, path)
        self.assertEqual(st, 405)
        self.assertIn(self.token_method, r.getheader("Allow"))

    def test_log_records_requests(self):
        access, _ = self.grant()
        self.identity(access)
        log = self.admin("log")
        self.assertTrue(any(e["path"] == self.auth_path for e in log))
        ident = [e for e in log if e["path"] == self.identity_path.split("?")[0]][-1]
        self.assertEqual(ident["headers"]["authorization"], f"Bearer {access}")
        self.assertEqual(ident["status"], 200)


class PKCE:
    def test_wrong_verifier(self):
        code, _ = self.code()
        st, _, body = self.exchange(code, secrets.token_urlsafe(48))
        self.assertEqual(st, 400, body)

    def test_missing_verifier(self):
        code, _ = self.code()
        st, _, body = self.exchange(code, None)
        self.assertEqual(st, 400, body)

    def test_challenge_required_and_s256_only(self):
        st, _, params, _, _ = self.authorize(code_challenge=None, code_challenge_method=None)
        self.assertEqual((st, params.get("error")), (302, "invalid_request"))
        st, _, params, _, _ = self.authorize(code_challenge_method="plain")
        self.assertEqual((st, params.get("error")), (302, "invalid_request"))


def drop_none(d):
    return {k: v for k, v in d.items() if v is not None}


# ---------------------------------------------------------------------------------------------------


class XTest(Base, Common, PKCE):
    platform = "x"
    auth_path = "/i/oauth2/authorize"
    redirect = "http://127.0.0.1:47863/oauth/x/callback"
    scope = "tweet.read tweet.write users.read media.write offline.access"
    pkce = "s256"
    identity_path = "/2/users/me?user.fields=profile_image_url"
    token_path = "/2/oauth2/token"
    code_lifetime = 30
    has_revoke = True
    confidential = False

    def exchange(self, code, verifier, redirect=None, secret=None):
        headers = {}
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect or self.redirect,
                "code_verifier": verifier, "client_id": self.client_id}
        if secret:  # a public client presenting a (wrong) secret via Basic
            headers["Authorization"] = basic(self.client_id, secret)
        return self.req("POST", self.token_path, form=drop_none(form), headers=headers)

    def refresh(self, refresh):
        return self.req("POST", self.token_path, form={"grant_type": "refresh_token", "refresh_token": refresh,
                                                       "client_id": self.client_id})

    def check_identity(self, body):
        self.assertEqual(set(body["data"]), {"id", "name", "username", "profile_image_url"})

    def test_expired_code_after_31_seconds(self):
        code, v = self.code()
        self.admin("clock", {"advance_seconds": 31})
        st, _, body = self.exchange(code, v)
        self.assertEqual(body, {"error": "invalid_request",
                                "error_description": "Value passed for the authorization code was invalid."})

    def test_refresh_rotates_and_old_refresh_stops_working(self):
        access, r1 = self.grant()
        st, _, body = self.refresh(r1)
        self.assertEqual(st, 200)
        self.assertEqual(body["token_type"], "bearer")
        self.assertEqual(body["expires_in"], 7200)
        r2 = body["refresh_token"]
        self.assertNotEqual(r1, r2)
        st, _, body = self.refresh(r1)
        self.assertEqual((st, body["error"]), (400, "invalid_request"))
        self.assertEqual(self.refresh(r2)[0], 200)

    def test_revoke_ends_grant(self):
        access, refresh = self.grant()
        st, _, body = self.req("POST", "/2/oauth2/revoke", form={"token": access, "token_type_hint": "access_token",
                                                                 "client_id": self.client_id})
        self.assertEqual((st, body), (200, {"revoked": True}))
        st, _, body = self.identity(access)
        self.assertEqual(body, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
        self.assertEqual(self.refresh(refresh)[0], 400)

    def test_revoke_modes(self):
        form = lambda t: {"token": t, "token_type_hint": "access_token", "client_id": self.client_id}  # noqa: E731
        self.admin("revoke-mode", {"mode": "not_revoked"})
        access, _ = self.grant()
        st, _, body = self.req("POST", "/2/oauth2/revoke", form=form(access))
        self.assertEqual((st, body), (200, {"revoked": False}))
        self.assertEqual(self.identity(access)[0], 200, "a revoke that did not revoke")
        self.admin("revoke-mode", {"mode": "rfc7009"})
        st, _, body = self.req("POST", "/2/oauth2/revoke", form=form(access))
        self.assertEqual((st, body), (200, None))
        self.assertEqual(self.identity(access)[0], 401)
        self.assertEqual(self.admin("state")["revoked"], 2, "the grant's access and refresh token")

    def test_confidential_client_needs_basic(self):
        self.admin("apps", {"client_id": "conf", "client_secret": "s3cret", "redirect_uris": [self.redirect]})
        self.client_id = "conf"
        code, v = self.code()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect,
                "code_verifier": v, "client_id": "conf"}
        self.assertEqual(self.req("POST", self.token_path, form=form)[0], 401)  # body only: rejected
        st, _, body = self.req("POST", self.token_path, form={k: v2 for k, v2 in form.items() if k != "client_id"},
                               headers={"Authorization": basic("conf", "s3cret")})
        self.assertEqual(st, 200, body)

    def test_form_content_type_required(self):
        code, v = self.code()
        st, _, body = self.req("POST", self.token_path, json_body={"grant_type": "authorization_code", "code": code})
        self.assertEqual(st, 400)


class LinkedInTest(Base, Common):
    platform = "linkedin"
    auth_path = "/oauth/v2/authorization"
    redirect = "http://127.0.0.1:47863/oauth/linkedin/callback"
    scope = "openid profile w_member_social w_organization_social rw_organization_admin"
    identity_path = "/v2/userinfo"
    token_path = "/oauth/v2/accessToken"
    REST = {"Linkedin-Version": "202510", "X-Restli-Protocol-Version": "2.0.0"}

    def register(self):
        # An app with Community Management (the organization scopes the common tests ask for).
        self.admin("apps", {"client_id": CLIENT, "client_secret": self.secret, "redirect_uris": [self.redirect],
                            "products": ["sign_in_openid", "share", "community_management"]})

    def test_scopes_of_products_the_app_lacks_are_refused(self):
        # A self-serve app: OpenID + Share on LinkedIn only.
        self.admin("apps", {"client_id": "selfserve", "client_secret": self.secret, "redirect_uris": [self.redirect]})
        self.client_id = "selfserve"
        st, loc, params, _, p = self.authorize()
        self.assertEqual(st, 302, loc)
        self.assertEqual(params["error"], "unauthorized_scope_error")
        self.assertEqual(params["error_description"],
                         'Scope "w_organization_social" is not authorized for your application')
        self.assertEqual(params["state"], p["state"])
        self.scope = "openid profile w_member_social"
        code, v = self.code()
        st, _, body = self.exchange(code, v)
        self.assertEqual((st, body["scope"]), (200, "openid,profile,w_member_social"))

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, form={
            "grant_type": "authorization_code", "code": code, "client_id": self.client_id,
            "client_secret": secret or self.secret, "redirect_uri": redirect or self.redirect})

    def refresh(self, refresh):
        return self.req("POST", self.token_path, form={"grant_type": "refresh_token", "refresh_token": refresh,
                                                       "client_id": self.client_id, "client_secret": self.secret})

    def test_token_shape_and_refresh_keeps_refresh_token(self):
        code, v = self.code()
        st, _, body = self.exchange(code, v)
        self.assertEqual(set(body), {"access_token", "expires_in", "refresh_token", "refresh_token_expires_in", "scope"})
        self.assertEqual(body["scope"], self.scope.replace(" ", ","))
        self.admin("clock", {"advance_seconds": 1000})
        st, _, b2 = self.refresh(body["refresh_token"])
        self.assertEqual(b2["refresh_token"], body["refresh_token"])
        self.assertNotEqual(b2["access_token"], body["access_token"])
        self.assertLessEqual(b2["refresh_token_expires_in"], 31536000 - 1000)
        self.admin("clock", {"advance_seconds": 31536000})
        st, _, b3 = self.refresh(body["refresh_token"])
        self.assertEqual((st, b3["error"]), (400, "invalid_grant"))

    def test_organizations(self):
        access, _ = self.grant()
        auth = {"Authorization": f"Bearer {access}"}
        acl = "/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED"
        st, _, body = self.req("GET", acl, headers=auth)
        self.assertEqual((st, body["code"]), (400, "VERSION_MISSING"))
        st, _, body = self.req("GET", acl, headers={**auth, **self.REST})
        self.assertEqual(st, 200, body)
        self.assertEqual(body["elements"][0]["organization"], "urn:li:organization:2414183")
        self.assertEqual(body["paging"]["total"], 1)
        st, _, body = self.req("GET", "/rest/organizations/2414183", headers={**auth, **self.REST})
        self.assertEqual(body, {"id": 2414183, "localizedName": "Outpost Test Co", "vanityName": "outpost-test-co",
                                "name": body["name"]})
        self.assertEqual(self.req("GET", "/rest/organizations/2414183",
                                  headers={**auth, "Linkedin-Version": "202510"})[0], 400)
        log = self.admin("log")
        self.assertEqual(log[-1]["headers"]["linkedin-version"], "202510")

    def test_custom_user_and_revoked_shape(self):
        self.admin("user", {"id": "abc123", "name": "Ada Lovelace", "username": "ada", "avatar_url": "https://x/a.png",
                            "organizations": [{"id": "1", "name": "A"+"", "vanity": "a"}, {"id": "2", "name": "B",
                                                                                          "vanity": "b"}]})
        access, _ = self.grant()
        st, _, body = self.identity(access)
        self.assertEqual((body["sub"], body["given_name"], body["family_name"]), ("abc123", "Ada", "Lovelace"))
        st, _, body = self.req("GET", "/rest/organizationAcls?q=roleAssignee",
                               headers={"Authorization": f"Bearer {access}", **self.REST})
        self.assertEqual(body["paging"]["total"], 2)
        self.admin("revoke-all", {})
        st, _, body = self.identity(access)
        self.assertEqual(body["serviceErrorCode"], 65600)
        self.assertEqual(body["code"], "REVOKED_ACCESS_TOKEN")


class MetaCommon:
    bad_identity_status = 400

    def test_bad_token_is_code_190(self):
        st, _, body = self.identity("garbage")
        self.assertEqual(body["error"]["code"], 190)
        self.assertEqual(body["error"]["type"], "OAuthException")
        self.assertIn("fbtrace_id", body["error"])


class FacebookTest(MetaCommon, Base, Common):
    platform = "facebook"
    auth_path = "/v23.0/dialog/oauth"
    redirect = "http://127.0.0.1:47863/oauth/facebook/callback"
    scope = "pages_show_list,pages_manage_posts,pages_read_engagement,pages_manage_engagement,publish_video"
    identity_path = "/v23.0/me?fields=id,name,picture"
    token_path = "/v23.0/oauth/access_token"
    token_method = "GET"
    has_refresh = False

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("GET", self.token_path, query={
            "client_id": self.client_id, "redirect_uri": redirect or self.redirect,
            "client_secret": secret or self.secret, "code": code})

    def long_lived(self, short, secret=None):
        return self.req("GET", self.token_path, query={
            "grant_type": "fb_exchange_token", "client_id": self.client_id, "client_secret": secret or self.secret,
            "fb_exchange_token": short})

    def test_long_lived_pages_and_delete_permissions(self):
        short, _ = self.grant()
        st, _, body = self.long_lived(short, secret="nope")
        self.assertEqual((st, body["error"]["code"]), (400, 1))
        st, _, body = self.long_lived(short)
        self.assertEqual((st, body["expires_in"], body["token_type"]), (200, 5183944, "bearer"))
        long = body["access_token"]
        st, _, body = self.req("GET", "/v23.0/me/accounts?fields=id,name,access_token,picture,tasks",
                               headers={"Authorization": f"Bearer {long}"})
        self.assertEqual(st, 200, body)
        self.assertEqual(len(body["data"]), 2)
        page = body["data"][0]
        self.assertIn("CREATE_CONTENT", page["tasks"])
        self.assertIn("url", page["picture"]["data"])
        # page tokens from a long-lived user token never expire
        self.admin("clock", {"advance_seconds": 10 ** 8})
        st, _, me = self.identity(page["access_token"])
        self.assertEqual((st, me["id"]), (200, page["id"]))
        st, _, body = self.identity(long)
        self.assertEqual(body["error"]["error_subcode"], 463)
        # the user removes the app
        self.admin("clock", {"advance_seconds": 0})
        short2, _ = self.grant()
        st, _, body = self.req("DELETE", "/v23.0/me/permissions", headers={"Authorization": f"Bearer {short2}"})
        self.assertEqual((st, body), (200, {"success": True}))
        self.assertEqual(self.identity(short2)[2]["error"]["error_subcode"], 458)

    def test_exchange_is_get_only(self):
        code, _ = self.code()
        st, _, _ = self.req("POST", self.token_path, form={"client_id": CLIENT, "client_secret": SECRET,
                                                           "redirect_uri": self.redirect, "code": code})
        self.assertEqual(st, 405)

    def test_custom_pages(self):
        self.admin("user", {"id": "42", "name": "P", "username": "p", "avatar_url": "https://a",
                            "pages": [{"id": "7", "name": "Only", "tasks": ["ANALYZE"]}]})
        short, _ = self.grant()
        st, _, body = self.req("GET", "/v23.0/me/accounts?fields=id,name,tasks",
                               headers={"Authorization": f"Bearer {short}"})
        self.assertEqual(body["data"], [{"id": "7", "name": "Only", "tasks": ["ANALYZE"]}])


class IgThreadsCommon(MetaCommon):
    ll_grant = ""
    refresh_grant = ""

    def long_lived(self, short, secret=None):
        return self.req("GET", "/access_token", query={"grant_type": self.ll_grant,
                                                       "client_secret": secret or self.secret,
                                                       "access_token": short})

    def grant(self):
        short, _ = super().grant()
        st, _, body = self.long_lived(short)
        self.assertEqual(st, 200, body)
        return body["access_token"], body["access_token"]

    def refresh(self, long):
        self.admin("clock", {"advance_seconds": 24 * 3600 + 1})
        return self.req("GET", "/refresh_access_token", query={"grant_type": self.refresh_grant,
                                                               "access_token": long})

    def test_refresh_needs_24h_and_unexpired(self):
        long, _ = self.grant()
        st, _, body = self.req("GET", "/refresh_access_token", query={"grant_type": self.refresh_grant,
                                                                      "access_token": long})
        self.assertEqual(st, 400, body)
        st, _, body = self.refresh(long)
        self.assertEqual((st, body["expires_in"]), (200, 5183944))
        self.assertEqual(self.identity(body["access_token"])[0], 200)
        self.admin("clock", {"advance_seconds": 5183944})
        st, _, body = self.refresh(body["access_token"])
        self.assertEqual((st, body["error"]["code"]), (400, 190))

    def test_long_lived_exchange_checks_secret(self):
        short, _ = Base.grant(self)
        st, _, body = self.long_lived(short, secret="bad")
        self.assertEqual(st, 400)


class InstagramTest(IgThreadsCommon, Base, Common):
    platform = "instagram"
    auth_path = "/oauth/authorize"
    redirect = "http://127.0.0.1:47863/oauth/instagram/callback"
    scope = ("instagram_business_basic,instagram_business_content_publish,instagram_business_manage_comments,"
             "instagram_business_manage_insights")
    identity_path = "/v23.0/me?fields=user_id,username,name,profile_picture_url"
    token_path = "/oauth/access_token"
    ll_grant, refresh_grant = "ig_exchange_token", "ig_refresh_token"

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, form={
            "client_id": self.client_id, "client_secret": secret or self.secret, "grant_type": "authorization_code",
            "redirect_uri": redirect or self.redirect, "code": code})

    def tokens(self, body):
        return body["data"][0]["access_token"], None

    def test_redirect_has_fragment_and_token_shape(self):
        st, loc, params, v, _ = self.authorize()
        self.assertTrue(loc.endswith("#_"), loc)
        st, _, body = self.exchange(params["code"], v)
        self.assertEqual(set(body["data"][0]), {"access_token", "user_id", "permissions"})
        st, _, body = self.exchange("garbage", v)
        self.assertEqual(body, {"error_type": "OAuthException", "code": 400, "error_message": "Invalid authorization code"})

    def check_identity(self, body):
        self.assertEqual(set(body), {"user_id", "username", "name", "profile_picture_url", "id"})


class ThreadsTest(IgThreadsCommon, Base, Common):
    platform = "threads"
    auth_path = "/oauth/authorize"
    redirect = "http://127.0.0.1:47863/oauth/threads/callback"
    scope = "threads_basic,threads_content_publish,threads_manage_replies,threads_read_replies,threads_manage_insights,threads_manage_mentions"
    identity_path = "/v1.0/me?fields=id,username,name,threads_profile_picture_url"
    token_path = "/oauth/access_token"
    ll_grant, refresh_grant = "th_exchange_token", "th_refresh_token"

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, form={
            "client_id": self.client_id, "client_secret": secret or self.secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect or self.redirect})

    def check_identity(self, body):
        self.assertEqual(set(body), {"id", "username", "name", "threads_profile_picture_url"})


class YouTubeTest(Base, Common, PKCE):
    platform = "youtube"
    auth_path = "/o/oauth2/v2/auth"
    redirect = "http://127.0.0.1:53123/oauth/youtube/callback"
    scope = ("https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly "
             "https://www.googleapis.com/auth/youtube.force-ssl")
    pkce = "s256"
    identity_path = "/youtube/v3/channels?part=snippet&mine=true"
    token_path = "/token"
    has_revoke = True

    def register(self):
        self.admin("apps", {"client_id": CLIENT, "client_secret": SECRET,
                            "redirect_uris": ["http://127.0.0.1/oauth/youtube/callback"]})

    def extra_auth_params(self):
        return {"access_type": "offline", "prompt": "consent"}

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, form=drop_none({
            "code": code, "client_id": self.client_id, "client_secret": secret or self.secret,
            "redirect_uri": redirect or self.redirect, "grant_type": "authorization_code",
            "code_verifier": verifier}))

    def refresh(self, refresh):
        return self.req("POST", self.token_path, form={"client_id": self.client_id, "client_secret": self.secret,
                                                       "refresh_token": refresh, "grant_type": "refresh_token"})

    def test_any_port_loopback_and_no_rotation(self):
        for uri in ("http://127.0.0.1:1/oauth/youtube/callback", "http://[::1]:65000/oauth/youtube/callback"):
            st, _, params, _, _ = self.authorize(redirect_uri=uri)
            self.assertEqual(st, 302)
            self.assertIn("code", params)
        st, loc, _, _, _ = self.authorize(redirect_uri="https://127.0.0.1:1/oauth/youtube/callback")
        self.assertEqual((st, loc), (400, None))
        access, refresh = self.grant()
        st, _, body = self.refresh(refresh)
        self.assertNotIn("refresh_token", body)
        self.assertEqual((body["token_type"], body["expires_in"]), ("Bearer", 3599))
        self.assertEqual(self.refresh(refresh)[0], 200)  # still valid: never rotates
        st, _, body = self.req("POST", "/revoke", form={"token": refresh})
        self.assertEqual((st, body), (200, {}))
        st, _, body = self.refresh(refresh)
        self.assertEqual(body, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        st, _, body = self.identity(access)
        self.assertEqual(body["error"]["errors"][0]["reason"], "authError")

    def test_no_refresh_token_without_offline(self):
        code, v = self.code(access_type=None, prompt=None)
        st, _, body = self.exchange(code, v)
        self.assertNotIn("refresh_token", body)

    def check_identity(self, body):
        self.assertEqual(body["items"][0]["snippet"]["customUrl"], "@outposttester")


class TikTokTest(Base, Common, PKCE):
    platform = "tiktok"
    auth_path = "/v2/auth/authorize/"
    client_param = "client_key"
    redirect = "http://127.0.0.1:49152/oauth/tiktok/callback"
    scope = "user.info.basic,video.publish,video.upload,video.list,user.info.stats"
    pkce = "hex"
    identity_path = "/v2/user/info/?fields=open_id,avatar_url,display_name,username"
    token_path = "/v2/oauth/token/"
    has_revoke = True

    def register(self):
        self.admin("apps", {"client_id": CLIENT, "client_secret": SECRET,
                            "redirect_uris": ["http://127.0.0.1:*/oauth/tiktok/callback"]})

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, form=drop_none({
            "client_key": self.client_id, "client_secret": secret or self.secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect or self.redirect,
            "code_verifier": verifier}))

    def refresh(self, refresh):
        return self.req("POST", self.token_path, form={"client_key": self.client_id, "client_secret": self.secret,
                                                       "grant_type": "refresh_token", "refresh_token": refresh})

    def test_base64url_challenge_is_rejected(self):
        st, _, params, _, _ = self.authorize(code_challenge=s256(secrets.token_urlsafe(48)))
        self.assertEqual(params.get("error"), "invalid_request")

    def test_code_must_be_url_decoded(self):
        st, loc, params, v, _ = self.authorize()
        self.assertIn("%2A", loc)
        raw = loc.split("code=")[1].split("&")[0]
        st, _, body = self.exchange(raw, v)  # still percent-encoded: not the code
        self.assertEqual(st, 400)
        self.assertEqual(self.exchange(params["code"], v)[0], 200)

    def test_rotation_revoke_and_shapes(self):
        code, v = self.code()
        st, _, body = self.exchange(code, v)
        self.assertEqual(set(body), {"access_token", "expires_in", "open_id", "refresh_expires_in", "refresh_token",
                                     "scope", "token_type"})
        r1 = body["refresh_token"]
        st, _, b2 = self.refresh(r1)
        self.assertNotEqual(b2["refresh_token"], r1)
        st, _, b3 = self.refresh(r1)
        self.assertEqual((st, b3["error"]), (400, "invalid_grant"))
        self.assertIn("log_id", b3)
        st, _, body = self.req("POST", "/v2/oauth/revoke/", form={"client_key": CLIENT, "client_secret": SECRET,
                                                                  "token": b2["access_token"]})
        self.assertEqual((st, body), (200, {}))
        st, _, body = self.identity(b2["access_token"])
        self.assertEqual(body["error"]["code"], "access_token_invalid")

    def check_identity(self, body):
        self.assertEqual(body["error"]["code"], "ok")
        self.assertEqual(set(body["data"]["user"]), {"open_id", "avatar_url", "display_name", "username"})


class PinterestTest(Base, Common):
    platform = "pinterest"
    auth_path = "/oauth/"
    redirect = "http://127.0.0.1:47863/oauth/pinterest/callback"
    scope = "boards:read,boards:write,pins:read,pins:write,user_accounts:read"
    identity_path = "/v5/user_account"
    token_path = "/v5/oauth/token"

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, headers={"Authorization": basic(self.client_id, secret or self.secret)},
                        form={"grant_type": "authorization_code", "code": code,
                              "redirect_uri": redirect or self.redirect, "continuous_refresh": "true"})

    def refresh(self, refresh):
        return self.req("POST", self.token_path, headers={"Authorization": basic(self.client_id, self.secret)},
                        form={"grant_type": "refresh_token", "refresh_token": refresh})

    def test_basic_only_and_old_refresh_stays_valid(self):
        code, v = self.code()
        st, _, body = self.req("POST", self.token_path, form={
            "grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect,
            "client_id": CLIENT, "client_secret": SECRET})
        self.assertEqual((st, body), (401, {"code": 2, "message": "Authentication failed."}))
        st, _, body = self.exchange(code, v)
        self.assertEqual(body["response_type"], "authorization_code")
        r1 = body["refresh_token"]
        st, _, b2 = self.refresh(r1)
        self.assertNotEqual(b2["refresh_token"], r1)
        self.assertEqual(self.refresh(r1)[0], 200)  # old one still valid until its expiry
        self.admin("clock", {"advance_seconds": 5184001})
        self.assertEqual(self.refresh(r1)[0], 400)


class MastodonTest(Base, Common, PKCE):
    platform = "mastodon"
    auth_path = "/oauth/authorize"
    scope = "read write profile"
    pkce = "s256"
    identity_path = "/api/v1/accounts/verify_credentials"
    token_path = "/oauth/token"
    has_refresh = False
    has_revoke = True

    def register(self):
        self.redirect = f"http://127.0.0.1:47863/oauth/mastodon-127.0.0.1-{self.port}/callback"
        st, _, body = self.req("POST", "/api/v1/apps", json_body={
            "client_name": "Outpost", "redirect_uris": [self.redirect, "app.outpost.desktop://oauth/callback/m"],
            "scopes": "read write profile", "website": "https://outpost.app"})
        self.assertEqual(st, 200, body)
        self.client_id, self.secret = body["client_id"], body["client_secret"]
        self.assertEqual(body["client_secret_expires_at"], 0)

    def exchange(self, code, verifier, redirect=None, secret=None):
        return self.req("POST", self.token_path, form=drop_none({
            "grant_type": "authorization_code", "code": code, "client_id": self.client_id,
            "client_secret": secret or self.secret, "redirect_uri": redirect or self.redirect,
            "code_verifier": verifier, "scope": self.scope}))

    def test_discovery_and_registration_validation(self):
        st, _, d = self.req("GET", "/.well-known/oauth-authorization-server")
        self.assertEqual(d["code_challenge_methods_supported"], ["S256"])
        self.assertEqual(d["token_endpoint"], self.emu.origin + "/oauth/token")
        st, _, body = self.req("POST", "/api/v1/apps", json_body={"client_name": "x", "redirect_uris": ["not a uri"]})
        self.assertEqual(st, 422)
        st, _, params, _, _ = self.authorize(scope="read write push")  # push not granted to the app
        self.assertEqual(params.get("error"), "invalid_scope")

    def test_token_revoke(self):
        access, _ = self.grant()
        st, _, body = self.req("POST", "/oauth/revoke", form={"client_id": self.client_id,
                                                              "client_secret": "bad", "token": access})
        self.assertEqual(st, 401)
        st, _, body = self.req("POST", "/oauth/revoke", form={"client_id": self.client_id,
                                                              "client_secret": self.secret, "token": access})
        self.assertEqual((st, body), (200, {}))
        self.assertEqual(self.identity(access)[2], {"error": "The access token is invalid"})

    def test_custom_scheme_redirect(self):
        st, loc, params, _, _ = self.authorize(redirect_uri="app.outpost.desktop://oauth/callback/m")
        self.assertTrue(loc.startswith("app.outpost.desktop://oauth/callback/m?code="), loc)


# ---------------------------------------------------------------------------------------------------


class CliAndBrowserTest(unittest.TestCase):
    def start(self, platform):
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "serve.py"), "--platform", platform],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait()))
        line = p.stdout.readline()
        info = json.loads(line)
        self.assertEqual(line.strip(), json.dumps(info, separators=(",", ":")))
        return p, info["origin"]

    def post(self, origin, path, obj):
        u = urlsplit(origin)
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        c.request("POST", path, body=json.dumps(obj), headers={"Content-Type": "application/json"})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, json.loads(data)

    def test_serve_exits_on_stdin_eof(self):
        p, origin = self.start("pinterest")
        self.assertTrue(origin.startswith("http://127.0.0.1:"))
        p.stdin.close()
        self.assertEqual(p.wait(timeout=5), 0)

    def test_browser_follows_to_loopback_callback_and_logs(self):
        p, origin = self.start("x")
        got = {}

        class CB(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                got["path"] = self.path
                body = b"<html><body><h1>Signed in</h1> You can close this window.</body></html>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        cb = http.server.HTTPServer(("127.0.0.1", 0), CB)
        threading.Thread(target=cb.serve_forever, daemon=True).start()
        self.addCleanup(cb.server_close)
        self.addCleanup(cb.shutdown)
        redirect = f"http://127.0.0.1:{cb.server_address[1]}/oauth/x/callback"
        self.post(origin, "/__emulator/apps", {"client_id": CLIENT, "redirect_uris": [redirect]})
        v = secrets.token_urlsafe(48)
        url = origin + "/i/oauth2/authorize?" + urlencode({
            "response_type": "code", "client_id": CLIENT, "redirect_uri": redirect, "scope": "tweet.read users.read",
            "state": "st4te", "code_challenge": s256(v), "code_challenge_method": "S256"})
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "visited")
            env = {**os.environ, "OUTPOST_TEST_BROWSER_LOG": log}
            r = subprocess.run([sys.executable, os.path.join(HERE, "browser.py"), "--new-window", url], env=env,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Signed in", r.stdout)
            visited = open(log).read().splitlines()
        self.assertEqual(visited[0], url)
        self.assertTrue(visited[1].startswith(redirect + "?code="))
        self.assertIn("state=st4te", got["path"])
        # an error page (unknown client) -> exit 1
        bad = url.replace(f"client_id={CLIENT}", "client_id=nobody")
        r = subprocess.run([sys.executable, os.path.join(HERE, "browser.py"), bad], capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(r.returncode, 1)

    def test_browser_deep_link(self):
        p, origin = self.start("mastodon")
        st, app = self.post(origin, "/api/v1/apps", {"client_name": "Outpost", "scopes": "read write profile",
                                                     "redirect_uris": ["app.outpost.desktop://oauth/callback/m"]})
        v = secrets.token_urlsafe(48)
        url = origin + "/oauth/authorize?" + urlencode({
            "response_type": "code", "client_id": app["client_id"], "redirect_uri": "app.outpost.desktop://oauth/callback/m",
            "scope": "read write profile", "state": "s", "code_challenge": s256(v), "code_challenge_method": "S256"})
        browser = os.path.join(HERE, "browser.py")
        env = {k: v for k, v in os.environ.items() if k != "OUTPOST_TEST_DEEPLINK_HANDLER"}
        r = subprocess.run([sys.executable, browser, url], env=env, capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 3)
        self.assertTrue(r.stdout.strip().startswith("app.outpost.desktop://oauth/callback/m?code="))
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "link")
            handler = f"{sys.executable} -c \"import sys; open(sys.argv[1], 'w').write(sys.argv[2]); sys.exit(7)\" {out}"
            r = subprocess.run([sys.executable, browser, url], capture_output=True, text=True, timeout=30,
                               env={**env, "OUTPOST_TEST_DEEPLINK_HANDLER": handler})
            self.assertEqual(r.returncode, 7, r.stderr)
            self.assertIn("state=s", open(out).read())


if __name__ == "__main__":
    unittest.main()
