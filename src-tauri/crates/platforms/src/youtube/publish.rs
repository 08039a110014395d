//! YouTube publishing (reference §6): a post is one video, uploaded with the resumable upload
//! protocol of the Data API v3.
//!
//! 1. `POST https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`
//!    with the video resource as JSON and `X-Upload-Content-Length`/`X-Upload-Content-Type` → the
//!    session URL in `Location`.
//! 2. `PUT` the file in 8 MiB chunks (a multiple of 256 KiB) with `Content-Range: bytes a-b/total`,
//!    streamed from disk; `308 Resume Incomplete` + `Range: bytes=0-N` between chunks; the last chunk
//!    answers 200/201 with the video resource.
//! 3. After a network error or a 5xx during a chunk: `PUT` with `Content-Range: bytes */total` and an
//!    empty body → 308 + `Range` (continue from N+1) or 200/201 (the upload had completed). Resuming
//!    cannot create a second video: the session is one video.
//! 4. Optional thumbnail: `POST https://www.googleapis.com/upload/youtube/v3/thumbnails/set?videoId=`.
//!    A failed thumbnail does not fail the post (the video is live; retrying would upload it twice).
//!
//! Scheduling: `options.publish_at` sets `status.publishAt`, which YouTube accepts only with
//! `privacyStatus: private` — so a scheduled video is uploaded private, whatever the visibility.
//! YouTube makes it public at that time by itself ([`Published::id`] is the video id).
//! - Moving it: `GET https://www.googleapis.com/youtube/v3/videos?part=status&id=` (1 quota unit),
//!   then `PUT https://www.googleapis.com/youtube/v3/videos?part=status` with `{"id","status"}`
//!   (50 units). The update replaces the whole `status` part, so the status read is sent back with
//!   only `privacyStatus: private` and `publishAt` changed (YouTube's computed fields left out).
//! - Cancelling: the same read, then `DELETE https://www.googleapis.com/youtube/v3/videos?id=`
//!   (50 units; 204). A video that is gone (404, or absent from the list) counts as cancelled.
//! - A video that is no longer private (it went out, or its owner published it in YouTube Studio) is
//!   neither moved nor deleted: both refuse with [`Error::Rejected`] rather than take a live video
//!   back or delete it.
//! - Both need the `youtube.force-ssl` (or `youtube`) scope: `youtube.upload` alone cannot update
//!   or delete.

use std::time::Duration;

use async_trait::async_trait;
use outpost_net::reqwest::{self, Method};
use serde_json::{Value, json};

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result, clean};
use crate::limits::Pacing;
use crate::limits::rejected_by_rules;
use crate::platform::Platform;
use crate::post::media::check_unchanged;
use crate::providers::Ctx;
use crate::publish::{Limits, MediaFile, Post, Progress, Published, Publisher, Violation};
use crate::tokens::TokenSet;
use crate::transport::{self, Phase, Reply, retry_after};

const P: Platform = Platform::Youtube;
/// Upload chunk: a multiple of 256 KiB, as the protocol requires of every chunk but the last.
pub const CHUNK: u64 = Pacing::of(P).chunk;
/// Consecutive interruptions (network errors, 5xx) without progress before giving up.
const MAX_INTERRUPTIONS: u32 = Pacing::of(P).upload_attempts;
/// Thumbnails: JPEG or PNG, at most 2 MB (thumbnails.set).
const MAX_THUMBNAIL: u64 = 2 * 1024 * 1024;
/// "People & Blogs", the category YouTube Studio preselects.
const CATEGORY: &str = "22";
/// The categories a video can be given (`videoCategories.list?regionCode=US`, `assignable: true`).
pub const CATEGORIES: &[(&str, &str)] = &[
    ("1", "Film & Animation"),
    ("2", "Autos & Vehicles"),
    ("10", "Music"),
    ("15", "Pets & Animals"),
    ("17", "Sports"),
    ("19", "Travel & Events"),
    ("20", "Gaming"),
    ("22", "People & Blogs"),
    ("23", "Comedy"),
    ("24", "Entertainment"),
    ("25", "News & Politics"),
    ("26", "Howto & Style"),
    ("27", "Education"),
    ("28", "Science & Technology"),
    ("29", "Nonprofits & Activism"),
];
/// videos.list / videos.update / videos.delete.
const VIDEOS: &str = "https://www.googleapis.com/youtube/v3/videos";
/// `video.status` fields YouTube computes (not sent back on update).
const STATUS_READ_ONLY: &[&str] = &[
    "uploadStatus",
    "failureReason",
    "rejectionReason",
    "madeForKids",
];

