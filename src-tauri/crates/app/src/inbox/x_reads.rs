//! X's pay-per-use reads (X bills every post and DM event an app reads; prices in
//! `outpost_platforms::x::pricing`, from docs.x.com): a user cap on reads per sync and per calendar
//! month (UTC) (setting `inbox.x_read_cap`), the reads of the month so far and of each X channel's
//! recent syncs (setting `inbox.x_reads`), and the expected number of reads and their cost shown
//! before a sync. Each page is asked for no more resources than the caps still allow
//! (`max_results`, through the token set's `page_size` fact), so a cap is never passed; when it
//! is reached the sync stops with the outcome `cap_reached` and the cursor stays where the stored
//! items end.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use outpost_platforms::Platform;
use outpost_platforms::x::pricing;
use outpost_store::settings;

use crate::channels::{shown_name, to_platform};
use crate::{Error, Outpost, Result};

/// The caps (`null`: no cap).
pub const CAP_SETTING: &str = "inbox.x_read_cap";
/// What was read: `{"month", "reads", "micros", "recent": {channel: [[reads, micros], …]}}`.
pub const USAGE_SETTING: &str = "inbox.x_reads";
/// Recent syncs kept per channel for the estimate.
const RECENT: usize = 5;
/// The smallest cap **[decision]**: one whole page of X's.
pub const MIN_CAP: u32 = 100;
/// X keeps the 800 most recent mentions; a sync reads at most 10 pages of each source.
const MAX_MENTIONS: u32 = 800;
const MAX_DM_EVENTS: u32 = 1_000;

/// The user's caps on X reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct XReadCap {
    /// Reads per sync of one channel.
    pub per_sync: Option<u32>,
    /// Reads per calendar month (UTC), every X channel together (X bills the app).
    pub per_month: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Usage {
    month: String,
    reads: u64,
    micros: u64,
    recent: BTreeMap<String, Vec<(u32, u64)>>,
}

/// What a sync of one X channel is expected to read and cost, before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct XReadEstimate {
    pub channel_id: String,
    pub channel_name: String,
    /// The average of the channel's last syncs; the most it may read on its first.
    pub expected_reads: u32,
    pub expected_cost: String,
    /// The most this sync may read (X's limits and the caps).
    pub max_reads: u32,
    pub max_cost: String,
    pub month_reads: u32,
    pub month_cost: String,
    pub cap: XReadCap,
    /// How the expectation was made, in words.
    pub basis: String,
    /// Where the prices come from.
    pub prices: String,
}

/// The caps with this month's X reads so far (Settings → Inbox, `outpost inbox x-read-cap`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct XReadUsage {
    /// Reads per sync of one channel (`None`: no cap).
    pub per_sync: Option<u32>,
    /// Reads per calendar month (UTC), every X channel together (`None`: no cap).
    pub per_month: Option<u32>,
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub month_reads: u32,
    /// What this month's reads cost at X's prices, e.g. `$1.25`.
    pub month_cost: String,
    /// Where the prices come from.
    pub prices: String,
}

fn prices_note() -> String {
    format!(
        "X pay-per-use: {} per post read, {} per DM event read ({})",
        pricing::usd(pricing::read_micros(outpost_platforms::x::inbox::MENTIONS)),
        pricing::usd(pricing::read_micros(
            outpost_platforms::x::inbox::DIRECT_MESSAGES
        )),
        pricing::SOURCE
    )
}

fn this_month() -> String {
    chrono::Utc::now().format("%Y-%m").to_string()
}

/// The reads a sync may still do, and why it must stop when it cannot.
#[derive(Debug)]
pub(crate) struct Budget {
    left: Option<u32>,
    cap: XReadCap,
    month_reads: u64,
}

impl Budget {
    /// The most resources the next page of `source` may hold: `None` without a cap,
    /// `Some(0)` when not even X's smallest page fits (the sync stops).
    pub(crate) fn page(&self, source: &str) -> Option<u32> {
        self.left.map(|l| {
            if l < pricing::min_page_reads(source) {
                0
            } else {
                l.min(pricing::page_reads(source))
            }
        })
    }

    pub(crate) fn spend(&mut self, reads: u32) {
        self.month_reads += u64::from(reads);
        if let Some(l) = &mut self.left {
            *l = l.saturating_sub(reads);
        }
    }

    /// The message of a sync stopped by a cap.
    pub(crate) fn reached(&self) -> String {
        let mut caps = Vec::new();
        if let Some(n) = self.cap.per_sync {
            caps.push(format!("{n} per sync"));
        }
        if let Some(n) = self.cap.per_month {
            caps.push(format!("{n} per month"));
        }
        format!(
            "X read cap reached ({}; {} read this month): the sync stopped; nothing was skipped, \
             the rest is read from the same place once the cap allows.",
            caps.join(", "),
            self.month_reads,
        )
    }
}

/// The usage of this month from the stored setting (a new month starts at zero).
fn usage(stored: Option<serde_json::Value>) -> Usage {
    let u: Usage = stored
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    if u.month == this_month() {
        u
    } else {
        Usage {
            month: this_month(),
            recent: u.recent,
            ..Usage::default()
        }
    }
}

