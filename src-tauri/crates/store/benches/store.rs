//! Store benchmark (plain binary, `cargo bench -p outpost-store`). Prints each operation with its
//! ratio to a floor measured in the same run: a bare sqlx prepared INSERT loop of the same rows
//! into a bare table in one transaction. `OUTPOST_BENCH_SCALE=0.01` scales the row counts down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use outpost_store::*;

const T0: i64 = 1_790_000_000_000;
const DAY: i64 = 86_400_000;

fn scaled(n: usize, scale: f64) -> usize {
    ((n as f64 * scale).round() as usize).max(10)
}

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
    name: &'static str,
    rows: usize,
    took: Duration,
    floor: Option<Duration>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let scale: f64 = std::env::var("OUTPOST_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let n_posts = scaled(100_000, scale);
    let n_activity = scaled(1_000_000, scale);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.db")).await.unwrap();
    let db = store.pool();
    let mut out: Vec<Row> = Vec::new();

    // Floor: bare prepared inserts of the same post rows into a bare table, one transaction.
    sqlx::query("CREATE TABLE bare_posts (id TEXT PRIMARY KEY, body TEXT, status TEXT, scheduled_at INTEGER, created_at INTEGER)").execute(db).await.unwrap();
    let ids: Vec<String> = (0..n_posts).map(|_| new_id()).collect();
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for (i, id) in ids.iter().enumerate() {
        sqlx::query("INSERT INTO bare_posts (id, body, status, scheduled_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(id).bind(body(i)).bind("scheduled").bind(T0 + (i as i64) * 600_000).bind(T0)
            .execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let post_floor = start.elapsed();
    out.push(Row {
        name: "floor: bare INSERT of posts",
        rows: n_posts,
        took: post_floor,
        floor: None,
    });

    // 100k posts with 2 targets + 1 job each through the repo layer (FTS triggers included).
    let channels: Vec<channels::Channel> = (0..2)
        .map(|n| channels::Channel {
            id: new_id(),
            platform: Platform::Bluesky,
            platform_account_id: format!("did:plc:{n}"),
            kind: ChannelKind::Profile,
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        })
        .collect();
    for c in &channels {
        channels::insert(db, c).await.unwrap();
    }
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for (i, id) in ids.iter().enumerate() {
        let at = T0 + (i as i64) * 600_000;
        let p = posts::Post {
            id: id.clone(),
            body: body(i),
            status: PostStatus::Scheduled,
            scheduled_at: Some(at),
            time_zone: Some("Europe/Berlin".into()),
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        };
        posts::insert(&mut *tx, &p).await.unwrap();
        for c in &channels {
            let t = posts::targets::PostTarget {
                id: new_id(),
                post_id: p.id.clone(),
                channel_id: c.id.clone(),
                thread_parts: json(serde_json::json!([])),
                options: json(serde_json::json!({})),
                created_at: T0,
                updated_at: T0,
                ..Default::default()
            };
            posts::targets::insert(&mut *tx, &t).await.unwrap();
            jobs::insert(
                &mut *tx,
                &jobs::PublishJob {
                    id: new_id(),
                    post_target_id: t.id,
                    state: JobState::Scheduled,
                    due_at: at,
                    created_at: T0,
                    updated_at: T0,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    out.push(Row {
        name: "repo: posts + 2 targets + 2 jobs",
        rows: n_posts,
        took: start.elapsed(),
        floor: Some(post_floor),
    });

    // Activity: floor and repo.
    sqlx::query("CREATE TABLE bare_activity (at INTEGER, platform TEXT, method TEXT, host TEXT, path TEXT, status INTEGER, duration_ms INTEGER, bytes INTEGER)").execute(db).await.unwrap();
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for i in 0..n_activity {
        sqlx::query("INSERT INTO bare_activity VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .bind(T0 + i as i64)
            .bind("x")
            .bind("GET")
            .bind("api.x.com")
            .bind("/2/tweets")
            .bind(200)
            .bind(120)
            .bind(512)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let act_floor = start.elapsed();
    out.push(Row {
        name: "floor: bare INSERT of activity",
        rows: n_activity,
        took: act_floor,
        floor: None,
    });
    let start = Instant::now();
    let mut tx = store.begin().await.unwrap();
    for i in 0..n_activity {
        activity::record(
            &mut *tx,
            &activity::NewActivity {
                at: T0 + i as i64,
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
    out.push(Row {
        name: "repo: activity::record",
        rows: n_activity,
        took: start.elapsed(),
        floor: Some(act_floor),
    });

    // Queries: median of several runs; floor = a bare indexed point lookup.
    sqlx::query("ANALYZE").execute(db).await.unwrap();
    let probe = ids[ids.len() / 2].clone();
    let (floor_q, _) = median(21, || async {
        let r: Option<String> = sqlx::query_scalar("SELECT body FROM bare_posts WHERE id = ?1")
            .bind(&probe)
            .fetch_optional(db)
            .await
            .unwrap();
        usize::from(r.is_some())
    })
    .await;
    out.push(Row {
        name: "floor: bare point SELECT",
        rows: 1,
        took: floor_q,
        floor: None,
    });
    let mid = T0 + (n_posts as i64 / 2) * 600_000;
    let (took, rows) = median(21, || async {
        posts::calendar(db, mid, mid + 31 * DAY)
            .await
            .unwrap()
            .len()
    })
    .await;
    out.push(Row {
        name: "posts::calendar (one month)",
        rows,
        took,
        floor: Some(floor_q),
    });
    let (took, rows) = median(21, || async {
        posts::list_in_range(db, mid, mid + 31 * DAY)
            .await
            .unwrap()
            .len()
    })
    .await;
    out.push(Row {
        name: "posts::list_in_range (one month)",
        rows,
        took,
        floor: Some(floor_q),
    });
    // The queue: slots of both channels, and the instants already taken in the next 26 weeks
    // (what next_free_slot reads).
    for c in &channels {
        for (weekday, time) in [(1, "09:00"), (3, "12:30"), (5, "17:00")] {
            slots::insert(
                db,
                &slots::PostingSlot {
                    id: new_id(),
                    channel_id: c.id.clone(),
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
    let channel_ids: Vec<String> = channels.iter().map(|c| c.id.clone()).collect();
    let (took, rows) = median(21, || async {
        slots::list_for_channels(db, &channel_ids)
            .await
            .unwrap()
            .len()
    })
    .await;
    out.push(Row {
        name: "slots::list_for_channels (2 channels)",
        rows,
        took,
        floor: Some(floor_q),
    });
    // Three slot times a day for 26 weeks, on the posts' 10-minute grid (posts every 10 minutes, so
    // most are taken).
    let candidates: Vec<i64> = (0..26 * 7)
        .flat_map(|d| [9 * 60, 12 * 60 + 30, 17 * 60].map(|m| mid + d * DAY + m * 60_000))
        .collect();
    let (took, rows) = median(21, || async {
        slots::occupied(db, &channel_ids, &candidates)
            .await
            .unwrap()
            .len()
    })
    .await;
    out.push(Row {
        name: "slots::occupied (546 candidates, 2 channels)",
        rows,
        took,
        floor: Some(floor_q),
    });
    let (took, rows) = median(21, || async {
        search::search(db, "giveaway recipe", 20)
            .await
            .unwrap()
            .len()
    })
    .await;
    out.push(Row {
        name: "search::search (2 words, top 20)",
        rows,
        took,
        floor: Some(floor_q),
    });
    let (took, rows) = median(21, || async {
        search::search(db, "coffee", 20).await.unwrap().len()
    })
    .await;
    out.push(Row {
        name: "search::search (common word, top 20)",
        rows,
        took,
        floor: Some(floor_q),
    });
    let (took, rows) = median(21, || async {
        usize::from(jobs::next_due(db).await.unwrap().is_some())
    })
    .await;
    out.push(Row {
        name: "jobs::next_due",
        rows,
        took,
        floor: Some(floor_q),
    });
    let (took, rows) = median(5, || async {
        let mut c = db.acquire().await.unwrap();
        activity::list(&mut c, &Default::default(), 0, 100)
            .await
            .unwrap()
            .entries
            .len()
    })
    .await;
    out.push(Row {
        name: "activity::list (page of 100, with total)",
        rows,
        took,
        floor: Some(floor_q),
    });
    let path = store.path().to_path_buf();
    store.close().await;
    let start = Instant::now();
    let reopened = Store::open(&path).await.unwrap();
    out.push(Row {
        name: "Store::open (quick_check + migrate check)",
        rows: 1,
        took: start.elapsed(),
        floor: Some(floor_q),
    });
    reopened.close().await;

    println!(
        "outpost-store benchmark (scale {scale}, file {:.1} MB)",
        std::fs::metadata(&path)
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    );
    println!(
        "{:<44} {:>9} {:>12} {:>12} {:>8}",
        "operation", "rows", "total", "per row", "x floor"
    );
    for r in out {
        let per = r.took / (r.rows.max(1) as u32);
        let ratio = r
            .floor
            .map(|f| format!("{:.2}", r.took.as_secs_f64() / f.as_secs_f64()))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<44} {:>9} {:>12.3?} {:>12.3?} {:>8}",
            r.name, r.rows, r.took, per, ratio
        );
    }
}

async fn median<F, Fut>(runs: usize, mut f: F) -> (Duration, usize)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let start = Instant::now();
        rows = f().await;
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], rows)
}
