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
