"""X inbox and metrics (docs.x.com, X API v2), mixed into `X` in x.py:

- `GET /2/users/:id/mentions` (tweet.read users.read): newest first, `max_results` 5..100 (default
  10), `since_id`, `until_id`, `pagination_token` (opaque), at most the 800 most recent mentions;
  `expansions=author_id,referenced_tweets.id`, `tweet.fields`, `user.fields`; an empty answer is
  `{"meta":{"result_count":0}}` (no `data`).
- `GET /2/users/:id/tweets` (tweet.read users.read): the user's own posts, newest first.
- `GET /2/tweets?ids=` (tweet.read users.read): 1..100 ids; `non_public_metrics` / `organic_metrics`
  only on the user's own posts of the last 30 days (else a "Field Authorization Error" in `errors`
  and the post left out); a missing post is a "Not Found Error" (`resource-not-found`) in `errors`.
- `GET /2/dm_events` (dm.read tweet.read users.read): newest first, `max_results` 1..100 (default
  100), `pagination_token`; 403 `client-forbidden` when the app's access level gives no DMs.
- `POST /2/dm_conversations/:dm_conversation_id/messages` (dm.write tweet.read users.read).
- Post ids are snowflakes: `created_at` is `(id >> 22) + 1288834974657` ms, as on X.
"""

from __future__ import annotations

import secrets
import time

from core import Request, Response, json_response

TWEPOCH_MS = 1288834974657
MENTIONS_KEPT = 800
DAY = 86400
TWEET_FIELDS = {"id", "text", "author_id", "created_at", "conversation_id", "referenced_tweets",
                "in_reply_to_user_id", "public_metrics", "non_public_metrics", "organic_metrics",
                "edit_history_tweet_ids", "entities", "lang", "attachments"}
USER_FIELDS = {"id", "name", "username", "profile_image_url", "public_metrics", "created_at", "verified",
               "description"}
DM_FIELDS = {"id", "text", "event_type", "dm_conversation_id", "created_at", "sender_id",
             "participant_ids", "referenced_tweets", "attachments"}


def iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}Z"


