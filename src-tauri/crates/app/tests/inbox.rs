//! The smart inbox through the application service, against the strict Mastodon emulator
//! (`tests/emulators/platforms/mastodon.py`): incremental sync with a stored cursor (twice gives no
//! duplicates; a malformed answer stores nothing and leaves the cursor), conversations, sentiment at
//! ingest and its correction, triage states, replies sent exactly once through ambiguous failures,
//! and the inbox in export and "delete all my data".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use channels_support::*;
use outpost_app::ErrorCode;
use outpost_app::data::NoRevoker;
use outpost_app::inbox::{InboxFilter, InboxKind, InboxMark, InboxState, SentimentLabel};
use outpost_platforms::Platform;
use serde_json::{Value, json};

async fn notify(s: &Setup, body: Value) -> Value {
    s.emu.admin("notify", body).await
}

fn filter() -> InboxFilter {
    InboxFilter::default()
}

#[tokio::test]
async fn sync_is_incremental_grouped_tagged_and_never_duplicates() {
    let (s, channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    notify(
        &s,
        json!({"content": "<p>@outpost I love this, thank you so much!</p>"}),
    )
    .await;
    let dm = notify(
        &s,
        json!({"content": "<p>This is terrible and broken, I hate it</p>", "visibility": "direct",
               "username": "bob", "acct": "bob@b.example"}),
    )
    .await;
    notify(
        &s,
        json!({"content": "<p>a reply</p>", "in_reply_to_id": "42"}),
    )
    .await;
    notify(
        &s,
        json!({"content": "<p>second reply</p>", "in_reply_to_id": "42"}),
    )
    .await;

    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(
        (r[0].outcome.as_str(), r[0].new_items),
        ("synced", 4),
        "{r:?}"
    );
    let all = o.inbox_list(&filter()).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(
        all.iter()
            .all(|i| i.state == InboxState::Unread && !i.outbound)
    );
    assert!(
        all.iter()
            .all(|i| i.sentiment_source.as_deref() == Some("local"))
    );
    // Both replies to status 42 are one conversation.
    let replies: Vec<_> = all.iter().filter(|i| i.kind == InboxKind::Reply).collect();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].thread_id, replies[1].thread_id);
    let d = o.inbox_item(&replies[0].id).await.unwrap();
    assert_eq!(d.conversation.len(), 2);

    // The direct message is a dm, negative, with the words that made it so.
    let neg = o
        .inbox_list(&InboxFilter {
            sentiment: Some(SentimentLabel::Negative),
            ..filter()
        })
        .await
        .unwrap();
    assert_eq!(neg.len(), 1, "{neg:?}");
    assert_eq!(neg[0].kind, InboxKind::Dm);
    assert_eq!(neg[0].author_handle, "bob@b.example");
    assert!(neg[0].sentiment_score.unwrap() < 0.0);
    let detail = o.inbox_item(&neg[0].id).await.unwrap();
    assert!(
        detail
            .reasons
            .iter()
            .any(|r| r.word.contains("hate") || r.word.contains("terrible")),
        "{:?}",
        detail.reasons
    );
    assert!(
        detail.reasons.iter().all(|r| r.weight.abs() >= 0.5),
        "only words that weigh are shown: {:?}",
        detail.reasons
    );
    assert_eq!(detail.reply_prefix, "@bob@b.example ");
    assert!(detail.reply_unavailable.is_none());
    let pos = o
        .inbox_list(&InboxFilter {
            sentiment: Some(SentimentLabel::Positive),
            ..filter()
        })
        .await
        .unwrap();
    assert_eq!(pos.len(), 1, "{pos:?}");

    // Sync again: nothing new, asked from the cursor (the newest notification read).
    let again = o.inbox_sync(Some(&channel)).await.unwrap();
    assert_eq!(again[0].new_items, 0);
    assert_eq!(o.inbox_list(&filter()).await.unwrap().len(), 4);
    let reqs = s.emu.requests("GET", "/api/v1/notifications").await;
    assert!(reqs[0]["query"].get("min_id").is_none());
    let cursor = reqs.last().unwrap()["query"]["min_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(cursor.parse::<u64>().unwrap() > dm["id"].as_str().unwrap().parse::<u64>().unwrap());

    // One more arrives: only it is stored.
    notify(&s, json!({"content": "<p>later</p>"})).await;
    let third = o.inbox_sync(None).await.unwrap();
    assert_eq!(third[0].new_items, 1);
    assert_eq!(o.inbox_list(&filter()).await.unwrap().len(), 5);

    // Triage: correct a label, mark read and done, delete.
    o.inbox_set_sentiment(&neg[0].id, SentimentLabel::Neutral)
        .await
        .unwrap();
    let fixed = o.inbox_item(&neg[0].id).await.unwrap().item;
    assert_eq!(fixed.sentiment, Some(SentimentLabel::Neutral));
    assert_eq!(fixed.sentiment_source.as_deref(), Some("user"));
    assert_eq!(fixed.sentiment_score, None);
    assert_eq!(o.inbox_counts().await.unwrap().unread, 5);
    o.inbox_mark(&[neg[0].id.clone()], InboxMark::Read)
        .await
        .unwrap();
    o.inbox_mark(&[pos[0].id.clone()], InboxMark::Done)
        .await
        .unwrap();
    let counts = o.inbox_counts().await.unwrap();
    assert_eq!(counts.unread, 3);
    assert_eq!(counts.by_channel[0].channel_id, channel);
    let state = |st| InboxFilter {
        state: Some(st),
        ..filter()
    };
    assert_eq!(
        o.inbox_list(&state(InboxState::Done)).await.unwrap().len(),
        1
    );
    assert_eq!(
        o.inbox_list(&state(InboxState::Read)).await.unwrap().len(),
        1
    );
    assert_eq!(
        o.inbox_list(&state(InboxState::Unread))
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        o.inbox_list(&filter()).await.unwrap().len(),
        4,
        "done items are hidden"
    );
    o.inbox_mark(&[pos[0].id.clone()], InboxMark::Unread)
        .await
        .unwrap();
    assert_eq!(
        o.inbox_list(&state(InboxState::Unread))
            .await
            .unwrap()
            .len(),
        4
    );
    o.inbox_delete(&[pos[0].id.clone()]).await.unwrap();
    assert_eq!(o.inbox_list(&filter()).await.unwrap().len(), 4);
    let err = o.inbox_item(&pos[0].id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    // A deleted item does not come back: the cursor is past it.
    assert_eq!(o.inbox_sync(None).await.unwrap()[0].new_items, 0);
}

#[tokio::test]
async fn a_malformed_answer_stores_nothing_and_leaves_the_cursor() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    notify(&s, json!({"content": "<p>one</p>"})).await;
    notify(&s, json!({"content": "<p>two</p>"})).await;
    s.emu
        .admin(
            "garble",
            json!({"path": "/api/v1/notifications", "times": 1}),
        )
        .await;
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!(r[0].outcome, "failed", "{r:?}");
    assert!(
        r[0].message.as_deref().unwrap().contains("Mastodon"),
        "{r:?}"
    );
    assert!(o.inbox_list(&filter()).await.unwrap().is_empty());
    let r = o.inbox_sync(None).await.unwrap();
    assert_eq!((r[0].outcome.as_str(), r[0].new_items), ("synced", 2));
    let reqs = s.emu.requests("GET", "/api/v1/notifications").await;
    assert!(reqs[1]["query"].get("min_id").is_none(), "{:?}", reqs[1]);
}

