//! Analytics through the application service, against the strict Mastodon emulator
//! (`tests/emulators/platforms/mastodon.py`: `GET /api/v1/statuses/:id` counters and
//! `verify_credentials` followers, changed between syncs by the emulator's admin routes): every sync
//! adds snapshots (history never overwritten), reads follow the post's age, a post deleted on the
//! platform is marked and keeps its history, a rate limit / malformed answer / revoked grant is a
//! clear channel state with the earlier history intact, a platform not built says so instead of
//! zeros, CSV export, and the metrics in export and "delete all my data".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::ErrorCode;
use outpost_app::analytics::sync::next_interval_ms;
use outpost_app::data::NoRevoker;
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::Platform;
use serde_json::json;

/// Publishes `texts` on the channel now; returns (post id, Mastodon status id) per post.
async fn published(s: &Setup, channel: &str, texts: &[&str]) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for t in texts {
        let d =
            s.o.create_post(NewPost {
                text: (*t).into(),
                channels: vec![channel.into()],
                ..Default::default()
            })
            .await
            .unwrap();
        ids.push(d.post.id.clone());
    }
    let mut cfg = SchedulerConfig::new(Arc::new(SystemClock));
    cfg.automation = false;
    Scheduler::new(s.o.clone(), cfg).run_once().await.unwrap();
    let mut out = Vec::new();
    for id in ids {
        let d = s.o.post_detail(&id).await.unwrap();
        let job = d.targets[0].job.as_ref().unwrap();
        assert_eq!(job.state, "published", "{d:?}");
        out.push((id, job.platform_post_id.clone().unwrap()));
    }
    out
}

