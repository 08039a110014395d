//! HTTP plumbing shared by the providers: sending through the activity-logging client, reading JSON,
//! classifying failures from each platform's error shape, and the adapter that lets the `oauth2`
//! crate send its requests through the same client.

use std::time::{SystemTime, UNIX_EPOCH};

use outpost_net::HttpClient;
use outpost_net::reqwest::{self, Method, RequestBuilder};
use serde_json::Value;

use crate::error::{Error, Result, clean};
use crate::platform::Platform;

/// Largest response body read from a platform.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Which kind of call failed: the same HTTP status means different things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Exchanging an authorization code (a refusal means the sign-in failed).
    Exchange,
    /// Refreshing (a refusal means the grant is gone).
    Refresh,
    /// Any API call with an access token (401 means the grant is gone).
    Api,
    /// Revocation (best effort).
    Revoke,
}

pub(crate) fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A response that arrived: status, selected headers and the body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub retry_at: Option<i64>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self, platform: Platform) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|_| Error::InvalidResponse {
            platform,
            what: "the body is not JSON".into(),
        })
    }
}

pub(crate) fn client(http: &HttpClient) -> &reqwest::Client {
    http.reqwest()
}

pub(crate) fn request(http: &HttpClient, method: Method, url: url::Url) -> RequestBuilder {
    client(http).request(method, url)
}

/// Sends a request and reads the whole reply (bounded). Network failures become [`Error::Network`].
pub(crate) async fn send(
    http: &HttpClient,
    platform: Platform,
    rb: RequestBuilder,
) -> Result<Reply> {
    let req = rb
        .build()
        .map_err(|_| Error::Config("the request could not be built".into()))?;
    let resp = http
        .execute(platform.id(), req)
        .await
        .map_err(|source| Error::Network { platform, source })?;
    let status = resp.status().as_u16();
    let retry_at = retry_at(resp.headers());
    let mut body = Vec::new();
    let mut resp = resp;
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if body.len() + c.len() > MAX_BODY {
                    return Err(Error::InvalidResponse {
                        platform,
                        what: "the answer is too large".into(),
                    });
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
        retry_at,
        body,
    })
}

/// Sends and returns the JSON body of a 2xx reply, or the classified failure.
pub(crate) async fn send_json(
    http: &HttpClient,
    platform: Platform,
    phase: Phase,
    rb: RequestBuilder,
) -> Result<Value> {
    let reply = send(http, platform, rb).await?;
    if (200..300).contains(&reply.status) {
        reply.json(platform)
    } else {
        Err(classify(platform, phase, &reply))
    }
}

/// When a throttled platform says it will take requests again (unix s), from its headers.
pub(crate) fn retry_at(headers: &reqwest::header::HeaderMap) -> Option<i64> {
    let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(s) = get("retry-after").and_then(|v| v.parse::<i64>().ok()) {
        return Some(now_s() + s);
    }
    if let Some(at) = meta_usage_retry_at(headers, now_s()) {
        return Some(at);
    }
    // X: x-rate-limit-reset (epoch s); Mastodon: X-RateLimit-Reset (RFC 3339 timestamp).
    get("x-rate-limit-reset")
        .and_then(|v| v.parse::<i64>().ok())
        .or_else(|| get("x-ratelimit-reset").and_then(parse_rfc3339))
        // Bluesky: RateLimit-Reset (epoch s; a small number is the IETF draft's delta seconds).
        .or_else(|| {
            get("ratelimit-reset")
                .and_then(|v| v.parse::<i64>().ok())
                .map(|n| if n < 1_000_000_000 { now_s() + n } else { n })
        })
}

