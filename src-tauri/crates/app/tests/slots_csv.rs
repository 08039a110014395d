//! Posting slots (DST in two zones, next free slot with occupied slots, add to queue), bulk CSV
//! (every bad input, dry run creates nothing, all-or-nothing, skip invalid, export round trip) and
//! the demo workspace, against a real SQLite profile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, TimeZone};
use outpost_app::csv_posts::{CsvImportMode, CsvPreview};
use outpost_app::posts::{NewMedia, NewPost};
use outpost_app::slots::WeeklySlot;
use outpost_app::{ErrorCode, OpenOptions, Outpost, Paths, Secret};
use outpost_store::{ChannelKind, ChannelStatus, Platform, channels, now_ms};

async fn open(dir: &Path) -> Outpost {
    let paths = Paths::resolve(Some(dir.to_path_buf())).unwrap();
    let mut o = OpenOptions::new(paths);
    o.keychain_service = format!("app.outpost.test.{}", uuid::Uuid::new_v4());
    // These tests never touch a secret; passphrase mode keeps them off the keychain.
    o.passphrase = Some(Secret::new("correct horse battery staple"));
    Outpost::open(o).await.unwrap()
}

async fn channel(o: &Outpost, platform: Platform, handle: &str) -> String {
    let now = now_ms();
    let row = channels::Channel {
        id: outpost_store::new_id(),
        platform,
        instance_url: if platform == Platform::Mastodon {
            "https://mastodon.example".into()
        } else {
            String::new()
        },
        platform_account_id: format!("acct-{handle}"),
        kind: ChannelKind::Profile,
        display_name: format!("{handle} name"),
        handle: handle.into(),
        status: ChannelStatus::Connected,
        created_at: now,
        updated_at: now,
        ..Default::default()
    };
    channels::insert(o.store().pool(), &row).await.unwrap();
    row.id
}

fn slot(weekday: u8, t: &str) -> WeeklySlot {
    WeeklySlot {
        weekday,
        local_time: t.into(),
    }
}

/// Unix ms of a wall-clock time given with its offset.
fn at(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

async fn count(o: &Outpost, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(o.store().pool())
        .await
        .unwrap()
}

fn png(path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), 8, 8);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&[200u8; 8 * 8 * 3]).unwrap();
    w.finish().unwrap();
}

// ---------------------------------------------------------------- slots

#[tokio::test]
async fn slots_keep_their_wall_clock_time_across_dst_in_berlin() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    o.set_time_zone("Europe/Berlin").await.unwrap();
    let ch = channel(&o, Platform::Mastodon, "me").await;
    o.add_posting_slot(&ch, &slot(1, "9:00")).await.unwrap();
    // Monday 09:00 is 08:00 UTC in winter and 07:00 UTC in summer (DST began 2030-03-31).
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(at("2030-03-20T00:00:00Z")))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-03-25T09:00:00");
    assert_eq!(s.at, at("2030-03-25T08:00:00Z"));
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(s.at))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-04-01T09:00:00");
    assert_eq!(s.at, at("2030-04-01T07:00:00Z"));

    // A Sunday 02:30 slot: on 2030-03-31 02:30 does not exist — it moves to 03:30.
    let ch2 = channel(&o, Platform::Mastodon, "two").await;
    o.add_posting_slot(&ch2, &slot(7, "02:30")).await.unwrap();
    let s = o
        .next_free_slot(std::slice::from_ref(&ch2), Some(at("2030-03-29T00:00:00Z")))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-03-31T03:30:00");
    assert_eq!(s.slot_time, "02:30");
    let s = o
        .next_free_slot(std::slice::from_ref(&ch2), Some(s.at))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-04-07T02:30:00");

    // On 2030-10-27 02:30 happens twice: the slot is taken once, at the first (summer) instant.
    let s = o
        .next_free_slot(std::slice::from_ref(&ch2), Some(at("2030-10-25T00:00:00Z")))
        .await
        .unwrap();
    assert_eq!(s.at, at("2030-10-27T02:30:00+02:00"));
    let s2 = o
        .next_free_slot(std::slice::from_ref(&ch2), Some(s.at))
        .await
        .unwrap();
    assert_eq!(
        s2.local_time, "2030-11-03T02:30:00",
        "not again an hour later"
    );
    o.close().await;
}

