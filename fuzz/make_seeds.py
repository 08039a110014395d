#!/usr/bin/env python3
"""Writes the committed seed corpora (fuzz/seeds/TARGET/) and dictionaries (fuzz/dict/) from real
examples: links and callbacks as the platforms and Outpost form them, CSV as CSV_FORMAT.md and an
export write it, media files in each format the inspector takes, and platform answers in the shapes
the emulators (tests/emulators/platforms/) send. The export archive seed is written by the
archive_import target itself (`fuzz/run seeds`). Run from anywhere: python3 fuzz/make_seeds.py"""
import json, re, struct, subprocess, zlib, pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
PLATFORMS = ["x", "linkedin", "facebook", "instagram", "threads", "youtube", "tiktok", "pinterest", "bluesky", "mastodon"]
SEP = b"\n=====\n"


for generated in ["deep_link", "oauth_callback", "csv_import", "media_image", "media_mp4", "platform_answers"]:
    # Generated seeds are rewritten; findings (finding-*, regression inputs) stay.
    for f in (FUZZ / "seeds" / generated).glob("*"):
        if not f.name.startswith("finding-"):
            f.unlink()


def put(target, name, data):
    d = FUZZ / "seeds" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# --- deep links ---
for i, link in enumerate([
    "app.outpost.desktop://open/calendar",
    "app.outpost.desktop://open/settings",
    "app.outpost.desktop://oauth/callback/mastodon?code=abc123&state=st4te-0123456789",
    "app.outpost.desktop://oauth/callback/x?error=access_denied&error_description=The+user+said+no&state=s",
    "app.outpost.desktop://oauth/callback/instagram?code=AQB9x#_&state=st4te-0123456789",
    "app.outpost.desktop://approval/OA1.eyJ2IjoxfQ.c2lnbmF0dXJl",
    "https://example.com/open/calendar",
]):
    put("deep_link", f"link-{i}", link)

# --- OAuth callbacks: first byte < 0x80 a loopback request head, >= 0x80 a deep link ---
STATE = "st4te-0123456789"
heads = [
    f"GET /callback?code=4%2F0AfJohX&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fyoutube.upload&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:8421\r\nUser-Agent: Mozilla/5.0\r\nAccept: text/html\r\n\r\n",
    f"GET /callback?error=access_denied&error_description=denied&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    f"GET /callback?code=AQB#_&state={STATE} HTTP/1.1\r\nHost: [::1]:8421\r\n\r\n",
    f"POST /callback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n",
]
for i, h in enumerate(heads):
    put("oauth_callback", f"loopback-{i}", bytes([i * 3]) + h.encode())
put("oauth_callback", "deeplink-0", b"\x89" + f"app.outpost.desktop://oauth/callback/mastodon?code=abc&state={STATE}".encode())
put("oauth_callback", "deeplink-1", b"\x83" + f"app.outpost.desktop://oauth/callback/instagram?code=AQB%23_&state={STATE}&iss=x".encode())

# --- CSV (CSV_FORMAT.md; the demo workspace's channels) ---
put("csv_import", "basic.csv",
    "text,channels,time,media,tags,first_comment\n"
    "Hello world,x:lumenroasters,2030-05-04T09:00:00+02:00,,launch;coffee,\n"
    "\"A text, with \"\"quotes\"\"\nand a line break\",bluesky:lumencoffee.bsky.social;mastodon:lumen@mastodon.social,2030-05-04 09:30,,,first!\n"
    "A draft,x:lumenroasters,,,,\n")
put("csv_import", "export-header.csv",
    "\ufefftext,channels,time,media,tags,first_comment,title,privacy,board,link,thread,native_schedule\n"
    "Main post,mastodon:@lumen@mastodon.social,2030-01-02 10:00,,,,,unlisted,,,\"part two\n---\npart three\",yes\n"
    "Video,youtube:lumen,2030-01-03T10:00:00Z,clip.mp4,,,My title,public,,,,no\n"
    "Pin,pinterest:lumen,2030-01-03 11:00,photo.png,,,A pin,,1234,https://example.com,,\n")
put("csv_import", "spellings.csv", "Body;Channel\nbody,channel,at,media path,tag,first comment,visibility,board_id,url,thread_parts,native_scheduling\nx,y,z\n")
put("csv_import", "utf16.csv", b"\xff\xfet\x00e\x00x\x00t\x00")

