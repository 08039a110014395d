//! Settings → Privacy & data: export, import, delete everything, activity log, consents.

use outpost_app::data::{
    DataProgress, DeleteAllReport, ExportSummary, ImportOptions, ImportSummary,
};
use outpost_app::privacy::{ActivityPage, ActivityQuery, ConsentRow, ProfileSummary};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::dialogs::{self, FileDialog};
use crate::ipc::IpcError;
use crate::shell::Shell;

/// Which long operation a progress event belongs to.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DataOperation {
    Export,
    Import,
}

/// Progress of an export or import, for the progress bar.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct DataProgressEvent {
    pub operation: DataOperation,
    pub progress: DataProgress,
}

fn progress_emitter(
    app: &AppHandle,
    operation: DataOperation,
) -> impl Fn(&DataProgress) + Send + Sync + use<> {
    let app = app.clone();
    move |p: &DataProgress| {
        let _ = DataProgressEvent {
            operation,
            progress: *p,
        }
        .emit(&app);
    }
}

/// Asks where to save, then exports everything there. `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_data(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<Option<ExportSummary>, IpcError> {
    let core = shell.core()?;
    let name = format!(
        "outpost-export-{}.zip",
        chrono::Local::now().format("%Y-%m-%d")
    );
    let Some(path) = dialogs::pick(
        &app,
        FileDialog::SaveArchive {
            suggested_name: name,
        },
    )
    .await?
    else {
        return Ok(None);
    };
    let progress = progress_emitter(&app, DataOperation::Export);
    Ok(Some(core.export_archive(&path, Some(&progress)).await?))
}

/// Asks for an archive, then imports it into this (empty) profile. `None` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn import_data(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<Option<ImportSummary>, IpcError> {
    let core = shell.core()?;
    let Some(path) = dialogs::pick(&app, FileDialog::OpenArchive).await? else {
        return Ok(None);
    };
    let progress = progress_emitter(&app, DataOperation::Import);
    Ok(Some(
        core.import_archive(&path, &ImportOptions::default(), Some(&progress))
            .await?,
    ))
}

/// Deletes everything: revokes tokens, deletes every row, media file, log file and keychain entry.
#[tauri::command]
#[specta::specta]
pub async fn delete_all_data(shell: State<'_, Shell>) -> Result<DeleteAllReport, IpcError> {
    // Platform clients provide revocation as they land; until then every channel reports
    // "not supported" and the UI tells the user to revoke access on the platform's site.
    Ok({
        let core = shell.core()?;
        core.delete_all_data(&outpost_app::channels::PlatformRevoker::new(core))
            .await?
    })
}

/// Re-seals every stored secret under a new master key (the old key is deleted).
#[tauri::command]
#[specta::specta]
pub async fn rotate_master_key(
    shell: State<'_, Shell>,
) -> Result<outpost_app::secrets::RotationReport, IpcError> {
    Ok(shell.core()?.rotate_master_key().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn activity_log(
    shell: State<'_, Shell>,
    query: ActivityQuery,
    page: u32,
    page_size: u32,
) -> Result<ActivityPage, IpcError> {
    Ok(shell
        .core()?
        .activity_log(&query, i64::from(page), i64::from(page_size))
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn consent_records(shell: State<'_, Shell>) -> Result<Vec<ConsentRow>, IpcError> {
    Ok(shell.core()?.consent_records().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn profile_summary(shell: State<'_, Shell>) -> Result<ProfileSummary, IpcError> {
    Ok(shell.core()?.profile_summary().await?)
}
