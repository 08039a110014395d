"""YouTube via Google OAuth for desktop apps (loopback any-port redirect, PKCE S256), per WIRE.md § YouTube."""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
from datetime import datetime, timezone

from core import Grant, Platform, Request, Response, json_response

from .youtube_inbox import YouTubeInbox

YT = "https://www.googleapis.com/auth/"
SCOPES = {YT + s for s in ("youtube", "youtube.upload", "youtube.readonly", "youtube.force-ssl",
                           "youtubepartner", "yt-analytics.readonly", "userinfo.profile", "userinfo.email")}
SCOPES |= {"openid", "email", "profile"}
READ_SCOPES = {YT + s for s in ("youtube", "youtube.readonly", "youtube.force-ssl", "youtubepartner")}
ACCESS_TTL = 3599


def oauth_error(status: int, error: str, desc: str) -> Response:
    return json_response(status, {"error": error, "error_description": desc})


def api_error(status: int, message: str, reason: str, status_text: str, **extra) -> Response:
    e = {"message": message, "domain": "global", "reason": reason, **extra}
    return json_response(status, {"error": {"code": status, "message": message, "errors": [e], "status": status_text}})


# ---------------------------------------------------------------------------------------------------
# Publishing (reference §6): videos.insert through the resumable upload protocol, thumbnails.set.

UPLOAD_ORIGIN = "https://www.googleapis.com"
CHUNK_UNIT = 256 * 1024  # every chunk but the last is a multiple of 256 KiB
MAX_CHUNK = 64 * 1024 * 1024  # [decision] the emulator's cap on one PUT
MAX_THUMBNAIL = 2 * 1024 * 1024
UPLOAD_SCOPES = {YT + "youtube.upload", YT + "youtube", YT + "youtube.force-ssl"}
# videos.update and videos.delete: youtube.upload alone is not enough
MANAGE_SCOPES = {YT + "youtube", YT + "youtube.force-ssl", YT + "youtubepartner"}
# Quota units per call (determine_quota_cost): videos.list 1, videos.update 50, videos.delete 50.
QUOTA_COST = {"videos.list": 1, "videos.update": 50, "videos.delete": 50}
VIDEO_PARTS = {"id", "snippet", "status", "contentDetails", "statistics", "player", "topicDetails",
               "recordingDetails", "fileDetails", "processingDetails", "suggestions", "liveStreamingDetails",
               "localizations", "paidProductPlacementDetails"}
# video.status: what videos.update can set, and what YouTube computes (accepted and ignored on update)
STATUS_WRITABLE = {"privacyStatus", "publishAt", "license", "embeddable", "publicStatsViewable",
                   "selfDeclaredMadeForKids", "containsSyntheticMedia"}
STATUS_READ_ONLY = {"uploadStatus", "failureReason", "rejectionReason", "madeForKids"}
# videoCategories.list?regionCode=US: the ids with snippet.assignable = true
ASSIGNABLE_CATEGORIES = {"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28", "29"}
# [decision] what an omitted mutable property reverts to ("the existing value will be removed")
STATUS_DEFAULTS = {"privacyStatus": "public", "license": "youtube", "embeddable": True, "publicStatsViewable": True}
AUTH_ERROR = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
              "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.")


def quota_error() -> Response:
    return api_error(403, "The request cannot be completed because you have exceeded your "
                     "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.", "quotaExceeded",
                     "PERMISSION_DENIED", domain="youtube.quota")


def parse_time(value) -> float | None:
    """An RFC 3339 time with an offset as unix seconds; None when absent or unparsable."""
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.timestamp() if t.tzinfo is not None else None


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def invalid_publish_at(message="The request metadata specifies an invalid scheduled publishing time.") -> Response:
    return api_error(400, message, "invalidPublishAt", "INVALID_ARGUMENT")


