//! Instagram publishing against the strict emulator: containers fetch their media from the test
//! media host (a local HTTP server), which must be empty after every publish.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use outpost_platforms::instagram::publish::InstagramPublisher;
use outpost_platforms::publish::{
    HostedMedia, MediaFile, MediaHost, Post, PostPart, Published, Publisher,
};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Emulator, TestMediaHost, ctx, file_with, http, no_app};

/// A JPEG header imagesize can read (SOI, JFIF, SOF0 16×16).
const JPEG: &[u8] = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x11\x08\x00\x10\x00\x10\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn setup(e: &Emulator) -> TokenSet {
    let t = e.admin("token", json!({})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens
        .extra
        .insert("author".into(), t["user_id"].as_str().unwrap().into());
    tokens
}

fn sha(path: &std::path::Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

struct Files(tempfile::TempDir);

impl Files {
    fn new() -> Files {
        Files(tempfile::tempdir().unwrap())
    }
    fn jpeg(&self, n: usize, alt: Option<&str>) -> MediaFile {
        let p = file_with(self.0.path(), &format!("i{n}.jpg"), JPEG, 4000 + n);
        MediaFile::inspect(&p, alt.map(str::to_string)).unwrap()
    }
    fn mp4(&self, n: usize) -> MediaFile {
        let p = file_with(self.0.path(), &format!("v{n}.mp4"), MP4, 50_000 + n);
        MediaFile::inspect(&p, None).unwrap()
    }
}

fn post(text: &str, media: Vec<MediaFile>) -> Post {
    Post {
        key: "k1".into(),
        parts: vec![PostPart {
            text: text.into(),
            media,
        }],
        ..Post::default()
    }
}

async fn publish(
    e: &Emulator,
    tokens: &TokenSet,
    post: &Post,
    host: Option<&dyn MediaHost>,
) -> Result<Published, Error> {
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let mut c = ctx(&h, &ep, &app);
    c.media_host = host;
    InstagramPublisher
        .publish(c, tokens, post, &|_, _| {})
        .await
}

async fn media(e: &Emulator) -> Vec<Value> {
    e.admin_get("posts").await.as_array().unwrap().clone()
}

#[tokio::test]
async fn image_with_alt_text_is_fetched_from_the_media_host_then_removed() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = setup(&e).await;
    let host = TestMediaHost::start().await;
    let f = Files::new();
    let img = f.jpeg(0, Some("A croissant"));
    let mut p = post("Morning #bakery", vec![img.clone()]);
    p.parts.push(PostPart {
        text: "First!".into(),
        media: vec![],
    });
    let done = publish(&e, &tokens, &p, Some(&host)).await.unwrap();
    assert_eq!((host.puts(), host.live()), (1, 0), "hosted, then removed");
    let got = media(&e).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], done.id.as_str());
    assert_eq!(got[0]["text"], "Morning #bakery");
    assert_eq!(
        got[0]["items"][0]["sha256"],
        sha(&img.path).as_str(),
        "the emulator fetched the very file"
    );
    assert_eq!(got[0]["items"][0]["alt_text"], "A croissant");
    assert_eq!(got[0]["comments"][0]["message"], "First!");
    assert_eq!(done.thread.len(), 2);
    assert!(
        done.url
            .unwrap()
            .starts_with("https://www.instagram.com/p/")
    );
    // The publishing limit was read before the container was made.
    let log = e.log().await;
    let paths: Vec<&str> = log.iter().map(|r| r["path"].as_str().unwrap()).collect();
    let user = tokens.extra("author").unwrap();
    assert_eq!(paths[0], format!("/v23.0/{user}/content_publishing_limit"));
    assert_eq!(paths[1], format!("/v23.0/{user}/media"));
}

#[tokio::test]
async fn reel_and_carousel_publish_with_every_object_removed() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = setup(&e).await;
    e.admin("processing", json!({"polls": 2})).await;
    let host = TestMediaHost::start().await;
    let f = Files::new();
    let reel = f.mp4(0);
    publish(
        &e,
        &tokens,
        &post("A reel", vec![reel.clone()]),
        Some(&host),
    )
    .await
    .unwrap();
    let got = media(&e).await;
    assert_eq!(got[0]["media_type"], "REELS");
    assert_eq!(got[0]["items"][0]["sha256"], sha(&reel.path).as_str());
    assert_eq!(host.live(), 0);

    let items = vec![f.jpeg(1, Some("one")), f.mp4(2), f.jpeg(3, None)];
    publish(&e, &tokens, &post("A carousel", items.clone()), Some(&host))
        .await
        .unwrap();
    let got = media(&e).await;
    assert_eq!(got[1]["media_type"], "CAROUSEL");
    let shas: Vec<&str> = got[1]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sha256"].as_str().unwrap())
        .collect();
    let want: Vec<String> = items.iter().map(|m| sha(&m.path)).collect();
    assert_eq!(shas, want);
    assert_eq!((host.puts(), host.live()), (4, 0));
    let containers = e.admin_get("containers").await;
    let children = containers
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["carousel_item"] == true)
        .count();
    assert_eq!(children, 3);
}

