//! Bulk CSV import/export of posts. The file is chosen in the native dialog (or `OUTPOST_FILE_DIALOG`
//! in tests) and its path stays in the shell: the window sees the preview, never chooses a path.

use std::path::PathBuf;
use std::sync::Mutex;

use outpost_app::csv_posts::{CsvExportSummary, CsvImportMode, CsvImportSummary, CsvPreview};
use tauri::{AppHandle, State};

use crate::dialogs::{self, FileDialog};
use crate::ipc::IpcError;
use crate::shell::Shell;

/// The CSV file whose preview the window is showing.
#[derive(Debug, Default)]
pub struct PendingCsv(Mutex<Option<PathBuf>>);

impl PendingCsv {
    fn set(&self, path: Option<PathBuf>) {
        if let Ok(mut p) = self.0.lock() {
            *p = path;
        }
    }
    fn get(&self) -> Option<PathBuf> {
        self.0.lock().ok().and_then(|p| p.clone())
    }
}

/// Asks for a CSV file and checks every row (nothing is created). `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn csv_import_preview(
    app: AppHandle,
    shell: State<'_, Shell>,
    pending: State<'_, PendingCsv>,
) -> Result<Option<CsvPreview>, IpcError> {
    let core = shell.core()?;
    let Some(path) = dialogs::pick(&app, FileDialog::OpenCsv).await? else {
        return Ok(None);
    };
    let preview = core.preview_csv(&path).await?;
    pending.set(Some(path));
    Ok(Some(preview))
}

/// Checks the previewed file again and creates its posts: every row, or with `skip_invalid` the
/// valid rows only (the user confirmed the preview listing the others).
#[tauri::command]
#[specta::specta]
pub async fn csv_import_commit(
    shell: State<'_, Shell>,
    pending: State<'_, PendingCsv>,
    skip_invalid: bool,
) -> Result<CsvImportSummary, IpcError> {
    let core = shell.core()?;
    let path = pending.get().ok_or_else(|| IpcError {
        code: outpost_app::ErrorCode::InvalidInput,
        message: "Choose a CSV file first.".into(),
    })?;
    let mode = if skip_invalid {
        CsvImportMode::SkipInvalid
    } else {
        CsvImportMode::AllOrNothing
    };
    let summary = core.import_csv(&path, mode).await?;
    pending.set(None);
    Ok(summary)
}

/// Asks where to save, then writes every post to a CSV file. `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn csv_export(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<Option<CsvExportSummary>, IpcError> {
    let core = shell.core()?;
    let name = format!(
        "outpost-posts-{}.csv",
        chrono::Local::now().format("%Y-%m-%d")
    );
    let Some(path) = dialogs::pick(
        &app,
        FileDialog::SaveCsv {
            suggested_name: name,
        },
    )
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(core.export_csv(&path).await?))
}