class Publishing:
    """The publishing side of the YouTube emulator (mixed into `YouTube`)."""

    def reset(self):
        self.sessions: dict[str, dict] = {}
        self.videos: list[dict] = []
        self.video_ids = itertools.count(1)
        # quota_exceeded: videos.insert answers 403 quotaExceeded; upload_limit: uploads allowed before 400
        # uploadLimitExceeded; drop_after: total stored bytes after which a chunk is cut (connection dropped).
        self.publishing = {"quota_exceeded": False, "upload_limit": None, "drop_after": None,
                           "no_location": False, "chunk_failures": 0}
        self.deleted: list[dict] = []
        self.quota = {k: 0 for k in QUOTA_COST}  # units spent per method

    def admin_routes(self) -> dict:
        return {
            "token": ("POST", self._admin_token),
            "videos": ("GET", lambda r: self.publish_due() or self.videos),
            "deleted-videos": ("GET", lambda r: self.deleted),
            "quota": ("GET", lambda r: self.quota),
            "video-status": ("POST", self._admin_video_status),
            "sessions": ("GET", lambda r: [{k: v for k, v in x.items() if k != "hash"} for x in self.sessions.values()]),
            "youtube-publishing": ("POST", self._admin_publishing),
        }

    def _admin_token(self, req):
        scopes = req.admin_body.get("scopes", [YT + "youtube.upload", YT + "youtube.readonly"])
        g = Grant(secrets.token_hex(8), "test-client", dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        t = self.emu.issue_token("access", g, "ya29." + secrets.token_urlsafe(96), ACCESS_TTL)
        return {"access_token": t.value}

    def _admin_publishing(self, req):
        b = req.admin_body
        for k in ("quota_exceeded", "no_location"):
            if k in b:
                self.publishing[k] = bool(b[k])
        if "chunk_failures" in b:
            self.publishing["chunk_failures"] = int(b["chunk_failures"])
        for k in ("upload_limit", "drop_after"):
            if k in b:
                self.publishing[k] = None if b[k] is None else int(b[k])
        return self.publishing

    def _admin_video_status(self, req):
        """Changes a video's status as its owner could in YouTube Studio: `{"id", "status": {...}}` (null removes)."""
        v = next(x for x in self.videos if x["id"] == req.admin_body["id"])
        for k, val in req.admin_body["status"].items():
            if k not in STATUS_WRITABLE | STATUS_READ_ONLY:
                raise ValueError(f"unknown status field {k}")
            if val is None:
                v["status"].pop(k, None)
            else:
                v["status"][k] = val
        return v["status"]

    def dispatch(self, req):
        self.publish_due()
        return super().dispatch(req)

    def publish_due(self):
        """A private video whose publishAt the emulator clock has passed becomes public (publishAt is cleared)."""
        now = self.emu.now()
        for v in self.videos:
            st = v["status"]
            at = parse_time(st.get("publishAt"))
            if st.get("privacyStatus") == "private" and at is not None and at <= now:
                st["privacyStatus"] = "public"
                st.pop("publishAt")

    def max_body(self, method: str, path: str) -> int:
        if method == "PUT" and path == "/upload/youtube/v3/videos":
            return MAX_CHUNK
        if method == "POST" and path == "/upload/youtube/v3/thumbnails/set":
            return MAX_THUMBNAIL + 1
        return super().max_body(method, path)

    def _auth(self, req: Request, scopes: set[str] = UPLOAD_SCOPES):
        """(token, None) or (None, 401 authError / 403 insufficientPermissions)."""
        t, why = self.emu.access(req)
        if why:
            return None, api_error(401, AUTH_ERROR, "authError", "UNAUTHENTICATED", location="Authorization",
                                   locationType="header")
        if not (scopes & set(t.scopes)):
            return None, api_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                                   "PERMISSION_DENIED")
        return t, None

    def start_upload(self, req: Request) -> Response:
        if req.q("uploadType") != "resumable":
            return api_error(400, "Invalid uploadType: this emulator takes resumable uploads", "invalidUploadType",
                             "INVALID_ARGUMENT")
        t, err = self._auth(req)
        if err:
            return err
        part = req.q("part") or ""
        if not part or not set(part.split(",")) <= {"snippet", "status", "id", "contentDetails", "localizations",
                                                     "recordingDetails"}:
            return api_error(400, "Required parameter: part", "required", "INVALID_ARGUMENT", location="part",
                             locationType="parameter")
        if self.publishing["quota_exceeded"]:
            return quota_error()
        length = req.header("X-Upload-Content-Length")
        if length is None or not length.isdigit() or int(length) <= 0:
            return api_error(400, "X-Upload-Content-Length must be the file size", "badRequest", "INVALID_ARGUMENT")
        ctype = req.header("X-Upload-Content-Type") or ""
        if not (ctype.startswith("video/") or ctype == "application/octet-stream"):
            return api_error(400, "Media type '" + ctype + "' is not supported.", "mediaBodyRequired",
                             "INVALID_ARGUMENT")
        if req.content_type != "application/json":
            return api_error(400, "The metadata must be application/json", "badContent", "INVALID_ARGUMENT")
        body = req.json()
        if not isinstance(body, dict):
            return api_error(400, "The request metadata is invalid.", "invalidMetadata", "INVALID_ARGUMENT")
        sn, st = body.get("snippet"), body.get("status") or {}
        if not isinstance(sn, dict) or not isinstance(st, dict):
            return api_error(400, "The request metadata is invalid.", "invalidMetadata", "INVALID_ARGUMENT")
        if "snippet" not in part.split(",") or ("status" in body and "status" not in part.split(",")):
            return api_error(400, "The part parameter must name every part in the body", "unexpectedPart",
                             "INVALID_ARGUMENT")
        title = sn.get("title")
        if not isinstance(title, str) or not title.strip():
            return api_error(400, "The request metadata specifies an invalid or empty video title.", "invalidTitle",
                             "INVALID_ARGUMENT")
        if len(title) > 100 or "<" in title or ">" in title:
            return api_error(400, "The request metadata specifies an invalid video title.", "invalidTitle",
                             "INVALID_ARGUMENT")
        desc = sn.get("description", "")
        if not isinstance(desc, str) or len(desc.encode()) > 5000 or "<" in desc or ">" in desc:
            return api_error(400, "The request metadata specifies an invalid video description.",
                             "invalidDescription", "INVALID_ARGUMENT")
        tags = sn.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(x, str) for x in tags) or sum(len(x) for x in tags) > 500:
            return api_error(400, "The request metadata specifies invalid video keywords.", "invalidTags",
                             "INVALID_ARGUMENT")
        cat = sn.get("categoryId")
        # videos.insert: "the snippet.categoryId property specifies an invalid category ID"; only a
        # category videoCategories.list marks assignable can be given to a video.
        if cat is not None and (not isinstance(cat, str) or cat not in ASSIGNABLE_CATEGORIES):
            return api_error(400, "The video category specified is invalid.", "invalidCategoryId",
                             "INVALID_ARGUMENT")
        kids = st.get("selfDeclaredMadeForKids")
        if kids is not None and not isinstance(kids, bool):
            return api_error(400, "The request metadata is invalid.", "invalidVideoMetadata", "INVALID_ARGUMENT")
        problem = self.status_problem(st)
        if problem:
            return problem
        limit = self.publishing["upload_limit"]
        if limit is not None and sum(1 for v in self.videos if v["channel"] == t.user["id"]) >= limit:
            return api_error(400, "The user has exceeded the number of videos they may upload.",
                             "uploadLimitExceeded", "INVALID_ARGUMENT", domain="youtube.video")
        if self.publishing["no_location"]:  # a broken answer: success without the session URL
            self.publishing["no_location"] = False
            return Response(200)
        sid = "ADPycd" + secrets.token_urlsafe(24)
        self.sessions[sid] = {"id": sid, "user": t.user["id"], "total": int(length), "received": 0,
                              "content_type": ctype, "metadata": body, "hash": hashlib.sha256(), "chunks": [],
                              "done": None, "status_queries": 0}
        loc = f"{UPLOAD_ORIGIN}/upload/youtube/v3/videos?uploadType=resumable&upload_id={sid}"
        return Response(200, b"", None, [("Location", loc), ("X-GUploader-UploadID", sid)])

    def status_problem(self, st: dict) -> Response | None:
        """The rules of video.status shared by videos.insert and videos.update."""
        privacy = st.get("privacyStatus", "public")
        if privacy not in ("public", "unlisted", "private"):
            return api_error(400, "The request metadata specifies an invalid privacy status.", "invalidVideoMetadata",
                             "INVALID_ARGUMENT")
        if "publishAt" in st:
            when = parse_time(st["publishAt"])
            if when is None:
                return invalid_publish_at()
            if privacy != "private":  # "can be set only if the privacy status of the video is private"
                return invalid_publish_at()
            if when <= self.emu.now():
                return invalid_publish_at("The scheduled publishing time must be in the future.")
        return None

    # -- videos.list / videos.update / videos.delete (GET|PUT|DELETE https://www.googleapis.com/youtube/v3/videos)
    def _manage_auth(self, req: Request, scopes: set[str]):
        t, err = self._auth(req, scopes)
        if err is None and self.publishing["quota_exceeded"]:
            return None, quota_error()
        return t, err

    def _parts(self, req: Request, allowed: set[str]):
        part = req.q("part")
        if not part:
            return None, api_error(400, "Required parameter: part", "required", "INVALID_ARGUMENT", location="part",
                                   locationType="parameter")
        parts = part.split(",")
        bad = [p for p in parts if p not in allowed]
        if bad:
            return None, api_error(400, f"'{bad[0]}'", "unknownPart", "INVALID_ARGUMENT", location="part",
                                   locationType="parameter")
        return parts, None

    def _video_json(self, v: dict, parts: list[str]) -> dict:
        out = {"kind": "youtube#video", "etag": secrets.token_urlsafe(12), "id": v["id"]}
        if "snippet" in parts:
            out["snippet"] = v["snippet"]
        if "status" in parts:
            out["status"] = dict(v["status"])
        return out

    def videos_list(self, req: Request) -> Response:
        t, err = self._manage_auth(req, READ_SCOPES)
        if err:
            return err
        parts, err = self._parts(req, VIDEO_PARTS)
        if err:
            return err
        filters = [f for f in ("chart", "id", "myRating") if req.q(f) is not None]
        if not filters:
            return api_error(400, "No filter selected. Expected one of: myRating, chart, id",
                             "missingRequiredParameter", "INVALID_ARGUMENT", location="parameters.",
                             locationType="other")
        if len(filters) > 1 or filters != ["id"]:
            return api_error(400, "Incompatible parameters specified in the request: " + ", ".join(filters),
                             "incompatibleParameters", "INVALID_ARGUMENT")  # [decision] only id= is emulated
        self.quota["videos.list"] += QUOTA_COST["videos.list"]
        ids = req.q("id").split(",")
        # Another channel's video is listed only when it is public; an unknown id is simply absent.
        items = [self._video_json(v, parts) for i in ids for v in self.videos
                 if v["id"] == i and (v["channel"] == t.user["id"] or v["status"]["privacyStatus"] == "public")]
        return json_response(200, {"kind": "youtube#videoListResponse", "etag": secrets.token_urlsafe(12),
                                   "items": items, "pageInfo": {"totalResults": len(items),
                                                                "resultsPerPage": len(items)}})

    def videos_update(self, req: Request) -> Response:
        t, err = self._manage_auth(req, MANAGE_SCOPES)
        if err:
            return err
        parts, err = self._parts(req, {"snippet", "status", "recordingDetails", "localizations", "id"})
        if err:
            return err
        if req.content_type != "application/json":
            return api_error(400, "The request body must be application/json", "badContent", "INVALID_ARGUMENT")
        body = req.json()
        if not isinstance(body, dict):
            return api_error(400, "The request metadata is invalid.", "invalidVideoMetadata", "INVALID_ARGUMENT")
        if parts != ["status"]:  # [decision] the emulator updates the status part only
            return api_error(400, "This emulator updates part=status only", "unexpectedPart", "INVALID_ARGUMENT")
        extra = set(body) - {"id", "kind", "etag", "status"}
        if extra:
            return api_error(400, f"The part parameter does not name '{sorted(extra)[0]}'", "unexpectedPart",
                             "INVALID_ARGUMENT")
        vid, st = body.get("id"), body.get("status")
        if not isinstance(vid, str) or not vid:
            return api_error(400, "Required parameter: id", "required", "INVALID_ARGUMENT", location="resource.id",
                             locationType="other")
        if not isinstance(st, dict):
            return api_error(400, "The request metadata is invalid.", "invalidVideoMetadata", "INVALID_ARGUMENT")
        for k, val in st.items():
            if k not in STATUS_WRITABLE | STATUS_READ_ONLY:
                return api_error(400, f"Invalid JSON payload received. Unknown name \"{k}\" at 'resource.status': "
                                 "Cannot find field.", "invalid", "INVALID_ARGUMENT")
            if k in ("embeddable", "publicStatsViewable", "selfDeclaredMadeForKids", "containsSyntheticMedia") \
                    and not isinstance(val, bool):
                return api_error(400, f"Invalid value at 'resource.status.{k}' (TYPE_BOOL)", "invalid",
                                 "INVALID_ARGUMENT")
        if "license" in st and st["license"] not in ("youtube", "creativeCommon"):
            return api_error(400, "The request metadata specifies an invalid license.", "invalidVideoMetadata",
                             "INVALID_ARGUMENT")
        v = next((x for x in self.videos if x["id"] == vid and x["channel"] == t.user["id"]), None)
        if v is None:
            return api_error(404, "The video that you are trying to update cannot be found. Check the value of the "
                             "id field in the request body to ensure that it is correct.", "videoNotFound",
                             "NOT_FOUND", domain="youtube.video")
        problem = self.status_problem(st)
        if problem:
            return problem
        self.quota["videos.update"] += QUOTA_COST["videos.update"]
        # The whole part is replaced: an omitted mutable property is removed (reverts to its default).
        new = {k: val for k, val in v["status"].items() if k in STATUS_READ_ONLY}
        new |= STATUS_DEFAULTS | {k: val for k, val in st.items() if k in STATUS_WRITABLE}
        if "publishAt" in new:
            new["publishAt"] = iso(parse_time(new["publishAt"]))
        v["status"] = new
        v.setdefault("updates", []).append(body)
        return json_response(200, self._video_json(v, ["status"]))

    def videos_delete(self, req: Request) -> Response:
        t, err = self._manage_auth(req, MANAGE_SCOPES)
        if err:
            return err
        vid = req.q("id")
        if not vid:
            return api_error(400, "Required parameter: id", "required", "INVALID_ARGUMENT", location="id",
                             locationType="parameter")
        v = next((x for x in self.videos if x["id"] == vid), None)
        if v is None:
            return api_error(404, "The video that you are trying to delete cannot be found. Check the value of the "
                             "id parameter in the request to ensure that it is correct.", "videoNotFound",
                             "NOT_FOUND", domain="youtube.video")
        if v["channel"] != t.user["id"]:
            return api_error(403, "The video that you are trying to delete cannot be deleted. The request might "
                             "not be properly authorized.", "forbidden", "PERMISSION_DENIED", domain="youtube.video")
        self.quota["videos.delete"] += QUOTA_COST["videos.delete"]
        self.videos.remove(v)
        self.deleted.append(v)
        return Response(204)

    def upload_chunk(self, req: Request) -> Response:
        sid = req.q("upload_id")
        s = self.sessions.get(sid or "")
        if req.q("uploadType") != "resumable" or s is None:
            return api_error(404, "Not Found", "notFound", "NOT_FOUND")
        if self.publishing["chunk_failures"] > 0:  # the upload service is failing (chunks and status queries)
            self.publishing["chunk_failures"] -= 1
            return self.server_error(503)
        total = s["total"]
        cr = req.header("Content-Range")
        data = req.body
        if cr is not None and re.fullmatch(r"bytes \*/\d+", cr):  # status query
            if data:
                return api_error(400, "A status query has no body", "badContent", "INVALID_ARGUMENT")
            if int(cr.split("/")[1]) != total:
                return api_error(400, "Content-Range total does not match the upload", "badContent",
                                 "INVALID_ARGUMENT")
            s["status_queries"] += 1
            if s["done"] is not None:
                return json_response(200, s["done"])
            return self._incomplete(s)
        if s["done"] is not None:
            return json_response(200, s["done"])
        if cr is None:  # the whole file in one request
            first, last = 0, len(data) - 1
            if len(data) != total:
                return api_error(400, "Without Content-Range the body must be the whole file", "badContent",
                                 "INVALID_ARGUMENT")
        else:
            m = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", cr)
            if not m:
                return api_error(400, "Malformed Content-Range", "badContent", "INVALID_ARGUMENT")
            first, last, tot = (int(x) for x in m.groups())
            if tot != total:
                return api_error(400, "Content-Range total does not match X-Upload-Content-Length", "badContent",
                                 "INVALID_ARGUMENT")
            if first != s["received"]:
                return api_error(400, f"Chunk starts at {first}; the server has {s['received']} bytes",
                                 "badContent", "INVALID_ARGUMENT")
            if last < first or last >= total or last - first + 1 != len(data):
                return api_error(400, "Content-Range does not match the body", "badContent", "INVALID_ARGUMENT")
            if last != total - 1 and len(data) % CHUNK_UNIT:
                return api_error(400, "Every chunk but the last must be a multiple of 256 KiB", "badContent",
                                 "INVALID_ARGUMENT")
        drop = self.publishing["drop_after"]
        if drop is not None and first < drop <= last:
            keep = drop - first  # the server kept part of the chunk, then the connection broke
            s["hash"].update(data[:keep])
            s["received"] += keep
            s["chunks"].append({"first": first, "last": last, "kept": keep})
            self.publishing["drop_after"] = None
            r = Response(0)
            r.drop = True
            return r
        s["hash"].update(data)
        s["received"] += len(data)
        s["chunks"].append({"first": first, "last": last, "kept": len(data)})
        if s["received"] < total:
            return self._incomplete(s)
        return self._finish(s)

    def _incomplete(self, s) -> Response:
        headers = [("X-GUploader-UploadID", s["id"])]
        if s["received"] > 0:
            headers.append(("Range", f"bytes=0-{s['received'] - 1}"))
        return Response(308, b"", None, headers)

    def _finish(self, s) -> Response:
        vid = "vid" + f"{next(self.video_ids):08d}"
        meta = s["metadata"]
        status = STATUS_DEFAULTS | (meta.get("status") or {}) | {"uploadStatus": "uploaded"}
        sn = dict(meta["snippet"])
        sn.update(publishedAt=datetime.utcfromtimestamp(self.emu.now()).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  channelId=s["user"], categoryId=sn.get("categoryId", "22"))
        resource = {"kind": "youtube#video", "etag": secrets.token_urlsafe(12), "id": vid, "snippet": sn,
                    "status": status}
        s["done"] = resource
        self.videos.append({"id": vid, "channel": s["user"], "bytes": s["received"],
                            "sha256": s["hash"].hexdigest(), "content_type": s["content_type"], "metadata": meta,
                            "chunks": s["chunks"], "status_queries": s["status_queries"], "thumbnail": None,
                            "snippet": sn,
                            "status": dict(status, madeForKids=status.get("selfDeclaredMadeForKids") is True)})
        if "publishAt" in status:  # stored as YouTube answers it
            self.videos[-1]["status"]["publishAt"] = iso(parse_time(status["publishAt"]))
        return json_response(200, resource)

    def set_thumbnail(self, req: Request) -> Response:
        t, err = self._auth(req)
        if err:
            return err
        vid = req.q("videoId")
        video = next((v for v in self.videos if v["id"] == vid), None)
        if video is None or video["channel"] != t.user["id"]:
            return api_error(404, "The video that you are trying to update cannot be found.", "videoNotFound",
                             "NOT_FOUND", domain="youtube.thumbnail")
        if req.content_type not in ("image/jpeg", "image/png", "application/octet-stream"):
            return api_error(400, "The thumbnail's media type is not supported.", "invalidImage", "INVALID_ARGUMENT",
                             domain="youtube.thumbnail")
        if len(req.body) > MAX_THUMBNAIL:
            return api_error(400, "The thumbnail image file is too large.", "mediaBodyTooLarge", "INVALID_ARGUMENT")
        if not req.body.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
            return api_error(400, "The thumbnail image is invalid.", "invalidImage", "INVALID_ARGUMENT",
                             domain="youtube.thumbnail")
        video["thumbnail"] = {"bytes": len(req.body), "sha256": hashlib.sha256(req.body).hexdigest(),
                              "content_type": req.content_type}
        url = f"https://i.ytimg.com/vi/{vid}/default.jpg"
        return json_response(200, {"kind": "youtube#thumbnailSetResponse", "etag": secrets.token_urlsafe(12),
                                   "items": [{"default": {"url": url, "width": 120, "height": 90}}]})


