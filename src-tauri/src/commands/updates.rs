//! Updates and first-run onboarding. The Tauri updater plugin fetches the manifest, downloads,
//! checks the signature and installs; `outpost_app::updates` decides whether to check, where, and
//! how to explain the outcome.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use outpost_app::onboarding::OnboardingStatus;
use outpost_app::updates::{UpdateCheck, UpdateFailure, UpdateOutcome, UpdateStatus};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_updater::UpdaterExt;
use tauri_specta::Event;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// The update found by the last check, waiting for "Install".
#[derive(Default)]
pub struct PendingUpdate(Mutex<Option<tauri_plugin_updater::Update>>);

impl std::fmt::Debug for PendingUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingUpdate")
    }
}

/// Download progress, for the progress bar.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct UpdateProgress {
    pub downloaded: f64,
    /// Unknown when the server sends no length.
    pub total: Option<f64>,
}

/// An automatic check (at start or daily) finished.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct UpdateChecked(pub UpdateCheck);

/// The build's updater configuration (tauri.conf.json → plugins.updater).
fn built_in(app: &AppHandle) -> (String, String) {
    let cfg = app.config().plugins.0.get("updater");
    let pubkey = cfg
        .and_then(|c| c.get("pubkey"))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let endpoint = cfg
        .and_then(|c| c.get("endpoints"))
        .and_then(|v| v.get(0))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    (endpoint, pubkey)
}

async fn status(app: &AppHandle, shell: &Shell) -> Result<UpdateStatus, IpcError> {
    let (endpoint, pubkey) = built_in(app);
    Ok(shell.core()?.update_status(&endpoint, &pubkey).await?)
}

/// Settings → About → Updates.
#[tauri::command]
#[specta::specta]
pub async fn update_status(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<UpdateStatus, IpcError> {
    status(&app, &shell).await
}

/// The switch "Check for updates at start and daily" (recorded as a consent decision).
#[tauri::command]
#[specta::specta]
pub async fn set_update_checks(
    app: AppHandle,
    shell: State<'_, Shell>,
    enabled: bool,
) -> Result<UpdateStatus, IpcError> {
    shell.core()?.set_update_checks(enabled, "settings").await?;
    status(&app, &shell).await
}

/// Sets the update address (`None` or empty: the built-in one).
#[tauri::command]
#[specta::specta]
pub async fn set_update_endpoint(
    app: AppHandle,
    shell: State<'_, Shell>,
    endpoint: Option<String>,
) -> Result<UpdateStatus, IpcError> {
    shell
        .core()?
        .set_update_endpoint(endpoint.as_deref())
        .await?;
    status(&app, &shell).await
}

/// "Check now": asks the endpoint; an update found waits for `install_update`.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<UpdateCheck, IpcError> {
    check(&app, &shell).await
}

/// Downloads the update found by the last check (progress as `UpdateProgress` events), verifies
/// its signature, installs it and relaunches. A refusal is returned; Outpost keeps running.
#[tauri::command]
#[specta::specta]
pub async fn install_update(
    app: AppHandle,
    shell: State<'_, Shell>,
    pending: State<'_, PendingUpdate>,
) -> Result<UpdateCheck, IpcError> {
    let core = shell.core()?;
    let update = pending
        .0
        .lock()
        .ok()
        .and_then(|mut p| p.take())
        .ok_or_else(|| {
            IpcError::from(outpost_app::Error::InvalidInput(
                "no update is waiting: check for updates first".into(),
            ))
        })?;
    let (_, pubkey) = built_in(&app);
    let version = update.version.clone();
    let notes = update.body.clone();
    let progress_app = app.clone();
    let mut downloaded = 0u64;
    let result = update
        .download_and_install(
            move |chunk, total| {
                downloaded += chunk as u64;
                let _ = UpdateProgress {
                    downloaded: downloaded as f64,
                    total: total.map(|t| t as f64),
                }
                .emit(&progress_app);
            },
            || {},
        )
        .await;
    let record = match result {
        Ok(()) => UpdateCheck {
            at: outpost_store_now(),
            outcome: UpdateOutcome::Installed,
            version: Some(version.clone()),
            notes,
            message: format!("Outpost {version} was installed. Restarting…"),
        },
        Err(e) => {
            let failure = classify(&e, &update.signature, &pubkey);
            tracing::warn!(error = %e, "the update was not installed");
            failed_check(&failure, Some(version), notes, &pubkey)
        }
    };
    core.record_update_check(&record).await?;
    if record.outcome == UpdateOutcome::Installed {
        tracing::info!(version = ?record.version, "update installed; relaunching");
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            // Let the answer reach the window first.
            tokio::time::sleep(Duration::from_millis(500)).await;
            app.request_restart();
        });
    }
    Ok(record)
}

/// Whether the first-run screen must show (asked at every start: reads the consent records only;
/// `onboarding_status`, which also checks the keychain, is asked only when this says yes).
#[tauri::command]
#[specta::specta]
pub async fn onboarding_needed(shell: State<'_, Shell>) -> Result<bool, IpcError> {
    Ok(shell.core()?.onboarding_needed().await?)
}

