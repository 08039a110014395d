//! `outpost export`, `import` and `delete-all` through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn outpost(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpost"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("OUTPOST_VAULT_PASSPHRASE")
        .output()
        .expect("run outpost")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "failed: {}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

/// A one-line `outpost: …` error and a non-zero exit.
fn assert_fails(o: &Output, mentions: &str) {
    assert!(!o.status.success());
    let err = stderr(o);
    assert!(err.starts_with("outpost: "), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(mentions), "{err} lacks {mentions}");
}

#[test]
fn export_import_and_delete_all() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    // Create the profile, then give it a media file (the CLI has no media import yet).
    assert!(outpost(&a, &["doctor"]).status.code().is_some());
    let archive = tmp.path().join("export.zip");

    let v = json(&outpost(
        &a,
        &["--json", "export", "--out", archive.to_str().unwrap()],
    ));
    assert_eq!(v["path"], archive.display().to_string());
    assert!(v["counts"]["posts"].is_u64(), "{v}");
    assert!(v["counts"].get("sealed_secrets").is_none());
    assert_eq!(v["media_files"], 0);
    assert_eq!(v["bytes"], std::fs::metadata(&archive).unwrap().len());

    let text = outpost(&a, &["export", "--out", archive.to_str().unwrap()]);
    assert!(text.status.success());
    assert!(stdout(&text).contains(&archive.display().to_string()));

    let b = tmp.path().join("b");
    let v = json(&outpost(
        &b,
        &["--json", "import", archive.to_str().unwrap()],
    ));
    assert!(v["counts"].is_object(), "{v}");
    assert_eq!(v["media_files"], 0);

    // Bad input: a non-zip file; a missing file.
    let junk = tmp.path().join("junk.zip");
    std::fs::write(&junk, b"junk").unwrap();
    assert_fails(
        &outpost(&tmp.path().join("c"), &["import", junk.to_str().unwrap()]),
        "not a readable zip",
    );
    assert_fails(
        &outpost(&tmp.path().join("c"), &["import", "/nonexistent/x.zip"]),
        "x.zip",
    );
    // Export into a folder that does not exist.
    assert_fails(
        &outpost(&a, &["export", "--out", "/nonexistent/dir/x.zip"]),
        "nonexistent",
    );

    // delete-all refuses without --yes and deletes nothing.
    assert_fails(&outpost(&b, &["delete-all"]), "--yes");
    let v = json(&outpost(&b, &["--json", "delete-all", "--yes"]));
    assert_eq!(v["deleted"], true);
    assert!(v["revocation"].as_array().unwrap().is_empty());
    // The profile is empty again: importing works once more.
    json(&outpost(
        &b,
        &["--json", "import", archive.to_str().unwrap()],
    ));
    let text = outpost(&b, &["delete-all", "--yes"]);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(stdout(&text).contains("All data deleted"));
    assert_eq!(std::fs::read_dir(b.join("logs")).unwrap().count(), 0);
}

#[test]
fn analytics_report_writes_the_same_pdf_twice_and_refuses_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("profile");
    let (a, b) = (tmp.path().join("a.pdf"), tmp.path().join("b.pdf"));
    let range = ["--from", "2026-11-01", "--to", "2026-11-30"];
    let mut args = vec![
        "--json",
        "analytics",
        "report",
        "--out",
        a.to_str().unwrap(),
    ];
    args.extend(range);
    let v = json(&outpost(&dir, &args));
    assert_eq!(v["path"], a.display().to_string());
    assert_eq!(
        (v["from"].as_str(), v["to"].as_str()),
        (Some("2026-11-01"), Some("2026-11-30"))
    );
    assert_eq!(v["posts"], 0);
    let pdf = std::fs::read(&a).unwrap();
    assert_eq!(v["bytes"], pdf.len());
    assert!(pdf.starts_with(b"%PDF-"));

    let mut args = vec!["analytics", "report", "--out", b.to_str().unwrap()];
    args.extend(range);
    let text = outpost(&dir, &args);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(
        stdout(&text).contains("2026-11-01 to 2026-11-30"),
        "{}",
        stdout(&text)
    );
    assert_eq!(std::fs::read(&b).unwrap(), pdf, "the same report differs");

    let c = tmp.path().join("c.pdf");
    let c = c.to_str().unwrap();
    assert_fails(
        &outpost(
            &dir,
            &[
                "analytics",
                "report",
                "--out",
                c,
                "--from",
                "2026-11-30",
                "--to",
                "2026-11-01",
            ],
        ),
        "--from must be before --to",
    );
    assert_fails(
        &outpost(
            &dir,
            &["analytics", "report", "--out", c, "--channel", "nope"],
        ),
        "nope",
    );
    let missing = tmp.path().join("no/such/dir/r.pdf");
    assert_fails(
        &outpost(
            &dir,
            &["analytics", "report", "--out", missing.to_str().unwrap()],
        ),
        "does not exist",
    );
    assert!(!Path::new(c).exists());
}

