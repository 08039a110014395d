"""YouTube comments and counters (mixed into `YouTube` in google.py), strict to the Data API v3 and
YouTube Analytics API v2 reference pages:

- `GET /youtube/v3/commentThreads` (allThreadsRelatedToChannelId, part id|snippet|replies, order
  time|relevance, maxResults 1..100 default 20, textFormat html|plainText, opaque pageToken; 1 unit),
  newest thread first by the top-level comment's time; `replies` carries at most 5 replies.
- `GET /youtube/v3/comments` (parentId or id, part id|snippet; 1 unit).
- `POST /youtube/v3/comments?part=snippet` (snippet.parentId + snippet.textOriginal, youtube.force-ssl,
  10,000 characters; 50 units).
- `GET /youtube/v3/videos?part=statistics` (counts as strings; likeCount absent when hidden).
- `GET /youtube/v3/channels?part=statistics&mine=true` (subscriberCount absent when hidden).
- `GET /v2/reports` (youtubeanalytics.googleapis.com; ids=channel==MINE, startDate, endDate, metrics,
  dimensions, filters; scope yt-analytics.readonly) answering a `youtubeAnalytics#resultTable`.

Errors are Google's shape; a daily quota (`youtube-quota` admin route) makes calls that would pass it
answer 403 quotaExceeded. Test controls: `yt-comment` (someone comments or replies), `yt-video`
(a video of the channel with its counters), `yt-video-stats`, `yt-delete-video`, `yt-delete-comment`,
`yt-analytics`, `yt-channel-stats`, `youtube-quota`, `yt-comments` (what is stored)."""

from __future__ import annotations

import html
import itertools
import secrets

from core import Request, Response, json_response

YT = "https://www.googleapis.com/auth/"
READ = {YT + s for s in ("youtube", "youtube.readonly", "youtube.force-ssl", "youtubepartner")}
WRITE_COMMENTS = {YT + "youtube.force-ssl"}
ANALYTICS = {YT + "yt-analytics.readonly", YT + "yt-analytics-monetary.readonly", YT + "youtube",
             YT + "youtube.readonly"}
COST = {"commentThreads.list": 1, "comments.list": 1, "comments.insert": 50, "channels.list": 1}
MAX_COMMENT = 10_000
THREAD_REPLIES = 5  # the `replies` part carries only some of a thread's replies
ANALYTICS_METRICS = {"views", "estimatedMinutesWatched", "averageViewDuration", "averageViewPercentage", "likes",
                     "dislikes", "shares", "comments", "subscribersGained", "subscribersLost"}


def _err(status, message, reason, status_text, **extra):
    from platforms.google import api_error
    return api_error(status, message, reason, status_text, **extra)


def _bad_param(name, message=None):
    return _err(400, message or f"Invalid value for parameter {name}", "invalidParameter", "INVALID_ARGUMENT",
                location=name, locationType="parameter")


