//! Each platform's publishing rules as data: text length and how it is counted, media counts,
//! types, sizes and durations, threads. Used by validation before any upload and by the
//! composer's live counters.

pub mod pacing;
pub mod rates;
#[cfg(test)]
mod sources;

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::platform::Platform;
use crate::post::Post;
use crate::post::media::MediaKind;

pub use pacing::Pacing;
pub use rates::{PostRate, post_rate};

/// How a platform counts text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// X: twitter-text weighted length (most CJK and emoji count 2, every URL 23, NFC).
    Weighted,
    /// Unicode grapheme clusters (Bluesky).
    Graphemes,
    /// Unicode scalar values (Mastodon, LinkedIn, YouTube).
    Chars,
    /// UTF-16 code units (TikTok: "UTF-16 runes"; an emoji outside the BMP counts 2).
    Utf16,
    /// Threads: characters, except that an emoji counts as many as its UTF-8 bytes ("Emojis are
    /// counted as the number of UTF-8 bytes", Threads Posts → Limitations). The whole grapheme
    /// cluster's bytes count (a family sequence with its joiners too). The composer's counter shows
    /// this count (it comes from the core's preview).
    EmojiBytes,
}

/// Whether a grapheme cluster is an emoji (see [`Counting::EmojiBytes`]): it holds a character
/// shown as emoji by default (`Emoji_Presentation`, flags and skin tones included), the emoji
/// variation selector U+FE0F or the keycap mark U+20E3. A text-style symbol such as © alone is a
/// character.
fn is_emoji(grapheme: &str) -> bool {
    use unicode_properties::{EmojiStatus as S, UnicodeEmoji};
    grapheme.chars().any(|c| {
        c == '\u{FE0F}'
            || c == '\u{20E3}'
            || matches!(
                c.emoji_status(),
                S::EmojiPresentation
                    | S::EmojiPresentationAndModifierBase
                    | S::EmojiPresentationAndEmojiComponent
                    | S::EmojiPresentationAndModifierAndEmojiComponent
            )
    })
}

/// A platform's (or server's) publishing limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub platform: Platform,
    pub counting: Counting,
    pub max_text: usize,
    /// Bluesky also caps the UTF-8 size.
    pub max_text_bytes: Option<usize>,
    pub max_images: usize,
    pub max_gifs: usize,
    pub max_videos: usize,
    /// Whether images and a video may be in the same post.
    pub mixed_media: bool,
    pub image_types: Vec<String>,
    pub video_types: Vec<String>,
    pub max_image_bytes: u64,
    pub max_gif_bytes: u64,
    pub max_video_bytes: u64,
    pub min_video_ms: Option<u64>,
    pub max_video_ms: Option<u64>,
    pub max_alt: usize,
    /// Whether a thread (replies to itself) can be published.
    pub threads: bool,
    /// LinkedIn: no threads, but a second part is published as the first comment on the post, by
    /// the same author. Exactly one extra part, text only, at most [`FIRST_COMMENT_MAX`] characters.
    pub first_comment: bool,
    /// YouTube: a post is a video.
    pub requires_video: bool,
    /// YouTube: title length (required when set).
    pub max_title: Option<usize>,
}

/// One broken rule: which part of the thread, a stable rule name, a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// Index in `Post::parts` (0 = the post itself).
    pub part: usize,
    /// `text_too_long`, `text_too_large`, `too_many_images`, `media_type`, `media_too_large`,
    /// `video_too_long`, `video_too_short`, `mixed_media`, `alt_too_long`, `no_threads`,
    /// `video_required`, `title_required`, `title_too_long`, `empty`, `comment_media`.
    pub rule: String,
    pub message: String,
}

impl Violation {
    pub fn new(part: usize, rule: &str, message: String) -> Violation {
        Violation {
            part,
            rule: rule.into(),
            message,
        }
    }
}

const MB: u64 = 1024 * 1024;

