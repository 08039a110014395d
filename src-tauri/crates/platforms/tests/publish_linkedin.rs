//! LinkedIn publishing against the strict emulator (tests/emulators/platforms/linkedin.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Mutex;

use outpost_platforms::linkedin::publish::LinkedinPublisher;
use outpost_platforms::publish::{MediaFile, Post, PostPart, Publisher};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use support::{Emulator, ctx, file_with, http, no_app};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn setup(e: &Emulator, author: Option<&str>) -> TokenSet {
    let t = e.admin("token", json!({})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    let person = t["person"].as_str().unwrap().to_string();
    tokens
        .extra
        .insert("author".into(), author.map_or(person, str::to_string));
    tokens
}

fn text_post(text: &str) -> Post {
    Post {
        key: "k1".into(),
        parts: vec![PostPart {
            text: text.into(),
            media: vec![],
        }],
        ..Post::default()
    }
}

fn sha(path: &std::path::Path) -> String {
    let b = std::fs::read(path).unwrap();
    Sha256::digest(&b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

async fn publish(
    e: &Emulator,
    tokens: &TokenSet,
    post: &Post,
) -> Result<outpost_platforms::publish::Published, Error> {
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    LinkedinPublisher
        .publish(ctx(&h, &ep, &app), tokens, post, &|_, _| {})
        .await
}

async fn posts(e: &Emulator) -> Vec<Value> {
    e.admin_get("posts").await.as_array().unwrap().clone()
}

#[tokio::test]
async fn text_post_is_escaped_versioned_and_returns_the_urn() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    let text = "Launch day (finally) #outpost @team_a ~ 50% *bold* <3 {x} [y] | a\\b";
    let p = publish(&e, &tokens, &text_post(text)).await.unwrap();
    assert!(p.id.starts_with("urn:li:share:"), "{p:?}");
    assert_eq!(
        p.url.as_deref(),
        Some(format!("https://www.linkedin.com/feed/update/{}/", p.id).as_str())
    );
    assert_eq!(p.thread, vec![p.id.clone()]);
    let got = posts(&e).await;
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0]["text"], text,
        "rendered text equals what the user wrote"
    );
    assert_eq!(got[0]["id"], p.id.as_str());
    assert_eq!(got[0]["author"], "urn:li:person:782bbtaQ");
    assert_eq!(got[0]["body"]["lifecycleState"], "PUBLISHED");
    assert_eq!(
        got[0]["body"]["distribution"]["feedDistribution"],
        "MAIN_FEED"
    );
    assert!(got[0]["body"].get("content").is_none());
    let req = &e.requests("POST", "/rest/posts").await[0];
    assert_eq!(req["headers"]["linkedin-version"], "202510");
    assert_eq!(req["headers"]["x-restli-protocol-version"], "2.0.0");
}

