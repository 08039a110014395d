//! TikTok publishing against the strict emulator (tests/emulators/platforms/tiktok.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
#[path = "support/tiny_host.rs"]
mod tiny_host;

use std::sync::Mutex;

use outpost_platforms::publish::{MediaFile, MediaKind, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::tiktok::publish::{
    CHUNK, Chunking, MAX_CHUNK, MAX_CHUNKS, MAX_LAST_CHUNK, MIN_CHUNK, TiktokPublisher,
};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::{Emulator, ctx, http, no_app};
use tiny_host::{TinyHost, publish_via, sha};

const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn token(e: &Emulator, body: Value) -> TokenSet {
    let t = e.admin("token", body).await;
    TokenSet::new(t["access_token"].as_str().unwrap(), 0)
}

fn video_file(dir: &std::path::Path, len: usize) -> MediaFile {
    let p = dir.join(format!("v{len}.mp4"));
    let mut bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    bytes[..MP4.len()].copy_from_slice(MP4);
    std::fs::write(&p, bytes).unwrap();
    MediaFile::inspect(&p, None).unwrap()
}

fn photo(dir: &std::path::Path, n: usize) -> MediaFile {
    let p = dir.join(format!("p{n}.jpg"));
    let mut bytes = b"\xff\xd8\xff\xe0".to_vec();
    bytes.extend(std::iter::repeat_n(n as u8, 300 + n));
    std::fs::write(&p, &bytes).unwrap();
    MediaFile {
        path: p,
        mime: "image/jpeg".into(),
        kind: MediaKind::Image,
        bytes: bytes.len() as u64,
        width: Some(1080),
        height: Some(1920),
        duration_ms: None,
        alt: None,
    }
}

fn post(text: &str, media: Vec<MediaFile>, visibility: &str) -> Post {
    Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: text.into(),
            media,
        }],
        options: PostOptions {
            visibility: Some(visibility.into()),
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
    publish_via(&TiktokPublisher, e, tokens, p, host).await
}

