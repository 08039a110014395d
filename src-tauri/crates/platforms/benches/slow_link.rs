//! Uploads on a slow link: pushes one large video (256 MiB by default) through each client that
//! takes video, each over its own local link throttled to about 1 MB/s (`tests/throttle/throttle.py`
//! between the client and the platform's emulator), and checks the platform got it byte-exact
//! (the emulator's SHA-256 of what arrived against the file's). The clients run concurrently; each
//! prints its time, throughput and whether the bytes matched. Not a timed test: a benchmark.
//!
//! `cargo bench -p outpost-platforms --bench slow_link`
//! Environment: `OUTPOST_SLOW_LINK_MIB` (default 256), `OUTPOST_SLOW_LINK_RATE` (bytes/s, default
//! 1000000), `OUTPOST_SLOW_LINK_CLIENTS` (default `youtube,tiktok,linkedin,facebook`).
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    dead_code,
    unused_imports
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use outpost_platforms::facebook::publish::FacebookPublisher;
use outpost_platforms::linkedin::publish::LinkedinPublisher;
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::tiktok::publish::TiktokPublisher;
use outpost_platforms::youtube::publish::YoutubePublisher;
use outpost_platforms::{Endpoints, Platform, TokenSet};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Emulator, Process, ctx, http, no_app, repo_root};

const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

fn env_or<T: std::str::FromStr>(key: &str, default: T) -> T {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A `len`-byte video (an MP4 header, then a pattern no two chunks share) and its SHA-256.
fn video(dir: &Path, len: u64) -> (std::path::PathBuf, String) {
    let path = dir.join("big.mp4");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut hash = Sha256::new();
    let mut block = vec![0u8; 1024 * 1024];
    let mut written = 0u64;
    let mut n = 0u64;
    while written < len {
        for (i, b) in block.iter_mut().enumerate() {
            *b = ((i as u64 * 31 + n * 7) % 251) as u8;
        }
        if written == 0 {
            block[..MP4.len()].copy_from_slice(MP4);
        }
        let take = (len - written).min(block.len() as u64) as usize;
        f.write_all(&block[..take]).unwrap();
        hash.update(&block[..take]);
        written += take as u64;
        n += 1;
    }
    f.flush().unwrap();
    let hex = hash.finalize().iter().map(|x| format!("{x:02x}")).collect();
    (path, hex)
}

/// A throttling proxy in front of `emu`.
fn throttle(emu: &Emulator, rate: u64) -> Process {
    let upstream = emu.origin.trim_start_matches("http://").to_string();
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("tests/throttle/throttle.py"))
        .args(["--upstream", &upstream, "--rate", &rate.to_string()]);
    Process::spawn(cmd)
}

fn post(media: MediaFile, p: Platform) -> Post {
    let mut options = PostOptions {
        title: Some("Slow link".into()),
        ..PostOptions::default()
    };
    if p == Platform::Tiktok {
        options.visibility = Some("public".into());
    }
    Post {
        key: format!("slow-{}", p.id()),
        parts: vec![PostPart {
            text: "A large video over a slow link".into(),
            media: vec![media],
        }],
        options,
    }
}

/// What the platform stored: the SHA-256 of the video bytes that arrived.
async fn received_sha(emu: &Emulator, p: Platform) -> Option<String> {
    let v: Value = match p {
        Platform::Youtube => emu.admin_get("videos").await[0]["sha256"].clone(),
        Platform::Tiktok => emu.admin_get("posts").await[0]["sha256"].clone(),
        Platform::Linkedin => emu.admin_get("posts").await[0]["media"][0]["sha256"].clone(),
        Platform::Facebook => emu.admin_get("posts").await[0]["sha256"].clone(),
        _ => Value::Null,
    };
    v.as_str().map(str::to_string)
}

async fn tokens(emu: &Emulator, p: Platform) -> TokenSet {
    let t = emu.admin("token", json!({})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    if p == Platform::Linkedin {
        tokens.extra.insert(
            "author".into(),
            t["person"].as_str().unwrap_or_default().to_string(),
        );
    }
    if p == Platform::Facebook {
        tokens.extra.insert(
            "author".into(),
            t["page_id"].as_str().unwrap_or_default().to_string(),
        );
    }
    tokens
}

/// One client: `(platform, seconds, MB/s, bytes matched, error)`.
async fn run(p: Platform, media: MediaFile, want: String, rate: u64) -> String {
    let emu = Emulator::start(p);
    let proxy = throttle(&emu, rate);
    let origin = proxy.line["origin"].as_str().unwrap().to_string();
    let endpoints = Endpoints::default().with(p, &origin).unwrap();
    let tokens = tokens(&emu, p).await;
    let h = http();
    let app = no_app();
    let post = post(media.clone(), p);
    let started = Instant::now();
    let c = ctx(&h, &endpoints, &app);
    let out = match p {
        Platform::Youtube => {
            YoutubePublisher
                .publish(c, &tokens, &post, &|_, _| {})
                .await
        }
        Platform::Tiktok => TiktokPublisher.publish(c, &tokens, &post, &|_, _| {}).await,
        Platform::Linkedin => {
            LinkedinPublisher
                .publish(c, &tokens, &post, &|_, _| {})
                .await
        }
        Platform::Facebook => {
            FacebookPublisher
                .publish(c, &tokens, &post, &|_, _| {})
                .await
        }
        _ => unreachable!(),
    };
    let secs = started.elapsed().as_secs_f64();
    let mb_s = media.bytes as f64 / 1e6 / secs;
    match out {
        Ok(_) => {
            let got = received_sha(&emu, p).await;
            let exact = got.as_deref() == Some(want.as_str());
            format!(
                "{:<9} {:>7.1} s  {:>5.2} MB/s  byte-exact: {}",
                p.id(),
                secs,
                mb_s,
                if exact { "yes" } else { "NO" }
            )
        }
        Err(e) => format!("{:<9} {:>7.1} s  FAILED: {e}", p.id(), secs),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() {
    let mib: u64 = env_or("OUTPOST_SLOW_LINK_MIB", 256);
    let rate: u64 = env_or("OUTPOST_SLOW_LINK_RATE", 1_000_000);
    let clients: String = env_or(
        "OUTPOST_SLOW_LINK_CLIENTS",
        "youtube,tiktok,linkedin,facebook".to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let (path, want) = video(dir.path(), mib * 1024 * 1024);
    let media = MediaFile::inspect(&path, None).unwrap();
    println!(
        "slow link: {mib} MiB video, link throttled to {:.2} MB/s per client (floor: {:.0} s a file)",
        rate as f64 / 1e6,
        media.bytes as f64 / rate as f64
    );
    let mut runs = Vec::new();
    for id in clients.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let p = Platform::from_id(id).expect("a platform id");
        runs.push(tokio::spawn(run(p, media.clone(), want.clone(), rate)));
    }
    let mut failed = false;
    for r in runs {
        let line = r.await.unwrap();
        failed |= line.contains("FAILED") || line.contains("NO");
        println!("{line}");
    }
    assert!(!failed, "a client did not deliver the video byte-exact");
}
