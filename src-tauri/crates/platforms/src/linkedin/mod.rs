//! LinkedIn: sign-in (members and organizations) and posting through the versioned REST API.

pub mod auth;
mod inbox;
mod metrics;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "LinkedIn's Posts API takes no idempotency key and has no search by content",
        },
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "LinkedIn's API keeps no read state for comments",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
