//! X's inbox and metrics against the strict emulator (`tests/emulators/platforms/x_inbox.py`):
//! mentions paged with `since_id`/`pagination_token`, replies grouped with the own post they
//! answer, direct messages (and a clear answer where the access level gives none), replies and
//! their look-up, the weighted 280-character limit, 429, metrics inside and after the 30-day
//! window, a deleted post, account counters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use outpost_platforms::capability::{InboxCursor, InboxKind, InboxPage, InboxReplyTo};
use outpost_platforms::publish::{Published, Publisher};
use outpost_platforms::x::inbox::{DIRECT_MESSAGES, MENTIONS};
use outpost_platforms::x::publish::XPublisher;
use outpost_platforms::{AppCredentials, Endpoints, Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::Emulator;

const ALL: &[&str] = &[
    "tweet.read",
    "tweet.write",
    "users.read",
    "dm.read",
    "dm.write",
];

struct Setup {
    emu: Emulator,
    http: outpost_net::HttpClient,
    endpoints: Endpoints,
    app: AppCredentials,
    me: String,
}

impl Setup {
    async fn new() -> Setup {
        let emu = Emulator::start(Platform::X);
        let endpoints = emu.endpoints();
        let me = emu.admin("x-token", json!({})).await["user"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        Setup {
            emu,
            http: support::http(),
            endpoints,
            app: support::no_app(),
            me,
        }
    }

    /// A token with `scopes`; the user id stored as sign-in stores it.
    async fn tokens(&self, scopes: &[&str]) -> TokenSet {
        let v = self.emu.admin("x-token", json!({ "scopes": scopes })).await;
        let mut t = TokenSet::new(v["access_token"].as_str().unwrap(), 0);
        t.scopes = scopes.iter().map(|s| (*s).to_string()).collect();
        t.extra.insert("user_id".into(), self.me.clone());
        t
    }

    async fn inbox(
        &self,
        t: &TokenSet,
        source: &str,
        c: Option<&InboxCursor>,
    ) -> Result<InboxPage, Error> {
        let ctx = support::ctx(&self.http, &self.endpoints, &self.app);
        XPublisher.inbox(ctx, t, source, c).await
    }

    async fn mention(&self, body: Value) -> String {
        self.emu.admin("x-mention", body).await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn own_post(&self, text: &str, age_days: u32) -> String {
        self.emu
            .admin("x-own-post", json!({"text": text, "age_days": age_days}))
            .await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

#[tokio::test]
async fn mentions_and_replies_are_grouped_with_the_own_post_and_paged_without_gaps() {
    let s = Setup::new().await;
    let t = s.tokens(ALL).await;
    let own = s.own_post("Our launch post", 1).await;
    let reply = s
        .mention(json!({"text": "@outpost_tester congrats!", "reply_to": own, "author": {"username": "bob", "name": "Bob"}}))
        .await;
    let plain = s
        .mention(json!({"text": "hey @outpost_tester", "author": {"username": "carol"}}))
        .await;
    let quote = s
        .mention(json!({"text": "look at this @outpost_tester", "quote": own, "author": {"username": "dan"}}))
        .await;

    let page = s.inbox(&t, MENTIONS, None).await.unwrap();
    let ids: Vec<_> = page.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [reply.as_str(), plain.as_str(), quote.as_str()],
        "oldest first"
    );
    let r = &page.items[0];
    assert_eq!(r.kind, InboxKind::Reply);
    assert_eq!(r.in_reply_to.as_deref(), Some(own.as_str()));
    assert_eq!(r.conversation.as_deref(), Some(own.as_str()));
    assert_eq!(r.subject.as_deref(), Some("Our launch post"));
    assert_eq!(r.author.handle, "@bob");
    assert_eq!(r.author.display_name.as_deref(), Some("Bob"));
    assert!(
        r.avatar_url
            .as_deref()
            .unwrap()
            .starts_with("https://pbs.twimg.com/")
    );
    assert_eq!(
        r.url.as_deref(),
        Some(format!("https://x.com/bob/status/{reply}").as_str())
    );
    assert!(r.created_at > 1_700_000_000);
    assert_eq!(page.items[1].kind, InboxKind::Mention);
    assert_eq!(page.items[1].in_reply_to, None);
    assert_eq!(page.items[2].kind, InboxKind::Quote);
    assert_eq!(page.items[2].in_reply_to.as_deref(), Some(own.as_str()));
    let cursor = page.cursor.unwrap();
    assert_eq!(cursor.0, quote);

    let req = s
        .emu
        .requests("GET", &format!("/2/users/{}/mentions", s.me))
        .await;
    let q = &req[0]["query"];
    assert_eq!(q["expansions"], "author_id,referenced_tweets.id");
    assert_eq!(q["user.fields"], "profile_image_url");
    assert_eq!(q["max_results"], "100");
    assert!(q.get("since_id").is_none());

    // Nothing new: no items, no cursor (the caller keeps its own).
    let again = s.inbox(&t, MENTIONS, Some(&cursor)).await.unwrap();
    assert!(
        again.items.is_empty() && again.cursor.is_none(),
        "{again:?}"
    );

    // A backlog of 150 new mentions: two pages back to the stored id, then the newest id.
    let mut planted = Vec::new();
    for i in 0..150 {
        planted.push(
            s.mention(json!({"text": format!("@outpost_tester n{i}")}))
                .await,
        );
    }
    let p1 = s.inbox(&t, MENTIONS, Some(&cursor)).await.unwrap();
    assert_eq!(p1.items.len(), 100);
    let c1 = p1.cursor.unwrap();
    assert!(c1.0.starts_with(&format!("{quote}|")), "{c1:?}");
    assert!(c1.0.ends_with(planted.last().unwrap()), "{c1:?}");
    let p2 = s.inbox(&t, MENTIONS, Some(&c1)).await.unwrap();
    assert_eq!(p2.items.len(), 50);
    assert_eq!(p2.cursor.as_ref().unwrap().0, *planted.last().unwrap());
    let mut got: Vec<_> = p1
        .items
        .iter()
        .chain(&p2.items)
        .map(|i| i.id.clone())
        .collect();
    got.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    assert_eq!(got, planted, "every mention read once");
    let req = s
        .emu
        .requests("GET", &format!("/2/users/{}/mentions", s.me))
        .await;
    let last = &req.last().unwrap()["query"];
    assert_eq!(last["since_id"], quote.as_str());
    assert!(last.get("pagination_token").is_some());
}

#[tokio::test]
async fn a_cut_off_page_or_a_bad_cursor_is_an_error_not_an_empty_page() {
    let s = Setup::new().await;
    let t = s.tokens(ALL).await;
    s.mention(json!({})).await;
    let path = format!("/2/users/{}/mentions", s.me);
    s.emu
        .admin("fail", json!({"path": path, "mode": "replace", "status": 200, "body": "{\"data\":[{\"id\":\"1\"", "content_type": "application/json"}))
        .await;
    let e = s.inbox(&t, MENTIONS, None).await.unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    s.emu
        .admin("fail", json!({"path": path, "mode": "replace", "status": 200, "body": "{\"meta\":{\"result_count\":2}}", "content_type": "application/json"}))
        .await;
    let e = s.inbox(&t, MENTIONS, None).await.unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    let e = s
        .inbox(&t, MENTIONS, Some(&InboxCursor("12|".into())))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cursor"), "{e}");
    // 429 with X's reset header: rate-limited until then.
    s.emu
        .admin("fail", json!({"path": path, "status": 429}))
        .await;
    match s.inbox(&t, MENTIONS, None).await.unwrap_err() {
        Error::RateLimited { retry_at, .. } => assert!(retry_at.unwrap() > 1_700_000_000),
        e => panic!("{e:?}"),
    }
    // The reads work again afterwards.
    assert_eq!(s.inbox(&t, MENTIONS, None).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn direct_messages_by_conversation_and_not_offered_where_x_gives_none() {
    let s = Setup::new().await;
    let t = s.tokens(ALL).await;
    let a = s
        .emu
        .admin(
            "x-dm",
            json!({"text": "hi", "sender": {"username": "erin"}}),
        )
        .await;
    let b = s
        .emu
        .admin(
            "x-dm",
            json!({"text": "are you there?", "sender": {"username": "erin"}}),
        )
        .await;
    let page = s.inbox(&t, DIRECT_MESSAGES, None).await.unwrap();
    assert_eq!(page.items.len(), 2);
    let m = &page.items[0];
    assert_eq!(m.kind, InboxKind::DirectMessage);
    assert_eq!(m.id, a["id"].as_str().unwrap());
    assert_eq!(m.conversation.as_deref(), a["dm_conversation_id"].as_str());
    assert_eq!(m.author.handle, "@erin");
    let cursor = page.cursor.unwrap();
    assert_eq!(cursor.0, b["id"].as_str().unwrap());

    // An answer in the conversation: sent once, found again by look-up, not an inbox item.
    let ctx = support::ctx(&s.http, &s.endpoints, &s.app);
    let r = InboxReplyTo {
        item_id: m.id.clone(),
        kind: InboxKind::DirectMessage,
        conversation: m.conversation.clone().unwrap(),
        author_id: m.author.id.clone(),
        text: "Yes, here!".into(),
        key: "k1".into(),
        private: false,
    };
    assert_eq!(XPublisher.find_reply(ctx, &t, &r).await.unwrap(), None);
    let sent = XPublisher.reply(ctx, &t, &r).await.unwrap();
    let found = XPublisher.find_reply(ctx, &t, &r).await.unwrap().unwrap();
    assert_eq!(found.id, sent.id);
    let c = s
        .emu
        .admin(
            "x-dm",
            json!({"text": "thanks", "sender": {"username": "erin"}}),
        )
        .await;
    let next = s.inbox(&t, DIRECT_MESSAGES, Some(&cursor)).await.unwrap();
    assert_eq!(
        next.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [c["id"].as_str().unwrap()],
        "only the new message; the own answer is not an inbox item"
    );
    let cursor = next.cursor.unwrap();
    let none = s.inbox(&t, DIRECT_MESSAGES, Some(&cursor)).await.unwrap();
    assert!(none.items.is_empty() && none.cursor.is_none(), "{none:?}");

    // A sign-in without dm.read, and an app whose access level gives no DMs: said plainly.
    let weak = s.tokens(&["tweet.read", "users.read", "tweet.write"]).await;
    let e = s.inbox(&weak, DIRECT_MESSAGES, None).await.unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { .. }) && e.to_string().contains("dm.read"),
        "{e}"
    );
    s.emu.admin("x-dm-access", json!({"allowed": false})).await;
    let e = s.inbox(&t, DIRECT_MESSAGES, None).await.unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { .. }) && e.to_string().contains("access level"),
        "{e}"
    );
}

#[tokio::test]
async fn a_reply_is_sent_once_found_by_look_up_and_refused_over_280_weighted() {
    let s = Setup::new().await;
    let t = s.tokens(ALL).await;
    let own = s.own_post("Post", 0).await;
    let m = s
        .mention(json!({"reply_to": own, "text": "question?"}))
        .await;
    let ctx = support::ctx(&s.http, &s.endpoints, &s.app);
    let mut r = InboxReplyTo {
        item_id: m.clone(),
        kind: InboxKind::Reply,
        conversation: own.clone(),
        author_id: "2000000001".into(),
        text: "An answer".into(),
        key: "k".into(),
        private: false,
    };
    assert_eq!(XPublisher.find_reply(ctx, &t, &r).await.unwrap(), None);
    let sent = XPublisher.reply(ctx, &t, &r).await.unwrap();
    let posts = s.emu.admin_get("posts").await;
    let last = posts.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["in_reply_to_tweet_id"], m.as_str());
    assert_eq!(last["id"], sent.id.as_str());
    let found = XPublisher.find_reply(ctx, &t, &r).await.unwrap().unwrap();
    assert_eq!(found.id, sent.id);

    // 141 CJK characters weigh 282: refused before anything is sent.
    r.text = "字".repeat(141);
    let before = s.emu.requests("POST", "/2/tweets").await.len();
    let e = XPublisher.reply(ctx, &t, &r).await.unwrap_err();
    assert!(e.to_string().contains("280"), "{e}");
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), before);
    r.text = "字".repeat(140);
    XPublisher.reply(ctx, &t, &r).await.unwrap();

    // The answered post was deleted: X's refusal, in its words.
    let gone = s.mention(json!({"text": "soon gone"})).await;
    s.emu.admin("x-delete", json!({"id": gone})).await;
    r.item_id = gone;
    r.text = "too late".into();
    let e = XPublisher.reply(ctx, &t, &r).await.unwrap_err();
    assert!(matches!(e, Error::Rejected { .. }), "{e:?}");
}

