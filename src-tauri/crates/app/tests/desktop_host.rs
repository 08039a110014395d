//! The desktop app's scheduler host against the strict X emulator: it publishes a due post while
//! it holds the data directory's lock; while another process (`outpost run`) holds the lock it
//! publishes nothing, reports who does, and takes over once the lock is free; stopping releases
//! the lock. Also: desktop preferences and their one-time tray explanation, and notification texts
//! built from the stored post and channel.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::time::Duration;

use channels_support::*;
use outpost_app::desktop::{DesktopPrefs, HostConfig, HostState, SchedulerHost};
use outpost_app::posts::NewPost;
use outpost_app::scheduler::SchedulerLock;
use outpost_platforms::Platform;

async fn connected_x() -> (Setup, String) {
    connected(Platform::X).await
}

fn due_now(channel: &str, text: &str) -> NewPost {
    NewPost {
        text: text.into(),
        channels: vec![channel.into()],
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    }
}

fn quick() -> HostConfig {
    HostConfig {
        retry_lock_every: Duration::from_millis(100),
        stop_timeout: Duration::from_secs(10),
        ..Default::default()
    }
}

async fn wait_for_state(host: &SchedulerHost, want: impl Fn(&HostState) -> bool) -> HostState {
    let mut rx = host.subscribe();
    let r = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let s = rx.borrow_and_update().clone();
            if want(&s) {
                return s;
            }
            rx.changed().await.unwrap();
        }
    })
    .await;
    r.unwrap_or_else(|_| panic!("state not reached; last {:?}", host.state()))
}

async fn wait_published(s: &Setup, post_id: &str) {
    let r = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let d = s.o.post_detail(post_id).await.unwrap();
            if d.post.status == "published" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(r.is_ok(), "the post was not published");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_publishes_a_due_post_and_releases_the_lock_when_stopped() {
    let (s, ch) = connected_x().await;
    let d =
        s.o.create_post(due_now(&ch, "From the desktop app"))
            .await
            .unwrap();
    let host = SchedulerHost::start(s.o.clone(), quick(), &tokio::runtime::Handle::current());
    wait_for_state(&host, |st| *st == HostState::Running).await;
    // While the app runs the scheduler, `outpost run` cannot.
    let busy = SchedulerLock::acquire(s.o.paths()).unwrap_err();
    assert_eq!(busy.code(), outpost_app::ErrorCode::SchedulerBusy);
    wait_published(&s, &d.post.id).await;
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 1);
    assert!(host.stop().await, "stopped within the bounded wait");
    assert_eq!(host.state(), HostState::Stopped);
    // The lock is free again.
    drop(SchedulerLock::acquire(s.o.paths()).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_another_process_publishes_the_host_waits_then_takes_over() {
    let (s, ch) = connected_x().await;
    let other = SchedulerLock::acquire(s.o.paths()).unwrap();
    let d =
        s.o.create_post(due_now(&ch, "Waits for the lock"))
            .await
            .unwrap();
    let host = SchedulerHost::start(s.o.clone(), quick(), &tokio::runtime::Handle::current());
    let st = wait_for_state(&host, |st| matches!(st, HostState::Elsewhere { .. })).await;
    let HostState::Elsewhere { owner } = st else {
        unreachable!()
    };
    assert!(owner.contains("another Outpost process"), "{owner}");
    // Several retries later it still publishes nothing.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(matches!(host.state(), HostState::Elsewhere { .. }));
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 0);
    // `outpost run` exits: the host takes the lock and publishes.
    drop(other);
    wait_for_state(&host, |st| *st == HostState::Running).await;
    wait_published(&s, &d.post.id).await;
    assert_eq!(s.emu.requests("POST", "/2/tweets").await.len(), 1);
    assert!(host.stop().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_a_host_that_waits_for_the_lock_is_immediate() {
    let (s, _) = connected_x().await;
    let _other = SchedulerLock::acquire(s.o.paths()).unwrap();
    let cfg = HostConfig {
        retry_lock_every: Duration::from_secs(3600),
        ..quick()
    };
    let host = SchedulerHost::start(s.o.clone(), cfg, &tokio::runtime::Handle::current());
    wait_for_state(&host, |st| matches!(st, HostState::Elsewhere { .. })).await;
    let stopped = tokio::time::timeout(Duration::from_secs(2), host.stop()).await;
    assert_eq!(stopped.ok(), Some(true), "no waiting out the retry timer");
    assert_eq!(host.state(), HostState::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desktop_prefs_default_on_and_the_tray_explanation_comes_once() {
    let (s, ch) = connected_x().await;
    assert_eq!(s.o.desktop_prefs().await.unwrap(), DesktopPrefs::default());
    let off = DesktopPrefs {
        notifications: false,
        close_to_tray: false,
        inbox_notifications: false,
    };
    assert_eq!(s.o.set_desktop_prefs(off).await.unwrap(), off);
    assert_eq!(s.o.desktop_prefs().await.unwrap(), off);
    assert!(s.o.take_tray_explanation().await.unwrap());
    assert!(!s.o.take_tray_explanation().await.unwrap());
    // Notification texts come from the stored post and channel.
    let d = s.o.create_post(due_now(&ch, "Hello\nworld")).await.unwrap();
    let n =
        s.o.job_notice(
            &d.post.id,
            &ch,
            "published",
            Some("https://x.com/i/status/1"),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        n.title.starts_with("Published to X: “Hello world”"),
        "{n:?}"
    );
    assert!(!n.body.contains("https://"));
    assert!(
        s.o.job_notice(&d.post.id, &ch, "publishing", None)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.o.job_notice("nope", &ch, "failed", None)
            .await
            .unwrap()
            .is_none()
    );
}
