//! The one HTTP path of every platform client. A platform module says what to send and how to read
//! the answer; everything else lives here:
//! - building a request ([`request`], [`bearer`], [`json_body`]) and sending it through the
//!   activity-logging client of `outpost-net` ([`send`]: every call leaves its record there);
//! - bodies streamed from disk, whole or by range, with upload progress ([`body`]);
//! - reading an answer ([`Reply`]: status, headers, bounded body) and classifying a failure into the
//!   crate's typed errors — retryable, rate-limited until, needs re-auth, rejected ([`classify`]);
//! - rate-limit and `Retry-After` headers ([`rate`]);
//! - the adapter that sends the `oauth2` crate's requests the same way ([`oauth`]).
//!
//! The exact requests and accepted responses are fixed in `WIRE.md` at the crate's root.

pub(crate) mod body;
pub(crate) mod classify;
pub(crate) mod fields;
pub(crate) mod oauth;
pub(crate) mod rate;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use outpost_net::HttpClient;
use outpost_net::reqwest::{Method, RequestBuilder, header::HeaderMap};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::tokens::TokenSet;

pub(crate) use body::{Meter, Progress, multipart_frame, range_body, range_stream, with_progress};
pub(crate) use classify::{Phase, classify, classify_parts, error_details};
pub(crate) use fields::{opt_i64, opt_str, str_field};
pub(crate) use oauth::{Oauth2Http, from_oauth2};
pub(crate) use rate::{now_s, parse_rfc3339, retry_after, retry_at, rfc3339, rfc3339_ms};

/// Largest response body read from a platform.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// A response that arrived: status, headers (upload protocols answer in headers: `Location`,
/// `Range`, `ETag`; throttling in rate-limit headers) and the whole body (bounded).
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// A 2xx answer.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON.
    pub fn json(&self, platform: Platform) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|_| invalid(platform, "the body is not JSON"))
    }

    /// The body as JSON; an empty body is `null` (answers that only confirm).
    pub fn json_or_null(&self, platform: Platform) -> Result<Value> {
        if self.body.is_empty() {
            Ok(Value::Null)
        } else {
            self.json(platform)
        }
    }

    /// A header's value, trimmed; `None` when absent or empty.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// When the platform takes requests again, from any of the rate-limit headers it uses.
    pub fn retry_at(&self) -> Option<i64> {
        retry_at(&self.headers)
    }

    /// When the platform takes requests again, from `Retry-After` only.
    pub fn retry_after(&self) -> Option<i64> {
        retry_after(&self.headers)
    }
}

/// The platform answered with something that does not match its documented shape.
pub(crate) fn invalid(platform: Platform, what: impl Into<String>) -> Error {
    Error::InvalidResponse {
        platform,
        what: what.into(),
    }
}

pub(crate) fn request(http: &HttpClient, method: Method, url: url::Url) -> RequestBuilder {
    http.reqwest().request(method, url)
}

/// A request with the channel's access token as `Authorization: Bearer`.
pub(crate) fn bearer(
    http: &HttpClient,
    method: Method,
    url: url::Url,
    tokens: &TokenSet,
) -> RequestBuilder {
    request(http, method, url).bearer_auth(tokens.access_token.expose())
}

/// `rb` with `body` as its JSON body (`content_type` names the exact media type the API wants).
pub(crate) fn json_body(rb: RequestBuilder, content_type: &str, body: &Value) -> RequestBuilder {
    rb.header("Content-Type", content_type)
        .body(body.to_string())
}

