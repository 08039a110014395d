//! Facebook Pages publishing against the strict emulator (tests/emulators/platforms/meta_publish.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Mutex;

use outpost_platforms::facebook::publish::FacebookPublisher;
use outpost_platforms::publish::{MediaFile, Post, PostPart, Published, Publisher};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Emulator, ctx, file_with, http, no_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn setup(e: &Emulator) -> TokenSet {
    let t = e.admin("token", json!({})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens
        .extra
        .insert("author".into(), t["page_id"].as_str().unwrap().into());
    tokens
}

fn post(parts: &[&str]) -> Post {
    Post {
        key: "k1".into(),
        parts: parts
            .iter()
            .map(|t| PostPart {
                text: (*t).into(),
                media: vec![],
            })
            .collect(),
        ..Post::default()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn sha(path: &std::path::Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

async fn publish(e: &Emulator, tokens: &TokenSet, post: &Post) -> Result<Published, Error> {
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    FacebookPublisher
        .publish(ctx(&h, &ep, &app), tokens, post, &|_, _| {})
        .await
}

async fn posts(e: &Emulator) -> Vec<Value> {
    e.admin_get("posts").await.as_array().unwrap().clone()
}

#[tokio::test]
async fn text_post_with_a_link_and_a_first_comment() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = setup(&e).await;
    let mut p = post(&["Fresh bread today", "Open until 6pm"]);
    p.options.link = Some("https://outpost.example/bread".into());
    let done = publish(&e, &tokens, &p).await.unwrap();
    let got = posts(&e).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["id"], done.id.as_str());
    assert_eq!(got[0]["message"], "Fresh bread today");
    assert_eq!(got[0]["link"], "https://outpost.example/bread");
    assert_eq!(got[0]["is_published"], true);
    assert!(done.id.starts_with("104857600000001_"), "{done:?}");
    assert_eq!(
        done.url.as_deref(),
        Some(format!("https://www.facebook.com/{}", done.id).as_str())
    );
    let comments = e.admin_get("comments").await;
    assert_eq!(comments[0]["message"], "Open until 6pm");
    assert_eq!(comments[0]["post"], done.id.as_str());
    assert_eq!(
        done.thread,
        vec![
            done.id.clone(),
            comments[0]["id"].as_str().unwrap().to_string()
        ]
    );
    // The page token travels in the Authorization header, never in the URL.
    let req = &e.requests("POST", "/v23.0/104857600000001/feed").await[0];
    assert!(
        req["headers"]["authorization"]
            .as_str()
            .unwrap()
            .starts_with("Bearer ")
    );
    assert!(req["query"].get("access_token").is_none());
}

#[tokio::test]
async fn one_photo_with_alt_text_and_several_photos_as_attached_media() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = setup(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let img = |n: usize| {
        let path = file_with(dir.path(), &format!("p{n}.png"), PNG, 5000 + n * 10);
        MediaFile::inspect(&path, Some(format!("Loaf {n}"))).unwrap()
    };
    let mut one = post(&["One loaf"]);
    one.parts[0].media = vec![img(0)];
    let seen = Mutex::new(Vec::new());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let done = FacebookPublisher
        .publish(ctx(&h, &ep, &app), &tokens, &one, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().last(), Some(&(5000, 5000)));
    let got = posts(&e).await;
    assert_eq!(got[0]["kind"], "photo");
    assert_eq!(
        got[0]["id"],
        done.id.as_str(),
        "the post id, not the photo id"
    );
    assert_eq!(got[0]["photos"][0]["alt"], "Loaf 0");
    assert_eq!(
        got[0]["photos"][0]["sha256"],
        sha(&one.parts[0].media[0].path).as_str()
    );

    let mut many = post(&["Three loaves"]);
    many.parts[0].media = vec![img(1), img(2), img(3)];
    let done = publish(&e, &tokens, &many).await.unwrap();
    let got = posts(&e).await;
    let last = got.last().unwrap();
    assert_eq!(last["id"], done.id.as_str());
    assert_eq!(last["kind"], "photos");
    let shas: Vec<&str> = last["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sha256"].as_str().unwrap())
        .collect();
    let want: Vec<String> = many.parts[0].media.iter().map(|m| sha(&m.path)).collect();
    assert_eq!(shas, want, "in order, byte for byte");
    let photos = e.admin_get("photos").await;
    assert!(
        photos.as_array().unwrap()[1..]
            .iter()
            .all(|p| p["published"] == false && p["temporary"] == false && p["used"] == true)
    );
}

#[tokio::test]
async fn video_goes_up_in_the_ranges_facebook_asks_for() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = setup(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let len = 2 * 1024 * 1024 + 12345; // three transfer chunks of at most 1 MiB
    let path = file_with(dir.path(), "v.mp4", MP4, len);
    let mut p = post(&["Behind the counter"]);
    p.parts[0].media = vec![MediaFile::inspect(&path, None).unwrap()];
    p.options.title = Some("Bakery tour".into());
    let seen = Mutex::new(Vec::new());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let done = FacebookPublisher
        .publish(ctx(&h, &ep, &app), &tokens, &p, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
        .unwrap();
    let got = posts(&e).await;
    assert_eq!(got[0]["kind"], "video");
    assert_eq!(got[0]["id"], done.id.as_str());
    assert_eq!(got[0]["sha256"], sha(&path).as_str());
    assert_eq!(got[0]["title"], "Bakery tour");
    assert_eq!(got[0]["message"], "Behind the counter");
    let uploads = e.requests("POST", "/v23.0/104857600000001/videos").await;
    assert_eq!(uploads.len(), 5, "start, three transfers, finish");
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress never goes back"
    );
    assert_eq!(seen.last(), Some(&(len as u64, len as u64)));
    assert!(done.url.unwrap().contains("/videos/"));
}

#[tokio::test]
async fn native_scheduling_reschedule_and_cancel() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = setup(&e).await;
    assert!(FacebookPublisher.native_scheduling());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let c = ctx(&h, &ep, &app);

    // Too soon: refused before anything is sent.
    let mut p = post(&["Soon"]);
    p.options.publish_at = Some(now() + 60);
    let err = publish(&e, &tokens, &p).await.unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("10 minutes")),
        "{err:?}"
    );
    assert!(e.log().await.is_empty());

    let at = now() + 3600;
    p.options.publish_at = Some(at);
    let done = publish(&e, &tokens, &p).await.unwrap();
    let got = posts(&e).await;
    assert_eq!(got[0]["published"], false);
    assert_eq!(got[0]["scheduled_publish_time"], at);
    assert_eq!(got[0]["is_published"], false);

    FacebookPublisher
        .reschedule_native(c, &tokens, &done, at + 3600)
        .await
        .unwrap();
    assert_eq!(posts(&e).await[0]["scheduled_publish_time"], at + 3600);
    let err = FacebookPublisher
        .reschedule_native(c, &tokens, &done, now() + 40 * 86_400)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Rejected { .. }), "{err:?}");

    FacebookPublisher
        .cancel_native(c, &tokens, &done)
        .await
        .unwrap();
    assert_eq!(posts(&e).await[0]["deleted"], true);
    // Already gone is fine.
    FacebookPublisher
        .cancel_native(c, &tokens, &done)
        .await
        .unwrap();

    // A scheduled post with photos uploads them as temporary.
    let dir = tempfile::tempdir().unwrap();
    let mut multi = post(&["Later"]);
    multi.options.publish_at = Some(at);
    multi.parts[0].media = (0..2)
        .map(|n| {
            MediaFile::inspect(
                &file_with(dir.path(), &format!("s{n}.png"), PNG, 900 + n),
                None,
            )
            .unwrap()
        })
        .collect();
    publish(&e, &tokens, &multi).await.unwrap();
    let photos = e.admin_get("photos").await;
    assert!(
        photos
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["temporary"] == true)
    );
    // A scheduled post cannot take a first comment.
    let mut with_comment = post(&["Later", "comment"]);
    with_comment.options.publish_at = Some(at);
    let err = publish(&e, &tokens, &with_comment).await.unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("scheduled_comment")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_revoked_token_needs_reauth_and_a_user_token_is_refused() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = setup(&e).await;
    let mut user = tokens.clone();
    let t = e.admin("token", json!({})).await;
    user.access_token = t["user_token"].as_str().unwrap().to_string().into();
    let err = publish(&e, &user, &post(&["x"])).await.unwrap_err();
    assert!(
        err.needs_reauth(),
        "a missing Page permission (#200): {err:?}"
    );
    e.admin("revoke-all", json!({})).await;
    let err = publish(&e, &tokens, &post(&["x"])).await.unwrap_err();
    assert!(matches!(err, Error::NeedsReauth { .. }), "190: {err:?}");
    assert!(posts(&e).await.is_empty());
}

#[tokio::test]
async fn throttling_is_rate_limited_until_the_usage_headers_say() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = setup(&e).await;
    e.admin("throttle", json!({"code": 32, "minutes": 15}))
        .await;
    let before = now();
    match publish(&e, &tokens, &post(&["x"])).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => assert!((before + 900..=now() + 901).contains(&at), "{at}"),
        other => panic!("{other:?}"),
    }
    e.admin("throttle", json!({"code": 4, "header": "app"}))
        .await;
    match publish(&e, &tokens, &post(&["x"])).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => assert!((before + 3600..=now() + 3601).contains(&at), "{at}"),
        other => panic!("{other:?}"),
    }
    e.admin(
        "fail",
        json!({"path": "/v23.0/104857600000001/feed", "status": 500}),
    )
    .await;
    let err = publish(&e, &tokens, &post(&["x"])).await.unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    assert!(posts(&e).await.is_empty());
    // Then it goes through.
    publish(&e, &tokens, &post(&["x"])).await.unwrap();
}