async fn paths(e: &Emulator) -> Vec<String> {
    e.log()
        .await
        .iter()
        .map(|x| x["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn chunking_follows_tiktoks_rules_at_the_edges() {
    const MIB: u64 = 1024 * 1024;
    for size in [1, MIN_CHUNK - 1, MIN_CHUNK, MIN_CHUNK + 1, MAX_CHUNK] {
        let c = Chunking::for_size(size).unwrap();
        assert_eq!((c.chunk_size, c.total_chunk_count), (size, 1), "{size}");
        assert_eq!(c.range(0), (0, size));
    }
    assert!(Chunking::for_size(0).is_err());
    for size in [
        MAX_CHUNK + 1,
        64 * MIB + 1,
        2 * CHUNK - 1 + MAX_CHUNK,
        5 * CHUNK,
        5 * CHUNK + 1,
        4 * 1024 * MIB,
        20 * 1024 * MIB,
    ] {
        let c = Chunking::for_size(size).unwrap();
        assert!(
            c.total_chunk_count >= 2 && c.total_chunk_count <= MAX_CHUNKS,
            "{size}"
        );
        assert_eq!(
            c.total_chunk_count,
            size / c.chunk_size,
            "count = floor(size/chunk)"
        );
        assert!(c.chunk_size >= MIN_CHUNK && c.chunk_size <= MAX_CHUNK);
        let mut next = 0;
        for i in 0..c.total_chunk_count {
            let (start, len) = c.range(i);
            assert_eq!(start, next);
            if i + 1 < c.total_chunk_count {
                assert_eq!(len, c.chunk_size);
            } else {
                assert!(len >= c.chunk_size && len <= MAX_LAST_CHUNK, "last {len}");
            }
            next = start + len;
        }
        assert_eq!(next, size, "chunks cover the file exactly");
    }
    // 5 × 16 MiB + 1: five chunks, the last one carries the extra byte.
    let c = Chunking::for_size(5 * CHUNK + 1).unwrap();
    assert_eq!((c.chunk_size, c.total_chunk_count), (CHUNK, 5));
    assert_eq!(c.range(4), (4 * CHUNK, CHUNK + 1));
    // Beyond 1000 × 64 MB nothing fits.
    assert!(Chunking::for_size(MAX_CHUNKS * MAX_CHUNK * 2).is_err());
}

#[tokio::test]
async fn small_video_checks_creator_info_then_uploads_whole_and_waits() {
    let e = Emulator::start(Platform::Tiktok);
    let tokens = token(&e, json!({})).await;
    let dir = tempfile::tempdir().unwrap();
    let v = video_file(dir.path(), 4000);
    let p = post("My first clip #outpost", vec![v.clone()], "public");
    let seen = Mutex::new(Vec::new());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let out = TiktokPublisher
        .publish(ctx(&h, &ep, &app), &tokens, &p, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
        .unwrap();
    assert_eq!(seen.into_inner().unwrap().last(), Some(&(4000, 4000)));
    let posts = e.admin_get("posts").await;
    let stored = &posts[0];
    assert_eq!(stored["sha256"], sha(&v.path).as_str());
    assert_eq!(out.id, stored["id"].as_str().unwrap());
    assert_eq!(
        out.url.as_deref(),
        Some(format!("https://www.tiktok.com/@outpost.tester/video/{}", out.id).as_str())
    );
    assert_eq!(stored["post_info"]["title"], "My first clip #outpost");
    assert_eq!(stored["post_info"]["privacy_level"], "PUBLIC_TO_EVERYONE");
    let order = paths(&e).await;
    assert_eq!(order[0], "/v2/post/publish/creator_info/query/");
    assert_eq!(order[1], "/v2/post/publish/video/init/");
    assert_eq!(order[2], "/video/");
    let init = &e.requests("POST", "/v2/post/publish/video/init/").await[0];
    assert_eq!(
        init["headers"]["content-type"],
        "application/json; charset=UTF-8"
    );
    assert_eq!(
        init["json"]["source_info"],
        json!({"source": "FILE_UPLOAD", "video_size": 4000, "chunk_size": 4000, "total_chunk_count": 1})
    );
}

#[tokio::test]
async fn large_video_goes_in_ordered_chunks_the_last_one_larger() {
    let e = Emulator::start(Platform::Tiktok);
    let tokens = token(&e, json!({})).await;
    e.admin("tiktok-publishing", json!({"polls": 2})).await;
    let dir = tempfile::tempdir().unwrap();
    let size = (MAX_CHUNK + 1) as usize; // 3 chunks of 16 MiB, the last ~29 MiB
    let v = video_file(dir.path(), size);
    let mut p = post("", vec![v.clone()], "only_me");
    p.options.disable_duet = true;
    let out = publish_with(&e, &tokens, &p, None).await.unwrap();
    assert!(
        out.id.starts_with("v_pub_file~"),
        "a private post keeps its publish id: {out:?}"
    );
    assert_eq!(out.url, None);
    let stored = &e.admin_get("posts").await[0];
    assert_eq!(stored["sha256"], sha(&v.path).as_str());
    let c = Chunking::for_size(size as u64).unwrap();
    let chunks: Vec<(u64, u64)> = stored["chunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x[0].as_u64().unwrap(), x[1].as_u64().unwrap()))
        .collect();
    let want: Vec<(u64, u64)> = (0..c.total_chunk_count)
        .map(|i| {
            let (s, l) = c.range(i);
            (s, s + l - 1)
        })
        .collect();
    assert_eq!(chunks, want);
    assert_eq!(stored["post_info"]["disable_duet"], true);
}

#[tokio::test]
async fn creator_info_violations_are_refused_before_any_upload() {
    let e = Emulator::start(Platform::Tiktok);
    let tokens = token(&e, json!({})).await;
    e.admin(
        "tiktok-publishing",
        json!({"creator": {"privacy_level_options": ["FOLLOWER_OF_CREATOR", "SELF_ONLY"],
                           "duet_disabled": true, "comment_disabled": true,
                           "max_video_post_duration_sec": 60}}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut v = video_file(dir.path(), 2000);
    v.duration_ms = Some(90_000);
    let err = publish_with(&e, &tokens, &post("x", vec![v], "public"), None)
        .await
        .unwrap_err();
    let Error::Rejected { reason, .. } = err else {
        panic!("{err:?}")
    };
    for want in [
        "privacy_not_offered",
        "Followers, Only me",
        "video_too_long",
        "at most 60 s",
        "duet_disabled",
        "comment_disabled",
    ] {
        assert!(reason.contains(want), "{want} in {reason}");
    }
    assert_eq!(
        paths(&e).await,
        vec!["/v2/post/publish/creator_info/query/"]
    );
}

#[tokio::test]
async fn unaudited_app_gets_a_clear_message() {
    let e = Emulator::start(Platform::Tiktok);
    let tokens = token(&e, json!({})).await;
    e.admin(
        "tiktok-publishing",
        json!({"unaudited_clients": ["test-client"]}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let v = video_file(dir.path(), 2000);
    let err = publish_with(&e, &tokens, &post("x", vec![v.clone()], "public"), None)
        .await
        .unwrap_err();
    match &err {
        Error::Rejected {
            status: Some(403),
            reason,
            ..
        } => assert!(
            reason.contains("not been audited") && reason.contains("Only me"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    // "Only me" goes through.
    publish_with(&e, &tokens, &post("x", vec![v], "only_me"), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn failed_processing_rate_limits_and_bad_tokens_are_typed() {
    let e = Emulator::start(Platform::Tiktok);
    let tokens = token(&e, json!({})).await;
    let dir = tempfile::tempdir().unwrap();
    let v = video_file(dir.path(), 2000);
    let p = post("x", vec![v], "public");

    e.admin(
        "tiktok-publishing",
        json!({"fail_reason": "frame_rate_check_failed"}),
    )
    .await;
    match publish_with(&e, &tokens, &p, None).await.unwrap_err() {
        Error::Rejected { reason, .. } => {
            assert!(reason.contains("frame_rate_check_failed"), "{reason}")
        }
        other => panic!("{other:?}"),
    }

    e.admin(
        "tiktok-publishing",
        json!({"fail_reason": null, "limits": {"init": 0}}),
    )
    .await;
    let now = chrono::Utc::now().timestamp();
    match publish_with(&e, &tokens, &p, None).await.unwrap_err() {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => assert!((now + 55..=now + 65).contains(&at), "{at} vs {now}"),
        other => panic!("{other:?}"),
    }

    let bad = TokenSet::new("act.nope", 0);
    assert!(
        publish_with(&e, &bad, &p, None)
            .await
            .unwrap_err()
            .needs_reauth()
    );
    // No privacy chosen: refused before any request.
    let mut none = p.clone();
    none.options.visibility = None;
    let before = e.log().await.len();
    assert!(matches!(
        publish_with(&e, &tokens, &none, None).await,
        Err(Error::Rejected { reason, .. }) if reason.contains("privacy_required")
    ));
    assert_eq!(e.log().await.len(), before);
}

#[tokio::test]
async fn photos_are_pulled_from_the_media_host_and_removed_after() {
    let e = Emulator::start(Platform::Tiktok);
    let tokens = token(&e, json!({})).await;
    let dir = tempfile::tempdir().unwrap();
    let photos = vec![photo(dir.path(), 1), photo(dir.path(), 2)];
    let mut p = post("Two pictures", photos.clone(), "followers");
    p.options.title = Some("Holiday".into());

    // Without a media host: a clear configuration error, nothing sent.
    match publish_with(&e, &tokens, &p, None).await.unwrap_err() {
        Error::Config(m) => assert!(m.contains("Settings → Media host"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(e.log().await.is_empty());

    let host = TinyHost::start();
    let out = publish_with(&e, &tokens, &p, Some(&host)).await.unwrap();
    assert!(out.url.unwrap().contains("/photo/"));
    let stored = &e.admin_get("posts").await[0];
    assert_eq!(stored["kind"], "photo");
    assert_eq!(stored["post_info"]["title"], "Holiday");
    assert_eq!(stored["post_info"]["description"], "Two pictures");
    for (i, m) in photos.iter().enumerate() {
        assert_eq!(stored["photos"][i]["sha256"], sha(&m.path).as_str());
    }
    {
        let s = host.state.lock().unwrap();
        assert_eq!(s.fetched.len(), 2, "TikTok fetched both");
        assert_eq!(s.removed, s.put, "every hosted photo was removed");
        assert!(s.objects.is_empty());
    }

    // A pull that fails still cleans up, and the failure is typed.
    e.admin(
        "tiktok-publishing",
        json!({"verified_url_prefixes": ["https://media.example/"]}),
    )
    .await;
    match publish_with(&e, &tokens, &p, Some(&host))
        .await
        .unwrap_err()
    {
        Error::Rejected { reason, .. } => assert!(reason.contains("verif"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(host.live(), 0);
}
