//! X's inbox, reads cap and metrics through the application service, against the strict X emulator
//! (`tests/emulators/platforms/x_inbox.py`): mentions and direct messages synced twice without
//! duplicates, replies grouped with the own post, a cut-off page that stores nothing and keeps the
//! cursor, a reply sent exactly once through a lost answer, the pay-per-use cap stopping a sync
//! with the cursor intact, the estimate before a sync, metrics snapshots changing between syncs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::inbox::{InboxFilter, InboxKind, XReadCap};
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::Platform;
use serde_json::{Value, json};

async fn mention(s: &Setup, body: Value) -> String {
    s.emu.admin("x-mention", body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn own_post(s: &Setup, text: &str) -> String {
    s.emu
        .admin("x-own-post", json!({"text": text, "age_days": 1}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn all() -> InboxFilter {
    InboxFilter {
        limit: Some(1000),
        ..InboxFilter::default()
    }
}

#[tokio::test]
async fn mentions_replies_and_dms_sync_twice_without_duplicates() {
    let (s, channel) = connected(Platform::X).await;
    let o = &s.o;
    let own = own_post(&s, "We shipped the new release").await;
    mention(
        &s,
        json!({"reply_to": own, "text": "Congrats, I love it!", "author": {"username": "bob"}}),
    )
    .await;
    mention(
        &s,
        json!({"reply_to": own, "text": "When is the next one?", "author": {"username": "carol"}}),
    )
    .await;
    mention(&s, json!({"text": "@outpost_tester hello"})).await;
    s.emu
        .admin(
            "x-dm",
            json!({"text": "Can you help me?", "sender": {"username": "erin"}}),
        )
        .await;

    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 4),
        "{r:?}"
    );
    let items = o.inbox_list(&all()).await.unwrap();
    assert_eq!(items.len(), 4);
    let replies: Vec<_> = items
        .iter()
        .filter(|i| i.kind == InboxKind::Reply)
        .collect();
    assert_eq!(replies.len(), 2);
    assert_eq!(
        replies[0].thread_id, replies[1].thread_id,
        "one conversation"
    );
    let d = o.inbox_item(&replies[0].id).await.unwrap();
    assert_eq!(d.conversation.len(), 2);
    assert!(items.iter().any(|i| i.kind == InboxKind::Dm));
    assert!(items.iter().all(|i| i.author_avatar_url.is_some()));

    let again = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(
        (again[0].outcome.as_str(), again[0].new_items),
        ("synced", 0)
    );
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 4);
    let reqs = s
        .emu
        .requests("GET", "/2/users/1346889436626259968/mentions")
        .await;
    assert!(
        reqs.last().unwrap()["query"]["since_id"].is_string(),
        "asked from the cursor"
    );
    mention(&s, json!({"text": "@outpost_tester one more"})).await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(r[0].new_items, 1);
}

#[tokio::test]
async fn a_cut_off_page_stores_nothing_and_keeps_the_cursor() {
    let (s, _channel) = connected(Platform::X).await;
    let o = &s.o;
    mention(&s, json!({"text": "@outpost_tester one"})).await;
    mention(&s, json!({"text": "@outpost_tester two"})).await;
    s.emu
        .admin(
            "x-garble",
            json!({"path": "/2/users/1346889436626259968/mentions", "times": 1}),
        )
        .await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "failed", "{r:?}");
    assert!(o.inbox_list(&all()).await.unwrap().is_empty());
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 2),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_reply_whose_answer_is_lost_is_found_by_look_up_not_sent_twice() {
    let (s, _channel) = connected(Platform::X).await;
    let own = own_post(&s, "Post").await;
    let m = mention(&s, json!({"reply_to": own, "text": "a question?"})).await;
    s.o.inbox_sync(None).await.unwrap();
    let item = s.o.inbox_list(&all()).await.unwrap()[0].id.clone();
    s.emu
        .admin("x-garble", json!({"path": "/2/tweets", "times": 1}))
        .await;
    let r = s.o.inbox_reply(&item, "Here is the answer").await.unwrap();
    assert_eq!(r.state, "sent", "{r:?}");
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 1);
    let posts = s.emu.admin_get("posts").await;
    let replies: Vec<_> = posts
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in_reply_to_tweet_id"] == m.as_str())
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(r.platform_id.as_deref(), replies[0]["id"].as_str());
    // Over 280 weighted characters: refused before anything is stored or sent.
    let err = s.o.inbox_reply(&item, &"字".repeat(141)).await.unwrap_err();
    assert!(err.to_string().contains("280"), "{err}");
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 1);
}

