//! Timeouts against a real local server: a streamed upload has no total deadline (a slow but
//! steady one succeeds long after the API deadline), a stalled one fails with a clear error, an
//! API call keeps its total deadline, and a client without timeouts cannot be built.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use outpost_net::{ActivityEntry, ActivitySink, HttpClient, Timeouts, reqwest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, Default)]
struct Memory(Mutex<Vec<ActivityEntry>>);
impl ActivitySink for Memory {
    fn record(&self, entry: ActivityEntry) {
        self.0.lock().unwrap().push(entry);
    }
}

const SHORT: Timeouts = Timeouts {
    connect: Duration::from_secs(5),
    request: Duration::from_millis(800),
    stall: Duration::from_millis(700),
    answer: Duration::from_secs(5),
};

/// A server that reads the request at `rate` bytes per 100 ms (all of it, or only `stop_after`
/// bytes and then nothing while keeping the connection open), waits `answer_after`, and answers
/// 200 with the number of body bytes it read.
async fn server(
    rate: usize,
    stop_after: Option<usize>,
    answer_after: Duration,
) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        let mut buf = vec![0u8; rate.max(1)];
        let (head_end, len) = loop {
            let n = sock.read(&mut buf).await.unwrap();
            got.extend_from_slice(&buf[..n]);
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(usize::MAX);
                break (end + 4, len);
            }
        };
        let mut body = got.len() - head_end;
        while body < len {
            if stop_after.is_some_and(|s| body >= s) {
                // Stop reading: the client's writes back up and the upload stalls.
                tokio::time::sleep(Duration::from_secs(30)).await;
                return body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            let n = sock.read(&mut buf).await.unwrap();
            if n == 0 {
                return body;
            }
            body += n;
        }
        tokio::time::sleep(answer_after).await;
        let text = body.to_string();
        let _ = sock
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                )
                .as_bytes(),
            )
            .await;
        body
    });
    (origin, handle)
}

/// A PUT of a streamed body of `len` bytes to `origin`, its length declared.
fn upload(client: &HttpClient, origin: &str, len: usize) -> reqwest::Request {
    client
        .reqwest()
        .put(format!("{origin}/upload"))
        .header("Content-Length", len)
        .body(streamed(len))
        .build()
        .unwrap()
}

/// A streamed body of `len` bytes in 16 KiB pieces.
fn streamed(len: usize) -> reqwest::Body {
    let chunks = (0..len.div_ceil(16 * 1024)).map(move |i| {
        let n = (len - i * 16 * 1024).min(16 * 1024);
        Ok::<_, std::io::Error>(vec![7u8; n])
    });
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_steady_upload_outlasts_the_api_deadline() {
    // 16 KiB per 100 ms: 320 KiB take about 2 s, more than twice the API deadline (0.8 s).
    let len = 320 * 1024;
    let (origin, server) = server(16 * 1024, None, Duration::ZERO).await;
    let sink = Arc::new(Memory::default());
    let client = HttpClient::with_timeouts(sink.clone(), SHORT).unwrap();
    let req = upload(&client, &origin, len);
    let started = Instant::now();
    let resp = client
        .execute("x", req)
        .await
        .expect("the upload went through");
    let took = started.elapsed();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.text().await.unwrap(),
        len.to_string(),
        "every byte arrived"
    );
    assert!(
        took > SHORT.request * 2,
        "the upload took {took:?}: not slow enough to prove anything"
    );
    assert_eq!(server.await.unwrap(), len);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_upload_fails_with_a_clear_error() {
    // The server reads 64 KiB of a 32 MiB body, then nothing.
    let len = 32 * 1024 * 1024;
    let (origin, _server) = server(64 * 1024, Some(64 * 1024), Duration::ZERO).await;
    let sink = Arc::new(Memory::default());
    let client = HttpClient::with_timeouts(sink.clone(), SHORT).unwrap();
    let req = upload(&client, &origin, len);
    let started = Instant::now();
    let e = client.execute("tiktok", req).await.unwrap_err();
    let took = started.elapsed();
    assert!(e.to_string().contains("the upload stalled"), "{e}");
    assert!(
        !e.nothing_was_sent(),
        "a stalled upload may have reached the server"
    );
    assert!(
        took < Duration::from_secs(10),
        "the stall took {took:?} to notice"
    );
    let log = sink.0.lock().unwrap().clone();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].error.as_deref(), Some("the upload stalled"));
    assert_eq!(log[0].status, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_whose_answer_never_comes_fails_after_the_answer_wait() {
    let t = Timeouts {
        answer: Duration::from_millis(500),
        ..SHORT
    };
    let (origin, _server) = server(64 * 1024, None, Duration::from_secs(30)).await;
    let client = HttpClient::with_timeouts(Arc::new(Memory::default()), t).unwrap();
    let req = upload(&client, &origin, 1024);
    let e = client.execute("youtube", req).await.unwrap_err();
    assert!(e.to_string().contains("no answer after the upload"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_call_keeps_its_total_deadline() {
    // A buffered body and an answer that takes 3 s: cut at the 0.8 s deadline.
    let (origin, _server) = server(64 * 1024, None, Duration::from_secs(3)).await;
    let client = HttpClient::with_timeouts(Arc::new(Memory::default()), SHORT).unwrap();
    let req = client
        .reqwest()
        .post(format!("{origin}/2/tweets"))
        .body("{\"text\":\"hi\"}")
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.execute("x", req).await.unwrap_err();
    assert!(e.to_string().contains("timed out"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_client_without_timeouts_cannot_be_built() {
    for t in [
        Timeouts {
            connect: Duration::ZERO,
            ..Timeouts::default()
        },
        Timeouts {
            stall: Duration::ZERO,
            ..Timeouts::default()
        },
    ] {
        let e = HttpClient::with_timeouts(Arc::new(Memory::default()), t).unwrap_err();
        assert!(e.to_string().contains("could not be set up"), "{e}");
    }
    let t = HttpClient::new(Arc::new(Memory::default()))
        .unwrap()
        .timeouts();
    assert!(!t.connect.is_zero() && !t.stall.is_zero() && !t.request.is_zero());
}
