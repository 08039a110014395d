//! TikTok: sign-in and Content Posting API (direct post of videos and photos); video and account
//! counters through the Display API.

pub mod auth;
mod metrics;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "TikTok takes no idempotency key and has no way to find a post by anything Outpost chooses",
        },
        // TikTok's separate API for Business (v1.3, `/business/comment/list/`) lists and answers the
        // comments of Business accounts, for apps registered there with TikTok's approval; the
        // Login Kit, Content Posting and Display APIs Outpost signs in with offer no comments or
        // messages.
        Capability::InboxFetch => Support::NotOffered {
            why: "TikTok's API for apps like Outpost (Login Kit, Content Posting, Display) gives no access to comments or messages; only TikTok's separate API for Business reads Business accounts' comments",
        },
        Capability::InboxReply => Support::NotOffered {
            why: "TikTok's API for apps like Outpost (Login Kit, Content Posting, Display) gives no way to reply to comments; only TikTok's separate API for Business does, for Business accounts",
        },
        Capability::InboxMarkRead => Support::NotOffered {
            why: "TikTok's API gives apps like Outpost no access to comments or messages",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
