//! Mastodon publishing against the strict emulator (`tests/emulators/platforms/mastodon.py`):
//! instance limits, text, images with alt text, a video that is processed asynchronously, threads,
//! Idempotency-Key, native scheduling, every error class and validation before any upload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Mutex;

use outpost_platforms::mastodon::publish::MastodonPublisher;
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::{AppCredentials, Endpoints, Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::Emulator;

struct Setup {
    emu: Emulator,
    http: outpost_net::HttpClient,
    endpoints: Endpoints,
    app: AppCredentials,
    tokens: TokenSet,
}

impl Setup {
    async fn new() -> Setup {
        let emu = Emulator::start(Platform::Mastodon);
        let token = emu.admin("token", json!({})).await["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let app = AppCredentials {
            client_id: String::new(),
            client_secret: None,
            instance_url: Some(url::Url::parse(&emu.origin).unwrap()),
            organization_access: false,
        };
        Setup {
            emu,
            http: support::http(),
            // The server is the channel's instance: no endpoint overrides apply.
            endpoints: Endpoints::default(),
            app,
            tokens: TokenSet::new(token, 0),
        }
    }

    fn ctx(&self) -> outpost_platforms::Ctx<'_> {
        support::ctx(&self.http, &self.endpoints, &self.app)
    }

    async fn publish(&self, post: &Post) -> Result<outpost_platforms::publish::Published, Error> {
        MastodonPublisher
            .publish(self.ctx(), &self.tokens, post, &|_, _| {})
            .await
    }

    async fn posts(&self) -> Vec<Value> {
        self.emu
            .admin_get("posts")
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    /// Every request but the instance document (which validation reads first).
    async fn api_requests(&self) -> Vec<Value> {
        self.emu
            .log()
            .await
            .into_iter()
            .filter(|e| e["path"] != "/api/v2/instance")
            .collect()
    }
}

fn text_post(key: &str, texts: &[&str]) -> Post {
    Post {
        key: key.into(),
        parts: texts
            .iter()
            .map(|t| PostPart {
                text: (*t).into(),
                media: vec![],
            })
            .collect(),
        options: PostOptions::default(),
    }
}

/// A PNG header (signature + IHDR) padded to `len` bytes: sniffed as image/png, 4×3 pixels.
fn png(dir: &std::path::Path, name: &str, len: usize) -> std::path::PathBuf {
    let mut magic = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    magic.extend_from_slice(&4u32.to_be_bytes());
    magic.extend_from_slice(&3u32.to_be_bytes());
    magic.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    support::file_with(dir, name, &magic, len)
}

fn mp4(dir: &std::path::Path, name: &str, len: usize) -> std::path::PathBuf {
    support::file_with(dir, name, b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom", len)
}

fn sha256_hex(path: &std::path::Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn server_limits_come_from_the_instance() {
    let s = Setup::new().await;
    s.emu
        .admin(
            "instance",
            json!({"max_characters": 1000, "max_media_attachments": 2, "image_size_limit": 2_000_000,
                   "video_size_limit": 40_000_000}),
        )
        .await;
    let l = MastodonPublisher.server_limits(s.ctx()).await.unwrap();
    assert_eq!(l.max_text, 1000);
    assert_eq!((l.max_images, l.max_videos), (2, 1));
    assert_eq!(
        (l.max_image_bytes, l.max_video_bytes),
        (2_000_000, 40_000_000)
    );
    assert!(l.image_types.contains(&"image/webp".to_string()));
    assert!(l.video_types.contains(&"video/mp4".to_string()));
    assert!(!l.image_types.iter().any(|t| t.starts_with("audio/")));
    // A 600-character post is within this server's limit.
    let long = "a".repeat(600);
    s.publish(&text_post("k-long", &[&long])).await.unwrap();
    assert_eq!(s.posts().await[0]["text"], long.as_str());
}

#[tokio::test]
async fn text_post_with_options_and_idempotency_key() {
    let s = Setup::new().await;
    let mut post = text_post("post-1:chan-1", &["Hello <fediverse> & friends"]);
    post.options = PostOptions {
        visibility: Some("unlisted".into()),
        content_warning: Some("spoilers".into()),
        language: Some("en".into()),
        ..PostOptions::default()
    };
    let published = s.publish(&post).await.unwrap();
    let posts = s.posts().await;
    assert_eq!(posts.len(), 1);
    let p = &posts[0];
    assert_eq!(p["text"], "Hello <fediverse> & friends");
    assert_eq!(p["visibility"], "unlisted");
    assert_eq!(p["spoiler_text"], "spoilers");
    assert_eq!(p["sensitive"], true);
    assert_eq!(p["language"], "en");
    assert_eq!(p["idempotency_key"], "post-1:chan-1");
    assert_eq!(published.id, p["id"].as_str().unwrap());
    assert_eq!(published.url.as_deref(), p["url"].as_str());
    assert_eq!(published.thread, vec![published.id.clone()]);
    let reqs = s.emu.requests("POST", "/api/v1/statuses").await;
    assert_eq!(reqs.len(), 1);
    let auth = reqs[0]["headers"]["authorization"].as_str().unwrap();
    assert!(auth.starts_with("Bearer "), "{auth}");
    assert_eq!(reqs[0]["headers"]["idempotency-key"], "post-1:chan-1");
    assert!(
        reqs[0]["json"]["media_ids"].is_null(),
        "no media_ids without media"
    );

    // Published again with the same key (a retry after a lost answer): the same status, no duplicate.
    let again = s.publish(&post).await.unwrap();
    assert_eq!(again, published);
    assert_eq!(s.posts().await.len(), 1);
}

#[tokio::test]
async fn images_with_alt_text_are_streamed_and_attached_in_order() {
    let s = Setup::new().await;
    let dir = tempfile::tempdir().unwrap();
    let a = png(dir.path(), "a.png", 3000);
    let b = png(dir.path(), "b \"quoted\".png", 200_000); // > 64 KiB: streamed
    let ma = MediaFile::inspect(&a, Some("A red square".into())).unwrap();
    let mb = MediaFile::inspect(&b, Some("Ein blaues Quadrat – ünïcödé".into())).unwrap();
    assert_eq!(ma.mime, "image/png");
    let post = Post {
        key: "imgs".into(),
        parts: vec![PostPart {
            text: "two images".into(),
            media: vec![ma, mb],
        }],
        options: PostOptions::default(),
    };
    let seen = Mutex::new(Vec::new());
    let progress = |sent: u64, total: u64| seen.lock().unwrap().push((sent, total));
    MastodonPublisher
        .publish(s.ctx(), &s.tokens, &post, &progress)
        .await
        .unwrap();
    let seen = seen.into_inner().unwrap();
    let total = 203_000;
    assert_eq!(seen.last(), Some(&(total, total)), "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress never goes back: {seen:?}"
    );

    let media = s.emu.admin_get("media").await;
    let media = media.as_array().unwrap();
    assert_eq!(media.len(), 2);
    assert_eq!(media[0]["description"], "A red square");
    assert_eq!(media[1]["description"], "Ein blaues Quadrat – ünïcödé");
    assert_eq!(media[0]["sha256"], sha256_hex(&a).as_str());
    assert_eq!(media[1]["sha256"], sha256_hex(&b).as_str());
    assert_eq!(media[0]["part_content_type"], "image/png");
    assert_eq!(media[0]["filename"], "a.png");
    let uploads = s.emu.requests("POST", "/api/v2/media").await;
    assert_eq!(uploads.len(), 2);
    assert!(
        uploads[0]["headers"]["content-type"]
            .as_str()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let posts = s.posts().await;
    let ids: Vec<&str> = posts[0]["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![
            media[0]["id"].as_str().unwrap(),
            media[1]["id"].as_str().unwrap()
        ]
    );
}

#[tokio::test]
async fn a_video_is_polled_until_processed() {
    let s = Setup::new().await;
    let dir = tempfile::tempdir().unwrap();
    let v = mp4(dir.path(), "clip.mp4", 300_000);
    let m = MediaFile::inspect(&v, None).unwrap();
    assert_eq!(m.mime, "video/mp4");
    let post = Post {
        key: "vid".into(),
        parts: vec![PostPart {
            text: "a clip".into(),
            media: vec![m],
        }],
        options: PostOptions::default(),
    };
    s.publish(&post).await.unwrap();
    let log = s.api_requests().await;
    let seq: Vec<(String, u64)> = log
        .iter()
        .map(|e| {
            let path = e["path"].as_str().unwrap();
            let path = if path.starts_with("/api/v1/media/") {
                "/api/v1/media/:id"
            } else {
                path
            };
            (
                format!("{} {path}", e["method"].as_str().unwrap()),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("POST /api/v2/media", 202),
        ("GET /api/v1/media/:id", 206),
        ("GET /api/v1/media/:id", 206),
        ("GET /api/v1/media/:id", 200),
        ("POST /api/v1/statuses", 200),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_string(), *b))
    .collect();
    assert_eq!(seq, want);
    let media = s.emu.admin_get("media").await;
    assert_eq!(media[0]["type"], "video");
    assert_eq!(media[0]["size"], 300_000);
    assert_eq!(media[0]["sha256"], sha256_hex(&v).as_str());
    assert!(
        media[0]["description"].is_null(),
        "no alt text, no description part"
    );
}

#[tokio::test]
async fn a_thread_chains_replies_and_resumes_without_duplicates() {
    let s = Setup::new().await;
    let post = text_post("thread-1", &["one", "two", "three"]);
    let first = s.publish(&post).await.unwrap();
    assert_eq!(first.thread.len(), 3);
    let posts = s.posts().await;
    assert_eq!(posts.len(), 3);
    assert!(posts[0]["in_reply_to_id"].is_null());
    assert_eq!(posts[1]["in_reply_to_id"], posts[0]["id"]);
    assert_eq!(posts[2]["in_reply_to_id"], posts[1]["id"]);
    let keys: Vec<&str> = posts
        .iter()
        .map(|p| p["idempotency_key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["thread-1", "thread-1:1", "thread-1:2"]);
    assert_eq!(first.id, posts[0]["id"].as_str().unwrap());
    let ids: Vec<&str> = posts.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(first.thread, ids);

    // A failed create is Unavailable; then a thread interrupted after two parts (the prefix is
    // published alone): publishing it again within the hour resumes — the first two come back by
    // their keys, only the third is created.
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v1/statuses", "status": 503, "times": 1}),
        )
        .await;
    let post2 = text_post("thread-2", &["a", "b", "c"]);
    let prefix = text_post("thread-2", &["a", "b"]);
    assert!(matches!(
        s.publish(&post2).await,
        Err(Error::Unavailable { status: 503, .. })
    ));
    s.publish(&prefix).await.unwrap();
    assert_eq!(s.posts().await.len(), 5);
    let done = s.publish(&post2).await.unwrap();
    let posts = s.posts().await;
    assert_eq!(posts.len(), 6, "exactly one more status");
    assert_eq!(done.thread.len(), 3);
    assert_eq!(done.thread[0], posts[3]["id"].as_str().unwrap());
    assert_eq!(
        posts[5]["in_reply_to_id"].as_str(),
        Some(done.thread[1].as_str())
    );
}

#[tokio::test]
async fn native_scheduling_returns_a_scheduled_status() {
    let s = Setup::new().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut post = text_post("sched", &["later"]);
    post.options.publish_at = Some(now + 3600);
    let p = s.publish(&post).await.unwrap();
    assert!(p.url.is_none());
    let sched = s.emu.admin_get("scheduled").await;
    assert_eq!(sched[0]["id"], p.id.as_str());
    assert_eq!(sched[0]["params"]["text"], "later");
    assert_eq!(sched[0]["params"]["idempotency"], "sched");
    let req = &s.emu.requests("POST", "/api/v1/statuses").await[0];
    let at = req["json"]["scheduled_at"].as_str().unwrap();
    assert!(at.ends_with('Z') && at.len() == 20, "{at}");
    assert!(s.posts().await.is_empty());

    // Less than 5 minutes ahead: refused before anything is sent.
    post.options.publish_at = Some(now + 120);
    post.key = "sched-2".into();
    let err = s.publish(&post).await.unwrap_err();
    assert!(
        matches!(&err, Error::Rejected { reason, .. } if reason.contains("5 minutes")),
        "{err:?}"
    );
    assert_eq!(s.emu.requests("POST", "/api/v1/statuses").await.len(), 1);
}

#[tokio::test]
async fn validation_runs_before_any_upload() {
    let s = Setup::new().await;
    let dir = tempfile::tempdir().unwrap();
    let img = png(dir.path(), "a.png", 100);
    let long = "x".repeat(501);
    let post = Post {
        key: "bad".into(),
        parts: vec![PostPart {
            text: long,
            media: vec![MediaFile::inspect(&img, None).unwrap()],
        }],
        options: PostOptions::default(),
    };
    let err = s.publish(&post).await.unwrap_err();
    match &err {
        Error::Rejected { reason, .. } => assert!(reason.contains("501"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Five images on a server that takes two; a video with an image.
    s.emu
        .admin("instance", json!({"max_media_attachments": 2}))
        .await;
    let m = MediaFile::inspect(&img, None).unwrap();
    let v = MediaFile::inspect(&mp4(dir.path(), "v.mp4", 100), None).unwrap();
    for media in [vec![m.clone(), m.clone(), m.clone()], vec![m.clone(), v]] {
        let post = Post {
            key: "bad2".into(),
            parts: vec![PostPart {
                text: "hi".into(),
                media,
            }],
            options: PostOptions::default(),
        };
        assert!(matches!(
            s.publish(&post).await,
            Err(Error::Rejected { .. })
        ));
    }
    // Content warning + text over the limit; unknown visibility.
    let mut post = text_post("bad3", &[&"y".repeat(495)]);
    post.options.content_warning = Some("ten chars!".into());
    assert!(matches!(
        s.publish(&post).await,
        Err(Error::Rejected { reason, .. }) if reason.contains("505")
    ));
    let mut post = text_post("bad4", &["hi"]);
    post.options.visibility = Some("everyone".into());
    assert!(matches!(
        s.publish(&post).await,
        Err(Error::Rejected { .. })
    ));
    assert!(
        s.api_requests().await.is_empty(),
        "nothing but the instance document was requested"
    );
}

#[tokio::test]
async fn errors_are_classified() {
    let s = Setup::new().await;
    let post = text_post("e", &["hello"]);

    // 401: the token is invalid.
    let bad = Setup {
        tokens: TokenSet::new("not-a-token", 0),
        ..Setup::new().await
    };
    let err = bad.publish(&post).await.unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");

    // 429 with X-RateLimit-Reset (ISO 8601): retry_at is that instant (next 5-minute boundary).
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v1/statuses", "status": 429, "times": 1}),
        )
        .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    match s.publish(&post).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => {
            assert_eq!(at % 300, 0, "{at}");
            assert!(at > now - 2 && at <= now + 301, "{at} vs {now}");
        }
        other => panic!("{other:?}"),
    }

    // 5xx.
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v1/statuses", "status": 502, "times": 1}),
        )
        .await;
    assert!(matches!(
        s.publish(&post).await,
        Err(Error::Unavailable { status: 502, .. })
    ));

    // The server's own refusal, with its message.
    let mut odd = text_post("e2", &["hello"]);
    odd.options.language = Some("Klingon!".into());
    match s.publish(&odd).await.unwrap_err() {
        Error::Rejected {
            status: Some(422),
            reason,
            ..
        } => assert_eq!(
            reason,
            "Validation failed: Language is not included in the list"
        ),
        other => panic!("{other:?}"),
    }

    // A cut-off answer.
    s.emu
        .admin("garble", json!({"path": "/api/v1/statuses"}))
        .await;
    assert!(matches!(
        s.publish(&text_post("e3", &["x"])).await,
        Err(Error::InvalidResponse { .. })
    ));
    // A connection dropped before the answer: a network error, not retried here.
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v1/statuses", "mode": "drop", "times": 1}),
        )
        .await;
    let before = s.emu.requests("POST", "/api/v1/statuses").await.len();
    assert!(matches!(
        s.publish(&text_post("e4", &["x"])).await,
        Err(Error::Network { .. })
    ));
    assert_eq!(
        s.emu.requests("POST", "/api/v1/statuses").await.len(),
        before + 1
    );

    // Upload errors: 413-ish refusal from the server for an unsupported type is caught earlier;
    // a 503 on the upload is Unavailable and no status is created.
    let dir = tempfile::tempdir().unwrap();
    let img = MediaFile::inspect(&png(dir.path(), "a.png", 100), None).unwrap();
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v2/media", "status": 503, "times": 1}),
        )
        .await;
    let n = s.posts().await.len();
    let with_media = Post {
        key: "e5".into(),
        parts: vec![PostPart {
            text: "pic".into(),
            media: vec![img],
        }],
        options: PostOptions::default(),
    };
    assert!(matches!(
        s.publish(&with_media).await,
        Err(Error::Unavailable { status: 503, .. })
    ));
    assert_eq!(s.posts().await.len(), n);
}

#[tokio::test]
async fn lookup_finds_a_published_post_by_its_text() {
    let s = Setup::new().await;
    let mut post = text_post("lk", &["Find me & <me>\n\nsecond paragraph"]);
    // A look-up matches only what this attempt could have created (from a minute ago on).
    post.options.attempt_since = Some(unix_now() - 60);
    assert_eq!(
        MastodonPublisher
            .lookup(s.ctx(), &s.tokens, &post)
            .await
            .unwrap(),
        None
    );
    let published = s.publish(&post).await.unwrap();
    s.publish(&text_post("other", &["something else"]))
        .await
        .unwrap();
    let found = MastodonPublisher
        .lookup(s.ctx(), &s.tokens, &post)
        .await
        .unwrap();
    assert_eq!(found, Some(published));
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn unix_of(v: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .timestamp()
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Setup {
    async fn schedule(&self, key: &str, at: i64) -> outpost_platforms::publish::Published {
        let mut post = text_post(key, &[key]);
        post.options.publish_at = Some(at);
        self.publish(&post).await.unwrap()
    }

    async fn reschedule(
        &self,
        p: &outpost_platforms::publish::Published,
        at: i64,
    ) -> Result<(), Error> {
        MastodonPublisher
            .reschedule_native(self.ctx(), &self.tokens, p, at)
            .await
    }

    async fn cancel(&self, p: &outpost_platforms::publish::Published) -> Result<(), Error> {
        MastodonPublisher
            .cancel_native(self.ctx(), &self.tokens, p)
            .await
    }
}

#[tokio::test]
async fn a_scheduled_post_is_moved_then_cancelled_on_the_server() {
    let s = Setup::new().await;
    assert!(MastodonPublisher.native_scheduling());
    let now = unix_now();
    let p = s.schedule("move-me", now + 3600).await;
    s.reschedule(&p, now + 7200).await.unwrap();
    let sched = s.emu.admin_get("scheduled").await;
    assert_eq!(sched.as_array().unwrap().len(), 1);
    assert_eq!(sched[0]["id"], p.id.as_str());
    assert_eq!(unix_of(&sched[0]["scheduled_at"]), now + 7200);
    let path = format!("/api/v1/scheduled_statuses/{}", p.id);
    let puts = s.emu.requests("PUT", &path).await;
    assert_eq!(puts.len(), 1);
    assert_eq!(
        puts[0]["json"],
        json!({"scheduled_at": rfc3339(now + 7200)})
    );
    assert!(
        puts[0]["headers"]["authorization"]
            .as_str()
            .unwrap()
            .starts_with("Bearer ")
    );
    assert_eq!(puts[0]["status"], 200);

    s.cancel(&p).await.unwrap();
    assert!(
        s.emu
            .admin_get("scheduled")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(s.posts().await.is_empty(), "nothing was published");
    // Cancelling again: the server answers 404, which is success.
    s.cancel(&p).await.unwrap();
    let deletes = s.emu.requests("DELETE", &path).await;
    let codes: Vec<u64> = deletes
        .iter()
        .map(|d| d["status"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, vec![200, 404]);
    // Moving a post that is no longer scheduled says so.
    match s.reschedule(&p, now + 9000).await.unwrap_err() {
        Error::Rejected {
            status: Some(404),
            reason,
            ..
        } => assert!(
            reason.contains("already published or cancelled"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn moving_a_post_5_minutes_ahead_or_less_is_refused_without_a_request() {
    let s = Setup::new().await;
    let now = unix_now();
    let p = s.schedule("soon", now + 3600).await;
    for at in [now - 60, now + 120, now + 300] {
        let err = s.reschedule(&p, at).await.unwrap_err();
        assert!(
            matches!(&err, Error::Rejected { status: None, reason, .. } if reason.contains("5 minutes")),
            "{err:?}"
        );
    }
    assert!(
        s.emu.log().await.iter().all(|e| e["method"] != "PUT"),
        "no request was sent"
    );
    // The server's own clock decides too: 10 minutes ahead here is too soon for a server whose
    // clock runs 50 minutes ahead; its 422 comes back with its message.
    s.emu.admin("clock", json!({"advance_seconds": 3000})).await;
    match s.reschedule(&p, now + 600).await.unwrap_err() {
        Error::Rejected {
            status: Some(422),
            reason,
            ..
        } => assert_eq!(
            reason,
            "Validation failed: Scheduled at The scheduled date must be in the future"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        unix_of(&s.emu.admin_get("scheduled").await[0]["scheduled_at"]),
        now + 3600,
        "unchanged"
    );
}

#[tokio::test]
async fn a_post_that_went_out_cannot_be_moved_and_cancelling_it_is_ok() {
    let s = Setup::new().await;
    let now = unix_now();
    let p = s.schedule("goes-out", now + 600).await;
    s.emu.admin("clock", json!({"advance_seconds": 601})).await;
    let posts = s.posts().await;
    assert_eq!(posts.len(), 1, "the server published it");
    assert_eq!(posts[0]["from_scheduled"], p.id.as_str());
    assert!(matches!(
        s.reschedule(&p, now + 7200).await,
        Err(Error::Rejected {
            status: Some(404),
            ..
        })
    ));
    // 404: already published — Mastodon cannot tell it from cancelled; the live post stays.
    s.cancel(&p).await.unwrap();
    assert_eq!(s.posts().await.len(), 1);
}

#[tokio::test]
async fn moving_and_cancelling_errors_are_classified() {
    let s = Setup::new().await;
    let now = unix_now();
    let p = s.schedule("errs", now + 3600).await;
    let path = format!("/api/v1/scheduled_statuses/{}", p.id);
    s.emu
        .admin("fail", json!({"path": path, "status": 503}))
        .await;
    assert!(matches!(
        s.cancel(&p).await,
        Err(Error::Unavailable { status: 503, .. })
    ));
    s.emu
        .admin("fail", json!({"path": path, "status": 429}))
        .await;
    assert!(matches!(
        s.reschedule(&p, now + 7200).await,
        Err(Error::RateLimited { .. })
    ));
    let bad = Setup {
        tokens: TokenSet::new("not-a-token", 0),
        ..Setup::new().await
    };
    assert!(bad.cancel(&p).await.unwrap_err().needs_reauth());
    assert!(
        bad.reschedule(&p, now + 7200)
            .await
            .unwrap_err()
            .needs_reauth()
    );
    assert_eq!(s.emu.admin_get("scheduled").await[0]["id"], p.id.as_str());
}