#[derive(Debug)]
pub struct YoutubePublisher;

#[async_trait]
impl Publisher for YoutubePublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn inbox_sources(&self) -> &'static [&'static str] {
        &["comments"]
    }

    async fn inbox(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        _source: &str,
        since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        super::inbox::fetch(ctx, tokens, since).await
    }

    async fn reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Published> {
        super::inbox::reply(ctx, tokens, reply).await
    }

    async fn find_reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Option<Published>> {
        super::inbox::find_reply(ctx, tokens, reply).await
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &[
            "views",
            "likes",
            "replies",
            "reposts",
            "watch_minutes",
            "avg_view_seconds",
        ]
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &["followers", "posts"]
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

    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        let mut out = limits.check(post);
        let mut v = |rule: &str, message: String| out.push(Violation::new(0, rule, message));
        // videos.insert refuses angle brackets in the title and the description (invalidTitle/invalidDescription).
        if let Some(t) = &post.options.title
            && (t.contains('<') || t.contains('>'))
        {
            v(
                "title_chars",
                "A YouTube title cannot contain < or >".into(),
            );
        }
        if let Some(p) = post.parts.first() {
            if p.text.contains('<') || p.text.contains('>') {
                v(
                    "text_chars",
                    "A YouTube description cannot contain < or >".into(),
                );
            }
            if p.text.len() > limits.max_text {
                v(
                    "text_too_large",
                    format!(
                        "The description is {} bytes; YouTube allows {}",
                        p.text.len(),
                        limits.max_text
                    ),
                );
            }
        }
        if let Some(th) = &post.options.thumbnail {
            if !matches!(th.mime.as_str(), "image/jpeg" | "image/png") {
                v(
                    "thumbnail_type",
                    format!("{}: a thumbnail must be JPEG or PNG", th.name()),
                );
            }
            if th.bytes > MAX_THUMBNAIL {
                v(
                    "thumbnail_too_large",
                    format!("{}: a thumbnail can be at most 2 MB", th.name()),
                );
            }
        }
        if let Some(c) = &post.options.category_id
            && !CATEGORIES.iter().any(|(id, _)| id == c)
        {
            v(
                "category",
                format!(
                    "YouTube has no category “{}” a video can be given",
                    clean(c, 20)
                ),
            );
        }
        if let Some(vis) = &post.options.visibility
            && !matches!(vis.as_str(), "public" | "unlisted" | "private")
        {
            v(
                "visibility",
                format!("YouTube has no visibility \"{vis}\" (public, unlisted or private)"),
            );
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
        let Some(video) = post.parts.first().and_then(|p| p.media.first()) else {
            return Err(rejected_by_rules(P, &[]));
        };
        check_unchanged(video)?;
        let thumb = post.options.thumbnail.as_ref();
        if let Some(t) = thumb {
            check_unchanged(t)?;
        }
        let total_all = video.bytes + thumb.map_or(0, |t| t.bytes);
        progress(0, total_all);

        super::quota::record(
            ctx,
            tokens,
            super::quota::UPLOAD + thumb.map_or(0, |_| super::quota::INSERT),
        )
        .await;
        let session = start_session(ctx, tokens, post, video).await?;
        let resource = upload(ctx, tokens, &session, video, total_all, progress).await?;
        let id = transport::str_field(P, &resource, "id")?;

        if let Some(t) = thumb {
            // The video exists now: a thumbnail failure must not make the caller publish it again.
            if let Err(e) =
                set_thumbnail(ctx, tokens, &id, t, video.bytes, total_all, progress).await
            {
                tracing::warn!(error = %e, "YouTube: the video is published but its thumbnail was not set");
            }
        }
        progress(total_all, total_all);
        Ok(Published {
            url: Some(format!("https://www.youtube.com/watch?v={id}")),
            thread: vec![id.clone()],
            id,
        })
    }

    // `lookup` is the trait's `Ok(None)`: finding the video again would need `search.list` (its own small daily
    // bucket) and nothing ties a video to `post.key`. A crash mid-upload leaves no video (the
    // session is not persisted), and the final chunk's outcome is confirmed by the status query.

    fn native_scheduling(&self) -> bool {
        true
    }

    /// Reads the video's status and sends it back with the new `publishAt` (51 quota units).
    async fn reschedule_native(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        scheduled: &Published,
        publish_at: i64,
    ) -> Result<()> {
        if publish_at <= transport::now_s() {
            return Err(Error::refused(
                P,
                "YouTube schedules a video only for a time in the future",
            ));
        }
        let id = scheduled.id.as_str();
        super::quota::record(ctx, tokens, super::quota::LIST + super::quota::INSERT).await;
        let Some(mut status) = video_status(ctx, tokens, id).await? else {
            return Err(video_gone());
        };
        still_private(&status, "moved")?;
        status.retain(|k, _| !STATUS_READ_ONLY.contains(&k.as_str()));
        status.insert("privacyStatus".into(), json!("private"));
        status.insert("publishAt".into(), json!(transport::rfc3339(publish_at)));
        let mut url = ctx.endpoints.url(P, VIDEOS)?;
        url.query_pairs_mut().append_pair("part", "status");
        let rb = transport::request(ctx.http, Method::PUT, url)
            .bearer_auth(tokens.access_token.expose())
            .json(&json!({ "id": id, "status": status }));
        let r = transport::send(ctx.http, P, rb).await?;
        match r.status {
            200..=299 => {
                let v: Value = serde_json::from_slice(&r.body)
                    .map_err(|_| invalid("the updated video is not JSON"))?;
                let at = v["status"]["publishAt"]
                    .as_str()
                    .and_then(transport::parse_rfc3339);
                if at == Some(publish_at) {
                    Ok(())
                } else {
                    Err(invalid("the updated video has another publishAt"))
                }
            }
            404 => Err(video_gone()),
            _ => Err(google_error(&r)),
        }
    }

    /// Deletes the video while it is still private (1 + 50 quota units); a video already gone is
    /// fine, a video already out is left alone and refused.
    async fn cancel_native(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        scheduled: &Published,
    ) -> Result<()> {
        let id = scheduled.id.as_str();
        super::quota::record(ctx, tokens, super::quota::LIST + super::quota::INSERT).await;
        let Some(status) = video_status(ctx, tokens, id).await? else {
            return Ok(());
        };
        still_private(&status, "deleted")?;
        let mut url = ctx.endpoints.url(P, VIDEOS)?;
        url.query_pairs_mut().append_pair("id", id);
        let rb = transport::request(ctx.http, Method::DELETE, url)
            .bearer_auth(tokens.access_token.expose());
        let r = transport::send(ctx.http, P, rb).await?;
        match r.status {
            200..=299 | 404 => Ok(()),
            _ => Err(google_error(&r)),
        }
    }
}