/// Meta's usage headers (Graph API rate limiting): `X-Business-Use-Case-Usage`
/// `{"<business id>":[{"type","call_count","total_cputime","total_time","estimated_time_to_regain_access"}]}`
/// (minutes) gives the time; `X-App-Usage` / `X-Page-Usage` `{"call_count","total_cputime","total_time"}`
/// (percent) only say that a limit is reached: Meta counts over a rolling hour, so an exhausted
/// app is retried an hour later **[decision]**. `None` when no header says the caller is throttled.
pub(crate) fn meta_usage_retry_at(headers: &reqwest::header::HeaderMap, now: i64) -> Option<i64> {
    let json = |k: &str| {
        headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| serde_json::from_str::<Value>(v).ok())
    };
    let pct = |o: &Value| {
        ["call_count", "total_cputime", "total_time"]
            .iter()
            .filter_map(|k| o.get(*k).and_then(Value::as_f64))
            .fold(0.0f64, f64::max)
    };
    let mut minutes: Option<i64> = None;
    let mut exhausted = false;
    if let Some(Value::Object(buc)) = json("x-business-use-case-usage") {
        for entries in buc.values() {
            for e in entries.as_array().map(Vec::as_slice).unwrap_or_default() {
                let m = opt_i64(e, "estimated_time_to_regain_access").unwrap_or(0);
                if m > 0 {
                    minutes = Some(minutes.map_or(m, |x| x.max(m)));
                }
                exhausted |= pct(e) >= 100.0;
            }
        }
    }
    for k in ["x-app-usage", "x-page-usage"] {
        if let Some(o) = json(k) {
            exhausted |= pct(&o) >= 100.0;
        }
    }
    match minutes {
        Some(m) => Some(now + m.min(24 * 60) * 60),
        None if exhausted => Some(now + 3600),
        None => None,
    }
}

/// Unix seconds of an RFC 3339 timestamp (`2026-11-23T12:40:00.136285Z`, `…+01:00`); fractions are
/// dropped. `None` for anything else.
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.timestamp())
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds (`2024-02-29T12:34:56.789Z`).
pub(crate) fn rfc3339_ms(unix_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(unix_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Unix seconds as RFC 3339 UTC (`2026-11-23T12:00:00Z`).
pub(crate) fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What a platform's error body says: a machine code (when any) and a human message.
pub(crate) fn error_details(body: &[u8]) -> (Option<String>, String) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return (None, String::new());
    };
    let s = |v: &Value| v.as_str().map(str::to_string);
    let num = |v: &Value| v.as_i64().map(|n| n.to_string());
    // Meta: {"error":{"message","type","code","error_subcode"}}; Google API: {"error":{"code","message","status"}};
    // TikTok API: {"error":{"code":"access_token_invalid","message"}}.
    if let Some(e) = v.get("error").filter(|e| e.is_object()) {
        let code = e
            .get("code")
            .and_then(|c| s(c).or_else(|| num(c)))
            .or_else(|| e.get("status").and_then(s));
        let msg = e.get("message").and_then(s).unwrap_or_default();
        return (code, msg);
    }
    // OAuth (RFC 6749 §5.2), Mastodon, Bluesky: {"error":"…","error_description"|"message":"…"}.
    if let Some(code) = v.get("error").and_then(s) {
        let msg = v
            .get("error_description")
            .or_else(|| v.get("message"))
            .and_then(s)
            .unwrap_or_else(|| code.clone());
        return (Some(code), msg);
    }
    // Instagram token endpoint: {"error_type","code","error_message"}.
    if let Some(msg) = v.get("error_message").and_then(s) {
        return (v.get("error_type").and_then(s), msg);
    }
    // LinkedIn: {"code":"REVOKED_ACCESS_TOKEN","message"}; Pinterest: {"code":2,"message"};
    // X API problem: {"title","detail"}.
    let code = v.get("code").and_then(|c| s(c).or_else(|| num(c)));
    let msg = v
        .get("message")
        .or_else(|| v.get("detail"))
        .or_else(|| v.get("title"))
        .and_then(s)
        .unwrap_or_default();
    (code, msg)
}

/// Turns a non-2xx reply into the right [`Error`].
pub(crate) fn classify(platform: Platform, phase: Phase, reply: &Reply) -> Error {
    classify_parts(platform, phase, reply.status, reply.retry_at, &reply.body)
}

