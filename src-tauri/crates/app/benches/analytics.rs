//! Analytics benchmark (a plain binary, `cargo bench -p outpost-app --bench analytics`; also runs
//! unoptimised under `cargo test -p outpost-app --bench analytics`): 100,000 published posts over
//! two years on one channel, each with 51 snapshot rows (17 readings of likes, reposts and
//! replies), plus a daily followers reading. Prints the time of ONE call (median of 11) of the
//! 90-day overview (`Outpost::analytics_overview`, what the Analytics page asks for) and of one
//! post's history (`Outpost::analytics_history`) and of the best time to post over the whole
//! history (`Outpost::analytics_best_times`), each next to a floor measured in the same run on
//! the same file — a bare indexed scan of the rows the call reads: for the overview, the period's
//! rows of `analytics_published` (one per published post, what its rates per follower and edge
//! hours read) and of `analytics_hours` (what its days add up); for the history, the post's
//! snapshot rows — and the peak RSS. For scale, the overview is also set beside a bare scan of the
//! latest value of each metric of the period's posts (`analytics_latest`, what it read before
//! `analytics_published`) and of every snapshot row of those posts (what it read before
//! that), and the first page of the posts table (50, by engagement) is timed too.
//! `OUTPOST_BENCH_SCALE=0.01` for a quick run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use outpost_app::{OpenOptions, Outpost, Paths};

const DAY: i64 = 86_400_000;
const READINGS: usize = 17;
const METRICS: [&str; 3] = ["likes", "reposts", "replies"];
const CHANNEL: &str = "01900000-0000-7000-8000-000000000001";

