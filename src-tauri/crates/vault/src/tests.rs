#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use tempfile::TempDir;
use zeroize::Zeroize;

use super::*;
use crate::keystore::memory::MemoryStore;

fn pass_config(dir: &TempDir, pass: &str) -> VaultConfig {
    VaultConfig::new(dir.path())
        .with_passphrase(Secret::new(pass))
        .with_kdf(KdfParams::INSECURE_FOR_TESTS)
}

fn owner() -> Owner {
    Owner::new(
        "channel",
        "0b7c6f1e-1111-4e4e-8888-000000000001",
        "access_token",
    )
}

fn read_meta(dir: &TempDir) -> Vec<u8> {
    std::fs::read(dir.path().join("vault.json")).unwrap()
}

#[test]
fn passphrase_round_trip_and_reopen() {
    let dir = TempDir::new().unwrap();
    let cfg = pass_config(&dir, "correct horse");
    let vault = Vault::open_or_create(&cfg).unwrap();
    assert_eq!(vault.backend(), Backend::Passphrase);
    let sealed = vault.seal(&owner(), &Secret::new("tok-123")).unwrap();
    assert_eq!(sealed.nonce.len(), 12);
    assert!(
        !sealed
            .ciphertext
            .windows(7)
            .any(|w| w == b"tok-123".as_slice())
    );
    assert_eq!(vault.unseal(&owner(), &sealed).unwrap().expose(), "tok-123");
    drop(vault);

    let again = Vault::open(&cfg).unwrap();
    assert_eq!(again.unseal(&owner(), &sealed).unwrap().expose(), "tok-123");

    // The metadata never holds the key or the passphrase in the clear.
    let text = String::from_utf8(read_meta(&dir)).unwrap();
    assert!(!text.contains("correct horse"));
    assert!(text.contains("\"backend\": \"passphrase\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("vault.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn sealed_serialises_as_base64() {
    let sealed = Sealed {
        key_id: "k".into(),
        nonce: vec![1, 2, 3],
        ciphertext: vec![255],
    };
    let json = serde_json::to_string(&sealed).unwrap();
    assert_eq!(json, r#"{"key_id":"k","nonce":"AQID","ciphertext":"/w=="}"#);
    assert_eq!(serde_json::from_str::<Sealed>(&json).unwrap(), sealed);
}

#[test]
fn owner_binding() {
    let dir = TempDir::new().unwrap();
    let vault = Vault::open_or_create(&pass_config(&dir, "p")).unwrap();
    let o = owner();
    let sealed = vault.seal(&o, &Secret::new("secret")).unwrap();
    let others = [
        Owner::new("app", &o.id, &o.name),
        Owner::new(&o.kind, "0b7c6f1e-1111-4e4e-8888-000000000002", &o.name),
        Owner::new(&o.kind, &o.id, "refresh_token"),
        // Same concatenation, different split: must differ too.
        Owner::new(
            "channel0b7c6f1e",
            "-1111-4e4e-8888-000000000001",
            "access_token",
        ),
    ];
    for other in others {
        let err = vault.unseal(&other, &sealed).unwrap_err();
        assert!(matches!(err, Error::Decrypt(_)), "{other:?}: {err}");
    }
    // Claiming another key id fails as well.
    let mut relabelled = sealed.clone();
    relabelled.key_id = "another".into();
    assert!(matches!(
        vault.unseal(&o, &relabelled),
        Err(Error::Decrypt(_))
    ));
}

#[test]
fn tampering_fails_and_nonces_are_fresh() {
    let dir = TempDir::new().unwrap();
    let vault = Vault::open_or_create(&pass_config(&dir, "p")).unwrap();
    let o = owner();
    let secret = Secret::new("same value");
    let a = vault.seal(&o, &secret).unwrap();
    let b = vault.seal(&o, &secret).unwrap();
    assert_ne!(a.nonce, b.nonce);
    assert_ne!(a.ciphertext, b.ciphertext);

    let mut bad = a.clone();
    bad.ciphertext[0] ^= 1;
    assert!(matches!(vault.unseal(&o, &bad), Err(Error::Decrypt(_))));
    let mut bad = a.clone();
    bad.nonce[0] ^= 1;
    assert!(matches!(vault.unseal(&o, &bad), Err(Error::Decrypt(_))));
    let mut bad = a.clone();
    bad.nonce.pop();
    assert!(matches!(vault.unseal(&o, &bad), Err(Error::Decrypt(_))));
    let mut bad = a.clone();
    bad.ciphertext.truncate(3);
    let err = vault.unseal(&o, &bad).unwrap_err();
    assert!(!err.to_string().contains("same value"));
}

#[test]
fn secret_is_redacted_and_zeroizable() {
    let mut s = Secret::new("hunter2");
    assert_eq!(format!("{s:?}"), "<redacted>");
    assert_eq!(format!("{s}"), "<redacted>");
    assert_eq!(format!("{:?}", Some(&s)), "Some(<redacted>)");
    let cfg = VaultConfig::new("/x").with_passphrase(s.clone());
    assert!(!format!("{cfg:?}").contains("hunter2"));
    s.zeroize();
    assert_eq!(s.expose(), "");
}

#[test]
fn wrong_passphrase_and_missing_passphrase() {
    let dir = TempDir::new().unwrap();
    Vault::open_or_create(&pass_config(&dir, "right")).unwrap();
    let before = read_meta(&dir);
    let err = Vault::open(&pass_config(&dir, "wrong")).unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase), "{err}");
    assert!(err.to_string().contains("wrong passphrase"));
    let err = Vault::open(&VaultConfig::new(dir.path())).unwrap_err();
    assert!(matches!(err, Error::PassphraseRequired));
    assert!(err.to_string().contains("OUTPOST_VAULT_PASSPHRASE"));
    assert_eq!(read_meta(&dir), before);
}

#[test]
fn open_requires_a_profile() {
    let dir = TempDir::new().unwrap();
    let err = Vault::open(&pass_config(&dir, "p")).unwrap_err();
    assert!(matches!(err, Error::NoProfile { .. }));
    assert!(!dir.path().join("vault.json").exists());
}

#[test]
fn corrupt_metadata_is_left_untouched() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("vault.json");
    for content in [&b"{ not json"[..], br#"{"format": 99}"#] {
        std::fs::write(&path, content).unwrap();
        let cfg = pass_config(&dir, "p");
        let err = Vault::open_or_create(&cfg).unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("left untouched"));
        assert!(matches!(Vault::open(&cfg), Err(Error::Corrupt { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), content);
        let st = status_with(&cfg, &MemoryStore::default());
        assert_eq!(st.backend, None);
        assert!(st.detail.contains("corrupt"));
        assert_eq!(std::fs::read(&path).unwrap(), content);
    }
}

#[test]
fn tampered_metadata_key_is_detected() {
    let dir = TempDir::new().unwrap();
    let cfg = pass_config(&dir, "p");
    Vault::open_or_create(&cfg).unwrap();
    let mut meta = meta::load(dir.path()).unwrap().unwrap();
    let w = meta.keys[0].wrapped.as_mut().unwrap();
    w.ciphertext[0] ^= 1;
    meta::store(dir.path(), &meta).unwrap();
    assert!(matches!(Vault::open(&cfg), Err(Error::Corrupt { .. })));
}

#[test]
fn passphrase_rotation_with_crash_after_begin() {
    let dir = TempDir::new().unwrap();
    let cfg = pass_config(&dir, "p");
    let o = owner();
    let vault = Vault::open_or_create(&cfg).unwrap();
    let old_key = vault.current_key_id();
    let a = vault.seal(&o, &Secret::new("a")).unwrap();
    let b = vault.seal(&o, &Secret::new("b")).unwrap();

    let rotation = vault.begin_rotation().unwrap();
    assert_eq!(
        vault.pending_key_id().as_deref(),
        Some(rotation.new_key_id())
    );
    let b2 = rotation.reseal(&o, &b).unwrap(); // "the DB transaction committed b2 only"
    assert_eq!(b2.key_id, rotation.new_key_id());
    // Reseal keeps the owner binding.
    assert!(rotation.reseal(&Owner::new("x", "y", "z"), &a).is_err());
    drop(rotation);
    drop(vault); // crash

    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(vault.current_key_id(), old_key);
    assert_eq!(vault.unseal(&o, &a).unwrap().expose(), "a");
    assert_eq!(vault.unseal(&o, &b2).unwrap().expose(), "b");
    assert_eq!(vault.unseal(&o, &b).unwrap().expose(), "b");

    // Resume: the same pending key is used again.
    let rotation = vault.begin_rotation().unwrap();
    assert_eq!(
        Some(rotation.new_key_id().to_owned()),
        vault.pending_key_id()
    );
    assert_eq!(rotation.new_key_id(), b2.key_id);
    let a2 = rotation.reseal(&o, &a).unwrap();
    let b3 = rotation.reseal(&o, &b2).unwrap();
    let new_id = rotation.new_key_id().to_owned();
    vault.commit_rotation(rotation).unwrap();
    assert_eq!(vault.current_key_id(), new_id);
    assert_eq!(vault.pending_key_id(), None);
    assert!(matches!(vault.unseal(&o, &a), Err(Error::Decrypt(_))));
    drop(vault);

    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(vault.unseal(&o, &a2).unwrap().expose(), "a");
    assert_eq!(vault.unseal(&o, &b3).unwrap().expose(), "b");
    assert_eq!(vault.seal(&o, &Secret::new("c")).unwrap().key_id, new_id);
    let meta = meta::load(dir.path()).unwrap().unwrap();
    assert_eq!(meta.keys.len(), 1);
    // Wrong passphrase still detected after rotation.
    assert!(matches!(
        Vault::open(&pass_config(&dir, "q")),
        Err(Error::WrongPassphrase)
    ));
}

#[test]
fn commit_rejects_foreign_rotation() {
    let d1 = TempDir::new().unwrap();
    let d2 = TempDir::new().unwrap();
    let v1 = Vault::open_or_create(&pass_config(&d1, "p")).unwrap();
    let v2 = Vault::open_or_create(&pass_config(&d2, "p")).unwrap();
    let r = v1.begin_rotation().unwrap();
    assert!(matches!(
        v2.commit_rotation(r),
        Err(Error::RotationMismatch)
    ));
}

#[test]
fn destroy_removes_metadata() {
    let dir = TempDir::new().unwrap();
    let cfg = pass_config(&dir, "p");
    Vault::open_or_create(&cfg).unwrap().destroy().unwrap();
    assert!(!dir.path().join("vault.json").exists());
    // Forgotten passphrase: destroy without unlocking.
    Vault::open_or_create(&cfg).unwrap();
    Vault::destroy_profile(&VaultConfig::new(dir.path())).unwrap();
    assert!(!dir.path().join("vault.json").exists());
}

// ---- keychain mode against the in-memory store (logic and fault injection) ----

fn kc_config(dir: &TempDir) -> VaultConfig {
    VaultConfig::new(dir.path())
}

#[test]
fn keychain_create_open_and_missing_key() {
    let dir = TempDir::new().unwrap();
    let store = Arc::new(MemoryStore::default());
    let cfg = kc_config(&dir);
    let vault = Vault::open_or_create_with(&cfg, store.clone()).unwrap();
    assert_eq!(vault.backend(), Backend::Keychain);
    let account = format!("master-key/{}", vault.profile_id());
    assert!(store.snapshot().contains_key(&account));
    let sealed = vault.seal(&owner(), &Secret::new("t")).unwrap();
    drop(vault);
    let vault = Vault::open_with(&cfg, store.clone()).unwrap();
    assert_eq!(vault.unseal(&owner(), &sealed).unwrap().expose(), "t");
    drop(vault);

    // The key disappears: a clear error, no new key, metadata unchanged.
    store.entries.lock().unwrap().clear();
    let before = read_meta(&dir);
    for result in [
        Vault::open_with(&cfg, store.clone()),
        Vault::open_or_create_with(&cfg, store.clone()),
    ] {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::MissingKey { .. }), "{err}");
    }
    assert!(store.snapshot().is_empty());
    assert_eq!(read_meta(&dir), before);
    assert!(status_with(&cfg, store.as_ref()).detail.contains("MISSING"));

    // A different key in the entry is reported as such.
    store
        .set(&account, &keystore::encode_key("x", &crypto::random_key()))
        .unwrap();
    assert!(matches!(
        Vault::open_with(&cfg, store.clone()),
        Err(Error::KeyMismatch { .. })
    ));

    // Explicit start-over.
    let vault = Vault::recreate_with(&cfg, store.clone()).unwrap();
    assert!(!store.snapshot().contains_key(&account));
    assert!(matches!(
        vault.unseal(&owner(), &sealed),
        Err(Error::Decrypt(_))
    ));
}