/// The longest first comment (LinkedIn comments), counted in Unicode scalar values.
/// [decision] LinkedIn's UI caps a comment at 1250 characters and the Comments API reference states
/// no number; the UI's cap is used so a comment that would be cut or refused is caught before
/// anything is published.
pub const FIRST_COMMENT_MAX: usize = 1250;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_string()).collect()
}

impl Limits {
    /// The documented limits of `platform` (Mastodon: the defaults, before the server says).
    pub fn for_platform(platform: Platform) -> Limits {
        let base = Limits {
            platform,
            counting: Counting::Chars,
            max_text: 0,
            max_text_bytes: None,
            max_images: 0,
            max_gifs: 0,
            max_videos: 0,
            mixed_media: false,
            image_types: s(&["image/jpeg", "image/png", "image/gif", "image/webp"]),
            video_types: s(&["video/mp4", "video/quicktime"]),
            max_image_bytes: 0,
            max_gif_bytes: 0,
            max_video_bytes: 0,
            min_video_ms: None,
            max_video_ms: None,
            max_alt: 1000,
            threads: false,
            first_comment: false,
            requires_video: false,
            max_title: None,
        };
        // Every number below carries its source: a link, or a section of
        // `shared/reference/platform-apis.md` ("ref §N"); `[3P]` a third-party page, `[U]` unverified,
        // `[decision]` where the docs give no number. `sources.rs` pins each value with its source.
        match platform {
            Platform::X => Limits {
                // ref §1 "Text": 280 weighted characters (twitter-text).
                counting: Counting::Weighted,
                max_text: 280,
                // docs.x.com/x-api/media/quickstart/best-practices "Keep in mind": up to 4 photos,
                // 1 animated GIF or 1 video in a Post.
                max_images: 4,
                max_gifs: 1,
                max_videos: 1,
                // https://docs.x.com/x-api/media "Size restrictions for uploading via API":
                // image 5 MB, GIF 15 MB, video 512 MB. (The best-practices page's 8 GB for Post
                // video conflicts; the stricter figure is the rule so nothing is refused later.)
                max_image_bytes: 5 * MB,
                max_gif_bytes: 15 * MB,
                max_video_bytes: 512 * MB,
                // best-practices "Size and duration limits": 0.5 seconds–20 minutes (no Premium).
                min_video_ms: Some(500),
                max_video_ms: Some(20 * 60 * 1000),
                // docs.x.com/x-api/media/metadata-create: alt_text.text up to 1000 characters.
                max_alt: 1000,
                threads: true,
                ..base
            },
            Platform::Bluesky => Limits {
                // ref §9 "Text: maxGraphemes 300, maxLength 3000 bytes" (lexicon app.bsky.feed.post).
                counting: Counting::Graphemes,
                max_text: 300,
                max_text_bytes: Some(3000),
                // ref §9 "≤4 images, ≤1,000,000 bytes each" (lexicon app.bsky.embed.images); a GIF
                // goes up as an image.
                max_images: 4,
                max_gifs: 4,
                max_videos: 1,
                image_types: s(&["image/jpeg", "image/png", "image/webp", "image/gif"]),
                video_types: s(&["video/mp4"]),
                max_image_bytes: 1_000_000,
                max_gif_bytes: 1_000_000,
                // ref §9 "PDS blob cap 50 MB".
                max_video_bytes: 50 * MB,
                // [decision] the lexicon sets no alt length; the Bluesky app stops at 2000.
                max_alt: 2000,
                threads: true,
                ..base
            },
            Platform::Mastodon => Limits {
                // ref §10 "Limits are per instance": defaults max_characters 500,
                // max_media_attachments 4, image_size_limit 16,777,216, video_size_limit
                // 103,809,024 (read from the server at publish time).
                max_text: 500,
                max_images: 4,
                max_gifs: 4,
                max_videos: 1,
                video_types: s(&["video/mp4", "video/quicktime", "video/webm"]),
                max_image_bytes: 16_777_216,
                max_gif_bytes: 16_777_216,
                max_video_bytes: 103_809_024,
                // github.com/mastodon/mastodon app/models/media_attachment.rb
                // MAX_DESCRIPTION_LENGTH = 1_500.
                max_alt: 1500,
                threads: true,
                ..base
            },
            Platform::Linkedin => Limits {
                // ref §2 "Limits: commentary 3,000 chars [3P]".
                max_text: 3000,
                // learn.microsoft.com/linkedin/marketing/community-management/shares/multiimage-post-api:
                // a MultiImage post holds 2 to 20 images.
                max_images: 20,
                max_gifs: 1,
                max_videos: 1,
                image_types: s(&["image/jpeg", "image/png", "image/gif"]),
                video_types: s(&["video/mp4"]),
                // [decision] the Images API caps pixels (36,152,320, ref §2), not bytes.
                max_image_bytes: 36 * MB,
                max_gif_bytes: 36 * MB,
                // learn.microsoft.com/linkedin/marketing/community-management/shares/videos-api
                // "Video specifications": 75 KB to 500 MB, 3 seconds to 30 minutes.
                max_video_bytes: 500 * MB,
                min_video_ms: Some(3000),
                max_video_ms: Some(30 * 60 * 1000),
                // [decision] images-api altText: 4086 characters as LinkedIn's UI takes.
                max_alt: 4086,
                first_comment: true,
                ..base
            },
            Platform::Youtube => Limits {
                // ref §6 "title ≤100 chars, description ≤5000" [U].
                max_text: 5000,
                max_title: Some(100),
                max_videos: 1,
                video_types: s(&[
                    "video/mp4",
                    "video/quicktime",
                    "video/webm",
                    "video/x-msvideo",
                    "video/x-matroska",
                ]),
                // ref §6 "Max file 256 GB".
                max_video_bytes: 256 * 1024 * MB,
                requires_video: true,
                // [decision] nothing carries alt text on YouTube (no field to send).
                max_alt: 1000,
                ..base
            },
            Platform::Facebook => Limits {
                // ref §3 "Caption limit 63,206 chars [3P]".
                max_text: 63_206,
                // [decision] attached_media states no maximum; 10 photos per post.
                max_images: 10,
                max_gifs: 1,
                max_videos: 1,
                image_types: s(&[
                    "image/jpeg",
                    "image/png",
                    "image/gif",
                    "image/bmp",
                    "image/tiff",
                ]),
                video_types: s(&["video/mp4", "video/quicktime"]),
                // [U] developers.facebook.com/docs/graph-api/reference/page/photos: 10 MB photos;
                // developers.facebook.com/docs/video-api/guides/publishing: 10 GB, 240 minutes.
                max_image_bytes: 10 * MB,
                max_gif_bytes: 10 * MB,
                max_video_bytes: 10 * 1024 * MB,
                max_video_ms: Some(240 * 60 * 1000),
                // [decision] no documented cap on alt_text_custom.
                max_alt: 1000,
                // A second part is the Page's first comment on the post.
                first_comment: true,
                ..base
            },
            Platform::Instagram => Limits {
                // ref §4 "Caption 2,200 chars, carousel ≤10 items [3P: Ayrshare]"; 30 hashtags are
                // checked by the publisher.
                max_text: 2200,
                max_images: 10,
                max_gifs: 0,
                max_videos: 10,
                // A carousel mixes photos and videos.
                mixed_media: true,
                // developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
                // "Image specifications": JPEG, 8 MB; "Reel specifications": MP4/MOV, 300 MB,
                // 3 seconds to 15 minutes.
                image_types: s(&["image/jpeg"]),
                video_types: s(&["video/mp4", "video/quicktime"]),
                max_image_bytes: 8 * MB,
                max_gif_bytes: 0,
                max_video_bytes: 300 * MB,
                min_video_ms: Some(3000),
                max_video_ms: Some(15 * 60 * 1000),
                // [decision] alt_text length undocumented.
                max_alt: 1000,
                first_comment: true,
                ..base
            },
            Platform::Threads => Limits {
                // developers.facebook.com/docs/threads/posts "Limitations": "Text posts are limited
                // to 500 characters. Emojis are counted as the number of UTF-8 bytes."
                counting: Counting::EmojiBytes,
                max_text: 500,
                // developers.facebook.com/docs/threads/posts#carousel-posts: up to 20 images and
                // videos.
                max_images: 20,
                max_gifs: 0,
                max_videos: 20,
                mixed_media: true,
                // developers.facebook.com/docs/threads/overview#media-specifications: images
                // JPEG/PNG up to 8 MB; videos MOV/MP4 up to 1 GB and 5 minutes.
                image_types: s(&["image/jpeg", "image/png"]),
                video_types: s(&["video/mp4", "video/quicktime"]),
                max_image_bytes: 8 * MB,
                max_gif_bytes: 0,
                max_video_bytes: 1024 * MB,
                max_video_ms: Some(5 * 60 * 1000),
                // [decision] alt_text length undocumented.
                max_alt: 1000,
                threads: true,
                ..base
            },
            Platform::Tiktok => Limits {
                // developers.tiktok.com/doc/content-posting-api-reference-direct-post: a video's
                // `title` is at most 2200 UTF-16 runes (a photo post's `description` 4000; the
                // smaller is the rule [decision]; a photo post's own title, 90, is checked by the
                // TikTok publisher).
                counting: Counting::Utf16,
                max_text: 2200,
                // developers.tiktok.com/doc/content-posting-api-media-transfer-guide: photo posts
                // take up to 35 JPEG/WebP images of at most 20 MB; videos up to 4 GB.
                max_images: 35,
                max_videos: 1,
                image_types: s(&["image/jpeg", "image/webp"]),
                video_types: s(&["video/mp4", "video/quicktime", "video/webm"]),
                max_image_bytes: 20 * MB,
                max_video_bytes: 4 * 1024 * MB,
                // [U] 3 s minimum as third-party guides say; the maximum is the creator's
                // `max_video_post_duration_sec` (creator_info), 10 minutes at most here [U].
                min_video_ms: Some(3000),
                max_video_ms: Some(10 * 60 * 1000),
                // TikTok has no alt text field: alt text is not sent (and not a violation).
                ..base
            },
            Platform::Pinterest => Limits {
                // ref §8 "Create Pin": description ≤800, alt_text ≤500 (v5/openapi.yaml).
                max_text: 800,
                max_alt: 500,
                // ref §8 media_source `multiple_image_urls`: a carousel of 2–5 images (openapi.yaml);
                // or one video.
                max_images: 5,
                max_videos: 1,
                image_types: s(&["image/jpeg", "image/png"]),
                video_types: s(&["video/mp4", "video/quicktime", "video/x-m4v"]),
                // [U] help.pinterest.com "Pin specs": images up to 20 MB, videos up to 2 GB,
                // 4 seconds to 15 minutes.
                max_image_bytes: 20 * MB,
                max_video_bytes: 2 * 1024 * MB,
                min_video_ms: Some(4000),
                max_video_ms: Some(15 * 60 * 1000),
                ..base
            },
        }
    }

