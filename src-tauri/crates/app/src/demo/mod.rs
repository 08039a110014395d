//! `outpost demo seed`: fills an empty profile with a realistic demo workspace (channels of six
//! platforms, posts across last, this and next month in every status, media, tags, campaigns,
//! ideas, templates, board columns and posting slots) for trying Outpost, screenshots and
//! benchmarks.
//!
//! Demo channels never publish: their ids are listed in the `demo.workspace` setting and the posts
//! service refuses to build a platform post for them, so the scheduler holds a demo post that
//! comes due with that reason instead of calling any platform. Their names end in "· Demo".

mod content;
mod images;

use std::collections::HashSet;

use chrono::{Datelike, Duration, LocalResult, NaiveDate, TimeZone};
use outpost_platforms::publish::MediaFile;
use outpost_store::board::BoardColumn;
use outpost_store::jobs::PublishJob;
use outpost_store::media::post_media::PostMedia;
use outpost_store::posts::{Post, targets::PostTarget};
use outpost_store::{
    ChannelKind, ChannelStatus, JobState, Platform, PostStatus, board, campaigns, channels, ideas,
    new_id, now_ms, posts, settings, slots, tags, templates,
};
use serde::{Deserialize, Serialize};

use crate::scheduler::time;
use crate::{Error, Outpost, Result};

/// The setting that lists the demo channels.
pub const DEMO_SETTING: &str = "demo.workspace";
/// Posts seeded when no count is given.
pub const DEFAULT_POSTS: u32 = 150;
/// Most posts a seed creates.
pub const MAX_POSTS: u32 = 200_000;

/// What the seed created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoSummary {
    pub channels: u32,
    pub posts: u32,
    pub ideas: u32,
    pub templates: u32,
    pub tags: u32,
    pub campaigns: u32,
    pub board_columns: u32,
    pub media_files: u32,
    pub slots: u32,
    pub time_zone: String,
}

/// Content tables that must be empty before seeding.
const CONTENT_TABLES: [&str; 7] = [
    "channels",
    "posts",
    "ideas",
    "templates",
    "tags",
    "campaigns",
    "media_assets",
];

/// A small deterministic generator (the same seed gives the same workspace).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }
}

fn month_start(date: NaiveDate, offset: i32) -> NaiveDate {
    let months = date.year() * 12 + i32::try_from(date.month0()).unwrap_or(0) + offset;
    NaiveDate::from_ymd_opt(
        months.div_euclid(12),
        u32::try_from(months.rem_euclid(12)).unwrap_or(0) + 1,
        1,
    )
    .unwrap_or(date)
}

impl Outpost {
    /// Whether a channel belongs to the demo workspace (and so never publishes).
    pub async fn is_demo_channel(&self, channel_id: &str) -> Result<bool> {
        Ok(self
            .demo_channel_ids()
            .await?
            .iter()
            .any(|id| id == channel_id))
    }

