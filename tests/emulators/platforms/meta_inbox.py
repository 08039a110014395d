"""Inbox and metrics side of the Meta emulators (issues #17, #18), strict to the Graph API docs:

Facebook Pages (Graph v23.0, Page access token):
- `GET /{page-id}/feed?fields=id,message,permalink_url` (pages_read_engagement), newest first, paged
  with `limit` and `after` cursors.
- `GET /{object-id}/comments?filter=stream|toplevel&order=chronological|reverse_chronological&since=<unix>
  &fields=id,message,created_time,from{id,name,picture},parent{id},permalink_url` (pages_read_engagement):
  a post's comments (filter=stream flattens replies, each with its `parent`), or a comment's replies.
- `POST /{comment-id}/comments` `message` (pages_manage_engagement): a reply as the Page.
- `GET /{page-id}/conversations?platform=messenger&fields=id,updated_time,messages{id,message,from,to,
  created_time}` (pages_messaging), conversations newest first; messages newest first.
- `POST /{page-id}/messages` JSON `recipient={"id":PSID}`, `messaging_type=RESPONSE`, `message={"text"}`
  (pages_messaging): refused (code 10, subcode 2018278) outside the 24-hour standard messaging window.
- `GET /{post-id}/insights?metric=post_impressions,post_impressions_unique,post_reactions_by_type_total,
  post_clicks` (read_insights), `GET /{post-id}?fields=shares,comments.summary(true)`,
  `GET /{page-id}?fields=followers_count`.

Instagram (Instagram API with Instagram Login, Graph v23.0):
- `GET /{ig-user-id}/media?fields=id,caption,permalink,timestamp` (instagram_business_basic), paged.
- `GET /{media-id}/comments?fields=id,text,timestamp,username,from{id,username},replies{id,text,
  timestamp,username,from{id,username}}` (instagram_business_manage_comments), oldest first, paged.
- `GET /{comment-id}/replies?fields=…`, `POST /{comment-id}/replies` `message`.
- `GET /{ig-user-id}/conversations?platform=instagram&fields=id,updated_time,messages{id,message,from,to,
  created_time}` and `POST /{ig-user-id}/messages` JSON `recipient={"id"}` or `{"comment_id"}`
  (instagram_business_manage_messages): 24-hour window after the person's last message; a private
  reply to a comment within 7 days of the comment, once per comment.
- `GET /{media-id}/insights?metric=views,reach,likes,comments,shares,saved` (instagram_business_manage_insights;
  `impressions` is refused for media: deprecated in v22.0), `GET /{media-id}?fields=like_count,comments_count`,
  `GET /{ig-user-id}?fields=followers_count,follows_count,media_count`, `GET /{ig-user-id}/insights?metric=
  reach,profile_views&period=day`.

Test controls (`/__emulator/<name>`): `fb_post`, `fb_comment`, `fb_message`, `fb_engage`, `fb_followers`,
`ig_media`, `ig_comment`, `ig_message`, `ig_engage`, `ig_account`, `delete_media`, `garble`.
Mixed into the classes of `meta.py`."""

from __future__ import annotations

import json
import re
import time

from core import BadRequest, Request, Response, json_response
from .meta_publish import _meta_error

DAY = 86400
WINDOW_24H = DAY
PRIVATE_REPLY_WINDOW = 7 * DAY
PAGE_LIMIT_MAX = 100
# Fields Graph leaves out when they have no value (a top-level comment's parent).
OPTIONAL = {"parent", "parent_id"}


