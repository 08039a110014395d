//! Feeds against a local feed server written here (RSS 2.0, Atom, JSON Feed, an HTML page, broken
//! XML, a huge body, a slow answer, redirects and a redirect loop, 304 on conditional requests) and
//! a real SQLite profile: every item posted at most once — across polls, restarts (the profile is
//! reopened) and edits of the feed — bad input reported on the feed with nothing posted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use outpost_app::automation::{AutomationEvent, FeedMode, NewFeed};
use outpost_app::slots::WeeklySlot;
use outpost_app::{ErrorCode, OpenOptions, Outpost, Paths, Secret};
use outpost_store::{ChannelKind, ChannelStatus, Platform, channels, now_ms};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

// ---------------------------------------------------------------- the feed server

/// What the server serves; tests change it between polls.
#[derive(Debug, Default)]
struct Site {
    /// path → (content type, body, etag)
    docs: HashMap<String, (String, String, String)>,
    /// Every request: (path, If-None-Match, If-Modified-Since).
    log: Vec<(String, Option<String>, Option<String>)>,
}

type Shared = Arc<Mutex<Site>>;

async fn serve() -> (String, Shared) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site: Shared = Arc::default();
    let s2 = site.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let site = s2.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).to_string();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let header = |name: &str| {
                    head.lines()
                        .find(|l| l.to_ascii_lowercase().starts_with(&format!("{name}:")))
                        .map(|l| l[name.len() + 1..].trim().to_string())
                };
                let inm = header("if-none-match");
                let ims = header("if-modified-since");
                site.lock()
                    .unwrap()
                    .log
                    .push((path.clone(), inm.clone(), ims.clone()));
                let reply = |status: &str, headers: &str, body: &str| {
                    format!(
                        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
                        body.len()
                    )
                };
                let out = match path.as_str() {
                    "/slow" => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        reply("200 OK", "", "")
                    }
                    "/huge" => {
                        // 6 MB without a Content-Length: the cap must hold while streaming.
                        let _ = sock
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n<rss version=\"2.0\"><channel><title>big</title>")
                            .await;
                        let filler = vec![b' '; 64 * 1024];
                        for _ in 0..96 {
                            if sock.write_all(&filler).await.is_err() {
                                return;
                            }
                        }
                        return;
                    }
                    "/loop" => reply("302 Found", "Location: /loop\r\n", ""),
                    "/moved" => reply("301 Moved Permanently", "Location: /rss.xml\r\n", ""),
                    p => match site.lock().unwrap().docs.get(p).cloned() {
                        None => reply("404 Not Found", "", "no"),
                        Some((_, _, etag)) if inm.as_deref() == Some(etag.as_str()) => {
                            reply("304 Not Modified", &format!("ETag: {etag}\r\n"), "")
                        }
                        Some((ct, body, etag)) => reply(
                            "200 OK",
                            &format!(
                                "Content-Type: {ct}\r\nETag: {etag}\r\nLast-Modified: Sun, 06 Dec 2026 10:00:00 GMT\r\n"
                            ),
                            &body,
                        ),
                    },
                };
                let _ = sock.write_all(out.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (base, site)
}

fn put(site: &Shared, path: &str, ct: &str, body: String, etag: &str) {
    site.lock()
        .unwrap()
        .docs
        .insert(path.into(), (ct.into(), body, format!("\"{etag}\"")));
}

fn rss(items: &[(u32, &str)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Roaster blog</title><link>https://blog.example</link><description>d</description>"#,
    );
    for (n, title) in items {
        s.push_str(&format!(
            "<item><title>{title}</title><link>https://blog.example/p/{n}</link><guid>post-{n}</guid>\
             <description>&lt;p&gt;Summary of &lt;b&gt;{title}&lt;/b&gt;&lt;/p&gt;</description>\
             <pubDate>Sun, {:02} Nov 2026 10:00:00 GMT</pubDate>\
             <enclosure url=\"https://blog.example/img/{n}.jpg\" type=\"image/jpeg\" length=\"1\"/></item>",
            n % 28 + 1
        ));
    }
    s.push_str("</channel></rss>");
    s
}

// ---------------------------------------------------------------- profile helpers

