//! Each platform's protocol constants as data, beside its content limits: how long publishing
//! waits for the platform to process media, upload chunk sizes, attempts per idempotent upload
//! call, how long hosted media stays reachable, throttling windows. A platform module reads its
//! row ([`Pacing::of`]) instead of keeping its own copy.

use std::time::Duration;

use crate::platform::Platform;

const MIB: u64 = 1024 * 1024;
const MINUTE: Duration = Duration::from_secs(60);
/// How long publishing waits for a platform's own media processing **[decision]**.
const PROCESSING: Duration = Duration::from_secs(15 * 60);

/// One platform's pacing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    /// How long publishing waits for uploaded media (or a container, or a publish job) to be
    /// processed before giving up **[decision]**. Zero where nothing is processed asynchronously.
    pub processing_deadline: Duration,
    /// Upload chunk (bytes) where media goes up in pieces; 0 where it goes whole.
    pub chunk: u64,
    /// Attempts at one idempotent upload call or chunk (network errors and 5xx only).
    pub upload_attempts: u32,
    /// How long media put on the user's media host stays reachable for the platform to fetch.
    pub hosted_ttl: Duration,
    /// Length of the platform's rate-limit window, where a throttled answer gives no time.
    pub rate_window: Duration,
}

/// Where nothing differs from the common case.
const DEFAULT: Pacing = Pacing {
    processing_deadline: Duration::ZERO,
    chunk: 0,
    upload_attempts: 3,
    hosted_ttl: Duration::from_secs(3600),
    rate_window: Duration::ZERO,
};

impl Pacing {
    pub const fn of(platform: Platform) -> Pacing {
        match platform {
            // Segments of at most 4 MiB (APPEND).
            Platform::X => Pacing {
                chunk: 4 * MIB,
                ..DEFAULT
            },
            // Chunks are a multiple of 256 KiB; a resumed session asks where it stands up to 5
            // times without progress.
            Platform::Youtube => Pacing {
                chunk: 8 * MIB,
                upload_attempts: 5,
                ..DEFAULT
            },
            Platform::Linkedin | Platform::Mastodon | Platform::Pinterest => Pacing {
                processing_deadline: PROCESSING,
                ..DEFAULT
            },
            // Chunks above 64 MB are 16 MiB; TikTok's rate-limit windows are one minute (sliding).
            Platform::Tiktok => Pacing {
                processing_deadline: PROCESSING,
                chunk: 16 * MIB,
                rate_window: MINUTE,
                ..DEFAULT
            },
            // Graph containers that stay IN_PROGRESS.
            Platform::Facebook | Platform::Instagram | Platform::Threads => Pacing {
                processing_deadline: Duration::from_secs(10 * 60),
                ..DEFAULT
            },
            Platform::Bluesky => DEFAULT,
        }
    }
}
