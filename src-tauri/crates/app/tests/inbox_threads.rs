//! Threads' inbox and analytics through the application service, against the strict Threads
//! emulator (`tests/emulators/platforms/threads_inbox.py`): replies under a post published through
//! Outpost and mentions synced twice without duplicates, a truncated page that stores nothing and
//! keeps the cursor, a reply sent exactly once through a lost answer (found by look-up), the reply
//! quota refused plainly, and insights snapshots that change between syncs. (Inbox and metrics
//! share one test binary to keep builds short.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::ErrorCode;
use outpost_app::inbox::{InboxFilter, InboxKind};
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::Platform;
use serde_json::json;

/// Publishes `text` on the channel through the scheduler; (post id, Threads media id).
async fn publish(s: &Setup, channel: &str, text: &str) -> (String, String) {
    s.emu.admin("processing", json!({"polls": 0})).await;
    let d =
        s.o.create_post(NewPost {
            text: text.into(),
            channels: vec![channel.into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let mut cfg = SchedulerConfig::new(Arc::new(SystemClock));
    cfg.automation = false;
    Scheduler::new(s.o.clone(), cfg).run_once().await.unwrap();
    let d = s.o.post_detail(&d.post.id).await.unwrap();
    let job = d.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "published", "{d:?}");
    (d.post.id.clone(), job.platform_post_id.clone().unwrap())
}

async fn plant(s: &Setup, to: &str, text: &str, who: &str, at: i64) -> String {
    s.emu
        .admin(
            "reply",
            json!({"to": to, "text": text, "username": who, "at": at}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn all() -> InboxFilter {
    InboxFilter::default()
}

#[tokio::test]
async fn replies_and_mentions_sync_once_grouped_by_the_post_and_a_truncated_page_stores_nothing() {
    let (s, channel) = connected(Platform::Threads).await;
    let o = &s.o;
    let (_, root) = publish(&s, &channel, "Fresh bread today").await;
    let a = plant(
        &s,
        &root,
        "I love this bakery, thank you!",
        "ann",
        1_760_000_000,
    )
    .await;
    plant(&s, &a, "me too", "bob", 1_760_000_100).await;
    s.emu
        .admin(
            "mention",
            json!({"text": "@outpost.tester see you there", "username": "cy", "at": 1_760_000_050}),
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
    let replies: Vec<_> = items
        .iter()
        .filter(|i| i.kind == InboxKind::Reply)
        .collect();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].thread_id, replies[1].thread_id);
    assert!(
        replies[0].post_id.is_some(),
        "grouped with the published post"
    );
    assert!(replies.iter().all(|r| r.author_avatar_url.is_some()));
    let mention = items.iter().find(|i| i.kind == InboxKind::Mention).unwrap();
    assert_eq!(mention.author_handle, "@cy");

    // Again: nothing new, nothing twice.
    let again = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 3);

    // A truncated conversation page: the sync fails, nothing is stored, the cursor stays.
    plant(&s, &root, "later one", "dee", 1_760_000_300).await;
    s.emu
        .admin(
            "fail",
            json!({"path": format!("/v1.0/{root}/conversation"), "mode": "replace", "status": 200,
                   "body": "{\"data\":[{\"id\":", "content_type": "application/json"}),
        )
        .await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "failed", "{r:?}");
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 3);
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 1),
        "{r:?}"
    );
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_reply_goes_out_once_through_a_lost_answer_and_the_quota_is_refused_plainly() {
    let (s, channel) = connected(Platform::Threads).await;
    let o = &s.o;
    let (_, root) = publish(&s, &channel, "Ask me anything").await;
    let a = plant(&s, &root, "what time do you open?", "ann", 1_760_000_000).await;
    o.inbox_sync(None).await.unwrap();
    let item = o.inbox_list(&all()).await.unwrap()[0].id.clone();
    let user = s.emu.admin_get("posts").await[0]["user"]
        .as_str()
        .unwrap()
        .to_string();
    let publish_path = format!("/v1.0/{user}/threads_publish");
    // The quota shown under the reply box is the one a reply checks: none used yet.
    let q = o.inbox_reply_quota(&channel).await.unwrap().unwrap();
    assert_eq!((q.used, q.total), (0, 1000), "{q:?}");

    // Threads publishes the reply but its answer is lost: found by look-up, not sent twice.
    s.emu
        .admin(
            "fail",
            json!({"path": publish_path, "mode": "replace", "status": 502, "body": "<html>bad gateway</html>"}),
        )
        .await;
    let r = o.inbox_reply(&item, "At seven").await.unwrap();
    assert_eq!(r.state, "sent", "{r:?}");
    assert_eq!(
        s.emu.requests("POST", &publish_path).await.len(),
        2,
        "post + one reply"
    );
    let own = s.emu.admin_get("posts").await;
    let replies: Vec<_> = own
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["reply_to"] == a.as_str())
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(r.platform_id.as_deref(), replies[0]["id"].as_str());
    assert!(
        s.emu
            .requests("GET", &format!("/v1.0/{user}/replies"))
            .await
            .len()
            == 1
    );
    let d = o.inbox_item(&item).await.unwrap();
    assert_eq!(d.reply_max_chars, 500);
    assert!(d.conversation.iter().any(|c| c.outbound));

    let q = o.inbox_reply_quota(&channel).await.unwrap().unwrap();
    assert_eq!((q.used, q.total), (1, 1000), "one reply counted: {q:?}");

    // The daily reply quota used up: shown as such, refused plainly, nothing sent.
    s.emu
        .admin("quota", json!({"reply_usage": 1000, "reply_total": 1000}))
        .await;
    let q = o.inbox_reply_quota(&channel).await.unwrap().unwrap();
    assert_eq!((q.used, q.total), (1000, 1000), "{q:?}");
    let e = o.inbox_reply_quota("no-such-channel").await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");
    let b = plant(&s, &root, "and on Sunday?", "bob", 1_760_000_500).await;
    o.inbox_sync(None).await.unwrap();
    let second = o
        .inbox_list(&all())
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.text == "and on Sunday?")
        .unwrap();
    let err = o.inbox_reply(&second.id, "Closed").await.unwrap_err();
    assert!(err.to_string().contains("reply quota is used up"), "{err}");
    assert_ne!(err.code(), ErrorCode::PlatformUnavailable);
    assert_eq!(s.emu.requests("POST", &publish_path).await.len(), 2);
    assert!(
        s.emu
            .admin_get("posts")
            .await
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["reply_to"] != b.as_str())
    );
}

