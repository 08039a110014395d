//! Threads: posting through containers on the Threads Graph API (sign-in is Meta's, in [`crate::meta`]);
//! the inbox (replies under the account's posts, mentions) and insights.

mod inbox;
mod metrics;
pub mod publish;
pub use inbox::reply_quota;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::NotOffered {
            why: "Threads has no client key on a post and no search by one",
        },
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotOffered {
            why: "the Threads API keeps no read state for replies",
        },
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
