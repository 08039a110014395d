//! YouTube: Google sign-in and resumable video uploads through the Data API v3.

pub mod auth;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "YouTube ties nothing Outpost chooses to a video (search.list cannot find it by key)",
        },
        Capability::InboxFetch => Support::NotBuiltYet,
        Capability::InboxReply => Support::NotBuiltYet,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "YouTube's API keeps no read state for comments",
        },
        Capability::PostMetrics => Support::NotBuiltYet,
        Capability::AccountMetrics => Support::NotBuiltYet,
    }
}
