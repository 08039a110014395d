//! Scheduler benchmark (a plain binary: `cargo bench -p outpost-app --bench scheduler`; scale with
//! OUTPOST_BENCH_SCALE, e.g. 0.01 for a smoke run). Every figure is printed with its ratio to a
//! floor measured in the same run (DESIGN §4):
//!
//! 1. **Restart recovery** with 1,000 / 10,000 / 100,000 scheduled jobs: a fresh process opens the
//!    profile, reconciles and arms its one timer (the first `Armed` event); its time and resident
//!    memory are read there. Floor: the same with an empty profile. The bar: under 200 ms, memory
//!    independent of the count.
//! 2. **1,000 posts due within one minute** on X and Mastodon emulator channels, as many channels
//!    as the documented per-channel post rates (`scheduler/rates.rs`) need: p50/p99 lateness of the
//!    dispatch (claim) and of the confirmed publication, and the most posts any channel sent in one
//!    of its rate windows. Floor: the median time one publication takes (claim → recorded).
//! 3. **Idle**: CPU time and context switches (as getrusage counts them, from `/proc`) of a process whose
//!    scheduler holds 100,000 jobs due tomorrow, over 60 seconds. Floor: a bare tokio runtime
//!    sleeping as long.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]

#[path = "../tests/channels_support/mod.rs"]
mod channels_support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use outpost_app::posts::NewPost;
use outpost_app::scheduler::{
    Scheduler, SchedulerConfig, SchedulerEvent, SystemClock, rates::post_rate,
};
use outpost_app::{OpenOptions, Outpost, Paths};
use outpost_platforms::{Endpoints, Platform, Secret};
use serde_json::{Value, json};

const CHILD: &str = "OUTPOST_BENCH_SCHEDULER_CHILD";
const PASSPHRASE: &str = "bench passphrase, not a secret";

fn id(prefix: u32, n: usize) -> String {
    format!("0190{prefix:04x}-0000-7000-8000-{n:012x}")
}

fn open_options(dir: &Path) -> OpenOptions {
    let mut o = OpenOptions::new(Paths::resolve(Some(dir.to_path_buf())).unwrap());
    // The vault is opened on first use only; recovery with nothing in flight never needs it.
    o.keychain_service = format!("app.outpost.bench.{}", uuid::Uuid::new_v4());
    o.passphrase = Some(Secret::new(PASSPHRASE));
    o.endpoints = Some(Endpoints::default());
    o
}

/// A profile with `jobs` scheduled posts (one X target each) due from tomorrow on.
async fn profile_with_jobs(dir: &Path, jobs: usize) {
    let o = Outpost::open(open_options(dir)).await.unwrap();
    let pool = o.store().pool();
    let now = outpost_store::now_ms();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO channels (id, platform, platform_account_id, kind, display_name, handle, created_at, updated_at)
         VALUES ('bench-channel', 'x', '42', 'profile', 'Bench', 'bench', ?1, ?1)",
    )
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    for n in 0..jobs {
        let due = now + 86_400_000 + n as i64 * 60_000;
        sqlx::query("INSERT INTO posts (id, body, status, scheduled_at, time_zone, created_at, updated_at) VALUES (?1, ?2, 'scheduled', ?3, 'Europe/Berlin', ?4, ?4)")
            .bind(id(1, n))
            .bind(format!("Scheduled post number {n}: launching something new #outpost"))
            .bind(due)
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES (?1, ?2, 'bench-channel', ?3, ?3)")
            .bind(id(2, n))
            .bind(id(1, n))
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO publish_jobs (id, post_target_id, state, due_at, created_at, updated_at) VALUES (?1, ?2, 'scheduled', ?3, ?4, ?4)")
            .bind(id(3, n))
            .bind(id(2, n))
            .bind(due)
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    o.close().await;
}

