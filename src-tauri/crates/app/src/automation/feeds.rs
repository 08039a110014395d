//! Feeds: add, edit, pause, remove, preview and poll. See the module docs of [`super`].

use outpost_store::automation::{self as repo, Feed, items::FeedItem};
use outpost_store::{ChannelStatus, channels, new_id, now_ms};
use serde::{Deserialize, Serialize};

use super::FeedMode;
use super::fetch::{self, Fetched, Item};
use super::template;
use crate::posts::{NewPost, write_post};
use crate::{Error, Outpost, Result};

/// At most this many new items are posted per poll; the rest wait for the next poll.
pub const MAX_NEW_PER_POLL: usize = 20;
/// The default and the bounds of a feed's poll interval, minutes.
pub const DEFAULT_POLL_MINUTES: u32 = 30;
pub const MIN_POLL_MINUTES: u32 = 5;
pub const MAX_POLL_MINUTES: u32 = 7 * 24 * 60;
/// The default number of existing items posted when a feed is first read.
pub const DEFAULT_BACKFILL: u32 = 1;
pub const MAX_BACKFILL: u32 = 50;
/// At most this many feeds.
pub const MAX_FEEDS: i64 = 200;

/// A feed to add, or a feed's new settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewFeed {
    pub url: String,
    pub channel_ids: Vec<String>,
    #[serde(default)]
    pub mode: FeedMode,
    /// `None`: `{{title}} {{link}}`.
    pub template: Option<String>,
    /// Only items whose title or summary contains one of these (any case) are posted; empty: all.
    #[serde(default)]
    pub include_keywords: Vec<String>,
    /// Items whose title or summary contains one of these are skipped.
    #[serde(default)]
    pub exclude_keywords: Vec<String>,
    /// How many existing items to post when the feed is first read (0–50; `None`: 1).
    pub backfill_limit: Option<u32>,
    /// Minutes between polls (5 – 10080; `None`: 30).
    pub poll_every_minutes: Option<u32>,
}

/// A feed as the front-ends show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeedView {
    pub id: String,
    pub url: String,
    /// The feed's own title (empty until first read).
    pub title: String,
    pub channel_ids: Vec<String>,
    pub mode: FeedMode,
    pub template: String,
    pub include_keywords: Vec<String>,
    pub exclude_keywords: Vec<String>,
    pub backfill_limit: u32,
    pub poll_every_minutes: u32,
    pub paused: bool,
    /// `new` (never read), `ok`, `not_modified` (the server said nothing changed) or `error`.
    pub last_status: String,
    /// What went wrong at the last poll (or a warning about some items).
    pub last_error: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_polled_at: Option<i64>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub next_poll_at: Option<i64>,
    /// Items seen so far (posted, skipped or failed).
    pub items_seen: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub created_at: i64,
}

/// One item a feed has seen and what it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeedItemView {
    pub id: String,
    pub feed_id: String,
    /// The guid (else the link) it is remembered by.
    pub item_key: String,
    pub link: Option<String>,
    pub title: String,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub published_at: Option<i64>,
    /// `draft`, `queued`, `posted` (published at once), `skipped` or `failed`.
    pub outcome: String,
    /// The post it became (until that post is deleted).
    pub post_id: Option<String>,
    /// Why it was skipped or failed.
    pub message: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub seen_at: i64,
}

impl From<FeedItem> for FeedItemView {
    fn from(i: FeedItem) -> Self {
        FeedItemView {
            id: i.id,
            feed_id: i.feed_id,
            item_key: i.item_key,
            link: i.link,
            title: i.title,
            published_at: i.published_at,
            outcome: i.outcome,
            post_id: i.post_id,
            message: i.message,
            seen_at: i.seen_at,
        }
    }
}

/// What one poll of one feed did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeedPollResult {
    pub feed_id: String,
    pub url: String,
    /// `ok`, `not_modified` or `error`.
    pub status: String,
    pub error: Option<String>,
    /// The items seen for the first time in this poll.
    pub items: Vec<FeedItemView>,
}

/// What a poll of every due feed did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeedPollReport {
    pub feeds: Vec<FeedPollResult>,
    /// Posts created (drafts, queued and published-at-once).
    pub posts_created: u32,
}

