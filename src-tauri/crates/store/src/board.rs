//! Kanban board: user-defined columns; posts and ideas carry `board_column_id` + `board_position`.

use sqlx::query::QueryAs;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteExecutor};

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

/// Whether some post is off the board.
pub async fn has_unplaced_posts<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<bool> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT EXISTS (SELECT 1 FROM posts WHERE board_column_id IS NULL)")
            .fetch_one(ex)
            .await?;
    Ok(n == 1)
}

/// Puts every post off the board whose status is one of `statuses` at the end of `column_id`, in
/// time order (its time, else when it was created), in one statement; how many moved. The
/// column's other cards keep their places; positions stay gap-free.
pub async fn place_unplaced_posts(
    conn: &mut sqlx::SqliteConnection,
    statuses: &[&str],
    column_id: &str,
) -> Result<u64> {
    if statuses.is_empty() {
        return Ok(0);
    }
    let (base,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM posts WHERE board_column_id = ?1)
              + (SELECT COUNT(*) FROM ideas WHERE board_column_id = ?1)",
    )
    .bind(column_id)
    .fetch_one(&mut *conn)
    .await?;
    let marks = (0..statuses.len())
        .map(|i| format!("?{}", i + 3))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "WITH unplaced(id, n) AS MATERIALIZED (
             SELECT id, ROW_NUMBER() OVER (ORDER BY COALESCE(scheduled_at, created_at), created_at, id) - 1
               FROM posts WHERE board_column_id IS NULL AND status IN ({marks}))
         UPDATE posts SET board_column_id = ?1, board_position = ?2 + unplaced.n
           FROM unplaced WHERE posts.id = unplaced.id"
    );
    let mut q = sqlx::query(&sql).bind(column_id).bind(base);
    for s in statuses {
        q = q.bind(*s);
    }
    Ok(q.execute(&mut *conn).await?.rows_affected())
}

/// The table a board card lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardTable {
    /// `posts`.
    Posts,
    /// `ideas`.
    Ideas,
}

impl CardTable {
    fn name(self) -> &'static str {
        match self {
            CardTable::Posts => "posts",
            CardTable::Ideas => "ideas",
        }
    }
}

/// The name of another column called `name` (case-insensitively), other than `except`.
pub async fn name_clash<'e, E: SqliteExecutor<'e>>(
    ex: E,
    name: &str,
    except: Option<&str>,
) -> Result<Option<String>> {
    crate::sql::name_clash(ex, "board_columns", name, except).await
}

/// The cards of a column as (`post` or `idea`, id, position), by position then id.
pub async fn column_cards<'e, E: SqliteExecutor<'e>>(
    ex: E,
    column_id: &str,
) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT 'post' AS kind, id, board_position FROM posts WHERE board_column_id = ?1
         UNION ALL
         SELECT 'idea', id, board_position FROM ideas WHERE board_column_id = ?1
         ORDER BY 3, 2",
    )
    .bind(column_id)
    .fetch_all(ex)
    .await?)
}

/// The column of a card: `None` when there is no such card, `Some(None)` when it is off the board.
pub async fn card_column<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: CardTable,
    id: &str,
) -> Result<Option<Option<String>>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT board_column_id FROM {} WHERE id = ?1",
        table.name()
    ))
    .bind(id)
    .fetch_optional(ex)
    .await?)
}

/// Puts a card at a position of a column, writing only when something changes (`updated_at`
/// untouched).
pub async fn place_card<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: CardTable,
    id: &str,
    column_id: &str,
    position: i64,
) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE {} SET board_column_id = ?1, board_position = ?2
         WHERE id = ?3 AND (board_column_id IS NOT ?1 OR board_position <> ?2)",
        table.name()
    ))
    .bind(column_id)
    .bind(position)
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Takes a card off the board (`updated_at` untouched).
pub async fn clear_card<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: CardTable,
    id: &str,
) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE {} SET board_column_id = NULL, board_position = 0 WHERE id = ?1",
        table.name()
    ))
    .bind(id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Moves a column to a position, writing only when it changes.
pub async fn set_column_position<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    position: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE board_columns SET position = ?2, updated_at = ?3 WHERE id = ?1 AND position <> ?2",
    )
    .bind(id)
    .bind(position)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every column as (id, name, colour, position, number of cards), in board order.
pub async fn columns_with_counts<'e, E: SqliteExecutor<'e>>(
    ex: E,
) -> Result<Vec<(String, String, String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.name, c.colour, c.position,
                (SELECT COUNT(*) FROM posts p WHERE p.board_column_id = c.id)
              + (SELECT COUNT(*) FROM ideas i WHERE i.board_column_id = c.id)
         FROM board_columns c ORDER BY c.position, c.id",
    )
    .fetch_all(ex)
    .await?)
}

/// A card as the board draws it: kind (`post`/`idea`), id, text (a post's first 800 characters;
/// an idea's title, a line break and its notes, cut), post status, post time, campaign id, column
/// id, position, the post's idea id, `updated_at`, number of attachments.
pub type CardRow = (
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    i64,
    Option<String>,
    i64,
    i64,
    Option<String>,
    i64,
    i64,
);

