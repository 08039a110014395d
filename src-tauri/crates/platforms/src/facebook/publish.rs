//! Facebook Pages publishing (reference §3), Graph API `v23.0`, with the Page access token the
//! channel holds (`/me/accounts` at sign-in) and the Page id in `tokens.extra("author")`.
//!
//! - Text and link: `POST /{page-id}/feed` `message`, `link` → `{"id":"{page}_{post}"}`.
//! - One photo: `POST /{page-id}/photos` multipart `source` (streamed from disk), `message`,
//!   `alt_text_custom` [U] → `{"id","post_id"}`.
//! - Several photos: each `POST /{page-id}/photos` with `published=false` (plus `temporary=true`
//!   when the post is scheduled, as Meta requires for photos of a scheduled post) → then
//!   `POST /{page-id}/feed` with `attached_media[i]={"media_fbid":…}`.
//! - Video: the resumable upload on `graph-video.facebook.com`: `upload_phase=start` (`file_size`)
//!   → `{video_id, upload_session_id, start_offset, end_offset}`; `upload_phase=transfer` with the
//!   byte range Facebook asked for (multipart `video_file_chunk`) until `start_offset ==
//!   end_offset`; `upload_phase=finish` with `description`, `title`. The post's id is the video id.
//! - Native scheduling: `published=false` + `scheduled_publish_time` (unix s), 10 minutes to 30
//!   days ahead [U: a third-party page says 6 months]. `reschedule_native`: `POST /{id}`
//!   `scheduled_publish_time`; `cancel_native`: `DELETE /{id}` (a post already gone is fine).
//! - First comment: a second part is a text-only comment by the Page (`POST /{post-id}/comments`),
//!   not possible on a scheduled post (nothing to comment on yet). The post is recorded in the part
//!   log before the comment is sent; a failed comment is the error (the post is live and is never
//!   published again; the caller shows "published; first comment failed").
//! - Uploads are not retried after a failure here: a photo or video call may have created the
//!   object; the caller gets the typed error.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use async_trait::async_trait;
use outpost_net::reqwest::Method;
use serde_json::json;

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result};
use crate::limits::rejected_by_rules;
use crate::meta::graph::{Graph, account_id, multipart};
use crate::platform::Platform;
use crate::post::media::check_unchanged;
use crate::providers::Ctx;
use crate::publish::{
    Limits, MediaFile, MediaKind, Post, Progress, Published, Publisher, Violation,
};
use crate::tokens::TokenSet;
use crate::transport;
use crate::transport::with_progress;

const P: Platform = Platform::Facebook;
const GRAPH: Graph = Graph {
    platform: P,
    base: "https://graph.facebook.com/v23.0",
};
const VIDEO_GRAPH: Graph = Graph {
    platform: P,
    base: "https://graph-video.facebook.com/v23.0",
};

/// Earliest native schedule: 10 minutes ahead (Meta refuses sooner).
pub const MIN_SCHEDULE_S: i64 = 10 * 60;
/// Latest native schedule: 30 days ahead [U].
pub const MAX_SCHEDULE_S: i64 = 30 * 24 * 3600;

#[derive(Debug)]
pub struct FacebookPublisher;

/// Whether `at` (unix s) is a time Facebook can schedule at, seen at `now`.
pub fn schedule_problem(at: i64, now: i64) -> Option<String> {
    if at < now + MIN_SCHEDULE_S {
        Some("Facebook schedules posts at least 10 minutes ahead".into())
    } else if at > now + MAX_SCHEDULE_S {
        Some("Facebook schedules posts at most 30 days ahead".into())
    } else {
        None
    }
}

