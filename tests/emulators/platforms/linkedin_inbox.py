"""LinkedIn comments for the inbox (mixed into `linkedin.LinkedIn`), per the Community Management API
(versioned REST, Rest.li 2.0: URNs percent-encoded in paths and query values):

- `GET /rest/posts?q=author&author={URN}&count=N&start=S` — the author's posts, newest first; an
  organization's need `r_organization_social`, a member's `r_member_social` (granted to approved
  partners only).
- `GET /rest/socialActions/{post or comment URN}/comments?start&count` — a post's top-level comments
  (or a comment's replies), oldest first, same scopes; `paging.total`.
- Replies: `POST /rest/socialActions/{parent comment URN}/comments` with `parentComment` (handled in
  `linkedin.create_comment`).

Test control: `plant-comment` (`{"on": post URN, "text", "actor"?: person URN, "parent"?: comment
URN, "at"?: unix ms}`): someone comments."""

from __future__ import annotations

import re
from urllib.parse import unquote

from core import Request, Response, json_response

READ_SCOPES = {"r_organization_social", "r_organization_social_feed", "r_member_social"}


class LinkedInInbox:
    def setup_inbox(self):
        self.route("GET", r"/rest/posts", self.list_posts)
        self.route("GET", r"/rest/socialActions/([^/]+)/comments", self.list_comments)

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "plant-comment": ("POST", self._admin_plant_comment)}

    def _admin_plant_comment(self, req):
        b = req.admin_body
        post = next((p for p in self.posts if p["id"] == b["on"]), None)
        if post is None:
            raise ValueError("no such post")
        parent = b.get("parent")
        if parent is not None and not any(c["$URN"] == parent for c in self.comments):
            raise ValueError("no such parent comment")
        actor = b.get("actor", "urn:li:person:abcDEF123")
        cid = str(next(self.comment_ids))
        urn = f"urn:li:comment:({post['id']},{cid})"
        at = int(b.get("at", self.emu.now() * 1000))
        c = {"actor": actor, "object": post["id"], "message": {"text": str(b["text"])}, "id": cid, "$URN": urn,
             "commentUrn": urn, "created": {"actor": actor, "time": at}, "lastModified": {"actor": actor, "time": at}}
        if parent:
            c["parentComment"] = parent
        self.comments.append(c)
        return c

    def _read_guard(self, req: Request, owner: str):
        from .linkedin import rest_error
        t, err = self.publish_guard(req, None)
        if err:
            return None, err
        need = {"r_member_social"} if owner.startswith("urn:li:person:") else \
            {"r_organization_social", "r_organization_social_feed"}
        if not (need & set(t.scopes)):
            return None, rest_error(403, "ACCESS_DENIED", "Not enough permissions to access: "
                                    f"socialActions.GET.{'NO_VERSION'}", 100)
        if owner.startswith("urn:li:organization:"):
            oid = owner.rsplit(":", 1)[1]
            if not any(str(o["id"]) == oid for o in self.orgs(t)):
                return None, rest_error(403, "ACCESS_DENIED", f"Member is not an administrator of {owner}", 100)
        elif owner != f"urn:li:person:{t.user['id']}":
            return None, rest_error(403, "ACCESS_DENIED", f"Member may not read {owner}", 100)
        return t, None

    def _paging(self, req: Request, items: list, default: int = 10):
        from .linkedin import rest_error
        try:
            start = int(req.q("start") or 0)
            count = int(req.q("count") or default)
        except ValueError:
            return None, rest_error(400, "ILLEGAL_ARGUMENT", "start and count must be integers")
        if start < 0 or not 1 <= count <= 100:
            return None, rest_error(400, "ILLEGAL_ARGUMENT", "count must be 1 to 100 and start >= 0")
        return (items[start:start + count], {"start": start, "count": count, "total": len(items), "links": []}), None

    def list_posts(self, req: Request) -> Response:
        from .linkedin import rest_error
        if req.q("q") != "author":
            return rest_error(400, "ILLEGAL_ARGUMENT", "Finder q=author is required")
        raw = dict(p.split("=", 1) for p in req.raw_query.split("&") if "=" in p)
        if ":" in raw.get("author", ""):
            return rest_error(400, "ILLEGAL_ARGUMENT", "URNs in the query must be URL-encoded (Rest.li 2.0)")
        author = unquote(raw.get("author", ""))
        if not re.fullmatch(r"urn:li:(person|organization):[A-Za-z0-9_-]+", author):
            return rest_error(400, "ILLEGAL_ARGUMENT", f"Invalid author {author}")
        t, err = self._read_guard(req, author)
        if err:
            return err
        mine = [p for p in reversed(self.posts) if p["author"] == author]
        page, err = self._paging(req, mine)
        if err:
            return err
        items, paging = page
        out = [{"id": p["id"], "author": p["author"], "commentary": p["commentary"], "visibility": p["visibility"],
                "lifecycleState": "PUBLISHED", "createdAt": p.get("created_ms", 0)} for p in items]
        return json_response(200, {"elements": out, "paging": paging})

    def list_comments(self, req: Request) -> Response:
        from .linkedin import rest_error
        raw = req.match.group(1)
        if ":" in raw:
            return rest_error(400, "ILLEGAL_ARGUMENT", "The URN in the path must be URL-encoded")
        target = unquote(raw)
        if target.startswith("urn:li:comment:"):
            parent = next((c for c in self.comments if c["$URN"] == target), None)
            if parent is None:
                return rest_error(404, "NOT_FOUND", f"Comment {target} not found")
            post = next((p for p in self.posts if p["id"] == parent["object"]), None)
            wanted = [c for c in self.comments if c.get("parentComment") == target]
        else:
            post = next((p for p in self.posts if p["id"] == target), None)
            wanted = [c for c in self.comments if c["object"] == target and not c.get("parentComment")]
        if post is None:
            return rest_error(404, "NOT_FOUND", f"Post {target} not found")
        t, err = self._read_guard(req, post["author"])
        if err:
            return err
        wanted.sort(key=lambda c: (c["created"]["time"], int(c["id"])))
        page, err = self._paging(req, wanted)
        if err:
            return err
        items, paging = page
        return json_response(200, {"elements": items, "paging": paging})
