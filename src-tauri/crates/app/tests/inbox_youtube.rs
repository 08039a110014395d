//! YouTube's comments and counters through the application service, against the strict emulator
//! (`tests/emulators/platforms/youtube_inbox.py`): a signed-in channel syncs its comment threads
//! twice without duplicates (grouped per video, the title as subject), a malformed page stores
//! nothing and leaves the cursor, a reply goes out exactly once (a lost answer resolved by look-up),
//! the daily quota is counted per channel in the profile and refused before sending; a published
//! video's counters and watch time are snapshotted as they change, and a deleted video is marked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::inbox::{InboxFilter, InboxKind};
use outpost_app::posts::{NewMedia, NewPost, TargetVariant};
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::Platform;
use serde_json::{Value, json};

const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

async fn video(s: &Setup, title: &str) -> String {
    s.emu.admin("yt-video", json!({ "title": title })).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn comment(s: &Setup, body: Value) -> Value {
    s.emu.admin("yt-comment", body).await
}

fn all() -> InboxFilter {
    InboxFilter::default()
}

#[tokio::test]
async fn comments_sync_incrementally_grouped_by_video_without_duplicates() {
    let (s, channel) = connected(Platform::Youtube).await;
    let o = &s.o;
    let v1 = video(&s, "Unboxing the thing").await;
    let v2 = video(&s, "Review").await;
    let a = comment(
        &s,
        json!({"video": v1, "text": "I love this video, thank you!", "ago_seconds": 60}),
    )
    .await;
    comment(&s, json!({"parent": a["id"], "text": "same here"})).await;
    comment(
        &s,
        json!({"video": v2, "text": "This is terrible", "ago_seconds": 30}),
    )
    .await;

    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 3),
        "{r:?}"
    );
    let items = o.inbox_list(&all()).await.unwrap();
    assert_eq!(items.len(), 3);
    let on_v1: Vec<_> = items
        .iter()
        .filter(|i| i.subject == "Unboxing the thing")
        .collect();
    assert_eq!(on_v1.len(), 2, "{items:?}");
    assert_eq!(on_v1[0].thread_id, on_v1[1].thread_id);
    assert!(on_v1.iter().any(|i| i.kind == InboxKind::Reply));
    assert!(items.iter().all(|i| {
        i.author_avatar_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }));

    // Again: nothing new, and the read stopped at the stored mark (one page).
    let before = s
        .emu
        .requests("GET", "/youtube/v3/commentThreads")
        .await
        .len();
    let again = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");
    assert_eq!(
        s.emu
            .requests("GET", "/youtube/v3/commentThreads")
            .await
            .len(),
        before + 1
    );
    comment(&s, json!({"video": v2, "text": "later"})).await;
    let third = o.inbox_sync(None).await.unwrap();
    assert_eq!(third[0].new_items, 1);
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_malformed_page_stores_nothing_and_leaves_the_cursor() {
    let (s, _) = connected(Platform::Youtube).await;
    let v = video(&s, "V").await;
    comment(&s, json!({"video": v, "text": "one"})).await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/youtube/v3/commentThreads", "mode": "replace", "status": 200,
                   "body": "{\"items\": [{\"id\": \"Ugz", "content_type": "application/json"}),
        )
        .await;
    let r = s.o.inbox_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "failed", "{r:?}");
    assert!(s.o.inbox_list(&all()).await.unwrap().is_empty());
    let r = s.o.inbox_sync(None).await.unwrap();
    assert_eq!((r[0].outcome.as_str(), r[0].new_items), ("synced", 1));
    let reqs = s.emu.requests("GET", "/youtube/v3/commentThreads").await;
    assert!(reqs[1]["query"].get("pageToken").is_none(), "{:?}", reqs[1]);
}

