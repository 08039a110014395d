//! The scheduler against the strict X emulator with an injected clock (no sleeping): due posts go
//! out once, future posts wait for their time, a 429 parks the channel, an ambiguous 5xx on a
//! platform without idempotency becomes `unconfirmed` (never a blind retry), a crash mid-publish is
//! reconciled, posts missed while Outpost was off are held, and bad input is refused at scheduling
//! time with nothing created.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;
use std::time::Duration;

use channels_support::*;
use outpost_app::channels::Surface;
use outpost_app::posts::{JobAction, NewPost, PostDetail};
use outpost_app::scheduler::{Clock, ManualClock, Scheduler, SchedulerConfig, SystemClock};
use outpost_app::{ErrorCode, Outpost};
use outpost_platforms::Platform;
use serde_json::json;

async fn connected_x() -> (Setup, String) {
    let s = setup(Platform::X).await;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
    let id = v[0].id.clone();
    (s, id)
}

fn post(channel: &str, text: &str, at: Option<String>) -> NewPost {
    NewPost {
        text: text.into(),
        channels: vec![channel.into()],
        at,
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    }
}

fn job_state(d: &PostDetail) -> String {
    d.targets[0].job.as_ref().unwrap().state.clone()
}

fn sched(o: &Outpost, clock: Arc<dyn Clock>) -> Scheduler {
    let mut cfg = SchedulerConfig::new(clock);
    cfg.retry_base_ms = 1_000;
    Scheduler::new(o.clone(), cfg)
}

