//! Where master keys live: the OS keychain (keyring crate), or an in-memory store in unit tests.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::crypto::{self, Key};
use crate::error::{Error, Result};

/// A key-value store for master keys (account name → opaque value).
pub(crate) trait KeyStore: Send + Sync + fmt::Debug {
    fn service(&self) -> &str;
    /// `Ok(None)` when the entry does not exist.
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>>;
    fn set(&self, account: &str, value: &str) -> Result<()>;
    /// Succeeds when the entry does not exist.
    fn delete(&self, account: &str) -> Result<()>;
}

pub(crate) fn main_account(profile_id: &str) -> String {
    format!("master-key/{profile_id}")
}

pub(crate) fn pending_account(profile_id: &str) -> String {
    format!("master-key/{profile_id}/pending")
}

const BLOB_PREFIX: &str = "outpost-vault-key/v1";

/// Keychain values identify their key: `outpost-vault-key/v1:<key-id>:<base64 key>`.
pub(crate) fn encode_key(key_id: &str, key: &Key) -> Zeroizing<String> {
    let mut b64 = Zeroizing::new(String::with_capacity(64));
    STANDARD.encode_string(key.as_slice(), &mut b64);
    let mut out = Zeroizing::new(String::with_capacity(128));
    out.push_str(BLOB_PREFIX);
    out.push(':');
    out.push_str(key_id);
    out.push(':');
    out.push_str(&b64);
    out
}

pub(crate) fn decode_key(blob: &str) -> Option<(String, Key)> {
    let mut parts = blob.splitn(3, ':');
    if parts.next()? != BLOB_PREFIX {
        return None;
    }
    let key_id = parts.next()?.to_owned();
    let b64 = parts.next()?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(64));
    STANDARD.decode_vec(b64.trim(), &mut bytes).ok()?;
    Some((key_id, crypto::key_from_slice(&bytes)?))
}

/// The OS keychain through the keyring crate (Secret Service, macOS Keychain, Windows Credential
/// Manager). Every call is blocking.
#[derive(Debug)]
pub(crate) struct OsKeychain {
    service: String,
}

impl OsKeychain {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, account).map_err(map_keyring_error)
    }
}

/// Maps keyring errors to ours, keeping the kind and the platform's diagnostic text, but never
/// any bytes read from the store (`BadEncoding` carries them and is not formatted).
pub(crate) fn map_keyring_error(err: keyring::Error) -> Error {
    fn clip(s: String) -> String {
        const MAX: usize = 300;
        if s.len() <= MAX {
            return s;
        }
        let mut end = MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
    match err {
        keyring::Error::NoStorageAccess(inner) => Error::KeychainAccessDenied {
            detail: clip(inner.to_string()),
        },
        keyring::Error::PlatformFailure(inner) => Error::KeychainUnavailable {
            detail: clip(inner.to_string()),
        },
        keyring::Error::NoEntry => Error::KeychainUnavailable {
            detail: "entry not found".into(),
        },
        keyring::Error::BadEncoding(_) => Error::KeychainUnavailable {
            detail: "the keychain entry is not valid UTF-8".into(),
        },
        keyring::Error::TooLong(attr, max) => Error::KeychainUnavailable {
            detail: format!("attribute {attr} is longer than the platform limit {max}"),
        },
        keyring::Error::Invalid(attr, reason) => Error::KeychainUnavailable {
            detail: format!("invalid attribute {attr}: {reason}"),
        },
        keyring::Error::Ambiguous(list) => Error::KeychainUnavailable {
            detail: format!("{} keychain entries match; expected one", list.len()),
        },
        _ => Error::KeychainUnavailable {
            detail: "unknown keychain error".into(),
        },
    }
}

impl KeyStore for OsKeychain {
    fn service(&self) -> &str {
        &self.service
    }

    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>> {
        match self.entry(account)?.get_password() {
            Ok(value) => Ok(Some(Zeroizing::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(keyring::Error::BadEncoding(mut bytes)) => {
                zeroize::Zeroize::zeroize(&mut bytes);
                // Not an Outpost key: treat as an unreadable value, never print it.
                Ok(Some(Zeroizing::new(String::new())))
            }
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, account: &str, value: &str) -> Result<()> {
        self.entry(account)?
            .set_password(value)
            .map_err(map_keyring_error)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

#[cfg(test)]
pub(crate) mod memory {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    /// In-memory store with fault injection (access denied on get / set / delete).
    #[derive(Debug, Default)]
    pub(crate) struct MemoryStore {
        pub entries: Mutex<HashMap<String, String>>,
        pub fail_get: AtomicBool,
        pub fail_set: AtomicBool,
        pub fail_delete: AtomicBool,
    }

    fn denied() -> Error {
        Error::KeychainAccessDenied {
            detail: "simulated: user denied access".into(),
        }
    }

    impl MemoryStore {
        pub fn fail(&self, get: bool, set: bool, delete: bool) {
            self.fail_get.store(get, Ordering::SeqCst);
            self.fail_set.store(set, Ordering::SeqCst);
            self.fail_delete.store(delete, Ordering::SeqCst);
        }

        pub fn snapshot(&self) -> HashMap<String, String> {
            self.entries
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        }
    }

    impl KeyStore for MemoryStore {
        fn service(&self) -> &str {
            "memory"
        }

        fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>> {
            if self.fail_get.load(Ordering::SeqCst) {
                return Err(denied());
            }
            let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            Ok(map.get(account).cloned().map(Zeroizing::new))
        }

        fn set(&self, account: &str, value: &str) -> Result<()> {
            if self.fail_set.load(Ordering::SeqCst) {
                return Err(denied());
            }
            let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            map.insert(account.to_owned(), value.to_owned());
            Ok(())
        }

        fn delete(&self, account: &str) -> Result<()> {
            if self.fail_delete.load(Ordering::SeqCst) {
                return Err(denied());
            }
            let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            map.remove(account);
            Ok(())
        }
    }
}
