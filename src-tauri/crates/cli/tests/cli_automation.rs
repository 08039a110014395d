//! `outpost feeds …` and `outpost posts recycle` as scripts see them: JSON fields, exit status,
//! one-line errors, against a local feed server (std threads) and the demo workspace.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn outpost(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpost"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("OUTPOST_VAULT_PASSPHRASE", "correct horse battery staple")
        .env("TZ", "UTC")
        .output()
        .expect("run outpost")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Serves `/feed.xml` (RSS with an ETag, 304 when it matches) and `/page` (HTML); counts requests
/// that carried `If-None-Match`.
fn server() -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let conditional = Arc::new(Mutex::new(0usize));
    let c2 = conditional.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let inm = head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("if-none-match: \"v1\""));
            let (status, extra, body) = if path == "/page" {
                (
                    "200 OK",
                    String::new(),
                    "<!DOCTYPE html><html>hi</html>".to_string(),
                )
            } else if inm {
                *c2.lock().unwrap() += 1;
                ("304 Not Modified", "ETag: \"v1\"\r\n".into(), String::new())
            } else {
                (
                    "200 OK",
                    "ETag: \"v1\"\r\nContent-Type: application/rss+xml\r\n".into(),
                    r#"<rss version="2.0"><channel><title>Journal</title>
<item><title>Fresh roast</title><link>https://blog.example/2</link><guid>g2</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Old roast</title><link>https://blog.example/1</link><guid>g1</guid><pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>"#
                        .to_string(),
                )
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
                body.len()
            );
        }
    });
    (base, conditional)
}

fn mastodon_channel(dir: &Path) -> String {
    let o = outpost(dir, &["channels", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    json(&o)
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["platform"] == "mastodon")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn feeds_add_poll_list_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    assert!(
        outpost(&dir, &["demo", "seed", "--posts", "10"])
            .status
            .success()
    );
    let ch = mastodon_channel(&dir);
    let (base, conditional) = server();
    let url = format!("{base}/feed.xml");

    // A template variable that does not exist: refused, one line, nothing stored.
    let o = outpost(
        &dir,
        &[
            "feeds",
            "add",
            &url,
            "--channel",
            &ch,
            "--template",
            "{{title}} by {{author}}",
        ],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.starts_with("outpost: ") && err.contains("{{author}}"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    let o = outpost(
        &dir,
        &["feeds", "add", &url, "--channel", &ch, "--mode", "later"],
    );
    assert!(!o.status.success());

    let o = outpost(
        &dir,
        &[
            "feeds",
            "add",
            &url,
            "--channel",
            &ch,
            "--mode",
            "draft",
            "--template",
            "{{title}}: {{link}}",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let f = json(&o);
    for field in [
        "id",
        "url",
        "title",
        "channel_ids",
        "mode",
        "template",
        "include_keywords",
        "exclude_keywords",
        "backfill_limit",
        "poll_every_minutes",
        "paused",
        "last_status",
        "last_error",
        "last_polled_at",
        "next_poll_at",
        "items_seen",
        "created_at",
    ] {
        assert!(
            f.get(field).is_some(),
            "feeds add --json lacks {field}: {f}"
        );
    }
    assert_eq!(
        (f["mode"].as_str(), f["last_status"].as_str()),
        (Some("draft"), Some("new"))
    );
    let id = f["id"].as_str().unwrap().to_string();

    // First poll: the newest item becomes a draft (backfill 1), the older one is skipped.
    let o = outpost(&dir, &["feeds", "poll", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["posts_created"], 1, "{r}");
    let items = r["feeds"][0]["items"].as_array().unwrap();
    let outcomes: Vec<&str> = items
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes.len(), 2);
    assert!(
        outcomes.contains(&"draft") && outcomes.contains(&"skipped"),
        "{r}"
    );
    let post_id = items.iter().find(|i| i["outcome"] == "draft").unwrap()["post_id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = outpost(&dir, &["posts", "show", &post_id, "--json"]);
    assert_eq!(
        json(&o)["post"]["text"],
        "Fresh roast: https://blog.example/2"
    );

    // Second poll (another process): conditional, nothing new.
    let o = outpost(&dir, &["feeds", "poll", "--json"]);
    let r = json(&o);
    assert_eq!(
        (
            r["posts_created"].as_u64(),
            r["feeds"][0]["status"].as_str()
        ),
        (Some(0), Some("not_modified"))
    );
    assert_eq!(*conditional.lock().unwrap(), 1);

    let o = outpost(&dir, &["feeds", "list", "--json"]);
    let l = json(&o);
    assert_eq!(l[0]["items_seen"], 2);
    assert_eq!(l[0]["title"], "Journal");
    let o = outpost(&dir, &["feeds", "list"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains(&id));

    // A web page: the poll says so and exits 1.
    let o = outpost(
        &dir,
        &[
            "feeds",
            "add",
            &format!("{base}/page"),
            "--channel",
            &ch,
            "--json",
        ],
    );
    let page = json(&o)["id"].as_str().unwrap().to_string();
    let o = outpost(&dir, &["feeds", "poll", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    let bad = r["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["feed_id"] == page.as_str())
        .unwrap();
    assert_eq!(bad["status"], "error");
    assert!(
        bad["error"].as_str().unwrap().contains("not a feed"),
        "{bad}"
    );

    let o = outpost(&dir, &["feeds", "remove", &page, "--json"]);
    assert_eq!(json(&o)["deleted"], page.as_str());
    let o = outpost(&dir, &["feeds", "remove", &page]);
    assert!(!o.status.success());
    assert!(stderr(&o).starts_with("outpost: "));
    assert_eq!(
        json(&outpost(&dir, &["feeds", "list", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn posts_recycle_on_and_off() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    assert!(
        outpost(&dir, &["demo", "seed", "--posts", "10"])
            .status
            .success()
    );
    let ch = mastodon_channel(&dir);
    let o = outpost(
        &dir,
        &[
            "posts",
            "create",
            "--channel",
            &ch,
            "--text",
            "Evergreen guide",
            "--draft",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let id = json(&o)["post"]["id"].as_str().unwrap().to_string();

    let o = outpost(&dir, &["posts", "recycle", &id]);
    assert!(!o.status.success(), "--every or --off is required");
    let o = outpost(&dir, &["posts", "recycle", &id, "--every", "0"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("1 to 3650 days"), "{}", stderr(&o));
    let o = outpost(
        &dir,
        &[
            "posts",
            "recycle",
            &id,
            "--every",
            "7",
            "--until",
            "not-a-date",
        ],
    );
    assert!(stderr(&o).contains("YYYY-MM-DD"), "{}", stderr(&o));

    let o = outpost(
        &dir,
        &[
            "posts",
            "recycle",
            &id,
            "--every",
            "14",
            "--until",
            "2099-12-31",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    for field in [
        "post_id",
        "every_days",
        "min_gap_days",
        "until_at",
        "last_at",
        "next_due_at",
        "last_message",
        "copies",
    ] {
        assert!(
            v.get(field).is_some(),
            "posts recycle --json lacks {field}: {v}"
        );
    }
    assert_eq!(
        (v["every_days"].as_u64(), v["min_gap_days"].as_u64()),
        (Some(14), Some(14))
    );
    let o = outpost(&dir, &["posts", "recycle", &id, "--off", "--json"]);
    let v = json(&o);
    assert_eq!(
        (v["evergreen"].as_bool(), v["was_evergreen"].as_bool()),
        (Some(false), Some(true))
    );
    let o = outpost(&dir, &["posts", "recycle", &id, "--off"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("was not evergreen"));
}
