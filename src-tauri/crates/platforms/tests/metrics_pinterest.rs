//! Pinterest analytics against the strict emulator (`tests/emulators/platforms/pinterest_metrics.py`):
//! a Pin's impressions, saves and outbound clicks over the 90-day look-back (older days drop out),
//! counts changing between reads, a deleted Pin marked, a missing scope asking to connect again,
//! and the account's counters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
#[path = "support/tiny_host.rs"]
mod tiny_host;

use outpost_platforms::pinterest::publish::{PinterestPublisher, boards};
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::{Platform, TokenSet};
use serde_json::json;
use support::{Emulator, ctx, file_with, http, no_app};
use tiny_host::publish_via;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";

#[tokio::test]
async fn pin_and_account_metrics_follow_the_look_back_and_deleted_pins_are_marked() {
    let e = Emulator::start(Platform::Pinterest);
    let t = e.admin("token", json!({})).await;
    let tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let board = boards(c, &tokens).await.unwrap()[0].id.clone();
    let dir = tempfile::tempdir().unwrap();
    let img = MediaFile::inspect(&file_with(dir.path(), "a.png", PNG, 2000), None).unwrap();
    let post = Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: "A pin".into(),
            media: vec![img],
        }],
        options: PostOptions {
            board_id: Some(board),
            ..PostOptions::default()
        },
    };
    let pin = publish_via(&PinterestPublisher, &e, &tokens, &post, None)
        .await
        .unwrap();

    e.admin(
        "pin-metrics",
        json!({"id": pin.id, "days_ago": 2, "IMPRESSION": 30, "SAVE": 2, "OUTBOUND_CLICK": 1}),
    )
    .await;
    e.admin(
        "pin-metrics",
        json!({"id": pin.id, "days_ago": 100, "IMPRESSION": 5000}),
    )
    .await;
    let m = PinterestPublisher
        .post_metrics(c, &tokens, &pin)
        .await
        .unwrap();
    assert_eq!(
        (m.impressions, m.saves, m.link_clicks),
        (Some(30), Some(2), Some(1)),
        "the 90-day window only"
    );
    assert_eq!((m.likes, m.views, m.deleted), (None, None, false));
    let req = e
        .requests("GET", &format!("/v5/pins/{}/analytics", pin.id))
        .await;
    assert_eq!(
        req[0]["query"]["metric_types"],
        "IMPRESSION,SAVE,OUTBOUND_CLICK"
    );

    e.admin(
        "pin-metrics",
        json!({"id": pin.id, "days_ago": 0, "IMPRESSION": 12}),
    )
    .await;
    let m = PinterestPublisher
        .post_metrics(c, &tokens, &pin)
        .await
        .unwrap();
    assert_eq!(m.impressions, Some(42));

    e.admin(
        "account-counts",
        json!({"follower_count": 77, "following_count": 5, "pin_count": 9, "monthly_views": 1234}),
    )
    .await;
    let a = PinterestPublisher
        .account_metrics(c, &tokens)
        .await
        .unwrap();
    assert_eq!(
        (a.followers, a.following, a.posts, a.impressions),
        (Some(77), Some(5), Some(9), Some(1234))
    );

    // Without pins:read: connect again.
    let t2 = e
        .admin(
            "token",
            json!({"scopes": ["boards:read", "user_accounts:read"]}),
        )
        .await;
    let limited = TokenSet::new(t2["access_token"].as_str().unwrap(), 0);
    let err = PinterestPublisher
        .post_metrics(c, &limited, &pin)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");

    e.admin("pin-delete", json!({"id": pin.id})).await;
    let m = PinterestPublisher
        .post_metrics(c, &tokens, &pin)
        .await
        .unwrap();
    assert!(m.deleted && m.impressions.is_none(), "{m:?}");
}