#[tokio::test]
async fn slots_keep_their_wall_clock_time_across_dst_in_new_york() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    o.set_time_zone("America/New_York").await.unwrap();
    let ch = channel(&o, Platform::Mastodon, "ny").await;
    o.set_posting_slots(&ch, &[slot(7, "02:15"), slot(7, "01:30"), slot(3, "18:00")])
        .await
        .unwrap();
    let slots = o.posting_slots(&ch).await.unwrap();
    assert_eq!(slots.len(), 3);
    assert!(slots.iter().all(|s| s.time_zone == "America/New_York"));
    // 2030-03-10: clocks jump 02:00 → 03:00. 01:30 exists, 02:15 moves to 03:15.
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(at("2030-03-09T12:00:00Z")))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-03-10T01:30:00");
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(s.at))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-03-10T03:15:00");
    assert_eq!(s.at, at("2030-03-10T03:15:00-04:00"));
    // Wednesday 18:00 stays 18:00 local: 22:00 UTC in summer.
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(s.at))
        .await
        .unwrap();
    assert_eq!(s.at, at("2030-03-13T22:00:00Z"));
    // 2030-11-03: 01:30 happens twice; once only, at the first (EDT) instant.
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(at("2030-11-02T12:00:00Z")))
        .await
        .unwrap();
    assert_eq!(s.at, at("2030-11-03T01:30:00-04:00"));
    let s = o
        .next_free_slot(std::slice::from_ref(&ch), Some(s.at))
        .await
        .unwrap();
    assert_eq!(s.local_time, "2030-11-03T02:15:00");
    o.close().await;
}

