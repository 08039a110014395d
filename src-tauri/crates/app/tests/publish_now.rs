//! Publishing on a connected channel through the application service: fresh tokens, validation
//! against the platform's limits before anything is sent, one refresh and retry when the platform
//! refuses the access token, "reconnect needed" when the grant is gone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use channels_support::*;
use outpost_app::ErrorCode;
use outpost_app::channels::Surface;
use outpost_platforms::Platform;
use outpost_platforms::publish::{Post, PostPart};
use serde_json::json;

fn text_post(key: &str, text: &str) -> Post {
    Post {
        key: key.into(),
        parts: vec![PostPart {
            text: text.into(),
            media: vec![],
        }],
        ..Post::default()
    }
}

async fn connected_x() -> (Setup, String) {
    let s = setup(Platform::X).await;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
    let id = v[0].id.clone();
    (s, id)
}

fn no_progress(_: u64, _: u64) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_refreshes_once_on_a_refused_token_and_validates_first() {
    let (s, id) = connected_x().await;

    let done =
        s.o.publish_now(&id, &text_post("p1", "Hello from Outpost"), &no_progress)
            .await
            .unwrap();
    let posts = s.emu.admin_get("posts").await;
    assert!(posts.to_string().contains("Hello from Outpost"), "{posts}");
    assert!(done.url.as_deref().unwrap_or_default().contains(&done.id));

    // The access token dies upstream: one refresh, then the post goes out, no user action.
    s.emu.admin("expire-access-tokens", json!({})).await;
    let before = s.emu.requests("POST", "/2/oauth2/token").await.len();
    s.o.publish_now(&id, &text_post("p2", "Second post"), &no_progress)
        .await
        .unwrap();
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

    // Over the limit: refused before any request reaches X.
    let sent = s.emu.log().await.len();
    let e =
        s.o.publish_now(&id, &text_post("p3", &"a".repeat(281)), &no_progress)
            .await
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert!(e.to_string().contains("280"), "{e}");
    assert_eq!(s.emu.log().await.len(), sent, "nothing was sent");

    // The grant is gone: the refresh is refused too → reconnect needed, nothing published.
    s.emu.admin("revoke-all", json!({})).await;
    s.emu.admin("expire-access-tokens", json!({})).await;
    let e =
        s.o.publish_now(&id, &text_post("p4", "Third post"), &no_progress)
            .await
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded, "{e}");
    assert_eq!(s.o.channels().await.unwrap()[0].status, "reconnect_needed");
    assert!(
        !s.emu
            .admin_get("posts")
            .await
            .to_string()
            .contains("Third post")
    );
    let e =
        s.o.publish_now(&id, &text_post("p5", "Fourth"), &no_progress)
            .await
            .unwrap_err();
    assert_eq!(
        e.code(),
        ErrorCode::ReconnectNeeded,
        "held until reconnected: {e}"
    );
}
