//! The PDF report of a period ([`Outpost::analytics_report`]): its channels, headline numbers
//! with their change against the period just before, a followers line and a daily engagement bar
//! chart, the top posts and a note on what each platform lets Outpost read. Written to a
//! temporary file beside the destination and renamed into place, so a failure leaves nothing
//! half-written; the same data and arguments give the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, TimeZone};
use serde::{Deserialize, Serialize};

use outpost_platforms::Platform;
use outpost_store::analytics as store;

use super::pdf::{self, Headline, TopPost, number};
use super::{AnalyticsPost, DAY_MS, PeriodTotals, TOP_PER_CHANNEL, totals, value_at};
use crate::{Error, Outpost, Result};

/// Days in a report when `--from` is not given.
pub const DEFAULT_DAYS: i64 = 30;
/// Posts in the report's top list.
const TOP_POSTS: usize = 10;

/// What was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportSummary {
    pub path: String,
    pub bytes: u32,
    /// `YYYY-MM-DD`, both inclusive.
    pub from: String,
    pub to: String,
    pub channels: u32,
    pub posts: u32,
}

/// What each platform lets Outpost read, and for how long the platform keeps it.
pub fn data_limits(platform: Platform) -> &'static str {
    match platform {
        Platform::X => {
            "public counts (likes, reposts, replies, quotes, bookmarks, impressions) for any post; \
             non-public and organic metrics (link clicks, profile visits) only for posts of the \
             last 30 days."
        }
        Platform::Linkedin => {
            "organic post statistics (impressions, reactions, comments, reposts) over a rolling \
             12 months; no paid reach."
        }
        Platform::Facebook => {
            "Page post insights (reach, reactions, comments, shares, clicks), kept by Meta for 2 \
             years and delayed up to 48 hours."
        }
        Platform::Instagram => {
            "media insights (views, reach, likes, comments, saves, shares) kept 2 years and delayed \
             up to 48 hours; story metrics only while the story is live (24 h); none below a \
             minimum audience."
        }
        Platform::Threads => {
            "post insights (views, likes, replies, reposts, quotes, shares) and follower counts; \
             no data before April 2024."
        }
        Platform::Youtube => {
            "views, likes, comments, watch time and average view duration from the YouTube \
             Analytics API, delayed 2 to 3 days."
        }
        Platform::Tiktok => {
            "current counts only (views, likes, comments, shares) through the Display API; no \
             history on the platform's side."
        }
        Platform::Pinterest => {
            "pin analytics (impressions, saves, pin clicks, outbound clicks) for the last 90 days \
             only."
        }
        Platform::Bluesky => {
            "public counts (likes, reposts, replies, quotes) and followers; no views or \
             impressions."
        }
        Platform::Mastodon => {
            "counts as the user's server sees them (favourites, boosts, replies) and followers; \
             no views or impressions."
        }
    }
}

