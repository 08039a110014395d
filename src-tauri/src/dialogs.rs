//! Native file dialogs, with the `OUTPOST_FILE_DIALOG` test seam: when set, that command is run
//! instead (arguments: `save <suggested name>`, `open` or `open-media`) and the path it prints is the choice; an
//! empty output means "cancelled". Like `OUTPOST_BROWSER`, it lets end-to-end tests drive flows that
//! would otherwise stop at a window the WebDriver cannot reach.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

use crate::ipc::IpcError;

pub const FILE_DIALOG_ENV: &str = "OUTPOST_FILE_DIALOG";

#[derive(Debug, Clone)]
pub enum FileDialog {
    SaveArchive {
        suggested_name: String,
    },
    OpenArchive,
    SaveCsv {
        suggested_name: String,
    },
    OpenCsv,
    /// An image or video to attach (to an idea).
    OpenMedia,
    /// Where to write a sealed approval preview (`.html`).
    SavePreview {
        suggested_name: String,
    },
    /// Where to write an analytics report (`.pdf`).
    SavePdf {
        suggested_name: String,
    },
}

fn io_error(message: String) -> IpcError {
    IpcError {
        code: outpost_app::ErrorCode::Io,
        message,
    }
}

/// Lets the user choose a file. `Ok(None)` when they cancelled.
pub async fn pick(app: &AppHandle, dialog: FileDialog) -> Result<Option<PathBuf>, IpcError> {
    if let Some(command) = std::env::var_os(FILE_DIALOG_ENV).filter(|c| !c.is_empty()) {
        let mut cmd = tokio::process::Command::new(command);
        match &dialog {
            FileDialog::SaveArchive { suggested_name }
            | FileDialog::SaveCsv { suggested_name }
            | FileDialog::SavePreview { suggested_name }
            | FileDialog::SavePdf { suggested_name } => cmd.arg("save").arg(suggested_name),
            FileDialog::OpenArchive | FileDialog::OpenCsv => cmd.arg("open"),
            FileDialog::OpenMedia => cmd.arg("open-media"),
        };
        let out = cmd
            .output()
            .await
            .map_err(|e| io_error(format!("The file chooser could not run: {e}")))?;
        let chosen = String::from_utf8_lossy(&out.stdout).trim().to_string();
        return Ok((!chosen.is_empty()).then(|| PathBuf::from(chosen)));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let builder = match &dialog {
        FileDialog::SaveCsv { .. } | FileDialog::OpenCsv => {
            app.dialog().file().add_filter("CSV file", &["csv"])
        }
        FileDialog::OpenMedia => app.dialog().file().add_filter(
            "Images and videos",
            &[
                "jpg", "jpeg", "png", "gif", "webp", "heic", "mp4", "mov", "webm", "m4v",
            ],
        ),
        FileDialog::SavePreview { .. } => app
            .dialog()
            .file()
            .add_filter("Web page (sealed preview)", &["html"]),
        FileDialog::SavePdf { .. } => app.dialog().file().add_filter("PDF document", &["pdf"]),
        _ => app.dialog().file().add_filter("Outpost archive", &["zip"]),
    };
    match dialog {
        FileDialog::SaveArchive { suggested_name }
        | FileDialog::SaveCsv { suggested_name }
        | FileDialog::SavePreview { suggested_name }
        | FileDialog::SavePdf { suggested_name } => {
            builder.set_file_name(suggested_name).save_file(move |p| {
                let _ = tx.send(p);
            })
        }
        FileDialog::OpenArchive | FileDialog::OpenCsv | FileDialog::OpenMedia => {
            builder.pick_file(move |p| {
                let _ = tx.send(p);
            })
        }
    }
    let chosen = rx
        .await
        .map_err(|_| io_error("The file chooser closed unexpectedly.".into()))?;
    match chosen {
        None => Ok(None),
        Some(p) => p
            .into_path()
            .map(Some)
            .map_err(|e| io_error(format!("That location cannot be used: {e}"))),
    }
}

/// Lets the user choose images and videos to attach; an empty list when they cancelled. The test
/// seam's command gets the argument `open-media` and prints one path per line.
pub async fn pick_media(app: &AppHandle) -> Result<Vec<PathBuf>, IpcError> {
    if let Some(command) = std::env::var_os(FILE_DIALOG_ENV).filter(|c| !c.is_empty()) {
        let out = tokio::process::Command::new(command)
            .arg("open-media")
            .output()
            .await
            .map_err(|e| io_error(format!("The file chooser could not run: {e}")))?;
        return Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .collect());
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .add_filter(
            "Images and videos",
            &["jpg", "jpeg", "png", "gif", "webp", "mp4", "mov", "webm"],
        )
        .pick_files(move |p| {
            let _ = tx.send(p);
        });
    let chosen = rx
        .await
        .map_err(|_| io_error("The file chooser closed unexpectedly.".into()))?;
    chosen
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            p.into_path()
                .map_err(|e| io_error(format!("That file cannot be used: {e}")))
        })
        .collect()
}
