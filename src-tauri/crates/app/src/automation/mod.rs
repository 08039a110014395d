//! Automation: feeds (RSS 2.0, Atom and JSON Feed items become drafts, queued posts or posts
//! published at once) and evergreen recycling (a post comes back on an interval into free posting
//! slots). Both run inside the scheduler's host (the desktop app or `outpost run`, whichever holds
//! the data directory's scheduler lock) on one timer for the next due feed or repeat; every post
//! they make goes through the same checks and writer as any post ([`Outpost::prepare_post`]).
//!
//! Exactly once: a feed item's dedupe row (`feed_items`, unique per feed and guid/link) and the post
//! it became are written in one transaction; so are an evergreen copy, its record and the rule's
//! next due time.

mod evergreen;
mod feeds;
pub mod fetch;
pub mod template;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, watch};

pub use evergreen::*;
pub use feeds::*;

use crate::Outpost;
use crate::scheduler::Clock;

/// How a feed's new items are posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FeedMode {
    /// A draft to review (no time).
    #[default]
    Draft,
    /// Scheduled at the channels' next free posting slot.
    Queue,
    /// Published at once.
    Now,
}

impl FeedMode {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedMode::Draft => "draft",
            FeedMode::Queue => "queue",
            FeedMode::Now => "now",
        }
    }

    pub fn parse(s: &str) -> crate::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "draft" => Ok(FeedMode::Draft),
            "queue" => Ok(FeedMode::Queue),
            "now" => Ok(FeedMode::Now),
            other => Err(crate::Error::InvalidInput(format!(
                "\"{}\" is not a feed mode: use draft, queue or now",
                other.chars().take(20).collect::<String>()
            ))),
        }
    }
}

/// What automation tells the front-ends (the desktop shell forwards it as events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AutomationEvent {
    /// Feeds were read (their status, items or errors changed).
    FeedsPolled { feed_ids: Vec<String> },
    /// Feed items or evergreen repeats became posts.
    PostsCreated { post_ids: Vec<String> },
}

/// The automation's wake-up signal (a feed or rule changed) and its event channel.
#[derive(Debug)]
pub(crate) struct AutomationState {
    wake: Arc<Notify>,
    events: tokio::sync::broadcast::Sender<AutomationEvent>,
    /// One poll or evergreen pass at a time in this process.
    pub(crate) busy: tokio::sync::Mutex<()>,
}

impl Default for AutomationState {
    fn default() -> Self {
        AutomationState {
            wake: Arc::default(),
            events: tokio::sync::broadcast::channel(64).0,
            busy: tokio::sync::Mutex::default(),
        }
    }
}

impl Outpost {
    /// Feed polls and posts made by automation, for the front-ends.
    pub fn automation_events(&self) -> tokio::sync::broadcast::Receiver<AutomationEvent> {
        self.automation_state().events.subscribe()
    }

    pub(crate) fn emit_automation(&self, e: AutomationEvent) {
        let _ = self.automation_state().events.send(e);
    }

    /// Tells the automation loop that feeds or evergreen rules changed.
    pub(crate) fn automation_changed(&self) {
        self.automation_state().wake.notify_one();
    }

    /// Everything automation has to do at `now`: due feeds are polled, due evergreen posts repeated.
    /// Returns when the next thing is due (unix ms), if anything is.
    pub async fn automation_tick(&self, now: i64) -> crate::Result<Option<i64>> {
        if let Err(e) = self.poll_due_feeds(now).await {
            tracing::warn!(error = %e, "feed polling failed");
        }
        if let Err(e) = self.run_evergreen(now).await {
            tracing::warn!(error = %e, "evergreen repeats failed");
        }
        self.automation_next_at().await
    }

    async fn automation_next_at(&self) -> crate::Result<Option<i64>> {
        let pool = self.store().pool();
        let a = outpost_store::automation::next_poll_at(pool).await?;
        let b = outpost_store::automation::next_rule_due_at(pool).await?;
        Ok(match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }
}

/// Runs feeds and evergreen repeats until `stop` turns true: one timer for the next due feed or
/// repeat, woken early when a feed or rule changes. Errors are logged and retried a minute later;
/// they never stop publishing.
pub async fn run(outpost: Outpost, clock: Arc<dyn Clock>, mut stop: watch::Receiver<bool>) {
    let wake = outpost.automation_state().wake.clone();
    // The inbox is read on its own timer beside feeds, in the same host.
    let inbox = tokio::spawn(crate::inbox::run(
        outpost.clone(),
        clock.clone(),
        stop.clone(),
    ));
    // Metrics are read on their own timer too (posts due by their age).
    let analytics = tokio::spawn(crate::analytics::run(
        outpost.clone(),
        clock.clone(),
        stop.clone(),
    ));
    tracing::info!("automation started");
    loop {
        if *stop.borrow() {
            break;
        }
        let now = clock.now_ms();
        let next = match outpost.automation_tick(now).await {
            Ok(next) => next,
            Err(e) => {
                tracing::warn!(error = %e, "automation pass failed; retrying in a minute");
                Some(now + 60_000)
            }
        };
        // Never spin: something due already (e.g. a feed whose poll failed) waits at least a second.
        let next = next.map(|at| at.max(clock.now_ms() + 1_000));
        let clock2 = clock.clone();
        let timer = async move {
            match next {
                Some(at) => clock2.sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = wake.notified() => {}
            () = timer => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    inbox.abort();
    analytics.abort();
    tracing::info!("automation stopped");
}
