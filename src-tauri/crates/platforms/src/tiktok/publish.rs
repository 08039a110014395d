//! TikTok publishing (reference §7): the Content Posting API, Direct Post.
//!
//! 1. `POST /v2/post/publish/creator_info/query/` → the privacy levels the creator may use now,
//!    whether comments/Duet/Stitch are off in their settings, the longest video they may post. The
//!    post is checked against it before anything is uploaded (TikTok's UX guidelines: a disabled
//!    interaction cannot be turned on, the privacy level must be one offered, no default privacy).
//! 2. Video: `POST /v2/post/publish/video/init/` with `source_info.source=FILE_UPLOAD`,
//!    `video_size`, `chunk_size`, `total_chunk_count` ([`Chunking`]) → `publish_id`, `upload_url`
//!    → `PUT upload_url` per chunk, in order, with `Content-Type`, `Content-Length` and
//!    `Content-Range: bytes FIRST-LAST/TOTAL`, streamed from disk (206 per chunk, 201 at the end).
//! 3. Photos: `POST /v2/post/publish/content/init/` with `media_type=PHOTO`,
//!    `post_mode=DIRECT_POST`, `source_info.source=PULL_FROM_URL` and `photo_images` — TikTok
//!    fetches the images, so they are put on the user's media host first (`ctx.media_host`) and
//!    removed once TikTok has finished (published or failed). TikTok only pulls from URL prefixes
//!    or domains verified for the app (`url_ownership_unverified` otherwise).
//! 4. `POST /v2/post/publish/status/fetch/` until `PUBLISH_COMPLETE` (or `SEND_TO_USER_INBOX`) or
//!    `FAILED` (+ `fail_reason`), with back-off, bounded in time (30 requests/min allowed).
//!
//! Privacy ([`privacy_level`]): `options.visibility` `public` → `PUBLIC_TO_EVERYONE`,
//! `friends` → `MUTUAL_FOLLOW_FRIENDS`, `followers` → `FOLLOWER_OF_CREATOR`, `only_me`
//! (or `private`) → `SELF_ONLY`; TikTok's own names are accepted too. There is no default: TikTok
//! requires the user to choose. Unaudited apps may only post `SELF_ONLY`
//! (`unaudited_client_can_only_post_to_private_accounts`): the error says so and what to do.
//!
//! Errors `{"data":{},"error":{"code","message","log_id"}}` (`code` is `ok` on success):
//! `rate_limit_exceeded`/429 → [`Error::RateLimited`] one minute ahead (TikTok's windows are one
//! minute, sliding); `access_token_invalid`, `scope_not_authorized` → [`Error::NeedsReauth`];
//! everything else (`spam_risk_too_many_posts`, `privacy_level_option_mismatch`, …) →
//! [`Error::Rejected`] with TikTok's message and log id.

use std::time::Duration;

use async_trait::async_trait;
use outpost_net::reqwest::{self, Method};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::capability::{AccountMetrics, Capability, PostMetrics, Support};
use crate::error::{Error, Result, clean};
use crate::limits::Pacing;
use crate::limits::rejected_by_rules;
use crate::platform::Platform;
use crate::post::media::check_unchanged;
use crate::providers::Ctx;
use crate::publish::{
    HostedMedia, Limits, MediaFile, MediaKind, Post, Progress, Published, Publisher, Violation,
};
use crate::tokens::TokenSet;
use crate::transport;
use crate::transport::Reply;

