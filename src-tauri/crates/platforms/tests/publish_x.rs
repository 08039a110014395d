//! X publishing against the strict emulator (`tests/emulators/platforms/x.py`): text, images with alt
//! text, chunked video with processing, threads, every error class, validation before upload and a
//! resumed segment upload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use outpost_platforms::publish::{MediaFile, MediaKind, Post, PostPart, Publisher};
use outpost_platforms::x::publish::{SEGMENT_BYTES, XPublisher};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::Emulator;

/// A token minted by the emulator for its current user.
async fn token(emu: &Emulator) -> TokenSet {
    let v = emu.admin("x-token", json!({})).await;
    TokenSet::new(v["access_token"].as_str().unwrap(), 0)
}

fn text_post(key: &str, parts: &[&str]) -> Post {
    Post {
        key: key.into(),
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

fn png(dir: &Path, name: &str, len: usize) -> PathBuf {
    let mut magic = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d,
    ];
    magic.extend_from_slice(b"IHDR");
    magic.extend_from_slice(&640u32.to_be_bytes());
    magic.extend_from_slice(&480u32.to_be_bytes());
    magic.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    support::file_with(dir, name, &magic, len)
}

fn mp4(dir: &Path, name: &str, len: usize) -> PathBuf {
    support::file_with(dir, name, b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom", len)
}

type Calls = Arc<Mutex<Vec<(u64, u64)>>>;

fn recorder() -> (Calls, impl Fn(u64, u64) + Send + Sync) {
    let calls: Calls = Arc::default();
    let c = calls.clone();
    (calls, move |sent, total| {
        c.lock().unwrap().push((sent, total))
    })
}

struct Setup {
    emu: Emulator,
    http: outpost_net::HttpClient,
    endpoints: outpost_platforms::Endpoints,
    app: outpost_platforms::AppCredentials,
}

impl Setup {
    fn new() -> Setup {
        let emu = Emulator::start(Platform::X);
        let endpoints = emu.endpoints();
        Setup {
            emu,
            http: support::http(),
            endpoints,
            app: support::no_app(),
        }
    }

    async fn publish(
        &self,
        tokens: &TokenSet,
        post: &Post,
    ) -> Result<outpost_platforms::publish::Published, Error> {
        let ctx = support::ctx(&self.http, &self.endpoints, &self.app);
        XPublisher.publish(ctx, tokens, post, &|_, _| {}).await
    }

    async fn posts(&self) -> Vec<Value> {
        self.emu
            .admin_get("posts")
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    async fn media(&self) -> Vec<Value> {
        self.emu
            .admin_get("media")
            .await
            .as_array()
            .unwrap()
            .clone()
    }
}

#[tokio::test]
async fn text_post_is_published_and_addressed() {
    let s = Setup::new();
    let mut tokens = token(&s.emu).await;
    let p = s
        .publish(&tokens, &text_post("k1", &["Hello from Outpost"]))
        .await
        .unwrap();
    let posts = s.posts().await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["text"], "Hello from Outpost");
    assert_eq!(posts[0]["id"], p.id.as_str());
    assert_eq!(p.thread, vec![p.id.clone()]);
    assert_eq!(
        p.url.as_deref(),
        Some(format!("https://x.com/i/web/status/{}", p.id).as_str())
    );
    let reqs = s.emu.requests("POST", "/2/tweets").await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0]["json"],
        json!({"text": "Hello from Outpost"}),
        "no media/reply keys for a plain post"
    );
    assert_eq!(
        reqs[0]["headers"]["authorization"],
        format!("Bearer {}", tokens.access_token.expose())
    );
    assert_eq!(reqs[0]["status"], 201);

    tokens
        .extra
        .insert("username".into(), "outpost_tester".into());
    let p = s
        .publish(&tokens, &text_post("k2", &["A second one"]))
        .await
        .unwrap();
    assert_eq!(
        p.url.unwrap(),
        format!("https://x.com/outpost_tester/status/{}", p.id)
    );
}

