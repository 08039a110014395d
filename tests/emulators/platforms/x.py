"""X (OAuth 2.0 authorization code + PKCE), per WIRE.md § X."""

from __future__ import annotations

import itertools
import re
import secrets
import unicodedata

from core import BadRequest, Platform, Request, Response, json_response
from .x_inbox import XInbox

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


class X(XInbox, Platform):
    name = "x"
    code_lifetime = 30.0  # docs: "the authorization code is valid for 30 seconds"

    def setup(self):
        self.route("GET", r"/i/oauth2/authorize", self.authorize_ep)
        self.route("POST", r"/2/oauth2/token", self.token)
        self.route("POST", r"/2/oauth2/revoke", self.revoke)
        self.route("GET", r"/2/users/me", self.me)
        # publishing (Posts v2 + media upload v2)
        self.route("POST", r"/2/tweets", self.create_tweet)
        self.route("POST", r"/2/media/upload/initialize", self.media_initialize)
        self.route("POST", r"/2/media/upload/(\d+)/append", self.media_append)
        self.route("POST", r"/2/media/upload/(\d+)/finalize", self.media_finalize)
        self.route("GET", r"/2/media/upload", self.media_status)
        self.route("POST", r"/2/media/metadata", self.media_metadata)
        self.setup_inbox()
        self.reset()

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
        life = self.emu.access_life(7200)
        access = self.emu.issue_token("access", grant, secrets.token_urlsafe(64), life)
        out = {"token_type": "bearer", "expires_in": int(life), "access_token": access.value,
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
        if t is not None and t.client_id != app.client_id:
            return oauth_error(400, "invalid_request", BAD_TOKEN)
        if self.revoke_mode == "not_revoked":
            return json_response(200, {"revoked": False})
        if t is not None:
            self.emu.revoke_grant(t.grant.id, "user")  # revoking either token ends the grant
        if self.revoke_mode == "rfc7009":
            # RFC 7009 §2.2: "The authorization server responds with HTTP status code 200 if the token
            # has been revoked successfully or if the client submitted an invalid token"; the body is
            # ignored by the client (here: none at all).
            return Response(200)
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
        if "public_metrics" in fields:
            data["public_metrics"] = {"followers_count": 0, "following_count": 0, "tweet_count": 0,
                                      "listed_count": 0, "like_count": 0, **self.account_counts}
        return json_response(200, {"data": data})


    # ------------------------------------------------------------------------------------------------
    # Publishing: POST /2/tweets and the v2 chunked media upload
    # (initialize -> append -> finalize -> STATUS polling), plus alt text via POST /2/media/metadata.

    # Media rules from the reference (docs.x.com media best practices).
    CATEGORIES = {
        "tweet_image": ({"image/jpeg", "image/png", "image/webp"}, 5 * 1024 * 1024),
        "tweet_gif": ({"image/gif"}, 15 * 1024 * 1024),
        "tweet_video": ({"video/mp4", "video/quicktime"}, 512 * 1024 * 1024),  # [decision] emulator cap
    }
    MAX_SEGMENT = 5 * 1024 * 1024  # docs: "keep each segment at or below 5 MB" (server max 8 MB)
    MAX_ALT = 1000
    VIDEO_TOO_LONG = "You are not allowed to post a video longer than 140 seconds."  # [decision] wording

    def reset(self):
        self.posts: list[dict] = []
        self.garble: dict[str, int] = {}
        # How the revocation endpoint answers a revocation: "x" ({"revoked": true}, X's documented
        # answer), "rfc7009" (RFC 7009 §2.2: 200 with an empty body), "not_revoked" (200
        # {"revoked": false} and nothing revoked: a revoke that did not revoke).
        self.revoke_mode = "x"
        self.media: dict[str, dict] = {}
        self.ids = itertools.count(1860000000000000001)
        # [decision] video processing: `polls` STATUS answers in_progress before the final state.
        self.processing = {"polls": 1, "check_after_secs": 0, "outcome": "succeeded", "video_too_long": False}
        self.reset_inbox()

    def admin_routes(self) -> dict:
        return {
            "posts": ("GET", lambda r: self.posts),
            "media": ("GET", lambda r: [self._media_view(m) for m in self.media.values()]),
            "x-processing": ("POST", self._admin_processing),
            "x-token": ("POST", self._admin_token),
            "x-garble": ("POST", self._admin_garble),
            "revoke-mode": ("POST", self._admin_revoke_mode),
            **self.inbox_admin_routes(),
        }

    def _admin_revoke_mode(self, req):
        mode = req.admin_body.get("mode")
        if mode not in ("x", "rfc7009", "not_revoked"):
            raise ValueError("mode must be x, rfc7009 or not_revoked")
        self.revoke_mode = mode
        return {"mode": mode}

    def _admin_garble(self, req):
        """{"path","times"}: the next N successful answers on that path are cut off mid-JSON (the
        request itself takes effect: a post is created but its answer is lost)."""
        b = req.admin_body
        self.garble[b["path"]] = int(b.get("times", 1))
        return {"path": b["path"], "times": self.garble[b["path"]]}

    def dispatch(self, req):
        resp = super().dispatch(req)
        if self.garble.get(req.path, 0) > 0 and 200 <= resp.status < 300:
            self.garble[req.path] -= 1
            resp.body = resp.body[: len(resp.body) // 2]
        return resp

    def _admin_token(self, req):
        """Mints an access token for the current user without a sign-in (publishing tests):
        {"scopes":[...]} (default: tweet.read tweet.write users.read media.write)."""
        from core import Grant
        scopes = req.admin_body.get("scopes", ["tweet.read", "tweet.write", "users.read", "media.write"])
        if not isinstance(scopes, list) or not all(isinstance(x, str) for x in scopes):
            raise ValueError("scopes must be a list of strings")
        g = Grant(secrets.token_hex(8), "__emulator__", dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        t = self.emu.issue_token("access", g, secrets.token_urlsafe(48), self.emu.access_life(7200))
        return {"access_token": t.value, "user": self.emu.user}

    def _admin_processing(self, req):
        b = req.admin_body
        for k in ("polls", "check_after_secs"):
            if k in b:
                self.processing[k] = int(b[k])
        if "outcome" in b:
            if b["outcome"] not in ("succeeded", "failed"):
                raise ValueError("outcome must be succeeded or failed")
            self.processing["outcome"] = b["outcome"]
        if "video_too_long" in b:
            self.processing["video_too_long"] = bool(b["video_too_long"])
        return self.processing

    def max_body(self, method: str, path: str) -> int:
        if method == "POST" and re.fullmatch(r"/2/media/upload/\d+/append", path):
            return self.MAX_SEGMENT + 64 * 1024  # one segment plus the multipart framing
        return super().max_body(method, path)

    def server_error(self, status):
        if status == 429:  # docs: code 88 + x-rate-limit-* headers, reset in epoch seconds
            reset = int(self.emu.now()) + 900
            return json_response(429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
                                 [("x-rate-limit-limit", "100"), ("x-rate-limit-remaining", "0"),
                                  ("x-rate-limit-reset", str(reset))])
        if status == 400:
            return self.invalid("The request was refused (emulator fail rule).")
        return X.problem_static(status)

    @staticmethod
    def problem_static(status):
        titles = {503: "Service Unavailable", 500: "Internal Server Error", 502: "Bad Gateway"}
        t = titles.get(status, "Error")
        return json_response(status, {"title": t, "type": "about:blank", "status": status, "detail": t})

    def invalid(self, message: str) -> Response:
        # X v2 validation errors: {"errors":[{"message"}],"title":"Invalid Request","detail":...,"type":...}
        return json_response(400, {"errors": [{"parameters": {}, "message": message}],
                                   "title": "Invalid Request",
                                   "detail": "One or more parameters to your request was invalid.",
                                   "type": "https://api.twitter.com/2/problems/invalid-request"})

    def user_token(self, req: Request, scope: str):
        """(token, None) or (None, response): a live bearer token carrying `scope`."""
        t, why = self.emu.access(req)
        if why:
            return None, self.problem(401, "Unauthorized")
        if scope not in t.scopes:
            return None, json_response(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                             "detail": f"Forbidden: the {scope} scope is required."})
        return t, None

    def json_body(self, req: Request):
        if not req.is_json():
            raise BadRequest("Content-Type must be application/json")
        b = req.json()
        if not isinstance(b, dict):
            raise BadRequest("the body must be a JSON object")
        return b

    def bad_request(self, req, message):
        if req.path.startswith("/2/oauth2/"):
            return super().bad_request(req, message)
        return self.invalid(message)

    def new_id(self) -> str:
        return str(next(self.ids))

    @staticmethod
    def weighted_length(text: str) -> int:
        """twitter-text v3 weighting, simplified [decision]: NFC; URLs count 23; code points in the
        v3 light ranges count 1, everything else (CJK, emoji) 2; an emoji ZWJ sequence counts 2."""
        text = unicodedata.normalize("NFC", text)
        urls = re.findall(r"https?://\S+", text)
        text = re.sub(r"https?://\S+", "", text)
        n = 23 * len(urls)
        light = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
        prev_zwj = False
        for ch in text:
            cp = ord(ch)
            if cp == 0x200D:
                prev_zwj = True
                continue
            if prev_zwj or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF:
                prev_zwj = False
                continue  # part of the previous emoji
            n += 1 if any(a <= cp <= b for a, b in light) else 2
        return n

    def _media_view(self, m: dict) -> dict:
        return {k: v for k, v in m.items() if k != "owner"}

    def _own_media(self, t, media_id) -> dict | None:
        m = self.media.get(str(media_id))
        return m if m is not None and m["owner"] == t.user["id"] else None

    # -- POST /2/media/upload/initialize
    def media_initialize(self, req: Request) -> Response:
        t, err = self.user_token(req, "media.write")
        if err:
            return err
        b = self.json_body(req)
        if "command" in b:
            return self.invalid("Do not send command=INIT to the v2 initialize endpoint")
        mt, total, cat = b.get("media_type"), b.get("total_bytes"), b.get("media_category")
        if cat not in self.CATEGORIES:
            return self.invalid(f"media_category must be one of {sorted(self.CATEGORIES)}")
        types, max_bytes = self.CATEGORIES[cat]
        if mt not in types:
            return self.invalid(f"media_type {mt!r} is not valid for {cat}")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            return self.invalid("total_bytes must be a positive integer")
        if total > max_bytes:
            return self.invalid(f"File size exceeds {max_bytes} bytes.")
        mid = self.new_id()
        self.media[mid] = {"id": mid, "owner": t.user["id"], "media_type": mt, "media_category": cat,
                           "total_bytes": total, "segments": {}, "append_order": [], "finalized": False,
                           "state": None, "polls": 0, "alt_text": None}
        return json_response(200, {"data": {"id": mid, "media_key": f"7_{mid}", "expires_after_secs": 86400}})

    # -- POST /2/media/upload/{id}/append (multipart: media + segment_index)
    def media_append(self, req: Request) -> Response:
        t, err = self.user_token(req, "media.write")
        if err:
            return err
        m = self._own_media(t, req.match.group(1))
        if m is None:
            return self.invalid("media_id not found")
        if m["finalized"]:
            return self.invalid("the upload was already finalized")
        parts = req.multipart()
        if set(parts) != {"media", "segment_index"}:
            return self.invalid("append takes exactly the parts media and segment_index")
        try:
            idx = int(parts["segment_index"]["data"].decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return self.invalid("segment_index must be an integer")
        if not 0 <= idx <= 999:
            return self.invalid("segment_index must be between 0 and 999")
        data = parts["media"]["data"]
        if not data:
            return self.invalid("media is empty")
        if len(data) > self.MAX_SEGMENT:
            return self.invalid("segment larger than 5 MB")
        others = sum(s["bytes"] for i, s in m["segments"].items() if i != idx)
        if others + len(data) > m["total_bytes"]:
            return self.invalid("Segments exceed the total_bytes given at initialize")
        m["segments"][idx] = {"bytes": len(data), "head": data[:16].hex()}  # a retry replaces it
        m["append_order"].append(idx)
        return json_response(200, {"data": {"expires_at": int(self.emu.now()) + 86400}})

    # -- POST /2/media/upload/{id}/finalize
    def media_finalize(self, req: Request) -> Response:
        t, err = self.user_token(req, "media.write")
        if err:
            return err
        m = self._own_media(t, req.match.group(1))
        if m is None:
            return self.invalid("media_id not found")
        if req.body:
            return self.invalid("finalize takes no body")
        segs = m["segments"]
        if sorted(segs) != list(range(len(segs))) or not segs:
            return self.invalid("Segments are missing: segment_index must run 0..n-1")
        if sum(s["bytes"] for s in segs.values()) != m["total_bytes"]:
            return self.invalid("Segments do not add up to provided total file size.")
        m["finalized"] = True
        data = {"id": m["id"], "media_key": f"7_{m['id']}", "size": m["total_bytes"], "expires_after_secs": 86400}
        if m["media_category"] == "tweet_image":
            m["state"] = "succeeded"  # images need no processing: no processing_info
        else:
            m["state"] = "pending"
            data["processing_info"] = {"state": "pending", "check_after_secs": self.processing["check_after_secs"]}
        return json_response(200, {"data": data})

    # -- GET /2/media/upload?command=STATUS&media_id=
    def media_status(self, req: Request) -> Response:
        t, err = self.user_token(req, "media.write")
        if err:
            return err
        if req.q("command") != "STATUS":
            return self.invalid("command must be STATUS")
        m = self._own_media(t, req.q("media_id"))
        if m is None:
            return self.invalid("media_id not found")
        if not m["finalized"]:
            return self.invalid("the upload was not finalized")
        info = {"state": m["state"]}
        if m["state"] in ("pending", "in_progress"):
            m["polls"] += 1
            if m["polls"] > self.processing["polls"]:
                m["state"] = self.processing["outcome"]
            else:
                m["state"] = "in_progress"
            info = {"state": m["state"]}
            if m["state"] == "in_progress":
                info.update(check_after_secs=self.processing["check_after_secs"], progress_percent=50)
        if m["state"] == "failed":
            info["error"] = {"code": 1, "name": "InvalidMedia", "message": "Unsupported video encoding"}
        if m["state"] == "succeeded":
            info["progress_percent"] = 100
        return json_response(200, {"data": {"id": m["id"], "media_key": f"7_{m['id']}", "processing_info": info}})

    # -- POST /2/media/metadata (alt text)
    def media_metadata(self, req: Request) -> Response:
        t, err = self.user_token(req, "media.write")
        if err:
            return err
        b = self.json_body(req)
        if set(b) != {"id", "metadata"} or not isinstance(b["metadata"], dict):
            return self.invalid("the body is {\"id\", \"metadata\": {...}}")
        m = self._own_media(t, b["id"])
        if m is None or not m["finalized"]:
            return self.invalid("media id not found or not finalized")
        alt = b["metadata"].get("alt_text")
        if set(b["metadata"]) != {"alt_text"} or not isinstance(alt, dict) or set(alt) != {"text"} \
                or not isinstance(alt["text"], str) or not alt["text"]:
            return self.invalid("metadata.alt_text.text is required")
        if len(alt["text"]) > self.MAX_ALT:
            return self.invalid(f"alt text longer than {self.MAX_ALT} characters")
        m["alt_text"] = alt["text"]
        return json_response(200, {"data": {"id": m["id"], "associated_metadata": True}})

    # -- POST /2/tweets
    def create_tweet(self, req: Request) -> Response:
        t, err = self.user_token(req, "tweet.write")
        if err:
            return err
        b = self.json_body(req)
        unknown = set(b) - {"text", "media", "reply"}
        if unknown:
            return self.invalid(f"unexpected fields: {sorted(unknown)}")
        text = b.get("text")
        if text is not None and not isinstance(text, str):
            return self.invalid("text must be a string")
        media_ids = []
        if "media" in b:
            md = b["media"]
            if not isinstance(md, dict) or set(md) != {"media_ids"} or not isinstance(md["media_ids"], list) \
                    or not md["media_ids"] or not all(isinstance(i, str) for i in md["media_ids"]):
                return self.invalid("media.media_ids must be a non-empty array of id strings")
            media_ids = md["media_ids"]
        if not text and not media_ids:
            return self.invalid("text or media is required")
        if text and self.weighted_length(text) > 280:
            return json_response(400, {"errors": [{"message": "Your Tweet text is too long."}],
                                       "title": "Invalid Request", "detail": "Your Tweet text is too long.",
                                       "type": "https://api.twitter.com/2/problems/invalid-request"})
        ms = []
        for i in media_ids:
            m = self._own_media(t, i)
            if m is None or m["state"] != "succeeded":
                return self.invalid(f"media id {i} is not a finished upload of this user")
            ms.append(m)
        cats = [m["media_category"] for m in ms]
        if len(ms) > 4 or (len(ms) > 1 and any(c != "tweet_image" for c in cats)):
            return self.invalid("up to 4 photos, or 1 GIF, or 1 video per post")
        reply_to = None
        if "reply" in b:
            r = b["reply"]
            if not isinstance(r, dict) or set(r) != {"in_reply_to_tweet_id"} \
                    or not isinstance(r["in_reply_to_tweet_id"], str):
                return self.invalid("reply.in_reply_to_tweet_id must be an id string")
            reply_to = r["in_reply_to_tweet_id"]
            if not self.known_tweet(reply_to):
                return self.invalid("the post being replied to does not exist")
        if "tweet_video" in cats and self.processing["video_too_long"]:
            return json_response(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                       "detail": self.VIDEO_TOO_LONG})
        if text and any(p["text"] == text and p["author_id"] == t.user["id"] for p in self.posts):
            return json_response(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                       "detail": "You are not allowed to create a Tweet with duplicate content."})
        pid = self.new_id()
        self.posts.append({"id": pid, "text": text or "", "author_id": t.user["id"], "media_ids": media_ids,
                           "in_reply_to_tweet_id": reply_to,
                           "alt_texts": [m["alt_text"] for m in ms]})
        return json_response(201, {"data": {"id": pid, "text": text or "", "edit_history_tweet_ids": [pid]}})
