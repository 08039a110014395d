//! Outpost's media host: the user's own S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2,
//! MinIO, …) where a file waits, at a time-limited URL, for the minutes a platform that fetches
//! media from a URL (Instagram, Threads, TikTok photos, Pinterest) takes to publish it. Objects go
//! under `outpost-tmp/`, are removed right after publishing, and leftovers are swept on start.
//!
//! Platform clients only see [`outpost_platforms::publish::MediaHost`], which [`S3Host`]
//! implements. No tauri, no database: the application services keep the settings and the sealed
//! secret access key.

mod config;
mod error;
mod s3;

pub use config::{MediaHostConfig, PREFIX, Provider};
pub use error::{MediaHostError, Result};
pub use s3::{
    DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE, S3Host, SweepReport, TestFailure, TestStep,
};
