//! Memory stays flat while a large video uploads: publishes a 1 GiB sparse file through the
//! YouTube resumable-upload path to a local sink server (which discards the bytes) and prints the
//! resident memory before and the peak during the upload (Linux: /proc/self/status).
//!
//! `cargo bench -p outpost-platforms --bench upload_memory [-- SIZE_MIB]`
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use outpost_net::{HttpClient, NoActivity};
use outpost_platforms::publish::{MediaFile, MediaKind, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::youtube::publish::YoutubePublisher;
use outpost_platforms::{AppCredentials, Ctx, Endpoints, Platform, TokenSet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn status_kib(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A minimal resumable-upload endpoint: POST → session, PUT chunks → 308 + Range / 200 at the end.
async fn sink(mut sock: TcpStream, received: Arc<AtomicU64>) {
    let mut buf = Vec::new();
    loop {
        // Headers.
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut tmp = [0u8; 8192];
            match sock.read(&mut tmp).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&tmp[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        buf.drain(..head_end);
        let header = |name: &str| {
            head.lines()
                .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
                .map(|l| l[name.len() + 1..].trim().to_string())
        };
        let len: u64 = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        // Body: read and discard.
        let mut left = len;
        let take = left.min(buf.len() as u64);
        buf.drain(..take as usize);
        left -= take;
        let mut tmp = vec![0u8; 64 * 1024];
        while left > 0 {
            let want = left.min(tmp.len() as u64) as usize;
            match sock.read(&mut tmp[..want]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => left -= n as u64,
            }
        }
        if head.starts_with("PUT") {
            received.fetch_add(len, Ordering::Relaxed);
        }
        let reply = if head.starts_with("POST") {
            "HTTP/1.1 200 OK\r\nLocation: https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=sink\r\nContent-Length: 0\r\n\r\n"
                .to_string()
        } else {
            let range = header("content-range").unwrap_or_default();
            let (last, total) = range
                .trim_start_matches("bytes ")
                .split_once('/')
                .map(|(r, t)| {
                    let last = r
                        .split_once('-')
                        .and_then(|(_, b)| b.parse::<u64>().ok())
                        .unwrap_or(0);
                    (last, t.parse::<u64>().unwrap_or(0))
                })
                .unwrap_or((0, 0));
            if last + 1 >= total {
                let body = r#"{"kind":"youtube#video","id":"sinkvideo"}"#;
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
            } else {
                format!(
                    "HTTP/1.1 308 Resume Incomplete\r\nRange: bytes=0-{last}\r\nContent-Length: 0\r\n\r\n"
                )
            }
        };
        if sock.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; the first numeric argument is the size in MiB.
    let mib: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1024);
    let size = mib * 1024 * 1024;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.mp4");
    {
        let f = std::fs::File::create(&path).expect("create");
        f.set_len(size).expect("sparse file");
        use std::io::{Seek, Write};
        let mut f = f;
        f.seek(std::io::SeekFrom::Start(0)).expect("seek");
        f.write_all(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom")
            .expect("header");
    }

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("addr"));
    let received = Arc::new(AtomicU64::new(0));
    {
        let received = received.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(sink(sock, received.clone()));
            }
        });
    }

    let http = HttpClient::new(Arc::new(NoActivity)).expect("client");
    let endpoints = Endpoints::default()
        .with(Platform::Youtube, &origin)
        .expect("override");
    let app = AppCredentials {
        client_id: String::new(),
        client_secret: None,
        instance_url: None,
        organization_access: false,
    };
    let tokens = TokenSet::new("sink-token", 0);
    let post = Post {
        key: "bench".into(),
        parts: vec![PostPart {
            text: "memory check".into(),
            media: vec![MediaFile {
                path: path.clone(),
                mime: "video/mp4".into(),
                kind: MediaKind::Video,
                bytes: size,
                width: None,
                height: None,
                duration_ms: None,
                alt: None,
            }],
        }],
        options: PostOptions {
            title: Some("Memory check".into()),
            ..PostOptions::default()
        },
    };

    // Reset the peak (VmHWM) so it measures the upload only (Linux ≥ 4.0; best effort).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = status_kib("VmRSS:");
    let hwm_before = status_kib("VmHWM:");
    let started = Instant::now();
    let ctx = Ctx {
        http: &http,
        endpoints: &endpoints,
        app: &app,
        media_host: None,
        parts: None,
        quota: None,
    };
    let published = YoutubePublisher
        .publish(ctx, &tokens, &post, &|_, _| {})
        .await
        .expect("upload");
    let secs = started.elapsed().as_secs_f64();
    let hwm_after = status_kib("VmHWM:");
    let rss_after = status_kib("VmRSS:");
    let got = received.load(Ordering::Relaxed);
    println!(
        "uploaded {} MiB to the sink in {secs:.2} s ({:.0} MiB/s), video id {}",
        got / (1024 * 1024),
        size as f64 / 1_048_576.0 / secs,
        published.id
    );
    println!(
        "chunk size: {} MiB",
        outpost_platforms::youtube::publish::CHUNK / (1024 * 1024)
    );
    println!("RSS before: {rss_before} KiB (peak so far {hwm_before} KiB)");
    println!(
        "peak RSS during upload (VmHWM): {hwm_after} KiB; growth over RSS before: {} KiB",
        hwm_after.saturating_sub(rss_before)
    );
    println!("RSS after: {rss_after} KiB");
    assert_eq!(got, size, "the sink received every byte");
}
