//! Reading new inbox items: per channel and source, from the stored cursor on, page by page. Each
//! page's items and the cursor past them are written in one transaction, so the cursor never
//! moves past anything not stored and a failed or malformed read changes nothing. Items already
//! stored (same conversation and platform id) are skipped, so reading twice never duplicates.
//! Also runs every [`SYNC_EVERY_MS`] in the scheduler's host ([`run`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use outpost_platforms::capability::{
    Capability, InboxCursor, InboxItem as PItem, InboxKind as PKind,
};
use outpost_platforms::{Platform, publisher};
use outpost_store::inbox::{cursors, messages, threads};
use outpost_store::{ChannelStatus, Direction, MessageKind, SentimentSource, ThreadKind};

use super::{SentimentLabel, now_ms};
use crate::channels::{read_gate, shown_name, to_platform};
use crate::scheduler::Clock;
use crate::{Outpost, Result};

/// The one source each platform's inbox read covers today (mentions, replies and direct messages
/// arrive together on Mastodon's notifications).
pub const SOURCE: &str = "notifications";
/// At most this many pages per channel and sync (the rest comes next time, from the cursor).
const MAX_PAGES: usize = 10;
/// How often the scheduler's host syncs every channel.
pub const SYNC_EVERY_MS: i64 = 5 * 60 * 1000;
/// The original post's text kept as a conversation's subject, at most.
const SUBJECT_CHARS: usize = 280;

/// What one channel's sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelSync {
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Platform,
    /// `synced`, `not_built` (the platform offers it, Outpost does not read it yet),
    /// `not_offered` (the platform's API gives apps no access), `skipped` (the channel needs
    /// reconnecting), `cap_reached` (X: the user's read cap stopped the sync; what was read is
    /// stored, the cursor kept) or `failed`.
    pub outcome: String,
    /// New items stored.
    pub new_items: u32,
    /// In words, for anything but a plain success.
    pub message: Option<String>,
}

fn kinds(item: &PItem) -> (MessageKind, ThreadKind) {
    match item.kind {
        PKind::DirectMessage => (MessageKind::Dm, ThreadKind::Dm),
        PKind::Comment => (MessageKind::Comment, ThreadKind::Comments),
        PKind::Reply => (MessageKind::Reply, ThreadKind::Comments),
        PKind::Mention | PKind::Quote => (
            MessageKind::Mention,
            if item.in_reply_to.is_some() {
                ThreadKind::Comments
            } else {
                ThreadKind::Mentions
            },
        ),
    }
}

/// A channel's report before anything is read: `synced` when Outpost reads its inbox, else
/// `not_built`, `not_offered` (with the platform's reason) or `skipped`.
fn unsynced(c: &outpost_store::channels::Channel) -> ChannelSync {
    let platform = to_platform(c.platform);
    let gate = read_gate(
        c,
        Capability::InboxFetch,
        &format!("read the {} inbox", platform.name()),
    );
    ChannelSync {
        channel_id: c.id.clone(),
        channel_name: shown_name(c),
        platform,
        outcome: gate.as_ref().map_or("synced", |g| g.0).into(),
        new_items: 0,
        message: gate.map(|g| g.1),
    }
}

impl Outpost {
    /// The channels (not disconnected) whose inbox Outpost does not read, each with why
    /// (`not_offered`: the platform's API gives apps no access, e.g. TikTok and Pinterest;
    /// `not_built`; `skipped`: needs reconnecting), without asking any platform.
    pub async fn inbox_gaps(&self) -> Result<Vec<ChannelSync>> {
        Ok(outpost_store::channels::list_all(self.store().pool())
            .await?
            .iter()
            .filter(|c| c.status != ChannelStatus::Disconnected)
            .map(unsynced)
            .filter(|r| r.outcome != "synced")
            .collect())
    }

