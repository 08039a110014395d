//! Canned answers for the Bluesky tests (`publish_bluesky`, `inbox_bluesky`): the failures a real
//! PDS cannot be made to produce (429, 5xx, malformed or truncated answers).
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use outpost_platforms::TokenSet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A local server that answers each connection with the next canned response (then closes) and
/// records the request lines it saw.
pub struct Canned {
    pub origin: String,
    pub seen: Arc<Mutex<Vec<String>>>,
}

pub async fn canned(responses: Vec<String>) -> Canned {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    tokio::spawn(async move {
        for resp in responses {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            // Headers, then the body by Content-Length.
            let head_end = loop {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break None;
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(i + 4);
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            while buf.len() < head_end + len {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            s2.lock()
                .unwrap()
                .push(head.lines().next().unwrap_or("").to_string());
            let _ = sock.write_all(resp.as_bytes()).await;
            let _ = sock.shutdown().await;
        }
    });
    Canned { origin, seen }
}

pub fn http_resp(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut s = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str("\r\n");
    s.push_str(body);
    s
}

pub fn not_found() -> String {
    http_resp(
        "400 Bad Request",
        &[],
        r#"{"error":"RecordNotFound","message":"Could not locate record"}"#,
    )
}

pub fn fake_tokens(origin: &str) -> TokenSet {
    let mut t = TokenSet::new("access", 0);
    t.extra.insert("pds".into(), origin.to_string());
    t.extra
        .insert("did".into(), "did:plc:testtesttesttesttesttest".into());
    t
}
