//! Settings → Scheduling: translation between IPC and the scheduler's settings, the desktop
//! preferences and start-at-login (the autostart plugin: the OS keeps that setting, not the profile).

use outpost_app::desktop::{self, DesktopPrefs, HostState, texts};
use outpost_app::scheduler::NextPost;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::desktop::Desktop;
use crate::ipc::IpcError;
use crate::shell::Shell;

/// Everything Settings → Scheduling shows.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct SchedulingView {
    /// Whether this app publishes, or another process does.
    pub host: HostState,
    /// One line: running / paused / handled by another process / next post at ….
    pub status_line: String,
    pub paused: bool,
    pub missed_grace_minutes: u32,
    /// The configured IANA zone (the computer's until set).
    pub time_zone: String,
    /// The computer's zone, for "use this computer's zone".
    pub system_time_zone: String,
    pub prefs: DesktopPrefs,
    /// Start at login; `null` when the OS setting cannot be read.
    pub start_at_login: Option<bool>,
    pub next_post: Option<NextPost>,
    /// New posts start with "let the platform publish it" on (YouTube, Facebook Pages, Mastodon).
    pub native_schedule_default: bool,
}

async fn view(
    app: &AppHandle,
    shell: &Shell,
    desktop: &Desktop,
) -> Result<SchedulingView, IpcError> {
    let core = shell.core()?;
    let settings = core.scheduler_settings().await?;
    let next_post = core.next_post().await?;
    let host = desktop.host_state();
    let tz = outpost_app::scheduler::time::zone(&settings.time_zone)?;
    let now = chrono::Utc::now().timestamp_millis();
    let start_at_login = match app.autolaunch().is_enabled() {
        Ok(on) => Some(on),
        Err(e) => {
            tracing::debug!(error = %e, "start at login cannot be read");
            None
        }
    };
    Ok(SchedulingView {
        status_line: texts::status_line(&host, settings.paused, next_post.as_ref(), now, tz),
        host,
        paused: settings.paused,
        missed_grace_minutes: settings.missed_grace_minutes,
        time_zone: settings.time_zone,
        system_time_zone: outpost_app::scheduler::time::system_zone(),
        prefs: core.desktop_prefs().await?,
        start_at_login,
        next_post,
        native_schedule_default: core.native_schedule_default().await?,
    })
}

/// After a change: the tray and other listeners learn of it, the window gets the new view.
async fn changed(
    app: &AppHandle,
    shell: &Shell,
    desktop: &Desktop,
) -> Result<SchedulingView, IpcError> {
    crate::desktop::changed(app, shell.core()?).await;
    view(app, shell, desktop).await
}

#[tauri::command]
#[specta::specta]
pub async fn scheduling(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
) -> Result<SchedulingView, IpcError> {
    view(&app, &shell, &desktop).await
}

/// Every IANA time zone, sorted, for the picker.
#[tauri::command]
#[specta::specta]
pub fn time_zones() -> Vec<String> {
    desktop::time_zones()
}

/// Pauses or resumes publishing (due posts wait; after resuming, the missed-post rule applies).
#[tauri::command]
#[specta::specta]
pub async fn set_publishing_paused(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
    paused: bool,
) -> Result<SchedulingView, IpcError> {
    shell.core()?.set_scheduler_paused(paused).await?;
    changed(&app, &shell, &desktop).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_time_zone(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
    time_zone: String,
) -> Result<SchedulingView, IpcError> {
    shell.core()?.set_time_zone(time_zone.trim()).await?;
    changed(&app, &shell, &desktop).await
}

/// Posts missed while Outpost was off are published if at most this many minutes late.
#[tauri::command]
#[specta::specta]
pub async fn set_missed_grace_minutes(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
    minutes: i64,
) -> Result<SchedulingView, IpcError> {
    let minutes = desktop::check_grace_minutes(minutes)?;
    shell.core()?.set_missed_grace_minutes(minutes).await?;
    changed(&app, &shell, &desktop).await
}

/// Whether new posts start handed to the platform's own scheduler where it has one.
#[tauri::command]
#[specta::specta]
pub async fn set_native_schedule_default(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
    on: bool,
) -> Result<SchedulingView, IpcError> {
    shell.core()?.set_native_schedule_default(on).await?;
    view(&app, &shell, &desktop).await
}

/// Notifications on/off, keep running in the tray when the window closes.
#[tauri::command]
#[specta::specta]
pub async fn set_desktop_prefs(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
    prefs: DesktopPrefs,
) -> Result<SchedulingView, IpcError> {
    let saved = shell.core()?.set_desktop_prefs(prefs).await?;
    desktop.set_prefs(saved);
    changed(&app, &shell, &desktop).await
}

/// Starts Outpost (hidden, in the tray) when the user logs in.
#[tauri::command]
#[specta::specta]
pub async fn set_start_at_login(
    app: AppHandle,
    shell: State<'_, Shell>,
    desktop: State<'_, Desktop>,
    enabled: bool,
) -> Result<SchedulingView, IpcError> {
    let autolaunch = app.autolaunch();
    let result = if enabled {
        autolaunch.enable()
    } else {
        autolaunch.disable()
    };
    result.map_err(|e| IpcError {
        code: outpost_app::ErrorCode::Io,
        message: format!(
            "Start at login could not be {}: {e}",
            if enabled { "turned on" } else { "turned off" }
        ),
    })?;
    view(&app, &shell, &desktop).await
}
