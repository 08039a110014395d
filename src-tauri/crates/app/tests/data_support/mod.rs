//! Shared helpers of the data (export/import/deletion) tests.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use outpost_app::{OpenOptions, Outpost, Paths};
use outpost_vault::{Owner, Secret, VaultConfig};

pub const POST_TEXT: &str = "POST-TEXT-zebra-quokka launch day";
pub const IDEA_NOTES: &str = "IDEA-NOTES-narwhal brainstorm";
pub const TEMPLATE_BODY: &str = "TEMPLATE-BODY-okapi {{name}}";
pub const INBOX_TEXT: &str = "INBOX-TEXT-axolotl great post";
pub const TOKEN: &str = "TOKEN-s3cr3t-xyzzy-4711";
pub const CLIENT_SECRET: &str = "CLIENT-SECRET-plugh-0815";

/// A profile under `dir` with its own keychain service; passphrase mode when no keychain answers
/// (unless OUTPOST_REQUIRE_KEYCHAIN=1, which makes a missing keychain a failure).
pub fn options(dir: &Path) -> OpenOptions {
    let paths = Paths::resolve(Some(dir.to_path_buf())).unwrap();
    let mut o = OpenOptions::new(paths);
    o.keychain_service = format!("app.outpost.test.{}", uuid::Uuid::new_v4());
    if !keychain_available(&o.keychain_service) {
        o.passphrase = Some(Secret::new("correct horse battery staple"));
    }
    o
}

pub fn keychain_available(service: &str) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    let st = outpost_vault::status(&VaultConfig::new(tmp.path()).with_keychain_service(service));
    if st.keychain_available {
        return true;
    }
    assert!(
        std::env::var("OUTPOST_REQUIRE_KEYCHAIN").as_deref() != Ok("1"),
        "OUTPOST_REQUIRE_KEYCHAIN=1 but no OS keychain answers: {}",
        st.detail
    );
    false
}

pub async fn open(dir: &Path) -> (Outpost, OpenOptions) {
    let o = options(dir);
    (Outpost::open(o.clone()).await.unwrap(), o)
}

pub struct Seeded {
    pub channel_id: String,
    pub channel2_id: String,
    pub post_id: String,
    pub draft_id: String,
    pub media_id: String,
    pub media_file: PathBuf,
    /// Sealed ciphertexts stored in the database.
    pub ciphertexts: Vec<Vec<u8>>,
}

