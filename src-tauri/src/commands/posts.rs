//! The composer and the calendar: translation between IPC and the posts service. Every change is
//! followed by a `PostsChanged` event, and the scheduler's job changes are forwarded as one too,
//! so the calendar refreshes from events instead of polling.

use outpost_app::posts::{
    CalendarPage, CalendarQuery, ChannelPreview, ComposeInput, ComposerDraft, ComposerPost,
    DeletedPost, MediaItem, PostDetail,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tauri_specta::Event;

use crate::dialogs;
use crate::ipc::IpcError;
use crate::shell::Shell;

/// Posts changed (created, edited, moved, deleted, restored, or a channel's publishing moved on).
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct PostsChanged {
    pub post_ids: Vec<String>,
    /// `created`, `updated`, `moved`, `deleted`, `restored`, `job`, `approval`, or `external`
    /// (changed in the data directory, possibly by another process; `post_ids` is empty).
    pub reason: String,
}

fn changed(app: &tauri::AppHandle, id: &str, reason: &str) {
    notify_changed(app, id, reason);
}

/// Emits `PostsChanged` for one post.
pub(crate) fn notify_changed(app: &tauri::AppHandle, id: &str, reason: &str) {
    let e = PostsChanged {
        post_ids: vec![id.to_string()],
        reason: reason.to_string(),
    };
    if let Err(err) = e.emit(app) {
        tracing::warn!(error = %err, "PostsChanged not delivered");
    }
}

/// Forwards the scheduler's job changes as `PostsChanged`.
pub fn forward_events(app: &tauri::AppHandle, core: &outpost_app::Outpost) {
    let mut rx = core.scheduler_events();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(outpost_app::scheduler::SchedulerEvent::Job { post_id, .. }) => {
                    changed(&app, &post_id, "job");
                }
                // Posts changed in the data directory, possibly by another process.
                Ok(outpost_app::scheduler::SchedulerEvent::PostsChanged) => {
                    let e = PostsChanged {
                        post_ids: Vec::new(),
                        reason: "external".into(),
                    };
                    if let Err(err) = e.emit(&app) {
                        tracing::warn!(error = %err, "PostsChanged not delivered");
                    }
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Creates a post (scheduled, due now, or a draft).
#[tauri::command]
#[specta::specta]
pub async fn create_post(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    input: ComposeInput,
) -> Result<PostDetail, IpcError> {
    let d = shell.core()?.compose_create(input).await?;
    changed(&app, &d.post.id, "created");
    Ok(d)
}

/// Replaces a post that has not gone out.
#[tauri::command]
#[specta::specta]
pub async fn update_post(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    id: String,
    input: ComposeInput,
) -> Result<PostDetail, IpcError> {
    let d = shell.core()?.update_post(&id, input).await?;
    changed(&app, &id, "updated");
    Ok(d)
}

/// A post as the composer opens it.
#[tauri::command]
#[specta::specta]
pub async fn composer_post(shell: State<'_, Shell>, id: String) -> Result<ComposerPost, IpcError> {
    Ok(shell.core()?.composer_post(&id).await?)
}

/// Deletes a post; `restore_post` with the token undoes it for a while.
#[tauri::command]
#[specta::specta]
pub async fn delete_post(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<DeletedPost, IpcError> {
    let d = shell.core()?.delete_post_with_undo(&id).await?;
    changed(&app, &id, "deleted");
    Ok(d)
}

/// Undoes a delete.
#[tauri::command]
#[specta::specta]
pub async fn restore_post(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    undo_token: String,
) -> Result<PostDetail, IpcError> {
    let d = shell.core()?.restore_post(&undo_token).await?;
    changed(&app, &d.post.id, "restored");
    Ok(d)
}

/// Moves a post to a time (`at`: RFC 3339 or local in `time_zone`).
#[tauri::command]
#[specta::specta]
pub async fn reschedule_post(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    id: String,
    at: String,
    time_zone: Option<String>,
) -> Result<PostDetail, IpcError> {
    let d = shell
        .core()?
        .reschedule_post(&id, &at, time_zone.as_deref())
        .await?;
    changed(&app, &id, "moved");
    Ok(d)
}

/// Moves a post to another day, keeping its time of day (calendar drag).
#[tauri::command]
#[specta::specta]
pub async fn move_post_to_date(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    id: String,
    date: String,
) -> Result<PostDetail, IpcError> {
    let d = shell.core()?.move_post_to_date(&id, &date).await?;
    changed(&app, &id, "moved");
    Ok(d)
}

/// Posts in a calendar range.
#[tauri::command]
#[specta::specta]
pub async fn calendar_posts(
    shell: State<'_, Shell>,
    query: CalendarQuery,
) -> Result<CalendarPage, IpcError> {
    Ok(shell.core()?.calendar_posts(&query).await?)
}

/// Live per-channel counts, limits and rule violations.
#[tauri::command]
#[specta::specta]
pub async fn preview_post(
    shell: State<'_, Shell>,
    input: ComposeInput,
) -> Result<Vec<ChannelPreview>, IpcError> {
    Ok(shell.core()?.preview_post(&input).await?)
}

/// Adds a file the user dropped on the window, by the token the shell sent with
/// [`MediaDropped`] (the window never names a path).
#[tauri::command]
#[specta::specta]
pub async fn import_picked_media(
    shell: State<'_, Shell>,
    token: String,
) -> Result<MediaItem, IpcError> {
    Ok(shell.core()?.import_picked_media(&token).await?)
}

/// Files the user dropped on the window: a token and a name for each (never a path).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, specta::Type, tauri_specta::Event)]
pub struct MediaDropped {
    pub files: Vec<outpost_app::posts::PickedFile>,
}

/// Turns a drop on the window into tokens for the window to import.
pub fn on_drop(window: &tauri::Window, paths: &[std::path::PathBuf]) {
    use tauri::Manager;
    use tauri_specta::Event;
    let Some(shell) = window.app_handle().try_state::<Shell>() else {
        return;
    };
    let Ok(core) = shell.core() else { return };
    let files = paths
        .iter()
        .map(|p| core.grant_picked_file(p.clone()))
        .collect();
    if let Err(e) = (MediaDropped { files }).emit(window.app_handle()) {
        tracing::warn!(error = %e, "dropped files could not be handed to the window");
    }
}

/// Adds pasted bytes.
#[tauri::command]
#[specta::specta]
pub async fn import_media_bytes(
    shell: State<'_, Shell>,
    name: String,
    bytes: Vec<u8>,
) -> Result<MediaItem, IpcError> {
    Ok(shell.core()?.import_media_bytes(&name, bytes).await?)
}

/// Lets the user choose files, then adds them; an empty list when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn pick_media(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
) -> Result<Vec<MediaItem>, IpcError> {
    let core = shell.core()?;
    let mut out = Vec::new();
    for path in dialogs::pick_media(&app).await? {
        out.push(core.import_media_path(&path).await?);
    }
    Ok(out)
}

/// A library item with its thumbnail.
#[tauri::command]
#[specta::specta]
pub async fn media_item(shell: State<'_, Shell>, id: String) -> Result<MediaItem, IpcError> {
    Ok(shell.core()?.media_item(&id).await?)
}

/// A library item's thumbnail as a data URL (`null` for videos).
#[tauri::command]
#[specta::specta]
pub async fn media_thumbnail(
    shell: State<'_, Shell>,
    id: String,
) -> Result<Option<String>, IpcError> {
    Ok(shell.core()?.media_thumbnail(&id).await?)
}

/// Keeps the composer as typed.
#[tauri::command]
#[specta::specta]
pub async fn composer_autosave(
    shell: State<'_, Shell>,
    draft: ComposerDraft,
) -> Result<(), IpcError> {
    Ok(shell.core()?.composer_autosave(&draft).await?)
}

/// The composer as last typed, if not sent.
#[tauri::command]
#[specta::specta]
pub async fn composer_autosaved(
    shell: State<'_, Shell>,
) -> Result<Option<ComposerDraft>, IpcError> {
    Ok(shell.core()?.composer_autosaved().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn composer_discard_autosave(shell: State<'_, Shell>) -> Result<(), IpcError> {
    Ok(shell.core()?.composer_discard_autosave().await?)
}

/// The creator's time zone (Settings; the computer's until set).
#[tauri::command]
#[specta::specta]
pub async fn creator_time_zone(shell: State<'_, Shell>) -> Result<String, IpcError> {
    Ok(shell.core()?.time_zone().await?)
}

/// Cancels every job of a post not yet out.
#[tauri::command]
#[specta::specta]
pub async fn cancel_post(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<PostDetail, IpcError> {
    let d = shell.core()?.cancel_post(&id).await?;
    changed(&app, &id, "updated");
    Ok(d)
}

/// Decides a held, failed or unconfirmed job: publish again, mark published (with its URL), cancel.
#[tauri::command]
#[specta::specta]
pub async fn resolve_job(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    job_id: String,
    action: outpost_app::posts::JobAction,
) -> Result<PostDetail, IpcError> {
    let d = shell.core()?.resolve_job(&job_id, action).await?;
    changed(&app, &d.post.id, "job");
    Ok(d)
}

/// `limit` "Needs attention" items after `offset`, with how many there are in all (the panel).
#[tauri::command]
#[specta::specta]
pub async fn needs_attention_page(
    shell: State<'_, Shell>,
    offset: u32,
    limit: u32,
) -> Result<outpost_app::posts::AttentionPage, IpcError> {
    Ok(shell.core()?.needs_attention_page(offset, limit).await?)
}

/// A Pinterest channel's boards (the composer's board picker).
#[tauri::command]
#[specta::specta]
pub async fn pinterest_boards(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<Vec<outpost_app::posts::BoardView>, IpcError> {
    Ok(shell.core()?.pinterest_boards(&channel_id).await?)
}

/// What TikTok says about the creator now (privacy levels offered, switches turned off).
#[tauri::command]
#[specta::specta]
pub async fn tiktok_creator_info(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<outpost_app::posts::TiktokCreatorView, IpcError> {
    Ok(shell.core()?.tiktok_creator_info(&channel_id).await?)
}
