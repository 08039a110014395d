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
        Capability::InboxFetch => Support::NotOffered {
            why: "TikTok's API gives apps like Outpost no access to comments or messages",
        },
        Capability::InboxReply => Support::NotOffered {
            why: "TikTok's API gives apps like Outpost no way to reply to comments",
        },
        Capability::InboxMarkRead => Support::NotOffered {
            why: "TikTok's API gives apps like Outpost no access to comments or messages",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
