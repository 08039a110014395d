//! Bad archives: each gives a clear error and leaves the profile (rows and media folder) unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data_support;

use std::path::{Path, PathBuf};

use data_support::*;
use outpost_app::data::ImportOptions;
use outpost_app::{ErrorCode, Outpost};

struct Fixture {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    good: Vec<(String, Vec<u8>)>,
    target: Outpost,
}

async fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = open(&tmp.path().join("source")).await;
    seed(&a).await;
    let archive = tmp.path().join("good.zip");
    a.export_archive(&archive, None).await.unwrap();
    let (target, _) = open(&tmp.path().join("target")).await;
    Fixture {
        dir: tmp.path().to_path_buf(),
        good: entries(&archive),
        _tmp: tmp,
        target,
    }
}

fn edit_manifest(entries: &mut [(String, Vec<u8>)], f: impl FnOnce(&mut serde_json::Value)) {
    let m = entries
        .iter_mut()
        .find(|(n, _)| n == "manifest.json")
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&m.1).unwrap();
    f(&mut v);
    m.1 = serde_json::to_vec(&v).unwrap();
}

fn edit_table(
    entries: &mut [(String, Vec<u8>)],
    table: &str,
    f: impl FnOnce(&mut Vec<serde_json::Value>),
) {
    let name = format!("data/{table}.json");
    let e = entries.iter_mut().find(|(n, _)| *n == name).unwrap();
    let mut rows: Vec<serde_json::Value> = serde_json::from_slice(&e.1).unwrap();
    f(&mut rows);
    e.1 = serde_json::to_vec(&rows).unwrap();
}

/// Imports `archive`, expects an error whose message contains `expect`, and checks nothing changed.
async fn rejected(
    fx: &Fixture,
    archive: &Path,
    options: &ImportOptions,
    expect: &str,
) -> outpost_app::Error {
    let before = snapshot(&fx.target).await;
    let err = fx
        .target
        .import_archive(archive, options, None)
        .await
        .expect_err("the bad archive was imported");
    let msg = err.to_string();
    assert!(
        msg.to_lowercase().contains(&expect.to_lowercase()),
        "error {msg:?} does not mention {expect:?}"
    );
    assert!(!msg.contains('\n'), "one-line error: {msg:?}");
    assert_eq!(
        snapshot(&fx.target).await,
        before,
        "the profile changed after: {msg}"
    );
    assert!(
        before
            .0
            .iter()
            .all(|(t, n)| *n == 0 || t == "_sqlx_migrations")
            && before.1.is_empty(),
        "{before:?}"
    );
    let staging = std::fs::read_dir(fx.target.paths().data_dir())
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".import-staging")
        });
    assert!(!staging, "a staging folder was left behind");
    err
}

async fn rejected_entries(
    fx: &Fixture,
    entries: &[(String, Vec<u8>)],
    expect: &str,
) -> outpost_app::Error {
    let path = fx.dir.join(format!("bad-{}.zip", uuid::Uuid::new_v4()));
    write_zip(&path, entries);
    rejected(fx, &path, &ImportOptions::default(), expect).await
}

