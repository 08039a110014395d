//! Analytics: metric snapshots of published posts and of the channels' accounts, kept locally
//! without limit ([`sync`]), the posts table with their latest numbers, a post's history, an
//! overview of a period compared with the one before it, best times to post learned from the
//! channel's own history ([`best_times`]) and CSV exports.
//!
//! Engagement is likes + reposts + replies + quotes + saves (those the platform counts); its rate
//! is per impression where the platform counts impressions, else per follower at the time the post
//! was published (the nearest account snapshot), so a growing audience does not read as better
//! posts. Metrics a platform does not offer are absent, never zero ([`offered_metrics`]).

pub mod best_times;
mod pdf;
pub mod report;
pub mod sync;

use std::collections::BTreeMap;

use chrono::TimeZone;
use serde::{Deserialize, Serialize};

use outpost_platforms::Platform;
use outpost_platforms::capability::{Capability, Support};
use outpost_store::analytics as store;

pub use best_times::{BestTimes, SlotEstimate};
pub use report::ReportSummary;
pub use sync::{AnalyticsSync, SYNC_EVERY_MS, run};

use crate::channels::{shown_name, to_platform};
use crate::{Error, Outpost, Result};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Post text shown in tables, at most.
const EXCERPT_CHARS: usize = 140;
/// Counters that add up to engagement.
const ENGAGEMENT: [&str; 5] = ["likes", "reposts", "replies", "quotes", "saves"];

/// The post metrics a platform's API gives Outpost today (empty: not built or not offered); each
/// platform's client says which (`Publisher::offered_post_metrics`).
pub fn offered_metrics(platform: Platform) -> &'static [&'static str] {
    outpost_platforms::publisher(platform).map_or(&[], |p| p.offered_post_metrics())
}

/// The account metrics a platform's API gives Outpost today.
pub fn offered_account_metrics(platform: Platform) -> &'static [&'static str] {
    outpost_platforms::publisher(platform).map_or(&[], |p| p.offered_account_metrics())
}

/// One published post on one channel with its latest numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalyticsPost {
    pub post_id: String,
    pub post_target_id: String,
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Platform,
    pub text: String,
    pub url: Option<String>,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub published_at: i64,
    /// Unix ms of the last read; `None` before the first.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_synced_at: Option<i64>,
    /// Deleted on the platform (its history stays).
    pub deleted: bool,
    /// Latest value of each metric read; a metric the platform does not offer is absent.
    pub metrics: BTreeMap<String, f64>,
    pub engagement: Option<f64>,
    /// Engagement per impression, else per follower at publishing.
    pub engagement_rate: Option<f64>,
}

/// One stored reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MetricPoint {
    pub post_target_id: Option<String>,
    pub channel_id: String,
    pub metric: String,
    pub value: f64,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub captured_at: i64,
}

/// A channel as analytics sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelAnalytics {
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Platform,
    /// `available`, `not_built` or `not_offered`.
    pub support: String,
    /// In words when not available.
    pub support_note: Option<String>,
    pub offered_metrics: Vec<String>,
    /// The last sync's outcome ([`AnalyticsSync::outcome`]), `None` before the first.
    pub state: Option<String>,
    pub message: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_synced_at: Option<i64>,
    /// Latest followers count; `None` where not offered or not read yet.
    pub followers: Option<f64>,
    /// Followers gained in the period (latest in it minus the first in it).
    pub followers_change: Option<f64>,
    /// Posts published on the channel in the period (filled by the overview).
    pub posts: u32,
    /// Their engagement, summed (filled by the overview).
    pub engagement: f64,
    /// The channel's [`TOP_PER_CHANNEL`] posts of the period with the most engagement (filled by
    /// the overview).
    pub top_posts: Vec<AnalyticsPost>,
}

/// A post's latest numbers, summed over its channels (the calendar card and the composer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostNumbers {
    pub post_id: String,
    /// Latest value of each metric, summed over the post's channels that report it.
    pub metrics: BTreeMap<String, f64>,
    pub engagement: Option<f64>,
    /// Unix ms of the newest reading.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_synced_at: Option<i64>,
}

/// One channel's latest numbers of one published post (the composer's panel, `posts show`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TargetNumbers {
    pub post_target_id: String,
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Platform,
    pub url: Option<String>,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub published_at: i64,
    /// Unix ms of the last read; `None` before the first.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_synced_at: Option<i64>,
    /// Unix ms the next scheduled read is due; `None` before the first (due at the host's next
    /// pass, every [`SYNC_EVERY_MS`]).
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub next_read_at: Option<i64>,
    /// Deleted on the platform (its history stays).
    pub deleted: bool,
    /// The post metrics the platform offers; any other is "n/a", never 0.
    pub offered: Vec<String>,
    /// Latest value of each metric read.
    pub values: BTreeMap<String, f64>,
    /// Why the last read of this post, or of its channel, did not succeed (`None`: it did, or
    /// none was tried yet).
    pub problem: Option<String>,
}

