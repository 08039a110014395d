//! Bluesky publishing on the user's PDS with the session tokens (`extra("pds")`, `extra("did")`).
//!
//! Every part of a post is created with `com.atproto.repo.createRecord` under a record key chosen by
//! the client: a TID derived from `post.key` and the part's index ([`record_key`]). A retry therefore
//! finds the records of an earlier attempt (`com.atproto.repo.getRecord`) instead of duplicating
//! them, and [`Publisher::lookup`] can reconcile after a crash. Facets carry UTF-8 byte offsets
//! (links, mentions resolved with `com.atproto.identity.resolveHandle`, hashtags); images are
//! uploaded with their EXIF/XMP metadata removed; a video is streamed from disk with `uploadBlob`
//! (the "simple" path of the reference: the PDS keeps the blob, no video service job).

use async_trait::async_trait;
use outpost_net::reqwest::{self, Method};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result};
use crate::limits::refuse_by_part;
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::publish::{MediaFile, MediaKind, Post, PostPart, Progress, Published, Publisher};
use crate::tokens::TokenSet;
use crate::transport::{self, Meter, Phase};

const P: Platform = Platform::Bluesky;
pub(super) const COLLECTION: &str = "app.bsky.feed.post";

#[derive(Debug)]
pub struct BlueskyPublisher;

