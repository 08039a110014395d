//! Facebook Pages: posting through the Graph API (sign-in is Meta's, in [`crate::meta`]).

mod inbox;
mod metrics;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "the Graph API takes no idempotency key and nothing Outpost attaches to a Page post is searchable",
        },
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "the Graph API keeps no read state for Page comments",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