/// One item of a feed preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeedPreviewItem {
    pub key: Option<String>,
    pub title: String,
    pub link: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub published_at: Option<i64>,
    /// Already seen by this feed (never posted again).
    pub seen: bool,
    /// The post text the template makes of it.
    pub text: Option<String>,
    /// Why it would not be posted (filtered, missing variable, no id or link).
    pub problem: Option<String>,
}

/// A feed read without changing anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeedPreview {
    pub title: String,
    pub items: Vec<FeedPreviewItem>,
}

fn strings(v: &outpost_store::JsonValue) -> Vec<String> {
    serde_json::from_value(v.0.clone()).unwrap_or_default()
}

fn view(f: Feed, items_seen: i64) -> FeedView {
    FeedView {
        channel_ids: strings(&f.channel_ids),
        include_keywords: strings(&f.include_keywords),
        exclude_keywords: strings(&f.exclude_keywords),
        mode: FeedMode::parse(&f.mode).unwrap_or_default(),
        id: f.id,
        url: f.url,
        title: f.title,
        template: f.template,
        backfill_limit: u32::try_from(f.backfill_limit).unwrap_or(0),
        poll_every_minutes: u32::try_from(f.poll_every_minutes).unwrap_or(DEFAULT_POLL_MINUTES),
        paused: f.paused,
        last_status: f.last_status,
        last_error: f.last_error,
        last_polled_at: f.last_polled_at,
        next_poll_at: f.next_poll_at,
        items_seen: u32::try_from(items_seen).unwrap_or(0),
        created_at: f.created_at,
    }
}

fn keywords(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = list
        .iter()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .collect();
    out.dedup();
    out
}