/// Sends a request and reads the whole reply (bounded). A failure before a whole reply arrived is
/// [`Error::Network`]. The activity log records the call (`outpost-net`).
pub(crate) async fn send(
    http: &HttpClient,
    platform: Platform,
    rb: RequestBuilder,
) -> Result<Reply> {
    let req = rb
        .build()
        .map_err(|_| Error::Config("the request could not be built".into()))?;
    let mut resp = http
        .execute(platform.id(), req)
        .await
        .map_err(|source| Error::Network { platform, source })?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if body.len() + c.len() > MAX_BODY {
                    return Err(invalid(platform, "the answer is too large"));
                }
                body.extend_from_slice(&c);
            }
            Ok(None) => break,
            Err(_) => {
                return Err(Error::Network {
                    platform,
                    source: outpost_net::Error::Request {
                        host: String::new(),
                        kind: "the answer was cut off",
                        retry_safe: false,
                    },
                });
            }
        }
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// Sends `rb` with the bytes `range` of the file at `path` as its body, streamed from disk,
/// reporting `base` + the bytes handed to the connection (of `total`) while it goes out.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn send_range(
    http: &HttpClient,
    platform: Platform,
    rb: RequestBuilder,
    path: &std::path::Path,
    range: std::ops::Range<u64>,
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> Result<Reply> {
    let counter = Arc::new(AtomicU64::new(0));
    let body = range_body(path, range.start, range.end - range.start, counter.clone()).await?;
    let sent = send(http, platform, rb.body(body));
    with_progress(sent, &counter, base, total, progress).await
}

/// Runs `call` up to `attempts` times while it fails in a way a retry may fix — no answer
/// ([`Error::Network`]) or a server error ([`Error::Unavailable`]) — waiting `step` × the attempt
/// number between tries. Only for calls that are safe to repeat (an upload part, a status read).
pub(crate) async fn retry_transient<T, F, Fut>(
    platform: Platform,
    attempts: u32,
    step: std::time::Duration,
    mut call: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e @ (Error::Network { .. } | Error::Unavailable { .. })) if attempt < attempts => {
                tracing::info!(%platform, attempt, "retrying after: {e}");
                tokio::time::sleep(step * attempt).await;
                attempt += 1;
            }
            r => return r,
        }
    }
}

/// Sends and returns the JSON body of a 2xx reply; any other reply is read by `refused` (the
/// platform's own error shape).
pub(crate) async fn call(
    http: &HttpClient,
    platform: Platform,
    rb: RequestBuilder,
    refused: impl FnOnce(&Reply) -> Error,
) -> Result<Value> {
    let reply = send(http, platform, rb).await?;
    if reply.ok() {
        reply.json(platform)
    } else {
        Err(refused(&reply))
    }
}

/// Sends a token revocation (RFC 7009) and reads what happened. A 2xx is a revocation whatever its
/// body (§2.2: "the content of the response body is ignored by the client"; X sends
/// `{"revoked": true}`, a conforming server may send nothing) — except a body that says it did not
/// revoke (`{"revoked": false}`), which is [`crate::Revocation::NotRevoked`]. Any other status is
/// the failure classified for [`Phase::Revoke`].
pub(crate) async fn send_revoke(
    http: &HttpClient,
    platform: Platform,
    rb: RequestBuilder,
) -> Result<crate::Revocation> {
    let reply = send(http, platform, rb).await?;
    if !reply.ok() {
        return Err(classify(platform, Phase::Revoke, &reply));
    }
    let said_no = serde_json::from_slice::<Value>(&reply.body)
        .ok()
        .and_then(|v| v.get("revoked").and_then(Value::as_bool))
        == Some(false);
    Ok(if said_no {
        crate::Revocation::NotRevoked(format!(
            "{} answered that the token was not revoked",
            platform.name()
        ))
    } else {
        crate::Revocation::Revoked
    })
}

/// Sends and returns the JSON body of a 2xx reply, or the failure classified for `phase`.
pub(crate) async fn send_json(
    http: &HttpClient,
    platform: Platform,
    phase: Phase,
    rb: RequestBuilder,
) -> Result<Value> {
    call(http, platform, rb, |r| classify(platform, phase, r)).await
}

/// An API call's failure, classified from the body and every rate-limit header.
pub(crate) fn api_error(platform: Platform, reply: &Reply) -> Error {
    classify(platform, Phase::Api, reply)
}
