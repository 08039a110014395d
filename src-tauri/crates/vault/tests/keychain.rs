//! Keychain-mode tests against the real OS keychain (Secret Service under dbus in CI).
//!
//! With `OUTPOST_REQUIRE_KEYCHAIN=1` a missing keychain fails these tests; without it they are
//! skipped with a note on stderr.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::path::Path;
use std::process::Command;

use outpost_vault::{Backend, Error, Owner, Secret, Vault, VaultConfig, status};
use tempfile::TempDir;

const CHILD_DIR_ENV: &str = "OUTPOST_VAULT_TEST_CHILD_DIR";
const CHILD_SERVICE_ENV: &str = "OUTPOST_VAULT_TEST_CHILD_SERVICE";

fn unique_service() -> String {
    format!("app.outpost.test.{}", uuid::Uuid::new_v4())
}

fn config(dir: &Path, service: &str) -> VaultConfig {
    VaultConfig::new(dir).with_keychain_service(service)
}

/// `true` when the keychain answers; panics when it does not and OUTPOST_REQUIRE_KEYCHAIN=1.
fn keychain_available(cfg: &VaultConfig) -> bool {
    let st = status(cfg);
    if st.keychain_available {
        return true;
    }
    if std::env::var("OUTPOST_REQUIRE_KEYCHAIN").as_deref() == Ok("1") {
        panic!(
            "OUTPOST_REQUIRE_KEYCHAIN=1 but no OS keychain answers: {}",
            st.detail
        );
    }
    eprintln!(
        "note: skipping keychain test, no OS keychain answers ({})",
        st.detail
    );
    false
}

fn entry(service: &str, account: &str) -> keyring::Entry {
    keyring::Entry::new(service, account).unwrap()
}

fn entry_exists(service: &str, account: &str) -> bool {
    match entry(service, account).get_password() {
        Ok(_) => true,
        Err(keyring::Error::NoEntry) => false,
        Err(e) => panic!("keychain error: {e:?}"),
    }
}

/// Cross-check with libsecret's own tool when it is installed.
fn secret_tool_finds(service: &str, account: &str) -> Option<bool> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", account])
        .output()
        .ok()?;
    Some(out.status.success() && !out.stdout.is_empty())
}

fn owner() -> Owner {
    Owner::new("channel", uuid::Uuid::new_v4().to_string(), "access_token")
}

#[test]
fn keychain_profile_round_trip_and_destroy() {
    let dir = TempDir::new().unwrap();
    let service = unique_service();
    let cfg = config(dir.path(), &service);
    if !keychain_available(&cfg) {
        return;
    }
    let vault = Vault::open_or_create(&cfg).unwrap();
    assert_eq!(vault.backend(), Backend::Keychain);
    let account = format!("master-key/{}", vault.profile_id());
    assert!(entry_exists(&service, &account));
    if let Some(found) = secret_tool_finds(&service, &account) {
        assert!(found, "secret-tool does not see the master key entry");
    }
    let o = owner();
    let sealed = vault.seal(&o, &Secret::new("real-token")).unwrap();
    drop(vault);

    let st = status(&cfg);
    assert_eq!(st.backend, Some(Backend::Keychain));
    assert!(st.keychain_available, "{}", st.detail);

    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(vault.unseal(&o, &sealed).unwrap().expose(), "real-token");
    vault.destroy().unwrap();
    assert!(!entry_exists(&service, &account));
    if let Some(found) = secret_tool_finds(&service, &account) {
        assert!(!found, "secret-tool still sees the master key entry");
    }
    assert!(!dir.path().join("vault.json").exists());
}

#[test]
fn missing_keychain_entry_is_a_clear_error_and_no_new_key() {
    let dir = TempDir::new().unwrap();
    let service = unique_service();
    let cfg = config(dir.path(), &service);
    if !keychain_available(&cfg) {
        return;
    }
    let vault = Vault::open_or_create(&cfg).unwrap();
    let account = format!("master-key/{}", vault.profile_id());
    drop(vault);
    entry(&service, &account).delete_credential().unwrap();
    let before = std::fs::read(cfg.metadata_path()).unwrap();

    let err = Vault::open_or_create(&cfg).unwrap_err();
    assert!(matches!(err, Error::MissingKey { .. }), "{err}");
    assert!(err.to_string().contains("refusing to create a new key"));
    assert!(!entry_exists(&service, &account));
    assert_eq!(std::fs::read(cfg.metadata_path()).unwrap(), before);

    // Explicit start-over works and is cleaned up by destroy.
    let vault = Vault::recreate(&cfg).unwrap();
    let new_account = format!("master-key/{}", vault.profile_id());
    assert!(entry_exists(&service, &new_account));
    vault.destroy().unwrap();
    assert!(!entry_exists(&service, &new_account));
}

