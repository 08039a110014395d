//! Bluesky's inbox and analytics through the application service against the real reference
//! network: PDS + AppView of `@atproto/dev-env` on a throw-away PostgreSQL
//! (`tests/pds/run.sh --appview`). A post published by Outpost gets a reply, a mention and a quote
//! from another account; two syncs store them once, grouped with the post; the answer goes out
//! once; counters change between two analytics syncs and both snapshots are kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "../../platforms/tests/support/bluesky_network.rs"]
mod bluesky_network;
mod channels_support;

use std::sync::Arc;
use std::time::Duration;

use channels_support::*;
use outpost_app::Outpost;
use outpost_app::inbox::{InboxFilter, InboxKind};
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
use outpost_platforms::{Endpoints, Secret};
use serde_json::{Value, json};

use bluesky_network::{eventually as until, network, now, replies_by};

async fn xrpc(pds: &str, method: &str, bearer: Option<&str>, body: Value) -> Value {
    let mut rb = http_client()
        .post(format!("{pds}/xrpc/{method}"))
        .json(&body);
    if let Some(b) = bearer {
        rb = rb.bearer_auth(b);
    }
    let r = rb.send().await.unwrap();
    assert!(r.status().is_success(), "{method}: {}", r.status());
    r.json().await.unwrap()
}