#[tokio::test]
async fn snapshots_accumulate_and_deleted_posts_keep_their_history() {
    let (s, channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    let posts = published(&s, &channel, &["First post", "Second post"]).await;
    s.emu
        .admin("followers", json!({"followers": 200, "following": 7}))
        .await;

    // Before any sync: the posts are listed, with no numbers (not zeros).
    let listed = o.analytics_posts(None, 0, i64::MAX).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|p| p.metrics.is_empty() && p.engagement.is_none())
    );

    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    assert_eq!((r[0].posts_read, r[0].snapshots), (2, 3 + 2 * 3), "{r:?}");

    // Others react; the next sync stores new snapshots beside the old ones.
    s.emu
        .admin(
            "engage",
            json!({"id": posts[0].1, "favourites": 12, "reblogs": 3, "replies": 5}),
        )
        .await;
    s.emu.admin("followers", json!({"followers": 210})).await;
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(r[0].posts_read, 2, "{r:?}");
    let h = o.analytics_history(&posts[0].0).await.unwrap();
    let likes: Vec<f64> = h
        .iter()
        .filter(|p| p.metric == "likes")
        .map(|p| p.value)
        .collect();
    assert_eq!(likes, vec![0.0, 12.0]);
    assert!(
        h.iter().all(|p| p.metric != "views"),
        "Mastodon offers no views: {h:?}"
    );
    let listed = o
        .analytics_posts(Some(&channel), 0, i64::MAX)
        .await
        .unwrap();
    let first = listed.iter().find(|p| p.post_id == posts[0].0).unwrap();
    assert_eq!(first.metrics.get("likes"), Some(&12.0));
    assert_eq!(first.metrics.get("reposts"), Some(&3.0));
    assert_eq!(first.metrics.get("replies"), Some(&5.0));
    assert_eq!(first.engagement, Some(20.0));
    // Per follower at publishing: the first followers reading (200) is the nearest.
    assert!(
        (first.engagement_rate.unwrap() - 0.1).abs() < 1e-9,
        "{first:?}"
    );
    let ch = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].followers, Some(210.0));
    assert_eq!(ch[0].followers_change, Some(10.0));
    assert_eq!(ch[0].support, "available");

    // The second post is deleted on the server: marked, its history kept, not asked again.
    s.emu
        .admin("delete_status", json!({"id": posts[1].1}))
        .await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!((r[0].posts_read, r[0].posts_deleted), (2, 1), "{r:?}");
    let gets = s
        .emu
        .requests("GET", &format!("/api/v1/statuses/{}", posts[1].1))
        .await
        .len();
    o.analytics_sync(None).await.unwrap();
    assert_eq!(
        s.emu
            .requests("GET", &format!("/api/v1/statuses/{}", posts[1].1))
            .await
            .len(),
        gets
    );
    let second = o
        .analytics_posts(None, 0, i64::MAX)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.post_id == posts[1].0)
        .unwrap();
    assert!(second.deleted);
    assert_eq!(second.metrics.get("likes"), Some(&0.0));
    assert_eq!(o.analytics_history(&posts[1].0).await.unwrap().len(), 2 * 3);

    // Export carries the metrics; delete-all removes them.
    let out = s.dir.path().join("export.zip");
    let summary = s.o.export_archive(&out, None).await.unwrap();
    for t in [
        "analytics_snapshots",
        "analytics_targets",
        "analytics_channels",
    ] {
        assert!(
            summary.counts.get(t).copied().unwrap_or(0) > 0,
            "{t}: {:?}",
            summary.counts
        );
    }
    s.o.delete_all_data(&NoRevoker).await.unwrap();
    assert!(
        o.analytics_posts(None, 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn failures_are_channel_states_and_the_history_stays() {
    let (s, channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    let posts = published(&s, &channel, &["Only post"]).await;
    let path = format!("/api/v1/statuses/{}", posts[0].1);
    o.analytics_sync(None).await.unwrap();
    let before = o.analytics_history(&posts[0].0).await.unwrap();
    assert_eq!(before.len(), 3);

    // Quota exhausted: rate_limited, nothing lost.
    s.emu
        .admin("fail", json!({"path": path, "status": 429, "times": 1}))
        .await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "rate_limited", "{r:?}");
    assert_eq!(o.analytics_history(&posts[0].0).await.unwrap(), before);
    let st = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(st[0].state.as_deref(), Some("rate_limited"));
    assert!(st[0].last_synced_at.is_some(), "the last good sync is kept");

    // A metric missing from the answer: that post waits for its next time, nothing stored.
    s.emu
        .admin(
            "fail",
            json!({"path": path, "mode": "replace", "status": 200, "content_type": "application/json",
                   "body": "{\"id\": \"1\", \"reblogs_count\": 2}"}),
        )
        .await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    assert!(
        r[0].message
            .as_deref()
            .unwrap()
            .contains("could not be read"),
        "{r:?}"
    );
    assert_eq!(o.analytics_history(&posts[0].0).await.unwrap(), before);

    // The grant is revoked: a clear state, the history intact.
    s.emu.admin("revoke-all", json!({})).await;
    let r = o.analytics_sync(None).await.unwrap();
    assert!(
        matches!(r[0].outcome.as_str(), "failed" | "skipped"),
        "{r:?}"
    );
    assert!(r[0].message.is_some());
    assert_eq!(o.analytics_history(&posts[0].0).await.unwrap(), before);

    // Bad input.
    let err = o.analytics_history("no-such-post").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = o
        .analytics_export_csv(&s.dir.path().join("x.csv"), "weekly", 0, i64::MAX)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(
        o.analytics_range(Some("2026-02-01"), Some("2026-01-01"))
            .await
            .is_err()
    );
    assert!(o.analytics_range(Some("yesterday"), None).await.is_err());
    let err = o.analytics_overview(0, None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn csv_export_and_overview() {
    let (s, channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    let posts = published(&s, &channel, &["Hello, \"quoted\" world", "Another"]).await;
    s.emu.admin("followers", json!({"followers": 50})).await;
    s.emu
        .admin("engage", json!({"id": posts[1].1, "favourites": 4}))
        .await;
    o.analytics_sync(None).await.unwrap();

    let out = s.dir.path().join("posts.csv");
    assert_eq!(
        o.analytics_export_csv(&out, "posts", 0, i64::MAX)
            .await
            .unwrap(),
        2
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "post_id,channel_id,channel,platform,published_at,url,deleted,views,impressions,likes,reposts,replies,quotes,saves,link_clicks,reach,watch_minutes,avg_view_seconds,engagement,engagement_rate,text"
    );
    // Views and impressions are not offered by Mastodon: empty cells, never 0.
    let row = lines.find(|l| l.starts_with(&posts[1].0)).unwrap();
    assert!(row.contains(",mastodon,"), "{row}");
    assert!(row.contains(",false,,,4,0,0,,,,,,,4,0.08,Another"), "{row}");
    assert!(text.contains("\"Hello, \"\"quoted\"\" world\""), "{text}");

    let daily = s.dir.path().join("daily.csv");
    assert_eq!(
        o.analytics_export_csv(&daily, "daily", 0, i64::MAX)
            .await
            .unwrap(),
        3
    );
    let d = std::fs::read_to_string(&daily).unwrap();
    assert!(d.starts_with("date,channel_id,metric,value\n"), "{d}");
    assert!(d.contains(&format!(",{channel},followers,50\n")), "{d}");

    let ov = o.analytics_overview(7, None).await.unwrap();
    assert_eq!(ov.current.posts, 2);
    assert_eq!(ov.previous.posts, 0);
    assert_eq!(ov.current.likes, 4.0);
    assert_eq!(ov.daily.len(), 7);
    assert_eq!(ov.daily.iter().map(|d| d.posts).sum::<u32>(), 2);
    assert_eq!(ov.posts[0].post_id, posts[1].0, "most engagement first");

    // Too little history for best times: said, not guessed.
    let b = o.analytics_best_times(&channel).await.unwrap();
    assert!(!b.enough_data && b.slots.is_empty());
    assert_eq!(b.posts, 2);
}

#[tokio::test]
async fn a_platform_not_built_says_so_instead_of_zeros() {
    let (s, channel) = connected(Platform::Linkedin).await;
    let r = s.o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "not_built", "{r:?}");
    assert!(
        r[0].message.as_deref().unwrap().contains("LinkedIn"),
        "{r:?}"
    );
    let ch = s.o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].channel_id, channel);
    assert_eq!(ch[0].support, "not_built");
    assert!(ch[0].offered_metrics.is_empty());
    assert_eq!(ch[0].followers, None);
}

#[test]
fn reads_follow_the_post_age() {
    let h = 3_600_000;
    assert_eq!(next_interval_ms(0), h);
    assert_eq!(next_interval_ms(47 * h), h);
    assert_eq!(next_interval_ms(49 * h), 24 * h);
    assert_eq!(next_interval_ms(31 * 24 * h), 7 * 24 * h);
}
