//! TikTok's counters (Display API v2):
//!
//! | metric    | endpoint                                                  | field            | scope             |
//! |-----------|-----------------------------------------------------------|------------------|-------------------|
//! | views     | `POST /v2/video/query/?fields=id,view_count,like_count,comment_count,share_count` `{"filters":{"video_ids":[id]}}` | `view_count` | `video.list` |
//! | likes     | same                                                      | `like_count`     | `video.list`      |
//! | replies   | same                                                      | `comment_count`  | `video.list`      |
//! | reposts   | same (shares)                                             | `share_count`    | `video.list`      |
//! | followers, following, posts | `GET /v2/user/info/?fields=follower_count,following_count,video_count` | `follower_count`, `following_count`, `video_count` | `user.info.stats` |
//!
//! Live lifetime counts, no retention limit documented; TikTok offers apps no impressions, reach,
//! watch time or saves. A video missing from the query's answer (deleted, or made private) is
//! [`PostMetrics::deleted`]. A post TikTok gave no public id for (private, or still in
//! moderation: Outpost kept its `publish_id`) cannot be queried: said plainly. A missing scope
//! (`scope_not_authorized`) asks to connect again.

use outpost_net::reqwest::Method;
use serde_json::{Value, json};

use super::publish::{API, tiktok_error};
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Tiktok;

/// The `data` of a TikTok answer; a missing scope names `scope`.
async fn data(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    method: Method,
    path: &str,
    body: Option<&Value>,
    scope: &str,
) -> Result<Value> {
    let url = ctx.endpoints.url(P, &format!("{API}{path}"))?;
    let mut rb = transport::bearer(ctx.http, method, url, tokens);
    if let Some(b) = body {
        rb = transport::json_body(rb, "application/json; charset=UTF-8", b);
    }
    let r = transport::send(ctx.http, P, rb).await?;
    let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let code = v.pointer("/error/code").and_then(Value::as_str);
    if r.ok() && code == Some("ok") {
        return v
            .get("data")
            .filter(|d| d.is_object())
            .cloned()
            .ok_or_else(|| transport::invalid(P, "the answer has no data"));
    }
    if code == Some("scope_not_authorized") {
        return Err(Error::NeedsReauth {
            platform: P,
            reason: format!(
                "the sign-in does not allow reading metrics ({scope}); connect TikTok again and allow it"
            ),
        });
    }
    if r.ok() {
        return Err(transport::invalid(P, "the answer has no error code"));
    }
    Err(tiktok_error(r.status, &r.body))
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    if post.id.is_empty() || !post.id.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::refused(
            P,
            "TikTok gave this post no public id (it is private, or was still in moderation when it \
             was published), so its numbers cannot be read",
        ));
    }
    let at = transport::now_s();
    let d = data(
        ctx,
        tokens,
        Method::POST,
        "/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count",
        Some(&json!({"filters": {"video_ids": [post.id]}})),
        "video.list",
    )
    .await?;
    let videos = d
        .get("videos")
        .and_then(Value::as_array)
        .ok_or_else(|| transport::invalid(P, "the answer has no videos"))?;
    let Some(v) = videos
        .iter()
        .find(|v| v.get("id").and_then(Value::as_str) == Some(post.id.as_str()))
    else {
        return Ok(PostMetrics::gone(&post.id, at));
    };
    if count(v, "view_count").is_none() {
        return Err(transport::invalid(P, "a video has no view_count"));
    }
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        views: count(v, "view_count"),
        likes: count(v, "like_count"),
        replies: count(v, "comment_count"),
        reposts: count(v, "share_count"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let d = data(
        ctx,
        tokens,
        Method::GET,
        "/v2/user/info/?fields=follower_count,following_count,video_count",
        None,
        "user.info.stats",
    )
    .await?;
    let u = d
        .get("user")
        .ok_or_else(|| transport::invalid(P, "the answer has no user"))?;
    if count(u, "follower_count").is_none() {
        return Err(transport::invalid(P, "the user has no follower_count"));
    }
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: count(u, "follower_count"),
        following: count(u, "following_count"),
        posts: count(u, "video_count"),
        ..AccountMetrics::default()
    })
}
