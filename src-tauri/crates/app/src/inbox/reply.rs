//! Answering an inbox item exactly once. A reply is a durable record written before anything is
//! sent (`inbox_replies`, with its idempotency key); the send's outcome settles it:
//! - accepted: `sent`, with the platform's id (and the answer joins the conversation);
//! - refused before anything was published (rules, sign-in, rate limit, nothing sent): `failed`;
//! - anything else (a lost or unreadable answer, a server error): `unconfirmed`, resolved at once
//!   by look-up (the account's recent statuses answering that item). Not found: it stays
//!   unconfirmed and the user is told. Asking again with the same text resumes that record: look-up
//!   first, and only while the platform still honours the idempotency key (Mastodon: an hour) is it
//!   sent again with the same key, which the platform answers with the first copy if there was
//!   one. Never a blind second send.
//!
//! A private reply (Instagram: an answer to a comment sent as a direct message to its author) is
//! allowed once per comment within 7 days of it, at most 1,000 characters. Instagram takes no
//! idempotency key: after an ambiguous failure it is looked up in the account's conversations, and
//! when it is not there Outpost says it cannot confirm it and never sends it again.

use serde::{Deserialize, Serialize};

use outpost_platforms::capability::{Capability, InboxReplyTo, Support};
use outpost_platforms::publish::Published;
use outpost_platforms::{Error as PErr, Platform, publisher, support};
use outpost_store::inbox::{messages, replies};
use outpost_store::{Direction, ReplyState};

use super::now_ms;
use crate::{Error, Outpost, Result};

/// How long Mastodon keeps an `Idempotency-Key` (a resend within it cannot duplicate), with margin.
const KEY_KEPT_MS: i64 = 55 * 60 * 1000;
/// Instagram takes a private reply within 7 days of the comment.
pub const PRIVATE_REPLY_WINDOW_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Instagram's limit for a direct message (a private reply is one) [U].
pub(crate) const PRIVATE_REPLY_MAX: usize = 1000;

/// A platform's daily reply quota as it stands now (Threads: replies over a moving 24 hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReplyQuota {
    pub channel_id: String,
    pub used: u32,
    pub total: u32,
    /// Over what the platform counts, in words.
    pub window: String,
}

/// One reply written in Outpost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InboxReplyView {
    pub id: String,
    /// The inbox item answered (`None` once that item was deleted).
    pub item_id: Option<String>,
    pub channel_id: String,
    pub text: String,
    /// `pending`, `sent`, `unconfirmed` or `failed`.
    pub state: String,
    /// The reply's id on the platform, once sent.
    pub platform_id: Option<String>,
    pub url: Option<String>,
    pub error: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// Sent as an Instagram private reply (a direct message to the comment's author).
    pub private: bool,
}

impl From<replies::InboxReply> for InboxReplyView {
    fn from(r: replies::InboxReply) -> Self {
        InboxReplyView {
            id: r.id,
            item_id: r.message_id,
            channel_id: r.channel_id,
            text: r.text,
            state: r.state.as_str().to_string(),
            platform_id: r.platform_id,
            url: r.url,
            error: r.error,
            created_at: r.created_at,
            sent_at: r.sent_at,
            private: r.private,
        }
    }
}

/// Why replying is not possible on `platform`, in words; `None` when it is.
pub(crate) fn reply_blocker(platform: Platform) -> Option<String> {
    match support(platform, Capability::InboxReply) {
        Support::Available => None,
        Support::NotBuiltYet => Some(format!("Outpost cannot reply on {} yet.", platform.name())),
        Support::NotOffered { why } => Some(why.to_string()),
    }
}

/// What the platform puts before the user's text (counted in its limit).
pub(crate) fn reply_prefix(platform: Platform, author_handle: &str) -> String {
    match platform {
        Platform::Mastodon if !author_handle.is_empty() => {
            format!("@{} ", author_handle.trim_start_matches('@'))
        }
        _ => String::new(),
    }
}

