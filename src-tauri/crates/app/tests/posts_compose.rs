//! The composer's and the calendar's services on a real SQLite profile: creating and editing posts
//! with library media (every rule re-checked, nothing half-written on a refusal), undoable deletes,
//! rescheduling refusals, the calendar range query with its filters (and its index at 10,000 posts),
//! the live per-platform preview, and autosave.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};

use outpost_app::posts::{CalendarQuery, ComposeInput, ComposeMedia, ComposerDraft, TargetVariant};
use outpost_app::{ErrorCode, OpenOptions, Outpost, Paths, Secret};
use outpost_store::{ChannelKind, ChannelStatus, Platform, channels, now_ms};

struct Profile {
    o: Outpost,
    _dir: tempfile::TempDir,
    files: PathBuf,
}

async fn profile() -> Profile {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::resolve(Some(dir.path().join("data"))).unwrap();
    let mut opts = OpenOptions::new(paths);
    opts.keychain_service = format!("app.outpost.test.{}", uuid::Uuid::new_v4());
    opts.passphrase = Some(Secret::new("compose tests"));
    opts.endpoints = Some(outpost_platforms::Endpoints::default());
    let o = Outpost::open(opts).await.unwrap();
    o.set_time_zone("Europe/Berlin").await.unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    Profile {
        o,
        _dir: dir,
        files,
    }
}

