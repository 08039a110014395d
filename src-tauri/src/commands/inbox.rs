//! The smart inbox. Each command only translates between IPC and `outpost_app::inbox`.

use outpost_app::inbox::{
    ChannelSync, InboxCounts, InboxFilter, InboxItem, InboxItemDetail, InboxMark, InboxReplyView,
    ReplyQuota, SentimentLabel, XReadCap, XReadEstimate, XReadUsage,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tauri_specta::Event;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// Inbox items arrived, changed or went away (a background sync or a command): reload.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct InboxChanged {}

/// Forwards the inbox's events as `InboxChanged`.
pub fn forward_events(app: &tauri::AppHandle, core: &outpost_app::Outpost) {
    let mut rx = core.inbox_events();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(event) => {
                    if let outpost_app::inbox::InboxEvent::Arrived { title, body } = event {
                        use tauri::Manager;
                        if let Some(d) = app.try_state::<crate::desktop::Desktop>() {
                            d.notify_inbox(&app, title, body);
                        }
                    }
                    let sent = (InboxChanged {}).emit(&app);
                    if let Err(err) = sent {
                        tracing::warn!(error = %err, "inbox event not delivered");
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Items matching a filter, newest first.
#[tauri::command]
#[specta::specta]
pub async fn inbox_items(
    shell: State<'_, Shell>,
    filter: InboxFilter,
) -> Result<Vec<InboxItem>, IpcError> {
    Ok(shell.core()?.inbox_list(&filter).await?)
}

/// One item with its conversation, sentiment reasons and replies.
#[tauri::command]
#[specta::specta]
pub async fn inbox_item(shell: State<'_, Shell>, id: String) -> Result<InboxItemDetail, IpcError> {
    Ok(shell.core()?.inbox_item(&id).await?)
}

/// Unread counts (total and per channel).
#[tauri::command]
#[specta::specta]
pub async fn inbox_counts(shell: State<'_, Shell>) -> Result<InboxCounts, IpcError> {
    Ok(shell.core()?.inbox_counts().await?)
}

/// "Sync now": one channel or every channel.
#[tauri::command]
#[specta::specta]
pub async fn inbox_sync(
    shell: State<'_, Shell>,
    channel_id: Option<String>,
) -> Result<Vec<ChannelSync>, IpcError> {
    Ok(shell.core()?.inbox_sync(channel_id.as_deref()).await?)
}

/// X: the reads a sync of the channel is expected to make and their cost (X's pay-per-use
/// prices), shown before "Sync now"; nothing is read.
#[tauri::command]
#[specta::specta]
pub async fn inbox_estimate(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<XReadEstimate, IpcError> {
    Ok(shell.core()?.inbox_estimate(&channel_id).await?)
}

/// X: the caps on reads per sync and per month.
#[tauri::command]
#[specta::specta]
pub async fn x_read_cap(shell: State<'_, Shell>) -> Result<XReadCap, IpcError> {
    Ok(shell.core()?.x_read_cap().await?)
}

/// X: the caps with this month's reads so far and their cost (Settings → Inbox).
#[tauri::command]
#[specta::specta]
pub async fn x_read_usage(shell: State<'_, Shell>) -> Result<XReadUsage, IpcError> {
    Ok(shell.core()?.x_read_usage().await?)
}

/// The channel's daily reply quota where its platform has one (Threads), `None` elsewhere.
#[tauri::command]
#[specta::specta]
pub async fn inbox_reply_quota(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<Option<ReplyQuota>, IpcError> {
    Ok(shell.core()?.inbox_reply_quota(&channel_id).await?)
}

/// X: sets the caps on reads per sync and per month (each at least 100, or none).
#[tauri::command]
#[specta::specta]
pub async fn set_x_read_cap(shell: State<'_, Shell>, cap: XReadCap) -> Result<XReadCap, IpcError> {
    Ok(shell.core()?.set_x_read_cap(cap).await?)
}

/// Channels whose inbox Outpost does not read, with why (TikTok and Pinterest: their APIs give
/// apps no comments or messages), without asking any platform.
#[tauri::command]
#[specta::specta]
pub async fn inbox_gaps(shell: State<'_, Shell>) -> Result<Vec<ChannelSync>, IpcError> {
    Ok(shell.core()?.inbox_gaps().await?)
}

/// Marks items read, unread or done (all of them, or none when one is unknown).
#[tauri::command]
#[specta::specta]
pub async fn inbox_mark(
    shell: State<'_, Shell>,
    ids: Vec<String>,
    mark: InboxMark,
) -> Result<(), IpcError> {
    Ok(shell.core()?.inbox_mark(&ids, mark).await?)
}

/// The user's sentiment label for an item, also applied to similar items; returns how many of
/// those took it.
#[tauri::command]
#[specta::specta]
pub async fn inbox_set_sentiment(
    shell: State<'_, Shell>,
    id: String,
    label: SentimentLabel,
) -> Result<u32, IpcError> {
    let n = shell.core()?.inbox_set_sentiment(&id, label).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Deletes items from Outpost (not from the platform; all of them, or none when one is unknown).
#[tauri::command]
#[specta::specta]
pub async fn inbox_delete(shell: State<'_, Shell>, ids: Vec<String>) -> Result<(), IpcError> {
    Ok(shell.core()?.inbox_delete(&ids).await?)
}

/// Answers an item on its platform, exactly once.
#[tauri::command]
#[specta::specta]
pub async fn inbox_reply(
    shell: State<'_, Shell>,
    id: String,
    text: String,
) -> Result<InboxReplyView, IpcError> {
    Ok(shell.core()?.inbox_reply(&id, &text).await?)
}

/// Answers an Instagram comment privately (a direct message to its author), exactly once.
#[tauri::command]
#[specta::specta]
pub async fn inbox_reply_private(
    shell: State<'_, Shell>,
    id: String,
    text: String,
) -> Result<InboxReplyView, IpcError> {
    Ok(shell.core()?.inbox_reply_private(&id, &text).await?)
}
