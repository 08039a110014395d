//! LinkedIn publishing (reference §2): the versioned Posts, Images and Videos APIs.
//!
//! - Author: `tokens.extra("author")`, the channel's URN (`urn:li:person:…` or
//!   `urn:li:organization:…`). The app sets it from the channel's platform account id before
//!   publishing (`channels::publish`).
//! - Text: `POST /rest/posts` → 201, the post URN in `x-restli-id`. `commentary` is LinkedIn's
//!   "little text" format: reserved characters are backslash-escaped so the text shows as written.
//! - Images: `POST /rest/images?action=initializeUpload` → `uploadUrl` + image URN → `PUT` the bytes
//!   (streamed) → `content.media` (one) or `content.multiImage.images[]` (several), with alt text.
//! - Video: `POST /rest/videos?action=initializeUpload` with the size → `uploadInstructions[]` (byte
//!   ranges) → `PUT` each range read from disk, collecting `ETag`s → `POST
//!   /rest/videos?action=finalizeUpload` → poll `GET /rest/videos/{urn}` until `AVAILABLE` → post.
//! - No threads. A second part is the post's first comment (`Limits::first_comment`: text only, at
//!   most 1250 characters): `POST /rest/socialActions/{post URN}/comments` with the same author as
//!   `actor`, plain text (comments are not "little text"), the comment URN in `x-restli-id`
//!   (or the body's `$URN`). The post is recorded in the part log before the comment is sent; a
//!   failed comment is the error (the post is live and is never published again). Uploads are retried on network errors/5xx (a re-sent part cannot
//!   double anything); the final `POST /rest/posts` never is — the error goes back to the caller.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use outpost_net::reqwest::{self, Method};
use serde_json::{Value, json};

use super::auth::LINKEDIN_VERSION;
use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result};
use crate::limits::Pacing;
use crate::limits::rejected_by_rules;
use crate::platform::Platform;
use crate::post::media::check_unchanged;
use crate::providers::Ctx;
use crate::publish::{MediaFile, MediaKind, Post, Progress, Published, Publisher};
use crate::tokens::TokenSet;
use crate::transport::Reply;
use crate::transport::{self, Phase};

const P: Platform = Platform::Linkedin;
const API: &str = "https://api.linkedin.com";
/// Attempts per uploaded range (network errors and 5xx only).
const UPLOAD_ATTEMPTS: u32 = Pacing::of(P).upload_attempts;
/// How long a video may stay in processing before publishing gives up.
const PROCESSING_DEADLINE: Duration = Pacing::of(P).processing_deadline;
/// "little text" reserved characters.
const RESERVED: &[char] = &[
    '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~',
];

#[derive(Debug)]
pub struct LinkedinPublisher;

#[async_trait]
impl Publisher for LinkedinPublisher {
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
        self.refuse_broken_rules(post)?;
        let author = author(tokens)?;
        let Some(part) = post.parts.first() else {
            return Err(rejected_by_rules(P, &[]));
        };
        // The post of an earlier attempt is live: only its first comment is left to send.
        if let Some(first) = crate::publish::live_first(ctx) {
            let id = first.id.clone();
            return crate::publish::first_comment(ctx, post, first, |text| async move {
                comment(ctx, tokens, &author, &id, &text).await
            })
            .await;
        }
        for m in &part.media {
            check_unchanged(m)?;
        }
        let total: u64 = part.media.iter().map(|m| m.bytes).sum();
        progress(0, total);
        let mut sent = 0u64;
        let mut media = Vec::new();
        for m in &part.media {
            let urn = match m.kind {
                MediaKind::Video => {
                    upload_video(ctx, tokens, &author, m, sent, total, progress).await?
                }
                MediaKind::Image | MediaKind::Gif => {
                    upload_image(ctx, tokens, &author, m, sent, total, progress).await?
                }
            };
            sent += m.bytes;
            media.push((urn, m));
        }

