//! YouTube: Google sign-in and resumable video uploads through the Data API v3, comment threads
//! as the inbox, counters from the Data API and the YouTube Analytics API, and the daily quota.

pub mod auth;
pub mod inbox;
pub mod metrics;
pub mod publish;
pub mod quota;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "YouTube ties nothing Outpost chooses to a video (search.list cannot find it by key)",
        },
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "YouTube's API keeps no read state for comments",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
