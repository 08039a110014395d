//! `outpost run` within the platform's limits (issue #16), the real binary against the strict X
//! emulator: access tokens that live only seconds are refreshed at a bounded pace (the margin never
//! exceeds the token's life, a floor between refreshes) — the issue saw 535 refreshes in 25 s — and
//! a rate-limit pause (a 429's reset time) survives a restart: `outpost run --once` called again
//! does not retry before the platform said it may.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/channels_support/mod.rs"]
mod channels_support;

use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use channels_support::{
    Emulator, NoBrowser, connect_accounts, endpoints_for, options, register_app, uses_secret,
};
use outpost_app::Outpost;
use outpost_app::posts::NewPost;
use outpost_platforms::{Platform, Secret};
use serde_json::{Value, json};
use tokio::process::Command;

const PASSPHRASE: &str = "run-limits passphrase, not a secret";

fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

struct Profile {
    emu: Emulator,
    dir: tempfile::TempDir,
    o: Outpost,
    channel: String,
}

/// A profile with one X account; its access tokens live `token_s` seconds when given.
async fn profile(token_s: Option<u64>) -> Profile {
    let emu = Emulator::start("x");
    if let Some(s) = token_s {
        emu.admin("token-lifetime", json!({"access_seconds": s}))
            .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(
        dir.path(),
        endpoints_for(Platform::X, &emu),
        Arc::new(NoBrowser::default()),
    );
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    register_app(&o, &emu, Platform::X, uses_secret(Platform::X)).await;
    let channel = connect_accounts(&o, &emu, Platform::X, 1, 7_300).await[0].clone();
    Profile {
        emu,
        dir,
        o,
        channel,
    }
}

impl Profile {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_outpost"));
        cmd.args(args)
            .env("OUTPOST_DATA_DIR", self.dir.path())
            .env("OUTPOST_VAULT_PASSPHRASE", PASSPHRASE)
            .env("OUTPOST_ENDPOINT_X", &self.emu.origin)
            .env_remove("OUTPOST_LOG")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        cmd
    }

    async fn refreshes(&self) -> u64 {
        self.emu.admin_get("state").await["refreshes"]
            .as_u64()
            .unwrap()
    }

    async fn run_once(&self) -> Value {
        let out = self
            .command(&["run", "--once", "--json"])
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let at = stdout.rfind("\n{\n").map_or(0, |i| i + 1);
        serde_json::from_str(&stdout[at..]).unwrap_or_else(|e| panic!("{e}: {stdout}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seconds_long_tokens_are_refreshed_at_a_bounded_pace_during_outpost_run() {
    const LIFE_S: u64 = 6;
    const RUN_S: u64 = 20;
    let p = profile(Some(LIFE_S)).await;
    // A job pending (due in ten minutes) while `outpost run` keeps the channel's token fresh.
    let at = chrono::DateTime::from_timestamp_millis(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap()
            + 600_000,
    )
    .unwrap()
    .to_rfc3339();
    p.o.create_post(NewPost {
        text: "Pending while tokens expire".into(),
        channels: vec![p.channel.clone()],
        at: Some(at),
        ..Default::default()
    })
    .await
    .unwrap();
    p.o.close().await;
    let before = p.refreshes().await;
    let started = Instant::now();
    let mut child = p
        .command(&["run"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(RUN_S)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "outpost run stopped by itself"
    );
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let n = p.refreshes().await - before;
    // Half the token's life between refreshes at most: about RUN_S / (LIFE_S / 2).
    let ceiling = RUN_S / (LIFE_S / 2) + 2;
    report(&format!(
        "refresh pace: {n} refreshes in {secs:.1} s of `outpost run` with {LIFE_S} s access tokens \
         ({:.2}/s; ceiling {ceiling}; the loop of #16 made 21/s)",
        n as f64 / secs
    ));
    assert!(n >= 2, "the token was kept fresh: {n}");
    assert!(n <= ceiling, "{n} refreshes in {secs:.1} s");
    // The channel is still connected and its token works.
    let o = Outpost::open({
        let mut opts = options(
            p.dir.path(),
            endpoints_for(Platform::X, &p.emu),
            Arc::new(NoBrowser::default()),
        );
        opts.passphrase = Some(Secret::new(PASSPHRASE));
        opts
    })
    .await
    .unwrap();
    assert_eq!(
        o.check_channel(&p.channel).await.unwrap().status,
        "connected"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_pause_survives_outpost_run_once_restarts() {
    let p = profile(None).await;
    // X answers 429 (code 88, x-rate-limit-reset 15 minutes ahead).
    p.emu
        .admin(
            "fail",
            json!({"path": "/2/tweets", "status": 429, "times": 1}),
        )
        .await;
    p.o.create_post(NewPost {
        text: "Due now, rate limited".into(),
        channels: vec![p.channel.clone()],
        ..Default::default()
    })
    .await
    .unwrap();
    p.o.close().await;
    let first = p.run_once().await;
    assert_eq!(first["still_scheduled"], 1, "{first}");
    assert_eq!(p.emu.requests("POST", "/2/tweets").await.len(), 1);
    // Called again (a cron job, a restart): nothing is sent before the reset.
    for _ in 0..2 {
        let again = p.run_once().await;
        assert_eq!(again["still_scheduled"], 1, "{again}");
        assert_eq!(
            p.emu.requests("POST", "/2/tweets").await.len(),
            1,
            "no retry before the platform's reset"
        );
    }
}
