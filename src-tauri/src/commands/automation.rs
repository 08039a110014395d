//! Feeds and evergreen recycling. Each command only translates between IPC and
//! `outpost_app::automation`.

use outpost_app::automation::{
    EvergreenInput, EvergreenView, FeedItemView, FeedPollReport, FeedPreview, FeedView, NewFeed,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use tauri_specta::Event;

use crate::ipc::IpcError;
use crate::shell::Shell;

/// Feeds were read in the background (the scheduler's host) or by a command: reload them.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
pub struct FeedsChanged {
    pub feed_ids: Vec<String>,
}

/// Forwards automation's events: feed polls as `FeedsChanged`, posts it made as `PostsChanged`
/// (so the calendar refreshes when a feed item or an evergreen repeat becomes a post).
pub fn forward_events(app: &tauri::AppHandle, core: &outpost_app::Outpost) {
    use outpost_app::automation::AutomationEvent;
    let mut rx = core.automation_events();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let sent = match rx.recv().await {
                Ok(AutomationEvent::FeedsPolled { feed_ids }) => {
                    FeedsChanged { feed_ids }.emit(&app)
                }
                Ok(AutomationEvent::PostsCreated { post_ids }) => {
                    crate::commands::posts::PostsChanged {
                        post_ids,
                        reason: "created".into(),
                    }
                    .emit(&app)
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            if let Err(err) = sent {
                tracing::warn!(error = %err, "automation event not delivered");
            }
        }
    });
}

/// Every feed, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn feeds(shell: State<'_, Shell>) -> Result<Vec<FeedView>, IpcError> {
    Ok(shell.core()?.list_feeds().await?)
}

/// Follows a feed.
#[tauri::command]
#[specta::specta]
pub async fn add_feed(shell: State<'_, Shell>, feed: NewFeed) -> Result<FeedView, IpcError> {
    Ok(shell.core()?.add_feed(feed).await?)
}

/// Changes a feed's settings (items it has seen stay seen).
#[tauri::command]
#[specta::specta]
pub async fn update_feed(
    shell: State<'_, Shell>,
    feed_id: String,
    feed: NewFeed,
) -> Result<FeedView, IpcError> {
    Ok(shell.core()?.update_feed(&feed_id, feed).await?)
}

/// Pauses or resumes a feed.
#[tauri::command]
#[specta::specta]
pub async fn set_feed_paused(
    shell: State<'_, Shell>,
    feed_id: String,
    paused: bool,
) -> Result<FeedView, IpcError> {
    Ok(shell.core()?.set_feed_paused(&feed_id, paused).await?)
}

/// Stops following a feed (its posts stay).
#[tauri::command]
#[specta::specta]
pub async fn remove_feed(shell: State<'_, Shell>, feed_id: String) -> Result<(), IpcError> {
    Ok(shell.core()?.remove_feed(&feed_id).await?)
}

/// Reads one feed (or every feed that is not paused) now.
#[tauri::command]
#[specta::specta]
pub async fn poll_feeds(
    shell: State<'_, Shell>,
    feed_id: Option<String>,
) -> Result<FeedPollReport, IpcError> {
    Ok(shell.core()?.poll_feeds(feed_id.as_deref()).await?)
}

/// What a feed's items became, newest first.
#[tauri::command]
#[specta::specta]
pub async fn feed_items(
    shell: State<'_, Shell>,
    feed_id: String,
) -> Result<Vec<FeedItemView>, IpcError> {
    Ok(shell.core()?.feed_items(&feed_id, 200).await?)
}

/// Reads a feed and shows what its next items would become, changing nothing.
#[tauri::command]
#[specta::specta]
pub async fn preview_feed(
    shell: State<'_, Shell>,
    url: String,
    template: Option<String>,
    include_keywords: Vec<String>,
    exclude_keywords: Vec<String>,
    feed_id: Option<String>,
) -> Result<FeedPreview, IpcError> {
    Ok(shell
        .core()?
        .preview_feed(
            &url,
            template.as_deref(),
            &include_keywords,
            &exclude_keywords,
            feed_id.as_deref(),
        )
        .await?)
}

/// A post's evergreen rule and repeats (`null` when it is not evergreen).
#[tauri::command]
#[specta::specta]
pub async fn post_evergreen(
    shell: State<'_, Shell>,
    post_id: String,
) -> Result<Option<EvergreenView>, IpcError> {
    Ok(shell.core()?.evergreen(&post_id).await?)
}

/// Marks a post evergreen (or changes its rule).
#[tauri::command]
#[specta::specta]
pub async fn set_post_evergreen(
    shell: State<'_, Shell>,
    post_id: String,
    rule: EvergreenInput,
) -> Result<EvergreenView, IpcError> {
    Ok(shell.core()?.set_evergreen(&post_id, &rule).await?)
}

/// Stops recycling a post.
#[tauri::command]
#[specta::specta]
pub async fn clear_post_evergreen(
    shell: State<'_, Shell>,
    post_id: String,
) -> Result<bool, IpcError> {
    Ok(shell.core()?.clear_evergreen(&post_id).await?)
}