async fn open(dir: &Path) -> Outpost {
    let paths = Paths::resolve(Some(dir.to_path_buf())).unwrap();
    let mut o = OpenOptions::new(paths);
    o.keychain_service = "app.outpost.test.feeds".into();
    o.passphrase = Some(Secret::new("correct horse battery staple"));
    o.feed_timeout = Duration::from_secs(2);
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

async fn count(o: &Outpost, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(o.store().pool())
        .await
        .unwrap()
}

async fn bodies(o: &Outpost) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM posts ORDER BY created_at, id")
        .fetch_all(o.store().pool())
        .await
        .unwrap()
}

fn feed(url: String, ch: &str, mode: FeedMode) -> NewFeed {
    NewFeed {
        url,
        channel_ids: vec![ch.to_string()],
        mode,
        template: None,
        include_keywords: vec![],
        exclude_keywords: vec![],
        backfill_limit: None,
        poll_every_minutes: None,
    }
}

// ---------------------------------------------------------------- tests

#[tokio::test]
async fn rss_items_become_drafts_once_across_polls_restarts_and_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, site) = serve().await;
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(3, "Third"), (2, "Second"), (1, "First")]),
        "v1",
    );

    let o = open(tmp.path()).await;
    let ch = channel(&o, Platform::Mastodon, "roaster").await;
    let mut f = feed(format!("{base}/rss.xml"), &ch, FeedMode::Draft);
    f.template = Some("New: {{title}} {{link}} — {{summary}} {{image}}".into());
    f.backfill_limit = Some(2);
    let added = o.add_feed(f.clone()).await.unwrap();
    assert_eq!(added.last_status, "new");

    // First read: the two newest become drafts (oldest first), the third is past the backfill limit.
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(r.posts_created, 2, "{r:?}");
    assert_eq!(
        bodies(&o).await,
        vec![
            "New: Second https://blog.example/p/2 — Summary of Second https://blog.example/img/2.jpg",
            "New: Third https://blog.example/p/3 — Summary of Third https://blog.example/img/3.jpg",
        ]
    );
    assert_eq!(
        count(&o, "SELECT COUNT(*) FROM posts WHERE status = 'draft'").await,
        2
    );
    let items = o.feed_items(&added.id, 50).await.unwrap();
    assert_eq!(items.len(), 3);
    let first = items.iter().find(|i| i.item_key == "post-1").unwrap();
    assert_eq!(first.outcome, "skipped");
    assert!(
        first.message.as_deref().unwrap().contains("backfill"),
        "{first:?}"
    );
    assert!(
        items
            .iter()
            .filter(|i| i.outcome == "draft")
            .all(|i| i.post_id.is_some())
    );
    let listed = o.list_feeds().await.unwrap();
    assert_eq!(listed[0].title, "Roaster blog");
    assert_eq!(listed[0].last_status, "ok");
    assert_eq!(listed[0].items_seen, 3);

    // Second poll: a conditional request, answered 304; nothing new.
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(
        (r.posts_created, r.feeds[0].status.as_str()),
        (0, "not_modified")
    );
    {
        let log = &site.lock().unwrap().log;
        let last = log.last().unwrap();
        assert_eq!(last.1.as_deref(), Some("\"v1\""), "If-None-Match sent");
        assert_eq!(
            last.2.as_deref(),
            Some("Sun, 06 Dec 2026 10:00:00 GMT"),
            "If-Modified-Since sent"
        );
    }

    // A new item: exactly that one is posted.
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(4, "Fourth"), (3, "Third"), (2, "Second"), (1, "First")]),
        "v2",
    );
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(r.posts_created, 1);
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 3);

    // Restart: the profile is closed and reopened; the server forgets validators (new etag, same
    // items) so the items are read in full again — and none is posted twice.
    o.close().await;
    drop(o);
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(4, "Fourth"), (3, "Third"), (2, "Second"), (1, "First")]),
        "v3",
    );
    let o = open(tmp.path()).await;
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(
        (r.posts_created, r.feeds[0].status.as_str()),
        (0, "ok"),
        "{r:?}"
    );
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 3);

    // An edit (new address that redirects to the same feed, new template, larger backfill): the
    // validators are dropped, the items are read again, still nothing twice.
    let mut edited = f.clone();
    edited.url = format!("{base}/moved");
    edited.template = Some("{{title}}".into());
    edited.backfill_limit = Some(10);
    o.update_feed(&added.id, edited).await.unwrap();
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(
        (r.posts_created, r.feeds[0].status.as_str()),
        (0, "ok"),
        "{r:?}"
    );
    // A guid change with the same link is still the same item (dedupe by link too).
    let changed = rss(&[(4, "Fourth")]).replace("<guid>post-4</guid>", "<guid>renamed-4</guid>");
    put(&site, "/rss.xml", "application/rss+xml", changed, "v4");
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(r.posts_created, 0, "{r:?}");
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 3);

    // Two processes polling at once (the CLI beside the app): still at most once per item.
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(5, "Fifth")]),
        "v5",
    );
    let o2 = open(tmp.path()).await;
    let (a, b) = tokio::join!(o.poll_feeds(None), o2.poll_feeds(None));
    assert_eq!(a.unwrap().posts_created + b.unwrap().posts_created, 1);
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 4);
    assert_eq!(
        count(
            &o,
            "SELECT COUNT(*) FROM feed_items WHERE item_key = 'post-5'"
        )
        .await,
        1
    );

    // Every request is in the activity log as `feed` (host and path only).
    let mut logged = 0;
    for _ in 0..100 {
        logged = count(
            &o,
            "SELECT COUNT(*) FROM activity_log WHERE platform = 'feed'",
        )
        .await;
        if logged >= 7 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(logged >= 7, "{logged} feed requests logged");

    // Removing the feed keeps its posts.
    o.remove_feed(&added.id).await.unwrap();
    assert!(o.list_feeds().await.unwrap().is_empty());
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 4);
    assert_eq!(count(&o, "SELECT COUNT(*) FROM feed_items").await, 0);
}

