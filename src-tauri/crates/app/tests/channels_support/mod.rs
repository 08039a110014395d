//! Shared harness of the channel (sign-in and token lifecycle) tests: platform emulators
//! (`tests/emulators/serve.py`), a scripted "browser" that follows redirects, profiles pointed at
//! the emulators, and helpers to read what the emulator saw.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use outpost_app::channels::{Browser, ConnectCandidates, ConnectStarted, Surface};
use outpost_app::{OpenOptions, Outpost, Paths};
use outpost_net::reqwest;
use outpost_platforms::{Endpoints, Platform, Secret};
use outpost_vault::VaultConfig;
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "outpost-test-client-id";
pub const CLIENT_SECRET: &str = "CLIENT-SECRET-quux-9d41e7";

/// The workspace root (`/…/repo`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

// ---------------------------------------------------------------------------------------------
// Profiles

/// A profile under `dir` with its own keychain service (passphrase mode when no keychain answers,
/// unless OUTPOST_REQUIRE_KEYCHAIN=1), the given platform origins, browser and a short back-off.
pub fn options(dir: &Path, endpoints: Endpoints, browser: Arc<dyn Browser>) -> OpenOptions {
    let paths = Paths::resolve(Some(dir.to_path_buf())).unwrap();
    let mut o = OpenOptions::new(paths);
    o.keychain_service = format!("app.outpost.test.{}", uuid::Uuid::new_v4());
    if !keychain_available(&o.keychain_service) {
        o.passphrase = Some(Secret::new("correct horse battery staple"));
    }
    o.endpoints = Some(endpoints);
    o.browser = browser;
    o.retry_base = Duration::from_millis(5);
    o
}

pub fn keychain_available(service: &str) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    let st = outpost_vault::status(&VaultConfig::new(tmp.path()).with_keychain_service(service));
    if st.keychain_available {
        return true;
    }
    assert!(
        std::env::var("OUTPOST_REQUIRE_KEYCHAIN").as_deref() != Ok("1"),
        "OUTPOST_REQUIRE_KEYCHAIN=1 but no OS keychain answers: {}",
        st.detail
    );
    false
}

/// Every byte of the database files (main file, WAL, shared memory).
pub fn db_bytes(o: &Outpost) -> Vec<u8> {
    let db = o.paths().database();
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(b) = std::fs::read(&p) {
            out.extend(b);
        }
    }
    assert!(!out.is_empty(), "no database file at {}", db.display());
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Number of sealed secrets a channel owns.
pub async fn sealed_count(o: &Outpost, channel_id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM sealed_secrets WHERE owner_kind = 'channel' AND owner_id = ?1",
    )
    .bind(channel_id)
    .fetch_one(o.store().pool())
    .await
    .unwrap()
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether something accepts connections on 127.0.0.1:`port`.
pub fn port_open(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(300),
    )
    .is_ok()
}

// ---------------------------------------------------------------------------------------------
// Emulators

/// One platform emulator process; killed on drop (and it exits by itself when its stdin closes).
pub struct Emulator {
    child: Child,
    _stdin: ChildStdin,
    _stdout: BufReader<ChildStdout>,
    pub origin: String,
    pub platform: String,
    http: reqwest::Client,
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

impl Emulator {
    pub fn start(platform: &str) -> Emulator {
        let script = repo_root().join("tests/emulators/serve.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--platform", platform, "--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 tests/emulators/serve.py could not start");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("emulator {platform} printed {line:?}: {e}"));
        Emulator {
            child,
            _stdin: stdin,
            _stdout: stdout,
            origin: v["origin"].as_str().unwrap().to_string(),
            platform: platform.to_string(),
            http: http_client(),
        }
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

    /// Every token, code, verifier, state and credential the emulator saw in requests.
    pub async fn secrets_seen(&self) -> std::collections::BTreeSet<String> {
        let mut secrets = std::collections::BTreeSet::new();
        for e in self.log().await {
            if let Some(b) = e["headers"]["authorization"].as_str() {
                secrets.insert(
                    b.trim_start_matches("Bearer ")
                        .trim_start_matches("Basic ")
                        .to_string(),
                );
            }
            for part in ["form", "query"] {
                let Some(m) = e[part].as_object() else {
                    continue;
                };
                for k in ["code", "refresh_token", "token", "code_verifier", "state"] {
                    if let Some(v) = m.get(k).and_then(|v| v.as_str()) {
                        secrets.insert(v.to_string());
                    }
                }
            }
        }
        secrets
    }

    pub async fn log(&self) -> Vec<Value> {
        self.admin_get("log").await.as_array().unwrap().clone()
    }

    pub async fn state(&self) -> Value {
        self.admin_get("state").await
    }

    /// Log entries for `method path`.
    pub async fn requests(&self, method: &str, path: &str) -> Vec<Value> {
        self.log()
            .await
            .into_iter()
            .filter(|e| e["method"] == method && e["path"] == path)
            .collect()
    }