#[tokio::test]
async fn organization_author_posts_as_the_page() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, Some("urn:li:organization:2414183")).await;
    publish(&e, &tokens, &text_post("From the page"))
        .await
        .unwrap();
    assert_eq!(posts(&e).await[0]["author"], "urn:li:organization:2414183");
    // An organization the member does not administer is refused by LinkedIn, with its message.
    let tokens = setup(&e, Some("urn:li:organization:999")).await;
    let err = publish(&e, &tokens, &text_post("Not mine"))
        .await
        .unwrap_err();
    match err {
        Error::Rejected {
            status: Some(403),
            reason,
            ..
        } => assert!(reason.contains("not an administrator"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn one_image_with_alt_text_and_several_as_multi_image() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    let dir = tempfile::tempdir().unwrap();
    let img = |n: usize, alt: &str| {
        let p = file_with(dir.path(), &format!("i{n}.png"), PNG, 3000 + n * 100);
        MediaFile::inspect(&p, Some(alt.into())).unwrap()
    };
    let one = img(0, "A cat on a desk");
    let mut post = text_post("One picture");
    post.parts[0].media = vec![one.clone()];
    let seen = Mutex::new(Vec::new());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    LinkedinPublisher
        .publish(ctx(&h, &ep, &app), &tokens, &post, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.last(), Some(&(one.bytes, one.bytes)), "{seen:?}");
    let got = posts(&e).await;
    let media = &got[0]["body"]["content"]["media"];
    assert_eq!(media["altText"], "A cat on a desk");
    assert!(media["id"].as_str().unwrap().starts_with("urn:li:image:"));
    assert_eq!(
        got[0]["media"][0]["sha256"],
        sha(&one.path),
        "the bytes LinkedIn stored are the file's"
    );

    let many: Vec<MediaFile> = (1..=3).map(|n| img(n, &format!("picture {n}"))).collect();
    let mut post = text_post("Three pictures");
    post.parts[0].media = many.clone();
    publish(&e, &tokens, &post).await.unwrap();
    let got = posts(&e).await;
    assert_eq!(got[1]["content_kind"], "multiImage");
    let images = got[1]["body"]["content"]["multiImage"]["images"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(images.len(), 3);
    for (i, m) in many.iter().enumerate() {
        assert_eq!(images[i]["altText"], format!("picture {}", i + 1));
        assert_eq!(got[1]["media"][i]["sha256"], sha(&m.path));
    }
    assert_eq!(e.requests("POST", "/rest/images").await.len(), 4);
}

#[tokio::test]
async fn video_uploads_in_the_given_parts_waits_for_processing_then_posts() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    e.admin("linkedin-processing", json!({"polls": 2})).await;
    let dir = tempfile::tempdir().unwrap();
    let len = 9 * 1024 * 1024 + 12_345; // three 4 MiB parts, the last short
    let path = dir.path().join("clip.mp4");
    {
        let mut bytes = vec![0u8; len];
        bytes[..MP4.len()].copy_from_slice(MP4);
        for (i, b) in bytes.iter_mut().enumerate().skip(MP4.len()) {
            *b = (i % 251) as u8;
        }
        std::fs::write(&path, bytes).unwrap();
    }
    let video = MediaFile::inspect(&path, None).unwrap();
    assert_eq!(video.mime, "video/mp4");
    let mut post = text_post("Watch this");
    post.parts[0].media = vec![video.clone()];
    let seen = Mutex::new(Vec::new());
    let h = http();
    let ep = e.endpoints();
    let app = no_app();
    let p = LinkedinPublisher
        .publish(ctx(&h, &ep, &app), &tokens, &post, &|s, t| {
            seen.lock().unwrap().push((s, t))
        })
        .await
        .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&(len as u64, len as u64)));
    let got = posts(&e).await;
    assert_eq!(got[0]["id"], p.id.as_str());
    let id = got[0]["body"]["content"]["media"]["id"].as_str().unwrap();
    assert!(id.starts_with("urn:li:video:"));
    assert_eq!(got[0]["media"][0]["sha256"], sha(&path));
    let init = &e.requests("POST", "/rest/videos").await[0];
    assert_eq!(init["query"]["action"], "initializeUpload");
    assert_eq!(
        init["json"]["initializeUploadRequest"]["fileSizeBytes"],
        len
    );
    let puts: Vec<Value> = e
        .log()
        .await
        .into_iter()
        .filter(|r| r["method"] == "PUT")
        .collect();
    assert_eq!(puts.len(), 3, "one PUT per part");
    let polls: Vec<Value> = e
        .log()
        .await
        .into_iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"]
                    .as_str()
                    .unwrap()
                    .starts_with("/rest/videos/urn%3Ali%3Avideo%3A")
        })
        .collect();
    assert_eq!(polls.len(), 3, "PROCESSING twice, then AVAILABLE");
    let fin = &e.requests("POST", "/rest/videos").await[1];
    assert_eq!(fin["query"]["action"], "finalizeUpload");
    assert_eq!(
        fin["json"]["finalizeUploadRequest"]["uploadedPartIds"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[tokio::test]
async fn failed_processing_is_rejected_without_a_post() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    e.admin(
        "linkedin-processing",
        json!({"polls": 0, "outcome": "PROCESSING_FAILED"}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let video = MediaFile::inspect(&file_with(dir.path(), "v.mp4", MP4, 5000), None).unwrap();
    let mut post = text_post("Broken video");
    post.parts[0].media = vec![video];
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("could not process")),
        "{err:?}"
    );
    assert!(posts(&e).await.is_empty());
}

#[tokio::test]
async fn errors_are_classified() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;

    // LinkedIn's own refusal: an exact duplicate, with its message.
    publish(&e, &tokens, &text_post("Same words"))
        .await
        .unwrap();
    match publish(&e, &tokens, &text_post("Same words"))
        .await
        .unwrap_err()
    {
        Error::Rejected {
            status: Some(422),
            reason,
            ..
        } => assert!(
            reason.starts_with("Content is a duplicate of urn:li:share:"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }

    // 429: LinkedIn documents no rate-limit headers → no retry time.
    e.admin("fail", json!({"path": "/rest/posts", "status": 429}))
        .await;
    let err = publish(&e, &tokens, &text_post("Rate limited"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_at: None, .. }),
        "{err:?}"
    );

    // 5xx on the image upload initialisation → Unavailable (transient), nothing posted.
    e.admin("fail", json!({"path": "/rest/images", "status": 503}))
        .await;
    let dir = tempfile::tempdir().unwrap();
    let mut post = text_post("With a picture");
    post.parts[0].media =
        vec![MediaFile::inspect(&file_with(dir.path(), "a.png", PNG, 2000), None).unwrap()];
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { status: 503, .. }),
        "{err:?}"
    );

    // Cut-off JSON → InvalidResponse; a 201 without the post URN → InvalidResponse.
    e.admin("malformed", json!({"path": "/rest/images"})).await;
    let err = publish(&e, &tokens, &post).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    e.admin("malformed", json!({"path": "/rest/posts"})).await;
    let err = publish(&e, &tokens, &text_post("No id back"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");

    // A dropped connection on the create call is returned, never retried (the post may exist).
    let before = e.requests("POST", "/rest/posts").await.len();
    e.admin("fail", json!({"path": "/rest/posts", "mode": "drop"}))
        .await;
    let err = publish(&e, &tokens, &text_post("Dropped"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
    assert_eq!(
        e.requests("POST", "/rest/posts").await.len(),
        before + 1,
        "exactly one attempt"
    );

    // Revoked grant → NeedsReauth.
    e.admin("revoke-all", json!({})).await;
    let err = publish(&e, &tokens, &text_post("After revoke"))
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
    assert_eq!(posts(&e).await.len(), 1, "only the first post exists");
}

#[tokio::test]
async fn invalid_posts_are_refused_before_any_request() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    let dir = tempfile::tempdir().unwrap();

    let err = publish(&e, &tokens, &text_post(&"a".repeat(3001)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Rejected { status: None, ref reason, .. } if reason.contains("text_too_long")),
        "{err:?}"
    );

    // A post takes one first comment, not a thread.
    let mut thread = text_post("one");
    for t in ["two", "three"] {
        thread.parts.push(PostPart {
            text: t.into(),
            media: vec![],
        });
    }
    let err = publish(&e, &tokens, &thread).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("no_threads")),
        "{err:?}"
    );
    // The first comment is text only, and at most 1250 characters.
    let mut comment_media = text_post("one");
    comment_media.parts.push(PostPart {
        text: "look".into(),
        media: vec![MediaFile::inspect(&file_with(dir.path(), "c.png", PNG, 2000), None).unwrap()],
    });
    let err = publish(&e, &tokens, &comment_media).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("comment_media")),
        "{err:?}"
    );
    let mut long_comment = text_post("one");
    long_comment.parts.push(PostPart {
        text: "a".repeat(1251),
        media: vec![],
    });
    let err = publish(&e, &tokens, &long_comment).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("text_too_long")),
        "{err:?}"
    );

    let mut mixed = text_post("mixed");
    mixed.parts[0].media = vec![
        MediaFile::inspect(&file_with(dir.path(), "a.png", PNG, 2000), None).unwrap(),
        MediaFile::inspect(&file_with(dir.path(), "v.mp4", MP4, 2000), None).unwrap(),
    ];
    let err = publish(&e, &tokens, &mixed).await.unwrap_err();
    assert!(
        matches!(err, Error::Rejected { ref reason, .. } if reason.contains("mixed_media")),
        "{err:?}"
    );

    let mut no_author = tokens.clone();
    no_author.extra.remove("author");
    let err = publish(&e, &no_author, &text_post("hi")).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");

    assert!(e.log().await.is_empty(), "nothing reached LinkedIn");
}