async fn channel(o: &Outpost, platform: Platform, handle: &str, status: ChannelStatus) -> String {
    let id = outpost_store::new_id();
    channels::insert(
        o.store().pool(),
        &channels::Channel {
            id: id.clone(),
            platform,
            platform_account_id: format!("acct-{handle}"),
            kind: ChannelKind::Profile,
            display_name: format!("Display {handle}"),
            handle: handle.to_string(),
            status,
            created_at: now_ms(),
            updated_at: now_ms(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    id
}

fn png(dir: &Path, name: &str, w: u32, h: u32, shade: u8) -> PathBuf {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([shade, (x % 255) as u8, (y % 255) as u8])
    });
    let p = dir.join(name);
    img.save(&p).unwrap();
    p
}

fn input(text: &str, channels: &[&str], at: Option<&str>) -> ComposeInput {
    ComposeInput {
        text: text.into(),
        channels: channels.iter().map(|c| (*c).to_string()).collect(),
        at: at.map(str::to_string),
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    }
}

/// A local time `days` ahead, in Berlin, as the composer sends it.
fn ahead(days: i64, clock: &str) -> String {
    let tz: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let d = chrono::Utc::now().with_timezone(&tz).date_naive() + chrono::Duration::days(days);
    format!("{}T{clock}", d.format("%Y-%m-%d"))
}

async fn post_count(o: &Outpost) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM posts")
        .fetch_one(o.store().pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn media_is_imported_with_thumbnails_and_bad_files_are_refused_by_name() {
    let p = profile().await;
    let img = png(&p.files, "sunrise.png", 1200, 800, 40);
    let item = p.o.import_media_path(&img).await.unwrap();
    assert_eq!(item.kind, "image");
    assert_eq!((item.width, item.height), (Some(1200), Some(800)));
    assert!(
        item.thumbnail
            .as_deref()
            .unwrap()
            .starts_with("data:image/jpeg;base64,")
    );
    // The same content again is the same library item.
    let again = p.o.import_media_path(&img).await.unwrap();
    assert_eq!(again.id, item.id);

    let folder = p.o.import_media_path(&p.files).await.unwrap_err();
    assert_eq!(folder.code(), ErrorCode::InvalidInput);
    assert!(folder.to_string().contains("files is a folder"), "{folder}");

    let txt = p.files.join("notes.txt");
    std::fs::write(&txt, "just words").unwrap();
    let e = p.o.import_media_path(&txt).await.unwrap_err();
    assert!(
        e.to_string().contains("notes.txt") && e.to_string().contains("JPEG, PNG"),
        "{e}"
    );

    // Pasted bytes: an image works, 10 MB of text is refused with a reason.
    let bytes = std::fs::read(png(&p.files, "clip.png", 64, 64, 200)).unwrap();
    let pasted =
        p.o.import_media_bytes("../../clip.png", bytes)
            .await
            .unwrap();
    assert_eq!(pasted.original_name, "clip.png");
    let big =
        p.o.import_media_bytes("paste.txt", vec![b'a'; 10 * 1024 * 1024])
            .await
            .unwrap_err();
    assert!(big.to_string().contains("paste.txt"), "{big}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM media_assets")
        .fetch_one(p.o.store().pool())
        .await
        .unwrap();
    assert_eq!(rows, 2, "refused files leave nothing behind");
}

/// Files only from the user's hand: the window imports by the token the shell got for a file the
/// user picked or dropped; a made-up token (or a path posing as one) is refused with a message that
/// names no file, and a token works once.
#[tokio::test]
async fn the_window_imports_only_files_the_user_picked() {
    let p = profile().await;
    let img = png(&p.files, "dropped.png", 64, 48, 3);
    let picked = p.o.grant_picked_file(img.clone());
    assert_eq!(picked.name, "dropped.png");
    assert!(!picked.token.contains("dropped") && picked.token.len() >= 32);
    let item = p.o.import_picked_media(&picked.token).await.unwrap();
    assert_eq!((item.width, item.height), (Some(64), Some(48)));

    // The same token again, a made-up one, a path: the same neutral refusal, nothing imported.
    let secret = p.files.join("secret-notes.png");
    std::fs::copy(&img, &secret).unwrap();
    let media_count = || async {
        outpost_store::media::list_file_paths(p.o.store().pool())
            .await
            .unwrap()
            .len()
    };
    let before = media_count().await;
    let used = p.o.import_picked_media(&picked.token).await.unwrap_err();
    for token in [
        "0123456789abcdef0123456789abcdef".to_string(),
        secret.display().to_string(),
        "/etc/passwd".to_string(),
        String::new(),
    ] {
        let e = p.o.import_picked_media(&token).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput);
        assert_eq!(
            e.to_string(),
            used.to_string(),
            "one message for every refusal"
        );
        let m = e.to_string();
        assert!(
            !m.contains("secret") && !m.contains("passwd") && !m.contains('/'),
            "the refusal names a file: {m}"
        );
    }
    assert_eq!(media_count().await, before);
}

#[tokio::test]
async fn a_post_is_created_edited_and_refused_once_it_went_out() {
    let p = profile().await;
    let x = channel(&p.o, Platform::X, "ada", ChannelStatus::Connected).await;
    let bsky = channel(
        &p.o,
        Platform::Bluesky,
        "ada.bsky.social",
        ChannelStatus::Connected,
    )
    .await;
    let img =
        p.o.import_media_path(&png(&p.files, "a.png", 300, 200, 1))
            .await
            .unwrap();

    // Over X's limit: refused, nothing written.
    let e =
        p.o.compose_create(input(
            &"a".repeat(281),
            &[&x, &bsky],
            Some(&ahead(2, "09:30:00")),
        ))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("X (ada)"), "{e}");
    assert_eq!(post_count(&p.o).await, 0);

    let mut i = input("Launch day 🚀", &[&x, &bsky], Some(&ahead(2, "09:30:00")));
    i.media = vec![ComposeMedia {
        media_id: img.id.clone(),
        alt: Some("A gradient".into()),
    }];
    i.variants = vec![TargetVariant {
        channel_id: bsky.clone(),
        caption: Some("Launch day on Bluesky".into()),
        ..Default::default()
    }];
    let d = p.o.compose_create(i.clone()).await.unwrap();
    assert_eq!(d.post.status, "scheduled");
    assert_eq!(d.targets.len(), 2);
    assert_eq!(d.media_count, 1);
    assert_eq!(
        d.post.local_time.as_deref(),
        Some(ahead(2, "09:30:00").as_str())
    );

    // The composer reopens it as it was.
    let c = p.o.composer_post(&d.post.id).await.unwrap();
    assert!(c.editable);
    assert_eq!(c.media[0].alt, "A gradient");
    assert_eq!(c.input.channels, vec![x.clone(), bsky.clone()]);
    let v = c
        .input
        .variants
        .iter()
        .find(|v| v.channel_id == bsky)
        .unwrap();
    assert_eq!(v.caption.as_deref(), Some("Launch day on Bluesky"));

    // Edit: new text, only X, a later time; an invalid edit changes nothing.
    let bad = input(&"b".repeat(300), &[&x], Some(&ahead(3, "10:00:00")));
    assert!(p.o.update_post(&d.post.id, bad).await.is_err());
    assert_eq!(
        p.o.post_detail(&d.post.id).await.unwrap().post.text,
        "Launch day 🚀"
    );
    let e2 =
        p.o.update_post(
            &d.post.id,
            input("Moved and shortened", &[&x], Some(&ahead(3, "10:00:00"))),
        )
        .await
        .unwrap();
    assert_eq!(e2.post.text, "Moved and shortened");
    assert_eq!(e2.targets.len(), 1);
    assert_eq!(e2.media_count, 0);
    let job = e2.targets[0].job.as_ref().unwrap();
    assert_eq!(job.state, "scheduled");
    assert_eq!(Some(job.due_at), e2.post.scheduled_at);

    // Published on a channel: no more edits or moves.
    sqlx::query("UPDATE publish_jobs SET state = 'published'")
        .execute(p.o.store().pool())
        .await
        .unwrap();
    let e =
        p.o.update_post(
            &d.post.id,
            input("again", &[&x], Some(&ahead(3, "10:00:00"))),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("can no longer be edited"), "{e}");
    assert!(!p.o.composer_post(&d.post.id).await.unwrap().editable);
    let e =
        p.o.move_post_to_date(&d.post.id, &ahead(5, "")[..10])
            .await
            .unwrap_err();
    assert!(e.to_string().contains("cannot be moved"), "{e}");
}

