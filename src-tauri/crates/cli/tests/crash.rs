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
//! Threads (issue #16): X, Mastodon, Threads and Bluesky (the reference PDS, no delays there) posts of three parts; every part is counted on its
//! own — no part ever has two copies, a `published` thread has every part once, each reply to the
//! part before (X, Mastodon). First comments (LinkedIn, Facebook): a post with its first comment;
//! the post and the comment each at most once, a `published` post whose comment is not there shows
//! "first comment failed" (never silently lost).
//!
//! Kills per platform: `OUTPOST_CRASH_KILLS` (default 110: 220 in all, about a minute per platform
//! here, both platforms in parallel); the seed: `OUTPOST_CRASH_SEED` (printed, so a failure can be
//! replayed). The profile uses the vault's passphrase mode (`OUTPOST_VAULT_PASSPHRASE`): hundreds
//! of process starts never touch the OS keychain, and no keychain entry is left behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/channels_support/mod.rs"]
mod channels_support;
mod helper_process;

use std::collections::HashMap;
use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use channels_support::{
    Emulator, NoBrowser, connect_accounts, endpoints_for, options, register_app, uses_secret,
};
use outpost_app::Outpost;
use outpost_app::posts::{NewPost, TargetVariant};
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

/// What each post of a run is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// One part.
    Single,
    /// Three parts, each a reply to the one before.
    Thread,
    /// A post and its first comment.
    Comment,
}

/// A profile (passphrase vault) with `CHANNELS` accounts connected on the emulator.
struct Rig {
    platform: Platform,
    shape: Shape,
    /// The platform emulator (Bluesky: the reference PDS instead).
    emu: Option<Emulator>,
    pds: Option<Pds>,
    dir: tempfile::TempDir,
    o: Outpost,
    channels: Vec<String>,
    /// The requests that publish (delayed to widen the dangerous windows).
    post_paths: &'static [&'static str],
    /// The emulator's lists of what is live (admin endpoints).
    lists: &'static [&'static str],
}

/// The reference Bluesky PDS (`tests/pds/run.sh`) with `CHANNELS` accounts.
struct Pds {
    url: String,
    accounts: Vec<Value>,
    _helper: helper_process::Helper,
}

/// `None` (skip) when the PDS is not installed and `OUTPOST_REQUIRE_PDS` is not 1.
fn start_pds() -> Option<Pds> {
    let h = helper_process::helper(
        "tests/pds/node_modules",
        "OUTPOST_REQUIRE_PDS",
        "tests/pds/run.sh",
        &["--accounts", &CHANNELS.to_string()],
    )?;
    Some(Pds {
        url: h.info["pds"].as_str().unwrap().to_string(),
        accounts: h.info["accounts"].as_array().unwrap().clone(),
        _helper: h,
    })
}

async fn rig(platform: Platform, shape: Shape) -> Option<Rig> {
    let dir = tempfile::tempdir().unwrap();
    if platform == Platform::Bluesky {
        let pds = tokio::task::spawn_blocking(start_pds).await.unwrap()?;
        let mut opts = options(
            dir.path(),
            outpost_platforms::Endpoints::default(),
            Arc::new(NoBrowser::default()),
        );
        opts.passphrase = Some(Secret::new(PASSPHRASE));
        let o = Outpost::open(opts).await.unwrap();
        let mut channels = Vec::new();
        for a in &pds.accounts {
            let v = o
                .connect_bluesky(
                    Some(&pds.url),
                    a["handle"].as_str().unwrap(),
                    &Secret::new(a["appPassword"].as_str().unwrap()),
                )
                .await
                .unwrap();
            channels.push(v[0].id.clone());
        }
        return Some(Rig {
            platform,
            shape,
            emu: None,
            pds: Some(pds),
            dir,
            o,
            channels,
            post_paths: &[],
            lists: &[],
        });
    }
    let emu = Emulator::start(platform.id());
    let endpoints = endpoints_for(platform, &emu);
    let mut opts = options(dir.path(), endpoints, Arc::new(NoBrowser::default()));
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    register_app(&o, &emu, platform, uses_secret(platform)).await;
    let channels = connect_accounts(&o, &emu, platform, CHANNELS, 7_100).await;
    let (post_paths, lists): (&[&str], &[&str]) = match platform {
        Platform::X => (&["/2/tweets"], &["posts"]),
        Platform::Mastodon => (&["/api/v1/statuses"], &["posts"]),
        Platform::Threads => (&["/v1.0/*/threads_publish"], &["posts"]),
        Platform::Facebook => (
            &["/v23.0/*/feed", "/v23.0/*/comments"],
            &["posts", "comments"],
        ),
        Platform::Linkedin => (
            &["/rest/posts", "/rest/socialActions/*/comments"],
            &["posts", "comments"],
        ),
        other => panic!("no crash rig for {other:?}"),
    };
    Some(Rig {
        platform,
        shape,
        emu: Some(emu),
        pds: None,
        dir,
        o,
        channels,
        post_paths,
        lists,
    })
}

