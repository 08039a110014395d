//! Instagram metrics (Instagram API with Instagram Login, Graph `v23.0`), per metric:
//!
//! | metric   | endpoint                                  | metric / field   | scope |
//! |----------|-------------------------------------------|------------------|-------|
//! | views    | `GET /{media-id}/insights`                | `views`          | `instagram_business_manage_insights` |
//! | reach    | same                                      | `reach`          | same |
//! | likes    | same                                      | `likes`          | same |
//! | replies  | same                                      | `comments`       | same |
//! | reposts  | same                                      | `shares`         | same |
//! | saves    | same                                      | `saved`          | same |
//! | followers, following, posts | `GET /{ig-user-id}?fields=followers_count,follows_count,media_count` | | `instagram_business_basic` |
//! | reach, profile_views | `GET /{ig-user-id}/insights?metric=reach,profile_views&period=day` | the latest day | `instagram_business_manage_insights` |
//!
//! `impressions` is not read: Meta deprecated it for media created after 2 July 2024 (v22.0) in
//! favour of `views`. Media metrics are lifetime counters (stories: 24 hours only); account
//! insights are per day, about two years back. A media gone (code 100, subcode 33) is deleted.

use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::Result;
use crate::meta::graph::{Graph, account_id};
use crate::meta::metrics::{check_insights, get_unless_gone, insight};
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

pub(super) async fn post(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    post: &Published,
) -> Result<PostMetrics> {
    let at = transport::now_s();
    let path = format!(
        "/{}/insights?metric=views,reach,likes,comments,shares,saved",
        post.id
    );
    let Some(v) = get_unless_gone(g, ctx, tokens, &path).await? else {
        return Ok(PostMetrics {
            post_id: post.id.clone(),
            at,
            deleted: true,
            ..PostMetrics::default()
        });
    };
    check_insights(g, &v)?;
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        views: insight(&v, "views"),
        reach: insight(&v, "reach"),
        likes: insight(&v, "likes"),
        replies: insight(&v, "comments"),
        reposts: insight(&v, "shares"),
        saves: insight(&v, "saved"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(g: &Graph, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let me = account_id(g.platform, tokens)?;
    let v = g
        .get(
            ctx,
            tokens,
            &format!("/{me}?fields=followers_count,follows_count,media_count"),
        )
        .await?;
    let count = |k: &str| transport::opt_i64(&v, k).and_then(|n| u64::try_from(n).ok());
    if count("followers_count").is_none() {
        return Err(g.invalid("the account has no followers_count"));
    }
    let ins = g
        .get(
            ctx,
            tokens,
            &format!("/{me}/insights?metric=reach,profile_views&period=day"),
        )
        .await?;
    check_insights(g, &ins)?;
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: count("followers_count"),
        following: count("follows_count"),
        posts: count("media_count"),
        reach: insight(&ins, "reach"),
        profile_views: insight(&ins, "profile_views"),
        ..AccountMetrics::default()
    })
}
