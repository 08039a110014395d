//! Client approvals: send a post for approval (a sealed preview file), the list of previews with
//! revoke, applying a decision code (pasted, or from an `approval` deep link), and the post's
//! "needs approval" setting. Only translation between IPC and `outpost_app::approvals`.

use std::time::Duration;

use outpost_app::Secret;
use outpost_app::approvals::{AppliedDecision, CreatedPreview, PostApproval, PreviewView};
use tauri::{AppHandle, State};

use crate::commands::posts::notify_changed;
use crate::dialogs::{self, FileDialog};
use crate::ipc::IpcError;
use crate::shell::Shell;

/// Asks where to save, then writes the sealed preview of a post there. `None` when cancelled.
/// The password is only used to seal the file (the app keeps an Argon2id hash of it).
#[tauri::command]
#[specta::specta]
pub async fn create_approval_preview(
    app: AppHandle,
    shell: State<'_, Shell>,
    post_id: String,
    password: String,
    expires_in_minutes: Option<u32>,
) -> Result<Option<CreatedPreview>, IpcError> {
    let core = shell.core()?;
    let password = Secret::new(password);
    let name = format!(
        "post-preview-{}.html",
        chrono::Local::now().format("%Y-%m-%d-%H%M")
    );
    let Some(path) = dialogs::pick(
        &app,
        FileDialog::SavePreview {
            suggested_name: name,
        },
    )
    .await?
    else {
        return Ok(None);
    };
    let ttl = expires_in_minutes.map(|m| Duration::from_secs(u64::from(m) * 60));
    let created = core
        .create_approval_preview(&post_id, &password, ttl, &path)
        .await?;
    notify_changed(&app, &post_id, "approval");
    Ok(Some(created))
}

/// Every preview, newest first, with its state.
#[tauri::command]
#[specta::specta]
pub async fn approval_previews(shell: State<'_, Shell>) -> Result<Vec<PreviewView>, IpcError> {
    Ok(shell.core()?.approval_previews().await?)
}

/// Revokes a waiting preview.
#[tauri::command]
#[specta::specta]
pub async fn revoke_approval_preview(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<PreviewView, IpcError> {
    let p = shell.core()?.revoke_approval_preview(&id).await?;
    notify_changed(&app, &p.post_id, "approval");
    Ok(p)
}

/// Applies a client's decision code; with `post_id`, only a code for that post is accepted.
#[tauri::command]
#[specta::specta]
pub async fn apply_approval_code(
    app: AppHandle,
    shell: State<'_, Shell>,
    code: String,
    post_id: Option<String>,
) -> Result<AppliedDecision, IpcError> {
    let d = shell
        .core()?
        .apply_approval_code(&code, post_id.as_deref())
        .await?;
    notify_changed(&app, &d.post_id, "approval");
    Ok(d)
}

/// A post's approval (card, composer).
#[tauri::command]
#[specta::specta]
pub async fn post_approval(
    shell: State<'_, Shell>,
    post_id: String,
) -> Result<PostApproval, IpcError> {
    Ok(shell.core()?.post_approval(&post_id).await?)
}

/// Sets whether a post needs approval (`None`: follow its channels).
#[tauri::command]
#[specta::specta]
pub async fn set_post_needs_approval(
    app: AppHandle,
    shell: State<'_, Shell>,
    post_id: String,
    needs: Option<bool>,
) -> Result<PostApproval, IpcError> {
    let a = shell
        .core()?
        .set_post_needs_approval(&post_id, needs)
        .await?;
    notify_changed(&app, &post_id, "approval");
    Ok(a)
}

/// Sets a channel's default: whether its posts need approval.
#[tauri::command]
#[specta::specta]
pub async fn set_channel_requires_approval(
    shell: State<'_, Shell>,
    channel_id: String,
    requires: bool,
) -> Result<(), IpcError> {
    Ok(shell
        .core()?
        .set_channel_requires_approval(&channel_id, requires)
        .await?)
}

/// Channels whose posts need approval by default (ids).
#[tauri::command]
#[specta::specta]
pub async fn channels_requiring_approval(shell: State<'_, Shell>) -> Result<Vec<String>, IpcError> {
    Ok(shell.core()?.channels_requiring_approval().await?)
}
