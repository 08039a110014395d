//! Reading metrics: per channel, the published posts whose read is due (by the post's age: every
//! hour in its first 48 hours, then daily until 30 days, then weekly — [`next_interval_ms`]), and
//! the account's counters. Every read adds snapshots (nothing is overwritten); a post the
//! platform no longer has is marked deleted and keeps its history; a rate limit stops the
//! channel's pass (the rest is read next time) and a revoked grant or scope is a clear channel
//! state — the history already stored stays as it is. Runs every [`SYNC_EVERY_MS`] in the
//! scheduler's host ([`run`]) and on demand ("sync now", `outpost analytics sync`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use outpost_platforms::capability::{AccountMetrics, Capability, PostMetrics};
use outpost_platforms::post::Published;
use outpost_platforms::{Platform, publisher};
use outpost_store::analytics::{self as store, AnalyticsSnapshot};

use crate::channels::{read_gate, shown_name, to_platform};
use crate::scheduler::Clock;
use crate::{Outpost, Result};

/// How often the host looks for due reads.
pub const SYNC_EVERY_MS: i64 = 15 * 60 * 1000;
/// At most this many posts per channel and pass (quota: Mastodon allows 300 calls in 5 minutes).
const MAX_POSTS_PER_PASS: i64 = 200;
/// The account's counters are read at most this often by the scheduled pass.
const ACCOUNT_EVERY_MS: i64 = 60 * 60 * 1000;
const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// When a post of this age (ms since publishing) is read next, from now.
pub fn next_interval_ms(age_ms: i64) -> i64 {
    if age_ms < 2 * DAY_MS {
        HOUR_MS
    } else if age_ms < 30 * DAY_MS {
        DAY_MS
    } else {
        7 * DAY_MS
    }
}

/// What one channel's analytics sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalyticsSync {
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Platform,
    /// `synced`, `not_built`, `not_offered`, `skipped` (needs reconnecting), `rate_limited`, `failed`.
    pub outcome: String,
    /// Posts read in this pass.
    pub posts_read: u32,
    /// Posts found deleted on the platform in this pass (kept, with their history, and marked).
    pub posts_deleted: u32,
    /// Snapshots stored (one per metric per read).
    pub snapshots: u32,
    pub message: Option<String>,
}

