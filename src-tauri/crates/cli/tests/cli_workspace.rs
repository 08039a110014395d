//! `outpost demo seed`, `outpost csv import|export` and `outpost slots …` as scripts see them: JSON
//! fields, exit status, one-line errors, and nothing created by a dry run or a refused import.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn outpost(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_outpost"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        // Nothing here touches a secret; passphrase mode keeps the tests off the keychain.
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

fn post_count(dir: &Path) -> usize {
    let o = outpost(dir, &["posts", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    json(&o).as_array().unwrap().len()
}

fn future_day(days: i64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let day = i64::try_from(secs / 86_400).unwrap() + days;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn demo_seed_fills_an_empty_profile_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let o = outpost(&dir, &["demo", "seed", "--posts", "40", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    for field in [
        "channels",
        "posts",
        "ideas",
        "templates",
        "tags",
        "campaigns",
        "board_columns",
        "media_files",
        "slots",
        "time_zone",
    ] {
        assert!(
            v.get(field).is_some(),
            "demo seed --json lacks {field}: {v}"
        );
    }
    assert_eq!(v["channels"], 6);
    assert!(v["posts"].as_u64().unwrap() >= 38, "{v}");
    assert_eq!(
        post_count(&dir),
        usize::try_from(v["posts"].as_u64().unwrap()).unwrap()
    );
    let again = outpost(&dir, &["demo", "seed"]);
    assert!(!again.status.success());
    let err = stderr(&again);
    assert!(
        err.starts_with("outpost: The profile already holds data"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn csv_dry_run_import_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    assert!(
        outpost(&dir, &["demo", "seed", "--posts", "5"])
            .status
            .success()
    );
    let before = post_count(&dir);
    let d = future_day(3);
    let csv = tmp.path().join("in.csv");
    std::fs::write(
        &csv,
        format!(
            "text,channels,time,tags\n\
             First,x:lumenroasters,{d} 09:00,csv-import\n\
             Second,x:nobody,{d} 10:00,\n\
             Third,bluesky:lumencoffee.bsky.social,{d} 11:00,csv-import\n"
        ),
    )
    .unwrap();
    let path = csv.to_str().unwrap();

    // Dry run: every row listed, the bad one with row and column; exit 1; nothing created.
    let o = outpost(&dir, &["csv", "import", path, "--dry-run", "--json"]);
    assert!(!o.status.success());
    let v = json(&o);
    assert_eq!(v["total_rows"], 3);
    assert_eq!(v["valid_rows"], 2);
    assert_eq!(v["invalid_rows"], 1);
    assert_eq!(v["new_tags"], serde_json::json!(["csv-import"]));
    let bad = &v["rows"][1];
    assert_eq!(bad["row"], 3);
    assert_eq!(bad["errors"][0]["column"], "channels");
    assert!(
        bad["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("@nobody"),
        "{bad}"
    );
    assert!(
        stderr(&o).starts_with("outpost: 1 of 3 rows have errors"),
        "{}",
        stderr(&o)
    );
    assert_eq!(post_count(&dir), before);

    // All or nothing: refused, the errors listed, nothing created.
    let o = outpost(&dir, &["csv", "import", path]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("row 3, channels:"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("outpost: ")).count(),
        1,
        "{err}"
    );
    assert_eq!(post_count(&dir), before);

    // Skip the bad row.
    let o = outpost(&dir, &["csv", "import", path, "--skip-invalid", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["created"], 2);
    assert_eq!(v["skipped_rows"], 1);
    assert_eq!(v["post_ids"].as_array().unwrap().len(), 2);
    assert_eq!(v["tags_created"], serde_json::json!(["csv-import"]));
    assert_eq!(post_count(&dir), before + 2);

    // Export: every post, in the import's columns.
    let out = tmp.path().join("out.csv");
    let o = outpost(
        &dir,
        &["csv", "export", "--out", out.to_str().unwrap(), "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        v["posts"].as_u64().unwrap(),
        u64::try_from(before + 2).unwrap()
    );
    assert!(v["bytes"].as_u64().unwrap() > 0);
    assert_eq!(v["path"], out.to_str().unwrap());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("text,channels,time,media,tags,first_comment"));
    assert!(text.contains("x:lumenroasters"), "{text}");

    // A file that is not CSV at all.
    let o = outpost(&dir, &["csv", "import", "/nonexistent/file.csv"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot be read"), "{}", stderr(&o));
}

#[test]
fn slots_add_list_next_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    assert!(
        outpost(&dir, &["demo", "seed", "--posts", "1"])
            .status
            .success()
    );
    let channels = json(&outpost(&dir, &["channels", "list", "--json"]));
    let id = channels[0]["id"].as_str().unwrap().to_string();
    let o = outpost(
        &dir,
        &[
            "slots",
            "add",
            "--channel",
            &id,
            "--weekday",
            "sun",
            "--time",
            "6:45",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let added = json(&o);
    assert_eq!(added[0]["weekday"], 7);
    assert_eq!(added[0]["local_time"], "06:45");
    let list = json(&outpost(
        &dir,
        &["slots", "list", "--channel", &id, "--json"],
    ));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|s| s["local_time"] == "06:45")
    );
    let next = json(&outpost(
        &dir,
        &["slots", "next", "--channel", &id, "--json"],
    ));
    for field in ["at", "time_zone", "local_time", "slot_time", "channel_ids"] {
        assert!(
            next.get(field).is_some(),
            "slots next --json lacks {field}: {next}"
        );
    }
    let o = outpost(
        &dir,
        &[
            "slots",
            "add",
            "--channel",
            &id,
            "--weekday",
            "8",
            "--time",
            "06:45",
        ],
    );
    assert!(!o.status.success());
    let o = outpost(
        &dir,
        &[
            "slots",
            "add",
            "--channel",
            &id,
            "--weekday",
            "1",
            "--time",
            "25:00",
        ],
    );
    assert!(
        stderr(&o).starts_with("outpost: \"25:00\" is not a time of day"),
        "{}",
        stderr(&o)
    );
    let slot_id = added[0]["id"].as_str().unwrap();
    let o = outpost(&dir, &["slots", "remove", slot_id, "--json"]);
    assert_eq!(json(&o)["deleted"], slot_id);
}

/// `outpost posts attention` lists what the app's Needs attention shows; a decision takes an item
/// off the list.
#[test]
fn attention_lists_what_needs_a_decision_and_resolve_takes_it_off() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let o = outpost(&dir, &["posts", "attention"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Nothing needs attention."));
    let o = outpost(&dir, &["demo", "seed", "--posts", "200", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = json(&outpost(&dir, &["posts", "attention", "--json"]));
    let items = list.as_array().unwrap();
    assert!(!items.is_empty(), "the demo holds failed and held posts");
    for i in items {
        let state = i["state"].as_str().unwrap();
        assert!(
            ["held", "failed", "unconfirmed", "comment_failed"].contains(&state),
            "{i}"
        );
        for field in ["job_id", "post_id", "channel_name", "platform"] {
            assert!(i[field].as_str().is_some_and(|v| !v.is_empty()), "{i}");
        }
    }
    let text = outpost(&dir, &["posts", "attention"]);
    let first = items[0]["job_id"].as_str().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains(first));
    let o = outpost(&dir, &["posts", "resolve", first, "cancel"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = json(&outpost(&dir, &["posts", "attention", "--json"]));
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), items.len() - 1);
    assert!(after.iter().all(|i| i["job_id"] != first));
}

#[test]
fn search_finds_posts_as_the_palette_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("p");
    let o = outpost(&dir, &["demo", "seed", "--posts", "40", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let posts = outpost(&dir, &["posts", "list", "--json"]);
    let list = json(&posts);
    let first = &list.as_array().unwrap()[0]["post"];
    let id = first["id"].as_str().unwrap();
    let body = first["text"].as_str().unwrap().to_string();
    // Its longest word, typed in part: the last word is matched as a prefix.
    let word = body
        .split(|c: char| !c.is_alphanumeric())
        .max_by_key(|w| w.chars().count())
        .unwrap()
        .to_lowercase();
    let typed: String = word.chars().take(word.chars().count() - 1).collect();
    let o = outpost(&dir, &["search", &typed, "--limit", "50", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let found = json(&o);
    let hit = found
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{typed:?} did not find {id}: {found}"));
    assert_eq!(hit["kind"], "post");
    assert!(hit["status"].is_string(), "{hit}");
    let snippet = hit["snippet"].as_str().unwrap().to_lowercase();
    assert!(snippet.contains(&format!("\u{2}{word}\u{3}")), "{snippet}");
    // The human form brackets the matched words.
    let o = outpost(&dir, &["search", &typed, "--limit", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains('['));
    // Operators are literal; nothing matches; a limit outside 1..=50 is refused.
    let o = outpost(&dir, &["search", "zzqx OR \"* NEAR(", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o), serde_json::json!([]));
    let o = outpost(&dir, &["search", "zzqx"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "Nothing found.");
    let o = outpost(&dir, &["search", "post", "--limit", "0"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("0"), "{}", stderr(&o));
}