/// The text as the platform will receive it.
fn sent_text(platform: Platform, text: &str, author_handle: &str) -> String {
    match platform {
        Platform::Mastodon => outpost_platforms::mastodon::reply_text(text, author_handle),
        _ => text.trim().to_string(),
    }
}

/// An error that proves nothing was published.
fn nothing_published(e: &PErr) -> bool {
    match e {
        PErr::Network { source, .. } => source.nothing_was_sent(),
        PErr::RateLimited { .. }
        | PErr::Rejected { .. }
        | PErr::NeedsReauth { .. }
        | PErr::Config(_)
        | PErr::Unsupported { .. }
        | PErr::NotBuiltYet { .. } => true,
        _ => false,
    }
}

impl Outpost {
    pub(crate) async fn inbox_replies_of(&self, item_id: &str) -> Result<Vec<InboxReplyView>> {
        Ok(replies::list_all(self.store().pool())
            .await?
            .into_iter()
            .filter(|r| r.message_id.as_deref() == Some(item_id))
            .map(InboxReplyView::from)
            .collect())
    }

    /// Answers an inbox item on its platform, exactly once (see the module's notes). The text is
    /// checked against the platform's limit (the server's, for Mastodon) before anything is stored.
    pub async fn inbox_reply(&self, item_id: &str, text: &str) -> Result<InboxReplyView> {
        self.answer(item_id, text, false).await
    }

    /// Answers an Instagram comment privately (a direct message to its author), exactly once:
    /// refused on any other platform or kind, after 7 days, or once the comment has one.
    pub async fn inbox_reply_private(&self, item_id: &str, text: &str) -> Result<InboxReplyView> {
        self.answer(item_id, text, true).await
    }

    /// Why this item cannot be answered privately, in words; `None` when it can.
    pub(crate) async fn private_reply_blocker(
        &self,
        entry_platform: Platform,
        message: &messages::InboxMessage,
    ) -> Result<Option<String>> {
        if entry_platform != Platform::Instagram
            || message.kind != outpost_store::MessageKind::Comment
            || message.direction == Direction::Outbound
        {
            return Ok(Some(
                "Only an Instagram comment can be answered privately.".into(),
            ));
        }
        if now_ms() - message.received_at > PRIVATE_REPLY_WINDOW_MS {
            return Ok(Some(
                "Instagram takes a private reply only within 7 days of the comment, and that time has passed."
                    .into(),
            ));
        }
        match replies::private_for(self.store().pool(), &message.id).await? {
            Some(r) if r.state == ReplyState::Sent => Ok(Some(
                "This comment already has its private reply (Instagram takes one per comment)."
                    .into(),
            )),
            Some(_) => Ok(Some(
                "A private reply to this comment may already have gone out and Outpost cannot \
                 confirm it; it will not send another (Instagram takes one per comment)."
                    .into(),
            )),
            None => Ok(None),
        }
    }

