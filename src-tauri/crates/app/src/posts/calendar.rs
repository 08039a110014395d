//! The calendar's range query: posts scheduled between two local dates in the creator's zone,
//! with their channels, status, an excerpt and the first attachment, filtered by channel, status,
//! tag and campaign. One SQL statement on the `posts_scheduled_at` index.

use chrono::{Duration, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use outpost_platforms::Platform;
use serde::{Deserialize, Serialize};

use outpost_store::posts::CalendarItemRow;

use crate::scheduler::time;
use crate::{Error, Outpost, Result};

/// The posts of a calendar range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarQuery {
    /// First local date shown, `YYYY-MM-DD` (inclusive).
    pub from: String,
    /// Local date after the last one shown, `YYYY-MM-DD` (exclusive).
    pub to: String,
    /// The zone the dates are in; `None`: the creator's zone from Settings.
    pub time_zone: Option<String>,
    /// Only posts on any of these channels (empty: all).
    pub channel_ids: Vec<String>,
    /// Only these post statuses (empty: all).
    pub statuses: Vec<String>,
    /// Only posts with any of these tags (empty: all).
    pub tag_ids: Vec<String>,
    pub campaign_id: Option<String>,
    /// At most this many posts a local day, the first by time (a month grid; `None`: all). Each
    /// item's `day_total` still counts every post of its day.
    #[serde(default)]
    pub per_day: Option<u32>,
}

/// A channel on a calendar card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarChannel {
    pub id: String,
    pub platform: Platform,
    pub name: String,
}

/// A post on the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarItem {
    pub id: String,
    pub status: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub scheduled_at: i64,
    /// The local date and time in the calendar's zone, `YYYY-MM-DDTHH:MM:SS`.
    pub local_time: String,
    /// The zone the post was scheduled in.
    pub time_zone: Option<String>,
    /// The first 160 characters of the text.
    pub excerpt: String,
    pub channels: Vec<CalendarChannel>,
    /// Each channel's job state (`scheduled`, `published`, `failed`, …), in channel order.
    pub job_states: Vec<String>,
    pub media_count: u32,
    /// The first attachment (for a thumbnail through `media_thumbnail`).
    pub first_media_id: Option<String>,
    pub first_media_kind: Option<String>,
    pub campaign_id: Option<String>,
    /// Posts on this item's local day matching the query (with `per_day`, more than are listed).
    pub day_total: u32,
    /// `failed`, `unconfirmed`, `held`, `comment_failed` or `published` (see [`super::status_mark`]).
    pub mark: Option<String>,
    /// Handed to the platform, which publishes it at its time (native scheduling).
    pub handed_off: bool,
}

/// A calendar range's posts, in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CalendarPage {
    pub time_zone: String,
    pub items: Vec<CalendarItem>,
}

const STATUSES: &[&str] = &[
    "draft",
    "scheduled",
    "publishing",
    "published",
    "partially_published",
    "failed",
];

/// The first instant of a local date (midnight, or the first minute after a DST gap at midnight).
pub fn day_start(tz: Tz, date: NaiveDate) -> i64 {
    let mut t = date.and_time(NaiveTime::MIN);
    for _ in 0..(24 * 60) {
        if let Some(x) = tz.from_local_datetime(&t).earliest() {
            return x.timestamp_millis();
        }
        t += Duration::minutes(1);
    }
    tz.from_utc_datetime(&t).timestamp_millis()
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Error::InvalidInput(format!(
            "\"{}\" is not a date (use YYYY-MM-DD)",
            s.chars().take(20).collect::<String>()
        ))
    })
}

