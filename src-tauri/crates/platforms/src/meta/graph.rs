//! What the Meta publishers (Facebook Pages, Instagram, Threads) share: Graph API calls with the
//! bearer token, Meta's error classification (`transport::classify_meta` through
//! [`transport::classify_parts`], retry time from the usage headers), the container → status →
//! publish flow of Instagram and Threads, their publishing-limit check, the media host objects
//! that must be removed whatever happens, and streamed multipart bodies.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use outpost_net::reqwest::{self, Method};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::limits::Pacing;
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::publish::{HostedMedia, MediaFile, MediaHost, Post, Progress};
use crate::tokens::TokenSet;
use crate::transport;
use crate::transport::{Reply, range_stream};
use tokio_util::bytes::Bytes;

/// One Graph API host and version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Graph {
    pub platform: Platform,
    /// `https://graph.facebook.com/v23.0` and the like.
    pub base: &'static str,
}

impl Graph {
    pub fn url(&self, ctx: Ctx<'_>, path_and_query: &str) -> Result<reqwest::Url> {
        ctx.endpoints
            .url(self.platform, &format!("{}{path_and_query}", self.base))
    }

    pub fn request(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        method: Method,
        path_and_query: &str,
    ) -> Result<reqwest::RequestBuilder> {
        Ok(transport::bearer(
            ctx.http,
            method,
            self.url(ctx, path_and_query)?,
            tokens,
        ))
    }

    /// Sends and returns the JSON body of a 2xx answer, or Meta's classified error.
    pub async fn call(&self, ctx: Ctx<'_>, rb: reqwest::RequestBuilder) -> Result<Value> {
        let platform = self.platform;
        transport::call(ctx.http, platform, rb, |r| {
            transport::api_error(platform, r)
        })
        .await
    }

    pub async fn get(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        path_and_query: &str,
    ) -> Result<Value> {
        let rb = self.request(ctx, tokens, Method::GET, path_and_query)?;
        self.call(ctx, rb).await
    }

    /// A form-encoded call (Graph takes its parameters as a form body or in the query).
    /// A first comment on a live post, as its author: `POST /{post-id}/comments` `message`; its id.
    pub async fn comment(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: String,
        text: String,
    ) -> Result<String> {
        let v = self
            .form(
                ctx,
                tokens,
                Method::POST,
                &format!("/{post}/comments"),
                &[("message", text)],
            )
            .await?;
        self.id(&v)
    }

    pub async fn form(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        method: Method,
        path: &str,
        params: &[(&str, String)],
    ) -> Result<Value> {
        let rb = self.request(ctx, tokens, method, path)?.form(params);
        self.call(ctx, rb).await
    }

    /// `{"id": …}` of an answer.
    pub fn id(&self, v: &Value) -> Result<String> {
        let id = transport::str_field(self.platform, v, "id")?;
        if id.chars().all(|c| c.is_ascii_digit() || c == '_') {
            Ok(id)
        } else {
            Err(self.invalid("the id is not a Graph id"))
        }
    }

    /// `{"success": true}` answers.
    pub fn success(&self, v: &Value) -> Result<()> {
        if v.get("success").and_then(Value::as_bool) == Some(true) {
            Ok(())
        } else {
            Err(self.invalid("the answer is not {\"success\":true}"))
        }
    }

    pub fn invalid(&self, what: &str) -> Error {
        transport::invalid(self.platform, what)
    }
}

/// Meta's error answer as a typed error (the one classifier: [`transport::classify_parts`]).
pub(crate) fn classify(platform: Platform, r: &Reply) -> Error {
    transport::api_error(platform, r)
}

/// The account that publishes: the channel's platform account id the app puts in `author`
/// (Facebook: the Page id; Instagram/Threads: the user id, also kept as `user_id` at sign-in).
pub(crate) fn account_id(platform: Platform, tokens: &TokenSet) -> Result<String> {
    tokens
        .extra("author")
        .or_else(|| tokens.extra("user_id"))
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .ok_or_else(|| {
            Error::Config(format!(
                "{platform}: the channel has no account id; reconnect it"
            ))
        })
}

