//! Network activity log: every API call (when, platform, method, host, path, status, duration, bytes).
//! Never tokens, query strings or bodies: `record` strips anything after `?` or `#` from the path.
//! Kept at most 30 days: call [`purge_older_than`] at start and daily.

use sqlx::{QueryBuilder, Sqlite, SqliteExecutor};

use crate::Result;

/// Retention of the activity log in milliseconds (30 days).
pub const RETENTION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// One logged API call.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ActivityEntry {
    /// Integer row id (the log is append-only; the one table without UUIDs).
    pub id: i64,
    pub at: i64,
    /// Platform name (`x`, `mastodon`, ...) or another destination (`ai`, `media_host`, `updater`).
    pub platform: String,
    pub method: String,
    pub host: String,
    /// URL path only (no query, no fragment).
    pub path: String,
    /// HTTP status; `None` when no response arrived.
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub bytes: i64,
    /// Short error class when no response arrived (`timeout`, `dns`, `tls`, ...).
    pub error_kind: Option<String>,
}

/// A call to log (the id is assigned by the database).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct NewActivity {
    pub at: i64,
    pub platform: String,
    pub method: String,
    pub host: String,
    pub path: String,
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub bytes: i64,
    pub error_kind: Option<String>,
}

/// Class of HTTP status for filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusClass {
    /// 2xx.
    Success,
    /// 3xx.
    Redirect,
    /// 4xx.
    ClientError,
    /// 5xx.
    ServerError,
    /// No response (network error).
    NoResponse,
}

/// Filter for [`list`]; all optional.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActivityFilter {
    pub platform: Option<String>,
    /// Inclusive lower bound (unix ms).
    pub since: Option<i64>,
    /// Exclusive upper bound (unix ms).
    pub until: Option<i64>,
    pub status_class: Option<StatusClass>,
}

/// One page of the log, newest first, plus the total matching the filter.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// Keeps only the path of a URL path-and-query (drops `?query` and `#fragment`, which may carry tokens).
pub fn sanitize_path(path: &str) -> &str {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

/// Logs one API call; returns its id.
pub async fn record<'e, E: SqliteExecutor<'e>>(ex: E, entry: &NewActivity) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO activity_log (at, platform, method, host, path, status, duration_ms, bytes, error_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
    )
    .bind(entry.at)
    .bind(&entry.platform)
    .bind(&entry.method)
    .bind(&entry.host)
    .bind(sanitize_path(&entry.path))
    .bind(entry.status)
    .bind(entry.duration_ms.max(0))
    .bind(entry.bytes.max(0))
    .bind(&entry.error_kind)
    .fetch_one(ex)
    .await?)
}

/// Inserts an exported entry as is (import; path is sanitised again).
pub async fn insert<'e, E: SqliteExecutor<'e>>(ex: E, row: &ActivityEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO activity_log (id, at, platform, method, host, path, status, duration_ms, bytes, error_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(row.id)
    .bind(row.at)
    .bind(&row.platform)
    .bind(&row.method)
    .bind(&row.host)
    .bind(sanitize_path(&row.path))
    .bind(row.status)
    .bind(row.duration_ms.max(0))
    .bind(row.bytes.max(0))
    .bind(&row.error_kind)
    .execute(ex)
    .await?;
    Ok(())
}

fn push_filter(q: &mut QueryBuilder<'_, Sqlite>, filter: &ActivityFilter) {
    q.push(" WHERE 1 = 1");
    if let Some(platform) = &filter.platform {
        q.push(" AND platform = ").push_bind(platform.clone());
    }
    if let Some(since) = filter.since {
        q.push(" AND at >= ").push_bind(since);
    }
    if let Some(until) = filter.until {
        q.push(" AND at < ").push_bind(until);
    }
    match filter.status_class {
        None => {}
        Some(StatusClass::NoResponse) => {
            q.push(" AND status IS NULL");
        }
        Some(class) => {
            let low = match class {
                StatusClass::Success => 200,
                StatusClass::Redirect => 300,
                StatusClass::ClientError => 400,
                _ => 500,
            };
            q.push(" AND status >= ")
                .push_bind(low)
                .push(" AND status < ")
                .push_bind(low + 100);
        }
    }
}

/// A page (0-based) of entries matching `filter`, newest first.
pub async fn list(
    conn: &mut sqlx::SqliteConnection,
    filter: &ActivityFilter,
    page: i64,
    page_size: i64,
) -> Result<ActivityPage> {
    let page = page.max(0);
    let page_size = page_size.clamp(1, 10_000);
    let mut count: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new("SELECT COUNT(*) FROM activity_log");
    push_filter(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await?;
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(
        "SELECT id, at, platform, method, host, path, status, duration_ms, bytes, error_kind FROM activity_log",
    );
    push_filter(&mut q, filter);
    q.push(" ORDER BY at DESC, id DESC LIMIT ")
        .push_bind(page_size)
        .push(" OFFSET ")
        .push_bind(page * page_size);
    let entries = q
        .build_query_as::<ActivityEntry>()
        .fetch_all(&mut *conn)
        .await?;
    Ok(ActivityPage {
        entries,
        total,
        page,
        page_size,
    })
}

/// Deletes entries older than `cutoff` (unix ms); returns how many. Use `now - RETENTION_MS`.
pub async fn purge_older_than<'e, E: SqliteExecutor<'e>>(ex: E, cutoff: i64) -> Result<u64> {
    let n = sqlx::query("DELETE FROM activity_log WHERE at < ?1")
        .bind(cutoff)
        .execute(ex)
        .await?
        .rows_affected();
    if n > 0 {
        tracing::debug!(removed = n, "activity log purged");
    }
    Ok(n)
}

/// Every entry, oldest first (export).
pub async fn list_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<ActivityEntry>> {
    Ok(sqlx::query_as::<_, ActivityEntry>(
        "SELECT id, at, platform, method, host, path, status, duration_ms, bytes, error_kind FROM activity_log ORDER BY at, id",
    )
    .fetch_all(ex)
    .await?)
}

/// Number of entries.
pub async fn count_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM activity_log")
        .fetch_one(ex)
        .await?)
}

/// Deletes one entry.
pub async fn delete<'e, E: SqliteExecutor<'e>>(ex: E, id: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM activity_log WHERE id = ?1")
        .bind(id)
        .execute(ex)
        .await?;
    if done.rows_affected() == 0 {
        return Err(crate::Error::NotFound {
            what: "activity entry",
            id: id.to_string(),
        });
    }
    Ok(())
}
