//! The analytics PDF report on a real profile (real SQLite file) seeded with published posts and
//! metric snapshots: the same inputs give the same bytes; the text (read back with `lopdf`) holds
//! the period, the channels, the headline numbers with their change against the previous period,
//! the top posts and each platform's data limits; a channel filter narrows it; bad input is a clear
//! error that leaves nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data_support;

use std::path::Path;

use outpost_app::{ErrorCode, Outpost};

const MASTODON: &str = "01900000-0000-7000-8000-000000000010";
const X: &str = "01900000-0000-7000-8000-000000000011";

/// Unix ms of a UTC date-time `YYYY-MM-DDTHH:MM`.
fn at(s: &str) -> i64 {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

async fn exec(o: &Outpost, sql: &str) {
    sqlx::query(sql).execute(o.store().pool()).await.unwrap();
}

/// A post published on `channel` at `when` with its counters read twice (the later reading counts).
async fn published(o: &Outpost, n: u32, channel: &str, when: &str, text: &str, counts: [u32; 3]) {
    let t = at(when);
    let (post, target, job) = (format!("p{n}"), format!("t{n}"), format!("j{n}"));
    exec(o, &format!("INSERT INTO posts (id, body, status, created_at, updated_at) VALUES ('{post}', '{text}', 'published', {t}, {t})")).await;
    exec(o, &format!("INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES ('{target}', '{post}', '{channel}', {t}, {t})")).await;
    exec(o, &format!("INSERT INTO publish_jobs (id, post_target_id, state, due_at, attempt_count, platform_post_id, published_at, created_at, updated_at) VALUES ('{job}', '{target}', 'published', {t}, 1, 'remote-{n}', {t}, {t}, {t})")).await;
    for (i, m) in ["likes", "reposts", "replies"].iter().enumerate() {
        let v = counts[i];
        exec(o, &format!("INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES ('s{n}{m}a', '{channel}', '{target}', '{m}', {}, {})", v / 2, t + 3_600_000)).await;
        exec(o, &format!("INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES ('s{n}{m}b', '{channel}', '{target}', '{m}', {v}, {})", t + 86_400_000)).await;
    }
}

async fn followers(o: &Outpost, channel: &str, when: &str, v: u32) {
    let t = at(when);
    exec(o, &format!("INSERT INTO analytics_snapshots (id, channel_id, metric, value, captured_at) VALUES ('f{channel}{t}', '{channel}', 'followers', {v}, {t})")).await;
}

async fn seeded(dir: &Path) -> Outpost {
    let (o, _) = data_support::open(dir).await;
    exec(
        &o,
        "INSERT INTO settings (key, value, updated_at) VALUES ('time_zone', '\"UTC\"', 1)",
    )
    .await;
    exec(&o, &format!("INSERT INTO channels (id, platform, instance_url, platform_account_id, kind, display_name, handle, status, created_at, updated_at) VALUES ('{MASTODON}', 'mastodon', 'https://example.social', 'acct-1', 'profile', 'Zoë Example', '@zoe', 'connected', 1, 1)")).await;
    exec(&o, &format!("INSERT INTO channels (id, platform, platform_account_id, kind, display_name, status, created_at, updated_at) VALUES ('{X}', 'x', 'acct-2', 'profile', 'X account', 'connected', 2, 2)")).await;
    exec(&o, &format!("INSERT INTO analytics_channels (channel_id, state, message, last_synced_at, updated_at) VALUES ('{MASTODON}', 'synced', NULL, 5, 5)")).await;
    // The previous period (2026-10-02 .. 2026-10-31): one post, engagement 10.
    published(
        &o,
        1,
        MASTODON,
        "2026-10-15T10:00",
        "October warm-up",
        [6, 2, 2],
    )
    .await;
    // This period (2026-11-01 .. 2026-11-30): engagement 20 + 40 + 5 on Mastodon, 7 on X.
    published(
        &o,
        2,
        MASTODON,
        "2026-11-03T09:00",
        "Launch day is here",
        [12, 4, 4],
    )
    .await;
    published(
        &o,
        3,
        MASTODON,
        "2026-11-10T18:30",
        "Behind the scenes thread",
        [30, 6, 4],
    )
    .await;
    published(
        &o,
        4,
        MASTODON,
        "2026-11-20T08:00",
        "Quiet Friday note",
        [3, 1, 1],
    )
    .await;
    published(
        &o,
        5,
        X,
        "2026-11-21T12:00",
        "Cross-posted teaser on X",
        [5, 1, 1],
    )
    .await;
    // After the period: never in the report.
    published(
        &o,
        6,
        MASTODON,
        "2026-12-02T12:00",
        "December news",
        [99, 9, 9],
    )
    .await;
    followers(&o, MASTODON, "2026-10-01T00:00", 100).await;
    followers(&o, MASTODON, "2026-10-31T12:00", 150).await;
    followers(&o, MASTODON, "2026-11-15T12:00", 180).await;
    followers(&o, MASTODON, "2026-11-30T12:00", 200).await;
    o
}

fn text_of(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

#[tokio::test]
async fn report_is_deterministic_and_says_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let o = seeded(&dir.path().join("profile")).await;
    let (a, b) = (dir.path().join("a.pdf"), dir.path().join("b.pdf"));
    let s = o
        .analytics_report(&a, Some("2026-11-01"), Some("2026-11-30"), &[])
        .await
        .unwrap();
    assert_eq!(
        (s.from.as_str(), s.to.as_str()),
        ("2026-11-01", "2026-11-30")
    );
    assert_eq!((s.channels, s.posts), (2, 4), "{s:?}");
    o.analytics_report(&b, Some("2026-11-01"), Some("2026-11-30"), &[])
        .await
        .unwrap();
    let (pa, pb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(pa.starts_with(b"%PDF-"));
    assert_eq!(pa, pb, "two builds of the same report differ");
    assert_eq!(s.bytes as usize, pa.len());

    let text = text_of(&pa);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Period: 2026-11-01 to 2026-11-30 (30 days)",
        "Compared with: 2026-10-02 to 2026-10-31",
        "Zoë Example (Mastodon): synced",
        "X account (X)",
        // Posts 4 vs 1; engagement 72 vs 10; likes 50 vs 6.
        "Posts published 4 1 +3 (+300.0%)",
        "Engagement 72 10 +62 (+620.0%)",
        "Likes 50 6 +44 (+733.3%)",
        // Followers 150 at the start, 200 at the end; 50 the month before.
        "Followers gained 50 50 0 (0.0%)",
        "Followers at the end 200 150 +50 (+33.3%)",
        "Top posts",
        "Behind the scenes thread",
        "Launch day is here",
        "Cross-posted teaser on X",
        "Followers",
        "Engagement per day",
        "Pinterest: pin analytics",
        "last 90 days",
        "last 30 days",
        "live (24 h)",
        "rolling 12 months",
    ] {
        assert!(flat.contains(want), "{want:?} missing from:\n{flat}");
    }
    assert!(!flat.contains("December news"), "{flat}");
    assert!(!flat.contains("October warm-up"), "{flat}");
    // The top list is ordered by engagement.
    assert!(flat.find("Behind the scenes").unwrap() < flat.find("Launch day").unwrap());
    // Then each channel's best posts, best first.
    let per = &flat[flat
        .find("Top posts per channel")
        .expect("per-channel section")..];
    assert!(
        per.contains("Zoë Example (Mastodon)") && per.contains("X account (X)"),
        "{per}"
    );
    assert!(per.find("Behind the scenes").unwrap() < per.find("Quiet Friday").unwrap());
    assert!(per.find("X account (X)").unwrap() < per.find("Cross-posted teaser").unwrap());
    // Charts are vector paths: a line (m … l … S) and filled bars (re … f).
    let raw = String::from_utf8_lossy(&pa);
    assert!(raw.contains(" re\n") && raw.contains("\nf\n"), "no bars");
    assert!(raw.contains(" l\n") && raw.contains("\nS\n"), "no line");
    // The creation date comes from the period, not the clock.
    assert!(raw.contains("(D:20261130000000"), "creation date");

    // One channel: the X post and channel are left out.
    let c = dir.path().join("c.pdf");
    let s = o
        .analytics_report(
            &c,
            Some("2026-11-01"),
            Some("2026-11-30"),
            &[MASTODON.into()],
        )
        .await
        .unwrap();
    assert_eq!((s.channels, s.posts), (1, 3));
    let flat = text_of(&std::fs::read(&c).unwrap())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("Engagement 65 10"), "{flat}");
    assert!(!flat.contains("Cross-posted teaser") && !flat.contains("X account"));

    // A different period is a different document.
    let d = dir.path().join("d.pdf");
    o.analytics_report(&d, Some("2026-11-02"), Some("2026-11-30"), &[])
        .await
        .unwrap();
    assert_ne!(std::fs::read(&d).unwrap(), pa);
    o.close().await;
}

