//! Posts (base text, schedule) and their per-channel targets (variants).

use sqlx::SqliteExecutor;

use crate::{Error, PostStatus, Result};

table! {
    /// A post: one base text, optionally scheduled, published to one or more targets.
    pub struct Post in "posts" as "post" order by "created_at, id" {
        pub id: String,
        pub body: String,
        pub status: PostStatus,
        /// The UTC instant (unix ms) the post is due / was published; `None` for unscheduled drafts.
        pub scheduled_at: Option<i64>,
        /// IANA time zone the user scheduled in, e.g. `Europe/Berlin`.
        pub time_zone: Option<String>,
        /// The wall-clock intent in that zone, `YYYY-MM-DDTHH:MM:SS` (kept so DST rule changes can be re-resolved).
        pub local_time: Option<String>,
        pub campaign_id: Option<String>,
        pub board_column_id: Option<String>,
        pub board_position: i64,
        pub idea_id: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// Posts scheduled in `[from, to)` (unix ms), by time: the calendar's month/week query.
pub async fn list_in_range<'e, E: SqliteExecutor<'e>>(
    ex: E,
    from: i64,
    to: i64,
) -> Result<Vec<Post>> {
    Ok(sqlx::query_as::<_, Post>(&format!(
        "{} WHERE scheduled_at >= ?1 AND scheduled_at < ?2 ORDER BY scheduled_at, id",
        select_sql()
    ))
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}

/// A calendar cell entry: the post plus the channels it targets.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct CalendarEntry {
    pub id: String,
    pub status: PostStatus,
    pub scheduled_at: i64,
    pub time_zone: Option<String>,
    /// First 140 characters of the body.
    pub excerpt: String,
    pub campaign_id: Option<String>,
    /// Target channel ids, comma separated in SQL, split here.
    #[sqlx(skip)]
    pub channel_ids: Vec<String>,
    #[serde(skip)]
    channel_list: Option<String>,
}

/// Calendar entries in `[from, to)` with their channel ids, in one indexed query.
pub async fn calendar<'e, E: SqliteExecutor<'e>>(
    ex: E,
    from: i64,
    to: i64,
) -> Result<Vec<CalendarEntry>> {
    let mut rows = sqlx::query_as::<_, CalendarEntry>(
        "SELECT p.id, p.status, p.scheduled_at, p.time_zone, substr(p.body, 1, 140) AS excerpt, p.campaign_id,
                (SELECT group_concat(t.channel_id, ',') FROM post_targets t WHERE t.post_id = p.id) AS channel_list
         FROM posts p WHERE p.scheduled_at >= ?1 AND p.scheduled_at < ?2 ORDER BY p.scheduled_at, p.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?;
    for row in &mut rows {
        row.channel_ids = row
            .channel_list
            .take()
            .map(|s| s.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
    }
    Ok(rows)
}

/// Posts with a status, newest change first, paged.
pub async fn list_by_status<'e, E: SqliteExecutor<'e>>(
    ex: E,
    status: PostStatus,
    limit: i64,
    offset: i64,
) -> Result<Vec<Post>> {
    Ok(sqlx::query_as::<_, Post>(&format!(
        "{} WHERE status = ?1 ORDER BY updated_at DESC, id DESC LIMIT ?2 OFFSET ?3",
        select_sql()
    ))
    .bind(status)
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?)
}

/// Every post, newest change first, paged (post lists).
pub async fn list_page<'e, E: SqliteExecutor<'e>>(
    ex: E,
    limit: i64,
    offset: i64,
) -> Result<Vec<Post>> {
    Ok(sqlx::query_as::<_, Post>(&format!(
        "{} ORDER BY updated_at DESC, id DESC LIMIT ?1 OFFSET ?2",
        select_sql()
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(ex)
    .await?)
}

/// Sets a post's status.
pub async fn set_status<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    status: PostStatus,
    now: i64,
) -> Result<()> {
    let done = sqlx::query("UPDATE posts SET status = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(id)
        .bind(status)
        .bind(now)
        .execute(ex)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what: "post",
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// Moves a post in time (drag to reschedule): instant, zone and wall-clock intent together.
pub async fn reschedule<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    scheduled_at: Option<i64>,
    time_zone: Option<&str>,
    local_time: Option<&str>,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE posts SET scheduled_at = ?2, time_zone = ?3, local_time = ?4, updated_at = ?5 WHERE id = ?1",
    )
    .bind(id)
    .bind(scheduled_at)
    .bind(time_zone)
    .bind(local_time)
    .bind(now)
    .execute(ex)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound {
            what: "post",
            id: id.to_owned(),
        });
    }
    Ok(())
}

/// Per-channel targets of posts, with their variant content.
pub mod targets {
    use sqlx::SqliteExecutor;

    use crate::{JsonValue, Result};

    table! {
        /// A post published to one channel; `None` variant fields mean "use the base text".
        pub struct PostTarget in "post_targets" as "post target" order by "post_id, created_at, id" {
            pub id: String,
            pub post_id: String,
            pub channel_id: String,
            pub caption: Option<String>,
            pub title: Option<String>,
            pub thumbnail_media_id: Option<String>,
            pub first_comment: Option<String>,
            /// JSON array of strings (thread parts after the first).
            pub thread_parts: JsonValue,
            /// JSON object of platform-specific options (privacy, board id, ...).
            pub options: JsonValue,
            /// Hand scheduling to the platform (Facebook Pages, YouTube, Mastodon).
            pub native_scheduling: bool,
            pub created_at: i64,
            pub updated_at: i64,
        }
    }

    /// Targets of one post.
    pub async fn list_for_post<'e, E: SqliteExecutor<'e>>(
        ex: E,
        post_id: &str,
    ) -> Result<Vec<PostTarget>> {
        Ok(sqlx::query_as::<_, PostTarget>(&format!(
            "{} WHERE post_id = ?1 ORDER BY created_at, id",
            select_sql()
        ))
        .bind(post_id)
        .fetch_all(ex)
        .await?)
    }

    /// Targets on one channel.
    pub async fn list_for_channel<'e, E: SqliteExecutor<'e>>(
        ex: E,
        channel_id: &str,
    ) -> Result<Vec<PostTarget>> {
        Ok(sqlx::query_as::<_, PostTarget>(&format!(
            "{} WHERE channel_id = ?1 ORDER BY created_at, id",
            select_sql()
        ))
        .bind(channel_id)
        .fetch_all(ex)
        .await?)
    }
}
