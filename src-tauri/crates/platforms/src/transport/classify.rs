//! Classifying a refused call into the crate's typed errors, from each platform's error shape.

use serde_json::Value;

use super::{Reply, opt_i64};
use crate::error::{Error, clean};
use crate::platform::Platform;

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
    classify_parts(platform, phase, reply.status, reply.retry_at(), &reply.body)
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
