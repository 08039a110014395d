//! Outpost's application services: the one API that the desktop shell, the `outpost` CLI and the
//! tests call. It owns the data directory, the store and the vault, and knows nothing of Tauri.

pub mod activity;
pub mod ai;
pub mod analytics;
pub mod approvals;
pub mod automation;
pub mod channels;
pub mod csv_posts;
pub mod data;
pub mod deeplink;
pub mod demo;
pub mod desktop;
pub mod doctor;
pub mod error;
pub mod inbox;
pub mod logging;
pub mod media_host;
pub mod onboarding;
pub mod paths;
pub mod posts;
pub mod privacy;
pub mod rendering;
pub mod scheduler;
pub mod secrets;
pub mod slots;
pub mod updates;
pub mod workspace;

use std::sync::Arc;

pub use doctor::{DoctorReport, VaultBackend};
pub use error::{Error, ErrorCode, Result};
/// The offline sentiment model (`outpost sentiment`; inbox items are tagged with it at ingest).
pub use outpost_sentiment as sentiment;
pub use outpost_vault::Secret;
pub use paths::Paths;

use outpost_store::Store;
use outpost_vault::{Vault, VaultConfig};

/// Outpost's version (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Selects the vault's passphrase mode for machines without a keychain.
pub const VAULT_PASSPHRASE_ENV: &str = "OUTPOST_VAULT_PASSPHRASE";

/// How to open a profile.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub paths: Paths,
    /// Keychain service name; tests use their own so they never touch a real profile's key.
    pub keychain_service: String,
    /// Passphrase mode for this profile; wins over `OUTPOST_VAULT_PASSPHRASE` (tests set it here
    /// because environment variables are process-global).
    pub passphrase: Option<Secret>,
    /// Platform origin overrides; `None` reads `OUTPOST_ENDPOINT_<PLATFORM>` when the profile opens.
    pub endpoints: Option<outpost_platforms::Endpoints>,
    /// How authorization URLs are opened (default: `OUTPOST_BROWSER` or the system browser).
    pub browser: Arc<dyn channels::Browser>,
    /// First back-off delay when a token refresh fails transiently (doubles per attempt).
    pub retry_base: std::time::Duration,
    /// How long one feed fetch may take (connect, answer and body), default 20 s.
    pub feed_timeout: std::time::Duration,
    /// How long one AI request may take (connect, answer and body), default 60 s.
    pub ai_timeout: std::time::Duration,
}

impl OpenOptions {
    pub fn new(paths: Paths) -> Self {
        OpenOptions {
            paths,
            keychain_service: paths::APP_IDENTIFIER.to_string(),
            passphrase: None,
            endpoints: None,
            browser: Arc::new(channels::SystemBrowser),
            retry_base: std::time::Duration::from_secs(2),
            feed_timeout: std::time::Duration::from_secs(20),
            ai_timeout: ai::DEFAULT_TIMEOUT,
        }
    }

    fn vault_config(&self) -> VaultConfig {
        let config = VaultConfig::new(self.paths.data_dir().to_path_buf())
            .with_keychain_service(self.keychain_service.clone());
        if let Some(p) = &self.passphrase {
            return config.with_passphrase(p.clone());
        }
        match std::env::var(VAULT_PASSPHRASE_ENV) {
            Ok(p) if !p.is_empty() => config.with_passphrase(Secret::new(p)),
            _ => config,
        }
    }
}

/// An open profile: the data directory with its database. The vault is opened on first use, so
/// that a missing keychain never keeps the user from their posts.
#[derive(Debug, Clone)]
pub struct Outpost {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    options: OpenOptions,
    store: Store,
    http: outpost_net::HttpClient,
    /// The open vault; `None` until first use and again after "delete all my data".
    vault: tokio::sync::Mutex<Option<Arc<Vault>>>,
    /// Held while a secret is sealed and written, and for a whole master-key rotation.
    secrets_lock: tokio::sync::Mutex<()>,
    channels: channels::ChannelsState,
    sched: scheduler::SchedSignals,
    workspace: workspace::WorkspaceState,
    /// Recently deleted posts, for undo.
    trash: posts::Trash,
    automation: automation::AutomationState,
    /// Files the user picked or dropped, by token (the window imports by token only).
    picked: posts::PickedFiles,
    inbox: inbox::InboxRuntime,
}