#[tokio::test]
async fn atom_and_json_feed_items_are_queued_into_free_slots_or_published_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, site) = serve().await;
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title><id>urn:feed</id><updated>2026-11-02T10:00:00Z</updated>
<entry><title>Atom two</title><id>urn:2</id><link href="https://atom.example/2"/><updated>2026-11-02T10:00:00Z</updated><summary>Second entry</summary></entry>
<entry><title>Atom one</title><id>urn:1</id><link href="https://atom.example/1"/><updated>2026-11-01T10:00:00Z</updated><summary>First entry</summary></entry>
</feed>"#;
    put(
        &site,
        "/atom.xml",
        "application/atom+xml",
        atom.into(),
        "a1",
    );
    let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"JSON news","items":[
{"id":"j2","url":"https://json.example/2","title":"Json two","content_text":"two","image":"https://json.example/2.png","date_published":"2026-11-02T10:00:00Z"},
{"id":"j1","url":"https://json.example/1","title":"Json one","content_text":"one","date_published":"2026-11-01T10:00:00Z"}]}"#;
    put(
        &site,
        "/feed.json",
        "application/feed+json",
        json.into(),
        "j1",
    );

    let o = open(tmp.path()).await;
    let ch = channel(&o, Platform::Mastodon, "roaster").await;
    // Posting times every day at 09:00 and 18:00.
    let mut slots = Vec::new();
    for d in 1..=7u8 {
        slots.push(WeeklySlot {
            weekday: d,
            local_time: "09:00".into(),
        });
        slots.push(WeeklySlot {
            weekday: d,
            local_time: "18:00".into(),
        });
    }
    o.set_posting_slots(&ch, &slots).await.unwrap();

    let mut f = feed(format!("{base}/atom.xml"), &ch, FeedMode::Queue);
    f.backfill_limit = Some(5);
    let atom_feed = o.add_feed(f).await.unwrap();
    let r = o.poll_feeds(Some(&atom_feed.id)).await.unwrap();
    assert_eq!(r.posts_created, 2, "{r:?}");
    let times: Vec<(String, i64)> = sqlx::query_as(
        "SELECT body, scheduled_at FROM posts WHERE status = 'scheduled' ORDER BY scheduled_at",
    )
    .fetch_all(o.store().pool())
    .await
    .unwrap();
    assert_eq!(
        times[0].0, "Atom one https://atom.example/1",
        "oldest item takes the first slot"
    );
    assert_eq!(times[1].0, "Atom two https://atom.example/2");
    assert!(times[0].1 < times[1].1, "two different slots");
    let next = o
        .next_free_slot(std::slice::from_ref(&ch), None)
        .await
        .unwrap();
    assert!(next.at > times[1].1, "both slots are taken now");
    assert_eq!(
        count(
            &o,
            "SELECT COUNT(*) FROM publish_jobs WHERE state = 'scheduled'"
        )
        .await,
        2
    );

    let mut f = feed(format!("{base}/feed.json"), &ch, FeedMode::Now);
    f.template = Some("{{title}} {{image}}".into());
    let json_feed = o.add_feed(f).await.unwrap();
    let r = o.poll_feeds(Some(&json_feed.id)).await.unwrap();
    // Backfill 1: the newest item only, due at once.
    assert_eq!(r.posts_created, 1, "{r:?}");
    let (body, due): (String, i64) = sqlx::query_as(
        "SELECT p.body, j.due_at FROM posts p JOIN post_targets t ON t.post_id = p.id JOIN publish_jobs j ON j.post_target_id = t.id WHERE p.body LIKE 'Json%'",
    )
    .fetch_one(o.store().pool())
    .await
    .unwrap();
    assert_eq!(body, "Json two https://json.example/2.png");
    assert!((due - now_ms()).abs() < 120_000, "due now");
    assert_eq!(o.feed(&json_feed.id).await.unwrap().title, "JSON news");
}

