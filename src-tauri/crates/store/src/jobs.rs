//! Publish jobs (one per post target; the scheduler's persisted state machine) and their attempts.

use sqlx::SqliteExecutor;

use crate::{JobState, Result};

table! {
    /// The publishing state of one post target.
    pub struct PublishJob in "publish_jobs" as "publish job" order by "due_at, id" {
        pub id: String,
        pub post_target_id: String,
        pub state: JobState,
        /// When to (re)try, unix ms.
        pub due_at: i64,
        pub attempt_count: i64,
        pub hold_reason: Option<String>,
        /// Human error summary (never tokens or bodies).
        pub last_error: Option<String>,
        pub platform_post_id: Option<String>,
        pub platform_url: Option<String>,
        pub native_schedule_id: Option<String>,
        pub published_at: Option<i64>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// The job of a post target.
pub async fn find_by_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
) -> Result<Option<PublishJob>> {
    Ok(
        sqlx::query_as::<_, PublishJob>(&format!("{} WHERE post_target_id = ?1", select_sql()))
            .bind(post_target_id)
            .fetch_optional(ex)
            .await?,
    )
}

/// The earliest `scheduled` job (the one timer to arm), via the partial index.
pub async fn next_due<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Option<PublishJob>> {
    Ok(sqlx::query_as::<_, PublishJob>(&format!(
        "{} WHERE state = 'scheduled' ORDER BY due_at, id LIMIT 1",
        select_sql()
    ))
    .fetch_optional(ex)
    .await?)
}

/// `scheduled` jobs due at or before `now`, earliest first.
pub async fn list_due<'e, E: SqliteExecutor<'e>>(
    ex: E,
    now: i64,
    limit: i64,
) -> Result<Vec<PublishJob>> {
    Ok(sqlx::query_as::<_, PublishJob>(&format!(
        "{} WHERE state = 'scheduled' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
        select_sql()
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(ex)
    .await?)
}

/// Jobs in a state (e.g. `publishing` on restart, to reconcile).
pub async fn list_by_state<'e, E: SqliteExecutor<'e>>(
    ex: E,
    state: JobState,
) -> Result<Vec<PublishJob>> {
    Ok(sqlx::query_as::<_, PublishJob>(&format!(
        "{} WHERE state = ?1 ORDER BY due_at, id",
        select_sql()
    ))
    .bind(state)
    .fetch_all(ex)
    .await?)
}

/// Compare-and-set state change: moves the job to `to` only if it is still in `from`
/// (so two dispatchers can never both claim a job). Returns whether it moved.
pub async fn transition<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    from: JobState,
    to: JobState,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE publish_jobs SET state = ?3, updated_at = ?4 WHERE id = ?1 AND state = ?2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The next attempt number of a job (`?1`): past both its count and every attempt row it has (a
/// profile written by an older version may hold a reconciliation attempt past the count).
pub const NEXT_ATTEMPT_SQL: &str = "MAX(attempt_count, COALESCE((SELECT MAX(a.attempt_no) FROM publish_attempts a WHERE a.job_id = ?1), 0)) + 1";

/// Atomically claims a due `scheduled` job for publishing: state -> `publishing`, `attempt_count`
/// to the next attempt number ([`NEXT_ATTEMPT_SQL`]). Returns the claimed job, or `None` if
/// someone else got it.
pub async fn claim<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    now: i64,
) -> Result<Option<PublishJob>> {
    Ok(sqlx::query_as::<_, PublishJob>(&format!(
        "UPDATE publish_jobs SET state = 'publishing', attempt_count = {NEXT_ATTEMPT_SQL}, updated_at = ?2
         WHERE id = ?1 AND state = 'scheduled' RETURNING {}",
        PublishJob::COLUMNS.join(", ")
    ))
    .bind(id)
    .bind(now)
    .fetch_optional(ex)
    .await?)
}

/// Records success: `published` with the platform's id/url.
pub async fn mark_published<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    platform_post_id: &str,
    platform_url: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE publish_jobs SET state = 'published', platform_post_id = ?2, platform_url = ?3,
             published_at = ?4, updated_at = ?4, hold_reason = NULL, last_error = NULL WHERE id = ?1",
    )
    .bind(id)
    .bind(platform_post_id)
    .bind(platform_url)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Sets state, due time and error/hold texts in one step (retry, failure, hold, unconfirmed).
pub async fn set_state<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    state: JobState,
    due_at: i64,
    last_error: Option<&str>,
    hold_reason: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE publish_jobs SET state = ?2, due_at = ?3, last_error = ?4, hold_reason = ?5, updated_at = ?6 WHERE id = ?1",
    )
    .bind(id)
    .bind(state)
    .bind(due_at)
    .bind(last_error)
    .bind(hold_reason)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Holds every `scheduled` job of a channel (e.g. reconnect needed); returns how many.
pub async fn hold_for_channel<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    reason: &str,
    now: i64,
) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE publish_jobs SET state = 'held', hold_reason = ?2, updated_at = ?3
         WHERE state = 'scheduled' AND post_target_id IN (SELECT id FROM post_targets WHERE channel_id = ?1)",
    )
    .bind(channel_id)
    .bind(reason)
    .bind(now)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Releases a channel's `held` jobs back to `scheduled`; returns how many.
