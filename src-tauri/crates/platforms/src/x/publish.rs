//! X publishing (Posts API v2 + media upload v2).
//!
//! - A post is `POST https://api.x.com/2/tweets` JSON `{"text", "media":{"media_ids"}, "reply":
//!   {"in_reply_to_tweet_id"}}` → `{"data":{"id","text"}}`. A thread is a reply chain: every part
//!   replies to the previous part's id.
//! - Media (every kind, one code path) goes through the v2 chunked upload:
//!   `POST /2/media/upload/initialize` (JSON `media_type`, `total_bytes`, `media_category`) →
//!   `POST /2/media/upload/{id}/append` (multipart `segment_index` + `media`) →
//!   `POST /2/media/upload/{id}/finalize` → while `processing_info.state` is `pending|in_progress`,
//!   `GET /2/media/upload?command=STATUS&media_id=` after `check_after_secs`.
//!   **[decision]** segments are 4 MiB (X: "keep each segment at or below 5 MB"); one segment is in
//!   memory at a time, read from disk as it goes; progress is reported per segment sent.
//! - Alt text: **[decision]** `POST /2/media/metadata` JSON `{"id", "metadata":{"alt_text":{"text"}}}`
//!   (X's v2 media metadata endpoint), after finalize.
//! - All media of the whole thread is uploaded before the first post is created, so a failed upload
//!   never leaves half a thread behind.
//! - Upload calls (initialize, append, finalize, status, metadata) are retried on network errors and
//!   5xx (re-sending a segment with the same `segment_index` replaces it; a repeated initialize only
//!   leaves an unused upload that expires). `POST /2/tweets` is never retried: X has no idempotency
//!   key, so a lost answer could hide a published post.
//! - Errors: 429 (`{"errors":[{"code":88}]}` + `x-rate-limit-reset`, epoch s) → `RateLimited`;
//!   401 → `NeedsReauth`; 403 (e.g. "not allowed to post a video longer than …", duplicate content)
//!   → `Rejected` with X's message.

use std::time::Duration;

use async_trait::async_trait;
use outpost_net::reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result};
use crate::limits::Pacing;
use crate::limits::refuse_by_part;
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::publish::{MediaFile, MediaKind, Post, Progress, Published, Publisher};
use crate::tokens::TokenSet;
use crate::transport;

pub(super) const P: Platform = Platform::X;
pub(super) const TWEETS: &str = "https://api.x.com/2/tweets";
const MEDIA_INIT: &str = "https://api.x.com/2/media/upload/initialize";
const MEDIA_UPLOAD: &str = "https://api.x.com/2/media/upload";
const MEDIA_METADATA: &str = "https://api.x.com/2/media/metadata";
/// Bytes per appended segment **[decision]**: under X's 5 MB per-segment guidance.
pub const SEGMENT_BYTES: usize = Pacing::of(P).chunk as usize;
/// Attempts for an upload call that is safe to repeat.
const UPLOAD_ATTEMPTS: u32 = Pacing::of(P).upload_attempts;
/// Longest wait between two STATUS polls, whatever `check_after_secs` says.
const MAX_CHECK_AFTER_SECS: u64 = 60;
/// STATUS polls before giving up on media processing.
const MAX_POLLS: u32 = 120;
const BOUNDARY: &str = "outpost-x-segment-7d1f0c2a9b";

#[derive(Debug)]
pub struct XPublisher;

pub(super) fn url(u: &str, ctx: Ctx<'_>) -> Result<url::Url> {
    ctx.endpoints.url(P, u)
}

fn category(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "tweet_image",
        MediaKind::Gif => "tweet_gif",
        MediaKind::Video => "tweet_video",
    }
}

/// X's own message from a `{"errors":[{"message"}]}` body: v2 validation errors put the specific
/// reason there (their `detail` only says "One or more parameters to your request was invalid.").
fn with_x_message(err: Error, body: &[u8]) -> Error {
    match err {
        Error::Rejected {
            platform,
            status,
            reason,
        } => {
            let msg = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| {
                    v.get("errors")?
                        .as_array()?
                        .iter()
                        .find_map(|e| e.get("message")?.as_str().map(str::to_string))
                })
                .map(|m| crate::error::clean(&m, 200))
                .filter(|m| !m.is_empty());
            Error::Rejected {
                platform,
                status,
                reason: msg.unwrap_or(reason),
            }
        }
        e => e,
    }
}

/// Sends once; a 2xx answer's JSON body, or the classified failure.
pub(super) async fn call(ctx: Ctx<'_>, rb: RequestBuilder) -> Result<Value> {
    transport::call(ctx.http, P, rb, |r| {
        with_x_message(transport::api_error(P, r), &r.body)
    })
    .await
}

