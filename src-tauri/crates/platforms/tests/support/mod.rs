//! Shared helpers of the publishing tests: a platform emulator process (`tests/emulators/serve.py`),
//! the reference Bluesky PDS (`tests/pds/run.sh`), and a [`Ctx`] pointing at them.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use outpost_net::{HttpClient, NoActivity, reqwest};
use outpost_platforms::{AppCredentials, Ctx, Endpoints, Platform};
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

pub fn http() -> HttpClient {
    HttpClient::new(Arc::new(NoActivity)).unwrap()
}

/// A background process that printed one JSON line on start; killed on drop (it also exits when
/// its stdin closes).
pub struct Process {
    child: Child,
    _stdin: ChildStdin,
    _stdout: BufReader<ChildStdout>,
    pub line: Value,
}

impl Process {
    pub fn spawn(mut cmd: Command) -> Process {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("could not start the test server");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let line = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("the test server printed {line:?}: {e}"));
        Process {
            child,
            _stdin: stdin,
            _stdout: stdout,
            line,
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One platform emulator.
pub struct Emulator {
    _process: Process,
    pub origin: String,
    pub platform: Platform,
    http: reqwest::Client,
}

impl Emulator {
    pub fn start(platform: Platform) -> Emulator {
        let mut cmd = Command::new("python3");
        cmd.arg(repo_root().join("tests/emulators/serve.py")).args([
            "--platform",
            platform.id(),
            "--port",
            "0",
        ]);
        let p = Process::spawn(cmd);
        let origin = p.line["origin"].as_str().unwrap().to_string();
        Emulator {
            _process: p,
            origin,
            platform,
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        }
    }

    /// Endpoint overrides that send `platform`'s traffic here.
    pub fn endpoints(&self) -> Endpoints {
        Endpoints::default()
            .with(self.platform, &self.origin)
            .unwrap()
    }

    pub async fn admin(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/__emulator/{path}", self.origin))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status.is_success(), "admin {path} {body}: {status} {v}");
        v
    }

    pub async fn admin_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}/__emulator/{path}", self.origin))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn log(&self) -> Vec<Value> {
        self.admin_get("log").await.as_array().unwrap().clone()
    }

    /// Log entries for `method path`.
    pub async fn requests(&self, method: &str, path: &str) -> Vec<Value> {
        self.log()
            .await
            .into_iter()
            .filter(|e| e["method"] == method && e["path"] == path)
            .collect()
    }
}

/// A [`Ctx`] for `app` against `endpoints` (the pieces must outlive the call).
pub fn ctx<'a>(http: &'a HttpClient, endpoints: &'a Endpoints, app: &'a AppCredentials) -> Ctx<'a> {
    Ctx {
        http,
        endpoints,
        app,
        media_host: None,
        parts: None,
        quota: None,
    }
}

pub fn no_app() -> AppCredentials {
    AppCredentials {
        client_id: String::new(),
        client_secret: None,
        instance_url: None,
        organization_access: false,
    }
}

/// The reference PDS, when installed (`bash tests/pds/install.sh`); `None` means skip unless
/// `OUTPOST_REQUIRE_PDS=1`, which makes a missing PDS a failure.
pub fn pds(accounts: u32) -> Option<Process> {
    let installed = repo_root().join("tests/pds/node_modules").exists();
    if !installed {
        assert!(
            std::env::var("OUTPOST_REQUIRE_PDS").as_deref() != Ok("1"),
            "OUTPOST_REQUIRE_PDS=1 but tests/pds is not installed"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipping: the reference PDS is not installed (bash tests/pds/install.sh)");
        }
        return None;
    }
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("tests/pds/run.sh"))
        .args(["--accounts", &accounts.to_string()]);
    Some(Process::spawn(cmd))
}

