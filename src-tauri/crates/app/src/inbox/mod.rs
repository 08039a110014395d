//! The smart inbox: what arrived for the user's channels (comments, replies, mentions, direct
//! messages), grouped into conversations, tagged with the offline sentiment model at ingest, and
//! triaged (unread / read / done, sentiment corrections, deletion) and answered from Outpost.
//!
//! - [`sync`]: incremental reads per channel and source with stored cursors, also on a schedule
//!   inside the scheduler's host ([`run`]).
//! - [`reply`]: answers sent exactly once (a durable record, look-up after an ambiguous failure).
//!
//! Search is full-text (the store's `inbox_fts` index over text and author). A sentiment label the
//! user sets is kept by the item's normalised text (`text_key`) and applied to similar items:
//! every stored and every future received item with the same normalised text whose label came
//! from the model. "Similar" means exactly that and nothing fuzzier: the same words in the same
//! order once case, @mentions, links, punctuation and spacing are ignored (the repeated "great
//! post!!" or copy-pasted complaint), never a different text by the same author.

mod reply;
mod sync;
mod x_reads;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use outpost_platforms::Platform;
use outpost_store::inbox::{corrections, messages, threads};
use outpost_store::{MessageKind, Sentiment, SentimentSource};

pub use reply::*;
pub use sync::*;
pub use x_reads::{XReadCap, XReadEstimate, XReadUsage};

use crate::channels::to_platform;
use crate::{Error, Outpost, Result};

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    Comment,
    Reply,
    Mention,
    Dm,
}

/// Where an item stands in triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InboxState {
    Unread,
    Read,
    Done,
}

/// A sentiment label (the three of `outpost sentiment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SentimentLabel {
    Positive,
    Neutral,
    Negative,
}

fn bad(what: &str, value: &str, allowed: &str) -> Error {
    Error::InvalidInput(format!(
        "\"{}\" is not {what}: use {allowed}",
        value.chars().take(20).collect::<String>()
    ))
}

impl InboxKind {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "comment" => Ok(InboxKind::Comment),
            "reply" => Ok(InboxKind::Reply),
            "mention" => Ok(InboxKind::Mention),
            "dm" => Ok(InboxKind::Dm),
            other => Err(bad("an inbox kind", other, "comment, reply, mention or dm")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Comment => "comment",
            InboxKind::Reply => "reply",
            InboxKind::Mention => "mention",
            InboxKind::Dm => "dm",
        }
    }

    /// The platform client's kind (a stored mention may have been a quote; both are answered
    /// the same way).
    pub(crate) fn to_platform(self) -> outpost_platforms::capability::InboxKind {
        use outpost_platforms::capability::InboxKind as P;
        match self {
            InboxKind::Comment => P::Comment,
            InboxKind::Reply => P::Reply,
            InboxKind::Mention => P::Mention,
            InboxKind::Dm => P::DirectMessage,
        }
    }

    fn to_store(self) -> MessageKind {
        match self {
            InboxKind::Comment => MessageKind::Comment,
            InboxKind::Reply => MessageKind::Reply,
            InboxKind::Mention => MessageKind::Mention,
            InboxKind::Dm => MessageKind::Dm,
        }
    }

    fn from_store(k: MessageKind) -> Self {
        match k {
            MessageKind::Comment => InboxKind::Comment,
            MessageKind::Reply => InboxKind::Reply,
            MessageKind::Mention => InboxKind::Mention,
            MessageKind::Dm => InboxKind::Dm,
        }
    }
}

impl InboxState {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "unread" => Ok(InboxState::Unread),
            "read" => Ok(InboxState::Read),
            "done" => Ok(InboxState::Done),
            other => Err(bad("an inbox state", other, "unread, read or done")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Unread => "unread",
            InboxState::Read => "read",
            InboxState::Done => "done",
        }
    }
}

impl SentimentLabel {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "positive" => Ok(SentimentLabel::Positive),
            "neutral" => Ok(SentimentLabel::Neutral),
            "negative" => Ok(SentimentLabel::Negative),
            other => Err(bad("a sentiment", other, "positive, neutral or negative")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SentimentLabel::Positive => "positive",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Negative => "negative",
        }
    }

    fn to_store(self) -> Sentiment {
        match self {
            SentimentLabel::Positive => Sentiment::Positive,
            SentimentLabel::Neutral => Sentiment::Neutral,
            SentimentLabel::Negative => Sentiment::Negative,
        }
    }

    fn from_store(s: Sentiment) -> Self {
        match s {
            Sentiment::Positive => SentimentLabel::Positive,
            Sentiment::Negative => SentimentLabel::Negative,
            Sentiment::Neutral | Sentiment::Mixed => SentimentLabel::Neutral,
        }
    }

    pub(crate) fn of(label: crate::sentiment::Label) -> Self {
        match label {
            crate::sentiment::Label::Positive => SentimentLabel::Positive,
            crate::sentiment::Label::Neutral => SentimentLabel::Neutral,
            crate::sentiment::Label::Negative => SentimentLabel::Negative,
        }
    }
}