def iso(t: float) -> str:
    """Graph's time format: `2026-12-07T02:54:25+0000`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(t))


def split_fields(spec: str) -> list[str]:
    """Top-level fields of `a,b{c,d},e.limit(5){f}` (commas inside braces/parentheses do not split)."""
    out, depth, cur = [], 0, ""
    for ch in spec:
        if ch in "{(":
            depth += 1
        elif ch in "})":
            depth -= 1
            if depth < 0:
                raise BadRequest("fields: unbalanced braces")
        if ch == "," and depth == 0:
            if cur.strip():
                out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if depth != 0:
        raise BadRequest("fields: unbalanced braces")
    if cur.strip():
        out.append(cur.strip())
    return out


def field_name(f: str) -> tuple[str, str | None]:
    """(`messages`, `id,message`) of `messages.limit(5){id,message}`."""
    m = re.fullmatch(r"([a-z_]+)((?:\.[a-z_]+\([^)]*\))*)(?:\{(.*)\})?", f, re.S)
    if not m:
        raise BadRequest(f"fields: cannot parse {f!r}")
    return m.group(1), m.group(3)


def pick(subject: dict, spec: str | None, node: str) -> dict | Response:
    """The requested fields of `subject` (nested dicts/lists filtered by their own `{…}`); an unknown
    field is Graph's error #100."""
    wanted = split_fields(spec) if spec else ["id"]
    out = {}
    for f in wanted:
        name, sub = field_name(f)
        if name not in subject and name in OPTIONAL:
            continue
        if name not in subject:
            return _meta_error(f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})", 100)
        v = subject[name]
        if sub is not None and isinstance(v, dict) and "data" in v:
            data = []
            for x in v["data"]:
                p = pick(x, sub, node)
                if isinstance(p, Response):
                    return p
                data.append(p)
            v = {**v, "data": data}
        elif sub is not None and isinstance(v, dict):
            v = pick(v, sub, node)
            if isinstance(v, Response):
                return v
        out[name] = v
    if "id" in subject:
        out.setdefault("id", subject["id"])
    return out


def paged(req: Request, items: list, default: int = 25) -> tuple[list, dict | None] | Response:
    """A cursor page of `items`: `limit` (at most 100) and `after` (an opaque cursor: the offset)."""
    limit = req.q("limit") or str(default)
    if not limit.isdigit() or int(limit) < 1:
        return _meta_error("(#100) limit must be a positive integer", 100)
    limit = min(int(limit), PAGE_LIMIT_MAX)
    after = req.q("after")
    start = 0
    if after is not None:
        m = re.fullmatch(r"QVFI(\d+)", after)
        if not m:
            return _meta_error("(#100) Invalid cursor", 100)
        start = int(m.group(1))
    page = items[start:start + limit]
    paging = None
    if page:
        paging = {"cursors": {"before": f"QVFI{start}", "after": f"QVFI{start + len(page)}"}}
        if start + len(page) < len(items):
            paging["next"] = f"{req.path}?after=QVFI{start + len(page)}"
    return page, paging


