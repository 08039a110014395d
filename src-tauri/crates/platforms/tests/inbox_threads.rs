//! Threads' inbox (replies under the account's posts, mentions), replies (two steps, reply quota,
//! look-up after an ambiguous failure) and insights against the strict emulator
//! (`tests/emulators/platforms/threads_inbox.py`). Metrics are here too (one test binary).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use outpost_platforms::capability::{InboxKind, InboxReplyTo};
use outpost_platforms::publish::{Post, PostPart, Published, Publisher};
use outpost_platforms::threads::publish::ThreadsPublisher;
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::json;
use support::{Emulator, ctx, http, no_app};

const ALL: &[&str] = &[
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_mentions",
    "threads_manage_insights",
];

async fn setup(e: &Emulator, scopes: &[&str]) -> TokenSet {
    e.admin("processing", json!({"polls": 0})).await;
    let t = e.admin("token", json!({ "scopes": scopes })).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens
        .extra
        .insert("user_id".into(), t["user_id"].as_str().unwrap().into());
    tokens
}

struct T {
    e: Emulator,
    tokens: TokenSet,
    h: outpost_net::HttpClient,
    ep: outpost_platforms::Endpoints,
    app: outpost_platforms::AppCredentials,
}

impl T {
    async fn new(scopes: &[&str]) -> T {
        let e = Emulator::start(Platform::Threads);
        let tokens = setup(&e, scopes).await;
        let ep = e.endpoints();
        T {
            e,
            tokens,
            h: http(),
            ep,
            app: no_app(),
        }
    }
    fn ctx(&self) -> outpost_platforms::Ctx<'_> {
        ctx(&self.h, &self.ep, &self.app)
    }
    async fn post(&self, text: &str) -> Published {
        let p = Post {
            key: "k".into(),
            parts: vec![PostPart {
                text: text.into(),
                media: vec![],
            }],
            ..Post::default()
        };
        ThreadsPublisher
            .publish(self.ctx(), &self.tokens, &p, &|_, _| {})
            .await
            .unwrap()
    }
    async fn plant(&self, to: &str, text: &str, who: &str, at: i64) -> String {
        self.e
            .admin(
                "reply",
                json!({"to": to, "text": text, "username": who, "at": at}),
            )
            .await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
    fn answer(&self, item: &str, text: &str) -> InboxReplyTo {
        InboxReplyTo {
            item_id: item.into(),
            kind: InboxKind::Reply,
            conversation: item.into(),
            author_id: "ann".into(),
            text: text.into(),
            key: "key-1".into(),
            private: false,
        }
    }
}

#[tokio::test]
async fn replies_at_any_depth_are_grouped_by_the_post_and_the_cursor_moves_past_them() {
    let t = T::new(ALL).await;
    let post = t.post("Bread is ready").await;
    let a = t.plant(&post.id, "first!", "ann", 1_760_000_000).await;
    let b = t.plant(&a, "nested answer", "bob", 1_760_000_100).await;
    let page = ThreadsPublisher
        .inbox(t.ctx(), &t.tokens, "replies", None)
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [a.as_str(), b.as_str()]
    );
    let first = &page.items[0];
    assert_eq!(first.kind, InboxKind::Reply);
    assert_eq!(first.author.handle, "@ann");
    assert_eq!(first.in_reply_to.as_deref(), Some(post.id.as_str()));
    assert_eq!(page.items[1].in_reply_to.as_deref(), Some(post.id.as_str()));
    assert_eq!(first.subject.as_deref(), Some("Bread is ready"));
    assert_eq!(first.created_at, 1_760_000_000);
    assert!(first.avatar_url.as_deref().unwrap().starts_with("https://"));
    assert!(first.url.as_deref().unwrap().contains("/@ann/post/"));
    let cursor = page.cursor.clone().unwrap();
    assert_eq!(cursor.0, "1760000100");

    // Nothing newer: the boundary item comes again (the app skips it) and no cursor.
    let again = ThreadsPublisher
        .inbox(t.ctx(), &t.tokens, "replies", Some(&cursor))
        .await
        .unwrap();
    assert!(again.cursor.is_none(), "{again:?}");
    assert!(again.items.iter().all(|i| i.id == b));

    // Our own answer is not an inbox item; a later reply is.
    let mine = ThreadsPublisher
        .reply(t.ctx(), &t.tokens, &t.answer(&a, "thanks"))
        .await
        .unwrap();
    let c = t
        .plant(&mine.id, "you're welcome", "ann", 1_760_000_200)
        .await;
    let next = ThreadsPublisher
        .inbox(t.ctx(), &t.tokens, "replies", Some(&cursor))
        .await
        .unwrap();
    let ids: Vec<&str> = next.items.iter().map(|i| i.id.as_str()).collect();
    assert!(
        ids.contains(&c.as_str()) && !ids.contains(&mine.id.as_str()),
        "{ids:?}"
    );
    assert_eq!(next.cursor.unwrap().0, "1760000200");
    let conv =
        t.e.requests("GET", &format!("/v1.0/{}/conversation", post.id))
            .await;
    assert_eq!(conv.last().unwrap()["query"]["reverse"], "true");
}

