//! The tray icon: the next post, pause/resume, open, quit. Its labels come from
//! `outpost_app::desktop::texts`; this file only builds and updates the native menu. Where the
//! desktop has no tray host (a bare X server), building it fails or shows nothing: the app logs
//! that once and keeps running without it.

use tauri::AppHandle;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};

/// Menu item ids.
pub const NEXT: &str = "tray-next";
pub const PAUSE: &str = "tray-pause";
pub const OPEN: &str = "tray-open";
pub const QUIT: &str = "tray-quit";

/// The labels the tray shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayLabels {
    pub next: String,
    pub pause: String,
    pub tooltip: String,
}

pub struct Tray {
    icon: TrayIcon,
    next: MenuItem<tauri::Wry>,
    pause: MenuItem<tauri::Wry>,
    shown: std::sync::Mutex<Option<TrayLabels>>,
}

impl std::fmt::Debug for Tray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tray").finish_non_exhaustive()
    }
}

impl Tray {
    /// Builds the tray; `on_menu` gets the id of a clicked item.
    pub fn build(
        app: &AppHandle,
        on_menu: impl Fn(&AppHandle, &str) + Send + Sync + 'static,
    ) -> tauri::Result<Tray> {
        let next = MenuItem::with_id(app, NEXT, "Nothing scheduled", false, None::<&str>)?;
        let pause = MenuItem::with_id(app, PAUSE, "Pause publishing", true, None::<&str>)?;
        let open = MenuItem::with_id(app, OPEN, "Open Outpost", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, QUIT, "Quit", true, None::<&str>)?;
        let menu = Menu::with_items(
            app,
            &[
                &next,
                &PredefinedMenuItem::separator(app)?,
                &pause,
                &open,
                &PredefinedMenuItem::separator(app)?,
                &quit,
            ],
        )?;
        let mut builder = TrayIconBuilder::with_id("outpost")
            .tooltip("Outpost")
            .menu(&menu)
            .show_menu_on_left_click(true)
            .on_menu_event(move |app, event| on_menu(app, event.id().as_ref()));
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        let icon = builder.build(app)?;
        Ok(Tray {
            icon,
            next,
            pause,
            shown: std::sync::Mutex::new(None),
        })
    }

    /// Shows `labels` (only what changed).
    pub fn show(&self, labels: TrayLabels) {
        let mut shown = self.shown.lock().unwrap_or_else(|p| p.into_inner());
        let before = shown.as_ref();
        let result = (|| -> tauri::Result<()> {
            if before.map(|b| &b.next) != Some(&labels.next) {
                self.next.set_text(&labels.next)?;
            }
            if before.map(|b| &b.pause) != Some(&labels.pause) {
                self.pause.set_text(&labels.pause)?;
            }
            if before.map(|b| &b.tooltip) != Some(&labels.tooltip) {
                self.icon.set_tooltip(Some(&labels.tooltip))?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => *shown = Some(labels),
            Err(e) => tracing::debug!(error = %e, "the tray could not be updated"),
        }
    }
}
