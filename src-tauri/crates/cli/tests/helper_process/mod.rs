//! A helper process of the tests (`tests/pds/run.sh`, `tests/s3/start.py`): it prints one JSON line
//! once it is up and serves until its standard input closes.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::process::{Command, Stdio};

use serde_json::Value;

/// A helper process (`tests/pds/run.sh`, `tests/s3/start.py`) that prints one JSON line once it is
/// up and serves until its standard input closes (dropped with this).
pub struct Helper {
    pub info: Value,
    _child: std::process::Child,
    _stdin: std::process::ChildStdin,
}

/// `None` (skip) when the helper is not installed (`installed` missing) and `require` (an
/// environment variable) is not 1.
pub fn helper(installed: &str, require: &str, program: &str, args: &[&str]) -> Option<Helper> {
    use std::io::BufRead;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    if !root.join(installed).exists() {
        assert!(
            std::env::var(require).as_deref() != Ok("1"),
            "{require}=1 but {installed} is missing"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("SKIP: {installed} is missing");
        }
        return None;
    }
    let mut child = Command::new(root.join(program))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(line.trim())
        .unwrap_or_else(|e| panic!("{program} did not start ({e}): {line:?}"));
    Some(Helper {
        info,
        _child: child,
        _stdin: stdin,
    })
}
