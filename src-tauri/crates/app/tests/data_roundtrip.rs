//! Export → import into a fresh data dir → export again gives the same content; secrets never
//! appear in an archive; every table is exported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data_support;

use std::sync::Mutex;

use data_support::*;
use outpost_app::data::{DataProgress, EXCLUDED_TABLES, ImportOptions, Manifest};

#[tokio::test]
async fn export_import_export_is_identical_and_secret_free() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = open(&tmp.path().join("a")).await;
    let seeded = seed(&a).await;

    let first = tmp.path().join("first.zip");
    let seen = Mutex::new(Vec::<DataProgress>::new());
    let record = |p: &DataProgress| seen.lock().unwrap().push(*p);
    let summary = a.export_archive(&first, Some(&record)).await.unwrap();
    assert_eq!(summary.media_files, 3);
    assert_eq!(summary.bytes, std::fs::metadata(&first).unwrap().len());
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!(last.entities_done, last.entities_total, "{last:?}");
    assert_eq!(last.bytes_done, last.bytes_total);
    // No temporary file is left next to the archive.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // Every table except the excluded ones is in the manifest, each with rows (the seed covers all).
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .fetch_all(a.store().pool())
    .await
    .unwrap();
    let entries1 = entries(&first);
    let manifest: Manifest = serde_json::from_slice(
        &entries1
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    for t in &tables {
        let fts_shadow = t.starts_with("search_fts_") || t.starts_with("inbox_fts_");
        if EXCLUDED_TABLES.contains(&t.as_str()) || fts_shadow {
            assert!(!manifest.counts.contains_key(t), "{t} must not be exported");
            continue;
        }
        assert!(
            manifest.counts.get(t).copied().unwrap_or(0) > 0,
            "table {t} is not exported or not seeded"
        );
        assert!(
            entries1.iter().any(|(n, _)| n == &format!("data/{t}.json")),
            "{t}"
        );
    }
    assert_eq!(manifest.format, "outpost-export");
    assert_eq!(manifest.format_version, 1);
    assert_eq!(manifest.media.len(), 3);

    // Secrets never appear in the archive bytes (raw zip nor inflated entries).
    let raw = std::fs::read(&first).unwrap();
    let mut all = raw.clone();
    for (_, b) in &entries1 {
        all.extend_from_slice(b);
    }
    for needle in [TOKEN.as_bytes(), CLIENT_SECRET.as_bytes()] {
        assert!(!contains(&all, needle));
    }
    for c in &seeded.ciphertexts {
        assert!(!contains(&all, c));
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(c);
        assert!(!contains(&all, b64.as_bytes()));
    }
    assert!(!entries1.iter().any(|(n, _)| n.contains("sealed_secrets")));

    // Import into a fresh profile.
    let (b, _) = open(&tmp.path().join("b")).await;
    let imported = b
        .import_archive(&first, &ImportOptions::default(), None)
        .await
        .unwrap();
    assert_eq!(imported.counts, summary.counts);
    assert_eq!(imported.media_files, 3);
    assert_eq!(
        std::fs::read(b.paths().media_dir().join("2026/01/photo.png")).unwrap(),
        std::fs::read(&seeded.media_file).unwrap()
    );
    let status: Vec<String> = sqlx::query_scalar("SELECT status FROM channels ORDER BY id")
        .fetch_all(b.store().pool())
        .await
        .unwrap();
    assert_eq!(status, ["reconnect_needed", "reconnect_needed"]);
    let secrets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sealed_secrets")
        .fetch_one(b.store().pool())
        .await
        .unwrap();
    assert_eq!(secrets, 0);
    // Search works on imported rows (the index was rebuilt by the store's triggers), variants included.
    for q in ["zebra", "narwhal", "okapi", "variant"] {
        let hits = outpost_store::search::search(b.store().pool(), q, 10).await;
        let hits = hits.unwrap_or_else(|e| panic!("search {q}: {e}"));
        assert!(
            !hits.is_empty(),
            "search for {q} finds nothing after import"
        );
    }
    // The latest-value table (derived, not exported) was rebuilt by the snapshots' trigger as the
    // imported snapshots went in: the same rows as the exporting profile's.
    let latest = "SELECT channel_id, post_target_id, metric, value, captured_at FROM analytics_latest ORDER BY channel_id, post_target_id, metric";
    let rows_a: Vec<(String, Option<String>, String, f64, i64)> = sqlx::query_as(latest)
        .fetch_all(a.store().pool())
        .await
        .unwrap();
    let rows_b: Vec<(String, Option<String>, String, f64, i64)> = sqlx::query_as(latest)
        .fetch_all(b.store().pool())
        .await
        .unwrap();
    assert_eq!(rows_a.len(), 2, "{rows_a:?}");
    assert_eq!(rows_a, rows_b);
    let totals = "SELECT post_target_id, engagement, likes FROM analytics_post_totals ORDER BY post_target_id";
    let totals_a: Vec<(String, Option<f64>, Option<f64>)> = sqlx::query_as(totals)
        .fetch_all(a.store().pool())
        .await
        .unwrap();
    let totals_b: Vec<(String, Option<f64>, Option<f64>)> = sqlx::query_as(totals)
        .fetch_all(b.store().pool())
        .await
        .unwrap();
    assert_eq!(totals_a.len(), 1, "{totals_a:?}");
    assert_eq!(totals_a, totals_b);
    // So were each published post's row and the hourly sums (the jobs' and totals' triggers).
    let published = "SELECT post_target_id, channel_id, published_at, engagement FROM analytics_published ORDER BY post_target_id";
    let published_a: Vec<(String, String, i64, Option<f64>)> = sqlx::query_as(published)
        .fetch_all(a.store().pool())
        .await
        .unwrap();
    let published_b: Vec<(String, String, i64, Option<f64>)> = sqlx::query_as(published)
        .fetch_all(b.store().pool())
        .await
        .unwrap();
    assert_eq!(published_a.len(), 1, "{published_a:?}");
    assert_eq!(published_a, published_b);
    let hours =
        "SELECT hour, channel_id, posts, engagement FROM analytics_hours ORDER BY hour, channel_id";
    let hours_a: Vec<(i64, String, i64, f64)> = sqlx::query_as(hours)
        .fetch_all(a.store().pool())
        .await
        .unwrap();
    let hours_b: Vec<(i64, String, i64, f64)> = sqlx::query_as(hours)
        .fetch_all(b.store().pool())
        .await
        .unwrap();
    assert_eq!(hours_a.len(), 1, "{hours_a:?}");
    assert_eq!(hours_a, hours_b);
    // Leftover staging folder: none.
    assert!(
        !std::fs::read_dir(b.paths().data_dir())
            .unwrap()
            .flatten()
            .any(|e| e
                .file_name()
                .to_string_lossy()
                .starts_with(".import-staging"))
    );

    // Export again: identical entries except the manifest's created_at.
    let second = tmp.path().join("second.zip");
    b.export_archive(&second, None).await.unwrap();
    let entries2 = entries(&second);
    assert_eq!(entries1.len(), entries2.len());
    for ((n1, b1), (n2, b2)) in entries1.iter().zip(&entries2) {
        assert_eq!(n1, n2);
        if n1 == "manifest.json" {
            let mut m1: serde_json::Value = serde_json::from_slice(b1).unwrap();
            let mut m2: serde_json::Value = serde_json::from_slice(b2).unwrap();
            m1["created_at"] = serde_json::Value::Null;
            m2["created_at"] = serde_json::Value::Null;
            assert_eq!(m1, m2);
        } else {
            assert!(b1 == b2, "{n1} differs after the round trip");
        }
    }
    // A second import into a profile that now holds data is refused.
    let err = b
        .import_archive(&first, &ImportOptions::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), outpost_app::ErrorCode::ProfileNotEmpty, "{err}");
}

#[tokio::test]
async fn export_overwrites_the_target_only_when_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = open(&tmp.path().join("a")).await;
    let out = tmp.path().join("out.zip");
    std::fs::write(&out, b"previous").unwrap();
    // A missing media file (referenced by the library) is reported, not fatal.
    sqlx::query("INSERT INTO media_assets (id, file_path, mime, bytes, sha256, created_at, updated_at) VALUES ('m1', 'gone.png', 'image/png', 1, 'x', 1, 1)")
        .execute(a.store().pool())
        .await
        .unwrap();
    a.export_archive(&out, None).await.unwrap();
    let e = entries(&out);
    let manifest: Manifest =
        serde_json::from_slice(&e.iter().find(|(n, _)| n == "manifest.json").unwrap().1).unwrap();
    assert_eq!(manifest.missing_media, ["gone.png"]);
    // A target in a folder that does not exist fails and writes nothing.
    let err = a
        .export_archive(&tmp.path().join("nope/out.zip"), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}