async fn synced_dm(s: &Setup) -> (String, String) {
    let n = notify(
        s,
        json!({"content": "<p>can you help me?</p>", "visibility": "direct"}),
    )
    .await;
    s.o.inbox_sync(None).await.unwrap();
    let items = s.o.inbox_list(&filter()).await.unwrap();
    (
        items[0].id.clone(),
        n["status"]["id"].as_str().unwrap().to_string(),
    )
}

async fn own_statuses(s: &Setup) -> Vec<Value> {
    s.emu.admin_get("posts").await.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_reply_whose_answer_is_lost_is_found_by_look_up_not_sent_twice() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    let (item, status) = synced_dm(&s).await;
    // The server creates the status, but its answer is cut short.
    s.emu
        .admin("garble", json!({"path": "/api/v1/statuses", "times": 1}))
        .await;
    let r = s.o.inbox_reply(&item, "Sure, happy to help").await.unwrap();
    assert_eq!(r.state, "sent", "{r:?}");
    let posts = own_statuses(&s).await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0]["in_reply_to_id"], status.as_str());
    assert_eq!(
        posts[0]["visibility"], "direct",
        "a reply to a DM stays direct"
    );
    assert_eq!(
        posts[0]["text"],
        "@alice@elsewhere.example Sure, happy to help"
    );
    assert_eq!(r.platform_id.as_deref(), posts[0]["id"].as_str());
    assert_eq!(s.emu.requests("POST", "/api/v1/statuses").await.len(), 1);
    // The reply joins the conversation; the item is read.
    let d = s.o.inbox_item(&item).await.unwrap();
    assert_eq!(d.item.state, InboxState::Read);
    assert_eq!(d.conversation.len(), 2);
    assert!(d.conversation[1].outbound);
    assert_eq!(d.replies.len(), 1);
    // The own reply is not a triage item: it shows only inside its conversation.
    let done = InboxFilter {
        state: Some(InboxState::Done),
        ..InboxFilter::default()
    };
    assert!(s.o.inbox_list(&done).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_reply_refused_by_a_server_error_is_resent_with_the_same_key_only_after_look_up() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    let (item, _) = synced_dm(&s).await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v1/statuses", "status": 503, "times": 1}),
        )
        .await;
    let err = s.o.inbox_reply(&item, "On it").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PlatformUnavailable, "{err}");
    assert!(err.to_string().contains("may or may not"), "{err}");
    assert!(own_statuses(&s).await.is_empty());
    let d = s.o.inbox_item(&item).await.unwrap();
    assert_eq!(d.replies[0].state, "unconfirmed");
    let looked = s
        .emu
        .requests("GET", "/api/v1/accounts/verify_credentials")
        .await
        .len();
    // Again: looked up first (not there), then sent with the same idempotency key.
    let r = s.o.inbox_reply(&item, "On it").await.unwrap();
    assert_eq!(r.state, "sent");
    assert_eq!(r.id, d.replies[0].id, "the same durable record");
    assert!(
        s.emu
            .requests("GET", "/api/v1/accounts/verify_credentials")
            .await
            .len()
            > looked
    );
    assert_eq!(own_statuses(&s).await.len(), 1);
    let posts = s.emu.requests("POST", "/api/v1/statuses").await;
    assert_eq!(posts.len(), 2);
    let key = |p: &Value| p["headers"]["idempotency-key"].as_str().map(str::to_string);
    assert!(key(&posts[0]).is_some(), "{:?}", posts[0]);
    assert_eq!(key(&posts[0]), key(&posts[1]));
    // A third time is a new reply (the first was settled), on purpose.
    assert_eq!(s.o.inbox_item(&item).await.unwrap().replies.len(), 1);
}

