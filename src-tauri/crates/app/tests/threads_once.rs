//! Threads and first comments exactly once (issue #16), against the strict emulators: a 429, a
//! refusal, a revoked grant or a spoilt answer after part 1 resumes at the first unpublished part
//! and never sends a live part again (each reply goes to the last live part); a failed first
//! comment leaves the post published with the comment to retry or dismiss, and tells the
//! front-ends; Mastodon's look-up is never fooled by a recurring post with the same text; a
//! rate-limit pause survives a restart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;
use std::time::Duration;

use channels_support::*;
use outpost_app::Outpost;
use outpost_app::posts::{JobAction, NewPost, PostDetail, TargetVariant};
use outpost_app::scheduler::{Clock, ManualClock, Scheduler, SchedulerConfig, SchedulerEvent};
use outpost_platforms::Platform;
use serde_json::{Value, json};

fn sched(o: &Outpost, clock: Arc<dyn Clock>) -> Scheduler {
    let mut cfg = SchedulerConfig::new(clock);
    cfg.retry_base_ms = 1_000;
    cfg.automation = false;
    Scheduler::new(o.clone(), cfg)
}

/// A connected channel with a thread of `parts` due now, and the emulator told to fail by `rule`.
async fn thread_failing(platform: Platform, parts: &[&str], rule: Value) -> (Setup, PostDetail) {
    let (s, ch) = connected(platform).await;
    let d =
        s.o.create_post(thread(&ch, parts[0], &parts[1..]))
            .await
            .unwrap();
    s.emu.admin("fail", rule).await;
    (s, d)
}

/// `outpost run --once` now.
async fn run_now(s: &Setup) {
    sched(&s.o, Arc::new(outpost_app::scheduler::SystemClock))
        .run_once()
        .await
        .unwrap();
}

