"""Core of the platform emulators: HTTP handling with size limits, routing, the emulator clock, the
code/grant/token store, failure injection and the `/__emulator/` test-control endpoints.

Python 3.11 standard library only. One `Emulator` emulates one platform; the platform modules in
`platforms/` register routes and implement the platform's wire behaviour (see
`src-tauri/crates/platforms/WIRE.md`, which this package implements the platform side of).
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import html
import io
import json
import re
import secrets
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

MAX_BODY = 64 * 1024  # body > 64 KiB -> 413
MAX_HEADER_SECTION = 16 * 1024  # request line + headers > 16 KiB -> 431
MAX_REQUEST_LINE = 8 * 1024  # -> 414
DRAIN_LIMIT = 1024 * 1024  # an oversized body up to this size is read (and discarded) before the 413

LOGGED_HEADERS = ("authorization", "content-type", "linkedin-version", "x-restli-protocol-version",
                  "idempotency-key")

REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 302: "Found", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 411: "Length Required",
    413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
    429: "Too Many Requests", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}


# ---------------------------------------------------------------------------------------------------
# Requests and responses


class Response:
    def __init__(self, status: int, body: bytes = b"", content_type: str | None = None,
                 headers: list[tuple[str, str]] | None = None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        if content_type:
            self.headers.append(("Content-Type", content_type))
        self.drop = False  # close the connection without writing anything


def json_response(status: int, obj, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, json.dumps(obj).encode(), "application/json; charset=utf-8", headers)


def html_response(status: int, title: str, message: str) -> Response:
    page = (f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head>"
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>\n")
    return Response(status, page.encode(), "text/html; charset=utf-8")


def redirect(location: str) -> Response:
    return Response(302, b"", None, [("Location", location), ("Cache-Control", "no-store")])


def add_query(uri: str, params: list[tuple[str, str]], fragment: str | None = None) -> str:
    """Appends params to a redirect URI (which never has a fragment: registration forbids it)."""
    sep = "&" if urlsplit(uri).query else "?"
    out = uri + sep + urlencode(params)
    if fragment is not None:
        out += "#" + fragment
    return out


class BadRequest(Exception):
    """A malformed request the platform answers with its invalid_request shape."""


def _split_multipart(body: bytes, delim: bytes) -> list[bytes]:
    """The parts of a multipart body (RFC 7578): between `--boundary` lines, up to `--boundary--`."""
    end = body.find(b"\r\n" + delim + b"--")
    if end < 0:
        raise BadRequest("multipart body has no closing boundary")
    inner = body[len(delim):end]
    parts = inner.split(b"\r\n" + delim)
    out = []
    for p in parts:
        if not p.startswith(b"\r\n"):
            raise BadRequest("malformed multipart boundary line")
        out.append(p[2:])
    return out


class Request:
    def __init__(self, method: str, target: str, headers, body: bytes):
        self.method = method
        parts = urlsplit(target)
        self.path = parts.path or "/"
        self.raw_query = parts.query
        self.query_lists = parse_qs(parts.query, keep_blank_values=True)
        self.headers = headers
        self.body = body
        self._form: dict[str, list[str]] | None = None
        self.match: re.Match | None = None
        self.entry: dict | None = None  # its log entry, once handled

    # -- headers
    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def is_form(self) -> bool:
        return self.content_type == "application/x-www-form-urlencoded"

    def is_json(self) -> bool:
        return self.content_type == "application/json"

    # -- params
    @property
    def form_lists(self) -> dict[str, list[str]]:
        if self._form is None:
            if self.is_form():
                try:
                    text = self.body.decode("utf-8")
                except UnicodeDecodeError:
                    text = ""
                self._form = parse_qs(text, keep_blank_values=True)
            else:
                self._form = {}
        return self._form

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadRequest("body is not valid JSON")

    def multipart(self) -> dict[str, dict]:
        """multipart/form-data parts: {name: {"data": bytes, "filename", "content_type"}}.
        Raises BadRequest when the body is not well-formed multipart or repeats a part name."""
        m = re.search(r'boundary="?([^";]+)"?', self.headers.get("Content-Type") or "")
        if self.content_type != "multipart/form-data" or not m:
            raise BadRequest("Content-Type must be multipart/form-data with a boundary")
        delim = b"--" + m.group(1).encode()
        body = self.body
        if not body.startswith(delim):
            raise BadRequest("multipart body does not start with the boundary")
        out: dict[str, dict] = {}
        for chunk in _split_multipart(body, delim):
            head, sep, data = chunk.partition(b"\r\n\r\n")
            if not sep:
                raise BadRequest("multipart part without headers")
            hdrs = {}
            for line in head.decode("utf-8", "replace").split("\r\n"):
                if ":" in line:
                    k, v = line.split(":", 1)
                    hdrs[k.strip().lower()] = v.strip()
            cd = hdrs.get("content-disposition", "")
            nm = re.search(r'(?:^|;)\s*name="([^"]*)"', cd)
            if not cd.lower().startswith("form-data") or not nm:
                raise BadRequest("multipart part without Content-Disposition: form-data; name")
            if nm.group(1) in out:
                raise BadRequest(f"multipart part {nm.group(1)} repeated")
            fn = re.search(r'filename="([^"]*)"', cd)
            out[nm.group(1)] = {"data": data, "filename": fn.group(1) if fn else None,
                                "content_type": hdrs.get("content-type")}
        return out

    @staticmethod
    def _one(d: dict[str, list[str]], name: str) -> str | None:
        v = d.get(name)
        if v is None:
            return None
        if len(v) != 1:  # RFC 6749 §3.1/§3.2: parameters MUST NOT be included more than once
            raise BadRequest(f"parameter {name} included more than once")
        return v[0]

    def q(self, name: str) -> str | None:
        return self._one(self.query_lists, name)

    def f(self, name: str) -> str | None:
        return self._one(self.form_lists, name)

    def bearer(self) -> str | None:
        auth = self.headers.get("Authorization") or ""
        m = re.fullmatch(r"[Bb]earer +([^\s]+)\s*", auth)
        return m.group(1) if m else None

    def basic(self) -> tuple[str, str] | None | bool:
        """(id, secret) for HTTP Basic, None without Authorization, False when malformed/another scheme."""
        auth = self.headers.get("Authorization")
        if auth is None:
            return None
        m = re.fullmatch(r"[Bb]asic +([A-Za-z0-9+/=]+)\s*", auth)
        if not m:
            return False
        try:
            raw = base64.b64decode(m.group(1), validate=True).decode("utf-8")
        except Exception:
            return False
        if ":" not in raw:
            return False
        cid, sec = raw.split(":", 1)
        from urllib.parse import unquote_plus  # RFC 6749 §2.3.1 form-encodes both parts
        return unquote_plus(cid), unquote_plus(sec)

    def log_entry(self) -> dict:
        flat = lambda d: {k: (v[0] if len(v) == 1 else v) for k, v in d.items()}  # noqa: E731
        entry = {
            "method": self.method,
            "path": self.path,
            "query": flat(self.query_lists),
            "form": flat(self.form_lists),
            "headers": {h: self.headers.get(h) for h in LOGGED_HEADERS if self.headers.get(h) is not None},
        }
        if self.is_json():
            try:
                entry["json"] = json.loads(self.body.decode("utf-8"))
            except Exception:
                pass
        return entry


# ---------------------------------------------------------------------------------------------------
# State


@dataclass
class App:
    client_id: str
    client_secret: str | None
    redirect_uris: list[str]
    extra: dict = field(default_factory=dict)


@dataclass
class Code:
    value: str
    client_id: str
    redirect_uri: str
    challenge: str | None
    issued_at: float
    expires_at: float
    scopes: list[str]
    user: dict
    extra: dict = field(default_factory=dict)
    used: bool = False
    grant_id: str | None = None
    dead: bool = False  # invalidated by revoke-all


@dataclass
class Grant:
    id: str
    client_id: str
    user: dict
    scopes: list[str]
    extra: dict = field(default_factory=dict)
    revoked: str | None = None  # reason: "user" (revoke endpoint), "removed" (revoke-all), "replay"


@dataclass
class Token:
    value: str
    kind: str  # "access" | "refresh"
    grant: Grant
    issued_at: float
    expires_at: float | None
    extra: dict = field(default_factory=dict)
    revoked: str | None = None
    superseded: bool = False  # a rotated refresh token

    @property
    def client_id(self) -> str:
        return self.grant.client_id

    @property
    def user(self) -> dict:
        return self.grant.user

    @property
    def scopes(self) -> list[str]:
        return self.grant.scopes


# Reasons a token/code check fails; platforms map them to their error bodies.
MISSING, UNKNOWN, REVOKED, REMOVED, EXPIRED, SUPERSEDED, WRONG_CLIENT = (
    "missing", "unknown", "revoked", "removed", "expired", "superseded", "wrong_client")


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def pkce_hex(verifier: str) -> str:
    return hashlib.sha256(verifier.encode("ascii")).hexdigest()


VERIFIER_RE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1
B64_CHALLENGE_RE = re.compile(r"[A-Za-z0-9\-_]{43}")
HEX_CHALLENGE_RE = re.compile(r"[0-9a-f]{64}")


class Emulator:
    """All state of one emulated platform. Every request runs under `self.lock`."""

    def __init__(self, platform_name: str):
        from platforms import make_platform  # late import: platforms import core

        self.lock = threading.RLock()
        self.clock_offset = 0.0
        self.origin = "http://127.0.0.1:0"
        self.reset_state()
        self.platform = make_platform(platform_name, self)
        self.user = self.platform.default_user()

    def reset_state(self):
        self.apps: dict[str, App] = {}
        self.codes: dict[str, Code] = {}
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, Token] = {}
        self.consent = "approve"
        self.fails: dict[str, dict] = {}
        self.delays: dict[str, dict] = {}
        self.log: list[dict] = []
        self.counters = {"codes_issued": 0, "codes_redeemed": 0, "revoked": 0, "refreshes": 0}
        self.access_seconds: float | None = None  # `POST token-lifetime`: access tokens live this long
        if hasattr(self, "platform"):
            self.user = self.platform.default_user()
            self.platform.reset()  # platform state (e.g. published posts, uploads)

    # -- clock
    def now(self) -> float:
        return time.time() + self.clock_offset

    # -- apps
    def register_app(self, client_id: str, client_secret: str | None, redirect_uris: list[str], **extra) -> App:
        app = App(client_id, client_secret, list(redirect_uris), extra)
        self.apps[client_id] = app
        return app

    # -- codes
    def issue_code(self, value: str, client_id: str, redirect_uri: str, challenge: str | None,
                   scopes: list[str], lifetime: float, **extra) -> str:
        now = self.now()
        self.codes[value] = Code(value, client_id, redirect_uri, challenge, now, now + lifetime, scopes,
                                 json.loads(json.dumps(self.user)), extra)
        self.counters["codes_issued"] += 1
        return value

    def redeem_code(self, value: str | None, client_id: str, redirect_uri: str | None,
                    verifier: str | None, pkce: str | None) -> tuple[Code | None, str | None]:
        """Checks a code as a token endpoint must. pkce: None (ignored), "s256" or "hex".
        Returns (code, None) and a fresh grant in code.grant_id, or (None, reason) with reason in
        unknown|wrong_client|replayed|expired|redirect_missing|redirect|verifier_missing|verifier."""
        if not value:
            return None, "unknown"
        c = self.codes.get(value)
        if c is None or c.dead:
            return None, "unknown"
        if c.client_id != client_id:
            return None, "wrong_client"
        if c.used:
            # RFC 6749 §4.1.2: a code used twice -> deny, and revoke the tokens issued from it.
            if c.grant_id:
                self.revoke_grant(c.grant_id, "replay")
            return None, "replayed"
        if self.now() >= c.expires_at:
            return None, "expired"
        if redirect_uri is None:
            return None, "redirect_missing"
        if redirect_uri != c.redirect_uri:
            return None, "redirect"
        if pkce is not None and c.challenge is not None:
            if not verifier:
                return None, "verifier_missing"
            if not VERIFIER_RE.fullmatch(verifier):
                return None, "verifier"
            computed = pkce_s256(verifier) if pkce == "s256" else pkce_hex(verifier)
            if not secrets.compare_digest(computed, c.challenge):
                return None, "verifier"
        c.used = True
        g = Grant(secrets.token_hex(8), c.client_id, c.user, list(c.scopes), dict(c.extra))
        self.grants[g.id] = g
        c.grant_id = g.id
        self.counters["codes_redeemed"] += 1
        return c, None

    # -- tokens
    def issue_token(self, kind: str, grant: Grant, value: str, lifetime: float | None, **extra) -> Token:
        now = self.now()
        t = Token(value, kind, grant, now, None if lifetime is None else now + lifetime, extra)
        self.tokens[value] = t
        return t

    def lookup(self, value: str | None, kind: str, client_id: str | None = None) -> tuple[Token | None, str | None]:
        if not value:
            return None, MISSING
        t = self.tokens.get(value)
        if t is None or t.kind != kind:
            return None, UNKNOWN
        if t.revoked:
            return t, REMOVED if t.revoked == "removed" else REVOKED
        if t.superseded:
            return t, SUPERSEDED
        if t.expires_at is not None and self.now() >= t.expires_at:
            return t, EXPIRED
        if client_id is not None and t.client_id != client_id:
            return t, WRONG_CLIENT
        return t, None

    def access(self, req: Request) -> tuple[Token | None, str | None]:
        return self.lookup(req.bearer(), "access")

    def revoke_grant(self, grant_id: str, reason: str):
        g = self.grants.get(grant_id)
        if g is None:
            return
        if g.revoked is None:
            g.revoked = reason
        for t in self.tokens.values():
            if t.grant.id == grant_id and not t.revoked:
                t.revoked = reason
                self.counters["revoked"] += 1

    def supersede(self, t: Token):
        t.superseded = True

    def _live(self, kind: str) -> int:
        now = self.now()
        return sum(1 for t in self.tokens.values() if t.kind == kind and not t.revoked and not t.superseded
                   and (t.expires_at is None or now < t.expires_at))

    def state(self) -> dict:
        return {"live_access_tokens": self._live("access"), "live_refresh_tokens": self._live("refresh"),
                **self.counters}

    # -- admin
    def admin(self, req: Request) -> Response:
        name = req.path[len("/__emulator/"):].strip("/")
        routes = {
            "apps": ("POST", self._admin_apps), "consent": ("POST", self._admin_consent),
            "user": ("POST", self._admin_user), "fail": ("POST", self._admin_fail),
            "delay": ("POST", self._admin_delay),
            "token-lifetime": ("POST", self._admin_token_lifetime),
            "revoke-all": ("POST", self._admin_revoke_all), "expire-access-tokens": ("POST", self._admin_expire),
            "clock": ("POST", self._admin_clock), "log": ("GET", lambda r: self.log),
            "state": ("GET", lambda r: self.state()), "reset": ("POST", self._admin_reset),
            "health": ("GET", lambda r: {"ok": True, "platform": self.platform.name, "origin": self.origin}),
        }
        routes.update(self.platform.admin_routes())  # platform-specific test controls
        if name not in routes:
            return json_response(404, {"error": f"no admin endpoint {req.path}", "endpoints": sorted(routes)})
        method, fn = routes[name]
        if req.method != method:
            return json_response(405, {"error": f"use {method}"}, [("Allow", method)])
        body = {}
        if method == "POST" and req.body:
            if not req.is_json():
                return json_response(415, {"error": "admin endpoints take application/json"})
            body = req.json()
            if not isinstance(body, dict):
                return json_response(400, {"error": "body must be a JSON object"})
        req.admin_body = body
        try:
            out = fn(req)
        except (KeyError, ValueError, TypeError) as e:
            return json_response(400, {"error": f"bad admin request: {e!r}"})
        return json_response(200, out)

    def _admin_apps(self, req):
        b = req.admin_body
        cid = b["client_id"]
        uris = b.get("redirect_uris", [])
        if not isinstance(cid, str) or not cid or not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            raise ValueError("client_id (string) and redirect_uris (list of strings) required")
        secret = b.get("client_secret")
        if secret is not None and not isinstance(secret, str):
            raise ValueError("client_secret must be a string")
        extra = {}
        if "products" in b:  # LinkedIn: the products added to the app (which scopes it may ask for)
            products = b["products"]
            if not isinstance(products, list) or not all(isinstance(x, str) for x in products):
                raise ValueError("products must be a list of strings")
            extra["products"] = products
        self.register_app(cid, secret, uris, **extra)
        return {"client_id": cid, "client_secret": secret, "redirect_uris": uris, **extra}

    def _admin_consent(self, req):
        d = req.admin_body["decision"]
        if d not in ("approve", "deny"):
            raise ValueError("decision must be approve or deny")
        self.consent = d
        return {"decision": d}

    def _admin_user(self, req):
        b = req.admin_body
        user = self.platform.default_user()
        for k in ("id", "name", "username", "avatar_url", "email", "pages", "organizations"):
            if k in b:
                user[k] = b[k]
        user["id"] = str(user["id"])
        self.user = user
        return user

    def _admin_fail(self, req):
        """Fail requests on a path: `skip` requests pass first (so part N of a thread fails), then
        `times` requests fail by `mode`: `status` (the platform's error shape, or `body` as an
        HTML/text page), `drop` (connection closed, nothing handled), `revoke` (the user removes
        the app — every grant dies — then the request is handled as the platform would), `expire`
        (every access token expires now, then the request is handled), or
        `replace` (the request is handled — the post exists — and its answer is replaced by
        `status` (2xx allowed) with `body`: truncated, HTML or unexpected)."""
        b = req.admin_body
        path = b["path"]
        mode = b.get("mode", "status")
        if mode not in ("status", "drop", "revoke", "expire", "replace"):
            raise ValueError("mode must be status, drop, revoke, expire or replace")
        times = int(b.get("times", 1))
        skip = int(b.get("skip", 0))
        if skip < 0:
            raise ValueError("skip must be >= 0")
        status = int(b.get("status", 200 if mode == "replace" else 503))
        if not (400 <= status <= 599) and not (mode == "replace" and 200 <= status <= 599):
            raise ValueError("status must be 4xx/5xx (replace: 2xx too)")
        body = b.get("body")
        if body is not None and not isinstance(body, str):
            raise ValueError("body must be a string")
        content_type = b.get("content_type", "text/html; charset=utf-8")
        self.fails[path] = {"status": status, "times": times, "mode": mode, "skip": skip, "body": body,
                            "content_type": content_type}
        return {"path": path, **self.fails[path]}

    @staticmethod
    def _delay_range(v, name: str) -> tuple[float, float]:
        """A delay in ms: a number, or [low, high] for a uniformly random delay per request."""
        if isinstance(v, bool):
            raise ValueError(f"{name} must be milliseconds or [low, high]")
        if isinstance(v, (int, float)):
            lo = hi = float(v)
        elif isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                         for x in v):
            lo, hi = float(v[0]), float(v[1])
        else:
            raise ValueError(f"{name} must be milliseconds or [low, high]")
        if lo < 0 or hi < lo or hi > 60_000:
            raise ValueError(f"{name} must be within 0..60000 ms with low <= high")
        return lo, hi

    def _admin_delay(self, req):
        """Delay (and optionally cut off) requests on a path, so a client can be killed inside the
        dangerous windows: `before_ms` before the request is handled (nothing happened yet),
        `after_ms` after the platform-side effect but before the answer is written; `drop_after`
        then closes the connection without any answer. `times` limits how many requests (-1: all)."""
        b = req.admin_body
        path = b["path"]
        if not isinstance(path, str) or not path.startswith("/") or path.startswith("/__emulator/"):
            raise ValueError("path must be a platform path such as /2/tweets")
        rule = {"before_ms": self._delay_range(b.get("before_ms", 0), "before_ms"),
                "after_ms": self._delay_range(b.get("after_ms", 0), "after_ms"),
                "drop_after": b.get("drop_after", False), "times": b.get("times", -1)}
        if not isinstance(rule["drop_after"], bool):
            raise ValueError("drop_after must be true or false")
        if not isinstance(rule["times"], int) or isinstance(rule["times"], bool) or rule["times"] < -1:
            raise ValueError("times must be -1 (every request) or a count")
        if rule["before_ms"] == rule["after_ms"] == (0.0, 0.0) and not rule["drop_after"] or rule["times"] == 0:
            self.delays.pop(path, None)
            return {"path": path, "removed": True}
        self.delays[path] = rule
        return {"path": path, **rule}

    def take_delay(self, path: str) -> tuple[float, float, bool] | None:
        """The (before, after) seconds and drop flag for one request on `path`, if a rule applies."""
        with self.lock:
            rule = self.delays.get(path)
            if rule is None:  # a rule with `*` matches paths with ids in them (`/v1.0/*/threads_publish`)
                rule = next((r for pat, r in self.delays.items() if "*" in pat and fnmatch.fnmatchcase(path, pat)),
                            None)
            if rule is None:
                return None
            if rule["times"] > 0:
                rule["times"] -= 1
                if rule["times"] == 0:
                    self.delays = {k: r for k, r in self.delays.items() if r is not rule}
            pick = lambda r: (r[0] + (r[1] - r[0]) * secrets.randbelow(1_000_001) / 1_000_000) / 1000
            return pick(rule["before_ms"]), pick(rule["after_ms"]), rule["drop_after"]

    def _admin_token_lifetime(self, req):
        """`{"access_seconds": N}`: access tokens issued from now on live N seconds (null: the
        platform's own lifetime). Platforms that honour it: X."""
        n = req.admin_body.get("access_seconds")
        if n is not None and (isinstance(n, bool) or not isinstance(n, (int, float)) or n <= 0):
            raise ValueError("access_seconds must be a positive number or null")
        self.access_seconds = n
        return {"access_seconds": n}

    def access_life(self, default: float) -> float:
        return default if self.access_seconds is None else self.access_seconds

    def _admin_revoke_all(self, req):
        for gid in list(self.grants):
            self.revoke_grant(gid, "removed")
        for c in self.codes.values():
            if not c.used:
                c.dead = True
        return self.state()

    def _admin_expire(self, req):
        now = self.now()
        for t in self.tokens.values():
            if t.kind == "access" and not t.revoked:
                t.expires_at = min(t.expires_at if t.expires_at is not None else now, now)
        return self.state()

    def _admin_clock(self, req):
        n = float(req.admin_body["advance_seconds"])
        if n < 0:
            raise ValueError("the clock only moves forward")
        self.clock_offset += n
        return {"now": self.now(), "offset_seconds": self.clock_offset}

    def _admin_reset(self, req):
        self.reset_state()
        return self.state()

    # -- dispatch
    def handle(self, req: Request) -> Response:
        with self.lock:
            if req.path.startswith("/__emulator/"):
                return self.admin(req)
            entry = req.log_entry()
            self.log.append(entry)
            req.entry = entry
            f = self.fails.get(req.path)
            if f is None:  # a rule with `*` matches paths with ids in them (`/*/comments`)
                f = next((r for pat, r in self.fails.items() if "*" in pat and fnmatch.fnmatchcase(req.path, pat)),
                         None)
            replace = None
            if f and f["times"] > 0 and f.get("skip", 0) > 0:
                f["skip"] -= 1
            elif f and f["times"] > 0:
                f["times"] -= 1
                if f["mode"] == "drop":
                    entry["status"] = 0  # no response at all
                    r = Response(0)
                    r.drop = True
                    return r
                if f["mode"] == "revoke":
                    self._admin_revoke_all(req)
                elif f["mode"] == "expire":
                    self._admin_expire(req)
                elif f["mode"] == "replace":
                    replace = f
                else:
                    if f.get("body") is not None:
                        resp = Response(f["status"], f["body"].encode(), f["content_type"])
                    else:
                        resp = self.platform.server_error(f["status"])
                    entry["status"] = resp.status
                    return resp
            try:
                resp = self.platform.dispatch(req)
            except BadRequest as e:
                resp = self.platform.bad_request(req, str(e))
            except Exception:
                traceback.print_exc(file=sys.stderr)
                resp = self.platform.server_error(500)
            if replace is not None:
                entry["replaced_status"] = resp.status  # what the platform did before the answer was spoilt
                resp = Response(replace["status"], (replace.get("body") or "").encode(), replace["content_type"])
            entry["status"] = resp.status
            return resp


# ---------------------------------------------------------------------------------------------------
# Platform base


Route = tuple[str, re.Pattern, Callable[[Request], Response]]


class Platform:
    name = ""
    code_lifetime = 600.0  # WIRE.md: 10 min everywhere but X [decision]

    def __init__(self, emu: Emulator):
        self.emu = emu
        self.routes: list[Route] = []
        self.setup()

    def setup(self):
        raise NotImplementedError

    def route(self, method: str, pattern: str, fn: Callable[[Request], Response]):
        self.routes.append((method, re.compile(pattern), fn))

    def dispatch(self, req: Request) -> Response:
        allowed = []
        for method, rx, fn in self.routes:
            m = rx.fullmatch(req.path)
            if m:
                if method == req.method:
                    req.match = m
                    return fn(req)
                allowed.append(method)
        if allowed:
            resp = self.method_not_allowed(req)
            resp.headers.append(("Allow", ", ".join(sorted(set(allowed)))))
            return resp
        return self.not_found(req)

    # Overridden per platform with the platform's shapes.
    def default_user(self) -> dict:
        return {"id": "1000001", "name": "Test User", "username": "testuser",
                "avatar_url": "https://example.invalid/avatar.png"}

    def not_found(self, req: Request) -> Response:
        return json_response(404, {"error": "not_found"})

    def method_not_allowed(self, req: Request) -> Response:
        return json_response(405, {"error": "method_not_allowed"})

    def server_error(self, status: int) -> Response:
        return json_response(status, {"error": "server_error"}, retry_after(status))

    def bad_request(self, req: Request, message: str) -> Response:
        return json_response(400, {"error": "invalid_request", "error_description": message})

    # -- hooks for publishing emulation (defaults keep the OAuth-only behaviour)
    def reset(self):
        """Forget platform state (admin reset)."""

    def admin_routes(self) -> dict:
        """Extra `/__emulator/<name>` endpoints: {name: (method, fn(req) -> JSON-able)}."""
        return {}

    def max_body(self, method: str, path: str) -> int:
        """Largest request body accepted on `method path` (media uploads raise it)."""
        return MAX_BODY

    # -- shared authorization-endpoint logic
    def app(self, client_id: str | None) -> App | None:
        return self.emu.apps.get(client_id) if client_id else None

    def authorize(self, req: Request, *, client_param: str = "client_id", redirect_match: str = "exact",
                  pkce: str | None = None, scope_sep: str = " ", known_scopes: set[str] | None = None,
                  fragment: str | None = None, require_response_type: bool = True,
                  extra_check: Callable[[Request, App], str | None] | None = None,
                  authorized_scopes: Callable[[App], set[str]] | None = None, **code_extra) -> Response:
        """The authorization endpoint. redirect_match: "exact" | "loopback" (any port).
        pkce: None (ignored), "s256" (base64url) or "hex"."""
        if req.method != "GET":
            return self.method_not_allowed(req)
        try:
            client_id = req.q(client_param)
            redirect_uri = req.q("redirect_uri")
        except BadRequest as e:
            return html_response(400, "Invalid request", str(e))
        app = self.app(client_id)
        if app is None:
            return html_response(400, "Invalid client", f"Unknown {client_param}. The application cannot be identified.")
        if not redirect_uri or not redirect_matches(redirect_uri, app.redirect_uris, redirect_match):
            return html_response(400, "Invalid redirect_uri",
                                 "The redirect_uri does not match any URI registered for this application.")

        def err(code: str, desc: str, state: str | None) -> Response:
            params = [("error", code), ("error_description", desc)]
            if state:
                params.append(("state", state))
            return redirect(add_query(redirect_uri, params, fragment))

        try:
            state = req.q("state")
            response_type = req.q("response_type")
            scope = req.q("scope")
            challenge = req.q("code_challenge")
            method = req.q("code_challenge_method")
        except BadRequest as e:
            return err("invalid_request", str(e), None)
        if not state:
            return err("invalid_request", "The state parameter is required.", None)
        if response_type != "code" and (require_response_type or response_type is not None):
            return err("unsupported_response_type", "response_type must be code.", state)
        if not scope:
            return err("invalid_scope", "The scope parameter is required.", state)
        scopes = scope.split(scope_sep)
        if known_scopes is not None:
            bad = [s for s in scopes if s not in known_scopes]
            if bad:
                return err("invalid_scope", f"Unknown scope(s): {', '.join(bad)}", state)
        if authorized_scopes is not None:
            allowed = authorized_scopes(app)
            bad = [s for s in scopes if s not in allowed]
            if bad:
                return err("unauthorized_scope_error", f'Scope "{bad[0]}" is not authorized for your application',
                           state)
        if extra_check is not None:
            problem = extra_check(req, app)
            if problem:
                return err("invalid_request", problem, state)
        bound_challenge = None
        if pkce is not None:
            if not challenge:
                return err("invalid_request", "code_challenge is required (PKCE).", state)
            if method != "S256":
                return err("invalid_request", "code_challenge_method must be S256.", state)
            rx = B64_CHALLENGE_RE if pkce == "s256" else HEX_CHALLENGE_RE
            if not rx.fullmatch(challenge):
                what = "base64url (no padding) SHA-256" if pkce == "s256" else "hex SHA-256"
                return err("invalid_request", f"code_challenge must be the {what} of the code_verifier.", state)
            bound_challenge = challenge
        if self.emu.consent != "approve":
            return err("access_denied", "The user denied your request.", state)
        code = self.emu.issue_code(self.make_code(), app.client_id, redirect_uri, bound_challenge, scopes,
                                   self.code_lifetime, **code_extra)
        return redirect(add_query(redirect_uri, [("code", code), ("state", state)], fragment))

    def make_code(self) -> str:
        return secrets.token_urlsafe(32)

    def require_form(self, req: Request):
        if not req.is_form():
            raise BadRequest("Content-Type must be application/x-www-form-urlencoded")


def retry_after(status: int) -> list[tuple[str, str]]:
    return [("Retry-After", "1")] if status in (429, 503) else []


LOOPBACK_HOSTS = {"127.0.0.1", "[::1]"}


def redirect_matches(uri: str, registered: list[str], mode: str) -> bool:
    if mode == "exact":
        return uri in registered  # exact string comparison (RFC 9700 §2.1)
    # any-port loopback (RFC 8252 §7.3): http, host 127.0.0.1 or [::1], exact path, any port
    m = re.fullmatch(r"http://(127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(/[^?#]*)", uri)
    if not m:
        return False
    host, _port, path = m.groups()
    for r in registered:
        rm = re.fullmatch(r"http://(127\.0\.0\.1|\[::1\]|localhost)(?::(\d{1,5}|\*))?(/[^?#]*)", r)
        if rm and rm.group(3) == path and (rm.group(1) == host or rm.group(1) == "localhost"
                                             or {rm.group(1), host} <= LOOPBACK_HOSTS):
            return True
    return False


# ---------------------------------------------------------------------------------------------------
# HTTP server


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "OutpostEmulator/1"
    sys_version = ""

    def version_string(self):
        return self.server_version
    emulator: Emulator  # set on the subclass made by make_server
    timeout = 30

    def log_message(self, format, *args):  # quiet; the emulator has its own log
        pass

    def _raw_error(self, status: int, message: str):
        body = json.dumps({"error": message}).encode()
        head = (f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        try:
            self.wfile.write(head + body)
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self._raw_error(414, "request line too long")
                return
            lines, total = [], len(self.raw_requestline)
            while True:
                line = self.rfile.readline(MAX_HEADER_SECTION + 1)
                total += len(line)
                if total > MAX_HEADER_SECTION:
                    self._raw_error(431, "header section larger than 16 KiB")
                    return
                lines.append(line)
                if line in (b"\r\n", b"\n", b""):
                    break
            real = self.rfile
            self.rfile = io.BytesIO(b"".join(lines))
            try:
                ok = self.parse_request()
            finally:
                self.rfile = real
            if not ok:
                return
            self._serve()
        except (TimeoutError, socket.timeout, ConnectionError):
            self.close_connection = True

    def _serve(self):
        if self.headers.get("Transfer-Encoding"):
            self._raw_error(411, "chunked bodies are not accepted; send Content-Length")
            return
        cl = self.headers.get("Content-Length")
        length = 0
        if cl is not None:
            if not cl.strip().isdigit():
                self._raw_error(400, "bad Content-Length")
                return
            length = int(cl)
        limit = self.emulator.platform.max_body(self.command, urlsplit(self.path).path)
        if length > limit:
            if length <= DRAIN_LIMIT:
                self.rfile.read(length)
            self._raw_error(413, "request body larger than 64 KiB")
            return
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, self.path, self.headers, body)
        # Delay injection (`/__emulator/delay`): outside the emulator lock, so other requests and the
        # admin endpoints go on meanwhile. A client killed during `before` still gets its request
        # handled afterwards (as a real server would); one killed during `after` leaves the effect.
        delay = None if req.path.startswith("/__emulator/") else self.emulator.take_delay(req.path)
        if delay:
            time.sleep(delay[0])
        resp = self.emulator.handle(req)
        if delay:
            time.sleep(delay[1])
            if delay[2] and not resp.drop:
                resp.drop = True
                if req.entry is not None:
                    req.entry["dropped_after_effect"] = True
        if resp.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(resp.status, REASONS.get(resp.status))
        for k, v in resp.headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(platform_name: str, host: str = "127.0.0.1", port: int = 0) -> tuple[Server, Emulator]:
    emu = Emulator(platform_name)
    handler = type("BoundHandler", (Handler,), {"emulator": emu})
    if ":" in host:
        server_cls = type("Server6", (Server,), {"address_family": socket.AF_INET6})
    else:
        server_cls = Server
    srv = server_cls((host, port), handler)
    real_port = srv.server_address[1]
    hostpart = f"[{host}]" if ":" in host else host
    emu.origin = f"http://{hostpart}:{real_port}"
    return srv, emu


def start_in_thread(platform_name: str, host: str = "127.0.0.1", port: int = 0):
    """For in-process use (tests): returns (server, emulator, thread); stop with server.shutdown()."""
    srv, emu = make_server(platform_name, host, port)
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, name=f"emulator-{platform_name}",
                         daemon=True)
    t.start()
    return srv, emu, t