#[tokio::test]
async fn images_are_uploaded_in_order_with_alt_text() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    let dir = tempfile::tempdir().unwrap();
    let a = MediaFile::inspect(
        &png(dir.path(), "a.png", 3000),
        Some("A lighthouse at dusk".into()),
    )
    .unwrap();
    let b = MediaFile::inspect(&png(dir.path(), "b.png", 5000), None).unwrap();
    assert_eq!(a.kind, MediaKind::Image);
    let post = Post {
        key: "img".into(),
        parts: vec![PostPart {
            text: "Two pictures".into(),
            media: vec![a, b],
        }],
        ..Post::default()
    };
    let (calls, progress) = recorder();
    let ctx = support::ctx(&s.http, &s.endpoints, &s.app);
    let p = XPublisher
        .publish(ctx, &tokens, &post, &progress)
        .await
        .unwrap();

    let media = s.media().await;
    assert_eq!(media.len(), 2);
    for (m, size) in media.iter().zip([3000, 5000]) {
        assert_eq!(m["media_category"], "tweet_image");
        assert_eq!(m["media_type"], "image/png");
        assert_eq!(m["total_bytes"], size);
        assert_eq!(m["append_order"], json!([0]));
        assert_eq!(m["state"], "succeeded");
    }
    assert_eq!(media[0]["alt_text"], "A lighthouse at dusk");
    assert!(media[1]["alt_text"].is_null());
    // The first appended bytes are the file's own (PNG signature).
    assert!(
        media[0]["segments"]["0"]["head"]
            .as_str()
            .unwrap()
            .starts_with("89504e470d0a1a0a")
    );
    let posts = s.posts().await;
    assert_eq!(posts[0]["id"], p.id.as_str());
    assert_eq!(
        posts[0]["media_ids"],
        json!([media[0]["id"], media[1]["id"]])
    );
    assert_eq!(posts[0]["alt_texts"], json!(["A lighthouse at dusk", null]));
    // Images need no processing: no STATUS polls.
    assert!(s.emu.requests("GET", "/2/media/upload").await.is_empty());
    assert_eq!(s.emu.requests("POST", "/2/media/metadata").await.len(), 1);
    let init = s.emu.requests("POST", "/2/media/upload/initialize").await;
    assert_eq!(
        init[0]["json"],
        json!({"media_type": "image/png", "total_bytes": 3000, "media_category": "tweet_image"})
    );
    assert_eq!(*calls.lock().unwrap(), vec![(3000, 8000), (8000, 8000)]);
}

#[tokio::test]
async fn video_is_uploaded_in_segments_and_processing_is_awaited() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    s.emu
        .admin("x-processing", json!({"polls": 1, "check_after_secs": 1}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let len = 2 * SEGMENT_BYTES + 12_345;
    let v = MediaFile::inspect(&mp4(dir.path(), "clip.mp4", len), Some("A clip".into())).unwrap();
    assert_eq!((v.kind, v.mime.as_str()), (MediaKind::Video, "video/mp4"));
    let post = Post {
        key: "vid".into(),
        parts: vec![PostPart {
            text: "Watch this".into(),
            media: vec![v],
        }],
        ..Post::default()
    };
    let (calls, progress) = recorder();
    let started = std::time::Instant::now();
    let ctx = support::ctx(&s.http, &s.endpoints, &s.app);
    let p = XPublisher
        .publish(ctx, &tokens, &post, &progress)
        .await
        .unwrap();
    // finalize said pending/check after 1 s, STATUS said in_progress/1 s, then succeeded.
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "check_after_secs honoured"
    );

    let media = s.media().await;
    assert_eq!(media.len(), 1);
    let m = &media[0];
    assert_eq!(m["media_category"], "tweet_video");
    assert_eq!(m["append_order"], json!([0, 1, 2]));
    assert_eq!(m["segments"]["0"]["bytes"], SEGMENT_BYTES);
    assert_eq!(m["segments"]["1"]["bytes"], SEGMENT_BYTES);
    assert_eq!(m["segments"]["2"]["bytes"], 12_345);
    assert!(
        m["segments"]["0"]["head"]
            .as_str()
            .unwrap()
            .starts_with("00000018667479706d703432")
    );
    assert_eq!(m["alt_text"], "A clip");
    let status = s.emu.requests("GET", "/2/media/upload").await;
    assert_eq!(status.len(), 2);
    assert_eq!(
        status[0]["query"],
        json!({"command": "STATUS", "media_id": m["id"]})
    );
    let appends = s
        .emu
        .requests(
            "POST",
            &format!("/2/media/upload/{}/append", m["id"].as_str().unwrap()),
        )
        .await;
    assert!(appends.iter().all(|a| {
        a["headers"]["content-type"]
            .as_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    }));
    assert_eq!(s.posts().await[0]["media_ids"], json!([m["id"]]));
    assert_eq!(s.posts().await[0]["id"], p.id.as_str());
    let total = len as u64;
    let seg = SEGMENT_BYTES as u64;
    assert_eq!(
        *calls.lock().unwrap(),
        vec![(seg, total), (2 * seg, total), (total, total)]
    );
}

