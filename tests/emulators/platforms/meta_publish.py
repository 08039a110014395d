"""Publishing side of the Meta emulators (reference §3 Facebook Pages, §4 Instagram, §5 Threads):
Graph error bodies and usage headers, throttling injection, Facebook Page feed/photos/resumable
videos with native scheduling, and the Instagram/Threads container state machine. Containers FETCH
their media from the given URL (HTTP GET) and fail when it cannot be fetched, so a test proves the
media host URL really serves the file. Mixed into the classes of `meta.py`."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import secrets
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from core import BadRequest, Grant, Request, Response, json_response

DAY = 86400
# Facebook native scheduling window [U: reference §3, 10 minutes to 30 days].
MIN_SCHEDULE = 600
MAX_SCHEDULE = 30 * DAY
FB_VIDEO_CHUNK = 1024 * 1024  # [decision] the byte range the emulator asks for per transfer
FB_MAX_PHOTO = 10 * 1024 * 1024
FB_MAX_VIDEO = 10 * 1024 * 1024 * 1024
CONTAINER_TTL = DAY  # containers not published within 24 h expire
FETCH_LIMIT = 64 * 1024 * 1024  # the emulator reads at most this much of a media URL
IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png", b"GIF87a": "image/gif",
               b"GIF89a": "image/gif", b"BM": "image/bmp", b"II*\x00": "image/tiff", b"MM\x00*": "image/tiff"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _meta_error(message, code, subcode=None, status=400, type_="OAuthException", headers=None, user_msg=None):
    err = {"message": message, "type": type_, "code": code}
    if subcode is not None:
        err["error_subcode"] = subcode
    if user_msg:
        err["error_user_title"] = "Error"
        err["error_user_msg"] = user_msg
    err["fbtrace_id"] = secrets.token_urlsafe(9)
    return json_response(status, {"error": err}, headers)


def sniff_image(data: bytes) -> str | None:
    for magic, mime in IMAGE_MAGIC.items():
        if data.startswith(magic):
            return mime
    return None


def is_video(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp"


def fetch(url: str) -> tuple[bytes | None, str]:
    """GETs a media URL as Meta's fetcher would. [decision] the emulator only fetches loopback
    addresses (it runs in tests only); anything else fails the container like an unreachable URL."""
    try:
        u = urlsplit(url)
    except ValueError:
        return None, "the media URL is malformed"
    if u.scheme not in ("http", "https") or not u.hostname:
        return None, "the media URL must be http(s)"
    if u.hostname not in LOOPBACK:
        return None, "the media URL is not reachable from the emulator (loopback only)"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, method="GET"), timeout=10) as r:
            if r.status != 200:
                return None, f"the media URL answered HTTP {r.status}"
            data = r.read(FETCH_LIMIT + 1)
    except urllib.error.HTTPError as e:
        return None, f"the media URL answered HTTP {e.code}"
    except (urllib.error.URLError, OSError) as e:
        return None, f"the media URL could not be fetched ({e.__class__.__name__})"
    if len(data) > FETCH_LIMIT or not data:
        return None, "the media is empty or too large"
    return data, ""


class GraphPublishing:
    """Shared: the token, parameters (query or form or multipart fields), throttling with usage headers."""

    version = "v23.0"
    throttle_codes = {4: "Application request limit reached", 17: "User request limit reached",
                      32: "Page request limit reached", 613: "Calls to this api have exceeded the rate limit.",
                      80001: "There have been too many calls to this Page account. Wait a bit and try again.",
                      80002: "There have been too many calls to this Instagram account. Wait a bit and try again."}

    def reset(self):
        self.throttle = None
        self.posts: list[dict] = []
        self.ids = itertools.count(int("17900000000000001") + secrets.randbelow(10**6) * 10**6)

    def new_id(self) -> str:
        return str(next(self.ids))

    def publish_admin_routes(self) -> dict:
        return {"throttle": ("POST", self._admin_throttle), "posts": ("GET", lambda r: self.admin_posts())}

    def admin_posts(self):
        return self.posts

    def _admin_throttle(self, req):
        """`{"code": 4|17|32|613|80001|80002, "times": N, "header": "buc"|"app", "minutes": M}`: the next N
        Graph calls fail with Meta's throttling error and usage headers (BUC with
        estimated_time_to_regain_access = M, or X-App-Usage at 100%)."""
        b = req.admin_body
        code = int(b["code"])
        if code not in self.throttle_codes:
            raise ValueError(f"code must be one of {sorted(self.throttle_codes)}")
        header = b.get("header", "buc")
        if header not in ("buc", "app"):
            raise ValueError("header must be buc or app")
        self.throttle = {"code": code, "times": int(b.get("times", 1)), "header": header,
                         "minutes": int(b.get("minutes", 0))}
        return self.throttle

    def usage_headers(self, full: bool, minutes: int = 0) -> list[tuple[str, str]]:
        pct = 100 if full else 7
        if self.throttle and self.throttle["header"] == "app" and full:
            return [("X-App-Usage", json.dumps({"call_count": pct, "total_cputime": 12, "total_time": 15}))]
        kind = "instagram" if self.name == "instagram" else "pages"
        owner = str((self.emu.user.get("pages") or [{"id": self.emu.user["id"]}])[0]["id"])
        return [("X-Business-Use-Case-Usage", json.dumps({owner: [{
            "type": kind, "call_count": pct, "total_cputime": 3, "total_time": 4,
            "estimated_time_to_regain_access": minutes}]}))]

    def graph_call(self, req: Request) -> Response | None:
        """Throttling injection for Graph paths (not OAuth); None to go on."""
        if not req.path.startswith(f"/{self.version}/") or "/oauth/" in req.path or "/dialog/" in req.path:
            return None
        t = self.throttle
        if t and t["times"] > 0:
            t["times"] -= 1
            return _meta_error(f"({'#' + str(t['code'])}) {self.throttle_codes[t['code']]}", t["code"],
                               status=400 if t["code"] != 4 else 403,
                               headers=self.usage_headers(True, t["minutes"]))
        return None

    def params(self, req: Request) -> dict[str, str]:
        """Graph takes parameters in the query, a form body or multipart text fields (never repeated)."""
        out: dict[str, str] = {}
        for k in req.query_lists:
            out[k] = req.q(k)
        if req.is_form():
            for k in req.form_lists:
                if k in out:
                    raise BadRequest(f"parameter {k} given twice")
                out[k] = req.f(k)
        elif req.content_type == "multipart/form-data":
            for k, part in req.multipart().items():
                if part["filename"] is None:
                    if k in out:
                        raise BadRequest(f"parameter {k} given twice")
                    out[k] = part["data"].decode("utf-8", "replace")
        elif req.body and req.method != "DELETE":
            raise BadRequest("parameters must be form-encoded or multipart")
        if "access_token" in out:
            # [decision] Outpost sends the token in the Authorization header; the emulator refuses it in
            # parameters so a token never lands in a logged URL.
            raise BadRequest("send the access token in the Authorization header")
        return out

    def auth(self, req: Request):
        t, why = self.emu.access(req)
        if why:
            return None, self.token_error(why, t)
        return t, None


# ---------------------------------------------------------------------------------------------------
# Facebook Pages


class FacebookPublishing(GraphPublishing):
    def setup_publishing(self):
        v = self.version.replace(".", r"\.")
        self.route("POST", rf"/{v}/(\d+)/feed", self.feed)
        self.route("POST", rf"/{v}/(\d+)/photos", self.photos)
        self.route("POST", rf"/{v}/(\d+)/videos", self.videos)
        self.route("POST", rf"/{v}/([\d_]+)/comments", self.comment)
        self.route("POST", rf"/{v}/([\d_]+)", self.update)
        self.route("DELETE", rf"/{v}/([\d_]+)", self.delete)

    def reset(self):
        super().reset()
        self.photos_: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.comments: list[dict] = []

    def admin_routes(self) -> dict:
        return {**self.publish_admin_routes(), "token": ("POST", self._admin_token),
                "photos": ("GET", lambda r: list(self.photos_.values())),
                "comments": ("GET", lambda r: self.comments)}

    def admin_posts(self):
        now = self.emu.now()
        out = []
        for p in self.posts:
            q = {k: v for k, v in p.items() if k != "data"}
            q["is_published"] = p["published"] or (p["scheduled_publish_time"] is not None
                                                   and p["scheduled_publish_time"] <= now and not p["deleted"])
            out.append(q)
        return out

    def max_body(self, method, path):
        if method == "POST" and re.fullmatch(r"/v23\.0/\d+/(photos|videos)", path):
            return max(FB_MAX_PHOTO, FB_VIDEO_CHUNK) + 64 * 1024
        return super().max_body(method, path)

    def dispatch(self, req):
        return self.graph_call(req) or super().dispatch(req)

    def _admin_token(self, req):
        """A Page token for page `page_id` (default: the user's first page) without signing in."""
        scopes = req.admin_body.get("scopes", ["pages_show_list", "pages_manage_posts", "pages_read_engagement",
                                               "pages_manage_engagement", "publish_video"])
        pages = self.emu.user.get("pages") or []
        pid = str(req.admin_body.get("page_id", pages[0]["id"]))
        page = next((p for p in pages if str(p["id"]) == pid), {"id": pid, "name": "Other page"})
        g = Grant(secrets.token_hex(8), "test-client", dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        user = self.emu.issue_token("access", g, self.make_token(), None, stage="long")
        t = self.emu.issue_token("access", g, self.make_token(), None, page={"id": str(page["id"]),
                                                                            "name": page["name"]})
        return {"access_token": t.value, "page_id": str(page["id"]), "user_token": user.value}

    def page_guard(self, req: Request, page_id: str, permission: str = "pages_manage_posts"):
        t, err = self.auth(req)
        if err:
            return None, err
        page = t.extra.get("page")
        if not page or page["id"] != page_id:
            return None, _meta_error("(#200) If posting to a page, requires both pages_read_engagement and "
                                     "pages_manage_posts as an admin with sufficient administrative permission", 200,
                                     status=403)
        if permission not in t.scopes:
            return None, _meta_error(f"(#200) The permission {permission} is required", 200, status=403)
        return t, None

    def schedule(self, p: dict[str, str]):
        """(published, scheduled_publish_time) from the parameters, or an error response."""
        pub = p.get("published", "true")
        if pub not in ("true", "false"):
            return None, _meta_error("(#100) Param published must be a boolean", 100)
        at = p.get("scheduled_publish_time")
        if at is None:
            return (pub == "true", None), None
        if pub != "false":
            return None, _meta_error("(#100) You cannot specify a scheduled publish time on a published post", 100)
        if not at.isdigit():
            return None, _meta_error("(#100) Param scheduled_publish_time must be a UNIX timestamp", 100)
        at = int(at)
        now = self.emu.now()
        if not (now + MIN_SCHEDULE <= at <= now + MAX_SCHEDULE):
            return None, _meta_error("(#100) The specified scheduled publish time is invalid.", 100, 1363019,
                                     user_msg="The scheduled time must be between 10 minutes and 30 days from now.")
        return (False, at), None

    def new_post(self, page_id, kind, message, published, at, **extra) -> dict:
        pid = f"{page_id}_{self.new_id()}" if kind != "video" else extra.pop("video_id")
        post = {"id": pid, "page": page_id, "kind": kind, "message": message, "published": published,
                "scheduled_publish_time": at, "deleted": False, **extra}
        self.posts.append(post)
        return post

    def feed(self, req: Request) -> Response:
        page_id = req.match.group(1)
        t, err = self.page_guard(req, page_id)
        if err:
            return err
        p = self.params(req)
        sched, err = self.schedule(p)
        if err:
            return err
        message, link = p.get("message", ""), p.get("link")
        if link is not None:
            u = urlsplit(link)
            if u.scheme not in ("http", "https") or not u.hostname:
                return _meta_error("(#100) link URL is not properly formatted", 100)
        media = []
        keys = sorted((k for k in p if k.startswith("attached_media")),
                      key=lambda k: int(re.fullmatch(r"attached_media\[(\d+)\]", k).group(1))
                      if re.fullmatch(r"attached_media\[(\d+)\]", k) else -1)
        for i, k in enumerate(keys):
            if k != f"attached_media[{i}]":
                return _meta_error(f"(#100) Invalid parameter {k}", 100)
            try:
                fbid = json.loads(p[k])["media_fbid"]
            except (ValueError, KeyError, TypeError):
                return _meta_error('(#100) attached_media must be {"media_fbid":"<id>"}', 100)
            photo = self.photos_.get(str(fbid))
            if photo is None or photo["page"] != page_id or photo["published"]:
                return _meta_error(f"(#100) media_fbid {fbid} is not an unpublished photo of this Page", 100)
            if photo["used"]:
                return _meta_error(f"(#100) media_fbid {fbid} is already attached to a post", 100)
            if sched[1] is not None and not photo["temporary"]:
                return _meta_error("(#100) Photos of a scheduled post must be uploaded with temporary=true", 100)
            media.append(photo)
        if link and media:
            return _meta_error("(#100) A post cannot have both a link and attached media", 100)
        if not message.strip() and not link and not media:
            return _meta_error("(#100) Missing message or attachment", 100)
        if len(message) > 63206:
            return _meta_error("(#100) The message is too long", 100)
        for m in media:
            m["used"] = True
        post = self.new_post(page_id, "photos" if media else "feed", message, *sched, link=link,
                             photos=[{"id": m["id"], "sha256": m["sha256"], "alt": m["alt"]} for m in media])
        return json_response(200, {"id": post["id"]}, self.usage_headers(False))

    def photos(self, req: Request) -> Response:
        page_id = req.match.group(1)
        t, err = self.page_guard(req, page_id)
        if err:
            return err
        if req.content_type != "multipart/form-data":
            return _meta_error("(#324) Requires upload file", 324)
        parts = req.multipart()
        p = self.params(req)
        src = parts.get("source")
        if src is None or src["filename"] is None:
            return _meta_error("(#324) Requires upload file", 324)
        data = src["data"]
        if sniff_image(data) is None:
            return _meta_error("(#324) Missing or invalid image file", 324)
        if len(data) > FB_MAX_PHOTO:
            return _meta_error("(#100) The photo is too large", 100)
        sched, err = self.schedule(p)
        if err:
            return err
        temporary = p.get("temporary", "false")
        if temporary not in ("true", "false"):
            return _meta_error("(#100) Param temporary must be a boolean", 100)
        if temporary == "true" and (sched[0] or sched[1] is not None):
            return _meta_error("(#100) temporary applies to unpublished photos for a later post", 100)
        alt = p.get("alt_text_custom")
        photo = {"id": self.new_id(), "page": page_id, "published": sched[0] or sched[1] is not None,
                 "temporary": temporary == "true", "used": False, "sha256": hashlib.sha256(data).hexdigest(),
                 "bytes": len(data), "alt": alt, "message": p.get("message", "")}
        self.photos_[photo["id"]] = photo
        out = {"id": photo["id"]}
        if photo["published"]:
            post = self.new_post(page_id, "photo", photo["message"], *sched,
                                 photos=[{"id": photo["id"], "sha256": photo["sha256"], "alt": alt}])
            photo["used"] = True
            out["post_id"] = post["id"]
        return json_response(200, out, self.usage_headers(False))

    def videos(self, req: Request) -> Response:
        page_id = req.match.group(1)
        t, err = self.page_guard(req, page_id, "publish_video")
        if err:
            return err
        p = self.params(req)
        phase = p.get("upload_phase")
        if phase == "start":
            size = p.get("file_size", "")
            if not size.isdigit() or int(size) <= 0:
                return _meta_error("(#100) file_size must be a positive integer", 100)
            if int(size) > FB_MAX_VIDEO:
                return _meta_error("(#100) The video file is too large", 100, 1363023)
            sid, vid = self.new_id(), self.new_id()
            self.sessions[sid] = {"page": page_id, "video_id": vid, "size": int(size), "data": bytearray(),
                                  "finished": False}
            return json_response(200, {"video_id": vid, "upload_session_id": sid, "start_offset": "0",
                                       "end_offset": str(min(FB_VIDEO_CHUNK, int(size)))})
        s = self.sessions.get(p.get("upload_session_id") or "")
        if phase in ("transfer", "finish") and (s is None or s["page"] != page_id):
            return _meta_error("(#6000) There was a problem uploading your video file. Please try again.", 6000,
                               1363037)
        if phase == "transfer":
            if req.content_type != "multipart/form-data":
                return _meta_error("(#100) video_file_chunk must be a multipart file", 100)
            chunk = req.multipart().get("video_file_chunk")
            if chunk is None or chunk["filename"] is None:
                return _meta_error("(#100) video_file_chunk is required", 100)
            start = len(s["data"])
            if p.get("start_offset") != str(start):
                return _meta_error(f"(#6001) start_offset must be {start}", 6001, 1363030)
            want = min(FB_VIDEO_CHUNK, s["size"] - start)
            if len(chunk["data"]) != want:
                return _meta_error(f"(#6001) The chunk must be bytes {start}-{start + want - 1}", 6001, 1363030)
            s["data"] += chunk["data"]
            nxt = len(s["data"])
            return json_response(200, {"start_offset": str(nxt),
                                       "end_offset": str(min(nxt + FB_VIDEO_CHUNK, s["size"]))})
        if phase == "finish":
            if len(s["data"]) != s["size"] or s["finished"]:
                return _meta_error("(#6000) The video upload is incomplete", 6000, 1363037)
            if not is_video(bytes(s["data"])):
                return _meta_error("(#352) Sorry, the video file you selected is in a format that we don't "
                                   "support.", 352)
            sched, err = self.schedule(p)
            if err:
                return err
            s["finished"] = True
            self.new_post(page_id, "video", p.get("description", ""), *sched, video_id=s["video_id"],
                          title=p.get("title"), sha256=hashlib.sha256(bytes(s["data"])).hexdigest(),
                          bytes=s["size"])
            s["data"] = bytearray()
            return json_response(200, {"success": True})
        return _meta_error("(#100) upload_phase must be start, transfer or finish", 100)

    def find(self, oid: str):
        return next((x for x in self.posts if x["id"] == oid and not x["deleted"]), None)

    def missing(self, oid: str, verb: str) -> Response:
        return _meta_error(f"Unsupported {verb} request. Object with ID '{oid}' does not exist, cannot be loaded "
                           "due to missing permissions, or does not support this operation.", 100, 33,
                           type_="GraphMethodException")

    def update(self, req: Request) -> Response:
        oid = req.match.group(1)
        post = self.find(oid)
        if post is None:
            return self.missing(oid, "post")
        t, err = self.page_guard(req, post["page"])
        if err:
            return err
        p = self.params(req)
        if set(p) != {"scheduled_publish_time"}:
            return _meta_error("(#100) Only scheduled_publish_time can be changed here", 100)
        if post["published"] or (post["scheduled_publish_time"] or 0) <= self.emu.now():
            return _meta_error("(#100) The post is already published and cannot be rescheduled", 100)
        sched, err = self.schedule({"published": "false", **p})
        if err:
            return err
        post["scheduled_publish_time"] = sched[1]
        post.setdefault("reschedules", 0)
        post["reschedules"] += 1
        return json_response(200, {"success": True})

    def delete(self, req: Request) -> Response:
        oid = req.match.group(1)
        post = self.find(oid)
        if post is None:
            return self.missing(oid, "delete")
        t, err = self.page_guard(req, post["page"])
        if err:
            return err
        post["deleted"] = True
        return json_response(200, {"success": True})

    def comment(self, req: Request) -> Response:
        oid = req.match.group(1)
        post = self.find(oid)
        if post is None:
            return self.missing(oid, "post")
        t, err = self.page_guard(req, post["page"], "pages_manage_engagement")
        if err:
            return err
        published = post["published"] or (post["scheduled_publish_time"] or 1e18) <= self.emu.now()
        if not published:
            return _meta_error("(#100) Cannot comment on an unpublished post", 100)
        msg = self.params(req).get("message", "")
        if not msg.strip():
            return _meta_error("(#100) The parameter message is required", 100)
        c = {"id": f"{oid}_{self.new_id()}", "post": oid, "message": msg, "from": post["page"]}
        self.comments.append(c)
        return json_response(200, {"id": c["id"]})


# ---------------------------------------------------------------------------------------------------
# Instagram and Threads: containers


class ContainerPublishing(GraphPublishing):
    create_edge = ""
    publish_edge = ""
    limit_edge = ""
    state_field = ""
    error_field = ""
    publish_scope = ""
    max_text = 0
    max_children = 0

    def setup_publishing(self):
        v = self.version.replace(".", r"\.")
        self.route("POST", rf"/{v}/(\d+)/{self.create_edge}", self.create)
        self.route("POST", rf"/{v}/(\d+)/{self.publish_edge}", self.publish)
        self.route("GET", rf"/{v}/(\d+)/{self.limit_edge}", self.limit)
        self.route("GET", rf"/{v}/(\d+)", self.read)

    def reset(self):
        super().reset()
        self.containers: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.processing = {"polls": 1, "outcome": "FINISHED"}
        self.quota = {"usage": 0, "total": self.default_quota, "reply_usage": 0, "reply_total": 1000}

    def admin_routes(self) -> dict:
        return {**self.publish_admin_routes(), "token": ("POST", self._admin_token),
                "processing": ("POST", self._admin_processing), "quota": ("POST", self._admin_quota),
                "containers": ("GET", lambda r: [{k: v for k, v in c.items()} for c in self.containers.values()])}

    def admin_posts(self):
        return list(self.media.values())

    def dispatch(self, req):
        return self.graph_call(req) or super().dispatch(req)

    def _admin_token(self, req):
        scopes = req.admin_body.get("scopes", sorted(self.known_publish_scopes))
        g = Grant(secrets.token_hex(8), "test-client", dict(self.emu.user), list(scopes))
        self.emu.grants[g.id] = g
        t = self.emu.issue_token("access", g, self.make_token(), 5183944, stage="long")
        return {"access_token": t.value, "user_id": self.emu.user["id"]}

    def _admin_processing(self, req):
        """`{"polls": N, "outcome": "FINISHED"|"ERROR"|"EXPIRED"}` for containers created afterwards:
        IN_PROGRESS for N status reads, then the outcome."""
        b = req.admin_body
        if "polls" in b:
            self.processing["polls"] = int(b["polls"])
        if "outcome" in b:
            if b["outcome"] not in ("FINISHED", "ERROR", "EXPIRED"):
                raise ValueError("outcome must be FINISHED, ERROR or EXPIRED")
            self.processing["outcome"] = b["outcome"]
        return self.processing

    def _admin_quota(self, req):
        for k in ("usage", "total", "reply_usage", "reply_total"):
            if k in req.admin_body:
                self.quota[k] = int(req.admin_body[k])
        return self.quota

    def user_guard(self, req: Request, user_id: str, scope: str | None = None):
        t, err = self.auth(req)
        if err:
            return None, err
        if t.user["id"] != user_id:
            return None, _meta_error(f"Unsupported post request. Object with ID '{user_id}' does not exist, "
                                     "cannot be loaded due to missing permissions, or does not support this "
                                     "operation.", 100, 33, type_="GraphMethodException")
        scope = scope or self.publish_scope
        if scope not in t.scopes:
            return None, _meta_error("(#10) Application does not have permission for this action", 10, status=403)
        return t, None

    def fetch_media(self, url: str | None, kind: str):
        """(data info, error message). The emulator GETs the URL now, as Meta's fetcher does."""
        if not url:
            return None, f"{kind}_url is required"
        data, why = fetch(url)
        if data is None:
            return None, why
        if kind == "image":
            mime = sniff_image(data)
            if mime not in self.image_types:
                return None, "the image is not a supported format"
        elif not is_video(data):
            return None, "the video is not MP4/MOV"
        return {"url": url, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}, ""

    def new_container(self, user_id: str, **fields) -> dict:
        c = {"id": self.new_id(), "user": user_id, "created": self.emu.now(), "state": "IN_PROGRESS",
             "polls_left": self.processing["polls"], "outcome": self.processing["outcome"], "error": None,
             "published": False, **fields}
        self.containers[c["id"]] = c
        return c

    def state(self, c: dict) -> str:
        if c["published"]:
            return "PUBLISHED"
        if self.emu.now() - c["created"] > CONTAINER_TTL:
            c["state"] = "EXPIRED"
        return c["state"]

    def read(self, req: Request) -> Response:
        oid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        fields = self.fields(req, ["id"])
        c = self.containers.get(oid)
        if c is not None and c["user"] == t.user["id"]:
            if c["state"] == "IN_PROGRESS":
                if c["polls_left"] > 0:
                    c["polls_left"] -= 1
                else:
                    c["state"] = c["outcome"]
                    if c["outcome"] == "ERROR" and not c["error"]:
                        c["error"] = "Media processing failed"
            state = self.state(c)
            subject = {"id": c["id"], self.state_field: state,
                       self.error_field: (c["error"] or "") if state == "ERROR" else ""}
            if self.error_field == "status" and state != "ERROR":
                subject["status"] = f"{state}: {state.title()}"
        else:
            m = self.media.get(oid)
            if m is None or m["user"] != t.user["id"]:
                return _meta_error(f"Unsupported get request. Object with ID '{oid}' does not exist, cannot be "
                                   "loaded due to missing permissions, or does not support this operation.", 100, 33,
                                   type_="GraphMethodException")
            subject = {"id": m["id"], "permalink": m["permalink"], "media_type": m["media_type"],
                       "timestamp": m["timestamp"]}
        out = {}
        for f in fields:
            if f not in subject:
                return _meta_error(f"(#100) Tried accessing nonexisting field ({f})", 100)
            out[f] = subject[f]
        out["id"] = oid
        return json_response(200, out, self.usage_headers(False))

    def limit(self, req: Request) -> Response:
        t, err = self.user_guard(req, req.match.group(1))
        if err:
            return err
        q = self.quota
        subject = {"quota_usage": q["usage"], "config": {"quota_total": q["total"], "quota_duration": DAY},
                   "reply_quota_usage": q["reply_usage"],
                   "reply_config": {"quota_total": q["reply_total"], "quota_duration": DAY}}
        out = {}
        for f in self.fields(req, ["quota_usage"]):
            if f not in subject or (f.startswith("reply") and self.name != "threads"):
                return _meta_error(f"(#100) Tried accessing nonexisting field ({f})", 100)
            out[f] = subject[f]
        return json_response(200, {"data": [out]}, self.usage_headers(False))

    def child_ids(self, user_id: str, raw: str | None):
        ids = [x.strip() for x in (raw or "").split(",") if x.strip()]
        if not (2 <= len(ids) <= self.max_children):
            return None, f"(#100) children must list 2 to {self.max_children} containers"
        for cid in ids:
            c = self.containers.get(cid)
            if c is None or c["user"] != user_id or not c.get("carousel_item"):
                return None, f"(#100) {cid} is not a carousel item container of this account"
            if c.get("used") or self.state(c) != "FINISHED":
                return None, f"(#100) the carousel item {cid} is not ready or already used"
        return ids, None

    def publish(self, req: Request) -> Response:
        user_id = req.match.group(1)
        t, err = self.user_guard(req, user_id)
        if err:
            return err
        p = self.params(req)
        c = self.containers.get(p.get("creation_id") or "")
        if c is None or c["user"] != user_id or c.get("carousel_item"):
            return _meta_error("(#100) The parameter creation_id is required and must be a container of this "
                               "account", 100)
        state = self.state(c)
        if state == "PUBLISHED":
            return _meta_error("(#100) The container has already been published", 100)
        if state != "FINISHED":
            return _meta_error("The media is not ready for publishing, please wait for a moment", 9007, 2207027,
                               user_msg="Media ID is not available")
        is_reply = bool(c.get("reply_to"))
        key = ("reply_usage", "reply_total") if is_reply else ("usage", "total")
        if self.quota[key[0]] >= self.quota[key[1]]:
            return _meta_error("(#9) Application request limit reached", 9, 2207042,
                               user_msg="The account has reached its publishing limit for 24 hours")
        self.quota[key[0]] += 1
        c["published"] = True
        for cid in c.get("children") or []:
            self.containers[cid]["used"] = True
        mid = self.new_id()
        code = secrets.token_urlsafe(8).replace("-", "a").replace("_", "b")
        self.media[mid] = {"id": mid, "user": user_id, "container": c["id"], "media_type": c["media_type"],
                           "text": c.get("text"), "reply_to": c.get("reply_to"), "permalink": self.permalink(code),
                           "timestamp": int(self.emu.now()),
                           "items": [self.containers[x]["media"] for x in c.get("children") or []]
                           or ([c["media"]] if c.get("media") else []),
                           "share_to_feed": c.get("share_to_feed", True), "comments": []}
        self.posts.append(self.media[mid])
        return json_response(200, {"id": mid}, self.usage_headers(False))

    def text_length(self, text: str) -> int:
        return len(text)

    def create_container(self, req: Request, user_id: str, p: dict, media_type: str, text_key: str,
                         text: str | None) -> Response:
        """Shared tail of container creation: media fetch (or children), state machine."""
        if text is not None and self.text_length(text) > self.max_text:
            return _meta_error(f"(#100) The {text_key} is longer than {self.max_text} characters", 100)
        fields = {"media_type": media_type, "text": text, "carousel_item": p.get("is_carousel_item") == "true",
                  "alt_text": p.get("alt_text"), "share_to_feed": p.get("share_to_feed") != "false"}
        if p.get("is_carousel_item") not in (None, "true", "false"):
            return _meta_error("(#100) Param is_carousel_item must be a boolean", 100)
        if fields["alt_text"] is not None and media_type != "IMAGE":
            return _meta_error("(#100) alt_text is only supported for images", 100)
        if media_type == "CAROUSEL":
            if fields["carousel_item"]:
                return _meta_error("(#100) A carousel cannot be a carousel item", 100)
            ids, why = self.child_ids(user_id, p.get("children"))
            if why:
                return _meta_error(why, 100)
            c = self.new_container(user_id, children=ids, **fields)
        elif media_type in ("IMAGE", "VIDEO", "REELS"):
            kind = "image" if media_type == "IMAGE" else "video"
            info, why = self.fetch_media(p.get(f"{kind}_url"), kind)
            if info is None and kind == "image":
                # Images are fetched at once: the call fails.
                return _meta_error("Media download has failed. The media URI doesn't meet our requirements.",
                                   9004, 2207052, user_msg=f"The image could not be fetched: {why}")
            info = info and {**info, "alt_text": fields["alt_text"], "kind": kind}
            c = self.new_container(user_id, media=info, **fields)
            if info is None:  # videos are fetched while the container processes: it ends in ERROR
                c["outcome"] = "ERROR"
                c["error"] = f"Media download has failed: {why}"
        else:  # TEXT
            c = self.new_container(user_id, **fields)
        if p.get("reply_to_id"):
            c["reply_to"] = p["reply_to_id"]
        return json_response(200, {"id": c["id"]}, self.usage_headers(False))


class InstagramPublishing(ContainerPublishing):
    version = "v23.0"
    create_edge, publish_edge, limit_edge = "media", "media_publish", "content_publishing_limit"
    state_field, error_field = "status_code", "status"
    publish_scope = "instagram_business_content_publish"
    known_publish_scopes = {"instagram_business_basic", "instagram_business_content_publish",
                            "instagram_business_manage_comments"}
    max_text = 2200
    max_children = 10
    default_quota = 50  # reference §4: 50 posts in a moving 24 h
    image_types = {"image/jpeg"}  # "JPEG is the only image format supported"

    def setup_publishing(self):
        super().setup_publishing()
        self.route("POST", r"/v23\.0/(\d+)/comments", self.comment)

    def permalink(self, code):
        return f"https://www.instagram.com/p/{code}/"

    def create(self, req: Request) -> Response:
        user_id = req.match.group(1)
        t, err = self.user_guard(req, user_id)
        if err:
            return err
        p = self.params(req)
        mt = p.get("media_type")
        item = p.get("is_carousel_item") == "true"
        if mt is None and p.get("image_url"):
            mt = "IMAGE"
        elif mt is None:
            return _meta_error("(#100) image_url or media_type is required", 100)
        if mt == "VIDEO" and not item:
            return _meta_error("(#100) media_type VIDEO is for carousel items; use REELS", 100)
        if mt == "REELS" and item:
            return _meta_error("(#100) A carousel video item has media_type VIDEO", 100)
        if mt not in ("IMAGE", "VIDEO", "REELS", "CAROUSEL"):
            return _meta_error(f"(#100) Unsupported media_type {mt}", 100)
        # share_to_feed (reels only): "true" shows the reel in the feed and the Reels tab, "false" in
        # the Reels tab only.
        if p.get("share_to_feed") is not None:
            if mt != "REELS":
                return _meta_error("(#100) share_to_feed is only supported for REELS", 100)
            if p["share_to_feed"] not in ("true", "false"):
                return _meta_error("(#100) Param share_to_feed must be a boolean", 100)
        caption = p.get("caption")
        if item and caption:
            return _meta_error("(#100) A carousel item has no caption", 100)
        if caption and len(re.findall(r"(?:^|[^\w&])#\w", caption)) > 30:
            return _meta_error("(#100) The caption has more than 30 hashtags", 100)
        return self.create_container(req, user_id, p, mt, "caption", caption)

    def comment(self, req: Request) -> Response:
        mid = req.match.group(1)
        t, err = self.auth(req)
        if err:
            return err
        m = self.media.get(mid)
        if m is None or m["user"] != t.user["id"]:
            return _meta_error(f"Unsupported post request. Object with ID '{mid}' does not exist", 100, 33)
        if "instagram_business_manage_comments" not in t.scopes:
            return _meta_error("(#10) Application does not have permission for this action", 10, status=403)
        msg = self.params(req).get("message", "")
        if not msg.strip():
            return _meta_error("(#100) The parameter message is required", 100)
        cid = self.new_id()
        m["comments"].append({"id": cid, "message": msg})
        return json_response(200, {"id": cid})


class ThreadsPublishing(ContainerPublishing):
    version = "v1.0"
    create_edge, publish_edge, limit_edge = "threads", "threads_publish", "threads_publishing_limit"
    state_field, error_field = "status", "error_message"
    publish_scope = "threads_content_publish"
    known_publish_scopes = {"threads_basic", "threads_content_publish", "threads_manage_replies"}
    max_text = 500
    max_children = 20
    default_quota = 250  # reference §5: 250 posts / 24 h, 1,000 replies
    image_types = {"image/jpeg", "image/png"}

    def permalink(self, code):
        return f"https://www.threads.com/@{self.emu.user['username']}/post/{code}"

    def text_length(self, text: str) -> int:
        """Threads Posts, Limitations: "Emojis are counted as the number of UTF-8 bytes." An emoji code
        point (U+1F000 and above: pictographs, flags, skin tones; joiners, tags, U+FE0F, the keycap mark;
        a symbol followed by U+FE0F) counts its UTF-8 bytes, any other character 1."""
        n = 0
        for i, c in enumerate(text):
            o = ord(c)
            emoji = (o >= 0x1F000 or c in "\u200d\ufe0f\u20e3"
                     or (i + 1 < len(text) and text[i + 1] == "\ufe0f"))
            n += len(c.encode("utf-8")) if emoji else 1
        return n

    def create(self, req: Request) -> Response:
        user_id = req.match.group(1)
        t, err = self.user_guard(req, user_id)
        if err:
            return err
        p = self.params(req)
        mt = p.get("media_type")
        if mt not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
            return _meta_error("(#100) media_type must be TEXT, IMAGE, VIDEO or CAROUSEL", 100)
        text = p.get("text")
        if mt == "TEXT" and not (text or "").strip():
            return _meta_error("(#100) text is required for a TEXT post", 100)
        if p.get("is_carousel_item") == "true" and (text or mt in ("TEXT", "CAROUSEL")):
            return _meta_error("(#100) A carousel item is an IMAGE or VIDEO without text", 100)
        reply = p.get("reply_to_id")
        if reply is not None:
            if "threads_manage_replies" not in t.scopes:
                return _meta_error("(#10) Application does not have permission for this action", 10, status=403)
            if reply not in self.media:
                return _meta_error(f"(#100) reply_to_id {reply} is not a published post", 100)
        return self.create_container(req, user_id, p, mt, "text", text)