fn thread(channel: &str, first: &str, rest: &[&str]) -> NewPost {
    NewPost {
        text: first.into(),
        channels: vec![channel.into()],
        variants: vec![TargetVariant {
            channel_id: channel.into(),
            thread_parts: rest.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn with_comment(channel: &str, text: &str, comment: &str) -> NewPost {
    NewPost {
        text: text.into(),
        channels: vec![channel.into()],
        variants: vec![TargetVariant {
            channel_id: channel.into(),
            first_comment: Some(comment.into()),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn job(d: &PostDetail) -> (String, String) {
    let j = d.targets[0].job.as_ref().unwrap();
    (j.id.clone(), j.state.clone())
}

async fn detail(s: &Setup, d: &PostDetail) -> PostDetail {
    s.o.post_detail(&d.post.id).await.unwrap()
}

/// The user signs in again (the channel's posts held for it are released or published again).
async fn reconnect(s: &Setup) {
    let (_, visit, waited) = s.sign_in(outpost_app::channels::Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
}

/// The texts on the platform with how many copies each, and (X, Mastodon) each part's parent.
async fn on_platform(s: &Setup, admin: &str) -> Vec<Value> {
    s.emu.admin_get(admin).await.as_array().unwrap().clone()
}

fn copies(posts: &[Value], text: &str) -> usize {
    posts.iter().filter(|p| p["text"] == text).count()
}

fn id_of(posts: &[Value], text: &str) -> String {
    posts.iter().find(|p| p["text"] == text).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Every part on X exactly once, each replying to the one before.
async fn x_thread_is_whole(s: &Setup, parts: &[&str]) {
    let posts = on_platform(s, "posts").await;
    for (i, t) in parts.iter().enumerate() {
        assert_eq!(copies(&posts, t), 1, "{t}: {posts:?}");
        let p = posts.iter().find(|p| p["text"] == *t).unwrap();
        if i == 0 {
            assert!(p["in_reply_to_tweet_id"].is_null());
        } else {
            assert_eq!(
                p["in_reply_to_tweet_id"].as_str().unwrap(),
                id_of(&posts, parts[i - 1])
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_a_429_after_part_1_resumes_at_part_2_and_the_pause_survives_a_restart() {
    let parts = ["X thread one", "X thread two", "X thread three"];
    // Part 2 gets a 429 (X: code 88, x-rate-limit-reset 15 minutes ahead).
    let (s, d) = thread_failing(
        Platform::X,
        &parts,
        json!({"path": "/2/tweets", "status": 429, "skip": 1, "times": 1}),
    )
    .await;
    let clock = ManualClock::new(outpost_store::now_ms());
    sched(&s.o, Arc::new(clock.clone()))
        .run_once()
        .await
        .unwrap();
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "scheduled", "{got:?}");
    let live: Vec<_> = got.targets[0]
        .parts
        .iter()
        .map(|p| (p.index, p.state.as_str()))
        .collect();
    assert_eq!(live[0], (0, "published"), "{live:?}");
    assert!(
        got.targets[0]
            .job
            .as_ref()
            .unwrap()
            .last_error
            .as_deref()
            .unwrap()
            .contains("1 of 3 parts are live")
    );
    let sent = s.emu.requests("POST", "/2/tweets").await.len();
    assert_eq!(sent, 2);
    // A restart (a new scheduler, `outpost run --once` again) 10 s later does not retry early.
    clock.advance(Duration::from_secs(10));
    let r = sched(&s.o, Arc::new(clock.clone()))
        .run_once()
        .await
        .unwrap();
    assert_eq!(r.still_scheduled, 1, "{r:?}");
    assert_eq!(
        s.emu.requests("POST", "/2/tweets").await.len(),
        sent,
        "no retry before the reset"
    );
    // After the reset: parts 2 and 3 only, replying to part 1.
    clock.advance(Duration::from_secs(900));
    sched(&s.o, Arc::new(clock.clone()))
        .run_once()
        .await
        .unwrap();
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "published", "{got:?}");
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), sent + 2);
    x_thread_is_whole(&s, &parts).await;
    assert_eq!(got.targets[0].parts.len(), 3);
    assert!(
        got.targets[0]
            .parts
            .iter()
            .all(|p| p.state == "published" && p.platform_id.is_some())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_a_refusal_after_part_1_fails_clearly_and_publish_again_sends_only_the_rest() {
    let parts = [
        "Refused thread one",
        "Refused thread two",
        "Refused thread three",
    ];
    let (s, d) = thread_failing(
        Platform::X,
        &parts,
        json!({"path": "/2/tweets", "status": 403, "skip": 1, "times": 1}),
    )
    .await;
    run_now(&s).await;
    let got = detail(&s, &d).await;
    let (jid, state) = job(&got);
    assert_eq!(state, "failed", "{got:?}");
    let why = got.targets[0]
        .job
        .as_ref()
        .unwrap()
        .last_error
        .clone()
        .unwrap();
    assert!(
        why.contains("1 of 3 parts are live and will not be sent again"),
        "{why}"
    );
    // The user asks for it again: parts 2 and 3 go out (X would refuse part 1 as a duplicate).
    s.o.resolve_job(&jid, JobAction::PublishNow).await.unwrap();
    run_now(&s).await;
    assert_eq!(job(&detail(&s, &d).await).1, "published");
    x_thread_is_whole(&s, &parts).await;
    assert_eq!(
        s.emu.requests("POST", "/2/tweets").await.len(),
        4,
        "1 + refused + 2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_a_revoked_grant_mid_thread_holds_the_rest_until_reconnected() {
    let parts = ["Revoked one", "Revoked two", "Revoked three"];
    // The user removes the app from their account while part 2 is on its way.
    let (s, d) = thread_failing(
        Platform::X,
        &parts,
        json!({"path": "/2/tweets", "mode": "revoke", "skip": 1}),
    )
    .await;
    run_now(&s).await;
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "held", "{got:?}");
    let posts = on_platform(&s, "posts").await;
    assert_eq!((copies(&posts, parts[0]), copies(&posts, parts[1])), (1, 0));
    // Signing in again releases the post: the rest goes out, nothing twice.
    reconnect(&s).await;
    let (jid, state) = job(&detail(&s, &d).await);
    if state == "held" {
        s.o.resolve_job(&jid, JobAction::PublishNow).await.unwrap();
    }
    run_now(&s).await;
    assert_eq!(job(&detail(&s, &d).await).1, "published");
    x_thread_is_whole(&s, &parts).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_a_spoilt_answer_after_part_2_resumes_with_its_key_never_twice() {
    let parts = ["Toot one", "Toot two", "Toot three"];
    // Part 2 is created, its answer is a truncated 200; then part 3's answer is an HTML 502 page
    // (nothing created).
    let (s, d) = thread_failing(
        Platform::Mastodon,
        &parts,
        json!({"path": "/api/v1/statuses", "mode": "replace", "status": 200,
                   "body": "{\"id\": \"1", "content_type": "application/json", "skip": 1}),
    )
    .await;
    let clock = ManualClock::new(outpost_store::now_ms());
    sched(&s.o, Arc::new(clock.clone()))
        .run_once()
        .await
        .unwrap();
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "scheduled", "a keyed repeat: {got:?}");
    s.emu
        .admin(
            "fail",
            json!({"path": "/api/v1/statuses", "status": 502, "skip": 1,
                   "body": "<html><body><h1>502 Bad Gateway</h1></body></html>"}),
        )
        .await;
    for _ in 0..4 {
        clock.advance(Duration::from_secs(120));
        sched(&s.o, Arc::new(clock.clone()))
            .run_once()
            .await
            .unwrap();
        if job(&detail(&s, &d).await).1 == "published" {
            break;
        }
    }
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "published", "{got:?}");
    let posts = on_platform(&s, "posts").await;
    for (i, t) in parts.iter().enumerate() {
        assert_eq!(copies(&posts, t), 1, "{t}: {posts:?}");
        let p = posts.iter().find(|p| p["text"] == *t).unwrap();
        if i > 0 {
            assert_eq!(
                p["in_reply_to_id"].as_str().unwrap(),
                id_of(&posts, parts[i - 1])
            );
        }
    }
    // Part 1 was never sent again: one request for it.
    let firsts = s
        .emu
        .requests("POST", "/api/v1/statuses")
        .await
        .into_iter()
        .filter(|e| e["json"]["status"] == parts[0])
        .count();
    assert_eq!(firsts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_an_expired_token_after_part_1_holds_then_resumes_at_part_2() {
    let parts = ["Threads one", "Threads two", "Threads three"];
    // The access token expires just as part 2 is published: Threads refuses it (code 190, and
    // an expired long-lived token cannot be refreshed): the rest is held, part 1 stays live.
    let (s, d) = thread_failing(
        Platform::Threads,
        &parts,
        json!({"path": "/v1.0/*/threads_publish", "mode": "expire", "skip": 1, "times": 1}),
    )
    .await;
    run_now(&s).await;
    let got = detail(&s, &d).await;
    let (jid, state) = job(&got);
    assert_eq!(state, "held", "{got:?}");
    let why = got.targets[0]
        .job
        .as_ref()
        .unwrap()
        .hold_reason
        .clone()
        .unwrap();
    assert!(why.starts_with("1 of 3 parts are live"), "{why}");
    assert_eq!(on_platform(&s, "posts").await.len(), 1);
    // The user signs in again: parts 2 and 3 follow, replying to part 1.
    reconnect(&s).await;
    if job(&detail(&s, &d).await).1 == "held" {
        s.o.resolve_job(&jid, JobAction::PublishNow).await.unwrap();
    }
    run_now(&s).await;
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "published", "{got:?}");
    let posts = on_platform(&s, "posts").await;
    for t in parts {
        assert_eq!(copies(&posts, t), 1, "{t}: {posts:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_a_failed_first_comment_shows_notifies_and_retries_once() {
    let (s, ch) = connected(Platform::Facebook).await;
    let d =
        s.o.create_post(with_comment(&ch, "Page post", "Link in the comments"))
            .await
            .unwrap();
    s.emu
        .admin(
            "fail",
            json!({"path": "/v23.0/*/comments", "status": 400, "content_type": "application/json",
                   "body": "{\"error\":{\"message\":\"(#100) Comments are turned off for this post\",\"type\":\"OAuthException\",\"code\":100,\"fbtrace_id\":\"A1\"}}"}),
        )
        .await;
    let mut events = s.o.scheduler_events();
    run_now(&s).await;
    let got = detail(&s, &d).await;
    let (jid, state) = job(&got);
    assert_eq!(state, "published", "{got:?}");
    assert_eq!(got.post.status, "published");
    let why = got.targets[0]
        .comment_problem
        .clone()
        .expect("comment problem shown");
    assert!(
        why.starts_with("The post is published, but its first comment was not"),
        "{why}"
    );
    let mut told = false;
    while let Ok(e) = events.try_recv() {
        if let SchedulerEvent::Job { state, .. } = e {
            told |= state == "comment_failed";
        }
    }
    assert!(told, "the front-ends (and notifications) hear of it");
    assert_eq!(on_platform(&s, "posts").await.len(), 1);
    // Retry: the comment only, once; the post is never sent again.
    let after =
        s.o.resolve_job(&jid, JobAction::RetryComment)
            .await
            .unwrap();
    assert_eq!(after.targets[0].comment_problem, None, "{after:?}");
    assert_eq!(on_platform(&s, "posts").await.len(), 1);
    let comments = on_platform(&s, "comments").await;
    assert_eq!(comments.len(), 1, "{comments:?}");
    // A second retry has nothing to do.
    assert!(
        s.o.resolve_job(&jid, JobAction::RetryComment)
            .await
            .is_err()
    );
    assert_eq!(on_platform(&s, "comments").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkedin_a_first_comment_lost_in_a_5xx_is_unknown_and_can_be_dismissed() {
    let (s, ch) = connected(Platform::Linkedin).await;
    let d =
        s.o.create_post(with_comment(&ch, "Member post", "More below"))
            .await
            .unwrap();
    s.emu
        .admin(
            "fail",
            json!({"path": "/rest/socialActions/*/comments", "status": 500}),
        )
        .await;
    run_now(&s).await;
    let got = detail(&s, &d).await;
    let (jid, state) = job(&got);
    assert_eq!(state, "published", "{got:?}");
    let why = got.targets[0].comment_problem.clone().unwrap();
    assert!(
        why.contains("cannot tell whether its first comment went out"),
        "{why}"
    );
    let after =
        s.o.resolve_job(&jid, JobAction::DismissComment)
            .await
            .unwrap();
    assert_eq!(after.targets[0].comment_problem, None);
    assert_eq!(after.targets[0].parts[1].state, "dismissed");
    assert_eq!(on_platform(&s, "posts").await.len(), 1);
    assert!(on_platform(&s, "comments").await.is_empty());
}

/// A recurring post's text is already on the account (last week's copy); this week's attempt
/// never reached Mastodon and its key has expired: the look-up must not take last week's status
/// for this one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_a_recurring_post_that_never_went_out_is_not_taken_as_published() {
    let (s, ch) = connected(Platform::Mastodon).await;
    let text = "Weekly tip: back up your data";
    s.emu
        .admin(
            "status",
            json!({"text": text, "ago_seconds": 7 * 24 * 3600}),
        )
        .await;
    let clock = ManualClock::new(outpost_store::now_ms() - 1_000);
    let d = s.o.create_post(thread(&ch, text, &[])).await.unwrap();
    // The connection drops before Mastodon handles the request: nothing is created, the
    // outcome is unknown to Outpost, a keyed repeat is scheduled.
    s.emu
        .admin("fail", json!({"path": "/api/v1/statuses", "mode": "drop"}))
        .await;
    let sch = sched(&s.o, Arc::new(clock.clone()));
    clock.advance(Duration::from_secs(2));
    sch.run_once().await.unwrap();
    assert_eq!(job(&detail(&s, &d).await).1, "scheduled");
    // The computer sleeps past the key's hour: the repeat is a look-up, and it finds nothing of
    // this attempt (last week's status has the same words).
    clock.advance(Duration::from_secs(3_660));
    s.emu
        .admin("clock", json!({"advance_seconds": 3_660}))
        .await;
    sch.run_once().await.unwrap();
    let got = detail(&s, &d).await;
    assert_eq!(job(&got).1, "unconfirmed", "{got:?}");
    assert_eq!(
        copies(&on_platform(&s, "posts").await, text),
        1,
        "only last week's"
    );
}