    /// Reads new items on one channel, or on every connected channel. A platform whose inbox is
    /// not built (or not offered) is reported per channel; it does not fail the run.
    pub async fn inbox_sync(&self, channel_id: Option<&str>) -> Result<Vec<ChannelSync>> {
        let channels = self.channels_to_read(channel_id).await?;
        let _busy = self.inbox_runtime().busy.lock().await;
        let mut out = Vec::with_capacity(channels.len());
        for c in channels {
            let platform = to_platform(c.platform);
            let mut report = unsynced(&c);
            if report.outcome == "synced" {
                match self.sync_channel(&c.id, platform).await {
                    Ok(done) => {
                        report.new_items = done.new;
                        if let Some(why) = done.cap_reached {
                            report.outcome = "cap_reached".into();
                            report.message = Some(why);
                        } else if !done.notes.is_empty() {
                            report.message = Some(done.notes.join(" "));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(channel = %c.id, error = %e, "inbox sync failed");
                        report.outcome = "failed".into();
                        report.message = Some(e.to_string());
                    }
                }
            }
            out.push(report);
        }
        if out.iter().any(|r| r.new_items > 0) {
            self.inbox_changed();
        }
        Ok(out)
    }

    /// Reads every inbox source of the channel (`Publisher::inbox_sources`),
    /// each from its stored cursor. A source that fails stops the channel's sync with that error
    /// after the sources before it were stored; a source the platform does not give this account
    /// (`Unsupported`: X direct messages without `dm.read`) is a note, and the others are read.
    /// X channels read within the user's read caps ([`super::x_reads`]).
    async fn sync_channel(&self, channel_id: &str, platform: Platform) -> Result<ChannelRead> {
        let pubr = publisher(platform).ok_or(outpost_platforms::Error::NotBuiltYet {
            platform,
            what: "reading the inbox",
        })?;
        let (tokens, app, _) = self.publish_context(channel_id).await?;
        let ctx = self.ctx_for(&app);
        let mut budget = match platform {
            Platform::X => Some(self.x_budget().await?),
            _ => None,
        };
        let mut done = ChannelRead::default();
        for source in pubr.inbox_sources() {
            match self
                .sync_source(pubr, ctx, &tokens, channel_id, source, budget.as_mut())
                .await
            {
                Ok((n, stopped)) => {
                    done.new += n;
                    if stopped {
                        done.cap_reached = budget.as_ref().map(super::x_reads::Budget::reached);
                        break;
                    }
                }
                Err(crate::Error::Platform(e @ outpost_platforms::Error::Unsupported { .. })) => {
                    done.notes.push(format!("{e}."));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Pages one source from its stored cursor until nothing new arrives; `true` when `budget`
    /// stopped it before a page.
    async fn sync_source(
        &self,
        pubr: &dyn outpost_platforms::publish::Publisher,
        ctx: outpost_platforms::providers::Ctx<'_>,
        tokens: &outpost_platforms::tokens::TokenSet,
        channel_id: &str,
        source: &str,
        mut budget: Option<&mut super::x_reads::Budget>,
    ) -> Result<(u32, bool)> {
        let pool = self.store().pool();
        let mut new = 0;
        for page_no in 0..MAX_PAGES {
            // Under a read cap (X), the page asks for no more than the cap still allows.
            let narrowed;
            let tokens = match budget.as_ref().and_then(|b| b.page(source)) {
                Some(0) => return Ok((new, true)),
                Some(n) => {
                    let mut t = tokens.clone();
                    t.extra.insert(
                        outpost_platforms::x::inbox::PAGE_SIZE_EXTRA.into(),
                        n.to_string(),
                    );
                    narrowed = t;
                    &narrowed
                }
                None => tokens,
            };
            let cursor = cursors::get(pool, channel_id, source)
                .await?
                .map(InboxCursor);
            let page = pubr.inbox(ctx, tokens, source, cursor.as_ref()).await?;
            if page.items.is_empty() && page.cursor.is_none() {
                break;
            }
            let now = now_ms();
            let mut tx = self.store().begin().await?;
            for item in &page.items {
                if ingest(&mut tx, channel_id, item, now).await? {
                    new += 1;
                }
            }
            if let Some(b) = budget.as_deref_mut() {
                let reads = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
                b.spend(reads);
                let first = page_no == 0 && source == pubr.inbox_sources()[0];
                super::x_reads::record(&mut tx, channel_id, source, reads, first).await?;
            }
            let moved = page.cursor.as_ref() != cursor.as_ref();
            if let Some(c) = &page.cursor {
                cursors::set(&mut *tx, channel_id, source, &c.0, now).await?;
            }
            tx.commit().await.map_err(outpost_store::Error::from)?;
            if page.cursor.is_none() || page.items.is_empty() || !moved {
                break;
            }
        }
        Ok((new, false))
    }
}

/// What one channel's sync read.
#[derive(Debug, Default)]
struct ChannelRead {
    new: u32,
    /// Why a read cap stopped it.
    cap_reached: Option<String>,
    /// Sources the platform does not give this account, each in a sentence.
    notes: Vec<String>,
}

/// Stores one item in its conversation (created when new) with its sentiment; `false` when it was
/// already stored.
async fn ingest(
    tx: &mut outpost_store::Transaction<'static, outpost_store::Sqlite>,
    channel_id: &str,
    item: &PItem,
    now: i64,
) -> Result<bool> {
    let (kind, thread_kind) = kinds(item);
    let thread_pid = item
        .conversation
        .clone()
        .or_else(|| item.in_reply_to.clone())
        .unwrap_or_else(|| item.id.clone());
    let post = threads::published_post(&mut **tx, channel_id, &thread_pid).await?;
    let received_at = item.created_at.saturating_mul(1000);
    let thread = threads::InboxThread {
        id: outpost_store::new_id(),
        channel_id: channel_id.to_string(),
        platform_thread_id: thread_pid,
        kind: thread_kind,
        subject: post
            .as_ref()
            .map(|(_, body)| body.as_str())
            .or(item.subject.as_deref())
            .map(|body| body.chars().take(SUBJECT_CHARS).collect())
            .unwrap_or_default(),
        post_id: post.map(|(id, _)| id),
        last_message_at: Some(received_at),
        created_at: now,
        updated_at: now,
        ..Default::default()
    };
    let thread_id = threads::upsert(&mut **tx, &thread).await?;
    let a = crate::sentiment::analyze(&item.text);
    let key = super::text_key(&item.text);
    // A label the user gave the same text before wins over the model's.
    let (sentiment, source, score) = match Outpost::inbox_correction_for(tx, &key).await? {
        Some(label) => (label, SentimentSource::User, None),
        None => (
            SentimentLabel::of(a.label),
            SentimentSource::Local,
            Some(a.score),
        ),
    };
    let msg = messages::InboxMessage {
        id: outpost_store::new_id(),
        thread_id,
        platform_message_id: item.id.clone(),
        parent_platform_id: item.in_reply_to.clone(),
        author_id: item.author.id.clone(),
        author_name: item
            .author
            .display_name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| item.author.handle.clone()),
        author_handle: item.author.handle.clone(),
        author_avatar_url: item
            .avatar_url
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        text: item.text.clone(),
        kind,
        direction: Direction::Inbound,
        sentiment: Some(sentiment.to_store()),
        sentiment_source: Some(source),
        sentiment_score: score,
        text_key: Some(key),
        url: item.url.clone(),
        received_at,
        created_at: now,
        reply_by: item.reply_by.map(|s| s.saturating_mul(1000)),
        ..Default::default()
    };
    Ok(messages::insert_if_new(&mut **tx, &msg).await?)
}

/// Syncs every channel now and then every [`SYNC_EVERY_MS`] until `stop` turns true (inside the
/// scheduler's host, beside feeds). Failures are logged per channel and retried next time.
pub async fn run(outpost: Outpost, clock: Arc<dyn Clock>, stop: watch::Receiver<bool>) {
    crate::scheduler::clock::every("inbox sync", clock, stop, SYNC_EVERY_MS, |_| async {
        match outpost.inbox_sync(None).await {
            Ok(reports) => {
                let new: u32 = reports.iter().map(|r| r.new_items).sum();
                tracing::info!(new_items = new, "inbox synced");
                if let Some((title, body)) = arrival_notice(&reports) {
                    outpost.inbox_arrived(title, body);
                }
            }
            Err(e) => tracing::warn!(error = %e, "inbox sync failed"),
        }
    })
    .await;
}

/// What a notification about new items says: how many, and where (channels with the most first);
/// `None` when nothing new arrived. Counts and channel names only: no message text leaves the app.
pub fn arrival_notice(reports: &[ChannelSync]) -> Option<(String, String)> {
    let mut with_new: Vec<&ChannelSync> = reports.iter().filter(|r| r.new_items > 0).collect();
    let total: u32 = with_new.iter().map(|r| r.new_items).sum();
    if total == 0 {
        return None;
    }
    with_new.sort_by_key(|r| std::cmp::Reverse(r.new_items));
    let title = if total == 1 {
        "1 new inbox item".to_string()
    } else {
        format!("{total} new inbox items")
    };
    let mut parts: Vec<String> = with_new
        .iter()
        .take(3)
        .map(|r| {
            format!(
                "{} on {} ({})",
                r.new_items,
                r.channel_name,
                r.platform.name()
            )
        })
        .collect();
    if with_new.len() > 3 {
        parts.push(format!("{} more channels", with_new.len() - 3));
    }
    Some((title, parts.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(name: &str, platform: Platform, new_items: u32) -> ChannelSync {
        ChannelSync {
            channel_id: name.into(),
            channel_name: name.into(),
            platform,
            outcome: "synced".into(),
            new_items,
            message: None,
        }
    }

    #[test]
    fn arrival_notice_counts_by_channel_and_says_nothing_when_nothing_arrived() {
        assert_eq!(arrival_notice(&[]), None);
        assert_eq!(
            arrival_notice(&[report("@ana", Platform::Mastodon, 0)]),
            None
        );
        assert_eq!(
            arrival_notice(&[report("@ana", Platform::Mastodon, 1)]),
            Some(("1 new inbox item".into(), "1 on @ana (Mastodon)".into()))
        );
        let many = [
            report("a", Platform::Mastodon, 1),
            report("b", Platform::X, 5),
            report("c", Platform::Bluesky, 2),
            report("d", Platform::Youtube, 1),
            report("e", Platform::Threads, 0),
        ];
        let Some((title, body)) = arrival_notice(&many) else {
            panic!("nine new items, no notice");
        };
        assert_eq!(title, "9 new inbox items");
        assert!(
            body.starts_with("5 on b (X), 2 on c (Bluesky), 1 on "),
            "{body}"
        );
        assert!(body.ends_with(", 1 more channels"), "{body}");
    }
}
