//! Kanban board: user-defined columns; posts and ideas carry `board_column_id` + `board_position`.

use sqlx::SqliteExecutor;

use crate::{Error, Result};

table! {
    /// A board column.
    pub struct BoardColumn in "board_columns" as "board column" order by "position, id" {
        pub id: String,
        pub name: String,
        pub position: i64,
        pub colour: String,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// Puts a post into a column (or off the board with `None`) at a position.
pub async fn move_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    column_id: Option<&str>,
    position: i64,
    now: i64,
) -> Result<()> {
    move_item(ex, "posts", "post", post_id, column_id, position, now).await
}

/// Puts an idea into a column (or off the board with `None`) at a position.
pub async fn move_idea<'e, E: SqliteExecutor<'e>>(
    ex: E,
    idea_id: &str,
    column_id: Option<&str>,
    position: i64,
    now: i64,
) -> Result<()> {
    move_item(ex, "ideas", "idea", idea_id, column_id, position, now).await
}

async fn move_item<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: &'static str,
    what: &'static str,
    id: &str,
    column_id: Option<&str>,
    position: i64,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(&format!(
        "UPDATE {table} SET board_column_id = ?2, board_position = ?3, updated_at = ?4 WHERE id = ?1"
    ))
    .bind(id)
    .bind(column_id)
    .bind(position)
    .bind(now)
    .execute(ex)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what,
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// A card on the board.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct BoardCard {
    /// `post` or `idea`.
    pub kind: String,
    pub id: String,
    pub column_id: String,
    pub position: i64,
    /// Idea title or the first 140 characters of a post.
    pub label: String,
}

/// Every card (posts and ideas) on the board, by column then position.
pub async fn cards<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<BoardCard>> {
    Ok(sqlx::query_as::<_, BoardCard>(
        "SELECT 'post' AS kind, id, board_column_id AS column_id, board_position AS position, substr(body, 1, 140) AS label
           FROM posts WHERE board_column_id IS NOT NULL
         UNION ALL
         SELECT 'idea', id, board_column_id, board_position, title FROM ideas WHERE board_column_id IS NOT NULL
         ORDER BY column_id, position, id",
    )
    .fetch_all(ex)
    .await?)
}