pub(crate) fn classify_parts(
    platform: Platform,
    phase: Phase,
    status: u16,
    retry_at: Option<i64>,
    body: &[u8],
) -> Error {
    if status == 429 {
        return Error::RateLimited { platform, retry_at };
    }
    if status >= 500 {
        return Error::Unavailable { platform, status };
    }
    let (code, msg) = error_details(body);
    let reason = {
        let m = clean(&msg, 200);
        if m.is_empty() {
            format!("HTTP {status}")
        } else {
            m
        }
    };
    let code_is = |names: &[&str]| code.as_deref().is_some_and(|c| names.contains(&c));
    if matches!(
        platform,
        Platform::Facebook | Platform::Instagram | Platform::Threads
    ) && let Some(e) = classify_meta(platform, phase, status, retry_at, body)
    {
        return e;
    }
    let grant_gone = match phase {
        // A refused refresh cannot be fixed by retrying: the user has to sign in again.
        Phase::Refresh => (400..500).contains(&status),
        Phase::Api | Phase::Revoke => {
            status == 401
                || code_is(&[
                    "190",
                    "access_token_invalid",
                    "REVOKED_ACCESS_TOKEN",
                    "INVALID_ACCESS_TOKEN",
                    "EXPIRED_ACCESS_TOKEN",
                    "ExpiredToken",
                    "InvalidToken",
                    "invalid_token",
                ])
        }
        Phase::Exchange => false,
    };
    if grant_gone {
        Error::NeedsReauth { platform, reason }
    } else {
        Error::Rejected {
            platform,
            status: Some(status),
            reason,
        }
    }
}

/// Meta's Graph error body `{"error":{"message","type","code","error_subcode","error_user_msg"?,
/// "is_transient"?,"fbtrace_id"}}`: throttling codes (4 app, 17 user, 32 page, 613, 80000–80014
/// business use case) → [`Error::RateLimited`]; 1/2 (unknown/temporary) or `is_transient` →
/// [`Error::Unavailable`]; 190 (token) and 10/200–299 (a permission is missing: signing in again
/// grants it) → [`Error::NeedsReauth`]; anything else → [`Error::Rejected`] with Meta's message
/// (the user-facing one when given), without its `(#100)` prefix. `None` when the body is not Meta's.
fn classify_meta(
    platform: Platform,
    phase: Phase,
    status: u16,
    retry_at: Option<i64>,
    body: &[u8],
) -> Option<Error> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let e = v.get("error").filter(|e| e.is_object())?;
    let code = opt_i64(e, "code")?;
    let user_msg = e.get("error_user_msg").and_then(Value::as_str);
    let msg = user_msg
        .or_else(|| e.get("message").and_then(Value::as_str))
        .unwrap_or_default();
    let msg = msg.trim();
    let msg = match msg.strip_prefix("(#") {
        Some(rest) => rest.split_once(')').map_or(msg, |(_, m)| m.trim()),
        None => msg,
    };
    let reason = {
        let m = clean(msg, 200);
        if m.is_empty() {
            format!("error {code}")
        } else {
            m
        }
    };
    if matches!(code, 4 | 17 | 32 | 613) || (80000..=80014).contains(&code) {
        return Some(Error::RateLimited { platform, retry_at });
    }
    // Sign-in phases keep the generic rules (a refused exchange is a failed sign-in; Meta also
    // uses code 1 for a wrong client secret there).
    if phase != Phase::Api {
        return None;
    }
    if matches!(code, 1 | 2) || e.get("is_transient").and_then(Value::as_bool) == Some(true) {
        return Some(Error::Unavailable { platform, status });
    }
    if code == 190 || code == 10 || (200..300).contains(&code) {
        return Some(Error::NeedsReauth { platform, reason });
    }
    Some(Error::Rejected {
        platform,
        status: Some(status),
        reason,
    })
}

/// Reads a required string field (numbers are accepted and turned into text: ids are often numbers).
pub(crate) fn str_field(platform: Platform, v: &Value, key: &str) -> Result<String> {
    match v.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Error::InvalidResponse {
            platform,
            what: format!("`{key}` is missing"),
        }),
    }
}