/// `videos.list?part=status&id=`: the video's status, or `None` when YouTube no longer lists it.
async fn video_status(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    id: &str,
) -> Result<Option<serde_json::Map<String, Value>>> {
    let mut url = ctx.endpoints.url(P, VIDEOS)?;
    url.query_pairs_mut()
        .append_pair("part", "status")
        .append_pair("id", id);
    let rb =
        transport::request(ctx.http, Method::GET, url).bearer_auth(tokens.access_token.expose());
    let r = transport::send(ctx.http, P, rb).await?;
    if !(200..300).contains(&r.status) {
        return Err(google_error(&r));
    }
    let v: Value =
        serde_json::from_slice(&r.body).map_err(|_| invalid("the video list is not JSON"))?;
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("the video list has no `items`"))?;
    let Some(item) = items
        .iter()
        .find(|i| i.get("id").and_then(Value::as_str) == Some(id))
    else {
        return Ok(None);
    };
    let status = item
        .get("status")
        .and_then(Value::as_object)
        .filter(|s| s.get("privacyStatus").and_then(Value::as_str).is_some())
        .ok_or_else(|| invalid("the video has no `status.privacyStatus`"))?;
    Ok(Some(status.clone()))
}

/// A scheduled video is private until YouTube publishes it; anything else is out already.
fn still_private(status: &serde_json::Map<String, Value>, what: &str) -> Result<()> {
    match status.get("privacyStatus").and_then(Value::as_str) {
        Some("private") => Ok(()),
        other => Err(Error::Rejected {
            platform: P,
            status: None,
            reason: format!(
                "The video is already {} on YouTube, so it is not {what}; change it in YouTube Studio",
                clean(other.unwrap_or("published"), 20)
            ),
        }),
    }
}

fn video_gone() -> Error {
    Error::Rejected {
        platform: P,
        status: Some(404),
        reason: "The video is no longer on YouTube (it was deleted)".into(),
    }
}