/// Which cards of the board a query reads: every one, or the first cards of some columns.
#[derive(Debug, Clone, Copy)]
pub enum CardScope<'a> {
    /// Every card on the board.
    All,
    /// The first cards of each listed column: a JSON object `{"<column id>": n, …}`. Positions are
    /// gap-free within a column (ideas and posts share them), so this is `board_position < n`,
    /// read through the `(board_column_id, board_position)` indexes: the cost follows `n`, not
    /// the number of cards on the board.
    First(&'a str),
}

impl CardScope<'_> {
    /// The rows of `table` (`posts` or `ideas`) aliased `alias` in this scope: a `FROM` source
    /// and its `WHERE` condition. `?1` is the JSON.
    fn source(self, table: &str, alias: &str) -> (String, String) {
        match self {
            CardScope::All => (
                format!("{table} {alias}"),
                format!("{alias}.board_column_id IS NOT NULL"),
            ),
            CardScope::First(_) => (
                format!(
                    "json_each(?1) l JOIN {table} {alias} ON {alias}.board_column_id = l.key \
                     AND {alias}.board_position < l.value"
                ),
                "1".to_string(),
            ),
        }
    }

    /// The query with the scope's JSON bound as `?1` (when it has one).
    fn query<'q, O>(self, sql: &'q str) -> QueryAs<'q, Sqlite, O, SqliteArguments<'q>>
    where
        Self: 'q,
        O: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        let q = sqlx::query_as(sql);
        match self {
            CardScope::All => q,
            CardScope::First(json) => q.bind(json),
        }
    }
}

/// The posts and ideas on the board in `scope` (text is cut in SQL so a huge post costs nothing),
/// with a post's job states (comma-separated) and the two columns of [`crate::post_mark_columns`].
pub async fn card_rows<'e, E: SqliteExecutor<'e>>(
    ex: E,
    scope: CardScope<'_>,
) -> Result<Vec<CardRow>> {
    let (posts, posts_where) = scope.source("posts", "p");
    let (ideas, ideas_where) = scope.source("ideas", "i");
    let sql = format!(
        concat!(
            "SELECT 'post', p.id, substr(p.body, 1, 800), p.status, p.scheduled_at, p.campaign_id,
                p.board_column_id, p.board_position, p.idea_id, p.updated_at,
                (SELECT COUNT(*) FROM post_media m WHERE m.post_id = p.id),
                (SELECT group_concat(coalesce(j.state, 'draft'), ',')
                   FROM post_targets t LEFT JOIN publish_jobs j ON j.post_target_id = t.id
                  WHERE t.post_id = p.id), ",
            crate::post_mark_columns!(),
            "
           FROM {posts} WHERE {posts_where}
         UNION ALL
         SELECT 'idea', i.id, substr(i.title, 1, 300) || char(10) || substr(i.notes, 1, 600), NULL, NULL,
                i.campaign_id, i.board_column_id, i.board_position, NULL, i.updated_at,
                (SELECT COUNT(*) FROM idea_media m WHERE m.idea_id = i.id), NULL, 0, 0
           FROM {ideas} WHERE {ideas_where}"
        ),
        posts = posts,
        posts_where = posts_where,
        ideas = ideas,
        ideas_where = ideas_where,
    );
    Ok(scope.query(&sql).fetch_all(ex).await?)
}

/// The tags of the cards on the board in `scope` as (kind, card id, tag id, tag name, tag
/// colour), by tag name (case-insensitively) then tag id.
pub async fn card_tags<'e, E: SqliteExecutor<'e>>(
    ex: E,
    scope: CardScope<'_>,
) -> Result<Vec<(String, String, String, String, String)>> {
    let (posts, posts_where) = scope.source("posts", "p");
    let (ideas, ideas_where) = scope.source("ideas", "i");
    let sql = format!(
        "SELECT 'post', pt.post_id, t.id, t.name, t.colour FROM {posts}
           JOIN post_tags pt ON pt.post_id = p.id JOIN tags t ON t.id = pt.tag_id
          WHERE {posts_where}
         UNION ALL
         SELECT 'idea', it.idea_id, t.id, t.name, t.colour FROM {ideas}
           JOIN idea_tags it ON it.idea_id = i.id JOIN tags t ON t.id = it.tag_id
          WHERE {ideas_where}
         ORDER BY 4 COLLATE NOCASE, 3",
    );
    Ok(scope.query(&sql).fetch_all(ex).await?)
}

/// The platforms of the posts on the board in `scope` as (post id, platform), distinct, by post.
pub async fn card_platforms<'e, E: SqliteExecutor<'e>>(
    ex: E,
    scope: CardScope<'_>,
) -> Result<Vec<(String, crate::Platform)>> {
    let (posts, posts_where) = scope.source("posts", "p");
    let sql = format!(
        "SELECT DISTINCT t.post_id, c.platform FROM {posts}
           JOIN post_targets t ON t.post_id = p.id JOIN channels c ON c.id = t.channel_id
          WHERE {posts_where} ORDER BY t.post_id, c.platform",
    );
    Ok(scope.query(&sql).fetch_all(ex).await?)
}
