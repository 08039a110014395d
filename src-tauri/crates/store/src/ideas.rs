//! Ideas (title + notes, attachments in `media::idea_media`, tags in `tags`).

use sqlx::SqliteExecutor;

use crate::Result;

table! {
    /// An idea on the board or in the idea list.
    pub struct Idea in "ideas" as "idea" order by "created_at, id" {
        pub id: String,
        pub title: String,
        pub notes: String,
        pub campaign_id: Option<String>,
        pub board_column_id: Option<String>,
        pub board_position: i64,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// Ideas, newest change first, paged.
pub async fn list_page<'e, E: SqliteExecutor<'e>>(
    ex: E,
    limit: i64,
    offset: i64,
) -> Result<Vec<Idea>> {
    Ok(sqlx::query_as::<_, Idea>(&format!(
        "{} ORDER BY updated_at DESC, id DESC LIMIT ?1 OFFSET ?2",
        select_sql()
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?)
}

/// Every idea id, newest change first.
pub async fn ids_by_update<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM ideas ORDER BY updated_at DESC, id DESC")
            .fetch_all(ex)
            .await?,
    )
}

/// Sets `updated_at`; false when there is no such idea.
pub async fn touch<'e, E: SqliteExecutor<'e>>(ex: E, id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE ideas SET updated_at = ?2 WHERE id = ?1")
        .bind(id)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Sets or clears an idea's campaign; false when there is no such idea.
pub async fn set_campaign<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    campaign_id: Option<&str>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query("UPDATE ideas SET campaign_id = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(id)
        .bind(campaign_id)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() > 0)
}