/// Gives every published post of the profile `likes` (a spread of values) straight in SQLite.
fn give_likes(dir: &Path) {
    let db = dir.join("outpost.sqlite3");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&db);
            let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
            sqlx::query(
                "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at)
                 SELECT 'likes-' || t.id, t.channel_id, t.id, 'likes',
                        (SELECT COUNT(*) FROM post_targets t2 WHERE t2.id < t.id) % 23, 1
                   FROM post_targets t JOIN publish_jobs j ON j.post_target_id = t.id
                  WHERE j.state = 'published'",
            )
            .execute(&pool)
            .await
            .unwrap();
            pool.close().await;
        });
}

fn likes(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["metrics"]["likes"].as_f64().unwrap())
        .collect()
}

#[test]
fn analytics_posts_sorts_pages_and_lists_each_channels_best() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("profile");
    json(&outpost(&dir, &["--json", "demo", "seed", "--posts", "60"]));
    give_likes(&dir);
    let all = json(&outpost(&dir, &["--json", "analytics", "posts"]));
    let n = all.as_array().unwrap().len();
    assert!(n > 6, "{n} published demo posts");

    let page = |args: &[&str]| {
        let mut a = vec!["--json", "analytics", "posts"];
        a.extend(args);
        json(&outpost(&dir, &a))
    };
    let first = likes(&page(&["--sort", "likes", "--limit", "3"]));
    let second = likes(&page(&["--sort", "likes", "--limit", "3", "--offset", "3"]));
    assert_eq!((first.len(), second.len()), (3, 3));
    let mut both = first.clone();
    both.extend(&second);
    assert!(both.windows(2).all(|w| w[0] >= w[1]), "{both:?}");
    let mut everything = likes(&all);
    everything.sort_by(|a, b| b.total_cmp(a));
    assert_eq!(both, everything[..6]);
    let up = likes(&page(&["--sort", "likes", "--ascending", "--limit", "2"]));
    assert_eq!(up, [everything[n - 1], everything[n - 2]]);
    // The same objects as without the flags.
    assert_eq!(
        page(&["--sort", "published_at", "--limit", "1000"]),
        all,
        "published_at, newest first, is the unpaged order"
    );
    let text = outpost(
        &dir,
        &["analytics", "posts", "--sort", "likes", "--limit", "3"],
    );
    assert!(
        stdout(&text).contains(&format!("Posts 1–3 of {n}.")),
        "{}",
        stdout(&text)
    );

    // Each channel's best two.
    let tops = page(&["--top-per-channel", "2"]);
    let mut per: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for p in tops.as_array().unwrap() {
        per.entry(p["channel_id"].as_str().unwrap().to_string())
            .or_default()
            .push(p["engagement"].as_f64().unwrap());
    }
    assert!(per.len() > 1, "{per:?}");
    for (channel, e) in &per {
        assert!(
            e.len() <= 2 && e.windows(2).all(|w| w[0] >= w[1]),
            "{channel}: {e:?}"
        );
        let best = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["channel_id"] == channel.as_str())
            .map(|p| p["engagement"].as_f64().unwrap())
            .fold(f64::MIN, f64::max);
        assert_eq!(e[0], best, "{channel}");
    }

    assert_fails(
        &outpost(&dir, &["analytics", "posts", "--sort", "colour"]),
        "not a sort key",
    );
    assert_fails(
        &outpost(&dir, &["analytics", "posts", "--limit", "0"]),
        "1 to 1000",
    );
    assert!(
        !outpost(
            &dir,
            &[
                "analytics",
                "posts",
                "--top-per-channel",
                "2",
                "--sort",
                "likes"
            ]
        )
        .status
        .success()
    );
}