/// VmRSS and VmHWM of this process, KiB (Linux; 0 elsewhere).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (ms, user + system, every thread that ever ran: `/proc/self/stat`, in clock ticks of
/// 10 ms) and context switches (voluntary, involuntary) summed over the live threads — the
/// figures `getrusage(RUSAGE_SELF)` gives, read without `unsafe` (Linux; zeros elsewhere).
fn rusage() -> (f64, i64, i64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<i64> = rest
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0);
    let (mut vol, mut invol) = (0, 0);
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            let status = std::fs::read_to_string(t.path().join("status")).unwrap_or_default();
            for l in status.lines() {
                let n = |p: &str| l.strip_prefix(p).and_then(|v| v.trim().parse::<i64>().ok());
                if let Some(v) = n("voluntary_ctxt_switches:") {
                    vol += v;
                } else if let Some(v) = n("nonvoluntary_ctxt_switches:") {
                    invol += v;
                }
            }
        }
    }
    (ticks as f64 * 10.0, vol, invol)
}

/// Child process: open the profile, reconcile, arm; print the time and memory.
async fn child_recover(dir: &Path) {
    let start = Instant::now();
    let o = Outpost::open(open_options(dir)).await.unwrap();
    let opened = start.elapsed();
    let sch = Scheduler::new(o.clone(), SchedulerConfig::new(Arc::new(SystemClock)));
    let mut events = o.scheduler_events();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let run = tokio::spawn(async move { sch.run(stop_rx).await });
    // Armed for the first job (idle, with no timer at all, for the empty profile).
    while !matches!(events.recv().await.unwrap(), SchedulerEvent::Armed { .. }) {}
    let armed = start.elapsed();
    let (rss, hwm) = memory_kib();
    println!(
        "{}",
        json!({"open_ms": opened.as_secs_f64() * 1e3, "armed_ms": armed.as_secs_f64() * 1e3, "rss_kib": rss, "hwm_kib": hwm})
    );
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
}

/// Child process: an armed scheduler left alone for `secs` (or, with no dir, a bare runtime).
async fn child_idle(dir: Option<&Path>, secs: f64) {
    let mut keep = None;
    if let Some(dir) = dir {
        let o = Outpost::open(open_options(dir)).await.unwrap();
        let sch = Scheduler::new(o.clone(), SchedulerConfig::new(Arc::new(SystemClock)));
        let mut events = o.scheduler_events();
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        let run = tokio::spawn(async move { sch.run(stop_rx).await });
        while !matches!(events.recv().await.unwrap(), SchedulerEvent::Armed { .. }) {}
        // Let start-up work (activity-log purge, media-host sweep) finish first.
        tokio::time::sleep(Duration::from_millis(500)).await;
        keep = Some((o, stop, run));
    }
    let before = rusage();
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let after = rusage();
    println!(
        "{}",
        json!({"cpu_ms": after.0 - before.0, "voluntary": after.1 - before.1, "involuntary": after.2 - before.2})
    );
    if let Some((o, stop, run)) = keep {
        stop.send(true).unwrap();
        run.await.unwrap().unwrap();
        o.close().await;
    }
}

