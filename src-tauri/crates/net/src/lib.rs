//! Outbound HTTP for Outpost's core. Every request a platform client, the OAuth engine or the media
//! host makes goes through [`HttpClient`], which records it to an [`ActivitySink`]: when, which
//! platform, method, host, path (query values removed), status, duration and sizes — never headers,
//! never bodies, never a token. The sink is the activity log the user sees under Privacy & data.
//!
//! Timeouts ([`Timeouts`]): every connection attempt has a connect timeout; a request with a
//! buffered body (API calls) has a total deadline; a request whose body is streamed (an upload of
//! any size, on any link) has **no** total deadline — it fails only when it stalls (no byte taken
//! by the connection for [`Timeouts::stall`]) or when no answer comes [`Timeouts::answer`] after
//! its last byte. A client without timeouts cannot be built: a failure to build is an error.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
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
    /// The HTTP client could not be set up (TLS roots, resolver). Never replaced by a client
    /// without timeouts.
    #[error("The HTTP client could not be set up: {0}.")]
    Build(String),
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
            Error::Build(_) => true,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The timeouts every request has (see the crate's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a connection (TCP and TLS).
    pub connect: Duration,
    /// Total deadline of a request whose body is buffered (or empty): an API call.
    pub request: Duration,
    /// A streamed body that the connection takes no byte of for this long has stalled.
    pub stall: Duration,
    /// After a streamed body's last byte, how long the answer may take (the platform may process
    /// the upload first).
    pub answer: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            request: Duration::from_secs(120),
            stall: Duration::from_secs(60),
            answer: Duration::from_secs(300),
        }
    }
}

/// The core's HTTP client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    sink: Arc<dyn ActivitySink>,
    timeouts: Timeouts,
}

/// Outpost's user agent.
pub const USER_AGENT: &str = concat!(
    "Outpost/",
    env!("CARGO_PKG_VERSION"),
    " (+local-first desktop app)"
);

impl HttpClient {
    /// The client with the default [`Timeouts`]; an error when it cannot be built.
    pub fn new(sink: Arc<dyn ActivitySink>) -> Result<Self> {
        Self::with_timeouts(sink, Timeouts::default())
    }

    /// The client with `timeouts` (each must be above zero).
    pub fn with_timeouts(sink: Arc<dyn ActivitySink>, timeouts: Timeouts) -> Result<Self> {
        let t = timeouts;
        if [t.connect, t.request, t.stall, t.answer]
            .iter()
            .any(Duration::is_zero)
        {
            return Err(Error::Build("every timeout must be above zero".into()));
        }
        let inner = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(t.connect)
            // Dead peers are found even on an idle connection.
            .tcp_keepalive(Duration::from_secs(30))
            // Redirects could carry tokens to another host; platform clients follow them explicitly.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Build(classify(&e).0.to_string()))?;
        Ok(HttpClient {
            inner,
            sink,
            timeouts,
        })
    }

    /// The timeouts of this client.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The underlying client, to build requests (`client.reqwest().get(url)...build()`).
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.inner
    }

    /// Sends `request` on behalf of `platform` and records it in the activity log.
    pub async fn execute(
        &self,
        platform: &str,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response> {
        let method = request.method().to_string();
        let host = request.url().host_str().unwrap_or_default().to_string();
        let path = loggable_path(request.url());
        let bytes_sent = request
            .body()
            .and_then(|b| b.as_bytes())
            .map_or(0, |b| b.len() as i64);
        // A streamed body is watched for stalls instead of having a total deadline.
        let watch = match request.body_mut().take() {
            Some(body) if body.as_bytes().is_none() => {
                let w = Watch::new();
                // With a declared length the connection stops asking once it has that many bytes.
                let declared = request
                    .headers()
                    .get(reqwest::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                *request.body_mut() = Some(reqwest::Body::wrap(Watched {
                    inner: body,
                    watch: w.clone(),
                    declared,
                    taken: 0,
                }));
                Some(w)
            }
            other => {
                *request.body_mut() = other;
                if request.timeout().is_none() {
                    *request.timeout_mut() = Some(self.timeouts.request);
                }
                None
            }
        };
        let at_ms = now_ms();
        let started = Instant::now();
        let outcome = match &watch {
            None => self.inner.execute(request).await.map_err(|e| classify(&e)),
            Some(w) => {
                tokio::select! {
                    r = self.inner.execute(request) => r.map_err(|e| classify(&e)),
                    kind = w.stalled(self.timeouts) => Err((kind, false)),
                }
            }
        };
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
            Err((kind, retry_safe)) => {
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

/// Progress of a streamed body: when the connection last took bytes, and whether it took them all.
#[derive(Debug, Clone)]
struct Watch {
    start: Instant,
    /// Milliseconds after `start` when the connection last took a piece of the body.
    last_ms: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
}

impl Watch {
    fn new() -> Self {
        Watch {
            start: Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
            done: Arc::new(AtomicBool::new(false)),
        }
    }

    fn elapsed_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Resolves when the body stalled, or when the answer is late after the whole body went out.
    async fn stalled(&self, t: Timeouts) -> &'static str {
        let tick = (t.stall / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
        loop {
            tokio::time::sleep(tick).await;
            let idle = Duration::from_millis(
                self.elapsed_ms()
                    .saturating_sub(self.last_ms.load(Ordering::Relaxed)),
            );
            if self.done.load(Ordering::Relaxed) {
                if idle > t.answer {
                    return "no answer after the upload";
                }
            } else if idle > t.stall {
                return "the upload stalled";
            }
        }
    }
}

/// A streamed body that reports its progress to a [`Watch`].
struct Watched {
    inner: reqwest::Body,
    watch: Watch,
    /// The `Content-Length` of the request, when declared.
    declared: Option<u64>,
    /// Bytes taken by the connection so far.
    taken: u64,
}

impl http_body::Body for Watched {
    type Data = bytes::Bytes;
    type Error = reqwest::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<http_body::Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(r) = &polled {
            if let Some(Ok(frame)) = r
                && let Some(data) = frame.data_ref()
            {
                self.taken += data.len() as u64;
            }
            let elapsed = self.watch.elapsed_ms();
            self.watch.last_ms.store(elapsed, Ordering::Relaxed);
            let all = self.declared.is_some_and(|d| self.taken >= d);
            if r.is_none() || all || self.inner.is_end_stream() {
                self.watch.done.store(true, Ordering::Relaxed);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
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
