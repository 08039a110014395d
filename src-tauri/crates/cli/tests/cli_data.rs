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
