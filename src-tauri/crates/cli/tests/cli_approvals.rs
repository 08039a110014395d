//! `outpost approvals create|list|revoke|apply` as scripts see them: the password only from
//! standard input, `--expires-in` bounds, JSON fields, one-line refusals that change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn outpost(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_outpost"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("OUTPOST_VAULT_PASSPHRASE", "correct horse battery staple")
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run outpost");
    if let Some(s) = stdin {
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(s.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn one_line_error(o: &Output) -> String {
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(e.starts_with("outpost: "), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    e
}

#[test]
fn create_list_revoke_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    json(&outpost(
        &dir,
        &["demo", "seed", "--posts", "10", "--json"],
        None,
    ));
    let posts = json(&outpost(&dir, &["posts", "list", "--json"], None));
    let post = posts
        .as_array()
        .unwrap()
        .iter()
        .find(|p| matches!(p["post"]["status"].as_str(), Some("draft" | "scheduled")))
        .expect("an editable demo post");
    let id = post["post"]["id"].as_str().unwrap();
    let out = tmp.path().join("preview.html");
    let out_s = out.to_str().unwrap();

    // Refusals before anything is made.
    let e = one_line_error(&outpost(
        &dir,
        &[
            "approvals",
            "create",
            id,
            "--out",
            out_s,
            "--password-stdin",
        ],
        Some(""),
    ));
    assert!(e.contains("standard input held no"), "{e}");
    let e = one_line_error(&outpost(
        &dir,
        &[
            "approvals",
            "create",
            id,
            "--out",
            out_s,
            "--password-stdin",
            "--expires-in",
            "25h",
        ],
        Some("long enough pw\n"),
    ));
    assert!(e.contains("24 hours"), "{e}");
    let e = one_line_error(&outpost(
        &dir,
        &[
            "approvals",
            "create",
            id,
            "--out",
            out_s,
            "--password-stdin",
            "--expires-in",
            "soon",
        ],
        Some("long enough pw\n"),
    ));
    assert!(e.contains("not a duration"), "{e}");
    assert!(
        !outpost(&dir, &["approvals", "create", id, "--out", out_s], None)
            .status
            .success(),
        "--password-stdin is required"
    );
    assert!(!out.exists());
    assert_eq!(
        json(&outpost(&dir, &["approvals", "list", "--json"], None)),
        serde_json::json!([])
    );

    let created = json(&outpost(
        &dir,
        &[
            "approvals",
            "create",
            id,
            "--out",
            out_s,
            "--password-stdin",
            "--expires-in",
            "90m",
            "--json",
        ],
        Some("long enough pw\n"),
    ));
    for field in ["path", "bytes", "preview"] {
        assert!(created.get(field).is_some(), "{field}: {created}");
    }
    let p = &created["preview"];
    for field in [
        "id",
        "post_id",
        "post_excerpt",
        "state",
        "created_at",
        "expires_at",
        "decided_at",
        "revoked_at",
        "feedback",
        "file_name",
        "content_current",
    ] {
        assert!(p.get(field).is_some(), "{field}: {p}");
    }
    assert_eq!(p["state"], "waiting");
    assert_eq!(p["file_name"], "preview.html");
    assert_eq!(
        p["expires_at"].as_i64().unwrap() - p["created_at"].as_i64().unwrap(),
        90 * 60 * 1000
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("long enough pw"));

    // A garbage code: refused, nothing changed.
    let e = one_line_error(&outpost(
        &dir,
        &["approvals", "apply", "OA1.nope.nope"],
        None,
    ));
    assert!(e.contains("not a complete decision code"), "{e}");
    let list = json(&outpost(&dir, &["approvals", "list", "--json"], None));
    assert_eq!(list[0]["state"], "waiting");

    // Revoke, then again (refused).
    let pid = p["id"].as_str().unwrap();
    let revoked = json(&outpost(
        &dir,
        &["approvals", "revoke", pid, "--json"],
        None,
    ));
    assert_eq!(revoked["state"], "revoked");
    one_line_error(&outpost(&dir, &["approvals", "revoke", pid], None));
    let text = outpost(&dir, &["approvals", "list"], None);
    assert!(String::from_utf8_lossy(&text.stdout).contains("revoked"));
}
