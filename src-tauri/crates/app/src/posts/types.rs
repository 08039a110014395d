//! The shapes posts take at the edges (CLI JSON, IPC).

use std::path::PathBuf;

use outpost_platforms::Platform;
use outpost_store::jobs::{PublishJob, attempts::PublishAttempt};
use outpost_store::posts::{Post, targets::PostTarget};
use serde::{Deserialize, Serialize};

/// A file to attach, with its alt text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewMedia {
    pub path: PathBuf,
    pub alt: Option<String>,
}

/// What differs on one channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetVariant {
    pub channel_id: String,
    /// Replaces the base text on this channel.
    pub caption: Option<String>,
    pub title: Option<String>,
    pub first_comment: Option<String>,
    /// Replies after the first post (a thread).
    #[serde(default)]
    pub thread_parts: Vec<String>,
    /// Platform options (`outpost_platforms::publish::PostOptions` as JSON: visibility, tags,
    /// content warning, board id, …).
    #[serde(default)]
    pub options: serde_json::Value,
    /// Hand the post to the platform's own scheduler (Facebook Pages, YouTube, Mastodon).
    #[serde(default)]
    pub native_scheduling: bool,
}

impl TargetVariant {
    pub(crate) fn from_target(t: &PostTarget) -> Self {
        TargetVariant {
            channel_id: t.channel_id.clone(),
            caption: t.caption.clone(),
            title: t.title.clone(),
            first_comment: t.first_comment.clone(),
            thread_parts: serde_json::from_value(t.thread_parts.0.clone()).unwrap_or_default(),
            options: t.options.0.clone(),
            native_scheduling: t.native_scheduling,
        }
    }
}

/// A post to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewPost {
    pub text: String,
    pub channels: Vec<String>,
    #[serde(default)]
    pub media: Vec<NewMedia>,
    /// RFC 3339, or a local date-time in `time_zone`; `None`: now (or no time for a draft).
    pub at: Option<String>,
    /// IANA zone; `None`: the creator's zone from Settings.
    pub time_zone: Option<String>,
    /// Save without scheduling.
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub variants: Vec<TargetVariant>,
}

/// A post's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostView {
    pub id: String,
    pub text: String,
    /// `draft`, `scheduled`, `publishing`, `published`, `partially_published`, `failed`.
    pub status: String,
    /// Unix ms; `None` for an unscheduled draft.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub scheduled_at: Option<i64>,
    pub time_zone: Option<String>,
    /// The wall-clock time in `time_zone`, `YYYY-MM-DDTHH:MM:SS`.
    pub local_time: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub created_at: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub updated_at: i64,
}