/// Step 1: the upload session URL.
async fn start_session(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    post: &Post,
    video: &MediaFile,
) -> Result<reqwest::Url> {
    let url = ctx.endpoints.url(
        P,
        "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
    )?;
    let o = &post.options;
    let mut status = json!({
        "privacyStatus": o.visibility.as_deref().unwrap_or("public"),
        "selfDeclaredMadeForKids": o.made_for_kids,
    });
    if let Some(at) = o.publish_at {
        // "can be set only if the privacy status of the video is private"
        status["privacyStatus"] = json!("private");
        status["publishAt"] = json!(transport::rfc3339(at));
    }
    let body = json!({
        "snippet": {
            "title": o.title.as_deref().map(str::trim).unwrap_or_default(),
            "description": post.parts.first().map(|p| p.text.as_str()).unwrap_or_default(),
            "tags": o.tags,
            "categoryId": o.category_id.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(CATEGORY),
        },
        "status": status,
    });
    let rb = transport::request(ctx.http, Method::POST, url)
        .bearer_auth(tokens.access_token.expose())
        .header("Content-Type", "application/json; charset=UTF-8")
        .header("X-Upload-Content-Length", video.bytes.to_string())
        .header("X-Upload-Content-Type", video.mime.as_str())
        .body(body.to_string());
    let r = transport::send(ctx.http, P, rb).await?;
    if !(200..300).contains(&r.status) {
        return Err(google_error(&r));
    }
    let loc = r
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid("the upload session has no Location"))?;
    let parsed =
        reqwest::Url::parse(loc).map_err(|_| invalid("the upload session URL is malformed"))?;
    // The session URL carries the upload; it must stay on Google's API host.
    if parsed.scheme() != "https" || parsed.host_str() != Some("www.googleapis.com") {
        return Err(invalid(
            "the upload session URL is not on www.googleapis.com",
        ));
    }
    ctx.endpoints.url(P, parsed.as_str())
}

/// Where an upload stands after a reply to a chunk or a status query.
enum Step {
    Continue(u64),
    Done(Value),
}

fn step(r: &Reply, total: u64) -> Result<Step> {
    match r.status {
        200 | 201 => {
            let v: Value = serde_json::from_slice(&r.body)
                .map_err(|_| invalid("the video resource is not JSON"))?;
            Ok(Step::Done(v))
        }
        308 => {
            let next = match r.headers.get("range").and_then(|v| v.to_str().ok()) {
                None => 0,
                Some(s) => {
                    let end = s
                        .trim()
                        .strip_prefix("bytes=0-")
                        .and_then(|n| n.parse::<u64>().ok())
                        .ok_or_else(|| invalid("the Range header is malformed"))?;
                    end + 1
                }
            };
            if next > total {
                return Err(invalid("the server claims more bytes than the file has"));
            }
            Ok(Step::Continue(next))
        }
        _ => Err(google_error(r)),
    }
}