#[test]
fn keychain_refusing_access_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let store = Arc::new(MemoryStore::default());
    let cfg = kc_config(&dir);

    // New profile, keychain refuses: NoBackend, nothing written.
    store.fail(false, true, false);
    let err = Vault::open_or_create_with(&cfg, store.clone()).unwrap_err();
    assert!(matches!(err, Error::NoBackend { .. }), "{err}");
    assert!(err.to_string().contains("OUTPOST_VAULT_PASSPHRASE"));
    assert!(!dir.path().join("vault.json").exists());
    store.fail(false, false, false);

    let vault = Vault::open_or_create_with(&cfg, store.clone()).unwrap();
    let sealed = vault.seal(&owner(), &Secret::new("t")).unwrap();
    let before = read_meta(&dir);
    let entries = store.snapshot();

    store.fail(false, true, false);
    assert!(matches!(
        vault.begin_rotation(),
        Err(Error::KeychainAccessDenied { .. })
    ));
    assert_eq!(read_meta(&dir), before);
    store.fail(true, false, false);
    let err = Vault::open_with(&cfg, store.clone()).unwrap_err();
    assert!(matches!(err, Error::KeychainAccessDenied { .. }), "{err}");
    assert!(!status_with(&cfg, store.as_ref()).keychain_available);
    store.fail(false, false, true);
    assert!(vault.destroy().is_err());
    assert_eq!(read_meta(&dir), before);
    assert_eq!(store.snapshot(), entries);

    store.fail(false, false, false);
    let vault = Vault::open_with(&cfg, store.clone()).unwrap();
    assert_eq!(vault.unseal(&owner(), &sealed).unwrap().expose(), "t");
}