class YouTube(YouTubeInbox, Publishing, Platform):
    name = "youtube"

    def setup(self):
        self.route("GET", r"/o/oauth2/v2/auth", self.authorize_ep)
        self.route("POST", r"/token", self.token)
        self.route("POST", r"/revoke", self.revoke)
        self.route("GET", r"/youtube/v3/channels", self.channels)
        # Publishing (reference §6): resumable upload and thumbnails.
        self.route("POST", r"/upload/youtube/v3/videos", self.start_upload)
        self.route("PUT", r"/upload/youtube/v3/videos", self.upload_chunk)
        self.route("POST", r"/upload/youtube/v3/thumbnails/set", self.set_thumbnail)
        self.route("GET", r"/youtube/v3/videos", self.videos_list)
        self.route("PUT", r"/youtube/v3/videos", self.videos_update)
        self.route("DELETE", r"/youtube/v3/videos", self.videos_delete)
        self.inbox_routes()  # comments, statistics, YouTube Analytics (youtube_inbox.py)
        self.reset()

    def default_user(self):
        return {"id": "UCoutpostTester0000000001", "name": "Outpost Tester", "username": "outposttester",
                "avatar_url": "https://yt3.ggpht.com/test=s88-c-k-c0x00ffffff-no-rj"}

    def not_found(self, req):
        return api_error(404, "Not Found", "notFound", "NOT_FOUND")

    def method_not_allowed(self, req):
        return api_error(405, f"Method {req.method} not allowed", "httpMethodNotAllowed", "METHOD_NOT_ALLOWED")

    def server_error(self, status):
        if status >= 500:
            return api_error(status, "The service is currently unavailable.", "backendError", "UNAVAILABLE")
        return api_error(status, "Rate Limit Exceeded", "rateLimitExceeded", "RESOURCE_EXHAUSTED")

    def bad_request(self, req, message):
        if req.path.startswith("/youtube/"):
            return api_error(400, message, "badRequest", "INVALID_ARGUMENT")
        return oauth_error(400, "invalid_request", message)

    def make_code(self):
        return "4/0A" + secrets.token_urlsafe(48)

    def authorize_ep(self, req: Request) -> Response:
        def check(r: Request, app):
            at = r.q("access_type")
            if at not in (None, "online", "offline"):
                return "Invalid access_type: must be online or offline"
            prompt = r.q("prompt")
            if prompt is not None and not set(prompt.split(" ")) <= {"none", "consent", "select_account"}:
                return "Invalid prompt value"
            return None

        # Loopback any port (RFC 8252 §7.3), PKCE S256 required by the contract.
        return self.authorize(req, redirect_match="loopback", pkce="s256", scope_sep=" ", known_scopes=SCOPES,
                              extra_check=check, offline=req.q("access_type") == "offline")

    def client(self, req: Request):
        app = self.app(req.f("client_id"))
        if app is None:
            return None, oauth_error(401, "invalid_client", "The OAuth client was not found.")
        sec = req.f("client_secret")
        # Desktop clients have a (non-confidential) secret, and Google's token endpoint requires it.
        if not app.client_secret or not sec or not secrets.compare_digest(sec, app.client_secret):
            return None, oauth_error(401, "invalid_client", "Unauthorized")
        return app, None

    def token(self, req: Request) -> Response:
        self.require_form(req)
        gt = req.f("grant_type")
        if gt not in ("authorization_code", "refresh_token"):
            return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + (gt or ""))
        app, err = self.client(req)
        if err:
            return err
        if gt == "authorization_code":
            if not req.f("code"):
                return oauth_error(400, "invalid_request", "Missing required parameter: code")
            if not req.f("redirect_uri"):
                return oauth_error(400, "invalid_request", "Missing parameter: redirect_uri")
            code, why = self.emu.redeem_code(req.f("code"), app.client_id, req.f("redirect_uri"),
                                             req.f("code_verifier"), "s256")
            if why == "redirect":
                return oauth_error(400, "redirect_uri_mismatch", "Bad Request")
            if why == "verifier_missing":
                return oauth_error(400, "invalid_grant", "Missing code verifier.")
            if why == "verifier":
                return oauth_error(400, "invalid_grant", "Invalid code verifier.")
            if why:
                return oauth_error(400, "invalid_grant", "Bad Request")
            g = self.emu.grants[code.grant_id]
            access = self.emu.issue_token("access", g, "ya29." + secrets.token_urlsafe(96), ACCESS_TTL)
            out = {"access_token": access.value, "expires_in": ACCESS_TTL, "scope": " ".join(g.scopes),
                   "token_type": "Bearer"}
            if g.extra.get("offline"):  # refresh tokens only with access_type=offline
                out["refresh_token"] = self.emu.issue_token("refresh", g, "1//0" + secrets.token_urlsafe(64),
                                                            None).value
            return json_response(200, out)
        rt, why = self.emu.lookup(req.f("refresh_token"), "refresh", app.client_id)
        if why in ("missing",):
            return oauth_error(400, "invalid_request", "Missing required parameter: refresh_token")
        if why:
            return oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
        self.emu.counters["refreshes"] += 1
        access = self.emu.issue_token("access", rt.grant, "ya29." + secrets.token_urlsafe(96), ACCESS_TTL)
        # The refresh token never rotates: no refresh_token in the answer.
        return json_response(200, {"access_token": access.value, "expires_in": ACCESS_TTL,
                                   "scope": " ".join(rt.grant.scopes), "token_type": "Bearer"})

    def revoke(self, req: Request) -> Response:
        self.require_form(req)
        value = req.f("token")
        t = self.emu.tokens.get(value or "")
        if t is None or t.revoked or t.superseded or (t.expires_at is not None and self.emu.now() >= t.expires_at):
            return oauth_error(400, "invalid_token", "Token expired or revoked")
        self.emu.revoke_grant(t.grant.id, "user")  # revoking either token revokes the grant
        return json_response(200, {})

    def channels(self, req: Request) -> Response:
        t, why = self.emu.access(req)
        if why:
            return api_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                             "login cookie or other valid authentication credential. See "
                             "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                             "authError", "UNAUTHENTICATED", location="Authorization", locationType="header")
        part = req.q("part")
        if not part:
            return api_error(400, "Required parameter: part", "required", "INVALID_ARGUMENT",
                             location="part", locationType="parameter")
        parts = part.split(",")
        bad = [p for p in parts if p not in ("snippet", "id", "contentDetails", "statistics", "brandingSettings",
                                             "status", "topicDetails", "localizations")]
        if bad:
            return api_error(400, f"'{bad[0]}'", "unknownPart", "INVALID_ARGUMENT", location="part",
                             locationType="parameter")
        if req.q("mine") != "true":
            return api_error(400, "No filter selected. Expected one of: forUsername, managedByMe, id, mine, "
                             "forHandle, categoryId", "missingRequiredParameter", "INVALID_ARGUMENT",
                             location="parameters.", locationType="other")
        if not (READ_SCOPES & set(t.scopes)):
            return api_error(403, "Request had insufficient authentication scopes.", "insufficientPermissions",
                             "PERMISSION_DENIED")
        u = t.user
        item = {"kind": "youtube#channel", "etag": secrets.token_urlsafe(12), "id": u["id"]}
        if "snippet" in parts:
            thumbs = {k: {"url": u["avatar_url"], "width": w, "height": w}
                      for k, w in (("default", 88), ("medium", 240), ("high", 800))}
            item["snippet"] = {"title": u["name"], "description": "", "customUrl": "@" + u["username"],
                               "publishedAt": "2020-01-01T00:00:00Z", "thumbnails": thumbs,
                               "localized": {"title": u["name"], "description": ""}}
        if "statistics" in parts:
            err = self._spend("channels.list")
            if err:
                return err
            item["statistics"] = self.channel_statistics()
        return json_response(200, {"kind": "youtube#channelListResponse", "etag": secrets.token_urlsafe(12),
                                   "pageInfo": {"totalResults": 1, "resultsPerPage": 5}, "items": [item]})