#[tokio::test]
async fn bad_feeds_leave_a_clear_message_and_post_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, site) = serve().await;
    put(
        &site,
        "/page.html",
        "text/html",
        "<!DOCTYPE html><html><body>Blog</body></html>".into(),
        "h",
    );
    put(
        &site,
        "/broken.xml",
        "application/rss+xml",
        "<rss version=\"2.0\"><channel><item><title>x</ti".into(),
        "b",
    );
    // Items without links and dates (guid only), and one without anything to tell it apart.
    put(
        &site,
        "/nolinks.xml",
        "application/rss+xml",
        r#"<rss version="2.0"><channel><title>t</title><item><title>No link</title><guid isPermaLink="false">n1</guid></item><item><description>anonymous</description></item></channel></rss>"#.into(),
        "n",
    );
    let o = open(tmp.path()).await;
    let ch = channel(&o, Platform::Mastodon, "roaster").await;

    // Refused before anything is stored: not a URL, unknown template variable, no channel.
    let e = o
        .add_feed(feed("blog.example/feed".into(), &ch, FeedMode::Draft))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let mut f = feed(format!("{base}/rss.xml"), &ch, FeedMode::Draft);
    f.template = Some("{{title}} by {{author}}".into());
    let e = o.add_feed(f).await.unwrap_err().to_string();
    assert!(e.contains("{{author}}") && e.contains("{{link}}"), "{e}");
    let mut f = feed(format!("{base}/rss.xml"), &ch, FeedMode::Draft);
    f.channel_ids.clear();
    assert!(o.add_feed(f).await.is_err());
    assert!(o.list_feeds().await.unwrap().is_empty());

    let cases = [
        ("/page.html", "web page, not a feed"),
        ("/broken.xml", "not a readable feed"),
        ("/huge", "larger than 5 MB"),
        ("/slow", "did not answer within 2 seconds"),
        ("/loop", "redirected more than 5 times"),
        ("/missing.xml", "404"),
    ];
    for (path, want) in cases {
        let added = o
            .add_feed(feed(format!("{base}{path}"), &ch, FeedMode::Now))
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let r = o.poll_feeds(Some(&added.id)).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} took {:?}",
            started.elapsed()
        );
        let res = &r.feeds[0];
        assert_eq!(res.status, "error", "{path}: {res:?}");
        let msg = res.error.clone().unwrap();
        assert!(msg.contains(want), "{path}: {msg}");
        let shown = o.feed(&added.id).await.unwrap();
        assert_eq!(
            (shown.last_status.as_str(), shown.last_error.as_deref()),
            ("error", Some(msg.as_str()))
        );
        o.remove_feed(&added.id).await.unwrap();
    }
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 0);

    // Items without links: a template using {{link}} fails each such item with the reason; an item
    // without id, link or title is ignored with a note; nothing is posted.
    let added = o
        .add_feed(feed(format!("{base}/nolinks.xml"), &ch, FeedMode::Draft))
        .await
        .unwrap();
    let r = o.poll_feeds(Some(&added.id)).await.unwrap();
    assert_eq!(r.posts_created, 0);
    let item = &r.feeds[0].items[0];
    assert_eq!(item.outcome, "failed");
    assert!(
        item.message.as_deref().unwrap().contains("{{link}}"),
        "{item:?}"
    );
    assert!(
        r.feeds[0]
            .error
            .as_deref()
            .unwrap()
            .contains("no id, link or title"),
        "{r:?}"
    );
    // The same feed with a template that needs no link posts the item (it was remembered as failed
    // under the old template, so only a new item would be posted: nothing twice).
    let mut f = feed(format!("{base}/nolinks.xml"), &ch, FeedMode::Draft);
    f.template = Some("{{title}}".into());
    let other = o.add_feed(f).await.unwrap();
    let r = o.poll_feeds(Some(&other.id)).await.unwrap();
    assert_eq!(r.posts_created, 1, "{r:?}");
    assert_eq!(bodies(&o).await, vec!["No link"]);

    // A channel that needs reconnecting: the items wait (nothing recorded, validators not kept).
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(1, "First")]),
        "r1",
    );
    let waiting = o
        .add_feed(feed(format!("{base}/rss.xml"), &ch, FeedMode::Draft))
        .await
        .unwrap();
    sqlx::query("UPDATE channels SET status = 'reconnect_needed' WHERE id = ?1")
        .bind(&ch)
        .execute(o.store().pool())
        .await
        .unwrap();
    let r = o.poll_feeds(Some(&waiting.id)).await.unwrap();
    assert_eq!(r.feeds[0].status, "error");
    assert!(
        r.feeds[0].error.as_deref().unwrap().contains("reconnect"),
        "{r:?}"
    );
    assert_eq!(o.feed(&waiting.id).await.unwrap().items_seen, 0);
    sqlx::query("UPDATE channels SET status = 'connected' WHERE id = ?1")
        .bind(&ch)
        .execute(o.store().pool())
        .await
        .unwrap();
    let r = o.poll_feeds(Some(&waiting.id)).await.unwrap();
    assert_eq!(
        (r.feeds[0].status.as_str(), r.posts_created),
        ("ok", 1),
        "{r:?}"
    );
}

