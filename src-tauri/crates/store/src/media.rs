//! Media library and its ordered attachment to posts and ideas.

use sqlx::SqliteExecutor;

use crate::Result;

table! {
    /// A media file in the data dir's media folder.
    pub struct MediaAsset in "media_assets" as "media item" order by "created_at, id" {
        pub id: String,
        /// Relative to the data dir's media folder.
        pub file_path: String,
        pub original_name: String,
        pub mime: String,
        pub bytes: i64,
        pub width: Option<i64>,
        pub height: Option<i64>,
        pub duration_ms: Option<i64>,
        /// Lowercase hex.
        pub sha256: String,
        pub alt_text: String,
        pub thumbnail_path: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// Media with this content hash (deduplication on import into the library).
pub async fn find_by_sha256<'e, E: SqliteExecutor<'e>>(
    ex: E,
    sha256: &str,
) -> Result<Option<MediaAsset>> {
    Ok(sqlx::query_as::<_, MediaAsset>(&format!(
        "{} WHERE sha256 = ?1 ORDER BY created_at, id LIMIT 1",
        select_sql()
    ))
    .bind(sha256)
    .fetch_optional(ex)
    .await?)
}

/// Sets a library item's alt text.
pub async fn set_alt_text<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    alt_text: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE media_assets SET alt_text = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(id)
        .bind(alt_text)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

/// Records a library item's thumbnail file (relative to the media folder).
pub async fn set_thumbnail<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    thumbnail_path: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE media_assets SET thumbnail_path = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(id)
        .bind(thumbnail_path)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

/// A library item's file and thumbnail paths, if the item exists.
pub async fn files_of<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
) -> Result<Option<(String, Option<String>)>> {
    Ok(
        sqlx::query_as("SELECT file_path, thumbnail_path FROM media_assets WHERE id = ?1")
            .bind(id)
            .fetch_optional(ex)
            .await?,
    )
}

/// How many library items use this path as their file or thumbnail.
pub async fn count_path_uses<'e, E: SqliteExecutor<'e>>(ex: E, path: &str) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM media_assets WHERE file_path = ?1 OR thumbnail_path = ?1",
    )
    .bind(path)
    .fetch_one(ex)
    .await?)
}

/// Every library item's file path.
pub async fn list_file_paths<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<Option<String>>> {
    Ok(sqlx::query_scalar("SELECT \"file_path\" FROM media_assets")
        .fetch_all(ex)
        .await?)
}

/// Every library item's thumbnail path (`None` where there is none).
pub async fn list_thumbnail_paths<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<Option<String>>> {
    Ok(
        sqlx::query_scalar("SELECT \"thumbnail_path\" FROM media_assets")
            .fetch_all(ex)
            .await?,
    )
}

/// Ordered media of posts (optionally only for one target).
pub mod post_media {
    use sqlx::SqliteExecutor;

    use crate::Result;

    table! {
        /// Media item `position` of a post; `target_id` set when only that target uses it.
        pub struct PostMedia in "post_media" as "post attachment" order by "post_id, position, id" {
            pub id: String,
            pub post_id: String,
            pub target_id: Option<String>,
            pub media_id: String,
            pub position: i64,
            pub created_at: i64,
        }
    }

