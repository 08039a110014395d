//! Sealed secrets (AES-256-GCM ciphertexts produced by the vault; never plaintext).
//! Rows of a channel or developer app are deleted with it by trigger.

use sqlx::SqliteExecutor;

use crate::{Result, SecretOwnerKind};

table! {
    /// One sealed value (nonce and ciphertext only; the key stays in the vault).
    pub struct SealedSecret in "sealed_secrets" as "secret" order by "owner_kind, owner_id, purpose" {
        pub id: String,
        pub owner_kind: SecretOwnerKind,
        pub owner_id: String,
        /// e.g. `access_token`, `refresh_token`, `client_secret`, `app_password`, `api_key`.
        pub purpose: String,
        pub key_id: String,
        pub nonce: Vec<u8>,
        pub ciphertext: Vec<u8>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// Inserts or replaces the sealed value for (owner_kind, owner_id, purpose); keeps the row id and
/// `created_at` of an existing row.
pub async fn upsert<'e, E: SqliteExecutor<'e>>(ex: E, row: &SealedSecret) -> Result<()> {
    sqlx::query(
        "INSERT INTO sealed_secrets (id, owner_kind, owner_id, purpose, key_id, nonce, ciphertext, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (owner_kind, owner_id, purpose) DO UPDATE SET
             key_id = excluded.key_id, nonce = excluded.nonce, ciphertext = excluded.ciphertext,
             updated_at = excluded.updated_at",
    )
    .bind(&row.id)
    .bind(row.owner_kind)
    .bind(&row.owner_id)
    .bind(&row.purpose)
    .bind(&row.key_id)
    .bind(&row.nonce)
    .bind(&row.ciphertext)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// The sealed value for one owner and purpose.
pub async fn find_for_owner<'e, E: SqliteExecutor<'e>>(
    ex: E,
    owner_kind: SecretOwnerKind,
    owner_id: &str,
    purpose: &str,
) -> Result<Option<SealedSecret>> {
    Ok(sqlx::query_as::<_, SealedSecret>(&format!(
        "{} WHERE owner_kind = ?1 AND owner_id = ?2 AND purpose = ?3",
        select_sql()
    ))
    .bind(owner_kind)
    .bind(owner_id)
    .bind(purpose)
    .fetch_optional(ex)
    .await?)
}

/// Every sealed value of one owner.
pub async fn list_for_owner<'e, E: SqliteExecutor<'e>>(
    ex: E,
    owner_kind: SecretOwnerKind,
    owner_id: &str,
) -> Result<Vec<SealedSecret>> {
    Ok(sqlx::query_as::<_, SealedSecret>(&format!(
        "{} WHERE owner_kind = ?1 AND owner_id = ?2 ORDER BY purpose",
        select_sql()
    ))
    .bind(owner_kind)
    .bind(owner_id)
    .fetch_all(ex)
    .await?)
}

/// Deletes every sealed value of one owner; returns how many.
pub async fn delete_for_owner<'e, E: SqliteExecutor<'e>>(
    ex: E,
    owner_kind: SecretOwnerKind,
    owner_id: &str,
) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sealed_secrets WHERE owner_kind = ?1 AND owner_id = ?2")
            .bind(owner_kind)
            .bind(owner_id)
            .execute(ex)
            .await?
            .rows_affected(),
    )
}

/// Deletes one owner's sealed value for one purpose; returns how many (0 or 1).
pub async fn delete_one<'e, E: SqliteExecutor<'e>>(
    ex: E,
    owner_kind: SecretOwnerKind,
    owner_id: &str,
    purpose: &str,
) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM sealed_secrets WHERE owner_kind = ?1 AND owner_id = ?2 AND purpose = ?3",
    )
    .bind(owner_kind)
    .bind(owner_id)
    .bind(purpose)
    .execute(ex)
    .await?
    .rows_affected())
}