fn id(prefix: u32, n: usize) -> String {
    format!("0190{prefix:04x}-0000-7000-8000-{n:012x}")
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident set size of this process (Linux), in MB.
fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

async fn fill(pool: &sqlx::SqlitePool, posts: usize, now: i64) {
    let span = 730 * DAY;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO channels (id, platform, instance_url, platform_account_id, kind, display_name, status, created_at, updated_at) VALUES (?1, 'mastodon', 'https://example.social', 'acct', 'profile', 'Bench', 'connected', 1, 1)")
        .bind(CHANNEL)
        .execute(&mut *tx)
        .await
        .unwrap();
    for d in 0..730 {
        let t = now - span + d * DAY;
        sqlx::query("INSERT INTO analytics_snapshots (id, channel_id, metric, value, captured_at) VALUES (?1, ?2, 'followers', ?3, ?4)")
            .bind(id(9, d as usize))
            .bind(CHANNEL)
            .bind(1000.0 + d as f64)
            .bind(t)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let mut snap = 0usize;
    for n in 0..posts {
        let t = now - span + (n as i64 * span) / posts as i64;
        let (post, target) = (id(1, n), id(2, n));
        sqlx::query("INSERT INTO posts (id, body, status, created_at, updated_at) VALUES (?1, ?2, 'published', ?3, ?3)")
            .bind(&post)
            .bind(format!("Post number {n}: launching something new today #outpost"))
            .bind(t)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")
            .bind(&target)
            .bind(&post)
            .bind(CHANNEL)
            .bind(t)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO publish_jobs (id, post_target_id, state, due_at, attempt_count, platform_post_id, published_at, created_at, updated_at) VALUES (?1, ?2, 'published', ?3, 1, ?4, ?3, ?3, ?3)")
            .bind(id(3, n))
            .bind(&target)
            .bind(t)
            .bind(format!("remote-{n}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        for r in 0..READINGS {
            let at = t + (r as i64 + 1) * 3_600_000 * (1 + r as i64);
            for (k, m) in METRICS.iter().enumerate() {
                sqlx::query("INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .bind(id(4, snap))
                    .bind(CHANNEL)
                    .bind(&target)
                    .bind(*m)
                    .bind(((n % 50) * (r + 1) * (k + 1)) as f64)
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                snap += 1;
            }
        }
    }
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
}

async fn open(dir: &std::path::Path) -> Outpost {
    let mut o = OpenOptions::new(Paths::resolve(Some(dir.to_path_buf())).unwrap());
    o.keychain_service = format!("app.outpost.bench.{}", uuid::Uuid::new_v4());
    o.passphrase = Some(outpost_vault::Secret::new("bench passphrase"));
    Outpost::open(o).await.unwrap()
}

async fn timed<F, Fut, T>(runs: usize, mut f: F) -> (Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f().await;
        times.push(start.elapsed());
        last = Some(out);
    }
    (median(times), last.unwrap())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let scale: f64 = std::env::var("OUTPOST_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let posts = ((100_000.0 * scale) as usize).max(100);
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ('time_zone', '\"UTC\"', 1) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .execute(o.store().pool())
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let start = Instant::now();
    fill(o.store().pool(), posts, now).await;
    println!(
        "seeded {posts} posts x {} snapshot rows ({} rows) in {:.1} s",
        READINGS * METRICS.len(),
        posts * READINGS * METRICS.len() + 730,
        start.elapsed().as_secs_f64()
    );
    let pool = o.store().pool().clone();
    if let Ok(p) = std::env::var("H18H_DUMP") {
        sqlx::query(&format!("VACUUM INTO '{p}'"))
            .execute(&pool)
            .await
            .unwrap();
    }

    // The 90-day overview (and the 90 days before it, for the comparison).
    let (overview, v) = timed(11, || o.analytics_overview(90, None)).await;
    let v = v.unwrap();
    let (from, to) = (v.from - (v.to - v.from), v.to);
    let scan = |table: &'static str| {
        let pool = pool.clone();
        move || {
            let pool = pool.clone();
            async move {
                sqlx::query_as::<_, (i64, Option<f64>)>(&format!(
                    "SELECT COUNT(*), SUM(s.value) FROM publish_jobs j
                       JOIN {table} s ON s.post_target_id = j.post_target_id
                      WHERE j.state = 'published' AND COALESCE(j.published_at, j.due_at) >= ?1
                        AND COALESCE(j.published_at, j.due_at) < ?2"
                ))
                .bind(from)
                .bind(to)
                .fetch_one(&pool)
                .await
                .unwrap()
            }
        }
    };
    let (floor, (published, hours)) = timed(11, || {
        let pool = pool.clone();
        async move {
            let published: (i64, f64) = sqlx::query_as(
                "SELECT COUNT(*), TOTAL(engagement) FROM analytics_published
                  WHERE published_at >= ?1 AND published_at < ?2",
            )
            .bind(from)
            .bind(to)
            .fetch_one(&pool)
            .await
            .unwrap();
            let hours: (i64, f64) = sqlx::query_as(
                "SELECT COUNT(*), TOTAL(engagement) FROM analytics_hours WHERE hour >= ?1 AND hour < ?2",
            )
            .bind(from / 3_600_000)
            .bind(to / 3_600_000)
            .fetch_one(&pool)
            .await
            .unwrap();
            (published.0, hours.0)
        }
    })
    .await;
    let (latest_floor, rows) = timed(11, scan("analytics_latest")).await;
    let (all_floor, all_rows) = timed(11, scan("analytics_snapshots")).await;
    println!(
        "overview of 90 days ({} + {} posts): {}  | floor, bare indexed scans of their {published} rows of analytics_published and {hours} hourly sums: {}  | ratio {:.2}x  (target < 50 ms)",
        v.current.posts,
        v.previous.posts,
        ms(overview),
        ms(floor),
        overview.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "  for scale: bare scans of their {} latest values (the floor before analytics_published): {}  | of all {} snapshot rows of those posts (before analytics_latest): {}",
        rows.0,
        ms(latest_floor),
        all_rows.0,
        ms(all_floor)
    );
    let query = outpost_app::analytics::AnalyticsPostsQuery {
        channel_id: None,
        from: v.from,
        to: v.to,
        sort: "engagement".into(),
        descending: true,
        offset: 0,
        limit: 50,
    };
    let (page, p) = timed(11, || o.analytics_posts_page(&query)).await;
    let p = p.unwrap();
    println!(
        "posts table, first {} of {} by engagement: {}  | floor, the overview's bare scan: {}  | ratio {:.2}x",
        p.posts.len(),
        p.total,
        ms(page),
        ms(floor),
        page.as_secs_f64() / floor.as_secs_f64()
    );

    // One post's history.
    let post = id(1, posts / 2);
    let (history, h) = timed(11, || o.analytics_history(&post)).await;
    let h = h.unwrap();
    let target = id(2, posts / 2);
    let (hfloor, hrows) = timed(11, || async {
        sqlx::query_as::<_, (String, String, f64, i64)>(
            "SELECT id, metric, value, captured_at FROM analytics_snapshots WHERE post_target_id = ?1",
        )
        .bind(&target)
        .fetch_all(&pool)
        .await
        .unwrap()
        .len()
    })
    .await;
    println!(
        "one post's history ({} readings): {}  | floor, bare indexed scan of its {hrows} rows: {}  | ratio {:.2}x  (target < 10 ms)",
        h.len(),
        ms(history),
        ms(hfloor),
        history.as_secs_f64() / hfloor.as_secs_f64()
    );
    // Best time to post over the channel's whole history (the page's "Best time to post" card),
    // beside a bare scan of the rows it reads and, for scale, the posts table's full reading of
    // every post (what it built on before issue #21).
    let (best, b) = timed(11, || o.analytics_best_times(CHANNEL)).await;
    let b = b.unwrap();
    let (bfloor, bn) = timed(11, || async {
        sqlx::query_as::<_, (i64, f64)>(
            "SELECT COUNT(*), TOTAL(engagement / impressions) FROM analytics_published
              WHERE channel_id = ?1 AND engagement IS NOT NULL",
        )
        .bind(CHANNEL)
        .fetch_one(&pool)
        .await
        .unwrap()
        .0
    })
    .await;
    let (full, n) = timed(3, || async {
        o.analytics_posts(Some(CHANNEL), 0, i64::MAX)
            .await
            .unwrap()
            .len()
    })
    .await;
    println!(
        "best time to post ({} posts, {} slots): {}  | floor, bare indexed scan of its {bn} rows: {}  | ratio {:.2}x  (target < 100 ms: a card below the fold, asked for after the overview)",
        b.posts,
        b.slots.len(),
        ms(best),
        ms(bfloor),
        best.as_secs_f64() / bfloor.as_secs_f64()
    );
    println!(
        "  for scale: reading all {n} posts as the posts table does (what it read before): {}",
        ms(full)
    );
    if let Some(mb) = peak_rss_mb() {
        println!("peak RSS: {mb:.0} MB (seeding included)");
    }
    o.close().await;
}