async fn get(pds: &str, method: &str, bearer: &str, query: &[(&str, &str)]) -> Value {
    let r = http_client()
        .get(format!("{pds}/xrpc/{method}"))
        .bearer_auth(bearer)
        .query(query)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{method}: {}", r.status());
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_inbox_reply_once_and_analytics_against_the_appview() {
    let Some(net) = tokio::task::spawn_blocking(|| network(2)).await.unwrap() else {
        return;
    };
    let info = net.info.clone();
    let pds = info["pds"].as_str().unwrap().to_string();
    let alice = &info["accounts"][0];
    let bob_acct = &info["accounts"][1];
    let dir = tempfile::tempdir().unwrap();
    let o = Outpost::open(options(
        dir.path(),
        Endpoints::default(),
        Arc::new(NoBrowser::default()),
    ))
    .await
    .unwrap();
    let views = o
        .connect_bluesky(
            Some(&pds),
            alice["handle"].as_str().unwrap(),
            &Secret::new(alice["appPassword"].as_str().unwrap()),
        )
        .await
        .unwrap();
    let channel = views[0].id.clone();
    let my_did = alice["did"].as_str().unwrap().to_string();

    // Alice publishes through Outpost.
    let d = o
        .create_post(NewPost {
            text: "Which topic next?".into(),
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
    let uri = job.platform_post_id.clone().unwrap();

    // Bob answers once the AppView shows the post: a reply, a mention, a quote.
    let bob = xrpc(
        &pds,
        "com.atproto.server.createSession",
        None,
        json!({"identifier": bob_acct["handle"], "password": bob_acct["appPassword"]}),
    )
    .await;
    let bob_jwt = bob["accessJwt"].as_str().unwrap().to_string();
    let bob_did = bob_acct["did"].as_str().unwrap().to_string();
    let cid = until("the AppView to index the post", || async {
        let v = get(&pds, "app.bsky.feed.getPosts", &bob_jwt, &[("uris", &uri)]).await;
        v["posts"][0]["cid"].as_str().map(str::to_string)
    })
    .await;
    let strong = json!({"uri": uri, "cid": cid});
    let post = |text: &str, extra: Value| {
        let mut record = json!({"$type": "app.bsky.feed.post", "text": text, "createdAt": now()});
        record
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({"repo": bob_did, "collection": "app.bsky.feed.post", "record": record})
    };
    let create = "com.atproto.repo.createRecord";
    let answers = [
        (
            "Gardens, I love them",
            json!({"reply": {"root": strong, "parent": strong}}),
        ),
        (
            "Hey @alice.test",
            json!({"facets": [{"index": {"byteStart": 4, "byteEnd": 15},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": my_did}]}]}),
        ),
        (
            "Worth reading",
            json!({"embed": {"$type": "app.bsky.embed.record", "record": strong}}),
        ),
    ];
    let mut created = Vec::new();
    for (text, extra) in answers {
        created.push(xrpc(&pds, create, Some(&bob_jwt), post(text, extra)).await);
    }
    let reply = &created[0];

    // Sync until the three arrived (the AppView indexes in the background); then once more.
    let mut stored = 0;
    let start = std::time::Instant::now();
    while stored < 3 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{stored} of 3 items"
        );
        let r = o.inbox_sync(Some(&channel)).await.unwrap();
        assert_eq!(r[0].outcome, "synced", "{r:?}");
        stored += r[0].new_items;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(stored, 3);
    let again = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(again[0].new_items, 0, "{again:?}");
    let items = o.inbox_list(&InboxFilter::default()).await.unwrap();
    assert_eq!(items.len(), 3, "{items:#?}");
    let kinds: Vec<InboxKind> = items.iter().map(|i| i.kind).collect();
    assert!(kinds.contains(&InboxKind::Reply) && kinds.contains(&InboxKind::Mention));
    // The reply and the quote belong to the published post, with its text as the subject.
    let on_post: Vec<_> = items
        .iter()
        .filter(|i| i.post_id.as_deref() == Some(d.post.id.as_str()))
        .collect();
    assert_eq!(on_post.len(), 2, "{items:#?}");
    assert_eq!(on_post[0].thread_id, on_post[1].thread_id);
    let item = items
        .iter()
        .find(|i| i.text == "Gardens, I love them")
        .unwrap();
    assert_eq!(item.author_handle, bob_acct["handle"].as_str().unwrap());

    // The answer goes out once, into Bob's thread.
    let sent = o.inbox_reply(&item.id, "Gardens it is").await.unwrap();
    assert_eq!(sent.state, "sent", "{sent:?}");
    let answer = sent.platform_id.clone().unwrap();
    assert!(answer.starts_with(&format!("at://{my_did}/app.bsky.feed.post/")));
    let d2 = o.inbox_item(&item.id).await.unwrap();
    assert_eq!(d2.replies.len(), 1);
    let mine = until("the answer in Bob's thread", || async {
        let t = get(
            &pds,
            "app.bsky.feed.getPostThread",
            &bob_jwt,
            &[("uri", reply["uri"].as_str().unwrap())],
        )
        .await;
        let mine = replies_by(&t, &my_did);
        (!mine.is_empty()).then_some(mine)
    })
    .await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["post"]["uri"], answer.as_str());
    // Too long: refused before anything is stored or sent.
    let err = o.inbox_reply(&item.id, &"a".repeat(301)).await.unwrap_err();
    assert!(err.to_string().contains("300"), "{err}");

    // Analytics: a first sync, a like, a second sync; both snapshots kept.
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    xrpc(
        &pds,
        create,
        Some(&bob_jwt),
        json!({"repo": bob_did, "collection": "app.bsky.feed.like",
               "record": {"$type": "app.bsky.feed.like", "subject": strong, "createdAt": now()}}),
    )
    .await;
    until("the like counted", || async {
        let v = get(&pds, "app.bsky.feed.getPosts", &bob_jwt, &[("uris", &uri)]).await;
        (v["posts"][0]["likeCount"] == 1).then_some(())
    })
    .await;
    // "Sync now" reads every post again: a second snapshot beside the first.
    let r = o.analytics_sync(Some(&channel)).await.unwrap();
    assert_eq!(r[0].outcome, "synced", "{r:?}");
    let h = o.analytics_history(&d.post.id).await.unwrap();
    let likes: Vec<f64> = h
        .iter()
        .filter(|p| p.metric == "likes")
        .map(|p| p.value)
        .collect();
    assert_eq!(likes.len(), 2, "{h:?}");
    assert_eq!(likes.first(), Some(&0.0));
    assert_eq!(likes.last(), Some(&1.0));
    let replies: Vec<f64> = h
        .iter()
        .filter(|p| p.metric == "replies")
        .map(|p| p.value)
        .collect();
    assert_eq!(replies.first(), Some(&1.0), "{h:?}");
    assert!(h.iter().all(|p| p.metric != "views"), "{h:?}");
    drop(net);
}
