//! YouTube publishing against the strict emulator (tests/emulators/platforms/google.py): resumable
//! upload in chunks, resume after a dropped connection, scheduling, thumbnails, every error class.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Published, Publisher};
use outpost_platforms::youtube::publish::{YoutubePublisher, next_pacific_midnight};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Emulator, ctx, file_with, http, no_app};

const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x05\0\0\0\x02\xd0\x08\x02\0\0\0";
const MIB: usize = 1024 * 1024;

async fn token(e: &Emulator) -> TokenSet {
    let t = e.admin("token", json!({})).await;
    TokenSet::new(t["access_token"].as_str().unwrap(), 0)
}

fn video_file(dir: &Path, len: usize) -> PathBuf {
    let path = dir.join("clip.mp4");
    let mut bytes = vec![0u8; len];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i % 253) as u8;
    }
    bytes[..MP4.len()].copy_from_slice(MP4);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn sha(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn video_post(path: &Path, title: &str) -> Post {
    Post {
        key: "k1".into(),
        parts: vec![PostPart {
            text: "A description\nwith two lines".into(),
            media: vec![MediaFile::inspect(path, None).unwrap()],
        }],
        options: PostOptions {
            title: Some(title.into()),
            tags: vec!["outpost".into(), "test".into()],
            ..PostOptions::default()
        },
    }
}

async fn publish_with(
    e: &Emulator,
    tokens: &TokenSet,
    post: &Post,
    seen: &Mutex<Vec<(u64, u64)>>,
) -> Result<Published, Error> {
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    YoutubePublisher
        .publish(ctx(&h, &ep, &app), tokens, post, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
}

async fn publish(e: &Emulator, tokens: &TokenSet, post: &Post) -> Result<Published, Error> {
    publish_with(e, tokens, post, &Mutex::new(Vec::new())).await
}

async fn videos(e: &Emulator) -> Vec<Value> {
    e.admin_get("videos").await.as_array().unwrap().clone()
}

#[tokio::test]
async fn video_uploads_in_256k_aligned_chunks_with_metadata() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let len = 20 * MIB + 4321;
    let path = video_file(dir.path(), len);
    let seen = Mutex::new(Vec::new());
    let p = publish_with(&e, &tokens, &video_post(&path, "My first video"), &seen)
        .await
        .unwrap();
    assert_eq!(
        p.url.as_deref(),
        Some(format!("https://www.youtube.com/watch?v={}", p.id).as_str())
    );
    let v = videos(&e).await;
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["id"], p.id.as_str());
    assert_eq!(v[0]["bytes"], len);
    assert_eq!(v[0]["sha256"], sha(&path), "YouTube got exactly the file");
    assert_eq!(v[0]["content_type"], "video/mp4");
    let chunks: Vec<(u64, u64)> = v[0]["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["first"].as_u64().unwrap(), c["last"].as_u64().unwrap()))
        .collect();
    let c8 = 8 * MIB as u64;
    assert_eq!(
        chunks,
        vec![(0, c8 - 1), (c8, 2 * c8 - 1), (2 * c8, len as u64 - 1)]
    );
    let meta = &v[0]["metadata"];
    assert_eq!(meta["snippet"]["title"], "My first video");
    assert_eq!(
        meta["snippet"]["description"],
        "A description\nwith two lines"
    );
    assert_eq!(meta["snippet"]["tags"], json!(["outpost", "test"]));
    assert_eq!(meta["snippet"]["categoryId"], "22");
    assert_eq!(meta["status"]["privacyStatus"], "public");
    assert!(meta["status"].get("publishAt").is_none());
    let init = &e.requests("POST", "/upload/youtube/v3/videos").await[0];
    assert_eq!(init["query"]["uploadType"], "resumable");
    assert_eq!(init["query"]["part"], "snippet,status");
    let seen = seen.into_inner().unwrap();
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(len as u64, len as u64)));
    assert!(
        seen.iter().any(|(s, _)| *s > 0 && *s < len as u64),
        "intermediate progress: {seen:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_mid_chunk_resumes_where_the_server_stopped() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let len = 20 * MIB + 99;
    let path = video_file(dir.path(), len);
    let cut = 9 * MIB + 1000; // inside the second chunk, not 256 KiB aligned
    e.admin("youtube-publishing", json!({"drop_after": cut}))
        .await;
    let p = publish(&e, &tokens, &video_post(&path, "Flaky network"))
        .await
        .unwrap();
    let v = videos(&e).await;
    assert_eq!(v.len(), 1, "one video, not two");
    assert_eq!(v[0]["id"], p.id.as_str());
    assert_eq!(
        v[0]["sha256"],
        sha(&path),
        "the resumed upload is byte-exact"
    );
    assert_eq!(
        v[0]["status_queries"], 1,
        "one `bytes */total` query after the drop"
    );
    let chunks: Vec<(u64, u64)> = v[0]["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["first"].as_u64().unwrap(), c["kept"].as_u64().unwrap()))
        .collect();
    let c8 = 8 * MIB as u64;
    assert_eq!(
        chunks[1],
        (c8, cut as u64 - c8),
        "the cut chunk kept only part"
    );
    assert_eq!(
        chunks[2].0, cut as u64,
        "resumed at the byte after the server's Range"
    );
    assert_eq!(
        e.requests("POST", "/upload/youtube/v3/videos").await.len(),
        1,
        "no new session"
    );
}

#[tokio::test]
async fn scheduled_video_is_private_with_publish_at_and_gets_its_thumbnail() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = video_file(dir.path(), 300_000);
    let thumb = file_with(dir.path(), "thumb.png", PNG, 50_000);
    let mut post = video_post(&path, "Scheduled");
    post.options.visibility = Some("public".into());
    post.options.publish_at = Some(4_102_444_800); // 2100-01-01
    post.options.thumbnail = Some(MediaFile::inspect(&thumb, None).unwrap());
    let seen = Mutex::new(Vec::new());
    let p = publish_with(&e, &tokens, &post, &seen).await.unwrap();
    let v = videos(&e).await;
    assert_eq!(v[0]["metadata"]["status"]["privacyStatus"], "private");
    assert_eq!(
        v[0]["metadata"]["status"]["publishAt"],
        "2100-01-01T00:00:00Z"
    );
    assert_eq!(v[0]["thumbnail"]["sha256"], sha(&thumb));
    assert_eq!(v[0]["thumbnail"]["content_type"], "image/png");
    let set = &e
        .requests("POST", "/upload/youtube/v3/thumbnails/set")
        .await[0];
    assert_eq!(set["query"]["videoId"], p.id.as_str());
    let total = 300_000 + 50_000;
    assert_eq!(seen.into_inner().unwrap().last(), Some(&(total, total)));
}