impl From<Post> for PostView {
    fn from(p: Post) -> Self {
        PostView {
            id: p.id,
            text: p.body,
            status: p.status.as_str().to_string(),
            scheduled_at: p.scheduled_at,
            time_zone: p.time_zone,
            local_time: p.local_time,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A publish job (one post on one channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobView {
    pub id: String,
    /// `scheduled`, `publishing`, `published`, `failed`, `unconfirmed`, `held`, `cancelled`.
    pub state: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_at: i64,
    pub attempt_count: u32,
    pub hold_reason: Option<String>,
    pub last_error: Option<String>,
    pub platform_post_id: Option<String>,
    pub platform_url: Option<String>,
    /// Set while the platform's own scheduler holds the post.
    pub native_schedule_id: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub published_at: Option<i64>,
}

impl From<PublishJob> for JobView {
    fn from(j: PublishJob) -> Self {
        JobView {
            id: j.id,
            state: j.state.as_str().to_string(),
            due_at: j.due_at,
            attempt_count: u32::try_from(j.attempt_count).unwrap_or(0),
            hold_reason: j.hold_reason,
            last_error: j.last_error,
            platform_post_id: j.platform_post_id.filter(|s| !s.is_empty()),
            platform_url: j.platform_url,
            native_schedule_id: j.native_schedule_id,
            published_at: j.published_at,
        }
    }
}

/// One try at publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttemptView {
    pub attempt_no: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub started_at: i64,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub finished_at: Option<i64>,
    /// `success`, `retryable_error`, `rate_limited`, `needs_reauth`, `rejected`, `unknown`,
    /// `interrupted`; `None` while in flight.
    pub outcome: Option<String>,
    pub summary: Option<String>,
}

impl From<PublishAttempt> for AttemptView {
    fn from(a: PublishAttempt) -> Self {
        AttemptView {
            attempt_no: u32::try_from(a.attempt_no).unwrap_or(0),
            started_at: a.started_at,
            finished_at: a.finished_at,
            outcome: a.outcome.map(|o| o.as_str().to_string()),
            summary: a.response_summary,
        }
    }
}

/// A post on one channel, with its job and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetDetail {
    pub target_id: String,
    pub channel_id: String,
    pub platform: Platform,
    pub channel_name: String,
    pub native_scheduling: bool,
    pub job: Option<JobView>,
    pub attempts: Vec<AttemptView>,
    /// Every part as it went out (the post, a thread's replies, a first comment), in order.
    pub parts: Vec<PartView>,
    /// "published; first comment failed": the reason, while the comment waits for a retry or a
    /// dismissal (`None` otherwise).
    pub comment_problem: Option<String>,
}

/// One part of a post on a channel, as it went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartView {
    pub index: u32,
    /// `post`, `reply` (a thread's later part) or `comment` (a first comment).
    pub kind: String,
    /// `sending` (outcome unknown unless publishing right now), `published`, `failed`, `dismissed`.
    pub state: String,
    pub platform_id: Option<String>,
    pub url: Option<String>,
    pub error: Option<String>,
}

impl From<outpost_store::parts::PublishPart> for PartView {
    fn from(p: outpost_store::parts::PublishPart) -> Self {
        PartView {
            index: u32::try_from(p.part_index).unwrap_or(0),
            kind: p.kind,
            state: p.state,
            platform_id: p.platform_id,
            url: p.url,
            error: p.error,
        }
    }
}

/// A post with everything about its publishing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostDetail {
    pub post: PostView,
    pub media_count: u32,
    pub targets: Vec<TargetDetail>,
}

/// A line of the post list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostSummary {
    pub post: PostView,
    pub channel_ids: Vec<String>,
    pub job_states: Vec<String>,
}

/// What the user decided about a job that needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum JobAction {
    /// Try again now (held, failed, unconfirmed after checking it is not live, cancelled).
    PublishNow,
    /// It is live (an unconfirmed post the user found on the platform).
    MarkPublished {
        url: Option<String>,
    },
    Cancel,
    /// A published post whose first comment failed: post the comment again (once).
    RetryComment,
    /// A published post whose first comment failed: leave the comment out.
    DismissComment,
}

/// Which part of a post broke a rule (so a CSV row error can name its column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PostField {
    Channels,
    Time,
    Media,
    /// The text, media and the platform's limits together.
    Content,
    Options,
    /// One per-platform option (its CSV column).
    PlatformOption(super::options::OptionField),
}

/// A rule a post to be created breaks, with the field it concerns.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub field: PostField,
    pub error: crate::Error,
}

impl FieldError {
    pub(crate) fn new(field: PostField, error: crate::Error) -> Self {
        FieldError { field, error }
    }
}

impl From<FieldError> for crate::Error {
    fn from(e: FieldError) -> Self {
        e.error
    }
}

/// A post whose every rule was checked; nothing is written yet.
#[derive(Debug, Clone)]
pub(crate) struct PreparedPost {
    pub new: NewPost,
    pub zone_name: String,
    /// The instant (unix ms) and wall-clock intent; `None` for a draft without a time.
    pub when: Option<(i64, String)>,
    pub files: Vec<outpost_platforms::publish::MediaFile>,
    pub channels: Vec<outpost_store::channels::Channel>,
    pub now: i64,
}
