//! `outpost ai …` as scripts see them, against the OpenAI-compatible emulator: `--dry-run` prints
//! byte for byte the body that is then sent, the key is read from stdin and never printed, consent
//! first, JSON fields, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

const KEY: &str = "sk-cli-SECRET-77aa";

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

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

struct Emu(Child, String);
impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn emulator() -> Emu {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/emulators/openai_compat.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--port", "0", "--api-key", KEY])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    Emu(child, v["origin"].as_str().unwrap().to_string())
}

/// GET on the emulator with a plain socket; the JSON body.
fn post(origin: &str, path: &str, body: &serde_json::Value) {
    let hostport = origin.trim_start_matches("http://");
    let mut s = TcpStream::connect(hostport).unwrap();
    let body = body.to_string();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
}

fn get(origin: &str, path: &str) -> serde_json::Value {
    let hostport = origin.trim_start_matches("http://");
    let mut s = TcpStream::connect(hostport).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    let body = r.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(body).unwrap()
}

#[test]
fn set_consent_dry_run_refine_ledger() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let base = format!("{}/v1", emu.1);

    let shown = ok(&outpost(
        &dir,
        &[
            "ai",
            "set",
            "--base-url",
            &base,
            "--model",
            "outpost-test-model",
            "--api-key-stdin",
            "--local-only",
            "--json",
        ],
        Some(&format!("{KEY}\n")),
    ));
    assert!(!shown.contains(KEY));
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["has_api_key"], true);
    assert_eq!(v["consented"], false);

    ok(&outpost(
        &dir,
        &[
            "ai",
            "persona",
            "set",
            "--tone",
            "calm",
            "--example",
            "Ex one",
        ],
        None,
    ));

    let args = [
        "ai",
        "refine",
        "--text",
        "our new release is out",
        "--platform",
        "mastodon",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let body = ok(&outpost(&dir, &dry, None));
    assert!(body.contains("calm") && body.contains("Ex one"));

    // Without consent: one-line refusal, nothing sent.
    let o = outpost(&dir, &args, None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("outpost: "));
    assert!(
        get(&emu.1, "/__emulator/log")
            .as_array()
            .unwrap()
            .is_empty()
    );

    ok(&outpost(&dir, &["ai", "consent"], None));
    // Without --json the answer is streamed (printed as it arrives).
    assert!(body.contains(r#""stream":true"#));
    let printed = ok(&outpost(&dir, &args, None));
    assert!(printed.starts_with("Refined: ") && printed.ends_with("our new release is out\n"));
    let last = get(&emu.1, "/__emulator/last");
    assert_eq!(
        format!("{}\n", last["body"].as_str().unwrap()),
        body,
        "--dry-run printed byte for byte the body sent"
    );
    assert_eq!(last["headers"]["authorization"], format!("Bearer {KEY}"));
    // With --json one document at the end (not streamed); its dry run says so too.
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let mut dry_json = with_json.clone();
    dry_json.push("--dry-run");
    let prepared: serde_json::Value =
        serde_json::from_str(&ok(&outpost(&dir, &dry_json, None))).unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(&ok(&outpost(&dir, &with_json, None))).unwrap();
    let text = answer["text"].as_str().unwrap();
    assert!(text.starts_with("Refined: ") && text.ends_with("our new release is out"));
    let last = get(&emu.1, "/__emulator/last");
    assert_eq!(last["body"], prepared["body"]);
    assert!(
        prepared["body"]
            .as_str()
            .unwrap()
            .contains(r#""stream":false"#)
    );

    let ledger: serde_json::Value =
        serde_json::from_str(&ok(&outpost(&dir, &["ai", "ledger", "--json"], None))).unwrap();
    assert_eq!(ledger.as_array().unwrap().len(), 2);
    assert_eq!(
        format!("{}\n", ledger[1]["request_body"].as_str().unwrap()),
        body
    );
    let show = ok(&outpost(&dir, &["ai", "show"], None));
    assert!(!show.contains(KEY) && show.contains("consent        yes"));
    ok(&outpost(&dir, &["ai", "ledger", "--delete-all"], None));
    assert_eq!(
        ok(&outpost(&dir, &["ai", "ledger", "--json"], None)).trim(),
        "[]"
    );
}

#[test]
fn template_saved_sentiment_and_image_from_the_cli() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let base = format!("{}/v1", emu.1);
    ok(&outpost(
        &dir,
        &[
            "ai",
            "set",
            "--base-url",
            &base,
            "--model",
            "outpost-test-model",
            "--api-key-stdin",
        ],
        Some(&format!("{KEY}\n")),
    ));
    ok(&outpost(&dir, &["ai", "consent"], None));

    post(
        &emu.1,
        "/__emulator/reply",
        &serde_json::json!({"content": "Try {{product}} on {{day}}!"}),
    );
    let o = outpost(
        &dir,
        &["ai", "template", "--text", "launch", "--save", "Launch"],
        None,
    );
    assert_eq!(ok(&o), "Try {{product}} on {{day}}!\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("variables product, day") && err.contains("saved as template Launch"),
        "{err}"
    );

    post(
        &emu.1,
        "/__emulator/reply",
        &serde_json::json!({"content": "positive"}),
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&outpost(
        &dir,
        &["ai", "sentiment", "--text", "love it", "--json"],
        None,
    )))
    .unwrap();
    assert_eq!(v["sentiment"], "positive");

    let dry = ok(&outpost(
        &dir,
        &[
            "ai",
            "image",
            "--prompt",
            "a lighthouse",
            "--size",
            "1024x1024",
            "--dry-run",
        ],
        None,
    ));
    let made: serde_json::Value = serde_json::from_str(&ok(&outpost(
        &dir,
        &[
            "ai",
            "image",
            "--prompt",
            "a lighthouse",
            "--size",
            "1024x1024",
            "--json",
        ],
        None,
    )))
    .unwrap();
    assert_eq!(
        format!(
            "{}\n",
            get(&emu.1, "/__emulator/last")["body"].as_str().unwrap()
        ),
        dry
    );
    assert_eq!(made["media"]["mime"], "image/png");
    assert_eq!(made["prompt"], "a lighthouse");
    let ledger: serde_json::Value =
        serde_json::from_str(&ok(&outpost(&dir, &["ai", "ledger", "--json"], None))).unwrap();
    let actions: Vec<&str> = ledger
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["image", "sentiment", "template"]);
    // A text and an inbox item at once, --apply without an item, or an unknown item: refused
    // before anything is sent.
    let before = get(&emu.1, "/__emulator/log").as_array().unwrap().len();
    for args in [
        &["ai", "reply", "--text", "x", "--inbox-item", "y"][..],
        &["ai", "sentiment", "--text", "x", "--apply"][..],
        &["ai", "sentiment", "--inbox-item", "no-such-item", "--apply"][..],
    ] {
        let o = outpost(&dir, args, None);
        assert!(!o.status.success(), "{args:?}");
    }
    let o = outpost(&dir, &["ai", "reply", "--inbox-item", "no-such-item"], None);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("outpost: ") && err.contains("no-such-item"),
        "{err}"
    );
    assert_eq!(
        get(&emu.1, "/__emulator/log").as_array().unwrap().len(),
        before
    );
}
