//! Connected accounts/pages/boards.

use sqlx::SqliteExecutor;

use crate::{ChannelKind, ChannelStatus, Error, Platform, Result};

table! {
    /// A channel: one account, page, organization or board on one platform.
    pub struct Channel in "channels" as "channel" order by "created_at, id" {
        pub id: String,
        pub platform: Platform,
        /// Server URL for Mastodon/Bluesky, `''` otherwise.
        pub instance_url: String,
        pub platform_account_id: String,
        pub kind: ChannelKind,
        pub display_name: String,
        pub handle: String,
        pub avatar_url: Option<String>,
        /// Granted scopes, space separated.
        pub scopes: String,
        pub status: ChannelStatus,
        pub status_reason: Option<String>,
        pub token_expires_at: Option<i64>,
        pub developer_app_id: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// The channel for a platform account, if connected before.
pub async fn find_by_account<'e, E: SqliteExecutor<'e>>(
    ex: E,
    platform: Platform,
    instance_url: &str,
    platform_account_id: &str,
) -> Result<Option<Channel>> {
    Ok(sqlx::query_as::<_, Channel>(&format!(
        "{} WHERE platform = ?1 AND instance_url = ?2 AND platform_account_id = ?3",
        select_sql()
    ))
    .bind(platform)
    .bind(instance_url)
    .bind(platform_account_id)
    .fetch_optional(ex)
    .await?)
}

/// Channels with the given status.
pub async fn list_by_status<'e, E: SqliteExecutor<'e>>(
    ex: E,
    status: ChannelStatus,
) -> Result<Vec<Channel>> {
    Ok(sqlx::query_as::<_, Channel>(&format!(
        "{} WHERE status = ?1 ORDER BY created_at, id",
        select_sql()
    ))
    .bind(status)
    .fetch_all(ex)
    .await?)
}

/// Sets the connection status (and the reason shown to the user).
pub async fn set_status<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    status: ChannelStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE channels SET status = ?2, status_reason = ?3, updated_at = ?4 WHERE id = ?1",
    )
    .bind(id)
    .bind(status)
    .bind(reason)
    .bind(now)
    .execute(ex)
    .await?;
    not_found_if_zero(done.rows_affected(), id)
}

/// Records a new access-token expiry.
pub async fn set_token_expiry<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    expires_at: Option<i64>,
    now: i64,
) -> Result<()> {
    let done =
        sqlx::query("UPDATE channels SET token_expires_at = ?2, updated_at = ?3 WHERE id = ?1")
            .bind(id)
            .bind(expires_at)
            .bind(now)
            .execute(ex)
            .await?;
    not_found_if_zero(done.rows_affected(), id)
}

fn not_found_if_zero(rows: u64, id: &str) -> Result<()> {
    if rows == 0 {
        Err(Error::NotFound {
            what: "channel",
            id: id.to_owned(),
        })
    } else {
        Ok(())
    }
}