async fn comments(e: &Emulator) -> Vec<Value> {
    e.admin_get("comments").await.as_array().unwrap().clone()
}

fn with_comment(post: &str, comment: &str) -> Post {
    let mut p = text_post(post);
    p.parts.push(PostPart {
        text: comment.into(),
        media: vec![],
    });
    p
}

#[tokio::test]
async fn second_part_is_the_first_comment_by_the_same_author() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    // Comments are plain text: reserved "little text" characters are sent as written.
    let text = "Link in the comments (as promised) #docs @you";
    let p = publish(&e, &tokens, &with_comment("The post", text))
        .await
        .unwrap();
    let got = posts(&e).await;
    assert_eq!(got.len(), 1, "one post");
    assert_eq!(got[0]["id"], p.id.as_str());
    let c = comments(&e).await;
    assert_eq!(c.len(), 1, "one comment");
    assert_eq!(c[0]["actor"], "urn:li:person:782bbtaQ");
    assert_eq!(c[0]["object"], p.id.as_str());
    assert_eq!(c[0]["message"]["text"], text);
    let urn = c[0]["$URN"].as_str().unwrap();
    assert!(
        urn.starts_with(&format!("urn:li:comment:({},", p.id)),
        "{urn}"
    );
    assert_eq!(p.thread, vec![p.id.clone(), urn.to_string()]);
    let req = &e
        .requests(
            "POST",
            &format!("/rest/socialActions/{}/comments", p.id.replace(':', "%3A")),
        )
        .await[0];
    assert_eq!(req["headers"]["linkedin-version"], "202510");
    assert_eq!(req["headers"]["x-restli-protocol-version"], "2.0.0");

    // On a page's post, the page comments.
    let org = "urn:li:organization:2414183";
    let tokens = setup(&e, Some(org)).await;
    let p = publish(&e, &tokens, &with_comment("Page post", "Page comment"))
        .await
        .unwrap();
    let c = comments(&e).await;
    assert_eq!((c.len(), c[1]["actor"].as_str()), (2, Some(org)));
    assert_eq!(c[1]["object"], p.id.as_str());
    assert_eq!(p.thread.len(), 2);
}

