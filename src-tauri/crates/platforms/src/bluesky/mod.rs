//! Bluesky: app-password sessions on the user's PDS and posting with client-chosen record keys.

pub mod auth;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::Available,
        Capability::InboxFetch => Support::NotBuiltYet,
        Capability::InboxReply => Support::NotBuiltYet,
        Capability::InboxMarkRead => Support::NotBuiltYet,
        Capability::PostMetrics => Support::NotBuiltYet,
        Capability::AccountMetrics => Support::NotBuiltYet,
    }
}
