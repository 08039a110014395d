"""LinkedIn organization statistics (mixed into `linkedin.LinkedIn`), per the Community Management
API reference (versioned REST, `LinkedIn-Version` + `X-Restli-Protocol-Version: 2.0.0`):

- `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org URN}
  &shares=List({share URN},...)` (or `ugcPosts=List(...)`), scope `rw_organization_admin` or
  `r_organization_admin`, the member an administrator (or analyst) of the organization. Rest.li 2.0:
  URNs in the query are percent-encoded (a raw `:` is refused). Each element carries
  `totalShareStatistics` (`impressionCount`, `uniqueImpressionsCount`, `clickCount`, `likeCount`,
  `commentCount`, `shareCount`, `engagement`); a post that is not the organization's (or was deleted)
  has no element. LinkedIn keeps these for 12 months (rolling).
- `GET /rest/networkSizes/{org URN}?edgeType=COMPANY_FOLLOWED_BY_MEMBER` → `{"firstDegreeSize": N}`,
  the organization's followers.

Test controls: `share-stats` (`{"id": post URN, "impressionCount": n, ...}`), `org-followers`
(`{"count": n}`), `delete-post` (`{"id": post URN}`)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from core import Request, Response, json_response

STATS = ("impressionCount", "uniqueImpressionsCount", "clickCount", "likeCount", "commentCount", "shareCount")
ADMIN_SCOPES = {"rw_organization_admin", "r_organization_admin"}


class LinkedInMetrics:
    def setup_metrics(self):
        self.route("GET", r"/rest/organizationalEntityShareStatistics", self.share_statistics)
        self.route("GET", r"/rest/networkSizes/([^/]+)", self.network_size)

    def reset(self):
        super().reset()
        self.share_stats: dict[str, dict[str, int]] = {}
        self.org_followers = 0

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "share-stats": ("POST", self._admin_share_stats),
                "org-followers": ("POST", self._admin_org_followers),
                "delete-post": ("POST", self._admin_delete_post)}

    def _admin_share_stats(self, req):
        b = req.admin_body
        urn = str(b["id"])
        if not any(p["id"] == urn for p in self.posts):
            raise ValueError("no such post")
        cur = self.share_stats.setdefault(urn, {k: 0 for k in STATS})
        for k in STATS:
            if k in b:
                cur[k] = int(b[k])
        return cur

    def _admin_org_followers(self, req):
        self.org_followers = int(req.admin_body["count"])
        return {"count": self.org_followers}

    def _admin_delete_post(self, req):
        urn = str(req.admin_body["id"])
        before = len(self.posts)
        self.posts = [p for p in self.posts if p["id"] != urn]
        if len(self.posts) == before:
            raise ValueError("no such post")
        return {"deleted": urn}

    def _admin_of(self, req: Request, t, org_urn: str) -> Response | None:
        from .linkedin import rest_error
        if not (ADMIN_SCOPES & set(t.scopes)):
            return rest_error(403, "ACCESS_DENIED", "Not enough permissions to access: "
                              "organizationalEntityShareStatistics.GET.NO_VERSION", 100)
        m = re.fullmatch(r"urn:li:organization:(\d+)", org_urn or "")
        if not m:
            return rest_error(400, "ILLEGAL_ARGUMENT", f"Invalid organizational entity {org_urn}")
        if not any(str(o["id"]) == m.group(1) for o in self.orgs(t)):
            return rest_error(403, "ACCESS_DENIED", f"Member is not an administrator of {org_urn}", 100)
        return None

    def share_statistics(self, req: Request) -> Response:
        from .linkedin import rest_error
        t, err = self.rest_guard(req)
        if err:
            return err
        if req.q("q") != "organizationalEntity":
            return rest_error(400, "ILLEGAL_ARGUMENT", "Finder q=organizationalEntity is required")
        raw = dict(p.split("=", 1) for p in req.raw_query.split("&") if "=" in p)
        if ":" in raw.get("organizationalEntity", "") or ":" in raw.get("shares", "") \
                or ":" in raw.get("ugcPosts", ""):
            return rest_error(400, "ILLEGAL_ARGUMENT", "URNs in the query must be URL-encoded (Rest.li 2.0)")
        org = unquote(raw.get("organizationalEntity", ""))
        err = self._admin_of(req, t, org)
        if err:
            return err
        wanted: list[str] = []
        for key in ("shares", "ugcPosts"):
            v = raw.get(key)
            if v is None:
                continue
            m = re.fullmatch(r"List\((.*)\)", v)
            if not m:
                return rest_error(400, "ILLEGAL_ARGUMENT", f"{key} must be List(...)")
            wanted += [unquote(x) for x in m.group(1).split(",") if x]
        if len(wanted) > 100:
            return rest_error(400, "ILLEGAL_ARGUMENT", "At most 100 posts per request")
        elements = []
        for urn in wanted:
            post = next((p for p in self.posts if p["id"] == urn and p["author"] == org), None)
            if post is None:
                continue
            s = {k: 0 for k in STATS} | self.share_stats.get(urn, {})
            total = s["impressionCount"]
            engaged = s["clickCount"] + s["likeCount"] + s["commentCount"] + s["shareCount"]
            s["engagement"] = round(engaged / total, 6) if total else 0.0
            key = "share" if urn.startswith("urn:li:share:") else "ugcPost"
            elements.append({"totalShareStatistics": s, key: urn, "organizationalEntity": org})
        return json_response(200, {"elements": elements,
                                   "paging": {"start": 0, "count": 10, "links": []}})

    def network_size(self, req: Request) -> Response:
        from .linkedin import rest_error
        t, err = self.rest_guard(req)
        if err:
            return err
        raw = req.match.group(1)
        if ":" in raw:
            return rest_error(400, "ILLEGAL_ARGUMENT", "The URN in the path must be URL-encoded")
        if req.q("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            return rest_error(400, "ILLEGAL_ARGUMENT", "edgeType=COMPANY_FOLLOWED_BY_MEMBER is required")
        err = self._admin_of(req, t, unquote(raw))
        if err:
            return err
        return json_response(200, {"firstDegreeSize": self.org_followers})
