//! Store benchmark (plain binary, `cargo bench -p outpost-store`). Every figure is the time of ONE
//! call (the median of several for queries), printed next to a floor measured in the same run on
//! the same file: the fastest way SQLite does the same work — a bulk INSERT of the same rows into
//! bare tables in one transaction, a bare indexed range scan returning the same rows, an FTS5
//! `MATCH … LIMIT 20` on the same index — and the ratio to it.
//!
//! `OUTPOST_BENCH_POSTS` sets the number of posts (default 100,000; the activity log gets ten times
//! as many entries); `OUTPOST_BENCH_SCALE=0.01` scales the default down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::time::{Duration, Instant};

use outpost_store::*;
use support::median;

const T0: i64 = 1_790_000_000_000;
const DAY: i64 = 86_400_000;
/// A post every 10 minutes: 4,464 in a 31-day month.
const STEP: i64 = 600_000;

fn body(i: usize) -> String {
    const WORDS: [&str; 12] = [
        "launch", "spring", "coffee", "studio", "behind", "scenes", "giveaway", "recipe", "travel",
        "update", "weekly", "thread",
    ];
    format!(
        "Post {i}: {} {} {} and more words about the {} of the week #{}",
        WORDS[i % 12],
        WORDS[(i / 12) % 12],
        WORDS[(i / 144) % 12],
        WORDS[(i * 7) % 12],
        i % 97
    )
}