/// The metric names stored for a post's counters, with their values (`None`: not counted).
pub(crate) fn post_values(m: &PostMetrics) -> [(&'static str, Option<u64>); 11] {
    [
        ("views", m.views),
        ("impressions", m.impressions),
        ("likes", m.likes),
        ("reposts", m.reposts),
        ("replies", m.replies),
        ("quotes", m.quotes),
        ("saves", m.saves),
        ("link_clicks", m.link_clicks),
        ("reach", m.reach),
        ("watch_minutes", m.watch_minutes),
        ("avg_view_seconds", m.avg_view_seconds),
    ]
}

fn account_values(m: &AccountMetrics) -> [(&'static str, Option<u64>); 6] {
    [
        ("followers", m.followers),
        ("following", m.following),
        ("posts", m.posts),
        ("impressions", m.impressions),
        ("reach", m.reach),
        ("profile_views", m.profile_views),
    ]
}

fn snapshot(
    channel_id: &str,
    target: Option<&str>,
    metric: &str,
    v: u64,
    at: i64,
) -> AnalyticsSnapshot {
    AnalyticsSnapshot {
        id: outpost_store::new_id(),
        channel_id: channel_id.to_string(),
        post_target_id: target.map(str::to_string),
        metric: metric.to_string(),
        value: v as f64,
        demographics: None,
        captured_at: at,
    }
}

impl Outpost {
    /// Reads due metrics on one channel or every connected channel. `manual` ("sync now") also
    /// reads what falls due within the hour and always reads the account's counters.
    pub async fn analytics_sync(&self, channel_id: Option<&str>) -> Result<Vec<AnalyticsSync>> {
        self.analytics_pass(channel_id, true, crate::inbox::now_ms())
            .await
    }

    /// "Sync now" on one post: reads its numbers on each channel it went out on now, whatever
    /// their schedule (with whatever else of those channels is due within the hour).
    pub async fn analytics_sync_post(&self, post_id: &str) -> Result<Vec<AnalyticsSync>> {
        let pool = self.store().pool();
        outpost_store::posts::get(pool, post_id).await?;
        store::make_post_due(pool, post_id).await?;
        let mut channels: Vec<String> = store::post_target_reads(pool, post_id)
            .await?
            .into_iter()
            .map(|t| t.channel_id)
            .collect();
        channels.sort();
        channels.dedup();
        if channels.is_empty() {
            return Err(crate::Error::InvalidInput(
                "the post has not gone out on any channel yet: there are no numbers to read".into(),
            ));
        }
        let now = crate::inbox::now_ms();
        let mut out = Vec::with_capacity(channels.len());
        for c in channels {
            out.extend(self.analytics_pass(Some(&c), true, now).await?);
        }
        Ok(out)
    }

    pub(crate) async fn analytics_pass(
        &self,
        channel_id: Option<&str>,
        manual: bool,
        now: i64,
    ) -> Result<Vec<AnalyticsSync>> {
        let pool = self.store().pool();
        let channels = self.channels_to_read(channel_id).await?;
        let states = store::channel_states(pool).await?;
        let mut out = Vec::with_capacity(channels.len());
        for c in channels {
            let platform = to_platform(c.platform);
            let gate = read_gate(
                &c,
                Capability::PostMetrics,
                &format!("read {} metrics", platform.name()),
            );
            let mut r = AnalyticsSync {
                channel_id: c.id.clone(),
                channel_name: shown_name(&c),
                platform,
                outcome: gate.as_ref().map_or("synced", |g| g.0).into(),
                posts_read: 0,
                posts_deleted: 0,
                snapshots: 0,
                message: gate.map(|g| g.1),
            };
            let mut synced_at = None;
            if r.outcome == "synced" {
                let last = states
                    .iter()
                    .find(|s| s.channel_id == c.id)
                    .and_then(|s| s.last_synced_at);
                let account = manual || last.is_none_or(|t| now - t >= ACCOUNT_EVERY_MS);
                let due_before = if manual { now + HOUR_MS } else { now };
                if let Err(e) = self
                    .analytics_channel(&c.id, platform, account, now, due_before, &mut r)
                    .await
                {
                    tracing::warn!(channel = %c.id, error = %e, "analytics sync failed");
                    r.outcome = match e {
                        crate::Error::Platform(outpost_platforms::Error::RateLimited {
                            ..
                        }) => "rate_limited",
                        // Offered for some channels of the platform only (a LinkedIn member
                        // profile has no statistics an app may read): said, not a failure.
                        crate::Error::Platform(outpost_platforms::Error::Unsupported {
                            ..
                        }) => "not_offered",
                        _ => "failed",
                    }
                    .into();
                    r.message = Some(e.to_string());
                } else {
                    synced_at = Some(now);
                }
            }
            store::set_channel_state(
                pool,
                &c.id,
                &r.outcome,
                r.message.as_deref(),
                synced_at,
                now,
            )
            .await?;
            out.push(r);
        }
        Ok(out)
    }

    async fn analytics_channel(
        &self,
        channel_id: &str,
        platform: Platform,
        account: bool,
        now: i64,
        due_before: i64,
        r: &mut AnalyticsSync,
    ) -> Result<()> {
        let pubr = publisher(platform).ok_or(outpost_platforms::Error::NotBuiltYet {
            platform,
            what: "reading metrics",
        })?;
        let (tokens, app, _) = self.publish_context(channel_id).await?;
        let ctx = self.ctx_for(&app);
        let pool = self.store().pool();
        if account {
            let m = pubr.account_metrics(ctx, &tokens).await?;
            let mut tx = self.store().begin().await?;
            for (name, v) in account_values(&m) {
                if let Some(v) = v {
                    store::insert(&mut *tx, &snapshot(channel_id, None, name, v, now)).await?;
                    r.snapshots += 1;
                }
            }
            tx.commit().await.map_err(outpost_store::Error::from)?;
        }
        let due = store::due_targets(pool, channel_id, due_before, MAX_POSTS_PER_PASS).await?;
        let mut failed = 0u32;
        for t in due {
            let published = Published {
                id: t.platform_post_id.clone(),
                url: t.platform_url.clone(),
                thread: vec![t.platform_post_id.clone()],
            };
            let next = now + next_interval_ms(now - t.published_at);
            match pubr.post_metrics(ctx, &tokens, &published).await {
                Ok(m) => {
                    let mut tx = self.store().begin().await?;
                    if m.deleted {
                        r.posts_deleted += 1;
                    } else {
                        for (name, v) in post_values(&m) {
                            if let Some(v) = v {
                                store::insert(
                                    &mut *tx,
                                    &snapshot(channel_id, Some(&t.post_target_id), name, v, now),
                                )
                                .await?;
                                r.snapshots += 1;
                            }
                        }
                    }
                    store::record_target(
                        &mut *tx,
                        &t.post_target_id,
                        channel_id,
                        Some(now),
                        next,
                        m.deleted.then_some(now),
                        None,
                    )
                    .await?;
                    tx.commit().await.map_err(outpost_store::Error::from)?;
                    r.posts_read += 1;
                }
                // A post the platform answers oddly is retried at its next time; the channel goes on.
                Err(e @ outpost_platforms::Error::InvalidResponse { .. }) => {
                    failed += 1;
                    store::record_target(
                        pool,
                        &t.post_target_id,
                        channel_id,
                        None,
                        next,
                        None,
                        Some(&e.to_string()),
                    )
                    .await?;
                }
                // Rate limits, a revoked grant or scope, the network: the channel stops here.
                Err(e) => return Err(e.into()),
            }
        }
        if failed > 0 {
            r.message = Some(format!(
                "{failed} post(s) could not be read; they are tried again later."
            ));
        }
        Ok(())
    }
}

/// Reads what is due now and then every [`SYNC_EVERY_MS`] until `stop` turns true (inside the
/// scheduler's host, beside feeds and the inbox).
pub async fn run(outpost: Outpost, clock: Arc<dyn Clock>, stop: watch::Receiver<bool>) {
    crate::scheduler::clock::every("analytics sync", clock, stop, SYNC_EVERY_MS, |now| {
        let outpost = outpost.clone();
        async move {
            match outpost.analytics_pass(None, false, now).await {
                Ok(reports) => {
                    let n: u32 = reports.iter().map(|r| r.snapshots).sum();
                    tracing::info!(snapshots = n, "analytics synced");
                }
                Err(e) => tracing::warn!(error = %e, "analytics sync failed"),
            }
        }
    })
    .await;
}
