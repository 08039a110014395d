//! The scheduler: every post goes out exactly once, on time — in the desktop app and in
//! `outpost run`. See [`engine`] for the rules; [`time`] for zones and DST; [`rates`] for limits;
//! [`clock`] for injected time; [`lock`] so only one process publishes from a data directory.

pub mod clock;
mod engine;
pub mod lock;
mod native;
mod parts;
pub mod rates;
pub mod time;
mod watch;

use serde::{Deserialize, Serialize};

pub use clock::{Clock, ManualClock, SystemClock};
pub(crate) use engine::{AttemptError, NATIVE_MIN_LEAD_MS};
pub use engine::{COMMENT_FAILED, OnceReport, Scheduler, SchedulerConfig};
pub use lock::SchedulerLock;
pub(crate) use parts::JobParts;

use crate::{Outpost, Result};

/// Setting: publish posts missed while Outpost was off if at most this many minutes late.
pub const GRACE_SETTING: &str = "scheduler.missed_grace_minutes";
/// Setting: publishing paused (tray / Settings).
pub const PAUSED_SETTING: &str = "scheduler.paused";
/// The default grace period.
pub const DEFAULT_GRACE_MINUTES: i64 = 30;

/// What the scheduler tells the front-ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SchedulerEvent {
    /// A job changed state (`publishing`, `published`, `failed`, `unconfirmed`, `held`, `scheduled`),
    /// or `comment_failed`: the job is published but its first comment did not go out.
    Job {
        job_id: String,
        post_id: String,
        channel_id: String,
        state: String,
        /// The platform URL when published; the reason otherwise.
        message: Option<String>,
    },
    /// Upload progress of a job's media.
    Progress {
        job_id: String,
        post_id: String,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        sent: u64,
        #[cfg_attr(feature = "specta", specta(type = f64))]
        total: u64,
    },
    /// Posts or their publishing changed in the data directory, possibly by another process (the
    /// CLI, `outpost run`, a CSV import): the calendar and the board reload.
    PostsChanged,
    /// The timer is armed for `next_at` (unix ms), or idle.
    Armed {
        #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
        next_at: Option<i64>,
    },
}

/// The scheduler's settings and state as Settings and the tray show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SchedulerSettings {
    pub paused: bool,
    pub missed_grace_minutes: u32,
    pub time_zone: String,
}

/// The next post due, for the tray.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NextPost {
    pub post_id: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_at: i64,
    pub excerpt: String,
    pub channels: u32,
}

pub(crate) async fn grace_ms(o: &Outpost) -> Result<i64> {
    let m = outpost_store::settings::get(o.store().pool(), GRACE_SETTING)
        .await?
        .and_then(|v| v.as_i64())
        .filter(|m| (0..=7 * 24 * 60).contains(m))
        .unwrap_or(DEFAULT_GRACE_MINUTES);
    Ok(m * 60_000)
}

impl Outpost {
    /// Wakes the scheduler to re-arm its timer (a post was added, moved or cancelled).
    pub fn scheduler_changed(&self) {
        self.scheduler_wake().notify_one();
    }

    pub(crate) fn scheduler_wake(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.sched().wake.clone()
    }

    pub fn scheduler_events(&self) -> tokio::sync::broadcast::Receiver<SchedulerEvent> {
        self.sched().events.subscribe()
    }

    pub(crate) fn emit_scheduler(&self, e: SchedulerEvent) {
        let _ = self.sched().events.send(e);
    }

    pub async fn scheduler_paused(&self) -> Result<bool> {
        Ok(
            outpost_store::settings::get(self.store().pool(), PAUSED_SETTING)
                .await?
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        )
    }

    pub async fn scheduler_settings(&self) -> Result<SchedulerSettings> {
        Ok(SchedulerSettings {
            paused: self.scheduler_paused().await?,
            missed_grace_minutes: u32::try_from(grace_ms(self).await? / 60_000).unwrap_or(30),
            time_zone: self.time_zone().await?,
        })
    }

    /// Pauses or resumes publishing (nothing is lost: due posts wait, then follow the missed-post policy).
    pub async fn set_scheduler_paused(&self, paused: bool) -> Result<()> {
        outpost_store::settings::set(
            self.store().pool(),
            PAUSED_SETTING,
            &serde_json::Value::Bool(paused),
            outpost_store::now_ms(),
        )
        .await?;
        self.scheduler_changed();
        Ok(())
    }

    pub async fn set_missed_grace_minutes(&self, minutes: u32) -> Result<()> {
        if minutes > 7 * 24 * 60 {
            return Err(crate::Error::InvalidInput(
                "the grace period can be at most 7 days".into(),
            ));
        }
        outpost_store::settings::set(
            self.store().pool(),
            GRACE_SETTING,
            &serde_json::json!(minutes),
            outpost_store::now_ms(),
        )
        .await?;
        self.scheduler_changed();
        Ok(())
    }

    /// The next post waiting to go out.
    pub async fn next_post(&self) -> Result<Option<NextPost>> {
        let row = outpost_store::posts::next_waiting(self.store().pool()).await?;
        Ok(row.map(|(post_id, due_at, excerpt, n)| NextPost {
            post_id,
            due_at,
            excerpt,
            channels: u32::try_from(n).unwrap_or(0),
        }))
    }
}

/// The scheduler's shared signals, owned by the profile.
#[derive(Debug)]
pub(crate) struct SchedSignals {
    pub wake: std::sync::Arc<tokio::sync::Notify>,
    pub events: tokio::sync::broadcast::Sender<SchedulerEvent>,
}

impl Default for SchedSignals {
    fn default() -> Self {
        SchedSignals {
            wake: std::sync::Arc::new(tokio::sync::Notify::new()),
            events: tokio::sync::broadcast::channel(1024).0,
        }
    }
}
