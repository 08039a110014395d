//! The client against a real local HTTP server: every request is recorded, without secrets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use outpost_net::{ActivityEntry, ActivitySink, HttpClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, Default)]
struct Memory(Mutex<Vec<ActivityEntry>>);
impl ActivitySink for Memory {
    fn record(&self, entry: ActivityEntry) {
        self.0.lock().unwrap().push(entry);
    }
}

/// A one-shot HTTP/1.1 server answering 201 with a 5-byte body; returns the raw request it got.
async fn serve_once() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut got = Vec::new();
        loop {
            let n = sock.read(&mut buf).await.unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got);
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if got.len() >= end + 4 + len {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        sock.write_all(
            b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        )
        .await
        .unwrap();
        String::from_utf8_lossy(&got).into_owned()
    });
    (port, handle)
}

#[tokio::test]
async fn a_request_is_recorded_without_tokens_or_bodies() {
    let (port, server) = serve_once().await;
    let sink = Arc::new(Memory::default());
    let client = HttpClient::new(sink.clone()).unwrap();
    let req = client
        .reqwest()
        .post(format!(
            "http://127.0.0.1:{port}/2/tweets?access_token=SEKRIT"
        ))
        .bearer_auth("BEARER-SEKRIT")
        .body("{\"text\":\"hello world\"}")
        .build()
        .unwrap();
    let resp = client.execute("x", req).await.unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let raw = server.await.unwrap();
    assert!(
        raw.contains("BEARER-SEKRIT"),
        "the server did get the header"
    );

    let entries = sink.0.lock().unwrap().clone();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (e.platform.as_str(), e.method.as_str(), e.host.as_str()),
        ("x", "POST", "127.0.0.1")
    );
    assert_eq!(e.path, "/2/tweets");
    assert_eq!(e.status, Some(201));
    assert_eq!(e.bytes_sent, 22);
    assert_eq!(e.bytes_received, 5);
    assert!(e.at_ms > 0 && e.duration_ms >= 0);
    let everything = format!("{entries:?}");
    assert!(!everything.contains("SEKRIT") && !everything.contains("hello world"));
}

#[tokio::test]
async fn a_refused_connection_is_recorded_and_safe_to_retry() {
    // Bind then drop a listener to get a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sink = Arc::new(Memory::default());
    let client = HttpClient::new(sink.clone()).unwrap();
    let req = client
        .reqwest()
        .get(format!("http://127.0.0.1:{port}/x?code=C0DE"))
        .build()
        .unwrap();
    let err = client.execute("mastodon", req).await.unwrap_err();
    assert!(err.nothing_was_sent());
    assert!(!err.to_string().contains("C0DE"), "{err}");
    let entries = sink.0.lock().unwrap().clone();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, None);
    assert_eq!(entries[0].error.as_deref(), Some("could not connect"));
}
