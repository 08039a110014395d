"""TikTok Display API counters (mixed into `tiktok.TikTok`), per the v2 reference:

- `POST /v2/video/query/?fields=...` (scope `video.list`) with a JSON body
  `{"filters": {"video_ids": [...]}}` (1 to 20 ids): the caller's own public videos among them, each
  with the asked fields (`id`, `create_time`, `title`, `view_count`, `like_count`, `comment_count`,
  `share_count`, ...); an id that is not one of them (deleted, private, someone else's) is simply
  absent. `fields` is required; an unknown field is `invalid_params`.
- `GET /v2/user/info/` stats fields (`follower_count`, `following_count`, `likes_count`,
  `video_count`) need `user.info.stats` (enforced in `tiktok.user_info` through `stats_fields`).

Test controls: `video-stats` (`{"id", "view_count", ...}` sets a published video's counts),
`video-delete`, `user-stats` (the account's counts)."""

from __future__ import annotations

import json
import secrets

from core import Request, Response, json_response

VIDEO_FIELDS = {"id", "create_time", "cover_image_url", "share_url", "video_description", "duration", "height",
                "width", "title", "embed_html", "embed_link", "like_count", "comment_count", "share_count",
                "view_count"}
COUNTS = ("view_count", "like_count", "comment_count", "share_count")
STATS_FIELDS = {"follower_count", "following_count", "likes_count", "video_count"}


def _log_id() -> str:
    return "2025" + secrets.token_hex(14).upper()


def _err(status: int, code: str, message: str) -> Response:
    return json_response(status, {"data": {}, "error": {"code": code, "message": message, "log_id": _log_id()}})


class TikTokMetrics:
    stats_fields = STATS_FIELDS

    def setup_metrics(self):
        self.route("POST", r"/v2/video/query/", self.video_query)

    def reset(self):
        super().reset()
        self.video_stats: dict[str, dict[str, int]] = {}
        self.deleted_videos: set[str] = set()
        self.user_stats = {k: 0 for k in STATS_FIELDS}

    def admin_routes(self) -> dict:
        return {**super().admin_routes(), "video-stats": ("POST", self._admin_video_stats),
                "video-delete": ("POST", self._admin_video_delete), "user-stats": ("POST", self._admin_user_stats)}

    def _video(self, vid: str) -> dict | None:
        return next((p for p in self.posts if p["id"] == vid and vid not in self.deleted_videos), None)

    def _admin_video_stats(self, req):
        b = req.admin_body
        vid = str(b["id"])
        if self._video(vid) is None:
            raise ValueError("no such video")
        cur = self.video_stats.setdefault(vid, {k: 0 for k in COUNTS})
        for k in COUNTS:
            if k in b:
                cur[k] = int(b[k])
        return cur

    def _admin_video_delete(self, req):
        vid = str(req.admin_body["id"])
        if self._video(vid) is None:
            raise ValueError("no such video")
        self.deleted_videos.add(vid)
        return {"deleted": vid}

    def _admin_user_stats(self, req):
        for k in STATS_FIELDS:
            if k in req.admin_body:
                self.user_stats[k] = int(req.admin_body[k])
        return self.user_stats

    def video_query(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return _err(401, "access_token_invalid", "The access token is invalid or not found in the request.")
        if "video.list" not in t.scopes:
            return _err(401, "scope_not_authorized", "The user did not authorize the scope required.")
        fields = [f for f in (req.q("fields") or "").split(",") if f]
        if not fields:
            return _err(400, "invalid_params", "The fields parameter is required.")
        bad = [f for f in fields if f not in VIDEO_FIELDS]
        if bad:
            return _err(400, "invalid_params", f"Invalid fields: {','.join(bad)}")
        if not req.is_json():
            return _err(400, "invalid_params", "Content-Type must be application/json")
        try:
            body = json.loads(req.body or b"null")
        except ValueError:
            return _err(400, "invalid_params", "The body is not JSON.")
        ids = body.get("filters", {}).get("video_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not 1 <= len(ids) <= 20 or not all(isinstance(i, str) for i in ids):
            return _err(400, "invalid_params", "filters.video_ids must list 1 to 20 video ids.")
        videos = []
        for vid in ids:
            p = self._video(vid)
            if p is None or p["open_id"] != t.user["id"] or p["post_info"].get("privacy_level") == "SELF_ONLY":
                continue
            full = {"id": vid, "create_time": 1763900000, "title": p["post_info"].get("title", ""),
                    "share_url": f"https://www.tiktok.com/@{t.user['username']}/video/{vid}",
                    **{k: 0 for k in COUNTS}, **self.video_stats.get(vid, {})}
            videos.append({f: full[f] for f in fields if f in full})
        return json_response(200, {"data": {"videos": videos, "cursor": 0, "has_more": False},
                                   "error": {"code": "ok", "message": "", "log_id": _log_id()}})