class MetaInbox:
    """Shared: garbled answers (a 200 cut short) per path, test-control helpers."""

    def reset(self):
        super().reset()
        self.garbled: dict[str, int] = {}

    def _admin_garble(self, req):
        """The next `times` successful answers on `path` are cut in half (a truncated 200)."""
        path = req.admin_body["path"]
        self.garbled[path] = int(req.admin_body.get("times", 1))
        return {"path": path, "times": self.garbled[path]}

    def dispatch(self, req):
        resp = super().dispatch(req)
        left = self.garbled.get(req.path, 0)
        if left > 0 and 200 <= resp.status < 300:
            self.garbled[req.path] = left - 1
            resp.body = resp.body[: len(resp.body) // 2]
        return resp

    def listing(self, req: Request, items: list, subject, node: str, default_fields: str,
                default_limit: int = 25) -> Response:
        """A Graph list answer: a cursor page of `items`, each `subject(item)` cut to the requested fields."""
        page = paged(req, items, default_limit)
        if isinstance(page, Response):
            return page
        rows, paging = page
        data = []
        for it in rows:
            x = pick(subject(it), req.q("fields") or default_fields, node)
            if isinstance(x, Response):
                return x
            data.append(x)
        out = {"data": data}
        if paging:
            out["paging"] = paging
        return json_response(200, out, self.usage_headers(False))

    def since_filter(self, req: Request):
        s = req.q("since")
        if s is None:
            return None
        if not s.isdigit():
            raise BadRequest("since must be a unix timestamp")
        return int(s)

    def json_body(self, req: Request) -> dict:
        """`recipient`/`message` as JSON (or form fields holding JSON, as Graph also accepts)."""
        if req.content_type == "application/json":
            try:
                b = json.loads(req.body or b"{}")
            except ValueError:
                raise BadRequest("the body is not JSON")
            if not isinstance(b, dict):
                raise BadRequest("the body is not a JSON object")
            return b
        p = self.params(req)
        out = {}
        for k, v in p.items():
            try:
                out[k] = json.loads(v) if k in ("recipient", "message") else v
            except ValueError:
                raise BadRequest(f"{k} must be JSON")
        return out

    def message_json(self, m: dict) -> dict:
        return {"id": m["id"], "message": m["text"], "created_time": iso(m["at"]),
                "from": m["from"], "to": {"data": [m["to"]]}}

    def conversations_list(self, req: Request, owner: str, platform: str, scope: str) -> Response:
        t, err = self.auth(req)
        if err:
            return err
        if req.q("platform") != platform:
            return _meta_error(f"(#100) platform must be {platform}", 100)
        if not self.owns(t, owner):
            return self.not_owner(owner)
        if scope not in t.scopes:
            return _meta_error(f"(#200) Requires {scope} permission to manage the object", 200, status=403)
        convs = sorted(self.conversations.values(), key=lambda c: -max(m["at"] for m in c["messages"]))

        def subject(c):
            msgs = sorted(c["messages"], key=lambda m: -m["at"])
            return {"id": c["id"], "updated_time": iso(msgs[0]["at"]),
                    "participants": {"data": [c["person"], self.own_participant()]},
                    "messages": {"data": [self.message_json(m) for m in msgs[:25]]}}
        return self.listing(req, convs, subject, "Conversation", "id,updated_time")

    def add_message(self, conv_id: str, person: dict, text: str, at: float, from_person: bool) -> dict:
        c = self.conversations.setdefault(conv_id, {"id": conv_id, "person": person, "messages": []})
        me = self.own_participant()
        m = {"id": "m_" + self.new_id(), "text": text, "at": at,
             "from": person if from_person else me, "to": me if from_person else person,
             "from_person": from_person}
        c["messages"].append(m)
        return m

    def last_from(self, person_id: str) -> float | None:
        for c in self.conversations.values():
            if c["person"]["id"] == person_id:
                ts = [m["at"] for m in c["messages"] if m["from_person"]]
                return max(ts) if ts else None
        return None

    def send_message(self, req: Request, owner: str, scope: str) -> Response:
        t, err = self.auth(req)
        if err:
            return err
        if not self.owns(t, owner):
            return self.not_owner(owner)
        if scope not in t.scopes:
            return _meta_error(f"(#200) Requires {scope} permission to manage the object", 200, status=403)
        b = self.json_body(req)
        rcpt, msg = b.get("recipient"), b.get("message")
        if not isinstance(rcpt, dict) or not isinstance(msg, dict) or not isinstance(msg.get("text"), str):
            return _meta_error("(#100) recipient and message.text are required", 100)
        text = msg["text"]
        if not text.strip():
            return _meta_error("(#100) message.text must not be empty", 100)
        if len(text.encode("utf-8")) > 2000:
            return _meta_error("(#100) Message text must be UTF-8 and at most 2000 characters", 100)
        now = self.emu.now()
        if "comment_id" in rcpt:
            return self.private_reply(str(rcpt["comment_id"]), text, now)
        if self.name == "facebook" and b.get("messaging_type") not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            return _meta_error("(#100) messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG", 100)
        pid = str(rcpt.get("id", ""))
        last = self.last_from(pid)
        if last is None:
            return _meta_error("(#100) No matching user found", 100, 2018001)
        if now - last > WINDOW_24H:
            return _meta_error("(#10) This message is sent outside of allowed window.", 10, 2018278, status=400)
        conv = next(c for c in self.conversations.values() if c["person"]["id"] == pid)
        m = self.add_message(conv["id"], conv["person"], text, now, False)
        return json_response(200, {"recipient_id": pid, "message_id": m["id"]}, self.usage_headers(False))

    def private_reply(self, comment_id: str, text: str, now: float) -> Response:
        return _meta_error("(#100) recipient.comment_id is not supported here", 100)


# ---------------------------------------------------------------------------------------------------
# Facebook Pages


class FacebookInbox(MetaInbox):
    def setup_publishing(self):
        super().setup_publishing()
        v = self.version.replace(".", r"\.")
        self.route("GET", rf"/{v}/(\d+)/feed", self.feed_list)
        self.route("GET", rf"/{v}/([\d_]+)/comments", self.comments_list)
        self.route("GET", rf"/{v}/(\d+)/conversations", self.fb_conversations)
        self.route("POST", rf"/{v}/(\d+)/messages", self.fb_messages)
        self.route("GET", rf"/{v}/([\d_]+)/insights", self.fb_insights)
        self.route("GET", rf"/{v}/([\d_]+)", self.fb_node)

    def reset(self):
        super().reset()
        self.conversations: dict[str, dict] = {}
        self.page_comments: dict[str, dict] = {}  # by id: others' comments and the Page's replies
        self.page_followers = 0

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "fb_comment": ("POST", self._admin_comment),
                "fb_message": ("POST", self._admin_message), "fb_engage": ("POST", self._admin_engage),
                "fb_followers": ("POST", self._admin_followers), "fb_post": ("POST", self._admin_post), "garble": ("POST", self._admin_garble),
                "delete_post": ("POST", self._admin_delete_post)}

    def new_post(self, *args, **extra) -> dict:
        post = super().new_post(*args, **extra)
        post["created"] = self.emu.now()
        return post

    def page_id(self) -> str:
        return str((self.emu.user.get("pages") or [{"id": "0"}])[0]["id"])

    def own_participant(self) -> dict:
        return {"id": self.page_id(), "name": (self.emu.user.get("pages") or [{"name": "Page"}])[0]["name"]}

    def owns(self, t, owner: str) -> bool:
        page = t.extra.get("page")
        return bool(page and page["id"] == owner)

    def not_owner(self, oid: str) -> Response:
        return self.missing(oid, "get")

    def person(self, b: dict) -> dict:
        return {"id": str(b.get("from_id", "7001000000000001")), "name": b.get("name", "Alice Example")}

    def _admin_comment(self, req):
        """Someone comments on a Page post (`post_id`), or replies to a comment (`parent_id`):
        `{"post_id"|"parent_id", "message", "from_id"?, "name"?, "ago_seconds"?, "picture"?}`."""
        b = req.admin_body
        parent = self.page_comments.get(str(b.get("parent_id"))) if b.get("parent_id") else None
        post = self.find(str(b.get("post_id") or (parent and parent["post"])))
        if post is None:
            raise ValueError("no such post")
        who = self.person(b) | {"picture": {"data": {"url": b.get("picture", f"https://scontent.xx.fbcdn.net/u/{b.get('from_id', 1)}.jpg"),
                                                    "is_silhouette": False}}}
        c = {"id": f"{post['id'].split('_')[-1]}_{self.new_id()}", "post": post["id"], "message": b["message"],
             "from": who, "at": self.emu.now() - float(b.get("ago_seconds", 0)),
             "parent": parent["id"] if parent else None}
        self.page_comments[c["id"]] = c
        return self.comment_json(c)

    def _admin_post(self, req):
        """A published post of the Page made outside Outpost: `{"message"}`."""
        post = self.new_post(self.page_id(), "feed", req.admin_body["message"], True, None, link=None, photos=[])
        return {"id": post["id"]}

    def _admin_message(self, req):
        """A person writes to the Page on Messenger: `{"text", "from_id"?, "name"?, "ago_seconds"?}`."""
        b = req.admin_body
        who = self.person(b)
        conv = next((c["id"] for c in self.conversations.values() if c["person"]["id"] == who["id"]),
                    "t_" + self.new_id())
        m = self.add_message(conv, who, b["text"], self.emu.now() - float(b.get("ago_seconds", 0)), True)
        return {"conversation_id": conv} | self.message_json(m)

    def _admin_engage(self, req):
        """`{"id", "impressions"?, "reach"?, "reactions"?: {"like": n, …}, "clicks"?, "shares"?}`."""
        b = req.admin_body
        post = self.find(str(b.get("id")))
        if post is None:
            raise ValueError("no such post")
        stats = post.setdefault("stats", {"impressions": 0, "reach": 0, "reactions": {}, "clicks": 0, "shares": 0})
        for k in ("impressions", "reach", "reactions", "clicks", "shares"):
            if k in b:
                stats[k] = b[k]
        return stats

    def _admin_followers(self, req):
        self.page_followers = int(req.admin_body["followers"])
        return {"followers_count": self.page_followers}

    def _admin_delete_post(self, req):
        post = self.find(str(req.admin_body.get("id")))
        if post is None:
            raise ValueError("no such post")
        post["deleted"] = True
        return {}

    def comment_json(self, c: dict) -> dict:
        out = {"id": c["id"], "message": c["message"], "created_time": iso(c["at"]), "from": c["from"],
               "permalink_url": f"https://www.facebook.com/{c['post'].replace('_', '/posts/')}?comment_id={c['id']}"}
        if c["parent"]:
            out["parent"] = {"id": c["parent"], "created_time": iso(self.page_comments[c["parent"]]["at"])}
        return out

    def feed_list(self, req: Request) -> Response:
        page_id = req.match.group(1)
        t, err = self.page_guard(req, page_id, "pages_read_engagement")
        if err:
            return err
        posts = [p for p in reversed(self.posts) if p["page"] == page_id and not p["deleted"]
                 and (p["published"] or (p["scheduled_publish_time"] or 1e18) <= self.emu.now())]
        return self.listing(req, posts, lambda p: {
            "id": p["id"], "message": p["message"], "created_time": iso(p.get("created", 0)),
            "permalink_url": f"https://www.facebook.com/{p['id'].replace('_', '/posts/')}"},
            "Post", "id,message,created_time")

    def comments_list(self, req: Request) -> Response:
        oid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        post = self.find(oid)
        parent = self.page_comments.get(oid)
        if post is None and parent is None:
            return self.missing(oid, "get")
        page_of = post["page"] if post else self.find(parent["post"])["page"]
        if not self.owns(t, page_of):
            return self.missing(oid, "get")
        if "pages_read_engagement" not in t.scopes:
            return _meta_error("(#10) This endpoint requires the 'pages_read_engagement' permission", 10,
                               status=403)
        filt = req.q("filter") or "toplevel"
        order = req.q("order") or "chronological"
        if filt not in ("stream", "toplevel") or order not in ("chronological", "reverse_chronological"):
            return _meta_error("(#100) filter must be stream or toplevel; order chronological or "
                               "reverse_chronological", 100)
        since = self.since_filter(req)
        if post:
            cs = [c for c in self.page_comments.values() if c["post"] == oid and (filt == "stream" or not c["parent"])]
        else:
            cs = [c for c in self.page_comments.values() if c["parent"] == oid]
        if since is not None:
            cs = [c for c in cs if c["at"] >= since]
        cs.sort(key=lambda c: c["at"], reverse=order == "reverse_chronological")
        return self.listing(req, cs, self.comment_json, "Comment", "id,message,created_time")

    def comment(self, req: Request) -> Response:
        """`POST /{comment-id}/comments`: a reply to a comment, as the Page; otherwise a post's comment."""
        oid = req.match.group(1)
        parent = self.page_comments.get(oid)
        if parent is None:
            return super().comment(req)
        post = self.find(parent["post"])
        if post is None:
            return self.missing(oid, "post")
        t, err = self.page_guard(req, post["page"], "pages_manage_engagement")
        if err:
            return err
        msg = self.params(req).get("message", "")
        if not msg.strip():
            return _meta_error("(#100) The parameter message is required", 100)
        if len(msg) > 8000:
            return _meta_error("(#100) The comment is too long", 100)
        top = parent["parent"] or parent["id"]  # Facebook threads are one level deep
        c = {"id": f"{post['id'].split('_')[-1]}_{self.new_id()}", "post": post["id"], "message": msg,
             "from": self.own_participant() | {"picture": {"data": {
                 "url": f"https://scontent.xx.fbcdn.net/page/{post['page']}.jpg", "is_silhouette": False}}},
             "at": self.emu.now(), "parent": top}
        self.page_comments[c["id"]] = c
        self.comments.append({"id": c["id"], "post": post["id"], "message": msg, "from": post["page"],
                              "parent": top})
        return json_response(200, {"id": c["id"]})

    def fb_conversations(self, req: Request) -> Response:
        return self.conversations_list(req, req.match.group(1), "messenger", "pages_messaging")

    def fb_messages(self, req: Request) -> Response:
        return self.send_message(req, req.match.group(1), "pages_messaging")

    def fb_insights(self, req: Request) -> Response:
        oid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        post = self.find(oid)
        if post is None:
            return self.missing(oid, "get")
        if not self.owns(t, post["page"]):
            return self.missing(oid, "get")
        if "read_insights" not in t.scopes:
            return _meta_error("(#10) Requires read_insights permission", 10, status=403)
        s = post.get("stats") or {"impressions": 0, "reach": 0, "reactions": {}, "clicks": 0, "shares": 0}
        known = {"post_impressions": s["impressions"], "post_impressions_unique": s["reach"],
                 "post_reactions_by_type_total": s["reactions"], "post_clicks": s["clicks"]}
        data = []
        for m in (req.q("metric") or "").split(","):
            if m not in known:
                return _meta_error(f"(#100) The value must be a valid insights metric ({m})", 100)
            data.append({"name": m, "period": "lifetime", "values": [{"value": known[m]}],
                         "title": m, "id": f"{oid}/insights/{m}/lifetime"})
        return json_response(200, {"data": data}, self.usage_headers(False))

    def fb_node(self, req: Request) -> Response:
        oid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        if oid == (t.extra.get("page") or {}).get("id"):
            subject = {"id": oid, "name": t.extra["page"]["name"], "followers_count": self.page_followers,
                       "fan_count": self.page_followers}
            x = pick(subject, req.q("fields"), "Page")
            return x if isinstance(x, Response) else json_response(200, x, self.usage_headers(False))
        post = self.find(oid)
        if post is None or not self.owns(t, post["page"]):
            return self.missing(oid, "get")
        s = post.get("stats") or {"shares": 0}
        n = sum(1 for c in self.page_comments.values() if c["post"] == oid)
        subject = {"id": oid, "message": post["message"], "shares": {"count": s["shares"]},
                   "comments": {"data": [], "summary": {"total_count": n, "order": "chronological"}}}
        x = pick(subject, req.q("fields"), "Post")
        return x if isinstance(x, Response) else json_response(200, x, self.usage_headers(False))


