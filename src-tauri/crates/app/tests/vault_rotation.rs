//! Secrets through the app layer against the real vault: stored sealed (never plaintext), bound to
//! their owner, and the master-key rotation re-seals every one of them in one transaction.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use outpost_app::{OpenOptions, Outpost, Paths};
use outpost_store::SecretOwnerKind;
use outpost_vault::Secret;

fn keychain_answers() -> bool {
    outpost_vault::status(&outpost_vault::VaultConfig::new(
        std::env::temp_dir().join("outpost-probe"),
    ))
    .keychain_available
}

async fn profile(dir: &std::path::Path, passphrase: bool) -> Outpost {
    open_with(
        dir,
        format!("app.outpost.test.{}", uuid::Uuid::new_v4()),
        passphrase,
    )
    .await
}

async fn open_with(dir: &std::path::Path, keychain_service: String, passphrase: bool) -> Outpost {
    let mut options = OpenOptions::new(Paths::resolve(Some(dir.to_path_buf())).unwrap());
    options.keychain_service = keychain_service;
    if passphrase {
        options.passphrase = Some(Secret::new("correct horse battery staple"));
    }
    Outpost::open(options).await.unwrap()
}

async fn rotation_reseals_everything(passphrase: bool) {
    let tmp = tempfile::tempdir().unwrap();
    let o = profile(tmp.path(), passphrase).await;
    let secrets = [
        (
            SecretOwnerKind::Channel,
            "chan-1",
            "access_token",
            "AT-one-7f3a",
        ),
        (
            SecretOwnerKind::Channel,
            "chan-1",
            "refresh_token",
            "RT-one-91bc",
        ),
        (
            SecretOwnerKind::DeveloperApp,
            "app-1",
            "client_secret",
            "CS-app-55d0",
        ),
    ];
    // The owner rows must exist (secrets are deleted with their owner by trigger, not required here).
    for (kind, id, purpose, value) in secrets {
        o.store_secret(kind, id, purpose, &Secret::new(value))
            .await
            .unwrap();
    }
    let before = outpost_store::secrets::list_all(o.store().pool())
        .await
        .unwrap();
    assert_eq!(before.len(), 3);
    let mut db = std::fs::read(tmp.path().join("outpost.sqlite3")).unwrap();
    db.extend(std::fs::read(tmp.path().join("outpost.sqlite3-wal")).unwrap_or_default());
    for (_, _, _, value) in secrets {
        assert!(
            !db.windows(value.len()).any(|w| w == value.as_bytes()),
            "{value} stored in plaintext"
        );
    }

    let report = o.rotate_master_key().await.unwrap();
    assert_eq!(report.resealed, 3);
    let after = outpost_store::secrets::list_all(o.store().pool())
        .await
        .unwrap();
    for (b, a) in before.iter().zip(&after) {
        assert_ne!(b.key_id, a.key_id, "re-sealed under the new key");
        assert_eq!(a.key_id, report.new_key_id);
        assert_ne!(b.ciphertext, a.ciphertext);
    }
    for (kind, id, purpose, value) in secrets {
        assert_eq!(
            o.read_secret(kind, id, purpose)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            value
        );
    }
    // Bound to the owner: the same ciphertext under another owner does not open.
    let row = &after[0];
    let wrong = outpost_app::secrets::owner(row.owner_kind, "someone-else", &row.purpose);
    let sealed = outpost_vault::Sealed {
        key_id: row.key_id.clone(),
        nonce: row.nonce.clone(),
        ciphertext: row.ciphertext.clone(),
    };
    assert!(o.vault().await.unwrap().unseal(&wrong, &sealed).is_err());

    // A second rotation works too, and the profile reopens with the final key.
    o.rotate_master_key().await.unwrap();
    o.close().await;
    let o = open_with(tmp.path(), o.keychain_service().to_string(), passphrase).await;
    for (kind, id, purpose, value) in secrets {
        assert_eq!(
            o.read_secret(kind, id, purpose)
                .await
                .unwrap()
                .unwrap()
                .expose(),
            value
        );
    }
    o.delete_all_data(&outpost_app::data::NoRevoker)
        .await
        .unwrap();
}

#[tokio::test]
async fn rotation_in_passphrase_mode() {
    rotation_reseals_everything(true).await;
}

#[tokio::test]
async fn rotation_with_the_os_keychain() {
    if !keychain_answers() {
        assert!(
            std::env::var_os("OUTPOST_REQUIRE_KEYCHAIN").is_none(),
            "OUTPOST_REQUIRE_KEYCHAIN is set but no keychain answers"
        );
        return;
    }
    rotation_reseals_everything(false).await;
}
