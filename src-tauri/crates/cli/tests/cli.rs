//! The `outpost` binary as scripts see it: flags, JSON fields, exit status, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn outpost(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpost"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        // The test harness runs under a private D-Bus session with gnome-keyring; a passphrase would
        // change the backend, so make sure none leaks in from the caller's environment.
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

#[test]
fn version_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let o = outpost(tmp.path(), &["version"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("outpost {}", env!("CARGO_PKG_VERSION"))
    );
    let o = outpost(tmp.path(), &["--json", "version"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn doctor_json_reports_the_documented_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("profile");
    let o = outpost(&dir, &["doctor", "--json"]);
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)));
    for field in [
        "version",
        "data_dir",
        "database_file",
        "schema_version",
        "latest_schema_version",
        "vault_backend",
        "keychain_available",
        "vault_detail",
        "log_dir",
        "rendering",
        "problems",
    ] {
        assert!(v.get(field).is_some(), "doctor --json lacks {field}: {v}");
    }
    assert_eq!(v["data_dir"], dir.display().to_string());
    assert_eq!(
        v["schema_version"], v["latest_schema_version"],
        "a fresh profile is fully migrated"
    );
    assert!(dir.join("outpost.sqlite3").is_file());
    assert!(dir.join("logs").is_dir());
    // With a keychain (CI) the profile is healthy; without one, doctor says so and exits non-zero.
    if v["keychain_available"] == true {
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(v["problems"].as_array().unwrap().len(), 0, "{v}");
    } else {
        assert!(!o.status.success());
        assert!(v["vault_backend"].is_null());
    }
}

#[test]
fn env_var_selects_the_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_outpost"))
        .args(["doctor", "--json"])
        .env("OUTPOST_DATA_DIR", tmp.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["data_dir"], tmp.path().display().to_string());
}

#[test]
fn doctor_names_how_the_app_draws_and_refuses_a_bad_acceleration_value() {
    let tmp = tempfile::tempdir().unwrap();
    let doctor = |value: &str| {
        let o = Command::new(env!("CARGO_BIN_EXE_outpost"))
            .args(["--data-dir"])
            .arg(tmp.path())
            .args(["doctor", "--json"])
            .env("OUTPOST_HARDWARE_ACCELERATION", value)
            .env_remove("WEBKIT_DISABLE_COMPOSITING_MODE")
            .env_remove("OUTPOST_VAULT_PASSPHRASE")
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        (o, v)
    };
    let (_, v) = doctor("off");
    assert_eq!(
        v["rendering"],
        "compositing off (OUTPOST_HARDWARE_ACCELERATION=off)"
    );
    let (_, v) = doctor("on");
    assert_eq!(
        v["rendering"],
        "WebKit's default (OUTPOST_HARDWARE_ACCELERATION=on)"
    );
    // A value it does not know: a clear problem (and exit status), and `auto` is what the app uses.
    let (o, v) = doctor("turbo");
    assert!(!o.status.success());
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p
            .as_str()
            .unwrap()
            .contains("OUTPOST_HARDWARE_ACCELERATION is \"turbo\": it takes auto, on or off")),
        "{v}"
    );
    assert!(stderr(&o).starts_with("outpost: "), "{}", stderr(&o));
}

#[test]
fn doctor_on_a_corrupt_database_reports_it_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("outpost.sqlite3");
    let garbage = b"definitely not sqlite\n".repeat(300);
    std::fs::write(&db, &garbage).unwrap();
    let o = outpost(tmp.path(), &["doctor", "--json"]);
    assert!(!o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["schema_version"].is_null());
    let problems = v["problems"].to_string();
    assert!(problems.to_lowercase().contains("database"), "{problems}");
    assert_eq!(
        stderr(&o).lines().count(),
        1,
        "one-line error: {}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        garbage,
        "the file is untouched"
    );
}

#[test]
fn an_unusable_data_dir_is_a_one_line_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let o = outpost(&file, &["doctor"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("outpost: "), "{err}");
    assert!(err.contains("not a directory"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"x");
}

#[test]
fn unknown_commands_fail_with_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let o = outpost(tmp.path(), &["frobnicate"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("frobnicate"));
}