impl Outpost {
    /// Posts scheduled in `[from, to)` (local dates in the zone), filtered, in time order.
    pub async fn calendar_posts(&self, q: &CalendarQuery) -> Result<CalendarPage> {
        let zone_name = match &q.time_zone {
            Some(z) => z.clone(),
            None => self.time_zone().await?,
        };
        let tz = time::zone(&zone_name)?;
        let (from, to) = (parse_date(&q.from)?, parse_date(&q.to)?);
        if to <= from {
            return Err(Error::InvalidInput(
                "the end of the range must be after its start".into(),
            ));
        }
        if (to - from).num_days() > 400 {
            return Err(Error::InvalidInput(
                "a calendar range can span at most 400 days".into(),
            ));
        }
        for s in &q.statuses {
            if !STATUSES.contains(&s.as_str()) {
                return Err(Error::InvalidInput(format!("\"{s}\" is not a post status")));
            }
        }
        let (from_ms, to_ms) = (day_start(tz, from), day_start(tz, to));
        let filter = outpost_store::posts::CalendarFilter {
            statuses: q.statuses.clone(),
            channel_ids: q.channel_ids.clone(),
            tag_ids: q.tag_ids.clone(),
            campaign_id: q.campaign_id.clone(),
        };
        let rows: Vec<(CalendarItemRow, Option<i64>)> = match q.per_day {
            Some(n) => {
                let mut starts = Vec::new();
                let mut d = from;
                while d <= to {
                    starts.push(day_start(tz, d));
                    d += Duration::days(1);
                }
                outpost_store::posts::calendar_items_per_day(
                    self.store().pool(),
                    &starts,
                    i64::from(n),
                    &filter,
                )
                .await?
                .into_iter()
                .map(|(row, total)| (row, Some(total)))
                .collect()
            }
            None => {
                outpost_store::posts::calendar_items(self.store().pool(), from_ms, to_ms, &filter)
                    .await?
                    .into_iter()
                    .map(|row| (row, None))
                    .collect()
            }
        };
        let mut items = rows
            .into_iter()
            .map(
                |(
                    (
                        (
                            id,
                            status,
                            at,
                            zone,
                            excerpt,
                            campaign,
                            chans,
                            states,
                            media,
                            first,
                            mime,
                        ),
                        (handed_off, comment_problems),
                    ),
                    total,
                )| {
                    let job_states = super::job_states(states);
                    CalendarItem {
                        mark: super::status_mark(&status, &job_states, comment_problems),
                        handed_off: handed_off > 0,
                        day_total: total.map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX)),
                        local_time: time::local_of(at, tz),
                        channels: chans
                            .unwrap_or_default()
                            .split('\u{1e}')
                            .filter(|s| !s.is_empty())
                            .filter_map(|c| {
                                let mut f = c.split('\u{1f}');
                                let (id, platform, name) = (f.next()?, f.next()?, f.next()?);
                                Some(CalendarChannel {
                                    id: id.to_string(),
                                    platform: Platform::from_id(platform)?,
                                    name: name.to_string(),
                                })
                            })
                            .collect(),
                        job_states,
                        media_count: u32::try_from(media).unwrap_or(0),
                        first_media_kind: mime.map(|m| {
                            match m.as_str() {
                                "image/gif" => "gif",
                                m if m.starts_with("video/") => "video",
                                _ => "image",
                            }
                            .to_string()
                        }),
                        first_media_id: first,
                        id,
                        status,
                        scheduled_at: at,
                        time_zone: zone,
                        excerpt,
                        campaign_id: campaign,
                    }
                },
            )
            .collect::<Vec<_>>();
        if q.per_day.is_none() {
            // Every post is listed: count each local day's here.
            let date = |i: &CalendarItem| i.local_time.get(..10).unwrap_or_default().to_string();
            let mut per_day: std::collections::HashMap<String, u32> =
                std::collections::HashMap::new();
            for i in &items {
                *per_day.entry(date(i)).or_default() += 1;
            }
            for i in &mut items {
                i.day_total = per_day.get(&date(i)).copied().unwrap_or(1);
            }
        }
        Ok(CalendarPage {
            time_zone: zone_name,
            items,
        })
    }

    /// Moves a post to `date` (local, in its own zone or the creator's), keeping its time of day:
    /// the calendar's drag to reschedule. A time that has passed is refused.
    pub async fn move_post_to_date(&self, id: &str, date: &str) -> Result<super::PostDetail> {
        let post = outpost_store::posts::find(self.store().pool(), id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("post {id}"),
            })?;
        let zone = match &post.time_zone {
            Some(z) => z.clone(),
            None => self.time_zone().await?,
        };
        let d = parse_date(date)?;
        let clock = post
            .local_time
            .as_deref()
            .and_then(|l| l.split('T').nth(1))
            .unwrap_or("09:00:00")
            .to_string();
        let at = format!("{}T{clock}", d.format("%Y-%m-%d"));
        if post.scheduled_at.is_none() {
            return Err(Error::InvalidInput(
                "this draft has no time yet; open it to schedule it".into(),
            ));
        }
        self.reschedule_post(id, &at, Some(&zone)).await
    }
}
