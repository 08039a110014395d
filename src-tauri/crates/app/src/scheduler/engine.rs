//! The dispatcher: one timer for the next due job, re-armed by every change, and the rules that
//! make a post go out exactly once.
//!
//! - A job is claimed (`scheduled → publishing`, attempt row with its idempotency key) in a committed
//!   transaction before the platform is called, so a crash leaves evidence, never a silent re-run.
//! - After a failure only outcomes where nothing can have been published are retried (connection
//!   refused before sending, 429); an ambiguous one (timeout, reset, 5xx, unreadable answer) is
//!   retried only on platforms where a repeat cannot duplicate (Mastodon's `Idempotency-Key`,
//!   Bluesky's derived record keys); elsewhere the post is looked up, and if it cannot be found the
//!   job becomes `unconfirmed` and the user is asked.
//! - One post at a time per channel (threads and order stay intact), bounded concurrency overall,
//!   each channel within its documented rate; a 429 parks that channel only.
//! - Posts that fell due while Outpost was not running (or the computer slept) are published if
//!   less than the grace period late, otherwise held and announced — never a silent stale burst.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use outpost_platforms::Platform;
use outpost_platforms::publish::Published;
use outpost_platforms::publisher;
use outpost_store::jobs::{self, PublishJob, attempts};
use outpost_store::{AttemptOutcome, JobState, new_id};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::clock::Clock;
use super::parts::{self, JobParts};
use super::rates::{Limiter, post_rate};
use super::{SchedulerEvent, grace_ms};
use crate::channels::to_platform;
use crate::posts::refresh_post_status_in;
use crate::{Error, Outpost, Result};
use outpost_platforms::publish::PartLog as _;

/// How the scheduler behaves (defaults suit the desktop app and `outpost run`).
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    pub clock: Arc<dyn Clock>,
    /// Posts published at the same time, across channels.
    pub concurrency: usize,
    /// First retry delay (doubles per attempt, ±20 % jitter, capped at 30 minutes).
    pub retry_base_ms: i64,
    /// Attempts before a retryable failure becomes `failed`.
    pub max_attempts: i64,
    /// Also run feeds and evergreen repeats ([`crate::automation::run`]) while publishing.
    pub automation: bool,
}

impl SchedulerConfig {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        SchedulerConfig {
            clock,
            concurrency: 4,
            retry_base_ms: 30_000,
            max_attempts: 8,
            automation: true,
        }
    }
}

/// A natively scheduled post is confirmed this long after its time.
pub(crate) const NATIVE_CONFIRM_MS: i64 = 60_000;
/// A post is handed to the platform's scheduler only when it is due later than this.
pub(crate) const NATIVE_MIN_LEAD_MS: i64 = 15 * 60_000;
/// Mastodon keeps an `Idempotency-Key` for an hour; a retry after that is no longer safe.
const IDEMPOTENCY_WINDOW_MS: i64 = 50 * 60_000;
/// A timer that fires this much late means the computer slept: jobs due meanwhile count as missed.
const SLEEP_DETECT_MS: i64 = 60_000;

/// What `run_once` did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct OnceReport {
    pub published: u32,
    pub failed: u32,
    pub unconfirmed: u32,
    pub held: u32,
    /// Jobs still scheduled (not due yet, or waiting for a rate limit).
    pub still_scheduled: u32,
}

/// The scheduler of one profile.
#[derive(Debug, Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    outpost: Outpost,
    cfg: SchedulerConfig,
    permits: Arc<Semaphore>,
    rt: std::sync::Mutex<Runtime>,
    /// Jobs due before this instant were due while Outpost was not running (or asleep).
    awake_since: AtomicI64,
}

#[derive(Debug, Default)]
struct Runtime {
    /// Channels waiting until (unix ms): a 429, or their own rate window.
    parked: HashMap<String, i64>,
    /// Channels with a post in flight.
    busy: HashSet<String>,
    limiter: Limiter,
}

/// How an attempt ended, for the state machine.
enum Settle {
    Published(Published),
    /// The post is live, its first comment is not (failed, or its outcome unknown): the job is
    /// published and the comment waits for the user (retry or dismiss).
    CommentFailed {
        published: Published,
        why: String,
    },
    /// Nothing can have been published: try again at `at`.
    Retry {
        at: i64,
        outcome: AttemptOutcome,
        why: String,
    },
    /// The channel is limited until `until`; the job keeps its place.
    Park {
        until: i64,
        why: String,
    },
    Hold(String),
    Fail(String),
    Unconfirmed(String),
}

