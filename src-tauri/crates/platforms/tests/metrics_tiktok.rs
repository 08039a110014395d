//! TikTok counters against the strict emulator (`tests/emulators/platforms/tiktok_metrics.py`):
//! a public video's views, likes, comments and shares through `POST /v2/video/query/`
//! (`video.list`), counts changing between reads, a deleted video marked, a post without a public
//! id refused plainly, the account's counts through `user.info.stats`, missing scopes asking to
//! connect again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
#[path = "support/tiny_host.rs"]
mod tiny_host;

use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Published, Publisher};
use outpost_platforms::tiktok::publish::TiktokPublisher;
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::json;
use support::{Emulator, ctx, http, no_app};
use tiny_host::publish_via;

const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";
const ALL: &[&str] = &[
    "user.info.basic",
    "video.publish",
    "video.upload",
    "video.list",
    "user.info.stats",
];

#[tokio::test]
async fn video_and_account_counts_change_between_reads_and_a_deleted_video_is_marked() {
    let e = Emulator::start(Platform::Tiktok);
    let t = e.admin("token", json!({ "scopes": ALL })).await;
    let tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    e.admin("tiktok-publishing", json!({"polls": 0})).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.mp4");
    let mut bytes: Vec<u8> = (0..4000).map(|i| (i % 251) as u8).collect();
    bytes[..MP4.len()].copy_from_slice(MP4);
    std::fs::write(&path, bytes).unwrap();
    let post = Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: "clip".into(),
            media: vec![MediaFile::inspect(&path, None).unwrap()],
        }],
        options: PostOptions {
            visibility: Some("public".into()),
            ..PostOptions::default()
        },
    };
    let video = publish_via(&TiktokPublisher, &e, &tokens, &post, None)
        .await
        .unwrap();
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);

    e.admin(
        "video-stats",
        json!({"id": video.id, "view_count": 1200, "like_count": 80, "comment_count": 6, "share_count": 4}),
    )
    .await;
    let m = TiktokPublisher
        .post_metrics(c, &tokens, &video)
        .await
        .unwrap();
    assert_eq!(
        (m.views, m.likes, m.replies, m.reposts),
        (Some(1200), Some(80), Some(6), Some(4))
    );
    assert_eq!((m.impressions, m.saves, m.deleted), (None, None, false));
    let q = &e.requests("POST", "/v2/video/query/").await[0];
    assert_eq!(
        q["query"]["fields"],
        "id,view_count,like_count,comment_count,share_count"
    );
    e.admin("video-stats", json!({"id": video.id, "view_count": 5000}))
        .await;
    let m = TiktokPublisher
        .post_metrics(c, &tokens, &video)
        .await
        .unwrap();
    assert_eq!(m.views, Some(5000));

    e.admin(
        "user-stats",
        json!({"follower_count": 300, "following_count": 12, "video_count": 8}),
    )
    .await;
    let a = TiktokPublisher.account_metrics(c, &tokens).await.unwrap();
    assert_eq!(
        (a.followers, a.following, a.posts),
        (Some(300), Some(12), Some(8))
    );

    // A private post kept its publish id: refused plainly, nothing asked.
    let private = Published {
        id: "v_pub_file~v2-1.7310000000000000009".into(),
        url: None,
        thread: vec![],
    };
    let n = e.log().await.len();
    let err = TiktokPublisher
        .post_metrics(c, &tokens, &private)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Rejected { .. }), "{err:?}");
    assert!(err.to_string().contains("no public id"), "{err}");
    assert_eq!(e.log().await.len(), n);

    // Without video.list / user.info.stats: connect again, naming the scope.
    let t2 = e.admin("token", json!({})).await;
    let old = TokenSet::new(t2["access_token"].as_str().unwrap(), 0);
    let err = TiktokPublisher
        .post_metrics(c, &old, &video)
        .await
        .unwrap_err();
    assert!(
        err.needs_reauth() && err.to_string().contains("video.list"),
        "{err}"
    );
    let err = TiktokPublisher.account_metrics(c, &old).await.unwrap_err();
    assert!(
        err.needs_reauth() && err.to_string().contains("user.info.stats"),
        "{err}"
    );

    e.admin("video-delete", json!({"id": video.id})).await;
    let m = TiktokPublisher
        .post_metrics(c, &tokens, &video)
        .await
        .unwrap();
    assert!(m.deleted && m.views.is_none(), "{m:?}");
}