/// Why an item is filtered out, if it is.
fn filtered(item: &Item, include: &[String], exclude: &[String]) -> Option<String> {
    let hay = format!(
        "{} {}",
        item.values.title.as_deref().unwrap_or(""),
        item.values.summary.as_deref().unwrap_or("")
    )
    .to_lowercase();
    if let Some(k) = exclude.iter().find(|k| hay.contains(&k.to_lowercase())) {
        return Some(format!("skipped: contains the excluded keyword \"{k}\""));
    }
    if !include.is_empty() && !include.iter().any(|k| hay.contains(&k.to_lowercase())) {
        return Some(format!(
            "skipped: contains none of the keywords {}",
            include
                .iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    None
}

/// A poll's outcome before it is stored.
struct Outcome {
    status: &'static str,
    error: Option<String>,
    items: Vec<FeedItemView>,
    posts_created: u32,
}

impl Outpost {
    async fn check_feed(&self, new: &NewFeed) -> Result<(String, String, u32, u32)> {
        let url = fetch::check_url(&new.url)?.to_string();
        if new.channel_ids.is_empty() {
            return Err(Error::InvalidInput(
                "choose at least one channel for the feed's posts".into(),
            ));
        }
        for id in &new.channel_ids {
            channels::find(self.store().pool(), id)
                .await?
                .ok_or_else(|| Error::NotFound {
                    what: format!("channel {id}"),
                })?;
        }
        let template = new
            .template
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(template::DEFAULT_TEMPLATE)
            .to_string();
        template::validate(&template)?;
        let backfill = new.backfill_limit.unwrap_or(DEFAULT_BACKFILL);
        if backfill > MAX_BACKFILL {
            return Err(Error::InvalidInput(format!(
                "the backfill limit can be at most {MAX_BACKFILL} items"
            )));
        }
        let every = new.poll_every_minutes.unwrap_or(DEFAULT_POLL_MINUTES);
        if !(MIN_POLL_MINUTES..=MAX_POLL_MINUTES).contains(&every) {
            return Err(Error::InvalidInput(format!(
                "a feed is polled every {MIN_POLL_MINUTES} to {MAX_POLL_MINUTES} minutes"
            )));
        }
        Ok((url, template, backfill, every))
    }

    /// Adds a feed; it is first read at the automation's next pass (at once when the scheduler
    /// runs) or by [`Outpost::poll_feeds`].
    pub async fn add_feed(&self, new: NewFeed) -> Result<FeedView> {
        let (url, template, backfill, every) = self.check_feed(&new).await?;
        let pool = self.store().pool();
        if repo::count_all(pool).await? >= MAX_FEEDS {
            return Err(Error::InvalidInput(format!(
                "Outpost follows at most {MAX_FEEDS} feeds"
            )));
        }
        let now = now_ms();
        let row = Feed {
            id: new_id(),
            url,
            title: String::new(),
            channel_ids: outpost_store::json(serde_json::json!(new.channel_ids)),
            mode: new.mode.as_str().to_string(),
            template,
            include_keywords: outpost_store::json(serde_json::json!(keywords(
                &new.include_keywords
            ))),
            exclude_keywords: outpost_store::json(serde_json::json!(keywords(
                &new.exclude_keywords
            ))),
            backfill_limit: i64::from(backfill),
            poll_every_minutes: i64::from(every),
            paused: false,
            next_poll_at: Some(now),
            last_status: "new".into(),
            created_at: now,
            updated_at: now,
            ..Default::default()
        };
        repo::insert(pool, &row).await?;
        tracing::info!(feed_id = %row.id, "feed added");
        self.automation_changed();
        Ok(view(row, 0))
    }

    /// Changes a feed's settings. Items it has seen stay seen (never posted again), even when the
    /// address changes; a new address is read in full again (validators are dropped).
    pub async fn update_feed(&self, id: &str, new: NewFeed) -> Result<FeedView> {
        let (url, template, backfill, every) = self.check_feed(&new).await?;
        let pool = self.store().pool();
        let mut row = repo::get(pool, id).await?;
        if row.url != url {
            row.etag = None;
            row.last_modified = None;
            row.next_poll_at = Some(now_ms());
        }
        row.url = url;
        row.channel_ids = outpost_store::json(serde_json::json!(new.channel_ids));
        row.mode = new.mode.as_str().to_string();
        row.template = template;
        row.include_keywords =
            outpost_store::json(serde_json::json!(keywords(&new.include_keywords)));
        row.exclude_keywords =
            outpost_store::json(serde_json::json!(keywords(&new.exclude_keywords)));
        row.backfill_limit = i64::from(backfill);
        row.poll_every_minutes = i64::from(every);
        row.updated_at = now_ms();
        repo::update(pool, &row).await?;
        self.automation_changed();
        self.feed(id).await
    }

    /// Pauses (no polling) or resumes a feed; a resumed feed is polled at once.
    pub async fn set_feed_paused(&self, id: &str, paused: bool) -> Result<FeedView> {
        let pool = self.store().pool();
        let mut row = repo::get(pool, id).await?;
        row.paused = paused;
        if !paused {
            row.next_poll_at = Some(now_ms());
        }
        row.updated_at = now_ms();
        repo::update(pool, &row).await?;
        self.automation_changed();
        self.feed(id).await
    }

    /// Removes a feed and its item history; the posts it made stay.
    pub async fn remove_feed(&self, id: &str) -> Result<()> {
        repo::delete(self.store().pool(), id).await?;
        self.automation_changed();
        Ok(())
    }

    pub async fn feed(&self, id: &str) -> Result<FeedView> {
        let pool = self.store().pool();
        let row = repo::get(pool, id).await?;
        let n = repo::items::count_for_feed(pool, id).await?;
        Ok(view(row, n))
    }

    /// Every feed, oldest first.
    pub async fn list_feeds(&self) -> Result<Vec<FeedView>> {
        let pool = self.store().pool();
        let mut out = Vec::new();
        for f in repo::list_all(pool).await? {
            let n = repo::items::count_for_feed(pool, &f.id).await?;
            out.push(view(f, n));
        }
        Ok(out)
    }

    /// What a feed's items became, newest first (at most `limit`).
    pub async fn feed_items(&self, id: &str, limit: u32) -> Result<Vec<FeedItemView>> {
        let pool = self.store().pool();
        repo::get(pool, id).await?;
        Ok(
            repo::items::list_for_feed(pool, id, i64::from(limit.clamp(1, 1000)))
                .await?
                .into_iter()
                .map(Into::into)
                .collect(),
        )
    }

    /// Reads a feed (new or existing) and shows what each item would become, changing nothing.
    /// With `feed_id`, items that feed has seen are marked.
    pub async fn preview_feed(
        &self,
        url: &str,
        template: Option<&str>,
        include: &[String],
        exclude: &[String],
        feed_id: Option<&str>,
    ) -> Result<FeedPreview> {
        let template = template
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(template::DEFAULT_TEMPLATE);
        template::validate(template)?;
        let fetched = fetch::fetch(self.http(), url, None, None, self.feed_timeout()).await?;
        let Fetched::Body {
            bytes, final_url, ..
        } = fetched
        else {
            return Err(Error::InvalidInput(
                "the server answered 304 Not Modified to a plain request".into(),
            ));
        };
        let parsed = fetch::parse(&bytes, &final_url)?;
        let (include, exclude) = (keywords(include), keywords(exclude));
        let mut items = Vec::new();
        for item in parsed.items.iter().take(20) {
            let key = item.key();
            let seen = match (feed_id, &key) {
                (Some(f), Some(k)) => {
                    repo::items::seen(self.store().pool(), f, k, item.values.link.as_deref())
                        .await?
                }
                _ => false,
            };
            let rendered = template::render(template, &item.values);
            let problem = if key.is_none() {
                Some("the item has no id, link or title, so it cannot be told apart".into())
            } else if let Some(why) = filtered(item, &include, &exclude) {
                Some(why)
            } else {
                rendered.as_ref().err().map(ToString::to_string)
            };
            items.push(FeedPreviewItem {
                key,
                title: item.title_or_link(),
                link: item.values.link.clone(),
                published_at: item.published_at,
                seen,
                text: rendered.ok(),
                problem,
            });
        }
        Ok(FeedPreview {
            title: parsed.title,
            items,
        })
    }

    /// Polls every feed that is due at `now` (the automation loop calls this).
    pub async fn poll_due_feeds(&self, now: i64) -> Result<FeedPollReport> {
        let due = repo::due(self.store().pool(), now).await?;
        self.poll_rows(due, now).await
    }

    /// Polls feeds now: one (`feed_id`) or every feed that is not paused (`outpost feeds poll`).
    pub async fn poll_feeds(&self, feed_id: Option<&str>) -> Result<FeedPollReport> {
        let pool = self.store().pool();
        let rows = match feed_id {
            Some(id) => vec![repo::get(pool, id).await?],
            None => repo::list_all(pool)
                .await?
                .into_iter()
                .filter(|f| !f.paused)
                .collect(),
        };
        self.poll_rows(rows, now_ms()).await
    }

    async fn poll_rows(&self, rows: Vec<Feed>, now: i64) -> Result<FeedPollReport> {
        let _busy = self.automation_state().busy.lock().await;
        let mut report = FeedPollReport {
            feeds: vec![],
            posts_created: 0,
        };
        for feed in rows {
            let outcome = self.poll_one(&feed, now).await?;
            report.posts_created += outcome.posts_created;
            report.feeds.push(FeedPollResult {
                feed_id: feed.id.clone(),
                url: feed.url.clone(),
                status: outcome.status.to_string(),
                error: outcome.error,
                items: outcome.items,
            });
        }
        if report.posts_created > 0 {
            self.scheduler_changed();
            let post_ids = report
                .feeds
                .iter()
                .flat_map(|f| f.items.iter().filter_map(|i| i.post_id.clone()))
                .collect();
            self.emit_automation(super::AutomationEvent::PostsCreated { post_ids });
        }
        if !report.feeds.is_empty() {
            self.emit_automation(super::AutomationEvent::FeedsPolled {
                feed_ids: report.feeds.iter().map(|f| f.feed_id.clone()).collect(),
            });
        }
        Ok(report)
    }

    /// Reads one feed and turns its new items into posts. Validators are stored only when every
    /// item was handled, so an item that has to wait (a channel to reconnect, no free slot) is read
    /// again at the next poll instead of hidden behind a 304.
    async fn poll_one(&self, feed: &Feed, now: i64) -> Result<Outcome> {
        let pool = self.store().pool();
        let fetched = fetch::fetch(
            self.http(),
            &feed.url,
            feed.etag.as_deref(),
            feed.last_modified.as_deref(),
            self.feed_timeout(),
        )
        .await;
        let mut outcome = Outcome {
            status: "ok",
            error: None,
            items: vec![],
            posts_created: 0,
        };
        let mut validators: Option<(Option<String>, Option<String>)> = None;
        let mut title = None;
        match fetched {
            Err(e) => {
                outcome.status = "error";
                outcome.error = Some(e.to_string());
            }
            Ok(Fetched::NotModified) => outcome.status = "not_modified",
            Ok(Fetched::Body {
                bytes,
                etag,
                last_modified,
                final_url,
            }) => match fetch::parse(&bytes, &final_url) {
                Err(e) => {
                    outcome.status = "error";
                    outcome.error = Some(e.to_string());
                }
                Ok(parsed) => {
                    title = Some(parsed.title.clone()).filter(|t| !t.is_empty());
                    let complete = self.post_items(feed, parsed.items, &mut outcome).await?;
                    if complete {
                        validators = Some((etag, last_modified));
                    }
                }
            },
        }
        // Store the result on the feed (re-read: it may have been edited meanwhile).
        if let Some(mut row) = repo::find(pool, &feed.id).await? {
            row.last_polled_at = Some(now);
            row.next_poll_at = Some(now + row.poll_every_minutes.max(1) * 60_000);
            row.last_status = outcome.status.to_string();
            if outcome.status != "not_modified" {
                row.last_error = outcome.error.clone();
            }
            if row.url == feed.url {
                match validators {
                    Some((etag, modified)) => {
                        row.etag = etag;
                        row.last_modified = modified;
                    }
                    None if outcome.status != "not_modified" => {
                        row.etag = None;
                        row.last_modified = None;
                    }
                    None => {}
                }
            }
            if let Some(t) = title {
                row.title = t;
            }
            row.updated_at = now_ms();
            repo::update(pool, &row).await?;
        }
        match &outcome.error {
            Some(e) => {
                tracing::info!(feed_id = %feed.id, status = outcome.status, error = %e, "feed polled")
            }
            None => {
                tracing::info!(feed_id = %feed.id, status = outcome.status, new = outcome.items.len(), "feed polled")
            }
        }
        Ok(outcome)
    }

    /// Posts the items the feed has not seen; returns true when every item was handled.
    async fn post_items(&self, feed: &Feed, items: Vec<Item>, out: &mut Outcome) -> Result<bool> {
        let pool = self.store().pool();
        let channel_ids = strings(&feed.channel_ids);
        // Channel problems concern every item: nothing is recorded, the items wait.
        for id in &channel_ids {
            match channels::find(pool, id).await? {
                None => {
                    out.status = "error";
                    out.error = Some(format!(
                        "a channel of this feed ({id}) no longer exists; edit the feed's channels (new items wait)"
                    ));
                    return Ok(false);
                }
                Some(c) if c.status != ChannelStatus::Connected => {
                    out.status = "error";
                    out.error = Some(format!(
                        "{} needs reconnecting before this feed can post (new items wait)",
                        if c.handle.is_empty() {
                            &c.display_name
                        } else {
                            &c.handle
                        }
                    ));
                    return Ok(false);
                }
                Some(_) => {}
            }
        }
        let mode = FeedMode::parse(&feed.mode).unwrap_or_default();
        let include = strings(&feed.include_keywords);
        let exclude = strings(&feed.exclude_keywords);
        // What the feed has seen, read once; the unique index still guards every insert.
        let known = repo::items::known(pool, &feed.id).await?;
        let first_read = known.is_empty();
        let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut links: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (k, l) in known {
            keys.insert(k);
            if let Some(l) = l {
                links.insert(l);
            }
        }
        let mut unkeyed = 0usize;
        let mut fresh: Vec<(String, Item)> = Vec::new();
        for item in items {
            let Some(key) = item.key() else {
                unkeyed += 1;
                continue;
            };
            let link_seen = item.values.link.as_ref().is_some_and(|l| links.contains(l));
            if keys.contains(&key) || link_seen {
                continue;
            }
            keys.insert(key.clone());
            if let Some(l) = &item.values.link {
                links.insert(l.clone());
            }
            fresh.push((key, item));
        }
        let mut complete = true;
        // Items come newest first; on the first read only the newest `backfill_limit` are posted.
        let backfill = usize::try_from(feed.backfill_limit).unwrap_or(0);
        let mut to_post = Vec::new();
        let mut too_old = Vec::new();
        for (i, (key, item)) in fresh.into_iter().enumerate() {
            if first_read && i >= backfill {
                too_old.push(item_row(feed, &key, &item, "skipped", None, Some(format!(
                    "skipped: older than the backfill limit ({backfill}) when the feed was first read"
                ))));
                continue;
            }
            to_post.push((key, item));
        }
        if !too_old.is_empty() {
            // One transaction for the whole back catalogue (a constraint failure only fails its row).
            let mut tx = self.store().begin().await?;
            for row in too_old {
                match repo::items::insert(&mut *tx, &row).await {
                    Ok(()) => out.items.push(row.into()),
                    Err(outpost_store::Error::Conflict { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            tx.commit().await.map_err(outpost_store::Error::from)?;
        }
        if to_post.len() > MAX_NEW_PER_POLL {
            complete = false;
            to_post.truncate(MAX_NEW_PER_POLL);
        }
        // Oldest first, so queued posts take the slots in the feed's order.
        to_post.reverse();
        for (key, item) in to_post {
            if let Some(why) = filtered(&item, &include, &exclude) {
                out.items.extend(
                    self.record_item(feed, &key, &item, "skipped", None, Some(why))
                        .await?,
                );
                continue;
            }
            let text = match template::render(&feed.template, &item.values) {
                Ok(t) => t,
                Err(e) => {
                    out.items.extend(
                        self.record_item(feed, &key, &item, "failed", None, Some(e.to_string()))
                            .await?,
                    );
                    continue;
                }
            };
            let mut new = NewPost {
                text,
                channels: channel_ids.clone(),
                draft: mode == FeedMode::Draft,
                ..Default::default()
            };
            if mode == FeedMode::Queue {
                match self.next_free_slot(&channel_ids, None).await {
                    Ok(slot) => {
                        new.at = Some(rfc3339(slot.at));
                        new.time_zone = Some(slot.time_zone);
                    }
                    Err(e) => {
                        out.status = "error";
                        out.error = Some(format!("{e} (new items wait)"));
                        return Ok(false);
                    }
                }
            }
            let prepared = match self.prepare_post(&new).await {
                Ok(p) => p,
                Err(e) => {
                    out.items.extend(
                        self.record_item(
                            feed,
                            &key,
                            &item,
                            "failed",
                            None,
                            Some(e.error.to_string()),
                        )
                        .await?,
                    );
                    continue;
                }
            };
            let outcome = match mode {
                FeedMode::Draft => "draft",
                FeedMode::Queue => "queued",
                FeedMode::Now => "posted",
            };
            let mut tx = self.store().begin().await?;
            let post_id = write_post(&mut tx, &prepared, &[]).await?;
            let row = item_row(feed, &key, &item, outcome, Some(post_id), None);
            match repo::items::insert(&mut *tx, &row).await {
                Ok(()) => {
                    tx.commit().await.map_err(outpost_store::Error::from)?;
                    out.posts_created += 1;
                    out.items.push(row.into());
                }
                // Another process recorded this item first: it is not posted twice.
                Err(outpost_store::Error::Conflict { .. }) => {
                    tx.rollback().await.map_err(outpost_store::Error::from)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if unkeyed > 0 {
            let note = format!(
                "{unkeyed} item(s) have no id, link or title and were ignored (they cannot be told apart)"
            );
            out.error = Some(match out.error.take() {
                Some(e) => format!("{e}; {note}"),
                None => note,
            });
        }
        Ok(complete)
    }

    /// Records an item that was not posted (skipped or failed); `None` if another process already did.
    async fn record_item(
        &self,
        feed: &Feed,
        key: &str,
        item: &Item,
        outcome: &str,
        post_id: Option<String>,
        message: Option<String>,
    ) -> Result<Option<FeedItemView>> {
        let row = item_row(feed, key, item, outcome, post_id, message);
        match repo::items::insert(self.store().pool(), &row).await {
            Ok(()) => Ok(Some(row.into())),
            Err(outpost_store::Error::Conflict { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

fn item_row(
    feed: &Feed,
    key: &str,
    item: &Item,
    outcome: &str,
    post_id: Option<String>,
    message: Option<String>,
) -> FeedItem {
    FeedItem {
        id: new_id(),
        feed_id: feed.id.clone(),
        item_key: key.to_string(),
        link: item.values.link.clone(),
        title: item.title_or_link().chars().take(500).collect(),
        published_at: item.published_at,
        outcome: outcome.to_string(),
        post_id,
        message,
        seen_at: now_ms(),
    }
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339()
}