/// Adds one page's reads of `source` to the month (inside the page's transaction).
pub(crate) async fn record(
    conn: &mut outpost_store::SqliteConnection,
    channel_id: &str,
    source: &str,
    reads: u32,
    new_sync: bool,
) -> Result<()> {
    let mut u = usage(settings::get(&mut *conn, USAGE_SETTING).await?);
    let micros = u64::from(reads) * pricing::read_micros(source);
    u.reads += u64::from(reads);
    u.micros += micros;
    let recent = u.recent.entry(channel_id.to_string()).or_default();
    match recent.last_mut() {
        Some(last) if !new_sync => {
            last.0 += reads;
            last.1 += micros;
        }
        _ => {
            recent.push((reads, micros));
            if recent.len() > RECENT {
                recent.remove(0);
            }
        }
    }
    let v = serde_json::to_value(&u).unwrap_or_default();
    settings::set(&mut *conn, USAGE_SETTING, &v, outpost_store::now_ms()).await?;
    Ok(())
}

impl Outpost {
    /// The caps on X reads.
    pub async fn x_read_cap(&self) -> Result<XReadCap> {
        Ok(settings::get(self.store().pool(), CAP_SETTING)
            .await?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default())
    }

    /// The caps with what X reads this month have come to so far.
    pub async fn x_read_usage(&self) -> Result<XReadUsage> {
        let cap = self.x_read_cap().await?;
        let u = usage(settings::get(self.store().pool(), USAGE_SETTING).await?);
        Ok(XReadUsage {
            per_sync: cap.per_sync,
            per_month: cap.per_month,
            month: u.month,
            month_reads: u32::try_from(u.reads).unwrap_or(u32::MAX),
            month_cost: pricing::usd(u.micros),
            prices: prices_note(),
        })
    }

    /// Sets the caps on X reads (each at least one page, [`MIN_CAP`], or none).
    pub async fn set_x_read_cap(&self, cap: XReadCap) -> Result<XReadCap> {
        for n in [cap.per_sync, cap.per_month].into_iter().flatten() {
            if n < MIN_CAP {
                return Err(Error::InvalidInput(format!(
                    "An X read cap is at least {MIN_CAP} (one page of reads); {n} is too small."
                )));
            }
        }
        let v = serde_json::to_value(cap).unwrap_or_default();
        settings::set(
            self.store().pool(),
            CAP_SETTING,
            &v,
            outpost_store::now_ms(),
        )
        .await?;
        Ok(cap)
    }

    /// The read budget of one sync of an X channel.
    pub(crate) async fn x_budget(&self) -> Result<Budget> {
        let cap = self.x_read_cap().await?;
        let month_reads = usage(settings::get(self.store().pool(), USAGE_SETTING).await?).reads;
        let month_left = cap
            .per_month
            .map(|m| u32::try_from(u64::from(m).saturating_sub(month_reads)).unwrap_or(u32::MAX));
        let left = match (cap.per_sync, month_left) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(Budget {
            left,
            cap,
            month_reads,
        })
    }

    /// What syncing an X channel is expected to read and cost (nothing is read).
    pub async fn inbox_estimate(&self, channel_id: &str) -> Result<XReadEstimate> {
        let c = outpost_store::channels::get(self.store().pool(), channel_id).await?;
        if to_platform(c.platform) != Platform::X {
            return Err(Error::InvalidInput(format!(
                "{} does not bill reads: a cost estimate is made for X channels only.",
                to_platform(c.platform).name()
            )));
        }
        let cap = self.x_read_cap().await?;
        let u = usage(settings::get(self.store().pool(), USAGE_SETTING).await?);
        let budget = self.x_budget().await?;
        let mention = pricing::read_micros(outpost_platforms::x::inbox::MENTIONS);
        let dm = pricing::read_micros(outpost_platforms::x::inbox::DIRECT_MESSAGES);
        let most = MAX_MENTIONS + MAX_DM_EVENTS;
        let max_reads = budget.left.map_or(most, |l| l.min(most));
        // The dearest reads first: the most this sync can cost.
        let max_micros = u64::from(max_reads.min(MAX_DM_EVENTS)) * dm
            + u64::from(max_reads.saturating_sub(MAX_DM_EVENTS)) * mention;
        let recent = u.recent.get(channel_id).cloned().unwrap_or_default();
        let (expected_reads, expected_micros, basis) = if recent.is_empty() {
            (
                max_reads,
                max_micros,
                "no earlier sync of this channel: the most a first sync can read (X keeps 800 mentions)"
                    .to_string(),
            )
        } else {
            let n = recent.len() as u64;
            let reads = recent
                .iter()
                .map(|r| u64::from(r.0))
                .sum::<u64>()
                .div_ceil(n);
            let micros = recent.iter().map(|r| r.1).sum::<u64>().div_ceil(n);
            (
                u32::try_from(reads).unwrap_or(u32::MAX).min(max_reads),
                micros.min(max_micros),
                format!("the average of this channel's last {n} sync(s)"),
            )
        };
        Ok(XReadEstimate {
            channel_id: c.id.clone(),
            channel_name: shown_name(&c),
            expected_reads,
            expected_cost: pricing::usd(expected_micros),
            max_reads,
            max_cost: pricing::usd(max_micros),
            month_reads: u32::try_from(u.reads).unwrap_or(u32::MAX),
            month_cost: pricing::usd(u.micros),
            cap,
            basis,
            prices: prices_note(),
        })
    }
}
