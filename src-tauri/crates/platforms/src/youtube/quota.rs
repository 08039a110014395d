//! YouTube Data API quota, counted per channel and Pacific day through [`crate::Ctx::quota`]:
//! 10,000 units a day by default, reset at midnight Pacific time. Every call costs its units
//! whether it succeeds or not, so they are counted before it is sent; a call that would pass the
//! day's budget is refused before anything is sent, with the count and the reset time. The API's
//! own `403 quotaExceeded` (the project's budget is shared by every user of the same app) is
//! [`Error::RateLimited`] until the next Pacific midnight ([`super::publish`]'s error reading).
//! Publishing (`videos.insert` 1,600 units, moving or cancelling a scheduled video 51) is counted
//! too, but left to YouTube's own refusal. The YouTube Analytics API has its own quota and is not
//! counted here.

use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

use super::publish::next_pacific_midnight;

const P: Platform = Platform::Youtube;
/// The default daily budget of a Google Cloud project.
pub const DAILY_UNITS: u64 = 10_000;
/// `commentThreads.list`, `comments.list`, `videos.list`, `channels.list`.
pub const LIST: u64 = 1;
/// `comments.insert`, `videos.update`, `videos.delete`, `thumbnails.set`.
pub const INSERT: u64 = 50;
/// `videos.insert`.
pub const UPLOAD: u64 = 1_600;

/// The Pacific date (`YYYY-MM-DD`) whose budget a call at `now` (unix s) spends.
pub fn quota_day(now: i64) -> String {
    use chrono::TimeZone;
    chrono_tz::America::Los_Angeles
        .timestamp_opt(now, 0)
        .single()
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// The channel the units are counted for: the channel id the app hands in (`extra.author`).
pub(super) fn channel_of(tokens: &TokenSet) -> Option<&str> {
    tokens.extra.get("author").map(String::as_str)
}

/// Counts `units` for `what` before the call is sent, or refuses when the day's budget would be
/// passed.
pub(super) async fn spend(ctx: Ctx<'_>, tokens: &TokenSet, units: u64, what: &str) -> Result<()> {
    let (Some(ledger), Some(channel)) = (ctx.quota, channel_of(tokens)) else {
        return Ok(());
    };
    let now = transport::now_s();
    let day = quota_day(now);
    let used = ledger.used(P, channel, &day).await;
    if used.saturating_add(units) > DAILY_UNITS {
        let reset = transport::rfc3339(next_pacific_midnight(now));
        return Err(Error::Rejected {
            platform: P,
            status: None,
            reason: format!(
                "the YouTube API quota would be exceeded: {used} of {DAILY_UNITS} units used today, \
                 and {what} costs {units}; nothing was sent. The quota resets at midnight Pacific \
                 time ({reset})"
            ),
        });
    }
    ledger.spend(P, channel, &day, units).await;
    Ok(())
}

/// Counts `units` already committed to (publishing keeps YouTube's own refusal as its limit:
/// a post is not failed by Outpost's count, only the inbox and metrics reads are).
pub(super) async fn record(ctx: Ctx<'_>, tokens: &TokenSet, units: u64) {
    if let (Some(ledger), Some(channel)) = (ctx.quota, channel_of(tokens)) {
        let day = quota_day(transport::now_s());
        ledger.spend(P, channel, &day, units).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_day_is_the_pacific_date() {
        // 2026-11-23 07:59 UTC is still the 22nd in Los Angeles; 08:00 is the 23rd.
        let reset = 1_795_420_800; // 2026-11-23T08:00:00Z
        assert_eq!(quota_day(reset - 60), "2026-11-22");
        assert_eq!(quota_day(reset), "2026-11-23");
    }
}
