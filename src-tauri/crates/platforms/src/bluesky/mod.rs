//! Bluesky: app-password sessions on the user's PDS, posting with client-chosen record keys, the
//! inbox (reply, mention and quote notifications; [`inbox`]) and counters ([`metrics`]).

pub mod auth;
pub mod inbox;
mod metrics;
pub mod publish;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::Available,
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::Available,
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