const P: Platform = Platform::Tiktok;
pub(super) const API: &str = "https://open.tiktokapis.com";
const MIB: u64 = 1024 * 1024;
/// Smallest chunk (every chunk but a whole small video): 5 MB.
pub const MIN_CHUNK: u64 = 5 * MIB;
/// Largest chunk, and the largest video sent whole: 64 MB. [decision] "MB" is read as 10^6 here
/// and 2^20 for [`MIN_CHUNK`], so the sizes sent satisfy either reading.
pub const MAX_CHUNK: u64 = 64_000_000;
/// The last chunk may carry the trailing bytes, up to 128 MB.
pub const MAX_LAST_CHUNK: u64 = 128_000_000;
/// 1 to 1000 chunks.
pub const MAX_CHUNKS: u64 = 1000;
/// The chunk size used above [`MAX_CHUNK`] [decision]: small enough that a retried chunk is cheap.
pub const CHUNK: u64 = Pacing::of(P).chunk;
/// A photo post's own title.
pub const PHOTO_TITLE_MAX: usize = 90;
/// How long hosted photos stay reachable.
const HOST_TTL: Duration = Pacing::of(P).hosted_ttl;
/// How long publishing waits for TikTok to finish processing.
const STATUS_DEADLINE: Duration = Pacing::of(P).processing_deadline;
/// Attempts per chunk (network errors and 5xx only).
const CHUNK_ATTEMPTS: u32 = Pacing::of(P).upload_attempts;
/// TikTok's rate-limit windows are one minute (sliding).
const RATE_WINDOW_S: i64 = Pacing::of(P).rate_window.as_secs() as i64;

/// What an unaudited app runs into when it posts anything but "Only me".
pub const UNAUDITED: &str = "this TikTok app has not been audited by TikTok yet, and TikTok only \
accepts private posts from unaudited apps: publish this post with the privacy “Only me”, or have \
the app audited (TikTok developer portal → your app → Content Posting API → apply for audit)";

#[derive(Debug)]
pub struct TiktokPublisher;

/// TikTok's privacy level for `options.visibility` (see the module docs for the mapping).
pub fn privacy_level(visibility: &str) -> Option<&'static str> {
    match visibility.trim().to_ascii_lowercase().as_str() {
        "public" | "everyone" | "public_to_everyone" => Some("PUBLIC_TO_EVERYONE"),
        "friends" | "mutual_follow_friends" => Some("MUTUAL_FOLLOW_FRIENDS"),
        "followers" | "follower_of_creator" => Some("FOLLOWER_OF_CREATOR"),
        "only_me" | "private" | "self_only" => Some("SELF_ONLY"),
        _ => None,
    }
}

fn privacy_label(level: &str) -> &str {
    match level {
        "PUBLIC_TO_EVERYONE" => "Everyone",
        "MUTUAL_FOLLOW_FRIENDS" => "Friends",
        "FOLLOWER_OF_CREATOR" => "Followers",
        "SELF_ONLY" => "Only me",
        other => other,
    }
}

/// What `creator_info/query` says about the creator right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatorInfo {
    pub username: Option<String>,
    pub nickname: Option<String>,
    pub avatar_url: Option<String>,
    /// TikTok's names (`PUBLIC_TO_EVERYONE`, …).
    pub privacy_level_options: Vec<String>,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: u64,
}

/// Chunk size and count of a `FILE_UPLOAD`, by TikTok's media transfer rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunking {
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
}

impl Chunking {
    /// A video up to [`MAX_CHUNK`] goes whole (below 5 MB it must); a larger one in [`CHUNK`]s,
    /// `floor(size / chunk)` of them, the last one taking the trailing bytes.
    pub fn for_size(video_size: u64) -> Result<Chunking> {
        if video_size == 0 {
            return Err(Error::Config("TikTok: the video is empty".into()));
        }
        if video_size <= MAX_CHUNK {
            return Ok(Chunking {
                video_size,
                chunk_size: video_size,
                total_chunk_count: 1,
            });
        }
        // Above 1000 × 16 MiB the chunks grow (up to 64 MB) to stay within 1000.
        let chunk_size = CHUNK.max(video_size.div_ceil(MAX_CHUNKS)).min(MAX_CHUNK);
        let count = video_size / chunk_size;
        let c = Chunking {
            video_size,
            chunk_size,
            total_chunk_count: count,
        };
        let last = c.range(count - 1).1;
        if count > MAX_CHUNKS || last > MAX_LAST_CHUNK {
            return Err(Error::Config(format!(
                "TikTok: a {video_size}-byte video cannot be uploaded within 1000 chunks"
            )));
        }
        Ok(c)
    }

