//! X API pay-per-use prices, as X publishes them (source: <https://docs.x.com/x-api/getting-started/pricing>,
//! "Credit consumption details", read 2026-12-07; X says "Prices are subject to change. Current
//! rates are always available in the Developer Console"). Reads are "charged per resource returned
//! in the response"; a resource requested again within the same UTC day is charged once (X calls
//! that a soft guarantee). Amounts are in micro-dollars (1 USD = 1,000,000).
//!
//! | resource        | unit cost (USD)     | what Outpost reads with it                     |
//! |-----------------|---------------------|------------------------------------------------|
//! | Posts: Read     | 0.005 per resource  | mentions (`GET /2/users/:id/mentions`), post metrics (`GET /2/tweets`), the reply look-up |
//! | User: Read      | 0.010 per resource  | `GET /2/users/me` (account metrics)            |
//! | DM Event: Read  | 0.010 per resource  | direct messages (`GET /2/dm_events`)           |
//! | Content: Create | 0.015 per request   | a reply (`POST /2/tweets`)                     |
//! | DM Interaction: Create | 0.015 per request | a direct answer                           |
//!
//! **[decision]** the estimate counts the primary resources (`data`) only: whether expanded
//! objects in `includes` (authors, the answered post) are billed too is not stated [U]; X's
//! "Owned Reads" ($0.001 per resource for a developer's own data) are not assumed for mentions,
//! which are other people's posts.

use super::inbox::{DIRECT_MESSAGES, DM_PAGE, MENTIONS, MENTIONS_MIN_PAGE, MENTIONS_PAGE};

/// Where the prices come from.
pub const SOURCE: &str = "https://docs.x.com/x-api/getting-started/pricing";
/// Posts: Read, per post returned.
pub const POST_READ_MICROS: u64 = 5_000;
/// User: Read, per user returned.
pub const USER_READ_MICROS: u64 = 10_000;
/// DM Event: Read, per event returned.
pub const DM_EVENT_READ_MICROS: u64 = 10_000;
/// Content: Create, per post created (a reply).
pub const CONTENT_CREATE_MICROS: u64 = 15_000;
/// DM Interaction: Create, per message sent.
pub const DM_CREATE_MICROS: u64 = 15_000;

/// The price of one resource read on an inbox `source` (micro-dollars).
pub fn read_micros(source: &str) -> u64 {
    match source {
        DIRECT_MESSAGES => DM_EVENT_READ_MICROS,
        _ => POST_READ_MICROS,
    }
}

/// The most resources one page of `source` returns (what a sync reserves before reading it).
pub fn page_reads(source: &str) -> u32 {
    match source {
        MENTIONS => MENTIONS_PAGE,
        _ => DM_PAGE,
    }
}

/// The fewest resources a page of `source` can be asked for (X: mentions 5, DM events 1).
pub fn min_page_reads(source: &str) -> u32 {
    match source {
        MENTIONS => MENTIONS_MIN_PAGE,
        _ => 1,
    }
}

/// Micro-dollars as dollars with three decimals ("$0.045").
pub fn usd(micros: u64) -> String {
    format!(
        "${}.{:03}",
        micros / 1_000_000,
        (micros % 1_000_000) / 1_000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_per_source() {
        assert_eq!(read_micros(MENTIONS), 5_000);
        assert_eq!(read_micros(DIRECT_MESSAGES), 10_000);
        assert_eq!(usd(45_000), "$0.045");
        assert_eq!(usd(12_345_000), "$12.345");
    }
}
