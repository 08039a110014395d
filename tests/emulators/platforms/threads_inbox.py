"""Threads inbox and insights (mixed into `meta.Threads`), strict to the Threads API reference:

- `GET /v1.0/{user-id}/threads` — the account's posts, newest first (`threads_basic`); `limit`
  (default 25, at most 100), cursor paging (`after`/`before`, `paging.cursors`, `paging.next`).
- `GET /v1.0/{media-id}/conversation` — every reply at any depth, flattened (`threads_basic` +
  `threads_read_replies`); `reverse` (default `true`: newest first), cursor paging.
- `GET /v1.0/{media-id}/replies` — the top-level replies only; `GET /v1.0/{user-id}/replies` — the
  account's own replies, newest first (`threads_read_replies`).
- `GET /v1.0/{user-id}/mentions` — public posts of others that mention the account, newest first
  (`threads_manage_mentions`); `since`/`until` (unix s; `since` >= 1688540400, `until` <= now and
  after `since`).
- `GET /v1.0/{media-id}/insights?metric=views,likes,replies,reposts,quotes,shares` and
  `GET /v1.0/{user-id}/threads_insights?metric=views,likes,replies,reposts,quotes,clicks,followers_count`
  (`threads_manage_insights`); user `since`/`until` not before 1712991600. Media metrics are
  `values: [{value}]` (period `lifetime`); user `views` is a daily series `values: [{value, end_time}]`,
  the others `total_value: {value}`.

Timestamps are ISO 8601 with `+0000` as Graph writes them. Test controls: `reply` (someone answers a
post or a reply), `mention`, `insights` (set a post's counters), `user-insights`, `delete` (a post
is gone: reads answer code 100 subcode 33)."""

from __future__ import annotations

import base64
import secrets
import time

from core import Request, Response, json_response

from .meta_publish import _meta_error

MEDIA_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
USER_METRICS = ("views", "likes", "replies", "reposts", "quotes", "clicks", "followers_count")
MENTIONS_SINCE_MIN = 1688540400
INSIGHTS_SINCE_MIN = 1712991600
MEDIA_FIELDS = {"id", "media_product_type", "media_type", "media_url", "permalink", "username", "text",
                "timestamp", "shortcode", "thumbnail_url", "children", "is_quote_post", "has_replies",
                "root_post", "replied_to", "is_reply", "is_reply_owned_by_me", "hide_status", "reply_audience",
                "profile_picture_url", "is_verified", "owner"}


def graph_time(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(int(t)))


def _cursor(i: int) -> str:
    return base64.urlsafe_b64encode(f"o:{i}".encode()).decode().rstrip("=")


