//! A test [`MediaHost`]: files served by a small HTTP server on 127.0.0.1 (a std thread), so an
//! emulator that pulls media from a URL fetches them for real. Records what was put, fetched and
//! removed.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use outpost_platforms::publish::{HostedMedia, MediaFile, MediaHost};

#[derive(Debug, Default)]
pub struct HostState {
    pub objects: HashMap<String, PathBuf>,
    pub put: Vec<String>,
    pub fetched: Vec<String>,
    pub removed: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TinyHost {
    pub origin: String,
    pub state: Arc<Mutex<HostState>>,
}

impl TinyHost {
    pub fn start() -> TinyHost {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(HostState::default()));
        let st = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                        break;
                    }
                }
                let key = line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_string();
                let path = {
                    let mut s = st.lock().unwrap();
                    let p = s.objects.get(&key).cloned();
                    if p.is_some() {
                        s.fetched.push(key.clone());
                    }
                    p
                };
                let (status, body) = match path.and_then(|p| std::fs::read(p).ok()) {
                    Some(b) => ("200 OK", b),
                    None => ("404 Not Found", Vec::new()),
                };
                let _ = conn.write_all(
                    format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .as_bytes(),
                );
                let _ = conn.write_all(&body);
            }
        });
        TinyHost { origin, state }
    }

    pub fn live(&self) -> usize {
        self.state.lock().unwrap().objects.len()
    }
}

#[async_trait]
impl MediaHost for TinyHost {
    async fn put(
        &self,
        file: &MediaFile,
        _ttl: Duration,
    ) -> outpost_platforms::Result<HostedMedia> {
        let key = format!("o/{:016x}-{}", rand_u64(), file.name());
        let mut s = self.state.lock().unwrap();
        s.objects.insert(key.clone(), file.path.clone());
        s.put.push(key.clone());
        Ok(HostedMedia {
            url: format!("{}/{key}", self.origin),
            key,
        })
    }

    async fn remove(&self, hosted: &HostedMedia) -> outpost_platforms::Result<()> {
        let mut s = self.state.lock().unwrap();
        s.objects.remove(&hosted.key);
        s.removed.push(hosted.key.clone());
        Ok(())
    }
}

fn rand_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed) ^ u64::from(std::process::id()) << 32
}

/// Publishes `post` with `publisher` against the emulator `e`, with `host` as the media host.
pub async fn publish_via(
    publisher: &dyn outpost_platforms::publish::Publisher,
    e: &crate::support::Emulator,
    tokens: &outpost_platforms::TokenSet,
    post: &outpost_platforms::publish::Post,
    host: Option<&TinyHost>,
) -> outpost_platforms::Result<outpost_platforms::publish::Published> {
    let h = crate::support::http();
    let ep = e.endpoints();
    let app = crate::support::no_app();
    let c = outpost_platforms::Ctx {
        media_host: host.map(|x| x as &dyn MediaHost),
        ..crate::support::ctx(&h, &ep, &app)
    };
    publisher.publish(c, tokens, post, &|_, _| {}).await
}

/// The SHA-256 of a file, hex.
pub fn sha(path: &std::path::Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}