#[tokio::test]
async fn a_failed_segment_is_resent_and_the_upload_resumes() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    let dir = tempfile::tempdir().unwrap();
    let v = MediaFile::inspect(&mp4(dir.path(), "clip.mp4", SEGMENT_BYTES + 10), None).unwrap();
    // The emulator's first media id is deterministic.
    let append = "/2/media/upload/1860000000000000001/append";
    s.emu
        .admin("fail", json!({"path": append, "status": 503, "times": 1}))
        .await;
    let post = Post {
        key: "resume".into(),
        parts: vec![PostPart {
            text: "Resumed".into(),
            media: vec![v.clone()],
        }],
        ..Post::default()
    };
    s.publish(&tokens, &post).await.unwrap();
    let m = &s.media().await[0];
    assert_eq!(m["id"], "1860000000000000001");
    // Segment 0 was refused once (the emulator's fail rule answers before the platform sees it),
    // sent again, then segment 1.
    let statuses: Vec<Value> = s
        .emu
        .requests("POST", append)
        .await
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(503), json!(200), json!(200)]);
    assert_eq!(m["append_order"], json!([0, 1]));

    // A connection dropped mid-segment: resent too.
    let append2 = "/2/media/upload/1860000000000000003/append";
    s.emu
        .admin("fail", json!({"path": append2, "mode": "drop", "times": 1}))
        .await;
    let mut post2 = post.clone();
    post2.parts[0].text = "Resumed again".into();
    s.publish(&tokens, &post2).await.unwrap();
    let statuses: Vec<Value> = s
        .emu
        .requests("POST", append2)
        .await
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(0), json!(200), json!(200)]);
    assert_eq!(s.posts().await.len(), 2);
}

#[tokio::test]
async fn thread_is_a_reply_chain() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    let p = s
        .publish(
            &tokens,
            &text_post("t", &["1/3 start", "2/3 middle", "3/3 end"]),
        )
        .await
        .unwrap();
    let posts = s.posts().await;
    assert_eq!(posts.len(), 3);
    assert_eq!(p.thread.len(), 3);
    assert_eq!(p.id, p.thread[0]);
    assert!(posts[0]["in_reply_to_tweet_id"].is_null());
    assert_eq!(posts[1]["in_reply_to_tweet_id"], p.thread[0].as_str());
    assert_eq!(posts[2]["in_reply_to_tweet_id"], p.thread[1].as_str());
    let reqs = s.emu.requests("POST", "/2/tweets").await;
    assert_eq!(
        reqs[2]["json"],
        json!({"text": "3/3 end", "reply": {"in_reply_to_tweet_id": p.thread[1]}})
    );
}

