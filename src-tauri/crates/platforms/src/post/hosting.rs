//! Where a file goes when a platform insists on fetching media from a public URL (Instagram,
//! Threads, and Pinterest/TikTok pull-from-URL variants). Outpost puts the file on the user's own
//! media host for the minutes a publish takes and removes it afterwards; the platform client only
//! sees this trait, so it knows nothing of buckets or credentials.

use std::time::Duration;

use async_trait::async_trait;

use super::media::MediaFile;
use crate::error::Result;

/// A file made reachable for a limited time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedMedia {
    /// The host's name for the object (used to remove it).
    pub key: String,
    /// A time-limited GET URL the platform can fetch.
    pub url: String,
}

/// The user's media host (an S3-compatible bucket in the application services).
#[async_trait]
pub trait MediaHost: Send + Sync + std::fmt::Debug {
    /// Uploads `file` (streamed from disk) and returns a GET URL valid for at least `ttl`.
    /// An unreachable host, refused credentials or an unusable URL is an error, never a silent
    /// fallback: the post is held rather than published without its media.
    async fn put(&self, file: &MediaFile, ttl: Duration) -> Result<HostedMedia>;

    /// Removes an object once the platform has fetched it (idempotent: a missing object is fine).
    async fn remove(&self, hosted: &HostedMedia) -> Result<()>;
}
