//! Bluesky (app passwords, legacy sessions) against the real reference PDS (`tests/pds/run.sh`).
//! One PDS process is shared by these tests; each test uses its own account.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod channels_support;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};

use channels_support::*;
use outpost_app::channels::RefreshOutcome;
use outpost_app::{ErrorCode, Outpost};
use outpost_platforms::{Endpoints, Platform, Secret};
use serde_json::{Value, json};

struct Pds {
    info: Value,
    _child: Child,
    _stdin: ChildStdin,
    _stdout: BufReader<ChildStdout>,
}

static PDS: OnceLock<Mutex<Option<Pds>>> = OnceLock::new();

/// The shared PDS's JSON line, or `None` (skip) when it is not installed and not required.
fn pds() -> Option<Value> {
    let slot = PDS.get_or_init(|| {
        let root = repo_root();
        if !root.join("tests/pds/node_modules").is_dir() {
            assert!(
                std::env::var("OUTPOST_REQUIRE_PDS").as_deref() != Ok("1"),
                "OUTPOST_REQUIRE_PDS=1 but tests/pds/node_modules is missing (run bash tests/pds/install.sh)"
            );
            return Mutex::new(None);
        }
        let log = std::env::temp_dir().join(format!("outpost-pds-{}.log", std::process::id()));
        let mut child = Command::new("bash")
            .arg(root.join("tests/pds/run.sh"))
            .args(["--accounts", "3"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("bash tests/pds/run.sh could not start");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let info: Value = serde_json::from_str(line.trim()).unwrap_or_else(|e| {
            panic!(
                "the PDS did not start ({e}): {line:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
        Mutex::new(Some(Pds {
            info,
            _child: child,
            _stdin: stdin,
            _stdout: stdout,
        }))
    });
    let p = slot.lock().unwrap();
    if p.is_none() {
        eprintln!(
            "SKIP: tests/pds/node_modules is missing (bash tests/pds/install.sh); set OUTPOST_REQUIRE_PDS=1 to fail instead"
        );
    }
    p.as_ref().map(|p| p.info.clone())
}

fn account(info: &Value, i: usize) -> Value {
    info["accounts"][i].clone()
}

async fn profile() -> (tempfile::TempDir, Outpost) {
    let dir = tempfile::tempdir().unwrap();
    let o = Outpost::open(options(
        dir.path(),
        Endpoints::default(),
        Arc::new(NoBrowser::default()),
    ))
    .await
    .unwrap();
    (dir, o)
}

async fn xrpc(pds: &str, method: &str, bearer: Option<&str>, body: Value) -> (u16, Value) {
    let mut rb = http_client().post(format!("{pds}/xrpc/{method}"));
    if !body.is_null() {
        rb = rb.json(&body);
    }
    if let Some(b) = bearer {
        rb = rb.bearer_auth(b);
    }
    let r = rb.send().await.unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_connect_check_refresh_disconnect() {
    let Some(info) = tokio::task::spawn_blocking(pds).await.unwrap() else {
        return;
    };
    let a = account(&info, 0);
    let pds_url = info["pds"].as_str().unwrap();
    let (_dir, o) = profile().await;
    let mut events = o.channel_events();
    let views = o
        .connect_bluesky(
            Some(pds_url),
            a["handle"].as_str().unwrap(),
            &Secret::new(a["appPassword"].as_str().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(views.len(), 1);
    let v = &views[0];
    assert_eq!(v.platform, Platform::Bluesky);
    assert_eq!(v.platform_account_id, a["did"].as_str().unwrap());
    assert!(v.platform_account_id.starts_with("did:plc:"));
    assert!(
        v.handle.contains(a["handle"].as_str().unwrap()),
        "{}",
        v.handle
    );
    assert_eq!(v.status, "connected");
    assert_eq!(v.instance_url.trim_end_matches('/'), pds_url);
    let now = outpost_store::now_ms();
    // The access JWT lives 2 h (exp claim).
    let exp = v.token_expires_at.expect("no expiry from the JWT");
    assert!(
        exp > now + 7_000_000 && exp < now + 7_300_000,
        "{exp} vs {now}"
    );
    assert_eq!(events.recv().await.unwrap().reason, "connected");
    assert_eq!(sealed_count(&o, &v.id).await, 1);
    // The app password is not kept anywhere.
    assert!(!contains(
        &db_bytes(&o),
        a["appPassword"].as_str().unwrap().as_bytes()
    ));

    let checked = o.check_channel(&v.id).await.unwrap();
    assert_eq!(checked.status, "connected");

    let before = o.fresh_tokens(&v.id).await.unwrap();
    assert_eq!(
        o.refresh_channel(&v.id, true).await.unwrap(),
        RefreshOutcome::Refreshed
    );
    let after = o.fresh_tokens(&v.id).await.unwrap();
    assert_ne!(
        before.refresh_token.as_ref().unwrap().expose(),
        after.refresh_token.as_ref().unwrap().expose(),
        "the refresh token did not rotate"
    );
    // (The access JWT may be byte-identical: `iat` has 1 s resolution.)
    let db = db_bytes(&o);
    for t in [&before, &after] {
        assert!(!contains(&db, t.access_token.expose().as_bytes()));
        assert!(!contains(
            &db,
            t.refresh_token.as_ref().unwrap().expose().as_bytes()
        ));
    }
    // The new session works.
    let (s, body) = xrpc_get(
        pds_url,
        "com.atproto.server.getSession",
        after.access_token.expose(),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["did"], a["did"]);
    assert_eq!(o.check_channel(&v.id).await.unwrap().status, "connected");

    let report = o.disconnect_channel(&v.id).await.unwrap();
    assert_eq!(report.upstream, "revoked", "{report:?}");
    assert_eq!(sealed_count(&o, &v.id).await, 0);
    assert_eq!(o.channels().await.unwrap()[0].status, "disconnected");
    // deleteSession ended the session: its refresh token is revoked.
    let (s, body) = xrpc(
        pds_url,
        "com.atproto.server.refreshSession",
        Some(after.refresh_token.as_ref().unwrap().expose()),
        Value::Null,
    )
    .await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["error"], "ExpiredToken", "{body}");
}

async fn xrpc_get(pds: &str, method: &str, bearer: &str) -> (u16, Value) {
    let r = http_client()
        .get(format!("{pds}/xrpc/{method}"))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_wrong_password_is_rejected() {
    let Some(info) = tokio::task::spawn_blocking(pds).await.unwrap() else {
        return;
    };
    let a = account(&info, 2);
    let (_dir, o) = profile().await;
    let e = o
        .connect_bluesky(
            info["pds"].as_str(),
            a["handle"].as_str().unwrap(),
            &Secret::new("wrong-wrong-wrong-wrong"),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::PlatformRejected, "{e}");
    assert!(
        e.to_string().contains("Invalid identifier or password")
            || e.to_string().contains("AuthenticationRequired"),
        "the PDS's reason is not shown: {e}"
    );
    assert!(o.channels().await.unwrap().is_empty());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sealed_secrets")
        .fetch_one(o.store().pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_revoked_app_password_needs_reconnect() {
    let Some(info) = tokio::task::spawn_blocking(pds).await.unwrap() else {
        return;
    };
    let a = account(&info, 1);
    let pds_url = info["pds"].as_str().unwrap();
    let (_dir, o) = profile().await;
    let v = o
        .connect_bluesky(
            Some(pds_url),
            a["handle"].as_str().unwrap(),
            &Secret::new(a["appPassword"].as_str().unwrap()),
        )
        .await
        .unwrap()
        .remove(0);
    let mut events = o.channel_events();
    // The user revokes the app password (logged in with the main password).
    let (s, session) = xrpc(
        pds_url,
        "com.atproto.server.createSession",
        None,
        json!({"identifier": a["handle"], "password": a["password"]}),
    )
    .await;
    assert_eq!(s, 200, "{session}");
    let (s, body) = xrpc(
        pds_url,
        "com.atproto.server.revokeAppPassword",
        session["accessJwt"].as_str(),
        json!({"name": a["appPasswordName"]}),
    )
    .await;
    assert_eq!(s, 200, "{body}");

    let out = o.refresh_channel(&v.id, true).await.unwrap();
    assert!(matches!(out, RefreshOutcome::ReconnectNeeded(_)), "{out:?}");
    let ev = events.recv().await.unwrap();
    assert_eq!(ev.reason, "reconnect_needed");
    let c = &o.channels().await.unwrap()[0];
    assert_eq!(c.id, v.id);
    assert_eq!(c.status, "reconnect_needed");
    assert_eq!(sealed_count(&o, &v.id).await, 1, "nothing is deleted");
}