impl Scheduler {
    pub fn new(outpost: Outpost, cfg: SchedulerConfig) -> Self {
        let now = cfg.clock.now_ms();
        Scheduler {
            inner: Arc::new(Inner {
                permits: Arc::new(Semaphore::new(cfg.concurrency.max(1))),
                outpost,
                cfg,
                rt: std::sync::Mutex::new(Runtime::default()),
                awake_since: AtomicI64::new(now),
            }),
        }
    }

    fn now(&self) -> i64 {
        self.inner.cfg.clock.now_ms()
    }

    fn rt(&self) -> std::sync::MutexGuard<'_, Runtime> {
        self.inner
            .rt
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs until `stop` turns true; then finishes the posts in flight and returns.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) -> Result<()> {
        let outpost = &self.inner.outpost;
        let wake = outpost.scheduler_wake();
        self.recover().await?;
        let mut tasks = JoinSet::new();
        // Feeds and evergreen repeats run beside publishing, under the same lock and clock.
        let automation = self.inner.cfg.automation.then(|| {
            tokio::spawn(crate::automation::run(
                outpost.clone(),
                self.inner.cfg.clock.clone(),
                stop.clone(),
            ))
        });
        tracing::info!("scheduler started");
        loop {
            if *stop.borrow() {
                break;
            }
            while tasks.try_join_next().is_some() {}
            let next = if outpost.scheduler_paused().await? {
                None
            } else {
                self.dispatch_ready(&mut tasks).await?
            };
            outpost.emit_scheduler(SchedulerEvent::Armed { next_at: next });
            let clock = self.inner.cfg.clock.clone();
            let timer = async move {
                match next {
                    Some(at) => {
                        clock.sleep_until(at).await;
                        Some(at)
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = wake.notified() => {}
                fired = timer => {
                    if let Some(at) = fired {
                        let now = self.now();
                        if now - at > SLEEP_DETECT_MS {
                            // The computer slept through the timer: what fell due meanwhile was missed.
                            tracing::info!(late_ms = now - at, "woke up late; applying the missed-post policy");
                            self.inner.awake_since.store(now, Ordering::SeqCst);
                        }
                    }
                }
                _ = stop.changed() => {}
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            }
        }
        tracing::info!(
            in_flight = tasks.len(),
            "scheduler stopping; finishing posts in flight"
        );
        while tasks.join_next().await.is_some() {}
        if let Some(a) = automation {
            let _ = a.await;
        }
        Ok(())
    }

    /// Publishes what is due now and returns when nothing due is left that may go out now.
    pub async fn run_once(&self) -> Result<OnceReport> {
        self.recover().await?;
        let mut tasks = JoinSet::new();
        loop {
            let now = self.now();
            let before = tasks.len();
            self.dispatch_ready(&mut tasks).await?;
            if tasks.len() == before && tasks.is_empty() {
                break;
            }
            if tasks.join_next().await.is_none() {
                break;
            }
            // Everything due at `now` and allowed has been started once the loop sees no new task.
            let _ = now;
        }
        while tasks.join_next().await.is_some() {}
        self.once_report().await
    }

    async fn once_report(&self) -> Result<OnceReport> {
        let mut r = OnceReport::default();
        for (state, n) in jobs::count_by_state(self.inner.outpost.store().pool()).await? {
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            match state {
                JobState::Published => r.published = n,
                JobState::Failed => r.failed = n,
                JobState::Unconfirmed => r.unconfirmed = n,
                JobState::Held => r.held = n,
                JobState::Scheduled => r.still_scheduled = n,
                _ => {}
            }
        }
        Ok(r)
    }

    /// Starts every job that may go out now; returns when the timer should fire next.
    async fn dispatch_ready(&self, tasks: &mut JoinSet<()>) -> Result<Option<i64>> {
        let now = self.now();
        let pool = self.inner.outpost.store().pool().clone();
        let grace = grace_ms(&self.inner.outpost).await?;
        // Rate-limit pauses survive a restart: the store's are the floor of the in-memory ones.
        let stored = outpost_store::parts::pauses::active(&pool, now).await?;
        let mut excluded: Vec<String> = {
            let mut rt = self.rt();
            for (channel, until) in stored {
                let at = rt.parked.entry(channel).or_insert(until);
                *at = (*at).max(until);
            }
            rt.parked.retain(|_, until| *until > now);
            rt.parked.keys().chain(rt.busy.iter()).cloned().collect()
        };
        loop {
            if self.inner.permits.available_permits() == 0 {
                break;
            }
            let Some(c) = next_candidate(&pool, now, &excluded).await? else {
                break;
            };
            excluded.push(c.channel_id.clone());
            let awake_since = self.inner.awake_since.load(Ordering::SeqCst);
            if c.due_at + grace < now && c.due_at < awake_since && c.native_schedule_id.is_none() {
                self.hold_missed(&c, now).await?;
                // The channel may have more due jobs: look again.
                excluded.pop();
                continue;
            }
            let platform = Platform::from_id(&c.platform).unwrap_or(Platform::X);
            let rate = post_rate(platform);
            {
                let mut rt = self.rt();
                let allowed = rt.limiter.next_allowed(&c.channel_id, rate, now);
                if allowed > now {
                    rt.parked.insert(c.channel_id.clone(), allowed);
                    continue;
                }
                rt.limiter.record(&c.channel_id, rate, now);
                rt.busy.insert(c.channel_id.clone());
            }
            let Ok(permit) = self.inner.permits.clone().try_acquire_owned() else {
                self.rt().busy.remove(&c.channel_id);
                break;
            };
            let me = self.clone();
            tasks.spawn(async move {
                let channel = c.channel_id.clone();
                if let Err(e) = me.dispatch(&c).await {
                    tracing::error!(job = %c.job_id, error = %e, "dispatch failed");
                }
                me.rt().busy.remove(&channel);
                drop(permit);
                me.inner.outpost.scheduler_changed();
            });
        }
        // The next moment something can change: the next due job, or a parked channel's release.
        let next_due = next_due_after(&pool, now).await?;
        let next_park = self.rt().parked.values().copied().min();
        Ok(match (next_due, next_park) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }

    async fn hold_missed(&self, c: &Candidate, now: i64) -> Result<()> {
        let late_min = (now - c.due_at) / 60_000;
        let reason = format!(
            "Missed: Outpost was not running when this post was due ({} late). Publish it now, reschedule or cancel it.",
            human_minutes(late_min)
        );
        self.set_job_state(c, JobState::Held, c.due_at, None, Some(&reason))
            .await?;
        self.emit_job(c, JobState::Held, Some(reason));
        Ok(())
    }

    /// Sets a job's state, due time and texts, and its post's status, in one transaction.
    async fn set_job_state(
        &self,
        c: &Candidate,
        state: JobState,
        due_at: i64,
        last_error: Option<&str>,
        hold_reason: Option<&str>,
    ) -> Result<()> {
        let o = &self.inner.outpost;
        let mut tx = o.store().begin().await?;
        jobs::set_state(
            &mut *tx,
            &c.job_id,
            state,
            due_at,
            last_error,
            hold_reason,
            self.now(),
        )
        .await?;
        refresh_post_status_in(&mut tx, &c.post_id).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        Ok(())
    }

    fn emit_job(&self, c: &Candidate, state: JobState, message: Option<String>) {
        self.inner.outpost.emit_scheduler(SchedulerEvent::Job {
            job_id: c.job_id.clone(),
            post_id: c.post_id.clone(),
            channel_id: c.channel_id.clone(),
            state: state.as_str().to_string(),
            message,
        });
    }

    /// One job: claim, publish, settle.
    async fn dispatch(&self, c: &Candidate) -> Result<()> {
        let o = &self.inner.outpost;
        let pool = o.store().pool();
        let now = self.now();
        let job = jobs::get(pool, &c.job_id).await?;
        if job.native_schedule_id.is_some() {
            return self.confirm_native(c, &job).await;
        }
        // Build the post before claiming: a vanished file holds the job, nothing is sent.
        let (channel_id, post) = match o.platform_post_for(&job).await {
            Ok(p) => p,
            Err(e) => {
                let reason = e.to_string();
                self.set_job_state(c, JobState::Held, job.due_at, None, Some(&reason))
                    .await?;
                self.emit_job(c, JobState::Held, Some(reason));
                return Ok(());
            }
        };
        // The parts an earlier attempt made live: publishing resumes after them.
        let platform = o.channel_platform(&channel_id).await?;
        let parts = JobParts::load(pool, &job.id, platform).await?;
        // An automatic repeat (a retry after an unknown outcome, or resumed after a crash: the job
        // carries the reason; a user's "publish again" clears it) whose key has expired meanwhile —
        // the computer slept, a rate limit parked it — must not be sent: it could be a second copy.
        // Only a part that may have been sent is in doubt (the part log says which).
        let (keyed, first_uncertain) = self.key_state(&job.id, &channel_id, &post).await?;
        let key_expired = job.last_error.is_some()
            && keyed
            && parts.was_in_flight()
            && first_uncertain.is_some_and(|t| now - t >= IDEMPOTENCY_WINDOW_MS);
        // Claim in a committed transaction, with the attempt and its idempotency key.
        let attempt_id = new_id();
        let mut tx = o.store().begin().await?;
        let Some(claimed) = jobs::claim(&mut *tx, &job.id, now).await? else {
            return Ok(());
        };
        attempts::insert(
            &mut *tx,
            &attempts::PublishAttempt {
                id: attempt_id.clone(),
                job_id: job.id.clone(),
                attempt_no: claimed.attempt_count,
                started_at: now,
                idempotency_key: Some(post.key.clone()),
                ..Default::default()
            },
        )
        .await?;
        refresh_post_status_in(&mut tx, &c.post_id).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.emit_job(c, JobState::Publishing, None);

        let events = o.clone();
        let (job_id, post_id) = (job.id.clone(), c.post_id.clone());
        let progress = move |sent: u64, total: u64| {
            events.emit_scheduler(SchedulerEvent::Progress {
                job_id: job_id.clone(),
                post_id: post_id.clone(),
                sent,
                total,
            });
        };
        let native = post.options.publish_at.is_some();
        if !native && !post.parts.is_empty() && parts.live_count() >= post.parts.len() {
            // Every part is live already (recorded before the answer was): nothing to send.
            let settle = Settle::Published(published_from(&parts.live()));
            return self.settle(c, &claimed, &attempt_id, false, settle).await;
        }
        if key_expired {
            let settle = match self.look_up(&job.id, &channel_id, &post).await {
                Ok(Some(p)) => Settle::Published(p),
                _ => Settle::Unconfirmed(
                    "An earlier attempt may have published this post, and the platform no longer remembers its key, so Outpost did not send it again. Check the channel, then mark it published or publish it again.".into(),
                ),
            };
            return self.settle(c, &claimed, &attempt_id, false, settle).await;
        }
        let result = o
            .publish_attempt(&channel_id, &post, &parts, &progress)
            .await;
        let settle = self
            .classify(&claimed, &channel_id, &post, &parts, result)
            .await;
        self.settle(c, &claimed, &attempt_id, native, settle).await
    }

    /// Turns a publish result into the next state, looking the post up where the outcome is unknown.
    async fn classify(
        &self,
        job: &PublishJob,
        channel_id: &str,
        post: &outpost_platforms::publish::Post,
        parts: &JobParts,
        result: std::result::Result<Published, AttemptError>,
    ) -> Settle {
        use outpost_platforms::Error as P;
        let now = self.now();
        let e = match result {
            Ok(p) => return Settle::Published(p),
            Err(e) => e,
        };
        let retry_at = |n: i64| now + backoff(self.inner.cfg.retry_base_ms, n);
        let give_up = job.attempt_count >= self.inner.cfg.max_attempts;
        let (err, reached) = (e.error, e.reached_platform);
        let mut msg = err.to_string();
        if parts.is_comment_platform()
            && let Some(first) = parts.first()
        {
            // The post is live: only its first comment is missing. Never publish the post again.
            let known = !reached
                || matches!(
                    err,
                    Error::Platform(
                        P::RateLimited { .. } | P::Rejected { .. } | P::NeedsReauth { .. }
                    )
                );
            let why = if known {
                format!("The post is published, but its first comment was not: {msg}")
            } else {
                format!(
                    "The post is published, but Outpost cannot tell whether its first comment went out ({msg}). Check the post, then retry or dismiss the comment."
                )
            };
            return Settle::CommentFailed {
                published: published_from(std::slice::from_ref(&first)),
                why,
            };
        }
        let live = parts.live_count();
        if live > 0 {
            msg = format!(
                "{} of {} parts are live and will not be sent again; the rest resumes after them. {msg}",
                live,
                post.parts.len()
            );
        }
        match &err {
            Error::Platform(P::RateLimited { retry_at: at, .. }) => Settle::Park {
                until: at
                    .map_or_else(|| retry_at(job.attempt_count), |s| s * 1000)
                    .max(now + 1_000),
                why: msg,
            },
            Error::Platform(P::NeedsReauth { .. }) => Settle::Hold(msg),
            Error::Platform(P::Rejected { .. } | P::Unsupported { .. })
            | Error::InvalidInput(_) => Settle::Fail(msg),
            Error::Platform(P::Config(_) | P::MediaHostUnavailable(_))
            | Error::AppNotConfigured(_)
            | Error::Vault(_) => Settle::Hold(msg),
            Error::Platform(P::Network { source, .. }) if !reached || source.nothing_was_sent() => {
                if give_up {
                    Settle::Fail(format!(
                        "Gave up after {} attempts: {msg}",
                        job.attempt_count
                    ))
                } else {
                    Settle::Retry {
                        at: retry_at(job.attempt_count),
                        outcome: AttemptOutcome::RetryableError,
                        why: msg,
                    }
                }
            }
            _ if !reached => {
                if give_up {
                    Settle::Fail(msg)
                } else {
                    Settle::Retry {
                        at: retry_at(job.attempt_count),
                        outcome: AttemptOutcome::RetryableError,
                        why: msg,
                    }
                }
            }
            // Ambiguous: the platform may have published.
            _ => self.reconcile(job, channel_id, post, &msg).await,
        }
    }

    /// After an ambiguous outcome: retry where a repeat cannot duplicate, else look the post up.
    async fn reconcile(
        &self,
        job: &PublishJob,
        channel_id: &str,
        post: &outpost_platforms::publish::Post,
        why: &str,
    ) -> Settle {
        let at = self.now() + backoff(self.inner.cfg.retry_base_ms, job.attempt_count);
        if job.attempt_count < self.inner.cfg.max_attempts
            && self
                .repeat_is_safe(&job.id, channel_id, post, at)
                .await
                .unwrap_or(false)
        {
            return Settle::Retry {
                at,
                outcome: AttemptOutcome::Unknown,
                why: why.to_string(),
            };
        }
        match self.look_up(&job.id, channel_id, post).await {
            Ok(Some(p)) => Settle::Published(p),
            _ => Settle::Unconfirmed(format!(
                "Outpost cannot tell whether this post went out ({why}). Check the channel, then mark it published or publish it again."
            )),
        }
    }

    async fn settle(
        &self,
        c: &Candidate,
        job: &PublishJob,
        attempt_id: &str,
        native: bool,
        settle: Settle,
    ) -> Result<()> {
        let o = &self.inner.outpost;
        let now = self.now();
        let mut tx = o.store().begin().await?;
        let mut comment_failed = None;
        let (state, message) = match settle {
            Settle::Published(p) if native => {
                // Handed to the platform's scheduler: track it, confirm after its time.
                let due = o.post_time(&c.post_id).await?.unwrap_or(job.due_at) + NATIVE_CONFIRM_MS;
                jobs::mark_handed_to_platform(&mut *tx, &job.id, &p.id, p.url.as_deref(), due, now)
                    .await?;
                attempts::finish(
                    &mut *tx,
                    attempt_id,
                    now,
                    AttemptOutcome::Success,
                    None,
                    Some("handed to the platform's scheduler"),
                )
                .await?;
                (
                    JobState::Scheduled,
                    Some("Handed to the platform's own scheduler".to_string()),
                )
            }
            Settle::CommentFailed { published: p, why } => {
                jobs::mark_published(&mut *tx, &job.id, &p.id, p.url.as_deref(), now).await?;
                let kind = "comment";
                outpost_store::parts::mark_failed(&mut *tx, &job.id, 1, kind, &why, now).await?;
                attempts::finish(
                    &mut *tx,
                    attempt_id,
                    now,
                    AttemptOutcome::Success,
                    None,
                    Some("published; first comment failed"),
                )
                .await?;
                comment_failed = Some(why);
                (JobState::Published, p.url)
            }
            Settle::Published(p) => {
                record_thread(&mut tx, &job.id, &p, now).await?;
                jobs::mark_published(&mut *tx, &job.id, &p.id, p.url.as_deref(), now).await?;
                attempts::finish(
                    &mut *tx,
                    attempt_id,
                    now,
                    AttemptOutcome::Success,
                    None,
                    p.url.as_deref(),
                )
                .await?;
                (JobState::Published, p.url)
            }
            other => {
                // Every other outcome: the job's next state and due time, the attempt's outcome.
                let (state, due, outcome, status, hold, why) = match other {
                    Settle::Retry { at, outcome, why } => {
                        (JobState::Scheduled, at, outcome, None, false, why)
                    }
                    Settle::Park { until, why } => {
                        self.rt().parked.insert(c.channel_id.clone(), until);
                        // Kept in the store: a restart does not retry before `until`.
                        outpost_store::parts::pauses::set(&mut *tx, &c.channel_id, until, &why)
                            .await?;
                        let o = AttemptOutcome::RateLimited;
                        (JobState::Scheduled, job.due_at, o, Some(429), false, why)
                    }
                    Settle::Hold(why) => {
                        let o = AttemptOutcome::NeedsReauth;
                        (JobState::Held, job.due_at, o, None, true, why)
                    }
                    Settle::Fail(why) => {
                        let o = AttemptOutcome::Rejected;
                        (JobState::Failed, job.due_at, o, None, false, why)
                    }
                    Settle::Unconfirmed(why) => {
                        let o = AttemptOutcome::Unknown;
                        (JobState::Unconfirmed, job.due_at, o, None, false, why)
                    }
                    Settle::Published(_) | Settle::CommentFailed { .. } => {
                        unreachable!("published outcomes are settled above")
                    }
                };
                let hold_reason = hold.then_some(why.as_str());
                jobs::set_state(&mut *tx, &job.id, state, due, Some(&why), hold_reason, now)
                    .await?;
                attempts::finish(&mut *tx, attempt_id, now, outcome, status, Some(&why)).await?;
                (state, Some(why))
            }
        };
        refresh_post_status_in(&mut tx, &c.post_id).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.emit_job(c, state, message);
        if let Some(why) = comment_failed {
            self.emit_comment_failed(c, why);
        }
        Ok(())
    }

    /// Tells the front-ends (and the notifications) that a post's first comment did not go out.
    fn emit_comment_failed(&self, c: &Candidate, why: String) {
        self.inner.outpost.emit_scheduler(SchedulerEvent::Job {
            job_id: c.job_id.clone(),
            post_id: c.post_id.clone(),
            channel_id: c.channel_id.clone(),
            state: COMMENT_FAILED.to_string(),
            message: Some(why),
        });
    }

    /// A natively scheduled post's time has passed: it counts as published only when a look-up
    /// finds it at the platform; otherwise it is unconfirmed, with the link to check.
    async fn confirm_native(&self, c: &Candidate, job: &PublishJob) -> Result<()> {
        let o = &self.inner.outpost;
        let now = self.now();
        let (channel_id, mut post) = o.platform_post_for(job).await?;
        // The platform creates the post at its time: only one created from then on is this one.
        let at = o.post_time(&c.post_id).await?.unwrap_or(job.due_at);
        post.options.attempt_since = Some(at / 1000);
        let (pid, url) = match o.lookup_post(&channel_id, &post).await {
            Ok(Some(p)) => (p.id, p.url.or_else(|| job.platform_url.clone())),
            found => {
                let why = match found {
                    Err(e) => format!(
                        "The platform's scheduler had this post, but Outpost could not check that it went out: {e}. Check it on the platform"
                    ),
                    _ => "The platform's scheduler had this post, but it was not found at the platform after its time. Check it on the platform".to_string(),
                };
                tracing::warn!(job = %job.id, "native handoff not confirmed");
                self.set_job_state(c, JobState::Unconfirmed, job.due_at, Some(&why), None)
                    .await?;
                self.emit_job(c, JobState::Unconfirmed, Some(why));
                return Ok(());
            }
        };
        let mut tx = o.store().begin().await?;
        jobs::mark_published(&mut *tx, &job.id, &pid, url.as_deref(), now).await?;
        outpost_store::parts::mark_published(
            &mut *tx,
            &job.id,
            0,
            "post",
            &pid,
            url.as_deref(),
            now,
        )
        .await?;
        refresh_post_status_in(&mut tx, &c.post_id).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.emit_job(c, JobState::Published, url);
        Ok(())
    }

    /// Looks `post` up as this job's attempts may have created it: only a post created since the
    /// first attempt that may have reached the platform counts (never an older one with the same
    /// text); without such an attempt nothing matches.
    async fn look_up(
        &self,
        job_id: &str,
        channel_id: &str,
        post: &outpost_platforms::publish::Post,
    ) -> Result<Option<Published>> {
        let o = &self.inner.outpost;
        let since = attempts::first_unsettled_start(o.store().pool(), job_id, &post.key).await?;
        let Some(since) = since else {
            return Ok(None);
        };
        let mut post = post.clone();
        post.options.attempt_since = Some(since.div_euclid(1000));
        o.lookup_post(channel_id, &post).await
    }

    /// Whether sending `post` again at `at` cannot create a second copy: the platform honours a
    /// client key ([`Publisher::retry_is_safe`]) and `at` is within the key's lifetime counted from
    /// the **first** attempt that may have reached the platform with it (a repeat that finds the key
    /// does not extend it; Mastodon keeps it an hour).
    ///
    /// [`Publisher::retry_is_safe`]: outpost_platforms::publish::Publisher::retry_is_safe
    async fn repeat_is_safe(
        &self,
        job_id: &str,
        channel_id: &str,
        post: &outpost_platforms::publish::Post,
        at: i64,
    ) -> Result<bool> {
        let (keyed, first) = self.key_state(job_id, channel_id, post).await?;
        Ok(keyed && first.is_none_or(|t| at - t < IDEMPOTENCY_WINDOW_MS))
    }

    /// Whether the channel's platform honours a client key, and when the first attempt that may
    /// have reached it with `post.key` started (outcome unknown, interrupted, or still open).
    async fn key_state(
        &self,
        job_id: &str,
        channel_id: &str,
        post: &outpost_platforms::publish::Post,
    ) -> Result<(bool, Option<i64>)> {
        let o = &self.inner.outpost;
        let keyed = o
            .channel_platform(channel_id)
            .await
            .ok()
            .and_then(publisher)
            .is_some_and(|p| p.retry_is_safe());
        if !keyed {
            return Ok((false, None));
        }
        let first = attempts::first_unsettled_start(o.store().pool(), job_id, &post.key).await?;
        Ok((true, first))
    }

    /// At start: every job left `publishing` by a crash is reconciled (never blindly re-sent).
    pub async fn recover(&self) -> Result<()> {
        let pool = self.inner.outpost.store().pool();
        let stuck = jobs::list_by_state(pool, JobState::Publishing).await?;
        if stuck.is_empty() {
            return Ok(());
        }
        tracing::warn!(
            count = stuck.len(),
            "reconciling posts interrupted while publishing"
        );
        for job in stuck {
            self.recover_job(job).await?;
        }
        Ok(())
    }

    async fn recover_job(&self, job: PublishJob) -> Result<()> {
        let o = &self.inner.outpost;
        let pool = o.store().pool();
        let now = self.now();
        attempts::interrupt_open(pool, &job.id, now).await?;
        let target = outpost_store::posts::targets::get(pool, &job.post_target_id).await?;
        let mut c = Candidate {
            job_id: job.id.clone(),
            post_id: target.post_id,
            channel_id: target.channel_id,
            platform: String::new(),
            due_at: job.due_at,
            native_schedule_id: None,
        };
        let (channel_id, post) = match o.platform_post_for(&job).await {
            Ok(x) => x,
            Err(e) => {
                let why =
                    format!("Outpost stopped while publishing and cannot check the post now: {e}");
                self.set_job_state(&c, JobState::Unconfirmed, job.due_at, Some(&why), None)
                    .await?;
                self.emit_job(&c, JobState::Unconfirmed, Some(why));
                return Ok(());
            }
        };
        c.channel_id.clone_from(&channel_id);
        let platform = o.channel_platform(&channel_id).await?;
        let parts = JobParts::load(pool, &job.id, platform).await?;
        let logged = publisher(platform).is_some_and(parts::logs_parts);
        if post.options.publish_at.is_none() && logged {
            let live = parts.live_count();
            let comment_in_doubt =
                parts.is_comment_platform() && live >= 1 && parts.was_in_flight();
            if !post.parts.is_empty() && live >= post.parts.len() {
                // Every part went live before the crash: published.
                let settle = Settle::Published(published_from(&parts.live()));
                return self.settle_recovered(&c, job, settle).await;
            }
            if comment_in_doubt {
                let settle = Settle::CommentFailed {
                    published: published_from(&parts.live()[..1]),
                    why: "The post is published, but Outpost stopped while posting its first comment and cannot tell whether it went out. Check the post, then retry or dismiss the comment.".into(),
                };
                return self.settle_recovered(&c, job, settle).await;
            }
            if !parts.was_in_flight() {
                // The part log proves the next part was never sent: resume after the live ones.
                let why = "resumed after Outpost stopped while publishing (nothing was in flight)";
                self.set_job_state(&c, JobState::Scheduled, now, Some(why), None)
                    .await?;
                return Ok(());
            }
        }
        if post.options.publish_at.is_none()
            && self
                .repeat_is_safe(&job.id, &channel_id, &post, now)
                .await?
        {
            // A repeat with the same key cannot duplicate: publish again right away.
            let why = "resumed after Outpost stopped while publishing";
            self.set_job_state(&c, JobState::Scheduled, now, Some(why), None)
                .await?;
            return Ok(());
        }
        let live = parts.live_count();
        let settle = match self.look_up(&job.id, &channel_id, &post).await {
            Ok(Some(p)) => Settle::Published(p),
            _ if live > 0 => Settle::Unconfirmed(format!(
                "{live} of {} parts are live (they will not be sent again); Outpost stopped while sending the next one and cannot tell whether it went out. Check the channel, then publish the rest or mark it published.",
                post.parts.len()
            )),
            _ => Settle::Unconfirmed(
                "Outpost stopped while publishing this post and cannot tell whether it went out. Check the channel, then mark it published or publish it again.".into(),
            ),
        };
        self.settle_recovered(&c, job, settle).await
    }

    /// Settles a job found `publishing` at start as an attempt of its own (numbered like every
    /// attempt of the job): a look-up or what the part log proves.
    async fn settle_recovered(&self, c: &Candidate, job: PublishJob, settle: Settle) -> Result<()> {
        let o = &self.inner.outpost;
        let now = self.now();
        let attempt_id = new_id();
        let mut tx = o.store().begin().await?;
        let attempt_no = jobs::next_attempt_no(&mut *tx, &job.id, now).await?;
        attempts::insert(
            &mut *tx,
            &attempts::PublishAttempt {
                id: attempt_id.clone(),
                job_id: job.id.clone(),
                attempt_no,
                started_at: now,
                response_summary: Some("reconciliation: looking the post up".into()),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        let job = PublishJob {
            attempt_count: attempt_no,
            ..job
        };
        self.settle(c, &job, &attempt_id, false, settle).await
    }
}

/// The job state a [`SchedulerEvent::Job`] carries when a published post's first comment failed.
pub const COMMENT_FAILED: &str = "comment_failed";

/// A published post made of its live parts.
fn published_from(live: &[outpost_platforms::publish::LivePart]) -> Published {
    let first = live.first().cloned().unwrap_or_default();
    Published {
        id: first.id,
        url: first.url,
        thread: live.iter().map(|l| l.id.clone()).collect(),
    }
}

/// Records every part of a published post (the part log normally has them already).
async fn record_thread(
    tx: &mut outpost_store::SqliteConnection,
    job_id: &str,
    p: &Published,
    now: i64,
) -> Result<()> {
    let rows = outpost_store::parts::list_for_job(&mut *tx, job_id).await?;
    for (i, id) in p.thread.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(i64::MAX);
        if id.is_empty()
            || rows
                .iter()
                .any(|r| r.part_index == i && r.state == "published")
        {
            continue;
        }
        let kind = rows
            .iter()
            .find(|r| r.part_index == i)
            .map_or(if i == 0 { "post" } else { "reply" }, |r| r.kind.as_str());
        let url = if i == 0 { p.url.as_deref() } else { None };
        outpost_store::parts::mark_published(&mut *tx, job_id, i, kind, id, url, now).await?;
    }
    Ok(())
}

/// A failed attempt: the error, and whether the request may have reached the platform.
#[derive(Debug)]
pub(crate) struct AttemptError {
    pub error: Error,
    pub reached_platform: bool,
}

/// A job ready to go, with what the dispatcher needs to order and limit it.
type Candidate = jobs::DueJob;

async fn next_candidate(
    pool: &outpost_store::SqlitePool,
    now: i64,
    excluded: &[String],
) -> Result<Option<Candidate>> {
    Ok(jobs::next_due_excluding(pool, now, excluded).await?)
}

async fn next_due_after(pool: &outpost_store::SqlitePool, now: i64) -> Result<Option<i64>> {
    Ok(jobs::next_due_after(pool, now).await?)
}

/// Exponential back-off with ±20 % jitter, capped at 30 minutes.
fn backoff(base_ms: i64, attempt: i64) -> i64 {
    use rand::Rng;
    let exp = base_ms.saturating_mul(1_i64 << attempt.clamp(1, 16).saturating_sub(1));
    let capped = exp.min(30 * 60_000);
    let jitter = rand::thread_rng().gen_range(-capped / 5..=capped / 5);
    (capped + jitter).max(1_000)
}

fn human_minutes(m: i64) -> String {
    if m < 120 {
        format!("{m} min")
    } else if m < 48 * 60 {
        format!("{} h", m / 60)
    } else {
        format!("{} days", m / (24 * 60))
    }
}

/// The platform of a channel.
impl Outpost {
    pub(crate) async fn channel_platform(&self, channel_id: &str) -> Result<Platform> {
        let c = outpost_store::channels::get(self.store().pool(), channel_id).await?;
        Ok(to_platform(c.platform))
    }

    pub(crate) async fn post_time(&self, post_id: &str) -> Result<Option<i64>> {
        Ok(outpost_store::posts::get(self.store().pool(), post_id)
            .await?
            .scheduled_at)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..20 {
            let b = backoff(30_000, attempt);
            let nominal = (30_000_i64 << (attempt.clamp(1, 16) - 1)).min(1_800_000);
            assert!(
                b >= nominal * 4 / 5 && b <= nominal * 6 / 5,
                "{attempt}: {b}"
            );
        }
    }
}