/// Sends an upload call that is safe to repeat, retrying network errors and 5xx a few times.
async fn call_retrying(ctx: Ctx<'_>, make: impl Fn() -> Result<RequestBuilder>) -> Result<Value> {
    let step = Duration::from_millis(250);
    transport::retry_transient(P, UPLOAD_ATTEMPTS, step, || async {
        call(ctx, make()?).await
    })
    .await
}

pub(super) fn data(v: &Value) -> Result<&Value> {
    v.get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| Error::InvalidResponse {
            platform: P,
            what: "`data` is missing".into(),
        })
}

pub(super) fn bearer(
    ctx: Ctx<'_>,
    method: Method,
    u: url::Url,
    tokens: &TokenSet,
) -> RequestBuilder {
    transport::bearer(ctx.http, method, u, tokens)
}

/// Reads up to `n` bytes (fewer only at the end of the file) onto the end of `buf`.
async fn read_segment(file: &mut tokio::fs::File, buf: &mut Vec<u8>, n: usize) -> Result<usize> {
    let start = buf.len();
    buf.resize(start + n, 0);
    let mut got = 0;
    while got < n {
        let r = file
            .read(&mut buf[start + got..])
            .await
            .map_err(|e| Error::Config(format!("a media file could not be read ({e})")))?;
        if r == 0 {
            break;
        }
        got += r;
    }
    buf.truncate(start + got);
    Ok(got)
}

/// The multipart body of one append: `segment_index`, then `media` (the segment's bytes).
async fn segment_body(
    file: &mut tokio::fs::File,
    index: u32,
    len: usize,
) -> Result<(Vec<u8>, usize)> {
    let head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"segment_index\"\r\n\r\n{index}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"blob\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let mut body = Vec::with_capacity(head.len() + len + tail.len());
    body.extend_from_slice(head.as_bytes());
    let got = read_segment(file, &mut body, len).await?;
    body.extend_from_slice(tail.as_bytes());
    Ok((body, got))
}

/// Progress over all media of a post.
struct Sent<'a> {
    done: u64,
    total: u64,
    progress: Progress<'a>,
}

impl Sent<'_> {
    fn add(&mut self, n: u64) {
        self.done = (self.done + n).min(self.total);
        (self.progress)(self.done, self.total);
    }
}

/// Uploads one file: initialize, append every segment in order, finalize, wait for processing,
/// then the alt text. Returns the media id.
async fn upload(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    m: &MediaFile,
    sent: &mut Sent<'_>,
) -> Result<String> {
    let init = json!({
        "media_type": m.mime,
        "total_bytes": m.bytes,
        "media_category": category(m.kind),
    });
    let v = call_retrying(ctx, || {
        Ok(bearer(ctx, Method::POST, url(MEDIA_INIT, ctx)?, tokens).json(&init))
    })
    .await?;
    let id = transport::str_field(P, data(&v)?, "id")?;
    if !id.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::InvalidResponse {
            platform: P,
            what: "the media id is not numeric".into(),
        });
    }

    let mut file = tokio::fs::File::open(&m.path)
        .await
        .map_err(|e| Error::Config(format!("{}: cannot be read ({e})", m.name())))?;
    let append = url(&format!("{MEDIA_UPLOAD}/{id}/append"), ctx)?;
    let mut left = m.bytes;
    let mut index: u32 = 0;
    while left > 0 {
        let want = usize::try_from(left.min(SEGMENT_BYTES as u64)).unwrap_or(SEGMENT_BYTES);
        let (body, got) = segment_body(&mut file, index, want).await?;
        if got != want {
            return Err(Error::Config(format!(
                "{}: the file changed while it was being uploaded",
                m.name()
            )));
        }
        call_retrying(ctx, || {
            Ok(bearer(ctx, Method::POST, append.clone(), tokens)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(body.clone()))
        })
        .await?;
        sent.add(got as u64);
        left -= got as u64;
        index += 1;
    }

    let finalize = url(&format!("{MEDIA_UPLOAD}/{id}/finalize"), ctx)?;
    let v = call_retrying(ctx, || {
        Ok(bearer(ctx, Method::POST, finalize.clone(), tokens))
    })
    .await?;
    let mut info = data(&v)?.get("processing_info").cloned();
    let mut polls = 0;
    while let Some(pi) = info.take() {
        match pi.get("state").and_then(Value::as_str) {
            Some("succeeded") => break,
            Some("failed") => {
                let reason = pi
                    .pointer("/error/message")
                    .and_then(Value::as_str)
                    .map_or_else(
                        || format!("{}: X could not process the media", m.name()),
                        |msg| format!("{}: {}", m.name(), crate::error::clean(msg, 200)),
                    );
                return Err(Error::refused(P, reason));
            }
            Some("pending" | "in_progress") => {}
            _ => {
                return Err(Error::InvalidResponse {
                    platform: P,
                    what: "unknown media processing state".into(),
                });
            }
        }
        polls += 1;
        if polls > MAX_POLLS {
            return Err(Error::InvalidResponse {
                platform: P,
                what: "media processing did not finish".into(),
            });
        }
        let wait = pi
            .get("check_after_secs")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .min(MAX_CHECK_AFTER_SECS);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        let mut status = url(MEDIA_UPLOAD, ctx)?;
        status
            .query_pairs_mut()
            .append_pair("command", "STATUS")
            .append_pair("media_id", &id);
        let v = call_retrying(ctx, || Ok(bearer(ctx, Method::GET, status.clone(), tokens))).await?;
        info = Some(data(&v)?.get("processing_info").cloned().ok_or_else(|| {
            Error::InvalidResponse {
                platform: P,
                what: "`processing_info` is missing".into(),
            }
        })?);
    }

    if let Some(alt) = m.alt.as_deref().filter(|a| !a.is_empty()) {
        let body = json!({"id": id, "metadata": {"alt_text": {"text": alt}}});
        call_retrying(ctx, || {
            Ok(bearer(ctx, Method::POST, url(MEDIA_METADATA, ctx)?, tokens).json(&body))
        })
        .await?;
    }
    Ok(id)
}

