//! Threads' counters (Threads Insights API, scope `threads_basic` + `threads_manage_insights`; a
//! missing scope answers code 10 → [`crate::Error::NeedsReauth`]):
//!
//! | metric      | endpoint                                   | Threads metric | notes |
//! |-------------|--------------------------------------------|----------------|-------|
//! | views       | `GET /{media}/insights?metric=…`           | `views`        | "in development" per Meta |
//! | likes       | same                                       | `likes`        | |
//! | replies     | same                                       | `replies`      | a root post: all replies; a reply: its direct replies |
//! | reposts     | same                                       | `reposts`      | |
//! | quotes      | same                                       | `quotes`       | |
//! | followers   | `GET /{user}/threads_insights?metric=followers_count,views` | `followers_count` (`total_value`) | current total |
//! | profile_views | same                                     | `views` (daily series) | the last 24 hours, summed |
//!
//! Media metrics are lifetime totals (`period: lifetime`) with no documented retention limit;
//! user insights take `since`/`until` no earlier than 2024-04-13 (1712991600). `shares` (sends
//! through DMs and links) is read too but Outpost has no counter for it; impressions, reach, saves,
//! link clicks, watch time are not offered. A post gone from Threads (code 100, subcode 33) is
//! [`PostMetrics::deleted`], never zeros.

use serde_json::Value;

use super::inbox::get_or_gone;
use super::publish::GRAPH;
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::Result;
use crate::meta::graph::account_id;
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Threads;
const MEDIA_METRICS: &str = "views,likes,replies,reposts,quotes,shares";

/// `{"data":[{"name":…,"values":[{"value":N}…]} | {"name":…,"total_value":{"value":N}}]}`: the
/// named metric's total (a series is summed).
fn metric(v: &Value, name: &str) -> Option<u64> {
    let e = v
        .get("data")?
        .as_array()?
        .iter()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(name))?;
    if let Some(t) = e.get("total_value") {
        return t.get("value").and_then(Value::as_u64);
    }
    let values = e.get("values")?.as_array()?;
    values
        .iter()
        .map(|x| x.get("value").and_then(Value::as_u64))
        .sum()
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    let at = transport::now_s();
    let Some(v) = get_or_gone(
        ctx,
        tokens,
        &format!("/{}/insights?metric={MEDIA_METRICS}", post.id),
    )
    .await?
    else {
        return Ok(PostMetrics::gone(&post.id, at));
    };
    if metric(&v, "likes").is_none() {
        return Err(GRAPH.invalid("the insights have no likes"));
    }
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        views: metric(&v, "views"),
        likes: metric(&v, "likes"),
        replies: metric(&v, "replies"),
        reposts: metric(&v, "reposts"),
        quotes: metric(&v, "quotes"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let user = account_id(P, tokens)?;
    let now = transport::now_s();
    let v = GRAPH
        .get(
            ctx,
            tokens,
            &format!(
                "/{user}/threads_insights?metric=followers_count,views&since={}&until={now}",
                now - 86_400
            ),
        )
        .await?;
    let followers = metric(&v, "followers_count");
    if followers.is_none() {
        return Err(GRAPH.invalid("the insights have no followers_count"));
    }
    Ok(AccountMetrics {
        at: now,
        followers,
        profile_views: metric(&v, "views"),
        ..AccountMetrics::default()
    })
}