/// First run: what to show.
#[tauri::command]
#[specta::specta]
pub async fn onboarding_status(shell: State<'_, Shell>) -> Result<OnboardingStatus, IpcError> {
    Ok(shell.core()?.onboarding_status().await?)
}

/// First run done: the privacy statement acknowledged and the update-check decision recorded.
#[tauri::command]
#[specta::specta]
pub async fn finish_onboarding(
    shell: State<'_, Shell>,
    update_checks: bool,
) -> Result<OnboardingStatus, IpcError> {
    Ok(shell.core()?.finish_onboarding(update_checks).await?)
}

fn outpost_store_now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn failed_check(
    failure: &UpdateFailure,
    version: Option<String>,
    notes: Option<String>,
    pubkey: &str,
) -> UpdateCheck {
    let trusted = outpost_app::updates::key_id(pubkey).unwrap_or_else(|_| "(none)".into());
    let (outcome, message) =
        outpost_app::updates::describe_failure(failure, outpost_app::VERSION, &trusted);
    UpdateCheck {
        at: outpost_store_now(),
        outcome,
        version,
        notes,
        message,
    }
}

/// Maps the updater plugin's errors onto what the user is told.
fn classify(e: &tauri_plugin_updater::Error, signature: &str, pubkey: &str) -> UpdateFailure {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => {
            let signed_with = outpost_app::updates::signature_key_id(signature).ok();
            let trusted = outpost_app::updates::key_id(pubkey).ok();
            if signed_with.is_some() && signed_with == trusted {
                // The right key, but not for these bytes: damaged, altered, or another file's signature.
                UpdateFailure::BadSignature
            } else {
                UpdateFailure::OtherKey { signed_with }
            }
        }
        E::SignedVersionMismatch { signed, announced } => UpdateFailure::VersionMismatch {
            signed: signed.clone(),
            announced: announced.clone(),
        },
        E::MissingSignedVersion => UpdateFailure::UnversionedSignature,
        E::Reqwest(_) | E::Network(_) | E::InsecureTransportProtocol => {
            UpdateFailure::Network(e.to_string())
        }
        E::ReleaseNotFound
        | E::Serialization(_)
        | E::TargetNotFound(_)
        | E::TargetsNotFound(_)
        | E::Semver(_)
        | E::UrlParse(_)
        | E::EmptyEndpoints => UpdateFailure::Manifest(e.to_string()),
        other => UpdateFailure::Install(other.to_string()),
    }
}

/// Asks the endpoint. Records and returns the result; an update found is kept for `install_update`.
async fn check(app: &AppHandle, shell: &Shell) -> Result<UpdateCheck, IpcError> {
    let core = shell.core()?;
    let (built_in_endpoint, pubkey) = built_in(app);
    let (endpoint, _) = core.update_endpoint(&built_in_endpoint).await?;
    let url = outpost_app::updates::validate_endpoint(&endpoint)?;
    // The comparator sees what the server offers, so "not newer" can name the version.
    let offered: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = offered.clone();
    let result = async {
        app.updater_builder()
            .endpoints(vec![url])?
            .timeout(Duration::from_secs(30))
            .version_comparator(move |current, release| {
                if let Ok(mut s) = seen.lock() {
                    *s = Some(release.version.to_string());
                }
                release.version > current
            })
            .build()?
            .check()
            .await
    }
    .await;
    let record = match result {
        Ok(Some(update)) => {
            let record = UpdateCheck {
                at: outpost_store_now(),
                outcome: UpdateOutcome::Available,
                version: Some(update.version.clone()),
                notes: update.body.clone(),
                message: format!(
                    "Outpost {} is available (you have {}).",
                    update.version,
                    outpost_app::VERSION
                ),
            };
            if let Some(p) = app.try_state::<PendingUpdate>()
                && let Ok(mut slot) = p.0.lock()
            {
                *slot = Some(update);
            }
            record
        }
        Ok(None) => {
            let offered = offered.lock().ok().and_then(|o| o.clone());
            match offered {
                Some(v) => {
                    failed_check(&UpdateFailure::NotNewer { offered: v }, None, None, &pubkey)
                }
                None => UpdateCheck {
                    at: outpost_store_now(),
                    outcome: UpdateOutcome::UpToDate,
                    version: None,
                    notes: None,
                    message: format!("Outpost {} is up to date.", outpost_app::VERSION),
                },
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "update check failed");
            failed_check(&classify(&e, "", &pubkey), None, None, &pubkey)
        }
    };
    core.record_update_check(&record).await?;
    Ok(record)
}

/// Checks at start and then daily, only when the user allowed it.
pub fn schedule_checks(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut at_start = true;
        loop {
            tokio::time::sleep(if at_start {
                Duration::from_secs(3)
            } else {
                Duration::from_secs(60 * 60)
            })
            .await;
            let shell = app.state::<Shell>();
            let Ok(core) = shell.core() else { return };
            let due = core
                .update_check_due(at_start, outpost_store_now())
                .await
                .unwrap_or(false);
            at_start = false;
            if !due {
                continue;
            }
            match check(&app, &shell).await {
                Ok(record) => {
                    let _ = UpdateChecked(record).emit(&app);
                }
                Err(e) => tracing::warn!(error = %e.message, "automatic update check failed"),
            }
        }
    });
}