/// The base32-sortable alphabet of TIDs.
const TID_ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The record key of part `index` of the post with `key`: a syntactically valid TID (13 chars,
/// top bit clear, the PDS insists on TIDs for `app.bsky.feed.post`) taken from a SHA-256 of both, so
/// the same post and part always get the same key and a second create is detected, not duplicated.
pub fn record_key(key: &str, index: usize) -> String {
    let mut h = Sha256::new();
    h.update(b"outpost:bluesky:");
    h.update(key.as_bytes());
    h.update(b"\0");
    h.update(index.to_string().as_bytes());
    let d = h.finalize();
    let mut n = [0u8; 8];
    n.copy_from_slice(&d[..8]);
    let v = u64::from_be_bytes(n) & 0x7fff_ffff_ffff_ffff;
    (0..13)
        .rev()
        .map(|i| TID_ALPHABET[((v >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// The web address of a post.
pub(super) fn post_url(did: &str, rkey: &str) -> String {
    format!("https://bsky.app/profile/{did}/post/{rkey}")
}

fn xrpc(pds: &str, method: &str) -> Result<Url> {
    Url::parse(&format!("{}/xrpc/{method}", pds.trim_end_matches('/')))
        .map_err(|_| Error::Config("bad server URL".into()))
}

/// The session's PDS and DID.
pub(super) fn session(tokens: &TokenSet) -> Result<(String, String)> {
    let gone = |what: &str| Error::NeedsReauth {
        platform: P,
        reason: format!("the session has no {what}"),
    };
    let pds = tokens.extra("pds").ok_or_else(|| gone("server"))?;
    let did = tokens.extra("did").ok_or_else(|| gone("account id"))?;
    Ok((pds.to_string(), did.to_string()))
}

pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

// ---- rich text --------------------------------------------------------------------------------

/// What a span of the text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature {
    Link(String),
    /// A handle, without the `@`.
    Mention(String),
    /// A tag, without the `#`.
    Tag(String),
}

/// A span with its UTF-8 byte offsets (`end` exclusive), as facets count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub feature: Feature,
}

fn trim_trailing_punct(s: &str) -> &str {
    let mut s = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'']);
    // A closing parenthesis belongs to the link only when it closes one opened inside it.
    while s.ends_with(')') && s.matches('(').count() < s.matches(')').count() {
        s = s[..s.len() - 1].trim_end_matches(['.', ',', ';', ':', '!', '?', '"', '\'']);
    }
    s
}

fn is_handle(h: &str) -> bool {
    let labels: Vec<&str> = h.split('.').collect();
    h.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Links (`http(s)://…`), mentions (`@handle.domain`) and hashtags (`#tag`) in `text`, each
/// starting a word (or after an opening parenthesis), with trailing punctuation left out.
pub fn detect(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut words = Vec::new();
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = word_start.take() {
                words.push((s, i));
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
    }
    if let Some(s) = word_start {
        words.push((s, text.len()));
    }
    for (mut start, end) in words {
        let mut word = &text[start..end];
        if let Some(rest) = word.strip_prefix('(') {
            word = rest;
            start += 1;
        }
        if word.starts_with("https://") || word.starts_with("http://") {
            let w = trim_trailing_punct(word);
            let host_ok = Url::parse(w)
                .ok()
                .and_then(|u| u.host_str().map(|h| h.contains('.') || h == "localhost"))
                .unwrap_or(false);
            if host_ok {
                out.push(Span {
                    start,
                    end: start + w.len(),
                    feature: Feature::Link(w.to_string()),
                });
            }
        } else if let Some(h) = word.strip_prefix('@') {
            let h = trim_trailing_punct(h);
            if is_handle(h) {
                out.push(Span {
                    start,
                    end: start + 1 + h.len(),
                    feature: Feature::Mention(h.to_ascii_lowercase()),
                });
            }
        } else if let Some((hash, t)) = word
            .strip_prefix('#')
            .map(|t| (1, t))
            .or_else(|| word.strip_prefix('＃').map(|t| ('＃'.len_utf8(), t)))
        {
            let t = t.trim_end_matches(|c: char| c.is_ascii_punctuation());
            let ok = !t.is_empty()
                && !t.starts_with('\u{fe0f}')
                && !t.chars().all(|c| c.is_ascii_digit())
                && t.chars().count() <= 64
                && t.len() <= 640;
            if ok {
                out.push(Span {
                    start,
                    end: start + hash + t.len(),
                    feature: Feature::Tag(t.to_string()),
                });
            }
        }
    }
    out
}

// ---- the client -------------------------------------------------------------------------------

/// A created (or found) record.
#[derive(Debug, Clone)]
pub(super) struct Created {
    pub(super) uri: String,
    pub(super) cid: String,
}

/// The account's session on its PDS: every XRPC call goes there (`app.bsky.*` is proxied by the
/// PDS to the AppView).
pub(super) struct Session<'a> {
    pub(super) ctx: Ctx<'a>,
    pub(super) token: &'a str,
    pub(super) pds: String,
    pub(super) did: String,
}

impl<'a> Session<'a> {
    pub(super) fn new(ctx: Ctx<'a>, tokens: &'a TokenSet) -> Result<Session<'a>> {
        let (pds, did) = session(tokens)?;
        Ok(Session {
            ctx,
            token: tokens.access_token.expose(),
            pds,
            did,
        })
    }
}

impl Session<'_> {
    pub(super) fn get(
        &self,
        method: &str,
        query: &[(&str, &str)],
    ) -> Result<reqwest::RequestBuilder> {
        let mut url = xrpc(&self.pds, method)?;
        url.query_pairs_mut().extend_pairs(query);
        Ok(transport::request(self.ctx.http, Method::GET, url).bearer_auth(self.token))
    }

    pub(super) fn post(&self, method: &str) -> Result<reqwest::RequestBuilder> {
        Ok(
            transport::request(self.ctx.http, Method::POST, xrpc(&self.pds, method)?)
                .bearer_auth(self.token),
        )
    }

    /// The record `rkey` of this account's posts, when it exists.
    pub(super) async fn get_record(&self, rkey: &str) -> Result<Option<Created>> {
        let rb = self.get(
            "com.atproto.repo.getRecord",
            &[
                ("repo", &self.did),
                ("collection", COLLECTION),
                ("rkey", rkey),
            ],
        )?;
        let reply = transport::send(self.ctx.http, P, rb).await?;
        if reply.ok() {
            let v = reply.json(P)?;
            return Ok(Some(Created {
                uri: transport::str_field(P, &v, "uri")?,
                cid: transport::str_field(P, &v, "cid")?,
            }));
        }
        if reply.status == 400
            && transport::error_details(&reply.body).0.as_deref() == Some("RecordNotFound")
        {
            return Ok(None);
        }
        Err(transport::api_error(P, &reply))
    }

    /// The DID of `handle`, or `None` when it does not resolve (the mention stays plain text).
    async fn resolve(&self, handle: &str) -> Result<Option<String>> {
        let rb = self.get("com.atproto.identity.resolveHandle", &[("handle", handle)])?;
        let reply = transport::send(self.ctx.http, P, rb).await?;
        if reply.ok() {
            let v = reply.json(P)?;
            return Ok(transport::opt_str(&v, "did").filter(|d| d.starts_with("did:")));
        }
        if reply.status == 400 || reply.status == 404 {
            let code = transport::error_details(&reply.body).0;
            if code
                .as_deref()
                .is_none_or(|c| c != "ExpiredToken" && c != "InvalidToken")
            {
                return Ok(None);
            }
        }
        Err(transport::api_error(P, &reply))
    }

    pub(super) async fn facets(&self, text: &str) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        for span in detect(text) {
            let feature = match &span.feature {
                Feature::Link(uri) => json!({"$type": "app.bsky.richtext.facet#link", "uri": uri}),
                Feature::Tag(tag) => json!({"$type": "app.bsky.richtext.facet#tag", "tag": tag}),
                Feature::Mention(handle) => match self.resolve(handle).await? {
                    Some(did) => json!({"$type": "app.bsky.richtext.facet#mention", "did": did}),
                    None => continue,
                },
            };
            out.push(json!({
                "index": {"byteStart": span.start, "byteEnd": span.end},
                "features": [feature],
            }));
        }
        Ok(out)
    }

    /// The blob object of a 2xx `uploadBlob` answer.
    fn blob_of(reply: &transport::Reply) -> Result<Value> {
        let v = reply.json(P)?;
        let blob = v.get("blob").cloned().unwrap_or(Value::Null);
        let ok = blob.pointer("/ref/$link").and_then(Value::as_str).is_some()
            && blob.get("mimeType").and_then(Value::as_str).is_some();
        if ok {
            Ok(blob)
        } else {
            Err(Error::InvalidResponse {
                platform: P,
                what: "`blob` is missing".into(),
            })
        }
    }

    /// Uploads an image (≤ 1 MB, so in memory) without its metadata.
    async fn upload_image(&self, m: &MediaFile) -> Result<Value> {
        let raw = tokio::fs::read(&m.path)
            .await
            .map_err(|e| Error::Config(format!("{}: cannot be read ({e})", m.name())))?;
        let bytes = strip_metadata(raw).map_err(|()| {
            Error::Config(format!(
                "{}: the image could not be read to remove its metadata",
                m.name()
            ))
        })?;
        let rb = self
            .post("com.atproto.repo.uploadBlob")?
            .header(reqwest::header::CONTENT_TYPE, &m.mime)
            .body(bytes);
        let reply = transport::send(self.ctx.http, P, rb).await?;
        if !reply.ok() {
            return Err(transport::api_error(P, &reply));
        }
        Self::blob_of(&reply)
    }

    /// Streams a video from disk, reporting progress.
    async fn upload_video(
        &self,
        m: &MediaFile,
        sent_before: u64,
        total: u64,
        progress: Progress<'_>,
    ) -> Result<Value> {
        let len = tokio::fs::metadata(&m.path)
            .await
            .map_err(|e| Error::Config(format!("{}: cannot be read ({e})", m.name())))?
            .len();
        let rb = self
            .post("com.atproto.repo.uploadBlob")?
            .header(reqwest::header::CONTENT_TYPE, &m.mime)
            .header(reqwest::header::CONTENT_LENGTH, len);
        let http = self.ctx.http;
        let reply =
            transport::send_range(http, P, rb, &m.path, 0..len, sent_before, total, progress)
                .await?;
        if !reply.ok() {
            return Err(transport::api_error(P, &reply));
        }
        Self::blob_of(&reply)
    }

    pub(super) async fn create(&self, rkey: &str, record: &Value) -> Result<Created> {
        let body = json!({
            "repo": self.did,
            "collection": COLLECTION,
            "rkey": rkey,
            "record": record,
        });
        let rb = self.post("com.atproto.repo.createRecord")?.json(&body);
        match transport::send_json(self.ctx.http, P, Phase::Api, rb).await {
            Ok(v) => Ok(Created {
                uri: transport::str_field(P, &v, "uri")?,
                cid: transport::str_field(P, &v, "cid")?,
            }),
            // The reference PDS answers a second create under the same key with a 500; a lost
            // answer may also hide a record that was written. Either way: look before failing.
            Err(
                e @ (Error::Unavailable { .. }
                | Error::Network { .. }
                | Error::InvalidResponse { .. }),
            ) => match self.get_record(rkey).await {
                Ok(Some(c)) => Ok(c),
                _ => Err(e),
            },
            Err(e) => Err(e),
        }
    }
}

