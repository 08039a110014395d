//! Publishing: turning an Outpost post into a live post, faithfully to each platform's API.
//! One [`Publisher`] per platform; limits are data ([`limits::Limits`]) shared with the composer's
//! live counters; outcomes are typed ([`crate::Error`] classifies failures: retryable, rate-limited
//! until, needs re-auth, rejected with the platform's message).

pub mod bluesky;
pub mod facebook;
pub mod hosting;
pub mod instagram;
pub mod limits;
pub mod linkedin;
pub mod mastodon;
pub mod media;
pub(crate) mod meta_graph;
pub mod pinterest;
pub mod threads;
pub mod tiktok;
pub mod x;
pub mod youtube;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::tokens::TokenSet;

pub use hosting::{HostedMedia, MediaHost};
pub use limits::{Limits, Violation};
pub use media::{MediaFile, MediaKind};

/// One post of a thread (the first is the post itself; the others reply to the one before).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPart {
    pub text: String,
    pub media: Vec<MediaFile>,
}

/// Per-platform options the composer sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostOptions {
    /// YouTube title (required there).
    pub title: Option<String>,
    /// YouTube tags.
    pub tags: Vec<String>,
    /// Mastodon `public|unlisted|private|direct`; YouTube `public|unlisted|private`; TikTok
    /// `public|friends|followers|only_me` (see `tiktok::privacy_level`).
    pub visibility: Option<String>,
    /// Mastodon content warning.
    pub content_warning: Option<String>,
    /// Mastodon/YouTube/Facebook native scheduling, unix seconds.
    pub publish_at: Option<i64>,
    /// YouTube thumbnail image.
    pub thumbnail: Option<MediaFile>,
    /// BCP 47 language of the text.
    pub language: Option<String>,
    /// Pinterest: the board the Pin is saved to (required there; `pinterest::boards` lists them).
    #[serde(default)]
    pub board_id: Option<String>,
    /// Facebook: the link a feed post shares (`/{page-id}/feed` `link`; a post has either a link or
    /// media). Pinterest: the Pin's destination link (http or https, at most 2048 characters).
    #[serde(default)]
    pub link: Option<String>,
    /// TikTok: turn comments off for this post (must be on when the creator turned comments off).
    #[serde(default)]
    pub disable_comment: bool,
    /// TikTok: turn Duet off for this video (must be on when the creator turned Duet off).
    #[serde(default)]
    pub disable_duet: bool,
    /// TikTok: turn Stitch off for this video (must be on when the creator turned Stitch off).
    #[serde(default)]
    pub disable_stitch: bool,
}

/// What to publish on one channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Stable per (post, channel): the idempotency key sent where the platform accepts one and the
    /// seed of client-chosen record keys (Bluesky), so a retry cannot duplicate.
    pub key: String,
    /// The post and, for a thread, its replies in order.
    pub parts: Vec<PostPart>,
    pub options: PostOptions,
}

/// A published post (for a thread: its first post; `thread` lists every part in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub id: String,
    pub url: Option<String>,
    pub thread: Vec<String>,
}

pub use crate::transport::body::Progress;

/// Publishing on one platform.
#[async_trait]
pub trait Publisher: Send + Sync + std::fmt::Debug {
    fn platform(&self) -> Platform;

    /// The platform's limits (Mastodon: the server's, after [`Publisher::server_limits`]).
    fn limits(&self) -> Limits {
        Limits::for_platform(self.platform())
    }

    /// Limits read from the server where they are per server (Mastodon `/api/v2/instance`).
    async fn server_limits(&self, _ctx: Ctx<'_>) -> Result<Limits> {
        Ok(self.limits())
    }

    /// Every rule the post breaks, before anything is uploaded.
    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        limits.check(post)
    }

    /// The preamble of every publish: refuses `post` before anything is sent when it breaks one of
    /// the platform's rules, naming each broken rule.
    fn refuse_broken_rules(&self, post: &Post) -> Result<()> {
        let violations = self.validate(post, &self.limits());
        if violations.is_empty() {
            Ok(())
        } else {
            Err(limits::rejected_by_rules(self.platform(), &violations))
        }
    }

    /// Publishes `post` with `tokens`. Uploads stream from disk and report progress.
    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published>;

    /// Finds a post published earlier with `post.key` (reconciliation after a crash), where the
    /// platform makes that possible; `Ok(None)` where it does not (no client key, no search).
    async fn lookup(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _post: &Post,
    ) -> Result<Option<Published>> {
        Ok(None)
    }

    /// Whether publishing the same post again (same `post.key`) after an unknown outcome cannot
    /// create a second copy (an idempotency key, client-chosen record keys). The scheduler retries
    /// ambiguous failures only where this is true; elsewhere it looks the post up or asks the user.
    fn retry_is_safe(&self) -> bool {
        false
    }

    /// Whether the platform can hold a post and publish it at `options.publish_at` itself
    /// (native scheduling handoff: the post goes out with the laptop closed).
    fn native_scheduling(&self) -> bool {
        false
    }

    /// Moves a natively scheduled post (`scheduled` is what [`Publisher::publish`] returned for it)
    /// to `publish_at` (unix s).
    async fn reschedule_native(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _scheduled: &Published,
        _publish_at: i64,
    ) -> Result<()> {
        Err(crate::Error::Unsupported {
            platform: self.platform(),
            what: "moving a scheduled post",
        })
    }

    /// Cancels a natively scheduled post before it goes out (a post that is already gone is fine).
    async fn cancel_native(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _scheduled: &Published,
    ) -> Result<()> {
        Err(crate::Error::Unsupported {
            platform: self.platform(),
            what: "cancelling a scheduled post",
        })
    }
}

/// The publisher of `platform`, for the platforms that have one.
pub fn publisher(platform: Platform) -> Option<&'static dyn Publisher> {
    match platform {
        Platform::X => Some(&x::XPublisher),
        Platform::Bluesky => Some(&bluesky::BlueskyPublisher),
        Platform::Mastodon => Some(&mastodon::MastodonPublisher),
        Platform::Linkedin => Some(&linkedin::LinkedinPublisher),
        Platform::Youtube => Some(&youtube::YoutubePublisher),
        Platform::Facebook => Some(&facebook::FacebookPublisher),
        Platform::Instagram => Some(&instagram::InstagramPublisher),
        Platform::Threads => Some(&threads::ThreadsPublisher),
        Platform::Tiktok => Some(&tiktok::TiktokPublisher),
        Platform::Pinterest => Some(&pinterest::PinterestPublisher),
    }
}
