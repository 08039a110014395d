//! The crate's error type. No message ever contains secret material.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in the vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A new profile could not be created: no usable OS keychain and no passphrase.
    #[error(
        "no secure key storage is available: the OS keychain could not be used ({keychain}). \
         Run Outpost where an OS keychain is available and unlocked (macOS Keychain, Windows \
         Credential Manager, or a Secret Service such as gnome-keyring or KWallet), or set \
         OUTPOST_VAULT_PASSPHRASE to use passphrase mode. Secrets are never stored unencrypted."
    )]
    NoBackend { keychain: String },

    /// [`crate::Vault::open`] found no `vault.json`.
    #[error("no vault profile found at {}", path.display())]
    NoProfile { path: PathBuf },

    /// The profile uses passphrase mode and no passphrase was given.
    #[error("this vault uses passphrase mode: set OUTPOST_VAULT_PASSPHRASE to unlock it")]
    PassphraseRequired,

    /// The passphrase does not unlock this profile.
    #[error("wrong passphrase: it does not unlock this vault")]
    WrongPassphrase,

    /// The OS keychain did not answer (no Secret Service, D-Bus error, ...).
    #[error("the OS keychain is unavailable: {detail}")]
    KeychainUnavailable { detail: String },

    /// The OS keychain answered but refused access (locked, denied by the user, ...).
    #[error("the OS keychain refused access: {detail}")]
    KeychainAccessDenied { detail: String },

    /// The profile's master key entry is not in the keychain. Never replaced silently.
    #[error(
        "the vault's master key is missing from the OS keychain (service {service}, account \
         {account}); refusing to create a new key over existing data"
    )]
    MissingKey { service: String, account: String },

    /// The keychain entry exists but does not hold this profile's master key.
    #[error(
        "the OS keychain entry (service {service}, account {account}) does not hold this \
         vault's master key"
    )]
    KeyMismatch { service: String, account: String },

    /// A sealed value could not be opened (wrong owner, tampered, unknown key id).
    #[error("cannot open sealed secret: {0}")]
    Decrypt(&'static str),

    /// `vault.json` could not be understood. It is left untouched.
    #[error("vault metadata {} is corrupt ({reason}); the file was left untouched", path.display())]
    Corrupt { path: PathBuf, reason: String },

    /// [`crate::Vault::commit_rotation`] got a rotation that is not this vault's pending one.
    #[error("this key rotation is not the vault's pending rotation")]
    RotationMismatch,

    /// A cryptographic primitive failed unexpectedly.
    #[error("vault cryptography failed: {0}")]
    Crypto(&'static str),

    /// File-system error on the vault metadata.
    #[error("vault I/O error on {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl Error {
    /// A stable machine-readable code for the IPC/CLI edge.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoBackend { .. } => "vault_no_backend",
            Self::NoProfile { .. } => "vault_no_profile",
            Self::PassphraseRequired => "vault_passphrase_required",
            Self::WrongPassphrase => "vault_wrong_passphrase",
            Self::KeychainUnavailable { .. } => "vault_keychain_unavailable",
            Self::KeychainAccessDenied { .. } => "vault_keychain_access_denied",
            Self::MissingKey { .. } => "vault_missing_key",
            Self::KeyMismatch { .. } => "vault_key_mismatch",
            Self::Decrypt(_) => "vault_decrypt",
            Self::Corrupt { .. } => "vault_corrupt",
            Self::RotationMismatch => "vault_rotation_mismatch",
            Self::Crypto(_) => "vault_crypto",
            Self::Io { .. } => "vault_io",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