#[tokio::test]
async fn rescheduling_keeps_the_time_of_day_and_refuses_the_past() {
    let p = profile().await;
    let x = channel(&p.o, Platform::X, "ada", ChannelStatus::Connected).await;
    let d =
        p.o.compose_create(input("hello", &[&x], Some(&ahead(2, "18:45:00"))))
            .await
            .unwrap();
    let moved =
        p.o.move_post_to_date(&d.post.id, &ahead(9, "")[..10])
            .await
            .unwrap();
    assert_eq!(
        moved.post.local_time.as_deref(),
        Some(ahead(9, "18:45:00").as_str())
    );
    assert_eq!(
        moved.targets[0].job.as_ref().unwrap().due_at,
        moved.post.scheduled_at.unwrap()
    );

    let past =
        p.o.move_post_to_date(&d.post.id, &ahead(-1, "")[..10])
            .await
            .unwrap_err();
    assert_eq!(past.code(), ErrorCode::InvalidInput);
    assert!(past.to_string().contains("has already passed"), "{past}");
    let e =
        p.o.reschedule_post(&d.post.id, "2020-01-01 09:00", None)
            .await
            .unwrap_err();
    assert!(e.to_string().contains("has already passed"), "{e}");
    // Nothing moved.
    assert_eq!(
        p.o.post_detail(&d.post.id).await.unwrap().post.local_time,
        moved.post.local_time
    );
    let e =
        p.o.move_post_to_date(&d.post.id, "next tuesday")
            .await
            .unwrap_err();
    assert!(e.to_string().contains("not a date"), "{e}");
}

#[tokio::test]
async fn a_deleted_post_comes_back_with_undo_exactly_once() {
    let p = profile().await;
    let x = channel(&p.o, Platform::X, "ada", ChannelStatus::Connected).await;
    let img =
        p.o.import_media_path(&png(&p.files, "u.png", 50, 50, 9))
            .await
            .unwrap();
    let mut i = input("undo me", &[&x], Some(&ahead(4, "08:00:00")));
    i.media = vec![ComposeMedia {
        media_id: img.id,
        alt: None,
    }];
    let before = p.o.compose_create(i).await.unwrap();
    let deleted = p.o.delete_post_with_undo(&before.post.id).await.unwrap();
    assert_eq!(
        p.o.post_detail(&before.post.id).await.unwrap_err().code(),
        ErrorCode::NotFound
    );
    let after = p.o.restore_post(&deleted.undo_token).await.unwrap();
    assert_eq!(after, before, "restored exactly as it was");
    let again = p.o.restore_post(&deleted.undo_token).await.unwrap_err();
    assert!(
        again.to_string().contains("can no longer be undone"),
        "{again}"
    );
}