#[tokio::test]
async fn metrics_in_and_after_the_30_day_window_deleted_posts_and_the_account() {
    let s = Setup::new().await;
    let t = s.tokens(ALL).await;
    let ctx = support::ctx(&s.http, &s.endpoints, &s.app);
    let fresh = s.own_post("fresh", 2).await;
    let old = s.own_post("old", 45).await;
    let gone = s.own_post("gone", 1).await;
    let metrics = json!({"public": {"like_count": 5, "retweet_count": 2, "reply_count": 1, "quote_count": 1,
                                    "bookmark_count": 3, "impression_count": 90},
                         "non_public": {"impression_count": 100, "url_link_clicks": 7}});
    for id in [&fresh, &old] {
        let mut b = metrics.clone();
        b["id"] = json!(id);
        s.emu.admin("x-metrics", b).await;
    }
    let post = |id: &str| Published {
        id: id.into(),
        url: None,
        thread: vec![id.into()],
    };
    let m = XPublisher
        .post_metrics(ctx, &t, &post(&fresh))
        .await
        .unwrap();
    assert_eq!(
        (
            m.impressions,
            m.likes,
            m.reposts,
            m.replies,
            m.quotes,
            m.saves,
            m.link_clicks
        ),
        (
            Some(100),
            Some(5),
            Some(2),
            Some(1),
            Some(1),
            Some(3),
            Some(7)
        )
    );
    assert!(!m.deleted);
    let q = &s.emu.requests("GET", "/2/tweets").await[0]["query"];
    assert_eq!(
        q["tweet.fields"],
        "public_metrics,non_public_metrics,organic_metrics"
    );

    // Older than 30 days: public metrics only, link clicks no longer given.
    let m = XPublisher.post_metrics(ctx, &t, &post(&old)).await.unwrap();
    assert_eq!(
        (m.impressions, m.likes, m.link_clicks),
        (Some(90), Some(5), None)
    );
    let q = &s.emu.requests("GET", "/2/tweets").await[1]["query"];
    assert_eq!(q["tweet.fields"], "public_metrics");

    // Counts change between reads.
    s.emu
        .admin(
            "x-metrics",
            json!({"id": fresh, "public": {"like_count": 9}}),
        )
        .await;
    let m = XPublisher
        .post_metrics(ctx, &t, &post(&fresh))
        .await
        .unwrap();
    assert_eq!(m.likes, Some(9));

    s.emu.admin("x-delete", json!({"id": gone})).await;
    let m = XPublisher
        .post_metrics(ctx, &t, &post(&gone))
        .await
        .unwrap();
    assert!(m.deleted && m.likes.is_none(), "{m:?}");

    s.emu
        .admin(
            "x-account",
            json!({"followers_count": 1200, "following_count": 30, "tweet_count": 450}),
        )
        .await;
    let a = XPublisher.account_metrics(ctx, &t).await.unwrap();
    assert_eq!(
        (a.followers, a.following, a.posts),
        (Some(1200), Some(30), Some(450))
    );

    // A revoked sign-in: reconnect.
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "mode": "revoke", "times": 1}),
        )
        .await;
    let e = XPublisher
        .post_metrics(ctx, &t, &post(&fresh))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NeedsReauth { .. }), "{e:?}");
}
