//! Daily API quotas counted on this machine (YouTube: 10,000 units a day per project, reset at
//! midnight Pacific time). The platform client knows what each call costs; the application keeps
//! the count (per platform, account and quota day) where it survives restarts, and hands it in
//! through [`crate::Ctx::quota`]. Without a ledger nothing is counted and only the platform's own
//! refusal stops a call.

use async_trait::async_trait;

use crate::platform::Platform;

/// Where units spent today are kept.
#[async_trait]
pub trait QuotaLedger: Send + Sync + std::fmt::Debug {
    /// Units `account` spent on `platform` during quota day `day` (`YYYY-MM-DD` in the platform's
    /// quota time zone); 0 when nothing is recorded.
    async fn used(&self, platform: Platform, account: &str, day: &str) -> u64;

    /// Records `units` more for `account` on `day` (before the call is sent: a call costs its
    /// units whether or not it succeeds).
    async fn spend(&self, platform: Platform, account: &str, day: &str, units: u64);
}