// ---- media host --------------------------------------------------------------------------------

/// The error when a platform that fetches media from a URL has no media host to fetch from.
pub(crate) fn no_media_host(platform: Platform) -> Error {
    Error::Config(format!(
        "{platform} fetches photos and videos from a public web address: set up a media host in \
         Settings → Media host to publish media there"
    ))
}

/// Refuses before anything is sent when the post has media and no media host is set up.
pub(crate) fn require_media_host(ctx: Ctx<'_>, platform: Platform, post: &Post) -> Result<()> {
    let has_media = post.parts.iter().any(|p| !p.media.is_empty());
    if has_media && ctx.media_host.is_none() {
        Err(no_media_host(platform))
    } else {
        Ok(())
    }
}

/// The objects put on the media host for one container (or carousel); [`Hosted::clear`] removes
/// them all (call it on every path: success and failure).
pub(crate) struct Hosted<'a> {
    platform: Platform,
    host: Option<&'a dyn MediaHost>,
    items: Vec<HostedMedia>,
}

impl<'a> Hosted<'a> {
    pub fn new(ctx: Ctx<'a>, platform: Platform) -> Hosted<'a> {
        Hosted {
            platform,
            host: ctx.media_host,
            items: Vec::new(),
        }
    }

    /// Puts `m` on the media host and returns its public URL.
    pub async fn put(&mut self, m: &MediaFile) -> Result<String> {
        let host = self.host.ok_or_else(|| no_media_host(self.platform))?;
        let h = host.put(m, Pacing::of(self.platform).hosted_ttl).await?;
        let url = h.url.clone();
        self.items.push(h);
        Ok(url)
    }

    /// Removes every object (failures are logged: the objects expire with their URL anyway).
    pub async fn clear(&mut self) {
        let Some(host) = self.host else { return };
        for h in self.items.drain(..) {
            if let Err(e) = host.remove(&h).await {
                tracing::warn!(platform = %self.platform, error = %e, "the media host object could not be removed");
            }
        }
    }
}

// ---- containers (Instagram, Threads) ------------------------------------------------------------

/// How a platform reports a container's state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Containers {
    pub graph: Graph,
    /// `status_code` (Instagram) or `status` (Threads).
    pub state_field: &'static str,
    /// Where the reason of an `ERROR` is: `status` (Instagram) or `error_message` (Threads).
    pub error_field: &'static str,
}

impl Containers {
    /// The item containers of a carousel at `path`, one per medium (put on the media host
    /// first), each finished before the next: their ids joined for `children`.
    #[allow(clippy::too_many_arguments)]
    pub async fn carousel_children(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        path: &str,
        media: &[MediaFile],
        hosted: &mut Hosted<'_>,
        params: impl Fn(&MediaFile, String) -> Vec<(&'static str, String)>,
        sent: &mut u64,
        all: u64,
        progress: Progress<'_>,
    ) -> Result<String> {
        let mut children = Vec::with_capacity(media.len());
        for m in media {
            let url = hosted.put(m).await?;
            *sent += m.bytes;
            progress(*sent, all);
            let v = self
                .graph
                .form(ctx, tokens, Method::POST, path, &params(m, url))
                .await?;
            let id = self.graph.id(&v)?;
            self.wait_finished(ctx, tokens, &id).await?;
            children.push(id);
        }
        Ok(children.join(","))
    }

    /// Polls `id` until `FINISHED` (back-off 0.3 s doubling to 10 s, at most 10 minutes).
    pub async fn wait_finished(&self, ctx: Ctx<'_>, tokens: &TokenSet, id: &str) -> Result<()> {
        let p = self.graph.platform;
        let started = Instant::now();
        let mut wait = Duration::from_millis(300);
        let fields = format!("{},{}", self.state_field, self.error_field);
        loop {
            let v = self
                .graph
                .get(ctx, tokens, &format!("/{id}?fields={fields}"))
                .await?;
            let why = || {
                v.get(self.error_field)
                    .and_then(Value::as_str)
                    .map(|s| crate::error::clean(s, 200))
                    .filter(|s| !s.is_empty())
            };
            match v.get(self.state_field).and_then(Value::as_str) {
                Some("FINISHED" | "PUBLISHED") => return Ok(()),
                Some("IN_PROGRESS") => {}
                Some("ERROR") => {
                    return Err(Error::Rejected {
                        platform: p,
                        status: None,
                        reason: match why() {
                            Some(w) => format!("{p} could not use the media ({w})"),
                            None => format!("{p} could not use the media"),
                        },
                    });
                }
                Some("EXPIRED") => {
                    return Err(Error::Rejected {
                        platform: p,
                        status: None,
                        reason: format!(
                            "the {p} container expired before it was published; publish again"
                        ),
                    });
                }
                _ => return Err(self.graph.invalid("the container has no known status")),
            }
            if started.elapsed() > Pacing::of(p).processing_deadline {
                return Err(Error::refused(
                    p,
                    format!("{p} did not finish processing the media in 10 minutes"),
                ));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(10));
        }
    }

    /// `POST /{user}/{edge}` with the creation id → the published media id.
    pub async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        user: &str,
        edge: &str,
        container: &str,
    ) -> Result<String> {
        let v = self
            .graph
            .form(
                ctx,
                tokens,
                Method::POST,
                &format!("/{user}/{edge}"),
                &[("creation_id", container.to_string())],
            )
            .await?;
        self.graph.id(&v)
    }

