//! The crash test (issue #7, DESIGN "Reliability": a `kill -9` at any point of publishing never
//! yields a double post or a lost post).
//!
//! The real `outpost run` binary publishes against a platform emulator whose posting endpoint is
//! slowed down (`/__emulator/delay`: a pause before the request is handled and one after the post
//! exists but before the answer is written), and is killed with SIGKILL at random points — half
//! the kills at a random time after start, half at a random time after a job went `publishing`, so
//! they land inside the dangerous windows — then restarted, over and over. Finally it runs to the
//! end (`outpost run --once`) and every post is checked against what the platform holds:
//! - a post recorded `published` has exactly one copy on the platform (never zero: lost; never two);
//! - no post has two copies; nothing is left `scheduled` or `publishing`;
//! - X (no idempotency key, no lookup): a post that may have gone out is `unconfirmed` (zero or one
//!   copy) — never re-sent blindly;
//! - Mastodon (`Idempotency-Key`): every post ends `published`, exactly once.
//!
//! Kills per platform: `OUTPOST_CRASH_KILLS` (default 110: 220 in all, about a minute per platform
//! here, both platforms in parallel); the seed: `OUTPOST_CRASH_SEED` (printed, so a failure can be
//! replayed). The profile uses the vault's passphrase mode (`OUTPOST_VAULT_PASSPHRASE`): hundreds
//! of process starts never touch the OS keychain, and no keychain entry is left behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/channels_support/mod.rs"]
mod channels_support;

use std::collections::HashMap;
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
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const PASSPHRASE: &str = "crash-test passphrase, not a secret";
const CHANNELS: usize = 2;