#[tokio::test]
async fn insights_snapshots_change_between_syncs_and_a_deleted_post_is_marked() {
    let (s, channel) = connected(Platform::Threads).await;
    let o = &s.o;
    let (post, media) = publish(&s, &channel, "Counted").await;
    s.emu
        .admin("insights", json!({"id": media, "views": 100, "likes": 4}))
        .await;
    s.emu
        .admin(
            "user-insights",
            json!({"followers_count": 150, "views": 12}),
        )
        .await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    s.emu
        .admin(
            "insights",
            json!({"id": media, "views": 250, "likes": 9, "reposts": 2}),
        )
        .await;
    s.emu
        .admin("user-insights", json!({"followers_count": 160}))
        .await;
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].posts_read),
        ("synced", 1),
        "{r:?}"
    );
    let h = o.analytics_history(&post).await.unwrap();
    let series = |m: &str| -> Vec<f64> {
        h.iter()
            .filter(|p| p.metric == m)
            .map(|p| p.value)
            .collect()
    };
    assert_eq!(series("views"), vec![100.0, 250.0]);
    assert_eq!(series("likes"), vec![4.0, 9.0]);
    assert!(series("saves").is_empty(), "not offered: not zero");
    let ch = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].followers, Some(160.0));

    s.emu.admin("delete", json!({"id": media})).await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].posts_deleted, 1, "{r:?}");
    assert_eq!(
        series("views"),
        o.analytics_history(&post)
            .await
            .unwrap()
            .iter()
            .filter(|p| p.metric == "views")
            .map(|p| p.value)
            .collect::<Vec<_>>()
    );
}