    /// Attachments of one post in order (shared ones and every target's).
    pub async fn list_for_post<'e, E: SqliteExecutor<'e>>(
        ex: E,
        post_id: &str,
    ) -> Result<Vec<PostMedia>> {
        Ok(sqlx::query_as::<_, PostMedia>(&format!(
            "{} WHERE post_id = ?1 ORDER BY position, id",
            select_sql()
        ))
        .bind(post_id)
        .fetch_all(ex)
        .await?)
    }
    /// Deletes every attachment of a post.
    pub async fn delete_for_post<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM post_media WHERE post_id = ?1")
            .bind(post_id)
            .execute(ex)
            .await?;
        Ok(())
    }

    /// Inserts an attachment unless its library item is gone (then nothing happens).
    pub async fn insert_if_media_exists<'e, E: SqliteExecutor<'e>>(
        ex: E,
        row: &PostMedia,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO post_media (id, post_id, target_id, media_id, position, created_at)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM media_assets WHERE id = ?4)",
        )
        .bind(&row.id)
        .bind(&row.post_id)
        .bind(&row.target_id)
        .bind(&row.media_id)
        .bind(row.position)
        .bind(row.created_at)
        .execute(ex)
        .await?;
        Ok(())
    }

    /// The shared attachments of every post as (post id, library file path), by post and position.
    pub async fn list_shared_files<'e, E: SqliteExecutor<'e>>(
        ex: E,
    ) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT pm.post_id, m.file_path FROM post_media pm JOIN media_assets m ON m.id = pm.media_id
             WHERE pm.target_id IS NULL ORDER BY pm.post_id, pm.position",
        )
        .fetch_all(ex)
        .await?)
    }

    /// `(post_id, alt_text)` of every shared attachment, in the order of [`list_shared_files`].
    pub async fn list_shared_alt_texts<'e, E: SqliteExecutor<'e>>(
        ex: E,
    ) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT pm.post_id, m.alt_text FROM post_media pm JOIN media_assets m ON m.id = pm.media_id
             WHERE pm.target_id IS NULL ORDER BY pm.post_id, pm.position",
        )
        .fetch_all(ex)
        .await?)
    }
}

/// Ordered media of ideas (keyed by idea and media, no own id).
pub mod idea_media {
    use sqlx::SqliteExecutor;

    use crate::{Error, Result};

    /// Media item `position` of an idea.
    #[derive(
        Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow,
    )]
    pub struct IdeaMedia {
        pub idea_id: String,
        pub media_id: String,
        pub position: i64,
    }

    /// Attaches media to an idea (import uses this too).
    pub async fn insert<'e, E: SqliteExecutor<'e>>(ex: E, row: &IdeaMedia) -> Result<()> {
        sqlx::query("INSERT INTO idea_media (idea_id, media_id, position) VALUES (?1, ?2, ?3)")
            .bind(&row.idea_id)
            .bind(&row.media_id)
            .bind(row.position)
            .execute(ex)
            .await?;
        Ok(())
    }

    /// Detaches media from an idea.
    pub async fn delete<'e, E: SqliteExecutor<'e>>(
        ex: E,
        idea_id: &str,
        media_id: &str,
    ) -> Result<()> {
        let done = sqlx::query("DELETE FROM idea_media WHERE idea_id = ?1 AND media_id = ?2")
            .bind(idea_id)
            .bind(media_id)
            .execute(ex)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                what: "idea attachment",
                id: format!("{idea_id}/{media_id}"),
            });
        }
        Ok(())
    }

    /// Attachments of one idea in order.
    pub async fn list_for_idea<'e, E: SqliteExecutor<'e>>(
        ex: E,
        idea_id: &str,
    ) -> Result<Vec<IdeaMedia>> {
        Ok(sqlx::query_as::<_, IdeaMedia>(
            "SELECT idea_id, media_id, position FROM idea_media WHERE idea_id = ?1 ORDER BY position, media_id",
        )
        .bind(idea_id)
        .fetch_all(ex)
        .await?)
    }

    /// Every row, stable order.
    pub async fn list_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<IdeaMedia>> {
        Ok(sqlx::query_as::<_, IdeaMedia>(
            "SELECT idea_id, media_id, position FROM idea_media ORDER BY idea_id, position, media_id",
        )
        .fetch_all(ex)
        .await?)
    }

    /// Number of rows.
    pub async fn count_all<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM idea_media")
            .fetch_one(ex)
            .await?)
    }

    /// Removes every attachment of an idea.
    pub async fn delete_for_idea<'e, E: SqliteExecutor<'e>>(ex: E, idea_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM idea_media WHERE idea_id = ?1")
            .bind(idea_id)
            .execute(ex)
            .await?;
        Ok(())
    }

    /// Attaches a library item to an idea unless the item is gone (or already attached).
    pub async fn insert_if_media_exists<'e, E: SqliteExecutor<'e>>(
        ex: E,
        row: &IdeaMedia,
    ) -> Result<()> {
        sqlx::query(
            "INSERT OR IGNORE INTO idea_media (idea_id, media_id, position) SELECT ?1, id, ?3 FROM media_assets WHERE id = ?2",
        )
        .bind(&row.idea_id)
        .bind(&row.media_id)
        .bind(row.position)
        .execute(ex)
        .await?;
        Ok(())
    }
}