fn day(tz: chrono_tz::Tz, ms: i64) -> String {
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn signed(v: f64) -> String {
    let n = number(v.abs());
    if v > 0.0 {
        format!("+{n}")
    } else if v < 0.0 {
        format!("-{n}")
    } else {
        "0".into()
    }
}

fn percent(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

/// `+12 (+30.0%)`; without a base the percentage is left out.
fn change(now: f64, before: f64) -> String {
    let d = now - before;
    if before > 0.0 {
        format!("{} ({}%)", signed(d), signed_pct(d / before * 100.0))
    } else {
        signed(d)
    }
}

fn signed_pct(p: f64) -> String {
    let s = format!("{:.1}", p.abs());
    if p > 0.0 {
        format!("+{s}")
    } else if p < 0.0 {
        format!("-{s}")
    } else {
        s
    }
}

fn headline(label: &str, now: f64, before: f64) -> Headline {
    Headline {
        label: label.into(),
        current: number(now),
        previous: number(before),
        change: change(now, before),
    }
}

/// A headline number with nothing to compare it with.
fn unknown_before(label: &str, now: f64) -> Headline {
    Headline {
        label: label.into(),
        current: number(now),
        previous: "-".into(),
        change: "-".into(),
    }
}

fn rate_headline(now: &PeriodTotals, before: &PeriodTotals) -> Headline {
    let show = |r: Option<f64>| r.map_or_else(|| "-".to_string(), percent);
    Headline {
        label: "Engagement rate (mean)".into(),
        current: show(now.engagement_rate),
        previous: show(before.engagement_rate),
        change: match (now.engagement_rate, before.engagement_rate) {
            (Some(a), Some(b)) => format!("{} pts", signed_pct((a - b) * 100.0)),
            _ => "-".into(),
        },
    }
}

impl Outpost {
    /// Writes the PDF report of `[from, to]` (dates in the creator's zone; `to` defaults to today,
    /// `from` to [`DEFAULT_DAYS`] before it) on the given channels (all when empty) to `out`.
    pub async fn analytics_report(
        &self,
        out: &Path,
        from: Option<&str>,
        to: Option<&str>,
        channel_ids: &[String],
    ) -> Result<ReportSummary> {
        let tz = self.zone().await?;
        let (mut start, mut end) = self.analytics_range(from, to).await?;
        if to.is_none() {
            let today = day(tz, crate::inbox::now_ms());
            end = self.analytics_range(Some(&today), Some(&today)).await?.1;
        }
        if from.is_none() {
            start = end - DEFAULT_DAYS * DAY_MS;
        }
        if start >= end {
            return Err(Error::InvalidInput("--from must be before --to".into()));
        }
        let pool = self.store().pool();
        for id in channel_ids {
            outpost_store::channels::get(pool, id).await?;
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        if out.is_dir() {
            return Err(Error::InvalidInput(format!(
                "{} is a folder; give a file name ending in .pdf",
                out.display()
            )));
        }
        if !parent.is_dir() {
            return Err(Error::InvalidInput(format!(
                "{} does not exist; the report needs an existing folder",
                parent.display()
            )));
        }

        let len = end - start;
        let prev_start = start - len;
        let wanted = |id: &str| channel_ids.is_empty() || channel_ids.iter().any(|c| c == id);
        let mut channels = self.analytics_channels(start, end).await?;
        channels.retain(|c| wanted(&c.channel_id));
        let posts: Vec<AnalyticsPost> = self
            .analytics_posts(None, prev_start, end)
            .await?
            .into_iter()
            .filter(|p| wanted(&p.channel_id))
            .collect();
        let (mut current, previous): (Vec<_>, Vec<_>) =
            posts.into_iter().partition(|p| p.published_at >= start);
        let (now, before) = (totals(&current), totals(&previous));

        // Followers: each channel's series, summed at the end of each day.
        let mut series: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        for s in store::channel_snapshots(pool, None, 0, end).await? {
            if s.metric == "followers" && wanted(&s.channel_id) {
                series
                    .entry(s.channel_id)
                    .or_default()
                    .push((s.captured_at, s.value));
            }
        }
        let total_at = |at: i64| -> Option<f64> {
            let known: Vec<f64> = series
                .values()
                .filter(|s| s.first().is_some_and(|(t, _)| *t < at))
                .filter_map(|s| value_at(s, at - 1))
                .collect();
            (!known.is_empty()).then(|| known.iter().sum())
        };
        let days = usize::try_from((len + DAY_MS / 2) / DAY_MS)
            .unwrap_or(0)
            .max(1);
        let day_ends: Vec<i64> = (1..=days as i64).map(|d| start + d * DAY_MS).collect();
        let followers: Vec<(String, f64)> = day_ends
            .iter()
            .filter_map(|e| total_at(*e).map(|v| (day(tz, e - 1), v)))
            .collect();
        let mut engagement: BTreeMap<String, f64> =
            day_ends.iter().map(|e| (day(tz, e - 1), 0.0)).collect();
        for p in &current {
            *engagement.entry(day(tz, p.published_at)).or_default() += p.engagement.unwrap_or(0.0);
        }

        let mut headline_rows = vec![
            headline(
                "Posts published",
                f64::from(now.posts),
                f64::from(before.posts),
            ),
            headline("Engagement", now.engagement, before.engagement),
            headline("Likes", now.likes, before.likes),
            headline("Reposts", now.reposts, before.reposts),
            headline("Replies", now.replies, before.replies),
            rate_headline(&now, &before),
        ];
        let (a, b, c) = (total_at(prev_start), total_at(start), total_at(end));
        if let (Some(b), Some(c)) = (b, c) {
            headline_rows.push(match a {
                Some(a) => headline("Followers gained", c - b, b - a),
                None => unknown_before("Followers gained", c - b),
            });
            headline_rows.push(headline("Followers at the end", c, b));
        } else if let Some(c) = c {
            headline_rows.push(unknown_before("Followers at the end", c));
        }

        current.sort_by(|a, b| {
            b.engagement
                .unwrap_or(-1.0)
                .total_cmp(&a.engagement.unwrap_or(-1.0))
                .then(b.published_at.cmp(&a.published_at))
                .then(a.post_target_id.cmp(&b.post_target_id))
        });
        let top_post = |p: &AnalyticsPost| TopPost {
            date: day(tz, p.published_at),
            channel: p.channel_name.clone(),
            text: p.text.clone(),
            engagement: p.engagement.map_or_else(|| "-".into(), number),
            rate: p.engagement_rate.map_or_else(|| "-".into(), percent),
        };
        let top_posts = current.iter().take(TOP_POSTS).map(top_post).collect();
        let channel_tops = channels
            .iter()
            .map(|c| {
                let posts: Vec<TopPost> = current
                    .iter()
                    .filter(|p| p.channel_id == c.channel_id)
                    .take(TOP_PER_CHANNEL as usize)
                    .map(top_post)
                    .collect();
                (format!("{} ({})", c.channel_name, c.platform.name()), posts)
            })
            .filter(|(_, posts)| !posts.is_empty())
            .collect();

        let last_day = day(tz, end - 1);
        let end_date = chrono::NaiveDate::parse_from_str(&last_day, "%Y-%m-%d").ok();
        let report = pdf::Report {
            period: format!("{} to {} ({days} days)", day(tz, start), last_day),
            previous_period: format!("{} to {}", day(tz, prev_start), day(tz, start - 1)),
            zone: tz.name().to_string(),
            date: end_date.map_or((2000, 1, 1), |d| {
                (
                    u16::try_from(d.year()).unwrap_or(2000),
                    u8::try_from(d.month()).unwrap_or(1),
                    u8::try_from(d.day()).unwrap_or(1),
                )
            }),
            channels: channels
                .iter()
                .map(|c| {
                    let state = match (&c.support_note, c.state.as_deref()) {
                        (Some(note), _) => note.clone(),
                        (None, Some("synced")) => "synced".into(),
                        (None, Some(s)) => format!(
                            "last sync: {}{}",
                            s.replace('_', " "),
                            c.message
                                .as_ref()
                                .map(|m| format!(" ({m})"))
                                .unwrap_or_default()
                        ),
                        (None, None) => "not synced yet".into(),
                    };
                    format!("{} ({}): {state}", c.channel_name, c.platform.name())
                })
                .collect(),
            headline: headline_rows,
            followers,
            engagement: engagement.into_iter().collect(),
            top_posts,
            channel_tops,
            limits: Platform::ALL
                .iter()
                .map(|p| (p.name().to_string(), data_limits(*p).to_string()))
                .collect(),
        };
        let bytes = pdf::render(&report);

        let mut tmp = tempfile::Builder::new()
            .prefix(".outpost-report-")
            .suffix(".pdf.part")
            .tempfile_in(&parent)
            .map_err(|e| Error::io(format!("cannot write in {}", parent.display()), e))?;
        std::io::Write::write_all(&mut tmp, &bytes)
            .map_err(|e| Error::io(format!("writing {}", out.display()), e))?;
        tmp.persist(out)
            .map_err(|e| Error::io(format!("writing {}", out.display()), e.error))?;
        Ok(ReportSummary {
            path: out.display().to_string(),
            bytes: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            from: day(tz, start),
            to: last_day,
            channels: u32::try_from(channels.len()).unwrap_or(u32::MAX),
            posts: now.posts,
        })
    }
}
