//! `outpost posts create` with per-platform options (DESIGN §3), `channels boards`, `posts cancel`,
//! `posts resolve` and `media-host`, driven through the real binary against the strict platform
//! emulators; what each emulator received is asserted, and a refused flag stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/channels_support/mod.rs"]
mod channels_support;
mod helper_process;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use channels_support::{
    Emulator, NoBrowser, connect_accounts, endpoints_for, options, register_app, uses_secret,
};
use helper_process::{Helper, helper};
use outpost_app::Outpost;
use outpost_platforms::{Platform, Secret};
use serde_json::{Value, json};

const PASSPHRASE: &str = "publish-options test passphrase, not a secret";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";

/// A profile (passphrase vault) with one account of `platform` connected on its emulator (or, for
/// Bluesky, on the reference PDS: no emulator).
struct Rig {
    platform: Platform,
    emu: Option<Emulator>,
    dir: tempfile::TempDir,
    o: Outpost,
    channel: String,
}

async fn rig(platform: Platform) -> Rig {
    let emu = Emulator::start(platform.id());
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(
        dir.path(),
        endpoints_for(platform, &emu),
        Arc::new(NoBrowser::default()),
    );
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    register_app(&o, &emu, platform, uses_secret(platform)).await;
    let channel = connect_accounts(&o, &emu, platform, 1, 8_100)
        .await
        .remove(0);
    Rig {
        platform,
        emu: Some(emu),
        dir,
        o,
        channel,
    }
}

/// A Bluesky account on the reference PDS, connected with its app password.
async fn bluesky_rig() -> Option<(Rig, Helper)> {
    let pds = helper(
        "tests/pds/node_modules",
        "OUTPOST_REQUIRE_PDS",
        "tests/pds/run.sh",
        &[],
    )?;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(
        dir.path(),
        outpost_platforms::Endpoints::default(),
        Arc::new(NoBrowser::default()),
    );
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    let channel = o
        .connect_bluesky(
            pds.info["pds"].as_str(),
            pds.info["handle"].as_str().unwrap(),
            &Secret::new(pds.info["appPassword"].as_str().unwrap()),
        )
        .await
        .unwrap()[0]
        .id
        .clone();
    let rig = Rig {
        platform: Platform::Bluesky,
        emu: None,
        dir,
        o,
        channel,
    };
    Some((rig, pds))
}

