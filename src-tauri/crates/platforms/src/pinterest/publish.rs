//! Pinterest publishing (reference §8): Pins through API v5.
//!
//! - Boards: [`boards`] lists `GET /v5/boards` (pages of 250 through `bookmark`) so the composer
//!   can pick one per post; `options.board_id` is required.
//! - Image Pins: `POST /v5/pins` with `media_source.source_type=image_base64` (one image) or
//!   `multiple_image_base64` (a carousel of 2–5): the JSON body is streamed, each image base64
//!   encoded from disk as it goes out (never held whole). An image over [`BASE64_MAX`] goes through
//!   the user's media host instead (`image_url` / `multiple_image_urls`), and the hosted copies are
//!   removed after the Pin is created (Pinterest fetches them during the request).
//! - Video Pins: `POST /v5/media {"media_type":"video"}` → `media_id`, `upload_url`,
//!   `upload_parameters` → `POST upload_url` as an S3 form (every upload parameter, the `file`
//!   last, no Authorization header), streamed → `GET /v5/media/{id}` until `succeeded` (`failed`
//!   is an error) → the Pin with `source_type=video_id` and a cover: `options.thumbnail` sent as
//!   `cover_image_data`, else `cover_image_key_frame_time: 0` (the first frame) [decision: 0 is
//!   the same frame whether Pinterest reads the number as seconds or milliseconds].
//! - Title (`options.title`, ≤ 100), description (the text, ≤ 800), `options.link` (≤ 2048, http
//!   or https), alt text (the first medium's, ≤ 500).
//! - Errors `{"code":<int>,"message"}`: 401 → [`Error::NeedsReauth`]; 429 → [`Error::RateLimited`]
//!   until `Retry-After` or `x-ratelimit-reset` (seconds ahead, or a unix time) [U: the header is
//!   not in the OpenAPI description]; anything else → [`Error::Rejected`] with the message.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use futures_util::StreamExt;
use outpost_net::reqwest::{self, Method, header::HeaderMap};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio_util::bytes::Bytes;

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
use crate::transport::{Reply, with_progress};

const P: Platform = Platform::Pinterest;
pub(super) const API: &str = "https://api.pinterest.com";
const MIB: u64 = 1024 * 1024;
/// Images up to this size are sent inline as base64 [decision]; larger ones need the media host.
pub const BASE64_MAX: u64 = 10 * MIB;
pub const TITLE_MAX: usize = 100;
pub const LINK_MAX: usize = 2048;
const MAX_BOARD_PAGES: usize = 200;
const HOST_TTL: Duration = Pacing::of(P).hosted_ttl;
const PROCESSING_DEADLINE: Duration = Pacing::of(P).processing_deadline;
const UPLOAD_ATTEMPTS: u32 = Pacing::of(P).upload_attempts;
/// Reply bytes per base64 piece (a multiple of 3, so pieces concatenate into one valid encoding).
const B64_PIECE: usize = 48 * 1024;

#[derive(Debug)]
pub struct PinterestPublisher;

/// A board the user can save Pins to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// `PUBLIC`, `PROTECTED` or `SECRET`.
    pub privacy: Option<String>,
}

/// Every board of the signed-in user (all pages).
pub async fn boards(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<Vec<Board>> {
    let mut out = Vec::new();
    let mut bookmark: Option<String> = None;
    for _ in 0..MAX_BOARD_PAGES {
        let mut url = ctx.endpoints.url(P, &format!("{API}/v5/boards"))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("page_size", "250");
            if let Some(b) = &bookmark {
                q.append_pair("bookmark", b);
            }
        }
        let v = call(ctx, tokens, Method::GET, url, None).await?;
        let items = v
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("the board list has no items"))?;
        for b in items {
            out.push(Board {
                id: transport::str_field(P, b, "id")?,
                name: transport::str_field(P, b, "name")?,
                description: transport::opt_str(b, "description"),
                privacy: transport::opt_str(b, "privacy"),
            });
        }
        match transport::opt_str(&v, "bookmark") {
            Some(b) if Some(&b) != bookmark.as_ref() => bookmark = Some(b),
            Some(_) => return Err(invalid("the board list repeats its bookmark")),
            None => return Ok(out),
        }
    }
    Err(invalid("the board list did not end"))
}

