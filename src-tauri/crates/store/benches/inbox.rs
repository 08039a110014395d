//! Inbox benchmark (plain binary, `cargo bench -p outpost-store --bench inbox`): the inbox list
//! page and its full-text search at 100,000 items. Every figure is the median time of ONE call,
//! printed next to a floor measured in the same run on the same file — a bare indexed scan of the
//! newest 100 rows for a list page, a bare FTS5 `MATCH … LIMIT 100` for a search — and the ratio.
//!
//! `OUTPOST_BENCH_ITEMS` sets the number of items (default 100,000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::time::{Duration, Instant};

use outpost_store::inbox::{messages, threads};
use outpost_store::*;
use support::median;

const T0: i64 = 1_790_000_000_000;
const PAGE: i64 = 100;

const WORDS: &[&str] = &[
    "love", "coffee", "roast", "order", "broken", "shipping", "thanks", "great", "when", "open",
    "price", "bag", "beans", "espresso", "late", "refund", "amazing", "terrible", "question",
    "sunday", "morning", "cup", "flavour", "staff", "friendly",
];

/// An item's text: eight words picked by its number (every word is common), one in 5,000 items
/// also says "axolotl" (a rare word).
fn text(i: usize) -> String {
    let mut w: Vec<&str> = (0..8)
        .map(|k| WORDS[(i * 7 + k * 13 + i / 3) % WORDS.len()])
        .collect();
    if i.is_multiple_of(5000) {
        w.push("axolotl");
    }
    w.join(" ")
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::var("OUTPOST_BENCH_ITEMS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.db")).await.unwrap();
    let db = store.pool();

    // Two channels, 1,000 conversations, `n` items (a third done, a quarter read, sentiments mixed).
    let mut channel_ids = Vec::new();
    for k in 0..2 {
        let c = channels::Channel {
            id: new_id(),
            platform: Platform::Mastodon,
            platform_account_id: format!("acct-{k}"),
            kind: ChannelKind::Profile,
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        };
        channels::insert(db, &c).await.unwrap();
        channel_ids.push(c.id);
    }
    let mut thread_ids = Vec::new();
    for t in 0..1000 {
        let th = threads::InboxThread {
            id: new_id(),
            channel_id: channel_ids[t % 2].clone(),
            platform_thread_id: format!("thread-{t}"),
            kind: ThreadKind::Comments,
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        };
        threads::insert(db, &th).await.unwrap();
        thread_ids.push(th.id);
    }
    let sentiments = [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative];
    let rows: Vec<messages::InboxMessage> = (0..n)
        .map(|i| messages::InboxMessage {
            id: new_id(),
            thread_id: thread_ids[i % thread_ids.len()].clone(),
            platform_message_id: format!("m{i}"),
            author_name: format!("Person {}", i % 3000),
            author_handle: format!("person{}@x.example", i % 3000),
            text: text(i),
            kind: MessageKind::Comment,
            sentiment: Some(sentiments[i % 3]),
            sentiment_source: Some(SentimentSource::Local),
            is_done: i.is_multiple_of(3),
            is_read: i.is_multiple_of(4),
            received_at: T0 + i as i64 * 60_000,
            created_at: T0,
            ..Default::default()
        })
        .collect();
    let start = Instant::now();
    let mut conn = db.acquire().await.unwrap();
    sqlx_begin(&mut conn).await;
    messages::insert_many(&mut conn, &rows).await.unwrap();
    sqlx_commit(&mut conn).await;
    drop(conn);
    let seeded = start.elapsed();
    println!(
        "inbox benchmark: {n} items, seeded (with the search index) in {:.1} s",
        seeded.as_secs_f64()
    );
    println!(
        "{:<48} {:>6} {:>10} {:>10} {:>7}",
        "operation", "rows", "one call", "floor", "x floor"
    );

    // List pages. Floor: the newest 100 rows through the received_at index, nothing joined.
    let (list_floor, _) = median(21, || async {
        sqlx_ids(
            db,
            "SELECT id FROM inbox_messages INDEXED BY inbox_messages_newest ORDER BY received_at DESC, id DESC LIMIT 100",
        )
        .await
    })
    .await;
    for (label, f) in [
        ("list page: open items", messages::InboxFilter::default()),
        (
            "list page: open + negative",
            messages::InboxFilter {
                sentiment: Some(Sentiment::Negative),
                ..Default::default()
            },
        ),
        (
            "list page: unread, one channel",
            messages::InboxFilter {
                state: Some(messages::InboxState::Unread),
                channel_id: Some(channel_ids[0].clone()),
                ..Default::default()
            },
        ),
    ] {
        let (t, rows) = median(21, || async {
            messages::list(db, &f, PAGE, 0).await.unwrap().len()
        })
        .await;
        row(label, rows, t, list_floor);
    }

    // Searches. Floor: a bare FTS5 MATCH of the same query, LIMIT 100.
    let unread_one_channel = messages::InboxFilter {
        state: Some(messages::InboxState::Unread),
        channel_id: Some(channel_ids[0].clone()),
        ..Default::default()
    };
    let negative = messages::InboxFilter {
        sentiment: Some(Sentiment::Negative),
        ..Default::default()
    };
    let all = messages::InboxFilter::default;
    for (label, words, filter, limit, offset) in [
        ("search: a rare word", "axolotl", all(), PAGE, 0),
        ("search: a common word", "coffee", all(), PAGE, 0),
        ("search: 2 common words", "great staff", all(), PAGE, 0),
        ("search: one letter typed", "c", all(), PAGE, 0),
        ("search: 3 letters typed", "cof", all(), PAGE, 0),
        ("search: an author", "person42", all(), PAGE, 0),
        (
            "search: common word, unread, 1 channel",
            "coffee",
            unread_one_channel,
            PAGE,
            0,
        ),
        ("search: common word, negative", "coffee", negative, PAGE, 0),
        (
            "search: common word, 200 (the inbox page's)",
            "coffee",
            all(),
            200,
            0,
        ),
        (
            "search: common word, offset 1000",
            "coffee",
            all(),
            PAGE,
            1000,
        ),
    ] {
        let fts = search::fts_query(words).unwrap();
        let (floor, _) = median(21, || async { sqlx_count_match(db, &fts).await }).await;
        // Sorting newest first needs every match: FTS5's own walk of all of them is printed too.
        let (walk, matches) = median(21, || async { sqlx_walk(db, &fts).await }).await;
        row(
            &format!("  floor: FTS5 walk of every match ({words})"),
            matches,
            walk,
            floor,
        );
        let f = messages::InboxFilter {
            search: Some(words.into()),
            ..filter
        };
        let (t, rows) = median(21, || async {
            messages::list(db, &f, limit, offset).await.unwrap().len()
        })
        .await;
        row(label, rows, t, floor);
    }

    // The upgrade that put the search index in received order (migration 20261212010000), run
    // again on this file: it drops and rebuilds the index of every item (the trigger
    // and the view it adds go first, as they were not there before).
    let mut conn = db.acquire().await.unwrap();
    let start = Instant::now();
    sqlx_begin(&mut conn).await;
    sqlx::raw_sql("DROP TRIGGER inbox_fts_ar; DROP VIEW inbox_search_put")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::raw_sql(include_str!(
        "../migrations/20261212010000_inbox_fts_received_order.sql"
    ))
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx_commit(&mut conn).await;
    println!(
        "upgrade 20261212010000 (re-key the search index of {n} items): {:.2} s",
        start.elapsed().as_secs_f64()
    );
}

fn row(label: &str, rows: usize, t: Duration, floor: Duration) {
    println!(
        "{:<48} {:>6} {:>10} {:>10} {:>6.1}x",
        label,
        rows,
        ms(t),
        ms(floor),
        t.as_secs_f64() / floor.as_secs_f64().max(1e-9)
    );
}

async fn sqlx_begin(conn: &mut sqlx::SqliteConnection) {
    sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
}

async fn sqlx_commit(conn: &mut sqlx::SqliteConnection) {
    sqlx::query("COMMIT").execute(&mut *conn).await.unwrap();
}

async fn sqlx_ids(db: &sqlx::SqlitePool, sql: &str) -> usize {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(db)
        .await
        .unwrap()
        .len()
}

async fn sqlx_count_match(db: &sqlx::SqlitePool, fts: &str) -> usize {
    sqlx::query_scalar::<_, i64>("SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ?1 LIMIT 100")
        .bind(fts)
        .fetch_all(db)
        .await
        .unwrap()
        .len()
}

async fn sqlx_walk(db: &sqlx::SqlitePool, fts: &str) -> usize {
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM inbox_fts WHERE inbox_fts MATCH ?1")
        .bind(fts)
        .fetch_one(db)
        .await
        .unwrap() as usize
}