#[async_trait]
impl Publisher for FacebookPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn inbox_sources(&self) -> &'static [&'static str] {
        &["comments", "messages"]
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &[
            "impressions",
            "reach",
            "likes",
            "link_clicks",
            "replies",
            "reposts",
        ]
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &["followers"]
    }

    async fn post_metrics(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Published,
    ) -> Result<PostMetrics> {
        super::metrics::post(&GRAPH, ctx, tokens, post).await
    }

    async fn account_metrics(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
        super::metrics::account(&GRAPH, ctx, tokens).await
    }

    async fn inbox(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        source: &str,
        since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        super::inbox::fetch(&GRAPH, ctx, tokens, source, since).await
    }

    async fn reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Published> {
        super::inbox::reply(&GRAPH, ctx, tokens, reply).await
    }

    async fn find_reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Option<Published>> {
        super::inbox::find_reply(&GRAPH, ctx, tokens, reply).await
    }

    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        let mut out = limits.check(post);
        let mut v = |part: usize, rule: &str, message: String| {
            out.push(Violation::new(part, rule, message))
        };
        if let Some(at) = post.options.publish_at {
            if let Some(problem) = schedule_problem(at, transport::now_s()) {
                v(0, "schedule_window", problem);
            }
            if post.parts.len() > 1 {
                v(
                    1,
                    "scheduled_comment",
                    "A scheduled Facebook post cannot have a first comment".into(),
                );
            }
        }
        if let Some(link) = &post.options.link {
            let ok = url::Url::parse(link)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
            if !ok {
                v(0, "link", "The link must be an http(s) address".into());
            }
            if post.parts.first().is_some_and(|p| !p.media.is_empty()) {
                v(
                    0,
                    "link_with_media",
                    "A Facebook post has either a link or photos/a video".into(),
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
        let page = account_id(P, tokens)?;
        let Some(part) = post.parts.first() else {
            return Err(rejected_by_rules(P, &[]));
        };
        // The post of an earlier attempt is live: only its first comment is left to send.
        if let Some(first) = crate::publish::live_first(ctx) {
            let id = first.id.clone();
            return crate::publish::first_comment(ctx, post, first, |text| {
                GRAPH.comment(ctx, tokens, id, text)
            })
            .await;
        }
        for m in &part.media {
            check_unchanged(m)?;
        }
        let total: u64 = part.media.iter().map(|m| m.bytes).sum();
        progress(0, total);
        let schedule = post.options.publish_at;
        let mut state: Vec<(&str, String)> = Vec::new();
        match schedule {
            Some(at) => {
                state.push(("published", "false".into()));
                state.push(("scheduled_publish_time", at.to_string()));
            }
            None => state.push(("published", "true".into())),
        }

        let id = match part.media.as_slice() {
            [] => {
                let mut params = vec![("message", part.text.clone())];
                if let Some(link) = &post.options.link {
                    params.push(("link", link.clone()));
                }
                params.extend(state.iter().cloned());
                crate::publish::part_sending(ctx, 0).await?;
                let v = GRAPH
                    .form(ctx, tokens, Method::POST, &format!("/{page}/feed"), &params)
                    .await?;
                GRAPH.id(&v)?
            }
            [m] if m.kind == MediaKind::Video => {
                crate::publish::part_sending(ctx, 0).await?;
                upload_video(
                    ctx,
                    tokens,
                    &page,
                    m,
                    &part.text,
                    &post.options,
                    &state,
                    progress,
                )
                .await?
            }
            [m] => {
                let mut fields = vec![("message", part.text.clone())];
                fields.extend(state.iter().cloned());
                crate::publish::part_sending(ctx, 0).await?;
                let v = upload_photo(ctx, tokens, &page, m, fields, 0, total, progress).await?;
                transport::opt_str(&v, "post_id").map_or_else(|| GRAPH.id(&v), Ok)?
            }
            many => {
                let mut fbids = Vec::with_capacity(many.len());
                let mut sent = 0;
                for m in many {
                    let mut fields = vec![("published", "false".to_string())];
                    if schedule.is_some() {
                        fields.push(("temporary", "true".into()));
                    }
                    let v =
                        upload_photo(ctx, tokens, &page, m, fields, sent, total, progress).await?;
                    fbids.push(GRAPH.id(&v)?);
                    sent += m.bytes;
                }
                let mut params = vec![("message", part.text.clone())];
                let keys: Vec<String> = (0..fbids.len())
                    .map(|i| format!("attached_media[{i}]"))
                    .collect();
                for (k, id) in keys.iter().zip(&fbids) {
                    params.push((k.as_str(), json!({ "media_fbid": id }).to_string()));
                }
                params.extend(state.iter().cloned());
                crate::publish::part_sending(ctx, 0).await?;
                let v = GRAPH
                    .form(ctx, tokens, Method::POST, &format!("/{page}/feed"), &params)
                    .await?;
                GRAPH.id(&v)?
            }
        };
        progress(total, total);
        let is_video = part.media.iter().any(|m| m.kind == MediaKind::Video);
        let url = if is_video {
            format!("https://www.facebook.com/{page}/videos/{id}/")
        } else {
            format!("https://www.facebook.com/{id}")
        };
        if schedule.is_some() {
            // Handed to Facebook's scheduler (no first comment then): not live yet.
            return Ok(Published {
                url: Some(url),
                thread: vec![id.clone()],
                id,
            });
        }
        crate::publish::part_published(ctx, 0, &id, Some(&url)).await;
        let first = crate::publish::LivePart {
            id: id.clone(),
            url: Some(url),
        };
        // The post is live and recorded: a failed comment is the error, shown on the post as
        // "published; first comment failed" (never a reason to publish the post again).
        crate::publish::first_comment(ctx, post, first, |text| {
            GRAPH.comment(ctx, tokens, id, text)
        })
        .await
    }

    // `lookup` is the trait's `Ok(None)`: the Graph API has no idempotency key and nothing Outpost can attach to a
    // Page post without showing it to readers; matching the feed by text would mistake an older
    // post with the same words for this one. The caller treats the outcome as unknown.

    fn native_scheduling(&self) -> bool {
        true
    }

    async fn reschedule_native(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        scheduled: &Published,
        publish_at: i64,
    ) -> Result<()> {
        if let Some(problem) = schedule_problem(publish_at, transport::now_s()) {
            return Err(Error::refused(P, problem));
        }
        let v = GRAPH
            .form(
                ctx,
                tokens,
                Method::POST,
                &format!("/{}", graph_id(&scheduled.id)?),
                &[("scheduled_publish_time", publish_at.to_string())],
            )
            .await?;
        GRAPH.success(&v)
    }

    async fn cancel_native(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        scheduled: &Published,
    ) -> Result<()> {
        let rb = GRAPH.request(
            ctx,
            tokens,
            Method::DELETE,
            &format!("/{}", graph_id(&scheduled.id)?),
        )?;
        match GRAPH.call(ctx, rb).await {
            Ok(v) => GRAPH.success(&v),
            // "Object with ID … does not exist" (100/33) or a plain 404: already gone.
            Err(Error::Rejected {
                status: Some(400 | 404),
                reason,
                ..
            }) if reason.contains("does not exist") => Ok(()),
            Err(Error::Rejected {
                status: Some(404), ..
            }) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// An id Outpost got from Facebook, checked before it goes into a path.
fn graph_id(id: &str) -> Result<&str> {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_digit() || c == '_') {
        Ok(id)
    } else {
        Err(Error::Config(format!(
            "not a Facebook post id: {}",
            crate::error::clean(id, 40)
        )))
    }
}

/// `POST /{page}/photos` with the file as multipart `source`, streamed.
#[allow(clippy::too_many_arguments)]
async fn upload_photo(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    page: &str,
    m: &MediaFile,
    mut fields: Vec<(&str, String)>,
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<serde_json::Value> {
    if let Some(alt) = &m.alt {
        fields.push(("alt_text_custom", alt.clone()));
    }
    let counter = Arc::new(AtomicU64::new(0));
    let (ctype, len, body) = multipart(&fields, "source", m, 0, m.bytes, counter.clone()).await?;
    let rb = GRAPH
        .request(ctx, tokens, Method::POST, &format!("/{page}/photos"))?
        .header("Content-Type", ctype)
        .header("Content-Length", len.to_string())
        .body(body);
    let r = with_progress(
        transport::send(ctx.http, P, rb),
        &counter,
        base,
        total,
        progress,
    )
    .await?;
    if !(200..300).contains(&r.status) {
        return Err(crate::meta::graph::classify(P, &r));
    }
    serde_json::from_slice(&r.body).map_err(|_| GRAPH.invalid("the body is not JSON"))
}

/// The resumable video upload; returns the video id.
#[allow(clippy::too_many_arguments)]
async fn upload_video(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    page: &str,
    m: &MediaFile,
    description: &str,
    options: &crate::publish::PostOptions,
    state: &[(&str, String)],
    progress: Progress<'_>,
) -> Result<String> {
    let path = format!("/{page}/videos");
    let start = VIDEO_GRAPH
        .form(
            ctx,
            tokens,
            Method::POST,
            &path,
            &[
                ("upload_phase", "start".into()),
                ("file_size", m.bytes.to_string()),
            ],
        )
        .await?;
    let video_id =
        VIDEO_GRAPH.id(&json!({ "id": transport::str_field(P, &start, "video_id")? }))?;
    let session = transport::str_field(P, &start, "upload_session_id")?;
    let mut range = offsets(&start, m.bytes)?;
    while range.0 < range.1 {
        let (from, to) = range;
        let counter = Arc::new(AtomicU64::new(0));
        let fields = [
            ("upload_phase", "transfer".to_string()),
            ("upload_session_id", session.clone()),
            ("start_offset", from.to_string()),
        ];
        let (ctype, len, body) = multipart(
            &fields,
            "video_file_chunk",
            m,
            from,
            to - from,
            counter.clone(),
        )
        .await?;
        let rb = VIDEO_GRAPH
            .request(ctx, tokens, Method::POST, &path)?
            .header("Content-Type", ctype)
            .header("Content-Length", len.to_string())
            .body(body);
        let r = with_progress(
            transport::send(ctx.http, P, rb),
            &counter,
            from,
            m.bytes,
            progress,
        )
        .await?;
        if !(200..300).contains(&r.status) {
            return Err(crate::meta::graph::classify(P, &r));
        }
        let v: serde_json::Value =
            serde_json::from_slice(&r.body).map_err(|_| GRAPH.invalid("the body is not JSON"))?;
        let next = offsets(&v, m.bytes)?;
        if next.0 != to {
            return Err(GRAPH.invalid("the upload did not continue where the chunk ended"));
        }
        range = next;
    }
    let mut params = vec![
        ("upload_phase", "finish".to_string()),
        ("upload_session_id", session),
        ("description", description.to_string()),
    ];
    if let Some(t) = options
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        params.push(("title", t.to_string()));
    }
    params.extend(state.iter().cloned());
    let v = VIDEO_GRAPH
        .form(ctx, tokens, Method::POST, &path, &params)
        .await?;
    VIDEO_GRAPH.success(&v)?;
    Ok(video_id)
}

/// `start_offset`/`end_offset` of a resumable-upload answer (numbers as strings), checked
/// against the file: the next chunk is `[start, end)`, done when they are equal.
fn offsets(v: &serde_json::Value, size: u64) -> Result<(u64, u64)> {
    let get = |k: &str| {
        transport::opt_str(v, k)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| GRAPH.invalid("the upload offsets are missing"))
    };
    let (s, e) = (get("start_offset")?, get("end_offset")?);
    if s > e || e > size {
        return Err(GRAPH.invalid("the upload offsets are outside the file"));
    }
    Ok((s, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::auth::GRAPH_VERSION;

    #[test]
    fn the_schedule_window_is_ten_minutes_to_thirty_days() {
        let now = 1_800_000_000;
        assert!(schedule_problem(now + 599, now).is_some());
        assert!(schedule_problem(now + 600, now).is_none());
        assert!(schedule_problem(now + 30 * 86_400, now).is_none());
        assert!(schedule_problem(now + 30 * 86_400 + 1, now).is_some());
        assert_eq!(
            GRAPH_VERSION, "v23.0",
            "the Graph base URLs pin this version"
        );
    }
}
