//! "Best time to post" has the store add up each weekly slot's rates (issue #21: loading every post
//! with its text and metrics took 2.5 s at 100,000 posts). This checks that the sums give what the
//! full reading gave — the same posts in the same slots, so the same estimate — on a history with every
//! case the rate has: impressions counted (a rate per impression), impressions counted as zero (no
//! rate, not a fall-back to followers), none counted (a rate per follower at publishing: the last
//! reading at or before it, else the first; none when that reading is zero; two readings at the same
//! time), posts without engagement, posts deleted on the platform, posts not published, and another
//! channel's posts, in a zone with summer time (slots in local time on both sides of a change).
//! The reference is `Outpost::analytics_posts`, the posts table's own reading.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, TimeZone, Timelike};
use outpost_app::analytics::best_times::{self, Observation};
use outpost_app::{ErrorCode, OpenOptions, Outpost, Paths};

const HOUR: i64 = 3_600_000;
const A: &str = "01900000-0000-7000-8000-00000000000a";
const B: &str = "01900000-0000-7000-8000-00000000000b";

fn id(prefix: u32, n: usize) -> String {
    format!("0190{prefix:04x}-0000-7000-8000-{n:012x}")
}

async fn open(dir: &std::path::Path) -> Outpost {
    let mut o = OpenOptions::new(Paths::resolve(Some(dir.to_path_buf())).unwrap());
    o.keychain_service = format!("app.outpost.test.{}", uuid::Uuid::new_v4());
    o.passphrase = Some(outpost_vault::Secret::new("test passphrase"));
    Outpost::open(o).await.unwrap()
}

/// A value bound to a statement.
enum Arg {
    S(String),
    I(i64),
    F(f64),
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::S(v.into())
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::S(v.clone())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::S(v)
    }
}
impl From<&&str> for Arg {
    fn from(v: &&str) -> Self {
        Arg::S((*v).into())
    }
}
impl From<&i64> for Arg {
    fn from(v: &i64) -> Self {
        Arg::I(*v)
    }
}
impl From<&f64> for Arg {
    fn from(v: &f64) -> Self {
        Arg::F(*v)
    }
}
impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::F(v)
    }
}

async fn exec(pool: &sqlx::SqlitePool, sql: &str, args: Vec<Arg>) {
    let mut q = sqlx::query(sql);
    for a in args {
        q = match a {
            Arg::S(v) => q.bind(v),
            Arg::I(v) => q.bind(v),
            Arg::F(v) => q.bind(v),
        };
    }
    q.execute(pool).await.unwrap();
}

/// A small deterministic generator (xorshift), so the history is varied but the same every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What the estimate was built from before: every post of the channel as the posts table reads it.
async fn reference(o: &Outpost, channel: &str) -> best_times::BestTimes {
    let tz = chrono_tz::Europe::Berlin;
    let obs: Vec<Observation> = o
        .analytics_posts(Some(channel), 0, i64::MAX)
        .await
        .unwrap()
        .iter()
        .filter(|p| !p.deleted)
        .filter_map(|p| {
            let t = tz.timestamp_millis_opt(p.published_at).single()?;
            Some(Observation {
                slot: t.weekday().num_days_from_monday() as usize * 24 + t.hour() as usize,
                rate: p.engagement_rate?,
            })
        })
        .collect();
    best_times::estimate(&obs)
}

/// The same estimate, up to the order the rates were added in (the store sums them in SQL).
fn same(got: &best_times::BestTimes, want: &best_times::BestTimes, what: &str) {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12);
    assert_eq!(
        (got.posts, got.min_posts, got.enough_data, got.slots.len()),
        (
            want.posts,
            want.min_posts,
            want.enough_data,
            want.slots.len()
        ),
        "{what}"
    );
    assert!(close(got.channel_rate, want.channel_rate), "{what}");
    for w in &want.slots {
        let g = got
            .slots
            .iter()
            .find(|g| (g.weekday, g.hour) == (w.weekday, w.hour))
            .unwrap_or_else(|| panic!("{what}: no slot {w:?}"));
        assert_eq!(g.posts, w.posts, "{what}: {w:?}");
        for (a, b) in [
            (g.raw_rate, w.raw_rate),
            (g.rate, w.rate),
            (g.uncertainty, w.uncertainty),
            (g.lift, w.lift),
        ] {
            assert!(close(a, b), "{what}: {g:?} against {w:?}");
        }
    }
    // Ranked the same, but for slots whose rates differ only in their last bits.
    for (g, w) in got.slots.iter().zip(&want.slots) {
        assert!(close(g.rate, w.rate), "{what}: rank {g:?} against {w:?}");
    }
}

