//! Outbound HTTP for Outpost's core. Every request a platform client, the OAuth engine or the media
//! host makes goes through [`HttpClient`], which records it to an [`ActivitySink`]: when, which
//! platform, method, host, path (query values removed), status, duration and sizes — never headers,
//! never bodies, never a token. The sink is the activity log the user sees under Privacy & data.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use reqwest;

/// One outbound request as the activity log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ActivityEntry {
    /// When the request started, unix milliseconds UTC.
    pub at_ms: i64,
    /// The platform (or service) the request was for: `x`, `bluesky`, `media_host`, …
    pub platform: String,
    pub method: String,
    pub host: String,
    /// The URL path only: no query, no fragment (they may carry codes or tokens).
    pub path: String,
    /// HTTP status, or `None` when no response arrived.
    pub status: Option<u16>,
    pub duration_ms: i64,
    /// Request body size when known.
    pub bytes_sent: i64,
    /// Response size from `Content-Length` when given.
    pub bytes_received: i64,
    /// For failures without a response: the kind of failure (`timeout`, `connect`, …), never a URL.
    pub error: Option<String>,
}

/// Where activity entries go. Implementations must not block (queue and write elsewhere).
pub trait ActivitySink: Send + Sync + std::fmt::Debug {
    fn record(&self, entry: ActivityEntry);
}

/// A sink that drops everything (for code paths that have no profile, e.g. probing a server).
#[derive(Debug, Default)]
pub struct NoActivity;
impl ActivitySink for NoActivity {
    fn record(&self, _entry: ActivityEntry) {}
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request could not be built or sent, or no response arrived. The message names the kind of
    /// failure and the host, never the full URL (it may carry a code or token in its query).
    #[error("The request to {host} failed: {kind}.")]
    Request {
        host: String,
        kind: &'static str,
        retry_safe: bool,
    },
}

impl Error {
    /// True when the failure happened before anything reached the server (e.g. connection refused),
    /// so a retry cannot duplicate an effect.
    pub fn nothing_was_sent(&self) -> bool {
        match self {
            Error::Request { retry_safe, .. } => *retry_safe,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The core's HTTP client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    sink: Arc<dyn ActivitySink>,
}

/// Outpost's user agent.
pub const USER_AGENT: &str = concat!(
    "Outpost/",
    env!("CARGO_PKG_VERSION"),
    " (+local-first desktop app)"
);

impl HttpClient {
    pub fn new(sink: Arc<dyn ActivitySink>) -> Self {
        let inner = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            // Redirects could carry tokens to another host; platform clients follow them explicitly.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        HttpClient { inner, sink }
    }

    /// The underlying client, to build requests (`client.reqwest().get(url)...build()`).
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.inner
    }

    /// Sends `request` on behalf of `platform` and records it in the activity log.
    pub async fn execute(
        &self,
        platform: &str,
        request: reqwest::Request,
    ) -> Result<reqwest::Response> {
        let method = request.method().to_string();
        let host = request.url().host_str().unwrap_or_default().to_string();
        let path = loggable_path(request.url());
        let bytes_sent = request
            .body()
            .and_then(|b| b.as_bytes())
            .map_or(0, |b| b.len() as i64);
        let at_ms = now_ms();
        let started = Instant::now();
        let outcome = self.inner.execute(request).await;
        let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let mut entry = ActivityEntry {
            at_ms,
            platform: platform.to_string(),
            method,
            host: host.clone(),
            path,
            status: None,
            duration_ms,
            bytes_sent,
            bytes_received: 0,
            error: None,
        };
        match outcome {
            Ok(response) => {
                entry.status = Some(response.status().as_u16());
                entry.bytes_received = response.content_length().map_or(0, |n| n as i64);
                tracing::debug!(platform, host = %entry.host, path = %entry.path, status = response.status().as_u16(), duration_ms, "http");
                self.sink.record(entry);
                Ok(response)
            }
            Err(e) => {
                let (kind, retry_safe) = classify(&e);
                entry.error = Some(kind.to_string());
                tracing::warn!(platform, host = %entry.host, path = %entry.path, kind, duration_ms, "http request failed");
                self.sink.record(entry);
                Err(Error::Request {
                    host,
                    kind,
                    retry_safe,
                })
            }
        }
    }
}

fn classify(e: &reqwest::Error) -> (&'static str, bool) {
    if e.is_connect() {
        ("could not connect", true)
    } else if e.is_timeout() {
        ("timed out", false)
    } else if e.is_builder() {
        ("the request was invalid", true)
    } else if e.is_body() {
        ("sending the body failed", false)
    } else if e.is_redirect() {
        ("too many redirects", false)
    } else {
        ("the connection failed", false)
    }
}

/// The path of a URL without its query or fragment: those may be codes or tokens.
pub fn loggable_path(url: &url::Url) -> String {
    url.path().to_string()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn query_values_never_reach_the_log() {
        let u = url::Url::parse(
            "https://api.example/oauth/token?code=SECRETCODE&state=abc&access_token=tok",
        )
        .unwrap();
        let p = loggable_path(&u);
        assert_eq!(p, "/oauth/token");
    }
}
