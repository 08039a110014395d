//! A connection that stops mid-upload (`tests/throttle/throttle.py --stall-after`): the publish
//! fails with a clear error naming the stall, nothing is published, the file is untouched, and the
//! same post goes out byte-exact once the link works.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use outpost_net::{HttpClient, NoActivity, Timeouts};
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::tiktok::publish::TiktokPublisher;
use outpost_platforms::{Endpoints, Platform, TokenSet};
use serde_json::json;
use sha2::{Digest, Sha256};
use support::{Emulator, Process, ctx, no_app, repo_root};

const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_fails_clearly_and_loses_nothing() {
    let e = Emulator::start(Platform::Tiktok);
    let t = e.admin("token", json!({})).await;
    let tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.mp4");
    // Larger than what the kernel's socket buffers on both sides of the proxy can absorb.
    let mut bytes: Vec<u8> = (0..24 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    bytes[..MP4.len()].copy_from_slice(MP4);
    std::fs::write(&path, &bytes).unwrap();
    let post = Post {
        key: "stall".into(),
        parts: vec![PostPart {
            text: "Over a link that stops".into(),
            media: vec![MediaFile::inspect(&path, None).unwrap()],
        }],
        options: PostOptions {
            visibility: Some("public".into()),
            ..PostOptions::default()
        },
    };

    // Every connection through the proxy stops after 256 KiB of request bytes.
    let upstream = e.origin.trim_start_matches("http://").to_string();
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("tests/throttle/throttle.py"))
        .args(["--upstream", &upstream, "--stall-after", "262144"]);
    let proxy = Process::spawn(cmd);
    let origin = proxy.line["origin"].as_str().unwrap().to_string();
    let stalled = Endpoints::default()
        .with(Platform::Tiktok, &origin)
        .unwrap();
    let short = Timeouts {
        stall: Duration::from_secs(1),
        answer: Duration::from_secs(5),
        ..Timeouts::default()
    };
    let h = HttpClient::with_timeouts(Arc::new(NoActivity), short).unwrap();
    let app = no_app();
    let started = Instant::now();
    let err = TiktokPublisher
        .publish(ctx(&h, &stalled, &app), &tokens, &post, &|_, _| {})
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("the upload stalled"), "{msg}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    // Nothing was published; the file is as it was.
    assert_eq!(e.admin_get("posts").await, json!([]));
    assert_eq!(sha(&std::fs::read(&path).unwrap()), sha(&bytes));

    // The link works again: the same post goes out, byte-exact.
    drop(proxy);
    let direct = e.endpoints();
    let out = TiktokPublisher
        .publish(ctx(&h, &direct, &app), &tokens, &post, &|_, _| {})
        .await
        .unwrap();
    let posts = e.admin_get("posts").await;
    assert_eq!(posts.as_array().unwrap().len(), 1);
    assert_eq!(posts[0]["id"], out.id.as_str());
    assert_eq!(posts[0]["sha256"], sha(&bytes).as_str());
}
