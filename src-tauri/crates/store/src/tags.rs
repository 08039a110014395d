//! Tags and their links to posts and ideas.

use sqlx::SqliteExecutor;

use crate::{Error, Result};

table! {
    /// A tag; names are unique case-insensitively.
    pub struct Tag in "tags" as "tag" order by "name COLLATE NOCASE, id" {
        pub id: String,
        pub name: String,
        pub colour: String,
        pub created_at: i64,
    }
}

/// The tag with this name (case-insensitive).
pub async fn find_by_name<'e, E: SqliteExecutor<'e>>(ex: E, name: &str) -> Result<Option<Tag>> {
    Ok(
        sqlx::query_as::<_, Tag>(&format!("{} WHERE name = ?1 COLLATE NOCASE", select_sql()))
            .bind(name)
            .fetch_optional(ex)
            .await?,
    )
}

/// A (post, tag) link.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct PostTag {
    pub post_id: String,
    pub tag_id: String,
}

/// An (idea, tag) link.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct IdeaTag {
    pub idea_id: String,
    pub tag_id: String,
}

/// Tags a post (no-op if already tagged).
pub async fn tag_post<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str, tag_id: &str) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (?1, ?2)")
        .bind(post_id)
        .bind(tag_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Removes a tag from a post.
pub async fn untag_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    tag_id: &str,
) -> Result<()> {
    let done = sqlx::query("DELETE FROM post_tags WHERE post_id = ?1 AND tag_id = ?2")
        .bind(post_id)
        .bind(tag_id)
        .execute(ex)
        .await?;
    not_found_if_zero(done.rows_affected(), "post tag", post_id, tag_id)
}

/// Tags an idea (no-op if already tagged).
pub async fn tag_idea<'e, E: SqliteExecutor<'e>>(ex: E, idea_id: &str, tag_id: &str) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO idea_tags (idea_id, tag_id) VALUES (?1, ?2)")
        .bind(idea_id)
        .bind(tag_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Removes a tag from an idea.
pub async fn untag_idea<'e, E: SqliteExecutor<'e>>(
    ex: E,
    idea_id: &str,
    tag_id: &str,
) -> Result<()> {
    let done = sqlx::query("DELETE FROM idea_tags WHERE idea_id = ?1 AND tag_id = ?2")
        .bind(idea_id)
        .bind(tag_id)
        .execute(ex)
        .await?;
    not_found_if_zero(done.rows_affected(), "idea tag", idea_id, tag_id)
}

fn not_found_if_zero(rows: u64, what: &'static str, a: &str, b: &str) -> Result<()> {
    if rows == 0 {
        Err(Error::NotFound {
            what,
            id: format!("{a}/{b}"),
        })
    } else {
        Ok(())
    }
}

/// Tags of one post, by name.
pub async fn for_post<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<Vec<Tag>> {
    Ok(sqlx::query_as::<_, Tag>(
        "SELECT t.id, t.name, t.colour, t.created_at FROM tags t JOIN post_tags pt ON pt.tag_id = t.id
         WHERE pt.post_id = ?1 ORDER BY t.name COLLATE NOCASE, t.id",
    )
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// Tags of one idea, by name.
pub async fn for_idea<'e, E: SqliteExecutor<'e>>(ex: E, idea_id: &str) -> Result<Vec<Tag>> {
    Ok(sqlx::query_as::<_, Tag>(
        "SELECT t.id, t.name, t.colour, t.created_at FROM tags t JOIN idea_tags it ON it.tag_id = t.id
         WHERE it.idea_id = ?1 ORDER BY t.name COLLATE NOCASE, t.id",
    )
    .bind(idea_id)
    .fetch_all(ex)
    .await?)
}

/// Every post-tag link (export).
pub async fn list_all_post_tags<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<PostTag>> {
    Ok(sqlx::query_as::<_, PostTag>(
        "SELECT post_id, tag_id FROM post_tags ORDER BY post_id, tag_id",
    )
    .fetch_all(ex)
    .await?)
}

/// Every idea-tag link (export).
pub async fn list_all_idea_tags<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<IdeaTag>> {
    Ok(sqlx::query_as::<_, IdeaTag>(
        "SELECT idea_id, tag_id FROM idea_tags ORDER BY idea_id, tag_id",
    )
    .fetch_all(ex)
    .await?)
}

/// Number of post-tag links.
pub async fn count_post_tags<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM post_tags")
        .fetch_one(ex)
        .await?)
}

/// Number of idea-tag links.
pub async fn count_idea_tags<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM idea_tags")
        .fetch_one(ex)
        .await?)
}

