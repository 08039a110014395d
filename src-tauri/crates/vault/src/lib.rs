//! # outpost-vault
//!
//! Outpost's token vault. Tauri-free, database-free: it seals and opens secrets, the store crate
//! persists the [`Sealed`] values (table `sealed_secrets`).
//!
//! ## Keys and sealing
//! * A random 256-bit **master key** per profile (data dir). In **keychain mode** it lives in the OS
//!   keychain (keyring crate: macOS Keychain, Windows Credential Manager, Secret Service), service
//!   [`DEFAULT_KEYCHAIN_SERVICE`], account `master-key/<profile-id>`. In **passphrase mode**
//!   (`OUTPOST_VAULT_PASSPHRASE`, for machines without a keychain) the master key is still random
//!   and is stored in `vault.json` wrapped (AES-256-GCM) by a key derived from the passphrase with
//!   Argon2id (production: m = 19456 KiB, t = 2, p = 1); a sealed key-check constant makes a wrong
//!   passphrase a clear [`Error::WrongPassphrase`].
//! * Every secret is sealed with AES-256-GCM under the current master key with a fresh random
//!   nonce; the associated data is a length-prefixed encoding of a format tag, the owner's kind,
//!   id and name and the key id, so a sealed value moved to another row or field fails to open.
//! * No keychain and no passphrase → [`Error::NoBackend`]; there is no plaintext fallback.
//!
//! ## Opening and creating
//! * [`Vault::open`] opens an existing profile only (`vault.json` must exist).
//! * [`Vault::open_or_create`] opens an existing profile or, when there is no `vault.json`,
//!   creates one: passphrase given → passphrase mode; else keychain mode if the keychain answers;
//!   else [`Error::NoBackend`]. An existing profile always follows its recorded backend: a
//!   keychain profile whose key is gone gives [`Error::MissingKey`] (a new key is never generated
//!   over existing data), a passphrase profile without passphrase [`Error::PassphraseRequired`].
//! * [`Vault::recreate`] is the explicit "the old secrets are gone, start over" path: it removes
//!   the old profile (and its keychain entries, best effort) and creates a new one. The caller
//!   must delete its sealed rows, which can no longer be opened.
//!
//! ## Rotation protocol (crash-safe)
//! 1. [`Vault::begin_rotation`] generates a new key and persists it as *pending* (keychain:
//!    account `master-key/<profile>/pending`, written and read back before `vault.json` records
//!    it; passphrase mode: wrapped into `vault.json`, one atomic write). If a pending key already
//!    exists (an earlier rotation was interrupted) it is reused, so resuming is just running the
//!    protocol again.
//! 2. The caller re-seals every row with [`Rotation::reseal`] inside one database transaction and
//!    commits it.
//! 3. [`Vault::commit_rotation`] makes the pending key current and forgets the old one: first
//!    `vault.json` is atomically rewritten, then (keychain) the new key is copied to the main
//!    account and the pending account is deleted.
//!
//! While a key is pending, [`Vault::open`] loads both keys and [`Vault::unseal`] picks the key by
//! [`Sealed::key_id`], so a crash at any point (before, during or after the transaction, or in
//! the middle of the commit) never loses a secret. Keychain values carry their key id, and a
//! half-finished commit is repaired on the next open. New values are sealed with the current key
//! until the commit; the application must not seal-and-store secrets concurrently with steps 2–3
//! (hold its secrets write lock across them).
//!
//! Keychain calls are blocking; call them from a blocking thread in async code.

mod crypto;
mod error;
mod keystore;
mod meta;
mod secret;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::{Deserialize, Serialize};

pub use error::{Error, Result};
pub use secret::{Owner, Secret};

use crypto::Key;
use keystore::{KeyStore, OsKeychain, main_account, pending_account};
use meta::{KeyRecord, Metadata, PassphraseMeta};

