//! What Outpost can do on a platform beyond signing in, and whether each platform's API offers it.
//! Every platform declares each [`Capability`] (`Publisher::support`, [`crate::support`]), so the UI
//! can say "not offered by TikTok's API" honestly instead of hiding a button.
//!
//! The shapes of the inbox and the metrics are fixed here; a platform fills its methods in as its
//! issue lands (until then they answer [`Error::NotBuiltYet`](crate::Error::NotBuiltYet)).

use serde::{Deserialize, Serialize};

/// Something a platform client can do for a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Publishing a post (and, where the platform has them, threads).
    Publish,
    /// Finding a post published earlier by its key (reconciliation after a crash).
    Lookup,
    /// Fetching what arrived for the account (mentions, replies, comments) since a cursor.
    InboxFetch,
    /// Answering one inbox item.
    InboxReply,
    /// Marking the inbox read up to an item, on the platform itself.
    InboxMarkRead,
    /// Counters of one published post (likes, reposts, replies, views…).
    PostMetrics,
    /// Counters of the account (followers, …).
    AccountMetrics,
}

impl Capability {
    pub const ALL: [Capability; 7] = [
        Capability::Publish,
        Capability::Lookup,
        Capability::InboxFetch,
        Capability::InboxReply,
        Capability::InboxMarkRead,
        Capability::PostMetrics,
        Capability::AccountMetrics,
    ];

    /// What it is, in a sentence's words ("replying to a comment").
    pub fn describe(self) -> &'static str {
        match self {
            Capability::Publish => "publishing",
            Capability::Lookup => "finding a published post again",
            Capability::InboxFetch => "reading mentions and replies",
            Capability::InboxReply => "replying from the inbox",
            Capability::InboxMarkRead => "marking the inbox read",
            Capability::PostMetrics => "post metrics",
            Capability::AccountMetrics => "account metrics",
        }
    }
}

/// Whether a platform supports a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Support {
    /// The platform's API offers it and Outpost does it.
    Available,
    /// The platform's API offers it; Outpost does not do it yet.
    NotBuiltYet,
    /// The platform's API does not offer it; `why` says so for the user
    /// ("TikTok's API gives apps no access to comments").
    NotOffered { why: &'static str },
}

/// Where an inbox read stopped: the platform's own position (a max id, a timestamp, a page
/// token), opaque to everyone else and stored as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxCursor(pub String);

/// What an inbox item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    Mention,
    Reply,
    Comment,
    Quote,
    DirectMessage,
}

/// Who wrote an inbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxAuthor {
    /// The platform's id of the account.
    pub id: String,
    /// `@name`, `name@server`, a handle: how the platform shows it.
    pub handle: String,
    pub display_name: Option<String>,
}

/// One thing that arrived for the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxItem {
    /// The platform's id of the item (what [`InboxReplyTo`] answers and the cursor advances past).
    pub id: String,
    pub kind: InboxKind,
    pub author: InboxAuthor,
    /// Plain text (markup removed).
    pub text: String,
    pub url: Option<String>,
    /// The platform's id of the account's own post this answers, when it answers one.
    pub in_reply_to: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    /// The author's picture, where the platform gives one (shown; never fetched by the core).
    pub avatar_url: Option<String>,
    /// The platform's id of the conversation the item belongs to where that is not the post it
    /// answers (a direct-message conversation); `None`: grouped by [`InboxItem::in_reply_to`], else
    /// by the item itself.
    pub conversation: Option<String>,
    /// The text of the post the item belongs to, where the platform sends it (the conversation's
    /// subject when the post was not published through Outpost).
    pub subject: Option<String>,
    /// The last moment (unix s) the platform accepts an answer (Instagram and Messenger: 24 hours
    /// after the person's last message; a private reply to a comment: 7 days); `None`: no window.
    pub reply_by: Option<i64>,
}

/// One read of the inbox: the items (oldest first) and where the next read starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    /// `None` when nothing new arrived (the caller keeps its cursor).
    pub cursor: Option<InboxCursor>,
}

/// An answer to one inbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxReplyTo {
    /// The item answered ([`InboxItem::id`]).
    pub item_id: String,
    /// What the answered item is (a direct message is answered in its conversation).
    pub kind: InboxKind,
    /// The platform's id of the conversation (a direct-message conversation, or the post the
    /// item answers, or the item itself).
    pub conversation: String,
    /// The platform's id of the item's author (the recipient of a direct answer).
    pub author_id: String,
    pub text: String,
    /// Stable per answer: the idempotency key where the platform accepts one.
    pub key: String,
    /// Instagram: answer a comment with a private message to its author (a private reply: once
    /// per comment, within 7 days of it) instead of a public reply under it.
    #[serde(default)]
    pub private: bool,
}

/// Counters of one published post at one time; `None` where the platform does not count it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostMetrics {
    /// [`crate::post::Published::id`] of the post.
    pub post_id: String,
    /// When it was read (unix s).
    pub at: i64,
    pub impressions: Option<u64>,
    pub views: Option<u64>,
    pub likes: Option<u64>,
    pub reposts: Option<u64>,
    pub replies: Option<u64>,
    pub quotes: Option<u64>,
    pub saves: Option<u64>,
    pub link_clicks: Option<u64>,
    /// Distinct accounts that saw the post.
    pub reach: Option<u64>,
    /// Total watch time of a video, in minutes (YouTube Analytics `estimatedMinutesWatched`).
    pub watch_minutes: Option<u64>,
    /// Average view duration of a video, in seconds.
    pub avg_view_seconds: Option<u64>,
    /// The post is gone from the platform (deleted, or no longer visible to the account); every
    /// counter is `None` then, and the history kept so far stays as it is.
    pub deleted: bool,
}

/// Counters of the account at one time; `None` where the platform does not count it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMetrics {
    /// When it was read (unix s).
    pub at: i64,
    pub followers: Option<u64>,
    pub following: Option<u64>,
    pub posts: Option<u64>,
    pub impressions: Option<u64>,
    /// Distinct accounts reached over the platform's own window (a day for most).
    pub reach: Option<u64>,
    pub profile_views: Option<u64>,
}