#[tokio::test]
async fn the_preview_counts_like_each_platform_and_lists_every_broken_rule() {
    let p = profile().await;
    let x = channel(&p.o, Platform::X, "ada", ChannelStatus::Connected).await;
    let b = channel(
        &p.o,
        Platform::Bluesky,
        "ada.bsky",
        ChannelStatus::Connected,
    )
    .await;
    let y = channel(&p.o, Platform::Youtube, "adatube", ChannelStatus::Connected).await;
    let m = channel(
        &p.o,
        Platform::Mastodon,
        "ada@mastodon.social",
        ChannelStatus::ReconnectNeeded,
    )
    .await;
    let mut media = Vec::new();
    for n in 0..5u8 {
        let it =
            p.o.import_media_path(&png(&p.files, &format!("m{n}.png"), 20, 20, n))
                .await
                .unwrap();
        media.push(ComposeMedia {
            media_id: it.id,
            alt: None,
        });
    }
    let text = "Read https://example.com/a/very/long/path/indeed 👩‍👩‍👧";
    let mut i = input(text, &[&x, &b, &y, &m], None);
    i.media = media;
    i.variants = vec![
        TargetVariant {
            channel_id: x.clone(),
            thread_parts: vec!["part two".into()],
            first_comment: Some("first reply".into()),
            ..Default::default()
        },
        TargetVariant {
            channel_id: b.clone(),
            first_comment: Some("c".repeat(301)),
            ..Default::default()
        },
    ];
    let previews = p.o.preview_post(&i).await.unwrap();
    let by = |id: &str| previews.iter().find(|p| p.channel_id == id).unwrap();

    let px = by(&x);
    assert_eq!(px.counting, "weighted");
    // "Read " 5 + URL 23 + " " 1 + family emoji 2.
    assert_eq!(px.parts[0].count, 31);
    assert_eq!(px.parts[0].max, 280);
    assert_eq!(px.parts[1].kind, "thread");
    // The first comment is a reply after the thread, counted against a post's limit.
    assert_eq!(
        (
            px.parts[2].kind.as_str(),
            px.parts[2].count,
            px.parts[2].max
        ),
        ("first_comment", 11, 280)
    );
    assert!(px.violations.iter().any(|v| v.rule == "too_many_images"));

    let pb = by(&b);
    assert_eq!(pb.counting, "graphemes");
    assert_eq!(pb.parts[0].count, 5 + 43 + 1 + 1);
    assert_eq!(pb.parts.len(), 2, "the thread is X's variant only");
    assert_eq!(
        (
            pb.parts[1].kind.as_str(),
            pb.parts[1].count,
            pb.parts[1].max
        ),
        ("first_comment", 301, 300)
    );
    assert!(
        pb.violations
            .iter()
            .any(|v| v.part == 1 && v.rule == "text_too_long"),
        "{:?}",
        pb.violations
    );

    let py = by(&y);
    let rules: Vec<&str> = py.violations.iter().map(|v| v.rule.as_str()).collect();
    assert!(
        rules.contains(&"title_required") && rules.contains(&"video_required"),
        "{rules:?}"
    );
    assert_eq!(py.max_title, Some(100));

    assert!(
        by(&m)
            .violations
            .iter()
            .any(|v| v.rule == "reconnect_needed")
    );

    // Threads counts an emoji as its UTF-8 bytes: 497 characters and one emoji are 501, over 500,
    // in the composer's counter (this preview) as at publish time.
    let t = channel(&p.o, Platform::Threads, "threads", ChannelStatus::Connected).await;
    let over = format!("{}👍", "a".repeat(497));
    let previews = p.o.preview_post(&input(&over, &[&t], None)).await.unwrap();
    let pt = &previews[0];
    assert_eq!(pt.counting, "emoji_bytes");
    assert_eq!((pt.parts[0].count, pt.parts[0].max), (501, 500));
    assert!(pt.violations.iter().any(|v| v.rule == "text_too_long"));
    let fits = format!("{}👍", "a".repeat(496));
    let previews = p.o.preview_post(&input(&fits, &[&t], None)).await.unwrap();
    assert_eq!(previews[0].parts[0].count, 500);
    assert!(
        previews[0].violations.is_empty(),
        "{:?}",
        previews[0].violations
    );

    // 10 MB of text is refused before any counting.
    let e =
        p.o.preview_post(&input(&"a".repeat(10 * 1024 * 1024), &[&x], None))
            .await
            .unwrap_err();
    assert!(e.to_string().contains("at most 256 KB"), "{e}");
}