/// The keychain service name of the desktop app and CLI.
pub const DEFAULT_KEYCHAIN_SERVICE: &str = "app.outpost.desktop";
/// The environment variable that selects passphrase mode.
pub const PASSPHRASE_ENV: &str = "OUTPOST_VAULT_PASSPHRASE";

/// Where the master key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Keychain,
    Passphrase,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Keychain => "keychain",
            Self::Passphrase => "passphrase",
        })
    }
}

/// A sealed secret: ciphertext and the parameters to open it. Plain data, safe to persist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// Id of the master key it is sealed with.
    pub key_id: String,
    /// 96-bit AES-GCM nonce (base64 in serde formats).
    #[serde(with = "b64")]
    pub nonce: Vec<u8>,
    /// Ciphertext with the 128-bit tag appended (base64 in serde formats).
    #[serde(with = "b64")]
    pub ciphertext: Vec<u8>,
}

/// Argon2id cost parameters for passphrase mode (recorded in `vault.json` at creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// Tiny parameters that make tests fast. Never use them for a real profile.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        m_cost_kib: 8,
        t_cost: 1,
        p_cost: 1,
    };
}

impl Default for KdfParams {
    /// OWASP's Argon2id recommendation: m = 19456 KiB, t = 2, p = 1.
    fn default() -> Self {
        Self {
            m_cost_kib: 19_456,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

/// How to find and unlock a profile.
#[derive(Debug, Clone)]
pub struct VaultConfig {
    /// Outpost's data dir; `vault.json` lives directly in it.
    pub data_dir: PathBuf,
    /// Passphrase mode when set (for new profiles; passphrase profiles require it).
    pub passphrase: Option<Secret>,
    /// Keychain service name ([`DEFAULT_KEYCHAIN_SERVICE`]; tests use a unique one).
    pub keychain_service: String,
    /// Argon2id parameters for a *new* passphrase profile; existing ones use their recorded ones.
    pub kdf: KdfParams,
}

impl VaultConfig {
    /// Default service, no passphrase, production Argon2id parameters.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            passphrase: None,
            keychain_service: DEFAULT_KEYCHAIN_SERVICE.to_owned(),
            kdf: KdfParams::default(),
        }
    }

    /// Like [`VaultConfig::new`], with the passphrase from `OUTPOST_VAULT_PASSPHRASE` if set and
    /// non-empty.
    pub fn from_env(data_dir: impl Into<PathBuf>) -> Self {
        let passphrase = std::env::var(PASSPHRASE_ENV)
            .ok()
            .map(Secret::new)
            .filter(|p| !p.is_empty());
        Self {
            passphrase,
            ..Self::new(data_dir)
        }
    }

    pub fn with_passphrase(mut self, passphrase: Secret) -> Self {
        self.passphrase = Some(passphrase);
        self
    }

    pub fn with_keychain_service(mut self, service: impl Into<String>) -> Self {
        self.keychain_service = service.into();
        self
    }

    pub fn with_kdf(mut self, kdf: KdfParams) -> Self {
        self.kdf = kdf;
        self
    }

    /// Path of the profile metadata file.
    pub fn metadata_path(&self) -> PathBuf {
        meta::path(&self.data_dir)
    }

    fn keychain(&self) -> Arc<dyn KeyStore> {
        Arc::new(OsKeychain::new(self.keychain_service.clone()))
    }
}

/// Result of [`status`], for `outpost doctor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultStatus {
    /// The profile's backend; `None` when there is no (readable) profile yet.
    pub backend: Option<Backend>,
    /// Whether the OS keychain answered.
    pub keychain_available: bool,
    /// One human-readable line.
    pub detail: String,
    /// Whether secrets can be sealed and unsealed right now (for a new profile: whether one can be
    /// created). `false` is a problem the user must fix.
    pub usable: bool,
}