/// A file of `len` bytes under a temp dir, its first bytes set to `magic` (for content sniffing).
pub fn file_with(dir: &std::path::Path, name: &str, magic: &[u8], len: usize) -> PathBuf {
    let p = dir.join(name);
    let mut bytes = vec![0u8; len.max(magic.len())];
    bytes[..magic.len()].copy_from_slice(magic);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A media host for the tests of platforms that fetch media from a URL (Instagram, Threads): a
/// local HTTP server on 127.0.0.1 serving each `put` file under a random key until `remove`.
/// Counts puts and removals so a test can assert every object was removed.
#[derive(Debug)]
pub struct TestMediaHost {
    pub origin: String,
    files: Arc<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>>,
    puts: std::sync::atomic::AtomicUsize,
    removed: std::sync::atomic::AtomicUsize,
    /// Every URL handed out (for assertions).
    pub urls: std::sync::Mutex<Vec<String>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestMediaHost {
    pub async fn start() -> TestMediaHost {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let files: Arc<std::sync::Mutex<std::collections::HashMap<String, PathBuf>>> =
            Arc::default();
        let served = files.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let files = served.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16384 {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&head)
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    let mut it = line.split(' ');
                    let (method, target) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
                    let key = target.trim_start_matches('/').to_string();
                    let path = files.lock().unwrap().get(&key).cloned();
                    let resp = match (method, path) {
                        ("GET", Some(p)) => {
                            let body = tokio::fs::read(&p).await.unwrap_or_default();
                            let mut r = format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .into_bytes();
                            r.extend_from_slice(&body);
                            r
                        }
                        _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec(),
                    };
                    let _ = sock.write_all(&resp).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        TestMediaHost {
            origin,
            files,
            puts: Default::default(),
            removed: Default::default(),
            urls: Default::default(),
            task,
        }
    }

    /// Objects put so far.
    pub fn puts(&self) -> usize {
        self.puts.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Objects still served (put and not removed).
    pub fn live(&self) -> usize {
        self.files.lock().unwrap().len()
    }

    pub fn removed(&self) -> usize {
        self.removed.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for TestMediaHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[async_trait::async_trait]
impl outpost_platforms::publish::MediaHost for TestMediaHost {
    async fn put(
        &self,
        file: &outpost_platforms::publish::MediaFile,
        _ttl: Duration,
    ) -> outpost_platforms::Result<outpost_platforms::publish::HostedMedia> {
        let n = self.puts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let key = format!("m{n}-{:016x}", rand::random::<u64>());
        self.files
            .lock()
            .unwrap()
            .insert(key.clone(), file.path.clone());
        let url = format!("{}/{key}", self.origin);
        self.urls.lock().unwrap().push(url.clone());
        Ok(outpost_platforms::publish::HostedMedia { key, url })
    }

    async fn remove(
        &self,
        hosted: &outpost_platforms::publish::HostedMedia,
    ) -> outpost_platforms::Result<()> {
        if self.files.lock().unwrap().remove(&hosted.key).is_some() {
            self.removed
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(())
    }
}

/// A part log kept in memory (the scheduler's is in the store): what was sent, what went live.
#[derive(Debug, Default)]
pub struct RecordedParts {
    pub sending: std::sync::Mutex<Vec<usize>>,
    pub live: std::sync::Mutex<Vec<outpost_platforms::publish::LivePart>>,
}

#[async_trait::async_trait]
impl outpost_platforms::publish::PartLog for RecordedParts {
    fn live(&self) -> Vec<outpost_platforms::publish::LivePart> {
        self.live.lock().unwrap().clone()
    }

    async fn sending(&self, index: usize) -> outpost_platforms::Result<()> {
        self.sending.lock().unwrap().push(index);
        Ok(())
    }

    async fn published(&self, index: usize, part: &outpost_platforms::publish::LivePart) {
        let mut live = self.live.lock().unwrap();
        assert_eq!(live.len(), index, "parts go live in order");
        live.push(part.clone());
    }
}