/// The S3-compatible test server (moto behind a strict SigV4 check), set as the profile's media
/// host through `outpost media-host set`.
fn media_host(r: &Rig) -> Option<Helper> {
    let s3 = helper(
        "tests/s3/.venv/bin/python",
        "OUTPOST_REQUIRE_S3",
        "tests/s3/.venv/bin/python",
        &[
            channels_support::repo_root()
                .join("tests/s3/start.py")
                .to_str()
                .unwrap(),
            "outpost-media",
        ],
    )?;
    let field = |k: &str| s3.info[k].as_str().unwrap().to_string();
    let o = r.run(
        &[
            "media-host",
            "set",
            "--endpoint",
            &field("endpoint"),
            "--bucket",
            "outpost-media",
            "--region",
            &field("region"),
            "--access-key-id",
            &field("access_key_id"),
            "--secret-access-key-stdin",
            "--path-style",
        ],
        Some(&format!("{}\n", field("secret_access_key"))),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(s3)
}

/// A real image made by ImageMagick (`convert`), e.g. `photo.jpg`.
fn image(r: &Rig, name: &str) -> String {
    image_sized(r, name, "600x600")
}

/// [`image`] of another size (other bytes: not the same file in the media library).
fn image_sized(r: &Rig, name: &str, size: &str) -> String {
    let p = r.dir.path().join(name);
    let out = Command::new("convert")
        .args(["-size", size, "gradient:#c2410c-#fde68a"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p.display().to_string()
}

impl Rig {
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_outpost"));
        cmd.args(args)
            .env("OUTPOST_DATA_DIR", self.dir.path())
            .env("OUTPOST_VAULT_PASSPHRASE", PASSPHRASE)
            .env_remove("OUTPOST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for p in Platform::ALL {
            cmd.env_remove(format!("OUTPOST_ENDPOINT_{}", p.id().to_ascii_uppercase()));
        }
        // Mastodon's server is the channel's instance, Bluesky's its PDS: no endpoint override.
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
        let mut child = cmd.spawn().unwrap();
        {
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                input.write_all(s.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    }

    /// Runs and expects success; the `--json` output.
    fn ok(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let o = self.run(&all, None);
        assert!(
            o.status.success(),
            "outpost {args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        // `run --once` prints one JSON document per line; the others print one document.
        serde_json::from_str(&out)
            .or_else(|_| serde_json::from_str(out.lines().last().unwrap_or("null")))
            .unwrap_or(Value::Null)
    }

    /// Runs and expects a one-line refusal; its text.
    fn refused(&self, args: &[&str]) -> String {
        let o = self.run(args, None);
        assert!(!o.status.success(), "outpost {args:?} should have failed");
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    async fn post_count(&self) -> usize {
        self.o.list_posts(1000, 0).await.unwrap().len()
    }

    /// `posts create` on the rig's channel with `text` and `extra` flags.
    fn create_args<'a>(&'a self, text: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec![
            "posts",
            "create",
            "--channel",
            &self.channel,
            "--text",
            text,
        ];
        a.extend_from_slice(extra);
        a
    }

    /// `posts create` (see [`Rig::create_args`]); the `--json` output.
    fn create(&self, text: &str, extra: &[&str]) -> Value {
        self.ok(&self.create_args(text, extra))
    }

    /// `posts create` that must be refused; the refusal.
    fn create_refused(&self, text: &str, extra: &[&str]) -> String {
        self.refused(&self.create_args(text, extra))
    }

    /// Each flag set the platform does not use is refused naming the field and the platform, and
    /// nothing is stored.
    async fn refuses_fields(&self, base: &[&str], cases: &[(&[&str], &str)]) {
        for (flags, field) in cases {
            let mut a = base.to_vec();
            a.extend_from_slice(flags);
            let e = self.create_refused("x", &a);
            assert!(
                e.contains(field) && e.contains(self.platform.name()),
                "{field}: {e}"
            );
        }
        assert_eq!(self.post_count().await, 0, "a refused post stores nothing");
    }

    /// Imports a one-row CSV (`header`, then `row` with `{c}` for the channel id and `{now}` for
    /// the time now) and publishes what is due.
    fn import_and_publish(&self, header: &str, row: &str) {
        let path = self.dir.path().join("import.csv");
        let row = row
            .replace("{c}", &self.channel)
            .replace("{now}", &chrono::Utc::now().to_rfc3339());
        std::fs::write(&path, format!("{header}\n{row}\n")).unwrap();
        self.ok(&["csv", "import", &path.display().to_string()]);
        self.ok(&["run", "--once"]);
    }

    fn emu(&self) -> &Emulator {
        self.emu.as_ref().unwrap()
    }

    fn file(&self, name: &str, magic: &[u8], len: usize) -> String {
        let p = self.dir.path().join(name);
        let mut bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        bytes[..magic.len()].copy_from_slice(magic);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }
}

fn job_of(detail: &Value) -> (String, String) {
    let j = &detail["targets"][0]["job"];
    (
        j["id"].as_str().unwrap().to_string(),
        j["state"].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn tiktok_privacy_comes_from_the_creators_options_with_no_default() {
    let r = rig(Platform::Tiktok).await;
    let video = r.file("clip.mp4", MP4, 40_000);
    let c = r.channel.clone();
    let base = [
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Hello TikTok",
        "--media",
        &video,
    ];
    // A flag TikTok does not use, and a missing privacy: refused, naming the field.
    let mut a = base.to_vec();
    a.extend(["--privacy", "public", "--board", "549755900000"]);
    let e = r.refused(&a);
    assert!(e.contains("board") && e.contains("TikTok"), "{e}");
    let e = r.refused(&base);
    assert!(e.contains("privacy"), "{e}");
    // A privacy level the creator does not offer.
    r.emu()
        .admin(
            "tiktok-publishing",
            json!({"creator": {"privacy_level_options": ["FOLLOWER_OF_CREATOR", "SELF_ONLY"]}}),
        )
        .await;
    let mut a = base.to_vec();
    a.extend(["--privacy", "public"]);
    let e = r.refused(&a);
    assert!(e.contains("privacy") && e.contains("only_me"), "{e}");
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let mut a = base.to_vec();
    a.extend(["--privacy", "only_me"]);
    r.ok(&a);
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let posts = posts.as_array().unwrap();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(
        posts[0]["post_info"]["privacy_level"], "SELF_ONLY",
        "{posts:?}"
    );
    let list = r.ok(&["posts", "list"]);
    assert_eq!(list[0]["post"]["status"], "published", "{list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pinterest_board_from_the_account_title_and_link_reach_the_pin() {
    let r = rig(Platform::Pinterest).await;
    let boards = r.ok(&["channels", "boards", &r.channel]);
    let boards = boards.as_array().unwrap().clone();
    assert_eq!(boards.len(), 3, "{boards:?}");
    let board = boards[1]["id"].as_str().unwrap().to_string();
    assert!(boards[1]["name"].is_string());
    let img = r.file("pin.png", PNG, 20_000);
    let c = r.channel.clone();
    let base = [
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "A red bicycle",
        "--media",
        &img,
    ];
    assert!(r.refused(&base).contains("board"));
    let mut a = base.to_vec();
    a.extend(["--board", "999"]);
    let e = r.refused(&a);
    assert!(e.contains("board") && e.contains("999"), "{e}");
    let mut a = base.to_vec();
    a.extend(["--board", &board, "--privacy", "public"]);
    let e = r.refused(&a);
    assert!(e.contains("privacy") && e.contains("Pinterest"), "{e}");
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let mut a = base.to_vec();
    a.extend([
        "--board",
        &board,
        "--title",
        "Bikes",
        "--link",
        "https://example.com/bikes",
    ]);
    r.ok(&a);
    r.ok(&["run", "--once"]);
    let pins = r.emu().admin_get("pins").await;
    let pins = pins.as_array().unwrap();
    assert_eq!(pins.len(), 1, "{pins:?}");
    assert_eq!(pins[0]["board_id"], board.as_str(), "{pins:?}");
    assert_eq!(pins[0]["title"], "Bikes");
    assert_eq!(pins[0]["link"], "https://example.com/bikes");

    // Cancel a scheduled post, then publish its job again with `resolve`.
    let mut a = base.to_vec();
    a.extend(["--board", &board, "--at", "2099-01-01T09:00:00Z"]);
    let d = r.ok(&a);
    let post_id = d["post"]["id"].as_str().unwrap().to_string();
    let d = r.ok(&["posts", "cancel", &post_id]);
    let (job, state) = job_of(&d);
    assert_eq!(state, "cancelled", "{d}");
    let e = r.refused(&[
        "posts",
        "resolve",
        &job,
        "publish-now",
        "--url",
        "https://x",
    ]);
    assert!(e.contains("--url"), "{e}");
    let d = r.ok(&["posts", "resolve", &job, "publish-now"]);
    assert_eq!(job_of(&d).1, "scheduled", "{d}");
    r.ok(&["run", "--once"]);
    assert_eq!(r.emu().admin_get("pins").await.as_array().unwrap().len(), 2);
    let d = r.ok(&["posts", "show", &post_id]);
    assert_eq!(job_of(&d).1, "published", "{d}");
    // A published job cannot be cancelled.
    let e = r.refused(&["posts", "resolve", &job, "cancel"]);
    assert!(e.contains("published"), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn youtube_title_and_privacy_reach_the_video_and_mark_published_takes_a_url() {
    let r = rig(Platform::Youtube).await;
    let video = r.file("talk.mp4", MP4, 60_000);
    let c = r.channel.clone();
    let base = [
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "The talk",
        "--media",
        &video,
    ];
    assert!(r.refused(&base).contains("title"));
    let long = "t".repeat(101);
    let mut a = base.to_vec();
    a.extend(["--title", &long]);
    let e = r.refused(&a);
    assert!(e.contains("title") && e.contains("100"), "{e}");
    let mut a = base.to_vec();
    a.extend(["--title", "T", "--privacy", "friends"]);
    assert!(r.refused(&a).contains("privacy"));
    let mut a = base.to_vec();
    a.extend(["--title", "T", "--first-comment", "hi"]);
    assert!(r.refused(&a).contains("first-comment"));
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let mut a = base.to_vec();
    a.extend(["--title", "Conference talk", "--privacy", "unlisted"]);
    r.ok(&a);
    r.ok(&["run", "--once"]);
    let videos = r.emu().admin_get("videos").await;
    let videos = videos.as_array().unwrap();
    assert_eq!(videos.len(), 1, "{videos:?}");
    let v = videos[0].to_string();
    assert!(v.contains("Conference talk"), "{v}");
    assert!(v.contains("unlisted"), "{v}");

    // A cancelled job can be marked published with the URL the user found.
    let mut a = base.to_vec();
    a.extend(["--title", "Later", "--at", "2099-01-01T09:00:00Z"]);
    let d = r.ok(&a);
    let post_id = d["post"]["id"].as_str().unwrap().to_string();
    let (job, _) = job_of(&r.ok(&["posts", "cancel", &post_id]));
    // Only held, failed or unconfirmed jobs can be marked published.
    assert!(
        r.refused(&["posts", "resolve", &job, "mark-published"])
            .contains("cancelled")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn media_host_secret_comes_from_stdin_is_sealed_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_outpost"))
            .args(args)
            .env("OUTPOST_DATA_DIR", dir.path())
            .env("OUTPOST_VAULT_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        {
            let mut input = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                input.write_all(s.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    };
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let set = [
        "media-host",
        "set",
        "--endpoint",
        "https://minio.example.com",
        "--bucket",
        "outpost-media",
        "--region",
        "us-east-1",
        "--access-key-id",
        "AKIAEXAMPLE",
        "--secret-access-key-stdin",
        "--path-style",
    ];
    let o = run(&set, Some(&format!("{secret}\n")));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["--json", "media-host", "show"], None);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["config"]["bucket"], "outpost-media");
    assert_eq!(v["config"]["provider"], "custom");
    assert_eq!(v["has_secret"], true);
    assert!(!out.contains(secret));
    let text = run(&["media-host", "show"], None);
    assert!(!String::from_utf8_lossy(&text.stdout).contains(secret));
    // The secret is sealed: not in the database file in clear.
    let db = std::fs::read(dir.path().join("outpost.sqlite3")).unwrap();
    assert!(!db.windows(secret.len()).any(|w| w == secret.as_bytes()));
    // Without a secret on stdin, nothing is saved.
    let empty = run(&set, Some(""));
    assert!(!empty.status.success());
    let o = run(&["--json", "media-host", "remove"], None);
    assert!(o.status.success());
    let o = run(&["--json", "media-host", "show"], None);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["config"].is_null() && v["has_secret"] == false, "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_columns_carry_the_options_refuse_unused_ones_and_round_trip() {
    let r = rig(Platform::Pinterest).await;
    let boards = r.ok(&["channels", "boards", &r.channel]);
    let board = boards[0]["id"].as_str().unwrap().to_string();
    r.file("pin.png", PNG, 20_000);
    let c = &r.channel;
    // A column the platform does not use: the row is refused naming the column, nothing is created.
    let bad = r.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("text,channels,media,board,privacy\nA bike,{c},pin.png,{board},public\n"),
    )
    .unwrap();
    let bad = bad.display().to_string();
    let o = r.run(&["--json", "csv", "import", &bad], None);
    assert!(!o.status.success());
    let o = r.run(&["--json", "csv", "import", &bad, "--dry-run"], None);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("\"column\":\"privacy\""), "{s}");
    assert!(
        r.refused(&["csv", "import", &bad, "--dry-run"])
            .contains("privacy")
    );
    assert_eq!(r.post_count().await, 0);

    // The columns reach the Pin.
    let good = r.dir.path().join("good.csv");
    std::fs::write(
        &good,
        format!(
            "text,channels,media,time,title,board,link,alt\nA bike,{c},pin.png,{now},Bikes,{board},https://example.com/b,A red bicycle by a wall\n",
            now = chrono::Utc::now().to_rfc3339()
        ),
    )
    .unwrap();
    let good_s = good.display().to_string();
    let o = r.run(&["--json", "csv", "import", &good_s], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    r.ok(&["run", "--once"]);
    let pins = r.emu().admin_get("pins").await;
    let first = pins
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Bikes")
        .unwrap_or_else(|| panic!("{pins}"));
    assert_eq!(first["board_id"], board.as_str());
    assert_eq!(first["link"], "https://example.com/b");
    assert_eq!(first["alt_text"], "A red bicycle by a wall", "{first}");

    // Export → import into the same profile: the columns come back as they were written.
    let future = r.dir.path().join("future.csv");
    std::fs::write(
        &future,
        format!(
            "text,channels,media,time,title,board,link\nUpcoming,{c},pin.png,2099-01-01T09:00:00Z,Next,{board},https://example.com/n\n"
        ),
    )
    .unwrap();
    r.ok(&["csv", "import", &future.display().to_string()]);
    let out = r.dir.path().join("export.csv");
    r.ok(&["csv", "export", "--out", &out.display().to_string()]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("text,channels,time,media,tags,first_comment,title,privacy,board,link,thread,native_schedule,category,made_for_kids,thumbnail,disclose,placement,alt\n"),
        "{text}"
    );
    let line = text.lines().find(|l| l.starts_with("Upcoming")).unwrap();
    assert!(
        line.contains(&format!(",Next,,{board},https://example.com/n,,")),
        "{line}"
    );
    // The alt text is the library file's: the same picture carries it in every export row.
    assert!(line.ends_with(",A red bicycle by a wall"), "{line}");
    // Only the upcoming row imports again (the others have passed).
    let again = r.dir.path().join("again.csv");
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("text,") || l.starts_with("Upcoming"))
        .collect();
    std::fs::write(&again, kept.join("\n") + "\n").unwrap();
    let before = r.post_count().await;
    r.ok(&["csv", "import", &again.display().to_string()]);
    assert_eq!(r.post_count().await, before + 1);
    // Both copies export with the same per-platform columns.
    r.ok(&["csv", "export", "--out", &out.display().to_string()]);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("Upcoming")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].contains(&format!(",Next,,{board},https://example.com/n,,")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mastodon_visibility_thread_and_native_handoff_then_cancel() {
    let r = rig(Platform::Mastodon).await;
    let c = r.channel.clone();
    // A thread with a visibility goes out at once.
    r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "First",
        "--privacy",
        "unlisted",
        "--thread",
        "Second",
    ]);
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let posts = posts.as_array().unwrap();
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert!(
        posts.iter().all(|p| p["visibility"] == "unlisted"),
        "{posts:?}"
    );
    // --board is Pinterest's.
    assert!(
        r.refused(&[
            "posts",
            "create",
            "--channel",
            &c,
            "--text",
            "x",
            "--board",
            "1"
        ])
        .contains("board")
    );
    // Handed to Mastodon's scheduler: sent at once with its time, then withdrawn by cancel.
    let at = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let d = r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Later",
        "--at",
        &at,
        "--native-schedule",
    ]);
    let post_id = d["post"]["id"].as_str().unwrap().to_string();
    r.ok(&["run", "--once"]);
    let scheduled = r.emu().admin_get("scheduled").await;
    assert_eq!(scheduled.as_array().unwrap().len(), 1, "{scheduled}");
    let d = r.ok(&["posts", "show", &post_id]);
    assert!(
        d["targets"][0]["job"]["native_schedule_id"].is_string(),
        "{d}"
    );
    assert_eq!(d["targets"][0]["native_scheduling"], true);
    let d = r.ok(&["posts", "cancel", &post_id]);
    assert_eq!(job_of(&d).1, "cancelled", "{d}");
    let scheduled = r.emu().admin_get("scheduled").await;
    assert_eq!(scheduled.as_array().unwrap().len(), 0, "{scheduled}");
}

/// An MP4 whose `moov` header says it lasts `seconds` (ftyp, moov/mvhd, then filler in mdat).
fn mp4_lasting(seconds: u32) -> Vec<u8> {
    let mut mvhd = Vec::new();
    mvhd.extend_from_slice(&108u32.to_be_bytes());
    mvhd.extend_from_slice(b"mvhd");
    mvhd.extend_from_slice(&[0; 4]); // version 0, flags
    mvhd.extend_from_slice(&[0; 8]); // creation, modification
    mvhd.extend_from_slice(&1000u32.to_be_bytes()); // timescale
    mvhd.extend_from_slice(&(seconds * 1000).to_be_bytes()); // duration
    mvhd.extend_from_slice(&0x0001_0000u32.to_be_bytes()); // rate 1.0
    mvhd.extend_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
    mvhd.extend_from_slice(&[0; 10]);
    for m in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        mvhd.extend_from_slice(&m.to_be_bytes());
    }
    mvhd.extend_from_slice(&[0; 24]);
    mvhd.extend_from_slice(&2u32.to_be_bytes()); // next track id
    let mut out = Vec::new();
    out.extend_from_slice(&24u32.to_be_bytes());
    out.extend_from_slice(b"ftypisom\0\0\x02\0isommp42");
    out.extend_from_slice(&(8 + mvhd.len() as u32).to_be_bytes());
    out.extend_from_slice(b"moov");
    out.extend_from_slice(&mvhd);
    out.extend_from_slice(&(8 + 30_000u32).to_be_bytes());
    out.extend_from_slice(b"mdat");
    out.extend((0..30_000u32).map(|i| (i % 251) as u8));
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn youtube_category_audience_and_thumbnail_reach_the_video() {
    let r = rig(Platform::Youtube).await;
    let video = r.file("talk.mp4", MP4, 60_000);
    let thumb = r.file("thumb.png", PNG, 4_000);
    let c = r.channel.clone();
    let base = [
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "The talk",
        "--media",
        &video,
        "--title",
        "Talk",
    ];
    // A category YouTube does not assign, and options YouTube does not use: refused by name.
    for (extra, field) in [
        (vec!["--category", "99"], "category"),
        (vec!["--alt", "A stage"], "alt"),
        (vec!["--disclose", "your-brand"], "disclose"),
        (vec!["--placement", "reel"], "placement"),
    ] {
        let mut a = base.to_vec();
        a.extend(extra);
        let e = r.refused(&a);
        assert!(e.contains(field), "{field}: {e}");
    }
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let mut a = base.to_vec();
    a.extend(["--category", "27", "--made-for-kids", "--thumbnail", &thumb]);
    r.ok(&a);
    r.ok(&["run", "--once"]);
    let videos = r.emu().admin_get("videos").await;
    let v = &videos.as_array().unwrap()[0];
    assert_eq!(v["snippet"]["categoryId"], "27", "{v}");
    assert_eq!(
        v["metadata"]["status"]["selfDeclaredMadeForKids"], true,
        "{v}"
    );
    assert_eq!(v["status"]["madeForKids"], true, "{v}");
    assert_eq!(v["thumbnail"]["bytes"], 4_000, "{v}");
    // Without the flags: People & Blogs, not made for kids.
    r.ok(&base);
    r.ok(&["run", "--once"]);
    let videos = r.emu().admin_get("videos").await;
    let v = &videos.as_array().unwrap()[1];
    assert_eq!(v["snippet"]["categoryId"], "22", "{v}");
    assert_eq!(
        v["metadata"]["status"]["selfDeclaredMadeForKids"], false,
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tiktok_disclosure_reaches_the_post_and_a_too_long_video_is_refused_first() {
    let r = rig(Platform::Tiktok).await;
    let video = r.file("clip.mp4", MP4, 40_000);
    let c = r.channel.clone();
    let base = [
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Our new roast",
        "--media",
        &video,
    ];
    // Branded content is never private; an unknown disclosure is named.
    let mut a = base.to_vec();
    a.extend(["--privacy", "only_me", "--disclose", "branded-content"]);
    let e = r.refused(&a);
    assert!(e.contains("disclose") && e.contains("private"), "{e}");
    let mut a = base.to_vec();
    a.extend(["--privacy", "followers", "--disclose", "sponsored"]);
    assert!(r.refused(&a).contains("your-brand, branded-content, both"));
    // Longer than the creator's max_video_post_duration_sec (600 s): refused before storing.
    let long = r.dir.path().join("long.mp4");
    std::fs::write(&long, mp4_lasting(700)).unwrap();
    let long = long.display().to_string();
    let e = r.refused(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Long",
        "--media",
        &long,
        "--privacy",
        "followers",
    ]);
    assert!(e.contains("700") && e.contains("600"), "{e}");
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let mut a = base.to_vec();
    a.extend(["--privacy", "followers", "--disclose", "both"]);
    r.ok(&a);
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let info = &posts.as_array().unwrap()[0]["post_info"];
    assert_eq!(info["brand_content_toggle"], true, "{info}");
    assert_eq!(info["brand_organic_toggle"], true, "{info}");
    assert_eq!(info["privacy_level"], "FOLLOWER_OF_CREATOR", "{info}");
}

#[tokio::test(flavor = "multi_thread")]
async fn x_thread_first_reply_and_alt_count() {
    let r = rig(Platform::X).await;
    let c = r.channel.clone();
    // More alt texts than files.
    let e = r.refused(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "x",
        "--alt",
        "A cup",
    ]);
    assert!(e.contains("alt") && e.contains("0 media"), "{e}");
    // --privacy is not X's.
    assert!(
        r.refused(&[
            "posts",
            "create",
            "--channel",
            &c,
            "--text",
            "x",
            "--privacy",
            "public"
        ])
        .contains("privacy")
    );
    r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Brewing notes 1/3",
        "--first-comment",
        "2/3 grind finer",
        "--thread",
        "3/3 enjoy",
    ]);
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let texts: Vec<&str> = posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default())
        .collect();
    // The thread's parts in order; the first comment replies under them.
    assert_eq!(
        texts,
        ["Brewing notes 1/3", "3/3 enjoy", "2/3 grind finer"],
        "{posts}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn facebook_link_post_and_linkedin_first_comment() {
    let r = rig(Platform::Facebook).await;
    let c = r.channel.clone();
    assert!(
        r.refused(&[
            "posts",
            "create",
            "--channel",
            &c,
            "--text",
            "x",
            "--thread",
            "y"
        ])
        .contains("thread")
    );
    r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Our spring menu",
        "--link",
        "https://example.com/menu",
    ]);
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let p = &posts.as_array().unwrap()[0];
    assert_eq!(p["link"], "https://example.com/menu", "{p}");

    let r = rig(Platform::Linkedin).await;
    let c = r.channel.clone();
    r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "We are hiring",
        "--first-comment",
        "Apply at example.com/jobs",
    ]);
    r.ok(&["run", "--once"]);
    assert_eq!(
        r.emu().admin_get("posts").await.as_array().unwrap().len(),
        1
    );
    let comments = r.emu().admin_get("comments").await;
    assert!(
        comments.to_string().contains("Apply at example.com/jobs"),
        "{comments}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn native_default_from_settings_and_an_edit_replaces_the_handed_off_copy() {
    let r = rig(Platform::Mastodon).await;
    let c = r.channel.clone();
    let at = (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
    // Settings → Scheduling hands new posts to the platform: the CLI follows it without a flag…
    r.o.set_native_schedule_default(true).await.unwrap();
    let d = r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Handed over",
        "--at",
        &at,
    ]);
    assert_eq!(d["targets"][0]["native_scheduling"], true, "{d}");
    let post_id = d["post"]["id"].as_str().unwrap().to_string();
    // …and --no-native-schedule keeps one post in Outpost.
    let kept = r.ok(&[
        "posts",
        "create",
        "--channel",
        &c,
        "--text",
        "Kept here",
        "--at",
        &at,
        "--no-native-schedule",
    ]);
    assert_eq!(kept["targets"][0]["native_scheduling"], false, "{kept}");
    r.ok(&["run", "--once"]);
    let scheduled = r.emu().admin_get("scheduled").await;
    assert_eq!(scheduled.as_array().unwrap().len(), 1, "{scheduled}");
    assert!(scheduled.to_string().contains("Handed over"), "{scheduled}");

    // An edit of the handed-off post withdraws the platform's copy and hands over the new text.
    let mut input = r.o.composer_post(&post_id).await.unwrap().input;
    input.text = "Handed over, edited".into();
    r.o.update_post(&post_id, input).await.unwrap();
    r.ok(&["run", "--once"]);
    let scheduled = r.emu().admin_get("scheduled").await;
    let all = scheduled.as_array().unwrap();
    assert_eq!(all.len(), 1, "the old copy is withdrawn: {scheduled}");
    assert!(
        scheduled.to_string().contains("Handed over, edited"),
        "{scheduled}"
    );
    let d = r.ok(&["posts", "show", &post_id]);
    assert!(
        d["targets"][0]["job"]["native_schedule_id"].is_string(),
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn instagram_reel_placement_alt_text_and_first_comment() {
    let r = rig(Platform::Instagram).await;
    let Some(_s3) = media_host(&r) else { return };
    let photo = image(&r, "latte.jpg");
    // Instagram has no threads, no privacy, no link.
    r.refuses_fields(
        &["--media", &photo],
        &[
            (&["--thread", "more"], "thread"),
            (&["--privacy", "public"], "privacy"),
            (&["--link", "https://example.com"], "link"),
        ],
    )
    .await;

    let alt = "A latte with a fern drawn in the foam";
    r.create(
        "Latte art Friday",
        &[
            "--media",
            &photo,
            "--alt",
            alt,
            "--first-comment",
            "#latteart #coffee",
        ],
    );
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let p = &posts.as_array().unwrap()[0];
    assert_eq!(p["media_type"], "IMAGE", "{p}");
    assert_eq!(p["text"], "Latte art Friday", "{p}");
    assert_eq!(p["items"][0]["alt_text"], alt, "{p}");
    assert_eq!(p["comments"][0]["message"], "#latteart #coffee", "{p}");

    // A video shown in the Reels tab only: a reel not shared to the feed.
    let video = r.dir.path().join("pour.mp4");
    std::fs::write(&video, mp4_lasting(12)).unwrap();
    let video = video.display().to_string();
    r.create("The pour", &["--media", &video, "--placement", "reel"]);
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let reel = &posts.as_array().unwrap()[1];
    assert_eq!(reel["media_type"], "REELS", "{reel}");
    assert_eq!(reel["share_to_feed"], false, "{reel}");
    let list = r.ok(&["posts", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter().all(|p| p["post"]["status"] == "published"),
        "{list:?}"
    );
    // The same through a CSV import: the alt text and the first comment columns. The same photo
    // again: the alt text given now is its alt text.
    std::fs::copy(&photo, r.dir.path().join("csv.jpg")).unwrap();
    r.import_and_publish(
        "text,channels,time,media,alt,first_comment",
        "From the CSV,{c},{now},csv.jpg,A cup on a saucer,#fromcsv",
    );
    let posts = r.emu().admin_get("posts").await;
    let p = &posts.as_array().unwrap()[2];
    assert_eq!(p["text"], "From the CSV", "{p}");
    assert_eq!(p["items"][0]["alt_text"], "A cup on a saucer", "{p}");
    assert_eq!(p["comments"][0]["message"], "#fromcsv", "{p}");
}

#[tokio::test(flavor = "multi_thread")]
async fn threads_thread_parts_and_first_reply_in_order() {
    let r = rig(Platform::Threads).await;
    r.refuses_fields(
        &[],
        &[
            (&["--title", "T"], "title"),
            (&["--placement", "reel"], "placement"),
            (&["--privacy", "public"], "privacy"),
        ],
    )
    .await;
    // A part over Threads' 500 characters is named before anything is stored.
    let e = r.create_refused("ok", &["--thread", &"p".repeat(501)]);
    assert!(e.contains("500"), "{e}");
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let parts = [
        "Roasting day 1/3",
        "2/3 first crack at 9 minutes",
        "3/3 resting overnight",
        "Questions welcome",
    ];
    r.create(
        parts[0],
        &[
            "--thread",
            parts[1],
            "--thread",
            parts[2],
            "--first-comment",
            parts[3],
        ],
    );
    r.ok(&["run", "--once"]);
    let posts = r.emu().admin_get("posts").await;
    let posts = posts.as_array().unwrap();
    let texts: Vec<&str> = posts
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(texts, parts, "{posts:?}");
    // Each part replies to the one before; the first reply goes under the thread.
    assert!(posts[0]["reply_to"].is_null(), "{posts:?}");
    for i in 1..3 {
        assert_eq!(posts[i]["reply_to"], posts[i - 1]["id"], "{posts:?}");
    }
    assert!(posts[3]["reply_to"].is_string(), "{posts:?}");
    assert!(posts.iter().all(|p| p["media_type"] == "TEXT"), "{posts:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bluesky_thread_first_reply_and_alt_text_reach_the_pds() {
    let Some((r, pds)) = bluesky_rig().await else {
        return;
    };
    let photo = image(&r, "beans.png");
    r.refuses_fields(
        &[],
        &[
            (&["--link", "https://example.com"], "link"),
            (&["--privacy", "public"], "privacy"),
            (
                &["--native-schedule", "--at", "2099-01-01T09:00:00Z"],
                "native",
            ),
        ],
    )
    .await;
    let e = r.create_refused("x", &["--alt", "one", "--alt", "two", "--media", &photo]);
    assert!(e.contains("alt"), "{e}");
    assert_eq!(r.post_count().await, 0, "a refused post stores nothing");

    let parts = [
        "New beans from Huila",
        "Tasting notes: panela, red apple",
        "On the shelf Monday",
    ];
    let alt = "A paper bag of green coffee beans";
    r.create(
        parts[0],
        &[
            "--media",
            &photo,
            "--alt",
            alt,
            "--thread",
            parts[1],
            "--first-comment",
            parts[2],
        ],
    );
    r.ok(&["run", "--once"]);
    let url = format!(
        "{}/xrpc/com.atproto.repo.listRecords?repo={}&collection=app.bsky.feed.post&limit=100",
        pds.info["pds"].as_str().unwrap(),
        pds.info["did"].as_str().unwrap()
    );
    let v: Value = channels_support::http_client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Record keys are chosen by the client (idempotent writes): order by creation time.
    let mut records = v["records"].as_array().unwrap().clone();
    records.sort_by_key(|r| {
        r["value"]["createdAt"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    });
    let texts: Vec<&str> = records
        .iter()
        .map(|r| r["value"]["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(texts, parts, "{v}");
    let root = &records[0];
    assert_eq!(root["value"]["embed"]["images"][0]["alt"], alt, "{root}");
    assert_eq!(
        records[1]["value"]["reply"]["parent"]["uri"], root["uri"],
        "{v}"
    );
    assert_eq!(
        records[2]["value"]["reply"]["root"]["uri"], root["uri"],
        "{v}"
    );
    let list = r.ok(&["posts", "list"]);
    assert_eq!(list[0]["post"]["status"], "published", "{list}");

    // The same through a CSV import: the alt text and the thread columns.
    image_sized(&r, "csv.png", "640x640");
    r.import_and_publish(
        "text,channels,time,media,alt,thread",
        "From the CSV,{c},{now},csv.png,Beans in a scoop,\"A reply from the CSV\"",
    );
    let v: Value = channels_support::http_client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let records = v["records"].as_array().unwrap();
    let root = records
        .iter()
        .find(|r| r["value"]["text"] == "From the CSV")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(
        root["value"]["embed"]["images"][0]["alt"],
        "Beans in a scoop"
    );
    assert!(
        records
            .iter()
            .any(|r| r["value"]["text"] == "A reply from the CSV"
                && r["value"]["reply"]["parent"]["uri"] == root["uri"]),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unconfirmed_post_is_resolved_from_the_cli() {
    let r = rig(Platform::X).await;
    // The tweet is created but the answer never arrives: X has no idempotency key, so the post
    // is unconfirmed (never sent again blindly).
    r.emu()
        .admin(
            "delay",
            json!({"path": "/2/tweets", "drop_after": true, "times": 1}),
        )
        .await;
    let d = r.create("Did it go out?", &[]);
    let post_id = d["post"]["id"].as_str().unwrap().to_string();
    r.ok(&["run", "--once"]);
    let (job, state) = job_of(&r.ok(&["posts", "show", &post_id]));
    assert_eq!(state, "unconfirmed");
    // The user checked at X: it is live. The address given must be a web address.
    assert!(
        r.refused(&[
            "posts",
            "resolve",
            &job,
            "mark-published",
            "--url",
            "not a url"
        ])
        .contains("url")
    );
    let tweet = r.emu().admin_get("posts").await[0].clone();
    let url = format!("https://x.com/i/status/{}", tweet["id"].as_str().unwrap());
    let d = r.ok(&["posts", "resolve", &job, "mark-published", "--url", &url]);
    let (_, state) = job_of(&d);
    assert_eq!(state, "published", "{d}");
    assert_eq!(d["targets"][0]["job"]["platform_url"], url.as_str(), "{d}");
    assert_eq!(
        r.ok(&["posts", "show", &post_id])["post"]["status"],
        "published"
    );
    assert_eq!(
        r.emu().requests("POST", "/2/tweets").await.len(),
        1,
        "never sent twice"
    );
}

/// The CSV import carries each platform's options as `posts create` does (the columns of
/// CSV_FORMAT.md); what each emulator received is asserted.
#[tokio::test(flavor = "multi_thread")]
async fn csv_import_carries_each_platforms_options() {
    let h = "text,channels,time,media,title,privacy,category,link,first_comment,thread";
    // X: a thread and its first reply.
    let r = rig(Platform::X).await;
    r.import_and_publish(
        h,
        "Beans 1/2,{c},{now},,,,,,Ask away,\"2/2 roasted Monday\"",
    );
    let texts: Vec<String> = r
        .emu()
        .admin_get("posts")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(texts, ["Beans 1/2", "2/2 roasted Monday", "Ask away"]);

    // Mastodon: visibility and a thread of two replies (parts separated by a --- line).
    let r = rig(Platform::Mastodon).await;
    r.import_and_publish(
        h,
        "Menu 1/3,{c},{now},,,unlisted,,,,\"2/3 soups\n---\n3/3 cakes\"",
    );
    let posts = r.emu().admin_get("posts").await;
    let posts = posts.as_array().unwrap();
    let texts: Vec<&str> = posts
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(texts, ["Menu 1/3", "2/3 soups", "3/3 cakes"], "{posts:?}");
    assert!(
        posts.iter().all(|p| p["visibility"] == "unlisted"),
        "{posts:?}"
    );
    assert_eq!(posts[2]["in_reply_to_id"], posts[1]["id"]);

    // Facebook: a link post with a first comment.
    let r = rig(Platform::Facebook).await;
    r.import_and_publish(
        h,
        "Spring menu,{c},{now},,,,,https://example.com/spring,Order ahead,",
    );
    let p = &r.emu().admin_get("posts").await[0];
    assert_eq!(p["link"], "https://example.com/spring", "{p}");
    let comments = r.emu().admin_get("comments").await;
    assert!(comments.to_string().contains("Order ahead"), "{comments}");

    // YouTube: title, privacy and category of a video.
    let r = rig(Platform::Youtube).await;
    r.file("talk.mp4", MP4, 60_000);
    r.import_and_publish(
        h,
        "The talk,{c},{now},talk.mp4,Conference talk,unlisted,27,,,",
    );
    let v = &r.emu().admin_get("videos").await[0];
    assert_eq!(v["snippet"]["title"], "Conference talk", "{v}");
    assert_eq!(v["snippet"]["categoryId"], "27", "{v}");
    assert!(v.to_string().contains("unlisted"), "{v}");

    // TikTok: the privacy, from the creator's own options.
    let r = rig(Platform::Tiktok).await;
    r.file("clip.mp4", MP4, 40_000);
    r.import_and_publish(h, "Our roast,{c},{now},clip.mp4,,followers,,,,");
    let p = &r.emu().admin_get("posts").await[0];
    assert_eq!(
        p["post_info"]["privacy_level"], "FOLLOWER_OF_CREATOR",
        "{p}"
    );

    // Threads and LinkedIn: a thread reply; a first comment.
    let r = rig(Platform::Threads).await;
    r.import_and_publish(h, "Roast day,{c},{now},,,,,,,\"Resting overnight\"");
    let posts = r.emu().admin_get("posts").await;
    let posts = posts.as_array().unwrap();
    assert_eq!(posts.len(), 2, "{posts:?}");
    assert_eq!(posts[1]["reply_to"], posts[0]["id"], "{posts:?}");
    let r = rig(Platform::Linkedin).await;
    r.import_and_publish(h, "We are hiring,{c},{now},,,,,,Apply at example.com/jobs,");
    let comments = r.emu().admin_get("comments").await;
    assert!(
        comments.to_string().contains("Apply at example.com/jobs"),
        "{comments}"
    );
}
