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