/// Which items to list (all optional, combined with AND). Without a state: every item not done.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxFilter {
    pub channel_id: Option<String>,
    pub kind: Option<InboxKind>,
    pub state: Option<InboxState>,
    pub sentiment: Option<SentimentLabel>,
    /// Words to find in the text or author (all of them; the last also as a prefix).
    pub search: Option<String>,
    /// Page size (default 100, at most 500).
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// One inbox item (a list row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxItem {
    pub id: String,
    pub channel_id: String,
    pub platform: Platform,
    pub kind: InboxKind,
    /// The conversation (the post or status it belongs to).
    pub thread_id: String,
    /// The Outpost post the conversation hangs off, when the platform id matches a published post.
    pub post_id: Option<String>,
    /// The original post's text when known, else `""`.
    pub subject: String,
    pub author_name: String,
    pub author_handle: String,
    pub author_avatar_url: Option<String>,
    pub text: String,
    /// The item on the platform.
    pub url: Option<String>,
    /// `true` for the user's own replies (shown in the conversation).
    pub outbound: bool,
    /// One of the user's own replies sent privately (an Instagram private reply: a direct
    /// message to the comment's author, not a public comment).
    pub sent_privately: bool,
    pub sentiment: Option<SentimentLabel>,
    /// −1.0 … 1.0 from the local model; `None` once the user set the label.
    pub sentiment_score: Option<f64>,
    /// `local` (the offline model) or `user` (a correction).
    pub sentiment_source: Option<String>,
    pub state: InboxState,
    /// Unix ms.
    pub received_at: i64,
    /// The last moment (unix ms) the platform accepts an answer (shown as a countdown);
    /// `None`: no window.
    pub reply_by: Option<i64>,
}

/// One word's share of the sentiment score (positive pushes toward "positive").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SentimentReason {
    pub word: String,
    pub weight: f64,
}

/// One item with its conversation, why it got its sentiment, and what replying allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxItemDetail {
    pub item: InboxItem,
    /// The words that moved the model's score, strongest first.
    pub reasons: Vec<SentimentReason>,
    /// Every message of the conversation, oldest first (the item included).
    pub conversation: Vec<InboxItem>,
    /// Replies written in Outpost to this item, oldest first.
    pub replies: Vec<InboxReplyView>,
    /// Why replying is not possible here, in words; `None` when it is.
    pub reply_unavailable: Option<String>,
    /// The reply's character limit (the platform's default; the server's is checked on send).
    pub reply_max_chars: u32,
    /// Text put before the reply when sent (Mastodon: the author's `@acct`), counted in the limit.
    pub reply_prefix: String,
    /// An Instagram comment: it can be answered privately (a direct message to its author).
    pub private_reply: bool,
    /// Why a private reply is not possible now (after 7 days, or one already sent), in words.
    pub private_reply_unavailable: Option<String>,
    /// A private reply's character limit.
    pub private_reply_max_chars: u32,
}

/// Unread counts for the sidebar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxCounts {
    pub unread: i64,
    pub by_channel: Vec<ChannelUnread>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelUnread {
    pub channel_id: String,
    pub unread: i64,
}

/// How an item is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InboxMark {
    Read,
    Unread,
    Done,
}

impl InboxMark {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(InboxMark::Read),
            "unread" => Ok(InboxMark::Unread),
            "done" => Ok(InboxMark::Done),
            other => Err(bad("a mark", other, "read, unread or done")),
        }
    }
}

/// What the inbox tells the front-ends (the desktop shell forwards it as an event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InboxEvent {
    /// Items arrived, changed or went away.
    Changed,
    /// The background sync stored new items: what a notification says (the desktop shows it when
    /// its "inbox notifications" preference is on). Followed by nothing else: reload on it too.
    Arrived { title: String, body: String },
}

/// The inbox's event channel and its one-sync-at-a-time lock.
#[derive(Debug)]
pub(crate) struct InboxRuntime {
    events: broadcast::Sender<InboxEvent>,
    pub(crate) busy: tokio::sync::Mutex<()>,
}

impl Default for InboxRuntime {
    fn default() -> Self {
        InboxRuntime {
            events: broadcast::channel(16).0,
            busy: tokio::sync::Mutex::default(),
        }
    }
}