pub async fn release_for_channel<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    now: i64,
) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE publish_jobs SET state = 'scheduled', hold_reason = NULL, updated_at = ?2
         WHERE state = 'held' AND post_target_id IN (SELECT id FROM post_targets WHERE channel_id = ?1)",
    )
    .bind(channel_id)
    .bind(now)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Count of jobs per state.
pub async fn count_by_state<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<(JobState, i64)>> {
    Ok(sqlx::query_as::<_, (JobState, i64)>(
        "SELECT state, COUNT(*) FROM publish_jobs GROUP BY state ORDER BY state",
    )
    .fetch_all(ex)
    .await?)
}

/// Attempts of publish jobs (an audit trail for exactly-once reasoning).
/// Moves the open (`scheduled` or `held`) jobs of a post to a new due time.
pub async fn reschedule_open_for_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    due_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE publish_jobs SET due_at = ?2, updated_at = ?3
         WHERE state IN ('scheduled','held') AND post_target_id IN (SELECT id FROM post_targets WHERE post_id = ?1)",
    )
    .bind(post_id)
    .bind(due_at)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Cancels the jobs of a post that have not gone out (`scheduled`, `held` or `failed`).
pub async fn cancel_open_for_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE publish_jobs SET state = 'cancelled', updated_at = ?2
         WHERE state IN ('scheduled','held','failed') AND post_target_id IN (SELECT id FROM post_targets WHERE post_id = ?1)",
    )
    .bind(post_id)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// The states of every job of a post.
