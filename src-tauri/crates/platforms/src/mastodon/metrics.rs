//! Mastodon's counters, per metric (Mastodon keeps them for as long as the status exists; they are
//! live counts, no delay; nothing is reported per day, so history is what Outpost snapshots):
//!
//! | metric  | endpoint                                   | field              | scope                   |
//! |---------|--------------------------------------------|--------------------|-------------------------|
//! | likes   | `GET /api/v1/statuses/:id`                 | `favourites_count` | `read:statuses`         |
//! | reposts | `GET /api/v1/statuses/:id`                 | `reblogs_count`    | `read:statuses`         |
//! | replies | `GET /api/v1/statuses/:id`                 | `replies_count`    | `read:statuses`         |
//! | followers, following, posts | `GET /api/v1/accounts/verify_credentials` | `followers_count`, `following_count`, `statuses_count` | `read:accounts` or `profile` |
//!
//! Mastodon offers no views, impressions, saves or link clicks to anyone (those stay `None`, and
//! the front ends say "not offered"). A status answering 404 was deleted (or is no longer visible
//! to the account): reported as [`PostMetrics::deleted`], never as zeros.

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::server::{api, authed, origin};
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Mastodon;

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    let mut url = api(&origin(ctx)?, "/api/v1/statuses")?;
    url.path_segments_mut()
        .map_err(|_| Error::Config("bad server URL".into()))?
        .push(&post.id);
    let at = transport::now_s();
    let reply = transport::send(ctx.http, P, authed(ctx, Method::GET, url, tokens)).await?;
    if reply.status == 404 {
        return Ok(PostMetrics {
            post_id: post.id.clone(),
            at,
            deleted: true,
            ..PostMetrics::default()
        });
    }
    if !reply.ok() {
        return Err(transport::api_error(P, &reply));
    }
    let v = reply.json(P)?;
    if count(&v, "favourites_count").is_none() {
        return Err(transport::invalid(P, "a status has no favourites_count"));
    }
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        likes: count(&v, "favourites_count"),
        reposts: count(&v, "reblogs_count"),
        replies: count(&v, "replies_count"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let url = api(&origin(ctx)?, "/api/v1/accounts/verify_credentials")?;
    let v = transport::send_json(
        ctx.http,
        P,
        transport::Phase::Api,
        authed(ctx, Method::GET, url, tokens),
    )
    .await?;
    if count(&v, "followers_count").is_none() {
        return Err(transport::invalid(P, "the account has no followers_count"));
    }
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: count(&v, "followers_count"),
        following: count(&v, "following_count"),
        posts: count(&v, "statuses_count"),
        ..AccountMetrics::default()
    })
}