    async fn answer(&self, item_id: &str, text: &str, private: bool) -> Result<InboxReplyView> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::InvalidInput("The reply is empty.".into()));
        }
        let pool = self.store().pool();
        let entry = messages::entry(pool, item_id).await?;
        if entry.message.direction == Direction::Outbound {
            return Err(Error::InvalidInput(
                "That item is your own reply; answer the message it replies to.".into(),
            ));
        }
        let c = outpost_store::channels::get(pool, &entry.channel_id).await?;
        let platform = crate::channels::to_platform(c.platform);
        if let Some(why) = reply_blocker(platform) {
            return Err(Error::InvalidInput(why));
        }
        if private {
            // A private reply that may have gone out with this very text is only looked up.
            if let Some(r) = replies::open_for(pool, item_id, text)
                .await?
                .filter(|r| r.private)
            {
                let out = self.deliver_reply(r, platform).await;
                self.inbox_changed();
                return out;
            }
            if let Some(why) = self.private_reply_blocker(platform, &entry.message).await? {
                return Err(Error::InvalidInput(why));
            }
            let n = text.chars().count();
            if n > PRIVATE_REPLY_MAX {
                return Err(Error::InvalidInput(format!(
                    "The private reply is {n} characters; Instagram takes {PRIVATE_REPLY_MAX}."
                )));
            }
        } else if let Some(by) = entry.message.reply_by.filter(|by| now_ms() > *by) {
            return Err(Error::InvalidInput(format!(
                "{} accepts answers to this message only until {} (its reply window has closed).",
                platform.name(),
                chrono::DateTime::from_timestamp_millis(by).map_or_else(
                    || by.to_string(),
                    |t| t.format("%Y-%m-%d %H:%M UTC").to_string()
                )
            )));
        }
        let limits = self.channel_limits(&c.id).await?;
        let sent = sent_text(platform, text, &entry.message.author_handle);
        let n = limits.count(&sent);
        if !private && n > limits.max_text {
            return Err(Error::InvalidInput(format!(
                "The reply is {n} characters as {} counts them (the mention included); the limit is {}.",
                platform.name(),
                limits.max_text
            )));
        }
        let record = match replies::open_for(pool, item_id, text)
            .await?
            .filter(|r| r.private == private)
        {
            Some(r) => r,
            None => {
                let r = replies::InboxReply {
                    id: outpost_store::new_id(),
                    message_id: Some(item_id.to_string()),
                    channel_id: c.id.clone(),
                    in_reply_to: entry.message.platform_message_id.clone(),
                    text: text.to_string(),
                    idempotency_key: outpost_store::new_id(),
                    state: ReplyState::Pending,
                    created_at: now_ms(),
                    private,
                    ..Default::default()
                };
                replies::insert(pool, &r).await?;
                r
            }
        };
        let out = self.deliver_reply(record, platform).await;
        self.inbox_changed();
        out
    }

    /// The channel's daily reply quota where its platform has one (Threads), from the same
    /// publishing-limit answer a reply checks before it is sent; `None` on other platforms.
    pub async fn inbox_reply_quota(&self, channel_id: &str) -> Result<Option<ReplyQuota>> {
        let c = outpost_store::channels::get(self.store().pool(), channel_id).await?;
        if crate::channels::to_platform(c.platform) != Platform::Threads {
            return Ok(None);
        }
        let (tokens, app, _) = self.publish_context(channel_id).await?;
        let (used, total) =
            outpost_platforms::threads::reply_quota(self.ctx_for(&app), &tokens).await?;
        Ok(Some(ReplyQuota {
            channel_id: c.id,
            used: u32::try_from(used.max(0)).unwrap_or(u32::MAX),
            total: u32::try_from(total.max(0)).unwrap_or(u32::MAX),
            window: "the last 24 hours".into(),
        }))
    }

    async fn deliver_reply(
        &self,
        r: replies::InboxReply,
        platform: Platform,
    ) -> Result<InboxReplyView> {
        let pool = self.store().pool();
        let pubr = publisher(platform).ok_or(PErr::NotBuiltYet {
            platform,
            what: "replying",
        })?;
        let (tokens, app, _) = self.publish_context(&r.channel_id).await?;
        let ctx = self.ctx_for(&app);
        // What the platform needs besides the item's id: a direct message is answered in its
        // conversation, to its author. The item may have been deleted since (the reply is kept).
        let answered = match &r.message_id {
            Some(id) => messages::entry(self.store().pool(), id).await.ok(),
            None => None,
        };
        let ask = InboxReplyTo {
            item_id: r.in_reply_to.clone(),
            kind: answered
                .as_ref()
                .map_or(outpost_platforms::capability::InboxKind::Comment, |e| {
                    super::InboxKind::from_store(e.message.kind).to_platform()
                }),
            conversation: answered
                .as_ref()
                .map_or_else(|| r.in_reply_to.clone(), |e| e.platform_thread_id.clone()),
            author_id: answered
                .as_ref()
                .map(|e| e.message.author_id.clone())
                .unwrap_or_default(),
            text: r.text.clone(),
            key: r.idempotency_key.clone(),
            private: r.private,
        };
        // An earlier attempt may have reached the platform: look it up before anything else.
        if let Some(at) = r.attempted_at {
            if let Some(done) = pubr.find_reply(ctx, &tokens, &ask).await? {
                return self.reply_sent(&r, &done).await;
            }
            // A private reply has no idempotency key: never sent twice.
            if r.private || now_ms() - at > KEY_KEPT_MS {
                let why = format!(
                    "Outpost could not find this reply on {} and can no longer resend it safely; \
                     nothing more was sent. Check the conversation there, then write it again if it is missing.",
                    platform.name()
                );
                replies::settle(
                    pool,
                    &r.id,
                    ReplyState::Failed,
                    None,
                    None,
                    Some(&why),
                    now_ms(),
                )
                .await?;
                return Err(Error::PlatformUnavailable(why));
            }
        }
        replies::settle(pool, &r.id, ReplyState::Pending, None, None, None, now_ms()).await?;
        match pubr.reply(ctx, &tokens, &ask).await {
            Ok(done) => self.reply_sent(&r, &done).await,
            Err(e) if nothing_published(&e) => {
                let msg = e.to_string();
                replies::settle(
                    pool,
                    &r.id,
                    ReplyState::Failed,
                    None,
                    None,
                    Some(&msg),
                    now_ms(),
                )
                .await?;
                Err(e.into())
            }
            Err(e) => {
                tracing::warn!(reply = %r.id, error = %e, "reply outcome unknown; looking it up");
                let msg = e.to_string();
                replies::settle(
                    pool,
                    &r.id,
                    ReplyState::Unconfirmed,
                    None,
                    None,
                    Some(&msg),
                    now_ms(),
                )
                .await?;
                if let Ok(Some(done)) = pubr.find_reply(ctx, &tokens, &ask).await {
                    return self.reply_sent(&r, &done).await;
                }
                Err(Error::PlatformUnavailable(if r.private {
                    format!(
                        "The private reply may or may not have reached {}: {msg}. Outpost will not \
                         send it again; send the same text again to look it up.",
                        platform.name()
                    )
                } else {
                    format!(
                        "The reply may or may not have reached {}: {msg}. Outpost will look it up before \
                         sending it again; send the same text again to retry.",
                        platform.name()
                    )
                }))
            }
        }
    }

    /// Settles a reply as sent and adds it to its conversation (read, as the user wrote it).
    async fn reply_sent(
        &self,
        r: &replies::InboxReply,
        done: &Published,
    ) -> Result<InboxReplyView> {
        let now = now_ms();
        let mut tx = self.store().begin().await?;
        replies::settle(
            &mut *tx,
            &r.id,
            ReplyState::Sent,
            Some(&done.id),
            done.url.as_deref(),
            None,
            now,
        )
        .await?;
        if let Some(item_id) = &r.message_id
            && let Some(item) = messages::find(&mut *tx, item_id).await?
        {
            let c = outpost_store::channels::get(&mut *tx, &r.channel_id).await?;
            let own = messages::InboxMessage {
                id: outpost_store::new_id(),
                thread_id: item.thread_id.clone(),
                platform_message_id: done.id.clone(),
                parent_platform_id: Some(r.in_reply_to.clone()),
                author_id: c.platform_account_id.clone(),
                author_name: if c.display_name.is_empty() {
                    c.handle.clone()
                } else {
                    c.display_name.clone()
                },
                author_handle: c.handle.clone(),
                text: r.text.clone(),
                kind: item.kind,
                direction: Direction::Outbound,
                is_read: true,
                is_done: true,
                received_at: now,
                created_at: now,
                url: done.url.clone(),
                ..Default::default()
            };
            messages::insert_if_new(&mut *tx, &own).await?;
            messages::set_read(&mut *tx, item_id, true).await?;
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        tracing::info!(reply = %r.id, id = %done.id, "reply sent");
        Ok(replies::get(self.store().pool(), &r.id).await?.into())
    }
}
