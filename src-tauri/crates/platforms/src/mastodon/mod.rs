//! Mastodon: per-server app registration and sign-in, posting with idempotency keys and native scheduling.

pub mod auth;
mod inbox;
mod metrics;
pub use inbox::reply_text;
pub mod publish;
mod server;

use crate::capability::{Capability, Support};

/// What this platform's API offers Outpost, capability by capability.
pub const fn support(capability: Capability) -> Support {
    match capability {
        Capability::Publish => Support::Available,
        Capability::Lookup => Support::Available,
        Capability::InboxFetch => Support::Available,
        Capability::InboxReply => Support::Available,
        Capability::InboxMarkRead => Support::NotBuiltYet,
        Capability::PostMetrics => Support::Available,
        Capability::AccountMetrics => Support::Available,
    }
}
