//! The parts of a post as they go out (issue #16): the post, each reply of a thread, a first
//! comment — each with its platform id, recorded the moment it is sent (`sending`) and the moment
//! it is live (`published`), so publishing resumes at the first unpublished part and never sends
//! a live part twice. A first comment that failed stays `failed` until the user retries or
//! dismisses it.

use sqlx::SqliteExecutor;

use crate::Result;

/// One part of a job's post.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct PublishPart {
    pub job_id: String,
    pub part_index: i64,
    /// `post`, `reply` or `comment`.
    pub kind: String,
    /// `sending`, `published`, `failed` or `dismissed`.
    pub state: String,
    pub platform_id: Option<String>,
    pub url: Option<String>,
    /// Human reason of a failed comment (never a token or a body).
    pub error: Option<String>,
    pub started_at: i64,
    pub published_at: Option<i64>,
}

const COLUMNS: &str =
    "job_id, part_index, kind, state, platform_id, url, error, started_at, published_at";

/// Every recorded part of a job, in order.
pub async fn list_for_job<'e, E: SqliteExecutor<'e>>(
    ex: E,
    job_id: &str,
) -> Result<Vec<PublishPart>> {
    Ok(sqlx::query_as::<_, PublishPart>(&format!(
        "SELECT {COLUMNS} FROM publish_parts WHERE job_id = ?1 ORDER BY part_index"
    ))
    .bind(job_id)
    .fetch_all(ex)
    .await?)
}

/// Part `index` is about to be sent (a live part is never moved back).
pub async fn mark_sending<'e, E: SqliteExecutor<'e>>(
    ex: E,
    job_id: &str,
    index: i64,
    kind: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO publish_parts (job_id, part_index, kind, state, started_at)
         VALUES (?1, ?2, ?3, 'sending', ?4)
         ON CONFLICT (job_id, part_index) DO UPDATE SET state = 'sending', error = NULL,
             started_at = excluded.started_at
         WHERE publish_parts.state <> 'published'",
    )
    .bind(job_id)
    .bind(index)
    .bind(kind)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Part `index` is live with the platform's `id` (and `url`).
pub async fn mark_published<'e, E: SqliteExecutor<'e>>(
    ex: E,
    job_id: &str,
    index: i64,
    kind: &str,
    id: &str,
    url: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO publish_parts (job_id, part_index, kind, state, platform_id, url, started_at, published_at)
         VALUES (?1, ?2, ?3, 'published', ?4, ?5, ?6, ?6)
         ON CONFLICT (job_id, part_index) DO UPDATE SET state = 'published', platform_id = excluded.platform_id,
             url = COALESCE(excluded.url, publish_parts.url), error = NULL,
             published_at = COALESCE(publish_parts.published_at, excluded.published_at)",
    )
    .bind(job_id)
    .bind(index)
    .bind(kind)
    .bind(id)
    .bind(url)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// A part that did not go out (or whose outcome is unknown) is `failed` with `error`; a live part
/// is left alone. Returns whether it changed.
pub async fn mark_failed<'e, E: SqliteExecutor<'e>>(
    ex: E,
    job_id: &str,
    index: i64,
    kind: &str,
    error: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO publish_parts (job_id, part_index, kind, state, error, started_at)
         VALUES (?1, ?2, ?3, 'failed', ?4, ?5)
         ON CONFLICT (job_id, part_index) DO UPDATE SET state = 'failed', error = excluded.error
         WHERE publish_parts.state IN ('sending', 'failed')",
    )
    .bind(job_id)
    .bind(index)
    .bind(kind)
    .bind(error)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Claims a failed part for another try (`failed` → `sending`), or one left `sending` before
/// `stale_before` (a try interrupted by a crash). Returns whether this caller got it: two retries
/// at once never both send.
pub async fn claim_retry<'e, E: SqliteExecutor<'e>>(
    ex: E,
    job_id: &str,
    index: i64,
    now: i64,
    stale_before: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE publish_parts SET state = 'sending', error = NULL, started_at = ?3
         WHERE job_id = ?1 AND part_index = ?2
           AND (state = 'failed' OR (state = 'sending' AND started_at < ?4))",
    )
    .bind(job_id)
    .bind(index)
    .bind(now)
    .bind(stale_before)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user leaves a failed (or unknown) part out: `dismissed`. Returns whether it changed.
pub async fn dismiss<'e, E: SqliteExecutor<'e>>(ex: E, job_id: &str, index: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE publish_parts SET state = 'dismissed'
         WHERE job_id = ?1 AND part_index = ?2 AND state IN ('failed', 'sending')",
    )
    .bind(job_id)
    .bind(index)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A published job whose first comment did not go out (failed, or its outcome unknown).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentProblem {
    pub job_id: String,
    pub post_id: String,
    pub channel_id: String,
    pub part_index: i64,
    pub state: String,
    pub error: Option<String>,
    pub started_at: i64,
}

/// Every published job whose first comment failed or is unknown, oldest first.
pub async fn comment_problems<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<CommentProblem>> {
    Ok(sqlx::query_as::<_, CommentProblem>(
        "SELECT p.job_id, t.post_id, t.channel_id, p.part_index, p.state, p.error, p.started_at
         FROM publish_parts p
         -- From the few problem parts (their partial index) to their jobs, never the other way
         -- round (every published job: 50 ms at 100,000 demo posts).
         CROSS JOIN publish_jobs j ON j.id = p.job_id
         JOIN post_targets t ON t.id = j.post_target_id
         WHERE p.kind = 'comment' AND p.state IN ('failed', 'sending') AND j.state = 'published'
         ORDER BY p.started_at, p.job_id",
    )
    .fetch_all(ex)
    .await?)
}

/// Rate-limit pauses per channel (a 429's reset time), kept across restarts.
pub mod pauses {
    use sqlx::SqliteExecutor;

    use crate::Result;

    /// The channel may not publish before `until_ms` (a later pause wins over an earlier one).
    pub async fn set<'e, E: SqliteExecutor<'e>>(
        ex: E,
        channel_id: &str,
        until_ms: i64,
        reason: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO channel_pauses (channel_id, until_ms, reason) VALUES (?1, ?2, ?3)
             ON CONFLICT (channel_id) DO UPDATE SET until_ms = MAX(channel_pauses.until_ms, excluded.until_ms),
                 reason = excluded.reason",
        )
        .bind(channel_id)
        .bind(until_ms)
        .bind(reason)
        .execute(ex)
        .await?;
        Ok(())
    }

    /// Pauses still running at `now` as (channel id, until ms); ended ones are forgotten.
    pub async fn active<'e, E: SqliteExecutor<'e> + Copy>(
        ex: E,
        now: i64,
    ) -> Result<Vec<(String, i64)>> {
        sqlx::query("DELETE FROM channel_pauses WHERE until_ms <= ?1")
            .bind(now)
            .execute(ex)
            .await?;
        Ok(
            sqlx::query_as("SELECT channel_id, until_ms FROM channel_pauses ORDER BY until_ms")
                .fetch_all(ex)
                .await?,
        )
    }
}
