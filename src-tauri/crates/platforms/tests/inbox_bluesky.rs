//! Bluesky's inbox and counters against the real reference network: PDS + AppView from
//! `@atproto/dev-env` on a throw-away PostgreSQL (`tests/pds/run.sh --appview`). Other accounts
//! reply, mention and quote; Outpost syncs twice without duplicates, answers exactly once (also
//! when the create is retried), refuses a too-long answer and an answer to a deleted post, marks
//! read, and reads counters that change between reads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/bluesky_canned.rs"]
mod bluesky_canned;
#[path = "support/bluesky_network.rs"]
mod bluesky_network;
mod support;

use std::time::Duration;

use outpost_platforms::bluesky::auth::Bluesky;
use outpost_platforms::bluesky::inbox::reply_record_key;
use outpost_platforms::bluesky::publish::BlueskyPublisher;
use outpost_platforms::capability::{InboxCursor, InboxKind, InboxPage, InboxReplyTo};
use outpost_platforms::publish::{Post, PostPart, Published, Publisher};
use outpost_platforms::{Endpoints, Error, Secret, TokenSet};
use serde_json::{Value, json};

use bluesky_network::{eventually, network, now, replies_by};

fn client() -> outpost_net::reqwest::Client {
    outpost_net::reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Another account, driven with plain XRPC calls (no Outpost code).
struct Other {
    pds: String,
    did: String,
    handle: String,
    jwt: String,
}

impl Other {
    async fn login(pds: &str, account: &Value) -> Other {
        let v = xrpc_post(
            pds,
            None,
            "com.atproto.server.createSession",
            json!({"identifier": account["handle"], "password": account["appPassword"]}),
        )
        .await
        .unwrap();
        Other {
            pds: pds.to_string(),
            did: account["did"].as_str().unwrap().to_string(),
            handle: account["handle"].as_str().unwrap().to_string(),
            jwt: v["accessJwt"].as_str().unwrap().to_string(),
        }
    }

    async fn create(&self, collection: &str, record: Value) -> Value {
        self.create_at(collection, None, record).await
    }

    async fn create_at(&self, collection: &str, rkey: Option<&str>, record: Value) -> Value {
        let mut body = json!({"repo": self.did, "collection": collection, "record": record});
        if let Some(k) = rkey {
            body["rkey"] = json!(k);
        }
        xrpc_post(
            &self.pds,
            Some(&self.jwt),
            "com.atproto.repo.createRecord",
            body,
        )
        .await
        .unwrap()
    }

    async fn post(&self, text: &str, extra: Value) -> Value {
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": now(),
        });
        record
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        self.create("app.bsky.feed.post", record).await
    }

    async fn delete(&self, uri: &str) {
        let rkey = uri.rsplit('/').next().unwrap();
        xrpc_post(
            &self.pds,
            Some(&self.jwt),
            "com.atproto.repo.deleteRecord",
            json!({"repo": self.did, "collection": "app.bsky.feed.post", "rkey": rkey}),
        )
        .await
        .unwrap();
    }

    async fn get(&self, method: &str, query: &[(&str, &str)]) -> Value {
        let r = client()
            .get(format!("{}/xrpc/{method}", self.pds))
            .bearer_auth(&self.jwt)
            .query(query)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{method}: {}", r.status());
        r.json().await.unwrap()
    }
}

async fn xrpc_post(
    pds: &str,
    jwt: Option<&str>,
    method: &str,
    body: Value,
) -> Result<Value, (u16, String)> {
    let mut rb = client().post(format!("{pds}/xrpc/{method}")).json(&body);
    if let Some(j) = jwt {
        rb = rb.bearer_auth(j);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    if (200..300).contains(&status) {
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    } else {
        Err((status, text))
    }
}

struct Me {
    tokens: TokenSet,
    http: outpost_net::HttpClient,
    endpoints: Endpoints,
    app: outpost_platforms::AppCredentials,
}

impl Me {
    fn ctx(&self) -> outpost_platforms::Ctx<'_> {
        support::ctx(&self.http, &self.endpoints, &self.app)
    }
    async fn inbox(&self, since: Option<&InboxCursor>) -> Result<InboxPage, Error> {
        BlueskyPublisher
            .inbox(self.ctx(), &self.tokens, "notifications", since)
            .await
    }
    async fn reply(&self, r: &InboxReplyTo) -> Result<Published, Error> {
        BlueskyPublisher.reply(self.ctx(), &self.tokens, r).await
    }
    async fn try_metrics(
        &self,
        id: &str,
    ) -> Result<outpost_platforms::capability::PostMetrics, Error> {
        let p = Published {
            id: id.to_string(),
            url: None,
            thread: vec![],
        };
        BlueskyPublisher
            .post_metrics(self.ctx(), &self.tokens, &p)
            .await
    }
    async fn metrics(&self, id: &str) -> outpost_platforms::capability::PostMetrics {
        self.try_metrics(id).await.unwrap()
    }
}