struct Row {
    name: String,
    rows: usize,
    took: Duration,
    floor: Option<(&'static str, Duration)>,
}

struct Bench {
    out: Vec<Row>,
}

impl Bench {
    fn push(
        &mut self,
        name: impl Into<String>,
        rows: usize,
        took: Duration,
        floor: Option<(&'static str, Duration)>,
    ) {
        self.out.push(Row {
            name: name.into(),
            rows,
            took,
            floor,
        });
    }
}

/// The rows of `n` posts with two targets and two jobs each (what an import of a CSV file writes).
fn batch(n: usize, channels: &[String], offset: usize) -> posts::PostBatch {
    let mut b = posts::PostBatch::default();
    for i in offset..offset + n {
        let at = T0 + (i as i64) * STEP;
        let post = posts::Post {
            id: new_id(),
            body: body(i),
            status: PostStatus::Scheduled,
            scheduled_at: Some(at),
            time_zone: Some("Europe/Berlin".into()),
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        };
        for c in channels {
            let t = posts::targets::PostTarget {
                id: new_id(),
                post_id: post.id.clone(),
                channel_id: c.clone(),
                thread_parts: json(serde_json::json!([])),
                options: json(serde_json::json!({})),
                created_at: T0,
                updated_at: T0,
                ..Default::default()
            };
            b.jobs.push(jobs::PublishJob {
                id: new_id(),
                post_target_id: t.id.clone(),
                state: JobState::Scheduled,
                due_at: at,
                created_at: T0,
                updated_at: T0,
                ..Default::default()
            });
            b.targets.push(t);
        }
        b.posts.push(post);
    }
    b
}

async fn add_channels(store: &Store) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..2 {
        let c = channels::Channel {
            id: new_id(),
            platform: Platform::Bluesky,
            platform_account_id: format!("did:plc:{n}"),
            kind: ChannelKind::Profile,
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        };
        channels::insert(store.pool(), &c).await.unwrap();
        ids.push(c.id);
    }
    ids
}

/// Floor of the import: the same rows, multi-row prepared INSERTs into bare tables (no index,
/// no trigger, no constraint), one transaction.
async fn bare_import(store: &Store, b: &posts::PostBatch) -> Duration {
    let db = store.pool();
    for sql in [
        "CREATE TABLE bare_posts (id TEXT, body TEXT, status TEXT, scheduled_at INTEGER, time_zone TEXT, created_at INTEGER, updated_at INTEGER)",
        "CREATE TABLE bare_targets (id TEXT, post_id TEXT, channel_id TEXT, thread_parts TEXT, options TEXT, created_at INTEGER, updated_at INTEGER)",
        "CREATE TABLE bare_jobs (id TEXT, post_target_id TEXT, state TEXT, due_at INTEGER, created_at INTEGER, updated_at INTEGER)",
    ] {
        sqlx::query(sql).execute(db).await.unwrap();
    }
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for chunk in b.posts.chunks(4000) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO bare_posts (id, body, status, scheduled_at, time_zone, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut r, p| {
            r.push_bind(&p.id)
                .push_bind(&p.body)
                .push_bind(p.status)
                .push_bind(p.scheduled_at)
                .push_bind(&p.time_zone)
                .push_bind(p.created_at)
                .push_bind(p.updated_at);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    for chunk in b.targets.chunks(4000) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO bare_targets (id, post_id, channel_id, thread_parts, options, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut r, t| {
            r.push_bind(&t.id)
                .push_bind(&t.post_id)
                .push_bind(&t.channel_id)
                .push_bind(&t.thread_parts)
                .push_bind(&t.options)
                .push_bind(t.created_at)
                .push_bind(t.updated_at);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    for chunk in b.jobs.chunks(4000) {
        let mut q = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO bare_jobs (id, post_target_id, state, due_at, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut r, j| {
            r.push_bind(&j.id)
                .push_bind(&j.post_target_id)
                .push_bind(j.state)
                .push_bind(j.due_at)
                .push_bind(j.created_at)
                .push_bind(j.updated_at);
        });
        q.build().execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    start.elapsed()
}

/// The old way: five statements a post (`insert` of each row), one transaction.
async fn one_by_one(store: &Store, b: &posts::PostBatch) -> Duration {
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for p in &b.posts {
        posts::insert(&mut *tx, p).await.unwrap();
    }
    for t in &b.targets {
        posts::targets::insert(&mut *tx, t).await.unwrap();
    }
    for j in &b.jobs {
        jobs::insert(&mut *tx, j).await.unwrap();
    }
    tx.commit().await.unwrap();
    start.elapsed()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let scale: f64 = std::env::var("OUTPOST_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let n_posts: usize = std::env::var("OUTPOST_BENCH_POSTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(((100_000.0 * scale).round() as usize).max(100));
    let n_activity = n_posts * 10;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.db")).await.unwrap();
    let db = store.pool();
    let mut b = Bench { out: Vec::new() };

    // Import: floor, the old one-by-one way on a tenth (its own file), the batch.
    let channel_ids = add_channels(&store).await;
    let rows = batch(n_posts, &channel_ids, 0);
    let import_floor = bare_import(&store, &rows).await;
    b.push(
        format!("floor: bare bulk INSERT, {n_posts} posts + 2 targets + 2 jobs"),
        n_posts,
        import_floor,
        None,
    );
    {
        let old = Store::open(&dir.path().join("one-by-one.db"))
            .await
            .unwrap();
        let chans = add_channels(&old).await;
        let tenth = (n_posts / 10).max(10);
        let took = one_by_one(&old, &batch(tenth, &chans, 0)).await;
        b.push(
            format!("before: insert one by one, {tenth} posts (a tenth)"),
            tenth,
            took,
            None,
        );
        old.close().await;
    }
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    rows.write(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    b.push(
        "import: PostBatch::write (posts+targets+jobs)",
        n_posts,
        start.elapsed(),
        Some(("bare bulk INSERT", import_floor)),
    );
    let ids: Vec<String> = rows.posts.iter().map(|p| p.id.clone()).collect();
    drop(rows);

    // Activity log: filled in SQL (setup), then 10,000 calls of `record` timed.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO activity_log (at, platform, method, host, path, status, duration_ms, bytes)
         SELECT ?2 + i, CASE i % 3 WHEN 0 THEN 'x' WHEN 1 THEN 'bluesky' ELSE 'mastodon' END,
                'GET', 'api.example.com', '/2/tweets', 200, 120, 512 FROM n",
    )
    .bind(n_activity as i64)
    .bind(T0)
    .execute(db)
    .await
    .unwrap();
    let calls = 10_000;
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for i in 0..calls {
        activity::record(
            &mut *tx,
            &activity::NewActivity {
                at: T0 + (n_activity + i) as i64,
                platform: "x".into(),
                method: "GET".into(),
                host: "api.x.com".into(),
                path: "/2/tweets".into(),
                status: Some(200),
                duration_ms: 120,
                bytes: 512,
                error_kind: None,
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    b.push(
        "activity::record (one call, of 10,000 in a transaction)",
        1,
        start.elapsed() / calls as u32,
        None,
    );

    sqlx::query("ANALYZE").execute(db).await.unwrap();
    let mid = T0 + (n_posts as i64 / 2) * STEP;
    let (month_from, month_to) = (mid, mid + 31 * DAY);

    // Month: floor = the same rows through the same index, without anything joined.
    let (scan_floor, scan_rows) = median(21, || async {
        sqlx::query_as::<_, (String, String, i64, Option<String>, String, Option<String>)>(
            "SELECT id, status, scheduled_at, time_zone, substr(body, 1, 140), campaign_id FROM posts
             WHERE scheduled_at >= ?1 AND scheduled_at < ?2 ORDER BY scheduled_at, id",
        )
        .bind(month_from)
        .bind(month_to)
        .fetch_all(db)
        .await
        .unwrap()
        .len()
    })
    .await;
    b.push(
        "floor: bare indexed range scan (one month)",
        scan_rows,
        scan_floor,
        None,
    );
    let floor = Some(("range scan", scan_floor));
    let (took, n) = median(21, || async {
        posts::calendar(db, month_from, month_to)
            .await
            .unwrap()
            .len()
    })
    .await;
    b.push("posts::calendar (one month)", n, took, floor);
    let (took, n) = median(21, || async {
        posts::calendar_items(db, month_from, month_to, &Default::default())
            .await
            .unwrap()
            .len()
    })
    .await;
    b.push(
        "posts::calendar_items (one month, the app's)",
        n,
        took,
        floor,
    );
    // The month grid: 42 days, the first 3 posts of each and each day's count.
    let day_starts: Vec<i64> = (0..=42).map(|d| month_from + d * DAY).collect();
    let (grid_floor, grid_rows) = median(21, || async {
        sqlx::query_as::<_, (String, String, i64, Option<String>, String, Option<String>)>(
            "SELECT id, status, scheduled_at, time_zone, substr(body, 1, 140), campaign_id FROM posts
             WHERE scheduled_at >= ?1 AND scheduled_at < ?2 ORDER BY scheduled_at, id LIMIT 126",
        )
        .bind(month_from)
        .bind(month_to)
        .fetch_all(db)
        .await
        .unwrap()
        .len()
    })
    .await;
    b.push(
        "floor: bare indexed range scan, 126 rows",
        grid_rows,
        grid_floor,
        None,
    );
    let (took, n) = median(21, || async {
        posts::calendar_items_per_day(db, &day_starts, 3, &Default::default())
            .await
            .unwrap()
            .len()
    })
    .await;
    b.push(
        "posts::calendar_items_per_day (42 days, 3 a day: month grid)",
        n,
        took,
        Some(("range scan, 126 rows", grid_floor)),
    );
    let (took, n) = median(21, || async {
        posts::list_in_range(db, month_from, month_to)
            .await
            .unwrap()
            .len()
    })
    .await;
    b.push("posts::list_in_range (one month)", n, took, floor);

    // Search: floor = FTS5 MATCH … LIMIT 20 with the same query on the same index.
    for (label, words) in [
        ("2 words", "giveaway recipe"),
        ("a common word", "coffee"),
        ("a word in every post", "post"),
        ("one letter typed", "c"),
    ] {
        let fts = search::fts_query(words).unwrap();
        let (floor_t, _) = median(21, || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 LIMIT 20",
            )
            .bind(&fts)
            .fetch_all(db)
            .await
            .unwrap()
            .len()
        })
        .await;
        // bm25 weighs each phrase by how many documents hold it: FTS5 walks every match of each
        // phrase once a query (for a prefix, every match of every word it starts) — the floor of
        // any bm25 ranking, however few documents are ranked.
        let (count_t, matches) = median(21, || async {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?1",
            )
            .bind(&fts)
            .fetch_one(db)
            .await
            .unwrap() as usize
        })
        .await;
        b.push(
            format!("floor: FTS5 walk of every match ({label})"),
            matches,
            count_t,
            None,
        );
        let (took, n) = median(21, || async {
            search::search(db, words, 20).await.unwrap().len()
        })
        .await;
        b.push(
            format!("search::search ({label}, top 20)"),
            n,
            took,
            Some(("FTS5 MATCH LIMIT 20", floor_t)),
        );
    }

    // Activity page: floor = the same page through the same index, no count.
    let (page_floor, page_rows) = median(11, || async {
        sqlx::query_as::<_, (i64, i64, String, String, String, String)>(
            "SELECT id, at, platform, method, host, path FROM activity_log ORDER BY at DESC, id DESC LIMIT 100",
        )
        .fetch_all(db)
        .await
        .unwrap()
        .len()
    })
    .await;
    b.push(
        "floor: bare indexed scan, newest 100 log entries",
        page_rows,
        page_floor,
        None,
    );
    for (label, filter) in [
        ("all", activity::ActivityFilter::default()),
        (
            "one platform",
            activity::ActivityFilter {
                platform: Some("bluesky".into()),
                ..Default::default()
            },
        ),
    ] {
        let (took, n) = median(11, || async {
            let mut c = db.acquire().await.unwrap();
            activity::list(&mut c, &filter, 0, 100)
                .await
                .unwrap()
                .entries
                .len()
        })
        .await;
        b.push(
            format!("activity::list (page of 100 + total, {label})"),
            n,
            took,
            Some(("index scan", page_floor)),
        );
    }

    // Point queries: floor = a bare point SELECT by primary key.
    let probe = ids[ids.len() / 2].clone();
    let (point_floor, _) = median(21, || async {
        let r: Option<String> = sqlx::query_scalar("SELECT body FROM bare_posts WHERE rowid = 1")
            .fetch_optional(db)
            .await
            .unwrap();
        usize::from(r.is_some())
    })
    .await;
    b.push("floor: bare point SELECT", 1, point_floor, None);
    let point = Some(("point SELECT", point_floor));
    let (took, n) = median(21, || async {
        usize::from(posts::find(db, &probe).await.unwrap().is_some())
    })
    .await;
    b.push("posts::find", n, took, point);
    let (took, n) = median(21, || async {
        usize::from(jobs::next_due(db).await.unwrap().is_some())
    })
    .await;
    b.push("jobs::next_due", n, took, point);
    for c in &channel_ids {
        for (weekday, time) in [(1, "09:00"), (3, "12:30"), (5, "17:00")] {
            slots::insert(
                db,
                &slots::PostingSlot {
                    id: new_id(),
                    channel_id: c.clone(),
                    weekday,
                    local_time: time.into(),
                    time_zone: "Europe/Berlin".into(),
                    created_at: T0,
                },
            )
            .await
            .unwrap();
        }
    }
    // Three slot times a day for 26 weeks, on the posts' 10-minute grid (most are taken).
    let candidates: Vec<i64> = (0..26 * 7)
        .flat_map(|d| [9 * 60, 12 * 60 + 30, 17 * 60].map(|m| mid + d * DAY + m * 60_000))
        .collect();
    let (took, n) = median(21, || async {
        slots::occupied(db, &channel_ids, &candidates)
            .await
            .unwrap()
            .len()
    })
    .await;
    b.push(
        "slots::occupied (546 candidates, 2 channels)",
        n,
        took,
        point,
    );

    let path = store.path().to_path_buf();
    store.close().await;
    let start = Instant::now();
    let reopened = Store::open(&path).await.unwrap();
    b.push(
        "Store::open (checks + migrations)",
        1,
        start.elapsed(),
        point,
    );
    reopened.close().await;

    println!(
        "outpost-store benchmark: {n_posts} posts, {n_activity} log entries, file {:.1} MB (one call each; queries: median of 21)",
        std::fs::metadata(&path)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    );
    println!(
        "{:<58} {:>8} {:>11} {:>20} {:>10} {:>8}",
        "operation", "rows", "one call", "floor", "floor t", "x floor"
    );
    for r in b.out {
        let (fname, ft, ratio) = match r.floor {
            Some((n, f)) => (
                n,
                format!("{f:.2?}"),
                format!("{:.1}", r.took.as_secs_f64() / f.as_secs_f64().max(1e-9)),
            ),
            None => ("-", "-".into(), "-".into()),
        };
        println!(
            "{:<58} {:>8} {:>11} {:>20} {:>10} {:>8}",
            r.name,
            r.rows,
            format!("{:.2?}", r.took),
            fname,
            ft,
            ratio
        );
    }
}