# --- media: images ---
def png(w, h, color_type=2, extra=b""):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    bpp = {0: 1, 2: 3, 6: 4}[color_type]
    raw = b"".join(b"\0" + bytes([0x80] * (w * bpp)) for _ in range(h))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)) + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")

put("media_image", "rgb.png", png(4, 3))
put("media_image", "rgba.png", png(2, 2, 6))
put("media_image", "anim.gif", b"GIF89a\x02\x00\x02\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00!\xf9\x04\x00\x0a\x00\x00\x00,\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02D\x01\x00!\xf9\x04\x00\x0a\x00\x00\x00,\x00\x00\x00\x00\x02\x00\x02\x00\x00\x02\x02L\x01\x00;")
for ext in ["jpg", "webp", "bmp", "tiff", "heic", "avif"]:
    out = FUZZ / "seeds" / "media_image" / f"small.{ext}"
    try:
        subprocess.run(["convert", "-size", "5x3", "xc:#c06030", str(out)], check=True, capture_output=True, timeout=30)
    except Exception:
        if out.exists():
            out.unlink()

# --- media: MP4 / QuickTime ---
def box(t, payload):
    return struct.pack(">I", 8 + len(payload)) + t + payload

def full(t, version, payload):
    return box(t, bytes([version, 0, 0, 0]) + payload)

def mvhd(version, timescale, duration):
    if version == 1:
        head = struct.pack(">QQIQ", 0, 0, timescale, duration)
    else:
        head = struct.pack(">IIII", 0, 0, timescale, duration)
    return full(b"mvhd", version, head + struct.pack(">IH", 0x00010000, 0x0100) + b"\0" * 10
                + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + b"\0" * 24 + struct.pack(">I", 2))

def trak(timescale, duration):
    tkhd = full(b"tkhd", 0, struct.pack(">IIIII", 0, 0, 1, 0, duration) + b"\0" * 8 + struct.pack(">HHHH", 0, 0, 0, 0)
                + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + struct.pack(">II", 16 << 16, 16 << 16))
    mdhd = full(b"mdhd", 0, struct.pack(">IIII", 0, 0, timescale, duration) + struct.pack(">HH", 0x55C4, 0))
    hdlr = full(b"hdlr", 0, struct.pack(">I", 0) + b"vide" + b"\0" * 12 + b"VideoHandler\0")
    avc1 = box(b"avc1", b"\0" * 6 + struct.pack(">H", 1) + b"\0" * 16 + struct.pack(">HH", 16, 16)
               + struct.pack(">II", 0x480000, 0x480000) + b"\0" * 4 + struct.pack(">H", 1) + b"\0" * 32 + struct.pack(">Hh", 0x18, -1)
               + box(b"avcC", bytes([1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1]) + struct.pack(">H", 4) + b"\x67\x42\xc0\x1e" + b"\x01" + struct.pack(">H", 2) + b"\x68\xce"))
    stsd = full(b"stsd", 0, struct.pack(">I", 1) + avc1)
    stts = full(b"stts", 0, struct.pack(">III", 1, 1, duration))
    stsc = full(b"stsc", 0, struct.pack(">IIII", 1, 1, 1, 1))
    stsz = full(b"stsz", 0, struct.pack(">III", 0, 1, 8))
    stco = full(b"stco", 0, struct.pack(">II", 1, 0))
    stbl = box(b"stbl", stsd + stts + stsc + stsz + stco)
    vmhd = full(b"vmhd", 0, b"\0" * 8)
    dinf = box(b"dinf", full(b"dref", 0, struct.pack(">I", 1) + full(b"url ", 0, b"")))
    minf = box(b"minf", vmhd + dinf + stbl)
    return box(b"trak", tkhd + box(b"mdia", mdhd + hdlr + minf))

def mp4(brand=b"isom", version=0, moov_first=True, timescale=1000, duration=2500):
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0x200) + brand + b"mp41")
    moov = box(b"moov", mvhd(version, timescale, duration) + trak(timescale, duration))
    mdat = box(b"mdat", b"\0\0\0\x04\x65\x88\x84\x00")
    return ftyp + (moov + mdat if moov_first else mdat + moov)

