//! Evergreen recycling: a post marked evergreen comes back every N days as a copy scheduled into
//! its channels' next free posting slot (at the due time itself when the channels have no free
//! slot), never closer than the minimum gap to its previous appearance, until the optional end
//! date. X refuses a text it has already published, and no AI provider is configured in this
//! version to write a variation, so a repeat skips X channels and says so; a post only on X is
//! skipped with that message.

use chrono::NaiveDate;
use outpost_store::automation::{self as repo, EvergreenRule, copies::EvergreenCopy};
use outpost_store::media::post_media;
use outpost_store::posts::{self, targets};
use outpost_store::{Platform, channels, new_id, now_ms};
use serde::{Deserialize, Serialize};

use crate::posts::{NewMedia, NewPost, TargetVariant, day_start, write_post};
use crate::scheduler::time;
use crate::{Error, Outpost, Result};

const DAY_MS: i64 = 86_400_000;
/// The longest interval, days.
pub const MAX_EVERY_DAYS: u32 = 3_650;
/// The message for a skipped X channel.
pub const X_DUPLICATE_SKIP: &str = "X refuses duplicate text and no AI provider is configured to write a variation, so this repeat skips X";

/// How a post is recycled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvergreenInput {
    /// Comes back every this many days (1 – 3650).
    pub every_days: u32,
    /// Last day a repeat may appear, `YYYY-MM-DD` in the creator's zone (or RFC 3339); `None`: no end.
    pub until: Option<String>,
    /// Never closer than this many days to the previous appearance (`None`: the interval).
    pub min_gap_days: Option<u32>,
}

/// One repeat of an evergreen post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvergreenCopyView {
    pub id: String,
    /// The evergreen post.
    pub post_id: String,
    /// The copy (until it is deleted); `None` when this repeat was skipped.
    pub copy_post_id: Option<String>,
    /// When the copy is scheduled (or the repeat was due), unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub at: i64,
    /// `scheduled` or `skipped`.
    pub outcome: String,
    pub message: Option<String>,
}

impl From<EvergreenCopy> for EvergreenCopyView {
    fn from(c: EvergreenCopy) -> Self {
        EvergreenCopyView {
            id: c.id,
            post_id: c.post_id,
            copy_post_id: c.copy_post_id,
            at: c.at,
            outcome: c.outcome,
            message: c.message,
        }
    }
}

/// A post's evergreen rule and its repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EvergreenView {
    pub post_id: String,
    pub every_days: u32,
    pub min_gap_days: u32,
    /// The end (exclusive instant, unix ms), if any.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub until_at: Option<i64>,
    /// The previous appearance, unix ms.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_at: Option<i64>,
    /// When the next repeat is made, unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub next_due_at: i64,
    pub last_message: Option<String>,
    pub copies: Vec<EvergreenCopyView>,
}

fn gap_ms(rule: &EvergreenRule) -> i64 {
    rule.every_days.max(rule.min_gap_days).max(1) * DAY_MS
}