#[tokio::test]
async fn media_of_every_part_is_uploaded_before_the_first_post() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    let dir = tempfile::tempdir().unwrap();
    let img = MediaFile::inspect(&png(dir.path(), "a.png", 2000), None).unwrap();
    let mut post = text_post("tm", &["first", "second with a picture"]);
    post.parts[1].media.push(img);
    // The second part's upload fails for good: nothing is posted.
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/media/upload/initialize", "status": 400, "times": 1}),
        )
        .await;
    let e = s.publish(&tokens, &post).await.unwrap_err();
    let Error::Rejected {
        status: Some(400),
        reason,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    // The specific message from `errors[].message`, not the generic `detail`.
    assert_eq!(reason, "The request was refused (emulator fail rule).");
    assert!(s.emu.requests("POST", "/2/tweets").await.is_empty());
    // Then it works, the picture on the reply.
    let p = s.publish(&tokens, &post).await.unwrap();
    let posts = s.posts().await;
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1]["media_ids"].as_array().unwrap().len(), 1);
    assert_eq!(posts[1]["in_reply_to_tweet_id"], p.id.as_str());
}

#[tokio::test]
async fn revoked_token_needs_reauth() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    s.emu.admin("revoke-all", json!({})).await;
    let e = s
        .publish(&tokens, &text_post("r", &["hi"]))
        .await
        .unwrap_err();
    assert!(e.needs_reauth(), "{e:?}");
}

#[tokio::test]
async fn rate_limit_carries_the_reset_time() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "status": 429, "times": 1}),
        )
        .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let e = s
        .publish(&tokens, &text_post("rl", &["hi"]))
        .await
        .unwrap_err();
    let Error::RateLimited {
        retry_at: Some(at), ..
    } = e
    else {
        panic!("{e:?}")
    };
    // The emulator says x-rate-limit-reset = its now + 900 (epoch seconds).
    assert!((now + 895..=now + 905).contains(&at), "{at} vs {now}");
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 1);
}

#[tokio::test]
async fn server_error_on_create_is_unavailable_and_not_retried() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "status": 503, "times": 1}),
        )
        .await;
    let e = s
        .publish(&tokens, &text_post("u", &["hi"]))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unavailable { status: 503, .. }), "{e:?}");
    assert_eq!(
        s.emu.requests("POST", "/2/tweets").await.len(),
        1,
        "create is never retried"
    );

    // A dropped connection on create: a network error, no second attempt.
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "mode": "drop", "times": 1}),
        )
        .await;
    let e = s
        .publish(&tokens, &text_post("u2", &["hi again"]))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Network { .. }), "{e:?}");
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 2);
    assert!(s.posts().await.is_empty());
}

#[tokio::test]
async fn upload_gives_up_after_repeated_server_errors() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    let dir = tempfile::tempdir().unwrap();
    let img = MediaFile::inspect(&png(dir.path(), "a.png", 2000), None).unwrap();
    let mut post = text_post("ge", &["pic"]);
    post.parts[0].media.push(img);
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/media/upload/initialize", "status": 502, "times": 10}),
        )
        .await;
    let e = s.publish(&tokens, &post).await.unwrap_err();
    assert!(matches!(e, Error::Unavailable { status: 502, .. }), "{e:?}");
    assert_eq!(
        s.emu
            .requests("POST", "/2/media/upload/initialize")
            .await
            .len(),
        3
    );
}

