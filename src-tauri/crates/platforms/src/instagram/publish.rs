//! Instagram publishing (reference §4), Instagram API with Instagram Login on
//! `graph.instagram.com/v23.0`, the account id in `tokens.extra("author")` (or `user_id`).
//!
//! Instagram fetches media from a public URL: every file goes to the user's media host
//! (`ctx.media_host`) first; without one publishing stops with [`Error::Config`] before any call.
//! The hosted objects are removed as soon as the containers are `FINISHED` or have failed (on
//! every path, errors included).
//!
//! 1. `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config` — a used-up quota
//!    (50 posts in a moving 24 h; a carousel counts once) is [`Error::RateLimited`].
//! 2. Container `POST /{ig-user-id}/media`: an image (`image_url`, `caption`, `alt_text`), a reel
//!    (`media_type=REELS`, `video_url`, `caption`), or a carousel: child containers
//!    (`is_carousel_item=true`, `image_url` + `alt_text` or `media_type=VIDEO` + `video_url`), each
//!    waited for, then `media_type=CAROUSEL`, `children=<ids>`, `caption`.
//! 3. `GET /{container-id}?fields=status_code,status` until `FINISHED` (`IN_PROGRESS` is polled
//!    with back-off for at most 10 minutes; `ERROR` and `EXPIRED` are [`Error::Rejected`]).
//! 4. `POST /{ig-user-id}/media_publish` `creation_id` → the media id; the permalink is read after.
//! 5. First comment (a second, text-only part): `POST /{ig-media-id}/comments` `message`, once: the
//!    post is recorded in the part log first, and a failed comment is the error (the post is live;
//!    the caller shows "published; first comment failed" and never publishes the post again).
//!
//! No native scheduling (Meta documents none). Text-only posts do not exist on Instagram.

use async_trait::async_trait;
use outpost_net::reqwest::Method;

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::Result;
use crate::limits::rejected_by_rules;
use crate::meta::graph::{
    Containers, Graph, Hosted, account_id, limit_entry, quota, quota_used, require_media_host,
};
use crate::platform::Platform;
use crate::post::media::check_unchanged;
use crate::providers::Ctx;
use crate::publish::{
    Limits, MediaFile, MediaKind, Post, Progress, Published, Publisher, Violation,
};
use crate::tokens::TokenSet;

const P: Platform = Platform::Instagram;
const GRAPH: Graph = Graph {
    platform: P,
    base: "https://graph.instagram.com/v23.0",
};
const CONTAINERS: Containers = Containers {
    graph: GRAPH,
    state_field: "status_code",
    error_field: "status",
};
/// Hashtags per caption.
pub const MAX_HASHTAGS: usize = 30;
/// Items per carousel.
pub const MAX_CAROUSEL: usize = 10;

#[derive(Debug)]
pub struct InstagramPublisher;

/// The number of `#hashtags` in `text` (a `#` that starts a word and is followed by a letter or
/// digit).
pub fn hashtags(text: &str) -> usize {
    let mut n = 0;
    let mut prev: Option<char> = None;
    let mut it = text.chars().peekable();
    while let Some(c) = it.next() {
        let starts_word = prev.is_none_or(|p| !(p.is_alphanumeric() || p == '_' || p == '&'));
        if c == '#' && starts_word && it.peek().is_some_and(|n| n.is_alphanumeric() || *n == '_') {
            n += 1;
        }
        prev = Some(c);
    }
    n
}

