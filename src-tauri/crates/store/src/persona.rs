//! The brand persona (a single row) that shapes every AI prompt.

use sqlx::SqliteExecutor;

use crate::{JsonValue, Result};

/// Tone, audience, style notes, example posts and words to avoid.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct BrandPersona {
    pub tone: String,
    pub audience: String,
    pub style_notes: String,
    /// JSON array of example texts.
    pub examples: JsonValue,
    pub updated_at: i64,
    /// JSON array of words or phrases the assistant must not use.
    pub avoid_words: JsonValue,
}

/// The persona, if one was saved.
pub async fn get<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Option<BrandPersona>> {
    Ok(sqlx::query_as::<_, BrandPersona>(
        "SELECT tone, audience, style_notes, examples, updated_at, avoid_words FROM brand_persona WHERE id = 1",
    )
    .fetch_optional(ex)
    .await?)
}

/// Saves (inserts or replaces) the persona. Also the import path.
pub async fn upsert<'e, E: SqliteExecutor<'e>>(ex: E, persona: &BrandPersona) -> Result<()> {
    sqlx::query(
        "INSERT INTO brand_persona (id, tone, audience, style_notes, examples, updated_at, avoid_words) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET tone = excluded.tone, audience = excluded.audience,
             style_notes = excluded.style_notes, examples = excluded.examples, updated_at = excluded.updated_at,
             avoid_words = excluded.avoid_words",
    )
    .bind(&persona.tone)
    .bind(&persona.audience)
    .bind(&persona.style_notes)
    .bind(&persona.examples)
    .bind(persona.updated_at)
    .bind(&persona.avoid_words)
    .execute(ex)
    .await?;
    Ok(())
}

/// Deletes the persona; returns whether there was one.
pub async fn delete<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<bool> {
    Ok(sqlx::query("DELETE FROM brand_persona")
        .execute(ex)
        .await?
        .rows_affected()
        > 0)
}

/// 0 or 1.
pub async fn count_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM brand_persona")
        .fetch_one(ex)
        .await?)
}