#[tokio::test]
async fn a_failed_comment_leaves_the_post_recorded_and_publishing_again_sends_only_the_comment() {
    let e = Emulator::start(Platform::Linkedin);
    let tokens = setup(&e, None).await;
    // The emulator's first post URN is known; its comment call fails.
    let path = "/rest/socialActions/urn%3Ali%3Ashare%3A7000000000000000001/comments";
    e.admin("fail", json!({"path": path, "status": 500})).await;
    let log = support::RecordedParts::default();
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = outpost_platforms::Ctx {
        parts: Some(&log),
        quota: None,
        ..ctx(&h, &ep, &app)
    };
    let post = with_comment("Live anyway", "lost");
    let err = LinkedinPublisher
        .publish(c, &tokens, &post, &|_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    // The post is live and recorded before the comment was sent.
    let live = log.live.lock().unwrap().clone();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].id, "urn:li:share:7000000000000000001");
    assert_eq!(*log.sending.lock().unwrap(), vec![0, 1]);
    assert_eq!(posts(&e).await.len(), 1);
    assert_eq!(e.requests("POST", path).await.len(), 1, "tried once");
    assert!(comments(&e).await.is_empty());
    // Publishing again (a retry of the comment) sends the comment only.
    let p = LinkedinPublisher
        .publish(c, &tokens, &post, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(p.id, "urn:li:share:7000000000000000001");
    assert_eq!(p.thread.len(), 2);
    assert_eq!(
        e.requests("POST", "/rest/posts").await.len(),
        1,
        "the post was not sent again"
    );
    assert_eq!(comments(&e).await.len(), 1);
}