/// The name of another tag called `name` (case-insensitively), other than `except`.
pub async fn name_clash<'e, E: SqliteExecutor<'e>>(
    ex: E,
    name: &str,
    except: Option<&str>,
) -> Result<Option<String>> {
    crate::sql::name_clash(ex, "tags", name, except).await
}

/// How many posts and how many ideas carry a tag.
pub async fn usage<'e, E: SqliteExecutor<'e>>(ex: E, tag_id: &str) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM post_tags WHERE tag_id = ?1), (SELECT COUNT(*) FROM idea_tags WHERE tag_id = ?1)",
    )
    .bind(tag_id)
    .fetch_one(ex)
    .await?)
}

/// Ids of the posts carrying a tag.
pub async fn post_ids<'e, E: SqliteExecutor<'e>>(ex: E, tag_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT post_id FROM post_tags WHERE tag_id = ?1")
            .bind(tag_id)
            .fetch_all(ex)
            .await?,
    )
}

/// Ids of the ideas carrying a tag.
pub async fn idea_ids<'e, E: SqliteExecutor<'e>>(ex: E, tag_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT idea_id FROM idea_tags WHERE tag_id = ?1")
            .bind(tag_id)
            .fetch_all(ex)
            .await?,
    )
}

/// Ids of the tags of an idea.
pub async fn ids_for_idea<'e, E: SqliteExecutor<'e>>(ex: E, idea_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT tag_id FROM idea_tags WHERE idea_id = ?1")
            .bind(idea_id)
            .fetch_all(ex)
            .await?,
    )
}

/// Removes every tag from a post.
pub async fn clear_post<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM post_tags WHERE post_id = ?1")
        .bind(post_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Removes every tag from an idea.
pub async fn clear_idea<'e, E: SqliteExecutor<'e>>(ex: E, idea_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM idea_tags WHERE idea_id = ?1")
        .bind(idea_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Tags a post if the post still exists (a no-op otherwise, or when already tagged).
pub async fn retag_post_if_present<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    tag_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO post_tags (post_id, tag_id) SELECT id, ?2 FROM posts WHERE id = ?1",
    )
    .bind(post_id)
    .bind(tag_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Tags an idea if the idea still exists (a no-op otherwise, or when already tagged).
pub async fn retag_idea_if_present<'e, E: SqliteExecutor<'e>>(
    ex: E,
    idea_id: &str,
    tag_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO idea_tags (idea_id, tag_id) SELECT id, ?2 FROM ideas WHERE id = ?1",
    )
    .bind(idea_id)
    .bind(tag_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Tags a post if the tag still exists (a no-op otherwise, or when already tagged).
pub async fn tag_post_if_tag_exists<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    tag_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO post_tags (post_id, tag_id)
         SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM tags WHERE id = ?2)",
    )
    .bind(post_id)
    .bind(tag_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Tags an idea if the tag still exists (a no-op otherwise, or when already tagged).
pub async fn tag_idea_if_tag_exists<'e, E: SqliteExecutor<'e>>(
    ex: E,
    idea_id: &str,
    tag_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO idea_tags (idea_id, tag_id) SELECT ?1, id FROM tags WHERE id = ?2",
    )
    .bind(idea_id)
    .bind(tag_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Gives a post every tag of an idea (the post has none yet).
pub async fn copy_idea_tags_to_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    idea_id: &str,
    post_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO post_tags (post_id, tag_id) SELECT ?1, tag_id FROM idea_tags WHERE idea_id = ?2",
    )
    .bind(post_id)
    .bind(idea_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every (post id, tag name) pair, by tag name (case-insensitively).
pub async fn post_tag_names<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT pt.post_id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id ORDER BY t.name COLLATE NOCASE",
    )
    .fetch_all(ex)
    .await?)
}