    /// `(first byte, length)` of chunk `i`.
    pub fn range(&self, i: u64) -> (u64, u64) {
        let start = i * self.chunk_size;
        let len = if i + 1 == self.total_chunk_count {
            self.video_size - start
        } else {
            self.chunk_size
        };
        (start, len)
    }
}

/// Reads the creator's current posting options (render them in the composer, check posts).
pub async fn creator_info(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<CreatorInfo> {
    let d = call(ctx, tokens, "/v2/post/publish/creator_info/query/", None).await?;
    let opts = d
        .get("privacy_level_options")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("creator_info has no privacy_level_options"))?;
    let flag = |k: &str| -> Result<bool> {
        d.get(k)
            .and_then(Value::as_bool)
            .ok_or_else(|| invalid(&format!("creator_info has no {k}")))
    };
    Ok(CreatorInfo {
        username: transport::opt_str(&d, "creator_username"),
        nickname: transport::opt_str(&d, "creator_nickname"),
        avatar_url: transport::opt_str(&d, "creator_avatar_url"),
        privacy_level_options: opts
            .iter()
            .filter_map(|o| o.as_str().map(str::to_string))
            .collect(),
        comment_disabled: flag("comment_disabled")?,
        duet_disabled: flag("duet_disabled")?,
        stitch_disabled: flag("stitch_disabled")?,
        max_video_post_duration_sec: d
            .get("max_video_post_duration_sec")
            .and_then(Value::as_u64)
            .ok_or_else(|| invalid("creator_info has no max_video_post_duration_sec"))?,
    })
}

/// Every way `post` goes against what the creator may do now.
pub fn check_against_creator(post: &Post, info: &CreatorInfo) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut v = |rule: &str, message: String| out.push(Violation::new(0, rule, message));
    let o = &post.options;
    if let Some(level) = o.visibility.as_deref().and_then(privacy_level)
        && !info.privacy_level_options.iter().any(|x| x == level)
    {
        let offered: Vec<&str> = info
            .privacy_level_options
            .iter()
            .map(|x| privacy_label(x))
            .collect();
        v(
            "privacy_not_offered",
            format!(
                "This TikTok account cannot post with the privacy “{}” right now; it can use: {}",
                privacy_label(level),
                offered.join(", ")
            ),
        );
    }
    let video = post
        .parts
        .first()
        .and_then(|p| p.media.iter().find(|m| m.kind == MediaKind::Video));
    if let Some(m) = video {
        let max_ms = info.max_video_post_duration_sec.saturating_mul(1000);
        if let Some(d) = m.duration_ms
            && d > max_ms
        {
            v(
                "video_too_long",
                format!(
                    "{}: {} s; this TikTok account can post videos of at most {} s",
                    m.name(),
                    d.div_ceil(1000),
                    info.max_video_post_duration_sec
                ),
            );
        }
        if info.duet_disabled && !o.disable_duet {
            v(
                "duet_disabled",
                "Duet is turned off in this TikTok account's settings: turn Duet off for this post"
                    .into(),
            );
        }
        if info.stitch_disabled && !o.disable_stitch {
            v(
                "stitch_disabled",
                "Stitch is turned off in this TikTok account's settings: turn Stitch off for this post"
                    .into(),
            );
        }
    }
    if info.comment_disabled && !o.disable_comment {
        v(
            "comment_disabled",
            "Comments are turned off in this TikTok account's settings: turn comments off for this post"
                .into(),
        );
    }
    out
}