/// Headline numbers of one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeriodTotals {
    pub posts: u32,
    pub likes: f64,
    pub reposts: f64,
    pub replies: f64,
    pub engagement: f64,
    /// Mean engagement rate of the period's posts that have one.
    pub engagement_rate: Option<f64>,
}

/// One day of the period (in the creator's time zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayPoint {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub posts: u32,
    pub engagement: f64,
}

/// The Analytics page's overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalyticsOverview {
    pub days: u32,
    /// Unix ms, `[from, to)`.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub from: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub to: i64,
    pub current: PeriodTotals,
    /// The period of the same length just before.
    pub previous: PeriodTotals,
    pub daily: Vec<DayPoint>,
    pub channels: Vec<ChannelAnalytics>,
    /// The period's [`TOP_POSTS`] posts with the most engagement, best first (every post:
    /// [`Outpost::analytics_posts_page`]).
    pub posts: Vec<AnalyticsPost>,
}

/// One page of the posts table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalyticsPostsPage {
    /// Posts in the period (on the channel), all pages.
    pub total: u32,
    pub offset: u32,
    pub posts: Vec<AnalyticsPost>,
}

/// Which page of the posts table, sorted how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AnalyticsPostsQuery {
    pub channel_id: Option<String>,
    /// Unix ms, `[from, to)`.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub from: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub to: i64,
    /// [`SORT_KEYS`]: `published_at`, `engagement`, `engagement_rate` or a post metric.
    pub sort: String,
    pub descending: bool,
    pub offset: u32,
    /// 1 to [`MAX_PAGE`].
    pub limit: u32,
}

/// Posts in the overview's top list.
pub const TOP_POSTS: u32 = 10;
/// Top posts of each channel in the overview.
pub const TOP_PER_CHANNEL: u32 = 5;
/// Largest page of the posts table.
pub const MAX_PAGE: u32 = 1000;
/// What the posts table sorts by, besides any post metric ([`sync::post_values`]).
pub const SORT_KEYS: [&str; 3] = ["published_at", "engagement", "engagement_rate"];
/// Zone offsets change on quarter hours (UTC): where a day's offset differs from the day
/// before, the change is looked for in steps of this.
const QUARTER_MS: i64 = 15 * 60 * 1000;

fn engagement(metrics: &BTreeMap<String, f64>) -> Option<f64> {
    let present: Vec<f64> = ENGAGEMENT
        .iter()
        .filter_map(|m| metrics.get(*m).copied())
        .collect();
    (!present.is_empty()).then(|| present.iter().sum())
}

/// A zone's offsets from UTC (ms) over `[first, last]` (unix ms), as `(start, stop, offset)`
/// ranges that cover all time (the first starts at `i64::MIN + 1`, the last ends at `i64::MAX`).
/// The offset is read once a day and, where it changed, the instant of the change is found by
/// bisection to the millisecond (zones change their offset at most once a day).
pub(crate) fn offset_ranges(tz: chrono_tz::Tz, first: i64, last: i64) -> Vec<(i64, i64, i64)> {
    use chrono::Offset;
    const DAY: i64 = 86_400_000;
    let offset = |t: i64| -> i64 {
        tz.timestamp_millis_opt(t)
            .single()
            .map(|d| i64::from(d.offset().fix().local_minus_utc()) * 1000)
            .unwrap_or(0)
    };
    let (mut t, end) = (first.min(last), first.max(last));
    let (mut out, mut start, mut off) = (Vec::new(), i64::MIN + 1, offset(t));
    while t < end {
        let next = (t + DAY).min(end);
        let o = offset(next);
        if o != off {
            // The change lies in (t, next]: the first instant with the new offset.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset(mid) == off {
                    lo = mid
                } else {
                    hi = mid
                }
            }
            out.push((start, hi, off));
            (start, off, t) = (hi, offset(hi), hi);
        } else {
            t = next;
        }
    }
    out.push((start, i64::MAX, off));
    out
}

/// The value of a sorted (oldest first) series at `at`: the last reading at or before it, else
/// the first after it.
fn value_at(series: &[(i64, f64)], at: i64) -> Option<f64> {
    let i = series.partition_point(|(t, _)| *t <= at);
    if i > 0 {
        Some(series[i - 1].1)
    } else {
        series.first().map(|(_, v)| *v)
    }
}

fn support_of(platform: Platform) -> (String, Option<String>) {
    match outpost_platforms::support(platform, Capability::PostMetrics) {
        Support::Available => ("available".into(), None),
        Support::NotBuiltYet => (
            "not_built".into(),
            Some(format!(
                "{} metrics are not offered in Outpost yet.",
                platform.name()
            )),
        ),
        Support::NotOffered { why } => ("not_offered".into(), Some(why.to_string())),
    }
}

