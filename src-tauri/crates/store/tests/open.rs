#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Opening, pragmas, migrations, refusal of newer/corrupt files.

mod common;

use std::borrow::Cow;

use common::*;
use outpost_store::*;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

#[tokio::test]
async fn opens_from_empty_with_pragmas_in_effect() {
    let (_dir, store) = fresh().await;
    assert_eq!(
        store.schema_version().await.unwrap(),
        Store::latest_schema_version()
    );
    assert!(Store::schema_versions().len() >= 2);
    // Check on several pooled connections: every one must have the pragmas.
    let mut conns = Vec::new();
    for _ in 0..3 {
        let mut c = store.pool().acquire().await.unwrap();
        let jm: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(jm, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        let sd: i64 = sqlx::query_scalar("PRAGMA secure_delete")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(sd, 1);
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(sync, 1, "NORMAL");
        let bt: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *c)
            .await
            .unwrap();
        assert_eq!(bt, 5000);
        conns.push(c);
    }
    drop(conns);
    // Reopen is idempotent.
    let path = store.path().to_path_buf();
    store.close().await;
    let again = Store::open(&path).await.unwrap();
    assert_eq!(
        again.schema_version().await.unwrap(),
        Store::latest_schema_version()
    );
    Store::open_read_only_check(&path).await.unwrap();
    again.close().await;
}

