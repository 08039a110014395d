//! Client approval previews: only a password hash is stored; previews expire (24 h) and are purged.

use sqlx::SqliteExecutor;

use crate::{Decision, Error, Result};

table! {
    /// A preview sent to a client and the decision that came back.
    pub struct ApprovalPreview in "approval_previews" as "approval preview" order by "created_at, id" {
        pub id: String,
        pub post_id: String,
        /// PHC-format argon2/bcrypt hash; `None` once purged after expiry.
        pub password_hash: Option<String>,
        pub created_at: i64,
        pub expires_at: i64,
        pub decision: Option<Decision>,
        pub feedback: Option<String>,
        pub decided_at: Option<i64>,
    }
}

/// Previews of one post, newest first.
pub async fn list_for_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Vec<ApprovalPreview>> {
    Ok(sqlx::query_as::<_, ApprovalPreview>(&format!(
        "{} WHERE post_id = ?1 ORDER BY created_at DESC, id DESC",
        select_sql()
    ))
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// Records the client's decision (only once, and only before expiry). Returns `Conflict` otherwise.
pub async fn record_decision<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    decision: Decision,
    feedback: Option<&str>,
    at: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE approval_previews SET decision = ?2, feedback = ?3, decided_at = ?4
         WHERE id = ?1 AND decision IS NULL AND expires_at > ?4",
    )
    .bind(id)
    .bind(decision)
    .bind(feedback)
    .bind(at)
    .execute(ex)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict {
            detail: format!("approval preview {id} is unknown, expired or already decided"),
        });
    }
    Ok(())
}

/// Purges previews expired at `now`: undecided ones are deleted, decided ones keep only the
/// decision record (the password hash is erased). Returns how many rows were touched.
pub async fn purge_expired(conn: &mut sqlx::SqliteConnection, now: i64) -> Result<u64> {
    let deleted =
        sqlx::query("DELETE FROM approval_previews WHERE expires_at <= ?1 AND decision IS NULL")
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    let scrubbed = sqlx::query(
        "UPDATE approval_previews SET password_hash = NULL WHERE expires_at <= ?1 AND password_hash IS NOT NULL",
    )
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(deleted + scrubbed)
}
