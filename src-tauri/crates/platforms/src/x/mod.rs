//! X (Twitter): OAuth 2.0 sign-in and posting through API v2 (chunked media upload, threads), the
//! inbox (mentions, direct messages), metrics and the pay-per-use read prices.

pub mod auth;
pub mod inbox;
pub mod metrics;
pub mod pricing;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "X takes no idempotency key and no client-chosen id, so a post cannot be found by its key",
        },
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "X's API keeps no read state for mentions",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