    /// The media's permalink (best effort: `None` when it cannot be read).
    pub async fn permalink(&self, ctx: Ctx<'_>, tokens: &TokenSet, id: &str) -> Option<String> {
        match self
            .graph
            .get(ctx, tokens, &format!("/{id}?fields=permalink"))
            .await
        {
            Ok(v) => transport::opt_str(&v, "permalink").filter(|u| u.starts_with("https://")),
            Err(e) => {
                tracing::warn!(error = %e, "the permalink of a published post could not be read");
                None
            }
        }
    }
}

/// One quota of a publishing-limit answer: used and total.
pub(crate) fn quota(v: &Value, usage: &str, config: &str) -> Option<(i64, i64)> {
    let used = transport::opt_i64(v, usage)?;
    let total = v
        .get(config)
        .and_then(|c| transport::opt_i64(c, "quota_total"))?;
    Some((used, total))
}

/// The first entry of a publishing-limit answer `{"data":[{…}]}`.
pub(crate) fn limit_entry(graph: &Graph, v: &Value) -> Result<Value> {
    v.get("data")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .cloned()
        .ok_or_else(|| graph.invalid("the publishing limit has no data"))
}

/// A used-up publishing quota: Meta counts over a moving 24 h window and does not say when the
/// oldest post leaves it, so the post is retried an hour later **[decision]**.
pub(crate) fn quota_used(platform: Platform, what: &str, used: i64, total: i64) -> Error {
    tracing::info!(%platform, used, total, "{what} quota used up");
    Error::RateLimited {
        platform,
        retry_at: Some(transport::now_s() + 3600),
    }
}

// ---- streamed multipart ---------------------------------------------------------------------------

/// A `multipart/form-data` body of text fields and one file range streamed from disk:
/// (content type, exact length, body). `counter` counts the file bytes sent.
pub(crate) async fn multipart(
    fields: &[(&str, String)],
    file_field: &str,
    m: &MediaFile,
    start: u64,
    len: u64,
    counter: Arc<AtomicU64>,
) -> Result<(String, u64, reqwest::Body)> {
    let boundary = format!("outpost-{:032x}", rand::random::<u128>());
    let (head, tail) =
        transport::multipart_frame(&boundary, fields, file_field, &m.name(), &m.mime);
    let length = head.len() as u64 + len + tail.len() as u64;
    let file = range_stream(&m.path, start, len, counter).await?;
    let stream = futures_util::stream::once(async move { Ok(Bytes::from(head)) })
        .chain(file)
        .chain(futures_util::stream::once(async move {
            Ok::<_, std::io::Error>(Bytes::from(tail))
        }));
    Ok((
        format!("multipart/form-data; boundary={boundary}"),
        length,
        reqwest::Body::wrap_stream(stream),
    ))
}
