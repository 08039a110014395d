//! The AI ledger: every request to the user's AI provider (when, provider, model, sizes, the exact
//! request body and the answer). Kept at most 30 days ([`purge_older_than`]); deletable one by one.

use sqlx::SqliteExecutor;

use crate::Result;

/// Retention of the AI ledger in milliseconds (30 days).
pub const RETENTION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

table! {
    /// One AI call.
    pub struct AiCall in "ai_calls" as "AI call" order by "at DESC, id" {
        pub id: String,
        pub at: i64,
        /// `refine`, `expand`, `repurpose`, `hashtags`, `reply`, `models`, `test`.
        pub action: String,
        /// The provider's origin (scheme, host, port), never a key.
        pub provider: String,
        pub model: String,
        pub request_bytes: i64,
        pub response_bytes: i64,
        /// The exact JSON body sent.
        pub request_body: String,
        /// The answer's text (empty on failure).
        pub answer: String,
        /// `ok` or `error`.
        pub status: String,
        pub error: Option<String>,
        pub duration_ms: i64,
    }
}

/// The newest calls first, at most `limit`.
pub async fn recent<'e, E: SqliteExecutor<'e>>(ex: E, limit: i64) -> Result<Vec<AiCall>> {
    Ok(
        sqlx::query_as::<_, AiCall>(&format!("{} ORDER BY at DESC, id LIMIT ?1", select_sql()))
            .bind(limit)
            .fetch_all(ex)
            .await?,
    )
}

/// Deletes calls older than `cutoff_ms`; returns how many.
pub async fn purge_older_than<'e, E: SqliteExecutor<'e>>(ex: E, cutoff_ms: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM ai_calls WHERE at < ?1")
        .bind(cutoff_ms)
        .execute(ex)
        .await?
        .rows_affected())
}

/// Deletes every call; returns how many.
pub async fn delete_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM ai_calls")
        .execute(ex)
        .await?
        .rows_affected())
}