#[tokio::test]
async fn the_read_cap_stops_a_sync_with_the_cursor_intact_and_the_estimate_follows_use() {
    let (s, channel) = connected(Platform::X).await;
    let o = &s.o;
    // Before any sync: the most a first sync can read, X's prices and their source.
    let e = o.inbox_estimate(&channel).await.unwrap();
    assert_eq!((e.expected_reads, e.max_reads), (1800, 1800), "{e:?}");
    assert_eq!(e.max_cost, "$14.000");
    assert!(e.prices.contains("docs.x.com"), "{e:?}");

    let err = o
        .set_x_read_cap(XReadCap {
            per_sync: Some(50),
            per_month: None,
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at least 100"), "{err}");
    o.set_x_read_cap(XReadCap {
        per_sync: Some(100),
        per_month: Some(1000),
    })
    .await
    .unwrap();
    let e = o.inbox_estimate(&channel).await.unwrap();
    assert_eq!(e.max_reads, 100);
    assert_eq!(e.max_cost, "$1.000");

    for i in 0..150 {
        mention(&s, json!({"text": format!("@outpost_tester m{i}")})).await;
    }
    s.emu
        .admin(
            "x-dm",
            json!({"text": "hello", "sender": {"username": "erin"}}),
        )
        .await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("cap_reached", 100),
        "{r:?}"
    );
    assert!(
        r[0].message.as_deref().unwrap().contains("cap reached"),
        "{r:?}"
    );
    assert!(
        s.emu.requests("GET", "/2/dm_events").await.is_empty(),
        "nothing read past the cap"
    );
    // The next sync goes on from where the stored items end: the rest, then the DM.
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 51),
        "{r:?}"
    );
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 151);
    let e = o.inbox_estimate(&channel).await.unwrap();
    assert_eq!(e.month_reads, 151);
    assert_eq!(e.month_cost, "$0.760");
    // Settings and `inbox x-read-cap` show the same month's reads beside the caps.
    let u = o.x_read_usage().await.unwrap();
    assert_eq!((u.month_reads, u.month_cost.as_str()), (151, "$0.760"));
    assert_eq!(u.per_sync, o.x_read_cap().await.unwrap().per_sync);
    assert_eq!(e.expected_reads, 76, "the average of the two syncs: {e:?}");

    // A month cap already used up: nothing is read, said plainly.
    o.set_x_read_cap(XReadCap {
        per_sync: None,
        per_month: Some(150),
    })
    .await
    .unwrap();
    mention(&s, json!({"text": "@outpost_tester later"})).await;
    let before = s
        .emu
        .requests("GET", "/2/users/1346889436626259968/mentions")
        .await
        .len();
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("cap_reached", 0),
        "{r:?}"
    );
    assert_eq!(
        s.emu
            .requests("GET", "/2/users/1346889436626259968/mentions")
            .await
            .len(),
        before
    );
    o.set_x_read_cap(XReadCap::default()).await.unwrap();
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 1),
        "{r:?}"
    );
}

#[tokio::test]
async fn dms_not_granted_are_a_note_and_mentions_are_read() {
    let (s, _channel) = connected(Platform::X).await;
    mention(&s, json!({"text": "@outpost_tester hi"})).await;
    s.emu.admin("x-dm-access", json!({"allowed": false})).await;
    let r = s.o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 1),
        "{r:?}"
    );
    assert!(
        r[0].message.as_deref().unwrap().contains("access level"),
        "{r:?}"
    );
}

#[tokio::test]
async fn metrics_snapshots_change_between_syncs_and_a_deleted_post_is_marked() {
    let (s, channel) = connected(Platform::X).await;
    let o = &s.o;
    let d = o
        .create_post(NewPost {
            text: "Measured post".into(),
            channels: vec![channel.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    let mut cfg = SchedulerConfig::new(Arc::new(SystemClock));
    cfg.automation = false;
    Scheduler::new(o.clone(), cfg).run_once().await.unwrap();
    let detail = o.post_detail(&d.post.id).await.unwrap();
    let xid = detail.targets[0]
        .job
        .as_ref()
        .unwrap()
        .platform_post_id
        .clone()
        .unwrap();
    s.emu
        .admin(
            "x-metrics",
            json!({"id": xid, "public": {"like_count": 4, "impression_count": 50}}),
        )
        .await;
    s.emu
        .admin(
            "x-account",
            json!({"followers_count": 300, "following_count": 5, "tweet_count": 9}),
        )
        .await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    s.emu
        .admin(
            "x-metrics",
            json!({"id": xid, "public": {"like_count": 10, "impression_count": 80}}),
        )
        .await;
    o.analytics_sync(None).await.unwrap();
    let h = o.analytics_history(&d.post.id).await.unwrap();
    let likes: Vec<f64> = h
        .iter()
        .filter(|p| p.metric == "likes")
        .map(|p| p.value)
        .collect();
    assert_eq!(likes, vec![4.0, 10.0]);
    let ch = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].followers, Some(300.0));

    s.emu.admin("x-delete", json!({"id": xid})).await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].posts_deleted, 1, "{r:?}");
    let listed = o.analytics_posts(None, 0, i64::MAX).await.unwrap();
    assert!(listed[0].deleted);
    assert_eq!(listed[0].metrics.get("likes"), Some(&10.0), "history kept");
}
