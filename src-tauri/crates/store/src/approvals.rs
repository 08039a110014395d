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
        /// SHA-256 (hex) of the post's content when the preview was made.
        pub content_hash: String,
        /// When the user revoked the preview.
        pub revoked_at: Option<i64>,
        /// The file name the preview was written as (no directory).
        pub file_name: String,
    }
}

/// Every preview, newest first (at most `limit`).
pub async fn list_recent<'e, E: SqliteExecutor<'e>>(
    ex: E,
    limit: i64,
) -> Result<Vec<ApprovalPreview>> {
    Ok(sqlx::query_as::<_, ApprovalPreview>(&format!(
        "{} ORDER BY created_at DESC, id DESC LIMIT ?1",
        select_sql()
    ))
    .bind(limit)
    .fetch_all(ex)
    .await?)
}

/// Marks a preview revoked and erases its password hash (only if it is still undecided and not
/// revoked). Returns whether it changed.
pub async fn revoke<'e, E: SqliteExecutor<'e>>(ex: E, id: &str, at: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE approval_previews SET revoked_at = ?2, password_hash = NULL
         WHERE id = ?1 AND revoked_at IS NULL AND decision IS NULL",
    )
    .bind(id)
    .bind(at)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Ends the life of previews that expired or were revoked by `now`: their password hashes and
/// sealed keys (`sealed_secrets` rows of kind `app`, purpose `purpose`) are deleted; undecided rows
/// older than `forget_before` (expired or revoked) are deleted altogether. Decided rows stay: they are the
/// post's approval history. Returns (keys deleted, rows deleted).
pub async fn purge(
    conn: &mut sqlx::SqliteConnection,
    now: i64,
    forget_before: i64,
    purpose: &str,
) -> Result<(u64, u64)> {
    let keys = sqlx::query(
        "DELETE FROM sealed_secrets WHERE owner_kind = 'app' AND purpose = ?2 AND owner_id IN
           (SELECT id FROM approval_previews WHERE expires_at <= ?1 OR revoked_at IS NOT NULL)",
    )
    .bind(now)
    .bind(purpose)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Keys of previews that no longer exist at all (deleted with their post).
    let orphans = sqlx::query(
        "DELETE FROM sealed_secrets WHERE owner_kind = 'app' AND purpose = ?1 AND owner_id NOT IN
           (SELECT id FROM approval_previews)",
    )
    .bind(purpose)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query(
        "UPDATE approval_previews SET password_hash = NULL
         WHERE (expires_at <= ?1 OR revoked_at IS NOT NULL) AND password_hash IS NOT NULL",
    )
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let rows = sqlx::query(
        "DELETE FROM approval_previews WHERE decision IS NULL AND expires_at <= ?1 AND expires_at < ?2",
    )
    .bind(now)
    .bind(forget_before)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok((keys + orphans, rows))
}

/// Whether the post needs a client's approval before it can be scheduled: its own setting, else
/// whether any of its channels requires approval.
pub async fn post_needs_approval<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<bool> {
    let v: Option<i64> = sqlx::query_scalar(
        "SELECT COALESCE(p.needs_approval,
                (SELECT MAX(c.requires_approval) FROM post_targets t JOIN channels c ON c.id = t.channel_id
                 WHERE t.post_id = p.id), 0)
         FROM posts p WHERE p.id = ?1",
    )
    .bind(post_id)
    .fetch_optional(ex)
    .await?;
    v.map(|v| v != 0).ok_or_else(|| Error::NotFound {
        what: "post",
        id: post_id.to_owned(),
    })
}

/// The post's own "needs approval" setting (`None`: its channels' default).
pub async fn post_setting<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<Option<bool>> {
    let v: Option<Option<i64>> =
        sqlx::query_scalar("SELECT needs_approval FROM posts WHERE id = ?1")
            .bind(post_id)
            .fetch_optional(ex)
            .await?;
    match v {
        Some(v) => Ok(v.map(|v| v != 0)),
        None => Err(Error::NotFound {
            what: "post",
            id: post_id.to_owned(),
        }),
    }
}

/// Sets (or with `None` clears) the post's own "needs approval" setting.
pub async fn set_post_setting<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    needs: Option<bool>,
) -> Result<()> {
    let done = sqlx::query("UPDATE posts SET needs_approval = ?2 WHERE id = ?1")
        .bind(post_id)
        .bind(needs.map(i64::from))
        .execute(ex)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what: "post",
            id: post_id.to_owned(),
        });
    }
    Ok(())
}

/// Whether any of these channels requires approval by default.
pub async fn any_channel_requires<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_ids: &[String],
) -> Result<bool> {
    let ids = serde_json::to_string(channel_ids).map_err(|e| Error::Invalid(e.to_string()))?;
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM channels WHERE requires_approval = 1 AND id IN (SELECT value FROM json_each(?1))",
    )
    .bind(ids)
    .fetch_one(ex)
    .await?;
    Ok(n > 0)
}

/// Ids of the channels whose posts need approval by default.
pub async fn channels_requiring<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM channels WHERE requires_approval = 1 ORDER BY id")
            .fetch_all(ex)
            .await?,
    )
}

/// Sets the channel's default.
pub async fn set_channel_requires<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    requires: bool,
) -> Result<()> {
    let done = sqlx::query("UPDATE channels SET requires_approval = ?2 WHERE id = ?1")
        .bind(channel_id)
        .bind(i64::from(requires))
        .execute(ex)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what: "channel",
            id: channel_id.to_owned(),
        });
    }
    Ok(())
}

/// The posts that have at least one preview (few on any board: the board asks only these for
/// their approval state).
pub async fn posts_with_previews<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT DISTINCT post_id FROM approval_previews")
            .fetch_all(ex)
            .await?,
    )
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

/// Records the client's decision (only once, only before expiry, never on a revoked preview) and
/// erases the password hash, which is no longer needed. Returns `Conflict` otherwise.
pub async fn record_decision<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    decision: Decision,
    feedback: Option<&str>,
    at: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE approval_previews SET decision = ?2, feedback = ?3, decided_at = ?4, password_hash = NULL
         WHERE id = ?1 AND decision IS NULL AND revoked_at IS NULL AND expires_at > ?4",
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
