//! The Facebook Page and Instagram inboxes and metrics through the application service, against
//! the strict Meta emulators (`tests/emulators/platforms/meta_inbox.py`), signed in as a user
//! would: sync twice without duplicates, a truncated page stores nothing and leaves the cursor,
//! replies exactly once through an ambiguous failure, a closed messaging window said plainly,
//! metrics snapshots that change between syncs and a deleted media kept and marked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use channels_support::*;
use outpost_app::inbox::{InboxFilter, InboxKind, InboxMark, InboxState};
use outpost_platforms::Platform;
use serde_json::{Value, json};

fn all() -> InboxFilter {
    InboxFilter::default()
}

async fn plant_instagram(s: &Setup) -> (String, Value) {
    let media = s
        .emu
        .admin(
            "ig_media",
            json!({"caption": "Fresh croissants this morning"}),
        )
        .await;
    let mid = media["id"].as_str().unwrap().to_string();
    let c = s
        .emu
        .admin(
            "ig_comment",
            json!({"media_id": mid, "text": "I love these, thank you!", "ago_seconds": 120}),
        )
        .await;
    s.emu
        .admin(
            "ig_message",
            json!({"text": "Do you deliver? My order is late and broken", "ago_seconds": 3600,
                   "from_id": "17841400000000999", "username": "carol"}),
        )
        .await;
    (mid, c)
}

#[tokio::test]
async fn instagram_comments_and_messages_sync_once_grouped_with_the_window() {
    let (s, channel) = connected(Platform::Instagram).await;
    let o = &s.o;
    let (mid, _) = plant_instagram(&s).await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 2),
        "{r:?}"
    );
    let items = o.inbox_list(&all()).await.unwrap();
    assert_eq!(items.len(), 2);
    let comment = items.iter().find(|i| i.kind == InboxKind::Comment).unwrap();
    let dm = items.iter().find(|i| i.kind == InboxKind::Dm).unwrap();
    assert_eq!(comment.author_handle, "alice.bakes");
    assert_eq!(dm.author_handle, "carol");
    let d = o.inbox_item(&dm.id).await.unwrap();
    assert!(d.reply_unavailable.is_none(), "{d:?}");
    let detail = o.inbox_item(&comment.id).await.unwrap();
    assert_eq!(detail.item.state, InboxState::Unread);

    // Again: nothing new, nothing duplicated.
    let again = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");
    assert_eq!(o.inbox_list(&all()).await.unwrap().len(), 2);
    // A new comment later arrives once.
    s.emu
        .admin(
            "ig_comment",
            json!({"media_id": mid, "text": "When do you open?"}),
        )
        .await;
    let third = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(third[0].new_items, 1, "{third:?}");
    let items = o.inbox_list(&all()).await.unwrap();
    assert_eq!(items.len(), 3);
    let comments: Vec<_> = items
        .iter()
        .filter(|i| i.kind == InboxKind::Comment)
        .collect();
    assert_eq!(
        comments[0].thread_id, comments[1].thread_id,
        "grouped by the media"
    );

    // Done.
    o.inbox_mark(std::slice::from_ref(&comment.id), InboxMark::Done)
        .await
        .unwrap();
    let done = o
        .inbox_list(&InboxFilter {
            state: Some(InboxState::Done),
            ..all()
        })
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
}