    /// The length of `text` as this platform counts it.
    pub fn count(&self, text: &str) -> usize {
        match self.counting {
            Counting::Weighted => {
                let config = twitter_text_config::config_v3();
                usize::try_from(twitter_text::parse(text, config, true).weighted_length)
                    .unwrap_or(0)
            }
            Counting::Graphemes => text.graphemes(true).count(),
            Counting::Chars => text.chars().count(),
            Counting::Utf16 => text.encode_utf16().count(),
            Counting::EmojiBytes => text
                .graphemes(true)
                .map(|g| {
                    if is_emoji(g) {
                        g.len()
                    } else {
                        g.chars().count()
                    }
                })
                .sum(),
        }
    }

    /// Every rule `post` breaks.
    pub fn check(&self, post: &Post) -> Vec<Violation> {
        let mut out = Vec::new();
        let name = self.platform.name();
        let mut v = |part: usize, rule: &str, message: String| {
            out.push(Violation::new(part, rule, message))
        };
        if post.parts.is_empty() {
            v(0, "empty", "The post is empty".into());
        }
        if self.first_comment && !self.threads {
            // The second part becomes the first comment: one only, text only, a comment's length.
            if post.parts.len() > 2 {
                v(
                    2,
                    "no_threads",
                    format!(
                        "{name} does not support threads; a post takes at most one first comment"
                    ),
                );
            }
            if let Some(c) = post.parts.get(1) {
                if !c.media.is_empty() {
                    v(
                        1,
                        "comment_media",
                        format!("The first comment on {name} is text only"),
                    );
                }
                let n = self.count(&c.text);
                if n > FIRST_COMMENT_MAX {
                    v(
                        1,
                        "text_too_long",
                        format!(
                            "The first comment counts {n} on {name}; the limit is {FIRST_COMMENT_MAX}"
                        ),
                    );
                }
            }
        } else if post.parts.len() > 1 && !self.threads {
            v(
                1,
                "no_threads",
                format!("{name} does not support threads; publish one post"),
            );
        }
        if let Some(max) = self.max_title {
            match post.options.title.as_deref().map(str::trim) {
                None | Some("") => v(0, "title_required", format!("{name} needs a title")),
                Some(t) if t.chars().count() > max => {
                    v(
                        0,
                        "title_too_long",
                        format!(
                            "The title has {} characters; {name} allows {max}",
                            t.chars().count()
                        ),
                    );
                }
                _ => {}
            }
        }
        for (i, part) in post.parts.iter().enumerate() {
            // A first comment's length and media were checked above.
            let comment = self.first_comment && !self.threads && i == 1;
            let n = self.count(&part.text);
            if n > self.max_text && !comment {
                v(
                    i,
                    "text_too_long",
                    format!(
                        "The text counts {n} on {name}; the limit is {}",
                        self.max_text
                    ),
                );
            }
            if let Some(maxb) = self.max_text_bytes
                && part.text.len() > maxb
            {
                v(
                    i,
                    "text_too_large",
                    format!(
                        "The text is {} bytes; {name} allows {maxb}",
                        part.text.len()
                    ),
                );
            }
            if comment {
                if part.text.trim().is_empty() {
                    v(i, "empty", "The first comment needs text".into());
                }
                continue;
            }
            if part.text.trim().is_empty() && part.media.is_empty() {
                v(i, "empty", "A post needs text or media".into());
            }
            let images = part
                .media
                .iter()
                .filter(|m| m.kind == MediaKind::Image)
                .count();
            let gifs = part
                .media
                .iter()
                .filter(|m| m.kind == MediaKind::Gif)
                .count();
            let videos = part
                .media
                .iter()
                .filter(|m| m.kind == MediaKind::Video)
                .count();
            if self.requires_video && i == 0 && videos != 1 {
                v(
                    i,
                    "video_required",
                    format!("A {name} post is exactly one video"),
                );
            }
            if images + gifs > self.max_images.max(self.max_gifs) || images > self.max_images {
                v(
                    i,
                    "too_many_images",
                    format!("{name} allows {} images per post", self.max_images),
                );
            }
            if gifs > self.max_gifs {
                v(
                    i,
                    "too_many_images",
                    format!("{name} allows {} animated GIF per post", self.max_gifs),
                );
            }
            if videos > self.max_videos {
                v(
                    i,
                    "too_many_videos",
                    format!("{name} allows {} video per post", self.max_videos),
                );
            }
            if videos > 0 && images + gifs > 0 && !self.mixed_media {
                v(
                    i,
                    "mixed_media",
                    format!("{name} does not mix a video with images in one post"),
                );
            }
            for m in &part.media {
                let (types, max) = match m.kind {
                    MediaKind::Image => (&self.image_types, self.max_image_bytes),
                    MediaKind::Gif => (&self.image_types, self.max_gif_bytes),
                    MediaKind::Video => (&self.video_types, self.max_video_bytes),
                };
                if !types.iter().any(|t| t == &m.mime) {
                    v(
                        i,
                        "media_type",
                        format!("{}: {} is not accepted by {name}", m.name(), m.mime),
                    );
                }
                if m.bytes > max {
                    v(
                        i,
                        "media_too_large",
                        format!("{}: {} bytes; {name} allows {max}", m.name(), m.bytes),
                    );
                }
                if let (Some(d), Some(maxd)) = (m.duration_ms, self.max_video_ms)
                    && d > maxd
                {
                    v(
                        i,
                        "video_too_long",
                        format!(
                            "{}: {} s; {name} allows {} s",
                            m.name(),
                            d / 1000,
                            maxd / 1000
                        ),
                    );
                }
                if let (Some(d), Some(mind)) = (m.duration_ms, self.min_video_ms)
                    && d < mind
                {
                    v(
                        i,
                        "video_too_short",
                        format!("{}: shorter than {name} accepts", m.name()),
                    );
                }
                if m.alt
                    .as_ref()
                    .is_some_and(|a| a.chars().count() > self.max_alt)
                {
                    v(
                        i,
                        "alt_too_long",
                        format!("{}: alt text over {} characters", m.name(), self.max_alt),
                    );
                }
            }
        }
        out
    }
}

