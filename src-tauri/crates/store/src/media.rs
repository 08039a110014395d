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
}
