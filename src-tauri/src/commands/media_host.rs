//! Settings → Media host: translation between IPC and the media host service. The secret access
//! key only ever travels from the UI to the core (write-only); the UI learns `has_secret`.

use outpost_app::media_host::{MediaHostSettings, MediaHostTestReport};
use outpost_mediahost::MediaHostConfig;
use outpost_vault::Secret;
use tauri::State;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// The saved media host settings (without the secret).
#[tauri::command]
#[specta::specta]
pub async fn media_host_settings(shell: State<'_, Shell>) -> Result<MediaHostSettings, IpcError> {
    Ok(shell.core()?.media_host_settings().await?)
}

/// Saves the settings; `secret_access_key` `null` keeps the saved secret.
#[tauri::command]
#[specta::specta]
pub async fn save_media_host(
    shell: State<'_, Shell>,
    config: MediaHostConfig,
    secret_access_key: Option<String>,
) -> Result<MediaHostSettings, IpcError> {
    Ok(shell
        .core()?
        .save_media_host(&config, secret_access_key.map(Secret::new))
        .await?)
}

/// Forgets the media host (settings and secret).
#[tauri::command]
#[specta::specta]
pub async fn remove_media_host(shell: State<'_, Shell>) -> Result<(), IpcError> {
    Ok(shell.core()?.remove_media_host().await?)
}

/// Uploads, fetches and deletes a tiny test file with the saved settings.
#[tauri::command]
#[specta::specta]
pub async fn test_media_host(shell: State<'_, Shell>) -> Result<MediaHostTestReport, IpcError> {
    Ok(shell.core()?.test_media_host().await?)
}
