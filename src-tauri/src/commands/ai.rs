//! The AI assistant: provider settings (the key is write-only), consent, persona, the exact request
//! before sending, the actions, test connection and the ledger. Only translation between IPC and
//! `outpost_app::ai`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use outpost_app::Secret;
use outpost_app::ai::{
    AiAnswer, AiAsk, AiCancel, AiConnectionTest, AiImageAnswer, AiImageAsk, AiLedgerEntry,
    AiPersona, AiPrepared, AiPreset, AiSettingsInput, AiSettingsView,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tauri_specta::Event;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// The provider presets (OpenAI, OpenRouter, Ollama, LM Studio).
#[tauri::command]
#[specta::specta]
pub fn ai_presets() -> Vec<AiPreset> {
    outpost_app::ai::PRESETS.to_vec()
}

/// The provider settings (never the key; only whether one is saved).
#[tauri::command]
#[specta::specta]
pub async fn ai_settings(shell: State<'_, Shell>) -> Result<AiSettingsView, IpcError> {
    Ok(shell.core()?.ai_settings().await?)
}

/// Saves the provider; `api_key` (when given) is sealed in the vault for that provider only.
#[tauri::command]
#[specta::specta]
pub async fn ai_save_settings(
    shell: State<'_, Shell>,
    input: AiSettingsInput,
    api_key: Option<String>,
) -> Result<AiSettingsView, IpcError> {
    let key = api_key.filter(|k| !k.trim().is_empty()).map(Secret::new);
    Ok(shell.core()?.ai_set_provider(&input, key.as_ref()).await?)
}

/// Deletes the saved API key of the current provider.
#[tauri::command]
#[specta::specta]
pub async fn ai_forget_api_key(shell: State<'_, Shell>) -> Result<AiSettingsView, IpcError> {
    Ok(shell.core()?.ai_forget_api_key().await?)
}

/// Records consent (or its withdrawal) for the current provider, with where it was given.
#[tauri::command]
#[specta::specta]
pub async fn ai_consent(
    shell: State<'_, Shell>,
    granted: bool,
    source: String,
) -> Result<AiSettingsView, IpcError> {
    Ok(shell.core()?.ai_record_consent(granted, &source).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ai_persona(shell: State<'_, Shell>) -> Result<AiPersona, IpcError> {
    Ok(shell.core()?.ai_persona().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ai_save_persona(
    shell: State<'_, Shell>,
    persona: AiPersona,
) -> Result<AiPersona, IpcError> {
    Ok(shell.core()?.ai_set_persona(&persona).await?)
}

/// Exactly what would be sent; sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn ai_prepare(shell: State<'_, Shell>, ask: AiAsk) -> Result<AiPrepared, IpcError> {
    Ok(shell.core()?.ai_prepare(&ask).await?)
}

/// Runs an action (needs consent for the provider).
#[tauri::command]
#[specta::specta]
pub async fn ai_run(shell: State<'_, Shell>, ask: AiAsk) -> Result<AiAnswer, IpcError> {
    Ok(shell.core()?.ai_run(&ask).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn ai_test_connection(shell: State<'_, Shell>) -> Result<AiConnectionTest, IpcError> {
    Ok(shell.core()?.ai_test_connection().await?)
}

/// The AI ledger, newest first (last 30 days).
#[tauri::command]
#[specta::specta]
pub async fn ai_ledger(shell: State<'_, Shell>) -> Result<Vec<AiLedgerEntry>, IpcError> {
    Ok(shell.core()?.ai_ledger(500).await?)
}

/// Deletes one ledger row, or all with `id` null; returns how many.
#[tauri::command]
#[specta::specta]
pub async fn ai_delete_ledger(
    shell: State<'_, Shell>,
    id: Option<String>,
) -> Result<u32, IpcError> {
    Ok(shell.core()?.ai_delete_ledger(id.as_deref()).await?)
}

/// A piece of a streamed answer (`ai_run_stream`), in arrival order.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct AiStreamDelta {
    /// The id the window gave the run.
    pub run_id: String,
    pub text: String,
}

/// Cancel handles of the running streamed requests, by run id.
static RUNS: LazyLock<Mutex<HashMap<String, AiCancel>>> = LazyLock::new(Default::default);

fn runs() -> std::sync::MutexGuard<'static, HashMap<String, AiCancel>> {
    RUNS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs an action with the answer streamed: each piece arrives as an `AiStreamDelta` event with
/// `run_id`; `ai_cancel(run_id)` stops it. Returns the final answer (after the platform check).
#[tauri::command]
#[specta::specta]
pub async fn ai_run_stream(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    ask: AiAsk,
    run_id: String,
) -> Result<AiAnswer, IpcError> {
    let core = shell.core()?;
    let cancel = AiCancel::new();
    runs().insert(run_id.clone(), cancel.clone());
    let mut send = |piece: &str| {
        let delta = AiStreamDelta {
            run_id: run_id.clone(),
            text: piece.to_string(),
        };
        if let Err(e) = delta.emit(&app) {
            tracing::warn!(error = %e, "could not send an AI stream piece to the window");
        }
    };
    let answer = core.ai_run_streaming(&ask, &mut send, &cancel).await;
    runs().remove(&run_id);
    Ok(answer?)
}

/// Cancels a streamed run; `false` when it had already finished.
#[tauri::command]
#[specta::specta]
pub fn ai_cancel(run_id: String) -> bool {
    match runs().remove(&run_id) {
        Some(c) => {
            c.cancel();
            true
        }
        None => false,
    }
}

/// Exactly what an image request would send; sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn ai_prepare_image(
    shell: State<'_, Shell>,
    ask: AiImageAsk,
) -> Result<AiPrepared, IpcError> {
    Ok(shell.core()?.ai_prepare_image(&ask).await?)
}

/// Generates an image into the media library (where the endpoint offers the images API).
#[tauri::command]
#[specta::specta]
pub async fn ai_generate_image(
    shell: State<'_, Shell>,
    ask: AiImageAsk,
) -> Result<AiImageAnswer, IpcError> {
    Ok(shell.core()?.ai_generate_image(&ask).await?)
}
