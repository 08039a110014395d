//! Facebook Page metrics (Graph `v23.0`, the Page token), per metric:
//!
//! | metric      | endpoint                                              | field / metric                       | scope |
//! |-------------|-------------------------------------------------------|--------------------------------------|-------|
//! | impressions | `GET /{post-id}/insights`                             | `post_impressions` (lifetime)        | `read_insights` |
//! | reach       | `GET /{post-id}/insights`                             | `post_impressions_unique`            | `read_insights` |
//! | likes       | `GET /{post-id}/insights`                             | `post_reactions_by_type_total` (sum of every reaction) | `read_insights` |
//! | link_clicks | `GET /{post-id}/insights`                             | `post_clicks` (every click on the post) **[decision]** | `read_insights` |
//! | replies     | `GET /{post-id}?fields=shares,comments.summary(true)` | `comments.summary.total_count`       | `pages_read_engagement` |
//! | reposts     | same                                                  | `shares.count` (absent: none yet)    | `pages_read_engagement` |
//! | followers   | `GET /{page-id}?fields=followers_count`               | `followers_count`                    | `pages_read_engagement` |
//!
//! Insights are Meta's lifetime counters, updated with a delay of minutes to a day; Meta keeps
//! them about two years. A post gone (code 100, subcode 33) is reported as deleted.

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
    let gone = PostMetrics {
        post_id: post.id.clone(),
        at,
        deleted: true,
        ..PostMetrics::default()
    };
    let Some(node) = get_unless_gone(
        g,
        ctx,
        tokens,
        &format!("/{}?fields=shares,comments.summary(true)", post.id),
    )
    .await?
    else {
        return Ok(gone);
    };
    let path = format!(
        "/{}/insights?metric=post_impressions,post_impressions_unique,post_reactions_by_type_total,post_clicks",
        post.id
    );
    let Some(ins) = get_unless_gone(g, ctx, tokens, &path).await? else {
        return Ok(gone);
    };
    check_insights(g, &ins)?;
    let replies = node
        .pointer("/comments/summary/total_count")
        .and_then(serde_json::Value::as_u64);
    if replies.is_none() {
        return Err(g.invalid("the post has no comments summary"));
    }
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        impressions: insight(&ins, "post_impressions"),
        reach: insight(&ins, "post_impressions_unique"),
        likes: insight(&ins, "post_reactions_by_type_total"),
        link_clicks: insight(&ins, "post_clicks"),
        replies,
        // No `shares` field: nobody shared the post yet.
        reposts: Some(
            node.pointer("/shares/count")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0),
        ),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(g: &Graph, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let page = account_id(g.platform, tokens)?;
    let v = g
        .get(ctx, tokens, &format!("/{page}?fields=followers_count"))
        .await?;
    let followers = transport::opt_i64(&v, "followers_count")
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| g.invalid("the Page has no followers_count"))?;
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: Some(followers),
        ..AccountMetrics::default()
    })
}
