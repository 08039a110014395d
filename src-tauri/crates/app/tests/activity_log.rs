//! The activity-log promise: every outbound request of the core is recorded (no tokens, no bodies)
//! and nothing older than 30 days survives a start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use outpost_app::{OpenOptions, Outpost, Paths};
use outpost_store::activity::{self, ActivityFilter, NewActivity};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn open(dir: &std::path::Path) -> Outpost {
    Outpost::open(OpenOptions::new(
        Paths::resolve(Some(dir.to_path_buf())).unwrap(),
    ))
    .await
    .unwrap()
}

async fn one_response_server() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 16 * 1024];
        let _ = sock.read(&mut buf).await.unwrap();
        sock.write_all(
            b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        )
        .await
        .unwrap();
    });
    port
}

#[tokio::test]
async fn outbound_requests_land_in_the_activity_log_without_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let outpost = open(tmp.path()).await;
    let port = one_response_server().await;
    let http = outpost.http();
    let req = http
        .reqwest()
        .post(format!(
            "http://127.0.0.1:{port}/oauth2/token?code=THE-CODE"
        ))
        .bearer_auth("THE-TOKEN")
        .body("client_secret=THE-SECRET")
        .build()
        .unwrap();
    let resp = http.execute("x", req).await.unwrap();
    assert_eq!(resp.status().as_u16(), 429);

    // The writer is asynchronous: wait (bounded) for the row.
    let mut page = None;
    for _ in 0..100 {
        let mut conn = outpost.store().pool().acquire().await.unwrap();
        let p = activity::list(&mut conn, &ActivityFilter::default(), 0, 50)
            .await
            .unwrap();
        if p.total > 0 {
            page = Some(p);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let page = page.expect("the request was recorded");
    assert_eq!(page.total, 1);
    let e = &page.entries[0];
    assert_eq!(
        (
            e.platform.as_str(),
            e.method.as_str(),
            e.host.as_str(),
            e.path.as_str()
        ),
        ("x", "POST", "127.0.0.1", "/oauth2/token")
    );
    assert_eq!(e.status, Some(429));
    let row = format!("{e:?}");
    for secret in ["THE-CODE", "THE-TOKEN", "THE-SECRET"] {
        assert!(
            !row.contains(secret),
            "{secret} leaked into the activity log: {row}"
        );
    }
    outpost.close().await;
}

#[tokio::test]
async fn entries_older_than_30_days_are_purged_at_start() {
    let tmp = tempfile::tempdir().unwrap();
    let day = 24 * 3600 * 1000;
    let now = outpost_store::now_ms();
    {
        let outpost = open(tmp.path()).await;
        // Let the start-up purge of this (empty) profile run first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        for (age_days, path) in [(31, "/old"), (29, "/recent")] {
            let row = NewActivity {
                at: now - age_days * day,
                platform: "mastodon".into(),
                method: "GET".into(),
                host: "example.social".into(),
                path: path.into(),
                status: Some(200),
                duration_ms: 12,
                bytes: 100,
                error_kind: None,
            };
            activity::record(outpost.store().pool(), &row)
                .await
                .unwrap();
        }
        outpost.close().await;
    }
    let outpost = open(tmp.path()).await;
    let mut remaining = Vec::new();
    for _ in 0..100 {
        let mut conn = outpost.store().pool().acquire().await.unwrap();
        let p = activity::list(&mut conn, &ActivityFilter::default(), 0, 50)
            .await
            .unwrap();
        remaining = p.entries.iter().map(|e| e.path.clone()).collect::<Vec<_>>();
        if remaining.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(remaining, vec!["/recent".to_string()]);
    outpost.close().await;
}
