//! What Outpost publishes, platform-neutral: a post (a thread of parts with their media and the
//! composer's options), the media files it carries, the user's media host, and what a platform
//! answers once it is live.

pub mod hosting;
pub mod media;
mod mp4;

use serde::{Deserialize, Serialize};

pub use hosting::{HostedMedia, MediaHost};
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
    /// Reconciliation: the earliest moment (unix s) an attempt of this post may have reached the
    /// platform. A look-up accepts only a post created from then on — never an older one that
    /// happens to carry the same text (a recurring post). Set by the scheduler, never stored.
    #[serde(default, skip_serializing)]
    pub attempt_since: Option<i64>,
    /// YouTube: the video's category id (`videoCategories.list`, assignable ones; "22" People &
    /// Blogs when unset).
    #[serde(default)]
    pub category_id: Option<String>,
    /// YouTube: `status.selfDeclaredMadeForKids` (the audience setting every upload must declare).
    #[serde(default)]
    pub made_for_kids: bool,
    /// TikTok commercial-content disclosure, "Your brand": the creator promotes themself or their
    /// own business (`post_info.brand_organic_toggle`; labelled "Promotional content").
    #[serde(default)]
    pub brand_organic: bool,
    /// TikTok commercial-content disclosure, "Branded content": a paid partnership with a third
    /// party (`post_info.brand_content_toggle`; labelled "Paid partnership"; cannot be private).
    #[serde(default)]
    pub branded_content: bool,
    /// Instagram: a video reel also shown in the feed (`share_to_feed`, true when unset) or in the
    /// Reels tab only (`false`).
    #[serde(default)]
    pub share_to_feed: Option<bool>,
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

/// One part of a post that is live on the platform (the post, a reply of its thread, or its first
/// comment): the platform's id and, where it has one, the address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivePart {
    pub id: String,
    pub url: Option<String>,
}

/// Where a publisher records each part of a post the moment it is sent and the moment it is live,
/// and learns which parts an earlier attempt already published: publishing resumes after them
/// (replying to the last live part), so no part is ever sent twice.
#[async_trait::async_trait]
pub trait PartLog: Send + Sync + std::fmt::Debug {
    /// The parts already live, in order from the first (none on a first attempt).
    fn live(&self) -> Vec<LivePart>;
    /// Part `index` is about to be sent: recorded before the request leaves, so a crash after
    /// this point leaves evidence. An error stops publishing before anything is sent.
    async fn sending(&self, index: usize) -> crate::Result<()>;
    /// Part `index` is live on the platform.
    async fn published(&self, index: usize, part: &LivePart);
}

/// The parts an earlier attempt published (empty without a part log).
pub fn live_parts(ctx: crate::Ctx<'_>) -> Vec<LivePart> {
    ctx.parts.map(PartLog::live).unwrap_or_default()
}

/// Tells the part log that part `index` is about to be sent.
pub async fn part_sending(ctx: crate::Ctx<'_>, index: usize) -> crate::Result<()> {
    match ctx.parts {
        Some(log) => log.sending(index).await,
        None => Ok(()),
    }
}

/// Tells the part log that part `index` is live.
pub async fn part_published(ctx: crate::Ctx<'_>, index: usize, id: &str, url: Option<&str>) {
    if let Some(log) = ctx.parts {
        let part = LivePart {
            id: id.to_string(),
            url: url.map(str::to_string),
        };
        log.published(index, &part).await;
    }
}

/// A published post (for a thread: its first post; `thread` lists every part in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub id: String,
    pub url: Option<String>,
    pub thread: Vec<String>,
}