fn kills_per_platform() -> usize {
    std::env::var("OUTPOST_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(110)
}

fn seed() -> u64 {
    std::env::var("OUTPOST_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// Writes past the test harness's output capture, so the summary shows in every run.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A profile (passphrase vault) with `CHANNELS` accounts connected on the emulator.
struct Rig {
    platform: Platform,
    emu: Emulator,
    dir: tempfile::TempDir,
    o: Outpost,
    channels: Vec<String>,
    post_path: &'static str,
}

async fn rig(platform: Platform) -> Rig {
    let emu = Emulator::start(platform.id());
    let dir = tempfile::tempdir().unwrap();
    let endpoints = endpoints_for(platform, &emu);
    let mut opts = options(dir.path(), endpoints, Arc::new(NoBrowser::default()));
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    register_app(&o, &emu, platform, uses_secret(platform)).await;
    let channels = connect_accounts(&o, &emu, platform, CHANNELS, 7_100).await;
    let post_path = match platform {
        Platform::X => "/2/tweets",
        Platform::Mastodon => "/api/v1/statuses",
        other => panic!("no crash rig for {other:?}"),
    };
    Rig {
        platform,
        emu,
        dir,
        o,
        channels,
        post_path,
    }
}

impl Rig {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_outpost"));
        cmd.args(args)
            .env("OUTPOST_DATA_DIR", self.dir.path())
            .env("OUTPOST_VAULT_PASSPHRASE", PASSPHRASE)
            .env_remove("OUTPOST_LOG")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for p in Platform::ALL {
            cmd.env_remove(format!("OUTPOST_ENDPOINT_{}", p.id().to_ascii_uppercase()));
        }
        if self.platform != Platform::Mastodon {
            cmd.env(
                format!(
                    "OUTPOST_ENDPOINT_{}",
                    self.platform.id().to_ascii_uppercase()
                ),
                &self.emu.origin,
            );
        }
        cmd
    }

    /// `outpost run --json`; its `publishing` events arrive on the returned channel.
    fn spawn_run(
        &self,
        stderr_file: &std::path::Path,
    ) -> (Child, tokio::sync::mpsc::UnboundedReceiver<()>) {
        let err = std::fs::File::create(stderr_file).unwrap();
        let mut child = self
            .command(&["run", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err))
            .spawn()
            .expect("outpost run could not start");
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains("\"state\":\"publishing\"") {
                    let _ = tx.send(());
                }
            }
        });
        (child, rx)
    }

    /// Copies of each text on the platform.
    async fn copies(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for p in self.emu.admin_get("posts").await.as_array().unwrap() {
            *out.entry(p["text"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        out
    }

    /// (job state, post status, text) of every post.
    async fn states(&self) -> Vec<(String, String, String)> {
        self.o
            .list_posts(100_000, 0)
            .await
            .unwrap()
            .into_iter()
            .map(|s| {
                assert_eq!(s.job_states.len(), 1, "one channel per post");
                (s.job_states[0].clone(), s.post.status, s.post.text)
            })
            .collect()
    }
}

#[derive(Debug, Default)]
struct Tally {
    kills: usize,
    restarts: usize,
    /// Kills that left a job `publishing` (inside claim → platform → record).
    mid_publish: usize,
    /// Of those, kills after the platform already held the post (its answer not yet recorded).
    after_effect: usize,
}

async fn crash_run(platform: Platform) {
    let kills = kills_per_platform();
    let seed = seed();
    report(&format!(
        "crash test {}: seed {seed} (replay: OUTPOST_CRASH_SEED={seed}), {kills} kills",
        platform.id()
    ));
    let mut rng = StdRng::seed_from_u64(seed);
    let rig = rig(platform).await;
    let started = Instant::now();
    let mut created = 0_usize;
    let mut t = Tally::default();
    let stderr_file = rig.dir.path().join("run.stderr");
    for cycle in 0..kills {
        // Keep a few posts due on every channel; all are due at once.
        let pending = rig
            .states()
            .await
            .iter()
            .filter(|(s, _, _)| s == "scheduled" || s == "publishing")
            .count();
        for _ in pending..(CHANNELS * 2) {
            let channel = rig.channels[created % CHANNELS].clone();
            rig.o
                .create_post(NewPost {
                    text: format!("crash test {} seed {seed} post {created}", platform.id()),
                    channels: vec![channel],
                    ..Default::default()
                })
                .await
                .unwrap();
            created += 1;
        }
        let before = rng.gen_range(0..=250_u64);
        let after = rng.gen_range(0..=250_u64);
        rig.emu
            .admin(
                "delay",
                json!({"path": rig.post_path, "before_ms": before, "after_ms": after}),
            )
            .await;
        let (mut child, mut publishing) = rig.spawn_run(&stderr_file);
        t.restarts += 1;
        if rng.gen_bool(0.5) {
            tokio::time::sleep(Duration::from_millis(rng.gen_range(20..=1_200))).await;
        } else {
            let _ = tokio::time::timeout(Duration::from_secs(5), publishing.recv()).await;
            let window = before + after + 120;
            tokio::time::sleep(Duration::from_millis(rng.gen_range(0..=window))).await;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "cycle {cycle}: outpost run exited by itself ({status}): {}",
                std::fs::read_to_string(&stderr_file).unwrap_or_default()
            );
        }
        child.start_kill().unwrap();
        child.wait().await.unwrap();
        t.kills += 1;
        // Where did the kill land?
        let copies = rig.copies().await;
        let states = rig.states().await;
        let publishing = || states.iter().filter(|(s, _, _)| s == "publishing");
        t.mid_publish += usize::from(publishing().next().is_some());
        t.after_effect += usize::from(
            publishing().any(|(_, _, text)| copies.get(text).copied().unwrap_or(0) > 0),
        );
    }
    // Then run to the end, undisturbed.
    rig.emu.admin("delay", json!({"path": rig.post_path})).await;
    for round in 0.. {
        assert!(
            round < 5,
            "posts still waiting after 5 runs: {:?}",
            rig.states().await
        );
        let out = tokio::time::timeout(
            Duration::from_secs(120),
            rig.command(&["run", "--once", "--json"]).output(),
        )
        .await
        .expect("outpost run --once did not finish")
        .unwrap();
        t.restarts += 1;
        assert!(
            out.status.success(),
            "outpost run --once: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Job events (one JSON line each), then the report (pretty JSON).
        let stdout = String::from_utf8_lossy(&out.stdout);
        let report_at = stdout.rfind("\n{\n").map_or(0, |i| i + 1);
        let once: Value =
            serde_json::from_str(&stdout[report_at..]).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        if once["still_scheduled"] == 0 {
            break;
        }
    }

    // The verdict.
    let copies = rig.copies().await;
    let states = rig.states().await;
    assert_eq!(states.len(), created);
    let (mut published, mut unconfirmed_0, mut unconfirmed_1, mut doubles, mut lost) =
        (0, 0, 0, 0, 0);
    let mut problems = Vec::new();
    for (state, status, text) in &states {
        let n = copies.get(text).copied().unwrap_or(0);
        if n > 1 {
            doubles += 1;
            problems.push(format!("{text:?}: {n} copies ({state})"));
        }
        match state.as_str() {
            "published" => {
                published += 1;
                if n == 0 {
                    lost += 1;
                    problems.push(format!("{text:?}: recorded published, not on the platform"));
                }
                if status != "published" {
                    problems.push(format!("{text:?}: job published, post {status}"));
                }
            }
            "unconfirmed" if platform == Platform::X => {
                if n == 0 {
                    unconfirmed_0 += 1;
                } else {
                    unconfirmed_1 += 1;
                }
                if status == "scheduled" || status == "publishing" || status == "published" {
                    problems.push(format!("{text:?}: job unconfirmed, post {status}"));
                }
            }
            other => {
                if n == 0 {
                    lost += 1;
                }
                problems.push(format!("{text:?}: ended {other} with {n} copies"));
            }
        }
    }
    let ours: usize = states
        .iter()
        .map(|(_, _, t)| copies.get(t).copied().unwrap_or(0))
        .sum();
    let total: usize = copies.values().sum();
    if ours != total {
        problems.push(format!(
            "{} posts on the platform that Outpost never made",
            total - ours
        ));
    }
    report(&format!(
        "crash test {} (seed {seed}, {:.0} s):\n  \
         | kills | restarts | kills mid-publish | after the post existed | posts | published | unconfirmed (0 copies / 1 copy) | doubles | lost |\n  \
         | {} | {} | {} | {} | {} | {} | {} / {} | {} | {} |",
        platform.id(),
        started.elapsed().as_secs_f64(),
        t.kills,
        t.restarts,
        t.mid_publish,
        t.after_effect,
        created,
        published,
        unconfirmed_0,
        unconfirmed_1,
        doubles,
        lost
    ));
    assert!(problems.is_empty(), "seed {seed}: {problems:#?}");
    assert_eq!((doubles, lost), (0, 0));
    if platform == Platform::Mastodon {
        assert_eq!(
            published, created,
            "Mastodon: every post published exactly once"
        );
    }
    // The kills really landed inside publishing, on both sides of the platform's effect.
    assert!(t.mid_publish >= kills / 10, "{t:?}");
    assert!(t.after_effect >= 1, "{t:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_kill_9_never_double_posts_or_loses_a_post() {
    crash_run(Platform::X).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_kill_9_never_double_posts_or_loses_a_post() {
    crash_run(Platform::Mastodon).await;
}