#[async_trait]
impl Publisher for TiktokPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        let mut out = limits.check(post);
        let mut v = |rule: &str, message: String| out.push(Violation::new(0, rule, message));
        match post.options.visibility.as_deref() {
            None => v(
                "privacy_required",
                "TikTok asks you to choose who can see the post (everyone, friends, followers or only me)"
                    .into(),
            ),
            Some(vis) if privacy_level(vis).is_none() => v(
                "visibility",
                format!(
                    "TikTok has no privacy “{}” (public, friends, followers or only_me)",
                    clean(vis, 40)
                ),
            ),
            Some(_) => {}
        }
        if post.options.branded_content && post.options.visibility.as_deref() == Some("only_me") {
            v(
                "branded_content_private",
                "Branded content visibility cannot be set to private (TikTok: choose who else can see it)"
                    .into(),
            );
        }
        if let Some(p) = post.parts.first() {
            if p.media.is_empty() {
                v(
                    "media_required",
                    "A TikTok post is a video or photos".into(),
                );
            }
            let photos = p.media.iter().any(|m| m.kind != MediaKind::Video);
            if photos
                && let Some(t) = &post.options.title
                && t.chars().count() > PHOTO_TITLE_MAX
            {
                v(
                    "title_too_long",
                    format!("A TikTok photo post's title can have {PHOTO_TITLE_MAX} characters"),
                );
            }
        }
        out
    }

    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published> {
        self.refuse_broken_rules(post)?;
        let (Some(part), Some(level)) = (
            post.parts.first(),
            post.options.visibility.as_deref().and_then(privacy_level),
        ) else {
            return Err(rejected_by_rules(P, &[]));
        };
        for m in &part.media {
            check_unchanged(m)?;
        }
        let video = part.media.iter().find(|m| m.kind == MediaKind::Video);
        if video.is_none() && ctx.media_host.is_none() {
            return Err(no_media_host());
        }
        let info = creator_info(ctx, tokens).await?;
        let violations = check_against_creator(post, &info);
        if !violations.is_empty() {
            return Err(rejected_by_rules(P, &violations));
        }
        let total: u64 = part.media.iter().map(|m| m.bytes).sum();
        progress(0, total);
        let (data, kind) = match video {
            Some(v) => (
                publish_video(ctx, tokens, post, level, v, progress).await?,
                "video",
            ),
            None => (
                publish_photos(ctx, tokens, post, level, &part.media, total, progress).await?,
                "photo",
            ),
        };
        progress(total, total);
        let post_id = data
            .get("publicaly_available_post_id")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|x| match x {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            });
        let publish_id = transport::str_field(P, &data, "publish_id")?;
        // Private posts (and posts still in moderation) have no public id: the publish id stands in.
        let url = match (&post_id, &info.username) {
            (Some(id), Some(user)) => Some(format!("https://www.tiktok.com/@{user}/{kind}/{id}")),
            _ => None,
        };
        let id = post_id.unwrap_or(publish_id);
        Ok(Published {
            url,
            thread: vec![id.clone()],
            id,
        })
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &["views", "likes", "replies", "reposts"]
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &["followers", "following", "posts"]
    }

    async fn post_metrics(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Published,
    ) -> Result<PostMetrics> {
        super::metrics::post(ctx, tokens, post).await
    }

    async fn account_metrics(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
        super::metrics::account(ctx, tokens).await
    }

    // `lookup` is the trait's `Ok(None)`: TikTok has no idempotency key and no way to find a post by anything
    // Outpost chose; the status endpoint needs the `publish_id`, which only exists in memory during
    // the publish. After a crash the outcome is unknown and must not be published again blindly.
}

fn no_media_host() -> Error {
    Error::Config(
        "TikTok photo posts need a media host: TikTok fetches photos from a public URL. Set one up in \
         Settings → Media host (and verify its domain for your TikTok app)"
            .into(),
    )
}

fn post_info(post: &Post, level: &str, video: bool) -> Value {
    let o = &post.options;
    let text = post
        .parts
        .first()
        .map(|p| p.text.as_str())
        .unwrap_or_default();
    let mut info = json!({
        "privacy_level": level,
        "disable_comment": o.disable_comment,
        // Commercial-content disclosure (Content Sharing Guidelines): always stated.
        "brand_content_toggle": o.branded_content,
        "brand_organic_toggle": o.brand_organic,
    });
    if video {
        // A video's caption is its `title`.
        info["title"] = json!(text);
        info["disable_duet"] = json!(o.disable_duet);
        info["disable_stitch"] = json!(o.disable_stitch);
    } else {
        info["title"] = json!(o.title.as_deref().map(str::trim).unwrap_or_default());
        info["description"] = json!(text);
    }
    info
}

