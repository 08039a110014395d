//! Pinterest: sign-in and Pins (images, carousels, videos) through API v5; Pin and account analytics.

pub mod auth;
mod metrics;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "Pins take no idempotency key and nothing Outpost chooses is searchable",
        },
        Capability::InboxFetch => Support::NotOffered {
            why: "Pinterest's API v5 gives no access to comments or messages",
        },
        Capability::InboxReply => Support::NotOffered {
            why: "Pinterest's API v5 gives no way to reply to comments",
        },
        Capability::InboxMarkRead => Support::NotOffered {
            why: "Pinterest's API v5 gives no access to comments or messages",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
