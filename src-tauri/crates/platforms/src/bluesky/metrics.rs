//! Bluesky's counters, live counts kept by the AppView for as long as the post exists (no history:
//! Outpost's snapshots are the history), read through the user's PDS (it proxies `app.bsky.*`);
//! app passwords may read them:
//!
//! | metric  | endpoint                      | field          |
//! |---------|-------------------------------|----------------|
//! | likes   | `app.bsky.feed.getPosts`      | `likeCount`    |
//! | reposts | `app.bsky.feed.getPosts`      | `repostCount`  |
//! | replies | `app.bsky.feed.getPosts`      | `replyCount`   |
//! | quotes  | `app.bsky.feed.getPosts`      | `quoteCount`   |
//! | saves   | `app.bsky.feed.getPosts`      | `bookmarkCount` (when the AppView sends it) |
//! | followers, following, posts | `app.bsky.actor.getProfile` | `followersCount`, `followsCount`, `postsCount` |
//!
//! Bluesky offers no views, impressions, reach or link clicks (they stay `None`). A post missing
//! from `getPosts` is checked in the account's repository (`com.atproto.repo.getRecord`): gone
//! there too → [`PostMetrics::deleted`]; still there → the AppView has not indexed it yet, a
//! retryable error, never zeros.

use serde_json::Value;

use super::publish::Session;
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::post::Published;
use crate::transport::{self, Phase};

const P: Platform = Platform::Bluesky;

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

pub(super) async fn post(s: &Session<'_>, post: &Published) -> Result<PostMetrics> {
    let at = transport::now_s();
    let found = s.posts(std::slice::from_ref(&post.id)).await?;
    let Some(v) = found.get(&post.id) else {
        let own_rkey = post
            .id
            .strip_prefix(&format!("at://{}/app.bsky.feed.post/", s.did))
            .map(str::to_string);
        // In the repository, not (yet) in the AppView's index: try again later.
        if let Some(rkey) = own_rkey
            && s.get_record(&rkey).await?.is_some()
        {
            return Err(Error::Unavailable {
                platform: P,
                status: 404,
            });
        }
        return Ok(PostMetrics {
            post_id: post.id.clone(),
            at,
            deleted: true,
            ..PostMetrics::default()
        });
    };
    if count(v, "likeCount").is_none() {
        return Err(transport::invalid(P, "a post has no likeCount"));
    }
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        likes: count(v, "likeCount"),
        reposts: count(v, "repostCount"),
        replies: count(v, "replyCount"),
        quotes: count(v, "quoteCount"),
        saves: count(v, "bookmarkCount"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(s: &Session<'_>) -> Result<AccountMetrics> {
    let at = transport::now_s();
    let rb = s.get("app.bsky.actor.getProfile", &[("actor", &s.did)])?;
    let v = transport::send_json(s.ctx.http, P, Phase::Api, rb).await?;
    if count(&v, "followersCount").is_none() {
        return Err(transport::invalid(P, "the profile has no followersCount"));
    }
    Ok(AccountMetrics {
        at,
        followers: count(&v, "followersCount"),
        following: count(&v, "followsCount"),
        posts: count(&v, "postsCount"),
        ..AccountMetrics::default()
    })
}
