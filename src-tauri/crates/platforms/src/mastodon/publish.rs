//! Mastodon publishing, on the channel's own server (`ctx.app.instance_url`).
//!
//! - Limits are the server's: `GET /api/v2/instance` (`configuration.statuses` and
//!   `configuration.media_attachments`).
//! - Media: `POST /api/v2/media` (multipart `file` + `description`, streamed from disk with a
//!   Content-Length) → 200 (processed) or 202 (`url: null`) → `GET /api/v1/media/:id` until 200
//!   (206 while processing).
//! - Posts: `POST /api/v1/statuses` (JSON) with `Idempotency-Key` = the post's key (`key:i` for
//!   the i-th reply of a thread). The server keeps the key for an hour, so publishing the same post
//!   again within the hour returns the statuses already made instead of duplicating them — a thread
//!   interrupted half-way resumes where it stopped. Replies chain with `in_reply_to_id`.
//! - Native scheduling: `scheduled_at` more than 5 minutes ahead returns a ScheduledStatus (its id is
//!   [`Published::id`]; it has no URL yet). The server publishes it itself at that time, as a new
//!   status with its own id, and the ScheduledStatus is gone. Moving it:
//!   `PUT /api/v1/scheduled_statuses/:id` `{"scheduled_at"}` (the same 5-minute rule, checked here
//!   before any request); cancelling: `DELETE /api/v1/scheduled_statuses/:id`. Both answer 404 once
//!   the status was published or cancelled — Mastodon cannot tell which: a cancel then succeeds (the
//!   post may have gone out), a move fails with that explanation.
//!
//! No call is retried here: every failure is classified ([`Error`]) and the scheduler decides.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use outpost_net::reqwest::{self, Method};
use serde_json::{Value, json};
use url::Url;

use super::server::{api, authed, html_text, normalise, origin, recent_own_statuses};
use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result, clean};
use crate::limits::Pacing;
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::publish::{Limits, MediaFile, Post, Progress, Published, Publisher};
use crate::tokens::TokenSet;
use crate::transport::{self, Phase};

const P: Platform = Platform::Mastodon;
/// Mastodon refuses `scheduled_at` less than 5 minutes ahead.
const MIN_SCHEDULE_S: i64 = 5 * 60;
const TOO_SOON: &str = "Mastodon schedules posts more than 5 minutes ahead";
/// Visibilities a status can have.
const VISIBILITIES: &[&str] = &["public", "unlisted", "private", "direct"];
/// How long a processing medium is waited for.
const PROCESSING_TIMEOUT: Duration = Pacing::of(P).processing_deadline;

#[derive(Debug)]
pub struct MastodonPublisher;

/// The idempotency key of part `i` of a post.
fn part_key(key: &str, i: usize) -> String {
    if i == 0 {
        key.to_string()
    } else {
        format!("{key}:{i}")
    }
}

fn u64_at(v: &Value, path: &[&str]) -> Option<u64> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_u64()
}

/// The server's limits from its `/api/v2/instance` document, over Mastodon's defaults.
fn limits_from_instance(v: &Value) -> Result<Limits> {
    let Some(conf) = v.get("configuration").filter(|c| c.is_object()) else {
        return Err(Error::InvalidResponse {
            platform: P,
            what: "`configuration` is missing".into(),
        });
    };
    let mut l = Limits::for_platform(P);
    let usize_of = |x: u64| usize::try_from(x).unwrap_or(usize::MAX);
    if let Some(n) = u64_at(conf, &["statuses", "max_characters"]) {
        l.max_text = usize_of(n);
    }
    if let Some(n) = u64_at(conf, &["statuses", "max_media_attachments"]) {
        l.max_images = usize_of(n);
        l.max_gifs = usize_of(n);
        l.max_videos = l.max_videos.min(usize_of(n));
    }
    if let Some(n) = u64_at(conf, &["media_attachments", "image_size_limit"]) {
        l.max_image_bytes = n;
        l.max_gif_bytes = n;
    }
    if let Some(n) = u64_at(conf, &["media_attachments", "video_size_limit"]) {
        l.max_video_bytes = n;
    }
    // Mastodon 4.4+ states the alt-text limit; older servers use 1500.
    if let Some(n) = u64_at(conf, &["media_attachments", "description_limit"]) {
        l.max_alt = usize_of(n);
    }
    if let Some(types) = conf
        .get("media_attachments")
        .and_then(|m| m.get("supported_mime_types"))
        .and_then(Value::as_array)
    {
        let types: Vec<String> = types
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        l.image_types = types
            .iter()
            .filter(|t| t.starts_with("image/"))
            .cloned()
            .collect();
        l.video_types = types
            .iter()
            .filter(|t| t.starts_with("video/"))
            .cloned()
            .collect();
    }
    Ok(l)
}

