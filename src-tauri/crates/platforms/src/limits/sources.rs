//! Every number of the limits data with its source, pinned: a test fails when a figure changes
//! without its row here, or when a new number appears without a source. "ref §N" is a section of
//! `shared/reference/platform-apis.md`; `[3P]` a third-party page; `[U]` unverified; `[decision]`
//! where the platform gives no number.

use super::{Limits, Pacing, post_rate};
use crate::platform::Platform::{self, *};

const GB: u64 = 1024 * MB;
const MB: u64 = 1024 * 1024;
const MIN: u64 = 60_000;
const DAY: u64 = 24 * 60 * MIN;

/// `(platform, field, value, source)`; `None` as platform: the value any platform not listed has.
type Row = (Option<Platform>, &'static str, u64, &'static str);

const X_MEDIA: &str = "https://docs.x.com/x-api/media (size restrictions for uploading via API)";
const X_BEST: &str = "https://docs.x.com/x-api/media/quickstart/best-practices";
const BSKY: &str = "ref §9 (lexicons app.bsky.feed.post, app.bsky.embed.images)";
const MASTO: &str = "ref §10 (GET /api/v2/instance defaults)";
const LI_VIDEO: &str =
    "https://learn.microsoft.com/linkedin/marketing/community-management/shares/videos-api";
const IG_MEDIA: &str = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media";
const TH_POSTS: &str = "https://developers.facebook.com/docs/threads/posts";
const TH_SPECS: &str = "https://developers.facebook.com/docs/threads/overview#media-specifications";
const TT_POST: &str = "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post";
const TT_MEDIA: &str = "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide";
const PIN_API: &str = "ref §8 (pinterest/api-description v5/openapi.yaml)";
const PIN_HELP: &str = "[U] help.pinterest.com Pin specs";
const FB: &str =
    "[U] developers.facebook.com/docs/graph-api/reference/page/photos, /docs/video-api";
const NONE: &str = "the platform takes none of this kind";

