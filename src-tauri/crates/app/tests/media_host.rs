//! Settings → Media host through the application services: the secret is sealed and never comes
//! back, export carries the settings without it, "delete all my data" removes both, and the test
//! connection and publishing's media host work against the S3 test server (tests/s3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data_support;
#[path = "../../mediahost/tests/support/mod.rs"]
mod s3_support;

use std::time::Duration;

use data_support::{contains, entries, open};
use outpost_app::data::NoRevoker;
use outpost_app::{ErrorCode, Secret};
use outpost_mediahost::{MediaHostConfig, Provider, TestStep};

fn config(endpoint: &str, key: &str) -> MediaHostConfig {
    MediaHostConfig {
        provider: Provider::Custom,
        endpoint: endpoint.into(),
        region: "us-east-1".into(),
        bucket: "outpost-media".into(),
        path_style: true,
        access_key_id: key.into(),
        public_base_url: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_keep_the_secret_sealed_export_and_delete_all_leave_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = open(dir.path()).await;
    let secret = "Sup3rSecretAccessKeyValue0987654321xyz";

    let empty = o.media_host_settings().await.unwrap();
    assert_eq!((empty.config, empty.has_secret), (None, false));
    assert!(o.media_host().await.unwrap().is_none());
    let e = o.test_media_host().await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::AppNotConfigured);

    // No secret yet: refused; bad fields: refused with the field's message.
    let c = config("http://127.0.0.1:9000/", "AKIAEXAMPLE");
    let e = o.save_media_host(&c, None).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("secret access key"), "{e}");
    let mut bad = c.clone();
    bad.bucket = "x".into();
    let e = o
        .save_media_host(&bad, Some(Secret::new(secret)))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("3 to 63"), "{e}");

    let saved = o
        .save_media_host(&c, Some(Secret::new(secret)))
        .await
        .unwrap();
    assert!(saved.has_secret);
    assert_eq!(
        saved.config.as_ref().unwrap().endpoint,
        "http://127.0.0.1:9000"
    );
    assert!(!serde_json::to_string(&saved).unwrap().contains(secret));
    // Saving again without a secret keeps it.
    let mut changed = c.clone();
    changed.region = "eu-west-1".into();
    let again = o.save_media_host(&changed, None).await.unwrap();
    assert!(again.has_secret);
    assert_eq!(again.config.unwrap().region, "eu-west-1");
    assert!(o.media_host().await.unwrap().is_some());

    // Export: the settings, never the secret (in any form).
    let archive = dir.path().join("export.zip");
    o.export_archive(&archive, None).await.unwrap();
    let all: Vec<u8> = entries(&archive).into_iter().flat_map(|(_, b)| b).collect();
    assert!(contains(&all, b"eu-west-1"), "the settings are exported");
    assert!(!contains(&all, secret.as_bytes()), "the secret is not");

    // Delete all my data: settings and sealed secret gone.
    o.delete_all_data(&NoRevoker).await.unwrap();
    let after = o.media_host_settings().await.unwrap();
    assert_eq!((after.config, after.has_secret), (None, false));
    o.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_forgets_settings_and_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = open(dir.path()).await;
    o.save_media_host(
        &config("http://127.0.0.1:9000", "AKIAEXAMPLE"),
        Some(Secret::new("abcdefgh12345678")),
    )
    .await
    .unwrap();
    o.remove_media_host().await.unwrap();
    o.remove_media_host().await.unwrap();
    let s = o.media_host_settings().await.unwrap();
    assert_eq!((s.config, s.has_secret), (None, false));
    o.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_and_the_publishing_host_use_the_saved_bucket() {
    let Some(server) = s3_support::s3() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (o, _) = open(dir.path()).await;
    let c = config(&server.endpoint, &server.access_key_id);

    o.save_media_host(&c, Some(Secret::new("wrong-secret-value-123")))
        .await
        .unwrap();
    let report = o.test_media_host().await.unwrap();
    assert!(!report.ok);
    assert_eq!(report.failed_step, Some(TestStep::Upload));
    assert!(
        report.message.contains("refused the access key"),
        "{}",
        report.message
    );
    assert!(!report.message.contains("wrong-secret-value-123"));

    o.save_media_host(&c, Some(Secret::new(server.secret.clone())))
        .await
        .unwrap();
    let report = o.test_media_host().await.unwrap();
    assert!(report.ok, "{}", report.message);
    assert_eq!(report.failed_step, None);

    // The host publishing hands to platforms puts and removes files in the bucket.
    let host = o.media_host().await.unwrap().unwrap();
    let file = dir.path().join("a.png");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\n0000").unwrap();
    let media = outpost_platforms::publish::MediaFile {
        path: file,
        mime: "image/png".into(),
        kind: outpost_platforms::publish::MediaKind::Image,
        bytes: 12,
        width: None,
        height: None,
        duration_ms: None,
        alt: None,
    };
    let hosted = host.put(&media, Duration::from_secs(300)).await.unwrap();
    assert!(hosted.key.starts_with("outpost-tmp/") && hosted.key.ends_with(".png"));
    host.remove(&hosted).await.unwrap();
    // Nothing old to sweep.
    let swept = o.sweep_media_host().await.unwrap().unwrap();
    assert_eq!(swept.removed, 0);
    o.close().await;
}
