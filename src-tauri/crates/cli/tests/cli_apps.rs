//! `outpost apps set`: LinkedIn's products decide the scopes sign-in asks for
//! (`--community-management` adds the organization scopes; other platforms refuse the flag).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const PASSPHRASE: &str = "apps test passphrase, not a secret";

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

#[test]
fn linkedin_scopes_follow_the_apps_products() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "apps",
        "set",
        "linkedin",
        "--client-id",
        "86abc",
        "--client-secret-stdin",
        "--json",
    ];
    let v = json(&run(dir.path(), &base, "s3cret-value\n"));
    assert_eq!(v["organization_access"], false);
    assert_eq!(v["offers_organization_access"], true);
    assert_eq!(
        v["scopes"],
        serde_json::json!(["openid", "profile", "w_member_social"])
    );

    let mut with = base.to_vec();
    with.push("--community-management");
    let v = json(&run(dir.path(), &with, "s3cret-value\n"));
    assert_eq!(v["organization_access"], true);
    let scopes: Vec<&str> = v["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        scopes.contains(&"w_organization_social") && scopes.contains(&"rw_organization_admin"),
        "{scopes:?}"
    );

    // Without --json the text says what sign-in asks for and how to add company pages.
    let o = run(dir.path(), &base[..6], "s3cret-value\n");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        out.contains("Sign-in asks for: openid profile w_member_social"),
        "{out}"
    );
    assert!(out.contains("--community-management"), "{out}");

    // Only LinkedIn has the product choice.
    let o = run(
        dir.path(),
        &[
            "apps",
            "set",
            "x",
            "--client-id",
            "xid",
            "--community-management",
        ],
        "",
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Community Management"), "{err}");
}
