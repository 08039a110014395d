//! The media host against a real S3-compatible server on loopback (moto behind a strict SigV4
//! presigned-URL verifier, see tests/s3/start.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use outpost_mediahost::{MediaHostError, PREFIX, TestStep};
use outpost_net::reqwest;
use outpost_platforms::publish::{MediaFile, MediaHost, MediaKind};
use support::{dead_port, s3};

fn media(path: &std::path::Path, mime: &str, bytes: u64) -> MediaFile {
    MediaFile {
        path: path.to_path_buf(),
        mime: mime.into(),
        kind: MediaKind::Image,
        bytes,
        width: Some(1),
        height: Some(1),
        duration_ms: None,
        alt: None,
    }
}

async fn get(url: &str) -> (u16, String, Vec<u8>) {
    let r = reqwest::get(url).await.unwrap();
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn put_gives_a_fetchable_url_then_remove_makes_it_gone() {
    let Some(server) = s3() else { return };
    let host = server.host();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Photo.JPG");
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..100_000u32).map(|i| (i % 251) as u8));
    std::fs::write(&path, &bytes).unwrap();

    let dyn_host: &dyn MediaHost = &host;
    let hosted = dyn_host
        .put(
            &media(&path, "image/jpeg", bytes.len() as u64),
            Duration::from_secs(600),
        )
        .await
        .unwrap();
    assert!(hosted.key.starts_with(PREFIX), "{}", hosted.key);
    assert!(hosted.key.ends_with(".jpg"), "{}", hosted.key);
    assert!(
        hosted.url.contains("X-Amz-Signature="),
        "presigned GET expected"
    );
    assert!(hosted.url.contains("X-Amz-Expires=600"), "{}", hosted.url);

    let (status, ct, body) = get(&hosted.url).await;
    assert_eq!(status, 200);
    assert_eq!(ct, "image/jpeg");
    assert_eq!(body, bytes, "the exact bytes");

    // A second file gets another key.
    let again = dyn_host
        .put(
            &media(&path, "image/jpeg", bytes.len() as u64),
            Duration::from_secs(60),
        )
        .await
        .unwrap();
    assert_ne!(again.key, hosted.key);
    assert_eq!(host.list().await.unwrap().len(), 2);

    dyn_host.remove(&hosted).await.unwrap();
    let (status, _, body) = get(&hosted.url).await;
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("NoSuchKey"));
    // Idempotent.
    dyn_host.remove(&hosted).await.unwrap();
    dyn_host.remove(&again).await.unwrap();
    assert!(host.list().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unreadable_file_is_a_clear_error() {
    let Some(server) = s3() else { return };
    let host = server.host();
    let e = host
        .put_file(
            std::path::Path::new("/nonexistent/clip.mp4"),
            "video/mp4",
            Duration::from_secs(60),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, MediaHostError::File { .. }), "{e:?}");
    assert!(e.to_string().starts_with("clip.mp4: cannot be read"), "{e}");
}

#[tokio::test]
async fn sweep_removes_only_old_objects_under_the_prefix() {
    let Some(server) = s3() else { return };
    let host = server.host();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.png");
    std::fs::write(&path, b"\x89PNG\r\n\x1a\nxxxx").unwrap();

    // An object of the user's own, outside Outpost's prefix.
    let mine = dir.path().join("mine.txt");
    std::fs::write(&mine, b"keep me").unwrap();
    let own = host
        .put_file(&mine, "text/plain", Duration::from_secs(600))
        .await
        .unwrap();
    let own_key = own.key.replacen(PREFIX, "my-photos/", 1);
    copy_object(&server, &own.key, &own_key).await;
    host.remove_key(&own.key).await.unwrap();

    let old = host
        .put_file(&path, "image/png", Duration::from_secs(600))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let new = host
        .put_file(&path, "image/png", Duration::from_secs(600))
        .await
        .unwrap();

    let report = host.sweep(Duration::from_secs(3600)).await.unwrap();
    assert_eq!((report.removed, report.kept), (0, 2));
    let report = host.sweep(Duration::from_secs(2)).await.unwrap();
    assert_eq!((report.removed, report.kept), (1, 1));
    let left: Vec<String> = host
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(left, vec![new.key.clone()]);
    assert_eq!(get(&old.url).await.0, 404);
    assert_eq!(get(&new.url).await.0, 200);
    // The user's own object is untouched.
    let url = presigned_get(&server, &own_key);
    assert_eq!(get(&url).await.2, b"keep me");
}

/// Copies an object with a presigned PUT + x-amz-copy-source (test helper, outside the crate).
async fn copy_object(server: &support::S3Server, from: &str, to: &str) {
    use rusty_s3::S3Action;
    let bucket = server.config().validated().unwrap();
    let b = rusty_s3::Bucket::new(
        bucket.endpoint_url().unwrap(),
        rusty_s3::UrlStyle::Path,
        "outpost-media",
        server.region.clone(),
    )
    .unwrap();
    let creds = rusty_s3::Credentials::new(server.access_key_id.clone(), server.secret.clone());
    let source = format!("/outpost-media/{from}");
    let mut put = b.put_object(Some(&creds), to);
    put.headers_mut()
        .insert("x-amz-copy-source", source.as_str());
    let url = put.sign(Duration::from_secs(60));
    let r = reqwest::Client::new()
        .put(url)
        .header("x-amz-copy-source", source)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
}

