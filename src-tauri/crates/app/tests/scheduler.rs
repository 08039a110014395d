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
    // The 429's pause (X's reset, 15 minutes) is kept across restarts: a new scheduler waits.
    let clock = Arc::new(ManualClock::new(outpost_store::now_ms()));
    sched(&s.o, clock.clone()).run_once().await.unwrap();
    assert_eq!(tweets(&s).await, before, "not before the reset");
    clock.advance(Duration::from_secs(901));
    sched(&s.o, clock.clone()).run_once().await.unwrap();
    let got = s.o.post_detail(&d2.post.id).await.unwrap();
    assert_eq!(job_state(&got), "unconfirmed", "{got:?}");
    assert_eq!(tweets(&s).await, before + 1, "no blind retry");
    // The user checks and asks for it again: it goes out.
    let job = got.targets[0].job.clone().unwrap().id;
    s.o.resolve_job(&job, JobAction::PublishNow).await.unwrap();
    clock.advance(Duration::from_secs(1));
    sched(&s.o, clock.clone()).run_once().await.unwrap();
    assert_eq!(
        job_state(&s.o.post_detail(&d2.post.id).await.unwrap()),
        "published"
    );
}

/// The state a kill -9 leaves: the job claimed, attempt `attempt` open.
async fn left_publishing(s: &Setup, job: &str, attempt: &str) {
    sqlx::query("UPDATE publish_jobs SET state = 'publishing', attempt_count = 1 WHERE id = ?1")
        .bind(job)
        .execute(s.o.store().pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO publish_attempts (id, job_id, attempt_no, started_at) VALUES (?2, ?1, 1, 0)",
    )
    .bind(job)
    .bind(attempt)
    .execute(s.o.store().pool())
    .await
    .unwrap();
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
    left_publishing(&s, &job, "a1").await;
    mark_sent(&s, &job).await;
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    let got = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(job_state(&got), "unconfirmed");
    assert_eq!(
        got.targets[0].attempts[0].outcome.as_deref(),
        Some("interrupted")
    );
    assert_eq!(tweets(&s).await, 0, "nothing re-sent");

    // Killed before the request left (no `sending` part): the part log proves nothing went out,
    // so it is published — once.
    let d =
        s.o.create_post(post(&ch, "Killed during the upload", None))
            .await
            .unwrap();
    let job = d.targets[0].job.clone().unwrap().id;
    left_publishing(&s, &job, "a2").await;
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    let got = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(job_state(&got), "published", "{got:?}");
    assert_eq!(tweets(&s).await, 1, "sent once");
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

/// Sets a job's state directly (the state a previous run left behind).
async fn force_state(s: &Setup, job: &str, state: &str) {
    sqlx::query("UPDATE publish_jobs SET state = ?2 WHERE id = ?1")
        .bind(job)
        .bind(state)
        .execute(s.o.store().pool())
        .await
        .unwrap();
}

/// The evidence a kill after the request left behind: part 0 recorded as `sending` (what the part
/// log writes before a request leaves, and what the migration gives jobs an older version left
/// in doubt).
async fn mark_sent(s: &Setup, job: &str) {
    sqlx::query(
        "INSERT INTO publish_parts (job_id, part_index, kind, state, started_at) VALUES (?1, 0, 'post', 'sending', 0)",
    )
    .bind(job)
    .execute(s.o.store().pool())
    .await
    .unwrap();
}

fn job_id(d: &PostDetail) -> String {
    d.targets[0].job.as_ref().unwrap().id.clone()
}

/// Polls until `f` holds (the scheduler runs on its own task), at most 20 s.
async fn eventually<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !f().await {
        assert!(std::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_every_state_does_the_right_thing_for_each() {
    let (s, ch) = connected_x().await;
    let mut ids = Vec::new();
    for state in [
        "scheduled",
        "publishing",
        "published",
        "failed",
        "unconfirmed",
        "held",
        "cancelled",
    ] {
        let d =
            s.o.create_post(post(&ch, &format!("left {state}"), None))
                .await
                .unwrap();
        force_state(&s, &job_id(&d), state).await;
        ids.push((state, d.post.id.clone(), job_id(&d)));
    }
    // The kill came after the claim of the `publishing` one, before its answer was recorded
    // (attempt 1 open), and — as an older version left it — during a first reconciliation
    // (attempt 2 open, the count still at 1).
    let publishing = &ids[1].2;
    mark_sent(&s, publishing).await;
    sqlx::query("UPDATE publish_jobs SET attempt_count = 1 WHERE id = ?1")
        .bind(publishing)
        .execute(s.o.store().pool())
        .await
        .unwrap();
    for (id, n, outcome) in [("a1", 1, Some("interrupted")), ("a2", 2, None)] {
        sqlx::query(
            "INSERT INTO publish_attempts (id, job_id, attempt_no, started_at, outcome) VALUES (?1, ?2, ?3, 0, ?4)",
        )
        .bind(id)
        .bind(publishing)
        .bind(n)
        .bind(outcome)
        .execute(s.o.store().pool())
        .await
        .unwrap();
    }
    let clock = Arc::new(ManualClock::new(outpost_store::now_ms() + 1_000));
    for restart in 0..2 {
        sched(&s.o, clock.clone()).run_once().await.unwrap();
        let expect = [
            ("scheduled", "published"),
            ("publishing", "unconfirmed"),
            ("published", "published"),
            ("failed", "failed"),
            ("unconfirmed", "unconfirmed"),
            ("held", "held"),
            ("cancelled", "cancelled"),
        ];
        for ((left, post_id, _), (_, now)) in ids.iter().zip(expect) {
            let d = s.o.post_detail(post_id).await.unwrap();
            assert_eq!(job_state(&d), now, "restart {restart}: left {left}");
        }
        assert_eq!(
            tweets(&s).await,
            1,
            "restart {restart}: only the scheduled one was sent"
        );
    }
    let d = s.o.post_detail(&ids[1].1).await.unwrap();
    let outcomes: Vec<_> = d.targets[0]
        .attempts
        .iter()
        .map(|a| (a.attempt_no, a.outcome.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (1, "interrupted".to_string()),
            (2, "interrupted".to_string()),
            (3, "unknown".to_string())
        ]
    );
    // The user checked: not there. Publishing it again gets a fresh attempt number and goes out.
    s.o.resolve_job(&ids[1].2, JobAction::PublishNow)
        .await
        .unwrap();
    clock.advance(Duration::from_secs(1));
    sched(&s.o, clock.clone()).run_once().await.unwrap();
    let d = s.o.post_detail(&ids[1].1).await.unwrap();
    assert_eq!(job_state(&d), "published");
    assert_eq!(d.post.status, "published");
    assert_eq!(d.targets[0].attempts.last().unwrap().attempt_no, 4);
    assert_eq!(tweets(&s).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_parks_the_channel_and_loses_nothing_doubles_nothing() {
    let (s, ch) = connected_x().await;
    // The scheduler's clock starts before the posts are due: they are not "missed" however long
    // the storm lasts.
    let clock = ManualClock::new(outpost_store::now_ms() - 1_000);
    let mut posts = Vec::new();
    for i in 0..5 {
        let d =
            s.o.create_post(post(&ch, &format!("storm {i}"), None))
                .await
                .unwrap();
        posts.push(d.post.id.clone());
        tokio::time::sleep(Duration::from_millis(3)).await; // distinct due times: a strict order
    }
    let storm = 12;
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "status": 429, "times": storm}),
        )
        .await;
    let sch = sched(&s.o, Arc::new(clock.clone()));
    clock.advance(Duration::from_secs(2));
    let mut rounds = 0;
    loop {
        let r = sch.run_once().await.unwrap();
        if r.still_scheduled == 0 {
            break;
        }
        rounds += 1;
        assert!(rounds <= storm + 5, "{r:?}");
        // Parked: nothing more is sent until X's reset time (emulator now + 900 s).
        let before = s.emu.requests("POST", "/2/tweets").await.len();
        sch.run_once().await.unwrap();
        assert_eq!(
            s.emu.requests("POST", "/2/tweets").await.len(),
            before,
            "a parked channel waits"
        );
        clock.advance(Duration::from_secs(901));
    }
    let log = s.emu.requests("POST", "/2/tweets").await;
    assert_eq!(
        log.iter().filter(|e| e["status"] == 429).count(),
        storm as usize
    );
    let live: Vec<String> = s
        .emu
        .admin_get("posts")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect();
    let want: Vec<String> = (0..5).map(|i| format!("storm {i}")).collect();
    assert_eq!(live, want, "each once, in order");
    for id in &posts {
        let d = s.o.post_detail(id).await.unwrap();
        assert_eq!(job_state(&d), "published");
        assert!(
            d.targets[0]
                .attempts
                .iter()
                .all(|a| matches!(a.outcome.as_deref(), Some("rate_limited" | "success")))
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dst_transitions_in_five_zones_publish_at_the_wall_clock_time() {
    let (s, ch) = connected_x().await;
    // 09:00 local the day before and after the spring change, and the day after the autumn one:
    // (zone, local time, the UTC instant it must go out at).
    let cases = [
        ("Europe/Berlin", "2030-03-30 09:00", "2030-03-30T08:00:00Z"),
        ("Europe/Berlin", "2030-03-31 09:00", "2030-03-31T07:00:00Z"),
        ("Europe/Berlin", "2030-10-28 09:00", "2030-10-28T08:00:00Z"),
        (
            "America/New_York",
            "2030-03-09 09:00",
            "2030-03-09T14:00:00Z",
        ),
        (
            "America/New_York",
            "2030-03-10 09:00",
            "2030-03-10T13:00:00Z",
        ),
        (
            "America/New_York",
            "2030-11-04 09:00",
            "2030-11-04T14:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2030-10-05 09:00",
            "2030-10-04T23:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2030-10-06 09:00",
            "2030-10-05T22:00:00Z",
        ),
        (
            "Australia/Sydney",
            "2030-04-08 09:00",
            "2030-04-07T23:00:00Z",
        ),
        (
            "Pacific/Auckland",
            "2030-09-28 09:00",
            "2030-09-27T21:00:00Z",
        ),
        (
            "Pacific/Auckland",
            "2030-09-29 09:00",
            "2030-09-28T20:00:00Z",
        ),
        (
            "Pacific/Auckland",
            "2030-04-08 09:00",
            "2030-04-07T21:00:00Z",
        ),
        ("Europe/London", "2030-03-30 09:00", "2030-03-30T09:00:00Z"),
        ("Europe/London", "2030-03-31 09:00", "2030-03-31T08:00:00Z"),
        ("Europe/London", "2030-10-28 09:00", "2030-10-28T09:00:00Z"),
    ];
    let mut due = Vec::new();
    for (i, (zone, local, utc)) in cases.iter().enumerate() {
        let d =
            s.o.create_post(NewPost {
                time_zone: Some((*zone).into()),
                ..post(
                    &ch,
                    &format!("dst {i} {zone} {local}"),
                    Some((*local).into()),
                )
            })
            .await
            .unwrap();
        let want = chrono::DateTime::parse_from_rfc3339(utc)
            .unwrap()
            .timestamp_millis();
        assert_eq!(d.post.scheduled_at, Some(want), "{zone} {local}");
        due.push(want);
    }
    due.sort_unstable();
    let clock = ManualClock::new(due[0] - 60_000);
    let sch = sched(&s.o, Arc::new(clock.clone()));
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let run = tokio::spawn({
        let sch = sch.clone();
        async move { sch.run(stop_rx).await }
    });
    for (n, at) in due.iter().enumerate() {
        clock.set(at - 1_000);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(tweets(&s).await, n, "nothing early (post {n})");
        clock.set(*at);
        eventually(&format!("post {n} at its time"), || async {
            tweets(&s).await == n + 1
        })
        .await;
    }
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_computer_that_slept_through_posts_follows_the_missed_post_policy() {
    let (s, ch) = connected_x().await;
    let start = outpost_store::now_ms() + 60_000;
    let at = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .to_rfc3339()
    };
    let a =
        s.o.create_post(post(
            &ch,
            "slept two hours past it",
            Some(at(start + 600_000)),
        ))
        .await
        .unwrap();
    let b =
        s.o.create_post(post(
            &ch,
            "slept ten minutes past it",
            Some(at(start + 3 * 3_600_000)),
        ))
        .await
        .unwrap();
    let clock = ManualClock::new(start);
    let sch = sched(&s.o, Arc::new(clock.clone()));
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let run = tokio::spawn({
        let sch = sch.clone();
        async move { sch.run(stop_rx).await }
    });
    let state_of = |id: String| {
        let o = s.o.clone();
        async move { job_state(&o.post_detail(&id).await.unwrap()) }
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Suspended before A's time, resumed two hours after it: held, never sent.
    clock.set(start + 600_000 + 2 * 3_600_000);
    eventually("A held", || {
        let st = state_of(a.post.id.clone());
        async move { st.await == "held" }
    })
    .await;
    // Suspended again, resumed ten minutes after B's time (within the 30-minute grace): sent.
    clock.set(start + 3 * 3_600_000 + 600_000);
    eventually("B published", || {
        let st = state_of(b.post.id.clone());
        async move { st.await == "published" }
    })
    .await;
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
    assert_eq!(tweets(&s).await, 1, "no stale post");
    let held = s.o.post_detail(&a.post.id).await.unwrap();
    assert!(
        held.targets[0]
            .job
            .as_ref()
            .unwrap()
            .hold_reason
            .as_deref()
            .unwrap()
            .contains("Missed"),
        "{held:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mastodon_repeat_after_its_key_expired_is_looked_up_never_sent_again() {
    let s = setup(Platform::Mastodon).await;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let ch = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap()[0]
        .id
        .clone();
    let clock = ManualClock::new(outpost_store::now_ms() - 1_000);
    let d =
        s.o.create_post(post(&ch, "Created, answer lost", None))
            .await
            .unwrap();
    // The status is created, the answer never arrives: ambiguous, a keyed repeat is scheduled.
    s.emu
        .admin(
            "delay",
            json!({"path": "/api/v1/statuses", "drop_after": true, "times": 1}),
        )
        .await;
    let sch = sched(&s.o, Arc::new(clock.clone()));
    clock.advance(Duration::from_secs(2));
    sch.run_once().await.unwrap();
    let got = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(job_state(&got), "scheduled", "{got:?}");
    // The computer sleeps for an hour before the repeat: Mastodon has forgotten the key.
    clock.advance(Duration::from_secs(3_660));
    s.emu
        .admin("clock", json!({"advance_seconds": 3_660}))
        .await;
    sch.run_once().await.unwrap();
    let got = s.o.post_detail(&d.post.id).await.unwrap();
    assert_eq!(job_state(&got), "published", "{got:?}");
    let statuses = s.emu.requests("POST", "/api/v1/statuses").await;
    assert_eq!(statuses.len(), 1, "not sent again with an expired key");
    assert_eq!(s.emu.admin_get("posts").await.as_array().unwrap().len(), 1);
    let outcomes: Vec<_> = got.targets[0]
        .attempts
        .iter()
        .map(|a| a.outcome.clone().unwrap_or_default())
        .collect();
    assert_eq!(outcomes, ["unknown", "success"]);
}

/// A Mastodon post due in two hours, handed to Mastodon's scheduler by one run; its time (unix ms).
async fn handed_off(text: &str) -> (Setup, i64, PostDetail) {
    let (s, channel) = connected(Platform::Mastodon).await;
    let at_ms = outpost_store::now_ms() + 2 * 60 * 60 * 1000;
    let at = chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap()
        .to_rfc3339();
    let mut new = post(&channel, text, Some(at));
    new.variants = vec![outpost_app::posts::TargetVariant {
        channel_id: channel.clone(),
        native_scheduling: true,
        ..Default::default()
    }];
    let d = s.o.create_post(new).await.unwrap();
    sched(&s.o, Arc::new(SystemClock)).run_once().await.unwrap();
    (s, at_ms, d)
}

/// A post handed to Mastodon's scheduler counts as published only when a look-up finds it after
/// its time; when the platform has not published it, it is unconfirmed with the reason (#15).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_off_post_not_found_after_its_time_is_unconfirmed_not_published() {
    let (s, at_ms, d) = handed_off("Handed over").await;
    let after = s.o.post_detail(&d.post.id).await.unwrap();
    let job = after.targets[0].job.as_ref().unwrap();
    assert!(job.native_schedule_id.is_some(), "{job:?}");
    assert_eq!(job.state, "scheduled");
    // Outpost's clock passes the post's time; the emulator's has not, so nothing is live there.
    let clock = Arc::new(ManualClock::new(at_ms + 5 * 60 * 1000));
    sched(&s.o, clock).run_once().await.unwrap();
    let after = s.o.post_detail(&d.post.id).await.unwrap();
    let job = after.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "unconfirmed", "{job:?}");
    assert!(
        job.last_error
            .as_deref()
            .unwrap_or("")
            .contains("Check it on the platform")
    );
    let attention = s.o.needs_attention().await.unwrap();
    assert_eq!(attention.len(), 1);
    let a = &attention[0];
    assert_eq!(a.state, "unconfirmed");
    // The list row carries what the post's detail says, read in one query.
    let t = &after.targets[0];
    assert_eq!(
        (
            &a.post_id,
            &a.post_text,
            &a.job_id,
            &a.channel_id,
            &a.channel_name
        ),
        (
            &d.post.id,
            &after.post.text,
            &job.id,
            &t.channel_id,
            &t.channel_name
        )
    );
    assert_eq!(a.platform, t.platform);
    assert_eq!(a.reason.as_deref(), job.last_error.as_deref());
    assert_eq!(
        a.last_attempt_at,
        t.attempts.iter().map(|x| x.started_at).max()
    );
    // The user checked: it is live.
    let d =
        s.o.resolve_job(
            &job.id,
            JobAction::MarkPublished {
                url: Some("https://mastodon.example/@me/1".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(job_state(&d), "published");
    assert!(s.o.needs_attention().await.unwrap().is_empty());
}

/// A post handed to Mastodon's scheduler goes out by the platform's own clock while Outpost is not
/// running; when Outpost runs again after its time, a look-up finds it there and it counts as
/// published, with its address; its calendar card keeps the handoff mark (#15).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handed_off_post_goes_out_by_the_platforms_clock_while_outpost_is_closed() {
    let (s, at_ms, d) = handed_off("Out while the laptop sleeps").await;
    let job = s.o.post_detail(&d.post.id).await.unwrap().targets[0]
        .job
        .clone()
        .unwrap();
    assert!(job.native_schedule_id.is_some(), "{job:?}");
    assert_eq!(
        s.emu.admin_get("scheduled").await.as_array().unwrap().len(),
        1
    );

    // Outpost quits. Mastodon's clock passes the post's time: Mastodon publishes it by itself.
    let mut reopen = options(
        s.dir.path(),
        endpoints_for(Platform::Mastodon, &s.emu),
        s.browser.clone(),
    );
    // The same vault: its key in the same keychain entry (or the same passphrase).
    reopen.keychain_service = s.o.keychain_service().to_string();
    s.o.close().await;
    s.emu
        .admin("clock", json!({"advance_seconds": 2 * 60 * 60 + 60}))
        .await;
    let live = s.emu.admin_get("posts").await;
    let live = live.as_array().unwrap();
    assert_eq!(live.len(), 1, "published by the platform: {live:?}");
    assert_eq!(live[0]["text"], "Out while the laptop sleeps");
    assert!(
        s.emu
            .admin_get("scheduled")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Outpost starts again after the post's time: the look-up finds it, nothing is sent.
    let o = Outpost::open(reopen).await.unwrap();
    let statuses_before = s.emu.requests("POST", "/api/v1/statuses").await.len();
    sched(&o, Arc::new(ManualClock::new(at_ms + 5 * 60 * 1000)))
        .run_once()
        .await
        .unwrap();
    let after = o.post_detail(&d.post.id).await.unwrap();
    let job = after.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "published", "{job:?}");
    assert!(
        job.platform_url
            .as_deref()
            .is_some_and(|u| u.starts_with("http")),
        "{job:?}"
    );
    assert_eq!(after.post.status, "published");
    assert_eq!(
        s.emu.requests("POST", "/api/v1/statuses").await.len(),
        statuses_before,
        "confirmed by a look-up, never sent again"
    );
    assert!(o.needs_attention().await.unwrap().is_empty());
    // The calendar card: published, handed off.
    let day = chrono::DateTime::from_timestamp_millis(at_ms).unwrap();
    let page = o
        .calendar_posts(&outpost_app::posts::CalendarQuery {
            from: (day - chrono::Duration::days(1))
                .format("%Y-%m-%d")
                .to_string(),
            to: (day + chrono::Duration::days(2))
                .format("%Y-%m-%d")
                .to_string(),
            time_zone: Some("UTC".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let item = page.items.iter().find(|i| i.id == d.post.id).unwrap();
    assert_eq!(item.mark.as_deref(), Some("published"));
    assert!(item.handed_off);
    o.close().await;
}