/// Applies the first `n` embedded migrations only (an older app version's database).
async fn create_at_version(path: &std::path::Path, n: usize) {
    let all = sqlx::migrate!("./migrations");
    let subset = sqlx::migrate::Migrator {
        migrations: Cow::Owned(all.migrations[..n].to_vec()),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    subset.run(&mut conn).await.unwrap();
    // Data as that version would have written it (all versions include the initial schema).
    let q = [
        "INSERT INTO channels (id, platform, platform_account_id, kind, created_at, updated_at) VALUES ('c1','bluesky','did:plc:1','profile',1,1)",
        "INSERT INTO posts (id, body, status, scheduled_at, created_at, updated_at) VALUES ('p1','Legacy zebra announcement','scheduled',1000,1,1)",
        "INSERT INTO post_targets (id, post_id, channel_id, caption, created_at, updated_at) VALUES ('t1','p1','c1','giraffe variant',1,1)",
        "INSERT INTO publish_jobs (id, post_target_id, state, due_at, created_at, updated_at) VALUES ('j1','t1','scheduled',1000,1,1)",
        "INSERT INTO ideas (id, title, notes, created_at, updated_at) VALUES ('i1','Old idea','walrus notes',1,1)",
        "INSERT INTO templates (id, name, body, created_at, updated_at) VALUES ('tp1','Weekly','Hello {{name}} okapi',1,1)",
        "INSERT INTO settings (key, value, updated_at) VALUES ('tz','\"Europe/Berlin\"',1)",
        "INSERT INTO inbox_threads (id, channel_id, platform_thread_id, kind, created_at, updated_at) VALUES ('th1','c1','pt1','comments',1,1)",
        "INSERT INTO inbox_messages (id, thread_id, platform_message_id, text, kind, received_at, created_at) VALUES ('im1','th1','pm1','a quokka photo','comment',3000,1)",
        "INSERT INTO inbox_messages (id, thread_id, platform_message_id, text, kind, received_at, created_at) VALUES ('im2','th1','pm2','quokka again','comment',1000,1)",
        "INSERT INTO inbox_messages (id, thread_id, platform_message_id, text, kind, received_at, created_at) VALUES ('im3','th1','pm3','quokka third','comment',3000,1)",
    ];
    for sql in q {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

#[tokio::test]
async fn upgrades_from_every_earlier_version_keeping_data() {
    let versions = Store::schema_versions();
    for n in 1..=versions.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outpost.db");
        create_at_version(&path, n).await;
        let store = Store::open(&path).await.unwrap();
        assert_eq!(
            store.schema_version().await.unwrap(),
            Store::latest_schema_version(),
            "from version #{n}"
        );
        let p = posts::get(store.pool(), "p1").await.unwrap();
        assert_eq!(p.body, "Legacy zebra announcement");
        assert_eq!(
            jobs::get(store.pool(), "j1").await.unwrap().state,
            JobState::Scheduled
        );
        assert_eq!(
            settings::get(store.pool(), "tz").await.unwrap(),
            Some(serde_json::json!("Europe/Berlin"))
        );
        // Pre-existing rows are searchable after the upgrade (backfilled index), variants included.
        for (word, kind, id) in [
            ("zebra", SearchKind::Post, "p1"),
            ("giraffe", SearchKind::Post, "p1"),
            ("walrus", SearchKind::Idea, "i1"),
            ("okapi", SearchKind::Template, "tp1"),
        ] {
            let hits = search::search(store.pool(), word, 10).await.unwrap();
            assert_eq!(hits.len(), 1, "{word} from version #{n}");
            assert_eq!((hits[0].kind, hits[0].id.as_str()), (kind, id));
        }
        // Inbox items too, newest first (ties by id).
        let found: Vec<String> = inbox::messages::list(
            store.pool(),
            &inbox::messages::InboxFilter {
                search: Some("quok".into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.message.id)
        .collect();
        assert_eq!(found, ["im3", "im1", "im2"], "from version #{n}");
        activity::record(
            store.pool(),
            &activity::NewActivity {
                at: 5,
                platform: "x".into(),
                method: "GET".into(),
                host: "api.x.com".into(),
                path: "/2/users/me".into(),
                status: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        store.close().await;
    }
}

/// A database of the version before migration `version`, with a connection to write into it.
async fn just_before(
    version: i64,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    sqlx::SqliteConnection,
) {
    let n = Store::schema_versions()
        .iter()
        .position(|v| *v == version)
        .expect("a migration of that version");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    create_at_version(&path, n).await;
    let conn = SqliteConnectOptions::new()
        .filename(&path)
        .connect()
        .await
        .unwrap();
    (dir, path, conn)
}

/// The upgrade to `analytics_published` / `analytics_hours` fills them from the published jobs
/// and the snapshots already there.
#[tokio::test]
async fn upgrade_backfills_the_published_posts_and_their_hours() {
    let (_dir, path, mut conn) = just_before(20261211010000).await;
    for sql in [
        "UPDATE publish_jobs SET state = 'published', published_at = 7300000 WHERE id = 'j1'",
        "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES ('s1','c1','t1','likes',4,7400000)",
        "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES ('s2','c1','t1','reposts',2,7400000)",
        "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES ('s3','c1','t1','impressions',10,7400000)",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    let store = Store::open(&path).await.unwrap();
    type Published = (String, String, i64, Option<f64>, Option<f64>);
    let published: Vec<Published> = sqlx::query_as(
        "SELECT post_target_id, channel_id, published_at, engagement, impressions FROM analytics_published",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        published,
        [("t1".into(), "c1".into(), 7_300_000, Some(6.0), Some(10.0))]
    );
    let hours: Vec<(i64, String, i64, f64, f64, i64)> = sqlx::query_as(
        "SELECT hour, channel_id, posts, engagement, rate_sum, rates FROM analytics_hours",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(hours, [(2, "c1".into(), 1, 6.0, 0.6, 1)]);
    store.close().await;
}

/// The upgrade to a search index in received order re-keys the inbox items already stored:
/// by rowid they are in (received_at, id) order, the index holds each once, and a search and an
/// item stored afterwards find their places.
#[tokio::test]
async fn upgrade_puts_the_inbox_search_index_in_received_order() {
    let (_dir, path, mut conn) = just_before(20261212010000).await;
    // Stored in an order unlike their time, ten to a second, ids unlike the storing order.
    for i in 0..300_i64 {
        sqlx::query(
            "INSERT INTO inbox_messages (id, thread_id, platform_message_id, text, kind, received_at, created_at)
             VALUES (?1, 'th1', ?2, ?3, 'comment', ?4, 1)",
        )
        .bind(format!("x{:03}", (i * 7) % 300))
        .bind(format!("p{i}"))
        .bind(format!("wombat {i}"))
        .bind(10_000_000 + (i * 37) % 300 / 10 * 1000 + i % 4)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    conn.close().await.unwrap();
    let store = Store::open(&path).await.unwrap();
    let db = store.pool();
    let by_rowid: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT d.rowid, m.received_at, m.id FROM inbox_search_docs d
           JOIN inbox_messages m ON m.id = d.message_id ORDER BY d.rowid",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(by_rowid.len(), 303);
    let mut sorted = by_rowid.clone();
    sorted.sort_by(|a, b| (a.1, &a.2).cmp(&(b.1, &b.2)));
    assert_eq!(by_rowid, sorted);
    for (rowid, at, _) in &by_rowid {
        assert_eq!(rowid >> inbox::messages::SEARCH_SLOT_BITS, at / 1000);
    }
    let fts: Vec<i64> = sqlx::query_scalar("SELECT rowid FROM inbox_fts ORDER BY rowid")
        .fetch_all(db)
        .await
        .unwrap();
    assert_eq!(fts, by_rowid.iter().map(|r| r.0).collect::<Vec<_>>());
    let search = |word: &'static str| async move {
        inbox::messages::list(
            db,
            &inbox::messages::InboxFilter {
                search: Some(word.into()),
                ..Default::default()
            },
            5,
            8,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.message.id)
        .collect::<Vec<_>>()
    };
    let mut want: Vec<(i64, String)> = by_rowid
        .iter()
        .filter(|r| r.2.starts_with('x'))
        .map(|r| (r.1, r.2.clone()))
        .collect();
    want.sort_by(|a, b| b.cmp(a));
    let want: Vec<String> = want.into_iter().skip(8).take(5).map(|w| w.1).collect();
    assert_eq!(search("womb").await, want);
    // A new item of an existing second takes that second's next slot.
    sqlx::query(
        "INSERT INTO inbox_messages (id, thread_id, platform_message_id, text, kind, received_at, created_at)
         VALUES ('x999', 'th1', 'p999', 'late numbat', 'comment', 10005002, 1)",
    )
    .execute(db)
    .await
    .unwrap();
    let slots: Vec<i64> = sqlx::query_scalar(
        "SELECT d.rowid - (10005 << 20) FROM inbox_search_docs d JOIN inbox_messages m ON m.id = d.message_id
          WHERE m.received_at / 1000 = 10005 ORDER BY d.rowid",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(slots, (0..11).collect::<Vec<_>>());
    assert_eq!(
        search("numbat").await,
        Vec::<String>::new(),
        "page 2 is empty"
    );
    store.close().await;
}

#[tokio::test]
async fn refuses_a_newer_schema_and_leaves_the_file_untouched() {
    let (dir, store) = fresh().await;
    let path = store.path().to_path_buf();
    let newer = Store::latest_schema_version() + 1;
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (?1, 'future', 1, x'00', 0)")
        .bind(newer)
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert!(
        matches!(err, Error::SchemaTooNew { found, supported } if found == newer && supported == newer - 1),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer version of Outpost"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(matches!(
        Store::open_read_only_check(&path).await,
        Err(Error::SchemaTooNew { .. })
    ));
    drop(dir);
}

fn assert_corrupt_untouched(path: &std::path::Path, err: Error, before: &[u8]) {
    assert!(matches!(err, Error::Corrupt { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("damaged or is not an Outpost database"),
        "{err}"
    );
    assert_eq!(std::fs::read(path).unwrap(), before, "file bytes changed");
}

#[tokio::test]
async fn random_bytes_are_corrupt_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    let bytes: Vec<u8> = (0..10_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, &bytes);
    // A short text file too.
    std::fs::write(&path, b"hello").unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, b"hello");
}

async fn populated_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, store) = fresh().await;
    let ch = channel(1);
    channels::insert(store.pool(), &ch).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    for i in 0..2000 {
        let p = post(
            &format!(
                "post number {i} with some text to fill pages {}",
                "x".repeat(200)
            ),
            Some(T0 + i),
        );
        posts::insert(&mut *tx, &p).await.unwrap();
    }
    tx.commit().await.unwrap();
    let path = store.path().to_path_buf();
    store.close().await;
    (dir, path)
}

#[tokio::test]
async fn truncated_database_is_corrupt_and_untouched() {
    let (_dir, path) = populated_file().await;
    let full = std::fs::read(&path).unwrap();
    let truncated = full[..full.len() / 2].to_vec();
    std::fs::write(&path, &truncated).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, &truncated);
}

#[tokio::test]
async fn damaged_pages_are_corrupt_and_untouched() {
    let (_dir, path) = populated_file().await;
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    for b in &mut bytes[page * 3..page * 6] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, &bytes);
}

#[tokio::test]
async fn another_applications_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let mut conn = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    sqlx::query("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, &before);
}

#[tokio::test]
async fn unwritable_location_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"file").unwrap();
    let err = Store::open(&blocker.join("outpost.db")).await.unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot use the database"));
    let err = Store::open(dir.path()).await.unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
}

#[tokio::test]
async fn empty_file_is_initialised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outpost.db");
    std::fs::write(&path, b"").unwrap();
    let store = Store::open(&path).await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        Store::latest_schema_version()
    );
}

