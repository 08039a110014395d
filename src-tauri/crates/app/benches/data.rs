//! Export/import benchmark (a plain binary, `cargo bench -p outpost-app --bench data`): 100,000
//! posts with one target each (scale with OUTPOST_BENCH_SCALE, e.g. 0.01 for a smoke run). Each
//! figure is printed with its ratio to the floor measured in the same run: a raw bulk insert of
//! the same rows into bare SQLite tables in one transaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use outpost_app::data::ImportOptions;
use outpost_app::{OpenOptions, Outpost, Paths};

const INSERT_POST: &str = "INSERT INTO posts (id, body, status, scheduled_at, time_zone, created_at, updated_at) VALUES (?1, ?2, 'scheduled', ?3, 'Europe/Berlin', ?4, ?4)";
const INSERT_TARGET: &str = "INSERT INTO post_targets (id, post_id, channel_id, caption, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)";

fn id(prefix: u32, n: usize) -> String {
    format!("0190{prefix:04x}-0000-7000-8000-{n:012x}")
}

async fn fill(pool: &sqlx::SqlitePool, posts: usize, channel: &str) {
    let mut tx = pool.begin().await.unwrap();
    for n in 0..posts {
        let t = 1_700_000_000_000i64 + n as i64 * 60_000;
        let body = format!("Post number {n}: launching something new today #outpost");
        sqlx::query(INSERT_POST)
            .bind(id(1, n))
            .bind(&body)
            .bind(t)
            .bind(t)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(INSERT_TARGET)
            .bind(id(2, n))
            .bind(id(1, n))
            .bind(channel)
            .bind("variant caption")
            .bind(t)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn floor(dir: &std::path::Path, posts: usize) -> Duration {
    use std::str::FromStr;
    let url = format!("sqlite://{}?mode=rwc", dir.join("floor.sqlite3").display());
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
        .unwrap()
        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE posts (id TEXT PRIMARY KEY, body TEXT, status TEXT, scheduled_at INTEGER, time_zone TEXT, created_at INTEGER, updated_at INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE post_targets (id TEXT PRIMARY KEY, post_id TEXT, channel_id TEXT, caption TEXT, created_at INTEGER, updated_at INTEGER)")
        .execute(&pool)
        .await
        .unwrap();
    let start = Instant::now();
    fill(&pool, posts, "c").await;
    let d = start.elapsed();
    pool.close().await;
    d
}

async fn open(dir: &std::path::Path) -> Outpost {
    let mut o = OpenOptions::new(Paths::resolve(Some(dir.to_path_buf())).unwrap());
    o.keychain_service = format!("app.outpost.bench.{}", uuid::Uuid::new_v4());
    Outpost::open(o).await.unwrap()
}

#[tokio::main]
async fn main() {
    let scale: f64 = std::env::var("OUTPOST_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let posts = ((100_000.0 * scale) as usize).max(1);
    let tmp = tempfile::tempdir().unwrap();

    let floor = floor(tmp.path(), posts).await;

    let src = open(&tmp.path().join("src")).await;
    sqlx::query("INSERT INTO channels (id, platform, platform_account_id, kind, created_at, updated_at) VALUES ('chan', 'x', 'acct', 'profile', 1, 1)")
        .execute(src.store().pool())
        .await
        .unwrap();
    fill(src.store().pool(), posts, "chan").await;

    let archive = tmp.path().join("export.zip");
    let start = Instant::now();
    let summary = src.export_archive(&archive, None).await.unwrap();
    let export = start.elapsed();

    let dst = open(&tmp.path().join("dst")).await;
    let start = Instant::now();
    dst.import_archive(&archive, &ImportOptions::default(), None)
        .await
        .unwrap();
    let import = start.elapsed();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64().max(1e-9);
    println!(
        "outpost data benchmark: {posts} posts with 1 target each ({} rows), archive {} bytes",
        posts * 2,
        summary.bytes
    );
    println!("{:<52} {:>12} {:>10}", "operation", "ms", "x floor");
    println!(
        "{:<52} {:>12.1} {:>10.2}",
        "floor: raw bulk insert into bare SQLite (1 tx)",
        ms(floor),
        1.0
    );
    println!(
        "{:<52} {:>12.1} {:>10.2}",
        "export (zip, all tables)",
        ms(export),
        ratio(export)
    );
    println!(
        "{:<52} {:>12.1} {:>10.2}",
        "import (validate + 1 tx + FTS triggers)",
        ms(import),
        ratio(import)
    );
    src.close().await;
    dst.close().await;
}
