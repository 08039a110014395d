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