#[tokio::test]
async fn slot_editing_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    o.set_time_zone("Europe/Berlin").await.unwrap();
    let ch = channel(&o, Platform::X, "edit").await;
    let added = o.add_posting_slot(&ch, &slot(2, "9:05")).await.unwrap();
    assert_eq!((added.weekday, added.local_time.as_str()), (2, "09:05"));
    let dup = o
        .add_posting_slot(&ch, &slot(2, "09:05"))
        .await
        .unwrap_err();
    assert!(
        dup.to_string()
            .contains("already has a slot on Tuesday at 09:05"),
        "{dup}"
    );
    for (w, t, want) in [
        (2, "25:00", "not a time of day"),
        (2, "nine", "not a time of day"),
        (8, "09:00", "not a weekday"),
        (0, "09:00", "not a weekday"),
    ] {
        let e = o.add_posting_slot(&ch, &slot(w, t)).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        assert!(e.to_string().contains(want), "{w} {t}: {e}");
    }
    let e = o
        .add_posting_slot("nope", &slot(1, "09:00"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    // A bad entry in a replacement changes nothing.
    let e = o
        .set_posting_slots(&ch, &[slot(1, "08:00"), slot(9, "08:00")])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not a weekday"));
    assert_eq!(o.posting_slots(&ch).await.unwrap().len(), 1);
    o.remove_posting_slot(&added.id).await.unwrap();
    assert!(o.posting_slots(&ch).await.unwrap().is_empty());
    let e = o
        .next_free_slot(std::slice::from_ref(&ch), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no posting times"), "{e}");
    o.close().await;
}

#[tokio::test]
async fn next_free_slot_skips_slots_taken_on_any_of_the_channels_and_add_to_queue_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    o.set_time_zone("UTC").await.unwrap();
    let a = channel(&o, Platform::Mastodon, "a").await;
    let b = channel(&o, Platform::Mastodon, "b").await;
    // Tomorrow's weekday, so every slot lies in the future.
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Duration::days(1);
    let wd = u8::try_from(tomorrow.weekday().number_from_monday()).unwrap();
    o.set_posting_slots(&a, &[slot(wd, "09:00"), slot(wd, "12:00")])
        .await
        .unwrap();
    o.add_posting_slot(&b, &slot(wd, "10:00")).await.unwrap();
    let day = tomorrow.format("%Y-%m-%d").to_string();

    let first = o
        .next_free_slot(std::slice::from_ref(&a), None)
        .await
        .unwrap();
    assert_eq!(first.local_time, format!("{day}T09:00:00"));
    // A post on A at 09:00 takes that slot…
    let p = o
        .create_post(NewPost {
            text: "taken".into(),
            channels: vec![a.clone()],
            at: Some(format!("{day} 09:00")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(p.post.status, "scheduled");
    let s = o
        .next_free_slot(std::slice::from_ref(&a), None)
        .await
        .unwrap();
    assert_eq!(s.local_time, format!("{day}T12:00:00"));
    // …for A and B together the next one is B's 10:00, free on both.
    let s = o
        .next_free_slot(&[a.clone(), b.clone()], None)
        .await
        .unwrap();
    assert_eq!(s.local_time, format!("{day}T10:00:00"));
    assert_eq!(s.channel_ids, vec![b.clone()]);
    // A draft does not take a slot.
    o.create_post(NewPost {
        text: "draft".into(),
        channels: vec![a.clone()],
        draft: true,
        ..Default::default()
    })
    .await
    .unwrap();
    // Add to queue on A: created at 12:00 through the posts service.
    let q = o
        .add_to_queue(NewPost {
            text: "queued".into(),
            channels: vec![a.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(q.post.status, "scheduled");
    assert_eq!(
        q.post.local_time.as_deref(),
        Some(format!("{day}T12:00:00").as_str())
    );
    assert_eq!(q.post.time_zone.as_deref(), Some("UTC"));
    assert_eq!(q.targets[0].job.as_ref().unwrap().state, "scheduled");
    // Both of A's slots that day are now taken: next week.
    let s = o
        .next_free_slot(std::slice::from_ref(&a), None)
        .await
        .unwrap();
    let next_week = (tomorrow + chrono::Duration::days(7)).format("%Y-%m-%d");
    assert_eq!(s.local_time, format!("{next_week}T09:00:00"));
    // Add to queue still checks every rule: text over X's limit on an X channel is refused.
    let x = channel(&o, Platform::X, "xq").await;
    o.add_posting_slot(&x, &slot(wd, "15:00")).await.unwrap();
    let e = o
        .add_to_queue(NewPost {
            text: "a".repeat(400),
            channels: vec![x],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert_eq!(
        count(&o, "posts").await,
        3,
        "nothing created by the refused one"
    );
    o.close().await;
}

// ---------------------------------------------------------------- CSV

struct CsvSetup {
    _dir: tempfile::TempDir,
    o: Outpost,
    folder: PathBuf,
    x: String,
}

async fn csv_setup() -> CsvSetup {
    let dir = tempfile::tempdir().unwrap();
    let o = open(&dir.path().join("profile")).await;
    o.set_time_zone("Europe/Berlin").await.unwrap();
    let x = channel(&o, Platform::X, "lumen").await;
    channel(&o, Platform::Mastodon, "lumen@mastodon.example").await;
    channel(&o, Platform::Bluesky, "twin.bsky.social").await;
    let folder = dir.path().join("sheet");
    std::fs::create_dir_all(folder.join("pics")).unwrap();
    png(&folder.join("pics/cup.png"));
    std::fs::write(folder.join("notes.txt"), "just text").unwrap();
    CsvSetup {
        _dir: dir,
        o,
        folder,
        x,
    }
}

fn write(folder: &Path, name: &str, body: &str) -> PathBuf {
    let p = folder.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn row(p: &CsvPreview, n: u32) -> &outpost_app::csv_posts::CsvRowPreview {
    p.rows.iter().find(|r| r.row == n).unwrap()
}

fn assert_row_error(p: &CsvPreview, n: u32, column: Option<&str>, fragment: &str) {
    let r = row(p, n);
    assert!(
        r.errors.iter().any(|e| e.column.as_deref() == column
            && e.message.contains(fragment)
            && e.row == Some(n)),
        "row {n}: want {column:?} {fragment:?}, got {:?}",
        r.errors
    );
}

fn future_day(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn csv_dry_run_lists_every_bad_row_and_creates_nothing() {
    let s = csv_setup().await;
    let d = future_day(3);
    let long = "word ".repeat(80);
    let body = format!(
        "text,channels,time,media,tags,first_comment\n\
         Fine post,x:@Lumen,{d} 09:00,pics/cup.png,launch;coffee,\n\
         Unknown channel,x:nobody,{d} 09:00,,,\n\
         Unknown platform,myspace:lumen,{d} 09:00,,,\n\
         Bad date,x:lumen,next tuesday,,,\n\
         Past date,x:lumen,2020-01-01 09:00,,,\n\
         DST gap,x:lumen,2030-03-31 02:30,,,\n\
         DST overlap,x:lumen,2030-10-27 02:30,,,\n\
         Missing media,x:lumen,{d} 09:00,pics/nope.png,,\n\
         Folder as media,x:lumen,{d} 09:00,pics,,\n\
         Not an image,x:lumen,{d} 09:00,notes.txt,,\n\
         \"{long}\",x:lumen,{d} 09:00,,,\n\
         Too few fields,x:lumen\n\
         No channel,,{d} 09:00,,,\n\
         ,x:lumen,{d} 09:00,,,\n\
         Draft without time,mastodon:lumen@mastodon.example;bluesky:twin.bsky.social,,,,\n"
    );
    let file = write(&s.folder, "posts.csv", &body);
    let p = s.o.preview_csv(&file).await.unwrap();
    assert!(p.file_errors.is_empty(), "{:?}", p.file_errors);
    assert_eq!(p.total_rows, 15);
    assert_eq!(p.valid_rows, 2, "{:#?}", p.issues());
    assert_eq!(p.invalid_rows, 13);
    assert!(row(&p, 2).errors.is_empty(), "{:?}", row(&p, 2).errors);
    assert_eq!(
        row(&p, 2).local_time.as_deref(),
        Some(format!("{d} 09:00").as_str())
    );
    assert_eq!(row(&p, 2).channel_labels, vec!["X @lumen"]);
    assert_row_error(&p, 3, Some("channels"), "no X channel @nobody");
    assert_row_error(&p, 4, Some("channels"), "\"myspace\" is not a platform");
    assert_row_error(&p, 5, Some("time"), "not a time Outpost understands");
    assert_row_error(&p, 6, Some("time"), "has already passed");
    assert_row_error(&p, 7, Some("time"), "does not exist in Europe/Berlin");
    assert_row_error(&p, 8, Some("time"), "happens twice");
    assert_row_error(&p, 9, Some("media"), "pics/nope.png does not exist");
    assert_row_error(&p, 10, Some("media"), "is a folder");
    assert_row_error(&p, 11, Some("media"), "not an image or video");
    assert_row_error(&p, 12, Some("text"), "X (lumen)");
    assert_row_error(&p, 13, None, "the row has 2 fields but the header has 6");
    assert_row_error(&p, 14, Some("channels"), "no channel is given");
    assert_row_error(&p, 15, Some("text"), "neither text nor media");
    assert!(row(&p, 16).errors.is_empty(), "{:?}", row(&p, 16).errors);
    assert!(row(&p, 16).draft);
    assert_eq!(p.new_tags, vec!["coffee", "launch"]);
    // The dry run wrote nothing.
    for t in [
        "posts",
        "post_targets",
        "publish_jobs",
        "tags",
        "media_assets",
    ] {
        assert_eq!(count(&s.o, t).await, 0, "{t}");
    }
    // All or nothing: refused, still nothing.
    let e =
        s.o.import_csv(&file, CsvImportMode::AllOrNothing)
            .await
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(
        e.to_string()
            .contains("13 of 15 rows have errors; nothing was imported"),
        "{e}"
    );
    for t in ["posts", "tags", "media_assets"] {
        assert_eq!(count(&s.o, t).await, 0, "{t}");
    }
    // The valid rows, after the user saw the preview.
    let done =
        s.o.import_csv(&file, CsvImportMode::SkipInvalid)
            .await
            .unwrap();
    assert_eq!(done.created, 2);
    assert_eq!(done.skipped_rows, 13);
    assert_eq!(done.tags_created, vec!["launch", "coffee"]);
    assert_eq!(count(&s.o, "posts").await, 2);
    assert_eq!(count(&s.o, "post_tags").await, 2);
    let first = s.o.post_detail(&done.post_ids[0]).await.unwrap();
    assert_eq!(first.post.status, "scheduled");
    assert_eq!(first.media_count, 1);
    assert_eq!(first.targets[0].channel_id, s.x);
    let draft = s.o.post_detail(&done.post_ids[1]).await.unwrap();
    assert_eq!(draft.post.status, "draft");
    assert_eq!(draft.targets.len(), 2);
    s.o.close().await;
}

#[tokio::test]
async fn csv_files_that_cannot_be_read_are_refused_as_a_whole() {
    let s = csv_setup().await;
    let d = future_day(2);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", b"".to_vec(), "the file is empty"),
        ("header.csv", b"text,channels\n".to_vec(), "no rows"),
        (
            "wrong.csv",
            format!("message,channels,when\nhi,x:lumen,{d} 09:00\n").into_bytes(),
            "unknown column \"message\"",
        ),
        (
            "missing.csv",
            format!("text,time\nhi,{d} 09:00\n").into_bytes(),
            "lacks the column channels",
        ),
        (
            "latin1.csv",
            b"text,channels\ncaf\xe9,x:lumen\n".to_vec(),
            "not UTF-8 text (first bad byte on line 2)",
        ),
        ("utf16.csv", vec![0xFF, 0xFE, b't', 0, b'e', 0], "UTF-16"),
    ];
    for (name, bytes, want) in cases {
        let p = s.folder.join(name);
        std::fs::write(&p, bytes).unwrap();
        let preview = s.o.preview_csv(&p).await.unwrap();
        assert_eq!(preview.file_errors.len(), 1, "{name}");
        assert!(
            preview.file_errors[0].message.contains(want),
            "{name}: {:?}",
            preview.file_errors
        );
        assert_eq!(preview.file_errors[0].row, None);
        let e =
            s.o.import_csv(&p, CsvImportMode::SkipInvalid)
                .await
                .unwrap_err();
        assert!(
            e.to_string().contains("nothing was imported"),
            "{name}: {e}"
        );
    }
    // Too large: refused before it is read.
    let big = s.folder.join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(outpost_app::csv_posts::MAX_CSV_BYTES + 1)
        .unwrap();
    let preview = s.o.preview_csv(&big).await.unwrap();
    assert!(
        preview.file_errors[0].message.contains("at most 10 MB"),
        "{:?}",
        preview.file_errors
    );
    assert_eq!(count(&s.o, "posts").await, 0);
    s.o.close().await;
}

#[tokio::test]
async fn csv_export_imports_back_into_another_profile() {
    let s = csv_setup().await;
    let d = future_day(4);
    let cup = s.folder.join("pics/cup.png");
    let p1 =
        s.o.create_post(NewPost {
            text: "Roast day, \"quoted\", with a comma\nand a second line".into(),
            channels: vec![s.x.clone()],
            media: vec![NewMedia {
                path: cup,
                alt: None,
            }],
            at: Some(format!("{d} 10:15")),
            ..Default::default()
        })
        .await
        .unwrap();
    let tag = outpost_store::tags::Tag {
        id: outpost_store::new_id(),
        name: "launch".into(),
        colour: String::new(),
        created_at: now_ms(),
    };
    outpost_store::tags::insert(s.o.store().pool(), &tag)
        .await
        .unwrap();
    outpost_store::tags::tag_post(s.o.store().pool(), &p1.post.id, &tag.id)
        .await
        .unwrap();
    let import = write(
        &s.folder,
        "in.csv",
        "text,channels,first_comment\nA draft for two,mastodon:lumen@mastodon.example;bluesky:twin.bsky.social,Comment below\n",
    );
    s.o.import_csv(&import, CsvImportMode::AllOrNothing)
        .await
        .unwrap();

    let out = s.folder.join("export.csv");
    let summary = s.o.export_csv(&out).await.unwrap();
    assert_eq!(summary.posts, 2);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with(
            "text,channels,time,media,tags,first_comment,title,privacy,board,link,thread,native_schedule,category,made_for_kids,thumbnail,disclose,placement,alt\n"
        ),
        "{text}"
    );
    assert!(text.contains("x:lumen"), "{text}");
    assert!(text.contains("Comment below"), "{text}");

    // Another profile with the same accounts (other ids): the export imports there.
    let dir2 = tempfile::tempdir().unwrap();
    let o2 = open(dir2.path()).await;
    o2.set_time_zone("America/New_York").await.unwrap();
    channel(&o2, Platform::X, "lumen").await;
    channel(&o2, Platform::Mastodon, "lumen@mastodon.example").await;
    channel(&o2, Platform::Bluesky, "twin.bsky.social").await;
    let preview = o2.preview_csv(&out).await.unwrap();
    assert_eq!(preview.invalid_rows, 0, "{:?}", preview.issues());
    let done = o2
        .import_csv(&out, CsvImportMode::AllOrNothing)
        .await
        .unwrap();
    assert_eq!(done.created, 2);
    let back = o2.post_detail(&done.post_ids[0]).await.unwrap();
    assert_eq!(back.post.text, p1.post.text);
    assert_eq!(back.post.scheduled_at, p1.post.scheduled_at, "same instant");
    assert_eq!(back.media_count, 1);
    let draft = o2.post_detail(&done.post_ids[1]).await.unwrap();
    assert_eq!(draft.post.status, "draft");
    assert_eq!(draft.targets.len(), 2);
    assert_eq!(done.tags_created, vec!["launch"]);
    // And exporting that profile gives the same rows (times in the posts' own offset).
    let again = dir2.path().join("again.csv");
    o2.export_csv(&again).await.unwrap();
    let lines = |p: &Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| {
                // Media paths point into each profile's own library.
                l.split(".png").last().unwrap_or(l).to_string()
            })
            .collect()
    };
    assert_eq!(lines(&out).len(), lines(&again).len());
    o2.close().await;
    s.o.close().await;
}

// ---------------------------------------------------------------- demo

#[tokio::test]
async fn demo_seed_fills_an_empty_profile_never_publishes_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    o.set_time_zone("Europe/Berlin").await.unwrap();
    let summary = o.seed_demo(90).await.unwrap();
    assert_eq!(summary.channels, 6);
    assert!(summary.posts >= 85, "{summary:?}");
    assert_eq!(summary.media_files, 6);
    assert!(summary.slots > 20);
    for (t, min) in [
        ("channels", 6),
        ("ideas", 10),
        ("templates", 5),
        ("tags", 8),
        ("campaigns", 3),
        ("board_columns", 5),
        ("post_media", 5),
        ("post_tags", 10),
        ("posting_slots", 20),
    ] {
        assert!(count(&o, t).await >= min, "{t}");
    }
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM posts ORDER BY status")
            .fetch_all(o.store().pool())
            .await
            .unwrap();
    for s in ["draft", "failed", "published", "scheduled"] {
        assert!(statuses.contains(&s.to_string()), "{statuses:?}");
    }
    let tz = chrono_tz::Europe::Berlin;
    let months: std::collections::BTreeSet<u32> = sqlx::query_scalar::<_, i64>(
        "SELECT scheduled_at FROM posts WHERE scheduled_at IS NOT NULL",
    )
    .fetch_all(o.store().pool())
    .await
    .unwrap()
    .into_iter()
    .map(|ms| tz.timestamp_millis_opt(ms).unwrap().month())
    .collect();
    assert_eq!(months.len(), 3, "last, this and next month: {months:?}");
    let channels = o.channels().await.unwrap();
    for c in &channels {
        assert!(o.is_demo_channel(&c.id).await.unwrap());
        assert!(c.display_name.ends_with("· Demo"), "{}", c.display_name);
    }
    // A demo post that comes due is held with the reason, never sent anywhere.
    let x = channels
        .iter()
        .find(|c| c.platform == outpost_platforms::Platform::X)
        .unwrap();
    let due = o
        .create_post(NewPost {
            text: "due now on a demo channel".into(),
            channels: vec![x.id.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    let sched = outpost_app::scheduler::Scheduler::new(
        o.clone(),
        outpost_app::scheduler::SchedulerConfig::new(Arc::new(outpost_app::scheduler::SystemClock)),
    );
    sched.run_once().await.unwrap();
    let d = o.post_detail(&due.post.id).await.unwrap();
    let job = d.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "held");
    assert!(
        job.hold_reason
            .as_deref()
            .unwrap_or("")
            .contains("Demo channel"),
        "{job:?}"
    );
    assert_eq!(job.attempt_count, 0, "nothing was attempted");

    let e = o.seed_demo(10).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ProfileNotEmpty);
    assert!(e.to_string().contains("channels: 6"), "{e}");
    o.close().await;
}

/// The Needs attention panel pages through the items: each page is that slice of the full list
/// (what `outpost posts attention` prints), with the total, and past the end is empty.
#[tokio::test]
async fn needs_attention_pages_are_slices_of_the_full_list_with_its_total() {
    let dir = tempfile::tempdir().unwrap();
    let o = open(dir.path()).await;
    o.seed_demo(1500).await.unwrap();
    let all = o.needs_attention().await.unwrap();
    assert!(
        all.len() > 25,
        "the demo leaves items to decide: {}",
        all.len()
    );
    let total = u32::try_from(all.len()).unwrap();
    let first = o.needs_attention_page(0, 3).await.unwrap();
    assert_eq!((first.total, first.items.as_slice()), (total, &all[..3]));
    let mut paged = Vec::new();
    let mut offset = 0;
    while offset < total {
        let page = o.needs_attention_page(offset, 20).await.unwrap();
        assert_eq!(page.total, total);
        assert!(!page.items.is_empty() && page.items.len() <= 20);
        offset += u32::try_from(page.items.len()).unwrap();
        paged.extend(page.items);
    }
    assert_eq!(paged, all);
    let past = o.needs_attention_page(total, 20).await.unwrap();
    assert_eq!((past.total, past.items.len()), (total, 0));
    o.close().await;
}