#[tokio::test]
async fn bad_archives_are_refused_and_change_nothing() {
    let fx = fixture().await;
    let opts = ImportOptions::default();

    // The untouched archive imports (proves the fixture is valid); done at the end on a clean profile.
    let good = fx.dir.join("good.zip");

    // Not a zip / truncated.
    let p = fx.dir.join("not.zip");
    std::fs::write(&p, b"this is not a zip file at all").unwrap();
    let e = rejected(&fx, &p, &opts, "not a readable zip").await;
    assert_eq!(e.code(), ErrorCode::InvalidArchive);
    let bytes = std::fs::read(&good).unwrap();
    let p = fx.dir.join("truncated.zip");
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    rejected(&fx, &p, &opts, "truncated").await;
    let e = fx
        .target
        .import_archive(&fx.dir.join("missing.zip"), &opts, None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("missing.zip"), "{e}");

    // Missing manifest.
    let mut e = fx.good.clone();
    e.retain(|(n, _)| n != "manifest.json");
    rejected_entries(&fx, &e, "no manifest.json").await;

    // Wrong format name / version.
    let mut e = fx.good.clone();
    edit_manifest(&mut e, |m| m["format"] = "someone-else".into());
    rejected_entries(&fx, &e, "someone-else").await;
    let mut e = fx.good.clone();
    edit_manifest(&mut e, |m| m["format_version"] = 2.into());
    rejected_entries(&fx, &e, "format version is 2").await;
    let mut e = fx.good.clone();
    edit_manifest(&mut e, |m| m["counts"] = "oops".into());
    rejected_entries(&fx, &e, "not a valid manifest").await;

    // Newer schema.
    let mut e = fx.good.clone();
    let newer = outpost_store::Store::latest_schema_version() + 1;
    edit_manifest(&mut e, |m| m["schema_version"] = newer.into());
    let err = rejected_entries(&fx, &e, "newer Outpost").await;
    assert_eq!(err.code(), ErrorCode::ArchiveTooNew);

    // Duplicate ids.
    let mut e = fx.good.clone();
    edit_table(&mut e, "posts", |rows| rows.push(rows[0].clone()));
    edit_manifest(&mut e, |m| m["counts"]["posts"] = 3.into());
    rejected_entries(&fx, &e, "duplicate").await;

    // Counts mismatch.
    let mut e = fx.good.clone();
    edit_manifest(&mut e, |m| m["counts"]["posts"] = 7.into());
    rejected_entries(&fx, &e, "manifest says 7").await;
    let mut e = fx.good.clone();
    edit_manifest(&mut e, |m| {
        m["counts"].as_object_mut().unwrap().remove("tags");
    });
    rejected_entries(&fx, &e, "do not match").await;

    // Unknown column / unknown table / corrupt JSON / bad values.
    let mut e = fx.good.clone();
    edit_table(&mut e, "posts", |rows| {
        rows[1]["password\"; DROP TABLE posts; --"] = "x".into()
    });
    rejected_entries(&fx, &e, "which the table posts does not have").await;
    let mut e = fx.good.clone();
    e.push(("data/evil_table.json".into(), b"[]".to_vec()));
    edit_manifest(&mut e, |m| m["counts"]["evil_table"] = 0.into());
    rejected_entries(&fx, &e, "evil_table").await;
    let mut e = fx.good.clone();
    e.push(("data/sealed_secrets.json".into(), b"[]".to_vec()));
    edit_manifest(&mut e, |m| m["counts"]["sealed_secrets"] = 0.into());
    rejected_entries(&fx, &e, "sealed_secrets").await;
    let mut e = fx.good.clone();
    e.iter_mut()
        .find(|(n, _)| n == "data/posts.json")
        .unwrap()
        .1 = b"[{\"id\": \"abc\", ".to_vec();
    rejected_entries(&fx, &e, "data/posts.json is not valid JSON").await;
    let mut e = fx.good.clone();
    edit_table(&mut e, "post_targets", |rows| {
        rows[0]["channel_id"] = "no-such-channel".into()
    });
    rejected_entries(&fx, &e, "not in the archive").await;

    // Unsafe entry names.
    for name in [
        "../evil.txt",
        "/etc/evil",
        "media/../../evil",
        "C:/evil",
        "media\\evil",
        "media/./x",
        "extra.txt",
    ] {
        let mut e = fx.good.clone();
        e.push((name.to_string(), b"x".to_vec()));
        let err = rejected_entries(&fx, &e, "").await;
        assert_eq!(err.code(), ErrorCode::InvalidArchive, "{name}: {err}");
    }
    // Media not matching the manifest.
    let mut e = fx.good.clone();
    let m = e
        .iter_mut()
        .find(|(n, _)| n == "media/2026/01/photo.thumb.png")
        .unwrap();
    m.1 = b"THUMB".to_vec();
    rejected_entries(&fx, &e, "SHA-256").await;
    let mut e = fx.good.clone();
    e.push(("media/undeclared.bin".into(), b"x".to_vec()));
    rejected_entries(&fx, &e, "not listed in the manifest").await;

    // An archive declaring gigabytes: patch every central-directory entry's uncompressed size.
    let mut bytes = std::fs::read(&good).unwrap();
    patch_sizes(&mut bytes, |_| Some(0xF000_0000));
    let p = fx.dir.join("huge.zip");
    std::fs::write(&p, &bytes).unwrap();
    rejected(&fx, &p, &opts, "declare").await;
    rejected(
        &fx,
        &good,
        &ImportOptions {
            max_uncompressed_bytes: 1000,
        },
        "more than the 1000 allowed",
    )
    .await;

    // A header that lies low: the entry inflates to more than it declares.
    let mut bytes = std::fs::read(&good).unwrap();
    patch_sizes(&mut bytes, |name| {
        if name == "data/posts.json" {
            Some(10)
        } else {
            None
        }
    });
    let p = fx.dir.join("liar.zip");
    std::fs::write(&p, &bytes).unwrap();
    rejected(&fx, &p, &opts, "data/posts.json").await;

    // Finally, the good archive imports into the same (still empty) profile.
    fx.target.import_archive(&good, &opts, None).await.unwrap();
}

/// Sets the uncompressed size (central directory) of entries; `f` gives the new size by name.
fn patch_sizes(bytes: &mut [u8], f: impl Fn(&str) -> Option<u32>) {
    let sig = [0x50, 0x4b, 0x01, 0x02];
    let mut i = 0;
    while i + 46 <= bytes.len() {
        if bytes[i..i + 4] == sig {
            let name_len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
            let name = String::from_utf8_lossy(&bytes[i + 46..i + 46 + name_len]).into_owned();
            if let Some(size) = f(&name) {
                bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
            i += 46 + name_len;
        } else {
            i += 1;
        }
    }
}

#[tokio::test]
async fn import_into_a_profile_with_data_is_refused() {
    let fx = fixture().await;
    let good = fx.dir.join("good.zip");
    sqlx::query("INSERT INTO tags (id, name, created_at) VALUES ('t', 'mine', 1)")
        .execute(fx.target.store().pool())
        .await
        .unwrap();
    let before = snapshot(&fx.target).await;
    let err = fx
        .target
        .import_archive(&good, &ImportOptions::default(), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::ProfileNotEmpty);
    assert!(err.to_string().contains("tags: 1"), "{err}");
    assert_eq!(snapshot(&fx.target).await, before);
}

#[tokio::test]
async fn import_after_onboarding_keeps_its_consent_records() {
    // A fresh install's onboarding records consents before the user imports their archive: those
    // rows do not make the profile "not empty", and they stay beside the archive's.
    let fx = fixture().await;
    let good = fx.dir.join("good.zip");
    fx.target.finish_onboarding(true).await.unwrap();
    fx.target
        .import_archive(&good, &ImportOptions::default(), None)
        .await
        .unwrap();
    let kinds: Vec<_> = fx
        .target
        .consent_records()
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, c.given_where))
        .collect();
    assert!(
        kinds.contains(&("privacy_statement".into(), "onboarding".into()))
            && kinds.contains(&("update_checks".into(), "onboarding".into())),
        "{kinds:?}"
    );
}