#[tokio::test]
async fn refusals_carry_xs_message() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    s.publish(&tokens, &text_post("d1", &["same words"]))
        .await
        .unwrap();
    let e = s
        .publish(&tokens, &text_post("d2", &["same words"]))
        .await
        .unwrap_err();
    let Error::Rejected {
        status: Some(403),
        reason,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(reason.contains("duplicate content"), "{reason}");

    // X re-checks video length on create: 403 with its message.
    s.emu
        .admin("x-processing", json!({"video_too_long": true}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let v = MediaFile::inspect(&mp4(dir.path(), "long.mp4", 1000), None).unwrap();
    let mut post = text_post("long", &["a long video"]);
    post.parts[0].media.push(v.clone());
    let e = s.publish(&tokens, &post).await.unwrap_err();
    let Error::Rejected {
        status: Some(403),
        reason,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(
        reason.contains("not allowed to post a video longer than"),
        "{reason}"
    );

    // Processing failed: X's processing error message.
    s.emu
        .admin(
            "x-processing",
            json!({"video_too_long": false, "outcome": "failed"}),
        )
        .await;
    let mut post = text_post("bad", &["a broken video"]);
    post.parts[0].media.push(v);
    let e = s.publish(&tokens, &post).await.unwrap_err();
    let Error::Rejected { reason, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(reason.contains("Unsupported video encoding"), "{reason}");
    assert_eq!(s.posts().await.len(), 1);
}

#[tokio::test]
async fn v2_validation_errors_carry_the_errors_message() {
    let s = Setup::new();
    // A token without media.write: 403 problem with X's detail.
    let v = s
        .emu
        .admin(
            "x-token",
            json!({"scopes": ["tweet.read", "tweet.write", "users.read"]}),
        )
        .await;
    let tokens = TokenSet::new(v["access_token"].as_str().unwrap(), 0);
    let dir = tempfile::tempdir().unwrap();
    let img = MediaFile::inspect(&png(dir.path(), "a.png", 2000), None).unwrap();
    let mut post = text_post("sc", &["pic"]);
    post.parts[0].media.push(img);
    let e = s.publish(&tokens, &post).await.unwrap_err();
    let Error::Rejected {
        status: Some(403),
        reason,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(reason.contains("media.write"), "{reason}");
}

#[tokio::test]
async fn malformed_answers_are_invalid_responses() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    s.emu.admin("x-garble", json!({"path": "/2/tweets"})).await;
    let e = s
        .publish(&tokens, &text_post("g", &["cut off"]))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    // The post exists (its answer was lost): this is what `lookup` cannot recover on X.
    assert_eq!(s.posts().await.len(), 1);
    let ctx = support::ctx(&s.http, &s.endpoints, &s.app);
    assert!(
        XPublisher
            .lookup(ctx, &tokens, &text_post("g", &["cut off"]))
            .await
            .unwrap()
            .is_none()
    );

    let dir = tempfile::tempdir().unwrap();
    let img = MediaFile::inspect(&png(dir.path(), "a.png", 2000), None).unwrap();
    let mut post = text_post("g2", &["pic"]);
    post.parts[0].media.push(img);
    s.emu
        .admin("x-garble", json!({"path": "/2/media/upload/initialize"}))
        .await;
    let e = s.publish(&tokens, &post).await.unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
}

#[tokio::test]
async fn validation_fails_before_any_request() {
    let s = Setup::new();
    let tokens = token(&s.emu).await;
    let long = "a".repeat(281);
    let e = s
        .publish(&tokens, &text_post("v", &["fine", &long]))
        .await
        .unwrap_err();
    let Error::Rejected {
        status: None,
        reason,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert!(
        reason.contains("post 2") && reason.contains("280"),
        "{reason}"
    );
    // CJK counts 2: 141 characters are 282.
    let e = s
        .publish(&tokens, &text_post("v2", &[&"日".repeat(141)]))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Rejected { status: None, .. }), "{e:?}");

    let img = |n: &str| MediaFile {
        path: PathBuf::from(format!("/nonexistent/{n}.png")),
        mime: "image/png".into(),
        kind: MediaKind::Image,
        bytes: 1000,
        width: Some(10),
        height: Some(10),
        duration_ms: None,
        alt: None,
    };
    let mut post = text_post("v3", &["five pictures"]);
    post.parts[0].media = (0..5).map(|i| img(&i.to_string())).collect();
    let e = s.publish(&tokens, &post).await.unwrap_err();
    let Error::Rejected { reason, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(reason.contains("4 images"), "{reason}");

    let mut big = img("big");
    big.bytes = 6 * 1024 * 1024;
    let mut post = text_post("v4", &["too big"]);
    post.parts[0].media = vec![big];
    assert!(s.publish(&tokens, &post).await.is_err());

    let video = MediaFile {
        mime: "video/mp4".into(),
        kind: MediaKind::Video,
        duration_ms: Some(21 * 60 * 1000),
        ..img("v")
    };
    let mut post = text_post("v5", &["too long"]);
    post.parts[0].media = vec![video];
    let e = s.publish(&tokens, &post).await.unwrap_err();
    let Error::Rejected { reason, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(reason.contains("1200 s"), "{reason}");

    assert!(
        s.emu.log().await.is_empty(),
        "nothing was sent: {:?}",
        s.emu.log().await
    );
}