    /// Every bearer token the emulator saw, in order.
    pub async fn bearers(&self) -> Vec<String> {
        self.log()
            .await
            .iter()
            .filter_map(|e| e["headers"]["authorization"].as_str())
            .filter_map(|a| a.strip_prefix("Bearer ").map(str::to_string))
            .collect()
    }

    /// POSTs a form to the emulator (a client talking to the platform directly).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.origin))
            .form(form)
            .send()
            .await
            .unwrap();
        let s = r.status().as_u16();
        (s, r.json().await.unwrap_or(Value::Null))
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The browser

/// What the scripted browser did.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    /// Every URL requested, the authorize URL first.
    pub visited: Vec<String>,
    /// Status of the last response (0 when the connection failed).
    pub status: u16,
    pub body: String,
    /// A redirect to a non-http scheme (the app's deep link), not followed.
    pub deep_link: Option<String>,
    /// The URL the walk stopped before (see [`follow_until`]).
    pub stopped_at: Option<String>,
}

/// Follows redirects from `url` like a browser (GET, Location, at most 10 hops), including the
/// final hop to Outpost's loopback listener. A redirect to a non-http scheme is recorded, not followed.
pub async fn follow(url: &str) -> Visit {
    follow_until(url, None).await
}

/// As [`follow`], but stops before requesting a URL starting with `stop_before`.
pub async fn follow_until(url: &str, stop_before: Option<&str>) -> Visit {
    let client = http_client();
    let mut v = Visit::default();
    let mut cur = url::Url::parse(url).unwrap();
    for _ in 0..=10 {
        if let Some(p) = stop_before
            && cur.as_str().starts_with(p)
        {
            v.stopped_at = Some(cur.to_string());
            return v;
        }
        v.visited.push(cur.to_string());
        let resp = match client.get(cur.clone()).send().await {
            Ok(r) => r,
            Err(e) => {
                v.status = 0;
                v.body = e.to_string();
                return v;
            }
        };
        v.status = resp.status().as_u16();
        if resp.status().is_redirection() {
            let loc = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_string)
                .expect("redirect without Location");
            let next = cur.join(&loc).unwrap();
            if !matches!(next.scheme(), "http" | "https") {
                v.deep_link = Some(next.to_string());
                return v;
            }
            cur = next;
            continue;
        }
        v.body = resp.text().await.unwrap_or_default();
        return v;
    }
    panic!("more than 10 redirects from {url}");
}

/// A browser that opens nothing (the test drives the browser step) and records the URLs.
#[derive(Debug, Default)]
pub struct NoBrowser {
    pub opened: Mutex<Vec<String>>,
}

impl Browser for NoBrowser {
    fn open(&self, url: &str) -> outpost_app::Result<()> {
        self.opened.lock().unwrap().push(url.to_string());
        Ok(())
    }
}

/// A browser that follows the authorize URL by itself on the current tokio runtime (for
/// `connect_all`); its visits are recorded.
#[derive(Debug, Default)]
pub struct AutoBrowser {
    pub visits: Arc<Mutex<Vec<Visit>>>,
}

