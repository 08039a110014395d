//! Which client serves which platform: the one module that knows every platform folder.

use crate::capability::{Capability, Support};
use crate::platform::Platform;
use crate::providers::Provider;
use crate::publish::Publisher;
use crate::{
    bluesky, facebook, instagram, linkedin, mastodon, meta, pinterest, threads, tiktok, x, youtube,
};

/// The provider of `platform`.
pub fn provider(platform: Platform) -> &'static dyn Provider {
    match platform {
        Platform::X => &x::auth::X,
        Platform::Linkedin => &linkedin::auth::Linkedin,
        Platform::Facebook => &meta::auth::Facebook,
        Platform::Instagram => &meta::auth::Instagram,
        Platform::Threads => &meta::auth::Threads,
        Platform::Youtube => &youtube::auth::Youtube,
        Platform::Tiktok => &tiktok::auth::Tiktok,
        Platform::Pinterest => &pinterest::auth::Pinterest,
        Platform::Bluesky => &bluesky::auth::Bluesky,
        Platform::Mastodon => &mastodon::auth::Mastodon,
    }
}

/// The publisher of `platform`, for the platforms that have one.
pub fn publisher(platform: Platform) -> Option<&'static dyn Publisher> {
    match platform {
        Platform::X => Some(&x::publish::XPublisher),
        Platform::Bluesky => Some(&bluesky::publish::BlueskyPublisher),
        Platform::Mastodon => Some(&mastodon::publish::MastodonPublisher),
        Platform::Linkedin => Some(&linkedin::publish::LinkedinPublisher),
        Platform::Youtube => Some(&youtube::publish::YoutubePublisher),
        Platform::Facebook => Some(&facebook::publish::FacebookPublisher),
        Platform::Instagram => Some(&instagram::publish::InstagramPublisher),
        Platform::Threads => Some(&threads::publish::ThreadsPublisher),
        Platform::Tiktok => Some(&tiktok::publish::TiktokPublisher),
        Platform::Pinterest => Some(&pinterest::publish::PinterestPublisher),
    }
}

/// Whether `platform`'s API offers `capability`, and whether Outpost does it yet (for the UI:
/// "not offered by TikTok's API").
pub fn support(platform: Platform, capability: Capability) -> Support {
    match platform {
        Platform::X => x::support(capability),
        Platform::Bluesky => bluesky::support(capability),
        Platform::Mastodon => mastodon::support(capability),
        Platform::Linkedin => linkedin::support(capability),
        Platform::Youtube => youtube::support(capability),
        Platform::Facebook => facebook::support(capability),
        Platform::Instagram => instagram::support(capability),
        Platform::Threads => threads::support(capability),
        Platform::Tiktok => tiktok::support(capability),
        Platform::Pinterest => pinterest::support(capability),
    }
}
