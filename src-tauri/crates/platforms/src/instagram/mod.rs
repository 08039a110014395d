//! Instagram: posting through media containers on the Graph API (sign-in is Meta's, in [`crate::meta`]).

mod inbox;
mod metrics;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "an Instagram container has no client key and media cannot be searched by one",
        },
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "Instagram's API keeps no read state for comments",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