def _offset(c: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(c + "=" * (-len(c) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not raw.startswith("o:") or not raw[2:].isdigit():
        return None
    return int(raw[2:])


def _missing(oid: str) -> Response:
    return _meta_error(f"Unsupported get request. Object with ID '{oid}' does not exist, cannot be loaded due to "
                       "missing permissions, or does not support this operation.", 100, 33,
                       type_="GraphMethodException")


class ThreadsInbox:
    def setup_publishing(self):
        super().setup_publishing()
        v = self.version.replace(".", r"\.")
        # Registered after publishing's routes; the paths do not overlap (fullmatch).
        self.route("GET", rf"/{v}/(\d+)/threads", self.user_threads)
        self.route("GET", rf"/{v}/(\d+)/conversation", self.conversation)
        self.route("GET", rf"/{v}/(\d+)/replies", self.replies)
        self.route("GET", rf"/{v}/(\d+)/mentions", self.mentions)
        self.route("GET", rf"/{v}/(\d+)/insights", self.media_insights)
        self.route("GET", rf"/{v}/(\d+)/threads_insights", self.user_insights)

    def reset(self):
        super().reset()
        self.mention_list: list[dict] = []
        self.insights: dict[str, dict[str, int]] = {}
        self.account_insights = {"views": 0, "likes": 0, "replies": 0, "reposts": 0, "quotes": 0, "clicks": 0,
                                 "followers_count": 0}

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "reply": ("POST", self._admin_reply),
                "mention": ("POST", self._admin_mention), "insights": ("POST", self._admin_insights),
                "user-insights": ("POST", self._admin_user_insights), "delete": ("POST", self._admin_delete)}

    def admin_posts(self):
        """What the signed-in accounts published (the replies and mentions planted as other people by
        the `reply` and `mention` controls are not theirs)."""
        return [m for m in self.media.values() if not m.get("planted")]

    # -- test controls ------------------------------------------------------------------------------
    def _other(self, b: dict) -> dict:
        name = b.get("username", "alice")
        return {"user": str(b.get("user_id", "26000000000000777")), "username": name,
                "profile_picture_url": f"https://scontent.cdninstagram.com/v/t51/{name}.jpg", "planted": True}

    def _admin_reply(self, req):
        """`{"to": media-id, "text": ..., "username"?: ..., "at"?: unix}`: someone else answers `to`
        (the account's post or any reply under it)."""
        b = req.admin_body
        parent = self.media.get(str(b["to"]))
        if parent is None:
            raise ValueError("to must be a published media id")
        mid = self.new_id()
        code = secrets.token_hex(5)
        self.media[mid] = {"id": mid, **self._other(b), "container": None, "media_type": "TEXT_POST",
                           "text": str(b["text"]), "reply_to": parent["id"],
                           "permalink": f"https://www.threads.com/@{b.get('username', 'alice')}/post/{code}",
                           "timestamp": int(b.get("at", self.emu.now())), "items": [], "comments": []}
        return self.media[mid]

    def _admin_mention(self, req):
        """`{"text": ..., "username"?: ..., "at"?: unix}`: someone else's public post mentions the account."""
        b = req.admin_body
        mid = self.new_id()
        m = {"id": mid, **self._other(b), "container": None, "media_type": "TEXT_POST", "text": str(b["text"]),
             "reply_to": None, "permalink": f"https://www.threads.com/@{b.get('username', 'alice')}/post/m{mid}",
             "timestamp": int(b.get("at", self.emu.now())), "items": [], "comments": []}
        self.media[mid] = m
        self.mention_list.append(m)
        return m

    def _admin_insights(self, req):
        """`{"id": media-id, "views": N, ...}`: the post's counters from now on."""
        b = req.admin_body
        mid = str(b["id"])
        if mid not in self.media:
            raise ValueError("id must be a published media id")
        cur = self.insights.setdefault(mid, {k: 0 for k in MEDIA_METRICS})
        for k in MEDIA_METRICS:
            if k in b:
                cur[k] = int(b[k])
        return cur

    def _admin_user_insights(self, req):
        for k in USER_METRICS:
            if k in req.admin_body:
                self.account_insights[k] = int(req.admin_body[k])
        return self.account_insights

    def _admin_delete(self, req):
        mid = str(req.admin_body["id"])
        if self.media.pop(mid, None) is None:
            raise ValueError("no such media")
        return {"deleted": mid}

    # -- shapes -------------------------------------------------------------------------------------
    def root_of(self, m: dict) -> dict:
        seen = 0
        while m.get("reply_to") and m["reply_to"] in self.media and seen < 1000:
            m = self.media[m["reply_to"]]
            seen += 1
        return m

    def media_json(self, m: dict, fields: list[str], me: str) -> dict | Response:
        root = self.root_of(m)
        subject = {
            "id": m["id"], "media_product_type": "THREADS",
            "media_type": "TEXT_POST" if m["media_type"] in ("TEXT", "TEXT_POST") else m["media_type"],
            "permalink": m["permalink"], "username": m.get("username") or self.emu.user["username"],
            "text": m.get("text") or "", "timestamp": graph_time(m["timestamp"]),
            "shortcode": m["permalink"].rstrip("/").rsplit("/", 1)[-1], "is_quote_post": False,
            "has_replies": any(x.get("reply_to") == m["id"] for x in self.media.values()),
            "is_reply": bool(m.get("reply_to")), "is_reply_owned_by_me": bool(m.get("reply_to")) and m["user"] == me,
            "hide_status": "NOT_HUSHED", "reply_audience": "EVERYONE", "is_verified": False,
            "profile_picture_url": m.get("profile_picture_url") or self.emu.user["avatar_url"],
            "owner": {"id": m["user"]},
        }
        if m.get("reply_to"):
            subject["root_post"] = {"id": root["id"]}
            subject["replied_to"] = {"id": m["reply_to"]}
        out = {}
        for f in fields:
            if f not in MEDIA_FIELDS:
                return _meta_error(f"(#100) Tried accessing nonexisting field ({f}) on node type (ThreadsMedia)",
                                   100)
            if f in subject:
                out[f] = subject[f]
        out["id"] = m["id"]
        return out

    def page(self, req: Request, items: list[dict], me: str, default_limit: int = 25) -> Response:
        """Cursor paging over `items` (already ordered) as Graph writes it."""
        fields = self.fields(req, ["id"])
        try:
            limit = int(req.q("limit") or default_limit)
        except ValueError:
            return _meta_error("(#100) Param limit must be an integer", 100)
        if not 1 <= limit <= 100:
            return _meta_error("(#100) Param limit must be between 1 and 100", 100)
        if req.q("after") and req.q("before"):
            return _meta_error("(#100) Both before and after parameters cannot be passed at the same time", 100)
        start = 0
        if req.q("after"):
            o = _offset(req.q("after"))
            if o is None:
                return _meta_error("(#100) Invalid cursor", 100)
            start = o + 1
        elif req.q("before"):
            o = _offset(req.q("before"))
            if o is None:
                return _meta_error("(#100) Invalid cursor", 100)
            start = max(0, o - limit)
        chunk = items[start:start + limit]
        data = []
        for m in chunk:
            j = self.media_json(m, fields, me)
            if isinstance(j, Response):
                return j
            data.append(j)
        out: dict = {"data": data}
        if chunk:
            out["paging"] = {"cursors": {"before": _cursor(start), "after": _cursor(start + len(chunk) - 1)}}
            if start + len(chunk) < len(items):
                q = "&".join(f"{k}={req.q(k)}" for k in req.query_lists if k not in ("after", "before"))
                out["paging"]["next"] = (f"https://graph.threads.net{req.path}?{q}&after="
                                         f"{_cursor(start + len(chunk) - 1)}")
        return json_response(200, out, self.usage_headers(False))

    def _guard(self, req: Request, scope: str | None):
        t, err = self.auth(req)
        if err:
            return None, err
        if "threads_basic" not in t.scopes or (scope and scope not in t.scopes):
            return None, _meta_error("(#10) Application does not have permission for this action", 10, status=403)
        return t, None

    def _since_until(self, req: Request, floor: int):
        """(since, until) or an error Response."""
        now = int(self.emu.now())
        try:
            since = int(req.q("since")) if req.q("since") else None
            until = int(req.q("until")) if req.q("until") else None
        except ValueError:
            return _meta_error("(#100) since and until must be unix timestamps", 100)
        if since is not None and since < floor:
            return _meta_error(f"(#100) since must be greater than or equal to {floor}", 100)
        if until is not None and (until > now or (since is not None and until <= since)):
            return _meta_error("(#100) until must be less than or equal to now and greater than since", 100)
        return since, until

    # -- endpoints ----------------------------------------------------------------------------------
    def user_threads(self, req: Request) -> Response:
        t, err = self._guard(req, None)
        if err:
            return err
        uid = req.match.group(1)
        if uid != t.user["id"]:
            return _missing(uid)
        su = self._since_until(req, MENTIONS_SINCE_MIN)
        if isinstance(su, Response):
            return su
        since, until = su
        own = [m for m in self.media.values() if m["user"] == uid and not m.get("reply_to")
               and (since is None or m["timestamp"] >= since) and (until is None or m["timestamp"] <= until)]
        own.sort(key=lambda m: (m["timestamp"], int(m["id"])), reverse=True)
        return self.page(req, own, t.user["id"])

    def conversation(self, req: Request) -> Response:
        return self._replies(req, flat=True)

    def replies(self, req: Request) -> Response:
        t, err = self._guard(req, "threads_read_replies")
        if err:
            return err
        oid = req.match.group(1)
        if oid == t.user["id"]:  # the account's own replies
            mine = [m for m in self.media.values() if m["user"] == oid and m.get("reply_to")]
            mine.sort(key=lambda m: (m["timestamp"], int(m["id"])), reverse=True)
            return self.page(req, mine, oid)
        return self._replies(req, flat=False)

    def _replies(self, req: Request, flat: bool) -> Response:
        t, err = self._guard(req, "threads_read_replies")
        if err:
            return err
        oid = req.match.group(1)
        m = self.media.get(oid)
        if m is None or self.root_of(m)["user"] != t.user["id"]:
            return _missing(oid)
        reverse = req.q("reverse") or "true"
        if reverse not in ("true", "false"):
            return _meta_error("(#100) Param reverse must be a boolean", 100)
        if flat:
            found, todo = [], [oid]
            while todo:
                parent = todo.pop()
                kids = [x for x in self.media.values() if x.get("reply_to") == parent]
                found += kids
                todo += [k["id"] for k in kids]
        else:
            found = [x for x in self.media.values() if x.get("reply_to") == oid]
        found.sort(key=lambda x: (x["timestamp"], int(x["id"])), reverse=reverse == "true")
        return self.page(req, found, t.user["id"])

    def mentions(self, req: Request) -> Response:
        t, err = self._guard(req, "threads_manage_mentions")
        if err:
            return err
        uid = req.match.group(1)
        if uid != t.user["id"]:
            return _missing(uid)
        su = self._since_until(req, MENTIONS_SINCE_MIN)
        if isinstance(su, Response):
            return su
        since, until = su
        got = [m for m in self.mention_list if m["id"] in self.media
               and (since is None or m["timestamp"] >= since) and (until is None or m["timestamp"] <= until)]
        got.sort(key=lambda m: (m["timestamp"], int(m["id"])), reverse=True)
        return self.page(req, got, uid)

    def _metrics(self, req: Request, offered: tuple[str, ...]):
        raw = req.q("metric")
        if not raw:
            return _meta_error("(#100) The parameter metric is required", 100)
        names = [x.strip() for x in raw.split(",") if x.strip()]
        for n in names:
            if n not in offered:
                return _meta_error(f"(#100) metric[{names.index(n)}] must be one of the following values: "
                                   f"{', '.join(offered)}", 100)
        return names

    def media_insights(self, req: Request) -> Response:
        t, err = self._guard(req, "threads_manage_insights")
        if err:
            return err
        oid = req.match.group(1)
        m = self.media.get(oid)
        if m is None or m["user"] != t.user["id"]:
            return _missing(oid)
        names = self._metrics(req, MEDIA_METRICS)
        if isinstance(names, Response):
            return names
        cur = self.insights.get(oid, {})
        data = [{"name": n, "period": "lifetime", "values": [{"value": cur.get(n, 0)}], "title": n.title(),
                 "description": f"The number of {n} of the post.", "id": f"{oid}/insights/{n}/lifetime"}
                for n in names]
        return json_response(200, {"data": data}, self.usage_headers(False))

    def user_insights(self, req: Request) -> Response:
        t, err = self._guard(req, "threads_manage_insights")
        if err:
            return err
        uid = req.match.group(1)
        if uid != t.user["id"]:
            return _missing(uid)
        names = self._metrics(req, USER_METRICS)
        if isinstance(names, Response):
            return names
        su = self._since_until(req, INSIGHTS_SINCE_MIN)
        if isinstance(su, Response):
            return su
        now = int(self.emu.now())
        data = []
        for n in names:
            entry = {"name": n, "period": "day", "title": n.title(), "description": f"{n} of the profile",
                     "id": f"{uid}/insights/{n}/day"}
            v = self.account_insights[n]
            if n == "views":
                # A daily series: the whole count on the last day of the range.
                entry["values"] = [{"value": 0, "end_time": graph_time(now - 86400)},
                                   {"value": v, "end_time": graph_time(now)}]
            else:
                entry["total_value"] = {"value": v}
            data.append(entry)
        return json_response(200, {"data": data}, self.usage_headers(False))