/// Seeds a row in every table (and media files, and sealed secrets).
pub async fn seed(outpost: &Outpost) -> Seeded {
    let pool = outpost.store().pool();
    let vault = outpost.vault().await.unwrap();
    let exec = |sql: &'static str| async move { sqlx::query(sql).execute(pool).await.unwrap() };
    exec("INSERT INTO developer_apps (id, platform, client_id, has_client_secret, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000001', 'mastodon', 'client-abc', 1, 1000, 1000)").await;
    exec("INSERT INTO channels (id, platform, instance_url, platform_account_id, kind, display_name, handle, status, token_expires_at, developer_app_id, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000010', 'mastodon', 'https://example.social', 'acct-1', 'profile', 'Zoë Example', '@zoe', 'connected', 99999999, '01900000-0000-7000-8000-000000000001', 1001, 1001)").await;
    exec("INSERT INTO channels (id, platform, platform_account_id, kind, display_name, status, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000011', 'x', 'acct-2', 'profile', 'X account', 'connected', 1002, 1002)").await;
    exec("INSERT INTO media_assets (id, file_path, original_name, mime, bytes, width, height, sha256, alt_text, thumbnail_path, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000020', '2026/01/photo.png', 'photo.png', 'image/png', 5, 10, 10, 'x', 'alt ✓', '2026/01/photo.thumb.png', 1003, 1003)").await;
    exec("INSERT INTO media_assets (id, file_path, mime, bytes, sha256, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000021', 'clip.mp4', 'video/mp4', 7, 'y', 1004, 1004)").await;
    exec("INSERT INTO campaigns (id, name, colour, start_date, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000030', 'Spring', '#0f0', '2026-03-01', 1005, 1005)").await;
    exec("INSERT INTO board_columns (id, name, position, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000031', 'Doing', 1, 1006, 1006)").await;
    exec("INSERT INTO ideas (id, title, notes, campaign_id, board_column_id, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000040', 'Idea title', 'IDEA-NOTES-narwhal brainstorm', '01900000-0000-7000-8000-000000000030', '01900000-0000-7000-8000-000000000031', 1007, 1007)").await;
    exec("INSERT INTO posts (id, body, status, scheduled_at, time_zone, local_time, campaign_id, board_column_id, idea_id, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000050', 'POST-TEXT-zebra-quokka launch day', 'scheduled', 1700000000000, 'Europe/Berlin', '2026-03-01T10:00:00', '01900000-0000-7000-8000-000000000030', '01900000-0000-7000-8000-000000000031', '01900000-0000-7000-8000-000000000040', 1008, 1008)").await;
    exec("INSERT INTO posts (id, body, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000051', 'a draft \"quoted\" \\ back', 1009, 1009)").await;
    exec("INSERT INTO post_targets (id, post_id, channel_id, caption, title, thumbnail_media_id, first_comment, thread_parts, options, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000060', '01900000-0000-7000-8000-000000000050', '01900000-0000-7000-8000-000000000010', 'variant caption', 'a title', '01900000-0000-7000-8000-000000000020', 'first!', '[\"part one\",\"part two\"]', '{\"sensitive\":false}', 1010, 1010)").await;
    exec("INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000061', '01900000-0000-7000-8000-000000000050', '01900000-0000-7000-8000-000000000011', 1011, 1011)").await;
    exec("INSERT INTO post_media (id, post_id, target_id, media_id, position, created_at) VALUES ('01900000-0000-7000-8000-000000000070', '01900000-0000-7000-8000-000000000050', NULL, '01900000-0000-7000-8000-000000000020', 0, 1012)").await;
    exec("INSERT INTO idea_media (idea_id, media_id, position) VALUES ('01900000-0000-7000-8000-000000000040', '01900000-0000-7000-8000-000000000021', 0)").await;
    exec("INSERT INTO templates (id, name, body, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000080', 'Weekly', 'TEMPLATE-BODY-okapi {{name}}', 1013, 1013)").await;
    exec("INSERT INTO tags (id, name, colour, created_at) VALUES ('01900000-0000-7000-8000-000000000090', 'launch', '#f00', 1014)").await;
    exec("INSERT INTO post_tags (post_id, tag_id) VALUES ('01900000-0000-7000-8000-000000000050', '01900000-0000-7000-8000-000000000090')").await;
    exec("INSERT INTO idea_tags (idea_id, tag_id) VALUES ('01900000-0000-7000-8000-000000000040', '01900000-0000-7000-8000-000000000090')").await;
    exec("INSERT INTO posting_slots (id, channel_id, weekday, local_time, time_zone, created_at) VALUES ('01900000-0000-7000-8000-0000000000a0', '01900000-0000-7000-8000-000000000010', 1, '09:30', 'Europe/Berlin', 1015)").await;
    exec("INSERT INTO publish_jobs (id, post_target_id, state, due_at, attempt_count, created_at, updated_at) VALUES ('01900000-0000-7000-8000-0000000000b0', '01900000-0000-7000-8000-000000000060', 'scheduled', 1700000000000, 1, 1016, 1016)").await;
    exec("INSERT INTO publish_jobs (id, post_target_id, state, due_at, attempt_count, platform_post_id, platform_url, published_at, created_at, updated_at) VALUES ('01900000-0000-7000-8000-0000000000b2', '01900000-0000-7000-8000-000000000061', 'published', 1700000000000, 1, '1790000000000000002', 'https://x.com/i/web/status/1790000000000000002', 1700000100000, 1016, 1016)").await;
    exec("INSERT INTO publish_attempts (id, job_id, attempt_no, started_at, finished_at, outcome, http_status, idempotency_key) VALUES ('01900000-0000-7000-8000-0000000000b1', '01900000-0000-7000-8000-0000000000b0', 1, 1017, 1018, 'retryable_error', 503, 'idem-1')").await;
    exec("INSERT INTO publish_parts (job_id, part_index, kind, state, platform_id, url, started_at, published_at) VALUES ('01900000-0000-7000-8000-0000000000b0', 0, 'post', 'published', '1790000000000000001', 'https://x.com/i/web/status/1790000000000000001', 1017, 1018)").await;
    exec("INSERT INTO inbox_threads (id, channel_id, platform_thread_id, kind, post_id, subject, last_message_at, created_at, updated_at) VALUES ('01900000-0000-7000-8000-0000000000c0', '01900000-0000-7000-8000-000000000010', 'thr-1', 'comments', '01900000-0000-7000-8000-000000000050', 'Re: launch', 1019, 1019, 1019)").await;
    exec("INSERT INTO inbox_messages (id, thread_id, platform_message_id, author_name, text, kind, sentiment, sentiment_source, received_at, created_at) VALUES ('01900000-0000-7000-8000-0000000000c1', '01900000-0000-7000-8000-0000000000c0', 'msg-1', 'Fan', 'INBOX-TEXT-axolotl great post', 'comment', 'positive', 'local', 1020, 1020)").await;
    exec("INSERT INTO inbox_corrections (text_key, sentiment, created_at, updated_at) VALUES ('great post', 'negative', 1020, 1020)").await;
    exec("INSERT INTO inbox_cursors (channel_id, source, cursor, synced_at) VALUES ('01900000-0000-7000-8000-000000000010', 'mentions', '110000000000000001', 1020)").await;
    exec("INSERT INTO inbox_replies (id, message_id, channel_id, in_reply_to, text, idempotency_key, state, platform_id, url, created_at, attempted_at, sent_at) VALUES ('01900000-0000-7000-8000-0000000000c2', '01900000-0000-7000-8000-0000000000c1', '01900000-0000-7000-8000-000000000010', 'msg-1', 'Thanks!', 'idem-reply-1', 'sent', '110000000000000002', 'https://social.example/@me/110000000000000002', 1020, 1020, 1020)").await;
    exec("INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, demographics, captured_at) VALUES ('01900000-0000-7000-8000-0000000000d0', '01900000-0000-7000-8000-000000000010', '01900000-0000-7000-8000-000000000060', 'likes', 12.5, '{\"de\":0.5}', 1021)").await;
    exec("INSERT INTO analytics_snapshots (id, channel_id, metric, value, captured_at) VALUES ('01900000-0000-7000-8000-0000000000d1', '01900000-0000-7000-8000-000000000010', 'followers', 3.0, 1022)").await;
    exec("INSERT INTO analytics_targets (post_target_id, channel_id, next_sync_at, last_synced_at, deleted_at, last_error) VALUES ('01900000-0000-7000-8000-000000000060', '01900000-0000-7000-8000-000000000010', 1700003600000, 1021, NULL, 'a metric was missing')").await;
    exec("INSERT INTO analytics_channels (channel_id, state, message, last_synced_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000010', 'rate_limited', 'try later', 1021, 1022)").await;
    exec("INSERT INTO approval_previews (id, post_id, password_hash, created_at, expires_at) VALUES ('01900000-0000-7000-8000-0000000000e0', '01900000-0000-7000-8000-000000000050', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', 1023, 9999999999999)").await;
    exec("INSERT INTO brand_persona (id, tone, audience, style_notes, examples, updated_at) VALUES (1, 'friendly', 'makers', 'short', '[\"ex 1\"]', 1024)").await;
    exec("INSERT INTO settings (key, value, updated_at) VALUES ('time_zone', '\"Europe/Berlin\"', 1025)").await;
    exec("INSERT INTO feeds (id, url, title, channel_ids, mode, template, include_keywords, exclude_keywords, backfill_limit, poll_every_minutes, paused, etag, last_modified, last_polled_at, next_poll_at, last_status, last_error, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000100', 'https://blog.example/feed.xml', 'Blog', '[\"01900000-0000-7000-8000-000000000010\"]', 'queue', '{{title}} {{link}}', '[\"coffee\"]', '[]', 2, 30, 0, '\"e1\"', 'Sun, 06 Dec 2026 10:00:00 GMT', 1027, 1028, 'ok', NULL, 1026, 1027)").await;
    exec("INSERT INTO feed_items (id, feed_id, item_key, link, title, published_at, outcome, post_id, message, seen_at) VALUES ('01900000-0000-7000-8000-000000000101', '01900000-0000-7000-8000-000000000100', 'guid-1', 'https://blog.example/1', 'First', 1000, 'queued', '01900000-0000-7000-8000-000000000050', NULL, 1027)").await;
    exec("INSERT INTO evergreen_rules (post_id, every_days, min_gap_days, until_at, last_at, next_due_at, last_message, created_at, updated_at) VALUES ('01900000-0000-7000-8000-000000000050', 30, 30, NULL, 1700000000000, 1702592000000, NULL, 1028, 1028)").await;
    exec("INSERT INTO evergreen_copies (id, post_id, copy_post_id, at, outcome, message, created_at) VALUES ('01900000-0000-7000-8000-000000000102', '01900000-0000-7000-8000-000000000050', '01900000-0000-7000-8000-000000000051', 1702592000000, 'scheduled', NULL, 1029)").await;
    exec("INSERT INTO consent_records (id, kind, granted, policy_version, given_at, source) VALUES ('01900000-0000-7000-8000-0000000000f0', 'telemetry', 0, '2026-01', 1026, 'onboarding')").await;
    exec("INSERT INTO activity_log (at, platform, method, host, path, status, duration_ms, bytes) VALUES (1027, 'mastodon', 'POST', 'example.social', '/api/v1/statuses', 200, 120, 512)").await;
    exec("INSERT INTO ai_calls (id, at, action, provider, model, request_bytes, response_bytes, request_body, answer, status, error, duration_ms) VALUES ('01900000-0000-7000-8000-000000000110', 1030, 'refine', 'http://127.0.0.1:11434', 'llama3.2', 80, 120, '{\"model\":\"llama3.2\"}', 'A refined post', 'ok', NULL, 900)").await;

    let mut ciphertexts = Vec::new();
    for (kind, owner, purpose, value) in [
        (
            "channel",
            "01900000-0000-7000-8000-000000000010",
            "access_token",
            TOKEN,
        ),
        (
            "channel",
            "01900000-0000-7000-8000-000000000011",
            "access_token",
            TOKEN,
        ),
        (
            "developer_app",
            "01900000-0000-7000-8000-000000000001",
            "client_secret",
            CLIENT_SECRET,
        ),
    ] {
        let sealed = vault
            .seal(&Owner::new(kind, owner, purpose), &Secret::new(value))
            .unwrap();
        sqlx::query("INSERT INTO sealed_secrets (id, owner_kind, owner_id, purpose, key_id, nonce, ciphertext, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 1)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(kind)
            .bind(owner)
            .bind(purpose)
            .bind(&sealed.key_id)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
            .execute(pool)
            .await
            .unwrap();
        ciphertexts.push(sealed.ciphertext);
    }

    let media = outpost.paths().media_dir();
    std::fs::create_dir_all(media.join("2026/01")).unwrap();
    std::fs::write(media.join("2026/01/photo.png"), b"\x89PNG\x00photo-bytes").unwrap();
    std::fs::write(media.join("2026/01/photo.thumb.png"), b"thumb").unwrap();
    std::fs::write(media.join("clip.mp4"), vec![7u8; 70_000]).unwrap();
    Seeded {
        channel_id: "01900000-0000-7000-8000-000000000010".into(),
        channel2_id: "01900000-0000-7000-8000-000000000011".into(),
        post_id: "01900000-0000-7000-8000-000000000050".into(),
        draft_id: "01900000-0000-7000-8000-000000000051".into(),
        media_id: "01900000-0000-7000-8000-000000000020".into(),
        media_file: media.join("2026/01/photo.png"),
        ciphertexts,
    }
}

/// Row count of every table (secrets and search index included) and every file in the media folder.
pub async fn snapshot(outpost: &Outpost) -> (Vec<(String, i64)>, Vec<(PathBuf, Vec<u8>)>) {
    let pool = outpost.store().pool();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'search_fts%' AND name NOT LIKE 'inbox_fts%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut counts = Vec::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{t}\""))
            .fetch_one(pool)
            .await
            .unwrap();
        counts.push((t, n));
    }
    (counts, files_under(&outpost.paths().media_dir()))
}

pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            // A live profile creates and removes short-lived files (SQLite's, the logger's);
            // one gone between listing and reading holds nothing any more.
            match std::fs::read(&p) {
                Ok(bytes) => out.push((p.clone(), bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("{}: {e}", p.display()),
            }
        }
    }
    out.sort();
    out
}

/// Every entry of a zip archive: name → bytes.
pub fn entries(archive: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(archive).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.push((f.name().to_string(), b));
    }
    out
}

/// Writes a zip with the given entries (deflated, in order).
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
