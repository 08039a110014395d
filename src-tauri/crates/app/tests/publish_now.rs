//! Publishing on a connected channel through the job ledger, as every front end does (a post due
//! now, then `outpost run --once`): fresh tokens, validation against the platform's limits before
//! anything is sent, one refresh and retry when the platform refuses the access token,
//! "reconnect needed" when the grant is gone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::sync::Arc;

use channels_support::*;
use outpost_app::ErrorCode;
use outpost_app::channels::Surface;
use outpost_app::posts::{NewPost, PostDetail};
use outpost_app::scheduler::{Scheduler, SchedulerConfig, SystemClock};
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

/// Creates a post due now on `channel` and runs the scheduler once (`outpost run --once`);
/// returns the post as it stands after.
async fn publish(s: &Setup, channel: &str, text: &str) -> PostDetail {
    let d =
        s.o.create_post(NewPost {
            text: text.into(),
            channels: vec![channel.into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let mut cfg = SchedulerConfig::new(Arc::new(SystemClock));
    cfg.automation = false;
    Scheduler::new(s.o.clone(), cfg).run_once().await.unwrap();
    s.o.post_detail(&d.post.id).await.unwrap()
}

fn job_state(d: &PostDetail) -> String {
    d.targets[0].job.as_ref().unwrap().state.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_refreshes_once_on_a_refused_token_and_validates_first() {
    let (s, id) = connected_x().await;

    let done = publish(&s, &id, "Hello from Outpost").await;
    let job = done.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "published", "{done:?}");
    let posts = s.emu.admin_get("posts").await;
    assert!(posts.to_string().contains("Hello from Outpost"), "{posts}");
    let pid = job.platform_post_id.clone().unwrap();
    assert!(
        job.platform_url
            .as_deref()
            .unwrap_or_default()
            .contains(&pid)
    );

    // The access token dies upstream: one refresh, then the post goes out, no user action.
    s.emu.admin("expire-access-tokens", json!({})).await;
    let before = s.emu.requests("POST", "/2/oauth2/token").await.len();
    let d = publish(&s, &id, "Second post").await;
    assert_eq!(job_state(&d), "published", "{d:?}");
    assert_eq!(
        s.emu.requests("POST", "/2/oauth2/token").await.len(),
        before + 1,
        "exactly one refresh"
    );
    assert!(
        s.emu
            .admin_get("posts")
            .await
            .to_string()
            .contains("Second post")
    );

    // Over the limit: refused when the post is written, before any request reaches X.
    let sent = s.emu.log().await.len();
    let e =
        s.o.create_post(NewPost {
            text: "a".repeat(281),
            channels: vec![id.clone()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert!(e.to_string().contains("280"), "{e}");
    assert_eq!(s.emu.log().await.len(), sent, "nothing was sent");

    // The grant is gone: the refresh is refused too → reconnect needed, nothing published, the
    // post held until the channel is reconnected.
    s.emu.admin("revoke-all", json!({})).await;
    s.emu.admin("expire-access-tokens", json!({})).await;
    let d = publish(&s, &id, "Third post").await;
    assert_ne!(job_state(&d), "published", "{d:?}");
    assert_eq!(s.o.channels().await.unwrap()[0].status, "reconnect_needed");
    assert!(
        !s.emu
            .admin_get("posts")
            .await
            .to_string()
            .contains("Third post")
    );
    // A new post on that channel is refused until it is reconnected.
    let e =
        s.o.create_post(NewPost {
            text: "Fourth".into(),
            channels: vec![id.clone()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("reconnected"), "{e}");
    assert!(
        !s.emu
            .admin_get("posts")
            .await
            .to_string()
            .contains("Fourth")
    );
}