#[tokio::test]
async fn a_too_long_reply_is_refused_before_anything_is_stored_or_sent() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    let (item, _) = synced_dm(&s).await;
    // 500 characters of text plus the mention is over Mastodon's 500.
    let err = s.o.inbox_reply(&item, &"a".repeat(490)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().contains("limit is 500"), "{err}");
    assert!(s.o.inbox_item(&item).await.unwrap().replies.is_empty());
    assert!(s.emu.requests("POST", "/api/v1/statuses").await.is_empty());
    let err = s.o.inbox_reply(&item, "   ").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn export_carries_the_inbox_and_delete_all_removes_it() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    let (item, _) = synced_dm(&s).await;
    s.o.inbox_reply(&item, "Thanks!").await.unwrap();
    s.o.inbox_set_sentiment(&item, SentimentLabel::Positive)
        .await
        .unwrap();
    let out = s.dir.path().join("export.zip");
    let summary = s.o.export_archive(&out, None).await.unwrap();
    for (t, n) in [
        ("inbox_threads", 1),
        ("inbox_messages", 2),
        ("inbox_replies", 1),
        ("inbox_cursors", 1),
        ("inbox_corrections", 1),
    ] {
        assert_eq!(
            summary.counts.get(t).copied(),
            Some(n),
            "{t}: {:?}",
            summary.counts
        );
    }
    s.o.delete_all_data(&NoRevoker).await.unwrap();
    assert!(s.o.inbox_list(&filter()).await.unwrap().is_empty());
    assert_eq!(s.o.inbox_counts().await.unwrap().unread, 0);
    // The search index went with the items.
    let any = InboxFilter {
        search: Some("help".into()),
        ..filter()
    };
    assert!(s.o.inbox_list(&any).await.unwrap().is_empty());
}

fn search(text: &str) -> InboxFilter {
    InboxFilter {
        search: Some(text.into()),
        ..filter()
    }
}

async fn ids_of(s: &Setup, f: &InboxFilter) -> Vec<String> {
    let mut v: Vec<String> =
        s.o.inbox_list(f)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.text)
            .collect();
    v.sort();
    v
}

