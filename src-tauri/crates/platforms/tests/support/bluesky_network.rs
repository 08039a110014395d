//! The reference Bluesky network with its AppView (`tests/pds/run.sh --appview`) for the inbox
//! and analytics tests; shared by the platforms and app crates' tests (`#[path]`).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

fn repo_root() -> PathBuf {
    // Every crate sits at src-tauri/crates/<name>.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// The network process (its JSON line in `info`); killed on drop, its PostgreSQL then stopped
/// by the watchdog of tests/pds/postgres.mjs.
pub struct Network {
    pub info: Value,
    child: Child,
    _stdin: ChildStdin,
    _stdout: BufReader<ChildStdout>,
}

impl Drop for Network {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// PDS + AppView with `accounts` accounts; `None` (skip) when tests/pds is not installed, a
/// failure instead under `OUTPOST_REQUIRE_PDS=1`. Blocks for the start-up (10–35 s).
pub fn network(accounts: u32) -> Option<Network> {
    let root = repo_root();
    if !root.join("tests/pds/node_modules").is_dir() {
        assert!(
            std::env::var("OUTPOST_REQUIRE_PDS").as_deref() != Ok("1"),
            "OUTPOST_REQUIRE_PDS=1 but tests/pds/node_modules is missing (run bash tests/pds/install.sh)"
        );
        eprintln!("SKIP: tests/pds/node_modules is missing (bash tests/pds/install.sh)");
        return None;
    }
    let mut child = Command::new("bash")
        .arg(root.join("tests/pds/run.sh"))
        .args(["--appview", "--accounts", &accounts.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("bash tests/pds/run.sh could not start");
    let stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let info = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("the network did not start ({e}): {line:?}"));
    Some(Network {
        info,
        child,
        _stdin: stdin,
        _stdout: stdout,
    })
}

/// Waits (up to 30 s) until `check` holds: the AppView indexes the PDS' firehose in the background.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Now as a record's `createdAt`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The direct replies by `did` in a `getPostThread` answer.
pub fn replies_by(thread: &Value, did: &str) -> Vec<Value> {
    thread["thread"]["replies"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r["post"]["author"]["did"] == did)
        .collect()
}