impl Outpost {
    /// Opens (creating if needed) the profile in the data directory. Fails with a clear error when
    /// the directory is unusable or the database is corrupt or newer than this build; in every failure
    /// case nothing on disk is changed.
    pub async fn open(options: OpenOptions) -> Result<Outpost> {
        let endpoints = match &options.endpoints {
            Some(e) => e.clone(),
            None => outpost_platforms::Endpoints::from_env()?,
        };
        options.paths.ensure()?;
        let store = Store::open(&options.paths.database()).await?;
        let http = activity::start(store.clone())?;
        tracing::info!(data_dir = %options.paths.data_dir().display(), "profile opened");
        let outpost = Outpost {
            inner: Arc::new(Inner {
                store,
                http,
                vault: tokio::sync::Mutex::new(None),
                secrets_lock: tokio::sync::Mutex::new(()),
                channels: channels::ChannelsState::new(
                    options.browser.clone(),
                    endpoints,
                    options.retry_base,
                ),
                options,
                sched: scheduler::SchedSignals::default(),
                workspace: workspace::WorkspaceState::default(),
                trash: posts::Trash::default(),
                automation: automation::AutomationState::default(),
                picked: posts::PickedFiles::default(),
                inbox: inbox::InboxRuntime::default(),
            }),
        };
        outpost.sweep_media_host_in_background();
        // Expired previews lose their keys as soon as a profile opens (a cheap indexed query).
        if let Err(e) = outpost.purge_approvals().await {
            tracing::warn!(error = %e, "approval previews could not be purged");
        }
        Ok(outpost)
    }

    pub fn paths(&self) -> &Paths {
        &self.inner.options.paths
    }

    /// The keychain service this profile's master key lives under.
    pub fn keychain_service(&self) -> &str {
        &self.inner.options.keychain_service
    }

    pub(crate) fn sched(&self) -> &scheduler::SchedSignals {
        &self.inner.sched
    }

    pub(crate) fn automation_state(&self) -> &automation::AutomationState {
        &self.inner.automation
    }

    /// How long one feed fetch may take.
    pub(crate) fn feed_timeout(&self) -> std::time::Duration {
        self.inner.options.feed_timeout
    }

    pub(crate) fn trash(&self) -> &posts::Trash {
        &self.inner.trash
    }

    pub(crate) fn picked(&self) -> &posts::PickedFiles {
        &self.inner.picked
    }

    pub(crate) fn inbox_runtime(&self) -> &inbox::InboxRuntime {
        &self.inner.inbox
    }

    pub(crate) fn channels_state(&self) -> &channels::ChannelsState {
        &self.inner.channels
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The HTTP client for every outbound request; each request lands in the activity log.
    pub fn http(&self) -> &outpost_net::HttpClient {
        &self.inner.http
    }

    /// The vault, opened (or created for a new profile) on first use.
    pub async fn vault(&self) -> Result<Arc<Vault>> {
        let mut slot = self.inner.vault.lock().await;
        if let Some(v) = slot.as_ref() {
            return Ok(v.clone());
        }
        let config = self.inner.options.vault_config();
        let v = tokio::task::spawn_blocking(move || Vault::open_or_create(&config))
            .await
            .map_err(|e| Error::InvalidInput(format!("the vault task failed: {e}")))??;
        let v = Arc::new(v);
        *slot = Some(v.clone());
        Ok(v)
    }

    /// Drops the cached vault (its profile was destroyed); the next use opens or creates a new one.
    pub(crate) async fn forget_vault(&self) {
        *self.inner.vault.lock().await = None;
    }

    /// The health report for this open profile.
    pub async fn doctor(&self) -> DoctorReport {
        let mut report = doctor::base_report(self.paths());
        match self.store().schema_version().await {
            Ok(v) => report.schema_version = Some(v),
            Err(e) => report.problems.push(format!("Database: {e}")),
        }
        fill_vault_status(&mut report, self.inner.options.vault_config()).await;
        report
    }

    pub async fn close(&self) {
        self.inner.store.close().await;
    }
}

/// The health report for a data directory that may not open at all (corrupt, unwritable, too new).
/// Never creates or changes anything beyond what opening a healthy profile does.
pub async fn doctor(options: OpenOptions) -> DoctorReport {
    match Outpost::open(options.clone()).await {
        Ok(outpost) => {
            let report = outpost.doctor().await;
            outpost.close().await;
            report
        }
        Err(e) => {
            let mut report = doctor::base_report(&options.paths);
            report.problems.push(e.to_string());
            fill_vault_status(&mut report, options.vault_config()).await;
            report
        }
    }
}

async fn fill_vault_status(report: &mut DoctorReport, config: VaultConfig) {
    let passphrase_given = config.passphrase.is_some();
    match tokio::task::spawn_blocking(move || outpost_vault::status(&config)).await {
        Ok(status) => {
            // A profile without a vault yet will use the keychain (or the passphrase) on first use.
            report.vault_backend = status.backend.map(Into::into).or(if passphrase_given {
                Some(VaultBackend::Passphrase)
            } else if status.keychain_available {
                Some(VaultBackend::Keychain)
            } else {
                None
            });
            report.keychain_available = status.keychain_available;
            report.vault_detail = status.detail.clone();
            if !status.usable {
                report.problems.push(format!("Vault: {}", status.detail));
            }
        }
        Err(e) => report
            .problems
            .push(format!("Vault: the status check failed: {e}")),
    }
}