#[tokio::test]
async fn a_failed_thumbnail_does_not_fail_the_published_video() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = video_file(dir.path(), 1000);
    let mut post = video_post(&path, "Thumb fails");
    post.options.thumbnail =
        Some(MediaFile::inspect(&file_with(dir.path(), "t.png", PNG, 900), None).unwrap());
    e.admin(
        "fail",
        json!({"path": "/upload/youtube/v3/thumbnails/set", "status": 500}),
    )
    .await;
    let p = publish(&e, &tokens, &post).await.unwrap();
    assert_eq!(videos(&e).await[0]["id"], p.id.as_str());
}

#[tokio::test]
async fn errors_are_classified() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = video_file(dir.path(), 5000);
    let post = video_post(&path, "Errors");

    // Daily quota → wait until the next midnight Pacific.
    e.admin("youtube-publishing", json!({"quota_exceeded": true}))
        .await;
    let before = outpost_now();
    match publish(&e, &tokens, &post).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => {
            assert!(
                at == next_pacific_midnight(before) || at == next_pacific_midnight(outpost_now()),
                "{at}"
            );
            assert!(at > before && at <= before + 86_400);
        }
        other => panic!("{other:?}"),
    }
    e.admin(
        "youtube-publishing",
        json!({"quota_exceeded": false, "upload_limit": 0}),
    )
    .await;

    // Per-channel upload cap → Rejected with Google's message.
    match publish(&e, &tokens, &post).await.unwrap_err() {
        Error::Rejected {
            status: Some(400),
            reason,
            ..
        } => {
            assert_eq!(
                reason,
                "The user has exceeded the number of videos they may upload."
            );
        }
        other => panic!("{other:?}"),
    }
    e.admin("youtube-publishing", json!({"upload_limit": null}))
        .await;

    // 5xx on the initial POST → Unavailable.
    e.admin(
        "fail",
        json!({"path": "/upload/youtube/v3/videos", "status": 503}),
    )
    .await;
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { status: 503, .. }),
        "{err:?}"
    );

    // 429 (per-user rate limit) → RateLimited.
    e.admin(
        "fail",
        json!({"path": "/upload/youtube/v3/videos", "status": 429}),
    )
    .await;
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");

    // A success without the session URL → InvalidResponse.
    e.admin("youtube-publishing", json!({"no_location": true}))
        .await;
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");

    // Revoked → NeedsReauth.
    e.admin("revoke-all", json!({})).await;
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
    assert!(videos(&e).await.is_empty());
}

