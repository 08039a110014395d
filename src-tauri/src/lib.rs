//! Outpost's desktop shell: wires Tauri (window, plugins, deep links, single instance) to the
//! application services in `outpost-app`. No product logic lives here.

mod commands;
mod desktop;
mod dialogs;
pub mod ipc;
mod shell;
mod tray;

use outpost_app::{OpenOptions, Outpost, Paths};
use tauri::Manager;
use tauri_plugin_deep_link::DeepLinkExt;

use crate::shell::Shell;

/// Starts the desktop app. Returns when the last window closes.
pub fn run() {
    let started = std::time::Instant::now();
    // Before any thread starts and before GTK or WebKit read their environment: where OpenGL can
    // only be software, WebKit composites nothing (faster and smaller there; outpost_app::rendering).
    let rendering = outpost_app::rendering::for_this_machine();
    // setenv is not thread-safe: this runs while the process has one thread (the async runtime is
    // built below), before GTK or WebKit start. A failure is logged once the log is open.
    #[cfg(target_os = "linux")]
    let compositing_error = if rendering.disable_compositing {
        glib::setenv(outpost_app::rendering::WEBKIT_ENV, "1", true)
            .err()
            .map(|e| e.to_string())
    } else {
        None
    };
    #[cfg(not(target_os = "linux"))]
    let compositing_error: Option<String> = None;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("outpost")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => fatal(&format!("cannot start the async runtime: {e}")),
    };
    // One tokio runtime for Tauri and the core.
    tauri::async_runtime::set(runtime.handle().clone());

    let paths = match Paths::from_args_and_env(std::env::args_os().skip(1)) {
        Ok(p) => p,
        Err(e) => fatal(&e.to_string()),
    };
    let _log_guard = paths.ensure().ok().and_then(|()| {
        outpost_app::logging::init(
            &paths.logs_dir(),
            outpost_app::logging::LogOptions {
                prefix: "desktop",
                stderr_warnings: cfg!(debug_assertions),
            },
        )
        .ok()
    });
    tracing::info!(rendering = %rendering.detail, "drawing");
    if let Some(e) = compositing_error {
        tracing::warn!(error = %e, "WebKit's compositing could not be turned off");
    }
    if let Some(problem) = &rendering.problem {
        tracing::warn!("{problem}");
    }
    let options = OpenOptions::new(paths);
    // Started by "start at login": stay in the tray.
    let hidden = std::env::args().any(|a| a == desktop::HIDDEN_ARG);
    let runtime_handle = runtime.handle().clone();

    let specta = ipc::specta_builder();
    let app = tauri::Builder::default()
        // Must be first: a second launch hands its arguments (and deep link) to this instance and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            desktop::show_window(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![desktop::HIDDEN_ARG]),
        ))
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                desktop::on_close_requested(window, api);
            }
            // Dropped files reach the window as tokens only (files from the user's hand).
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                commands::posts::on_drop(window, paths);
            }
        })
        // Created hidden; shown once its page has loaded (desktop::FirstShow says why).
        .manage(desktop::FirstShow::new(hidden))
        .on_page_load(|webview, payload| desktop::on_page_loaded(webview, payload.event()))
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            // Plugins are set up by now, so a second instance has already handed over its deep
            // link and exited: only the first instance opens the profile.
            let core =
                tauri::async_runtime::block_on(Outpost::open(options.clone())).map_err(|e| {
                    tracing::error!(error = %e, "the profile could not be opened");
                    ipc::IpcError::from(e)
                });
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis(),
                "profile opened for the window"
            );
            if let Ok(core) = &core {
                commands::channels::forward_events(app.handle(), core);
                commands::posts::forward_events(app.handle(), core);
                commands::automation::forward_events(app.handle(), core);
                commands::inbox::forward_events(app.handle(), core);
                tauri::async_runtime::spawn(core.clone().run_token_refresher());
                tauri::async_runtime::spawn(core.clone().run_change_watch());
            }
            app.manage(Shell::new(options, core));
            app.manage(commands::csv::PendingCsv::default());
            app.manage(commands::updates::PendingUpdate::default());
            specta.mount_events(app);
            // Publishing: the same scheduler as `outpost run`, the tray and notifications.
            desktop::setup(app.handle(), &runtime_handle);
            desktop::show_by_deadline(app.handle());
            setup_deep_links(app.handle());
            commands::updates::schedule_checks(app.handle());
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis(),
                "window set up; the page loads now"
            );
            Ok(())
        })
        .build(tauri::generate_context!("tauri.conf.json"));
    match app {
        Ok(app) => app.run(|app, event| {
            // Closing the last window (close-to-tray off) or Quit: posts in flight finish first.
            if let tauri::RunEvent::ExitRequested { api, .. } = event
                && app
                    .try_state::<desktop::Desktop>()
                    .is_some_and(|d| !d.may_exit())
            {
                api.prevent_exit();
                desktop::quit(app);
            }
        }),
        Err(e) => fatal(&format!("the window could not be created: {e}")),
    }
}

fn setup_deep_links(app: &tauri::AppHandle) {
    // Linux and Windows register the scheme at run time (macOS does it through the bundle). On
    // Linux that runs `update-desktop-database` and `xdg-mime` (shell scripts, 100s of ms): on a
    // thread of its own, so the window's page does not wait for them.
    #[cfg(any(target_os = "linux", windows))]
    {
        let handle = app.clone();
        let spawned = std::thread::Builder::new()
            .name("deep-link-register".into())
            .spawn(move || {
                if let Err(e) = handle.deep_link().register_all() {
                    tracing::warn!(error = %e, "could not register the deep-link scheme with the OS");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "could not register the deep-link scheme with the OS");
        }
    }
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        let shell = handle.state::<Shell>();
        for url in event.urls() {
            shell.deliver_deep_link(&handle, url.as_str());
        }
    });
    // The link that launched the app, if any.
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        let shell = app.state::<Shell>();
        for url in urls {
            shell.deliver_deep_link(app, url.as_str());
        }
    }
}

#[allow(clippy::print_stderr)]
fn fatal(message: &str) -> ! {
    tracing::error!("{message}");
    eprintln!("Outpost: {message}");
    std::process::exit(1)
}