/// A file bigger than [`FULL_CHECK_MAX_BYTES`] gets the bounded check at open (start-up stays fast
/// however big the profile): it still opens when healthy and is still refused, untouched, when
/// truncated or its schema is damaged; `open_read_only_check` still checks every page.
#[tokio::test]
async fn a_big_file_gets_a_bounded_check_that_still_refuses_damage() {
    let (dir, store) = fresh().await;
    let mut tx = store.begin().await.unwrap();
    sqlx::query("CREATE TABLE filler (b BLOB)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let chunk = vec![0x5Au8; 1 << 20];
    for _ in 0..(FULL_CHECK_MAX_BYTES >> 20) + 2 {
        sqlx::query("INSERT INTO filler (b) VALUES (?1)")
            .bind(&chunk)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let path = store.path().to_path_buf();
    store.close().await;
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() as u64 > FULL_CHECK_MAX_BYTES);
    Store::open(&path).await.unwrap().close().await;
    let full = std::fs::read(&path).unwrap();

    // Damage deep inside a big table is beyond the bounded check; the full one (doctor) finds it.
    let mut deep = full.clone();
    let at = full.len() / 2;
    for b in &mut deep[at..at + 4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &deep).unwrap();
    assert!(Store::open_read_only_check(&path).await.is_err());

    // Truncated: refused at open, untouched.
    let truncated = full[..full.len() - 8 * 4096].to_vec();
    std::fs::write(&path, &truncated).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, &truncated);

    // The schema's pages damaged: refused at open, untouched.
    let mut schema = full.clone();
    for b in &mut schema[100..4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &schema).unwrap();
    let err = Store::open(&path).await.unwrap_err();
    assert_corrupt_untouched(&path, err, &schema);
    drop(dir);
}