#[async_trait]
impl Publisher for PinterestPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        let mut out = limits.check(post);
        let mut v = |rule: &str, message: String| out.push(Violation::new(0, rule, message));
        let o = &post.options;
        if o.board_id.as_deref().is_none_or(|b| b.trim().is_empty()) {
            v(
                "board_required",
                "Choose the Pinterest board to save the Pin to".into(),
            );
        }
        if let Some(t) = &o.title
            && t.trim().chars().count() > TITLE_MAX
        {
            v(
                "title_too_long",
                format!("A Pin title can have {TITLE_MAX} characters"),
            );
        }
        if let Some(l) = o.link.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            let ok = url::Url::parse(l).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !ok {
                v(
                    "link",
                    "The Pin's link must be a web address (http or https)".into(),
                );
            } else if l.chars().count() > LINK_MAX {
                v(
                    "link_too_long",
                    format!("A Pin's link can have {LINK_MAX} characters"),
                );
            }
        }
        if post.parts.first().is_some_and(|p| p.media.is_empty()) {
            v(
                "media_required",
                "A Pin is an image, 2–5 images or a video".into(),
            );
        }
        if let Some(th) = &o.thumbnail
            && !matches!(th.mime.as_str(), "image/jpeg" | "image/png")
        {
            v(
                "thumbnail_type",
                format!("{}: a Pin cover must be JPEG or PNG", th.name()),
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
        let (Some(part), Some(board)) = (post.parts.first(), post.options.board_id.as_deref())
        else {
            return Err(rejected_by_rules(P, &[]));
        };
        for m in &part.media {
            check_unchanged(m)?;
        }
        let thumb = post.options.thumbnail.as_ref();
        if let Some(t) = thumb {
            check_unchanged(t)?;
        }
        let o = &post.options;
        let mut pin = json!({
            "board_id": board.trim(),
            "description": part.text,
        });
        if let Some(t) = o.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            pin["title"] = json!(t);
        }
        if let Some(l) = o.link.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            pin["link"] = json!(l);
        }
        if let Some(alt) = part.media.iter().find_map(|m| m.alt.as_deref()) {
            pin["alt_text"] = json!(alt);
        }
        let marker = format!("outpost-b64-{:032x}", rand::random::<u128>());
        let mut inline: Vec<(String, &MediaFile)> = Vec::new();
        let mut hosted: Vec<HostedMedia> = Vec::new();
        let total: u64 =
            part.media.iter().map(|m| m.bytes).sum::<u64>() + thumb.map_or(0, |t| t.bytes);
        progress(0, total);
        let mut sent = 0u64;

        let video = part.media.iter().find(|m| m.kind == MediaKind::Video);
        let outcome = async {
            if let Some(v) = video {
                let media_id = upload_video(ctx, tokens, v, total, progress).await?;
                sent += v.bytes;
                let mut src = json!({ "source_type": "video_id", "media_id": media_id });
                match thumb {
                    Some(t) => {
                        let m = format!("{marker}-{}", inline.len());
                        src["cover_image_content_type"] = json!(t.mime);
                        src["cover_image_data"] = json!(m);
                        inline.push((m, t));
                    }
                    None => src["cover_image_key_frame_time"] = json!(0),
                }
                pin["media_source"] = src;
            } else if part.media.iter().any(|m| m.bytes > BASE64_MAX) {
                let host = ctx.media_host.ok_or_else(|| {
                    Error::Config(format!(
                        "Pinterest: images over {} MB are fetched by Pinterest from a public URL; \
                         set up a media host in Settings → Media host (or use a smaller image)",
                        BASE64_MAX / MIB
                    ))
                })?;
                for m in &part.media {
                    hosted.push(host.put(m, HOST_TTL).await?);
                    sent += m.bytes;
                    progress(sent, total);
                }
                pin["media_source"] = match hosted.as_slice() {
                    [one] => json!({ "source_type": "image_url", "url": one.url }),
                    many => json!({
                        "source_type": "multiple_image_urls",
                        "items": many.iter().map(|h| json!({ "url": h.url })).collect::<Vec<_>>(),
                    }),
                };
            } else {
                let mut items = Vec::new();
                for m in &part.media {
                    let mk = format!("{marker}-{}", inline.len());
                    items.push(json!({ "content_type": m.mime, "data": mk }));
                    inline.push((mk, m));
                }
                pin["media_source"] = if items.len() == 1 {
                    let mut one = items.remove(0);
                    one["source_type"] = json!("image_base64");
                    one
                } else {
                    json!({ "source_type": "multiple_image_base64", "items": items })
                };
            }
            create_pin(ctx, tokens, &pin, &inline, sent, total, progress).await
        }
        .await;
        if let Some(host) = ctx.media_host {
            for h in &hosted {
                if let Err(e) = host.remove(h).await {
                    tracing::warn!(error = %e, "Pinterest: a hosted image could not be removed");
                }
            }
        }
        let id = outcome?;
        progress(total, total);
        Ok(Published {
            url: Some(format!("https://www.pinterest.com/pin/{id}/")),
            thread: vec![id.clone()],
            id,
        })
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &["impressions", "saves", "link_clicks"]
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &["followers", "following", "posts", "impressions"]
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

    // `lookup` is the trait's `Ok(None)`: Pins take no idempotency key and nothing Outpost chooses is searchable,
    // so a Pin created before a crash cannot be recognised; the outcome stays unknown.
}

