//! Channels and Settings → Developer apps: translation between IPC and the channels service.

use outpost_app::channels::{
    ChannelEvent, ChannelView, ConnectCandidates, ConnectStarted, DeveloperAppView,
    DisconnectReport, Platform, Surface,
};
use outpost_vault::Secret;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tauri_specta::Event;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// Channels changed (connected, refreshed, reconnect needed, disconnected): reload the list.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct ChannelsChanged {
    pub channel_ids: Vec<String>,
    pub reason: String,
}

impl From<&ChannelEvent> for ChannelsChanged {
    fn from(e: &ChannelEvent) -> Self {
        ChannelsChanged {
            channel_ids: e.channel_ids.clone(),
            reason: e.reason.clone(),
        }
    }
}

/// Every platform's developer-app status and guide.
#[tauri::command]
#[specta::specta]
pub async fn developer_apps(shell: State<'_, Shell>) -> Result<Vec<DeveloperAppView>, IpcError> {
    Ok(shell.core()?.developer_apps().await?)
}

/// Saves a developer app; `client_secret` `null` keeps the saved secret; `organization_access`
/// (LinkedIn): the app has the Community Management product.
#[tauri::command]
#[specta::specta]
pub async fn save_developer_app(
    shell: State<'_, Shell>,
    platform: Platform,
    client_id: String,
    client_secret: Option<String>,
    organization_access: bool,
) -> Result<DeveloperAppView, IpcError> {
    let p = platform;
    Ok(shell
        .core()?
        .save_developer_app(
            p,
            &client_id,
            client_secret.map(Secret::new),
            organization_access,
        )
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_developer_app(
    shell: State<'_, Shell>,
    platform: Platform,
) -> Result<(), IpcError> {
    Ok(shell.core()?.remove_developer_app(platform).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn channels(shell: State<'_, Shell>) -> Result<Vec<ChannelView>, IpcError> {
    Ok(shell.core()?.channels().await?)
}

/// Starts a sign-in in the system browser.
#[tauri::command]
#[specta::specta]
pub async fn connect_start(
    shell: State<'_, Shell>,
    platform: Platform,
    instance_url: Option<String>,
) -> Result<ConnectStarted, IpcError> {
    let p = platform;
    Ok(shell
        .core()?
        .connect_start(p, instance_url.as_deref(), Surface::Desktop)
        .await?)
}

/// Resolves when the browser step is over: the accounts that can be connected.
#[tauri::command]
#[specta::specta]
pub async fn connect_wait(
    shell: State<'_, Shell>,
    flow_id: String,
) -> Result<ConnectCandidates, IpcError> {
    Ok(shell.core()?.connect_wait(&flow_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn connect_cancel(shell: State<'_, Shell>, flow_id: String) -> Result<(), IpcError> {
    shell.core()?.connect_cancel(&flow_id);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn connect_finish(
    shell: State<'_, Shell>,
    flow_id: String,
    keys: Vec<String>,
) -> Result<Vec<ChannelView>, IpcError> {
    Ok(shell.core()?.connect_finish(&flow_id, &keys).await?)
}

/// Bluesky with an app password (used once, never stored).
#[tauri::command]
#[specta::specta]
pub async fn connect_bluesky(
    shell: State<'_, Shell>,
    service: Option<String>,
    identifier: String,
    app_password: String,
) -> Result<Vec<ChannelView>, IpcError> {
    let password = Secret::new(app_password);
    Ok(shell
        .core()?
        .connect_bluesky(service.as_deref(), &identifier, &password)
        .await?)
}

/// Asks the platform whether the sign-in still works (refreshing if needed).
#[tauri::command]
#[specta::specta]
pub async fn check_channel(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<ChannelView, IpcError> {
    Ok(shell.core()?.check_channel(&channel_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn disconnect_channel(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<DisconnectReport, IpcError> {
    Ok(shell.core()?.disconnect_channel(&channel_id).await?)
}

/// Forwards channel events to the window, and "reconnect needed" to an OS notification.
pub fn forward_events(app: &tauri::AppHandle, core: &outpost_app::Outpost) {
    let mut rx = core.channel_events();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        use tauri_plugin_notification::NotificationExt;
        loop {
            match rx.recv().await {
                Ok(e) => {
                    let _ = ChannelsChanged::from(&e).emit(&app);
                    if e.reason == "reconnect_needed" {
                        let body = e
                            .message
                            .clone()
                            .unwrap_or_else(|| "A channel needs reconnecting.".into());
                        if let Err(err) = app
                            .notification()
                            .builder()
                            .title("Outpost: reconnect needed")
                            .body(body)
                            .show()
                        {
                            tracing::warn!(error = %err, "notification not shown");
                        }
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}
