//! Evergreen recycling with the scheduler's injected clock on a real SQLite profile: a post comes
//! back on its interval into free posting slots, exactly once per interval (also across a restart),
//! X is skipped with a message (no AI variation configured), and the end date stops it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use outpost_app::automation::{EvergreenInput, X_DUPLICATE_SKIP};
use outpost_app::posts::NewPost;
use outpost_app::scheduler::{Clock, ManualClock};
use outpost_app::slots::WeeklySlot;
use outpost_app::{ErrorCode, OpenOptions, Outpost, Paths, Secret};
use outpost_store::{ChannelKind, ChannelStatus, Platform, channels, now_ms};

const DAY: i64 = 86_400_000;

async fn open(dir: &Path) -> Outpost {
    let paths = Paths::resolve(Some(dir.to_path_buf())).unwrap();
    let mut o = OpenOptions::new(paths);
    o.keychain_service = "app.outpost.test.evergreen".into();
    o.passphrase = Some(Secret::new("correct horse battery staple"));
    let o = Outpost::open(o).await.unwrap();
    o.set_time_zone("Europe/Berlin").await.unwrap();
    o
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

fn rfc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .to_rfc3339()
}

async fn post(o: &Outpost, chans: &[&String], at: i64) -> String {
    o.create_post(NewPost {
        text: "Our single-origin guide, still true".into(),
        channels: chans.iter().map(|c| (*c).clone()).collect(),
        at: Some(rfc(at)),
        ..Default::default()
    })
    .await
    .unwrap()
    .post
    .id
}

/// (copy post id, scheduled_at, channel ids) of every copy, in time order.
async fn copies(o: &Outpost, source: &str) -> Vec<(String, i64, Vec<String>)> {
    // Straight from the table: the rows outlive the rule (an ended rule is removed).
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT copy_post_id FROM evergreen_copies WHERE post_id = ?1 AND outcome = 'scheduled' ORDER BY at",
    )
    .bind(source)
    .fetch_all(o.store().pool())
    .await
    .unwrap();
    let mut out = Vec::new();
    for id in ids {
        let d = o.post_detail(&id).await.unwrap();
        assert_eq!(d.post.text, "Our single-origin guide, still true");
        assert_eq!(d.post.status, "scheduled");
        out.push((
            id,
            d.post.scheduled_at.unwrap(),
            d.targets.iter().map(|t| t.channel_id.clone()).collect(),
        ));
    }
    out
}

#[tokio::test]
async fn an_evergreen_post_comes_back_on_its_interval_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let masto = channel(&o, Platform::Mastodon, "roaster").await;
    let x = channel(&o, Platform::X, "roaster_x").await;
    let t0 = now_ms() + 3_600_000;
    let src = post(&o, &[&masto, &x], t0).await;
    let clock = ManualClock::new(now_ms());

    // Bad rules are refused.
    let bad = o
        .set_evergreen(
            &src,
            &EvergreenInput {
                every_days: 0,
                until: None,
                min_gap_days: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidInput);
    let bad = o
        .set_evergreen(
            &src,
            &EvergreenInput {
                every_days: 7,
                until: Some("2020-01-01".into()),
                min_gap_days: None,
            },
        )
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("already passed"), "{bad}");
    assert_eq!(
        o.set_evergreen(
            "nope",
            &EvergreenInput {
                every_days: 7,
                until: None,
                min_gap_days: None
            }
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::NotFound
    );

    let rule = o
        .set_evergreen(
            &src,
            &EvergreenInput {
                every_days: 7,
                until: None,
                min_gap_days: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(rule.next_due_at, t0 + 7 * DAY);
    assert_eq!(rule.min_gap_days, 7);

    // Not due yet: nothing.
    assert!(o.run_evergreen(clock.now_ms()).await.unwrap().is_empty());
    clock.set(t0 + 6 * DAY);
    assert!(o.run_evergreen(clock.now_ms()).await.unwrap().is_empty());

    // Due: one copy, on Mastodon only (X refuses duplicate text, no AI variation configured).
    clock.set(t0 + 7 * DAY);
    let made = o.run_evergreen(clock.now_ms()).await.unwrap();
    assert_eq!(made.len(), 1, "{:?}", o.evergreen(&src).await.unwrap());
    assert!(
        made[0]
            .message
            .as_deref()
            .unwrap()
            .contains(X_DUPLICATE_SKIP),
        "{made:?}"
    );
    let c = copies(&o, &src).await;
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].2, vec![masto.clone()]);
    assert_eq!(c[0].1, t0 + 7 * DAY, "no posting slots: at the due time");
    // A second pass at the same time, or after a restart, makes nothing more.
    assert!(o.run_evergreen(clock.now_ms()).await.unwrap().is_empty());
    o.close().await;
    drop(o);
    let o = open(tmp.path()).await;
    assert!(o.run_evergreen(clock.now_ms()).await.unwrap().is_empty());
    assert_eq!(copies(&o, &src).await.len(), 1);

    // With posting slots the next repeat takes the first free slot after its due time.
    let mut slots = Vec::new();
    for d in 1..=7u8 {
        slots.push(WeeklySlot {
            weekday: d,
            local_time: "10:00".into(),
        });
    }
    o.set_posting_slots(&masto, &slots).await.unwrap();
    clock.set(t0 + 14 * DAY);
    assert_eq!(o.run_evergreen(clock.now_ms()).await.unwrap().len(), 1);
    let c = copies(&o, &src).await;
    assert_eq!(c.len(), 2);
    let slot = o
        .next_free_slot(std::slice::from_ref(&masto), Some(t0 + 14 * DAY))
        .await;
    // The copy sits in a 10:00 Berlin slot at or after its due time, within a day of it.
    let local = chrono::DateTime::from_timestamp_millis(c[1].1)
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Berlin);
    assert_eq!(local.format("%H:%M").to_string(), "10:00");
    assert!(c[1].1 >= t0 + 14 * DAY && c[1].1 < t0 + 15 * DAY, "{c:?}");
    assert!(slot.unwrap().at > c[1].1, "the copy occupies its slot");
    // The next one is an interval after that copy.
    let rule = o.evergreen(&src).await.unwrap().unwrap();
    assert_eq!(rule.next_due_at, c[1].1 + 7 * DAY);

    // Switched off: no more copies; the scheduled ones stay.
    assert!(o.clear_evergreen(&src).await.unwrap());
    clock.set(t0 + 60 * DAY);
    assert!(o.run_evergreen(clock.now_ms()).await.unwrap().is_empty());
    assert_eq!(
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM posts")
            .fetch_one(o.store().pool())
            .await
            .unwrap(),
        3
    );
}