const ROWS: &[Row] = &[
    // X
    (
        Some(X),
        "max_text",
        280,
        "ref §1 Text (twitter-text weighted length)",
    ),
    (Some(X), "max_images", 4, X_BEST),
    (Some(X), "max_gifs", 1, X_BEST),
    (Some(X), "max_videos", 1, X_BEST),
    (Some(X), "max_image_bytes", 5 * MB, X_MEDIA),
    (Some(X), "max_gif_bytes", 15 * MB, X_MEDIA),
    (Some(X), "max_video_bytes", 512 * MB, X_MEDIA),
    (Some(X), "min_video_ms", 500, X_BEST),
    (Some(X), "max_video_ms", 20 * MIN, X_BEST),
    (
        Some(X),
        "max_alt",
        1000,
        "https://docs.x.com/x-api/media/metadata-create",
    ),
    (
        Some(X),
        "post_rate.count",
        100,
        "ref §1 Rate limits (POST /2/tweets 100/15 min per user)",
    ),
    (
        Some(X),
        "post_rate.window_ms",
        15 * MIN,
        "ref §1 Rate limits",
    ),
    (
        Some(X),
        "pacing.chunk",
        4 * MB,
        "ref §1 Media upload (APPEND segments; the emulator's 5 MB cap)",
    ),
    // Bluesky
    (Some(Bluesky), "max_text", 300, BSKY),
    (Some(Bluesky), "max_text_bytes", 3000, BSKY),
    (Some(Bluesky), "max_images", 4, BSKY),
    (Some(Bluesky), "max_gifs", 4, BSKY),
    (
        Some(Bluesky),
        "max_videos",
        1,
        "ref §9 Video (app.bsky.embed.video)",
    ),
    (Some(Bluesky), "max_image_bytes", 1_000_000, BSKY),
    (Some(Bluesky), "max_gif_bytes", 1_000_000, BSKY),
    (
        Some(Bluesky),
        "max_video_bytes",
        50 * MB,
        "ref §9 Video (PDS blob cap 50 MB)",
    ),
    (
        Some(Bluesky),
        "max_alt",
        2000,
        "[decision] the Bluesky app's alt-text cap",
    ),
    (
        Some(Bluesky),
        "post_rate.count",
        300,
        "ref §9 Rate limits (5,000 points/h, create 3) [decision]",
    ),
    (
        Some(Bluesky),
        "post_rate.window_ms",
        60 * MIN,
        "ref §9 Rate limits",
    ),
    // Mastodon
    (Some(Mastodon), "max_text", 500, MASTO),
    (Some(Mastodon), "max_images", 4, MASTO),
    (Some(Mastodon), "max_gifs", 4, MASTO),
    (Some(Mastodon), "max_videos", 1, MASTO),
    (Some(Mastodon), "max_image_bytes", 16_777_216, MASTO),
    (Some(Mastodon), "max_gif_bytes", 16_777_216, MASTO),
    (Some(Mastodon), "max_video_bytes", 103_809_024, MASTO),
    (
        Some(Mastodon),
        "max_alt",
        1500,
        "github.com/mastodon/mastodon media_attachment.rb MAX_DESCRIPTION_LENGTH",
    ),
    (
        Some(Mastodon),
        "post_rate.count",
        60,
        "ref §10 Rate limits (300 requests / 5 min) [decision]",
    ),
    (
        Some(Mastodon),
        "post_rate.window_ms",
        5 * MIN,
        "ref §10 Rate limits",
    ),
    // LinkedIn
    (
        Some(Linkedin),
        "max_text",
        3000,
        "ref §2 Limits (commentary 3,000 [3P])",
    ),
    (
        Some(Linkedin),
        "max_images",
        20,
        "https://learn.microsoft.com/linkedin/marketing/community-management/shares/multiimage-post-api",
    ),
    (
        Some(Linkedin),
        "max_gifs",
        1,
        "ref §2 Publish (one image content)",
    ),
    (Some(Linkedin), "max_videos", 1, LI_VIDEO),
    (
        Some(Linkedin),
        "max_image_bytes",
        36 * MB,
        "[decision] ref §2: the Images API caps pixels, not bytes",
    ),
    (
        Some(Linkedin),
        "max_gif_bytes",
        36 * MB,
        "[decision] as images",
    ),
    (Some(Linkedin), "max_video_bytes", 500 * MB, LI_VIDEO),
    (Some(Linkedin), "min_video_ms", 3000, LI_VIDEO),
    (Some(Linkedin), "max_video_ms", 30 * MIN, LI_VIDEO),
    (
        Some(Linkedin),
        "max_alt",
        4086,
        "[decision] LinkedIn's UI alt-text cap",
    ),
    (
        Some(Linkedin),
        "post_rate.count",
        150,
        "ref §2 Limits (150 posts/day/member [3P])",
    ),
    (
        Some(Linkedin),
        "post_rate.window_ms",
        DAY,
        "ref §2 Rate limits (24 h window)",
    ),
    // YouTube
    (
        Some(Youtube),
        "max_text",
        5000,
        "ref §6 Upload (description ≤5000 [U])",
    ),
    (
        Some(Youtube),
        "max_title",
        100,
        "ref §6 Upload (title ≤100)",
    ),
    (
        Some(Youtube),
        "max_videos",
        1,
        "ref §6 (videos.insert: one video)",
    ),
    (
        Some(Youtube),
        "max_video_bytes",
        256 * GB,
        "ref §6 Upload (max file 256 GB)",
    ),
    (
        Some(Youtube),
        "max_alt",
        1000,
        "[decision] YouTube takes no alt text",
    ),
    (
        Some(Youtube),
        "post_rate.count",
        100,
        "ref §6 Quota (videos.insert bucket: 100 calls/day)",
    ),
    (Some(Youtube), "post_rate.window_ms", DAY, "ref §6 Quota"),
    (
        Some(Youtube),
        "pacing.chunk",
        8 * MB,
        "ref §6 Upload (chunks a multiple of 256 KiB) [decision: 8 MiB]",
    ),
    (
        Some(Youtube),
        "pacing.upload_attempts",
        5,
        "[decision] ref §6 resume (308 + Range)",
    ),
    // Facebook
    (
        Some(Facebook),
        "max_text",
        63_206,
        "ref §3 Publish (caption 63,206 [3P])",
    ),
    (
        Some(Facebook),
        "max_images",
        10,
        "[decision] attached_media states no maximum",
    ),
    (Some(Facebook), "max_gifs", 1, FB),
    (Some(Facebook), "max_videos", 1, FB),
    (Some(Facebook), "max_image_bytes", 10 * MB, FB),
    (Some(Facebook), "max_gif_bytes", 10 * MB, FB),
    (Some(Facebook), "max_video_bytes", 10 * GB, FB),
    (Some(Facebook), "max_video_ms", 240 * MIN, FB),
    (
        Some(Facebook),
        "post_rate.count",
        50,
        "[decision] ref §3 Rate limits (BUC limits are dynamic)",
    ),
    (
        Some(Facebook),
        "post_rate.window_ms",
        60 * MIN,
        "ref §3 Rate limits",
    ),
    // Instagram
    (
        Some(Instagram),
        "max_text",
        2200,
        "ref §4 Limits (caption 2,200 [3P])",
    ),
    (
        Some(Instagram),
        "max_images",
        10,
        "ref §4 Limits (carousel ≤10 [3P])",
    ),
    (
        Some(Instagram),
        "max_videos",
        10,
        "ref §4 Limits (carousel ≤10 [3P])",
    ),
    (Some(Instagram), "max_image_bytes", 8 * MB, IG_MEDIA),
    (Some(Instagram), "max_video_bytes", 300 * MB, IG_MEDIA),
    (Some(Instagram), "min_video_ms", 3000, IG_MEDIA),
    (Some(Instagram), "max_video_ms", 15 * MIN, IG_MEDIA),
    (
        Some(Instagram),
        "post_rate.count",
        50,
        "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish (50 posts in a moving 24 h)",
    ),
    (
        Some(Instagram),
        "post_rate.window_ms",
        DAY,
        "ref §4 Limits (moving 24 h)",
    ),
    // Threads
    (Some(Threads), "max_text", 500, TH_POSTS),
    (Some(Threads), "max_images", 20, TH_POSTS),
    (Some(Threads), "max_videos", 20, TH_POSTS),
    (Some(Threads), "max_image_bytes", 8 * MB, TH_SPECS),
    (Some(Threads), "max_video_bytes", GB, TH_SPECS),
    (Some(Threads), "max_video_ms", 5 * MIN, TH_SPECS),
    (
        Some(Threads),
        "post_rate.count",
        250,
        "https://developers.facebook.com/docs/threads/overview (250 posts in a moving 24 h)",
    ),
    (Some(Threads), "post_rate.window_ms", DAY, "ref §5 Limits"),
    // TikTok
    (Some(Tiktok), "max_text", 2200, TT_POST),
    (Some(Tiktok), "max_images", 35, TT_MEDIA),
    (Some(Tiktok), "max_videos", 1, TT_POST),
    (Some(Tiktok), "max_image_bytes", 20 * MB, TT_MEDIA),
    (Some(Tiktok), "max_video_bytes", 4 * GB, TT_MEDIA),
    (Some(Tiktok), "min_video_ms", 3000, "[U] third-party guides"),
    (
        Some(Tiktok),
        "max_video_ms",
        10 * MIN,
        "[U] creator_info max_video_post_duration_sec, at most 10 min",
    ),
    (
        Some(Tiktok),
        "max_alt",
        1000,
        "[decision] TikTok takes no alt text",
    ),
    (
        Some(Tiktok),
        "post_rate.count",
        6,
        "ref §7 (init endpoints: 6 requests/min per user token)",
    ),
    (
        Some(Tiktok),
        "post_rate.window_ms",
        MIN,
        "ref §7 Rate limits (1-min sliding window)",
    ),
    (
        Some(Tiktok),
        "pacing.chunk",
        16 * MB,
        "ref §7 Chunks (5–64 MB each) [decision: 16 MiB]",
    ),
    (
        Some(Tiktok),
        "pacing.rate_window_ms",
        MIN,
        "ref §7 Rate limits (1-min sliding window)",
    ),
    // Pinterest
    (Some(Pinterest), "max_text", 800, PIN_API),
    (Some(Pinterest), "max_alt", 500, PIN_API),
    (Some(Pinterest), "max_images", 5, PIN_API),
    (Some(Pinterest), "max_videos", 1, PIN_API),
    (Some(Pinterest), "max_image_bytes", 20 * MB, PIN_HELP),
    (Some(Pinterest), "max_video_bytes", 2 * GB, PIN_HELP),
    (Some(Pinterest), "min_video_ms", 4000, PIN_HELP),
    (Some(Pinterest), "max_video_ms", 15 * MIN, PIN_HELP),
    (
        Some(Pinterest),
        "post_rate.count",
        10,
        "[decision] ref §8 Rate limits (org_write per minute [U])",
    ),
    (
        Some(Pinterest),
        "post_rate.window_ms",
        MIN,
        "ref §8 Rate limits",
    ),
    // What platforms share unless listed above.
    (None, "max_images", 0, NONE),
    (None, "max_gifs", 0, NONE),
    (None, "max_image_bytes", 0, NONE),
    (None, "max_gif_bytes", 0, NONE),
    (
        None,
        "max_alt",
        1000,
        "[decision] alt text: no documented cap",
    ),
    (
        None,
        "pacing.chunk",
        0,
        "media goes up whole (ref: each platform's upload section)",
    ),
    (
        None,
        "pacing.upload_attempts",
        3,
        "[decision] network errors and 5xx only",
    ),
    (
        None,
        "pacing.hosted_ttl_ms",
        3_600_000,
        "[decision] hosted media removed after publishing",
    ),
    (
        None,
        "pacing.rate_window_ms",
        0,
        "the platform's throttled answer gives the time",
    ),
    (
        None,
        "pacing.processing_deadline_ms",
        0,
        "nothing processed asynchronously",
    ),
    (
        Some(Linkedin),
        "pacing.processing_deadline_ms",
        15 * MIN,
        "[decision] media processing wait",
    ),
    (
        Some(Mastodon),
        "pacing.processing_deadline_ms",
        15 * MIN,
        "[decision] media processing wait",
    ),
    (
        Some(Pinterest),
        "pacing.processing_deadline_ms",
        15 * MIN,
        "[decision] media processing wait",
    ),
    (
        Some(Tiktok),
        "pacing.processing_deadline_ms",
        15 * MIN,
        "[decision] publish-status wait",
    ),
    (
        Some(Facebook),
        "pacing.processing_deadline_ms",
        10 * MIN,
        "[decision] Graph container wait",
    ),
    (
        Some(Instagram),
        "pacing.processing_deadline_ms",
        10 * MIN,
        "[decision] Graph container wait",
    ),
    (
        Some(Threads),
        "pacing.processing_deadline_ms",
        10 * MIN,
        "[decision] Graph container wait",
    ),
];

