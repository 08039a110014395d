//! The state the shell keeps: the open profile (or why it could not open) and deep links waiting
//! for the window.

use std::sync::Mutex;

use outpost_app::{OpenOptions, Outpost};
use tauri_specta::Event;

use crate::ipc::{DeepLinkEvent, IpcError};

#[derive(Debug)]
pub struct Shell {
    options: OpenOptions,
    core: Result<Outpost, IpcError>,
    deep_links: Mutex<DeepLinkQueue>,
}

#[derive(Debug, Default)]
struct DeepLinkQueue {
    window_listening: bool,
    pending: Vec<DeepLinkEvent>,
}

impl Shell {
    pub fn new(options: OpenOptions, core: Result<Outpost, IpcError>) -> Self {
        Shell {
            options,
            core,
            deep_links: Mutex::new(DeepLinkQueue::default()),
        }
    }

    pub fn options(&self) -> &OpenOptions {
        &self.options
    }

    pub fn core(&self) -> Result<&Outpost, IpcError> {
        self.core.as_ref().map_err(Clone::clone)
    }

    /// Validates one deep link and hands the outcome to the window (now, or when it asks).
    pub fn deliver_deep_link(&self, app: &tauri::AppHandle, raw: &str) {
        // The end of a browser sign-in goes to the flow waiting for it, never to the window.
        if let Ok(outpost_app::deeplink::DeepLink::OauthCallback { provider, query }) =
            outpost_app::deeplink::parse(raw)
        {
            let delivered = self.core().map_err(|e| e.message).and_then(|core| {
                core.deliver_oauth_callback(&provider, query)
                    .map_err(|e| e.to_string())
            });
            match delivered {
                Ok(()) => {
                    tracing::info!(provider = %provider, "sign-in callback received");
                    if let Some(w) = tauri::Manager::get_webview_window(app, "main") {
                        let _ = w.set_focus();
                    }
                    return;
                }
                Err(reason) => {
                    tracing::warn!(provider = %provider, %reason, "sign-in callback refused");
                }
            }
        }
        let event = match outpost_app::deeplink::route(raw) {
            Ok(action) => {
                tracing::info!(?action, "deep link accepted");
                DeepLinkEvent {
                    action: Some(action),
                    error: None,
                }
            }
            Err(e) => {
                // Never log the link itself: it may carry an authorization code.
                tracing::warn!(reason = %e, "deep link refused");
                DeepLinkEvent {
                    action: None,
                    error: Some(e.into()),
                }
            }
        };
        let mut queue = self.deep_links.lock().unwrap_or_else(|p| p.into_inner());
        if queue.window_listening {
            drop(queue);
            if let Err(e) = event.emit(app) {
                tracing::error!(error = %e, "could not deliver a deep link to the window");
            }
        } else {
            queue.pending.push(event);
        }
    }

    pub fn take_pending_deep_links(&self) -> Vec<DeepLinkEvent> {
        let mut queue = self.deep_links.lock().unwrap_or_else(|p| p.into_inner());
        queue.window_listening = true;
        std::mem::take(&mut queue.pending)
    }
}