#[async_trait]
impl Publisher for InstagramPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn inbox_sources(&self) -> &'static [&'static str] {
        &["comments", "messages"]
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &["views", "reach", "likes", "replies", "reposts", "saves"]
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &["followers", "following", "posts", "reach", "profile_views"]
    }

    async fn post_metrics(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Published,
    ) -> Result<PostMetrics> {
        super::metrics::post(&GRAPH, ctx, tokens, post).await
    }

    async fn account_metrics(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
        super::metrics::account(&GRAPH, ctx, tokens).await
    }

    async fn inbox(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        source: &str,
        since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        super::inbox::fetch(&GRAPH, ctx, tokens, source, since).await
    }

    async fn reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Published> {
        super::inbox::reply(&GRAPH, ctx, tokens, reply).await
    }

    async fn find_reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Option<Published>> {
        super::inbox::find_reply(&GRAPH, ctx, tokens, reply).await
    }

    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        let mut out = limits.check(post);
        if let Some(p) = post.parts.first() {
            if p.media.is_empty() {
                out.push(Violation {
                    part: 0,
                    rule: "media_required".into(),
                    message: "An Instagram post needs a photo or a video".into(),
                });
            }
            if p.media.len() > MAX_CAROUSEL {
                out.push(Violation {
                    part: 0,
                    rule: "too_many_media".into(),
                    message: format!("An Instagram carousel has at most {MAX_CAROUSEL} items"),
                });
            }
            let one_video = matches!(p.media.as_slice(), [m] if m.kind == MediaKind::Video);
            if post.options.share_to_feed.is_some() && !one_video {
                out.push(Violation {
                    part: 0,
                    rule: "reel_is_one_video".into(),
                    message: "Feed or Reels tab is a reel's choice: an Instagram reel is one video"
                        .into(),
                });
            }
            let n = hashtags(&p.text);
            if n > MAX_HASHTAGS {
                out.push(Violation {
                    part: 0,
                    rule: "too_many_hashtags".into(),
                    message: format!(
                        "The caption has {n} hashtags; Instagram allows {MAX_HASHTAGS}"
                    ),
                });
            }
        }
        out
    }

    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published> {
        self.refuse_broken_rules(post)?;
        require_media_host(ctx, P, post)?;
        let user = account_id(P, tokens)?;
        let Some(part) = post.parts.first() else {
            return Err(rejected_by_rules(P, &[]));
        };
        // The post of an earlier attempt is live: only its first comment is left to send.
        if let Some(first) = crate::publish::live_first(ctx) {
            let id = first.id.clone();
            return crate::publish::first_comment(ctx, post, first, |text| {
                GRAPH.comment(ctx, tokens, id, text)
            })
            .await;
        }
        for m in &part.media {
            check_unchanged(m)?;
        }
        let v = GRAPH
            .get(
                ctx,
                tokens,
                &format!("/{user}/content_publishing_limit?fields=quota_usage,config"),
            )
            .await?;
        let entry = limit_entry(&GRAPH, &v)?;
        let (used, total) = quota(&entry, "quota_usage", "config")
            .ok_or_else(|| GRAPH.invalid("the publishing limit has no quota"))?;
        if used >= total {
            return Err(quota_used(P, "publishing", used, total));
        }

        let all: u64 = part.media.iter().map(|m| m.bytes).sum();
        progress(0, all);
        let mut hosted = Hosted::new(ctx, P);
        let made = containers(ctx, tokens, &user, post, &mut hosted, all, progress).await;
        hosted.clear().await;
        let container = made?;
        crate::publish::part_sending(ctx, 0).await?;
        let id = CONTAINERS
            .publish(ctx, tokens, &user, "media_publish", &container)
            .await?;
        progress(all, all);
        let url = CONTAINERS.permalink(ctx, tokens, &id).await;
        crate::publish::part_published(ctx, 0, &id, url.as_deref()).await;
        let first = crate::publish::LivePart {
            id: id.clone(),
            url,
        };
        // The post is live and recorded: a failed comment is the error, shown on the post as
        // "published; first comment failed" (never a reason to publish the post again).
        crate::publish::first_comment(ctx, post, first, |text| {
            GRAPH.comment(ctx, tokens, id, text)
        })
        .await
    }

    // `lookup` is the trait's `Ok(None)`: a container has no client key and the media list cannot be searched by
    // one; a crash between `media_publish` and recording its answer leaves an unknown outcome.
}

/// Creates the post's container (and a carousel's children), hosting every file first; returns
/// the container id once it is `FINISHED`.
async fn containers(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    user: &str,
    post: &Post,
    hosted: &mut Hosted<'_>,
    all: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let Some(part) = post.parts.first() else {
        return Err(rejected_by_rules(P, &[]));
    };
    let share_to_feed = post.options.share_to_feed;
    let mut sent = 0;
    let path = format!("/{user}/media");
    let params = match part.media.as_slice() {
        [m] => {
            let url = hosted.put(m).await?;
            progress(m.bytes, all);
            let mut p = media_params(m, url, false);
            if m.kind == MediaKind::Video
                && let Some(feed) = share_to_feed
            {
                // A reel shown in the feed too (the default), or in the Reels tab only.
                p.push(("share_to_feed", feed.to_string()));
            }
            p.push(("caption", part.text.clone()));
            p
        }
        many => {
            let item = |m: &MediaFile, url| media_params(m, url, true);
            let children = CONTAINERS
                .carousel_children(
                    ctx, tokens, &path, many, hosted, item, &mut sent, all, progress,
                )
                .await?;
            vec![
                ("media_type", "CAROUSEL".to_string()),
                ("children", children),
                ("caption", part.text.clone()),
            ]
        }
    };
    let v = GRAPH
        .form(ctx, tokens, Method::POST, &path, &params)
        .await?;
    let id = GRAPH.id(&v)?;
    CONTAINERS.wait_finished(ctx, tokens, &id).await?;
    Ok(id)
}

/// The parameters of one medium's container.
fn media_params(m: &MediaFile, url: String, carousel_item: bool) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if m.kind == MediaKind::Video {
        let kind = if carousel_item { "VIDEO" } else { "REELS" };
        p.push(("media_type", kind.to_string()));
        p.push(("video_url", url));
    } else {
        p.push(("image_url", url));
        // alt_text: images only (reels and stories do not take it).
        if let Some(alt) = &m.alt {
            p.push(("alt_text", alt.clone()));
        }
    }
    if carousel_item {
        p.push(("is_carousel_item", "true".into()));
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_counted_at_word_starts() {
        assert_eq!(hashtags("#a #b c#d #1 # #_x &#35;"), 4);
        assert_eq!(hashtags(&"#tag ".repeat(31)), 31);
    }
}