    /// The demo workspace's channel ids (empty when there is none), read once.
    pub(crate) async fn demo_channel_ids(&self) -> Result<Vec<String>> {
        Ok(settings::get(self.store().pool(), DEMO_SETTING)
            .await?
            .and_then(|v| {
                v["channel_ids"].as_array().map(|ids| {
                    ids.iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default())
    }

    /// Fills an empty profile with the demo workspace; refuses a profile that holds channels,
    /// posts, ideas, templates, tags, campaigns or media.
    pub async fn seed_demo(&self, post_count: u32) -> Result<DemoSummary> {
        if post_count > MAX_POSTS {
            return Err(Error::InvalidInput(format!(
                "at most {MAX_POSTS} demo posts can be seeded"
            )));
        }
        let pool = self.store().pool();
        let mut filled = Vec::new();
        for t in CONTENT_TABLES {
            let n = outpost_store::dump::count_rows(pool, t).await?;
            if n > 0 {
                filled.push(format!("{t}: {n}"));
            }
        }
        if !filled.is_empty() {
            return Err(Error::ProfileNotEmpty {
                detail: filled.join(", "),
            });
        }
        let zone_name = self.time_zone().await?;
        let tz = time::zone(&zone_name)?;
        let now = now_ms();

        // Images: generated here, then added to the library like any attachment.
        let dir =
            tempfile::tempdir().map_err(|e| Error::io("cannot create a temporary folder", e))?;
        let mut files = Vec::new();
        for (i, palette) in content::IMAGE_PALETTES.iter().enumerate() {
            let path = dir.path().join(format!("lumen-{}.png", i + 1));
            images::write_png(&path, 720, 720, *palette, i)?;
            files.push(MediaFile::inspect(&path, Some(images::ALT[i].to_string()))?);
        }
        let media_ids = self.import_media(&files).await?;

        let mut rng = Lcg(0x5eed_1234_abcd);
        let mut tx = self.store().begin().await?;

        // Channels.
        let mut channel_rows = Vec::new();
        for (platform, kind, name, handle, instance) in content::CHANNELS {
            let row = channels::Channel {
                id: new_id(),
                platform: platform.parse::<Platform>()?,
                instance_url: instance.to_string(),
                platform_account_id: format!("demo:{handle}"),
                kind: kind.parse::<ChannelKind>()?,
                display_name: name.to_string(),
                handle: handle.to_string(),
                avatar_url: None,
                scopes: "demo".to_string(),
                status: ChannelStatus::Connected,
                status_reason: None,
                token_expires_at: None,
                developer_app_id: None,
                created_at: now,
                updated_at: now,
            };
            channels::insert(&mut *tx, &row).await?;
            channel_rows.push(row);
        }
        let channel_ids: Vec<String> = channel_rows.iter().map(|c| c.id.clone()).collect();
        settings::set(
            &mut *tx,
            DEMO_SETTING,
            &serde_json::json!({ "channel_ids": channel_ids, "seeded_at": now, "posts": post_count }),
            now,
        )
        .await?;

        // Slots (the queue) per channel.
        let mut slot_count = 0u32;
        for (ci, c) in channel_rows.iter().enumerate() {
            for (si, (weekday, at)) in content::SLOTS.iter().enumerate() {
                if (si + ci) % 3 == 2 {
                    continue;
                }
                slots::insert(
                    &mut *tx,
                    &slots::PostingSlot {
                        id: new_id(),
                        channel_id: c.id.clone(),
                        weekday: i64::from(*weekday),
                        local_time: (*at).to_string(),
                        time_zone: zone_name.clone(),
                        created_at: now,
                    },
                )
                .await?;
                slot_count += 1;
            }
        }

        // Tags, campaigns, board columns (existing columns of the same name are reused).
        let mut tag_ids = Vec::new();
        for (name, colour) in content::TAGS {
            let t = tags::Tag {
                id: new_id(),
                name: name.to_string(),
                colour: colour.to_string(),
                created_at: now,
            };
            tags::insert(&mut *tx, &t).await?;
            tag_ids.push(t.id);
        }
        let today = tz
            .timestamp_millis_opt(now)
            .single()
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let mut campaign_ids = Vec::new();
        for (name, colour, from, to) in content::CAMPAIGNS {
            let c = campaigns::Campaign {
                id: new_id(),
                name: name.to_string(),
                colour: colour.to_string(),
                start_date: Some(month_start(today, from).format("%Y-%m-%d").to_string()),
                end_date: Some(
                    (month_start(today, to + 1) - Duration::days(1))
                        .format("%Y-%m-%d")
                        .to_string(),
                ),
                created_at: now,
                updated_at: now,
            };
            campaigns::insert(&mut *tx, &c).await?;
            campaign_ids.push(c.id);
        }
        let existing = board::list_all(&mut *tx).await?;
        let mut column_ids = Vec::new();
        let mut columns_created = 0u32;
        for (i, (name, colour)) in content::BOARD_COLUMNS.iter().enumerate() {
            if let Some(c) = existing.iter().find(|c| c.name.eq_ignore_ascii_case(name)) {
                column_ids.push(c.id.clone());
                continue;
            }
            let c = BoardColumn {
                id: new_id(),
                name: (*name).to_string(),
                position: i64::try_from(existing.len() + i).unwrap_or(0),
                colour: (*colour).to_string(),
                created_at: now,
                updated_at: now,
            };
            board::insert(&mut *tx, &c).await?;
            column_ids.push(c.id);
            columns_created += 1;
        }
        let mut positions = vec![0i64; column_ids.len()];

        // Ideas and templates.
        for (i, (title, notes)) in content::IDEAS.iter().enumerate() {
            let idea = ideas::Idea {
                id: new_id(),
                title: (*title).to_string(),
                notes: (*notes).to_string(),
                campaign_id: (i % 3 == 0).then(|| campaign_ids[i % campaign_ids.len()].clone()),
                board_column_id: Some(column_ids[0].clone()),
                board_position: positions[0],
                created_at: now - i64::try_from(i).unwrap_or(0) * 3_600_000,
                updated_at: now - i64::try_from(i).unwrap_or(0) * 3_600_000,
            };
            positions[0] += 1;
            ideas::insert(&mut *tx, &idea).await?;
            tags::tag_idea(&mut *tx, &idea.id, &tag_ids[i % tag_ids.len()]).await?;
        }
        for (name, body) in content::TEMPLATES {
            templates::insert(
                &mut *tx,
                &templates::Template {
                    id: new_id(),
                    name: name.to_string(),
                    body: body.to_string(),
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
        }

        // Posts across last, this and next month.
        let first_day = month_start(today, -1);
        let span_days = (month_start(today, 2) - first_day).num_days().max(1);
        let day_ms = 86_400_000i64;
        let times = ["09:00", "12:15", "17:30", "10:30", "19:45", "08:15"];
        let mut media_links = 0u32;
        // Every post's rows go in one batch: a few statements a table (100,000 posts in seconds).
        let mut batch = posts::PostBatch::default();
        for i in 0..post_count {
            let i_us = usize::try_from(i).unwrap_or(0);
            let day = first_day
                + Duration::days(
                    i64::from(i) * span_days / i64::from(post_count.max(1))
                        + i64::try_from(rng.below(2)).unwrap_or(0),
                );
            let clock = times[rng.below(times.len())];
            let local =
                day.and_time(chrono::NaiveTime::parse_from_str(clock, "%H:%M").unwrap_or_default());
            let at = match tz.from_local_datetime(&local) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp_millis(),
                LocalResult::None => continue,
            };
            let past = at < now;
            let roll = rng.below(100);
            let (status, job_state) = if past {
                match roll {
                    0..=6 => (PostStatus::Failed, Some(JobState::Failed)),
                    7..=9 => (PostStatus::Draft, None),
                    _ => (PostStatus::Published, Some(JobState::Published)),
                }
            } else {
                match roll {
                    0..=17 => (PostStatus::Draft, None),
                    _ => (PostStatus::Scheduled, Some(JobState::Scheduled)),
                }
            };
            let column = match status {
                PostStatus::Draft => 1 + (i_us % 2),
                PostStatus::Failed => 2,
                PostStatus::Scheduled => 3,
                _ => 4,
            };
            let scheduled = status != PostStatus::Draft;
            let created = (at.min(now) - 3 * day_ms).max(0);
            let post = Post {
                id: new_id(),
                body: content::POSTS[(i_us * 7 + rng.below(3)) % content::POSTS.len()].to_string(),
                status,
                scheduled_at: scheduled.then_some(at),
                time_zone: scheduled.then(|| zone_name.clone()),
                local_time: scheduled.then(|| local.format(time::LOCAL_FORMAT).to_string()),
                campaign_id: (i % 4 == 0).then(|| campaign_ids[i_us % campaign_ids.len()].clone()),
                board_column_id: Some(column_ids[column].clone()),
                board_position: positions[column],
                idea_id: None,
                created_at: created,
                updated_at: if past { at } else { created },
            };
            positions[column] += 1;
            if i % 4 == 1 && media_links < 240 {
                let m = &media_ids[i_us % media_ids.len()];
                batch.media.push(PostMedia {
                    id: new_id(),
                    post_id: post.id.clone(),
                    target_id: None,
                    media_id: m.clone(),
                    position: 0,
                    created_at: created,
                });
                media_links += 1;
            }
            let mut used = HashSet::new();
            let targets = 1 + rng.below(3);
            for k in 0..targets {
                let c = &channel_rows[(i_us + k * 2 + rng.below(2)) % channel_rows.len()];
                if !used.insert(c.id.clone()) {
                    continue;
                }
                let target = PostTarget {
                    id: new_id(),
                    post_id: post.id.clone(),
                    channel_id: c.id.clone(),
                    first_comment: (c.platform == Platform::Instagram && i % 3 == 0).then(|| {
                        content::FIRST_COMMENTS[i_us % content::FIRST_COMMENTS.len()].to_string()
                    }),
                    thread_parts: outpost_store::json(serde_json::json!([])),
                    options: outpost_store::json(serde_json::json!({})),
                    created_at: created,
                    updated_at: created,
                    ..Default::default()
                };
                if let Some(state) = job_state {
                    let published = state == JobState::Published;
                    batch.jobs.push(PublishJob {
                        id: new_id(),
                        post_target_id: target.id.clone(),
                        state,
                        due_at: at,
                        attempt_count: i64::from(past),
                        last_error: (state == JobState::Failed).then(|| {
                            "Demo: the platform refused the image (Instagram wants 4:5 to 1.91:1)"
                                .to_string()
                        }),
                        platform_post_id: published.then(|| format!("demo-{}", &target.id[..8])),
                        published_at: published.then_some(at),
                        created_at: created,
                        updated_at: if past { at } else { created },
                        ..Default::default()
                    });
                }
                batch.targets.push(target);
            }
            if roll.is_multiple_of(3) {
                batch
                    .tags
                    .push((post.id.clone(), tag_ids[i_us % tag_ids.len()].clone()));
            }
            if roll.is_multiple_of(5) {
                batch
                    .tags
                    .push((post.id.clone(), tag_ids[(i_us + 3) % tag_ids.len()].clone()));
            }
            batch.posts.push(post);
        }
        batch.write(&mut tx).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.scheduler_changed();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        tracing::info!(posts = post_count, "demo workspace seeded");
        Ok(DemoSummary {
            channels: count(channel_rows.len()),
            posts: u32::try_from(posts::count_all(pool).await?).unwrap_or(0),
            ideas: count(content::IDEAS.len()),
            templates: count(content::TEMPLATES.len()),
            tags: count(tag_ids.len()),
            campaigns: count(campaign_ids.len()),
            board_columns: columns_created,
            media_files: count(media_ids.len()),
            slots: slot_count,
            time_zone: zone_name,
        })
    }
}