impl Browser for AutoBrowser {
    fn open(&self, url: &str) -> outpost_app::Result<()> {
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|e| outpost_app::Error::BrowserNotOpened(e.to_string()))?;
        let visits = self.visits.clone();
        let url = url.to_string();
        handle.spawn(async move {
            let v = follow(&url).await;
            visits.lock().unwrap().push(v);
        });
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// A profile connected to one emulator

pub struct Setup {
    pub emu: Emulator,
    pub o: Outpost,
    pub dir: tempfile::TempDir,
    pub platform: Platform,
    /// The redirect URI registered with the emulator (`None` for Mastodon: Outpost registers).
    pub redirect_uri: Option<String>,
    /// The loopback port chosen for fixed-port platforms.
    pub port: Option<u16>,
    pub browser: Arc<NoBrowser>,
}

/// Whether the tests give `p`'s developer app a client secret.
pub fn uses_secret(p: Platform) -> bool {
    p.secret_required()
}

/// Mastodon's CLI sign-in listens on the fixed port 47863 (`DEFAULT_LOOPBACK_PORT`: a Mastodon app
/// is registered per sign-in, so there is no saved port to change): the tests of one binary that
/// connect it take turns, or two listeners would collide.
static FIXED_LOOPBACK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `setup` plus one connected account (signed in through the CLI surface); returns its channel id.
pub async fn connected(platform: Platform) -> (Setup, String) {
    let s = setup(platform).await;
    let _turn = match platform {
        Platform::Mastodon => Some(FIXED_LOOPBACK.lock().await),
        _ => None,
    };
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
    let id = v[0].id.clone();
    (s, id)
}

/// An emulator for `platform`, a profile pointed at it with the developer app saved (client
/// secret where the platform needs one), a private loopback port where the port is fixed, and
/// the app registered in the emulator with the redirect URI Outpost says to register.
pub async fn setup(platform: Platform) -> Setup {
    setup_with(platform, uses_secret(platform)).await
}

/// The platform origins a profile uses to reach `emu` (Mastodon: none, its server URL is the
/// channel's instance).
pub fn endpoints_for(platform: Platform, emu: &Emulator) -> Endpoints {
    if platform == Platform::Mastodon {
        Endpoints::default()
    } else {
        Endpoints::default().with(platform, &emu.origin).unwrap()
    }
}

pub async fn setup_with(platform: Platform, with_secret: bool) -> Setup {
    let emu = Emulator::start(platform.id());
    let dir = tempfile::tempdir().unwrap();
    let endpoints = endpoints_for(platform, &emu);
    let browser = Arc::new(NoBrowser::default());
    let o = Outpost::open(options(dir.path(), endpoints, browser.clone()))
        .await
        .unwrap();
    let (port, redirect_uri) = register_app(&o, &emu, platform, with_secret).await;
    Setup {
        emu,
        o,
        dir,
        platform,
        redirect_uri,
        port,
        browser,
    }
}

/// Saves the developer app in the profile (client secret when `with_secret`; a private loopback
/// port where the port is fixed) and registers it in the emulator with the redirect URI Outpost
/// says to register. Returns (port, redirect URI); both `None` where no developer app is needed.
pub async fn register_app(
    o: &Outpost,
    emu: &Emulator,
    platform: Platform,
    with_secret: bool,
) -> (Option<u16>, Option<String>) {
    if !platform.needs_developer_app() {
        return (None, None);
    }
    let mut port = None;
    let secret = with_secret.then(|| Secret::new(CLIENT_SECRET));
    // LinkedIn: an app with the Community Management product (company pages), said so in Outpost.
    let org = platform == Platform::Linkedin;
    o.save_developer_app(platform, CLIENT_ID, secret, org)
        .await
        .unwrap();
    if platform.redirect_policy() == outpost_platforms::platform::RedirectPolicy::FixedLoopback {
        let p = free_port();
        o.set_loopback_port(platform, p).await.unwrap();
        port = Some(p);
    }
    let uri = o.redirect_uri(platform, Surface::Cli).await.unwrap();
    let mut app = json!({"client_id": CLIENT_ID, "redirect_uris": [uri]});
    if org {
        app["products"] = json!(["sign_in_openid", "share", "community_management"]);
    }
    if with_secret {
        app["client_secret"] = json!(CLIENT_SECRET);
    }
    emu.admin("apps", app).await;
    (port, Some(uri))
}

/// Connects `n` accounts of `platform` (the emulator's user switched before each sign-in, ids
/// from `first_user_id` on) and returns their channel ids.
pub async fn connect_accounts(
    o: &Outpost,
    emu: &Emulator,
    platform: Platform,
    n: usize,
    first_user_id: usize,
) -> Vec<String> {
    let instance = (platform == Platform::Mastodon).then(|| emu.origin.clone());
    let mut ids = Vec::new();
    for i in 0..n {
        let uid = first_user_id + i;
        emu.admin(
            "user",
            json!({"id": uid.to_string(), "name": format!("Account {uid}"), "username": format!("account{uid}")}),
        )
        .await;
        let started = o
            .connect_start_with_timeout(
                platform,
                instance.as_deref(),
                Surface::Cli,
                Duration::from_secs(20),
            )
            .await
            .unwrap();
        let (visit, waited) = sign_in_browser_step(o, &started).await;
        let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
        ids.push(
            o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap()[0]
                .id
                .clone(),
        );
    }
    ids
}

impl Setup {
    pub fn instance(&self) -> Option<String> {
        (self.platform == Platform::Mastodon).then(|| self.emu.origin.clone())
    }

    pub async fn start(&self, surface: Surface, timeout: Duration) -> ConnectStarted {
        let inst = self.instance();
        self.o
            .connect_start_with_timeout(self.platform, inst.as_deref(), surface, timeout)
            .await
            .unwrap()
    }

    /// A whole browser step: start, walk the browser (delivering a deep link if it ends in one),
    /// wait. Returns the flow, what the browser did and the outcome of `connect_wait`.
    pub async fn sign_in(
        &self,
        surface: Surface,
    ) -> (
        ConnectStarted,
        Visit,
        outpost_app::Result<ConnectCandidates>,
    ) {
        let started = self.start(surface, Duration::from_secs(20)).await;
        let (visit, waited) = sign_in_browser_step(&self.o, &started).await;
        (started, visit, waited)
    }
}

/// Runs the browser on `started.authorize_url` alongside `connect_wait` (a loopback callback
/// needs the listener accepting), handing a deep link to `deliver_oauth_callback`.
pub async fn sign_in_browser_step(
    o: &Outpost,
    started: &ConnectStarted,
) -> (Visit, outpost_app::Result<ConnectCandidates>) {
    let browse = async {
        let v = follow(&started.authorize_url).await;
        if let Some(link) = &v.deep_link {
            match outpost_app::deeplink::parse(link).unwrap() {
                outpost_app::deeplink::DeepLink::OauthCallback { provider, query } => {
                    o.deliver_oauth_callback(&provider, query).unwrap();
                }
                other => panic!("unexpected deep link {other:?}"),
            }
        }
        v
    };
    tokio::join!(browse, o.connect_wait(&started.flow_id))
}

/// The value of `key` in a URL's query.
pub fn query_param(url: &str, key: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}