fn answer(item_id: &str, key: &str, text: &str) -> InboxReplyTo {
    InboxReplyTo {
        item_id: item_id.to_string(),
        kind: InboxKind::Reply,
        conversation: item_id.to_string(),
        author_id: String::new(),
        text: text.to_string(),
        key: key.to_string(),
        private: false,
    }
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

#[tokio::test]
async fn inbox_reply_and_counters_against_the_appview() {
    let Some(net) = tokio::task::spawn_blocking(|| network(3)).await.unwrap() else {
        return;
    };
    let line = &net.info;
    let pds = line["pds"]
        .as_str()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let http = support::http();
    let account = Bluesky
        .sign_in(
            &http,
            &url::Url::parse(&pds).unwrap(),
            line["handle"].as_str().unwrap(),
            &Secret::new(line["appPassword"].as_str().unwrap().to_string()),
        )
        .await
        .unwrap();
    let me = Me {
        tokens: account.tokens,
        http,
        endpoints: Endpoints::default(),
        app: support::no_app(),
    };
    let my_did = line["did"].as_str().unwrap().to_string();
    let alice = Other::login(&pds, &line["accounts"][0]).await;
    let bob = Other::login(&pds, &line["accounts"][1]).await;
    let carol = Other::login(&pds, &line["accounts"][2]).await;

    // Bob has a profile picture.
    let blob = client()
        .post(format!("{pds}/xrpc/com.atproto.repo.uploadBlob"))
        .bearer_auth(&bob.jwt)
        .header("content-type", "image/png")
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    bob.create_at(
        "app.bsky.actor.profile",
        Some("self"),
        json!({"$type": "app.bsky.actor.profile", "displayName": "Bob", "avatar": blob["blob"]}),
    )
    .await;

    // Alice's post, published by Outpost; the AppView indexes it before anyone answers.
    let post = Post {
        key: format!("inbox-{}", std::process::id()),
        parts: vec![PostPart {
            text: "What should I write about next?".into(),
            media: vec![],
        }],
        ..Post::default()
    };
    let mine = BlueskyPublisher
        .publish(me.ctx(), &me.tokens, &post, &|_, _| {})
        .await
        .unwrap();
    // Until the AppView has indexed it, the post is in the repository but not in `getPosts`: a
    // retryable error, never "deleted" and never zeros.
    let first = eventually("the AppView to index the post", || async {
        match me.try_metrics(&mine.id).await {
            Ok(m) => {
                assert!(!m.deleted, "{m:?}");
                Some(m)
            }
            Err(e) => {
                assert!(matches!(e, Error::Unavailable { .. }), "{e:?}");
                None
            }
        }
    })
    .await;
    assert_eq!(
        (first.likes, first.reposts, first.replies, first.quotes),
        (Some(0), Some(0), Some(0), Some(0))
    );
    assert!(first.views.is_none() && first.impressions.is_none());
    let account0 = BlueskyPublisher
        .account_metrics(me.ctx(), &me.tokens)
        .await
        .unwrap();
    assert_eq!(account0.followers, Some(0));
    assert!(account0.posts.unwrap() >= 1);

    // Nothing yet: no items, no cursor.
    let empty = me.inbox(None).await.unwrap();
    assert!(
        empty.items.is_empty() && empty.cursor.is_none(),
        "{empty:?}"
    );

    // A reply, a mention (a facet naming Alice) and a quote.
    let strong = json!({"uri": mine.id, "cid": me_cid(&bob, &mine.id).await});
    let reply = bob
        .post(
            "Write about gardens!",
            json!({"reply": {"root": strong, "parent": strong}}),
        )
        .await;
    let text = "Ask @alice.test about it";
    let mention = carol
        .post(
            text,
            json!({"facets": [{"index": {"byteStart": 4, "byteEnd": 15},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": my_did}]}]}),
        )
        .await;
    let quote = carol
        .post(
            "This one is good",
            json!({"embed": {"$type": "app.bsky.embed.record", "record": strong}}),
        )
        .await;
    let page = eventually("three notifications", || async {
        let p = me.inbox(None).await.unwrap();
        (p.items.len() >= 3).then_some(p)
    })
    .await;
    assert_eq!(page.items.len(), 3, "{page:#?}");
    let by_id = |uri: &Value| {
        page.items
            .iter()
            .find(|i| i.id == uri.as_str().unwrap())
            .unwrap_or_else(|| panic!("{uri} missing from {page:#?}"))
    };
    let r = by_id(&reply["uri"]);
    assert_eq!(r.kind, InboxKind::Reply);
    assert_eq!(r.in_reply_to.as_deref(), Some(mine.id.as_str()));
    assert_eq!(
        r.subject.as_deref(),
        Some("What should I write about next?")
    );
    assert_eq!(r.text, "Write about gardens!");
    assert_eq!(r.author.id, bob.did);
    assert_eq!(r.author.handle, bob.handle);
    assert_eq!(r.author.display_name.as_deref(), Some("Bob"));
    let avatar = r.avatar_url.as_deref().expect("Bob's avatar");
    assert!(
        avatar.contains(blob["blob"]["ref"]["$link"].as_str().unwrap()),
        "{avatar}"
    );
    let m = by_id(&mention["uri"]);
    assert_eq!(m.kind, InboxKind::Mention);
    assert_eq!(m.in_reply_to, None);
    assert_eq!(m.subject, None);
    let q = by_id(&quote["uri"]);
    assert_eq!(q.kind, InboxKind::Quote);
    assert_eq!(q.in_reply_to.as_deref(), Some(mine.id.as_str()));
    // Oldest first; the cursor is the newest indexedAt.
    assert!(
        page.items
            .windows(2)
            .all(|w| w[0].created_at <= w[1].created_at)
    );
    let cursor = page.cursor.clone().unwrap();

    // The second sync from the cursor: nothing new (at most the item at the cursor's own time,
    // which the caller skips as a duplicate), the cursor unchanged.
    let again = me.inbox(Some(&cursor)).await.unwrap();
    assert!(again.items.len() <= 1, "{again:#?}");
    assert!(
        again
            .items
            .iter()
            .all(|i| page.items.iter().any(|p| p.id == i.id))
    );
    assert_eq!(again.cursor.as_ref(), Some(&cursor));

    // A newer reply arrives: only it (and the cursor's duplicate) come next.
    let later = bob
        .post(
            "And birds",
            json!({"reply": {"root": strong, "parent": strong}}),
        )
        .await;
    let next = eventually("the newer reply", || async {
        let p = me.inbox(Some(&cursor)).await.unwrap();
        p.items
            .iter()
            .any(|i| i.id == later["uri"].as_str().unwrap())
            .then_some(p)
    })
    .await;
    let fresh: Vec<_> = next
        .items
        .iter()
        .filter(|i| !page.items.iter().any(|p| p.id == i.id))
        .collect();
    assert_eq!(fresh.len(), 1, "{next:#?}");
    assert!(next.cursor.as_ref().unwrap().0 > cursor.0);

    // Answer Bob exactly once: a second call with the same key finds the first answer, and a
    // retried create under the same record key is refused by the PDS (nothing duplicated).
    let a = answer(
        reply["uri"].as_str().unwrap(),
        "answer-1",
        "Gardens it is 🌱",
    );
    let sent = me.reply(&a).await.unwrap();
    assert!(
        sent.id
            .starts_with(&format!("at://{my_did}/app.bsky.feed.post/"))
    );
    assert!(sent.id.ends_with(&reply_record_key("answer-1")));
    let again = me.reply(&a).await.unwrap();
    assert_eq!(again.id, sent.id);
    let found = BlueskyPublisher
        .find_reply(me.ctx(), &me.tokens, &a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, sent.id);
    let not_sent = BlueskyPublisher
        .find_reply(me.ctx(), &me.tokens, &answer(&a.item_id, "answer-2", "x"))
        .await
        .unwrap();
    assert!(not_sent.is_none());
    let dup = xrpc_post(
        &pds,
        Some(me.tokens.access_token.expose()),
        "com.atproto.repo.createRecord",
        json!({"repo": my_did, "collection": "app.bsky.feed.post",
               "rkey": reply_record_key("answer-1"),
               "record": {"$type": "app.bsky.feed.post", "text": "dup", "createdAt": now()}}),
    )
    .await;
    assert!(dup.is_err(), "a second create under the same key: {dup:?}");
    // The answer sits in Bob's thread once, with the thread's root.
    let record = bob
        .get(
            "com.atproto.repo.getRecord",
            &[
                ("repo", &my_did),
                ("collection", "app.bsky.feed.post"),
                ("rkey", &reply_record_key("answer-1")),
            ],
        )
        .await;
    assert_eq!(record["value"]["text"], "Gardens it is 🌱");
    assert_eq!(record["value"]["reply"]["root"]["uri"], mine.id.as_str());
    assert_eq!(record["value"]["reply"]["parent"]["uri"], reply["uri"]);
    let thread = eventually("the answer in Bob's thread", || async {
        let t = bob
            .get(
                "app.bsky.feed.getPostThread",
                &[("uri", reply["uri"].as_str().unwrap()), ("depth", "2")],
            )
            .await;
        let mine = replies_by(&t, &my_did);
        (!mine.is_empty()).then_some(mine)
    })
    .await;
    assert_eq!(thread.len(), 1);

    // Too long (301 graphemes): refused before anything is sent.
    let long = answer(a.item_id.as_str(), "answer-long", &"é".repeat(301));
    let err = me.reply(&long).await.unwrap_err();
    assert!(err.to_string().contains("300"), "{err}");
    assert!(
        BlueskyPublisher
            .find_reply(me.ctx(), &me.tokens, &long)
            .await
            .unwrap()
            .is_none()
    );

    // The quote is deleted: answering it says so, and sends nothing.
    carol.delete(quote["uri"].as_str().unwrap()).await;
    let gone = answer(quote["uri"].as_str().unwrap(), "answer-gone", "thanks");
    eventually("the AppView to drop the quote", || async {
        let v = carol
            .get("app.bsky.feed.getPosts", &[("uris", gone.item_id.as_str())])
            .await;
        v["posts"].as_array().unwrap().is_empty().then_some(())
    })
    .await;
    let err = me.reply(&gone).await.unwrap_err();
    assert!(err.to_string().contains("deleted"), "{err}");

    // Mark read up to the newest item.
    let newest = next.cursor.clone().unwrap();
    BlueskyPublisher
        .mark_read(me.ctx(), &me.tokens, &newest)
        .await
        .unwrap();
    let unread = eventually("the unread count to drop", || async {
        let v = alice.get("app.bsky.notification.getUnreadCount", &[]).await;
        (v["count"] == 0).then_some(v)
    })
    .await;
    assert_eq!(unread["count"], 0);
    let bad = BlueskyPublisher
        .mark_read(me.ctx(), &me.tokens, &InboxCursor("yesterday".into()))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("cursor"), "{bad}");

    // Counters change between reads: a like, a repost, a follow; the quote is gone again.
    bob.create(
        "app.bsky.feed.like",
        json!({"$type": "app.bsky.feed.like", "subject": strong, "createdAt": now()}),
    )
    .await;
    bob.create(
        "app.bsky.feed.repost",
        json!({"$type": "app.bsky.feed.repost", "subject": strong, "createdAt": now()}),
    )
    .await;
    bob.create(
        "app.bsky.graph.follow",
        json!({"$type": "app.bsky.graph.follow", "subject": my_did, "createdAt": now()}),
    )
    .await;
    let second = eventually("the new counts", || async {
        let m = me.metrics(&mine.id).await;
        (m.likes == Some(1) && m.reposts == Some(1) && m.quotes == Some(0)).then_some(m)
    })
    .await;
    assert_eq!(second.replies, Some(2));
    let account1 = eventually("a follower", || async {
        let a = BlueskyPublisher
            .account_metrics(me.ctx(), &me.tokens)
            .await
            .unwrap();
        (a.followers == Some(1)).then_some(a)
    })
    .await;
    assert_eq!(account1.following, Some(0));

    // A post deleted on the platform: `deleted`, no counters.
    let doomed = Post {
        key: format!("doomed-{}", std::process::id()),
        ..post.clone()
    };
    let doomed = BlueskyPublisher
        .publish(me.ctx(), &me.tokens, &doomed, &|_, _| {})
        .await
        .unwrap();
    xrpc_post(
        &pds,
        Some(me.tokens.access_token.expose()),
        "com.atproto.repo.deleteRecord",
        json!({"repo": my_did, "collection": "app.bsky.feed.post",
               "rkey": doomed.id.rsplit('/').next().unwrap()}),
    )
    .await
    .unwrap();
    // The AppView drops the post once it has indexed the deletion from the firehose.
    let dead = eventually("the deleted post to leave the AppView", || async {
        let m = me.metrics(&doomed.id).await;
        m.deleted.then_some(m)
    })
    .await;
    assert!(dead.deleted && dead.likes.is_none(), "{dead:?}");
    drop(net);
}

async fn me_cid(other: &Other, uri: &str) -> String {
    let v = other.get("app.bsky.feed.getPosts", &[("uris", uri)]).await;
    v["posts"][0]["cid"].as_str().unwrap().to_string()
}

// ---- answers the real network cannot be made to give -----------------------------------------

async fn inbox_from(responses: Vec<String>) -> (Result<InboxPage, Error>, Vec<String>) {
    let c = bluesky_canned::canned(responses).await;
    let http = support::http();
    let endpoints = Endpoints::default();
    let app = support::no_app();
    let since = InboxCursor("2026-12-07T02:00:00.000Z".into());
    let r = BlueskyPublisher
        .inbox(
            support::ctx(&http, &endpoints, &app),
            &bluesky_canned::fake_tokens(&c.origin),
            "notifications",
            Some(&since),
        )
        .await;
    let seen = c.seen.lock().unwrap().clone();
    (r, seen)
}

#[tokio::test]
async fn a_truncated_or_malformed_page_is_an_error_not_a_partial_page() {
    use bluesky_canned::http_resp;
    let n = json!({"uri": "at://did:plc:bob/app.bsky.feed.post/3b", "cid": "bafy",
        "reason": "mention", "indexedAt": "2026-12-07T03:00:00.000Z",
        "author": {"did": "did:plc:bob", "handle": "bob.test"},
        "record": {"text": "hi", "createdAt": "2026-12-07T03:00:00.000Z"}});
    let full = json!({"notifications": [n]}).to_string();
    // Cut short: the body ends mid-way (Content-Length says more).
    let mut cut = http_resp("200 OK", &[], &full);
    cut.truncate(cut.len() - 20);
    let (r, seen) = inbox_from(vec![cut]).await;
    assert!(r.is_err(), "{r:?}");
    assert!(seen[0].contains("listNotifications"), "{seen:?}");
    assert!(seen[0].contains("reasons=reply"), "{seen:?}");
    // A notification without its record, or no `notifications` at all.
    let mut broken = n.clone();
    broken.as_object_mut().unwrap().remove("record");
    for body in [
        json!({"notifications": [broken]}).to_string(),
        "{}".to_string(),
    ] {
        let (r, _) = inbox_from(vec![http_resp("200 OK", &[], &body)]).await;
        assert!(
            matches!(r, Err(Error::InvalidResponse { .. })),
            "{body}: {r:?}"
        );
    }
    // The same page, whole: one mention, the cursor its indexedAt.
    let (r, _) = inbox_from(vec![http_resp("200 OK", &[], &full)]).await;
    let page = r.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.cursor.unwrap().0, "2026-12-07T03:00:00.000Z");
}

#[tokio::test]
async fn rate_limits_and_revoked_sessions_are_said_plainly() {
    use bluesky_canned::http_resp;
    let (r, _) = inbox_from(vec![http_resp(
        "429 Too Many Requests",
        &[("RateLimit-Reset", "4102444800")],
        r#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#,
    )])
    .await;
    match r {
        Err(Error::RateLimited { retry_at, .. }) => assert_eq!(retry_at, Some(4_102_444_800)),
        other => panic!("{other:?}"),
    }
    let (r, _) = inbox_from(vec![http_resp(
        "401 Unauthorized",
        &[],
        r#"{"error":"AuthenticationRequired","message":"Token has been revoked"}"#,
    )])
    .await;
    let err = r.unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
}