/// Every number of `p`'s limits data, by field name.
fn numbers(p: Platform) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let v = serde_json::to_value(Limits::for_platform(p)).unwrap_or_default();
    for (k, v) in v.as_object().into_iter().flatten() {
        if let Some(n) = v.as_u64() {
            out.push((k.clone(), n));
        }
    }
    let r = post_rate(p);
    out.push(("post_rate.count".into(), r.count as u64));
    out.push(("post_rate.window_ms".into(), r.window_ms.unsigned_abs()));
    let pc = Pacing::of(p);
    let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    out.push(("pacing.chunk".into(), pc.chunk));
    out.push((
        "pacing.upload_attempts".into(),
        u64::from(pc.upload_attempts),
    ));
    out.push(("pacing.hosted_ttl_ms".into(), ms(pc.hosted_ttl)));
    out.push(("pacing.rate_window_ms".into(), ms(pc.rate_window)));
    out.push((
        "pacing.processing_deadline_ms".into(),
        ms(pc.processing_deadline),
    ));
    out
}

#[test]
fn every_limit_has_its_source_and_is_pinned() {
    let mut missing = Vec::new();
    for p in Platform::ALL {
        for (field, value) in numbers(p) {
            let row = ROWS
                .iter()
                .find(|r| r.0 == Some(p) && r.1 == field)
                .or_else(|| {
                    ROWS.iter()
                        .find(|r| r.0.is_none() && r.1 == field && r.2 == value)
                });
            match row {
                Some(r) if r.2 == value && !r.3.trim().is_empty() => {}
                Some(r) => missing.push(format!("{p:?}.{field} = {value}, pinned {}", r.2)),
                None => missing.push(format!("{p:?}.{field} = {value}: no source")),
            }
        }
    }
    assert!(
        missing.is_empty(),
        "limits without a pinned source:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_row_is_used() {
    let unused: Vec<&Row> = ROWS
        .iter()
        .filter(|r| {
            !Platform::ALL.iter().any(|p| {
                (r.0.is_none() || r.0 == Some(*p))
                    && numbers(*p).iter().any(|(f, v)| f == r.1 && *v == r.2)
            })
        })
        .collect();
    assert!(unused.is_empty(), "rows no limit uses: {unused:?}");
}
