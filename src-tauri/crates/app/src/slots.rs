//! Posting-time slots (a channel's queue): weekly times such as "Monday 09:00 in Europe/Berlin",
//! the next free one across channels, and "add to queue" (create a post at that slot through the
//! posts service, with every rule checked).
//!
//! A slot keeps its wall-clock time across DST changes: each occurrence is resolved in the slot's
//! zone. An occurrence inside a DST gap moves forward by the gap (02:30 → 03:30); one inside an
//! overlap is taken once, at the earlier instant.

use chrono::{NaiveTime, TimeZone, Weekday};
use outpost_store::slots::{self, PostingSlot};
use outpost_store::{channels, new_id, now_ms};
use serde::{Deserialize, Serialize};

use crate::posts::{NewPost, PostDetail};
use crate::scheduler::time::{self, WeeklyTime};
use crate::{Error, Outpost, Result};

/// How far ahead the next free slot is looked for.
pub const HORIZON_WEEKS: i64 = 26;
const WEEK_MS: i64 = 7 * 86_400_000;
/// At most this many slots per channel (10 a day is already a busy queue).
pub const MAX_SLOTS_PER_CHANNEL: usize = 70;

/// A weekly posting time of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostingSlotView {
    pub id: String,
    pub channel_id: String,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// Wall-clock time `HH:MM` in `time_zone`.
    pub local_time: String,
    /// IANA zone the time is meant in (the creator's zone when the slot was added).
    pub time_zone: String,
}

impl From<PostingSlot> for PostingSlotView {
    fn from(s: PostingSlot) -> Self {
        PostingSlotView {
            id: s.id,
            channel_id: s.channel_id,
            weekday: u8::try_from(s.weekday).unwrap_or(1),
            local_time: s.local_time,
            time_zone: s.time_zone,
        }
    }
}

/// A weekday and time to add (the zone is the creator's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WeeklySlot {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// `HH:MM` (24-hour; `9:00` is accepted).
    pub local_time: String,
}

/// The next free posting slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FreeSlot {
    /// The instant, unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub at: i64,
    /// The slot's zone.
    pub time_zone: String,
    /// The wall-clock time of `at` in `time_zone`, `YYYY-MM-DDTHH:MM:SS`.
    pub local_time: String,
    /// The slot's own time `HH:MM` (differs from `local_time`'s time when a DST gap moved it).
    pub slot_time: String,
    /// Channels (of those asked) that have this slot.
    pub channel_ids: Vec<String>,
}

/// Parses `H:MM` / `HH:MM` into the stored `HH:MM`.
pub fn normalize_time(input: &str) -> Result<String> {
    let t = NaiveTime::parse_from_str(input.trim(), "%H:%M").map_err(|_| {
        Error::InvalidInput(format!(
            "\"{}\" is not a time of day: use 24-hour HH:MM, e.g. 09:30",
            input.trim().chars().take(20).collect::<String>()
        ))
    })?;
    Ok(t.format("%H:%M").to_string())
}

fn weekday_of(n: i64) -> Result<Weekday> {
    match n {
        1 => Ok(Weekday::Mon),
        2 => Ok(Weekday::Tue),
        3 => Ok(Weekday::Wed),
        4 => Ok(Weekday::Thu),
        5 => Ok(Weekday::Fri),
        6 => Ok(Weekday::Sat),
        7 => Ok(Weekday::Sun),
        _ => Err(Error::InvalidInput(format!(
            "{n} is not a weekday (1 = Monday … 7 = Sunday)"
        ))),
    }
}

/// English weekday name for messages.
pub fn weekday_name(n: i64) -> &'static str {
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    .get(usize::try_from(n - 1).unwrap_or(0))
    .copied()
    .unwrap_or("Monday")
}

/// Every occurrence of the slots in `(after, until)`, merged by instant (channels sharing a time
/// share the occurrence), in time order.
pub fn occurrences(
    slots: &[PostingSlot],
    after: i64,
    until: i64,
) -> Result<Vec<(i64, Vec<usize>)>> {
    let mut all: Vec<(i64, usize)> = Vec::new();
    for (i, s) in slots.iter().enumerate() {
        let tz = time::zone(&s.time_zone)?;
        let weekly = WeeklyTime {
            weekday: weekday_of(s.weekday)?,
            time: NaiveTime::parse_from_str(&s.local_time, "%H:%M").map_err(|_| {
                Error::InvalidInput(format!("the slot time {} is damaged", s.local_time))
            })?,
        };
        let mut t = time::next_weekly(tz, weekly, after);
        while t < until {
            all.push((t, i));
            t = time::next_weekly(tz, weekly, t);
        }
    }
    all.sort_unstable();
    let mut out: Vec<(i64, Vec<usize>)> = Vec::new();
    for (t, i) in all {
        match out.last_mut() {
            Some((last, v)) if *last == t => v.push(i),
            _ => out.push((t, vec![i])),
        }
    }
    Ok(out)
}