async fn publish_video(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    post: &Post,
    level: &str,
    video: &MediaFile,
    progress: Progress<'_>,
) -> Result<Value> {
    let c = Chunking::for_size(video.bytes)?;
    let body = json!({
        "post_info": post_info(post, level, true),
        "source_info": {
            "source": "FILE_UPLOAD",
            "video_size": c.video_size,
            "chunk_size": c.chunk_size,
            "total_chunk_count": c.total_chunk_count,
        },
    });
    let d = call(ctx, tokens, "/v2/post/publish/video/init/", Some(&body)).await?;
    let publish_id = transport::str_field(P, &d, "publish_id")?;
    let url = upload_url(ctx, &transport::str_field(P, &d, "upload_url")?)?;
    for i in 0..c.total_chunk_count {
        let (start, len) = c.range(i);
        let status = put_chunk(ctx, &url, video, start, len, progress).await?;
        let last = i + 1 == c.total_chunk_count;
        let expected = if last { 201 } else { 206 };
        // [decision] a 2xx other than the documented one is taken as accepted.
        if status != expected {
            tracing::debug!(status, expected, "TikTok: unexpected chunk status");
        }
    }
    wait_published(ctx, tokens, &publish_id).await
}

/// PUTs one chunk (retried on network errors and 5xx); returns the HTTP status.
async fn put_chunk(
    ctx: Ctx<'_>,
    url: &reqwest::Url,
    video: &MediaFile,
    start: u64,
    len: u64,
    progress: Progress<'_>,
) -> Result<u16> {
    let total = video.bytes;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let rb = transport::request(ctx.http, Method::PUT, url.clone())
            .header("Content-Type", video.mime.as_str())
            .header("Content-Length", len.to_string())
            .header(
                "Content-Range",
                format!("bytes {start}-{}/{total}", start + len - 1),
            );
        let range = start..start + len;
        let sent =
            transport::send_range(ctx.http, P, rb, &video.path, range, start, total, progress)
                .await;
        let err = match sent {
            Ok(r) if (200..300).contains(&r.status) => return Ok(r.status),
            Ok(r) if r.status >= 500 => error_of(&r),
            Ok(r) => return Err(error_of(&r)),
            Err(e @ Error::Network { .. }) => e,
            Err(e) => return Err(e),
        };
        if attempt >= CHUNK_ATTEMPTS {
            return Err(err);
        }
        tracing::info!(attempt, start, "TikTok: retrying a chunk");
        tokio::time::sleep(Duration::from_millis(300 * u64::from(attempt))).await;
    }
}

async fn publish_photos(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    post: &Post,
    level: &str,
    photos: &[MediaFile],
    total: u64,
    progress: Progress<'_>,
) -> Result<Value> {
    let host = ctx.media_host.ok_or_else(no_media_host)?;
    let mut hosted: Vec<HostedMedia> = Vec::new();
    let outcome = async {
        let mut sent = 0;
        for m in photos {
            hosted.push(host.put(m, HOST_TTL).await?);
            sent += m.bytes;
            progress(sent, total);
        }
        let body = json!({
            "post_info": post_info(post, level, false),
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 0,
                "photo_images": hosted.iter().map(|h| h.url.as_str()).collect::<Vec<_>>(),
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        });
        let d = call(ctx, tokens, "/v2/post/publish/content/init/", Some(&body)).await?;
        let publish_id = transport::str_field(P, &d, "publish_id")?;
        wait_published(ctx, tokens, &publish_id).await
    }
    .await;
    // TikTok has fetched the photos (or given up): they leave the host either way.
    for h in &hosted {
        if let Err(e) = host.remove(h).await {
            tracing::warn!(error = %e, "TikTok: a hosted photo could not be removed");
        }
    }
    outcome
}