/// `POST /v5/pins`; the `inline` files replace their markers as streamed base64. Not retried (a
/// Pin may exist after a network error).
async fn create_pin(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    pin: &Value,
    inline: &[(String, &MediaFile)],
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let url = ctx.endpoints.url(P, &format!("{API}/v5/pins"))?;
    let counter = Arc::new(AtomicU64::new(0));
    let (body, len) = streamed_json(pin, inline, counter.clone())?;
    let rb = transport::request(ctx.http, Method::POST, url)
        .bearer_auth(tokens.access_token.expose())
        .header("Content-Type", "application/json")
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
        return Err(error_of(&r));
    }
    let v: Value =
        serde_json::from_slice(&r.body).map_err(|_| invalid("the created Pin is not JSON"))?;
    transport::str_field(P, &v, "id")
}

/// The JSON of `value` with each marker string's content replaced by the base64 of its file,
/// as a stream, and the body's exact length.
fn streamed_json(
    value: &Value,
    inline: &[(String, &MediaFile)],
    counter: Arc<AtomicU64>,
) -> Result<(reqwest::Body, u64)> {
    let text = value.to_string();
    let mut found: Vec<(usize, &str, PathBuf, u64)> = Vec::new();
    for (m, f) in inline {
        let at = text
            .find(m.as_str())
            .ok_or_else(|| Error::Config("the request could not be built".into()))?;
        found.push((at, m.as_str(), f.path.clone(), f.bytes));
    }
    found.sort_by_key(|x| x.0);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut len = 0u64;
    let mut pos = 0;
    for (at, m, path, bytes) in found {
        let head = text.as_bytes()[pos..at].to_vec();
        len += head.len() as u64 + bytes.div_ceil(3) * 4;
        pieces.push(Piece::Bytes(head));
        pieces.push(Piece::File(path));
        pos = at + m.len();
    }
    let tail = text.as_bytes()[pos..].to_vec();
    len += tail.len() as u64;
    pieces.push(Piece::Bytes(tail));
    let stream = futures_util::stream::iter(pieces).flat_map(move |p| match p {
        Piece::Bytes(b) => futures_util::stream::once(async move { Ok(Bytes::from(b)) }).boxed(),
        Piece::File(path) => base64_file(path, counter.clone()).boxed(),
    });
    Ok((reqwest::Body::wrap_stream(stream), len))
}

