//! The desktop app's side of publishing: runs the core's scheduler host (so the app publishes
//! exactly like `outpost run`, one of them at a time), forwards its events to the window, shows
//! OS notifications, keeps the tray current, hides to the tray on close and stops cleanly on quit.
//! Wording and rules live in `outpost_app::desktop`; this module only wires them to Tauri.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use outpost_app::Outpost;
use outpost_app::desktop::{HostConfig, HostState, SchedulerHost, texts};
use outpost_app::scheduler::SchedulerEvent;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use crate::tray::{self, Tray, TrayLabels};

/// The argument autostart passes: start in the tray without showing the window.
pub const HIDDEN_ARG: &str = "--hidden";

/// Every scheduler event (a job changed state, upload progress, the timer re-armed).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct SchedulerActivity {
    pub event: SchedulerEvent,
}

/// The scheduling state changed (host state, pause, preferences): reload Settings → Scheduling.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct SchedulingChanged {
    pub host: HostState,
    pub paused: bool,
}

/// The desktop's scheduling state, managed by Tauri.
#[derive(Debug)]
pub struct Desktop {
    host: Option<Arc<SchedulerHost>>,
    notifications: AtomicBool,
    inbox_notifications: AtomicBool,
    close_to_tray: AtomicBool,
    quitting: AtomicBool,
    may_exit: AtomicBool,
    tray: Mutex<Option<Arc<Tray>>>,
    notify_failed_once: AtomicBool,
}

/// Starts publishing for the profile the shell opened (if it did), builds the tray and wires the
/// events. Call once the `Shell` is managed.
pub fn setup(app: &AppHandle, runtime: &tokio::runtime::Handle) {
    let core = app.state::<crate::shell::Shell>().core().ok().cloned();
    let prefs = core
        .as_ref()
        .map(|c| runtime.block_on(c.desktop_prefs()).unwrap_or_default())
        .unwrap_or_default();
    let host = core.as_ref().map(|c| {
        Arc::new(SchedulerHost::start(
            c.clone(),
            HostConfig::default(),
            runtime,
        ))
    });
    app.manage(Desktop {
        host: host.clone(),
        notifications: AtomicBool::new(prefs.notifications),
        inbox_notifications: AtomicBool::new(prefs.inbox_notifications),
        close_to_tray: AtomicBool::new(prefs.close_to_tray),
        quitting: AtomicBool::new(false),
        may_exit: AtomicBool::new(false),
        tray: Mutex::new(None),
        notify_failed_once: AtomicBool::new(false),
    });
    match Tray::build(app, on_tray_menu) {
        Ok(t) => *app.state::<Desktop>().tray_slot() = Some(Arc::new(t)),
        Err(e) => tracing::warn!(error = %e, "no tray icon (the desktop offers no tray)"),
    }
    if let Some(core) = &core {
        forward_events(app, core);
        let (app, core) = (app.clone(), core.clone());
        tauri::async_runtime::spawn(async move { changed(&app, &core).await });
    }
    if let Some(host) = &host {
        watch_host(app, host);
    }
}

impl Desktop {
    fn tray_slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<Tray>>> {
        self.tray.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn host_state(&self) -> HostState {
        self.host
            .as_ref()
            .map(|h| h.state())
            .unwrap_or(HostState::Stopped)
    }

    pub fn set_prefs(&self, prefs: outpost_app::desktop::DesktopPrefs) {
        self.notifications
            .store(prefs.notifications, Ordering::SeqCst);
        self.inbox_notifications
            .store(prefs.inbox_notifications, Ordering::SeqCst);
        self.close_to_tray
            .store(prefs.close_to_tray, Ordering::SeqCst);
    }

    /// Whether closing the window should hide it (true) or quit (false).
    pub fn keeps_running_on_close(&self) -> bool {
        self.close_to_tray.load(Ordering::SeqCst) && !self.quitting.load(Ordering::SeqCst)
    }

    /// Whether the process may exit now (the scheduler was stopped).
    pub fn may_exit(&self) -> bool {
        self.may_exit.load(Ordering::SeqCst)
    }

    /// Shows a notice about new inbox items when the user wants those.
    pub fn notify_inbox(&self, app: &AppHandle, title: String, body: String) {
        if self.inbox_notifications.load(Ordering::SeqCst) {
            self.notify(app, &texts::Notice { title, body });
        }
    }

    fn notify(&self, app: &AppHandle, n: &texts::Notice) {
        if let Err(e) = app
            .notification()
            .builder()
            .title(&n.title)
            .body(&n.body)
            .show()
        {
            // A desktop without a notification service fails every time: say so once.
            if self.notify_failed_once.swap(true, Ordering::SeqCst) {
                tracing::debug!(error = %e, "notification not shown");
            } else {
                tracing::warn!(error = %e, "notifications cannot be shown on this desktop");
            }
        }
    }
}

/// Quits: hides the window, lets posts in flight finish (bounded), then exits.
pub fn quit(app: &AppHandle) {
    let desktop = app.state::<Desktop>();
    if desktop.quitting.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.hide();
    }
    let host = desktop.host.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Some(host) = host {
            host.stop().await;
        }
        app.state::<Desktop>()
            .may_exit
            .store(true, Ordering::SeqCst);
        app.exit(0);
    });
}

/// The window was asked to close: hide it when Outpost keeps publishing in the tray.
pub fn on_close_requested(window: &tauri::Window, api: &tauri::CloseRequestApi) {
    let app = window.app_handle();
    let Some(desktop) = app.try_state::<Desktop>() else {
        return;
    };
    if !desktop.keeps_running_on_close() {
        return;
    }
    api.prevent_close();
    let _ = window.hide();
    let Ok(core) = app.state::<crate::shell::Shell>().core().cloned() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Ok(true) = core.take_tray_explanation().await {
            app.state::<Desktop>()
                .notify(&app, &texts::tray_explanation());
        }
    });
}

