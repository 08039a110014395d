//! YouTube's inbox and counters against the strict emulator (`tests/emulators/platforms/youtube_inbox.py`):
//! comment threads read newest-first down to the cursor (a backlog longer than a read continues from
//! the kept page token), replies beyond those a thread carries, the channel's own comments left out,
//! the video title as subject; a reply sent once and found again after an ambiguous failure; the daily
//! quota counted per channel and refused before sending; statistics, Analytics reports, a deleted
//! video, hidden counts, a missing Analytics scope.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use outpost_platforms::capability::{InboxCursor, InboxKind, InboxReplyTo};
use outpost_platforms::publish::{Published, Publisher};
use outpost_platforms::quota::QuotaLedger;
use outpost_platforms::youtube::publish::YoutubePublisher;
use outpost_platforms::youtube::quota::{DAILY_UNITS, quota_day};
use outpost_platforms::{Ctx, Endpoints, Error, Platform, TokenSet};
use serde_json::{Value, json};
use support::Emulator;

const FULL: [&str; 3] = [
    "https://www.googleapis.com/auth/youtube.force-ssl",
    "https://www.googleapis.com/auth/youtube.readonly",
    "https://www.googleapis.com/auth/yt-analytics.readonly",
];

#[derive(Debug, Default)]
struct Ledger(Mutex<HashMap<(String, String), u64>>);

#[async_trait]
impl QuotaLedger for Ledger {
    async fn used(&self, _p: Platform, account: &str, day: &str) -> u64 {
        *self
            .0
            .lock()
            .unwrap()
            .get(&(account.to_string(), day.to_string()))
            .unwrap_or(&0)
    }
    async fn spend(&self, _p: Platform, account: &str, day: &str, units: u64) {
        *self
            .0
            .lock()
            .unwrap()
            .entry((account.to_string(), day.to_string()))
            .or_default() += units;
    }
}

struct Yt {
    e: Emulator,
    tokens: TokenSet,
    http: outpost_net::HttpClient,
    ep: Endpoints,
    app: outpost_platforms::AppCredentials,
    ledger: Ledger,
    channel: String,
}

impl Yt {
    async fn start(scopes: &[&str]) -> Yt {
        let e = Emulator::start(Platform::Youtube);
        let t = e.admin("token", json!({ "scopes": scopes })).await;
        let channel = "UCoutpostTester0000000001".to_string();
        let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
        tokens.extra.insert("author".into(), channel.clone());
        Yt {
            ep: e.endpoints(),
            e,
            tokens,
            http: support::http(),
            app: support::no_app(),
            ledger: Ledger::default(),
            channel,
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            quota: Some(&self.ledger),
            ..support::ctx(&self.http, &self.ep, &self.app)
        }
    }

