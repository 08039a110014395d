//! A published post's latest numbers per channel (the composer's panel, `outpost posts show`) and
//! "sync now" on one post, against the strict Mastodon emulator: nothing before publishing, "not
//! read yet" (no zeros) before the first read, the latest reading after, metrics Mastodon does not
//! offer left out (the UI says n/a), and a one-post sync that reads the post even when its
//! schedule says it is not due while a channel sync leaves it; bad input is a clear error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::ErrorCode;
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::Platform;
use serde_json::json;

#[tokio::test]
async fn a_posts_latest_numbers_per_channel_and_sync_now_on_one_post() {
    let (s, channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    let d = o
        .create_post(NewPost {
            text: "Roasting notes, batch 12".into(),
            channels: vec![channel.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    let post = d.post.id.clone();
    // Not out yet: no numbers, and nothing to sync.
    assert!(o.post_latest_numbers(&post).await.unwrap().is_empty());
    let e = o.analytics_sync_post(&post).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");

    let mut cfg = SchedulerConfig::new(Arc::new(SystemClock));
    cfg.automation = false;
    Scheduler::new(o.clone(), cfg).run_once().await.unwrap();
    let detail = o.post_detail(&post).await.unwrap();
    let status = detail.targets[0]
        .job
        .as_ref()
        .unwrap()
        .platform_post_id
        .clone()
        .unwrap();

    // Published, not read yet: the target is listed with what Mastodon offers and no values.
    let n = o.post_latest_numbers(&post).await.unwrap();
    assert_eq!(n.len(), 1);
    assert_eq!(n[0].channel_id, channel);
    assert_eq!(n[0].post_target_id, detail.targets[0].target_id);
    assert!(n[0].last_synced_at.is_none() && n[0].next_read_at.is_none());
    assert!(n[0].values.is_empty(), "{n:?}");
    assert!(n[0].offered.iter().any(|m| m == "likes"), "{n:?}");
    assert!(!n[0].offered.iter().any(|m| m == "views"), "{n:?}");
    assert!(!n[0].deleted && n[0].problem.is_none());

    s.emu
        .admin(
            "engage",
            json!({"id": status, "favourites": 9, "reblogs": 2, "replies": 4}),
        )
        .await;
    let r = o.analytics_sync_post(&post).await.unwrap();
    assert_eq!((r.len(), r[0].outcome.as_str()), (1, "synced"), "{r:?}");
    assert_eq!(r[0].posts_read, 1, "{r:?}");
    let n = o.post_latest_numbers(&post).await.unwrap();
    assert_eq!(n[0].values.get("likes"), Some(&9.0));
    assert_eq!(n[0].values.get("reposts"), Some(&2.0));
    assert_eq!(n[0].values.get("replies"), Some(&4.0));
    assert!(
        !n[0].values.contains_key("views"),
        "not offered: absent, not 0"
    );
    let first_read = n[0].last_synced_at.unwrap();
    assert!(n[0].next_read_at.unwrap() > first_read);

    // As for an older post, its next read is a week away: a channel sync leaves it, a one-post
    // sync reads it now.
    sqlx::query("UPDATE analytics_targets SET next_sync_at = ?1")
        .bind(first_read + 7 * 24 * 3_600_000)
        .execute(o.store().pool())
        .await
        .unwrap();
    s.emu
        .admin("engage", json!({"id": status, "favourites": 21}))
        .await;
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(r[0].posts_read, 0, "{r:?}");
    let n = o.post_latest_numbers(&post).await.unwrap();
    assert_eq!(n[0].values.get("likes"), Some(&9.0));
    let r = o.analytics_sync_post(&post).await.unwrap();
    assert_eq!(r[0].posts_read, 1, "{r:?}");
    let n = o.post_latest_numbers(&post).await.unwrap();
    assert_eq!(n[0].values.get("likes"), Some(&21.0));
    assert!(n[0].last_synced_at.unwrap() >= first_read);
    // Every reading is kept: the history has both.
    let likes: Vec<f64> = o
        .analytics_history(&post)
        .await
        .unwrap()
        .iter()
        .filter(|p| p.metric == "likes")
        .map(|p| p.value)
        .collect();
    assert_eq!(likes, vec![9.0, 21.0]);

    // A revoked grant: the channel's problem is said on the post, its numbers stay.
    s.emu.admin("revoke-all", json!({})).await;
    let r = o.analytics_sync_post(&post).await.unwrap();
    assert_ne!(r[0].outcome, "synced", "{r:?}");
    let n = o.post_latest_numbers(&post).await.unwrap();
    assert_eq!(n[0].values.get("likes"), Some(&21.0));
    assert!(n[0].problem.is_some(), "{n:?}");

    let e = o.post_latest_numbers("no-such-post").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    let e = o.analytics_sync_post("no-such-post").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    o.close().await;
}