impl Outpost {
    /// Marks a post evergreen (or changes its rule). The first repeat is due one interval after the
    /// post's own time (or now, for a draft).
    pub async fn set_evergreen(
        &self,
        post_id: &str,
        input: &EvergreenInput,
    ) -> Result<EvergreenView> {
        if input.every_days == 0 || input.every_days > MAX_EVERY_DAYS {
            return Err(Error::InvalidInput(format!(
                "the interval is 1 to {MAX_EVERY_DAYS} days"
            )));
        }
        let min_gap = input.min_gap_days.unwrap_or(input.every_days);
        if min_gap > MAX_EVERY_DAYS {
            return Err(Error::InvalidInput(format!(
                "the minimum gap is at most {MAX_EVERY_DAYS} days"
            )));
        }
        let pool = self.store().pool();
        let post = posts::find(pool, post_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("post {post_id}"),
            })?;
        if targets::list_for_post(pool, post_id).await?.is_empty() {
            return Err(Error::InvalidInput(
                "this post has no channel to come back on".into(),
            ));
        }
        let now = now_ms();
        let until_at = match input
            .until
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => Some(self.end_instant(s).await?),
        };
        if until_at.is_some_and(|u| u <= now) {
            return Err(Error::InvalidInput(
                "the end date has already passed; choose a later one".into(),
            ));
        }
        let existing = repo::find_rule(pool, post_id).await?;
        let last_at = existing
            .as_ref()
            .and_then(|r| r.last_at)
            .or(post.scheduled_at)
            .unwrap_or(now);
        let mut rule = EvergreenRule {
            post_id: post_id.to_string(),
            every_days: i64::from(input.every_days),
            min_gap_days: i64::from(min_gap),
            until_at,
            last_at: Some(last_at),
            next_due_at: 0,
            last_message: existing.as_ref().and_then(|r| r.last_message.clone()),
            created_at: existing.as_ref().map_or(now, |r| r.created_at),
            updated_at: now,
        };
        rule.next_due_at = last_at + gap_ms(&rule);
        repo::upsert_rule(pool, &rule).await?;
        self.automation_changed();
        self.evergreen(post_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("evergreen rule of post {post_id}"),
            })
    }

    /// Stops recycling a post (copies already scheduled stay). True when it was evergreen.
    pub async fn clear_evergreen(&self, post_id: &str) -> Result<bool> {
        posts::find(self.store().pool(), post_id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("post {post_id}"),
            })?;
        let had = repo::delete_rule(self.store().pool(), post_id).await?;
        self.automation_changed();
        Ok(had)
    }

    /// A post's evergreen rule with its repeats; `None` when it is not evergreen.
    pub async fn evergreen(&self, post_id: &str) -> Result<Option<EvergreenView>> {
        let pool = self.store().pool();
        let Some(r) = repo::find_rule(pool, post_id).await? else {
            return Ok(None);
        };
        let copies = repo::copies::list_for_post(pool, post_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect();
        Ok(Some(EvergreenView {
            post_id: r.post_id,
            every_days: u32::try_from(r.every_days).unwrap_or(1),
            min_gap_days: u32::try_from(r.min_gap_days).unwrap_or(0),
            until_at: r.until_at,
            last_at: r.last_at,
            next_due_at: r.next_due_at,
            last_message: r.last_message,
            copies,
        }))
    }

    /// The end of the given day (exclusive) in the creator's zone, or an RFC 3339 instant.
    async fn end_instant(&self, s: &str) -> Result<i64> {
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(t.timestamp_millis());
        }
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            Error::InvalidInput(format!(
                "\"{}\" is not a date: use YYYY-MM-DD",
                s.chars().take(30).collect::<String>()
            ))
        })?;
        let tz = time::zone(&self.time_zone().await?)?;
        let next = date
            .succ_opt()
            .ok_or_else(|| Error::InvalidInput("the end date is out of range".into()))?;
        Ok(day_start(tz, next))
    }

    /// Makes every evergreen repeat due at `now` (the automation loop calls this).
    pub async fn run_evergreen(&self, now: i64) -> Result<Vec<EvergreenCopyView>> {
        let _busy = self.automation_state().busy.lock().await;
        let mut out = Vec::new();
        for rule in repo::due_rules(self.store().pool(), now).await? {
            match self.repeat(&rule, now).await {
                Ok(Some(c)) => out.push(c),
                Ok(None) => {}
                Err(e) => {
                    // A broken rule must not block the others: note it and retry an interval later.
                    tracing::warn!(post_id = %rule.post_id, error = %e, "evergreen repeat failed");
                    let mut r = rule.clone();
                    r.last_message = Some(e.to_string());
                    r.next_due_at = now + DAY_MS;
                    r.updated_at = now_ms();
                    repo::upsert_rule(self.store().pool(), &r).await?;
                }
            }
        }
        let post_ids: Vec<String> = out.iter().filter_map(|c| c.copy_post_id.clone()).collect();
        if !post_ids.is_empty() {
            self.scheduler_changed();
            self.emit_automation(super::AutomationEvent::PostsCreated { post_ids });
        }
        Ok(out)
    }

    async fn repeat(&self, rule: &EvergreenRule, now: i64) -> Result<Option<EvergreenCopyView>> {
        let pool = self.store().pool();
        let base = rule.next_due_at.max(now);
        if rule.until_at.is_some_and(|u| base >= u) {
            repo::delete_rule(pool, &rule.post_id).await?;
            tracing::info!(post_id = %rule.post_id, "evergreen rule ended (its end date passed)");
            return Ok(None);
        }
        let Some(post) = posts::find(pool, &rule.post_id).await? else {
            return Ok(None);
        };
        let mut chans = Vec::new();
        let mut variants = Vec::new();
        let mut skipped_x = false;
        for t in targets::list_for_post(pool, &post.id).await? {
            let c = channels::get(pool, &t.channel_id).await?;
            if c.platform == Platform::X {
                skipped_x = true;
                continue;
            }
            chans.push(c.id.clone());
            let mut v = TargetVariant::from_target(&t);
            v.native_scheduling = false;
            // Stored as `{}` when none were given; `null` means "no options" to the rule checker.
            if v.options.as_object().is_some_and(serde_json::Map::is_empty) {
                v.options = serde_json::Value::Null;
            }
            variants.push(v);
        }
        let gap = gap_ms(rule);
        if chans.is_empty() {
            let msg =
                format!("{X_DUPLICATE_SKIP}; the post is only on X, so nothing was scheduled");
            let copy = EvergreenCopy {
                id: new_id(),
                post_id: post.id.clone(),
                copy_post_id: None,
                at: base,
                outcome: "skipped".into(),
                message: Some(msg.clone()),
                created_at: now_ms(),
            };
            let mut tx = self.store().begin().await?;
            repo::copies::insert(&mut *tx, &copy).await?;
            let mut r = rule.clone();
            r.last_at = Some(base);
            r.next_due_at = base + gap;
            r.last_message = Some(msg);
            r.updated_at = now_ms();
            repo::upsert_rule(&mut *tx, &r).await?;
            tx.commit().await.map_err(outpost_store::Error::from)?;
            return Ok(Some(copy.into()));
        }
        let mut media = Vec::new();
        let mut assets = Vec::new();
        for pm in post_media::list_for_post(pool, &post.id).await? {
            if pm.target_id.is_some() {
                continue;
            }
            let f = self.media_file(&pm.media_id).await?;
            media.push(NewMedia {
                path: f.path.clone(),
                alt: f.alt.clone(),
            });
            assets.push(pm.media_id.clone());
        }
        let mut notes = Vec::new();
        if skipped_x {
            notes.push(X_DUPLICATE_SKIP.to_string());
        }
        let (at, zone) = match self.next_free_slot(&chans, Some(base)).await {
            Ok(slot) => (slot.at, Some(slot.time_zone)),
            Err(e) => {
                notes.push(format!(
                    "no free posting slot ({e}); scheduled at the due time"
                ));
                (base, None)
            }
        };
        if rule.until_at.is_some_and(|u| at >= u) {
            repo::delete_rule(pool, &rule.post_id).await?;
            tracing::info!(post_id = %rule.post_id, "evergreen rule ended (the next free slot is after its end date)");
            return Ok(None);
        }
        let new = NewPost {
            text: post.body.clone(),
            channels: chans,
            media,
            // A repeat due right now goes out at once.
            at: (at > now_ms() + 60_000).then(|| {
                chrono::DateTime::from_timestamp_millis(at)
                    .unwrap_or_default()
                    .to_rfc3339()
            }),
            time_zone: zone,
            draft: false,
            variants,
        };
        let prepared = self.prepare_post(&new).await.map_err(|e| e.error)?;
        let message = (!notes.is_empty()).then(|| notes.join("; "));
        let mut tx = self.store().begin().await?;
        let copy_id = write_post(&mut tx, &prepared, &assets).await?;
        let copy = EvergreenCopy {
            id: new_id(),
            post_id: post.id.clone(),
            copy_post_id: Some(copy_id),
            at,
            outcome: "scheduled".into(),
            message: message.clone(),
            created_at: now_ms(),
        };
        repo::copies::insert(&mut *tx, &copy).await?;
        let mut r = rule.clone();
        r.last_at = Some(at);
        r.next_due_at = at + gap;
        r.last_message = message;
        r.updated_at = now_ms();
        repo::upsert_rule(&mut *tx, &r).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        tracing::info!(post_id = %post.id, at, "evergreen repeat scheduled");
        Ok(Some(copy.into()))
    }
}