fn presigned_get(server: &support::S3Server, key: &str) -> String {
    use rusty_s3::S3Action;
    let b = rusty_s3::Bucket::new(
        server.endpoint.parse().unwrap(),
        rusty_s3::UrlStyle::Path,
        "outpost-media",
        server.region.clone(),
    )
    .unwrap();
    let creds = rusty_s3::Credentials::new(server.access_key_id.clone(), server.secret.clone());
    b.get_object(Some(&creds), key)
        .sign(Duration::from_secs(60))
        .to_string()
}

#[tokio::test]
async fn a_wrong_secret_is_a_clear_error_without_the_secret() {
    let Some(server) = s3() else { return };
    let wrong = "WrongSecretKeyThatMustNeverAppear1234";
    let host = server.host_with(&server.config(), wrong);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.png");
    std::fs::write(&path, b"\x89PNG\r\n\x1a\nxxxx").unwrap();
    let e = host
        .put_file(&path, "image/png", Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        matches!(e, MediaHostError::CredentialsRefused { .. }),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("secret access key does not match"), "{msg}");
    for text in [
        msg,
        format!("{e:?}"),
        outpost_platforms::Error::from(e).to_string(),
    ] {
        assert!(!text.contains(wrong), "{text}");
        assert!(!text.contains(&server.secret), "{text}");
        assert!(!text.contains("X-Amz-Signature"), "{text}");
    }
    assert!(!format!("{host:?}").contains(wrong));

    let failure = host.test_connection().await.unwrap_err();
    assert_eq!(failure.step, TestStep::Upload);
    assert!(
        failure
            .to_string()
            .starts_with("Uploading a test file failed: The media host refused the access key"),
        "{failure}"
    );
}

#[tokio::test]
async fn an_unknown_access_key_or_wrong_region_is_a_clear_error() {
    let Some(server) = s3() else { return };
    let mut c = server.config();
    c.access_key_id = "AKIANOTKNOWN".into();
    let e = server
        .host_with(&c, &server.secret)
        .list()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("access key id is not known"), "{e}");

    let mut c = server.config();
    c.region = "eu-west-3".into();
    let e = server
        .host_with(&c, &server.secret)
        .list()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            MediaHostError::Refused { .. } | MediaHostError::WrongRegion { .. }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("region"), "{e}");
}

#[tokio::test]
async fn a_missing_bucket_is_a_clear_error() {
    let Some(server) = s3() else { return };
    let mut c = server.config();
    c.bucket = "no-such-bucket".into();
    let host = server.host_with(&c, &server.secret);
    let e = host.list().await.unwrap_err();
    assert!(matches!(e, MediaHostError::BucketMissing { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "The bucket \"no-such-bucket\" does not exist at this endpoint; check the bucket name and the endpoint"
    );
    let p: outpost_platforms::Error = e.into();
    assert!(!p.is_transient());
    let failure = host.test_connection().await.unwrap_err();
    assert_eq!(failure.step, TestStep::Upload);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transient_clear_error() {
    let mut c = outpost_mediahost::MediaHostConfig {
        endpoint: format!("http://127.0.0.1:{}", dead_port()),
        region: "us-east-1".into(),
        bucket: "outpost-media".into(),
        path_style: true,
        access_key_id: "AKIAEXAMPLE".into(),
        ..Default::default()
    };
    let host = outpost_mediahost::S3Host::new(
        &c,
        &outpost_vault::Secret::new("secret-secret"),
        support::http(),
    )
    .unwrap();
    let e = host.list().await.unwrap_err();
    assert!(matches!(e, MediaHostError::Unreachable { .. }), "{e:?}");
    assert!(e.to_string().contains("could not be reached"), "{e}");
    assert!(e.to_string().contains("127.0.0.1"), "{e}");
    let p: outpost_platforms::Error = e.into();
    assert!(p.is_transient(), "{p:?}");
    assert!(matches!(
        p,
        outpost_platforms::Error::MediaHostUnavailable(_)
    ));
    let failure = host.test_connection().await.unwrap_err();
    assert_eq!(failure.step, TestStep::Upload);

    c.endpoint = "http://unresolvable-host.invalid".into();
    let host = outpost_mediahost::S3Host::new(
        &c,
        &outpost_vault::Secret::new("secret-secret"),
        support::http(),
    )
    .unwrap();
    let e = host.list().await.unwrap_err();
    assert!(e.is_transient(), "{e:?}");
}

#[tokio::test]
async fn test_connection_passes_and_catches_an_unusable_public_url() {
    let Some(server) = s3() else { return };
    server.host().test_connection().await.unwrap();
    assert!(
        server.host().list().await.unwrap().is_empty(),
        "the test object is deleted"
    );

    // A "public" base URL on a private bucket: the object uploads, the URL is refused.
    let mut c = server.config();
    c.public_base_url = Some(format!("{}/outpost-media", server.endpoint));
    let host = server.host_with(&c, &server.secret);
    let failure = host.test_connection().await.unwrap_err();
    assert_eq!(failure.step, TestStep::Fetch, "{failure}");
    assert!(failure.to_string().contains("access denied"), "{failure}");
    assert!(
        host.list().await.unwrap().is_empty(),
        "cleaned up after a failed fetch"
    );

    // A public base URL nobody answers on.
    c.public_base_url = Some(format!("http://127.0.0.1:{}", dead_port()));
    let failure = server
        .host_with(&c, &server.secret)
        .test_connection()
        .await
        .unwrap_err();
    assert_eq!(failure.step, TestStep::Fetch);
    assert!(
        failure.to_string().contains("could not be reached"),
        "{failure}"
    );
}