class XInbox:
    def setup_inbox(self):
        self.route("GET", r"/2/users/(\d+)/mentions", self.mentions)
        self.route("GET", r"/2/users/(\d+)/tweets", self.user_tweets)
        self.route("GET", r"/2/tweets", self.tweets_lookup)
        self.route("GET", r"/2/dm_events", self.dm_events_ep)
        self.route("POST", r"/2/dm_conversations/([0-9-]+)/messages", self.dm_send)
        self.route("GET", r"/2/dm_conversations/([0-9-]+)/dm_events", self.dm_conversation_events)

    def reset_inbox(self):
        self.others: dict[str, dict] = {}  # posts by other people (mentions, replies)
        self.people: dict[str, dict] = {}
        self.dms: list[dict] = []
        self.dm_access = True
        self.metrics: dict[str, dict] = {}  # post id -> {"public":{..},"non_public":{..},"organic":{..}}
        self.deleted: set[str] = set()
        self.seq = 0
        self.tokens_issued: dict[str, str] = {}
        self.account_counts: dict[str, int] = {}

    def inbox_admin_routes(self) -> dict:
        return {
            "x-mention": ("POST", self._admin_mention),
            "x-own-post": ("POST", self._admin_own_post),
            "x-metrics": ("POST", self._admin_metrics),
            "x-delete": ("POST", self._admin_delete),
            "x-dm": ("POST", self._admin_dm),
            "x-dm-access": ("POST", self._admin_dm_access),
            "x-dms": ("GET", lambda r: self.dms),
            "x-account": ("POST", self._admin_account),
        }

    # -- ids and people
    def snowflake(self, age_s: float = 0) -> str:
        self.seq = (self.seq + 1) % 4096
        ms = int((self.emu.now() - age_s) * 1000) - TWEPOCH_MS
        return str((ms << 22) | (1 << 12) | self.seq)

    @staticmethod
    def created_ms(pid: str) -> int:
        return (int(pid) >> 22) + TWEPOCH_MS

    def person(self, spec: dict | None) -> dict:
        spec = spec or {}
        username = spec.get("username", "alice")
        for p in self.people.values():
            if p["username"] == username:
                return p
        pid = str(spec.get("id") or 2000000000 + len(self.people) + 1)
        p = {"id": pid, "name": spec.get("name", username.title()), "username": username,
             "profile_image_url": spec.get("profile_image_url",
                                           f"https://pbs.twimg.com/profile_images/{pid}/a_normal.jpg")}
        self.people[pid] = p
        return p

    def known_tweet(self, pid: str) -> bool:
        return pid not in self.deleted and (pid in self.others or any(p["id"] == pid for p in self.posts))

    def own(self, pid: str) -> dict | None:
        if pid in self.deleted:
            return None
        return next((p for p in self.posts if p["id"] == pid), None)

    def tweet(self, pid: str) -> dict | None:
        """Any live post as a full record (author_id, conversation_id, referenced_tweets, text)."""
        if pid in self.deleted:
            return None
        if pid in self.others:
            return self.others[pid]
        p = self.own(pid)
        if p is None:
            return None
        refs = [{"type": "replied_to", "id": p["in_reply_to_tweet_id"]}] if p.get("in_reply_to_tweet_id") else []
        parent = self.tweet(p["in_reply_to_tweet_id"]) if refs else None
        return {"id": p["id"], "text": p["text"], "author_id": p["author_id"], "referenced_tweets": refs,
                "conversation_id": (parent or {}).get("conversation_id", p["id"]) if refs else p["id"],
                "in_reply_to_user_id": (parent or {}).get("author_id")}

    # -- admin
    def _admin_mention(self, req):
        """{"text", "author":{"username","name"}, "reply_to": post id, "quote": post id}: a post by
        someone else that mentions the user (a reply to the user's post is a mention too)."""
        b = req.admin_body
        author = self.person(b.get("author"))
        tid = self.snowflake()
        refs, conv, to_user = [], tid, None
        if b.get("reply_to"):
            parent = self.tweet(str(b["reply_to"]))
            if parent is None:
                raise ValueError("reply_to: no such post")
            refs.append({"type": "replied_to", "id": parent["id"]})
            conv, to_user = parent.get("conversation_id", parent["id"]), parent["author_id"]
        if b.get("quote"):
            refs.append({"type": "quoted", "id": str(b["quote"])})
        text = b.get("text") or f"@{self.emu.user['username']} hello"
        self.others[tid] = {"id": tid, "text": text, "author_id": author["id"], "conversation_id": conv,
                            "referenced_tweets": refs, "in_reply_to_user_id": to_user, "mention": True}
        return {"id": tid, "author": author, "conversation_id": conv}

    def _admin_own_post(self, req):
        """{"text", "age_days"}: a post of the user published `age_days` ago (not through Outpost)."""
        b = req.admin_body
        pid = self.snowflake(float(b.get("age_days", 0)) * DAY)
        self.posts.append({"id": pid, "text": b.get("text", "my post"), "author_id": self.emu.user["id"],
                           "media_ids": [], "in_reply_to_tweet_id": None, "alt_texts": []})
        return {"id": pid}

    def _admin_metrics(self, req):
        """{"id", "public":{...}, "non_public":{...}, "organic":{...}}: the post's counters now."""
        b = req.admin_body
        m = self.metrics.setdefault(str(b["id"]), {})
        for k in ("public", "non_public", "organic"):
            if k in b:
                m[k] = dict(b[k])
        return m

    def _admin_delete(self, req):
        self.deleted.add(str(req.admin_body["id"]))
        return {"deleted": True}

    def _admin_dm(self, req):
        """{"text", "sender":{"username"}, "conversation_id"}: a direct message to the user."""
        b = req.admin_body
        sender = self.person(b.get("sender"))
        me = self.emu.user["id"]
        a, c = sorted([int(me), int(sender["id"])])
        conv = b.get("conversation_id") or f"{a}-{c}"
        ev = {"id": self.snowflake(), "event_type": "MessageCreate", "text": b.get("text", "hi"),
              "sender_id": sender["id"], "dm_conversation_id": conv, "participant_ids": [me, sender["id"]]}
        self.dms.append(ev)
        return ev

    def _admin_account(self, req):
        """{"followers_count", "following_count", "tweet_count", ...}: the user's public_metrics."""
        self.account_counts.update({k: int(v) for k, v in req.admin_body.items()})
        return self.account_counts

    def _admin_dm_access(self, req):
        self.dm_access = bool(req.admin_body.get("allowed", True))
        return {"allowed": self.dm_access}

    # -- shapes
    def fields(self, req: Request, name: str, known: set[str]) -> set[str] | Response:
        raw = req.q(name)
        if raw is None:
            return set()
        got = set(raw.split(","))
        bad = got - known
        if bad or "" in got:
            return self.invalid(f"The `{name}` query parameter value [{','.join(sorted(bad)) or raw}] is not one "
                                f"of {sorted(known)}")
        return got

    def user_view(self, u: dict, fields: set[str]) -> dict:
        out = {"id": u["id"], "name": u["name"], "username": u["username"]}
        if "profile_image_url" in fields and u.get("profile_image_url"):
            out["profile_image_url"] = u["profile_image_url"]
        return out

    def tweet_view(self, t: dict, fields: set[str]) -> dict:
        out = {"id": t["id"], "text": t["text"], "edit_history_tweet_ids": [t["id"]]}
        for f in ("author_id", "conversation_id", "in_reply_to_user_id"):
            if f in fields and t.get(f) is not None:
                out[f] = t[f]
        if "referenced_tweets" in fields and t.get("referenced_tweets"):
            out["referenced_tweets"] = t["referenced_tweets"]
        if "created_at" in fields:
            out["created_at"] = iso(self.created_ms(t["id"]))
        if "public_metrics" in fields:
            pm = {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0,
                  "bookmark_count": 0, "impression_count": 0}
            pm.update(self.metrics.get(t["id"], {}).get("public", {}))
            out["public_metrics"] = pm
        for f, key, base in (("non_public_metrics", "non_public", {"impression_count": 0, "url_link_clicks": 0,
                                                                  "user_profile_clicks": 0}),
                             ("organic_metrics", "organic", {"impression_count": 0, "like_count": 0,
                                                             "reply_count": 0, "retweet_count": 0,
                                                             "url_link_clicks": 0, "user_profile_clicks": 0})):
            if f in fields:
                m = dict(base)
                m.update(self.metrics.get(t["id"], {}).get(key, {}))
                out[f] = m
        return out

    def page_of(self, req: Request, items: list, lo: int, hi: int, default: int):
        """(page, next_token) or a Response: `max_results` lo..hi, `pagination_token` opaque."""
        raw = req.q("max_results")
        n = default
        if raw is not None:
            try:
                n = int(raw)
            except ValueError:
                return self.invalid("max_results must be a number"), None
            if not lo <= n <= hi:
                return self.invalid(f"The `max_results` query parameter value [{n}] is not between {lo} and {hi}"), None
        tok = req.q("pagination_token")
        if tok is not None:
            after = self.tokens_issued.get(tok)
            if after is None:
                return self.invalid("The `pagination_token` query parameter value is not valid"), None
            items = [i for i in items if int(i["id"]) < int(after)]
        page = items[:n]
        nxt = None
        if n < len(items):
            nxt = secrets.token_hex(8)
            self.tokens_issued[nxt] = page[-1]["id"]
        return page, nxt

    def known_params(self, req: Request, allowed: set[str]) -> Response | None:
        bad = set(req.query_lists) - allowed
        if bad:
            return self.invalid(f"The query parameter [{sorted(bad)[0]}] is not one of {sorted(allowed)}")
        return None

    def read_token(self, req: Request, *scopes: str):
        t, why = self.emu.access(req)
        if why:
            return None, self.problem(401, "Unauthorized")
        missing = [s for s in ("tweet.read", "users.read", *scopes) if s not in t.scopes]
        if missing:
            return None, json_response(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                             "detail": f"Forbidden: the {missing[0]} scope is required."})
        return t, None

    def timeline(self, req: Request, posts: list[dict]) -> Response:
        err = self.known_params(req, {"max_results", "since_id", "until_id", "pagination_token", "tweet.fields",
                                      "expansions", "user.fields", "start_time", "end_time", "exclude"})
        if err:
            return err
        tf = self.fields(req, "tweet.fields", TWEET_FIELDS)
        if isinstance(tf, Response):
            return tf
        uf = self.fields(req, "user.fields", USER_FIELDS)
        if isinstance(uf, Response):
            return uf
        ex = self.fields(req, "expansions", {"author_id", "referenced_tweets.id", "in_reply_to_user_id",
                                             "referenced_tweets.id.author_id", "attachments.media_keys"})
        if isinstance(ex, Response):
            return ex
        if req.q("since_id") is not None and not (req.q("since_id") or "").isdigit():
            return self.invalid("since_id must be a post id")
        posts = sorted(posts, key=lambda t: int(t["id"]), reverse=True)[:MENTIONS_KEPT]
        if req.q("since_id"):
            posts = [t for t in posts if int(t["id"]) > int(req.q("since_id"))]
        if req.q("until_id"):
            posts = [t for t in posts if int(t["id"]) < int(req.q("until_id"))]
        page, nxt = self.page_of(req, posts, 5, 100, 10)
        if isinstance(page, Response):
            return page
        meta = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if nxt:
            meta["next_token"] = nxt
        if not page:
            return json_response(200, {"meta": meta})
        tfields = tf | ({"author_id"} if "author_id" in ex else set())
        out = {"data": [self.tweet_view(t, tfields) for t in page], "meta": meta}
        inc = {}
        if "author_id" in ex:
            ids = list(dict.fromkeys(t["author_id"] for t in page))
            inc["users"] = [self.user_view(self.people.get(i) or dict(self.emu.user, profile_image_url=self.emu.user.get("avatar_url")), uf)
                            for i in ids]
        if "referenced_tweets.id" in ex:
            refs = list(dict.fromkeys(r["id"] for t in page for r in t.get("referenced_tweets") or []))
            found = [self.tweet(r) for r in refs]
            if any(found):
                inc["tweets"] = [self.tweet_view(f, tf) for f in found if f]
            gone = [r for r, f in zip(refs, found) if not f]
            if gone:
                out["errors"] = [self.not_found_error(r, "referenced_tweets.id") for r in gone]
        if inc:
            out["includes"] = inc
        return json_response(200, out)

    @staticmethod
    def not_found_error(pid: str, parameter: str) -> dict:
        return {"value": pid, "detail": f"Could not find tweet with {parameter}: [{pid}].", "title": "Not Found Error",
                "resource_type": "tweet", "parameter": parameter, "resource_id": pid,
                "type": "https://api.twitter.com/2/problems/resource-not-found"}

    # -- GET /2/users/:id/mentions
    def mentions(self, req: Request) -> Response:
        t, err = self.read_token(req)
        if err:
            return err
        if req.match.group(1) != t.user["id"]:
            return json_response(200, {"meta": {"result_count": 0}})
        return self.timeline(req, [m for k, m in self.others.items() if m.get("mention") and k not in self.deleted])

    # -- GET /2/users/:id/tweets
    def user_tweets(self, req: Request) -> Response:
        t, err = self.read_token(req)
        if err:
            return err
        if req.match.group(1) != t.user["id"]:
            return json_response(200, {"meta": {"result_count": 0}})
        return self.timeline(req, [self.tweet(p["id"]) for p in self.posts
                                   if p["author_id"] == t.user["id"] and p["id"] not in self.deleted])

    # -- GET /2/tweets?ids=
    def tweets_lookup(self, req: Request) -> Response:
        t, err = self.read_token(req)
        if err:
            return err
        err = self.known_params(req, {"ids", "tweet.fields", "expansions", "user.fields", "media.fields"})
        if err:
            return err
        ids = (req.q("ids") or "").split(",")
        if not ids or not all(i.isdigit() for i in ids):
            return self.invalid("The `ids` query parameter value is not a comma-separated list of post ids")
        if len(ids) > 100:
            return self.invalid(f"The `ids` query parameter value [{len(ids)}] is not between 1 and 100")
        tf = self.fields(req, "tweet.fields", TWEET_FIELDS)
        if isinstance(tf, Response):
            return tf
        private = tf & {"non_public_metrics", "organic_metrics"}
        data, errors = [], []
        for i in ids:
            tw = self.tweet(i)
            if tw is None:
                errors.append(self.not_found_error(i, "ids"))
                continue
            fresh = self.emu.now() * 1000 - self.created_ms(i) <= 30 * DAY * 1000
            if private and (tw["author_id"] != t.user["id"] or not fresh):
                f = sorted(private)[0]
                errors.append({"value": i, "detail": f"Sorry, you are not authorized to access '{f}' on the "
                               f"Tweet with ids: {i}.", "title": "Field Authorization Error", "resource_type": "tweet",
                               "parameter": f, "resource_id": i, "section": "data",
                               "type": "https://api.twitter.com/2/problems/not-authorized-for-field"})
                continue
            data.append(self.tweet_view(tw, tf))
        out = {}
        if data:
            out["data"] = data
        if errors:
            out["errors"] = errors
        return json_response(200, out)

    # -- GET /2/dm_conversations/:id/dm_events
    def dm_conversation_events(self, req: Request) -> Response:
        return self.dm_events_ep(req, req.match.group(1))

    # -- GET /2/dm_events
    def dm_events_ep(self, req: Request, conversation: str | None = None) -> Response:
        t, err = self.read_token(req, "dm.read")
        if err:
            return err
        if not self.dm_access:
            return json_response(403, {
                "title": "Client Forbidden", "type": "https://api.twitter.com/2/problems/client-forbidden",
                "status": 403, "reason": "client-not-enrolled",
                "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and "
                          "tokens from a Twitter developer App that is attached to a Project."})
        err = self.known_params(req, {"max_results", "pagination_token", "event_types", "dm_event.fields",
                                      "expansions", "user.fields", "tweet.fields", "media.fields"})
        if err:
            return err
        df = self.fields(req, "dm_event.fields", DM_FIELDS)
        if isinstance(df, Response):
            return df
        uf = self.fields(req, "user.fields", USER_FIELDS)
        if isinstance(uf, Response):
            return uf
        ex = self.fields(req, "expansions", {"sender_id", "participant_ids", "referenced_tweets.id",
                                             "attachments.media_keys"})
        if isinstance(ex, Response):
            return ex
        types = self.fields(req, "event_types", {"MessageCreate", "ParticipantsJoin", "ParticipantsLeave"})
        if isinstance(types, Response):
            return types
        evs = sorted(self.dms, key=lambda e: int(e["id"]), reverse=True)
        if conversation is not None:
            evs = [e for e in evs if e["dm_conversation_id"] == conversation]
        if types:
            evs = [e for e in evs if e["event_type"] in types]
        page, nxt = self.page_of(req, evs, 1, 100, 100)
        if isinstance(page, Response):
            return page
        meta = {"result_count": len(page)}
        if nxt:
            meta["next_token"] = nxt
        if not page:
            return json_response(200, {"meta": meta})
        shown = df | {"id", "event_type", "text"}
        data = []
        for e in page:
            v = {k: e[k] for k in shown if k in e}
            if "created_at" in shown:
                v["created_at"] = iso(self.created_ms(e["id"]))
            data.append(v)
        out = {"data": data, "meta": meta}
        if "sender_id" in ex:
            ids = list(dict.fromkeys(e["sender_id"] for e in page))
            out["includes"] = {"users": [self.user_view(self.people.get(i) or dict(self.emu.user, profile_image_url=self.emu.user.get("avatar_url")), uf)
                                         for i in ids]}
        return json_response(200, out)

    # -- POST /2/dm_conversations/:id/messages
    def dm_send(self, req: Request) -> Response:
        t, err = self.read_token(req, "dm.write")
        if err:
            return err
        conv = req.match.group(1)
        b = self.json_body(req)
        if set(b) - {"text", "attachments"} or not isinstance(b.get("text"), str) or not b["text"].strip():
            return self.invalid("text is required (and attachments the only other field)")
        if len(b["text"]) > 10000:
            return self.invalid("text is longer than 10000 characters")
        if not any(e["dm_conversation_id"] == conv for e in self.dms):
            return self.invalid(f"dm_conversation_id {conv} was not found")
        ev = {"id": self.snowflake(), "event_type": "MessageCreate", "text": b["text"], "sender_id": t.user["id"],
              "dm_conversation_id": conv}
        self.dms.append(ev)
        return json_response(201, {"data": {"dm_conversation_id": conv, "dm_event_id": ev["id"]}})
