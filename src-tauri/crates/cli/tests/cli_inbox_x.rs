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
    assert_eq!(
        text(&o.stdout).trim(),
        r#"{"per_sync":null,"per_month":null}"#
    );

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
    assert_eq!(
        text(&o.stdout).trim(),
        "X read caps: 300 per sync, 5000 per month"
    );
    let o = outpost(d, &["inbox", "x-read-cap", "--clear", "--json"]);
    assert_eq!(
        text(&o.stdout).trim(),
        r#"{"per_sync":null,"per_month":null}"#
    );

    // --estimate needs a channel, and a channel that exists.
    let o = outpost(d, &["inbox", "sync", "--estimate"]);
    assert!(!o.status.success());
    let o = outpost(d, &["inbox", "sync", "--channel", "nope", "--estimate"]);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("not found"), "{}", text(&o.stderr));
}
