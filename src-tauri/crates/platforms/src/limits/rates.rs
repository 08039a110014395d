//! How many posts a channel may publish in a window, from each platform's documented limits. The
//! scheduler keeps to these so it rarely meets a 429; where a platform answers with its own quota
//! (Instagram, Threads) the publisher reads it again before publishing.

use crate::platform::Platform;

/// At most `count` posts in any `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostRate {
    pub count: usize,
    pub window_ms: i64,
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// The post-creation limit per channel. Each figure carries its source (a link, or a section of
/// `shared/reference/platform-apis.md`); `sources.rs` pins it.
pub fn post_rate(platform: Platform) -> PostRate {
    let (count, window_ms) = match platform {
        // ref §1 "Rate limits": POST /2/tweets 100 per 15 minutes per user.
        Platform::X => (100, 15 * MINUTE),
        // ref §2 "Limits": 150 posts per day per member [3P].
        Platform::Linkedin => (150, DAY),
        // [decision] ref §3: Pages BUC limits are dynamic (usage headers); keep well inside them.
        Platform::Facebook => (50, HOUR),
        // developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
        // "Limitations": 50 posts within a 24 hour moving period (ref §4; read again at runtime
        // from content_publishing_limit).
        Platform::Instagram => (50, DAY),
        // developers.facebook.com/docs/threads/overview "Posts": 250 API-published posts within a
        // 24-hour moving period (read again at runtime from threads_publishing_limit).
        Platform::Threads => (250, DAY),
        // ref §6 "Quota": videos.insert has its own bucket of 100 calls per day.
        Platform::Youtube => (100, DAY),
        // ref §7: the content-posting init endpoints take 6 requests per minute per user token.
        Platform::Tiktok => (6, MINUTE),
        // [decision] ref §8: Standard access, org_write category per user per app [U]; conservative.
        Platform::Pinterest => (10, MINUTE),
        // ref §9 "Rate limits": writes 5,000 points/h, a create costs 3 (≤1,666 creates/h); a post
        // may be a thread of several records, so 300 posts/h [decision].
        Platform::Bluesky => (300, HOUR),
        // ref §10 "Rate limits": 300 requests / 5 min per account; a post with media takes several
        // requests, so 60 posts [decision].
        Platform::Mastodon => (60, 5 * MINUTE),
    };
    PostRate { count, window_ms }
}