impl Outpost {
    async fn slot_channel(&self, channel_id: &str) -> Result<channels::Channel> {
        channels::find(self.store().pool(), channel_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("channel {channel_id}"),
            })
    }

    /// A channel's weekly posting slots, Monday first.
    pub async fn posting_slots(&self, channel_id: &str) -> Result<Vec<PostingSlotView>> {
        self.slot_channel(channel_id).await?;
        Ok(slots::list_for_channel(self.store().pool(), channel_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Adds a weekly slot in the creator's zone. The same weekday and time twice is refused.
    pub async fn add_posting_slot(
        &self,
        channel_id: &str,
        slot: &WeeklySlot,
    ) -> Result<PostingSlotView> {
        self.slot_channel(channel_id).await?;
        let weekday = i64::from(slot.weekday);
        weekday_of(weekday)?;
        let local_time = normalize_time(&slot.local_time)?;
        let existing = slots::list_for_channel(self.store().pool(), channel_id).await?;
        if existing
            .iter()
            .any(|s| s.weekday == weekday && s.local_time == local_time)
        {
            return Err(Error::InvalidInput(format!(
                "this channel already has a slot on {} at {local_time}",
                weekday_name(weekday)
            )));
        }
        if existing.len() >= MAX_SLOTS_PER_CHANNEL {
            return Err(Error::InvalidInput(format!(
                "a channel can have at most {MAX_SLOTS_PER_CHANNEL} weekly slots"
            )));
        }
        let row = PostingSlot {
            id: new_id(),
            channel_id: channel_id.to_string(),
            weekday,
            local_time,
            time_zone: self.time_zone().await?,
            created_at: now_ms(),
        };
        slots::insert(self.store().pool(), &row).await?;
        Ok(row.into())
    }

    /// Replaces every slot of a channel at once (e.g. "copy Monday to every weekday"); all or nothing.
    pub async fn set_posting_slots(
        &self,
        channel_id: &str,
        wanted: &[WeeklySlot],
    ) -> Result<Vec<PostingSlotView>> {
        self.slot_channel(channel_id).await?;
        if wanted.len() > MAX_SLOTS_PER_CHANNEL {
            return Err(Error::InvalidInput(format!(
                "a channel can have at most {MAX_SLOTS_PER_CHANNEL} weekly slots"
            )));
        }
        let zone = self.time_zone().await?;
        let mut rows: Vec<PostingSlot> = Vec::new();
        let now = now_ms();
        for w in wanted {
            let weekday = i64::from(w.weekday);
            weekday_of(weekday)?;
            let local_time = normalize_time(&w.local_time)?;
            if rows
                .iter()
                .any(|r| r.weekday == weekday && r.local_time == local_time)
            {
                continue;
            }
            rows.push(PostingSlot {
                id: new_id(),
                channel_id: channel_id.to_string(),
                weekday,
                local_time,
                time_zone: zone.clone(),
                created_at: now,
            });
        }
        let mut tx = self.store().begin().await?;
        slots::delete_for_channel(&mut *tx, channel_id).await?;
        for r in &rows {
            slots::insert(&mut *tx, r).await?;
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.posting_slots(channel_id).await
    }

    /// Removes one slot. Posts already scheduled at it stay where they are.
    pub async fn remove_posting_slot(&self, slot_id: &str) -> Result<()> {
        slots::delete(self.store().pool(), slot_id).await?;
        Ok(())
    }

    /// The earliest slot of these channels after `after` (default: now) at which none of them
    /// already has a scheduled or published post, within [`HORIZON_WEEKS`].
    pub async fn next_free_slot(
        &self,
        channel_ids: &[String],
        after: Option<i64>,
    ) -> Result<FreeSlot> {
        if channel_ids.is_empty() {
            return Err(Error::InvalidInput("choose at least one channel".into()));
        }
        for id in channel_ids {
            self.slot_channel(id).await?;
        }
        let pool = self.store().pool();
        let all = slots::list_for_channels(pool, channel_ids).await?;
        if all.is_empty() {
            return Err(Error::InvalidInput(
                "no posting times are set for these channels yet: add some in Channels → Queue"
                    .into(),
            ));
        }
        let after = after.unwrap_or(0).max(now_ms());
        let until = after + HORIZON_WEEKS * WEEK_MS;
        let candidates = occurrences(&all, after, until)?;
        let instants: Vec<i64> = candidates.iter().map(|(at, _)| *at).collect();
        let taken = slots::occupied(pool, channel_ids, &instants).await?;
        for (at, which) in candidates {
            if taken.binary_search(&at).is_ok() {
                continue;
            }
            let first = &all[which[0]];
            let tz = time::zone(&first.time_zone)?;
            let mut ids: Vec<String> = which.iter().map(|i| all[*i].channel_id.clone()).collect();
            ids.dedup();
            return Ok(FreeSlot {
                at,
                time_zone: first.time_zone.clone(),
                local_time: time::local_of(at, tz),
                slot_time: first.local_time.clone(),
                channel_ids: ids,
            });
        }
        Err(Error::InvalidInput(format!(
            "every posting slot of these channels in the next {HORIZON_WEEKS} weeks is taken: add more posting times or pick a time"
        )))
    }

    /// "Add to queue": creates the post at the next free slot of its channels (every rule of
    /// [`Outpost::create_post`] applies).
    pub async fn add_to_queue(&self, mut new: NewPost) -> Result<PostDetail> {
        let slot = self.next_free_slot(&new.channels, None).await?;
        let tz = time::zone(&slot.time_zone)?;
        let at = tz
            .timestamp_millis_opt(slot.at)
            .single()
            .map(|t| t.to_rfc3339())
            .ok_or_else(|| Error::InvalidInput("the slot's time cannot be represented".into()))?;
        new.at = Some(at);
        new.time_zone = Some(slot.time_zone);
        new.draft = false;
        self.create_post(new).await
    }
}