pub async fn states_for_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Vec<JobState>> {
    Ok(sqlx::query_scalar(
        "SELECT j.state FROM publish_jobs j JOIN post_targets t ON t.id = j.post_target_id WHERE t.post_id = ?1",
    )
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// Records a hand-off to the platform's own scheduler: the job is `scheduled` again with the
/// platform's schedule id and URL, due (for confirmation) at `due_at`; error and hold cleared.
pub async fn mark_handed_to_platform<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    native_schedule_id: &str,
    platform_url: Option<&str>,
    due_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE publish_jobs SET state = 'scheduled', native_schedule_id = ?2, platform_url = ?3,
             due_at = ?4, updated_at = ?5, last_error = NULL, hold_reason = NULL WHERE id = ?1",
    )
    .bind(id)
    .bind(native_schedule_id)
    .bind(platform_url)
    .bind(due_at)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets a job's platform-side schedule id (`updated_at` untouched).
pub async fn clear_native_schedule<'e, E: SqliteExecutor<'e>>(ex: E, id: &str) -> Result<()> {
    sqlx::query("UPDATE publish_jobs SET native_schedule_id = NULL WHERE id = ?1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Sets a job's due time.
pub async fn set_due<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    due_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE publish_jobs SET due_at = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(id)
        .bind(due_at)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

/// Advances a job's `attempt_count` to the next attempt number ([`NEXT_ATTEMPT_SQL`]) without
/// changing its state; returns that number.
pub async fn next_attempt_no<'e, E: SqliteExecutor<'e>>(ex: E, id: &str, now: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(&format!(
        "UPDATE publish_jobs SET attempt_count = {NEXT_ATTEMPT_SQL}, updated_at = ?2
         WHERE id = ?1 RETURNING attempt_count"
    ))
    .bind(id)
    .bind(now)
    .fetch_one(ex)
    .await?)
}

/// A due job with what the dispatcher needs to order and rate-limit it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DueJob {
    pub job_id: String,
    pub post_id: String,
    pub channel_id: String,
    /// The channel's platform id.
    pub platform: String,
    pub due_at: i64,
    pub native_schedule_id: Option<String>,
}

/// The earliest `scheduled` job due at or before `now` whose channel is not in `excluded`.
pub async fn next_due_excluding<'e, E: SqliteExecutor<'e>>(
    ex: E,
    now: i64,
    excluded: &[String],
) -> Result<Option<DueJob>> {
    let excluded = serde_json::to_string(excluded).unwrap_or_else(|_| "[]".into());
    Ok(sqlx::query_as::<_, DueJob>(
        "SELECT j.id AS job_id, t.post_id, t.channel_id, c.platform, j.due_at, j.native_schedule_id
         FROM publish_jobs j
         JOIN post_targets t ON t.id = j.post_target_id
         JOIN channels c ON c.id = t.channel_id
         WHERE j.state = 'scheduled' AND j.due_at <= ?1
           AND t.channel_id NOT IN (SELECT value FROM json_each(?2))
         ORDER BY j.due_at, j.id LIMIT 1",
    )
    .bind(now)
    .bind(excluded)
    .fetch_optional(ex)
    .await?)
}

/// A held, failed or unconfirmed job with its post and its last attempt (the "Needs attention"
/// list).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AttentionJob {
    pub job_id: String,
    pub state: JobState,
    pub post_id: String,
    /// The post's base text.
    pub body: String,
    pub channel_id: String,
    pub hold_reason: Option<String>,
    pub last_error: Option<String>,
    pub platform_url: Option<String>,
    /// Unix ms of the last attempt's start.
    pub last_attempt_at: Option<i64>,
}

/// Unconfirmed, failed and held jobs (in that order, each oldest due first) in one query: `limit`
/// of them (all with `None`) after skipping `offset`.
pub async fn attention<'e, E: SqliteExecutor<'e>>(
    ex: E,
    offset: i64,
    limit: Option<i64>,
) -> Result<Vec<AttentionJob>> {
    Ok(sqlx::query_as::<_, AttentionJob>(
        // The page's jobs first (sorted from the state index alone), then their posts and last
        // attempts: the texts and attempts of the jobs not on the page are never read.
        "SELECT j.id AS job_id, j.state, t.post_id, p.body, t.channel_id, j.hold_reason,
                j.last_error, j.platform_url,
                (SELECT MAX(a.started_at) FROM publish_attempts a WHERE a.job_id = j.id)
                    AS last_attempt_at
         FROM (SELECT id, rank FROM (
                 SELECT id, due_at,
                        CASE state WHEN 'unconfirmed' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END AS rank
                   FROM publish_jobs WHERE state IN ('unconfirmed', 'failed', 'held'))
                ORDER BY rank, due_at, id LIMIT ?2 OFFSET ?1) page
         CROSS JOIN publish_jobs j ON j.id = page.id
         JOIN post_targets t ON t.id = j.post_target_id
         JOIN posts p ON p.id = t.post_id
         ORDER BY page.rank, j.due_at, j.id",
    )
    .bind(offset)
    .bind(limit.unwrap_or(-1))
    .fetch_all(ex)
    .await?)
}