struct State {
    meta: Metadata,
    /// Current and (if any) pending master keys by key id.
    keys: HashMap<String, Key>,
    /// Passphrase mode: the key-encryption key, to wrap a new key on rotation.
    kek: Option<Key>,
}

/// An unlocked vault. All methods take `&self`; it is `Send + Sync`.
pub struct Vault {
    data_dir: PathBuf,
    profile_id: String,
    backend: Backend,
    store: Arc<dyn KeyStore>,
    state: RwLock<State>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("data_dir", &self.data_dir)
            .field("profile_id", &self.profile_id)
            .field("backend", &self.backend)
            .field("keys", &"<redacted>")
            .finish()
    }
}

/// A key rotation in progress; see the crate docs for the protocol.
pub struct Rotation {
    profile_id: String,
    new_key_id: String,
    new_key: Key,
    old_keys: HashMap<String, Key>,
}

impl fmt::Debug for Rotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rotation")
            .field("profile_id", &self.profile_id)
            .field("new_key_id", &self.new_key_id)
            .field("keys", &"<redacted>")
            .finish()
    }
}

impl Rotation {
    /// Id of the key values are re-sealed with.
    pub fn new_key_id(&self) -> &str {
        &self.new_key_id
    }

    /// Opens `sealed` with whichever key it names (old or new) and seals it under the new key.
    pub fn reseal(&self, owner: &Owner, sealed: &Sealed) -> Result<Sealed> {
        let key = if sealed.key_id == self.new_key_id {
            Some(&self.new_key)
        } else {
            self.old_keys.get(&sealed.key_id)
        };
        let key = key.ok_or(Error::Decrypt("sealed with a key this vault does not hold"))?;
        let secret = unseal_with(key, owner, sealed)?;
        seal_with(&self.new_key, &self.new_key_id, owner, &secret)
    }
}

fn secret_aad(owner: &Owner, key_id: &str) -> Vec<u8> {
    crypto::associated_data(&[
        crypto::TAG_SECRET,
        owner.kind.as_bytes(),
        owner.id.as_bytes(),
        owner.name.as_bytes(),
        key_id.as_bytes(),
    ])
}

fn seal_with(key: &Key, key_id: &str, owner: &Owner, secret: &Secret) -> Result<Sealed> {
    crypto::seal(
        key,
        key_id,
        &secret_aad(owner, key_id),
        secret.expose().as_bytes(),
    )
}

fn unseal_with(key: &Key, owner: &Owner, sealed: &Sealed) -> Result<Secret> {
    let plain = crypto::open(key, &secret_aad(owner, &sealed.key_id), sealed).ok_or(
        Error::Decrypt("authentication failed (wrong owner, tampered data or wrong key)"),
    )?;
    let text = std::str::from_utf8(&plain).map_err(|_| Error::Decrypt("not valid UTF-8"))?;
    Ok(Secret::new(text))
}