#[tokio::test]
async fn instagram_a_truncated_page_stores_nothing_and_leaves_the_cursor() {
    let (s, _channel) = connected(Platform::Instagram).await;
    let (mid, _) = plant_instagram(&s).await;
    s.emu
        .admin("garble", json!({"path": format!("/v23.0/{mid}/comments")}))
        .await;
    let r = s.o.inbox_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "failed", "{r:?}");
    assert!(
        r[0].message.as_deref().unwrap().contains("Instagram"),
        "{r:?}"
    );
    let r = s.o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 2),
        "{r:?}"
    );
    assert_eq!(s.o.inbox_list(&all()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn instagram_a_reply_whose_answer_is_lost_is_found_by_look_up_not_sent_twice() {
    let (s, _channel) = connected(Platform::Instagram).await;
    let (_, c) = plant_instagram(&s).await;
    s.o.inbox_sync(None).await.unwrap();
    let items = s.o.inbox_list(&all()).await.unwrap();
    let comment = items.iter().find(|i| i.kind == InboxKind::Comment).unwrap();
    let path = format!("/v23.0/{}/replies", c["id"].as_str().unwrap());
    s.emu
        .admin("garble", json!({"path": path, "times": 1}))
        .await;
    let r =
        s.o.inbox_reply(&comment.id, "Thank you, see you soon")
            .await
            .unwrap();
    assert_eq!(r.state, "sent", "{r:?}");
    assert_eq!(s.emu.requests("POST", &path).await.len(), 1);
    let replies: Vec<Value> = s
        .emu
        .admin_get("ig_comments")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["parent"] == c["id"])
        .cloned()
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(r.platform_id.as_deref(), replies[0]["id"].as_str());
    let d = s.o.inbox_item(&comment.id).await.unwrap();
    assert_eq!(d.replies.len(), 1);
    let mine: Vec<_> = d.conversation.iter().filter(|m| m.outbound).collect();
    assert_eq!(mine.len(), 1, "{d:?}");
    assert!(!mine[0].sent_privately, "a public reply: {d:?}");
}

#[tokio::test]
async fn instagram_a_message_after_the_24_hour_window_is_refused_with_the_reason() {
    let (s, _channel) = connected(Platform::Instagram).await;
    s.emu
        .admin(
            "ig_message",
            json!({"text": "hello?", "ago_seconds": 90_000}),
        )
        .await;
    s.o.inbox_sync(None).await.unwrap();
    let items = s.o.inbox_list(&all()).await.unwrap();
    let by = items[0].reply_by.unwrap();
    assert_eq!(
        by,
        items[0].received_at + 86_400_000,
        "24 h after the message"
    );
    let err = s.o.inbox_reply(&items[0].id, "sorry").await.unwrap_err();
    assert!(err.to_string().contains("reply window"), "{err}");
    assert!(
        s.emu
            .requests("POST", "/v23.0/17841400000000001/messages")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn instagram_a_message_reply_is_sent_once() {
    let (s, _channel) = connected(Platform::Instagram).await;
    plant_instagram(&s).await;
    s.o.inbox_sync(None).await.unwrap();
    let items = s.o.inbox_list(&all()).await.unwrap();
    let dm = items.iter().find(|i| i.kind == InboxKind::Dm).unwrap();
    let r = s.o.inbox_reply(&dm.id, "Yes, today by 5").await.unwrap();
    assert_eq!(r.state, "sent");
    let sent = s
        .emu
        .requests("POST", "/v23.0/17841400000000001/messages")
        .await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].to_string().contains("17841400000000999"),
        "{:?}",
        sent[0]
    );
}

/// Publishes `text` on the Facebook Page channel now (the scheduler's pass); its Graph post id.
async fn published_on_facebook(s: &Setup, channel: &str, text: &str) -> String {
    use std::sync::Arc;
    let d =
        s.o.create_post(outpost_app::posts::NewPost {
            text: text.into(),
            channels: vec![channel.into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let mut cfg =
        outpost_app::scheduler::SchedulerConfig::new(Arc::new(outpost_app::scheduler::SystemClock));
    cfg.automation = false;
    outpost_app::scheduler::Scheduler::new(s.o.clone(), cfg)
        .run_once()
        .await
        .unwrap();
    let d = s.o.post_detail(&d.post.id).await.unwrap();
    let job = d.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "published", "{d:?}");
    job.platform_post_id.clone().unwrap()
}

#[tokio::test]
async fn facebook_comments_on_an_outpost_post_and_messenger_sync_and_metrics_accumulate() {
    let (s, channel) = connected(Platform::Facebook).await;
    let o = &s.o;
    let post = published_on_facebook(&s, &channel, "Sourdough is back on Friday").await;
    s.emu
        .admin(
            "fb_comment",
            json!({"post_id": post, "message": "Great news, thank you!"}),
        )
        .await;
    s.emu
        .admin(
            "fb_message",
            json!({"text": "Can I reserve two loaves?", "ago_seconds": 60}),
        )
        .await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 2),
        "{r:?}"
    );
    let items = o.inbox_list(&all()).await.unwrap();
    let comment = items.iter().find(|i| i.kind == InboxKind::Comment).unwrap();
    assert!(
        comment.post_id.is_some(),
        "linked to the Outpost post: {comment:?}"
    );
    assert!(
        comment
            .author_avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://")
    );
    let dm = items.iter().find(|i| i.kind == InboxKind::Dm).unwrap();
    assert!(dm.reply_by.is_some());
    let again = o.inbox_sync(None).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");
    let r = o.inbox_reply(&comment.id, "See you Friday!").await.unwrap();
    assert_eq!(r.state, "sent");
    let r = o
        .inbox_reply(&dm.id, "Done, under your name")
        .await
        .unwrap();
    assert_eq!(r.state, "sent");
    assert_eq!(
        s.emu
            .requests("POST", "/v23.0/104857600000001/messages")
            .await
            .len(),
        1
    );

    // Metrics: two syncs with counts changing in between keep both readings.
    s.emu
        .admin("fb_engage", json!({"id": post, "impressions": 40, "reach": 30, "reactions": {"like": 3}, "shares": 1}))
        .await;
    s.emu.admin("fb_followers", json!({"followers": 150})).await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    assert_eq!(r[0].posts_read, 1, "{r:?}");
    s.emu
        .admin("fb_engage", json!({"id": post, "impressions": 90}))
        .await;
    o.analytics_sync(Some(&channel)).await.unwrap();
    let listed = o.analytics_posts(None, 0, i64::MAX).await.unwrap();
    let h = o.analytics_history(&listed[0].post_id).await.unwrap();
    let impressions: Vec<f64> = h
        .iter()
        .filter(|p| p.metric == "impressions")
        .map(|p| p.value)
        .collect();
    assert_eq!(impressions, vec![40.0, 90.0]);
    assert_eq!(listed[0].metrics.get("likes"), Some(&3.0));
    assert_eq!(
        listed[0].metrics.get("replies"),
        Some(&2.0),
        "the comment and the Page's reply"
    );
    let ch = o.analytics_channels(0, i64::MAX).await.unwrap();
    assert_eq!(ch[0].followers, Some(150.0));

    // Deleted on Facebook: marked, the history kept.
    s.emu.admin("delete_post", json!({"id": post})).await;
    let r = o.analytics_sync(None).await.unwrap();
    assert_eq!(r[0].posts_deleted, 1, "{r:?}");
    let listed = o.analytics_posts(None, 0, i64::MAX).await.unwrap();
    assert!(listed[0].deleted);
    assert_eq!(listed[0].metrics.get("impressions"), Some(&90.0));
}

#[tokio::test]
async fn instagram_private_reply_exactly_once_through_a_lost_answer_and_never_resent_unconfirmed() {
    let (s, _) = connected(Platform::Instagram).await;
    let o = &s.o;
    let media = s.emu.admin("ig_media", json!({"caption": "Cakes"})).await;
    let mid = media["id"].as_str().unwrap().to_string();
    for (text, from, ago) in [
        ("How much is the big one?", "17841400000000777", 60),
        ("Do you do gluten free?", "17841400000000888", 90),
        ("Still open?", "17841400000000999", 8 * 86_400),
    ] {
        s.emu
            .admin(
                "ig_comment",
                json!({"media_id": mid, "text": text, "from_id": from, "username": format!("u{from}"), "ago_seconds": ago}),
            )
            .await;
    }
    s.emu
        .admin("ig_message", json!({"text": "Hi!", "ago_seconds": 60}))
        .await;
    o.inbox_sync(None).await.unwrap();
    let items = o.inbox_list(&all()).await.unwrap();
    let id = |t: &str| items.iter().find(|i| i.text == t).unwrap().id.clone();
    let path = "/v23.0/17841400000000001/messages";

    let d = o.inbox_item(&id("How much is the big one?")).await.unwrap();
    assert!(
        d.private_reply && d.private_reply_unavailable.is_none(),
        "{d:?}"
    );
    assert_eq!(d.private_reply_max_chars, 1000);

    // The answer is lost after Instagram sent it: looked up in the conversation, settled once.
    s.emu
        .admin(
            "fail",
            json!({"path": path, "mode": "replace", "status": 200, "body": "<html>"}),
        )
        .await;
    let r = o
        .inbox_reply_private(&id("How much is the big one?"), "It is 40 euros")
        .await
        .unwrap();
    assert_eq!((r.state.as_str(), r.private), ("sent", true), "{r:?}");
    assert_eq!(s.emu.requests("POST", path).await.len(), 1);
    // Once per comment: refused before anything is sent, and said in the detail.
    let err = o
        .inbox_reply_private(&id("How much is the big one?"), "And the small one 20")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("already has its private reply"),
        "{err}"
    );
    let d = o.inbox_item(&id("How much is the big one?")).await.unwrap();
    assert!(d.private_reply_unavailable.is_some(), "{d:?}");
    // The conversation shows the answer as the user's, sent privately (a DM, not a comment).
    let mine: Vec<_> = d.conversation.iter().filter(|m| m.outbound).collect();
    assert_eq!(mine.len(), 1, "{d:?}");
    assert_eq!(
        (mine[0].text.as_str(), mine[0].sent_privately),
        ("It is 40 euros", true)
    );
    assert!(
        d.conversation
            .iter()
            .all(|m| m.outbound || !m.sent_privately)
    );

    // A server error: not confirmable, and asking again only looks it up, never resends.
    s.emu
        .admin("fail", json!({"path": path, "status": 503, "times": 1}))
        .await;
    let err = o
        .inbox_reply_private(&id("Do you do gluten free?"), "Yes, on Fridays")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("may or may not"), "{err}");
    let d = o.inbox_item(&id("Do you do gluten free?")).await.unwrap();
    assert_eq!(d.replies[0].state, "unconfirmed", "{d:?}");
    assert!(d.private_reply_unavailable.is_some(), "{d:?}");
    let sent = s.emu.requests("POST", path).await.len();
    let err = o
        .inbox_reply_private(&id("Do you do gluten free?"), "Yes, on Fridays")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot confirm"), "{err}");
    let err = o
        .inbox_reply_private(&id("Do you do gluten free?"), "Yes, on Fridays!")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot"), "{err}");
    assert_eq!(
        s.emu.requests("POST", path).await.len(),
        sent,
        "never resent"
    );

    // After 7 days, on a direct message, or too long: refused with the reason, nothing sent.
    let err = o
        .inbox_reply_private(&id("Still open?"), "Yes")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("7 days"), "{err}");
    let err = o
        .inbox_reply_private(&id("Hi!"), "Hello")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("Only an Instagram comment"),
        "{err}"
    );
    let err = o
        .inbox_reply_private(&id("Still open?"), &"x".repeat(1001))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("7 days"), "{err}");
    assert_eq!(s.emu.requests("POST", path).await.len(), sent);
}