#[tokio::test]
async fn the_composer_is_autosaved_and_restored() {
    let p = profile().await;
    assert!(p.o.composer_autosaved().await.unwrap().is_none());
    let draft = ComposerDraft {
        post_id: None,
        input: input("half-written thought", &[], None),
        saved_at: 0,
    };
    p.o.composer_autosave(&draft).await.unwrap();
    let back = p.o.composer_autosaved().await.unwrap().unwrap();
    assert_eq!(back.input.text, "half-written thought");
    assert!(back.saved_at > 0);
    p.o.composer_discard_autosave().await.unwrap();
    p.o.composer_discard_autosave().await.unwrap();
    assert!(p.o.composer_autosaved().await.unwrap().is_none());
    let huge = ComposerDraft {
        input: input(&"x".repeat(300 * 1024), &[], None),
        ..draft
    };
    assert!(p.o.composer_autosave(&huge).await.is_err());
}

#[tokio::test]
async fn the_calendar_range_is_filtered_dst_exact_and_index_backed_at_10000_posts() {
    let p = profile().await;
    let x = channel(&p.o, Platform::X, "ada", ChannelStatus::Connected).await;
    let l = channel(&p.o, Platform::Linkedin, "ada-li", ChannelStatus::Connected).await;
    let pool = p.o.store().pool();
    sqlx::query("INSERT INTO tags (id, name, colour, created_at) VALUES ('t1', 'launch', '', 0)")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO campaigns (id, name, created_at, updated_at) VALUES ('c1', 'Winter', 0, 0)",
    )
    .execute(pool)
    .await
    .unwrap();
    // 10,000 posts over 2026, every 52 minutes or so, alternating channels and statuses.
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .timestamp_millis();
    let mut tx = pool.begin().await.unwrap();
    for n in 0..10_000i64 {
        let id = format!("p{n:05}");
        let at = start + n * 3_153_600;
        let status = if n % 3 == 0 { "published" } else { "scheduled" };
        let campaign = if n % 10 == 0 { Some("c1") } else { None };
        sqlx::query("INSERT INTO posts (id, body, status, scheduled_at, time_zone, local_time, campaign_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'Europe/Berlin', '', ?5, 0, 0)")
            .bind(&id).bind(format!("Post number {n}")).bind(status).bind(at).bind(campaign)
            .execute(&mut *tx).await.unwrap();
        let ch = if n % 2 == 0 { &x } else { &l };
        sqlx::query("INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES (?1, ?2, ?3, 0, 0)")
            .bind(format!("t{n:05}")).bind(&id).bind(ch)
            .execute(&mut *tx).await.unwrap();
        if n % 7 == 0 {
            sqlx::query("INSERT INTO post_tags (post_id, tag_id) VALUES (?1, 't1')")
                .bind(&id)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();

    let q = |from: &str, to: &str| CalendarQuery {
        from: from.into(),
        to: to.into(),
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    };
    let expect = |f: &dyn Fn(i64) -> bool, from_ms: i64, to_ms: i64| {
        (0..10_000i64)
            .filter(|n| {
                let at = start + n * 3_153_600;
                at >= from_ms && at < to_ms && f(*n)
            })
            .count()
    };
    let berlin = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    };
    // March 2026 in Berlin: from 1 March 00:00 +01:00 to 1 April 00:00 +02:00 (DST on 29 March).
    let (mf, mt) = (
        berlin("2026-03-01T00:00:00+01:00"),
        berlin("2026-04-01T00:00:00+02:00"),
    );
    let t0 = std::time::Instant::now();
    let month =
        p.o.calendar_posts(&q("2026-03-01", "2026-04-01"))
            .await
            .unwrap();
    let elapsed = t0.elapsed();
    println!(
        "calendar month query at 10,000 posts: {} posts in {:.2} ms",
        month.items.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    assert_eq!(month.items.len(), expect(&|_| true, mf, mt));
    assert!(
        month
            .items
            .windows(2)
            .all(|w| w[0].scheduled_at <= w[1].scheduled_at)
    );
    assert!(
        month
            .items
            .iter()
            .all(|i| i.local_time.starts_with("2026-03"))
    );
    let first = &month.items[0];
    assert_eq!(first.channels.len(), 1);
    assert_eq!(
        first.job_states,
        vec!["draft".to_string()],
        "no job: a draft target"
    );

    // Filters: channel, status, tag, campaign.
    let mut fq = q("2026-03-01", "2026-04-01");
    fq.channel_ids = vec![l.clone()];
    fq.statuses = vec!["scheduled".into()];
    let f = p.o.calendar_posts(&fq).await.unwrap();
    assert_eq!(f.items.len(), expect(&|n| n % 2 == 1 && n % 3 != 0, mf, mt));
    assert!(
        f.items
            .iter()
            .all(|i| i.channels[0].platform == outpost_platforms::Platform::Linkedin)
    );
    let mut tq = q("2026-03-01", "2026-04-01");
    tq.tag_ids = vec!["t1".into()];
    tq.campaign_id = Some("c1".into());
    let t = p.o.calendar_posts(&tq).await.unwrap();
    assert_eq!(
        t.items.len(),
        expect(&|n| n % 7 == 0 && n % 10 == 0, mf, mt)
    );
    assert!(!t.items.is_empty());

    // The DST day has 23 hours: its range ends at midnight +02:00.
    let dst =
        p.o.calendar_posts(&q("2026-03-29", "2026-03-30"))
            .await
            .unwrap();
    assert_eq!(
        dst.items.len(),
        expect(
            &|_| true,
            berlin("2026-03-29T00:00:00+01:00"),
            berlin("2026-03-30T00:00:00+02:00")
        )
    );

    // Index-backed: the plan searches posts by scheduled_at.
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "EXPLAIN QUERY PLAN SELECT p.id FROM posts p INDEXED BY posts_scheduled_at WHERE p.scheduled_at IS NOT NULL AND p.scheduled_at >= 1 AND p.scheduled_at < 2 ORDER BY p.scheduled_at, p.id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(
        plan.iter()
            .any(|r| r.3.contains("SEARCH") && r.3.contains("posts_scheduled_at")),
        "{plan:?}"
    );

    let bad =
        p.o.calendar_posts(&q("2026-04-01", "2026-03-01"))
            .await
            .unwrap_err();
    assert!(bad.to_string().contains("after its start"), "{bad}");
    let mut sq = q("2026-03-01", "2026-04-01");
    sq.statuses = vec!["lost".into()];
    assert!(
        p.o.calendar_posts(&sq)
            .await
            .unwrap_err()
            .to_string()
            .contains("not a post status")
    );

    // The board shows every post (#15): the first opening places all 10,000 in the column for
    // their status; later openings only read. Timed against the month query above (the floor).
    let t0 = std::time::Instant::now();
    let board =
        p.o.board(&outpost_app::workspace::BoardFilter::default())
            .await
            .unwrap();
    let first_open = t0.elapsed();
    let t0 = std::time::Instant::now();
    let again =
        p.o.board(&outpost_app::workspace::BoardFilter::default())
            .await
            .unwrap();
    let steady = t0.elapsed();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "board at 10,000 posts: first opening (placing every post) {:.1} ms, then {:.1} ms; month query {:.2} ms (ratio {:.0}x)",
        ms(first_open),
        ms(steady),
        ms(elapsed),
        ms(steady) / ms(elapsed).max(0.001)
    );
    assert_eq!(board.cards.len(), 10_000);
    assert_eq!(again, board);
    let column = |name: &str| board.columns.iter().find(|c| c.name == name).unwrap();
    assert_eq!(column("Published").card_count, 3_334);
    assert_eq!(column("Scheduled").card_count, 6_666);
    // Positions stay gap-free in each column.
    let scheduled: Vec<u32> = board
        .cards
        .iter()
        .filter(|c| c.column_id == column("Scheduled").id)
        .map(|c| c.position)
        .collect();
    assert_eq!(scheduled, (0..6_666).collect::<Vec<u32>>());
}