/// Mastodon refuses a `scheduled_at` 5 minutes ahead or less (`ScheduledStatusValidator`).
fn too_soon(at: i64, now: i64) -> bool {
    at <= now + MIN_SCHEDULE_S
}

/// `/api/v1/scheduled_statuses/:id`, the id percent-encoded as one path segment.
fn scheduled_url(origin: &Url, id: &str) -> Result<Url> {
    let mut url = api(origin, "/api/v1/scheduled_statuses")?;
    url.path_segments_mut()
        .map_err(|_| Error::Config("bad server URL".into()))?
        .push(id);
    Ok(url)
}

/// Why `post` cannot be published as it is, before anything goes out.
fn check_options(post: &Post, limits: &Limits, now: i64) -> Option<String> {
    // The server counts the content warning together with the text.
    if let Some(cw) = post.options.content_warning.as_deref().map(str::trim)
        && !cw.is_empty()
    {
        let cw_len = limits.count(cw);
        for p in &post.parts {
            let n = limits.count(&p.text) + cw_len;
            if n > limits.max_text {
                return Some(format!(
                    "The text and content warning count {n} on Mastodon; the server allows {}",
                    limits.max_text
                ));
            }
        }
    }
    if let Some(v) = post.options.visibility.as_deref()
        && !VISIBILITIES.contains(&v)
    {
        return Some(format!(
            "Mastodon visibility must be public, unlisted, private or direct (not {})",
            clean(v, 40)
        ));
    }
    if let Some(at) = post.options.publish_at
        && at > now
    {
        if too_soon(at, now) {
            return Some(TOO_SOON.into());
        }
        if post.parts.len() > 1 {
            return Some("Mastodon cannot schedule a thread; schedule its first post only".into());
        }
    }
    None
}

/// The multipart framing around the file: everything before its bytes, and the closing boundary.
fn multipart_frame(boundary: &str, m: &MediaFile) -> (Vec<u8>, Vec<u8>) {
    let alt: Vec<(&str, &str)> = m.alt.iter().map(|a| ("description", a.as_str())).collect();
    let (head, tail) = transport::multipart_frame(boundary, &alt, "file", &m.name(), &m.mime);
    (head.into_bytes(), tail.into_bytes())
}

/// Uploads one medium, streaming it from disk; returns its id once the server has processed it.
async fn upload(
    ctx: Ctx<'_>,
    origin: &Url,
    tokens: &TokenSet,
    m: &MediaFile,
    sent: &mut u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let unreadable =
        |e: std::io::Error| Error::Config(format!("{}: cannot be read ({e})", m.name()));
    let file = tokio::fs::File::open(&m.path).await.map_err(unreadable)?;
    let len = file.metadata().await.map_err(unreadable)?.len();
    if len != m.bytes {
        return Err(Error::Config(format!(
            "{}: the file changed since it was attached",
            m.name()
        )));
    }
    let boundary = format!("outpost-{:032x}", rand::random::<u128>());
    let (head, tail) = multipart_frame(&boundary, m);
    let content_length = head.len() as u64 + len + tail.len() as u64;
    let counted = Arc::new(AtomicU64::new(0));
    let c2 = Arc::clone(&counted);
    let body_stream = futures_util::stream::once(async move { Ok(head.into()) })
        .chain(
            tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).inspect(move |chunk| {
                if let Ok(b) = chunk {
                    c2.fetch_add(b.len() as u64, Ordering::Relaxed);
                }
            }),
        )
        .chain(futures_util::stream::once(async move {
            Ok::<_, std::io::Error>(tail.into())
        }));
    let rb = authed(ctx, Method::POST, api(origin, "/api/v2/media")?, tokens)
        .header(
            reqwest::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(reqwest::header::CONTENT_LENGTH, content_length)
        .body(reqwest::Body::wrap_stream(body_stream));
    let base = *sent;
    let send = transport::send(ctx.http, P, rb);
    tokio::pin!(send);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let mut reported = 0;
    let reply = loop {
        tokio::select! {
            r = &mut send => break r?,
            _ = tick.tick() => {
                let n = counted.load(Ordering::Relaxed);
                if n != reported {
                    reported = n;
                    progress(base + n, total);
                }
            }
        }
    };
    *sent = base + len;
    progress(*sent, total);
    let v = match reply.status {
        200 | 202 => reply.json(P)?,
        _ => return Err(transport::api_error(P, &reply)),
    };
    let id = transport::str_field(P, &v, "id")?;
    if reply.status == 200 && transport::opt_str(&v, "url").is_some() {
        return Ok(id);
    }
    wait_processed(ctx, origin, tokens, &id).await?;
    Ok(id)
}