#[tokio::test]
async fn mentions_are_read_since_the_cursor() {
    let t = T::new(ALL).await;
    let m1 =
        t.e.admin(
            "mention",
            json!({"text": "hey @outpost.tester", "username": "cy", "at": 1_760_000_000}),
        )
        .await;
    let page = ThreadsPublisher
        .inbox(t.ctx(), &t.tokens, "mentions", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, m1["id"].as_str().unwrap());
    assert_eq!(page.items[0].kind, InboxKind::Mention);
    assert_eq!(page.items[0].in_reply_to, None);
    let cursor = page.cursor.unwrap();
    let m2 =
        t.e.admin("mention", json!({"text": "again", "at": 1_760_000_050}))
            .await;
    let next = ThreadsPublisher
        .inbox(t.ctx(), &t.tokens, "mentions", Some(&cursor))
        .await
        .unwrap();
    assert_eq!(next.items.last().unwrap().id, m2["id"].as_str().unwrap());
    let req = t.e.log().await;
    let last = req
        .iter()
        .rev()
        .find(|r| r["path"].as_str().unwrap().ends_with("/mentions"))
        .unwrap();
    assert_eq!(last["query"]["since"], "1760000000");
}

#[tokio::test]
async fn a_missing_scope_asks_to_sign_in_again_and_a_malformed_answer_is_an_error() {
    let t = T::new(&["threads_basic", "threads_content_publish"]).await;
    let err = ThreadsPublisher
        .inbox(t.ctx(), &t.tokens, "mentions", None)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");

    let t = T::new(ALL).await;
    let user = t.tokens.extra("user_id").unwrap().to_string();
    t.e.admin(
        "fail",
        json!({"path": format!("/v1.0/{user}/mentions"), "mode": "replace", "status": 200, "body": "{\"data\":[{\"id\":\"1\"", "content_type": "application/json"}),
    )
    .await;
    assert!(
        ThreadsPublisher
            .inbox(t.ctx(), &t.tokens, "mentions", None)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_reply_is_sent_once_in_two_steps_and_found_again_after_an_ambiguous_failure() {
    let t = T::new(ALL).await;
    let post = t.post("Our new loaf").await;
    let a = t.plant(&post.id, "how much?", "ann", 1_760_000_000).await;
    let sent = ThreadsPublisher
        .reply(t.ctx(), &t.tokens, &t.answer(&a, "Four euros"))
        .await
        .unwrap();
    let posts = t.e.admin_get("posts").await;
    let reply = posts
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == sent.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(reply["reply_to"], a.as_str());
    assert_eq!(reply["text"], "Four euros");
    let user = t.tokens.extra("user_id").unwrap().to_string();
    assert_eq!(
        t.e.requests("POST", &format!("/v1.0/{user}/threads_publish"))
            .await
            .len(),
        2
    );

    // The publish step is handled but its answer is lost: the look-up finds the reply.
    t.e.admin(
        "fail",
        json!({"path": format!("/v1.0/{user}/threads_publish"), "mode": "replace", "status": 502, "body": "<html>bad gateway</html>"}),
    )
    .await;
    let ask = t.answer(&a, "  See you   tomorrow ");
    let err = ThreadsPublisher
        .reply(t.ctx(), &t.tokens, &ask)
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    let found = ThreadsPublisher
        .find_reply(t.ctx(), &t.tokens, &ask)
        .await
        .unwrap()
        .unwrap();
    let all = t.e.admin_get("posts").await;
    let last = all.as_array().unwrap().last().unwrap();
    assert_eq!(found.id, last["id"].as_str().unwrap());
    assert!(
        ThreadsPublisher
            .find_reply(t.ctx(), &t.tokens, &t.answer(&post.id, "See you tomorrow"))
            .await
            .unwrap()
            .is_none(),
        "same text under another parent is not the reply"
    );
}

#[tokio::test]
async fn the_reply_quota_and_a_deleted_parent_are_refused_plainly() {
    let t = T::new(ALL).await;
    let post = t.post("Quota").await;
    let a = t.plant(&post.id, "hi", "ann", 1_760_000_000).await;
    t.e.admin("quota", json!({"reply_usage": 1000, "reply_total": 1000}))
        .await;
    let n = t.e.log().await.len();
    let err = ThreadsPublisher
        .reply(t.ctx(), &t.tokens, &t.answer(&a, "hello"))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, Error::Rejected { .. }) && msg.contains("1000 of 1000"),
        "{msg}"
    );
    let log = t.e.log().await;
    assert!(
        log[n..].iter().all(|r| r["method"] == "GET"),
        "nothing was sent"
    );
    assert_eq!(
        outpost_platforms::threads::reply_quota(t.ctx(), &t.tokens)
            .await
            .unwrap(),
        (1000, 1000)
    );

    t.e.admin("quota", json!({"reply_usage": 0})).await;
    t.e.admin("delete", json!({"id": a})).await;
    let err = ThreadsPublisher
        .reply(t.ctx(), &t.tokens, &t.answer(&a, "hello"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("was deleted"), "{err}");
}

#[tokio::test]
async fn post_and_account_metrics_change_between_reads_and_a_deleted_post_is_marked() {
    let t = T::new(ALL).await;
    let post = t.post("Counted").await;
    t.e.admin("insights", json!({"id": post.id, "views": 10, "likes": 2}))
        .await;
    let m = ThreadsPublisher
        .post_metrics(t.ctx(), &t.tokens, &post)
        .await
        .unwrap();
    assert_eq!(
        (m.views, m.likes, m.replies, m.reposts, m.quotes),
        (Some(10), Some(2), Some(0), Some(0), Some(0))
    );
    assert_eq!((m.impressions, m.saves, m.deleted), (None, None, false));
    t.e.admin(
        "insights",
        json!({"id": post.id, "views": 55, "likes": 9, "quotes": 1}),
    )
    .await;
    let m = ThreadsPublisher
        .post_metrics(t.ctx(), &t.tokens, &post)
        .await
        .unwrap();
    assert_eq!((m.views, m.likes, m.quotes), (Some(55), Some(9), Some(1)));

    t.e.admin(
        "user-insights",
        json!({"followers_count": 321, "views": 40}),
    )
    .await;
    let a = ThreadsPublisher
        .account_metrics(t.ctx(), &t.tokens)
        .await
        .unwrap();
    assert_eq!((a.followers, a.profile_views), (Some(321), Some(40)));
    assert_eq!(a.following, None);

    t.e.admin("delete", json!({"id": post.id})).await;
    let m = ThreadsPublisher
        .post_metrics(t.ctx(), &t.tokens, &post)
        .await
        .unwrap();
    assert!(m.deleted && m.likes.is_none(), "{m:?}");

    let no = T::new(&["threads_basic", "threads_content_publish"]).await;
    let post = no.post("x").await;
    let err = ThreadsPublisher
        .post_metrics(no.ctx(), &no.tokens, &post)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
}