/// The text of something the emulator holds (a post, a status, a comment).
fn text_of(v: &Value) -> Option<String> {
    v["text"]
        .as_str()
        .or_else(|| v["message"].as_str())
        .or_else(|| v["message"]["text"].as_str())
        .or_else(|| v["commentary"].as_str())
        .map(str::to_string)
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
        if let Some(emu) = self
            .emu
            .as_ref()
            .filter(|_| self.platform != Platform::Mastodon)
        {
            cmd.env(
                format!(
                    "OUTPOST_ENDPOINT_{}",
                    self.platform.id().to_ascii_uppercase()
                ),
                &emu.origin,
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

    /// What is live: (id, text, the id it replies to) of every post, reply and comment.
    async fn live(&self) -> Vec<(String, String, Option<String>)> {
        let mut out = Vec::new();
        if let Some(pds) = &self.pds {
            let http = channels_support::http_client();
            for a in &pds.accounts {
                let mut cursor: Option<String> = None;
                loop {
                    let mut url = format!(
                        "{}/xrpc/com.atproto.repo.listRecords?repo={}&collection=app.bsky.feed.post&limit=100",
                        pds.url,
                        a["did"].as_str().unwrap()
                    );
                    if let Some(c) = &cursor {
                        url.push_str(&format!("&cursor={c}"));
                    }
                    let v: Value = http.get(url).send().await.unwrap().json().await.unwrap();
                    for r in v["records"].as_array().unwrap() {
                        out.push((
                            r["uri"].as_str().unwrap().to_string(),
                            r["value"]["text"].as_str().unwrap().to_string(),
                            r["value"]["reply"]["parent"]["uri"]
                                .as_str()
                                .map(str::to_string),
                        ));
                    }
                    cursor = v["cursor"].as_str().map(str::to_string);
                    if cursor.is_none() || v["records"].as_array().unwrap().is_empty() {
                        break;
                    }
                }
            }
            return out;
        }
        let emu = self.emu.as_ref().unwrap();
        for list in self.lists {
            for p in emu.admin_get(list).await.as_array().unwrap() {
                let text = text_of(p).unwrap_or_else(|| panic!("no text in {p}"));
                let parent = p["in_reply_to_tweet_id"]
                    .as_str()
                    .or_else(|| p["in_reply_to_id"].as_str())
                    .map(str::to_string);
                let id = p["id"]
                    .as_str()
                    .map_or_else(|| p["id"].to_string(), str::to_string);
                out.push((
                    format!("{list}:{id}"),
                    text,
                    parent.map(|x| format!("{list}:{x}")),
                ));
            }
        }
        out
    }

    /// Copies of each text on the platform.
    async fn copies(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for (_, text, _) in self.live().await {
            *out.entry(text).or_default() += 1;
        }
        out
    }

    /// What is live and what it replies to: id → (text, parent id).
    async fn replies(&self) -> HashMap<String, (String, Option<String>)> {
        self.live()
            .await
            .into_iter()
            .map(|(id, text, parent)| (id, (text, parent)))
            .collect()
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

    /// The post of number `n`: its first part's text and the variant with its further parts.
    fn new_post(&self, n: usize, seed: u64) -> NewPost {
        let channel = self.channels[n % CHANNELS].clone();
        let text = format!("crash test {} seed {seed} post {n}", self.platform.id());
        let mut variant = TargetVariant {
            channel_id: channel.clone(),
            ..Default::default()
        };
        match self.shape {
            Shape::Single => {}
            Shape::Thread => {
                variant.thread_parts = (2..=3).map(|k| format!("{text} part {k}")).collect();
            }
            Shape::Comment => variant.first_comment = Some(format!("{text} comment")),
        }
        NewPost {
            text,
            channels: vec![channel],
            variants: vec![variant],
            ..Default::default()
        }
    }

    /// Every part's text of a post whose first part is `text`.
    fn part_texts(&self, text: &str) -> Vec<String> {
        match self.shape {
            Shape::Single => vec![text.to_string()],
            Shape::Thread => vec![
                text.to_string(),
                format!("{text} part 2"),
                format!("{text} part 3"),
            ],
            Shape::Comment => vec![text.to_string(), format!("{text} comment")],
        }
    }

    async fn delay(&self, before: u64, after: u64) {
        let Some(emu) = &self.emu else {
            return; // the reference PDS has no delays: kills land where they land
        };
        for path in self.post_paths {
            emu.admin(
                "delay",
                json!({"path": path, "before_ms": before, "after_ms": after}),
            )
            .await;
        }
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

async fn crash_run(platform: Platform, shape: Shape) {
    let kills = kills_per_platform();
    let seed = seed();
    report(&format!(
        "crash test {} {shape:?}: seed {seed} (replay: OUTPOST_CRASH_SEED={seed}), {kills} kills",
        platform.id()
    ));
    let mut rng = StdRng::seed_from_u64(seed);
    let Some(rig) = rig(platform, shape).await else {
        report("SKIP: tests/pds/node_modules is missing (bash tests/pds/install.sh)");
        return;
    };
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
            rig.o
                .create_post(rig.new_post(created, seed))
                .await
                .unwrap();
            created += 1;
        }
        let before = rng.gen_range(0..=250_u64);
        let after = rng.gen_range(0..=250_u64);
        rig.delay(before, after).await;
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
    rig.delay(0, 0).await;
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

    // The verdict, part by part.
    let copies = rig.copies().await;
    let replies = rig.replies().await;
    let posts = rig.o.list_posts(100_000, 0).await.unwrap();
    assert_eq!(posts.len(), created);
    let (mut published, mut unconfirmed_0, mut unconfirmed_1, mut doubles, mut lost) =
        (0, 0, 0, 0, 0);
    let (mut parts_total, mut comment_failed) = (0, 0);
    let mut problems = Vec::new();
    let mut ours = 0;
    for summary in &posts {
        let (state, status, text) = (
            summary.job_states[0].as_str(),
            summary.post.status.as_str(),
            &summary.post.text,
        );
        let detail = rig.o.post_detail(&summary.post.id).await.unwrap();
        let target = &detail.targets[0];
        let texts = rig.part_texts(text);
        parts_total += texts.len();
        let n: Vec<usize> = texts
            .iter()
            .map(|t| copies.get(t).copied().unwrap_or(0))
            .collect();
        ours += n.iter().sum::<usize>();
        for (t, k) in texts.iter().zip(&n) {
            if *k > 1 {
                doubles += 1;
                problems.push(format!("{t:?}: {k} copies ({state})"));
            }
        }
        // A thread's parts reply to the part before (X, Mastodon).
        if shape == Shape::Thread && platform != Platform::Threads {
            for (i, t) in texts.iter().enumerate().skip(1) {
                for (_, (_, parent)) in replies.iter().filter(|(_, (x, _))| x == t) {
                    let ok = parent
                        .as_ref()
                        .and_then(|p| replies.get(p))
                        .is_some_and(|(pt, _)| *pt == texts[i - 1]);
                    if !ok {
                        problems.push(format!("{t:?} does not reply to part {i}"));
                    }
                }
            }
        }
        match state {
            "published" => {
                published += 1;
                if target.comment_problem.is_some() {
                    // Shown: "published; first comment failed" (the comment may be 0 or 1).
                    comment_failed += 1;
                    if n[0] == 0 {
                        lost += 1;
                        problems.push(format!("{text:?}: recorded published, not on the platform"));
                    }
                } else if n.contains(&0) {
                    lost += 1;
                    problems.push(format!(
                        "{text:?}: recorded published, parts on the platform {n:?}"
                    ));
                }
                if status != "published" {
                    problems.push(format!("{text:?}: job published, post {status}"));
                }
            }
            "unconfirmed" if !matches!(platform, Platform::Mastodon | Platform::Bluesky) => {
                if n.iter().all(|k| *k == 0) {
                    unconfirmed_0 += 1;
                } else {
                    unconfirmed_1 += 1;
                }
                if status == "scheduled" || status == "publishing" || status == "published" {
                    problems.push(format!("{text:?}: job unconfirmed, post {status}"));
                }
            }
            other => {
                if n.contains(&0) {
                    lost += 1;
                }
                problems.push(format!("{text:?}: ended {other} with {n:?} copies"));
            }
        }
    }
    let total: usize = copies.values().sum();
    if ours != total {
        problems.push(format!(
            "{} posts on the platform that Outpost never made",
            total - ours
        ));
    }
    report(&format!(
        "crash test {} {shape:?} (seed {seed}, {:.0} s):\n  \
         | kills | restarts | kills mid-publish | after the post existed | posts (parts) | published | first comment failed (shown) | unconfirmed (0 copies / some) | doubles | lost |\n  \
         | {} | {} | {} | {} | {} ({}) | {} | {} | {} / {} | {} | {} |",
        platform.id(),
        started.elapsed().as_secs_f64(),
        t.kills,
        t.restarts,
        t.mid_publish,
        t.after_effect,
        created,
        parts_total,
        published,
        comment_failed,
        unconfirmed_0,
        unconfirmed_1,
        doubles,
        lost
    ));
    assert!(problems.is_empty(), "seed {seed}: {problems:#?}");
    assert_eq!((doubles, lost), (0, 0));
    if matches!(platform, Platform::Mastodon | Platform::Bluesky) {
        assert_eq!(
            published, created,
            "Mastodon, Bluesky: every post published exactly once"
        );
    }
    // The kills really landed inside publishing, on both sides of the platform's effect.
    assert!(t.mid_publish >= kills / 10, "{t:?}");
    assert!(t.after_effect >= 1, "{t:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_kill_9_never_double_posts_or_loses_a_post() {
    crash_run(Platform::X, Shape::Single).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_kill_9_never_double_posts_or_loses_a_post() {
    crash_run(Platform::Mastodon, Shape::Single).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_threads_kill_9_never_double_post_or_lose_a_part() {
    crash_run(Platform::X, Shape::Thread).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_threads_kill_9_never_double_post_or_lose_a_part() {
    crash_run(Platform::Mastodon, Shape::Thread).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bluesky_threads_kill_9_never_double_post_or_lose_a_part() {
    crash_run(Platform::Bluesky, Shape::Thread).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads_threads_kill_9_never_double_post_or_lose_a_part() {
    crash_run(Platform::Threads, Shape::Thread).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkedin_first_comments_kill_9_never_double_or_lose() {
    crash_run(Platform::Linkedin, Shape::Comment).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_first_comments_kill_9_never_double_or_lose() {
    crash_run(Platform::Facebook, Shape::Comment).await;
}