#[test]
fn rotation_survives_a_crash_after_begin() {
    let dir = TempDir::new().unwrap();
    let service = unique_service();
    let cfg = config(dir.path(), &service);
    if !keychain_available(&cfg) {
        return;
    }
    let o = owner();
    let vault = Vault::open_or_create(&cfg).unwrap();
    let main = format!("master-key/{}", vault.profile_id());
    let pending = format!("master-key/{}/pending", vault.profile_id());
    let a = vault.seal(&o, &Secret::new("a")).unwrap();
    let b = vault.seal(&o, &Secret::new("b")).unwrap();

    let rotation = vault.begin_rotation().unwrap();
    assert!(entry_exists(&service, &pending));
    let b2 = rotation.reseal(&o, &b).unwrap();
    drop(rotation);
    drop(vault); // crash between the DB commit and commit_rotation

    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(vault.pending_key_id().as_deref(), Some(b2.key_id.as_str()));
    assert_eq!(vault.unseal(&o, &a).unwrap().expose(), "a");
    assert_eq!(vault.unseal(&o, &b2).unwrap().expose(), "b");

    let rotation = vault.begin_rotation().unwrap();
    assert_eq!(rotation.new_key_id(), b2.key_id);
    let a2 = rotation.reseal(&o, &a).unwrap();
    let b3 = rotation.reseal(&o, &b2).unwrap();
    vault.commit_rotation(rotation).unwrap();
    assert!(!entry_exists(&service, &pending));
    assert!(entry_exists(&service, &main));
    assert!(matches!(vault.unseal(&o, &a), Err(Error::Decrypt(_))));
    drop(vault);

    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(vault.current_key_id(), b2.key_id);
    assert_eq!(vault.unseal(&o, &a2).unwrap().expose(), "a");
    assert_eq!(vault.unseal(&o, &b3).unwrap().expose(), "b");
    vault.destroy().unwrap();
    assert!(!entry_exists(&service, &main));
    assert!(!entry_exists(&service, &pending));
}

/// Runs `refused_access_child` in a subprocess whose D-Bus session address points nowhere: the
/// keychain refuses every call there.
#[test]
fn keychain_that_refuses_access_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let service = unique_service();
    let cfg = config(dir.path(), &service);
    if !keychain_available(&cfg) {
        return;
    }
    let o = owner();
    let vault = Vault::open_or_create(&cfg).unwrap();
    let account = format!("master-key/{}", vault.profile_id());
    let sealed = vault.seal(&o, &Secret::new("kept")).unwrap();
    drop(vault);
    let before = std::fs::read(cfg.metadata_path()).unwrap();

    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "refused_access_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR_ENV, dir.path())
        .env(CHILD_SERVICE_ENV, &service)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/outpost-test-bus",
        )
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{stderr}"
    );

    assert_eq!(std::fs::read(cfg.metadata_path()).unwrap(), before);
    assert!(entry_exists(&service, &account));
    let vault = Vault::open(&cfg).unwrap();
    assert_eq!(vault.unseal(&o, &sealed).unwrap().expose(), "kept");
    vault.destroy().unwrap();
}

#[test]
fn refused_access_child() {
    let (Ok(dir), Ok(service)) = (
        std::env::var(CHILD_DIR_ENV),
        std::env::var(CHILD_SERVICE_ENV),
    ) else {
        return; // only meaningful when spawned by the test above
    };
    let cfg = config(Path::new(&dir), &service);
    let before = std::fs::read(cfg.metadata_path()).unwrap();

    let err = Vault::open(&cfg).unwrap_err();
    assert!(
        matches!(
            err,
            Error::KeychainUnavailable { .. } | Error::KeychainAccessDenied { .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("keychain"));
    let st = status(&cfg);
    assert!(!st.keychain_available);
    assert_eq!(st.backend, Some(Backend::Keychain));
    assert!(Vault::destroy_profile(&cfg).is_err());
    assert_eq!(std::fs::read(cfg.metadata_path()).unwrap(), before);

    // A new profile without keychain and without passphrase: NoBackend, nothing written.
    let empty = TempDir::new().unwrap();
    let err = Vault::open_or_create(&config(empty.path(), &service)).unwrap_err();
    assert!(matches!(err, Error::NoBackend { .. }), "{err}");
    assert!(err.to_string().contains("OUTPOST_VAULT_PASSPHRASE"));
    assert!(!empty.path().join("vault.json").exists());

    // Passphrase mode still works without any keychain.
    let cfg = config(empty.path(), &service)
        .with_passphrase(Secret::new("pw"))
        .with_kdf(outpost_vault::KdfParams::INSECURE_FOR_TESTS);
    let vault = Vault::open_or_create(&cfg).unwrap();
    assert_eq!(vault.backend(), Backend::Passphrase);
    vault.destroy().unwrap();
}