enum Piece {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// A file's base64 (standard alphabet, padded), read in pieces of [`B64_PIECE`] bytes.
fn base64_file(
    path: PathBuf,
    counter: Arc<AtomicU64>,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send {
    let state = (path, None::<tokio::fs::File>, false);
    futures_util::stream::unfold(state, move |(path, file, done)| {
        let counter = counter.clone();
        async move {
            if done {
                return None;
            }
            let mut f = match file {
                Some(f) => f,
                None => match tokio::fs::File::open(&path).await {
                    Ok(f) => f,
                    Err(e) => return Some((Err(e), (path, None, true))),
                },
            };
            let mut buf = vec![0u8; B64_PIECE];
            let mut filled = 0;
            while filled < buf.len() {
                match f.read(&mut buf[filled..]).await {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) => return Some((Err(e), (path, None, true))),
                }
            }
            if filled == 0 {
                return None;
            }
            counter.fetch_add(filled as u64, Ordering::Relaxed);
            let enc = base64::engine::general_purpose::STANDARD.encode(&buf[..filled]);
            let last = filled < buf.len();
            Some((Ok(Bytes::from(enc)), (path, Some(f), last)))
        }
    })
}

/// Registers a video, uploads it to the returned S3 form and waits until Pinterest has processed
/// it; returns the media id.
async fn upload_video(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    video: &MediaFile,
    total: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let url = ctx.endpoints.url(P, &format!("{API}/v5/media"))?;
    let reg = call(
        ctx,
        tokens,
        Method::POST,
        url,
        Some(&json!({ "media_type": "video" })),
    )
    .await?;
    let media_id = transport::str_field(P, &reg, "media_id")?;
    let upload = transport::str_field(P, &reg, "upload_url")?;
    let u = reqwest::Url::parse(&upload).map_err(|_| invalid("the upload URL is malformed"))?;
    if u.scheme() != "https" {
        return Err(invalid("the upload URL is not https"));
    }
    let upload = ctx.endpoints.url(P, u.as_str())?;
    let params = reg
        .get("upload_parameters")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("the media registration has no upload_parameters"))?;
    let mut fields = Vec::new();
    for (k, v) in params {
        let v = v
            .as_str()
            .ok_or_else(|| invalid("an upload parameter is not text"))?;
        fields.push((k.clone(), v.to_string()));
    }
    let post = || post_form(ctx, &upload, &fields, video, total, progress);
    transport::retry_transient(P, UPLOAD_ATTEMPTS, Duration::from_millis(500), post).await?;
    wait_processed(ctx, tokens, &media_id).await?;
    Ok(media_id)
}

/// The S3 POST form: every upload parameter, then `file`, streamed from disk.
async fn post_form(
    ctx: Ctx<'_>,
    url: &reqwest::Url,
    fields: &[(String, String)],
    video: &MediaFile,
    total: u64,
    progress: Progress<'_>,
) -> Result<()> {
    let boundary = format!("outpost-{:032x}", rand::random::<u128>());
    let (head, tail) =
        transport::multipart_frame(&boundary, fields, "file", &video.name(), &video.mime);
    let len = head.len() as u64 + video.bytes + tail.len() as u64;
    let counter = Arc::new(AtomicU64::new(0));
    let c2 = counter.clone();
    let unreadable =
        |e: std::io::Error| Error::Config(format!("{}: cannot be read ({e})", video.name()));
    let f = tokio::fs::File::open(&video.path)
        .await
        .map_err(unreadable)?;
    let stream = futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(Bytes::from(head.into_bytes()))
    })
    .chain(
        tokio_util::io::ReaderStream::with_capacity(f.take(video.bytes), 64 * 1024).inspect(
            move |c| {
                if let Ok(b) = c {
                    c2.fetch_add(b.len() as u64, Ordering::Relaxed);
                }
            },
        ),
    )
    .chain(futures_util::stream::once(async move {
        Ok::<_, std::io::Error>(Bytes::from(tail.into_bytes()))
    }));
    let rb = transport::request(ctx.http, Method::POST, url.clone())
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("Content-Length", len.to_string())
        .body(reqwest::Body::wrap_stream(stream));
    let r = with_progress(
        transport::send(ctx.http, P, rb),
        &counter,
        0,
        total,
        progress,
    )
    .await?;
    match r.status {
        200 | 201 | 204 => Ok(()),
        s if s >= 500 => Err(Error::Unavailable {
            platform: P,
            status: s,
        }),
        s => {
            // S3 answers XML: <Error><Code>…</Code><Message>…</Message></Error>.
            let text = String::from_utf8_lossy(&r.body);
            let pick = |tag: &str| {
                let open = format!("<{tag}>");
                let close = format!("</{tag}>");
                let a = text.find(&open)? + open.len();
                let b = text[a..].find(&close)? + a;
                Some(text[a..b].to_string())
            };
            let reason = match (pick("Code"), pick("Message")) {
                (Some(c), Some(m)) => format!(
                    "the video upload was refused: {} ({})",
                    clean(&m, 200),
                    clean(&c, 60)
                ),
                _ => format!("the video upload was refused (HTTP {s})"),
            };
            Err(Error::Rejected {
                platform: P,
                status: Some(s),
                reason,
            })
        }
    }
}

