//! When a throttled platform takes requests again: `Retry-After`, the rate-limit headers of each
//! platform, Meta's usage headers; and the timestamps the APIs speak.

use std::time::{SystemTime, UNIX_EPOCH};

use outpost_net::reqwest::header::HeaderMap;
use serde_json::Value;

use super::opt_i64;

pub(crate) fn now_s() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// When a throttled platform says it will take requests again (unix s), from its headers.
pub(crate) fn retry_at(headers: &HeaderMap) -> Option<i64> {
    let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    // Numbers from a header are added saturating: an absurd value is "far away", never an
    // overflow (the fuzz target `platform_answers` found `Retry-After: 9223372036854775807`).
    if let Some(s) = get("retry-after").and_then(|v| v.parse::<i64>().ok()) {
        return Some(now_s().saturating_add(s));
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
                .map(|n| {
                    if n < 1_000_000_000 {
                        now_s().saturating_add(n)
                    } else {
                        n
                    }
                })
        })
}

/// Meta's usage headers (Graph API rate limiting): `X-Business-Use-Case-Usage`
/// `{"<business id>":[{"type","call_count","total_cputime","total_time","estimated_time_to_regain_access"}]}`
/// (minutes) gives the time; `X-App-Usage` / `X-Page-Usage` `{"call_count","total_cputime","total_time"}`
/// (percent) only say that a limit is reached: Meta counts over a rolling hour, so an exhausted
/// app is retried an hour later **[decision]**. `None` when no header says the caller is throttled.
pub(crate) fn meta_usage_retry_at(headers: &HeaderMap, now: i64) -> Option<i64> {
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

/// `Retry-After` (delta seconds) only, as unix seconds.
pub(crate) fn retry_after(h: &HeaderMap) -> Option<i64> {
    h.get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|s| now_s().saturating_add(s))
}
