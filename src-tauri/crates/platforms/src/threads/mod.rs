//! Threads: posting through containers on the Threads Graph API (sign-in is Meta's, in [`crate::meta`]).

pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "Threads has no client key on a post and no search by one",
        },
        Capability::InboxFetch => Support::NotBuiltYet,
        Capability::InboxReply => Support::NotBuiltYet,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "the Threads API keeps no read state for replies",
        },
        Capability::PostMetrics => Support::NotBuiltYet,
        Capability::AccountMetrics => Support::NotBuiltYet,
    }
}