/// The main window is created hidden (`"visible": false` in tauri.conf.json) and shown once its
/// page has loaded, unless the app started in the tray. Two reasons:
/// - WebKitGTK drawing without compositing (machines with no GPU, `outpost_app::rendering`) blocks
///   the UI thread for up to 500 ms when GTK draws a visible web view that has no content yet
///   (`DrawingAreaProxyCoordinatedGraphics::forceUpdateIfNeeded` waits for an update the web
///   process cannot send before the page commits). A window shown at creation hit that wait in
///   about half of all starts, delaying the page itself by ~480 ms; shown after the load, never.
/// - Nobody sees a blank white window before the page (and its dark theme) arrives.
///
/// If the page has not loaded after [`FIRST_SHOW_DEADLINE`], the window is shown anyway.
pub struct FirstShow {
    pending: AtomicBool,
}

/// How long a start waits for the page before showing the window regardless.
pub const FIRST_SHOW_DEADLINE: std::time::Duration = std::time::Duration::from_secs(3);

impl FirstShow {
    /// `in_tray`: started by "start at login" — the window stays hidden until the tray opens it.
    pub fn new(in_tray: bool) -> Self {
        Self {
            pending: AtomicBool::new(!in_tray),
        }
    }

    /// True once: the first caller shows the window.
    fn take(&self) -> bool {
        self.pending.swap(false, Ordering::SeqCst)
    }
}

/// The main window's page finished loading: show the window the first time.
pub fn on_page_loaded(webview: &tauri::Webview, event: tauri::webview::PageLoadEvent) {
    if event != tauri::webview::PageLoadEvent::Finished || webview.label() != "main" {
        return;
    }
    if webview.try_state::<FirstShow>().is_some_and(|s| s.take()) {
        show_window(webview.app_handle());
    }
}

/// Shows the window after [`FIRST_SHOW_DEADLINE`] if its page never finished loading.
pub fn show_by_deadline(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_SHOW_DEADLINE).await;
        if app.try_state::<FirstShow>().is_some_and(|s| s.take()) {
            tracing::warn!(
                deadline_ms = FIRST_SHOW_DEADLINE.as_millis(),
                "the page had not loaded by the deadline; the window is shown anyway"
            );
            show_window(&app);
        }
    });
}

/// Shows and focuses the main window.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

fn on_tray_menu(app: &AppHandle, id: &str) {
    match id {
        tray::OPEN => show_window(app),
        tray::QUIT => quit(app),
        tray::PAUSE => {
            let Ok(core) = app.state::<crate::shell::Shell>().core().cloned() else {
                return;
            };
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let toggled = match core.scheduler_paused().await {
                    Ok(paused) => core.set_scheduler_paused(!paused).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = toggled {
                    tracing::warn!(error = %e, "could not pause or resume publishing");
                }
                changed(&app, &core).await;
            });
        }
        _ => {}
    }
}

/// Something about scheduling changed: refresh the tray and tell the window.
pub async fn changed(app: &AppHandle, core: &Outpost) {
    let desktop = app.state::<Desktop>();
    let host = desktop.host_state();
    let paused = core.scheduler_paused().await.unwrap_or(false);
    let _ = SchedulingChanged {
        host: host.clone(),
        paused,
    }
    .emit(app);
    refresh_tray(app, core, &host, paused).await;
}

async fn refresh_tray(app: &AppHandle, core: &Outpost, host: &HostState, paused: bool) {
    let Some(tray) = app.state::<Desktop>().tray_slot().clone() else {
        return;
    };
    let next = core.next_post().await.ok().flatten();
    let tz = core
        .time_zone()
        .await
        .ok()
        .and_then(|z| outpost_app::scheduler::time::zone(&z).ok())
        .unwrap_or(chrono_tz::UTC);
    let now = chrono::Utc::now().timestamp_millis();
    let next_shown = match host {
        HostState::Elsewhere { .. } => {
            "Publishing is handled by another Outpost process".to_string()
        }
        _ => texts::next_post_label(next.as_ref(), now, tz),
    };
    tray.show(TrayLabels {
        next: next_shown,
        pause: texts::pause_label(paused).to_string(),
        tooltip: texts::tooltip(host, paused, next.as_ref(), now, tz),
    });
}

fn forward_events(app: &AppHandle, core: &Outpost) {
    let mut rx = core.scheduler_events();
    let app = app.clone();
    let core = core.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            let event = match rx.recv().await {
                Ok(e) => e,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            let _ = SchedulerActivity {
                event: event.clone(),
            }
            .emit(&app);
            match &event {
                SchedulerEvent::Job {
                    post_id,
                    channel_id,
                    state,
                    message,
                    ..
                } => {
                    let desktop = app.state::<Desktop>();
                    if desktop.notifications.load(Ordering::SeqCst) {
                        match core
                            .job_notice(post_id, channel_id, state, message.as_deref())
                            .await
                        {
                            Ok(Some(n)) => desktop.notify(&app, &n),
                            Ok(None) => {}
                            Err(e) => tracing::debug!(error = %e, "no notification text"),
                        }
                    }
                }
                // The tray shows the next post, which another process may have added.
                SchedulerEvent::Armed { .. } | SchedulerEvent::PostsChanged => {
                    changed(&app, &core).await;
                }
                SchedulerEvent::Progress { .. } => {}
            }
        }
    });
}

fn watch_host(app: &AppHandle, host: &SchedulerHost) {
    let mut rx = host.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            if let Ok(core) = app.state::<crate::shell::Shell>().core().cloned() {
                changed(&app, &core).await;
            }
        }
    });
}