/// Polls the status until TikTok is done; `FAILED` is [`Error::Rejected`] with the reason.
/// Transient failures while polling are waited out: the post is already on its way, and failing
/// here would make the caller publish it again.
async fn wait_published(ctx: Ctx<'_>, tokens: &TokenSet, publish_id: &str) -> Result<Value> {
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    let body = json!({ "publish_id": publish_id });
    loop {
        tokio::time::sleep(wait).await;
        wait = (wait * 3 / 2).min(Duration::from_secs(5));
        let d = match call(ctx, tokens, "/v2/post/publish/status/fetch/", Some(&body)).await {
            Ok(d) => d,
            Err(e) if e.is_transient() && started.elapsed() < STATUS_DEADLINE => {
                tracing::info!(error = %e, "TikTok: status not available yet");
                if let Error::RateLimited {
                    retry_at: Some(at), ..
                } = e
                {
                    let s = u64::try_from(at - transport::now_s())
                        .unwrap_or(1)
                        .clamp(1, 60);
                    wait = wait.max(Duration::from_secs(s));
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        match d.get("status").and_then(Value::as_str) {
            Some("PUBLISH_COMPLETE" | "SEND_TO_USER_INBOX") => {
                let mut d = d;
                d["publish_id"] = json!(publish_id);
                return Ok(d);
            }
            Some("FAILED") => {
                let reason = d
                    .get("fail_reason")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown");
                return Err(Error::refused(P, fail_reason(reason)));
            }
            Some("PROCESSING_UPLOAD" | "PROCESSING_DOWNLOAD") => {}
            _ => return Err(invalid("the publish status is not one TikTok documents")),
        }
        if started.elapsed() > STATUS_DEADLINE {
            return Err(Error::refused(
                P,
                "TikTok did not finish processing the post in 15 minutes; check the profile before publishing it again",
            ));
        }
    }
}

/// A sentence for TikTok's `fail_reason`.
fn fail_reason(code: &str) -> String {
    let why = match code {
        "file_format_check_failed" => "the file format is not supported",
        "duration_check_failed" => "the video is too long or too short",
        "frame_rate_check_failed" => "the video's frame rate is not supported",
        "picture_size_check_failed" => "a photo's or the video's dimensions are not supported",
        "video_pull_failed" | "photo_pull_failed" => {
            "TikTok could not download the media from the media host"
        }
        "spam_risk_too_many_posts" => "the account has posted too much today",
        "spam_risk_user_banned_from_posting" => "the account is banned from posting",
        "spam_risk_text" | "spam_risk" => "TikTok considered the post spam",
        "publish_cancelled" => "the post was cancelled",
        "auth_removed" => "the account removed Outpost's access",
        _ => "TikTok could not publish it",
    };
    format!("the post failed: {why} ({})", clean(code, 60))
}

/// A TikTok API call: JSON in (`application/json; charset=UTF-8`), `data` out.
async fn call(ctx: Ctx<'_>, tokens: &TokenSet, path: &str, body: Option<&Value>) -> Result<Value> {
    let url = ctx.endpoints.url(P, &format!("{API}{path}"))?;
    let rb = transport::bearer(ctx.http, Method::POST, url, tokens);
    let rb = match body {
        Some(b) => transport::json_body(rb, "application/json; charset=UTF-8", b),
        None => rb
            .header("Content-Type", "application/json; charset=UTF-8")
            .header("Content-Length", "0"),
    };
    let r = transport::send(ctx.http, P, rb).await?;
    let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let ok = v.pointer("/error/code").and_then(Value::as_str) == Some("ok");
    if (200..300).contains(&r.status) && ok {
        return match v.get("data") {
            Some(d) if d.is_object() => Ok(d.clone()),
            _ => Err(invalid("the answer has no data")),
        };
    }
    if (200..300).contains(&r.status) && v.pointer("/error/code").is_none() {
        return Err(invalid("the answer has no error code"));
    }
    Err(error_of(&r))
}

/// TikTok's error body as a typed error.
pub fn tiktok_error(status: u16, body: &[u8]) -> Error {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code = v
        .pointer("/error/code")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = clean(
        v.pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        200,
    );
    let log_id = v
        .pointer("/error/log_id")
        .and_then(Value::as_str)
        .map(|l| clean(l, 64));
    if status == 429 || code == "rate_limit_exceeded" {
        return Error::RateLimited {
            platform: P,
            retry_at: Some(transport::now_s() + RATE_WINDOW_S),
        };
    }
    if status >= 500 {
        return Error::Unavailable {
            platform: P,
            status,
        };
    }
    let said = {
        let mut s = if message.is_empty() {
            format!("HTTP {status}")
        } else {
            message.clone()
        };
        if !code.is_empty() {
            s.push_str(&format!(" ({code}"));
            if let Some(l) = &log_id {
                s.push_str(&format!(", log id {l}"));
            }
            s.push(')');
        }
        s
    };
    let rejected = |reason: String| Error::Rejected {
        platform: P,
        status: Some(status),
        reason,
    };
    match code {
        "access_token_invalid" => Error::NeedsReauth {
            platform: P,
            reason: said,
        },
        "scope_not_authorized" => Error::NeedsReauth {
            platform: P,
            reason: "the sign-in does not allow posting (video.publish); connect TikTok again and allow it".into(),
        },
        "unaudited_client_can_only_post_to_private_accounts" => rejected(UNAUDITED.into()),
        "url_ownership_unverified" => rejected(
            "TikTok only fetches photos from a domain or URL prefix verified for your TikTok app: \
             verify your media host's domain in the TikTok developer portal (URL properties)"
                .into(),
        ),
        "privacy_level_option_mismatch" => rejected(format!(
            "the chosen privacy is not one this account can use now: {said}"
        )),
        "spam_risk_too_many_posts" => rejected(format!(
            "TikTok's daily posting limit for this account is reached; try tomorrow: {said}"
        )),
        _ if status == 401 => Error::NeedsReauth {
            platform: P,
            reason: said,
        },
        _ => rejected(said),
    }
}

fn error_of(r: &Reply) -> Error {
    tiktok_error(r.status, &r.body)
}

/// The upload URL TikTok returned: https on a tiktokapis.com host.
fn upload_url(ctx: Ctx<'_>, url: &str) -> Result<reqwest::Url> {
    let u = reqwest::Url::parse(url).map_err(|_| invalid("the upload URL is malformed"))?;
    let host = u.host_str().unwrap_or_default();
    if u.scheme() != "https" || !(host == "tiktokapis.com" || host.ends_with(".tiktokapis.com")) {
        return Err(invalid("the upload URL is not on tiktokapis.com"));
    }
    ctx.endpoints.url(P, u.as_str())
}

fn invalid(what: &str) -> Error {
    transport::invalid(P, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privacy_mapping() {
        assert_eq!(privacy_level("public"), Some("PUBLIC_TO_EVERYONE"));
        assert_eq!(privacy_level("friends"), Some("MUTUAL_FOLLOW_FRIENDS"));
        assert_eq!(privacy_level("followers"), Some("FOLLOWER_OF_CREATOR"));
        assert_eq!(privacy_level("only_me"), Some("SELF_ONLY"));
        assert_eq!(privacy_level("private"), Some("SELF_ONLY"));
        assert_eq!(privacy_level("SELF_ONLY"), Some("SELF_ONLY"));
        assert_eq!(privacy_level("unlisted"), None);
    }

    #[test]
    fn errors_are_classified() {
        let b = |code: &str| {
            format!(r#"{{"data":{{}},"error":{{"code":"{code}","message":"m","log_id":"L1"}}}}"#)
        };
        assert!(matches!(
            tiktok_error(429, b("rate_limit_exceeded").as_bytes()),
            Error::RateLimited {
                retry_at: Some(_),
                ..
            }
        ));
        assert!(tiktok_error(401, b("access_token_invalid").as_bytes()).needs_reauth());
        let Error::Rejected { reason, .. } = tiktok_error(
            403,
            b("unaudited_client_can_only_post_to_private_accounts").as_bytes(),
        ) else {
            panic!()
        };
        assert!(reason.contains("Only me") && reason.contains("audit"));
        let Error::Rejected { reason, .. } =
            tiktok_error(403, b("spam_risk_user_banned_from_posting").as_bytes())
        else {
            panic!()
        };
        assert!(reason.contains("spam_risk_user_banned_from_posting") && reason.contains("L1"));
        assert!(matches!(
            tiktok_error(502, b"<html>"),
            Error::Unavailable { status: 502, .. }
        ));
    }
}