#[tokio::test]
async fn end_date_min_gap_x_only_and_the_host_loop() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let masto = channel(&o, Platform::Mastodon, "roaster").await;
    let x = channel(&o, Platform::X, "roaster_x").await;
    let t0 = now_ms() + 3_600_000;

    // A minimum gap larger than the interval wins.
    let a = post(&o, &[&masto], t0).await;
    let r = o
        .set_evergreen(
            &a,
            &EvergreenInput {
                every_days: 2,
                until: None,
                min_gap_days: Some(5),
            },
        )
        .await
        .unwrap();
    assert_eq!(r.next_due_at, t0 + 5 * DAY);
    o.clear_evergreen(&a).await.unwrap();

    // An X-only post is skipped with the message, and the rule moves on.
    let xo = post(&o, &[&x], t0).await;
    o.set_evergreen(
        &xo,
        &EvergreenInput {
            every_days: 3,
            until: None,
            min_gap_days: None,
        },
    )
    .await
    .unwrap();
    let made = o.run_evergreen(t0 + 3 * DAY).await.unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].outcome, "skipped");
    assert!(made[0].copy_post_id.is_none());
    let v = o.evergreen(&xo).await.unwrap().unwrap();
    assert!(v.last_message.unwrap().contains("only on X"));
    assert_eq!(v.next_due_at, t0 + 6 * DAY);
    o.clear_evergreen(&xo).await.unwrap();

    // The end date: repeats every 2 days until 5 days after t0 (end of that day, Berlin): two copies.
    let end = chrono::DateTime::from_timestamp_millis(t0 + 5 * DAY)
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .format("%Y-%m-%d")
        .to_string();
    o.set_evergreen(
        &a,
        &EvergreenInput {
            every_days: 2,
            until: Some(end),
            min_gap_days: None,
        },
    )
    .await
    .unwrap();

    // Driven by the automation loop (as the scheduler host runs it) on the injected clock.
    let clock = ManualClock::new(now_ms());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(outpost_app::automation::run(
        o.clone(),
        Arc::new(clock.clone()),
        stop_rx,
    ));
    let wait_for = |n: usize| {
        let o = o.clone();
        let a = a.clone();
        async move {
            for _ in 0..250 {
                if copies(&o, &a).await.len() >= n {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            false
        }
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        copies(&o, &a).await.is_empty(),
        "nothing before the interval"
    );
    clock.set(t0 + 2 * DAY);
    assert!(wait_for(1).await);
    clock.set(t0 + 4 * DAY);
    assert!(wait_for(2).await);
    clock.set(t0 + 6 * DAY);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(copies(&o, &a).await.len(), 2, "the end date stops it");
    assert!(o.evergreen(&a).await.unwrap().is_none(), "the rule ended");
    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
}
