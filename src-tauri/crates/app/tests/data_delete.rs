//! Deleting single items, disconnecting channels, and "delete all my data" leaving nothing behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod data_support;

use std::sync::Mutex;

use data_support::*;
use outpost_app::ErrorCode;
use outpost_app::data::{
    BoxFuture, ChannelSecrets, ItemKind, NoRevoker, RevocationOutcome, Revoker,
};
use outpost_store::channels::Channel;

/// Revokes the first channel, fails the second; records the tokens it was given.
#[derive(Default)]
struct FakeRevoker {
    seen: Mutex<Vec<(String, String)>>,
}

impl Revoker for FakeRevoker {
    fn revoke<'a>(
        &'a self,
        channel: &'a Channel,
        secrets: &'a ChannelSecrets,
    ) -> BoxFuture<'a, RevocationOutcome> {
        Box::pin(async move {
            let token = secrets
                .get("access_token")
                .map(|s| s.expose().to_string())
                .unwrap_or_default();
            self.seen.lock().unwrap().push((channel.id.clone(), token));
            if channel.platform.as_str() == "mastodon" {
                RevocationOutcome::Revoked
            } else {
                RevocationOutcome::Failed("HTTP 500".into())
            }
        })
    }
}

async fn count(o: &outpost_app::Outpost, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(o.store().pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn single_items_can_be_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let (o, _) = open(tmp.path()).await;
    let s = seed(&o).await;

    // A draft id only deletes drafts.
    let err = o
        .delete_item(ItemKind::Draft, &s.post_id)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    o.delete_item(ItemKind::Draft, &s.draft_id).await.unwrap();
    o.delete_item(ItemKind::Post, &s.post_id).await.unwrap();
    assert_eq!(count(&o, "SELECT COUNT(*) FROM posts").await, 0);
    assert_eq!(
        count(&o, "SELECT COUNT(*) FROM post_targets").await,
        0,
        "targets cascade"
    );
    assert_eq!(
        count(&o, "SELECT COUNT(*) FROM approval_previews").await,
        0,
        "previews cascade"
    );

    assert!(s.media_file.exists());
    o.delete_item(ItemKind::MediaAsset, &s.media_id)
        .await
        .unwrap();
    assert!(!s.media_file.exists(), "the media file goes with its row");
    assert!(
        !o.paths()
            .media_dir()
            .join("2026/01/photo.thumb.png")
            .exists()
    );
    assert!(o.paths().media_dir().join("clip.mp4").exists());

    for (kind, id) in [
        (ItemKind::Idea, "01900000-0000-7000-8000-000000000040"),
        (ItemKind::Template, "01900000-0000-7000-8000-000000000080"),
        (ItemKind::Tag, "01900000-0000-7000-8000-000000000090"),
        (ItemKind::Campaign, "01900000-0000-7000-8000-000000000030"),
        (
            ItemKind::InboxMessage,
            "01900000-0000-7000-8000-0000000000c1",
        ),
        (
            ItemKind::InboxThread,
            "01900000-0000-7000-8000-0000000000c0",
        ),
        (
            ItemKind::BoardColumn,
            "01900000-0000-7000-8000-000000000031",
        ),
        (
            ItemKind::PostingSlot,
            "01900000-0000-7000-8000-0000000000a0",
        ),
    ] {
        o.delete_item(kind, id).await.unwrap();
        let err = o.delete_item(kind, id).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotFound, "{kind:?}");
    }
    // Search no longer finds deleted text.
    for q in ["zebra", "narwhal", "okapi"] {
        assert!(
            outpost_store::search::search(o.store().pool(), q, 10)
                .await
                .unwrap()
                .is_empty(),
            "{q}"
        );
    }

    // Disconnect: revoked upstream with the real token, then secrets and row are gone.
    let revoker = FakeRevoker::default();
    let r = o.delete_channel(&s.channel_id, &revoker).await.unwrap();
    assert_eq!(r.outcome, RevocationOutcome::Revoked);
    assert_eq!(
        revoker.seen.lock().unwrap().as_slice(),
        [(s.channel_id.clone(), TOKEN.to_string())]
    );
    assert_eq!(
        count(
            &o,
            "SELECT COUNT(*) FROM channels WHERE id = '01900000-0000-7000-8000-000000000010'"
        )
        .await,
        0
    );
    assert_eq!(count(&o, "SELECT COUNT(*) FROM sealed_secrets WHERE owner_id = '01900000-0000-7000-8000-000000000010'").await, 0);
    let err = o
        .delete_channel(&s.channel_id, &NoRevoker)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn delete_all_leaves_nothing_on_disk_or_in_the_keychain() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("profile");
    let (o, opts) = open(&dir).await;
    let s = seed(&o).await;
    // A log file with user text, as a debug log might hold.
    std::fs::write(
        o.paths().logs_dir().join("cli.log.2026-01-01"),
        format!("debug: {POST_TEXT}"),
    )
    .unwrap();
    // Make sure the texts reached the database file and WAL before deleting.
    sqlx::query("UPDATE posts SET body = body || ' ' WHERE id = ?1")
        .bind(&s.draft_id)
        .execute(o.store().pool())
        .await
        .unwrap();

    let revoker = FakeRevoker::default();
    let report = o.delete_all_data(&revoker).await.unwrap();
    assert!(report.deleted);
    assert_eq!(report.revocation.len(), 2);
    let failed: Vec<_> = report
        .revocation
        .iter()
        .filter(|r| r.outcome != RevocationOutcome::Revoked)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].platform, "x");
    assert_eq!(
        failed[0].outcome,
        RevocationOutcome::Failed("HTTP 500".into())
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["revocation"][1]["outcome"], "failed");
    assert_eq!(json["revocation"][1]["reason"], "HTTP 500");
    assert_eq!(revoker.seen.lock().unwrap().len(), 2);

    // Every table is empty (the migration history aside).
    let (counts, media) = snapshot(&o).await;
    assert!(
        counts
            .iter()
            .all(|(t, n)| *n == 0 || t == "_sqlx_migrations"),
        "{counts:?}"
    );
    assert!(media.is_empty());
    assert!(!dir.join("vault.json").exists());

    // Scan every file under the data dir, byte-wise, while the database is still open (WAL, SHM)...
    let mut needles: Vec<Vec<u8>> = [
        POST_TEXT,
        IDEA_NOTES,
        TEMPLATE_BODY,
        INBOX_TEXT,
        TOKEN,
        CLIENT_SECRET,
        "zebra-quokka",
        "narwhal",
        "okapi",
        "axolotl",
        "Zoë Example",
        "photo-bytes",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    needles.extend(s.ciphertexts.iter().cloned());
    let scan = |when: &str| {
        for (path, bytes) in files_under(&dir) {
            for n in &needles {
                assert!(
                    !contains(&bytes, n),
                    "{when}: {} still holds {:?}",
                    path.display(),
                    String::from_utf8_lossy(n)
                );
            }
        }
    };
    scan("open");
    // ... and after closing.
    o.close().await;
    scan("closed");

    // The keychain holds nothing for this profile's service.
    if opts.passphrase.is_none() {
        let out = std::process::Command::new("secret-tool")
            .args(["search", "--all", "service", &opts.keychain_service])
            .output()
            .expect("secret-tool (libsecret-tools) is needed for the keychain check");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !text.contains("master-key"),
            "keychain entries survive: {text}"
        );
        assert!(
            !text.contains(&opts.keychain_service),
            "keychain entries survive: {text}"
        );
    }

    // The profile opens again, empty, and can take a new vault.
    let again = outpost_app::Outpost::open(opts.clone()).await.unwrap();
    again.vault().await.unwrap();
    again.close().await;
}