#[tokio::test]
async fn upload_errors_are_retried_through_status_queries_then_given_up() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = video_file(dir.path(), 5000);

    // A 503 on the chunk and on the first status query: the second query resumes, one video.
    e.admin("youtube-publishing", json!({"chunk_failures": 2}))
        .await;
    publish(&e, &tokens, &video_post(&path, "Recovers"))
        .await
        .unwrap();
    assert_eq!(videos(&e).await.len(), 1);
    assert_eq!(
        e.requests("PUT", "/upload/youtube/v3/videos").await.len(),
        4,
        "chunk, 2 queries, chunk"
    );

    // The upload service stays down: give up after 5 queries with a transient error.
    e.admin("youtube-publishing", json!({"chunk_failures": 100}))
        .await;
    let before = e.requests("PUT", "/upload/youtube/v3/videos").await.len();
    let err = publish(&e, &tokens, &video_post(&path, "Down"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(
        e.requests("PUT", "/upload/youtube/v3/videos").await.len() - before,
        6,
        "one chunk + 5 status queries"
    );
    assert_eq!(videos(&e).await.len(), 1);
}

#[tokio::test]
async fn invalid_posts_are_refused_before_any_request() {
    let e = Emulator::start(Platform::Youtube);
    let tokens = token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = video_file(dir.path(), 5000);

    let mut no_title = video_post(&path, "");
    no_title.options.title = None;
    let err = publish(&e, &tokens, &no_title).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { status: None, ref reason, .. } if reason.contains("title_required")),
        "{err:?}"
    );

    let err = publish(&e, &tokens, &video_post(&path, &"t".repeat(101)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("title_too_long")),
        "{err:?}"
    );

    let err = publish(&e, &tokens, &video_post(&path, "a <b> title"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("title_chars")),
        "{err:?}"
    );

    let mut text_only = video_post(&path, "Text");
    text_only.parts[0].media.clear();
    let err = publish(&e, &tokens, &text_only).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("video_required")),
        "{err:?}"
    );

    let mut big_thumb = video_post(&path, "Thumb");
    big_thumb.options.thumbnail =
        Some(MediaFile::inspect(&file_with(dir.path(), "big.png", PNG, 3 * MIB), None).unwrap());
    let err = publish(&e, &tokens, &big_thumb).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("thumbnail_too_large")),
        "{err:?}"
    );

    assert!(e.log().await.is_empty(), "nothing reached YouTube");
}