/// Polls `GET /v5/media/{id}` until `succeeded`; `failed` is an error.
async fn wait_processed(ctx: Ctx<'_>, tokens: &TokenSet, media_id: &str) -> Result<()> {
    let url = ctx
        .endpoints
        .url(P, &format!("{API}/v5/media/{}", urlencode(media_id)))?;
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        tokio::time::sleep(wait).await;
        wait = (wait * 3 / 2).min(Duration::from_secs(5));
        let v = match call(ctx, tokens, Method::GET, url.clone(), None).await {
            Ok(v) => v,
            Err(e) if e.is_transient() && started.elapsed() < PROCESSING_DEADLINE => continue,
            Err(e) => return Err(e),
        };
        match v.get("status").and_then(Value::as_str) {
            Some("succeeded") => return Ok(()),
            Some("failed") => {
                return Err(Error::refused(
                    P,
                    "Pinterest could not process the video (media status failed)",
                ));
            }
            Some("registered" | "processing") => {}
            _ => return Err(invalid("the media status is not one Pinterest documents")),
        }
        if started.elapsed() > PROCESSING_DEADLINE {
            return Err(Error::refused(
                P,
                "Pinterest did not finish processing the video in 15 minutes",
            ));
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A JSON API call; a non-2xx reply becomes the classified error.
async fn call(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    method: Method,
    url: reqwest::Url,
    body: Option<&Value>,
) -> Result<Value> {
    let mut rb = transport::bearer(ctx.http, method, url, tokens);
    if let Some(b) = body {
        rb = transport::json_body(rb, "application/json", b);
    }
    transport::call(ctx.http, P, rb, error_of).await
}

/// Pinterest's error body (`{"code","message"}`) as a typed error.
pub fn pinterest_error(status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
    if status == 429 {
        return Error::RateLimited {
            platform: P,
            retry_at: rate_reset(headers),
        };
    }
    if status >= 500 {
        return Error::Unavailable {
            platform: P,
            status,
        };
    }
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let message = clean(
        v.get("message").and_then(Value::as_str).unwrap_or_default(),
        200,
    );
    let reason = match (message.is_empty(), v.get("code").and_then(Value::as_i64)) {
        (true, _) => format!("HTTP {status}"),
        (false, Some(c)) => format!("{message} (code {c})"),
        (false, None) => message,
    };
    if status == 401 {
        Error::NeedsReauth {
            platform: P,
            reason,
        }
    } else {
        Error::Rejected {
            platform: P,
            status: Some(status),
            reason,
        }
    }
}

/// When a 429 ends: `Retry-After` (seconds), else `x-ratelimit-reset` (seconds ahead, or unix s).
fn rate_reset(h: &HeaderMap) -> Option<i64> {
    let get = |k: &str| {
        h.get(k)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let now = transport::now_s();
    get("retry-after")
        .map(|s| now.saturating_add(s))
        .or_else(|| {
            get("x-ratelimit-reset").map(|n| {
                if n < 1_000_000_000 {
                    now.saturating_add(n)
                } else {
                    n
                }
            })
        })
}

fn error_of(r: &Reply) -> Error {
    pinterest_error(r.status, &r.headers, &r.body)
}

fn invalid(what: &str) -> Error {
    transport::invalid(P, what)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod overflow_tests {
    use super::*;

    /// Found by the fuzz target `platform_answers`: an absurd `Retry-After` overflowed.
    #[test]
    fn absurd_reset_headers_saturate() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "9223372036854775807".parse().unwrap());
        assert_eq!(rate_reset(&h), Some(i64::MAX));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset", "-9223372036854775808".parse().unwrap());
        assert!(rate_reset(&h).is_some());
    }
}