/// A date given on the command line (`YYYY-MM-DD`, local midnight) or RFC 3339, as unix ms.
pub fn parse_date(s: &str, tz: chrono_tz::Tz) -> Result<i64> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp_millis());
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        Error::InvalidInput(format!(
            "{s:?} is not a date (use YYYY-MM-DD or an RFC 3339 time)"
        ))
    })?;
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| Error::InvalidInput(format!("{s} has no midnight in the time zone")))
}

impl Outpost {
    async fn zone(&self) -> Result<chrono_tz::Tz> {
        crate::scheduler::time::zone(&self.time_zone().await?)
    }

    /// Parses `--from`/`--to` in the creator's zone; `to` is inclusive of its whole day.
    pub async fn analytics_range(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(i64, i64)> {
        let tz = self.zone().await?;
        let from = from.map(|s| parse_date(s, tz)).transpose()?.unwrap_or(0);
        let to = match to {
            Some(s) if s.len() == 10 => parse_date(s, tz)? + DAY_MS,
            Some(s) => parse_date(s, tz)?,
            None => i64::MAX,
        };
        if from >= to {
            return Err(Error::InvalidInput("--from must be before --to".into()));
        }
        Ok((from, to))
    }

    /// Published posts in `[from, to)` with their latest numbers, newest first.
    pub async fn analytics_posts(
        &self,
        channel_id: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<AnalyticsPost>> {
        let pool = self.store().pool();
        if let Some(id) = channel_id {
            outpost_store::channels::get(pool, id).await?;
        }
        let channels = outpost_store::channels::list_all(pool).await?;
        let targets = store::published_targets(pool, channel_id, from, to).await?;
        let mut latest: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        for (t, m, v) in store::latest_values(pool, channel_id, from, to).await? {
            latest.entry(t).or_default().insert(m, v);
        }
        // Followers over time per channel, for rates per follower.
        let mut followers: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        for s in store::channel_snapshots(pool, channel_id, 0, i64::MAX).await? {
            if s.metric == "followers" {
                followers
                    .entry(s.channel_id)
                    .or_default()
                    .push((s.captured_at, s.value));
            }
        }
        Ok(targets
            .into_iter()
            .map(|t| {
                let c = channels.iter().find(|c| c.id == t.channel_id);
                let metrics = latest.remove(&t.post_target_id).unwrap_or_default();
                let eng = engagement(&metrics);
                let base = metrics.get("impressions").copied().or_else(|| {
                    followers
                        .get(&t.channel_id)
                        .and_then(|s| value_at(s, t.published_at))
                });
                let rate = eng.zip(base.filter(|b| *b > 0.0)).map(|(e, b)| e / b);
                analytics_post(t, c, metrics, eng, rate)
            })
            .collect())
    }

    /// The latest numbers of these posts (the calendar's cards, in one call), one entry per post
    /// published on at least one channel: the work grows with the cards, not with the posts.
    pub async fn analytics_post_numbers(&self, post_ids: &[String]) -> Result<Vec<PostNumbers>> {
        let pool = self.store().pool();
        let targets = store::published_targets_of_posts(pool, post_ids).await?;
        let ids: Vec<String> = targets.iter().map(|t| t.post_target_id.clone()).collect();
        let mut latest: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        for (t, m, v) in store::latest_of_targets(pool, &ids).await? {
            latest.entry(t).or_default().insert(m, v);
        }
        let mut by_post: BTreeMap<String, PostNumbers> = BTreeMap::new();
        for t in targets {
            let metrics = latest.remove(&t.post_target_id).unwrap_or_default();
            let e = by_post.entry(t.post_id.clone()).or_insert(PostNumbers {
                post_id: t.post_id,
                metrics: BTreeMap::new(),
                engagement: None,
                last_synced_at: None,
            });
            if let Some(x) = engagement(&metrics) {
                e.engagement = Some(e.engagement.unwrap_or(0.0) + x);
            }
            for (m, v) in metrics {
                *e.metrics.entry(m).or_default() += v;
            }
            e.last_synced_at = e.last_synced_at.max(t.last_synced_at);
        }
        Ok(by_post.into_values().collect())
    }

    /// The latest numbers of one post on each channel it went out on (none before publishing):
    /// what the composer shows for a published post and `outpost posts show` prints.
    pub async fn post_latest_numbers(&self, post_id: &str) -> Result<Vec<TargetNumbers>> {
        let pool = self.store().pool();
        outpost_store::posts::get(pool, post_id).await?;
        let states = store::channel_states(pool).await?;
        let mut out = Vec::new();
        for t in store::post_target_reads(pool, post_id).await? {
            let c = outpost_store::channels::get(pool, &t.channel_id).await?;
            let platform = to_platform(c.platform);
            let values = store::latest_for_target(pool, &t.post_target_id)
                .await?
                .into_iter()
                .map(|s| (s.metric, s.value))
                .collect();
            // A channel-wide failure (revoked scope, rate limit) explains a post not read since.
            let channel_problem = states
                .iter()
                .find(|s| s.channel_id == c.id)
                .filter(|s| !matches!(s.state.as_str(), "synced" | "not_built" | "not_offered"))
                .map(|s| {
                    s.message
                        .clone()
                        .unwrap_or_else(|| s.state.replace('_', " "))
                });
            out.push(TargetNumbers {
                post_target_id: t.post_target_id,
                channel_name: shown_name(&c),
                channel_id: t.channel_id,
                platform,
                url: t.platform_url,
                published_at: t.published_at,
                last_synced_at: t.last_synced_at,
                next_read_at: t.next_sync_at.filter(|_| t.deleted_at.is_none()),
                deleted: t.deleted_at.is_some(),
                offered: offered_metrics(platform)
                    .iter()
                    .map(|m| (*m).to_string())
                    .collect(),
                values,
                problem: t.last_error.or(channel_problem),
            });
        }
        Ok(out)
    }

    /// Every snapshot of one post's metrics (all its channels), oldest first.
    pub async fn analytics_history(&self, post_id: &str) -> Result<Vec<MetricPoint>> {
        let pool = self.store().pool();
        outpost_store::posts::get(pool, post_id).await?;
        Ok(store::history_for_post(pool, post_id)
            .await?
            .into_iter()
            .map(|s| MetricPoint {
                post_target_id: s.post_target_id,
                channel_id: s.channel_id,
                metric: s.metric,
                value: s.value,
                captured_at: s.captured_at,
            })
            .collect())
    }

    /// Every channel with what analytics can read on it and its last sync.
    pub async fn analytics_channels(&self, from: i64, to: i64) -> Result<Vec<ChannelAnalytics>> {
        let pool = self.store().pool();
        let states = store::channel_states(pool).await?;
        let followers = store::followers_summary(pool, from, to).await?;
        let mut out = Vec::new();
        for c in outpost_store::channels::list_all(pool).await? {
            if c.status == outpost_store::ChannelStatus::Disconnected {
                continue;
            }
            let platform = to_platform(c.platform);
            let (support, support_note) = support_of(platform);
            let st = states.iter().find(|s| s.channel_id == c.id);
            let f = followers.iter().find(|f| f.channel_id == c.id);
            out.push(ChannelAnalytics {
                channel_id: c.id.clone(),
                channel_name: shown_name(&c),
                platform,
                support,
                support_note,
                offered_metrics: offered_metrics(platform)
                    .iter()
                    .chain(offered_account_metrics(platform))
                    .map(|s| (*s).to_string())
                    .collect(),
                state: st.map(|s| s.state.clone()),
                message: st.and_then(|s| s.message.clone()),
                last_synced_at: st.and_then(|s| s.last_synced_at),
                followers: f.and_then(|f| f.latest),
                followers_change: f
                    .and_then(|f| f.first_in_period.zip(f.last_in_period))
                    .map(|(a, b)| b - a),
                posts: 0,
                engagement: 0.0,
                top_posts: Vec::new(),
            });
        }
        Ok(out)
    }

    /// Builds the table rows of ranked targets, in their order.
    async fn posts_of(&self, ranked: &[store::RankedTarget]) -> Result<Vec<AnalyticsPost>> {
        let pool = self.store().pool();
        let ids: Vec<String> = ranked.iter().map(|r| r.post_target_id.clone()).collect();
        let channels = outpost_store::channels::list_all(pool).await?;
        let mut targets: BTreeMap<String, store::PublishedTarget> =
            store::published_targets_by_id(pool, &ids)
                .await?
                .into_iter()
                .map(|t| (t.post_target_id.clone(), t))
                .collect();
        let mut latest: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
        for (t, m, v) in store::latest_of_targets(pool, &ids).await? {
            latest.entry(t).or_default().insert(m, v);
        }
        Ok(ranked
            .iter()
            .filter_map(|r| {
                let t = targets.remove(&r.post_target_id)?;
                let c = channels.iter().find(|c| c.id == t.channel_id);
                let metrics = latest.remove(&t.post_target_id).unwrap_or_default();
                Some(analytics_post(t, c, metrics, r.engagement, r.rate))
            })
            .collect())
    }

    /// One page of the posts table: the period's published posts (on one channel or all)
    /// sorted by `sort` ([`SORT_KEYS`] or a post metric; a post without that value comes last
    /// either way; ties newest first), with the count of all of them.
    pub async fn analytics_posts_page(
        &self,
        q: &AnalyticsPostsQuery,
    ) -> Result<AnalyticsPostsPage> {
        let metrics = sync::post_values(&Default::default()).map(|(m, _)| m);
        let sort = match q.sort.as_str() {
            "published_at" => store::PostSort::PublishedAt,
            "engagement" => store::PostSort::Engagement,
            "engagement_rate" => store::PostSort::EngagementRate,
            m if metrics.contains(&m) => store::PostSort::Metric(m),
            other => {
                return Err(Error::InvalidInput(format!(
                    "{other:?} is not a sort key ({}, {})",
                    SORT_KEYS.join(", "),
                    metrics.join(", ")
                )));
            }
        };
        if !(1..=MAX_PAGE).contains(&q.limit) {
            return Err(Error::InvalidInput(format!(
                "a page is 1 to {MAX_PAGE} posts"
            )));
        }
        if q.from >= q.to {
            return Err(Error::InvalidInput("--from must be before --to".into()));
        }
        let pool = self.store().pool();
        let channel = q.channel_id.as_deref();
        if let Some(id) = channel {
            outpost_store::channels::get(pool, id).await?;
        }
        let total = store::count_published(pool, channel, q.from, q.to).await?;
        let ranked = store::ranked_targets(
            pool,
            channel,
            q.from,
            q.to,
            sort,
            q.descending,
            i64::from(q.offset),
            i64::from(q.limit),
        )
        .await?;
        Ok(AnalyticsPostsPage {
            total: u32::try_from(total).unwrap_or(u32::MAX),
            offset: q.offset,
            posts: self.posts_of(&ranked).await?,
        })
    }

    /// The `n` posts of each channel with the most engagement in `[from, to)`, best first
    /// within each channel (channels in id order).
    pub async fn analytics_top_per_channel(
        &self,
        channel_id: Option<&str>,
        from: i64,
        to: i64,
        n: u32,
    ) -> Result<Vec<AnalyticsPost>> {
        if !(1..=MAX_PAGE).contains(&n) {
            return Err(Error::InvalidInput(format!(
                "top posts per channel: 1 to {MAX_PAGE}"
            )));
        }
        let pool = self.store().pool();
        if let Some(id) = channel_id {
            outpost_store::channels::get(pool, id).await?;
        }
        let ranked =
            store::top_targets_per_channel(pool, channel_id, from, to, i64::from(n)).await?;
        self.posts_of(&ranked).await
    }

    /// The last `days` days (ending now) compared with the `days` before them.
    pub async fn analytics_overview(
        &self,
        days: u32,
        channel_id: Option<&str>,
    ) -> Result<AnalyticsOverview> {
        if !(1..=3660).contains(&days) {
            return Err(Error::InvalidInput("a period is 1 to 3660 days".into()));
        }
        let to = crate::inbox::now_ms();
        self.overview_of(to - i64::from(days) * DAY_MS, to, days, channel_id)
            .await
    }

    /// A custom period, `from`..`to` (`YYYY-MM-DD` in the creator's zone, both days included),
    /// compared with the period of the same length just before.
    pub async fn analytics_overview_range(
        &self,
        from: &str,
        to: &str,
        channel_id: Option<&str>,
    ) -> Result<AnalyticsOverview> {
        let (start, end) = self.analytics_range(Some(from), Some(to)).await?;
        let days = u32::try_from((end - start + DAY_MS / 2) / DAY_MS)
            .unwrap_or(u32::MAX)
            .max(1);
        if days > 3660 {
            return Err(Error::InvalidInput("a period is 1 to 3660 days".into()));
        }
        self.overview_of(start, end, days, channel_id).await
    }

    async fn overview_of(
        &self,
        from: i64,
        to: i64,
        days: u32,
        channel_id: Option<&str>,
    ) -> Result<AnalyticsOverview> {
        let tz = self.zone().await?;
        let pool = self.store().pool();
        if let Some(id) = channel_id {
            outpost_store::channels::get(pool, id).await?;
        }
        let prev_from = from - (to - from);
        let offsets = offsets(tz, prev_from, to);
        // Independent reads, each on its own pooled connection (SQLite readers run side by side).
        let (days_in, rates, mut tops, mut channels) = tokio::try_join!(
            async {
                Ok::<_, Error>(
                    store::period_days(pool, channel_id, (prev_from, from, to), &offsets).await?,
                )
            },
            async { Ok(store::follower_rates(pool, channel_id, (prev_from, from, to)).await?) },
            // Each channel's best TOP_POSTS hold the period's best TOP_POSTS: one pass for both.
            self.analytics_top_per_channel(channel_id, from, to, TOP_POSTS.max(TOP_PER_CHANNEL)),
            self.analytics_channels(from, to),
        )?;
        let mut daily: BTreeMap<String, DayPoint> = BTreeMap::new();
        let day_point = |date: String| DayPoint {
            date,
            posts: 0,
            engagement: 0.0,
        };
        for d in 0..days {
            let date = local_date(tz, from + i64::from(d) * DAY_MS + DAY_MS - 1);
            daily.entry(date.clone()).or_insert_with(|| day_point(date));
        }
        let (mut current, mut previous) = (Sums::default(), Sums::default());
        let mut per_channel: BTreeMap<&str, (u32, f64)> = BTreeMap::new();
        for (is_current, rate_sum, rates) in rates {
            let sums = if is_current {
                &mut current
            } else {
                &mut previous
            };
            sums.rate_sum += rate_sum;
            sums.rates += rates;
        }
        for b in &days_in {
            if !b.current {
                previous.add(b);
                continue;
            }
            current.add(b);
            let posts = u32::try_from(b.posts).unwrap_or(u32::MAX);
            let date = chrono::DateTime::from_timestamp_millis(b.day * DAY_MS)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            let e = daily.entry(date.clone()).or_insert_with(|| day_point(date));
            e.posts += posts;
            e.engagement += b.engagement;
            let c = per_channel.entry(&b.channel_id).or_default();
            c.0 += posts;
            c.1 += b.engagement;
        }
        let mut posts = tops.clone();
        posts.sort_by(|a, b| {
            b.engagement
                .unwrap_or(-1.0)
                .total_cmp(&a.engagement.unwrap_or(-1.0))
                .then(b.published_at.cmp(&a.published_at))
                .then(a.post_target_id.cmp(&b.post_target_id))
        });
        posts.truncate(TOP_POSTS as usize);
        if let Some(id) = channel_id {
            channels.retain(|c| c.channel_id == id);
        }
        for c in &mut channels {
            if let Some((n, e)) = per_channel.get(c.channel_id.as_str()) {
                (c.posts, c.engagement) = (*n, *e);
            }
            let (mut mine, rest): (Vec<_>, Vec<_>) =
                tops.into_iter().partition(|p| p.channel_id == c.channel_id);
            mine.truncate(TOP_PER_CHANNEL as usize);
            c.top_posts = mine;
            tops = rest;
        }
        Ok(AnalyticsOverview {
            days,
            from,
            to,
            current: current.totals(),
            previous: previous.totals(),
            daily: daily.into_values().collect(),
            channels,
            posts,
        })
    }

    /// Ranked weekly slots of one channel, from its own history.
    pub async fn analytics_best_times(&self, channel_id: &str) -> Result<BestTimes> {
        let tz = self.zone().await?;
        let pool = self.store().pool();
        outpost_store::channels::get(pool, channel_id).await?;
        let mut slots = [best_times::SlotSums::default(); best_times::SLOTS];
        if let Some((first, last)) = store::published_span(pool, channel_id).await? {
            // The store adds the rates up per local weekly slot; it needs the zone's offsets over
            // the channel's history (issue #21: every post read one by one took 0.2-2.5 s at
            // 100,000 posts).
            let zone = offset_ranges(tz, first, last);
            for (slot, posts, sum, sum_sq) in store::best_time_sums(pool, channel_id, &zone).await?
            {
                if let Some(s) = usize::try_from(slot).ok().and_then(|i| slots.get_mut(i)) {
                    *s = best_times::SlotSums {
                        posts: u64::try_from(posts).unwrap_or(0),
                        sum,
                        sum_sq,
                    };
                }
            }
        }
        Ok(best_times::estimate_from_sums(&slots))
    }

    /// "Use as posting slots": replaces the channel's weekly posting slots with its `count` best
    /// suggested slots (each at the top of its hour). Refused while there is not enough data.
    pub async fn analytics_apply_best_times(
        &self,
        channel_id: &str,
        count: u32,
    ) -> Result<Vec<crate::slots::PostingSlotView>> {
        if !(1..=crate::slots::MAX_SLOTS_PER_CHANNEL).contains(&(count as usize)) {
            return Err(Error::InvalidInput(format!(
                "--apply-slots takes 1 to {} slots",
                crate::slots::MAX_SLOTS_PER_CHANNEL
            )));
        }
        let best = self.analytics_best_times(channel_id).await?;
        if !best.enough_data {
            return Err(Error::InvalidInput(format!(
                "not enough data yet: {} post(s) with metrics on this channel, suggestions start at {}; \
                 the posting slots were left as they were",
                best.posts, best.min_posts
            )));
        }
        let wanted: Vec<crate::slots::WeeklySlot> = best
            .slots
            .iter()
            .take(count as usize)
            .map(|s| crate::slots::WeeklySlot {
                weekday: u8::try_from(s.weekday + 1).unwrap_or(1),
                local_time: format!("{:02}:00", s.hour),
            })
            .collect();
        self.set_posting_slots(channel_id, &wanted).await
    }

    /// Writes a CSV: `posts` (each published post with its latest numbers; an empty cell is a
    /// metric the platform does not offer or has not reported) or `daily` (each channel's
    /// account metrics, the last reading of each day in the creator's zone).
    pub async fn analytics_export_csv(
        &self,
        out: &std::path::Path,
        kind: &str,
        from: i64,
        to: i64,
    ) -> Result<u32> {
        let tz = self.zone().await?;
        let iso = |ms: i64| {
            tz.timestamp_millis_opt(ms)
                .single()
                .map(|t| t.to_rfc3339())
                .unwrap_or_default()
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_err = |e: csv::Error| Error::InvalidInput(format!("CSV: {e}"));
        let mut rows = 0u32;
        match kind {
            "posts" => {
                let metrics = sync::post_values(&Default::default()).map(|(m, _)| m);
                let mut head = vec![
                    "post_id",
                    "channel_id",
                    "channel",
                    "platform",
                    "published_at",
                    "url",
                    "deleted",
                ];
                head.extend(metrics);
                head.extend(["engagement", "engagement_rate", "text"]);
                w.write_record(&head).map_err(csv_err)?;
                for p in self.analytics_posts(None, from, to).await? {
                    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
                    let mut rec = vec![
                        p.post_id.clone(),
                        p.channel_id.clone(),
                        p.channel_name.clone(),
                        p.platform.id().to_string(),
                        iso(p.published_at),
                        p.url.clone().unwrap_or_default(),
                        p.deleted.to_string(),
                    ];
                    rec.extend(metrics.iter().map(|m| num(p.metrics.get(*m).copied())));
                    rec.extend([num(p.engagement), num(p.engagement_rate), p.text.clone()]);
                    w.write_record(&rec).map_err(csv_err)?;
                    rows += 1;
                }
            }
            "daily" => {
                w.write_record(["date", "channel_id", "metric", "value"])
                    .map_err(csv_err)?;
                let mut days: BTreeMap<(String, String, String), f64> = BTreeMap::new();
                for s in store::channel_snapshots(self.store().pool(), None, from, to).await? {
                    if let Some(t) = tz.timestamp_millis_opt(s.captured_at).single() {
                        days.insert(
                            (t.format("%Y-%m-%d").to_string(), s.channel_id, s.metric),
                            s.value,
                        );
                    }
                }
                for ((d, c, m), v) in days {
                    w.write_record([d, c, m, v.to_string()]).map_err(csv_err)?;
                    rows += 1;
                }
            }
            other => {
                return Err(Error::InvalidInput(format!(
                    "{other:?} is not an export kind (posts or daily)"
                )));
            }
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::InvalidInput(format!("CSV: {e}")))?;
        std::fs::write(out, bytes)
            .map_err(|e| Error::io(format!("writing {}", out.display()), e))?;
        Ok(rows)
    }
}

/// A row of the posts table from its target, channel and figures.
fn analytics_post(
    t: store::PublishedTarget,
    c: Option<&outpost_store::channels::Channel>,
    metrics: BTreeMap<String, f64>,
    engagement: Option<f64>,
    engagement_rate: Option<f64>,
) -> AnalyticsPost {
    AnalyticsPost {
        post_id: t.post_id,
        post_target_id: t.post_target_id,
        channel_name: c.map(shown_name).unwrap_or_default(),
        platform: c.map_or(Platform::X, |c| to_platform(c.platform)),
        channel_id: t.channel_id,
        text: t.body.chars().take(EXCERPT_CHARS).collect(),
        url: t.platform_url,
        published_at: t.published_at,
        last_synced_at: t.last_synced_at,
        deleted: t.deleted_at.is_some(),
        metrics,
        engagement,
        engagement_rate,
    }
}

/// `YYYY-MM-DD` of an instant in the creator's zone.
fn local_date(tz: chrono_tz::Tz, ms: i64) -> String {
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The zone's UTC offset (ms) over `[from, to)`: `(from this instant on, offset)`, oldest first;
/// each day is checked, and a change is placed to the quarter hour.
fn offsets(tz: chrono_tz::Tz, from: i64, to: i64) -> Vec<(i64, i64)> {
    use chrono::Offset;
    let at = |ms: i64| {
        tz.timestamp_millis_opt(ms)
            .single()
            .map_or(0, |t| i64::from(t.offset().fix().local_minus_utc()) * 1000)
    };
    let mut out = vec![(from, at(from))];
    let mut t = from;
    while t < to {
        let next = (t + DAY_MS).min(to);
        let last = out.last().map_or(0, |(_, o)| *o);
        if at(next) != last {
            let mut q = t - t.rem_euclid(QUARTER_MS);
            while q <= next {
                if q > t && at(q) != last {
                    out.push((q, at(q)));
                    break;
                }
                q += QUARTER_MS;
            }
        }
        t = next;
    }
    out
}

/// A period's figures added up from its days.
#[derive(Default)]
struct Sums {
    posts: i64,
    likes: f64,
    reposts: f64,
    replies: f64,
    engagement: f64,
    rate_sum: f64,
    rates: i64,
}

impl Sums {
    fn add(&mut self, b: &store::PeriodDay) {
        self.posts += b.posts;
        self.likes += b.likes;
        self.reposts += b.reposts;
        self.replies += b.replies;
        self.engagement += b.engagement;
        self.rate_sum += b.rate_sum;
        self.rates += b.rates;
    }

    fn totals(&self) -> PeriodTotals {
        PeriodTotals {
            posts: u32::try_from(self.posts).unwrap_or(u32::MAX),
            likes: self.likes,
            reposts: self.reposts,
            replies: self.replies,
            engagement: self.engagement,
            engagement_rate: (self.rates > 0).then(|| self.rate_sum / self.rates as f64),
        }
    }
}

fn totals(posts: &[AnalyticsPost]) -> PeriodTotals {
    let sum = |m: &str| posts.iter().filter_map(|p| p.metrics.get(m)).sum::<f64>();
    let rates: Vec<f64> = posts.iter().filter_map(|p| p.engagement_rate).collect();
    PeriodTotals {
        posts: u32::try_from(posts.len()).unwrap_or(u32::MAX),
        likes: sum("likes"),
        reposts: sum("reposts"),
        replies: sum("replies"),
        engagement: posts.iter().filter_map(|p| p.engagement).sum(),
        engagement_rate: (!rates.is_empty())
            .then(|| rates.iter().sum::<f64>() / rates.len() as f64),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn offset_ranges_give_the_zones_offset_at_every_instant() {
        use chrono::Offset;
        // Berlin (DST at 01:00 UTC), Kolkata (+05:30, no DST), Lord Howe (a 30-minute DST),
        // Santiago (DST with southern seasons), UTC; three years, checked every 17 minutes and
        // a millisecond either side of each change.
        let (first, last) = (1_700_000_000_000i64, 1_795_000_000_000i64);
        for tz in [
            chrono_tz::Europe::Berlin,
            chrono_tz::Asia::Kolkata,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::America::Santiago,
            chrono_tz::UTC,
        ] {
            let ranges = offset_ranges(tz, first, last);
            let want = |t: i64| {
                i64::from(
                    tz.timestamp_millis_opt(t)
                        .unwrap()
                        .offset()
                        .fix()
                        .local_minus_utc(),
                ) * 1000
            };
            let got = |t: i64| {
                let r = ranges
                    .iter()
                    .filter(|(a, b, _)| *a <= t && t < *b)
                    .collect::<Vec<_>>();
                assert_eq!(r.len(), 1, "{tz}: {t} in {ranges:?}");
                r[0].2
            };
            let mut t = first;
            while t <= last {
                assert_eq!(got(t), want(t), "{tz} at {t}");
                t += 17 * 60_000;
            }
            for w in ranges.windows(2) {
                let at = w[0].1;
                assert_eq!(w[1].0, at, "{tz}: ranges meet");
                assert_ne!(w[0].2, w[1].2, "{tz}: a range per offset");
                assert_eq!(
                    (got(at - 1), got(at)),
                    (want(at - 1), want(at)),
                    "{tz} at {at}"
                );
            }
            assert_eq!(ranges[0].0, i64::MIN + 1);
            assert_eq!(ranges.last().unwrap().1, i64::MAX);
            let changes = ranges.len() - 1;
            let expected = match tz.name() {
                "UTC" | "Asia/Kolkata" => 0,
                _ => 6,
            };
            assert_eq!(changes, expected, "{tz}: {ranges:?}");
        }
    }

    #[test]
    fn zone_offsets_change_at_the_quarter_hour_they_change() {
        let ms = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis()
        };
        let (from, to) = (ms("2026-10-01T00:00:00Z"), ms("2026-11-30T00:00:00Z"));
        // Berlin leaves summer time on 2026-10-25 at 01:00 UTC.
        assert_eq!(
            offsets(chrono_tz::Europe::Berlin, from, to),
            [
                (from, 2 * 3_600_000),
                (ms("2026-10-25T01:00:00Z"), 3_600_000)
            ]
        );
        assert_eq!(offsets(chrono_tz::UTC, from, to), [(from, 0)]);
        // Kathmandu: +05:45, no change.
        assert_eq!(
            offsets(chrono_tz::Asia::Kathmandu, from, to),
            [(from, 20_700_000)]
        );
    }
}