pub(crate) fn opt_str(v: &Value, key: &str) -> Option<String> {
    match v.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn opt_i64(v: &Value, key: &str) -> Option<i64> {
    v.get(key)
        .and_then(|x| x.as_i64().or_else(|| x.as_str()?.parse().ok()))
}

/// The `oauth2` crate's HTTP client: its requests go through the activity-logging client, and any
/// non-200 reply is handed back untouched (status + body) so [`classify`] sees every platform's
/// error shape, not only RFC 6749's.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdapterError {
    #[error(transparent)]
    Net(#[from] outpost_net::Error),
    #[error("HTTP {status}")]
    Status {
        status: u16,
        retry_at: Option<i64>,
        body: Vec<u8>,
    },
    #[error("the request could not be built")]
    Build,
    #[error("the answer is too large")]
    TooLarge,
}

pub(crate) async fn oauth2_send(
    http: &HttpClient,
    platform: Platform,
    req: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, AdapterError> {
    let (parts, body) = req.into_parts();
    let url = url::Url::parse(&parts.uri.to_string()).map_err(|_| AdapterError::Build)?;
    let method =
        Method::from_bytes(parts.method.as_str().as_bytes()).map_err(|_| AdapterError::Build)?;
    let mut rb = request(http, method, url);
    for (k, v) in &parts.headers {
        rb = rb.header(k.as_str(), v.as_bytes());
    }
    let req = rb.body(body).build().map_err(|_| AdapterError::Build)?;
    let mut resp = http.execute(platform.id(), req).await?;
    let status = resp.status().as_u16();
    let ra = retry_at(resp.headers());
    let content_type = resp.headers().get(reqwest::header::CONTENT_TYPE).cloned();
    let mut bytes = Vec::new();
    while let Ok(Some(c)) = resp.chunk().await {
        if bytes.len() + c.len() > MAX_BODY {
            return Err(AdapterError::TooLarge);
        }
        bytes.extend_from_slice(&c);
    }
    if status != 200 {
        return Err(AdapterError::Status {
            status,
            retry_at: ra,
            body: bytes,
        });
    }
    let mut out = http::Response::builder().status(200);
    if let Some(ct) = content_type {
        out = out.header("content-type", ct.as_bytes());
    }
    out.body(bytes).map_err(|_| AdapterError::Build)
}

/// The `oauth2` crate's view of [`HttpClient`].
#[derive(Debug, Clone)]
pub(crate) struct Oauth2Http {
    pub http: HttpClient,
    pub platform: Platform,
}

impl<'c> oauth2::AsyncHttpClient<'c> for Oauth2Http {
    type Error = AdapterError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = std::result::Result<oauth2::HttpResponse, AdapterError>,
                > + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(oauth2_send(&self.http, self.platform, request))
    }
}

/// Maps the `oauth2` crate's failure onto [`Error`].
pub(crate) fn from_oauth2<TE: oauth2::ErrorResponse + 'static>(
    platform: Platform,
    phase: Phase,
    e: oauth2::RequestTokenError<AdapterError, TE>,
) -> Error {
    match e {
        oauth2::RequestTokenError::Request(AdapterError::Net(source)) => {
            Error::Network { platform, source }
        }
        oauth2::RequestTokenError::Request(AdapterError::Status {
            status,
            retry_at,
            body,
        }) => classify_parts(platform, phase, status, retry_at, &body),
        oauth2::RequestTokenError::Request(AdapterError::TooLarge) => Error::InvalidResponse {
            platform,
            what: "the answer is too large".into(),
        },
        oauth2::RequestTokenError::Request(AdapterError::Build) => {
            Error::Config("the request could not be built".into())
        }
        oauth2::RequestTokenError::Parse(e, _) => Error::InvalidResponse {
            platform,
            what: clean(&format!("token response: {}", e.path()), 120),
        },
        oauth2::RequestTokenError::ServerResponse(_) | oauth2::RequestTokenError::Other(_) => {
            Error::InvalidResponse {
                platform,
                what: "unexpected token response".into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(platform: Platform, phase: Phase, status: u16, body: &str) -> Error {
        classify_parts(platform, phase, status, None, body.as_bytes())
    }

    #[test]
    fn classification_follows_each_platforms_error_shape() {
        assert!(c(Platform::X, Phase::Refresh, 400, r#"{"error":"invalid_request","error_description":"Value passed for the token was invalid."}"#).needs_reauth());
        assert!(matches!(
            c(
                Platform::X,
                Phase::Exchange,
                400,
                r#"{"error":"invalid_request","error_description":"bad code"}"#
            ),
            Error::Rejected { .. }
        ));
        assert!(c(Platform::Facebook, Phase::Api, 400, r#"{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":460}}"#).needs_reauth());
        assert!(matches!(
            c(
                Platform::Facebook,
                Phase::Api,
                400,
                r#"{"error":{"message":"x","code":17}}"#
            ),
            Error::RateLimited { .. }
        ));
        assert!(
            c(
                Platform::Tiktok,
                Phase::Api,
                401,
                r#"{"data":{},"error":{"code":"access_token_invalid","message":"x"}}"#
            )
            .needs_reauth()
        );
        assert!(c(Platform::Linkedin, Phase::Api, 401, r#"{"status":401,"serviceErrorCode":65600,"code":"REVOKED_ACCESS_TOKEN","message":"revoked"}"#).needs_reauth());
        assert!(c(Platform::X, Phase::Api, 503, "<html>").is_transient());
        assert!(c(Platform::X, Phase::Refresh, 429, "").is_transient());
        assert!(matches!(
            c(
                Platform::Pinterest,
                Phase::Api,
                403,
                r#"{"code":3,"message":"nope"}"#
            ),
            Error::Rejected { .. }
        ));
    }

    #[test]
    fn meta_errors_are_classified_in_one_place() {
        let api = |code: &str| c(Platform::Instagram, Phase::Api, 400, code);
        assert!(matches!(
            api(r#"{"error":{"message":"An unknown error occurred","code":1,"fbtrace_id":"x"}}"#),
            Error::Unavailable { status: 400, .. }
        ));
        assert!(api(r#"{"error":{"message":"x","code":2}}"#).is_transient());
        assert!(matches!(
            api(r#"{"error":{"message":"x","code":80002}}"#),
            Error::RateLimited { .. }
        ));
        assert!(api(r#"{"error":{"message":"(#10) no permission","code":10}}"#).needs_reauth());
        match api(
            r#"{"error":{"message":"(#100) Invalid parameter","code":100,"error_user_msg":"The image could not be fetched"}}"#,
        ) {
            Error::Rejected { reason, .. } => assert_eq!(reason, "The image could not be fetched"),
            other => panic!("{other:?}"),
        }
        match api(r#"{"error":{"message":"(#100) Invalid parameter","code":100}}"#) {
            Error::Rejected { reason, .. } => assert_eq!(reason, "Invalid parameter"),
            other => panic!("{other:?}"),
        }
        // Sign-in keeps its rules: code 1 there is a wrong client secret, not an outage.
        assert!(matches!(
            c(
                Platform::Threads,
                Phase::Exchange,
                400,
                r#"{"error":{"message":"Error validating client secret.","code":1}}"#
            ),
            Error::Rejected { .. }
        ));
    }

    #[test]
    fn meta_usage_headers_give_the_retry_time() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let h = |k: &'static str, v: &str| {
            let mut m = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(v) {
                m.insert(k, value);
            }
            m
        };
        let now = 1_000_000;
        let buc = r#"{"123":[{"type":"pages","call_count":100,"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":15},{"type":"pages","call_count":3,"estimated_time_to_regain_access":2}]}"#;
        assert_eq!(
            meta_usage_retry_at(&h("x-business-use-case-usage", buc), now),
            Some(now + 900)
        );
        assert_eq!(
            meta_usage_retry_at(
                &h(
                    "x-app-usage",
                    r#"{"call_count":100,"total_cputime":1,"total_time":1}"#
                ),
                now
            ),
            Some(now + 3600)
        );
        assert_eq!(
            meta_usage_retry_at(
                &h(
                    "x-app-usage",
                    r#"{"call_count":40,"total_cputime":1,"total_time":1}"#
                ),
                now
            ),
            None
        );
        assert_eq!(meta_usage_retry_at(&h("x-app-usage", "garbage"), now), None);
    }

    #[test]
    fn rfc3339_timestamps_parse() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-11-23T12:40:00.136285Z"),
            Some(1_795_437_600)
        );
        assert_eq!(
            parse_rfc3339("2026-11-23T13:40:00+01:00"),
            Some(1_795_437_600)
        );
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(951_782_400));
        for bad in [
            "",
            "1795437600",
            "2026-11-23",
            "2026-13-01T00:00:00Z",
            "2026-11-23T12:40:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn reasons_are_cleaned_and_bounded() {
        let long = format!(
            r#"{{"error":"x","error_description":"{}\u0007"}}"#,
            "a".repeat(500)
        );
        let Error::Rejected { reason, .. } = c(Platform::X, Phase::Exchange, 400, &long) else {
            panic!()
        };
        assert!(reason.chars().count() <= 201 && !reason.contains('\u{7}'));
    }
}
