//! Metric snapshots per channel or per post target (history kept without limit).

use sqlx::SqliteExecutor;

use crate::{JsonValue, Result};

table! {
    /// One metric value captured at one instant. `post_target_id` is `None` for channel-level metrics.
    pub struct AnalyticsSnapshot in "analytics_snapshots" as "analytics snapshot" order by "captured_at, id" {
        pub id: String,
        pub channel_id: String,
        pub post_target_id: Option<String>,
        /// e.g. `views`, `likes`, `comments`, `shares`, `reach`, `engagement`, `followers`.
        pub metric: String,
        pub value: f64,
        /// Demographic breakdown where the platform offers it.
        pub demographics: Option<JsonValue>,
        pub captured_at: i64,
    }
}

/// History of one metric of one post target, oldest first.
pub async fn series_for_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
    metric: &str,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE post_target_id = ?1 AND metric = ?2 ORDER BY captured_at, id",
        select_sql()
    ))
    .bind(post_target_id)
    .bind(metric)
    .fetch_all(ex)
    .await?)
}

/// History of one channel-level metric in `[since, until)`, oldest first.
pub async fn series_for_channel<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    metric: &str,
    since: i64,
    until: i64,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE channel_id = ?1 AND metric = ?2 AND post_target_id IS NULL AND captured_at >= ?3 AND captured_at < ?4
         ORDER BY captured_at, id",
        select_sql()
    ))
    .bind(channel_id)
    .bind(metric)
    .bind(since)
    .bind(until)
    .fetch_all(ex)
    .await?)
}

/// The latest value of every metric of one post target.
pub async fn latest_for_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{sel} WHERE post_target_id = ?1 AND captured_at = (
             SELECT MAX(s2.captured_at) FROM analytics_snapshots s2
             WHERE s2.post_target_id = analytics_snapshots.post_target_id AND s2.metric = analytics_snapshots.metric)
         ORDER BY metric, id",
        sel = select_sql()
    ))
    .bind(post_target_id)
    .fetch_all(ex)
    .await?)
}

/// Every snapshot of every target of one post (all metrics), oldest first.
pub async fn history_for_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE post_target_id IN (SELECT id FROM post_targets WHERE post_id = ?1)
         ORDER BY captured_at, post_target_id, metric, id",
        select_sql()
    ))
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// A published post target whose metrics are due (never read, or `next_sync_at` passed, and not
/// marked deleted on the platform).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueTarget {
    pub post_target_id: String,
    pub platform_post_id: String,
    pub platform_url: Option<String>,
    /// Unix ms.
    pub published_at: i64,
}

/// At most `limit` due targets of one channel, the longest-waiting first.
pub async fn due_targets<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<DueTarget>> {
    Ok(sqlx::query_as::<_, DueTarget>(
        "SELECT t.id AS post_target_id, j.platform_post_id, j.platform_url,
                COALESCE(j.published_at, j.due_at) AS published_at
           FROM post_targets t
           JOIN publish_jobs j ON j.post_target_id = t.id
           LEFT JOIN analytics_targets a ON a.post_target_id = t.id
          WHERE t.channel_id = ?1 AND j.state = 'published' AND j.platform_post_id IS NOT NULL
            AND a.deleted_at IS NULL AND COALESCE(a.next_sync_at, 0) <= ?2
          ORDER BY COALESCE(a.next_sync_at, 0), t.id
          LIMIT ?3",
    )
    .bind(channel_id)
    .bind(now)
    .bind(limit)
    .fetch_all(ex)
    .await?)
}

/// Records one read of a target: when it was read, when it is due next, whether the platform
/// said it was deleted (kept once set) and the error of a failed read (`None` clears it).
pub async fn record_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
    channel_id: &str,
    synced_at: Option<i64>,
    next_sync_at: i64,
    deleted_at: Option<i64>,
    last_error: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_targets (post_target_id, channel_id, next_sync_at, last_synced_at, deleted_at, last_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (post_target_id) DO UPDATE SET
             next_sync_at = excluded.next_sync_at,
             last_synced_at = COALESCE(excluded.last_synced_at, analytics_targets.last_synced_at),
             deleted_at = COALESCE(analytics_targets.deleted_at, excluded.deleted_at),
             last_error = excluded.last_error",
    )
    .bind(post_target_id)
    .bind(channel_id)
    .bind(next_sync_at)
    .bind(synced_at)
    .bind(deleted_at)
    .bind(last_error)
    .execute(ex)
    .await?;
    Ok(())
}

/// One channel's last analytics sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ChannelState {
    pub channel_id: String,
    pub state: String,
    pub message: Option<String>,
    pub last_synced_at: Option<i64>,
    pub updated_at: i64,
}