/// Steps 2–3: the chunks, resuming after interruptions.
async fn upload(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    session: &reqwest::Url,
    video: &MediaFile,
    total_all: u64,
    progress: Progress<'_>,
) -> Result<Value> {
    let total = video.bytes;
    let mut offset = 0u64;
    let mut interruptions = 0u32;
    loop {
        let len = CHUNK.min(total - offset);
        let rb = transport::bearer(ctx.http, Method::PUT, session.clone(), tokens)
            .header("Content-Type", video.mime.as_str())
            .header("Content-Length", len.to_string())
            .header(
                "Content-Range",
                format!("bytes {offset}-{}/{total}", offset + len - 1),
            );
        let range = offset..offset + len;
        let sent = transport::send_range(
            ctx.http,
            P,
            rb,
            &video.path,
            range,
            offset,
            total_all,
            progress,
        )
        .await;
        let interrupted = match sent {
            Ok(r) if r.status >= 500 => Some(Error::Unavailable {
                platform: P,
                status: r.status,
            }),
            Ok(r) => match step(&r, total)? {
                Step::Done(v) => return Ok(v),
                Step::Continue(next) => {
                    if next <= offset && len > 0 {
                        return Err(invalid("the upload did not advance"));
                    }
                    offset = next;
                    interruptions = 0;
                    None
                }
            },
            Err(e @ Error::Network { .. }) => Some(e),
            Err(e) => return Err(e),
        };
        let Some(err) = interrupted else {
            continue;
        };
        // Ask the session how much it has, then continue from there.
        loop {
            interruptions += 1;
            if interruptions > MAX_INTERRUPTIONS {
                return Err(err);
            }
            tokio::time::sleep(backoff(interruptions)).await;
            let rb = transport::request(ctx.http, Method::PUT, session.clone())
                .bearer_auth(tokens.access_token.expose())
                .header("Content-Length", "0")
                .header("Content-Range", format!("bytes */{total}"));
            match transport::send(ctx.http, P, rb).await {
                Ok(r) if r.status >= 500 => {}
                Ok(r) => match step(&r, total)? {
                    Step::Done(v) => return Ok(v),
                    Step::Continue(next) => {
                        tracing::info!(
                            resume_at = next,
                            total,
                            "YouTube: resuming the interrupted upload"
                        );
                        offset = next;
                        progress(offset, total_all);
                        break;
                    }
                },
                Err(Error::Network { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << (attempt.saturating_sub(1)).min(6)))
}

/// Step 4.
async fn set_thumbnail(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    video_id: &str,
    thumb: &MediaFile,
    base: u64,
    total_all: u64,
    progress: Progress<'_>,
) -> Result<()> {
    let mut url = ctx.endpoints.url(
        P,
        "https://www.googleapis.com/upload/youtube/v3/thumbnails/set",
    )?;
    url.query_pairs_mut()
        .append_pair("videoId", video_id)
        .append_pair("uploadType", "media");
    let rb = transport::bearer(ctx.http, Method::POST, url, tokens)
        .header("Content-Type", thumb.mime.as_str())
        .header("Content-Length", thumb.bytes.to_string());
    let (path, range) = (&thumb.path, 0..thumb.bytes);
    let r = transport::send_range(ctx.http, P, rb, path, range, base, total_all, progress).await?;
    if (200..300).contains(&r.status) {
        Ok(())
    } else {
        Err(google_error(&r))
    }
}

/// Google's error body, with YouTube's reasons: `quotaExceeded` (403) waits for the daily reset.
pub(super) fn google_error(r: &Reply) -> Error {
    let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let reason = v["error"]["errors"][0]["reason"]
        .as_str()
        .unwrap_or_default();
    if matches!(reason, "quotaExceeded" | "dailyLimitExceeded") {
        return Error::RateLimited {
            platform: P,
            retry_at: Some(next_pacific_midnight(transport::now_s())),
        };
    }
    if matches!(reason, "rateLimitExceeded" | "userRateLimitExceeded") && r.status == 403 {
        return Error::RateLimited {
            platform: P,
            retry_at: retry_after(&r.headers),
        };
    }
    transport::classify_parts(P, Phase::Api, r.status, retry_after(&r.headers), &r.body)
}

/// A `403 insufficientPermissions`: the grant lacks the scope a call needs, which only signing in
/// again can add (`what` says which, for the user).
pub(super) fn scope_missing(r: &Reply, what: &str) -> Option<Error> {
    let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    (r.status == 403 && v["error"]["errors"][0]["reason"] == "insufficientPermissions").then(|| {
        Error::NeedsReauth {
            platform: P,
            reason: what.to_string(),
        }
    })
}

/// The next daily quota reset: midnight in America/Los_Angeles (daylight saving included).
pub fn next_pacific_midnight(now: i64) -> i64 {
    use chrono::{Days, TimeZone};
    let tz = chrono_tz::America::Los_Angeles;
    let Some(local) = tz.timestamp_opt(now, 0).single() else {
        return now + 86_400;
    };
    local
        .date_naive()
        .checked_add_days(Days::new(1))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|midnight| tz.from_local_datetime(&midnight).earliest())
        .map_or(now + 86_400, |t| t.timestamp())
}

fn invalid(what: &str) -> Error {
    transport::invalid(P, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_and_the_quota_reset_is_midnight_in_los_angeles() {
        assert_eq!(transport::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(transport::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        let noon = 1_795_435_200; // 2026-11-23 12:00 UTC
        assert_eq!(transport::rfc3339(noon), "2026-11-23T12:00:00Z");
        assert_eq!(
            transport::rfc3339(next_pacific_midnight(noon)),
            "2026-11-24T08:00:00Z"
        );
        // 05:00 UTC is still the previous Pacific day: the reset is the same day at 08:00.
        assert_eq!(
            transport::rfc3339(next_pacific_midnight(noon - 7 * 3600)),
            "2026-11-23T08:00:00Z"
        );
        // Summer: Pacific daylight time, midnight is 07:00 UTC.
        let july = 1_783_080_000; // 2026-07-03 12:00 UTC
        assert_eq!(
            transport::rfc3339(next_pacific_midnight(july)),
            "2026-07-04T07:00:00Z"
        );
    }
}
