//! The health report shown by `outpost doctor` and Settings → About. Gathering it never fails and
//! never changes anything: every problem becomes a line in `problems`.

use serde::Serialize;

use crate::paths::Paths;

/// Which vault backend protects this profile's secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VaultBackend {
    /// The master key lives in the OS keychain (Secret Service, macOS Keychain, Credential Manager).
    Keychain,
    /// The master key is unlocked by `OUTPOST_VAULT_PASSPHRASE` (Argon2id).
    Passphrase,
}

impl From<outpost_vault::Backend> for VaultBackend {
    fn from(b: outpost_vault::Backend) -> Self {
        match b {
            outpost_vault::Backend::Keychain => VaultBackend::Keychain,
            outpost_vault::Backend::Passphrase => VaultBackend::Passphrase,
        }
    }
}

/// Everything `outpost doctor --json` prints. Field names are a public contract (see README).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DoctorReport {
    /// Outpost's version.
    pub version: String,
    /// Absolute path of the data directory.
    pub data_dir: String,
    /// Absolute path of the SQLite database file.
    pub database_file: String,
    /// Newest migration applied to the database (a timestamp number), or null if it cannot be read.
    pub schema_version: Option<i64>,
    /// Newest migration this build knows.
    pub latest_schema_version: i64,
    /// The vault backend in use for this profile, or null when none can be used.
    pub vault_backend: Option<VaultBackend>,
    /// Whether the OS keychain answered.
    pub keychain_available: bool,
    /// A sentence about the vault's state.
    pub vault_detail: String,
    /// Where log files are written.
    pub log_dir: String,
    /// How the desktop app draws on this machine ([`crate::rendering`]): on Linux, whether WebKit's
    /// compositing is off and why.
    pub rendering: String,
    /// Every problem found; empty means healthy.
    pub problems: Vec<String>,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.problems.is_empty()
    }
}

pub(crate) fn base_report(paths: &Paths) -> DoctorReport {
    let rendering = crate::rendering::for_this_machine();
    DoctorReport {
        version: crate::VERSION.to_string(),
        data_dir: paths.data_dir().display().to_string(),
        database_file: paths.database().display().to_string(),
        schema_version: None,
        latest_schema_version: outpost_store::Store::latest_schema_version(),
        vault_backend: None,
        keychain_available: false,
        vault_detail: String::new(),
        log_dir: paths.logs_dir().display().to_string(),
        rendering: rendering.detail,
        problems: rendering.problem.into_iter().collect(),
    }
}
