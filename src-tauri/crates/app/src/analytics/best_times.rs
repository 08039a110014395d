//! Best time to post, learned from the channel's own history.
//!
//! Each published post gives one observation: its engagement *rate* (engagement per impression
//! where the platform counts impressions, else per follower at the time) and its slot, the
//! weekday × hour of its publishing in the creator's time zone (168 slots). A slot's raw mean is
//! noisy when it holds few posts, so it is shrunk toward the channel's mean (empirical Bayes,
//! normal–normal): with σ² the within-slot variance and τ² the variance of true slot means
//! (method of moments: the variance of the slot means less the average sampling variance σ²/n),
//! a slot with n posts and mean ȳ gets
//!   posterior mean = (n/σ²·ȳ + μ/τ²) / (n/σ² + 1/τ²),  posterior sd = (n/σ² + 1/τ²)^-½.
//! Fewer than [`MIN_POSTS`] posts on the channel: "not enough data yet", never a silent fallback to
//! anyone's averages. Slots with no post are never suggested.

use serde::{Deserialize, Serialize};

/// Below this many posts with metrics on a channel there are no suggestions.
pub const MIN_POSTS: usize = 20;
/// Slots in a week.
pub const SLOTS: usize = 7 * 24;

/// One post: its slot (`weekday * 24 + hour`, Monday = 0, in the creator's zone) and its rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub slot: usize,
    pub rate: f64,
}

/// One weekly slot with its estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SlotEstimate {
    /// 0 = Monday … 6 = Sunday.
    pub weekday: u32,
    /// 0–23, local to the creator's time zone.
    pub hour: u32,
    /// Posts published in this slot.
    pub posts: u32,
    /// The slot's raw mean rate.
    pub raw_rate: f64,
    /// The shrunk (posterior) mean rate, what the ranking uses.
    pub rate: f64,
    /// Posterior standard deviation of `rate`.
    pub uncertainty: f64,
    /// `rate` relative to the channel's mean (1.0 = average).
    pub lift: f64,
}

/// The estimate for one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BestTimes {
    /// Posts with metrics considered.
    pub posts: u32,
    /// The minimum for suggestions ([`MIN_POSTS`]).
    pub min_posts: u32,
    /// `false`: "not enough data yet" (`slots` is empty).
    pub enough_data: bool,
    /// The channel's mean rate.
    pub channel_rate: f64,
    /// Slots that hold at least one post, best first.
    pub slots: Vec<SlotEstimate>,
}

fn mean(xs: impl Iterator<Item = f64>) -> (f64, usize) {
    let (s, n) = xs.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (if n == 0 { 0.0 } else { s / n as f64 }, n)
}

/// One slot's posts: how many, and the sum and the sum of squares of their rates — all the
/// estimate needs of them, so the store can add them up without handing over every post.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SlotSums {
    pub posts: u64,
    pub sum: f64,
    pub sum_sq: f64,
}

impl SlotSums {
    fn mean(&self) -> f64 {
        if self.posts == 0 {
            0.0
        } else {
            self.sum / self.posts as f64
        }
    }

    /// The sum of squared deviations from the slot's mean.
    fn squares(&self) -> f64 {
        if self.posts == 0 {
            0.0
        } else {
            (self.sum_sq - self.sum * self.sum / self.posts as f64).max(0.0)
        }
    }
}

/// Ranks the slots of one channel's history (see the module docs).
pub fn estimate(obs: &[Observation]) -> BestTimes {
    let mut slots = [SlotSums::default(); SLOTS];
    for o in obs
        .iter()
        .filter(|o| o.slot < SLOTS && o.rate.is_finite() && o.rate >= 0.0)
    {
        let s = &mut slots[o.slot];
        s.posts += 1;
        s.sum += o.rate;
        s.sum_sq += o.rate * o.rate;
    }
    estimate_from_sums(&slots)
}