#[tokio::test]
async fn bad_input_is_a_clear_error_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let o = seeded(&dir.path().join("profile")).await;
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("report.pdf");
    std::fs::write(&out, b"an earlier report").unwrap();
    let range = (Some("2026-11-01"), Some("2026-11-30"));

    let e = o
        .analytics_report(&out, Some("2026-11-30"), Some("2026-11-01"), &[])
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("--from must be before --to"), "{e}");

    let e = o
        .analytics_report(&out, range.0, range.1, &["no-such-channel".into()])
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "{e}");

    let e = o
        .analytics_report(&out, Some("November"), range.1, &[])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is not a date"), "{e}");

    let e = o
        .analytics_report(&out_dir, range.0, range.1, &[])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("is a folder"), "{e}");

    let e = o
        .analytics_report(&out_dir.join("missing/report.pdf"), range.0, range.1, &[])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");

    // The earlier file is untouched and no temporary file is left over.
    assert_eq!(std::fs::read(&out).unwrap(), b"an earlier report");
    let names: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("report.pdf")]);

    // A good run replaces it whole.
    o.analytics_report(&out, range.0, range.1, &[])
        .await
        .unwrap();
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    o.close().await;
}

/// "Use as posting slots": the best suggested slots replace the channel's weekly slots; with too
/// little data the slots are left as they were.
#[tokio::test]
async fn best_times_become_posting_slots() {
    let dir = tempfile::tempdir().unwrap();
    let o = seeded(&dir.path().join("profile")).await;
    // 24 more weeks of posts: Tuesdays 18:00 do far better than Mondays 09:00 and Fridays 12:00.
    for w in 0..24u32 {
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 5, 4).unwrap()
            + chrono::Days::new(u64::from(w) * 7);
        for (i, (offset, time, likes)) in [(0u64, "09:00", 2u32), (1, "18:00", 30), (4, "12:00", 8)]
            .iter()
            .enumerate()
        {
            let day = monday + chrono::Days::new(*offset);
            let n = 100 + w * 3 + i as u32;
            published(
                &o,
                n,
                MASTODON,
                &format!("{day}T{time}"),
                "weekly",
                [likes + w % 3, 1, 1],
            )
            .await;
        }
    }
    followers(&o, MASTODON, "2026-05-01T00:00", 100).await;
    // The December outlier (a lone Wednesday 12:00 post far above the rest) would top the list.
    exec(&o, "DELETE FROM posts WHERE id = 'p6'").await;
    o.add_posting_slot(
        X,
        &outpost_app::slots::WeeklySlot {
            weekday: 3,
            local_time: "07:30".into(),
        },
    )
    .await
    .unwrap();

    let e = o.analytics_apply_best_times(X, 3).await.unwrap_err();
    assert!(e.to_string().contains("not enough data yet"), "{e}");
    assert_eq!(
        o.posting_slots(X).await.unwrap().len(),
        1,
        "X's slot must stay"
    );
    assert!(o.analytics_apply_best_times(MASTODON, 0).await.is_err());

    let best = o.analytics_best_times(MASTODON).await.unwrap();
    assert_eq!(
        (best.slots[0].weekday, best.slots[0].hour),
        (1, 18),
        "{best:?}"
    );
    let slots = o.analytics_apply_best_times(MASTODON, 2).await.unwrap();
    let mut got: Vec<(u8, String)> = slots
        .iter()
        .map(|s| (s.weekday, s.local_time.clone()))
        .collect();
    got.sort();
    let mut want: Vec<(u8, String)> = best.slots[..2]
        .iter()
        .map(|s| (s.weekday as u8 + 1, format!("{:02}:00", s.hour)))
        .collect();
    want.sort();
    assert_eq!(got, want);
    assert!(got.contains(&(2, "18:00".to_string())));
    assert_eq!(o.posting_slots(MASTODON).await.unwrap().len(), 2);
    let zone = o.time_zone().await.unwrap();
    assert!(
        slots.iter().all(|s| s.time_zone == zone),
        "{slots:?} {zone}"
    );
    o.close().await;
}