/// The post's address: with the username when the token set knows it.
pub(super) fn post_url(tokens: &TokenSet, id: &str) -> String {
    match tokens
        .extra("username")
        .map(|u| u.trim_start_matches('@'))
        .filter(|u| !u.is_empty() && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        Some(u) => format!("https://x.com/{u}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    }
}

#[async_trait]
impl Publisher for XPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published> {
        refuse_by_part(P, post, &self.validate(post, &self.limits()))?;

        // Parts an earlier attempt published stay as they are: resume after them.
        let live = crate::publish::live_parts(ctx);
        let start = live.len().min(post.parts.len());
        let todo = &post.parts[start..];

        // Every remaining part's media first: a failed upload leaves nothing more published.
        let total = todo.iter().flat_map(|p| &p.media).map(|m| m.bytes).sum();
        let mut sent = Sent {
            done: 0,
            total,
            progress,
        };
        let mut media_ids: Vec<Vec<String>> = Vec::with_capacity(todo.len());
        for part in todo {
            let mut ids = Vec::with_capacity(part.media.len());
            for m in &part.media {
                ids.push(upload(ctx, tokens, m, &mut sent).await?);
            }
            media_ids.push(ids);
        }

        let tweets = url(TWEETS, ctx)?;
        let mut thread: Vec<String> = live[..start].iter().map(|l| l.id.clone()).collect();
        for (i, (part, ids)) in todo.iter().zip(&media_ids).enumerate() {
            let index = start + i;
            let mut body = serde_json::Map::new();
            if !part.text.is_empty() {
                body.insert("text".into(), json!(part.text));
            }
            if !ids.is_empty() {
                body.insert("media".into(), json!({ "media_ids": ids }));
            }
            if let Some(prev) = thread.last() {
                body.insert("reply".into(), json!({ "in_reply_to_tweet_id": prev }));
            }
            crate::publish::part_sending(ctx, index).await?;
            // Never retried: X has no idempotency key (see `lookup`).
            let v = call(
                ctx,
                bearer(ctx, Method::POST, tweets.clone(), tokens).json(&Value::Object(body)),
            )
            .await?;
            let id = transport::str_field(P, data(&v)?, "id")?;
            let part_url = post_url(tokens, &id);
            crate::publish::part_published(ctx, index, &id, Some(&part_url)).await;
            thread.push(id);
        }
        let id = thread
            .first()
            .cloned()
            .ok_or_else(|| Error::refused(P, "The post is empty"))?;
        Ok(Published {
            url: Some(post_url(tokens, &id)),
            id,
            thread,
        })
    }

    fn inbox_sources(&self) -> &'static [&'static str] {
        super::inbox::SOURCES
    }

    async fn inbox(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        source: &str,
        since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        super::inbox::fetch(ctx, tokens, source, since).await
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
        super::metrics::OFFERED_POST
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        super::metrics::OFFERED_ACCOUNT
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

    // `lookup` is the trait's `Ok(None)`: X has no idempotency key and no client-chosen ids, and its posts carry
    // nothing Outpost could search for reliably (duplicate text is refused, but text is not a key).
    // Reconciliation for X relies on the scheduler's attempt log (an attempt whose `POST /2/tweets`
    // got no answer must not be retried blindly).
}