#[tokio::test]
async fn keyword_filters_and_preview() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, site) = serve().await;
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[
            (4, "Espresso guide"),
            (3, "Company news"),
            (2, "Espresso sale"),
            (1, "Filter coffee"),
        ]),
        "k",
    );
    let o = open(tmp.path()).await;
    let ch = channel(&o, Platform::Bluesky, "roaster.bsky").await;
    let mut f = feed(format!("{base}/rss.xml"), &ch, FeedMode::Draft);
    f.include_keywords = vec!["espresso".into(), "filter".into()];
    f.exclude_keywords = vec!["SALE".into()];
    f.backfill_limit = Some(10);

    let preview = o
        .preview_feed(
            &f.url,
            Some("{{title}}"),
            &f.include_keywords,
            &f.exclude_keywords,
            None,
        )
        .await
        .unwrap();
    assert_eq!(preview.title, "Roaster blog");
    assert_eq!(preview.items.len(), 4);
    assert_eq!(preview.items[0].text.as_deref(), Some("Espresso guide"));
    assert!(
        preview.items[1]
            .problem
            .as_deref()
            .unwrap()
            .contains("none of the keywords")
    );
    assert!(
        preview.items[2]
            .problem
            .as_deref()
            .unwrap()
            .contains("\"SALE\"")
    );
    assert_eq!(
        count(&o, "SELECT COUNT(*) FROM feeds").await,
        0,
        "a preview stores nothing"
    );

    let added = o.add_feed(f).await.unwrap();
    let r = o.poll_feeds(None).await.unwrap();
    assert_eq!(r.posts_created, 2, "{r:?}");
    let titles = bodies(&o).await;
    assert!(
        titles[0].starts_with("Filter coffee") && titles[1].starts_with("Espresso guide"),
        "{titles:?}"
    );
    let skipped = o
        .feed_items(&added.id, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.outcome == "skipped")
        .count();
    assert_eq!(skipped, 2);
    // The preview now marks what the feed has seen.
    let p = o
        .preview_feed(&format!("{base}/rss.xml"), None, &[], &[], Some(&added.id))
        .await
        .unwrap();
    assert!(p.items.iter().all(|i| i.seen));
}