/// A custom period on the page: its posts, the period before, one channel, bad dates.
#[tokio::test]
async fn overview_of_a_custom_range() {
    let dir = tempfile::tempdir().unwrap();
    let o = seeded(&dir.path().join("profile")).await;
    let v = o
        .analytics_overview_range("2026-11-01", "2026-11-30", None)
        .await
        .unwrap();
    assert_eq!((v.days, v.current.posts, v.previous.posts), (30, 4, 1));
    assert_eq!(v.current.engagement, 72.0);
    assert_eq!(v.daily.len(), 30);
    assert_eq!(v.daily[0].date, "2026-11-01");
    assert_eq!(v.daily[9].engagement, 40.0, "{:?}", v.daily[9]);
    let one = o
        .analytics_overview_range("2026-11-01", "2026-11-30", Some(MASTODON))
        .await
        .unwrap();
    assert_eq!((one.current.posts, one.channels.len()), (3, 1));
    // The calendar's numbers: one entry per card's post that went out (an unknown id has none),
    // latest readings.
    let cards: Vec<String> = ["p2", "p3", "p4", "p5", "p6", "nope"]
        .map(String::from)
        .into();
    let n = o.analytics_post_numbers(&cards).await.unwrap();
    let got: Vec<&str> = n.iter().map(|p| p.post_id.as_str()).collect();
    assert_eq!(got, ["p2", "p3", "p4", "p5", "p6"]);
    assert!(o.analytics_post_numbers(&[]).await.unwrap().is_empty());
    let p3 = n.iter().find(|p| p.post_id == "p3").unwrap();
    assert_eq!((p3.metrics["likes"], p3.engagement), (30.0, Some(40.0)));
    let e = o
        .analytics_overview_range("2026-11-30", "2026-11-01", None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    o.close().await;
}

fn ids(posts: &[outpost_app::analytics::AnalyticsPost]) -> Vec<&str> {
    posts.iter().map(|p| p.post_id.as_str()).collect()
}

/// The overview sums in SQL over the latest-value table: the same totals, rates and per-channel
/// figures as adding up every post, top posts (overall and per channel) instead of every post;
/// the posts table pages and sorts in SQL.
#[tokio::test]
async fn overview_sums_the_latest_values_and_the_posts_table_pages() {
    use outpost_app::analytics::AnalyticsPostsQuery;
    let dir = tempfile::tempdir().unwrap();
    let o = seeded(&dir.path().join("profile")).await;
    let v = o
        .analytics_overview_range("2026-11-01", "2026-11-30", None)
        .await
        .unwrap();
    // Every post of the period, added up the slow way.
    let all = o.analytics_posts(None, v.from, v.to).await.unwrap();
    let rates: Vec<f64> = all.iter().filter_map(|p| p.engagement_rate).collect();
    assert_eq!(rates.len(), 3, "X has no followers reading: no rate");
    let mean = rates.iter().sum::<f64>() / rates.len() as f64;
    assert!((v.current.engagement_rate.unwrap() - mean).abs() < 1e-12);
    // p2 (20 on 2026-11-03) against the followers reading before it (150).
    let p2 = all.iter().find(|p| p.post_id == "p2").unwrap();
    assert!((p2.engagement_rate.unwrap() - 20.0 / 150.0).abs() < 1e-12);
    assert_eq!(
        (v.current.likes, v.current.reposts, v.current.replies),
        (50.0, 12.0, 10.0)
    );
    assert_eq!((v.previous.posts, v.previous.engagement), (1, 10.0));
    assert_eq!(ids(&v.posts), ["p3", "p2", "p5", "p4"]);
    let m = v
        .channels
        .iter()
        .find(|c| c.channel_id == MASTODON)
        .unwrap();
    assert_eq!((m.posts, m.engagement), (3, 65.0));
    assert_eq!(ids(&m.top_posts), ["p3", "p2", "p4"]);
    assert_eq!(m.followers, Some(200.0));
    assert_eq!(m.followers_change, Some(20.0));
    let x = v.channels.iter().find(|c| c.channel_id == X).unwrap();
    assert_eq!((x.posts, ids(&x.top_posts)), (1, vec!["p5"]));
    assert_eq!(x.followers, None);

    // The posts table: sorted, paged, counted, filtered.
    let q = |sort: &str, descending: bool, offset: u32, limit: u32| AnalyticsPostsQuery {
        channel_id: None,
        from: v.from,
        to: v.to,
        sort: sort.into(),
        descending,
        offset,
        limit,
    };
    let page = o
        .analytics_posts_page(&q("engagement", true, 0, 2))
        .await
        .unwrap();
    assert_eq!((page.total, ids(&page.posts)), (4, vec!["p3", "p2"]));
    assert_eq!(page.posts[0].metrics["likes"], 30.0);
    assert_eq!(page.posts[0].engagement, Some(40.0));
    let page = o
        .analytics_posts_page(&q("engagement", true, 2, 2))
        .await
        .unwrap();
    assert_eq!(ids(&page.posts), ["p5", "p4"]);
    let page = o
        .analytics_posts_page(&q("likes", false, 0, 10))
        .await
        .unwrap();
    assert_eq!(ids(&page.posts), ["p4", "p5", "p2", "p3"]);
    let page = o
        .analytics_posts_page(&q("published_at", true, 0, 10))
        .await
        .unwrap();
    assert_eq!(ids(&page.posts), ["p5", "p4", "p3", "p2"]);
    // Rates: X's post has none, so it comes last either way.
    let page = o
        .analytics_posts_page(&q("engagement_rate", false, 0, 10))
        .await
        .unwrap();
    assert_eq!(page.posts.last().unwrap().post_id, "p5");
    let page = o
        .analytics_posts_page(&q("engagement", true, 4, 10))
        .await
        .unwrap();
    assert_eq!((page.total, page.posts.len()), (4, 0));
    let mut only_x = q("engagement", true, 0, 10);
    only_x.channel_id = Some(X.into());
    let page = o.analytics_posts_page(&only_x).await.unwrap();
    assert_eq!((page.total, ids(&page.posts)), (1, vec!["p5"]));
    for bad in [q("colour", true, 0, 10), q("likes", true, 0, 0)] {
        let e = o.analytics_posts_page(&bad).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    }
    let tops = o
        .analytics_top_per_channel(None, v.from, v.to, 2)
        .await
        .unwrap();
    assert_eq!(ids(&tops), ["p3", "p2", "p5"]);
    o.close().await;
}

/// The latest-value table follows the snapshots: a newer (or as new) reading replaces the
/// stored one, an older one does not, deleting the latest brings back the one before, deleting
/// the post removes its rows.
#[tokio::test]
async fn the_latest_values_follow_the_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let o = seeded(&dir.path().join("profile")).await;
    let likes = || async {
        sqlx::query_as::<_, (f64, i64)>(
            "SELECT value, captured_at FROM analytics_latest WHERE post_target_id = 't3' AND metric = 'likes'",
        )
        .fetch_all(o.store().pool())
        .await
        .unwrap()
    };
    let t = at("2026-11-10T18:30");
    assert_eq!(likes().await, [(30.0, t + 86_400_000)]);
    let snap = |id: &str, v: f64, when: i64| {
        format!(
            "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES ('{id}', '{MASTODON}', 't3', 'likes', {v}, {when})"
        )
    };
    exec(&o, &snap("late-old", 1.0, t + 7_200_000)).await;
    assert_eq!(likes().await, [(30.0, t + 86_400_000)]);
    exec(&o, &snap("newer", 33.0, t + 2 * 86_400_000)).await;
    assert_eq!(likes().await, [(33.0, t + 2 * 86_400_000)]);
    exec(&o, &snap("same-time", 34.0, t + 2 * 86_400_000)).await;
    assert_eq!(likes().await, [(34.0, t + 2 * 86_400_000)]);
    // The post's sums follow: 34 likes + 6 reposts + 4 replies.
    let totals = || async {
        sqlx::query_as::<_, (Option<f64>, Option<f64>, Option<f64>)>(
            "SELECT engagement, likes, impressions FROM analytics_post_totals WHERE post_target_id = 't3'",
        )
        .fetch_all(o.store().pool())
        .await
        .unwrap()
    };
    assert_eq!(totals().await, [(Some(44.0), Some(34.0), None)]);
    exec(
        &o,
        "DELETE FROM analytics_snapshots WHERE id IN ('same-time', 'newer')",
    )
    .await;
    assert_eq!(likes().await, [(30.0, t + 86_400_000)]);
    let followers: Vec<f64> = sqlx::query_scalar(&format!(
        "SELECT value FROM analytics_latest WHERE post_target_id IS NULL AND channel_id = '{MASTODON}'"
    ))
    .fetch_all(o.store().pool())
    .await
    .unwrap();
    assert_eq!(followers, [200.0]);
    assert_eq!(totals().await, [(Some(40.0), Some(30.0), None)]);
    exec(&o, "DELETE FROM posts WHERE id = 'p3'").await;
    assert!(likes().await.is_empty());
    assert!(totals().await.is_empty());
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM analytics_latest")
        .fetch_one(o.store().pool())
        .await
        .unwrap();
    assert_eq!(
        n,
        5 * 3 + 1,
        "the other five posts' three metrics and the followers"
    );
    o.close().await;
}