async fn tweets(s: &Setup) -> usize {
    s.emu.requests("POST", "/2/tweets").await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_due_post_goes_out_exactly_once_and_its_history_is_kept() {
    let (s, ch) = connected_x().await;
    let d =
        s.o.create_post(post(&ch, "Hello from the scheduler", None))
            .await
            .unwrap();
    assert_eq!(d.post.status, "scheduled");
    let r = sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    assert_eq!(r.published, 1, "{r:?}");
    let d = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(d.post.status, "published");
    assert_eq!(job_state(&d), "published");
    assert_eq!(d.targets[0].attempts.len(), 1);
    assert_eq!(d.targets[0].attempts[0].outcome.as_deref(), Some("success"));
    assert_eq!(tweets(&s).await, 1);
    // Running again publishes nothing more.
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    assert_eq!(tweets(&s).await, 1, "never twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_future_post_waits_for_its_time_on_one_timer() {
    let (s, ch) = connected_x().await;
    let now = outpost_store::now_ms();
    let at = chrono::DateTime::from_timestamp_millis(now + 3_600_000)
        .unwrap()
        .to_rfc3339();
    let d =
        s.o.create_post(post(&ch, "In an hour", Some(at)))
            .await
            .unwrap();
    let clock = ManualClock::new(now);
    let sch = sched(&s.o, Arc::new(clock.clone()));
    let mut events = s.o.scheduler_events();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let run = tokio::spawn({
        let sch = sch.clone();
        async move { sch.run(stop_rx).await }
    });
    // Armed for the post's time, nothing sent before it.
    loop {
        if let outpost_app::scheduler::SchedulerEvent::Armed { next_at } =
            events.recv().await.unwrap()
        {
            assert_eq!(next_at, d.post.scheduled_at);
            break;
        }
    }
    clock.advance(Duration::from_secs(3_599));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(tweets(&s).await, 0);
    clock.advance(Duration::from_secs(1));
    let published = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let outpost_app::scheduler::SchedulerEvent::Job { state, .. } =
                events.recv().await.unwrap()
                && state == "published"
            {
                break;
            }
        }
    })
    .await;
    assert!(published.is_ok(), "published at its time");
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
    assert_eq!(tweets(&s).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_parks_the_channel_and_a_5xx_on_x_is_unconfirmed_not_retried() {
    let (s, ch) = connected_x().await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "status": 429, "times": 1}),
        )
        .await;
    let d =
        s.o.create_post(post(&ch, "Rate limited first", None))
            .await
            .unwrap();
    let r = sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    assert_eq!(r.still_scheduled, 1, "{r:?}");
    let got = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(job_state(&got), "scheduled");
    assert_eq!(
        got.targets[0].attempts[0].outcome.as_deref(),
        Some("rate_limited")
    );

    // An ambiguous server error: X has no idempotency key and no lookup → ask the user.
    let d2 = s.o.create_post(post(&ch, "Ambiguous", None)).await.unwrap();
    s.o.delete_post(&d.post.id).await.unwrap();
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "status": 503, "times": 1}),
        )
        .await;
    let before = tweets(&s).await;
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    let got = s.o.post_detail(&d2.post.id).await.unwrap();
    assert_eq!(job_state(&got), "unconfirmed", "{got:?}");
    assert_eq!(tweets(&s).await, before + 1, "no blind retry");
    // The user checks and asks for it again: it goes out.
    let job = got.targets[0].job.clone().unwrap().id;
    s.o.resolve_job(&job, JobAction::PublishNow).await.unwrap();
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    assert_eq!(
        job_state(&s.o.post_detail(&d2.post.id).await.unwrap()),
        "published"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_while_publishing_is_reconciled_never_blindly_resent() {
    let (s, ch) = connected_x().await;
    let d =
        s.o.create_post(post(&ch, "Interrupted", None))
            .await
            .unwrap();
    // Simulate the state a kill -9 leaves: the job claimed, an attempt open.
    let job = d.targets[0].job.clone().unwrap().id;
    sqlx::query("UPDATE publish_jobs SET state = 'publishing', attempt_count = 1 WHERE id = ?1")
        .bind(&job)
        .execute(s.o.store().pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO publish_attempts (id, job_id, attempt_no, started_at) VALUES ('a1', ?1, 1, 0)",
    )
    .bind(&job)
    .execute(s.o.store().pool())
    .await
    .unwrap();
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    let got = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(job_state(&got), "unconfirmed");
    assert_eq!(
        got.targets[0].attempts[0].outcome.as_deref(),
        Some("interrupted")
    );
    assert_eq!(tweets(&s).await, 0, "nothing re-sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_missed_while_off_follow_the_grace_policy() {
    let (s, ch) = connected_x().await;
    let now = outpost_store::now_ms();
    let a =
        s.o.create_post(post(&ch, "Ten minutes late", None))
            .await
            .unwrap();
    let b =
        s.o.create_post(post(&ch, "Two hours late", None))
            .await
            .unwrap();
    for (d, late) in [(&a, 10 * 60_000), (&b, 120 * 60_000)] {
        sqlx::query("UPDATE publish_jobs SET due_at = ?2 WHERE id = ?1")
            .bind(&d.targets[0].job.as_ref().unwrap().id)
            .bind(now - late)
            .execute(s.o.store().pool())
            .await
            .unwrap();
    }
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    assert_eq!(
        job_state(&s.o.post_detail(&a.post.id).await.unwrap()),
        "published"
    );
    let late = s.o.post_detail(&b.post.id).await.unwrap();
    assert_eq!(job_state(&late), "held");
    let reason = late.targets[0]
        .job
        .as_ref()
        .unwrap()
        .hold_reason
        .clone()
        .unwrap();
    assert!(
        reason.contains("Missed") && reason.contains("2 h"),
        "{reason}"
    );
    assert_eq!(tweets(&s).await, 1, "no stale burst");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_at_scheduling_time_and_nothing_is_created() {
    let (s, ch) = connected_x().await;
    let cases = [
        (
            post(&ch, "past", Some("2020-01-01T09:00:00Z".into())),
            "already passed",
        ),
        (
            post(&ch, "gap", Some("2030-03-31 02:30".into())),
            "does not exist",
        ),
        (
            post(&ch, "overlap", Some("2030-10-27 02:30".into())),
            "happens twice",
        ),
        (post(&ch, &"a".repeat(281), None), "280"),
        (post("nope", "unknown channel", None), "no channel"),
        (
            post(&ch, "nonsense time", Some("next tuesday-ish".into())),
            "not a time",
        ),
        (
            NewPost {
                media: vec![outpost_app::posts::NewMedia {
                    path: "/nonexistent/x.png".into(),
                    alt: None,
                }],
                ..post(&ch, "missing file", None)
            },
            "cannot be read",
        ),
    ];
    for (new, needle) in cases {
        let e = s.o.create_post(new).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
        assert!(e.to_string().contains(needle), "{needle}: {e}");
    }
    // A channel that needs reconnecting.
    s.emu.admin("revoke-all", json!({})).await;
    let _ = s.o.check_channel(&ch).await;
    let e =
        s.o.create_post(post(&ch, "held channel", None))
            .await
            .unwrap_err();
    assert!(e.to_string().contains("reconnected"), "{e}");
    assert!(
        s.o.list_posts(100, 0).await.unwrap().is_empty(),
        "nothing half-created"
    );
}
