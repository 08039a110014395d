//! Pinterest's counters (API v5; scopes `pins:read` + `boards:read` for a Pin, `user_accounts:read`
//! for the account):
//!
//! | metric      | endpoint                                   | Pinterest field   |
//! |-------------|--------------------------------------------|-------------------|
//! | impressions | `GET /v5/pins/{id}/analytics?start_date&end_date&metric_types=IMPRESSION,SAVE,OUTBOUND_CLICK` | `all.summary_metrics.IMPRESSION` |
//! | saves       | same                                       | `SAVE`            |
//! | link_clicks | same                                       | `OUTBOUND_CLICK`  |
//! | followers, following, posts | `GET /v5/user_account` | `follower_count`, `following_count`, `pin_count` |
//! | impressions (account) | same                             | `monthly_views` (the last 30 days) |
//!
//! **Retention**: Pin analytics look back 90 days at most (`start_date` no earlier than 90 days
//! ago; the data of the last day or two may still be `PROCESSING`), so a Pin's summary is over the
//! last 90 days — an older Pin's numbers fall as days leave the window, which is why Outpost keeps
//! its own snapshots. No likes, reposts, replies or quotes are offered to apps;
//! `PIN_CLICK` (close-ups of the Pin) has no Outpost counter and is not asked for. A Pin answering 404
//! is [`PostMetrics::deleted`]; a missing scope (403) asks to connect again.

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::publish::{API, pinterest_error};
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Pinterest;
/// Pin analytics look back this many days at most.
pub const LOOK_BACK_DAYS: i64 = 90;

fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// A GET; `None` for 404, a 403 (a scope the grant lacks) as [`Error::NeedsReauth`].
async fn get(ctx: Ctx<'_>, tokens: &TokenSet, url: url::Url) -> Result<Option<Value>> {
    let rb = transport::bearer(ctx.http, Method::GET, url, tokens);
    let r = transport::send(ctx.http, P, rb).await?;
    match r.status {
        404 => Ok(None),
        403 => Err(Error::NeedsReauth {
            platform: P,
            reason: "the sign-in does not allow reading analytics; connect the channel again"
                .into(),
        }),
        s if (200..300).contains(&s) => r.json(P).map(Some),
        _ => Err(pinterest_error(r.status, &r.headers, &r.body)),
    }
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key)
        .and_then(|x| x.as_u64().or_else(|| x.as_f64().map(|f| f.max(0.0) as u64)))
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    let at = transport::now_s();
    let mut url = ctx.endpoints.url(P, &format!("{API}/v5/pins"))?;
    url.path_segments_mut()
        .map_err(|_| Error::Config("bad API URL".into()))?
        .push(&post.id)
        .push("analytics");
    url.query_pairs_mut()
        .append_pair("start_date", &date(at - (LOOK_BACK_DAYS - 1) * 86_400))
        .append_pair("end_date", &date(at))
        .append_pair("metric_types", "IMPRESSION,SAVE,OUTBOUND_CLICK");
    let Some(v) = get(ctx, tokens, url).await? else {
        return Ok(PostMetrics::gone(&post.id, at));
    };
    let s = v
        .get("all")
        .and_then(|a| a.get("summary_metrics"))
        .filter(|s| s.is_object())
        .ok_or_else(|| transport::invalid(P, "the Pin analytics have no summary"))?;
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        impressions: count(s, "IMPRESSION"),
        saves: count(s, "SAVE"),
        link_clicks: count(s, "OUTBOUND_CLICK"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let url = ctx.endpoints.url(P, &format!("{API}/v5/user_account"))?;
    let v = get(ctx, tokens, url)
        .await?
        .ok_or_else(|| transport::invalid(P, "the user account was not found"))?;
    if count(&v, "follower_count").is_none() {
        return Err(transport::invalid(P, "the account has no follower_count"));
    }
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: count(&v, "follower_count"),
        following: count(&v, "following_count"),
        posts: count(&v, "pin_count"),
        impressions: count(&v, "monthly_views"),
        ..AccountMetrics::default()
    })
}
