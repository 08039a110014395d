//! Pinterest publishing against the strict emulator (tests/emulators/platforms/pinterest.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
#[path = "support/tiny_host.rs"]
mod tiny_host;

use std::sync::Mutex;

use outpost_platforms::pinterest::publish::{BASE64_MAX, PinterestPublisher, boards};
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::{Emulator, ctx, file_with, http, no_app};
use tiny_host::{TinyHost, publish_via, sha};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn token(e: &Emulator) -> TokenSet {
    let t = e.admin("token", json!({})).await;
    TokenSet::new(t["access_token"].as_str().unwrap(), 0)
}

fn image(dir: &std::path::Path, n: usize, len: usize, alt: Option<&str>) -> MediaFile {
    let p = file_with(dir, &format!("i{n}.png"), PNG, len);
    // Vary the content so every image hashes differently.
    let mut b = std::fs::read(&p).unwrap();
    let last = b.len() - 1;
    b[last] = n as u8;
    std::fs::write(&p, b).unwrap();
    MediaFile::inspect(&p, alt.map(str::to_string)).unwrap()
}

fn pin(text: &str, media: Vec<MediaFile>, board: Option<&str>) -> Post {
    Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: text.into(),
            media,
        }],
        options: PostOptions {
            board_id: board.map(str::to_string),
            ..PostOptions::default()
        },
    }
}

async fn publish_with(
    e: &Emulator,
    tokens: &TokenSet,
    p: &Post,
    host: Option<&TinyHost>,
) -> Result<outpost_platforms::publish::Published, Error> {
    publish_via(&PinterestPublisher, e, tokens, p, host).await
}

async fn pins(e: &Emulator) -> Vec<Value> {
    e.admin_get("pins").await.as_array().unwrap().clone()
}

async fn first_board(e: &Emulator, tokens: &TokenSet) -> String {
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    boards(ctx(&h, &ep, &app), tokens).await.unwrap()[0]
        .id
        .clone()
}

#[tokio::test]
async fn boards_are_listed_across_pages() {
    let e = Emulator::start(Platform::Pinterest);
    let tokens = token(&e).await;
    e.admin("pinterest-boards", json!({"count": 300})).await;
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let all = boards(ctx(&h, &ep, &app), &tokens).await.unwrap();
    assert_eq!(all.len(), 300);
    assert_eq!(all[299].name, "Board 300");
    let reqs = e.requests("GET", "/v5/boards").await;
    assert_eq!(reqs.len(), 2, "two pages of 250");
    assert!(reqs[1]["query"]["bookmark"].is_string());
}

