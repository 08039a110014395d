//! The desktop binary is also the command line: started as `outpost` (the Linux packages install
//! /usr/bin/outpost as a link to outpost-desktop) it runs the CLI, with the CLI's output, exit
//! statuses and broken-pipe behaviour, and never starts Tauri or GTK (no display is needed).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A link named `outpost` to the desktop binary, in a fresh folder.
fn cli_link(dir: &Path) -> PathBuf {
    let link = dir.join("outpost");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_outpost-desktop"), &link).unwrap();
    link
}

/// The command with no display: the desktop app could not open a window in it.
fn headless(program: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    cmd
}

#[test]
fn the_desktop_binary_started_as_outpost_is_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let outpost = cli_link(dir.path());
    let version = env!("CARGO_PKG_VERSION");

    let out = headless(&outpost).arg("version").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("outpost {version}\n")
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = headless(&outpost)
        .args(["--json", "version"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], version);

    // clap's usage errors: status 2, the message on stderr, nothing on stdout.
    let out = headless(&outpost).arg("no-such-command").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("no-such-command") && err.contains("Usage: outpost"),
        "{err}"
    );

    let out = headless(&outpost).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("Outpost: local-first social media manager (command line)")
    );

    // A pipe whose reader is gone: the CLI's quiet exit (141, as if killed by SIGPIPE), no panic report.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = headless(&outpost)
        .arg("version")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(141), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn under_its_own_name_it_is_the_desktop_app() {
    // No display: the app (GTK) cannot start, so a CLI command as its argument is not run as one.
    let dir = tempfile::tempdir().unwrap();
    let out = headless(Path::new(env!("CARGO_BIN_EXE_outpost-desktop")))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .arg("version")
        .env("XDG_DATA_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0), "{out:?}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("outpost 0."),
        "{out:?}"
    );
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(
        err.contains("gtk"),
        "the app did not get as far as GTK: {err}"
    );
}