/// Polls `GET /api/v1/media/:id` until the server has processed the medium (206 → 200).
async fn wait_processed(ctx: Ctx<'_>, origin: &Url, tokens: &TokenSet, id: &str) -> Result<()> {
    let url = api(origin, &format!("/api/v1/media/{id}"))?;
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        tokio::time::sleep(wait).await;
        let reply =
            transport::send(ctx.http, P, authed(ctx, Method::GET, url.clone(), tokens)).await?;
        match reply.status {
            200 => {
                let v = reply.json(P)?;
                if transport::opt_str(&v, "url").is_some() {
                    return Ok(());
                }
            }
            206 => {}
            _ => return Err(transport::api_error(P, &reply)),
        }
        if started.elapsed() > PROCESSING_TIMEOUT {
            return Err(Error::refused(
                P,
                "the server did not finish processing the media in 15 minutes",
            ));
        }
        wait = (wait * 3 / 2).min(Duration::from_secs(5));
    }
}

/// The name Outpost registers its Mastodon app with (`client_name`), shown on its statuses.
pub const APP_NAME: &str = "Outpost";
/// Clock skew allowed between this computer and the server when matching creation times.
const SKEW_S: i64 = 60;

/// Whether status `s` can be the one an attempt started at `since` (unix s) created: made by
/// Outpost's app, not a reply, created no earlier than the attempt (less the skew).
fn created_by_this_attempt(s: &Value, since: i64) -> bool {
    let app = s.pointer("/application/name").and_then(Value::as_str);
    let created = s
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(transport::parse_rfc3339);
    app == Some(APP_NAME)
        && s.get("in_reply_to_id").is_none_or(Value::is_null)
        && created.is_some_and(|t| t >= since - SKEW_S)
}

/// The JSON body of `POST /api/v1/statuses` for one part.
fn status_body(
    post: &Post,
    i: usize,
    media_ids: &[String],
    reply_to: Option<&str>,
    scheduled_at: Option<i64>,
) -> Value {
    let part = &post.parts[i];
    let o = &post.options;
    let mut b = json!({ "status": part.text });
    if !media_ids.is_empty() {
        b["media_ids"] = json!(media_ids);
    }
    if let Some(r) = reply_to {
        b["in_reply_to_id"] = json!(r);
    }
    if let Some(cw) = o.content_warning.as_deref().map(str::trim)
        && !cw.is_empty()
    {
        b["spoiler_text"] = json!(cw);
        b["sensitive"] = json!(true);
    }
    if let Some(v) = &o.visibility {
        b["visibility"] = json!(v);
    }
    if let Some(l) = &o.language {
        b["language"] = json!(l);
    }
    if let Some(at) = scheduled_at {
        b["scheduled_at"] = json!(transport::rfc3339(at));
    }
    b
}

