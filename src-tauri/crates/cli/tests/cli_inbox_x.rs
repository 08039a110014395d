//! `outpost inbox x-read-cap` and `outpost inbox sync --estimate` through the real binary: caps
//! kept in the profile, a cap below one page refused, an estimate asked for an unknown channel.
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn read_caps_are_kept_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = outpost(d, &["inbox", "x-read-cap", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(v["per_sync"], serde_json::Value::Null);
    assert_eq!(v["per_month"], serde_json::Value::Null);
    // This month's reads so far and their cost (the same the Settings control shows).
    assert_eq!(v["month_reads"], 0);
    assert_eq!(v["month_cost"], "$0.000");
    assert_eq!(
        v["month"].as_str().unwrap(),
        chrono::Utc::now().format("%Y-%m").to_string()
    );
    assert!(v["prices"].as_str().unwrap().contains("docs.x.com"));

    let o = outpost(d, &["inbox", "x-read-cap", "--per-sync", "50"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("at least 100"),
        "{}",
        text(&o.stderr)
    );

    let o = outpost(d, &["inbox", "x-read-cap", "--per-sync", "300", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = outpost(d, &["inbox", "x-read-cap", "--per-month", "5000"]);
    let out = text(&o.stdout);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("X read caps: 300 per sync, 5000 per month")
    );
    assert!(
        lines.next().unwrap().contains(": 0 read(s), $0.000 ("),
        "{out}"
    );
    let o = outpost(d, &["inbox", "x-read-cap", "--clear", "--json"]);
    let v: serde_json::Value = serde_json::from_str(text(&o.stdout).trim()).unwrap();
    assert_eq!(
        (v["per_sync"].clone(), v["per_month"].clone()),
        (serde_json::Value::Null, serde_json::Value::Null)
    );

    // --estimate needs a channel, and a channel that exists.
    let o = outpost(d, &["inbox", "sync", "--estimate"]);
    assert!(!o.status.success());
    let o = outpost(d, &["inbox", "sync", "--channel", "nope", "--estimate"]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("not found"), "{}", text(&o.stderr));
}