        let mut body = json!({
            "author": author,
            "commentary": escape_little_text(&part.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": false,
        });
        let item = |urn: &str, m: &MediaFile| {
            let mut v = json!({ "id": urn });
            if m.kind != MediaKind::Video
                && let Some(alt) = &m.alt
            {
                v["altText"] = json!(alt);
            }
            v
        };
        match media.as_slice() {
            [] => {}
            [(urn, m)] => body["content"] = json!({ "media": item(urn, m) }),
            many => {
                let images: Vec<Value> = many.iter().map(|(u, m)| item(u, m)).collect();
                body["content"] = json!({ "multiImage": { "images": images } });
            }
        }
        // Creating the post is not retried: after a network error the post may exist.
        let rb = rest(ctx, tokens, Method::POST, "/rest/posts")?
            .header("Content-Type", "application/json")
            .body(body.to_string());
        crate::publish::part_sending(ctx, 0).await?;
        let r = transport::send(ctx.http, P, rb).await?;
        if r.status != 201 && r.status != 200 {
            return Err(classify(&r));
        }
        let id = r
            .header("x-restli-id")
            .filter(|s| s.starts_with("urn:li:"))
            .ok_or_else(|| invalid("the created post has no x-restli-id"))?;
        progress(total, total);
        let url = format!("https://www.linkedin.com/feed/update/{id}/");
        crate::publish::part_published(ctx, 0, &id, Some(&url)).await;
        let first = crate::publish::LivePart {
            id: id.clone(),
            url: Some(url),
        };
        // The post is live and recorded: a failed comment is the error, shown on the post as
        // "published; first comment failed" (never a reason to publish the post again).
        crate::publish::first_comment(ctx, post, first, |text| async move {
            comment(ctx, tokens, &author, &id, &text).await
        })
        .await
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
        &[
            "impressions",
            "reach",
            "link_clicks",
            "likes",
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
        super::metrics::post(ctx, tokens, post).await
    }

    async fn account_metrics(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
        super::metrics::account(ctx, tokens).await
    }

    // `lookup` is the trait's `Ok(None)`: the Posts API has no idempotency key and no search by content, so a
    // post created before a crash cannot be recognised here; the caller has to treat the outcome
    // as unknown rather than publish again.
}

/// The author URN the app put in the token set.
fn author(tokens: &TokenSet) -> Result<String> {
    match tokens.extra("author") {
        Some(a)
            if a.strip_prefix("urn:li:person:")
                .or_else(|| a.strip_prefix("urn:li:organization:"))
                .is_some_and(|id| !id.is_empty()) =>
        {
            Ok(a.to_string())
        }
        _ => Err(Error::Config(
            "LinkedIn: the channel has no author (urn:li:person or urn:li:organization); reconnect it"
                .into(),
        )),
    }
}

/// Creates the first comment on `post` as `author` and returns its URN. Not retried: after a
/// network error the comment may exist.
async fn comment(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    author: &str,
    post: &str,
    text: &str,
) -> Result<String> {
    let body = json!({
        "actor": author,
        "object": post,
        "message": { "text": text },
    });
    let path = format!("/rest/socialActions/{}/comments", encode_urn(post));
    let rb = rest(ctx, tokens, Method::POST, &path)?
        .header("Content-Type", "application/json")
        .body(body.to_string());
    let r = transport::send(ctx.http, P, rb).await?;
    if r.status != 201 && r.status != 200 {
        return Err(classify(&r));
    }
    let from_body = || {
        serde_json::from_slice::<Value>(&r.body)
            .ok()
            .and_then(|v| v["$URN"].as_str().map(str::to_string))
    };
    r.header("x-restli-id")
        .filter(|s| s.starts_with("urn:li:"))
        .or_else(from_body)
        .filter(|s| s.starts_with("urn:li:comment:"))
        .ok_or_else(|| invalid("the created comment has no URN"))
}

/// `commentary` in LinkedIn's "little text" format: every reserved character escaped.
pub fn escape_little_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if RESERVED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn rest(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    method: Method,
    path_and_query: &str,
) -> Result<reqwest::RequestBuilder> {
    let url = ctx.endpoints.url(P, &format!("{API}{path_and_query}"))?;
    Ok(transport::bearer(ctx.http, method, url, tokens)
        .header("Linkedin-Version", LINKEDIN_VERSION)
        .header("X-Restli-Protocol-Version", "2.0.0"))
}

pub(super) async fn rest_json(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    method: Method,
    path_and_query: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut rb = rest(ctx, tokens, method, path_and_query)?;
    if let Some(b) = body {
        rb = transport::json_body(rb, "application/json", &b);
    }
    let r = transport::send(ctx.http, P, rb).await?;
    if !r.ok() {
        return Err(classify(&r));
    }
    r.json_or_null(P)
}

fn classify(r: &Reply) -> Error {
    transport::classify_parts(P, Phase::Api, r.status, r.retry_after(), &r.body)
}

fn invalid(what: &str) -> Error {
    transport::invalid(P, what)
}

/// An upload URL from LinkedIn: it receives the token, so it must be an https LinkedIn host.
fn upload_url(ctx: Ctx<'_>, url: &str) -> Result<reqwest::Url> {
    let u = reqwest::Url::parse(url).map_err(|_| invalid("the upload URL is malformed"))?;
    let host = u.host_str().unwrap_or_default();
    if u.scheme() != "https" || !(host == "linkedin.com" || host.ends_with(".linkedin.com")) {
        return Err(invalid("the upload URL is not on linkedin.com"));
    }
    ctx.endpoints.url(P, u.as_str())
}

/// PUTs `len` bytes of `m` from `start` to `url` (retried on network errors and 5xx).
#[allow(clippy::too_many_arguments)]
async fn put_range(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    url: &reqwest::Url,
    m: &MediaFile,
    start: u64,
    len: u64,
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<Reply> {
    let put = || async {
        let rb = transport::bearer(ctx.http, Method::PUT, url.clone(), tokens)
            .header("Content-Type", "application/octet-stream")
            .header("Content-Length", len.to_string());
        let range = start..start + len;
        let r =
            transport::send_range(ctx.http, P, rb, &m.path, range, base, total, progress).await?;
        if r.ok() { Ok(r) } else { Err(classify(&r)) }
    };
    transport::retry_transient(P, UPLOAD_ATTEMPTS, Duration::from_millis(500), put).await
}

async fn upload_image(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    author: &str,
    m: &MediaFile,
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let init = rest_json(
        ctx,
        tokens,
        Method::POST,
        "/rest/images?action=initializeUpload",
        Some(json!({ "initializeUploadRequest": { "owner": author } })),
    )
    .await?;
    let v = &init["value"];
    let url = upload_url(ctx, &transport::str_field(P, v, "uploadUrl")?)?;
    let urn = transport::str_field(P, v, "image")?;
    put_range(ctx, tokens, &url, m, 0, m.bytes, base, total, progress).await?;
    Ok(urn)
}

async fn upload_video(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    author: &str,
    m: &MediaFile,
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let init = rest_json(
        ctx,
        tokens,
        Method::POST,
        "/rest/videos?action=initializeUpload",
        Some(json!({ "initializeUploadRequest": {
            "owner": author,
            "fileSizeBytes": m.bytes,
            "uploadCaptions": false,
            "uploadThumbnail": false,
        }})),
    )
    .await?;
    let v = &init["value"];
    let urn = transport::str_field(P, v, "video")?;
    let upload_token = transport::opt_str(v, "uploadToken").unwrap_or_default();
    let Some(instructions) = v["uploadInstructions"].as_array() else {
        return Err(invalid("uploadInstructions is missing"));
    };
    // The ranges must tile the file exactly, in order.
    let mut next = 0u64;
    let mut parts = Vec::with_capacity(instructions.len());
    for i in instructions {
        let first = i["firstByte"].as_u64();
        let last = i["lastByte"].as_u64();
        let (Some(first), Some(last)) = (first, last) else {
            return Err(invalid("an upload instruction has no byte range"));
        };
        if first != next || last < first || last >= m.bytes {
            return Err(invalid("the upload instructions do not cover the file"));
        }
        next = last + 1;
        parts.push((
            upload_url(ctx, &transport::str_field(P, i, "uploadUrl")?)?,
            first,
            last,
        ));
    }
    if next != m.bytes {
        return Err(invalid("the upload instructions do not cover the file"));
    }
    let mut etags = Vec::with_capacity(parts.len());
    for (url, first, last) in &parts {
        let r = put_range(
            ctx,
            tokens,
            url,
            m,
            *first,
            last - first + 1,
            base + first,
            total,
            progress,
        )
        .await?;
        etags.push(
            r.header("etag")
                .ok_or_else(|| invalid("an uploaded part has no ETag"))?,
        );
    }
    rest_json(
        ctx,
        tokens,
        Method::POST,
        "/rest/videos?action=finalizeUpload",
        Some(json!({ "finalizeUploadRequest": {
            "video": urn,
            "uploadToken": upload_token,
            "uploadedPartIds": etags,
        }})),
    )
    .await?;
    wait_available(ctx, tokens, &urn).await?;
    Ok(urn)
}

/// Polls the video until LinkedIn has processed it.
async fn wait_available(ctx: Ctx<'_>, tokens: &TokenSet, urn: &str) -> Result<()> {
    let path = format!("/rest/videos/{}", encode_urn(urn));
    let started = Instant::now();
    let mut wait = Duration::from_millis(300);
    loop {
        let v = rest_json(ctx, tokens, Method::GET, &path, None).await?;
        match v["status"].as_str() {
            Some("AVAILABLE") => return Ok(()),
            Some("PROCESSING_FAILED") => {
                return Err(Error::refused(P, "LinkedIn could not process the video"));
            }
            Some("PROCESSING" | "WAITING_UPLOAD") => {}
            _ => return Err(invalid("the video has no known status")),
        }
        if started.elapsed() > PROCESSING_DEADLINE {
            return Err(Error::refused(
                P,
                "LinkedIn did not finish processing the video in 15 minutes",
            ));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(10));
    }
}

/// A URN as a Rest.li 2.0 path key (`:` and other reserved characters percent-encoded).
pub(super) fn encode_urn(urn: &str) -> String {
    url::form_urlencoded::byte_serialize(urn.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn little_text_is_escaped_and_urns_encoded() {
        assert_eq!(
            escape_little_text("Hi (all) #launch @me_2 ~ok*"),
            r"Hi \(all\) \#launch \@me\_2 \~ok\*"
        );
        assert_eq!(escape_little_text(r"a\b"), r"a\\b");
        assert_eq!(encode_urn("urn:li:video:C5"), "urn%3Ali%3Avideo%3AC5");
    }
}