/// Runs this binary as a child in `mode` and returns the JSON line it printed.
fn child(mode: &str, dir: Option<&Path>, secs: f64) -> Value {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.env(CHILD, mode)
        .env("OUTPOST_BENCH_SECS", secs.to_string());
    if let Some(d) = dir {
        cmd.env("OUTPOST_BENCH_DIR", d);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{mode}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

struct Burst {
    posts: usize,
    channels: Vec<(Platform, usize)>,
    dispatch: Vec<i64>,
    published: Vec<i64>,
    service_p50: i64,
    /// (platform, most posts a channel sent within one rate window, allowed).
    worst_window: Vec<(Platform, usize, usize)>,
    window_ms: i64,
    elapsed: Duration,
}

async fn burst(dir: &Path, posts: usize, window_ms: i64, scale: f64) -> Burst {
    use channels_support::{Emulator, NoBrowser, connect_accounts, register_app};
    let x = Emulator::start("x");
    let masto = Emulator::start("mastodon");
    let endpoints = Endpoints::default().with(Platform::X, &x.origin).unwrap();
    let mut opts = channels_support::options(dir, endpoints, Arc::new(NoBrowser::default()));
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    register_app(&o, &x, Platform::X, false).await;
    // Half the posts on each platform, as many channels as their per-channel rates need at full
    // scale (a smaller run keeps the channels, so each carries the same load per second).
    let share = [
        (Platform::X, posts / 2),
        (Platform::Mastodon, posts - posts / 2),
    ];
    let mut channels: Vec<(Platform, String)> = Vec::new();
    for (platform, n) in share {
        let full = (n as f64 / scale.min(1.0)).ceil() as usize;
        let need = full.div_ceil(post_rate(platform).count).clamp(1, n.max(1));
        let emu = if platform == Platform::X { &x } else { &masto };
        for ch in connect_accounts(&o, emu, platform, need, 9_000).await {
            channels.push((platform, ch));
        }
    }
    // Create the posts far ahead, then move them into the minute starting shortly.
    let mut job_due: HashMap<String, i64> = HashMap::new();
    let mut job_channel: HashMap<String, usize> = HashMap::new();
    let later = chrono::DateTime::from_timestamp_millis(outpost_store::now_ms() + 7_200_000)
        .unwrap()
        .to_rfc3339();
    let mut created = Vec::new();
    for (pi, (platform, n)) in share.into_iter().enumerate() {
        let mine: Vec<usize> = (0..channels.len())
            .filter(|&c| channels[c].0 == platform)
            .collect();
        for k in 0..n {
            let c = mine[k % mine.len()];
            let d = o
                .create_post(NewPost {
                    text: format!("burst post {pi}-{k}"),
                    channels: vec![channels[c].1.clone()],
                    at: Some(later.clone()),
                    ..Default::default()
                })
                .await
                .unwrap();
            let job = d.targets[0].job.as_ref().unwrap().id.clone();
            job_channel.insert(job.clone(), c);
            created.push((d.post.id.clone(), job));
        }
    }
    let t0 = outpost_store::now_ms() + 1_000;
    let pool = o.store().pool();
    let mut tx = pool.begin().await.unwrap();
    // Interleave the platforms across the minute.
    created.sort_by_key(|(p, _)| p.clone());
    for (i, (post, job)) in created.iter().enumerate() {
        let due = t0 + (i as i64 * window_ms) / posts as i64;
        sqlx::query("UPDATE posts SET scheduled_at = ?2 WHERE id = ?1")
            .bind(post)
            .bind(due)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("UPDATE publish_jobs SET due_at = ?2 WHERE id = ?1")
            .bind(job)
            .bind(due)
            .execute(&mut *tx)
            .await
            .unwrap();
        job_due.insert(job.clone(), due);
    }
    tx.commit().await.unwrap();

    let sch = Scheduler::new(o.clone(), SchedulerConfig::new(Arc::new(SystemClock)));
    let mut events = o.scheduler_events();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let run = tokio::spawn(async move { sch.run(stop_rx).await });
    let (mut dispatch, mut published, mut service) = (Vec::new(), Vec::new(), Vec::new());
    let mut claimed_at: HashMap<String, i64> = HashMap::new();
    let mut sent_by_channel: HashMap<usize, Vec<i64>> = HashMap::new();
    let deadline =
        Instant::now() + Duration::from_millis(window_ms as u64) + Duration::from_secs(120);
    while published.len() < posts {
        let left = deadline.saturating_duration_since(Instant::now());
        let e = tokio::time::timeout(left, events.recv())
            .await
            .expect("the burst did not finish in time")
            .unwrap();
        if let SchedulerEvent::Job {
            job_id,
            state,
            message,
            ..
        } = e
        {
            let now = outpost_store::now_ms();
            let due = job_due[&job_id];
            match state.as_str() {
                "publishing" => {
                    dispatch.push(now - due);
                    claimed_at.insert(job_id.clone(), now);
                    sent_by_channel
                        .entry(job_channel[&job_id])
                        .or_default()
                        .push(now);
                }
                "published" => {
                    published.push(now - due);
                    service.push(now - claimed_at[&job_id]);
                }
                other => panic!("job {job_id} went {other}: {message:?}"),
            }
        }
    }
    let elapsed = started.elapsed();
    stop.send(true).unwrap();
    run.await.unwrap().unwrap();
    let copies = x.admin_get("posts").await.as_array().unwrap().len()
        + masto.admin_get("posts").await.as_array().unwrap().len();
    assert_eq!(copies, posts, "every post exactly once on the platforms");
    dispatch.sort_unstable();
    published.sort_unstable();
    service.sort_unstable();
    let mut worst: HashMap<Platform, (usize, usize)> = HashMap::new();
    for (c, times) in &sent_by_channel {
        let platform = channels[*c].0;
        let rate = post_rate(platform);
        let most = (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|t| **t < times[i] + rate.window_ms)
                    .count()
            })
            .max()
            .unwrap_or(0);
        let e = worst.entry(platform).or_insert((0, rate.count));
        e.0 = e.0.max(most);
    }
    o.close().await;
    let mut per_platform: HashMap<Platform, usize> = HashMap::new();
    for (p, _) in &channels {
        *per_platform.entry(*p).or_default() += 1;
    }
    Burst {
        posts,
        channels: per_platform.into_iter().collect(),
        service_p50: percentile(&service, 0.5),
        dispatch,
        published,
        worst_window: worst.into_iter().map(|(p, (m, a))| (p, m, a)).collect(),
        window_ms,
        elapsed,
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Ok(mode) = std::env::var(CHILD) {
        let dir = std::env::var_os("OUTPOST_BENCH_DIR").map(PathBuf::from);
        let secs: f64 = std::env::var("OUTPOST_BENCH_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1.0);
        rt.block_on(async {
            match mode.as_str() {
                "recover" => child_recover(dir.as_deref().unwrap()).await,
                "idle" => child_idle(dir.as_deref(), secs).await,
                other => panic!("unknown child mode {other}"),
            }
        });
        return;
    }
    rt.block_on(bench());
}

async fn bench() {
    let scale: f64 = std::env::var("OUTPOST_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let tmp = tempfile::tempdir().unwrap();
    println!("scheduler benchmark (OUTPOST_BENCH_SCALE={scale})");

    // 1. Restart recovery.
    let counts: Vec<usize> = [1_000, 10_000, 100_000]
        .iter()
        .map(|n| ((*n as f64 * scale) as usize).max(100))
        .collect();
    let mut rows = Vec::new();
    for (i, n) in std::iter::once(0).chain(counts.iter().copied()).enumerate() {
        let dir = tmp.path().join(format!("recover-{i}"));
        profile_with_jobs(&dir, n).await;
        // Warm the OS file cache once (a restart finds the file there), then measure.
        let _ = child("recover", Some(&dir), 0.0);
        let runs: Vec<Value> = (0..3).map(|_| child("recover", Some(&dir), 0.0)).collect();
        let median = |k: &str| {
            let mut v: Vec<f64> = runs.iter().map(|r| r[k].as_f64().unwrap()).collect();
            v.sort_by(f64::total_cmp);
            v[1]
        };
        let db = std::fs::metadata(dir.join("outpost.sqlite3"))
            .map(|m| m.len())
            .unwrap_or(0);
        rows.push((
            n,
            median("open_ms"),
            median("armed_ms"),
            median("rss_kib"),
            db,
        ));
    }
    let (_, _, floor_ms, floor_kib, _) = rows[0];
    println!(
        "\n1. restart recovery: open the profile, reconcile, arm the timer (fresh process, median of 3)"
    );
    println!(
        "{:>9} {:>9} {:>10} {:>13} {:>9} {:>12} {:>9}",
        "jobs", "db MiB", "open ms", "recovered ms", "x floor", "RSS MiB", "x floor"
    );
    for (n, open, armed, rss, db) in &rows {
        println!(
            "{:>9} {:>9.1} {:>10.1} {:>13.1} {:>9.2} {:>12.1} {:>9.2}",
            n,
            *db as f64 / 1_048_576.0,
            open,
            armed,
            armed / floor_ms,
            rss / 1024.0,
            rss / floor_kib
        );
    }
    println!(
        "   floor: the same with an empty profile; bar: under 200 ms, memory independent of the count"
    );

    // 2. A burst due within one minute.
    let posts = ((1_000.0 * scale) as usize).max(20);
    let window_ms = ((60_000.0 * scale) as i64).max(3_000);
    let b = burst(&tmp.path().join("burst"), posts, window_ms, scale).await;
    let mut channels: Vec<String> = b
        .channels
        .iter()
        .map(|(p, n)| format!("{n} {}", p.id()))
        .collect();
    channels.sort();
    println!(
        "\n2. {} posts due within {:.0} s on {} channels ({}), real per-channel rates, in {:.1} s",
        b.posts,
        b.window_ms as f64 / 1e3,
        b.channels.iter().map(|(_, n)| n).sum::<usize>(),
        channels.join(", "),
        b.elapsed.as_secs_f64()
    );
    let floor = b.service_p50.max(1) as f64;
    println!("{:<40} {:>9} {:>9}", "lateness", "ms", "x floor");
    for (name, v) in [
        ("dispatch (claimed) p50", percentile(&b.dispatch, 0.5)),
        ("dispatch (claimed) p99", percentile(&b.dispatch, 0.99)),
        ("published (recorded) p50", percentile(&b.published, 0.5)),
        ("published (recorded) p99", percentile(&b.published, 0.99)),
        (
            "published (recorded) max",
            *b.published.last().unwrap_or(&0),
        ),
    ] {
        println!("{name:<40} {v:>9} {:>9.2}", v as f64 / floor);
    }
    println!(
        "   floor: one publication, claim to recorded (median) = {} ms; bar: p99 under 1 s",
        b.service_p50
    );
    let mut worst = b.worst_window.clone();
    worst.sort_by_key(|w| w.0.id());
    for (p, most, allowed) in worst {
        let rate = post_rate(p);
        println!(
            "   {}: at most {most} posts per channel in any {} min window (allowed {allowed}){}",
            p.id(),
            rate.window_ms / 60_000,
            if most <= allowed {
                ""
            } else {
                "  <-- OVER THE RATE"
            }
        );
    }

    // 3. Idle.
    let secs = (60.0 * scale).max(2.0);
    let dir = tmp.path().join(format!("recover-{}", rows.len() - 1));
    let idle = child("idle", Some(&dir), secs);
    let bare = child("idle", None, secs);
    let bare_cpu = bare["cpu_ms"].as_f64().unwrap().max(0.001);
    println!(
        "\n3. idle for {secs:.0} s with {} jobs due tomorrow (/proc, all threads)",
        rows.last().unwrap().0
    );
    println!(
        "{:<40} {:>9} {:>9} {:>13}",
        "", "CPU ms", "x floor", "ctx switches"
    );
    for (name, v) in [
        ("scheduler armed, idle", &idle),
        ("floor: bare tokio runtime", &bare),
    ] {
        let c = v["cpu_ms"].as_f64().unwrap();
        println!(
            "{name:<40} {c:>9.2} {:>9.2} {:>13}",
            c / bare_cpu,
            v["voluntary"].as_i64().unwrap() + v["involuntary"].as_i64().unwrap()
        );
    }
}