/// An item's text normalised for "similar" (see the module's notes): lower case, without
/// @mentions and links, punctuation turned into spaces, spaces collapsed. `""` when nothing is
/// left (such texts are never matched with each other).
pub(crate) fn text_key(text: &str) -> String {
    let mut words = Vec::new();
    for raw in text.split_whitespace() {
        let lower = raw.to_lowercase();
        if lower.starts_with('@') || lower.starts_with("http://") || lower.starts_with("https://") {
            continue;
        }
        let cleaned: String = lower
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || !(c.is_ascii() || c.is_whitespace()) {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        words.extend(cleaned.split_whitespace().map(str::to_string));
    }
    words.join(" ")
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn item_view(e: messages::InboxEntry, platform: Platform) -> InboxItem {
    let m = e.message;
    InboxItem {
        state: if m.is_done {
            InboxState::Done
        } else if m.is_read {
            InboxState::Read
        } else {
            InboxState::Unread
        },
        id: m.id,
        channel_id: e.channel_id,
        platform,
        kind: InboxKind::from_store(m.kind),
        thread_id: m.thread_id,
        post_id: e.post_id,
        subject: e.subject,
        author_name: m.author_name,
        author_handle: m.author_handle,
        author_avatar_url: m.author_avatar_url,
        text: m.text,
        url: m.url,
        outbound: m.direction == outpost_store::Direction::Outbound,
        sent_privately: false,
        sentiment: m.sentiment.map(SentimentLabel::from_store),
        sentiment_score: m.sentiment_score,
        sentiment_source: m.sentiment_source.map(|s| s.as_str().to_string()),
        received_at: m.received_at,
        reply_by: m.reply_by,
    }
}

/// The words worth showing as "why": the model weighs every word it learned (function words
/// such as "and" carry small learned weights), so only words with at least a quarter of the
/// strongest word's weight, and at least 0.5 in log-odds, are shown.
fn telling_reasons(reasons: Vec<crate::sentiment::Reason>) -> Vec<SentimentReason> {
    let strongest = reasons.iter().map(|r| r.weight.abs()).fold(0.0, f64::max);
    let floor = (strongest / 4.0).max(0.5);
    reasons
        .into_iter()
        .filter(|r| r.weight.abs() >= floor)
        .map(|r| SentimentReason {
            word: r.word,
            weight: r.weight,
        })
        .collect()
}

impl Outpost {
    /// Inbox changes, for the front-ends.
    pub fn inbox_events(&self) -> broadcast::Receiver<InboxEvent> {
        self.inbox_runtime().events.subscribe()
    }

    pub(crate) fn inbox_changed(&self) {
        let _ = self.inbox_runtime().events.send(InboxEvent::Changed);
    }

    pub(crate) fn inbox_arrived(&self, title: String, body: String) {
        let _ = self
            .inbox_runtime()
            .events
            .send(InboxEvent::Arrived { title, body });
    }

    async fn platform_of(&self, channel_id: &str) -> Result<Platform> {
        let c = outpost_store::channels::get(self.store().pool(), channel_id).await?;
        Ok(to_platform(c.platform))
    }

    /// Items matching `filter`, newest first.
    pub async fn inbox_list(&self, filter: &InboxFilter) -> Result<Vec<InboxItem>> {
        let f = messages::InboxFilter {
            channel_id: filter.channel_id.clone(),
            kind: filter.kind.map(InboxKind::to_store),
            sentiment: filter.sentiment.map(SentimentLabel::to_store),
            state: filter.state.map(|s| match s {
                InboxState::Unread => messages::InboxState::Unread,
                InboxState::Read => messages::InboxState::Read,
                InboxState::Done => messages::InboxState::Done,
            }),
            search: filter
                .search
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        };
        let limit = i64::from(filter.limit.unwrap_or(100).clamp(1, 500));
        let offset = i64::from(filter.offset.unwrap_or(0));
        let rows = messages::list(self.store().pool(), &f, limit, offset).await?;
        let mut platforms = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for e in rows {
            let p = match platforms.get(&e.channel_id) {
                Some(p) => *p,
                None => {
                    let p = self.platform_of(&e.channel_id).await?;
                    platforms.insert(e.channel_id.clone(), p);
                    p
                }
            };
            out.push(item_view(e, p));
        }
        Ok(out)
    }

    /// One item with its conversation, its sentiment's reasons and its replies.
    pub async fn inbox_item(&self, id: &str) -> Result<InboxItemDetail> {
        let pool = self.store().pool();
        let e = messages::entry(pool, id).await?;
        let platform = self.platform_of(&e.channel_id).await?;
        let private_ids =
            outpost_store::inbox::replies::private_sent_in_thread(pool, &e.message.thread_id)
                .await?;
        let mut conversation = Vec::new();
        for m in messages::list_for_thread(pool, &e.message.thread_id).await? {
            let sent_privately = m.direction == outpost_store::Direction::Outbound
                && private_ids.contains(&m.platform_message_id);
            let entry = messages::InboxEntry {
                message: m,
                channel_id: e.channel_id.clone(),
                post_id: e.post_id.clone(),
                subject: e.subject.clone(),
                platform_thread_id: e.platform_thread_id.clone(),
            };
            conversation.push(InboxItem {
                sent_privately,
                ..item_view(entry, platform)
            });
        }
        let reasons = telling_reasons(crate::sentiment::analyze(&e.message.text).reasons);
        let replies = self.inbox_replies_of(id).await?;
        let handle = e.message.author_handle.clone();
        let outbound = e.message.direction == outpost_store::Direction::Outbound;
        let private_reply = platform == outpost_platforms::Platform::Instagram
            && e.message.kind == MessageKind::Comment
            && !outbound;
        let private_reply_unavailable = if private_reply {
            self.private_reply_blocker(platform, &e.message).await?
        } else {
            None
        };
        let item = item_view(e, platform);
        let reply_unavailable = if outbound {
            Some("This is your own reply.".to_string())
        } else {
            reply_blocker(platform)
        };
        Ok(InboxItemDetail {
            reply_max_chars: u32::try_from(
                outpost_platforms::limits::Limits::for_platform(platform).max_text,
            )
            .unwrap_or(u32::MAX),
            reply_prefix: reply_prefix(platform, &handle),
            item,
            reasons,
            conversation,
            replies,
            reply_unavailable,
            private_reply,
            private_reply_unavailable,
            private_reply_max_chars: u32::try_from(reply::PRIVATE_REPLY_MAX).unwrap_or(u32::MAX),
        })
    }

    /// Marks items read, unread (also not done) or done (also read): all of them or, when one id
    /// is unknown, none.
    pub async fn inbox_mark(&self, ids: &[String], mark: InboxMark) -> Result<()> {
        let (read, done) = match mark {
            InboxMark::Read => (true, false),
            InboxMark::Unread => (false, false),
            InboxMark::Done => (true, true),
        };
        let mut tx = self.store().begin().await?;
        for id in ids {
            messages::set_read(&mut *tx, id, read).await?;
            messages::set_done(&mut *tx, id, done).await?;
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.inbox_changed();
        Ok(())
    }

    /// The user's sentiment label for an item (kept as `user`; the model no longer changes it),
    /// also kept for its normalised text and applied to similar items (see the module's notes).
    /// Returns how many other items took the label.
    pub async fn inbox_set_sentiment(&self, id: &str, label: SentimentLabel) -> Result<u64> {
        let mut tx = self.store().begin().await?;
        messages::set_sentiment(
            &mut *tx,
            id,
            Some(label.to_store()),
            Some(SentimentSource::User),
        )
        .await?;
        let m = messages::get(&mut *tx, id).await?;
        let key = text_key(&m.text);
        let mut similar = 0;
        if !key.is_empty() && m.direction == outpost_store::Direction::Inbound {
            messages::fill_text_keys(&mut tx, text_key).await?;
            corrections::set(&mut *tx, &key, label.to_store(), now_ms()).await?;
            similar = messages::apply_correction(&mut *tx, &key, label.to_store()).await?;
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.inbox_changed();
        Ok(similar)
    }

    /// The user's label for this text, when they corrected the same (normalised) text before.
    pub(crate) async fn inbox_correction_for(
        tx: &mut outpost_store::Transaction<'static, outpost_store::Sqlite>,
        key: &str,
    ) -> Result<Option<SentimentLabel>> {
        if key.is_empty() {
            return Ok(None);
        }
        Ok(corrections::get(&mut **tx, key)
            .await?
            .map(SentimentLabel::from_store))
    }

    /// Deletes items from Outpost (not from the platform); a conversation left empty goes too.
    /// All of them or, when one id is unknown, none.
    pub async fn inbox_delete(&self, ids: &[String]) -> Result<()> {
        let mut tx = self.store().begin().await?;
        for id in ids {
            let m = messages::get(&mut *tx, id).await?;
            messages::delete(&mut *tx, id).await?;
            if messages::list_for_thread(&mut *tx, &m.thread_id)
                .await?
                .is_empty()
            {
                threads::delete(&mut *tx, &m.thread_id).await?;
            }
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.inbox_changed();
        Ok(())
    }

    /// Unread, not-done items in total and per channel.
    pub async fn inbox_counts(&self) -> Result<InboxCounts> {
        let by_channel: Vec<ChannelUnread> = messages::unread_by_channel(self.store().pool())
            .await?
            .into_iter()
            .map(|(channel_id, unread)| ChannelUnread { channel_id, unread })
            .collect();
        Ok(InboxCounts {
            unread: by_channel.iter().map(|c| c.unread).sum(),
            by_channel,
        })
    }
}
