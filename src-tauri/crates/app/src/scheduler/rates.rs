//! How many posts a channel may publish in a window, from each platform's documented limits, and a
//! limiter that spreads a burst in order within them. A 429 from the platform parks the channel until
//! the time it gave (see the engine); this is the limit Outpost keeps itself so it rarely gets one.

use std::collections::{HashMap, VecDeque};

/// At most `count` posts in any `window_ms`.
pub use outpost_platforms::limits::PostRate as Rate;
/// The post-creation limit per channel, from the platforms' limits data (each figure with its
/// source there).
pub use outpost_platforms::limits::post_rate;

/// Sliding-window limiter per channel: at most `count` dispatches in any `window_ms`.
#[derive(Debug, Default)]
pub struct Limiter {
    sent: HashMap<String, VecDeque<i64>>,
}

impl Limiter {
    /// When the channel may dispatch next (`now` if it may now).
    pub fn next_allowed(&mut self, channel: &str, rate: Rate, now: i64) -> i64 {
        let Some(q) = self.sent.get_mut(channel) else {
            return now;
        };
        while q.front().is_some_and(|t| *t <= now - rate.window_ms) {
            q.pop_front();
        }
        if q.len() < rate.count {
            now
        } else {
            q.front().map_or(now, |t| t + rate.window_ms)
        }
    }

    /// Records a dispatch.
    pub fn record(&mut self, channel: &str, rate: Rate, now: i64) {
        let q = self.sent.entry(channel.to_string()).or_default();
        q.push_back(now);
        while q.len() > rate.count {
            q.pop_front();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use outpost_platforms::Platform;

    #[test]
    fn a_burst_is_spread_within_the_window() {
        let rate = Rate {
            count: 3,
            window_ms: 1_000,
        };
        let mut l = Limiter::default();
        for t in [0, 10, 20] {
            assert_eq!(l.next_allowed("c", rate, t), t);
            l.record("c", rate, t);
        }
        assert_eq!(l.next_allowed("c", rate, 30), 1_000);
        assert_eq!(l.next_allowed("other", rate, 30), 30);
        assert_eq!(l.next_allowed("c", rate, 1_000), 1_000);
        l.record("c", rate, 1_000);
        assert_eq!(l.next_allowed("c", rate, 1_001), 1_010);
    }

    #[test]
    fn every_platform_has_a_rate() {
        for p in Platform::ALL {
            let r = post_rate(p);
            assert!(r.count > 0 && r.window_ms > 0, "{p:?}");
        }
    }
}
