//! The classifier and the header readers against each platform's shapes.

use super::rate::meta_usage_retry_at;
use super::*;
use outpost_net::reqwest;

fn c(platform: Platform, phase: Phase, status: u16, body: &str) -> Error {
    classify_parts(platform, phase, status, None, body.as_bytes())
}

/// Found by the fuzz target `platform_answers`: absurd numbers in rate-limit headers and token
/// lifetimes overflowed (a panic in a debug build, a lifetime in the past after wrapping otherwise).
#[test]
#[allow(clippy::unwrap_used)]
fn absurd_numbers_saturate() {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("retry-after", "9223372036854775807".parse().unwrap());
    assert_eq!(retry_at(&h), Some(i64::MAX));
    assert_eq!(retry_after(&h), Some(i64::MAX));
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("ratelimit-reset", "-9223372036854775808".parse().unwrap());
    assert!(retry_at(&h).is_some());
    let r: crate::providers::LenientTokenResponse = serde_json::from_value(serde_json::json!({
        "access_token": "a", "token_type": "bearer", "expires_in": u64::MAX, "refresh_token_expires_in": u64::MAX
    }))
    .unwrap();
    let t = r.into_tokens(1_700_000_000, None);
    let max = 1_700_000_000 + crate::tokens::MAX_LIFETIME_S;
    assert_eq!((t.expires_at, t.refresh_expires_at), (Some(max), Some(max)));
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