#[tokio::test]
async fn the_scheduler_host_polls_due_feeds_on_its_own() {
    use outpost_app::scheduler::{Clock, ManualClock};
    let tmp = tempfile::tempdir().unwrap();
    let (base, site) = serve().await;
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(1, "First")]),
        "s1",
    );
    let o = open(tmp.path()).await;
    let ch = channel(&o, Platform::Mastodon, "roaster").await;
    // A little ahead of the wall clock, so a feed added now is due on it.
    let clock = ManualClock::new(now_ms() + 5_000);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(outpost_app::automation::run(
        o.clone(),
        Arc::new(clock.clone()),
        stop_rx,
    ));
    let mut events = o.automation_events();
    // Added while the loop waits: it wakes and reads the feed at once.
    let added = o
        .add_feed(feed(format!("{base}/rss.xml"), &ch, FeedMode::Draft))
        .await
        .unwrap();
    let mut n = 0;
    for _ in 0..200 {
        n = count(&o, "SELECT COUNT(*) FROM posts").await;
        if n == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(n, 1);
    // The front-ends hear of it (the desktop shell forwards these as PostsChanged / FeedsChanged).
    let post_id: String = sqlx::query_scalar("SELECT id FROM posts")
        .fetch_one(o.store().pool())
        .await
        .unwrap();
    let mut heard = Vec::new();
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_secs(2), events.recv()).await {
        heard.push(e);
        if heard.len() == 2 {
            break;
        }
    }
    assert_eq!(
        heard,
        vec![
            AutomationEvent::PostsCreated {
                post_ids: vec![post_id]
            },
            AutomationEvent::FeedsPolled {
                feed_ids: vec![added.id.clone()]
            },
        ]
    );
    let polled = o.feed(&added.id).await.unwrap();
    assert_eq!(
        polled.next_poll_at,
        Some(polled.last_polled_at.unwrap() + 30 * 60_000)
    );
    // A new item: nothing happens until the poll interval has passed on the clock.
    put(
        &site,
        "/rss.xml",
        "application/rss+xml",
        rss(&[(2, "Second"), (1, "First")]),
        "s2",
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 1);
    clock.set(clock.now_ms() + 31 * 60_000);
    for _ in 0..200 {
        n = count(&o, "SELECT COUNT(*) FROM posts").await;
        if n == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(n, 2);
    stop_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
}

/// A big valid feed (2,000 items, about 700 KB): the first read posts only the backfill and
/// remembers the rest; a full re-read (new validators, same items) posts nothing. Prints timings.
#[tokio::test]
async fn a_big_feed_is_read_once_and_remembered() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, site) = serve().await;
    let items: Vec<(u32, String)> = (1..=2000).rev().map(|n| (n, format!("Item {n}"))).collect();
    let refs: Vec<(u32, &str)> = items.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let body = rss(&refs);
    let bytes = body.len();
    put(&site, "/big.xml", "application/rss+xml", body.clone(), "b1");
    let o = open(tmp.path()).await;
    let ch = channel(&o, Platform::Mastodon, "roaster").await;
    let mut f = feed(format!("{base}/big.xml"), &ch, FeedMode::Draft);
    f.backfill_limit = Some(5);
    let added = o.add_feed(f).await.unwrap();

    let t = std::time::Instant::now();
    let r = o.poll_feeds(Some(&added.id)).await.unwrap();
    let first = t.elapsed();
    assert_eq!(r.posts_created, 5, "{:?}", r.feeds[0].error);
    assert_eq!(o.feed(&added.id).await.unwrap().items_seen, 2000);

    put(&site, "/big.xml", "application/rss+xml", body, "b2");
    let t = std::time::Instant::now();
    let r = o.poll_feeds(Some(&added.id)).await.unwrap();
    let again = t.elapsed();
    assert_eq!((r.posts_created, r.feeds[0].status.as_str()), (0, "ok"));

    let t = std::time::Instant::now();
    let r = o.poll_feeds(Some(&added.id)).await.unwrap();
    let not_modified = t.elapsed();
    assert_eq!(r.feeds[0].status, "not_modified");
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 5);
    println!(
        "feed of 2000 items ({} KB): first read {first:?} (5 posts, 1995 remembered), full re-read {again:?}, 304 {not_modified:?}",
        bytes / 1024
    );
}