#[tokio::test]
async fn a_reply_is_sent_once_found_after_a_lost_answer_and_the_quota_is_counted() {
    let (s, channel) = connected(Platform::Youtube).await;
    let o = &s.o;
    let v = video(&s, "V").await;
    let top = comment(&s, json!({"video": v, "text": "how did you film this?"})).await;
    o.inbox_sync(None).await.unwrap();
    let item = o.inbox_list(&all()).await.unwrap()[0].id.clone();

    // YouTube stores the reply but the answer is lost (a gateway error).
    s.emu
        .admin(
            "fail",
            json!({"path": "/youtube/v3/comments", "mode": "replace", "status": 502, "body": "<html>502</html>"}),
        )
        .await;
    let r = o.inbox_reply(&item, "With a phone!").await.unwrap();
    assert_eq!(r.state, "sent", "{r:?}");
    assert_eq!(
        s.emu.requests("POST", "/youtube/v3/comments").await.len(),
        1
    );
    let threads = s.emu.admin_get("yt-comments").await;
    let replies = threads[0]["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["parent"], top["id"]);
    assert_eq!(r.platform_id.as_deref(), replies[0]["id"].as_str());
    let d = o.inbox_item(&item).await.unwrap();
    assert_eq!(d.conversation.len(), 2);
    assert!(d.conversation[1].outbound);

    // The channel's own reply does not come back as an inbox item.
    let again = o.inbox_sync(None).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");

    // Units were counted in the profile: the first sync 1 (threads) + 1 (titles) + 1 (the next
    // read, nothing new), the reply 50 + 1 (look-up), the second sync 1.
    let day = outpost_platforms::youtube::quota::quota_day(chrono::Utc::now().timestamp());
    let key = "quota.youtube.UCoutpostTester0000000001";
    let count = outpost_store::settings::get(o.store().pool(), key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(count["day"], day.as_str());
    assert_eq!(count["units"], 55, "{count}");

    // Near the day's budget a reply is refused before anything is sent, with the reason.
    outpost_store::settings::set(
        o.store().pool(),
        key,
        &json!({"day": day, "units": 9_990}),
        0,
    )
    .await
    .unwrap();
    comment(&s, json!({"video": v, "text": "another"})).await;
    o.inbox_sync(Some(&channel)).await.unwrap();
    let newest = o
        .inbox_list(&all())
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.text == "another")
        .unwrap();
    let err = o.inbox_reply(&newest.id, "thanks").await.unwrap_err();
    assert!(err.to_string().contains("quota would be exceeded"), "{err}");
    assert_eq!(
        s.emu.requests("POST", "/youtube/v3/comments").await.len(),
        1
    );
}

#[tokio::test]
async fn a_published_videos_counters_and_watch_time_are_snapshotted_and_a_deletion_marked() {
    let (s, channel) = connected(Platform::Youtube).await;
    let o = &s.o;
    let path = s.dir.path().join("clip.mp4");
    let mut bytes = vec![7u8; 300_000];
    bytes[..MP4.len()].copy_from_slice(MP4);
    std::fs::write(&path, bytes).unwrap();
    let d = o
        .create_post(NewPost {
            text: "A description".into(),
            channels: vec![channel.clone()],
            media: vec![NewMedia { path, alt: None }],
            variants: vec![TargetVariant {
                channel_id: channel.clone(),
                title: Some("My video".into()),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    let mut cfg = SchedulerConfig::new(Arc::new(SystemClock));
    cfg.automation = false;
    Scheduler::new(o.clone(), cfg).run_once().await.unwrap();
    let detail = o.post_detail(&d.post.id).await.unwrap();
    let job = detail.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "published", "{detail:?}");
    let vid = job.platform_post_id.clone().unwrap();
    let count =
        outpost_store::settings::get(o.store().pool(), "quota.youtube.UCoutpostTester0000000001")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        count["units"], 1_600,
        "an upload costs 1,600 units: {count}"
    );

    s.emu
        .admin(
            "yt-video-stats",
            json!({"id": vid, "views": 100, "likes": 10, "comments": 3}),
        )
        .await;
    s.emu
        .admin("yt-channel-stats", json!({"subscribers": 500, "videos": 1}))
        .await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    assert_eq!(r[0].posts_read, 1, "{r:?}");

    s.emu
        .admin("yt-video-stats", json!({"id": vid, "views": 250}))
        .await;
    s.emu
        .admin(
            "yt-analytics",
            json!({"video": vid, "estimatedMinutesWatched": 75, "averageViewDuration": 31, "shares": 2}),
        )
        .await;
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    let h = o.analytics_history(&d.post.id).await.unwrap();
    let series = |m: &str| -> Vec<f64> {
        h.iter()
            .filter(|p| p.metric == m)
            .map(|p| p.value)
            .collect()
    };
    assert_eq!(series("views"), vec![100.0, 250.0], "{h:?}");
    assert_eq!(
        series("watch_minutes"),
        vec![75.0],
        "Analytics had no row at first: {h:?}"
    );
    assert_eq!(series("avg_view_seconds"), vec![31.0]);
    assert_eq!(series("reposts"), vec![2.0]);
    let ch = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].followers, Some(500.0));

    s.emu.admin("yt-delete-video", json!({"id": vid})).await;
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(r[0].posts_deleted, 1, "{r:?}");
    assert_eq!(
        o.analytics_history(&d.post.id)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.metric == "views")
            .count(),
        2,
        "the history stays"
    );
}
