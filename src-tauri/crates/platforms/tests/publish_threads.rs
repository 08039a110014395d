//! Threads publishing against the strict emulator, media through the local test media host.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use outpost_platforms::publish::{MediaFile, MediaHost, Post, PostPart, Published, Publisher};
use outpost_platforms::threads::publish::ThreadsPublisher;
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Emulator, TestMediaHost, ctx, file_with, http, no_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn setup(e: &Emulator) -> TokenSet {
    let t = e.admin("token", json!({})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens
        .extra
        .insert("user_id".into(), t["user_id"].as_str().unwrap().into());
    tokens
}

fn sha(path: &std::path::Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn part(text: &str, media: Vec<MediaFile>) -> PostPart {
    PostPart {
        text: text.into(),
        media,
    }
}

fn post(parts: Vec<PostPart>) -> Post {
    Post {
        key: "k1".into(),
        parts,
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
    ThreadsPublisher.publish(c, tokens, post, &|_, _| {}).await
}

async fn media(e: &Emulator) -> Vec<Value> {
    e.admin_get("posts").await.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_text_thread_is_a_reply_chain() {
    let e = Emulator::start(Platform::Threads);
    let tokens = setup(&e).await;
    let p = post(vec![
        part("One", vec![]),
        part("Two", vec![]),
        part("Three", vec![]),
    ]);
    // No media: no media host needed.
    let done = publish(&e, &tokens, &p, None).await.unwrap();
    let got = media(&e).await;
    assert_eq!(got.len(), 3);
    assert_eq!(done.thread.len(), 3);
    assert_eq!(got[0]["reply_to"], Value::Null);
    assert_eq!(got[1]["reply_to"], done.thread[0].as_str());
    assert_eq!(got[2]["reply_to"], done.thread[1].as_str());
    assert_eq!(got[2]["text"], "Three");
    assert!(done.url.unwrap().starts_with("https://www.threads.com/@"));
}

#[tokio::test]
async fn image_video_and_carousel_are_fetched_then_removed() {
    let e = Emulator::start(Platform::Threads);
    let tokens = setup(&e).await;
    let host = TestMediaHost::start().await;
    let dir = tempfile::tempdir().unwrap();
    let img = |n: usize| {
        MediaFile::inspect(
            &file_with(dir.path(), &format!("i{n}.png"), PNG, 3000 + n),
            Some(format!("image {n}")),
        )
        .unwrap()
    };
    let vid = |n: usize| {
        MediaFile::inspect(
            &file_with(dir.path(), &format!("v{n}.mp4"), MP4, 40_000 + n),
            None,
        )
        .unwrap()
    };
    let p = post(vec![
        part("A photo", vec![img(0)]),
        part("A video", vec![vid(1)]),
        part("", vec![img(2), vid(3), img(4)]),
    ]);
    publish(&e, &tokens, &p, Some(&host)).await.unwrap();
    assert_eq!((host.puts(), host.live()), (5, 0));
    let got = media(&e).await;
    assert_eq!(
        got.iter()
            .map(|m| m["media_type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["IMAGE", "VIDEO", "CAROUSEL"]
    );
    assert_eq!(got[0]["items"][0]["alt_text"], "image 0");
    let shas: Vec<&str> = got[2]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sha256"].as_str().unwrap())
        .collect();
    let want: Vec<String> = p.parts[2].media.iter().map(|m| sha(&m.path)).collect();
    assert_eq!(shas, want);
}

#[tokio::test]
async fn over_500_characters_is_refused_before_anything_is_sent() {
    let e = Emulator::start(Platform::Threads);
    let tokens = setup(&e).await;
    let ok = "é".repeat(500);
    publish(&e, &tokens, &post(vec![part(&ok, vec![])]), None)
        .await
        .unwrap();
    let n = e.log().await.len();
    let err = publish(
        &e,
        &tokens,
        &post(vec![part(&format!("{ok}a"), vec![])]),
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("text_too_long")),
        "{err:?}"
    );
    assert_eq!(e.log().await.len(), n);
}

#[tokio::test]
async fn quotas_errors_and_missing_media_host_are_typed() {
    let e = Emulator::start(Platform::Threads);
    let tokens = setup(&e).await;
    let host = TestMediaHost::start().await;
    let dir = tempfile::tempdir().unwrap();
    let vid = MediaFile::inspect(&file_with(dir.path(), "v.mp4", MP4, 40_000), None).unwrap();

    let err = publish(&e, &tokens, &post(vec![part("v", vec![vid.clone()])]), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(e.log().await.is_empty());

    // Replies come from their own quota: a 3-part thread needs 2.
    e.admin("quota", json!({"reply_usage": 999, "reply_total": 1000}))
        .await;
    let three = post(vec![
        part("a", vec![]),
        part("b", vec![]),
        part("c", vec![]),
    ]);
    let err = publish(&e, &tokens, &three, None).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(media(&e).await.is_empty());
    e.admin(
        "quota",
        json!({"usage": 250, "total": 250, "reply_usage": 0}),
    )
    .await;
    let err = publish(&e, &tokens, &post(vec![part("a", vec![])]), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    e.admin("quota", json!({"usage": 0})).await;

    e.admin("processing", json!({"polls": 0, "outcome": "ERROR"}))
        .await;
    let err = publish(
        &e,
        &tokens,
        &post(vec![part("v", vec![vid.clone()])]),
        Some(&host),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Rejected { .. }), "{err:?}");
    assert_eq!((host.puts(), host.live()), (1, 0));
    e.admin("processing", json!({"outcome": "EXPIRED"})).await;
    let err = publish(&e, &tokens, &post(vec![part("t", vec![])]), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("expired")),
        "{err:?}"
    );

    e.admin("revoke-all", json!({})).await;
    let err = publish(&e, &tokens, &post(vec![part("t", vec![])]), None)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
    assert!(media(&e).await.is_empty());
}