#[tokio::test]
async fn search_bulk_triage_and_corrections_applied_to_the_same_text() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    for (user, text) in [
        ("alice", "<p>Great post!!</p>"),
        ("bob", "<p>great post</p>"),
        ("cy", "<p>@outpost Great post</p>"),
        ("dee", "<p>This roast tastes awful</p>"),
        ("eve", "<p>Where do you ship?</p>"),
        ("fay", "<p>Great post, but the price…</p>"),
    ] {
        notify(
            &s,
            json!({"content": text, "username": user, "acct": format!("{user}@x.example"),
                   "display_name": user.to_uppercase()}),
        )
        .await;
    }
    assert_eq!(o.inbox_sync(None).await.unwrap()[0].new_items, 6);

    // Full-text: words, a prefix as you type, the author, accents and case ignored.
    assert_eq!(
        ids_of(&s, &search("roast")).await,
        ["This roast tastes awful"]
    );
    assert_eq!(
        ids_of(&s, &search("ROÄST")).await,
        ["This roast tastes awful"]
    );
    assert_eq!(ids_of(&s, &search("gre")).await.len(), 4);
    assert_eq!(ids_of(&s, &search("great pri")).await.len(), 1);
    assert_eq!(ids_of(&s, &search("eve")).await, ["Where do you ship?"]);
    assert!(ids_of(&s, &search("nothing-like-this")).await.is_empty());
    // Search operators are text, never an error; nothing searchable matches nothing.
    assert!(ids_of(&s, &search("roast\" OR \"ship")).await.is_empty());
    assert!(ids_of(&s, &search("!!!")).await.is_empty());
    // Combined with the other filters.
    let neg_roast = InboxFilter {
        sentiment: Some(SentimentLabel::Negative),
        ..search("roast")
    };
    assert_eq!(ids_of(&s, &neg_roast).await.len(), 1);

    // A correction applies to the same normalised text (case, @mentions, punctuation, spacing
    // ignored), not to a different text that shares words.
    let all = o.inbox_list(&filter()).await.unwrap();
    let by = |t: &str| all.iter().find(|i| i.text == t).unwrap().id.clone();
    assert_eq!(
        o.inbox_item(&by("Great post!!"))
            .await
            .unwrap()
            .item
            .sentiment,
        Some(SentimentLabel::Positive)
    );
    let similar = o
        .inbox_set_sentiment(&by("Great post!!"), SentimentLabel::Negative)
        .await
        .unwrap();
    assert_eq!(similar, 2, "great post and @outpost Great post");
    for t in ["great post", "@outpost Great post"] {
        let it = o.inbox_item(&by(t)).await.unwrap().item;
        assert_eq!(it.sentiment, Some(SentimentLabel::Negative), "{t}");
        assert_eq!(it.sentiment_source.as_deref(), Some("user"));
    }
    let other = o
        .inbox_item(&by("Great post, but the price…"))
        .await
        .unwrap()
        .item;
    assert_eq!(other.sentiment_source.as_deref(), Some("local"));
    // It is kept: the same text arriving later takes it at ingest.
    notify(
        &s,
        json!({"content": "<p>GREAT POST.</p>", "username": "gus"}),
    )
    .await;
    assert_eq!(o.inbox_sync(None).await.unwrap()[0].new_items, 1);
    let later = o.inbox_list(&search("GREAT POST.")).await.unwrap();
    let later = later.iter().find(|i| i.text == "GREAT POST.").unwrap();
    assert_eq!(later.sentiment, Some(SentimentLabel::Negative));
    assert_eq!(later.sentiment_source.as_deref(), Some("user"));

    // Bulk triage: all or nothing.
    let two = vec![by("Where do you ship?"), by("This roast tastes awful")];
    o.inbox_mark(&two, InboxMark::Done).await.unwrap();
    let done = InboxFilter {
        state: Some(InboxState::Done),
        ..filter()
    };
    assert_eq!(o.inbox_list(&done).await.unwrap().len(), 2);
    let err = o
        .inbox_mark(&[two[0].clone(), "no-such-item".into()], InboxMark::Unread)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(
        o.inbox_list(&done).await.unwrap().len(),
        2,
        "an unknown id changes nothing"
    );
    let err = o
        .inbox_delete(&[two[0].clone(), "no-such-item".into()])
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(o.inbox_list(&done).await.unwrap().len(), 2);
    o.inbox_delete(&two).await.unwrap();
    assert!(o.inbox_list(&done).await.unwrap().is_empty());
    assert!(
        ids_of(&s, &search("roast")).await.is_empty(),
        "gone from the index"
    );
}

#[tokio::test]
async fn tiktok_says_plainly_its_api_offers_no_inbox() {
    let (s, channel) = connected(Platform::Tiktok).await;
    let gaps = s.o.inbox_gaps().await.unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].channel_id, channel);
    assert_eq!(gaps[0].outcome, "not_offered");
    let why = gaps[0].message.as_deref().unwrap();
    assert!(
        why.contains("TikTok's API") && why.contains("comments or messages"),
        "{why}"
    );
    // A sync says the same and fails nothing.
    let r = s.o.inbox_sync(None).await.unwrap();
    assert_eq!(r, gaps);
}

#[tokio::test]
async fn a_channel_whose_inbox_is_read_is_no_gap() {
    let (s, _channel) = connected(Platform::Mastodon).await;
    assert!(s.o.inbox_gaps().await.unwrap().is_empty());
}
