//! Tauri commands: each one only translates between IPC types and a call into `outpost-app`.

pub mod ai;
pub mod analytics;
pub mod approvals;
pub mod automation;
pub mod channels;
pub mod csv;
pub mod inbox;
pub mod media_host;
pub mod posts;
pub mod privacy;
pub mod scheduling;
pub mod slots;
pub mod updates;
pub mod workspace;

use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::ipc::{CoreStatus, DeepLinkEvent, IpcError};
use crate::shell::Shell;

#[cfg_attr(not(test), allow(dead_code))]
mod names;
#[cfg_attr(not(test), allow(unused_imports))]
pub use names::COMMANDS;

/// Settings → About: version, data directory, schema version, vault backend, log directory.
#[tauri::command]
#[specta::specta]
pub async fn about(shell: State<'_, Shell>) -> Result<outpost_app::DoctorReport, IpcError> {
    Ok(match shell.core() {
        Ok(core) => core.doctor().await,
        Err(_) => outpost_app::doctor(shell.options().clone()).await,
    })
}

/// Whether the core opened at start; if not, why.
#[tauri::command]
#[specta::specta]
pub fn core_status(shell: State<'_, Shell>) -> CoreStatus {
    match shell.core() {
        Ok(_) => CoreStatus {
            ready: true,
            error: None,
        },
        Err(e) => CoreStatus {
            ready: false,
            error: Some(e),
        },
    }
}

/// Deep links that arrived before the window was listening (e.g. the one that launched the app).
/// After this call, deep links are delivered only as events.
#[tauri::command]
#[specta::specta]
pub fn take_deep_links(shell: State<'_, Shell>) -> Vec<DeepLinkEvent> {
    shell.take_pending_deep_links()
}

/// Opens the data directory in the system file manager.
#[tauri::command]
#[specta::specta]
pub fn reveal_data_dir(app: tauri::AppHandle, shell: State<'_, Shell>) -> Result<(), IpcError> {
    let dir = shell.options().paths.data_dir().to_path_buf();
    app.opener()
        .open_path(dir.to_string_lossy(), None::<&str>)
        .map_err(|e| IpcError {
            code: outpost_app::ErrorCode::Io,
            message: format!("Could not open the data directory: {e}"),
        })
}