/// Stores a channel's sync outcome; `last_synced_at` keeps its earlier value when `None`.
pub async fn set_channel_state<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    state: &str,
    message: Option<&str>,
    synced_at: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_channels (channel_id, state, message, last_synced_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, message = excluded.message,
             last_synced_at = COALESCE(excluded.last_synced_at, analytics_channels.last_synced_at),
             updated_at = excluded.updated_at",
    )
    .bind(channel_id)
    .bind(state)
    .bind(message)
    .bind(synced_at)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every channel's last analytics sync state.
pub async fn channel_states<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<ChannelState>> {
    Ok(sqlx::query_as::<_, ChannelState>(
        "SELECT channel_id, state, message, last_synced_at, updated_at FROM analytics_channels ORDER BY channel_id",
    )
    .fetch_all(ex)
    .await?)
}

/// A published post target with its place in time (the rows of the analytics posts table).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublishedTarget {
    pub post_target_id: String,
    pub post_id: String,
    pub channel_id: String,
    pub body: String,
    pub platform_url: Option<String>,
    /// Unix ms.
    pub published_at: i64,
    pub deleted_at: Option<i64>,
    pub last_synced_at: Option<i64>,
}

/// Published targets in `[from, to)` (unix ms), on one channel or all, newest first.
pub async fn published_targets<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<PublishedTarget>> {
    Ok(sqlx::query_as::<_, PublishedTarget>(
        "SELECT t.id AS post_target_id, t.post_id, t.channel_id, COALESCE(t.caption, p.body) AS body,
                j.platform_url, COALESCE(j.published_at, j.due_at) AS published_at,
                a.deleted_at, a.last_synced_at
           FROM post_targets t
           JOIN posts p ON p.id = t.post_id
           JOIN publish_jobs j ON j.post_target_id = t.id
           LEFT JOIN analytics_targets a ON a.post_target_id = t.id
          WHERE j.state = 'published' AND (?1 IS NULL OR t.channel_id = ?1)
            AND COALESCE(j.published_at, j.due_at) >= ?2 AND COALESCE(j.published_at, j.due_at) < ?3
          ORDER BY COALESCE(j.published_at, j.due_at) DESC, t.id",
    )
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}

/// The latest value of each metric of every post target published in `[from, to)`, as
/// `(post_target_id, metric, value)` (SQLite takes the bare columns from the row of the MAX).
pub async fn latest_values<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, f64)>> {
    let rows: Vec<(String, String, f64, i64)> = sqlx::query_as(
        "SELECT s.post_target_id, s.metric, s.value, MAX(s.captured_at)
           FROM analytics_snapshots s
           JOIN publish_jobs j ON j.post_target_id = s.post_target_id
          WHERE j.state = 'published' AND (?1 IS NULL OR s.channel_id = ?1)
            AND COALESCE(j.published_at, j.due_at) >= ?2 AND COALESCE(j.published_at, j.due_at) < ?3
          GROUP BY s.post_target_id, s.metric",
    )
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?;
    Ok(rows.into_iter().map(|(t, m, v, _)| (t, m, v)).collect())
}

/// Channel-level snapshots (followers, …) of one channel or all in `[from, to)`, oldest first.
pub async fn channel_snapshots<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE post_target_id IS NULL AND (?1 IS NULL OR channel_id = ?1)
            AND captured_at >= ?2 AND captured_at < ?3 ORDER BY captured_at, id",
        select_sql()
    ))
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}

/// One published target of one post with its read state (the composer's numbers, `posts show`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostTargetRead {
    pub post_target_id: String,
    pub channel_id: String,
    pub platform_url: Option<String>,
    /// Unix ms.
    pub published_at: i64,
    pub last_synced_at: Option<i64>,
    /// `None` before the first read (due at the host's next pass).
    pub next_sync_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub last_error: Option<String>,
}

/// The published targets of one post with their read state, in the order they were added.
pub async fn post_target_reads<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Vec<PostTargetRead>> {
    Ok(sqlx::query_as::<_, PostTargetRead>(
        "SELECT t.id AS post_target_id, t.channel_id, j.platform_url,
                COALESCE(j.published_at, j.due_at) AS published_at,
                a.last_synced_at, a.next_sync_at, a.deleted_at, a.last_error
           FROM post_targets t
           JOIN publish_jobs j ON j.post_target_id = t.id
           LEFT JOIN analytics_targets a ON a.post_target_id = t.id
          WHERE t.post_id = ?1 AND j.state = 'published'
          ORDER BY t.created_at, t.id",
    )
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// Makes every read target of one post due now ("sync now" on one post); a target never read
/// is due already. Returns how many were brought forward.
pub async fn make_post_due<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE analytics_targets SET next_sync_at = 0
          WHERE deleted_at IS NULL
            AND post_target_id IN (SELECT id FROM post_targets WHERE post_id = ?1)",
    )
    .bind(post_id)
    .execute(ex)
    .await?
    .rows_affected())
}