# ---------------------------------------------------------------------------------------------------
# Instagram


class InstagramInbox(MetaInbox):
    def setup_publishing(self):
        super().setup_publishing()
        v = self.version.replace(".", r"\.")
        self.route("GET", rf"/{v}/(\d+)/media", self.media_list)
        self.route("GET", rf"/{v}/(\d+)/comments", self.ig_comments)
        self.route("GET", rf"/{v}/(\d+)/replies", self.ig_replies)
        self.route("POST", rf"/{v}/(\d+)/replies", self.ig_reply)
        self.route("GET", rf"/{v}/(\d+)/conversations", self.ig_conversations)
        self.route("POST", rf"/{v}/(\d+)/messages", self.ig_messages)
        self.route("GET", rf"/{v}/(\d+)/insights", self.ig_insights)

    def reset(self):
        super().reset()
        self.conversations: dict[str, dict] = {}
        self.ig_comments_: dict[str, dict] = {}
        self.account = {"followers_count": 0, "follows_count": 0, "reach": 0, "profile_views": 0}
        self.private_replied: set[str] = set()

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "ig_media": ("POST", self._admin_media),
                "ig_comment": ("POST", self._admin_comment), "ig_message": ("POST", self._admin_message),
                "ig_engage": ("POST", self._admin_engage), "ig_account": ("POST", self._admin_account),
                "delete_media": ("POST", self._admin_delete), "garble": ("POST", self._admin_garble),
                "ig_comments": ("GET", lambda r: list(self.ig_comments_.values()))}

    def own_participant(self) -> dict:
        u = self.emu.user
        return {"id": u["id"], "username": u["username"]}

    def owns(self, t, owner: str) -> bool:
        return t.user["id"] == owner

    def not_owner(self, oid: str) -> Response:
        return _meta_error(f"Unsupported get request. Object with ID '{oid}' does not exist, cannot be loaded due "
                           "to missing permissions, or does not support this operation.", 100, 33,
                           type_="GraphMethodException")

    def need(self, t, scope: str) -> Response | None:
        if scope not in t.scopes:
            return _meta_error("(#10) Application does not have permission for this action", 10, status=403)
        return None

    def person(self, b: dict) -> dict:
        return {"id": str(b.get("from_id", "17841400000000777")), "username": b.get("username", "alice.bakes")}

    def _admin_media(self, req):
        """A media of the account made outside Outpost: `{"caption", "ago_seconds"?}`."""
        b = req.admin_body
        mid = self.new_id()
        self.media[mid] = {"id": mid, "user": self.emu.user["id"], "container": None, "media_type": "IMAGE",
                           "text": b.get("caption", ""), "reply_to": None,
                           "permalink": self.permalink("C" + mid[-8:]),
                           "timestamp": int(self.emu.now() - float(b.get("ago_seconds", 0))), "items": [],
                           "share_to_feed": True, "comments": []}
        self.posts.append(self.media[mid])
        return {"id": mid}

    def _admin_comment(self, req):
        """Someone comments on a media (`media_id`) or replies to a comment (`parent_id`):
        `{"media_id"|"parent_id", "text", "from_id"?, "username"?, "ago_seconds"?}`."""
        b = req.admin_body
        parent = self.ig_comments_.get(str(b.get("parent_id"))) if b.get("parent_id") else None
        mid = str(b.get("media_id") or (parent and parent["media"]))
        if mid not in self.media:
            raise ValueError("no such media")
        c = {"id": self.new_id(), "media": mid, "text": b["text"], "from": self.person(b),
             "at": self.emu.now() - float(b.get("ago_seconds", 0)), "parent": parent["id"] if parent else None}
        self.ig_comments_[c["id"]] = c
        return self.ig_comment_json(c)

    def _admin_message(self, req):
        """A person sends the account a DM: `{"text", "from_id"?, "username"?, "ago_seconds"?}`."""
        b = req.admin_body
        who = self.person(b)
        conv = next((c["id"] for c in self.conversations.values() if c["person"]["id"] == who["id"]),
                    "aWdf" + self.new_id())
        m = self.add_message(conv, who, b["text"], self.emu.now() - float(b.get("ago_seconds", 0)), True)
        return {"conversation_id": conv} | self.message_json(m)

    def _admin_engage(self, req):
        """`{"id", "views"?, "reach"?, "likes"?, "shares"?, "saved"?}` of a media."""
        b = req.admin_body
        m = self.media.get(str(b.get("id")))
        if m is None:
            raise ValueError("no such media")
        stats = m.setdefault("stats", {"views": 0, "reach": 0, "likes": 0, "shares": 0, "saved": 0})
        for k in stats:
            if k in b:
                stats[k] = int(b[k])
        return stats

    def _admin_account(self, req):
        for k in self.account:
            if k in req.admin_body:
                self.account[k] = int(req.admin_body[k])
        return self.account

    def _admin_delete(self, req):
        if self.media.pop(str(req.admin_body.get("id")), None) is None:
            raise ValueError("no such media")
        return {}

    def ig_comment_json(self, c: dict) -> dict:
        out = {"id": c["id"], "text": c["text"], "timestamp": iso(c["at"]), "username": c["from"]["username"],
               "from": c["from"], "media": {"id": c["media"]}, "like_count": 0}
        if c["parent"]:
            out["parent_id"] = c["parent"]
        else:
            kids = sorted((x for x in self.ig_comments_.values() if x["parent"] == c["id"]), key=lambda x: x["at"])
            out["replies"] = {"data": [self.ig_comment_json(x) for x in kids]}
        return out

    def media_list(self, req: Request) -> Response:
        t, err = self.user_guard(req, req.match.group(1), "instagram_business_basic")
        if err:
            return err
        ms = sorted((m for m in self.media.values() if m["user"] == t.user["id"]), key=lambda m: -m["timestamp"])
        return self.listing(req, ms, lambda m: {
            "id": m["id"], "caption": m["text"] or "", "permalink": m["permalink"],
            "timestamp": iso(m["timestamp"]), "media_type": m["media_type"],
            "comments_count": self.comment_count(m["id"])}, "IGMedia", "id")

    def comment_count(self, mid: str) -> int:
        return sum(1 for c in self.ig_comments_.values() if c["media"] == mid)

    def comment_list(self, req: Request, cs: list) -> Response:
        return self.listing(req, sorted(cs, key=lambda c: c["at"]), self.ig_comment_json, "IGComment",
                            "id,text,timestamp", 50)

    def ig_comments(self, req: Request) -> Response:
        mid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        m = self.media.get(mid)
        if m is None or m["user"] != t.user["id"]:
            return self.not_owner(mid)
        err = self.need(t, "instagram_business_manage_comments")
        if err:
            return err
        return self.comment_list(req, [c for c in self.ig_comments_.values() if c["media"] == mid and not c["parent"]])

    def ig_replies(self, req: Request) -> Response:
        cid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        c = self.ig_comments_.get(cid)
        if c is None or c["media"] not in self.media:
            return self.not_owner(cid)
        err = self.need(t, "instagram_business_manage_comments")
        if err:
            return err
        return self.comment_list(req, [x for x in self.ig_comments_.values() if x["parent"] == cid])

    def ig_reply(self, req: Request) -> Response:
        cid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        c = self.ig_comments_.get(cid)
        if c is None or c["media"] not in self.media:
            return self.not_owner(cid)
        err = self.need(t, "instagram_business_manage_comments")
        if err:
            return err
        if c["parent"]:
            return _meta_error("(#100) Replies can only be made to top-level comments", 100)
        msg = self.params(req).get("message", "")
        if not msg.strip():
            return _meta_error("(#100) The parameter message is required", 100)
        if len(msg) > 2200:
            return _meta_error("(#100) The comment is too long (2,200 characters at most)", 100)
        r = {"id": self.new_id(), "media": c["media"], "text": msg, "from": self.own_participant(),
             "at": self.emu.now(), "parent": cid}
        self.ig_comments_[r["id"]] = r
        return json_response(200, {"id": r["id"]}, self.usage_headers(False))

    def ig_conversations(self, req: Request) -> Response:
        return self.conversations_list(req, req.match.group(1), "instagram", "instagram_business_manage_messages")

    def ig_messages(self, req: Request) -> Response:
        return self.send_message(req, req.match.group(1), "instagram_business_manage_messages")

    def private_reply(self, comment_id: str, text: str, now: float) -> Response:
        c = self.ig_comments_.get(comment_id)
        if c is None:
            return _meta_error("(#100) The comment does not exist", 100)
        if now - c["at"] > PRIVATE_REPLY_WINDOW:
            return _meta_error("(#10) This message is sent outside of allowed window.", 10, 2018278)
        if comment_id in self.private_replied:
            return _meta_error("(#10) Only one private reply can be sent per comment", 10, 2018336)
        self.private_replied.add(comment_id)
        conv = next((x["id"] for x in self.conversations.values() if x["person"]["id"] == c["from"]["id"]),
                    "aWdf" + self.new_id())
        m = self.add_message(conv, c["from"], text, now, False)
        return json_response(200, {"recipient_id": c["from"]["id"], "message_id": m["id"]})

    def read(self, req: Request) -> Response:
        """`GET /{id}`: the account's counters, a media's like/comments counts, else containers."""
        oid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        if oid == t.user["id"]:
            u = t.user
            subject = {"id": oid, "username": u["username"], "name": u["name"],
                       "followers_count": self.account["followers_count"],
                       "follows_count": self.account["follows_count"],
                       "media_count": sum(1 for m in self.media.values() if m["user"] == oid)}
            x = pick(subject, req.q("fields"), "IGUser")
            return x if isinstance(x, Response) else json_response(200, x, self.usage_headers(False))
        wanted = {field_name(f)[0] for f in split_fields(req.q("fields") or "id")}
        c = self.ig_comments_.get(oid)
        if c is not None and c["media"] in self.media:
            x = pick(self.ig_comment_json(c), req.q("fields"), "IGComment")
            return x if isinstance(x, Response) else json_response(200, x, self.usage_headers(False))
        m = self.media.get(oid)
        if m is not None and wanted & {"like_count", "comments_count", "caption"}:
            if m["user"] != t.user["id"]:
                return self.not_owner(oid)
            s = m.get("stats") or {"likes": 0}
            subject = {"id": oid, "caption": m["text"] or "", "like_count": s["likes"],
                       "comments_count": self.comment_count(oid), "permalink": m["permalink"],
                       "media_type": m["media_type"], "timestamp": iso(m["timestamp"])}
            x = pick(subject, req.q("fields"), "IGMedia")
            return x if isinstance(x, Response) else json_response(200, x, self.usage_headers(False))
        return super().read(req)

    def ig_insights(self, req: Request) -> Response:
        oid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        err = self.need(t, "instagram_business_manage_insights")
        if err:
            return err
        metrics = [x for x in (req.q("metric") or "").split(",") if x]
        if not metrics:
            return _meta_error("(#100) The parameter metric is required", 100)
        if oid == t.user["id"]:
            if req.q("period") != "day":
                return _meta_error("(#100) period must be day for these metrics", 100)
            known = {"reach": self.account["reach"], "profile_views": self.account["profile_views"]}
        else:
            m = self.media.get(oid)
            if m is None or m["user"] != t.user["id"]:
                return self.not_owner(oid)
            if "impressions" in metrics:
                return _meta_error("(#100) Starting from v22.0, the impressions metric is no longer supported "
                                   "for media created after July 2, 2024; use views", 100)
            s = m.get("stats") or {"views": 0, "reach": 0, "likes": 0, "shares": 0, "saved": 0}
            known = {"views": s["views"], "reach": s["reach"], "likes": s["likes"], "shares": s["shares"],
                     "saved": s["saved"], "comments": self.comment_count(oid)}
        data = []
        for name in metrics:
            if name not in known:
                return _meta_error(f"(#100) metric[{metrics.index(name)}] must be one of the following values: "
                                   + ", ".join(known), 100)
            data.append({"name": name, "period": req.q("period") or "lifetime", "values": [{"value": known[name]}],
                         "title": name, "id": f"{oid}/insights/{name}/lifetime"})
        return json_response(200, {"data": data}, self.usage_headers(False))