fn outpost_now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// A token with the scopes Outpost's sign-in asks for (`youtube.force-ssl` manages videos).
async fn full_token(e: &Emulator) -> TokenSet {
    let t = e
        .admin(
            "token",
            json!({"scopes": [
                "https://www.googleapis.com/auth/youtube.upload",
                "https://www.googleapis.com/auth/youtube.readonly",
                "https://www.googleapis.com/auth/youtube.force-ssl"]}),
        )
        .await;
    TokenSet::new(t["access_token"].as_str().unwrap(), 0)
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An emulator with a video scheduled natively `ahead` seconds from now (`now` is returned).
struct Scheduled {
    e: Emulator,
    tokens: TokenSet,
    now: i64,
    p: Published,
    _dir: tempfile::TempDir,
}

async fn scheduled(ahead: i64) -> Scheduled {
    let e = Emulator::start(Platform::Youtube);
    let tokens = full_token(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = video_file(dir.path(), 5000);
    let mut post = video_post(&path, "Scheduled");
    let now = outpost_now();
    post.options.publish_at = Some(now + ahead);
    let p = publish(&e, &tokens, &post).await.unwrap();
    Scheduled {
        e,
        tokens,
        now,
        p,
        _dir: dir,
    }
}

async fn reschedule(e: &Emulator, tokens: &TokenSet, p: &Published, at: i64) -> Result<(), Error> {
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    YoutubePublisher
        .reschedule_native(ctx(&h, &ep, &app), tokens, p, at)
        .await
}

async fn cancel(e: &Emulator, tokens: &TokenSet, p: &Published) -> Result<(), Error> {
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    YoutubePublisher
        .cancel_native(ctx(&h, &ep, &app), tokens, p)
        .await
}

#[tokio::test]
async fn a_scheduled_video_is_moved_keeping_its_other_status_fields() {
    assert!(YoutubePublisher.native_scheduling());
    let Scheduled {
        e, tokens, now, p, ..
    } = scheduled(3600).await;
    // The owner changed other settings in YouTube Studio meanwhile: the update must keep them.
    e.admin(
        "video-status",
        json!({"id": p.id, "status": {"embeddable": false, "license": "creativeCommon"}}),
    )
    .await;
    reschedule(&e, &tokens, &p, now + 7200).await.unwrap();
    let st = &videos(&e).await[0]["status"];
    assert_eq!(st["publishAt"], rfc3339(now + 7200).as_str());
    assert_eq!(st["privacyStatus"], "private");
    assert_eq!(st["embeddable"], false);
    assert_eq!(st["license"], "creativeCommon");
    assert_eq!(st["selfDeclaredMadeForKids"], false);
    assert_eq!(st["publicStatsViewable"], true);

    let list = &e.requests("GET", "/youtube/v3/videos").await[0];
    assert_eq!(list["query"], json!({"part": "status", "id": p.id}));
    let put = &e.requests("PUT", "/youtube/v3/videos").await[0];
    assert_eq!(put["query"], json!({"part": "status"}));
    assert_eq!(put["json"]["id"], p.id.as_str());
    let sent = put["json"]["status"].as_object().unwrap();
    for computed in ["uploadStatus", "madeForKids"] {
        assert!(!sent.contains_key(computed), "{computed} is not sent back");
    }
    assert_eq!(
        e.admin_get("quota").await,
        json!({"videos.list": 1, "videos.update": 50, "videos.delete": 0})
    );
}

#[tokio::test]
async fn a_cancelled_video_is_deleted_and_cancelling_again_is_ok() {
    let Scheduled {
        e, tokens, now, p, ..
    } = scheduled(3600).await;
    cancel(&e, &tokens, &p).await.unwrap();
    assert!(videos(&e).await.is_empty());
    assert_eq!(e.admin_get("deleted-videos").await[0]["id"], p.id.as_str());
    let del = e.requests("DELETE", "/youtube/v3/videos").await;
    assert_eq!(del.len(), 1);
    assert_eq!(del[0]["query"], json!({"id": p.id}));
    assert_eq!(del[0]["status"], 204);
    // Already gone: fine, and nothing more is deleted.
    cancel(&e, &tokens, &p).await.unwrap();
    assert_eq!(e.requests("DELETE", "/youtube/v3/videos").await.len(), 1);
    // Moving a deleted video says so.
    match reschedule(&e, &tokens, &p, now + 7200).await.unwrap_err() {
        Error::Rejected {
            status: Some(404),
            reason,
            ..
        } => assert!(reason.contains("no longer on YouTube"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_video_that_went_out_is_neither_moved_nor_deleted() {
    let Scheduled {
        e, tokens, now, p, ..
    } = scheduled(600).await;
    e.admin("clock", json!({"advance_seconds": 601})).await;
    assert_eq!(videos(&e).await[0]["status"]["privacyStatus"], "public");
    for err in [
        reschedule(&e, &tokens, &p, now + 7200).await.unwrap_err(),
        cancel(&e, &tokens, &p).await.unwrap_err(),
    ] {
        assert!(
            matches!(&err, Error::Rejected { status: None, reason, .. } if reason.contains("already public")),
            "{err:?}"
        );
    }
    assert!(e.requests("PUT", "/youtube/v3/videos").await.is_empty());
    assert!(e.requests("DELETE", "/youtube/v3/videos").await.is_empty());
    assert_eq!(videos(&e).await.len(), 1, "the live video stays");
}

#[tokio::test]
async fn moving_to_the_past_is_refused_without_a_request_and_errors_are_classified() {
    let Scheduled {
        e, tokens, now, p, ..
    } = scheduled(3600).await;
    let before = e.log().await.len();
    let err = reschedule(&e, &tokens, &p, now - 10).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { status: None, ref reason, .. } if reason.contains("future")),
        "{err:?}"
    );
    assert_eq!(e.log().await.len(), before, "nothing was sent");

    // youtube.upload alone cannot update: YouTube's refusal comes back as it is.
    let upload_only = token(&e).await;
    match reschedule(&e, &upload_only, &p, now + 7200)
        .await
        .unwrap_err()
    {
        Error::Rejected {
            status: Some(403),
            reason,
            ..
        } => assert_eq!(reason, "Request had insufficient authentication scopes."),
        other => panic!("{other:?}"),
    }
    // Daily quota → wait for the reset.
    e.admin("youtube-publishing", json!({"quota_exceeded": true}))
        .await;
    assert!(matches!(
        cancel(&e, &tokens, &p).await,
        Err(Error::RateLimited {
            retry_at: Some(_),
            ..
        })
    ));
    e.admin("youtube-publishing", json!({"quota_exceeded": false}))
        .await;
    e.admin("fail", json!({"path": "/youtube/v3/videos", "status": 503}))
        .await;
    assert!(matches!(
        reschedule(&e, &tokens, &p, now + 7200).await,
        Err(Error::Unavailable { status: 503, .. })
    ));
    e.admin("revoke-all", json!({})).await;
    assert!(cancel(&e, &tokens, &p).await.unwrap_err().needs_reauth());
    assert_eq!(
        videos(&e).await[0]["status"]["publishAt"],
        rfc3339(now + 3600).as_str(),
        "unchanged"
    );
}