put("media_mp4", "faststart.mp4", mp4())
put("media_mp4", "moov-last.mp4", mp4(moov_first=False))
put("media_mp4", "mvhd-v1.mp4", mp4(version=1, timescale=90000, duration=90000 * 61))
put("media_mp4", "quicktime.mov", mp4(brand=b"qt  "))
put("media_mp4", "no-moov.mp4", b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom" + box(b"free", b"\0" * 16))

# --- platform answers: first byte = platform index + 10 * call; then scripted answers ---
def answer(status, body, headers=()):
    head = str(status) + "".join(f"\n{k}: {v}" for k, v in headers)
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    return head.encode() + b"\n\n" + (body.encode() if isinstance(body, str) else body)

def script(platform, op, *answers):
    pick = PLATFORMS.index(platform) + 10 * op
    n = len(list((FUZZ / "seeds" / "platform_answers").glob(f"{platform}-op{op}-*")))
    put("platform_answers", f"{platform}-op{op}-{n}", bytes([pick]) + SEP.join(answers))

token = {"access_token": "at-1", "token_type": "bearer", "expires_in": 7200, "refresh_token": "rt-1", "scope": "tweet.read tweet.write users.read offline.access"}
for p in PLATFORMS:
    script(p, 4, answer(200, token), answer(200, {"data": {"id": "42", "name": "Fuzz", "username": "fuzz"}}))
    script(p, 5, answer(200, token))
    script(p, 6, answer(200, ""))
    script(p, 6, answer(400, {"error": "invalid_token", "error_description": "The token is not valid"}))
    script(p, 0, answer(429, "", [("retry-after", "30"), ("x-rate-limit-reset", "1700000900")]))
    script(p, 0, answer(500, "<html><body>Bad gateway</body></html>", [("content-type", "text/html")]))
# X
script("x", 0, answer(201, {"data": {"id": "1800000000000000001", "text": "Hello", "edit_history_tweet_ids": ["1800000000000000001"]}}),
       answer(201, {"data": {"id": "1800000000000000002", "text": "part"}}))
script("x", 0, answer(403, {"title": "Forbidden", "type": "about:blank", "status": 403, "detail": "You are not allowed to create a Tweet with duplicate content."}))
script("x", 1, answer(200, {"data": {"id": "1900000000000000001", "media_key": "3_1900000000000000001", "expires_after_secs": 86400}}),
       answer(200, {"data": {"id": "1900000000000000001", "processing_info": {"state": "succeeded"}}}),
       answer(201, {"data": {"id": "1800000000000000003", "text": "Hello"}}))
script("x", 2, answer(200, {"data": {"id": "1900000000000000002", "media_key": "7_1"}}), answer(204, ""), answer(200, {"data": {"id": "1900000000000000002", "processing_info": {"state": "in_progress", "check_after_secs": 1}}}),
       answer(200, {"data": {"id": "1900000000000000002", "processing_info": {"state": "succeeded"}}}), answer(201, {"data": {"id": "1800000000000000004", "text": "v"}}))
script("x", 3, answer(200, {"data": [{"id": "1800000000000000001", "text": "Hello from the fuzzer #outpost"}], "meta": {"result_count": 1}}))
# LinkedIn
script("linkedin", 0, answer(201, "", [("x-restli-id", "urn:li:share:7100000000000000000")]), answer(201, {"id": "7100"}, [("x-restli-id", "urn:li:comment:(urn:li:share:7100,1)")]))
script("linkedin", 1, answer(200, {"value": {"uploadUrlExpiresAt": 1700003600000, "uploadUrl": "http://127.0.0.1/upload/img", "image": "urn:li:image:C4E10AQ"}}), answer(201, ""),
       answer(200, {"id": "urn:li:image:C4E10AQ", "status": "AVAILABLE"}), answer(201, "", [("x-restli-id", "urn:li:share:7100000000000000001")]))
script("linkedin", 2, answer(200, {"value": {"uploadUrlsExpireAt": 1700003600000, "video": "urn:li:video:D5", "uploadInstructions": [{"uploadUrl": "http://127.0.0.1/up/1", "firstByte": 0, "lastByte": 299999}], "uploadToken": ""}}),
       answer(200, "", [("etag", "\"e1\"")]), answer(200, {}), answer(200, {"id": "urn:li:video:D5", "status": "AVAILABLE"}), answer(201, "", [("x-restli-id", "urn:li:ugcPost:7100")]))
script("linkedin", 4, answer(200, {"access_token": "AQV", "expires_in": 5184000, "scope": "openid,profile,w_member_social"}), answer(200, {"sub": "abc123", "name": "Fuzz Person", "email": "f@example.com"}))
# Meta: Facebook, Instagram, Threads
script("facebook", 0, answer(200, {"id": "1234567890_1111"}, [("x-app-usage", '{"call_count":5,"total_cputime":1,"total_time":1}')]), answer(200, {"id": "1234567890_1111_2222"}))
script("facebook", 0, answer(400, {"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4, "fbtrace_id": "A"}}, [("x-business-use-case-usage", '{"1234567890":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":5}]}')]))
script("facebook", 1, answer(200, {"id": "555", "post_id": "1234567890_555"}))
script("facebook", 2, answer(200, {"video_id": "777", "upload_session_id": "s1", "start_offset": "0", "end_offset": "300000"}), answer(200, {"start_offset": "300000", "end_offset": "300000"}), answer(200, {"success": True}),
       answer(200, {"status": {"video_status": "ready", "processing_phase": {"status": "complete"}}}))
script("facebook", 4, answer(200, {"access_token": "EAAB", "token_type": "bearer", "expires_in": 5183944}), answer(200, {"data": [{"access_token": "EAAP", "id": "1234567890", "name": "Page", "tasks": ["CREATE_CONTENT"]}], "paging": {}}))
for p in ["instagram", "threads"]:
    script(p, 0, answer(200, {"id": "17890000000000001"}), answer(200, {"status_code": "FINISHED", "status": "FINISHED", "id": "17890000000000001"}), answer(200, {"id": "17890000000000002"}), answer(200, {"permalink": f"https://www.{p}.com/p/abc/", "id": "17890000000000002"}))
    script(p, 1, answer(200, {"id": "17890000000000001"}), answer(200, {"status_code": "IN_PROGRESS"}), answer(200, {"status_code": "FINISHED"}), answer(200, {"id": "17890000000000002"}), answer(200, {"permalink": f"https://www.{p}.com/p/abc/"}))
    script(p, 7, answer(200, {"data": [{"quota_usage": 3, "config": {"quota_total": 100, "quota_duration": 86400}}]}))
    script(p, 0, answer(400, {"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100, "error_subcode": 2207026, "is_transient": False, "error_user_msg": "The video format is not supported", "fbtrace_id": "B"}}))
# YouTube
script("youtube", 2, answer(200, "", [("location", "http://127.0.0.1/upload/youtube/v3/videos?uploadType=resumable&upload_id=xyz")]),
       answer(200, {"kind": "youtube#video", "id": "dQw4w9WgXcQ", "status": {"uploadStatus": "uploaded", "privacyStatus": "private"}}))
script("youtube", 2, answer(200, "", [("location", "http://127.0.0.1/upload?upload_id=xyz")]), answer(308, "", [("range", "bytes=0-99999")]),
       answer(200, {"id": "dQw4w9WgXcQ", "status": {"uploadStatus": "processed"}}))
script("youtube", 3, answer(200, {"kind": "youtube#videoListResponse", "items": [{"id": "dQw4w9WgXcQ", "snippet": {"title": "Fuzz title", "description": "Hello"}, "status": {"uploadStatus": "processed"}}], "pageInfo": {"totalResults": 1}}))
script("youtube", 4, answer(200, {"access_token": "ya29", "expires_in": 3599, "refresh_token": "1//r", "scope": "https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.readonly", "token_type": "Bearer"}),
       answer(200, {"kind": "youtube#channelListResponse", "items": [{"id": "UC123", "snippet": {"title": "Fuzz channel", "customUrl": "@fuzz"}}]}))
script("youtube", 0, answer(403, {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your quota.", "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}], "status": "PERMISSION_DENIED"}}))
# TikTok
ok = {"code": "ok", "message": "", "log_id": "202401"}
script("tiktok", 2, answer(200, {"data": {"creator_avatar_url": "", "creator_username": "fuzz", "creator_nickname": "Fuzz", "privacy_level_options": ["PUBLIC_TO_EVERYONE", "SELF_ONLY"], "comment_disabled": False, "duet_disabled": False, "stitch_disabled": True, "max_video_post_duration_sec": 600}, "error": ok}),
       answer(200, {"data": {"publish_id": "v_pub_file~v2-1.123", "upload_url": "http://127.0.0.1/video/?upload_id=1&upload_token=t"}, "error": ok}), answer(201, ""),
       answer(200, {"data": {"status": "PROCESSING_UPLOAD", "uploaded_bytes": 300000}, "error": ok}),
       answer(200, {"data": {"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": [7300000000000000001], "uploaded_bytes": 300000}, "error": ok}))
script("tiktok", 2, answer(200, {"data": {}, "error": {"code": "spam_risk_too_many_posts", "message": "too many posts", "log_id": "1"}}))
script("tiktok", 4, answer(200, {"access_token": "act.1", "expires_in": 86400, "open_id": "openid-1", "refresh_expires_in": 31536000, "refresh_token": "rft.1", "scope": "user.info.basic,video.publish", "token_type": "Bearer"}),
       answer(200, {"data": {"user": {"open_id": "openid-1", "union_id": "u1", "display_name": "Fuzz", "username": "fuzz"}}, "error": ok}))
# Pinterest
script("pinterest", 1, answer(201, {"id": "813744226420795884", "link": "https://example.com", "title": "Fuzz title", "board_id": "1234", "media": {"media_type": "image"}}))
script("pinterest", 2, answer(201, {"media_id": "12345", "media_type": "video", "upload_url": "http://127.0.0.1/pinterest-media-upload", "upload_parameters": {"key": "uploads/1", "policy": "p", "x-amz-signature": "s"}}),
       answer(204, ""), answer(200, {"media_id": "12345", "media_type": "video", "status": "succeeded"}), answer(201, {"id": "813744226420795885"}))
script("pinterest", 0, answer(429, {"code": 8, "message": "You have exceeded your rate limit. Try again later."}, [("x-ratelimit-reset", "60")]))
# Bluesky
script("bluesky", 0, answer(200, {"uri": "at://did:plc:fuzzfuzzfuzzfuzzfuzzfuzz/app.bsky.feed.post/3kabcdefghij2", "cid": "bafyreib2rxk3rh6kzwq", "commit": {"cid": "bafyc", "rev": "3kab"}, "validationStatus": "valid"}),
       answer(200, {"uri": "at://did:plc:fuzzfuzzfuzzfuzzfuzzfuzz/app.bsky.feed.post/3kabcdefghij3", "cid": "bafyreib2rxk3rh6kzwr"}))
script("bluesky", 1, answer(200, {"blob": {"$type": "blob", "ref": {"$link": "bafkreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}, "mimeType": "image/png", "size": 2048}}),
       answer(200, {"uri": "at://did:plc:fuzz/app.bsky.feed.post/3kabc", "cid": "bafy"}))
script("bluesky", 3, answer(200, {"uri": "at://did:plc:fuzz/app.bsky.feed.post/3kabc", "cid": "bafy", "value": {"$type": "app.bsky.feed.post", "text": "Hello from the fuzzer #outpost", "createdAt": "2026-12-06T10:00:00.000Z"}}))
script("bluesky", 0, answer(400, {"error": "ExpiredToken", "message": "Token has expired"}), answer(200, {"accessJwt": "eyJ.a.b", "refreshJwt": "eyJ.c.d", "handle": "fuzz.bsky.social", "did": "did:plc:fuzzfuzzfuzzfuzzfuzzfuzz", "active": True}))
script("bluesky", 5, answer(200, {"accessJwt": "eyJ.a.b", "refreshJwt": "eyJ.c.d", "handle": "fuzz.bsky.social", "did": "did:plc:fuzzfuzzfuzzfuzzfuzzfuzz", "didDoc": {"service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "http://127.0.0.1"}]}}))
# Mastodon
status = {"id": "113000000000000001", "created_at": "2026-12-06T10:00:00.000Z", "uri": "https://mastodon.example/users/fuzz/statuses/113000000000000001", "url": "https://mastodon.example/@fuzz/113000000000000001", "content": "<p>Hello from the fuzzer <a href=\"#\">#outpost</a></p>", "visibility": "public", "application": {"name": "Outpost", "website": None}, "media_attachments": []}
script("mastodon", 0, answer(200, {"configuration": {"statuses": {"max_characters": 500, "max_media_attachments": 4}, "media_attachments": {"supported_mime_types": ["image/png", "image/jpeg", "video/mp4"], "image_size_limit": 16777216, "video_size_limit": 103809024}}}),
       answer(200, status), answer(200, dict(status, id="113000000000000002", in_reply_to_id="113000000000000001")))
script("mastodon", 1, answer(200, {"configuration": {"statuses": {"max_characters": 500}}}), answer(200, {"id": "22348641", "type": "image", "url": "https://files.example/1.png", "description": "alt text"}), answer(200, status))
script("mastodon", 2, answer(200, {}), answer(202, {"id": "22348642", "type": "video", "url": None}), answer(206, {"id": "22348642", "type": "video", "url": None}), answer(200, {"id": "22348642", "type": "video", "url": "https://files.example/2.mp4"}), answer(200, status))
script("mastodon", 3, answer(200, {"id": "1"}), answer(200, [status]))
script("mastodon", 4, answer(200, {"access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0", "token_type": "Bearer", "scope": "read write", "created_at": 1573979017}),
       answer(200, {"id": "14715", "username": "fuzz", "acct": "fuzz", "display_name": "Fuzz", "url": "https://mastodon.example/@fuzz", "avatar": ""}))
script("mastodon", 7, answer(200, {"domain": "mastodon.example", "configuration": {"statuses": {"max_characters": 1000, "max_media_attachments": 4, "characters_reserved_per_url": 23}, "media_attachments": {"supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"], "image_size_limit": 16777216, "video_size_limit": 103809024}}}),
       answer(200, [{"id": "34975861", "type": "mention", "created_at": "2026-12-06T10:00:00.000Z", "account": {"id": "1", "acct": "friend@example.social", "display_name": "Friend", "url": "https://example.social/@friend"}, "status": dict(status, id="113000000000000009", in_reply_to_id="113000000000000001")}]))

# --- dictionaries: every string literal the platform clients compare or look up ---
def dict_line(s):
    """libFuzzer's dictionary syntax: printable ASCII as is, everything else as \\xNN."""
    out = ""
    for b in s.encode():
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C):
            out += chr(b)
        else:
            out += "\\x%02x" % b
    return '"' + out + '"\n'


lits = set()
for f in (ROOT / "src-tauri/crates/platforms/src").rglob("*.rs"):
    for m in re.finditer(r'"([A-Za-z0-9_$.:#/-]{2,40})"', f.read_text()):
        lits.add(m.group(1))
extra = ["\n=====\n", "200\n\n", "201\n\n", "400\n\n", "401\n\n", "429\n", "500\n\n", "retry-after: ", "location: ", "x-restli-id: ", "etag: ",
         "ratelimit-reset: ", "x-rate-limit-reset: ", "x-ratelimit-reset: ", "x-app-usage: ", "x-business-use-case-usage: ", "range: ",
         '{"', '":"', '":', '[', ']', '}', 'null', 'true', 'false', '-1', '9223372036854775807', '1e400']
with open(FUZZ / "dict" / "platform_answers.dict", "w") as out:
    for s in sorted(lits) + extra:
        out.write(dict_line(s))
with open(FUZZ / "dict" / "csv_import.dict", "w") as out:
    for s in ["text", "channels", "time", "media", "tags", "first_comment", "title", "privacy", "board", "link", "thread", "native_schedule",
              "x:lumenroasters", "bluesky:lumencoffee.bsky.social", "mastodon:lumen@mastodon.social", "---", "\r\n", '"', ";", ",",
              "2030-05-04T09:00:00+02:00", "2030-03-30 02:30", "yes", "public", "unlisted", "only_me", "\xef\xbb\xbf"]:
        out.write(dict_line(s))
with open(FUZZ / "dict" / "deep_link.dict", "w") as out:
    for s in ["app.outpost.desktop://", "open/", "oauth/callback/", "approval/", "code=", "state=", "error=", "error_description=", "iss=", "&", "?", "#", "%", "@", ":", "OA1."]:
        out.write(dict_line(s))
print("seeds written under", FUZZ / "seeds")
