//! `outpost sentiment` (DESIGN §3): one result a line, in order, from a file or stdin; no profile needed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_outpost"))
        .args(args)
        .env("OUTPOST_DATA_DIR", data.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    // Sentiment never creates a profile: nothing is written to the data directory.
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0);
    out
}

#[test]
fn one_json_result_a_line_in_order_from_stdin() {
    let input = b"I love this, thank you!\n\nThis is not good, it broke after a day\r\nWhen is the next stream?\n\xff\xfe bad bytes but great\n";
    let out = run(&["sentiment", "--json"], input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        5,
        "one result per input line, empty ones included"
    );
    let labels: Vec<&str> = lines.iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(
        labels,
        ["positive", "neutral", "negative", "neutral", "positive"]
    );
    for l in &lines {
        let score = l["score"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&score));
        assert!(l["reasons"].is_array());
    }
    assert!(lines[0]["score"].as_f64().unwrap() > 0.1);
    assert_eq!(lines[1]["score"].as_f64().unwrap(), 0.0);
    assert!(
        lines[2]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["word"] == "good")
    );
}

#[test]
fn reads_a_file_and_prints_text_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("comments.txt");
    std::fs::write(&file, "Awful audio, terrible edit\nBest tutorial ever\n").unwrap();
    let out = run(&["sentiment", file.to_str().unwrap()], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("negative") && lines[0].contains("awful ("),
        "{text}"
    );
    assert!(
        lines[1].starts_with("positive") && lines[1].contains("best ("),
        "{text}"
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = run(&["sentiment", "/nonexistent/comments.txt"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("outpost: cannot read /nonexistent/comments.txt"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