#[async_trait]
impl Publisher for MastodonPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &["likes", "reposts", "replies"]
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

    async fn server_limits(&self, ctx: Ctx<'_>) -> Result<Limits> {
        let url = api(&origin(ctx)?, "/api/v2/instance")?;
        let v = transport::send_json(
            ctx.http,
            P,
            Phase::Api,
            transport::request(ctx.http, Method::GET, url),
        )
        .await?;
        limits_from_instance(&v)
    }

    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published> {
        let origin = origin(ctx)?;
        let limits = self.server_limits(ctx).await?;
        let violations = self.validate(post, &limits);
        if !violations.is_empty() {
            let reason = violations
                .iter()
                .map(|v| v.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(Error::refused(P, reason));
        }
        let now = transport::now_s();
        if let Some(reason) = check_options(post, &limits, now) {
            return Err(Error::refused(P, reason));
        }
        let scheduled_at = post.options.publish_at.filter(|at| *at > now);
        let total: u64 = post
            .parts
            .iter()
            .flat_map(|p| p.media.iter())
            .map(|m| m.bytes)
            .sum();
        let mut sent = 0;
        // Parts an earlier attempt published stay as they are: resume after them.
        let live = crate::publish::live_parts(ctx);
        let start = live.len().min(post.parts.len());
        let mut thread: Vec<String> = live[..start].iter().map(|l| l.id.clone()).collect();
        let mut first_url = live.first().and_then(|l| l.url.clone());
        for (i, part) in post.parts.iter().enumerate().skip(start) {
            let mut media_ids = Vec::new();
            for m in &part.media {
                media_ids.push(upload(ctx, &origin, tokens, m, &mut sent, total, progress).await?);
            }
            let body = status_body(
                post,
                i,
                &media_ids,
                thread.last().map(String::as_str),
                scheduled_at,
            );
            let rb = authed(ctx, Method::POST, api(&origin, "/api/v1/statuses")?, tokens)
                .header("Idempotency-Key", part_key(&post.key, i))
                .json(&body);
            crate::publish::part_sending(ctx, i).await?;
            let v = transport::send_json(ctx.http, P, Phase::Api, rb).await?;
            let id = transport::str_field(P, &v, "id")?;
            let part_url = transport::opt_str(&v, "url").or_else(|| transport::opt_str(&v, "uri"));
            if scheduled_at.is_none() {
                crate::publish::part_published(ctx, i, &id, part_url.as_deref()).await;
            }
            if scheduled_at.is_some() {
                // A ScheduledStatus: {"id","scheduled_at","params"}; it has no URL yet.
                if v.get("params").is_none() {
                    return Err(Error::InvalidResponse {
                        platform: P,
                        what: "a scheduled post came back without `params`".into(),
                    });
                }
            } else if i == 0 {
                first_url = part_url;
            }
            thread.push(id);
        }
        let Some(id) = thread.first().cloned() else {
            return Err(Error::refused(P, "The post is empty"));
        };
        Ok(Published {
            id,
            url: first_url,
            thread,
        })
    }

    /// Mastodon keeps each `Idempotency-Key` for an hour: within that hour, publishing the same
    /// post again is itself the safe lookup (the server answers with the statuses already made).
    /// Beyond it, [`Publisher::lookup`] matches what this attempt created (app, time, text).
    /// Idempotency-Key per part: Mastodon returns the first status for a repeat within an hour.
    fn retry_is_safe(&self) -> bool {
        true
    }

    fn native_scheduling(&self) -> bool {
        true
    }

    /// `PUT /api/v1/scheduled_statuses/:id`; a time 5 minutes ahead or less is refused here,
    /// without a request. A 404 means the status already went out (or was cancelled).
    async fn reschedule_native(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        scheduled: &Published,
        publish_at: i64,
    ) -> Result<()> {
        if too_soon(publish_at, transport::now_s()) {
            return Err(Error::refused(
                P,
                format!("{TOO_SOON}; pick a later time or publish it now"),
            ));
        }
        let url = scheduled_url(&origin(ctx)?, &scheduled.id)?;
        let rb = authed(ctx, Method::PUT, url, tokens)
            .json(&json!({ "scheduled_at": transport::rfc3339(publish_at) }));
        let reply = transport::send(ctx.http, P, rb).await?;
        match reply.status {
            200..=299 => {
                let v = reply.json(P)?;
                let at = v
                    .get("scheduled_at")
                    .and_then(Value::as_str)
                    .and_then(transport::parse_rfc3339);
                if at == Some(publish_at) {
                    Ok(())
                } else {
                    Err(Error::InvalidResponse {
                        platform: P,
                        what: "the scheduled post came back with another time".into(),
                    })
                }
            }
            404 => Err(Error::Rejected {
                platform: P,
                status: Some(404),
                reason: "The post is no longer scheduled on the server: it was already published \
                         or cancelled"
                    .into(),
            }),
            _ => Err(transport::api_error(P, &reply)),
        }
    }

    /// `DELETE /api/v1/scheduled_statuses/:id`. A 404 is success: the scheduled status is gone,
    /// either cancelled already or **already published** (Mastodon does not say which; the
    /// published status, if any, is left alone).
    async fn cancel_native(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        scheduled: &Published,
    ) -> Result<()> {
        let url = scheduled_url(&origin(ctx)?, &scheduled.id)?;
        let reply = transport::send(ctx.http, P, authed(ctx, Method::DELETE, url, tokens)).await?;
        match reply.status {
            200..=299 => Ok(()),
            404 => {
                tracing::info!(
                    "Mastodon: the scheduled post was already gone (published or cancelled)"
                );
                Ok(())
            }
            _ => Err(transport::api_error(P, &reply)),
        }
    }

    /// Finds the status this post's attempt created, beyond the `Idempotency-Key`'s hour: among
    /// the account's 40 most recent statuses, one created by this app ([`APP_NAME`], which Mastodon
    /// shows the owner as `application.name`) no earlier than the attempt
    /// ([`crate::publish::PostOptions::attempt_since`], less a minute of clock skew), not a reply,
    /// with the first part's text. Text alone never matches: without the attempt's time there is
    /// no match, so a recurring post with the same words is never taken for this one.
    async fn lookup(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
    ) -> Result<Option<Published>> {
        let Some(first) = post.parts.first() else {
            return Ok(None);
        };
        let Some(since) = post.options.attempt_since else {
            return Ok(None);
        };
        let list = recent_own_statuses(ctx, &origin(ctx)?, tokens).await?;
        let want = normalise(&first.text);
        for s in &list {
            if !created_by_this_attempt(s, since) {
                continue;
            }
            let text = s
                .get("text")
                .and_then(Value::as_str)
                .map(normalise)
                .or_else(|| s.get("content").and_then(Value::as_str).map(html_text));
            if text.as_deref() == Some(want.as_str()) {
                let id = transport::str_field(P, s, "id")?;
                return Ok(Some(Published {
                    url: transport::opt_str(s, "url").or_else(|| transport::opt_str(s, "uri")),
                    thread: vec![id.clone()],
                    id,
                }));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        for t in [0, 951_782_400, 1_795_437_600, 4_102_444_799] {
            assert_eq!(
                transport::parse_rfc3339(&transport::rfc3339(t)),
                Some(t),
                "{t}"
            );
        }
        assert_eq!(transport::rfc3339(1_795_437_600), "2026-11-23T12:40:00Z");
    }

    #[test]
    fn html_content_becomes_text() {
        assert_eq!(
            html_text(
                "<p>a &amp; b<br />see <a href=\"https://x\"><span class=\"invisible\">https://</span><span>x</span></a></p><p>two</p>"
            ),
            "a & b see https://x two"
        );
    }

    #[test]
    fn instance_limits_override_the_defaults() {
        let v = json!({"configuration": {
            "statuses": {"max_characters": 5000, "max_media_attachments": 8},
            "media_attachments": {"image_size_limit": 10, "video_size_limit": 20,
                "supported_mime_types": ["image/png", "video/mp4", "audio/mpeg"]}}});
        let l = limits_from_instance(&v).unwrap();
        assert_eq!((l.max_text, l.max_images, l.max_videos), (5000, 8, 1));
        assert_eq!((l.max_image_bytes, l.max_video_bytes), (10, 20));
        assert_eq!(l.image_types, vec!["image/png".to_string()]);
        assert_eq!(l.video_types, vec!["video/mp4".to_string()]);
        assert!(limits_from_instance(&json!({})).is_err());
    }
}
