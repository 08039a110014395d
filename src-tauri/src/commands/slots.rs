//! Channels → Queue: weekly posting slots, the next free slot and "add to queue". Each command only
//! translates between IPC and `outpost_app::slots`.

use outpost_app::posts::{NewPost, PostDetail};
use outpost_app::slots::{FreeSlot, PostingSlotView, WeeklySlot};
use tauri::State;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// A channel's weekly posting slots, Monday first.
#[tauri::command]
#[specta::specta]
pub async fn posting_slots(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<Vec<PostingSlotView>, IpcError> {
    Ok(shell.core()?.posting_slots(&channel_id).await?)
}

/// Adds a weekly slot (in the creator's time zone).
#[tauri::command]
#[specta::specta]
pub async fn add_posting_slot(
    shell: State<'_, Shell>,
    channel_id: String,
    slot: WeeklySlot,
) -> Result<PostingSlotView, IpcError> {
    Ok(shell.core()?.add_posting_slot(&channel_id, &slot).await?)
}

/// Replaces every slot of a channel at once.
#[tauri::command]
#[specta::specta]
pub async fn set_posting_slots(
    shell: State<'_, Shell>,
    channel_id: String,
    slots: Vec<WeeklySlot>,
) -> Result<Vec<PostingSlotView>, IpcError> {
    Ok(shell.core()?.set_posting_slots(&channel_id, &slots).await?)
}

/// Removes one slot.
#[tauri::command]
#[specta::specta]
pub async fn remove_posting_slot(shell: State<'_, Shell>, slot_id: String) -> Result<(), IpcError> {
    Ok(shell.core()?.remove_posting_slot(&slot_id).await?)
}

/// The earliest slot of these channels after `after` (unix ms; default now) that none of them uses.
#[tauri::command]
#[specta::specta]
pub async fn next_free_slot(
    shell: State<'_, Shell>,
    channel_ids: Vec<String>,
    after: Option<f64>,
) -> Result<FreeSlot, IpcError> {
    // Unix ms from JavaScript: a whole number far inside i64.
    #[allow(clippy::cast_possible_truncation)]
    let after = after.map(|a| a as i64);
    Ok(shell.core()?.next_free_slot(&channel_ids, after).await?)
}

/// Creates the post at the next free slot of its channels (every rule of creating a post applies).
#[tauri::command]
#[specta::specta]
pub async fn add_to_queue(shell: State<'_, Shell>, post: NewPost) -> Result<PostDetail, IpcError> {
    Ok(shell.core()?.add_to_queue(post).await?)
}