#[test]
fn keychain_rotation_crash_points() {
    let dir = TempDir::new().unwrap();
    let store = Arc::new(MemoryStore::default());
    let cfg = kc_config(&dir);
    let o = owner();
    let vault = Vault::open_or_create_with(&cfg, store.clone()).unwrap();
    let profile = vault.profile_id().to_owned();
    let main = format!("master-key/{profile}");
    let pending = format!("master-key/{profile}/pending");
    let a = vault.seal(&o, &Secret::new("a")).unwrap();

    // Crash after begin.
    let rotation = vault.begin_rotation().unwrap();
    let a2 = rotation.reseal(&o, &a).unwrap();
    assert!(store.snapshot().contains_key(&pending));
    drop((rotation, vault));
    let vault = Vault::open_with(&cfg, store.clone()).unwrap();
    assert_eq!(vault.unseal(&o, &a).unwrap().expose(), "a");
    assert_eq!(vault.unseal(&o, &a2).unwrap().expose(), "a");

    // Crash in the middle of the commit: vault.json updated, keychain move fails.
    let rotation = vault.begin_rotation().unwrap();
    assert_eq!(rotation.new_key_id(), a2.key_id);
    store.fail(false, true, false);
    vault.commit_rotation(rotation).unwrap();
    store.fail(false, false, false);
    assert!(store.snapshot().contains_key(&pending));
    drop(vault);

    // Re-open: the new key is found in the pending entry and moved to the main entry.
    let vault = Vault::open_with(&cfg, store.clone()).unwrap();
    assert_eq!(vault.current_key_id(), a2.key_id);
    assert_eq!(vault.unseal(&o, &a2).unwrap().expose(), "a");
    assert!(matches!(vault.unseal(&o, &a), Err(Error::Decrypt(_))));
    let entries = store.snapshot();
    assert!(!entries.contains_key(&pending));
    let (id, _) = keystore::decode_key(&entries[&main]).unwrap();
    assert_eq!(id, a2.key_id);

    // A clean rotation, then destroy removes every entry.
    let rotation = vault.begin_rotation().unwrap();
    let a3 = rotation.reseal(&o, &a2).unwrap();
    vault.commit_rotation(rotation).unwrap();
    assert_eq!(vault.unseal(&o, &a3).unwrap().expose(), "a");
    assert!(!store.snapshot().contains_key(&pending));
    vault.destroy().unwrap();
    assert!(store.snapshot().is_empty());
    assert!(!dir.path().join("vault.json").exists());
}

#[test]
fn status_has_no_side_effects() {
    let dir = TempDir::new().unwrap();
    let store = MemoryStore::default();
    let st = status_with(&kc_config(&dir), &store);
    assert_eq!(st.backend, None);
    assert!(st.keychain_available);
    assert!(store.snapshot().is_empty());
    assert!(!dir.path().join("vault.json").exists());
    store.fail(true, true, true);
    let st = status_with(&kc_config(&dir), &store);
    assert!(!st.keychain_available);
    assert!(st.detail.contains("OUTPOST_VAULT_PASSPHRASE"));
}

#[test]
fn errors_have_stable_codes() {
    assert_eq!(Error::WrongPassphrase.code(), "vault_wrong_passphrase");
    assert_eq!(Error::Decrypt("x").code(), "vault_decrypt");
}

#[test]
fn vault_and_rotation_are_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Vault>();
    assert_send_sync::<Rotation>();
    assert_send_sync::<Secret>();
}
