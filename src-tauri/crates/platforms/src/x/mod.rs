//! X (Twitter): OAuth 2.0 sign-in and posting through API v2 (chunked media upload, threads).

pub mod auth;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "X takes no idempotency key and no client-chosen id, so a post cannot be found by its key",
        },
        Capability::InboxFetch => Support::NotBuiltYet,
        Capability::InboxReply => Support::NotBuiltYet,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "X's API keeps no read state for mentions",
        },
        Capability::PostMetrics => Support::NotBuiltYet,
        Capability::AccountMetrics => Support::NotBuiltYet,
    }
}
