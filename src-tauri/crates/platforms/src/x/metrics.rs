//! X's counters, per metric (API v2, user context; live counts, no delay):
//!
//! | metric      | endpoint                              | field                                   | window |
//! |-------------|---------------------------------------|-----------------------------------------|--------|
//! | impressions | `GET /2/tweets?ids=` `tweet.fields=non_public_metrics` (else `public_metrics`) | `impression_count` | non-public: 30 days |
//! | likes       | same, `public_metrics`                | `like_count`                            | always |
//! | reposts     | same, `public_metrics`                | `retweet_count`                         | always |
//! | replies     | same, `public_metrics`                | `reply_count`                           | always |
//! | quotes      | same, `public_metrics`                | `quote_count`                           | always |
//! | saves       | same, `public_metrics`                | `bookmark_count`                        | always |
//! | link_clicks | same, `non_public_metrics`            | `url_link_clicks`                       | 30 days |
//! | followers, following, posts | `GET /2/users/me?user.fields=public_metrics` | `followers_count`, `following_count`, `tweet_count` | always |
//!
//! Scopes `tweet.read users.read`. X gives `non_public_metrics` and `organic_metrics` only for the
//! user's own posts of the last 30 days: a post's age comes from its id (a snowflake:
//! `(id >> 22) + 1288834974657` ms), and an older post is read with `public_metrics` alone, so
//! its `link_clicks` is `None` from then on (the history kept before stays). A post X no longer
//! has answers in the `errors` array with a `resource-not-found` type: [`PostMetrics::deleted`].
//! One call per post: the `Publisher` trait asks for one post at a time (X would take 100 ids).
//! Billing: one post read per call ([`super::pricing`]).

use serde_json::Value;

use super::inbox::read;
use super::publish::{P, data, url};
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::Result;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const TWEETS: &str = "https://api.x.com/2/tweets";
const ME: &str = "https://api.x.com/2/users/me?user.fields=public_metrics";
/// X's epoch of snowflake ids (ms).
const TWEPOCH_MS: i64 = 1_288_834_974_657;
/// How long X gives non-public metrics (30 days), less an hour so a post at the edge is not
/// refused between the check and the read.
const PRIVATE_WINDOW_MS: i64 = 30 * 86_400_000 - 3_600_000;

/// The post counters this client reads.
pub const OFFERED_POST: &[&str] = &[
    "impressions",
    "likes",
    "reposts",
    "replies",
    "quotes",
    "saves",
    "link_clicks",
];
/// The account counters this client reads.
pub const OFFERED_ACCOUNT: &[&str] = &["followers", "following", "posts"];

/// When an X post was created (unix ms), from its snowflake id.
pub fn snowflake_ms(id: &str) -> Option<i64> {
    let n: u64 = id.parse().ok()?;
    i64::try_from(n >> 22).ok().map(|t| t + TWEPOCH_MS)
}

/// Whether X still gives the post's non-public metrics at `now_ms`.
pub fn private_metrics_open(id: &str, now_ms: i64) -> bool {
    snowflake_ms(id).is_some_and(|c| now_ms - c < PRIVATE_WINDOW_MS)
}

fn count(v: Option<&Value>, key: &str) -> Option<u64> {
    v?.get(key).and_then(Value::as_u64)
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    let at = transport::now_s();
    let private = private_metrics_open(&post.id, at.saturating_mul(1000));
    let mut u = url(TWEETS, ctx)?;
    u.query_pairs_mut()
        .append_pair("ids", &post.id)
        .append_pair(
            "tweet.fields",
            if private {
                "public_metrics,non_public_metrics,organic_metrics"
            } else {
                "public_metrics"
            },
        );
    let v = read(ctx, tokens, u).await?;
    let found = v.get("data").and_then(Value::as_array).and_then(|l| {
        l.iter()
            .find(|t| t.get("id").and_then(Value::as_str) == Some(&post.id))
    });
    let Some(t) = found else {
        let gone = v
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|e| {
                e.get("resource_id").and_then(Value::as_str) == Some(&post.id)
                    && e.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.ends_with("/resource-not-found"))
            });
        if gone {
            return Ok(PostMetrics {
                post_id: post.id.clone(),
                at,
                deleted: true,
                ..PostMetrics::default()
            });
        }
        let why = v
            .pointer("/errors/0/detail")
            .and_then(Value::as_str)
            .map_or_else(
                || "the post is not in the answer".to_string(),
                |d| crate::error::clean(d, 200),
            );
        return Err(transport::invalid(P, why));
    };
    let public = t.get("public_metrics");
    if count(public, "like_count").is_none() {
        return Err(transport::invalid(P, "a post has no public_metrics"));
    }
    let non_public = t.get("non_public_metrics");
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        impressions: count(non_public, "impression_count")
            .or_else(|| count(public, "impression_count")),
        likes: count(public, "like_count"),
        reposts: count(public, "retweet_count"),
        replies: count(public, "reply_count"),
        quotes: count(public, "quote_count"),
        saves: count(public, "bookmark_count"),
        link_clicks: count(non_public, "url_link_clicks"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let v = read(ctx, tokens, url(ME, ctx)?).await?;
    let m = data(&v)?.get("public_metrics");
    if count(m, "followers_count").is_none() {
        return Err(transport::invalid(P, "the account has no public_metrics"));
    }
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: count(m, "followers_count"),
        following: count(m, "following_count"),
        posts: count(m, "tweet_count"),
        ..AccountMetrics::default()
    })
}