#[tokio::test]
async fn image_pin_streams_base64_with_title_link_and_alt() {
    let e = Emulator::start(Platform::Pinterest);
    let tokens = token(&e).await;
    let board = first_board(&e, &tokens).await;
    let dir = tempfile::tempdir().unwrap();
    let img = image(dir.path(), 1, 200_001, Some("A red bicycle"));
    let mut p = pin("Weekend ride", vec![img.clone()], Some(&board));
    p.options.title = Some("Bikes".into());
    p.options.link = Some("https://example.com/bikes".into());
    let seen = Mutex::new(Vec::new());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let out = PinterestPublisher
        .publish(ctx(&h, &ep, &app), &tokens, &p, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
        .unwrap();
    assert_eq!(
        seen.into_inner().unwrap().last(),
        Some(&(img.bytes, img.bytes))
    );
    let got = pins(&e).await;
    assert_eq!(got[0]["id"], out.id.as_str());
    assert_eq!(
        out.url.as_deref(),
        Some(format!("https://www.pinterest.com/pin/{}/", out.id).as_str())
    );
    assert_eq!(got[0]["stored"]["images"][0], sha(&img.path).as_str());
    assert_eq!(got[0]["title"], "Bikes");
    assert_eq!(got[0]["description"], "Weekend ride");
    assert_eq!(got[0]["link"], "https://example.com/bikes");
    assert_eq!(got[0]["alt_text"], "A red bicycle");
    assert_eq!(got[0]["board_id"], board.as_str());
}

#[tokio::test]
async fn carousel_goes_inline_and_large_images_through_the_media_host() {
    let e = Emulator::start(Platform::Pinterest);
    let tokens = token(&e).await;
    let board = first_board(&e, &tokens).await;
    let dir = tempfile::tempdir().unwrap();
    let imgs: Vec<MediaFile> = (1..=3)
        .map(|n| image(dir.path(), n, 1000 + n, None))
        .collect();
    publish_with(&e, &tokens, &pin("three", imgs.clone(), Some(&board)), None)
        .await
        .unwrap();
    let got = pins(&e).await;
    assert_eq!(got[0]["media"]["media_type"], "multiple_images");
    for (i, m) in imgs.iter().enumerate() {
        assert_eq!(got[0]["stored"]["images"][i], sha(&m.path).as_str());
    }

    let big = image(dir.path(), 9, (BASE64_MAX + 1) as usize, None);
    let p = pin("big", vec![big.clone()], Some(&board));
    match publish_with(&e, &tokens, &p, None).await.unwrap_err() {
        Error::Config(m) => assert!(m.contains("Media host"), "{m}"),
        other => panic!("{other:?}"),
    }
    let host = TinyHost::start();
    publish_with(&e, &tokens, &p, Some(&host)).await.unwrap();
    let got = pins(&e).await;
    assert_eq!(got[1]["stored"]["images"][0], sha(&big.path).as_str());
    let s = host.state.lock().unwrap();
    assert_eq!(s.fetched.len(), 1, "Pinterest fetched the hosted image");
    assert_eq!(s.removed, s.put, "and it was removed afterwards");
    assert!(s.objects.is_empty());
}

#[tokio::test]
async fn video_pin_registers_uploads_the_form_waits_and_uses_a_cover() {
    let e = Emulator::start(Platform::Pinterest);
    let tokens = token(&e).await;
    e.admin("pinterest-processing", json!({"polls": 2})).await;
    let board = first_board(&e, &tokens).await;
    let dir = tempfile::tempdir().unwrap();
    let vp = file_with(dir.path(), "clip.mp4", MP4, 300_000);
    let video = MediaFile::inspect(&vp, None).unwrap();
    let out = publish_with(
        &e,
        &tokens,
        &pin("clip", vec![video.clone()], Some(&board)),
        None,
    )
    .await
    .unwrap();
    let got = pins(&e).await;
    assert_eq!(got[0]["id"], out.id.as_str());
    assert_eq!(got[0]["stored"]["video_sha256"], sha(&vp).as_str());
    assert_eq!(got[0]["stored"]["cover"], json!({"key_frame_time": 0}));
    let media = e.admin_get("media").await;
    assert_eq!(
        media[0]["fields_order"].as_array().unwrap().last().unwrap(),
        "file"
    );
    let upload = &e.requests("POST", "/").await[0];
    assert!(
        upload["headers"].get("authorization").is_none(),
        "no bearer to S3"
    );

    // With a thumbnail, the cover is sent inline.
    let thumb = image(dir.path(), 7, 500, None);
    let mut p = pin("clip", vec![video], Some(&board));
    p.options.thumbnail = Some(thumb.clone());
    publish_with(&e, &tokens, &p, None).await.unwrap();
    assert_eq!(
        pins(&e).await[1]["stored"]["cover"]["data_sha256"],
        sha(&thumb.path).as_str()
    );

    e.admin(
        "pinterest-processing",
        json!({"polls": 0, "outcome": "failed"}),
    )
    .await;
    match publish_with(&e, &tokens, &p, None).await.unwrap_err() {
        Error::Rejected { reason, .. } => assert!(reason.contains("process"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn no_board_rate_limits_and_bad_tokens() {
    let e = Emulator::start(Platform::Pinterest);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let img = image(dir.path(), 1, 500, None);
    match publish_with(&e, &tokens, &pin("x", vec![img.clone()], None), None)
        .await
        .unwrap_err()
    {
        Error::Rejected { reason, .. } => assert!(reason.contains("board_required"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(e.log().await.is_empty(), "nothing sent without a board");
    let board = first_board(&e, &tokens).await;
    let p = pin("x", vec![img], Some(&board));
    e.admin("pinterest-rate", json!({"remaining": 0})).await;
    let now = chrono::Utc::now().timestamp();
    match publish_with(&e, &tokens, &p, None).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => assert!((now + 55..=now + 65).contains(&at)),
        other => panic!("{other:?}"),
    }
    e.admin("pinterest-rate", json!({"remaining": null})).await;
    let bad = TokenSet::new("pina_nope", 0);
    assert!(
        publish_with(&e, &bad, &p, None)
            .await
            .unwrap_err()
            .needs_reauth()
    );
    let mut wrong = p.clone();
    wrong.options.board_id = Some("123".into());
    match publish_with(&e, &tokens, &wrong, None).await.unwrap_err() {
        Error::Rejected {
            status: Some(404),
            reason,
            ..
        } => assert!(reason.contains("Board not found"), "{reason}"),
        other => panic!("{other:?}"),
    }
}