    async fn video(&self, title: &str) -> String {
        self.e.admin("yt-video", json!({ "title": title })).await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn comment(&self, body: Value) -> Value {
        self.e.admin("yt-comment", body).await
    }

    async fn used(&self) -> u64 {
        self.ledger
            .used(
                Platform::Youtube,
                &self.channel,
                &quota_day(chrono::Utc::now().timestamp()),
            )
            .await
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn comment_threads_are_read_down_to_the_cursor_grouped_by_video() {
    let y = Yt::start(&FULL).await;
    let v1 = y.video("Unboxing").await;
    let v2 = y.video("Review").await;
    let a = y
        .comment(json!({"video": v1, "text": "great video", "ago_seconds": 300, "name": "Ann", "handle": "ann"}))
        .await;
    for i in 0..7 {
        y.comment(json!({"parent": id(&a), "text": format!("reply {i}")}))
            .await;
    }
    y.comment(json!({"parent": id(&a), "text": "thanks!", "author": "owner"}))
        .await;
    let b = y
        .comment(json!({"video": v2, "text": "meh", "ago_seconds": 100}))
        .await;

    let page = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", None)
        .await
        .unwrap();
    // 2 top-level comments + 7 replies; the channel's own reply is left out.
    assert_eq!(page.items.len(), 9, "{page:#?}");
    let first = &page.items[0];
    assert_eq!(first.id, id(&a));
    assert_eq!(first.kind, InboxKind::Comment);
    assert_eq!(first.in_reply_to.as_deref(), Some(v1.as_str()));
    assert_eq!(first.subject.as_deref(), Some("Unboxing"));
    assert_eq!(first.author.handle, "@ann");
    assert_eq!(first.author.display_name.as_deref(), Some("Ann"));
    assert!(first.avatar_url.as_deref().unwrap().starts_with("https://"));
    assert_eq!(
        first.url.as_deref(),
        Some(format!("https://www.youtube.com/watch?v={v1}&lc={}", id(&a)).as_str())
    );
    let replies: Vec<_> = page
        .items
        .iter()
        .filter(|i| i.kind == InboxKind::Reply)
        .collect();
    assert_eq!(
        replies.len(),
        7,
        "the replies beyond the 5 a thread carries are read too"
    );
    assert!(
        replies
            .iter()
            .all(|r| r.in_reply_to.as_deref() == Some(v1.as_str()))
    );
    let last = page.items.iter().find(|i| i.id == id(&b)).unwrap();
    assert_eq!(last.kind, InboxKind::Comment);
    assert_eq!(last.subject.as_deref(), Some("Review"));
    // Units: 1 thread page, 1 replies page, 1 videos.list for the titles.
    assert_eq!(y.used().await, 3);
    let cursor = page.cursor.clone().unwrap();

    // Nothing new: one page read, no items, the cursor stays.
    let again = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", Some(&cursor))
        .await
        .unwrap();
    assert!(
        again.items.is_empty() && again.cursor.is_none(),
        "{again:?}"
    );

    // A new comment: only it.
    let c = y.comment(json!({"video": v2, "text": "new one"})).await;
    let third = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", Some(&cursor))
        .await
        .unwrap();
    assert_eq!(
        third.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        vec![id(&c)]
    );
    let reqs = y.e.requests("GET", "/youtube/v3/commentThreads").await;
    let q = &reqs.last().unwrap()["query"];
    assert_eq!(q["part"], "snippet,replies");
    assert_eq!(q["order"], "time");
    assert_eq!(q["maxResults"], "100");
    assert_eq!(q["allThreadsRelatedToChannelId"], y.channel.as_str());
}

#[tokio::test]
async fn a_backlog_longer_than_one_read_continues_from_the_kept_page() {
    let y = Yt::start(&FULL).await;
    let v = y.video("Busy").await;
    // 5 pages of 100 per read: 620 threads take two reads.
    let n = 620;
    for i in 0..n {
        y.comment(json!({"video": v, "text": format!("c{i}"), "ago_seconds": n - i}))
            .await;
    }
    let p1 = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", None)
        .await
        .unwrap();
    assert_eq!(p1.items.len(), 500);
    let c1 = p1.cursor.unwrap();
    assert!(c1.0.contains("\"next\""), "{c1:?}");
    // Meanwhile one more arrives: it is newer than the kept mark and read after the backlog.
    let late = y.comment(json!({"video": v, "text": "late"})).await;
    // And the kept page token has expired: the read starts again from the newest thread.
    y.e.admin(
        "fail",
        json!({"path": "/youtube/v3/commentThreads", "status": 400, "content_type": "application/json",
               "body": "{\"error\": {\"code\": 400, \"message\": \"The request specifies an invalid page token.\", \"errors\": [{\"reason\": \"invalidPageToken\", \"domain\": \"youtube.parameter\"}]}}"}),
    )
    .await;
    // The backlog is read to its end (the restart costs one more read), nothing skipped.
    let mut seen: Vec<String> = p1.items.iter().map(|i| i.text.clone()).collect();
    let mut cursor = c1;
    for _ in 0..3 {
        let p = YoutubePublisher
            .inbox(y.ctx(), &y.tokens, "comments", Some(&cursor))
            .await
            .unwrap();
        seen.extend(p.items.iter().map(|i| i.text.clone()));
        cursor = p.cursor.unwrap();
        if !cursor.0.contains("\"next\"") {
            break;
        }
    }
    assert!(!cursor.0.contains("\"next\""), "{cursor:?}");
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        n as usize + 1,
        "every thread of the backlog and the late one were read"
    );
    // From now on a read stops at the newest thread stored before the backlog was done; the late
    // one is above it and read once more (the store skips it), then nothing.
    let p = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", Some(&cursor))
        .await
        .unwrap();
    assert_eq!(
        p.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>(),
        vec![id(&late)]
    );
    let p = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", Some(&p.cursor.unwrap()))
        .await
        .unwrap();
    assert!(p.items.is_empty() && p.cursor.is_none(), "{p:?}");
}

#[tokio::test]
async fn a_malformed_page_is_an_error_and_a_bad_cursor_is_refused() {
    let y = Yt::start(&FULL).await;
    let v = y.video("V").await;
    y.comment(json!({"video": v, "text": "hi"})).await;
    y.e.admin(
        "fail",
        json!({"path": "/youtube/v3/commentThreads", "mode": "replace", "status": 200,
               "body": "{\"items\": [{\"id\": \"x\", \"snippet\": {}}]}", "content_type": "application/json"}),
    )
    .await;
    let err = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    let err = YoutubePublisher
        .inbox(
            y.ctx(),
            &y.tokens,
            "comments",
            Some(&InboxCursor("12345".into())),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}

fn answer(item: &str, text: &str) -> InboxReplyTo {
    InboxReplyTo {
        item_id: item.to_string(),
        kind: InboxKind::Reply,
        conversation: "vid".into(),
        author_id: "UCviewer".into(),
        text: text.to_string(),
        key: "k1".into(),
        private: false,
    }
}

#[tokio::test]
async fn a_reply_goes_to_the_thread_once_and_is_found_after_a_lost_answer() {
    let y = Yt::start(&FULL).await;
    let v = y.video("V").await;
    let top = y.comment(json!({"video": v, "text": "question?"})).await;
    let reply = y
        .comment(json!({"parent": id(&top), "text": "me too"}))
        .await;

    // Answering a reply goes to its thread (YouTube threads are one level deep).
    let done = YoutubePublisher
        .reply(y.ctx(), &y.tokens, &answer(&id(&reply), "Answer one"))
        .await
        .unwrap();
    assert!(done.id.starts_with(&format!("{}.", id(&top))), "{done:?}");
    assert_eq!(y.used().await, 50);
    let sent = y.e.requests("POST", "/youtube/v3/comments").await;
    let body = &sent[0]["json"];
    assert_eq!(body["snippet"]["parentId"], id(&top).as_str());
    assert_eq!(body["snippet"]["textOriginal"], "Answer one");

    // The answer is lost after YouTube stored the comment: the look-up finds it.
    y.e.admin(
        "fail",
        json!({"path": "/youtube/v3/comments", "mode": "replace", "status": 502, "body": "<html>bad gateway</html>"}),
    )
    .await;
    let err = YoutubePublisher
        .reply(y.ctx(), &y.tokens, &answer(&id(&top), "Answer two"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unavailable { .. }), "{err:?}");
    let found = YoutubePublisher
        .find_reply(y.ctx(), &y.tokens, &answer(&id(&top), "Answer two"))
        .await
        .unwrap()
        .expect("the stored reply is found");
    let all = y.e.admin_get("yt-comments").await;
    let stored: Vec<&Value> = all[0]["replies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["text"] == "Answer two")
        .collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(found.id, stored[0]["id"].as_str().unwrap());
    // Someone else's identical words are not the channel's reply.
    y.comment(json!({"parent": id(&top), "text": "Answer three"}))
        .await;
    assert!(
        YoutubePublisher
            .find_reply(y.ctx(), &y.tokens, &answer(&id(&top), "Answer three"))
            .await
            .unwrap()
            .is_none()
    );

    // A deleted comment: a clear refusal.
    y.e.admin("yt-delete-comment", json!({"id": id(&top)}))
        .await;
    let err = YoutubePublisher
        .reply(y.ctx(), &y.tokens, &answer(&id(&top), "late"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("deleted"), "{err}");
    // Too long: refused before sending.
    let long = "x".repeat(10_001);
    let before = y.e.requests("POST", "/youtube/v3/comments").await.len();
    let err = YoutubePublisher
        .reply(y.ctx(), &y.tokens, &answer("Ugz1", &long))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("10000"), "{err}");
    assert_eq!(
        y.e.requests("POST", "/youtube/v3/comments").await.len(),
        before
    );
}

#[tokio::test]
async fn the_daily_quota_is_refused_before_sending_and_googles_quota_error_waits_for_midnight() {
    let y = Yt::start(&FULL).await;
    let v = y.video("V").await;
    let top = y.comment(json!({"video": v, "text": "hi"})).await;
    let day = quota_day(chrono::Utc::now().timestamp());
    y.ledger
        .spend(Platform::Youtube, &y.channel, &day, DAILY_UNITS - 49)
        .await;
    let err = YoutubePublisher
        .reply(y.ctx(), &y.tokens, &answer(&id(&top), "hello"))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("quota would be exceeded"), "{msg}");
    assert!(msg.contains("9951 of 10000"), "{msg}");
    assert!(
        y.e.requests("POST", "/youtube/v3/comments")
            .await
            .is_empty()
    );
    // Reading (1 unit) still fits.
    YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", None)
        .await
        .unwrap();

    // The project's quota is spent elsewhere: YouTube's 403 quotaExceeded.
    let y2 = Yt::start(&FULL).await;
    y2.e.admin("youtube-quota", json!({"daily": 0})).await;
    let err = YoutubePublisher
        .inbox(y2.ctx(), &y2.tokens, "comments", None)
        .await
        .unwrap_err();
    let now = chrono::Utc::now().timestamp();
    match err {
        Error::RateLimited {
            retry_at: Some(at), ..
        } => {
            assert!(at > now && at <= now + 86_400 + 3_600, "{at}");
            assert_eq!(
                outpost_platforms::youtube::publish::next_pacific_midnight(now),
                at
            );
        }
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn counters_from_statistics_and_analytics_a_deleted_video_and_hidden_counts() {
    let y = Yt::start(&FULL).await;
    let v = y.video("V").await;
    y.e.admin(
        "yt-video-stats",
        json!({"id": v, "views": 120, "likes": 9, "comments": 4}),
    )
    .await;
    let post = Published {
        id: v.clone(),
        url: None,
        thread: vec![v.clone()],
    };
    let m = YoutubePublisher
        .post_metrics(y.ctx(), &y.tokens, &post)
        .await
        .unwrap();
    assert_eq!((m.views, m.likes, m.replies), (Some(120), Some(9), Some(4)));
    assert_eq!(
        (m.watch_minutes, m.avg_view_seconds, m.reposts),
        (None, None, None),
        "no analytics yet"
    );
    y.e.admin(
        "yt-analytics",
        json!({"video": v, "estimatedMinutesWatched": 300, "averageViewDuration": 42, "views": 100, "likes": 8, "shares": 5}),
    )
    .await;
    y.e.admin(
        "yt-video-stats",
        json!({"id": v, "views": 150, "likes_hidden": true}),
    )
    .await;
    let m = YoutubePublisher
        .post_metrics(y.ctx(), &y.tokens, &post)
        .await
        .unwrap();
    assert_eq!((m.views, m.likes), (Some(150), None));
    assert_eq!(
        (m.watch_minutes, m.avg_view_seconds, m.reposts),
        (Some(300), Some(42), Some(5))
    );
    let r = &y.e.requests("GET", "/v2/reports").await[0]["query"];
    assert_eq!(r["ids"], "channel==MINE");
    assert_eq!(r["dimensions"], "video");
    assert_eq!(r["filters"], format!("video=={v}").as_str());
    assert_eq!(
        r["metrics"],
        "estimatedMinutesWatched,averageViewDuration,views,likes,shares"
    );

    y.e.admin(
        "yt-channel-stats",
        json!({"subscribers": 1234, "videos": 7}),
    )
    .await;
    let a = YoutubePublisher
        .account_metrics(y.ctx(), &y.tokens)
        .await
        .unwrap();
    assert_eq!((a.followers, a.posts), (Some(1234), Some(7)));
    y.e.admin("yt-channel-stats", json!({"hidden": true})).await;
    let a = YoutubePublisher
        .account_metrics(y.ctx(), &y.tokens)
        .await
        .unwrap();
    assert_eq!((a.followers, a.posts), (None, Some(7)));

    y.e.admin("yt-delete-video", json!({"id": v})).await;
    let m = YoutubePublisher
        .post_metrics(y.ctx(), &y.tokens, &post)
        .await
        .unwrap();
    assert!(m.deleted && m.views.is_none(), "{m:?}");

    // A truncated statistics answer is an error, not zeros.
    let v2 = y.video("W").await;
    y.e.admin(
        "fail",
        json!({"path": "/youtube/v3/videos", "mode": "replace", "status": 200,
               "body": "{\"items\": [{\"id\": \"", "content_type": "application/json"}),
    )
    .await;
    let err = YoutubePublisher
        .post_metrics(
            y.ctx(),
            &y.tokens,
            &Published {
                id: v2,
                url: None,
                thread: vec![],
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn without_the_analytics_scope_the_channel_must_reconnect() {
    // youtube.readonly is enough for Analytics reports too; force-ssl alone is not.
    let y = Yt::start(&FULL[..1]).await;
    let v = y.video("V").await;
    let err = YoutubePublisher
        .post_metrics(
            y.ctx(),
            &y.tokens,
            &Published {
                id: v,
                url: None,
                thread: vec![],
            },
        )
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
    assert!(err.to_string().contains("yt-analytics.readonly"), "{err}");
}

#[tokio::test]
async fn a_missing_comment_scope_or_a_revoked_grant_asks_to_reconnect() {
    let y = Yt::start(&["https://www.googleapis.com/auth/youtube.upload"]).await;
    let err = YoutubePublisher
        .inbox(y.ctx(), &y.tokens, "comments", None)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
    assert!(err.to_string().contains("youtube.force-ssl"), "{err}");
    let err = YoutubePublisher
        .reply(y.ctx(), &y.tokens, &answer("Ugz1", "hi"))
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");

    let full = Yt::start(&FULL).await;
    full.e.admin("revoke-all", json!({})).await;
    let err = YoutubePublisher
        .inbox(full.ctx(), &full.tokens, "comments", None)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
}