/// The image without EXIF (and, for JPEG, XMP) metadata: location and camera details stay home.
/// GIFs carry none and go as they are.
fn strip_metadata(raw: Vec<u8>) -> std::result::Result<Vec<u8>, ()> {
    use img_parts::{Bytes, DynImage, ImageEXIF};
    let bytes = Bytes::from(raw);
    match DynImage::from_bytes(bytes.clone()) {
        Ok(Some(DynImage::Jpeg(mut j))) => {
            j.set_exif(None);
            j.remove_segments_by_marker(img_parts::jpeg::markers::APP1);
            Ok(j.encoder().bytes().to_vec())
        }
        Ok(Some(mut img)) => {
            img.set_exif(None);
            Ok(img.encoder().bytes().to_vec())
        }
        Ok(None) if bytes.starts_with(b"GIF8") => Ok(bytes.to_vec()),
        _ => Err(()),
    }
}

fn aspect_ratio(m: &MediaFile) -> Option<Value> {
    match (m.width, m.height) {
        (Some(w), Some(h)) if w > 0 && h > 0 => Some(json!({"width": w, "height": h})),
        _ => None,
    }
}

impl BlueskyPublisher {
    async fn publish_part(
        &self,
        s: &Session<'_>,
        post: &Post,
        index: usize,
        part: &PostPart,
        thread: Option<(&Created, &Created)>,
        meter: &mut Meter<'_>,
    ) -> Result<Created> {
        let rkey = record_key(&post.key, index);
        if let Some(found) = s.get_record(&rkey).await? {
            meter.add(part.media.iter().map(|m| m.bytes).sum::<u64>());
            return Ok(found);
        }
        let mut record = json!({
            "$type": COLLECTION,
            "text": part.text,
            "createdAt": transport::rfc3339_ms(now_ms()),
        });
        if let Some(lang) = post.options.language.as_deref().filter(|l| !l.is_empty()) {
            record["langs"] = json!([lang]);
        }
        let facets = s.facets(&part.text).await?;
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if let Some((root, parent)) = thread {
            record["reply"] = json!({
                "root": {"uri": root.uri, "cid": root.cid},
                "parent": {"uri": parent.uri, "cid": parent.cid},
            });
        }
        if let Some(video) = part.media.iter().find(|m| m.kind == MediaKind::Video) {
            let blob = s
                .upload_video(video, meter.sent, meter.total, meter.progress)
                .await?;
            meter.add(video.bytes);
            let mut embed = json!({"$type": "app.bsky.embed.video", "video": blob});
            if let Some(alt) = &video.alt {
                embed["alt"] = json!(alt);
            }
            if let Some(ar) = aspect_ratio(video) {
                embed["aspectRatio"] = ar;
            }
            record["embed"] = embed;
        } else if !part.media.is_empty() {
            let mut images = Vec::new();
            for m in &part.media {
                let blob = s.upload_image(m).await?;
                meter.add(m.bytes);
                let mut img = json!({"alt": m.alt.clone().unwrap_or_default(), "image": blob});
                if let Some(ar) = aspect_ratio(m) {
                    img["aspectRatio"] = ar;
                }
                images.push(img);
            }
            record["embed"] = json!({"$type": "app.bsky.embed.images", "images": images});
        }
        s.create(&rkey, &record).await
    }
}

