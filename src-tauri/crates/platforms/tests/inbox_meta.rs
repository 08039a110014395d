//! Facebook Page and Instagram inboxes and metrics against the strict Meta emulators
//! (`tests/emulators/platforms/meta_inbox.py`): comments with their replies grouped by post,
//! conversations with the 24-hour window, replies exactly once (look-up after an ambiguous
//! failure), a closed window, a deleted post, a revoked scope, a truncated answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use outpost_platforms::capability::{InboxKind, InboxReplyTo};
use outpost_platforms::facebook::publish::FacebookPublisher;
use outpost_platforms::instagram::publish::InstagramPublisher;
use outpost_platforms::publish::{Published, Publisher};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::{Emulator, ctx, http, no_app};

const FB_SCOPES: &[&str] = &[
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_manage_engagement",
    "pages_messaging",
    "read_insights",
];
const IG_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
    "instagram_business_manage_messages",
];

async fn fb_tokens(e: &Emulator, scopes: &[&str]) -> TokenSet {
    let t = e.admin("token", json!({"scopes": scopes})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens
        .extra
        .insert("author".into(), t["page_id"].as_str().unwrap().into());
    tokens
}

async fn ig_tokens(e: &Emulator, scopes: &[&str]) -> TokenSet {
    let t = e.admin("token", json!({"scopes": scopes})).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens
        .extra
        .insert("author".into(), t["user_id"].as_str().unwrap().into());
    tokens
}

fn answer(item: &outpost_platforms::capability::InboxItem, text: &str) -> InboxReplyTo {
    InboxReplyTo {
        item_id: item.id.clone(),
        kind: item.kind,
        conversation: item
            .conversation
            .clone()
            .or_else(|| item.in_reply_to.clone())
            .unwrap_or_else(|| item.id.clone()),
        author_id: item.author.id.clone(),
        text: text.into(),
        key: "key-1".into(),
        private: false,
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[tokio::test]
async fn facebook_comments_and_replies_arrive_by_post_and_are_answered_once() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = fb_tokens(&e, FB_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let post = e
        .admin("fb_post", json!({"message": "New sourdough today"}))
        .await;
    let post_id = s(&post["id"]).to_string();
    let first = e
        .admin(
            "fb_comment",
            json!({"post_id": post_id, "message": "Looks great!", "ago_seconds": 60}),
        )
        .await;
    e.admin(
        "fb_comment",
        json!({"parent_id": first["id"], "message": "Agreed", "from_id": "7001000000000002", "name": "Bob"}),
    )
    .await;

    let page = FacebookPublisher
        .inbox(c, &tokens, "comments", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{page:?}");
    let (a, b) = (&page.items[0], &page.items[1]);
    assert_eq!(a.kind, InboxKind::Comment);
    assert_eq!(a.text, "Looks great!");
    assert_eq!(a.author.handle, "Alice Example");
    assert_eq!(a.in_reply_to.as_deref(), Some(post_id.as_str()));
    assert_eq!(a.subject.as_deref(), Some("New sourdough today"));
    assert!(a.avatar_url.as_deref().unwrap().starts_with("https://"));
    assert_eq!(b.kind, InboxKind::Reply);
    assert_eq!(b.author.handle, "Bob");
    let req = e
        .requests("GET", &format!("/v23.0/{post_id}/comments"))
        .await;
    assert_eq!(req[0]["query"]["filter"], "stream");
    assert_eq!(req[0]["query"]["order"], "chronological");

    // The reply, once; the Page's own comment never comes back as an inbox item.
    let ask = answer(a, "Thank you!");
    let sent = FacebookPublisher.reply(c, &tokens, &ask).await.unwrap();
    let found = FacebookPublisher
        .find_reply(c, &tokens, &ask)
        .await
        .unwrap()
        .expect("the reply is found by look-up");
    assert_eq!(found.id, sent.id);
    let cursor = page.cursor.clone().unwrap();
    let again = FacebookPublisher
        .inbox(c, &tokens, "comments", Some(&cursor))
        .await
        .unwrap();
    assert!(
        again.items.iter().all(|i| i.text != "Thank you!"),
        "{again:?}"
    );
    assert_eq!(
        e.requests("GET", &format!("/v23.0/{post_id}/comments"))
            .await[2]["query"]["since"],
        cursor.0
    );
    // Not sent: the look-up finds nothing.
    let other = answer(a, "Never sent");
    assert!(
        FacebookPublisher
            .find_reply(c, &tokens, &other)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn facebook_messenger_window_and_unconfirmed_send() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = fb_tokens(&e, FB_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    e.admin(
        "fb_message",
        json!({"text": "Are you open on Sunday?", "ago_seconds": 3600}),
    )
    .await;
    e.admin(
        "fb_message",
        json!({"text": "old question", "from_id": "7001000000000009", "name": "Carol", "ago_seconds": 90000}),
    )
    .await;
    let page = FacebookPublisher
        .inbox(c, &tokens, "messages", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{page:?}");
    let old = &page.items[0];
    let fresh = &page.items[1];
    assert_eq!(fresh.kind, InboxKind::DirectMessage);
    assert!(fresh.conversation.is_some());
    let by = fresh.reply_by.unwrap();
    assert!((by - (fresh.created_at + 86_400)).abs() <= 1);
    let req = e
        .requests("GET", "/v23.0/104857600000001/conversations")
        .await;
    assert_eq!(req[0]["query"]["platform"], "messenger");

    let ask = answer(fresh, "Yes, 9 to 5");
    let sent = FacebookPublisher.reply(c, &tokens, &ask).await.unwrap();
    assert!(sent.id.starts_with("m_"));
    let sends = e.requests("POST", "/v23.0/104857600000001/messages").await;
    assert_eq!(sends.len(), 1);
    let found = FacebookPublisher
        .find_reply(c, &tokens, &ask)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, sent.id);
    // A message that is not in the conversation cannot be confirmed: said, nothing sent again.
    let err = FacebookPublisher
        .find_reply(c, &tokens, &answer(fresh, "lost"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot confirm"), "{err}");
    // 25 hours after Carol's message the window is closed.
    let err = FacebookPublisher
        .reply(c, &tokens, &answer(old, "Sorry for the delay"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("24-hour"), "{err}");
    assert_eq!(
        e.requests("POST", "/v23.0/104857600000001/messages")
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn facebook_metrics_change_between_reads_and_a_deleted_post_is_marked() {
    let e = Emulator::start(Platform::Facebook);
    let tokens = fb_tokens(&e, FB_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let post = e.admin("fb_post", json!({"message": "hello"})).await;
    let id = s(&post["id"]).to_string();
    e.admin("fb_comment", json!({"post_id": id, "message": "hi"}))
        .await;
    e.admin("fb_engage", json!({"id": id, "impressions": 120, "reach": 90, "reactions": {"like": 4, "love": 1}, "clicks": 7, "shares": 2})).await;
    e.admin("fb_followers", json!({"followers": 321})).await;
    let p = Published {
        id: id.clone(),
        url: None,
        thread: vec![id.clone()],
    };
    let m = FacebookPublisher
        .post_metrics(c, &tokens, &p)
        .await
        .unwrap();
    assert_eq!(
        (
            m.impressions,
            m.reach,
            m.likes,
            m.link_clicks,
            m.replies,
            m.reposts
        ),
        (Some(120), Some(90), Some(5), Some(7), Some(1), Some(2))
    );
    assert!(!m.deleted);
    e.admin("fb_engage", json!({"id": id, "impressions": 200}))
        .await;
    let m2 = FacebookPublisher
        .post_metrics(c, &tokens, &p)
        .await
        .unwrap();
    assert_eq!(m2.impressions, Some(200));
    let a = FacebookPublisher.account_metrics(c, &tokens).await.unwrap();
    assert_eq!(a.followers, Some(321));
    e.admin("delete_post", json!({"id": id})).await;
    let gone = FacebookPublisher
        .post_metrics(c, &tokens, &p)
        .await
        .unwrap();
    assert!(gone.deleted && gone.impressions.is_none());

    // Without read_insights: a clear re-authorisation error, not zeros.
    let post = e.admin("fb_post", json!({"message": "again"})).await;
    let p = Published {
        id: s(&post["id"]).into(),
        url: None,
        thread: vec![],
    };
    let narrow = fb_tokens(&e, &FB_SCOPES[..5]).await;
    let err = FacebookPublisher
        .post_metrics(c, &narrow, &p)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NeedsReauth { .. }), "{err:?}");
}

#[tokio::test]
async fn instagram_comments_replies_and_lookup() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = ig_tokens(&e, IG_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let media = e.admin("ig_media", json!({"caption": "Croissants!"})).await;
    let mid = s(&media["id"]).to_string();
    let top = e
        .admin(
            "ig_comment",
            json!({"media_id": mid, "text": "Want!", "ago_seconds": 30}),
        )
        .await;
    e.admin(
        "ig_comment",
        json!({"parent_id": top["id"], "text": "me too", "from_id": "17841400000000888", "username": "bob"}),
    )
    .await;
    let page = InstagramPublisher
        .inbox(c, &tokens, "comments", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{page:?}");
    let (a, b) = (&page.items[0], &page.items[1]);
    assert_eq!(
        (a.kind, a.author.handle.as_str()),
        (InboxKind::Comment, "alice.bakes")
    );
    assert_eq!(a.subject.as_deref(), Some("Croissants!"));
    assert_eq!(a.in_reply_to.as_deref(), Some(mid.as_str()));
    assert_eq!(
        (b.kind, b.author.handle.as_str()),
        (InboxKind::Reply, "bob")
    );

    // Answering the reply goes under its top-level comment (Instagram threads are one level deep).
    let ask = answer(b, "Saved you one");
    let sent = InstagramPublisher.reply(c, &tokens, &ask).await.unwrap();
    let posts = e
        .requests("POST", &format!("/v23.0/{}/replies", s(&top["id"])))
        .await;
    assert_eq!(posts.len(), 1);
    let found = InstagramPublisher
        .find_reply(c, &tokens, &ask)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, sent.id);
    assert!(
        InstagramPublisher
            .find_reply(c, &tokens, &answer(a, "other"))
            .await
            .unwrap()
            .is_none()
    );
    // The account's own reply is not an inbox item; nothing new after the cursor but the last.
    let again = InstagramPublisher
        .inbox(c, &tokens, "comments", page.cursor.as_ref())
        .await
        .unwrap();
    assert!(again.items.iter().all(|i| i.text != "Saved you one"));
    assert!(again.items.len() <= 1, "{again:?}");

    // Too long for Instagram: refused before anything is sent.
    let err = InstagramPublisher
        .reply(c, &tokens, &answer(a, &"x".repeat(2201)))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("2200"), "{err}");

    // A truncated answer is an error (the caller keeps its cursor).
    e.admin("garble", json!({"path": format!("/v23.0/{mid}/comments")}))
        .await;
    assert!(
        InstagramPublisher
            .inbox(c, &tokens, "comments", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn instagram_private_reply_once_per_comment_within_seven_days_and_looked_up() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = ig_tokens(&e, IG_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let media = e.admin("ig_media", json!({"caption": "Sourdough"})).await;
    let mid = s(&media["id"]).to_string();
    let fresh = e
        .admin(
            "ig_comment",
            json!({"media_id": mid, "text": "Recipe please?", "ago_seconds": 60}),
        )
        .await;
    e.admin(
        "ig_comment",
        json!({"parent_id": fresh["id"], "text": "+1", "from_id": "17841400000000888", "username": "bob"}),
    )
    .await;
    e.admin(
        "ig_comment",
        json!({"media_id": mid, "text": "Old question", "ago_seconds": 8 * 86_400, "from_id": "17841400000000999", "username": "carol"}),
    )
    .await;
    let page = InstagramPublisher
        .inbox(c, &tokens, "comments", None)
        .await
        .unwrap();
    let item = |t: &str| page.items.iter().find(|i| i.text == t).unwrap();
    let private = |i: &outpost_platforms::capability::InboxItem, t: &str| InboxReplyTo {
        private: true,
        ..answer(i, t)
    };
    let path = "/v23.0/17841400000000001/messages";

    // Nothing to look up yet: the send cannot be confirmed, said plainly (never resent blindly).
    let ask = private(item("Recipe please?"), "Sent you the recipe");
    let err = InstagramPublisher
        .find_reply(c, &tokens, &ask)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot confirm"), "{err}");

    let done = InstagramPublisher.reply(c, &tokens, &ask).await.unwrap();
    let posts = e.requests("POST", path).await;
    assert_eq!(posts.len(), 1);
    let logged = posts[0].to_string();
    assert!(
        logged.contains("comment_id") && logged.contains(s(&fresh["id"])),
        "{logged}"
    );
    // Found after the fact in the author's conversation, by the account, with the same text.
    let found = InstagramPublisher
        .find_reply(c, &tokens, &ask)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, done.id);

    // Once per comment.
    let err = InstagramPublisher
        .reply(c, &tokens, &private(item("Recipe please?"), "And a photo"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("one private reply per comment"),
        "{err}"
    );
    // Within 7 days of the comment.
    let err = InstagramPublisher
        .reply(
            c,
            &tokens,
            &private(item("Old question"), "Sorry for the wait"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("7 days"), "{err}");
    // A reply (not a top-level comment) or a text over the limit: refused before anything is sent.
    let err = InstagramPublisher
        .reply(c, &tokens, &private(item("+1"), "Hi Bob"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("top-level comment"), "{err}");
    let err = InstagramPublisher
        .reply(
            c,
            &tokens,
            &private(item("Old question"), &"x".repeat(1001)),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1000"), "{err}");
    assert_eq!(
        e.requests("POST", path).await.len(),
        3,
        "two refused by Instagram, two never sent"
    );
}

#[tokio::test]
async fn instagram_direct_messages_with_the_window() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = ig_tokens(&e, IG_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    e.admin(
        "ig_message",
        json!({"text": "Do you ship?", "ago_seconds": 7200}),
    )
    .await;
    let page = InstagramPublisher
        .inbox(c, &tokens, "messages", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let dm = &page.items[0];
    assert_eq!(dm.kind, InboxKind::DirectMessage);
    assert_eq!(dm.author.handle, "alice.bakes");
    assert_eq!(dm.reply_by, Some(dm.created_at + 86_400));
    let sent = InstagramPublisher
        .reply(c, &tokens, &answer(dm, "Yes, within the EU"))
        .await
        .unwrap();
    assert!(!sent.id.is_empty());
    let body = &e
        .requests("POST", "/v23.0/17841400000000001/messages")
        .await[0];
    assert!(body.to_string().contains("recipient"), "{body}");
    // Without the messaging scope: re-authorise.
    let narrow = ig_tokens(&e, &IG_SCOPES[..3]).await;
    let err = InstagramPublisher
        .inbox(c, &narrow, "messages", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NeedsReauth { .. }), "{err:?}");
}

#[tokio::test]
async fn instagram_metrics_views_not_impressions_and_deleted_media() {
    let e = Emulator::start(Platform::Instagram);
    let tokens = ig_tokens(&e, IG_SCOPES).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let media = e.admin("ig_media", json!({"caption": "x"})).await;
    let id = s(&media["id"]).to_string();
    e.admin("ig_comment", json!({"media_id": id, "text": "nice"}))
        .await;
    e.admin(
        "ig_engage",
        json!({"id": id, "views": 500, "reach": 300, "likes": 40, "shares": 3, "saved": 6}),
    )
    .await;
    e.admin(
        "ig_account",
        json!({"followers_count": 1200, "follows_count": 80, "reach": 900, "profile_views": 45}),
    )
    .await;
    let p = Published {
        id: id.clone(),
        url: None,
        thread: vec![],
    };
    let m = InstagramPublisher
        .post_metrics(c, &tokens, &p)
        .await
        .unwrap();
    assert_eq!(
        (
            m.views,
            m.reach,
            m.likes,
            m.replies,
            m.reposts,
            m.saves,
            m.impressions
        ),
        (
            Some(500),
            Some(300),
            Some(40),
            Some(1),
            Some(3),
            Some(6),
            None
        )
    );
    let req = e.requests("GET", &format!("/v23.0/{id}/insights")).await;
    assert_eq!(
        req[0]["query"]["metric"],
        "views,reach,likes,comments,shares,saved"
    );
    let a = InstagramPublisher
        .account_metrics(c, &tokens)
        .await
        .unwrap();
    assert_eq!(
        (a.followers, a.following, a.posts, a.reach, a.profile_views),
        (Some(1200), Some(80), Some(1), Some(900), Some(45))
    );
    e.admin("delete_media", json!({"id": id})).await;
    let gone = InstagramPublisher
        .post_metrics(c, &tokens, &p)
        .await
        .unwrap();
    assert!(gone.deleted);
}