/// How many jobs are unconfirmed, failed or held (the "Needs attention" total).
pub async fn attention_count<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM publish_jobs WHERE state IN ('unconfirmed', 'failed', 'held')",
    )
    .fetch_one(ex)
    .await?)
}

/// The due time of the earliest `scheduled` job due after `now`.
pub async fn next_due_after<'e, E: SqliteExecutor<'e>>(ex: E, now: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT due_at FROM publish_jobs WHERE state = 'scheduled' AND due_at > ?1 ORDER BY state, due_at LIMIT 1",
    )
    .bind(now)
    .fetch_optional(ex)
    .await?)
}

pub mod attempts {
    use sqlx::SqliteExecutor;

    use crate::{AttemptOutcome, Error, Result};

    table! {
        /// One try at publishing a job.
        pub struct PublishAttempt in "publish_attempts" as "publish attempt" order by "job_id, attempt_no" {
            pub id: String,
            pub job_id: String,
            pub attempt_no: i64,
            pub started_at: i64,
            pub finished_at: Option<i64>,
            /// `None` while in flight (or interrupted by a crash).
            pub outcome: Option<AttemptOutcome>,
            pub http_status: Option<i64>,
            /// Short human summary, never a token or body.
            pub response_summary: Option<String>,
            pub idempotency_key: Option<String>,
        }
    }

    /// Attempts of one job in order.
    pub async fn list_for_job<'e, E: SqliteExecutor<'e>>(
        ex: E,
        job_id: &str,
    ) -> Result<Vec<PublishAttempt>> {
        Ok(sqlx::query_as::<_, PublishAttempt>(&format!(
            "{} WHERE job_id = ?1 ORDER BY attempt_no",
            select_sql()
        ))
        .bind(job_id)
        .fetch_all(ex)
        .await?)
    }

    /// Records how an attempt ended.
    pub async fn finish<'e, E: SqliteExecutor<'e>>(
        ex: E,
        id: &str,
        finished_at: i64,
        outcome: AttemptOutcome,
        http_status: Option<i64>,
        response_summary: Option<&str>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE publish_attempts SET finished_at = ?2, outcome = ?3, http_status = ?4, response_summary = ?5 WHERE id = ?1",
        )
        .bind(id)
        .bind(finished_at)
        .bind(outcome)
        .bind(http_status)
        .bind(response_summary)
        .execute(ex)
        .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                what: "publish attempt",
                id: id.to_owned(),
            });
        }
        Ok(())
    }

    /// When the first attempt of a job with this idempotency key that may have reached the
    /// platform (no outcome yet, `unknown` or `interrupted`) started.
    pub async fn first_unsettled_start<'e, E: SqliteExecutor<'e>>(
        ex: E,
        job_id: &str,
        idempotency_key: &str,
    ) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(started_at) FROM publish_attempts
             WHERE job_id = ?1 AND idempotency_key = ?2
               AND (outcome IS NULL OR outcome IN ('unknown', 'interrupted'))",
        )
        .bind(job_id)
        .bind(idempotency_key)
        .fetch_one(ex)
        .await?)
    }

    /// Closes a job's attempts still in flight as `interrupted` (Outpost stopped while publishing).
    pub async fn interrupt_open<'e, E: SqliteExecutor<'e>>(
        ex: E,
        job_id: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE publish_attempts SET finished_at = ?2, outcome = 'interrupted',
                 response_summary = 'Outpost stopped while publishing'
             WHERE job_id = ?1 AND outcome IS NULL",
        )
        .bind(job_id)
        .bind(now)
        .execute(ex)
        .await?;
        Ok(())
    }
}