/// The validation failure of a post that may be a thread, naming each broken rule's part
/// (`post 2: …`) when there are several (X, Bluesky).
pub(crate) fn refuse_by_part(
    platform: Platform,
    post: &Post,
    violations: &[Violation],
) -> crate::Result<()> {
    if violations.is_empty() {
        return Ok(());
    }
    let reason = violations
        .iter()
        .map(|v| {
            if post.parts.len() > 1 {
                format!("post {}: {}", v.part + 1, v.message)
            } else {
                v.message.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    Err(crate::Error::refused(platform, reason))
}

/// The validation failure as one error naming every broken rule.
pub(crate) fn rejected_by_rules(platform: Platform, violations: &[Violation]) -> crate::Error {
    let reason = if violations.is_empty() {
        "the post breaks the platform's rules".to_string()
    } else {
        violations
            .iter()
            .map(|v| format!("{} ({})", v.message, v.rule))
            .collect::<Vec<_>>()
            .join("; ")
    };
    crate::Error::refused(platform, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::PostPart;

    fn post(text: &str) -> Post {
        Post {
            key: "k".into(),
            parts: vec![PostPart {
                text: text.into(),
                media: vec![],
            }],
            ..Post::default()
        }
    }

    #[test]
    fn x_counts_weighted() {
        let x = Limits::for_platform(Platform::X);
        assert_eq!(x.count("hello"), 5);
        assert_eq!(x.count("日本"), 4, "CJK counts 2");
        assert_eq!(x.count("👍"), 2, "emoji counts 2");
        assert_eq!(
            x.count("see https://example.com/a/very/long/path/that/is/long"),
            4 + 23,
            "URLs count 23"
        );
        assert!(x.check(&post(&"a".repeat(280))).is_empty());
        assert_eq!(x.check(&post(&"a".repeat(281)))[0].rule, "text_too_long");
        assert_eq!(x.check(&post(&"日".repeat(141)))[0].rule, "text_too_long");
    }

    #[test]
    fn threads_counts_an_emoji_as_its_utf8_bytes() {
        let t = Limits::for_platform(Platform::Threads);
        assert_eq!(t.count("héllo 日本"), 8, "other characters count 1");
        assert_eq!(t.count("👍"), 4);
        assert_eq!(t.count("👍🏽"), 8, "with its skin-tone modifier");
        assert_eq!(t.count("👩‍👩‍👧"), 18, "a family: every byte of the sequence");
        assert_eq!(t.count("❤️"), 6, "heart and variation selector");
        assert_eq!(t.count("1️⃣"), 7, "a keycap");
        assert_eq!(t.count("🇫🇷"), 8, "a flag");
        assert_eq!(
            t.count("1#*©"),
            4,
            "digits and text-style symbols are characters"
        );
        assert_eq!(t.count("©️"), 5, "…unless asked to show as emoji");
        // The case: 497 characters and one emoji are 501 on Threads.
        let p = post(&format!("{}👍", "a".repeat(497)));
        assert_eq!(t.count(&p.parts[0].text), 501);
        assert_eq!(t.check(&p)[0].rule, "text_too_long");
        assert!(t.check(&post(&format!("{}👍", "a".repeat(496)))).is_empty());
        assert!(t.check(&post(&"é".repeat(500))).is_empty());
    }

    #[test]
    fn tiktok_counts_utf16_units() {
        let t = Limits::for_platform(Platform::Tiktok);
        assert_eq!(t.count("héllo"), 5);
        assert_eq!(t.count("👍"), 2);
        assert!(
            t.check(&post(&"👍".repeat(1101)))
                .iter()
                .any(|v| v.rule == "text_too_long")
        );
        assert!(t.check(&post(&"👍".repeat(1100))).is_empty());
    }

    #[test]
    fn x_video_is_at_most_512_mb_and_instagram_50_posts_a_day() {
        assert_eq!(Limits::for_platform(Platform::X).max_video_bytes, 512 * MB);
        assert_eq!(post_rate(Platform::Instagram).count, 50);
    }

    #[test]
    fn bluesky_counts_graphemes_and_bytes() {
        let b = Limits::for_platform(Platform::Bluesky);
        assert_eq!(b.count("👩‍👩‍👧"), 1);
        assert!(
            b.check(&post(&"👩‍👩‍👧".repeat(300)))
                .iter()
                .any(|v| v.rule == "text_too_large")
        );
        assert!(b.check(&post(&"a".repeat(300))).is_empty());
    }

    #[test]
    fn linkedin_has_no_threads_and_youtube_needs_a_titled_video() {
        let l = Limits::for_platform(Platform::Linkedin);
        let mut p = post("one");
        p.parts.push(PostPart {
            text: "two".into(),
            media: vec![],
        });
        // Two parts are a post and its first comment; a third is a thread.
        p.parts.push(PostPart {
            text: "three".into(),
            media: vec![],
        });
        assert!(l.check(&p).iter().any(|v| v.rule == "no_threads"));
        let y = Limits::for_platform(Platform::Youtube);
        assert!(!y.first_comment && !Limits::for_platform(Platform::X).first_comment);
        let rules: Vec<String> = y.check(&post("desc")).into_iter().map(|v| v.rule).collect();
        assert!(
            rules.contains(&"title_required".to_string())
                && rules.contains(&"video_required".to_string()),
            "{rules:?}"
        );
    }

    #[test]
    fn linkedin_second_part_is_a_text_only_first_comment() {
        let l = Limits::for_platform(Platform::Linkedin);
        assert!(l.first_comment && !l.threads);
        let comment = |text: &str, media: Vec<crate::publish::MediaFile>| {
            let mut p = post("the post");
            p.parts.push(PostPart {
                text: text.into(),
                media,
            });
            p
        };
        assert!(l.check(&comment("first!", vec![])).is_empty());
        assert!(l.check(&comment(&"é".repeat(1250), vec![])).is_empty());
        let long = l.check(&comment(&"é".repeat(1251), vec![]));
        assert_eq!(long.len(), 1, "{long:?}");
        assert_eq!((long[0].part, long[0].rule.as_str()), (1, "text_too_long"));
        assert_eq!(l.check(&comment("  ", vec![]))[0].rule, "empty");

        let m = crate::publish::MediaFile {
            path: "a.png".into(),
            mime: "image/png".into(),
            kind: MediaKind::Image,
            bytes: 100,
            width: Some(16),
            height: Some(16),
            duration_ms: None,
            alt: None,
        };
        let with_media = l.check(&comment("look", vec![m]));
        assert_eq!(with_media.len(), 1, "{with_media:?}");
        assert_eq!(
            (with_media[0].part, with_media[0].rule.as_str()),
            (1, "comment_media")
        );
    }
}
