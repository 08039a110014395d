//! `vault.json`: the profile metadata (never any key in the clear).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::{Backend, KdfParams, Sealed};

pub(crate) const FILE_NAME: &str = "vault.json";
pub(crate) const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Metadata {
    pub format: u32,
    pub backend: Backend,
    pub profile_id: String,
    pub current_key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_key_id: Option<String>,
    pub keys: Vec<KeyRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<PassphraseMeta>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct KeyRecord {
    pub key_id: String,
    /// A known constant sealed under this key: proves a key read back is the right one.
    pub check: Sealed,
    /// Passphrase mode: the master key sealed under the Argon2id-derived key-encryption key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapped: Option<Sealed>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct PassphraseMeta {
    pub kdf: String,
    pub version: u32,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
    #[serde(with = "crate::b64")]
    pub salt: Vec<u8>,
    /// A known constant sealed under the key-encryption key: wrong passphrase detection.
    pub check: Sealed,
}

impl PassphraseMeta {
    pub fn params(&self) -> KdfParams {
        KdfParams {
            m_cost_kib: self.m_cost_kib,
            t_cost: self.t_cost,
            p_cost: self.p_cost,
        }
    }
}

/// Why a `vault.json` is not acceptable.
#[derive(Debug)]
struct Problem(String);

impl Metadata {
    pub fn record(&self, key_id: &str) -> Option<&KeyRecord> {
        self.keys.iter().find(|k| k.key_id == key_id)
    }

    fn validate(&self) -> std::result::Result<(), Problem> {
        if self.format != FORMAT {
            return Err(Problem(format!(
                "unsupported format version {}",
                self.format
            )));
        }
        if uuid::Uuid::parse_str(&self.profile_id).is_err() {
            return Err(Problem("profile_id is not a UUID".into()));
        }
        if self.record(&self.current_key_id).is_none() {
            return Err(Problem("the current key has no key record".into()));
        }
        if let Some(pending) = &self.pending_key_id
            && (self.record(pending).is_none() || *pending == self.current_key_id)
        {
            return Err(Problem("the pending key has no key record".into()));
        }
        match self.backend {
            Backend::Keychain => {}
            Backend::Passphrase => {
                let Some(p) = &self.passphrase else {
                    return Err(Problem(
                        "passphrase backend without Argon2id parameters".into(),
                    ));
                };
                if p.kdf != "argon2id" || p.version != 0x13 {
                    return Err(Problem(format!(
                        "unsupported KDF {} version {}",
                        p.kdf, p.version
                    )));
                }
                if p.salt.len() < crate::crypto::SALT_LEN {
                    return Err(Problem("Argon2id salt is too short".into()));
                }
                if self.keys.iter().any(|k| k.wrapped.is_none()) {
                    return Err(Problem("a key record has no wrapped key".into()));
                }
            }
        }
        Ok(())
    }
}

pub(crate) fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE_NAME)
}

/// `Ok(None)` when the file does not exist; `Corrupt` when it cannot be understood.
pub(crate) fn load(data_dir: &Path) -> Result<Option<Metadata>> {
    let path = path(data_dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let meta: Metadata = serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    meta.validate()
        .map_err(|Problem(reason)| Error::Corrupt { path, reason })?;
    Ok(Some(meta))
}

/// Atomic replace: temp file in the same directory (0600), fsync, rename, fsync the directory.
pub(crate) fn store(data_dir: &Path, meta: &Metadata) -> Result<()> {
    std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
    let path = path(data_dir);
    let json = serde_json::to_vec_pretty(meta).map_err(|e| Error::Corrupt {
        path: path.clone(),
        reason: format!("cannot serialise: {e}"),
    })?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".vault.json.")
        .suffix(".tmp")
        .tempfile_in(data_dir)
        .map_err(|e| Error::io(data_dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    tmp.write_all(&json)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
    #[cfg(unix)]
    if let Ok(dir) = std::fs::File::open(data_dir) {
        // Make the rename durable; failure here is not fatal.
        if let Err(e) = dir.sync_all() {
            tracing::debug!(error = %e, "could not fsync the vault directory");
        }
    }
    Ok(())
}

pub(crate) fn remove(data_dir: &Path) -> Result<()> {
    let path = path(data_dir);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}
