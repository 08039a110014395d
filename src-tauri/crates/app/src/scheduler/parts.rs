//! The part log of one job (issue #16): every part of a post — the post, each reply of a thread,
//! a first comment — is written to the store the moment it is about to be sent and the moment it
//! is live, so a failure or a crash after part 1 resumes at the first unpublished part (replying
//! to the last live one) and never sends a live part twice.

use std::sync::Mutex;

use async_trait::async_trait;
use outpost_platforms::Platform;
use outpost_platforms::publish::{LivePart, PartLog, Publisher};
use outpost_store::parts::{self, PublishPart};
use outpost_store::{SqlitePool, now_ms};

use crate::Result;

/// Whether part 1 of a post on `platform` is its first comment (Facebook, Instagram, LinkedIn)
/// rather than the second post of a thread.
pub(crate) fn comment_platform(platform: Platform) -> bool {
    let l = outpost_platforms::publish::Limits::for_platform(platform);
    l.first_comment && !l.threads
}

/// What kind of part `index` is.
fn kind(comments: bool, index: usize) -> &'static str {
    match index {
        0 => "post",
        _ if comments => "comment",
        _ => "reply",
    }
}

/// The parts of one job: what is live (loaded from the store), and the store to write to (`None`:
/// kept in memory only, for a post published outside the scheduler).
#[derive(Debug)]
pub(crate) struct JobParts {
    pool: SqlitePool,
    job_id: String,
    comments: bool,
    live: Mutex<Vec<LivePart>>,
    /// At load: a part beyond the live ones was being sent (its outcome is unknown).
    in_flight: bool,
}

impl JobParts {
    /// The part log of `job_id`, with the parts an earlier attempt made live.
    pub(crate) async fn load(pool: &SqlitePool, job_id: &str, platform: Platform) -> Result<Self> {
        let rows = parts::list_for_job(pool, job_id).await?;
        let live = live_prefix(&rows);
        Ok(JobParts {
            pool: pool.clone(),
            job_id: job_id.to_string(),
            comments: comment_platform(platform),
            in_flight: in_flight(&rows, live.len()),
            live: Mutex::new(live),
        })
    }

    /// Whether, when loaded, a part beyond the live ones may have been sent.
    pub(crate) fn was_in_flight(&self) -> bool {
        self.in_flight
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LivePart>> {
        self.live
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many parts are live (in order from the first).
    pub(crate) fn live_count(&self) -> usize {
        self.lock().len()
    }

    /// The first part, once live.
    pub(crate) fn first(&self) -> Option<LivePart> {
        self.lock().first().cloned()
    }

    pub(crate) fn is_comment_platform(&self) -> bool {
        self.comments
    }
}

/// The parts live in order from part 0 (a gap ends it: nothing after a gap is treated as live).
pub(crate) fn live_prefix(rows: &[PublishPart]) -> Vec<LivePart> {
    let mut out = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if r.part_index != i as i64 || r.state != "published" {
            break;
        }
        out.push(LivePart {
            id: r.platform_id.clone().unwrap_or_default(),
            url: r.url.clone(),
        });
    }
    out
}

/// Whether a request for a part beyond the live ones may have left (a `sending` row after them).
pub(crate) fn in_flight(rows: &[PublishPart], live: usize) -> bool {
    rows.iter()
        .any(|r| r.part_index >= live as i64 && r.state == "sending")
}

/// Whether `publisher` writes its parts to the part log (then a missing `sending` row proves a
/// part was never sent).
pub(crate) fn logs_parts(p: &dyn Publisher) -> bool {
    matches!(
        p.platform(),
        Platform::X
            | Platform::Mastodon
            | Platform::Bluesky
            | Platform::Threads
            | Platform::Linkedin
            | Platform::Facebook
            | Platform::Instagram
    )
}

#[async_trait]
impl PartLog for JobParts {
    fn live(&self) -> Vec<LivePart> {
        self.lock().clone()
    }

    async fn sending(&self, index: usize) -> outpost_platforms::Result<()> {
        let pool = &self.pool;
        let i = i64::try_from(index).unwrap_or(i64::MAX);
        parts::mark_sending(pool, &self.job_id, i, kind(self.comments, index), now_ms())
            .await
            .map_err(|e| {
                outpost_platforms::Error::Config(format!(
                    "Outpost could not record the part it was about to send, so it sent nothing ({e})"
                ))
            })
    }

    async fn published(&self, index: usize, part: &LivePart) {
        {
            let mut live = self.lock();
            if live.len() == index {
                live.push(part.clone());
            }
        }
        let pool = &self.pool;
        let i = i64::try_from(index).unwrap_or(i64::MAX);
        // The part is live: record it, trying again a few times (the final result records it too).
        for attempt in 0..3 {
            match parts::mark_published(
                pool,
                &self.job_id,
                i,
                kind(self.comments, index),
                &part.id,
                part.url.as_deref(),
                now_ms(),
            )
            .await
            {
                Ok(()) => return,
                Err(e) => {
                    tracing::error!(job = %self.job_id, part = index, attempt, error = %e, "a live part could not be recorded");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }
}
