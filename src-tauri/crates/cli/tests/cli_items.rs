//! `outpost delete KIND ID` (one item at a time), `outpost vault rotate-key` and
//! `outpost apps set --loopback-port`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PASSPHRASE: &str = "items test passphrase, not a secret";

fn run(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_outpost"))
        .args(args)
        .env("OUTPOST_DATA_DIR", dir)
        .env("OUTPOST_VAULT_PASSPHRASE", PASSPHRASE)
        .env_remove("OUTPOST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn failure(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn delete_removes_one_item_and_refuses_unknown_ids_and_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(&run(d, &["demo", "seed", "--posts", "5", "--json"], ""));
    let posts = json(&run(d, &["posts", "list", "--json"], ""));
    let ids: Vec<String> = posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["post"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5);
    let (id, other_id) = (ids[0].clone(), ids[1].clone());
    // A scheduled post is not a draft: refused, and kept.
    let err = failure(&run(d, &["delete", "draft", &id], ""));
    assert!(err.contains(&id), "{err}");
    assert_eq!(
        json(&run(d, &["delete", "post", &id, "--json"], "")),
        serde_json::json!({"ok": true})
    );
    let err = failure(&run(d, &["posts", "show", &id], ""));
    assert!(
        err.contains(&id) || err.to_lowercase().contains("not found"),
        "{err}"
    );
    // The other post is untouched. Not out yet: each target's `metrics` is null, and the
    // one-post metrics sync says there is nothing to read.
    let shown = json(&run(d, &["posts", "show", &other_id, "--json"], ""));
    assert_eq!(shown["post"]["id"], other_id.as_str());
    let targets = shown["targets"].as_array().unwrap();
    assert!(!targets.is_empty());
    assert!(
        targets
            .iter()
            .all(|t| t["metrics"].is_null() && t["target_id"].is_string()),
        "{shown}"
    );
    let err = failure(&run(d, &["analytics", "sync", "--post", &other_id], ""));
    assert!(err.contains("not gone out"), "{err}");
    // Deleting it again, or an id that never existed: a clear error, nothing else changes.
    let err = failure(&run(d, &["delete", "post", &id], ""));
    assert!(err.contains(&id), "{err}");
    let err = failure(&run(d, &["delete", "sticker", &other_id], ""));
    assert!(err.contains("post, draft, idea"), "{err}");
    let err = failure(&run(d, &["delete", "channel", "c1"], ""));
    assert!(err.contains("channels disconnect"), "{err}");
    assert_eq!(
        json(&run(d, &["posts", "show", &other_id, "--json"], ""))["post"]["id"],
        other_id.as_str()
    );
}

#[test]
fn rotate_key_reseals_every_secret_and_they_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    json(&run(
        d,
        &[
            "apps",
            "set",
            "linkedin",
            "--client-id",
            "86abc",
            "--client-secret-stdin",
            "--json",
        ],
        "the-client-secret\n",
    ));
    let first = json(&run(d, &["vault", "rotate-key", "--json"], ""));
    assert_eq!(first["resealed"], 1, "{first}");
    let key = first["new_key_id"].as_str().unwrap().to_string();
    assert!(!key.is_empty());
    let second = json(&run(d, &["vault", "rotate-key", "--json"], ""));
    assert_eq!(second["resealed"], 1, "{second}");
    assert_ne!(second["new_key_id"].as_str().unwrap(), key);
    // The secret still opens: doctor reads the vault, and the app keeps its secret.
    let out = run(d, &["doctor"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains("the-client-secret"), "{text}");
    let listed = run(d, &["vault", "rotate-key"], "");
    let said = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(said.contains("Re-sealed 1 secret"), "{said}");
}

#[test]
fn loopback_port_changes_the_redirect_uri_to_register() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v = json(&run(
        d,
        &[
            "apps",
            "set",
            "x",
            "--client-id",
            "cid",
            "--loopback-port",
            "49321",
            "--json",
        ],
        "",
    ));
    assert!(
        v["redirect_uri"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:49321/"),
        "{v}"
    );
    let uri = run(d, &["apps", "redirect-uri", "x"], "");
    assert!(
        String::from_utf8_lossy(&uri.stdout).contains("http://127.0.0.1:49321/"),
        "{}",
        String::from_utf8_lossy(&uri.stdout)
    );
    let err = failure(&run(
        d,
        &[
            "apps",
            "set",
            "x",
            "--client-id",
            "cid",
            "--loopback-port",
            "80",
        ],
        "",
    ));
    assert!(err.contains("80"), "{err}");
}