fn new_key_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl Vault {
    /// Opens the existing profile in `config.data_dir`; [`Error::NoProfile`] if there is none.
    pub fn open(config: &VaultConfig) -> Result<Vault> {
        Self::open_with(config, config.keychain())
    }

    /// Opens the existing profile, or creates a new one when `vault.json` does not exist.
    pub fn open_or_create(config: &VaultConfig) -> Result<Vault> {
        Self::open_or_create_with(config, config.keychain())
    }

    /// Discards the profile in `config.data_dir` (if any) and creates a new one. Every value
    /// sealed under the old profile becomes unopenable: only call it when the user chose to
    /// start over (e.g. after [`Error::MissingKey`] or a forgotten passphrase).
    pub fn recreate(config: &VaultConfig) -> Result<Vault> {
        Self::recreate_with(config, config.keychain())
    }

    /// "Delete all my data" for a profile that cannot be opened (missing key, forgotten
    /// passphrase): deletes its keychain entries (current and pending) and `vault.json`.
    /// If the keychain refuses, nothing is removed. A corrupt `vault.json` is removed (its
    /// profile id, hence its keychain entry, is unknown).
    pub fn destroy_profile(config: &VaultConfig) -> Result<()> {
        destroy_with(&config.data_dir, config.keychain().as_ref())
    }

    pub(crate) fn open_with(config: &VaultConfig, store: Arc<dyn KeyStore>) -> Result<Vault> {
        match meta::load(&config.data_dir)? {
            Some(meta) => Self::load(config, store, meta),
            None => Err(Error::NoProfile {
                path: config.metadata_path(),
            }),
        }
    }

    pub(crate) fn open_or_create_with(
        config: &VaultConfig,
        store: Arc<dyn KeyStore>,
    ) -> Result<Vault> {
        match meta::load(&config.data_dir)? {
            Some(meta) => Self::load(config, store, meta),
            None => Self::create(config, store),
        }
    }

    pub(crate) fn recreate_with(config: &VaultConfig, store: Arc<dyn KeyStore>) -> Result<Vault> {
        match meta::load(&config.data_dir) {
            Ok(Some(old)) if old.backend == Backend::Keychain => {
                for account in [
                    main_account(&old.profile_id),
                    pending_account(&old.profile_id),
                ] {
                    if let Err(e) = store.delete(&account) {
                        tracing::warn!(error = %e, "could not delete the old profile's keychain entry");
                    }
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "replacing unreadable vault metadata"),
        }
        tracing::info!("re-creating the vault profile at the user's request");
        Self::create(config, store)
    }

    fn create(config: &VaultConfig, store: Arc<dyn KeyStore>) -> Result<Vault> {
        let profile_id = uuid::Uuid::new_v4().to_string();
        let key_id = new_key_id();
        let key = crypto::random_key();
        let check = crypto::make_key_check(&key, &profile_id, &key_id)?;

        let (meta, kek) = if let Some(passphrase) = &config.passphrase {
            let salt = crypto::random_bytes(crypto::SALT_LEN);
            let kek = crypto::derive_kek(passphrase.expose().as_bytes(), &salt, &config.kdf)?;
            let kek_check = crypto::seal(
                &kek,
                "kek",
                &crypto::kek_check_aad(&profile_id),
                crypto::CHECK_PLAINTEXT,
            )?;
            let wrapped = crypto::seal(
                &kek,
                "kek",
                &crypto::wrap_aad(&profile_id, &key_id),
                key.as_slice(),
            )?;
            let meta = Metadata {
                format: meta::FORMAT,
                backend: Backend::Passphrase,
                profile_id: profile_id.clone(),
                current_key_id: key_id.clone(),
                pending_key_id: None,
                keys: vec![KeyRecord {
                    key_id: key_id.clone(),
                    check,
                    wrapped: Some(wrapped),
                }],
                passphrase: Some(PassphraseMeta {
                    kdf: "argon2id".into(),
                    version: 0x13,
                    m_cost_kib: config.kdf.m_cost_kib,
                    t_cost: config.kdf.t_cost,
                    p_cost: config.kdf.p_cost,
                    salt,
                    check: kek_check,
                }),
            };
            meta::store(&config.data_dir, &meta)?;
            (meta, Some(kek))
        } else {
            // Keychain first, then vault.json: vault.json never points at a key that was not
            // stored. Reading it back catches stores that accept writes but keep nothing.
            let account = main_account(&profile_id);
            let no_backend = |e: Error| Error::NoBackend {
                keychain: e.to_string(),
            };
            store
                .set(&account, &keystore::encode_key(&key_id, &key))
                .map_err(no_backend)?;
            let read_back = store.get(&account).map_err(no_backend)?;
            let same = read_back
                .as_deref()
                .and_then(|blob| keystore::decode_key(blob))
                .is_some_and(|(id, k)| id == key_id && k.as_slice() == key.as_slice());
            if !same {
                return Err(Error::NoBackend {
                    keychain: "the keychain did not keep the stored key".into(),
                });
            }
            let meta = Metadata {
                format: meta::FORMAT,
                backend: Backend::Keychain,
                profile_id: profile_id.clone(),
                current_key_id: key_id.clone(),
                pending_key_id: None,
                keys: vec![KeyRecord {
                    key_id: key_id.clone(),
                    check,
                    wrapped: None,
                }],
                passphrase: None,
            };
            if let Err(e) = meta::store(&config.data_dir, &meta) {
                if let Err(del) = store.delete(&account) {
                    tracing::warn!(error = %del, "could not remove the unused keychain entry");
                }
                return Err(e);
            }
            (meta, None)
        };
        tracing::info!(backend = %meta.backend, "created a new vault profile");
        let mut keys = HashMap::new();
        keys.insert(key_id, key);
        Ok(Vault {
            data_dir: config.data_dir.clone(),
            profile_id,
            backend: meta.backend,
            store,
            state: RwLock::new(State { meta, keys, kek }),
        })
    }

    fn load(config: &VaultConfig, store: Arc<dyn KeyStore>, meta: Metadata) -> Result<Vault> {
        let (keys, kek) = match meta.backend {
            Backend::Passphrase => {
                let passphrase = config
                    .passphrase
                    .as_ref()
                    .ok_or(Error::PassphraseRequired)?;
                load_passphrase_keys(&config.data_dir, &meta, passphrase)?
            }
            Backend::Keychain => {
                if config.passphrase.is_some() {
                    tracing::info!("vault profile uses the keychain; ignoring the passphrase");
                }
                (load_keychain_keys(store.as_ref(), &meta)?, None)
            }
        };
        Ok(Vault {
            data_dir: config.data_dir.clone(),
            profile_id: meta.profile_id.clone(),
            backend: meta.backend,
            store,
            state: RwLock::new(State { meta, keys, kek }),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the master key is kept.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// This profile's random id (the keychain account is `master-key/<profile id>`).
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// Id of the key new values are sealed with.
    pub fn current_key_id(&self) -> String {
        self.read().meta.current_key_id.clone()
    }

    /// Id of the pending key when a rotation was begun and not committed.
    pub fn pending_key_id(&self) -> Option<String> {
        self.read().meta.pending_key_id.clone()
    }

    /// Seals `secret` for `owner` under the current key with a fresh nonce.
    pub fn seal(&self, owner: &Owner, secret: &Secret) -> Result<Sealed> {
        let state = self.read();
        let key_id = &state.meta.current_key_id;
        let key = state
            .keys
            .get(key_id)
            .ok_or(Error::Crypto("the current key is not loaded"))?;
        seal_with(key, key_id, owner, secret)
    }

    /// Opens a value sealed for `owner`. Wrong owner, tampering or an unknown key id →
    /// [`Error::Decrypt`].
    pub fn unseal(&self, owner: &Owner, sealed: &Sealed) -> Result<Secret> {
        let state = self.read();
        let key = state
            .keys
            .get(&sealed.key_id)
            .ok_or(Error::Decrypt("sealed with a key this vault does not hold"))?;
        unseal_with(key, owner, sealed)
    }

    /// Step 1 of rotation: creates (or resumes) the pending key. See the crate docs.
    pub fn begin_rotation(&self) -> Result<Rotation> {
        let mut state = self.write();
        let old_keys: HashMap<String, Key> = state
            .keys
            .iter()
            .map(|(id, k)| (id.clone(), k.clone()))
            .collect();
        if let Some(pending) = state.meta.pending_key_id.clone()
            && let Some(key) = state.keys.get(&pending)
        {
            tracing::info!("resuming an interrupted vault key rotation");
            return Ok(Rotation {
                profile_id: self.profile_id.clone(),
                new_key_id: pending,
                new_key: key.clone(),
                old_keys,
            });
        }

        let key_id = new_key_id();
        let key = crypto::random_key();
        let check = crypto::make_key_check(&key, &self.profile_id, &key_id)?;
        let mut meta = state.meta.clone();
        if let Some(lost) = meta.pending_key_id.take() {
            tracing::warn!("the pending key of an interrupted rotation is missing; replacing it");
            meta.keys.retain(|k| k.key_id != lost);
        }
        let wrapped = match self.backend {
            Backend::Passphrase => {
                let kek = state
                    .kek
                    .as_ref()
                    .ok_or(Error::Crypto("the key-encryption key is not loaded"))?;
                Some(crypto::seal(
                    kek,
                    "kek",
                    &crypto::wrap_aad(&self.profile_id, &key_id),
                    key.as_slice(),
                )?)
            }
            Backend::Keychain => {
                let account = pending_account(&self.profile_id);
                self.store
                    .set(&account, &keystore::encode_key(&key_id, &key))?;
                let kept = self
                    .store
                    .get(&account)?
                    .as_deref()
                    .and_then(|blob| keystore::decode_key(blob))
                    .is_some_and(|(id, k)| id == key_id && k.as_slice() == key.as_slice());
                if !kept {
                    return Err(Error::KeychainUnavailable {
                        detail: "the keychain did not keep the new key".into(),
                    });
                }
                None
            }
        };
        meta.keys.push(KeyRecord {
            key_id: key_id.clone(),
            check,
            wrapped,
        });
        meta.pending_key_id = Some(key_id.clone());
        meta::store(&self.data_dir, &meta)?;
        state.meta = meta;
        state.keys.insert(key_id.clone(), key.clone());
        tracing::info!("began a vault key rotation");
        Ok(Rotation {
            profile_id: self.profile_id.clone(),
            new_key_id: key_id,
            new_key: key,
            old_keys,
        })
    }

    /// Step 3 of rotation, after the caller committed the re-sealed values: the pending key
    /// becomes current and the old key is forgotten. Idempotent.
    pub fn commit_rotation(&self, rotation: Rotation) -> Result<()> {
        let mut state = self.write();
        if rotation.profile_id != self.profile_id {
            return Err(Error::RotationMismatch);
        }
        if state.meta.current_key_id == rotation.new_key_id {
            return Ok(());
        }
        if state.meta.pending_key_id.as_deref() != Some(rotation.new_key_id.as_str()) {
            return Err(Error::RotationMismatch);
        }
        let mut meta = state.meta.clone();
        meta.current_key_id = rotation.new_key_id.clone();
        meta.pending_key_id = None;
        meta.keys.retain(|k| k.key_id == rotation.new_key_id);
        meta::store(&self.data_dir, &meta)?;
        state.meta = meta;
        state.keys.retain(|id, _| *id == rotation.new_key_id);
        if self.backend == Backend::Keychain {
            // vault.json already names the new key; it lives in the pending account until it is
            // copied to the main one. A failure here is repaired on the next open.
            let main = main_account(&self.profile_id);
            let blob = keystore::encode_key(&rotation.new_key_id, &rotation.new_key);
            match self.store.set(&main, &blob) {
                Ok(()) => {
                    if let Err(e) = self.store.delete(&pending_account(&self.profile_id)) {
                        tracing::warn!(error = %e, "could not delete the pending keychain entry");
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "could not move the new key to the main keychain entry; will retry on next open");
                }
            }
        }
        tracing::info!("committed a vault key rotation");
        Ok(())
    }

    /// "Delete all my data": removes the keychain entries (current and pending) and `vault.json`.
    /// If the keychain refuses, nothing is removed and the error is returned.
    pub fn destroy(self) -> Result<()> {
        destroy_with(&self.data_dir, self.store.as_ref())
    }
}

fn destroy_with(data_dir: &Path, store: &dyn KeyStore) -> Result<()> {
    match meta::load(data_dir) {
        Ok(Some(meta)) => {
            if meta.backend == Backend::Keychain {
                store.delete(&main_account(&meta.profile_id))?;
                store.delete(&pending_account(&meta.profile_id))?;
            }
        }
        Ok(None) => {}
        Err(Error::Corrupt { .. }) => {
            tracing::warn!("removing corrupt vault metadata; its keychain entry cannot be located");
        }
        Err(e) => return Err(e),
    }
    meta::remove(data_dir)?;
    tracing::info!("vault profile destroyed");
    Ok(())
}

fn load_passphrase_keys(
    data_dir: &Path,
    meta: &Metadata,
    passphrase: &Secret,
) -> Result<(HashMap<String, Key>, Option<Key>)> {
    let corrupt = |reason: &str| Error::Corrupt {
        path: meta::path(data_dir),
        reason: reason.to_owned(),
    };
    let p = meta
        .passphrase
        .as_ref()
        .ok_or_else(|| corrupt("no Argon2id parameters"))?;
    let kek = crypto::derive_kek(passphrase.expose().as_bytes(), &p.salt, &p.params())?;
    let check = crypto::open(&kek, &crypto::kek_check_aad(&meta.profile_id), &p.check);
    if check.is_none_or(|c| c.as_slice() != crypto::CHECK_PLAINTEXT) {
        return Err(Error::WrongPassphrase);
    }
    let mut keys = HashMap::new();
    for record in &meta.keys {
        let wrapped = record
            .wrapped
            .as_ref()
            .ok_or_else(|| corrupt("a key record has no wrapped key"))?;
        let plain = crypto::open(
            &kek,
            &crypto::wrap_aad(&meta.profile_id, &record.key_id),
            wrapped,
        )
        .ok_or_else(|| corrupt("a wrapped key does not open"))?;
        let key = crypto::key_from_slice(&plain).ok_or_else(|| corrupt("bad key length"))?;
        if !crypto::verify_key_check(&key, &meta.profile_id, &record.key_id, &record.check) {
            return Err(corrupt("a key check value does not match"));
        }
        keys.insert(record.key_id.clone(), key);
    }
    Ok((keys, Some(kek)))
}

fn load_keychain_keys(store: &dyn KeyStore, meta: &Metadata) -> Result<HashMap<String, Key>> {
    let profile = &meta.profile_id;
    let main = main_account(profile);
    let pending = pending_account(profile);
    let mut keys: HashMap<String, Key> = HashMap::new();
    let mut where_current: Option<&str> = None;
    let mut mismatch = false;
    let mut absorb = |blob: Option<zeroize::Zeroizing<String>>,
                      account: &'static str,
                      keys: &mut HashMap<String, Key>| {
        let Some(blob) = blob else { return };
        let Some((key_id, key)) = keystore::decode_key(&blob) else {
            mismatch = true;
            return;
        };
        match meta.record(&key_id) {
            Some(record) if crypto::verify_key_check(&key, profile, &key_id, &record.check) => {
                if key_id == meta.current_key_id && where_current.is_none() {
                    where_current = Some(account);
                }
                keys.insert(key_id, key);
            }
            Some(_) => mismatch = true,
            // A key this profile no longer uses (e.g. the old key after an interrupted commit):
            // ignored, but reported if the current key is not found elsewhere.
            None => mismatch = true,
        }
    };
    absorb(store.get(&main)?, "main", &mut keys);
    let needed = |keys: &HashMap<String, Key>| {
        keys.contains_key(&meta.current_key_id)
            && meta
                .pending_key_id
                .as_ref()
                .is_none_or(|p| keys.contains_key(p))
    };
    if !needed(&keys) {
        absorb(store.get(&pending)?, "pending", &mut keys);
    }
    let Some(key) = keys.get(&meta.current_key_id) else {
        return Err(if mismatch {
            Error::KeyMismatch {
                service: store.service().to_owned(),
                account: main,
            }
        } else {
            Error::MissingKey {
                service: store.service().to_owned(),
                account: main,
            }
        });
    };
    if let Some(p) = &meta.pending_key_id
        && !keys.contains_key(p)
    {
        tracing::warn!(
            "the pending key of an interrupted rotation is missing from the keychain; values re-sealed with it cannot be opened"
        );
    }
    if where_current == Some("pending") && meta.pending_key_id.is_none() {
        // An interrupted commit: finish moving the current key to the main account.
        match store.set(&main, &keystore::encode_key(&meta.current_key_id, key)) {
            Ok(()) => {
                if let Err(e) = store.delete(&pending) {
                    tracing::warn!(error = %e, "could not delete the pending keychain entry");
                }
                tracing::info!("finished an interrupted vault key rotation commit");
            }
            Err(e) => tracing::warn!(error = %e, "could not finish an interrupted rotation commit"),
        }
    }
    Ok(keys)
}

/// A side-effect-free probe for `outpost doctor`: never writes to the keychain or the disk.
pub fn status(config: &VaultConfig) -> VaultStatus {
    status_with(config, config.keychain().as_ref())
}

fn probe_keychain(store: &dyn KeyStore) -> std::result::Result<(), Error> {
    let account = format!("probe/{}", uuid::Uuid::new_v4());
    store.get(&account).map(|_| ())
}

pub(crate) fn status_with(config: &VaultConfig, store: &dyn KeyStore) -> VaultStatus {
    let passphrase_set = config.passphrase.is_some();
    match meta::load(&config.data_dir) {
        Ok(Some(meta)) if meta.backend == Backend::Keychain => {
            let main = main_account(&meta.profile_id);
            let found = store.get(&main).and_then(|v| match v {
                Some(v) => Ok(Some(v)),
                None => store.get(&pending_account(&meta.profile_id)),
            });
            let (available, usable, detail) = match found {
                Ok(Some(_)) => (
                    true,
                    true,
                    "keychain mode; master key present in the keychain".into(),
                ),
                Ok(None) => (
                    true,
                    false,
                    format!(
                        "keychain mode; the master key is MISSING from the keychain (service {}, account {main})",
                        store.service()
                    ),
                ),
                Err(e) => (false, false, format!("keychain mode; {e}")),
            };
            VaultStatus {
                backend: Some(Backend::Keychain),
                keychain_available: available,
                detail,
                usable,
            }
        }
        Ok(Some(_)) => {
            let available = probe_keychain(store).is_ok();
            VaultStatus {
                backend: Some(Backend::Passphrase),
                keychain_available: available,
                usable: passphrase_set,
                detail: if passphrase_set {
                    "passphrase mode; OUTPOST_VAULT_PASSPHRASE is set".into()
                } else {
                    "passphrase mode; OUTPOST_VAULT_PASSPHRASE is NOT set, the vault cannot be unlocked".into()
                },
            }
        }
        Ok(None) => {
            let probe = probe_keychain(store);
            let detail = match (&probe, passphrase_set) {
                (_, true) => "no vault profile yet; it will use passphrase mode".to_owned(),
                (Ok(()), false) => {
                    "no vault profile yet; it will use the OS keychain, which is available".into()
                }
                (Err(e), false) => format!(
                    "no vault profile yet and no usable keychain ({e}); set OUTPOST_VAULT_PASSPHRASE for passphrase mode"
                ),
            };
            VaultStatus {
                backend: None,
                keychain_available: probe.is_ok(),
                usable: passphrase_set || probe.is_ok(),
                detail,
            }
        }
        Err(e) => VaultStatus {
            backend: None,
            keychain_available: probe_keychain(store).is_ok(),
            detail: e.to_string(),
            usable: false,
        },
    }
}

/// Serde helper: bytes as standard base64 strings.
pub(crate) mod b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
