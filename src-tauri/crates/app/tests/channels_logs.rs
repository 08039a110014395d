//! Secrets never reach the log files: a sign-in, refresh and disconnect with the file logger set up
//! the way the CLI does it (`logging::init` in the profile's `logs` folder, default filter), then
//! the log files are searched for every token, code and secret the emulator saw.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use channels_support::*;
use outpost_app::channels::{RefreshOutcome, Surface};
use outpost_app::logging::{self, LogOptions};
use outpost_platforms::Platform;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_log_files() {
    // X as a confidential client, so the client secret is used too.
    let s = setup_with(Platform::X, true).await;
    let logs = s.o.paths().logs_dir();
    let guard = logging::init(
        &logs,
        LogOptions {
            prefix: "cli",
            stderr_warnings: true,
        },
    )
    .unwrap();
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
    let id = v[0].id.clone();
    assert_eq!(
        s.o.refresh_channel(&id, true).await.unwrap(),
        RefreshOutcome::Refreshed
    );
    s.o.check_channel(&id).await.unwrap();
    // A failing refresh logs its error too.
    s.emu
        .admin(
            "fail",
            serde_json::json!({"path": "/2/oauth2/token", "status": 503, "times": 9}),
        )
        .await;
    s.o.refresh_channel(&id, true).await.unwrap();
    s.o.disconnect_channel(&id).await.unwrap();
    drop(guard); // flushes the background writer

    let mut text = String::new();
    for e in std::fs::read_dir(&logs).unwrap().flatten() {
        text.push_str(&std::fs::read_to_string(e.path()).unwrap());
    }
    assert!(text.contains("sign-in started"), "nothing logged: {text}");
    assert!(text.contains("token refreshed"), "{text}");
    assert!(text.contains("channel disconnected"), "{text}");
    let mut secrets = s.emu.secrets_seen().await;
    secrets.insert(CLIENT_SECRET.to_string());
    let code = query_param(visit.visited.last().unwrap(), "code").unwrap();
    secrets.insert(code);
    assert!(secrets.len() >= 6, "{}", secrets.len());
    for sec in &secrets {
        assert!(
            !text.contains(sec.as_str()),
            "a secret ({sec:.10}…) is in the log file"
        );
    }
}
