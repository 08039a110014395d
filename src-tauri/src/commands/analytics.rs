//! Analytics: the overview of a period, a post's history, best times, "sync now". Each command
//! only translates between IPC and `outpost_app::analytics`.

use outpost_app::analytics::{
    AnalyticsOverview, AnalyticsPostsPage, AnalyticsPostsQuery, AnalyticsSync, BestTimes,
    MetricPoint, PostNumbers, ReportSummary, TargetNumbers,
};
use outpost_app::slots::PostingSlotView;
use tauri::{AppHandle, State};

use crate::dialogs::{self, FileDialog};
use crate::ipc::IpcError;
use crate::shell::Shell;

/// The last `days` days (7, 30, 90 or any 1–3660) compared with the period before, on one
/// channel or all.
#[tauri::command]
#[specta::specta]
pub async fn analytics_overview(
    shell: State<'_, Shell>,
    days: u32,
    channel_id: Option<String>,
) -> Result<AnalyticsOverview, IpcError> {
    Ok(shell
        .core()?
        .analytics_overview(days, channel_id.as_deref())
        .await?)
}

/// A custom period, `from`..`to` (`YYYY-MM-DD`, both days included), compared with the period of
/// the same length before it, on one channel or all.
#[tauri::command]
#[specta::specta]
pub async fn analytics_overview_range(
    shell: State<'_, Shell>,
    from: String,
    to: String,
    channel_id: Option<String>,
) -> Result<AnalyticsOverview, IpcError> {
    Ok(shell
        .core()?
        .analytics_overview_range(&from, &to, channel_id.as_deref())
        .await?)
}

/// One page of the sortable posts table (the period's posts with their latest numbers) and the
/// count of all of them.
#[tauri::command]
#[specta::specta]
pub async fn analytics_posts_page(
    shell: State<'_, Shell>,
    query: AnalyticsPostsQuery,
) -> Result<AnalyticsPostsPage, IpcError> {
    Ok(shell.core()?.analytics_posts_page(&query).await?)
}

/// The latest numbers of these posts (the calendar's cards), in one call.
#[tauri::command]
#[specta::specta]
pub async fn analytics_post_numbers(
    shell: State<'_, Shell>,
    post_ids: Vec<String>,
) -> Result<Vec<PostNumbers>, IpcError> {
    Ok(shell.core()?.analytics_post_numbers(&post_ids).await?)
}

/// One post's latest numbers on each channel it went out on (the composer's panel).
#[tauri::command]
#[specta::specta]
pub async fn analytics_post_latest(
    shell: State<'_, Shell>,
    post_id: String,
) -> Result<Vec<TargetNumbers>, IpcError> {
    Ok(shell.core()?.post_latest_numbers(&post_id).await?)
}

/// "Sync now" on one post: reads its numbers on each of its channels now.
#[tauri::command]
#[specta::specta]
pub async fn analytics_sync_post(
    shell: State<'_, Shell>,
    post_id: String,
) -> Result<Vec<AnalyticsSync>, IpcError> {
    Ok(shell.core()?.analytics_sync_post(&post_id).await?)
}

/// Every snapshot of one post's metrics, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn analytics_history(
    shell: State<'_, Shell>,
    post_id: String,
) -> Result<Vec<MetricPoint>, IpcError> {
    Ok(shell.core()?.analytics_history(&post_id).await?)
}

/// Ranked weekly slots of one channel, from its own history.
#[tauri::command]
#[specta::specta]
pub async fn analytics_best_times(
    shell: State<'_, Shell>,
    channel_id: String,
) -> Result<BestTimes, IpcError> {
    Ok(shell.core()?.analytics_best_times(&channel_id).await?)
}

/// "Use as posting slots": the channel's weekly slots become its `count` best suggestions.
#[tauri::command]
#[specta::specta]
pub async fn analytics_apply_best_times(
    shell: State<'_, Shell>,
    channel_id: String,
    count: u32,
) -> Result<Vec<PostingSlotView>, IpcError> {
    Ok(shell
        .core()?
        .analytics_apply_best_times(&channel_id, count)
        .await?)
}

/// "Sync now": reads metrics on every channel (or one) now.
#[tauri::command]
#[specta::specta]
pub async fn analytics_sync(
    shell: State<'_, Shell>,
    channel_id: Option<String>,
) -> Result<Vec<AnalyticsSync>, IpcError> {
    Ok(shell.core()?.analytics_sync(channel_id.as_deref()).await?)
}

/// "Download PDF report": asks where to save, then writes the report of `from`..`to`
/// (`YYYY-MM-DD`, both included) on the given channels (all when empty). `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn analytics_report(
    app: AppHandle,
    shell: State<'_, Shell>,
    from: String,
    to: String,
    channel_ids: Vec<String>,
) -> Result<Option<ReportSummary>, IpcError> {
    let core = shell.core()?;
    let Some(path) = dialogs::pick(
        &app,
        FileDialog::SavePdf {
            suggested_name: format!("outpost-report-{from}-to-{to}.pdf"),
        },
    )
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(
        core.analytics_report(&path, Some(&from), Some(&to), &channel_ids)
            .await?,
    ))
}
