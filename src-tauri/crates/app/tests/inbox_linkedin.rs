//! LinkedIn through the application service, against the strict LinkedIn emulator
//! (`tests/emulators/platforms/linkedin_inbox.py`, `linkedin_metrics.py`): an organization page's
//! post published from Outpost, comments on it synced twice without duplicates and grouped with
//! the post, a reply sent exactly once through a lost answer, and the page's statistics and
//! followers snapshotted as they change. (Inbox and metrics share one test binary.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::channels::Surface;
use outpost_app::inbox::{InboxFilter, InboxKind};
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::Platform;
use serde_json::json;

#[tokio::test]
async fn page_comments_sync_once_a_reply_goes_out_once_and_statistics_are_snapshotted() {
    let s = setup(Platform::Linkedin).await;
    let o = &s.o;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    // The organization page (the second candidate), not the member profile.
    let channel = o.connect_finish(&c.flow_id, &["1".into()]).await.unwrap()[0]
        .id
        .clone();
    let d = o
        .create_post(NewPost {
            text: "We are hiring".into(),
            channels: vec![channel.clone()],
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
    let urn = job.platform_post_id.clone().unwrap();

    let c1 = s
        .emu
        .admin(
            "plant-comment",
            json!({"on": urn, "text": "Great news, love it!"}),
        )
        .await;
    s.emu
        .admin(
            "plant-comment",
            json!({"on": urn, "text": "Remote?", "actor": "urn:li:person:q1"}),
        )
        .await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 2),
        "{r:?}"
    );
    let again = o.inbox_sync(None).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");
    let items = o.inbox_list(&InboxFilter::default()).await.unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| i.kind == InboxKind::Comment));
    assert_eq!(items[0].thread_id, items[1].thread_id);
    assert_eq!(items[0].post_id.as_deref(), Some(d.post.id.as_str()));
    let item = items
        .iter()
        .find(|i| i.text == "Great news, love it!")
        .unwrap()
        .id
        .clone();

    // LinkedIn creates the reply but its answer is lost: found by look-up, sent once.
    let path = format!(
        "/rest/socialActions/{}/comments",
        url::form_urlencoded::byte_serialize(c1["$URN"].as_str().unwrap().as_bytes())
            .collect::<String>()
    );
    s.emu
        .admin(
            "fail",
            json!({"path": path, "mode": "replace", "status": 502, "body": "<html>bad gateway</html>"}),
        )
        .await;
    let sent = o.inbox_reply(&item, "Thank you!").await.unwrap();
    assert_eq!(sent.state, "sent", "{sent:?}");
    let comments = s.emu.admin_get("comments").await;
    let replies: Vec<_> = comments
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["parentComment"] == c1["$URN"])
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["actor"], "urn:li:organization:2414183");
    assert_eq!(sent.platform_id.as_deref(), replies[0]["$URN"].as_str());
    assert_eq!(s.emu.requests("POST", &path).await.len(), 1);

    // Statistics change between syncs; every reading is kept.
    s.emu
        .admin(
            "share-stats",
            json!({"id": urn, "impressionCount": 40, "likeCount": 2}),
        )
        .await;
    s.emu.admin("org-followers", json!({"count": 500})).await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    s.emu
        .admin(
            "share-stats",
            json!({"id": urn, "impressionCount": 95, "likeCount": 6}),
        )
        .await;
    o.analytics_sync(None).await.unwrap();
    let h = o.analytics_history(&d.post.id).await.unwrap();
    let imp: Vec<f64> = h
        .iter()
        .filter(|p| p.metric == "impressions")
        .map(|p| p.value)
        .collect();
    assert_eq!(imp, vec![40.0, 95.0]);
    let ch = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].followers, Some(500.0));
}