class YouTubeInbox:
    """The comments, statistics and Analytics side of the YouTube emulator."""

    def inbox_routes(self):
        self.route("GET", r"/youtube/v3/commentThreads", self.comment_threads_list)
        self.route("GET", r"/youtube/v3/comments", self.comments_list)
        self.route("POST", r"/youtube/v3/comments", self.comments_insert)
        self.route("GET", r"/v2/reports", self.analytics_reports)

    def reset(self):
        super().reset()
        self.threads: dict[str, dict] = {}  # thread id -> {"video", "top": comment, "replies": [comment]}
        self.comment_ids = itertools.count(1)
        self.page_tokens: dict[str, tuple[tuple, int]] = {}
        self.stats: dict[str, dict] = {}  # video id -> {"views", "likes", "comments", "likes_hidden"}
        self.analytics: dict[str, dict] = {}  # video id -> metric -> number
        self.channel_stats = {"subscribers": 0, "hidden": False, "videos": 0, "views": 0}
        self.daily_quota: int | None = None  # units allowed before 403 quotaExceeded
        # units per method join `self.quota` (videos.list, …) as they are spent

    def admin_routes(self) -> dict:
        routes = super().admin_routes()
        routes.update({
            "yt-comment": ("POST", self._admin_comment),
            "yt-comments": ("GET", lambda r: list(self.threads.values())),
            "yt-video": ("POST", self._admin_video),
            "yt-video-stats": ("POST", self._admin_video_stats),
            "yt-delete-video": ("POST", self._admin_delete_video),
            "yt-delete-comment": ("POST", self._admin_delete_comment),
            "yt-analytics": ("POST", self._admin_analytics),
            "yt-channel-stats": ("POST", self._admin_channel_stats),
            "youtube-quota": ("POST", self._admin_quota),
        })
        return routes

    # -- test controls
    def _admin_comment(self, req):
        """Someone comments on `video` (`{"video", "text", "author"?, "ago_seconds"?}`) or replies to a
        thread (`{"parent": thread id, "text", ...}`); `"author": "owner"` writes as the channel."""
        b = req.admin_body
        text = b["text"]
        if not isinstance(text, str) or not text:
            raise ValueError("text is required")
        at = self.emu.now() - float(b.get("ago_seconds", 0))
        who = b.get("author", "viewer")
        if who == "owner":
            author = {"id": self.emu.user["id"], "name": self.emu.user["name"], "handle": "@" + self.emu.user["username"]}
        else:
            author = {"id": "UCviewer" + secrets.token_hex(6), "name": b.get("name", "A Viewer"),
                      "handle": "@" + b.get("handle", "aviewer")}
        if "parent" in b:
            th = self.threads[b["parent"]]
            c = self._comment(th["video"], author, text, at, parent=th["id"])
            th["replies"].append(c)
            return c
        video = b["video"]
        tid = "Ugz" + f"{next(self.comment_ids):06d}" + secrets.token_hex(4)
        c = self._comment(video, author, text, at, cid=tid)
        self.threads[tid] = {"id": tid, "video": video, "top": c, "replies": []}
        return c

    def _comment(self, video, author, text, at, parent=None, cid=None) -> dict:
        if cid is None:
            cid = f"{parent}.{secrets.token_hex(8)}"
        return {"id": cid, "video": video, "author": author, "text": text, "at": at, "parent": parent,
                "avatar": f"https://yt3.ggpht.com/ytc/{author['id']}=s48-c-k-c0x00ffffff-no-rj"}

    def _admin_video(self, req):
        """A video of the channel, public, with `{"id"?, "title", "views"?, "likes"?, "comments"?}`."""
        b = req.admin_body
        vid = b.get("id") or "vid" + f"{next(self.video_ids):08d}"
        sn = {"title": b["title"], "description": "", "channelId": self.emu.user["id"], "categoryId": "22",
              "publishedAt": "2026-01-01T00:00:00Z"}
        self.videos.append({"id": vid, "channel": self.emu.user["id"], "snippet": sn,
                            "status": {"privacyStatus": "public", "uploadStatus": "processed"}})
        self.stats[vid] = {"views": int(b.get("views", 0)), "likes": int(b.get("likes", 0)),
                           "comments": int(b.get("comments", 0)), "likes_hidden": False}
        return {"id": vid}

    def _admin_video_stats(self, req):
        b = req.admin_body
        s = self.stats.setdefault(b["id"], {"views": 0, "likes": 0, "comments": 0, "likes_hidden": False})
        for k in ("views", "likes", "comments"):
            if k in b:
                s[k] = int(b[k])
        if "likes_hidden" in b:
            s["likes_hidden"] = bool(b["likes_hidden"])
        return s

    def _admin_delete_video(self, req):
        vid = req.admin_body["id"]
        before = len(self.videos)
        self.videos = [v for v in self.videos if v["id"] != vid]
        if len(self.videos) == before:
            raise ValueError("no such video")
        return {"deleted": vid}

    def _admin_delete_comment(self, req):
        cid = req.admin_body["id"]
        if cid in self.threads:
            del self.threads[cid]
            return {"deleted": cid}
        for th in self.threads.values():
            for r in th["replies"]:
                if r["id"] == cid:
                    th["replies"].remove(r)
                    return {"deleted": cid}
        raise ValueError("no such comment")

    def _admin_analytics(self, req):
        """`{"video", "estimatedMinutesWatched"?, "averageViewDuration"?, "views"?, "likes"?, "shares"?}`."""
        b = dict(req.admin_body)
        vid = b.pop("video")
        for k, v in b.items():
            if k not in ANALYTICS_METRICS or not isinstance(v, (int, float)):
                raise ValueError(f"bad metric {k}")
        self.analytics.setdefault(vid, {}).update(b)
        return self.analytics[vid]

    def _admin_channel_stats(self, req):
        b = req.admin_body
        for k in ("subscribers", "videos", "views"):
            if k in b:
                self.channel_stats[k] = int(b[k])
        if "hidden" in b:
            self.channel_stats["hidden"] = bool(b["hidden"])
        return self.channel_stats

    def _admin_quota(self, req):
        """`{"daily": units | null}`: the project's daily budget (null: unlimited); `{"spent": n}` sets the count."""
        b = req.admin_body
        if "daily" in b:
            self.daily_quota = None if b["daily"] is None else int(b["daily"])
        if "spent" in b:
            for k in self.quota:
                self.quota[k] = 0
            self.quota["commentThreads.list"] = int(b["spent"])
        return {"daily": self.daily_quota, "spent": sum(self.quota.values())}

    # -- shared checks
    def _spend(self, method: str) -> Response | None:
        """Counts `method`'s units, or answers quotaExceeded when they would pass the daily budget."""
        from platforms.google import quota_error
        cost = COST.get(method, 1)
        if self.daily_quota is not None and sum(self.quota.values()) + cost > self.daily_quota:
            return quota_error()
        self.quota[method] = self.quota.get(method, 0) + cost
        return None

    def _read_auth(self, req: Request, scopes=READ):
        return self._auth(req, scopes)

    def videos_list(self, req: Request) -> Response:
        if self.daily_quota is not None and sum(self.quota.values()) + 1 > self.daily_quota:
            from platforms.google import quota_error
            return quota_error()
        return super().videos_list(req)

    def _check_parts(self, req: Request, allowed: set[str]):
        part = req.q("part")
        if not part:
            return None, _err(400, "Required parameter: part", "required", "INVALID_ARGUMENT", location="part",
                              locationType="parameter")
        parts = part.split(",")
        bad = [p for p in parts if p not in allowed]
        if bad:
            return None, _err(400, f"'{bad[0]}'", "unknownPart", "INVALID_ARGUMENT", location="part",
                              locationType="parameter")
        return parts, None

    def _max_results(self, req: Request, default=20, top=100):
        raw = req.q("maxResults")
        if raw is None:
            return default, None
        if not raw.isdigit() or not (1 <= int(raw) <= top):
            return None, _bad_param("maxResults", f"Invalid value '{raw}'. Values must be within the range: [1, {top}]")
        return int(raw), None

    def _text_format(self, req: Request):
        tf = req.q("textFormat") or "html"
        if tf not in ("html", "plainText"):
            return None, _bad_param("textFormat")
        return tf, None

    def _page(self, req: Request, key: tuple, rows: list, size: int):
        """(page rows, next token) or an invalidPageToken error; tokens are bound to the query."""
        start = 0
        tok = req.q("pageToken")
        if tok:
            entry = self.page_tokens.get(tok)
            if entry is None or entry[0] != key:
                return None, None, _err(400, "The request specifies an invalid page token.", "invalidPageToken",
                                        "INVALID_ARGUMENT", location="pageToken", locationType="parameter")
            start = entry[1]
        page = rows[start:start + size]
        nxt = None
        if start + size < len(rows):
            nxt = "Q" + secrets.token_urlsafe(18)
            self.page_tokens[nxt] = (key, start + size)
        return page, nxt, None

    def _comment_json(self, c: dict, fmt: str, viewer: str) -> dict:
        from platforms.google import iso
        display = c["text"] if fmt == "plainText" else html.escape(c["text"]).replace("\n", "<br>")
        sn = {"channelId": self.emu.user["id"], "videoId": c["video"], "textDisplay": display,
              "authorDisplayName": c["author"]["name"], "authorProfileImageUrl": c["avatar"],
              "authorChannelUrl": "http://www.youtube.com/" + c["author"]["handle"],
              "authorChannelId": {"value": c["author"]["id"]}, "canRate": True, "viewerRating": "none",
              "likeCount": 0, "publishedAt": iso(c["at"]), "updatedAt": iso(c["at"])}
        if c["author"]["id"] == viewer:  # the original text only reaches its author
            sn["textOriginal"] = c["text"]
        if c["parent"]:
            sn["parentId"] = c["parent"]
        return {"kind": "youtube#comment", "etag": secrets.token_urlsafe(12), "id": c["id"], "snippet": sn}

    # -- commentThreads.list
    def comment_threads_list(self, req: Request) -> Response:
        t, err = self._read_auth(req)
        if err:
            return err
        parts, err = self._check_parts(req, {"id", "snippet", "replies"})
        if err:
            return err
        filters = [f for f in ("allThreadsRelatedToChannelId", "channelId", "id", "videoId") if req.q(f) is not None]
        if len(filters) != 1:
            return _err(400, "Exactly one of allThreadsRelatedToChannelId, channelId, id, videoId is required",
                        "missingRequiredParameter" if not filters else "incompatibleParameters", "INVALID_ARGUMENT")
        if filters != ["allThreadsRelatedToChannelId"]:
            return _err(400, "This emulator lists allThreadsRelatedToChannelId only", "operationNotSupported",
                        "INVALID_ARGUMENT")
        channel = req.q("allThreadsRelatedToChannelId")
        if channel != self.emu.user["id"]:
            return _err(404, "The channel identified by the allThreadsRelatedToChannelId parameter cannot be found.",
                        "channelNotFound", "NOT_FOUND", domain="youtube.commentThread")
        size, err = self._max_results(req)
        if err:
            return err
        order = req.q("order") or "time"
        if order not in ("time", "relevance"):
            return _bad_param("order")
        fmt, err = self._text_format(req)
        if err:
            return err
        err = self._spend("commentThreads.list")
        if err:
            return err
        live = {v["id"] for v in self.videos}
        rows = sorted((th for th in self.threads.values() if th["video"] in live),
                      key=lambda th: (th["top"]["at"], th["id"]), reverse=True)
        page, nxt, err = self._page(req, ("threads", channel, order, size), rows, size)
        if err:
            return err
        viewer = t.user["id"]
        items = []
        for th in page:
            item = {"kind": "youtube#commentThread", "etag": secrets.token_urlsafe(12), "id": th["id"]}
            if "snippet" in parts:
                item["snippet"] = {"channelId": channel, "videoId": th["video"],
                                   "topLevelComment": self._comment_json(th["top"], fmt, viewer),
                                   "canReply": True, "totalReplyCount": len(th["replies"]), "isPublic": True}
            if "replies" in parts and th["replies"]:
                item["replies"] = {"comments": [self._comment_json(c, fmt, viewer)
                                                for c in th["replies"][:THREAD_REPLIES]]}
            items.append(item)
        out = {"kind": "youtube#commentThreadListResponse", "etag": secrets.token_urlsafe(12),
               "pageInfo": {"totalResults": len(page), "resultsPerPage": size}, "items": items}
        if nxt:
            out["nextPageToken"] = nxt
        return json_response(200, out)

    # -- comments.list
    def comments_list(self, req: Request) -> Response:
        t, err = self._read_auth(req)
        if err:
            return err
        _, err = self._check_parts(req, {"id", "snippet"})
        if err:
            return err
        filters = [f for f in ("id", "parentId") if req.q(f) is not None]
        if len(filters) != 1:
            return _err(400, "Exactly one of id, parentId is required",
                        "missingRequiredParameter" if not filters else "incompatibleParameters", "INVALID_ARGUMENT")
        if req.q("id") is not None and req.q("maxResults") is not None:
            return _err(400, "maxResults cannot be used with id", "incompatibleParameters", "INVALID_ARGUMENT")
        size, err = self._max_results(req)
        if err:
            return err
        fmt, err = self._text_format(req)
        if err:
            return err
        err = self._spend("comments.list")
        if err:
            return err
        if req.q("parentId") is not None:
            th = self.threads.get(req.q("parentId"))
            if th is None:
                return _err(404, "One or more of the comments can't be found.", "commentNotFound", "NOT_FOUND",
                            domain="youtube.comment")
            rows = sorted(th["replies"], key=lambda c: c["at"])
            page, nxt, err = self._page(req, ("replies", th["id"], size), rows, size)
            if err:
                return err
        else:
            ids = req.q("id").split(",")
            page = [c for th in self.threads.values() for c in [th["top"], *th["replies"]] if c["id"] in ids]
            nxt = None
        out = {"kind": "youtube#commentListResponse", "etag": secrets.token_urlsafe(12),
               "pageInfo": {"totalResults": len(page), "resultsPerPage": size},
               "items": [self._comment_json(c, fmt, t.user["id"]) for c in page]}
        if nxt:
            out["nextPageToken"] = nxt
        return json_response(200, out)

    # -- comments.insert
    def comments_insert(self, req: Request) -> Response:
        t, err = self._auth(req, WRITE_COMMENTS)
        if err:
            return err
        parts, err = self._check_parts(req, {"id", "snippet"})
        if err:
            return err
        if "snippet" not in parts:
            return _err(400, "The part parameter must include snippet", "invalidCommentMetadata", "INVALID_ARGUMENT")
        if not req.content_type.startswith("application/json"):
            return _err(400, "The request body must be application/json", "badContent", "INVALID_ARGUMENT")
        body = req.json()
        sn = body.get("snippet") if isinstance(body, dict) else None
        if not isinstance(sn, dict):
            return _err(400, "The request metadata is invalid.", "invalidCommentMetadata", "INVALID_ARGUMENT")
        parent = sn.get("parentId")
        if not isinstance(parent, str) or not parent:
            return _err(400, "The comment must be linked to a parent comment.", "parentIdMissing", "INVALID_ARGUMENT")
        text = sn.get("textOriginal")
        if not isinstance(text, str) or not text.strip():
            return _err(400, "The comment text is required.", "commentTextRequired", "INVALID_ARGUMENT")
        if len(text) > MAX_COMMENT:
            return _err(400, "The comment text is too long.", "commentTextTooLong", "INVALID_ARGUMENT")
        th = self.threads.get(parent)
        if th is None:
            if any(r["id"] == parent for x in self.threads.values() for r in x["replies"]):
                return _err(400, "Replies can only answer a top-level comment.", "operationNotSupported",
                            "INVALID_ARGUMENT")
            return _err(404, "The parent comment cannot be found.", "parentCommentNotFound", "NOT_FOUND",
                        domain="youtube.comment")
        if th["video"] not in {v["id"] for v in self.videos}:
            return _err(404, "The parent comment cannot be found.", "parentCommentNotFound", "NOT_FOUND",
                        domain="youtube.comment")
        err = self._spend("comments.insert")
        if err:
            return err
        u = t.user
        author = {"id": u["id"], "name": u["name"], "handle": "@" + u["username"]}
        c = self._comment(th["video"], author, text, self.emu.now(), parent=th["id"])
        th["replies"].append(c)
        return json_response(200, self._comment_json(c, "plainText", u["id"]))

    # -- statistics (videos.list part=statistics, channels.list part=statistics)
    def _video_json(self, v: dict, parts: list[str]) -> dict:
        out = super()._video_json(v, parts)
        if "statistics" in parts:
            s = self.stats.get(v["id"], {"views": 0, "likes": 0, "comments": 0, "likes_hidden": False})
            st = {"viewCount": str(s["views"]), "favoriteCount": "0", "commentCount": str(s["comments"])}
            if not s["likes_hidden"]:
                st["likeCount"] = str(s["likes"])
            out["statistics"] = st
        return out

    def channel_statistics(self) -> dict:
        c = self.channel_stats
        st = {"viewCount": str(c["views"]), "hiddenSubscriberCount": c["hidden"], "videoCount": str(c["videos"])}
        if not c["hidden"]:
            st["subscriberCount"] = str(c["subscribers"])
        return st

    # -- YouTube Analytics API v2: reports.query
    def analytics_reports(self, req: Request) -> Response:
        t, err = self._auth(req, ANALYTICS)
        if err:
            return err
        for name in ("ids", "startDate", "endDate", "metrics"):
            if not req.q(name):
                return _err(400, f"Required parameter: {name}", "required", "INVALID_ARGUMENT", location=name,
                            locationType="parameter")
        if req.q("ids") not in ("channel==MINE", "channel==" + t.user["id"]):
            return _err(403, "Forbidden", "forbidden", "PERMISSION_DENIED")
        import re
        for name in ("startDate", "endDate"):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", req.q(name)):
                return _bad_param(name, f"Invalid value '{req.q(name)}'. Values must match the following regular "
                                        "expression: '[0-9]{4}-[0-9]{2}-[0-9]{2}'")
        if req.q("startDate") > req.q("endDate"):
            return _err(400, "The start date must be before the end date", "badRequest", "INVALID_ARGUMENT")
        metrics = req.q("metrics").split(",")
        bad = [m for m in metrics if m not in ANALYTICS_METRICS]
        if bad:
            return _err(400, f"Unknown identifier ({bad[0]}) given in field parameters.metrics.", "badRequest",
                        "INVALID_ARGUMENT")
        dims = [d for d in (req.q("dimensions") or "").split(",") if d]
        if dims not in ([], ["video"]):
            return _err(400, "The query is not supported (the emulator knows dimensions=video).", "badRequest",
                        "INVALID_ARGUMENT")
        filt = req.q("filters") or ""
        m = re.fullmatch(r"video==([A-Za-z0-9_,-]+)", filt)
        if not m:
            return _err(400, "The query is not supported (the emulator needs filters=video==ID).", "badRequest",
                        "INVALID_ARGUMENT")
        headers = [{"name": "video", "columnType": "DIMENSION", "dataType": "STRING"}] if dims else []
        for name in metrics:
            dt = "FLOAT" if name == "averageViewPercentage" else "INTEGER"
            headers.append({"name": name, "columnType": "METRIC", "dataType": dt})
        own = {v["id"] for v in self.videos if v["channel"] == t.user["id"]}
        rows = []
        for vid in m.group(1).split(","):
            data = self.analytics.get(vid)
            if vid not in own or data is None:
                continue
            row = [vid] if dims else []
            row += [data.get(name, 0) for name in metrics]
            rows.append(row)
        out = {"kind": "youtubeAnalytics#resultTable", "columnHeaders": headers}
        if rows:  # a report without data has no `rows`
            out["rows"] = rows
        return json_response(200, out)