#[tokio::test]
async fn container_error_and_expiry_are_typed_and_the_media_is_removed() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = setup(&e).await;
    let host = TestMediaHost::start().await;
    let f = Files::new();
    e.admin("processing", json!({"polls": 1, "outcome": "ERROR"}))
        .await;
    let err = publish(&e, &tokens, &post("x", vec![f.jpeg(0, None)]), Some(&host))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("could not use the media")),
        "{err:?}"
    );
    assert_eq!(host.live(), 0);
    e.admin("processing", json!({"outcome": "EXPIRED"})).await;
    let err = publish(&e, &tokens, &post("x", vec![f.mp4(1)]), Some(&host))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("expired")),
        "{err:?}"
    );
    assert_eq!((host.puts(), host.live()), (2, 0));
    assert!(media(&e).await.is_empty());
    assert!(
        e.requests(
            "POST",
            &format!("/v23.0/{}/media_publish", tokens.extra("author").unwrap())
        )
        .await
        .is_empty()
    );
}

/// A media host whose URLs lead nowhere: the platform cannot fetch, nothing is published.
#[derive(Debug)]
struct DeadHost(TestMediaHost);

#[async_trait::async_trait]
impl MediaHost for DeadHost {
    async fn put(&self, f: &MediaFile, ttl: Duration) -> outpost_platforms::Result<HostedMedia> {
        let h = self.0.put(f, ttl).await?;
        Ok(HostedMedia {
            url: format!("{}/not-there", self.0.origin),
            key: h.key,
        })
    }
    async fn remove(&self, h: &HostedMedia) -> outpost_platforms::Result<()> {
        self.0.remove(h).await
    }
}

#[tokio::test]
async fn media_the_platform_cannot_fetch_is_never_published() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = setup(&e).await;
    let dead = DeadHost(TestMediaHost::start().await);
    let f = Files::new();
    let err = publish(&e, &tokens, &post("x", vec![f.jpeg(0, None)]), Some(&dead))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("could not be fetched")),
        "{err:?}"
    );
    let err = publish(&e, &tokens, &post("x", vec![f.mp4(0)]), Some(&dead))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Rejected { .. }), "{err:?}");
    assert!(media(&e).await.is_empty());
    assert_eq!((dead.0.puts(), dead.0.live()), (2, 0));
}

#[tokio::test]
async fn no_media_host_is_a_config_error_before_any_call() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = setup(&e).await;
    let f = Files::new();
    let err = publish(&e, &tokens, &post("x", vec![f.jpeg(0, None)]), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("Settings → Media host")),
        "{err:?}"
    );
    assert!(e.log().await.is_empty());
}

#[tokio::test]
async fn used_quota_reauth_and_throttling_are_typed() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = setup(&e).await;
    let host = TestMediaHost::start().await;
    let f = Files::new();
    let p = post("x", vec![f.jpeg(0, None)]);

    e.admin("quota", json!({"usage": 50, "total": 50})).await;
    let err = publish(&e, &tokens, &p, Some(&host)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::RateLimited {
                retry_at: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(host.puts(), 0, "nothing hosted when the quota is used");
    e.admin("quota", json!({"usage": 0})).await;

    let before = outpost_now();
    e.admin("throttle", json!({"code": 80002, "minutes": 30}))
        .await;
    match publish(&e, &tokens, &p, Some(&host)).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => {
            assert!((before + 1800..=outpost_now() + 1801).contains(&at), "{at}")
        }
        other => panic!("{other:?}"),
    }

    // Too many hashtags: refused before anything is sent.
    let n = e.log().await.len();
    let tags = (0..31)
        .map(|i| format!("#t{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let err = publish(
        &e,
        &tokens,
        &post(&tags, vec![f.jpeg(1, None)]),
        Some(&host),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("too_many_hashtags")),
        "{err:?}"
    );
    assert_eq!(e.log().await.len(), n);

    e.admin("revoke-all", json!({})).await;
    let err = publish(&e, &tokens, &p, Some(&host)).await.unwrap_err();
    assert!(matches!(err, Error::NeedsReauth { .. }), "{err:?}");
    assert_eq!(host.live(), 0);
}

fn outpost_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