#[tokio::test]
async fn best_times_reads_the_same_observations_as_the_posts_table() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    let pool = o.store().pool().clone();
    o.set_time_zone("Europe/Berlin").await.unwrap();
    for (ch, platform) in [(A, "mastodon"), (B, "bluesky")] {
        exec(&pool, "INSERT INTO channels (id, platform, instance_url, platform_account_id, kind, display_name, status, created_at, updated_at) VALUES (?1, ?2, 'https://example.social', ?1, 'profile', 'Test', 'connected', 1, 1)", vec![Arg::from(ch), Arg::from(platform)]).await;
    }
    let start: i64 = 1_780_000_000_000;
    // Followers of A: a first reading some days in (posts before it use it), a zero reading (posts
    // under it get no rate per follower), two readings at the same time (the later id wins).
    let followers: [(i64, f64); 6] = [
        (start + 72 * HOUR, 500.0),
        (start + 300 * HOUR, 650.0),
        (start + 500 * HOUR, 0.0),
        (start + 700 * HOUR, 800.0),
        (start + 700 * HOUR, 820.0),
        (start + 1_400 * HOUR, 1_000.0),
    ];
    for (n, (at, v)) in followers.iter().enumerate() {
        exec(&pool, "INSERT INTO analytics_snapshots (id, channel_id, metric, value, captured_at) VALUES (?1, ?2, 'followers', ?3, ?4)", vec![Arg::from(id(9, n)), Arg::from(A), Arg::from(v), Arg::from(at)]).await;
    }
    exec(&pool, "INSERT INTO analytics_snapshots (id, channel_id, metric, value, captured_at) VALUES (?1, ?2, 'followers', 50.0, ?3)", vec![Arg::from(id(9, 99)), Arg::from(B), Arg::from(start)]).await;

    let mut rng = Rng(0x2126_0000_1234_5678);
    let mut snap = 0usize;
    for n in 0..600usize {
        let channel = if n % 7 == 0 { B } else { A };
        let t = start + (n as i64) * 9 * HOUR + rng.below(3_000_000) as i64;
        let (post, target) = (id(1, n), id(2, n));
        exec(&pool, "INSERT INTO posts (id, body, status, created_at, updated_at) VALUES (?1, 'A post', 'published', ?2, ?2)", vec![Arg::from(&post), Arg::from(t)]).await;
        exec(&pool, "INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)", vec![Arg::from(&target), Arg::from(&post), Arg::from(channel), Arg::from(t)]).await;
        let state = if n % 23 == 5 { "failed" } else { "published" };
        exec(&pool, "INSERT INTO publish_jobs (id, post_target_id, state, due_at, attempt_count, platform_post_id, published_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?4, ?4, ?4)", vec![Arg::from(id(3, n)), Arg::from(&target), Arg::from(state), Arg::from(t), Arg::from(format!("remote-{n}"))]).await;
        // Metrics: some posts none; impressions on a third (a few of them zero).
        let mut metrics: Vec<(&str, f64)> = Vec::new();
        if n % 11 != 3 {
            metrics.push(("likes", rng.below(90) as f64));
            if rng.below(2) == 0 {
                metrics.push(("reposts", rng.below(20) as f64));
            }
            metrics.push(("replies", rng.below(10) as f64));
        }
        if n % 3 == 0 {
            let imp = if n % 33 == 0 {
                0.0
            } else {
                200.0 + rng.below(5_000) as f64
            };
            metrics.push(("impressions", imp));
        }
        if n % 13 == 4 {
            metrics.push(("views", 10.0));
        }
        for (k, (m, v)) in metrics.iter().enumerate() {
            // Two readings; the later one is the latest value.
            for (r, v) in [(1, v * 0.5), (2, *v)] {
                exec(&pool, "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", vec![Arg::from(id(4, snap)), Arg::from(channel), Arg::from(&target), Arg::from(m), Arg::from(v), Arg::from(t + r * HOUR + k as i64)]).await;
                snap += 1;
            }
        }
        if n % 17 == 2 {
            exec(&pool, "INSERT INTO analytics_targets (post_target_id, channel_id, next_sync_at, last_synced_at, deleted_at) VALUES (?1, ?2, ?3, ?3, ?3)", vec![Arg::from(&target), Arg::from(channel), Arg::from(t + 5 * HOUR)]).await;
        } else if n % 5 == 1 {
            exec(&pool, "INSERT INTO analytics_targets (post_target_id, channel_id, next_sync_at, last_synced_at) VALUES (?1, ?2, ?3, ?3)", vec![Arg::from(&target), Arg::from(channel), Arg::from(t + 5 * HOUR)]).await;
        }
    }

    for ch in [A, B] {
        let want = reference(&o, ch).await;
        let got = o.analytics_best_times(ch).await.unwrap();
        assert!(got.enough_data && got.posts > 60, "{ch}: {got:?}");
        same(&got, &want, ch);
    }
    // The cases are all there: posts whose rate is per impression, per follower, and none.
    let listed = o.analytics_posts(Some(A), 0, i64::MAX).await.unwrap();
    let per_follower = listed
        .iter()
        .filter(|p| p.engagement_rate.is_some() && !p.metrics.contains_key("impressions"))
        .count();
    let none = listed
        .iter()
        .filter(|p| p.engagement.is_some() && p.engagement_rate.is_none())
        .count();
    assert!(per_follower > 100 && none > 20, "{per_follower} {none}");

    // An unknown channel is a clear error, as before.
    let e = o.analytics_best_times("no-such-channel").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
}