/// [`estimate`] from each slot's sums (rates finite and not negative).
pub fn estimate_from_sums(slots: &[SlotSums; SLOTS]) -> BestTimes {
    let all = slots.iter().fold(SlotSums::default(), |a, s| SlotSums {
        posts: a.posts + s.posts,
        sum: a.sum + s.sum,
        sum_sq: a.sum_sq + s.sum_sq,
    });
    let (mu, n_all) = (all.mean(), all.posts);
    let mut out = BestTimes {
        posts: u32::try_from(n_all).unwrap_or(u32::MAX),
        min_posts: MIN_POSTS as u32,
        enough_data: n_all >= MIN_POSTS as u64,
        channel_rate: mu,
        slots: Vec::new(),
    };
    if !out.enough_data {
        return out;
    }
    // Within-slot variance, pooled over slots with two posts or more (else the total variance).
    let (mut ss, mut df) = (0.0, 0u64);
    for g in slots.iter().filter(|g| g.posts > 1) {
        ss += g.squares();
        df += g.posts - 1;
    }
    let total_var = all.squares() / (n_all - 1) as f64;
    let sigma2 = if df > 0 { ss / df as f64 } else { total_var }.max(1e-12);
    // Between-slot variance of true means, by moments over the slots that have posts.
    let used: Vec<&SlotSums> = slots.iter().filter(|g| g.posts > 0).collect();
    let k = used.len() as f64;
    let spread = used.iter().map(|g| (g.mean() - mu).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
    let sampling = used.iter().map(|g| sigma2 / g.posts as f64).sum::<f64>() / k.max(1.0);
    // Never quite zero: a floor keeps a slot with much evidence able to move away from the mean.
    let tau2 = (spread - sampling).max(sigma2 * 1e-3);
    for (slot, g) in slots.iter().enumerate() {
        if g.posts == 0 {
            continue;
        }
        let (ybar, n) = (g.mean(), g.posts);
        let prec = n as f64 / sigma2 + 1.0 / tau2;
        let post = (n as f64 / sigma2 * ybar + mu / tau2) / prec;
        out.slots.push(SlotEstimate {
            weekday: (slot / 24) as u32,
            hour: (slot % 24) as u32,
            posts: u32::try_from(n).unwrap_or(u32::MAX),
            raw_rate: ybar,
            rate: post,
            uncertainty: prec.recip().sqrt(),
            lift: if mu > 0.0 { post / mu } else { 1.0 },
        });
    }
    out.slots.sort_by(|a, b| {
        b.rate
            .total_cmp(&a.rate)
            .then(a.uncertainty.total_cmp(&b.uncertainty))
            .then((a.weekday, a.hour).cmp(&(b.weekday, b.hour)))
    });
    out
}

/// The naive baseline the benchmark compares with: each slot's raw mean (no shrinkage).
pub fn naive(obs: &[Observation]) -> Vec<(usize, f64)> {
    let mut groups: Vec<Vec<f64>> = vec![Vec::new(); SLOTS];
    for o in obs.iter().filter(|o| o.slot < SLOTS) {
        groups[o.slot].push(o.rate);
    }
    let mut v: Vec<(usize, f64)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.is_empty())
        .map(|(s, g)| (s, mean(g.iter().copied()).0))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn below_the_minimum_says_not_enough_data() {
        let obs: Vec<_> = (0..MIN_POSTS - 1)
            .map(|i| Observation { slot: i, rate: 0.1 })
            .collect();
        let b = estimate(&obs);
        assert!(!b.enough_data);
        assert!(b.slots.is_empty());
        assert_eq!(b.posts as usize, MIN_POSTS - 1);
    }

    /// A deterministic value in [-1, 1) per `i`.
    fn noise(i: usize) -> f64 {
        let x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
        x as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }

    #[test]
    fn one_lucky_post_ranks_below_a_slot_that_is_good_again_and_again() {
        let mut obs = Vec::new();
        // 60 ordinary posts across slots 0..30: rates 0.005..0.035 (engagement is noisy).
        for i in 0..60 {
            obs.push(Observation {
                slot: i % 30,
                rate: 0.02 + 0.015 * noise(i),
            });
        }
        // Slot 100: one post at 0.07. Slot 101: eight posts around 0.05, as noisy.
        obs.push(Observation {
            slot: 100,
            rate: 0.07,
        });
        for i in 0..8 {
            obs.push(Observation {
                slot: 101,
                rate: 0.05 + 0.015 * noise(100 + i),
            });
        }
        let b = estimate(&obs);
        assert!(b.enough_data);
        let top = &b.slots[0];
        assert_eq!((top.weekday, top.hour), (4, 5), "{:?}", &b.slots[..3]);
        let lucky = b
            .slots
            .iter()
            .find(|s| s.posts == 1 && s.raw_rate > 0.069)
            .unwrap();
        assert!(lucky.rate < lucky.raw_rate, "shrunk toward the mean");
        assert!(lucky.uncertainty > top.uncertainty);
        // The naive ranking puts the single lucky post first.
        assert_eq!(naive(&obs)[0].0, 100);
    }
}