#[async_trait]
impl Publisher for BlueskyPublisher {
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
        let (pds, did) = session(tokens)?;
        let s = Session {
            ctx,
            token: tokens.access_token.expose(),
            pds,
            did,
        };
        let total: u64 = post
            .parts
            .iter()
            .flat_map(|p| p.media.iter())
            .map(|m| m.bytes)
            .sum();
        let mut meter = Meter::new(total, progress);
        let mut created: Vec<Created> = Vec::new();
        for (i, part) in post.parts.iter().enumerate() {
            let thread = match (created.first(), created.last()) {
                (Some(root), Some(parent)) => Some((root, parent)),
                _ => None,
            };
            crate::publish::part_sending(ctx, i).await?;
            let c = self
                .publish_part(&s, post, i, part, thread, &mut meter)
                .await?;
            let rkey = c.uri.rsplit('/').next().unwrap_or_default();
            let part_url = post_url(&s.did, rkey);
            crate::publish::part_published(ctx, i, &c.uri, Some(&part_url)).await;
            created.push(c);
        }
        let rkey = record_key(&post.key, 0);
        let first = created
            .first()
            .ok_or_else(|| Error::refused(P, "The post is empty"))?;
        Ok(Published {
            id: first.uri.clone(),
            url: Some(post_url(&s.did, &rkey)),
            thread: created.iter().map(|c| c.uri.clone()).collect(),
        })
    }

    /// Finds the records of `post` by their derived keys. `Some` only when every part exists: a
    /// thread cut short by a crash is `None`, and publishing again completes it (parts that exist are
    /// found, not duplicated).
    /// Record keys derive from `post.key`: an existing record is found before any create.
    fn retry_is_safe(&self) -> bool {
        true
    }

    async fn lookup(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
    ) -> Result<Option<Published>> {
        let (pds, did) = session(tokens)?;
        let s = Session {
            ctx,
            token: tokens.access_token.expose(),
            pds,
            did,
        };
        let mut uris = Vec::new();
        for i in 0..post.parts.len().max(1) {
            match s.get_record(&record_key(&post.key, i)).await? {
                Some(c) => uris.push(c.uri),
                None => return Ok(None),
            }
        }
        let first = uris.first().cloned().unwrap_or_default();
        Ok(Some(Published {
            id: first,
            url: Some(post_url(&s.did, &record_key(&post.key, 0))),
            thread: uris,
        }))
    }

    async fn inbox(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        source: &str,
        since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        if source != "notifications" {
            return Err(Error::Config(format!(
                "Bluesky has no inbox source {source:?}"
            )));
        }
        super::inbox::fetch(&Session::new(ctx, tokens)?, since).await
    }

    async fn reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Published> {
        super::inbox::reply(&Session::new(ctx, tokens)?, &self.limits(), reply).await
    }

    async fn find_reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Option<Published>> {
        super::inbox::find_reply(&Session::new(ctx, tokens)?, reply).await
    }

    async fn mark_read(&self, ctx: Ctx<'_>, tokens: &TokenSet, up_to: &InboxCursor) -> Result<()> {
        super::inbox::mark_read(&Session::new(ctx, tokens)?, up_to).await
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &["likes", "reposts", "replies", "quotes", "saves"]
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
        super::metrics::post(&Session::new(ctx, tokens)?, post).await
    }

    async fn account_metrics(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
        super::metrics::account(&Session::new(ctx, tokens)?).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn record_keys_are_stable_tids() {
        let k = record_key("post-1:bluesky", 0);
        assert_eq!(k, record_key("post-1:bluesky", 0));
        assert_ne!(k, record_key("post-1:bluesky", 1));
        assert_eq!(k.len(), 13);
        assert!("234567ab".contains(&k[..1]), "{k}");
        assert!(k.bytes().all(|b| TID_ALPHABET.contains(&b)));
    }

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(transport::rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            transport::rfc3339_ms(1_709_210_096_789),
            "2024-02-29T12:34:56.789Z"
        );
    }

    #[test]
    fn detects_byte_offsets() {
        let t = "👋 see https://example.com/a(b). by @Bob.test #rust, #123 (https://x.org)";
        let spans = detect(t);
        let got: Vec<(&str, Feature)> = spans
            .iter()
            .map(|s| (&t[s.start..s.end], s.feature.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "https://example.com/a(b)",
                    Feature::Link("https://example.com/a(b)".into())
                ),
                ("@Bob.test", Feature::Mention("bob.test".into())),
                ("#rust", Feature::Tag("rust".into())),
                ("https://x.org", Feature::Link("https://x.org".into())),
            ]
        );
    }
}
