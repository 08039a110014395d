//! Key/value settings with JSON values.

use sqlx::SqliteExecutor;

use crate::{Error, JsonValue, Result};

/// One setting.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct Setting {
    pub key: String,
    pub value: JsonValue,
    pub updated_at: i64,
}

/// The value of a setting, if set.
pub async fn get<'e, E: SqliteExecutor<'e>>(ex: E, key: &str) -> Result<Option<serde_json::Value>> {
    Ok(
        sqlx::query_scalar::<_, JsonValue>("SELECT value FROM settings WHERE key = ?1")
            .bind(key)
            .fetch_optional(ex)
            .await?
            .map(|v| v.0),
    )
}

/// Sets (inserts or replaces) a setting.
pub async fn set<'e, E: SqliteExecutor<'e>>(
    ex: E,
    key: &str,
    value: &serde_json::Value,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(sqlx::types::Json(value))
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Inserts one row as exported (import).
pub async fn insert<'e, E: SqliteExecutor<'e>>(ex: E, row: &Setting) -> Result<()> {
    sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)")
        .bind(&row.key)
        .bind(&row.value)
        .bind(row.updated_at)
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes a setting; `NotFound` if it was not set.
pub async fn delete<'e, E: SqliteExecutor<'e>>(ex: E, key: &str) -> Result<()> {
    let done = sqlx::query("DELETE FROM settings WHERE key = ?1")
        .bind(key)
        .execute(ex)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what: "setting",
            id: key.to_owned(),
        });
    }
    Ok(())
}

/// Every setting by key.
pub async fn list_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<Setting>> {
    Ok(
        sqlx::query_as::<_, Setting>("SELECT key, value, updated_at FROM settings ORDER BY key")
            .fetch_all(ex)
            .await?,
    )
}

/// Number of settings.
pub async fn count_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM settings")
        .fetch_one(ex)
        .await?)
}
