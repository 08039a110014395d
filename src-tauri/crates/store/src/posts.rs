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

    /// Deletes every target of a post (their jobs and attempts cascade).
    pub async fn delete_for_post<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<()> {
        sqlx::query("DELETE FROM post_targets WHERE post_id = ?1")
            .bind(post_id)
            .execute(ex)
            .await?;
        Ok(())
    }

    /// Every target as (post id, channel id, first comment), by post then creation.
    pub async fn list_channel_comments<'e, E: SqliteExecutor<'e>>(
        ex: E,
    ) -> Result<Vec<(String, String, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT post_id, channel_id, first_comment FROM post_targets ORDER BY post_id, created_at, id",
        )
        .fetch_all(ex)
        .await?)
    }
}

/// Sets `updated_at`; false when there is no such post.
pub async fn touch<'e, E: SqliteExecutor<'e>>(ex: E, id: &str, now: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE posts SET updated_at = ?2 WHERE id = ?1")
        .bind(id)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Sets or clears a post's campaign; false when there is no such post.
pub async fn set_campaign<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
    campaign_id: Option<&str>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query("UPDATE posts SET campaign_id = ?2, updated_at = ?3 WHERE id = ?1")
        .bind(id)
        .bind(campaign_id)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Ids of the posts made from an idea, oldest first.
pub async fn ids_for_idea<'e, E: SqliteExecutor<'e>>(ex: E, idea_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM posts WHERE idea_id = ?1 ORDER BY created_at, id")
            .bind(idea_id)
            .fetch_all(ex)
            .await?,
    )
}

/// Links a post back to an idea unless it is linked to one by now (`updated_at` untouched).
pub async fn link_idea_if_unlinked<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    idea_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE posts SET idea_id = ?1 WHERE id = ?2 AND idea_id IS NULL")
        .bind(idea_id)
        .bind(post_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// The first 300 characters of a post's text and its status, for a search hit.
pub async fn search_summary<'e, E: SqliteExecutor<'e>>(
    ex: E,
    id: &str,
) -> Result<Option<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT substr(body, 1, 300), status FROM posts WHERE id = ?1")
            .bind(id)
            .fetch_optional(ex)
            .await?,
    )
}

/// A post's text with a channel's platform id and display name (for a desktop notice); `None`
/// when either is gone.
pub async fn notice_parts<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    channel_id: &str,
) -> Result<Option<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT p.body, c.platform, c.display_name FROM posts p, channels c
         WHERE p.id = ?1 AND c.id = ?2",
    )
    .bind(post_id)
    .bind(channel_id)
    .fetch_optional(ex)
    .await?)
}

/// A post as the CSV export writes it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExportRow {
    pub id: String,
    pub body: String,
    pub scheduled_at: Option<i64>,
    pub time_zone: Option<String>,
    pub status: String,
}

/// Every post for the CSV export: scheduled ones by time, then drafts, by creation.
pub async fn list_for_export<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<ExportRow>> {
    Ok(sqlx::query_as(
        "SELECT id, body, scheduled_at, time_zone, status FROM posts
         ORDER BY scheduled_at IS NULL, scheduled_at, created_at, id",
    )
    .fetch_all(ex)
    .await?)
}

/// The next post waiting to go out (not handed to a platform's scheduler): (post id, due at,
/// first 80 characters, number of targets).
pub async fn next_waiting<'e, E: SqliteExecutor<'e>>(
    ex: E,
) -> Result<Option<(String, i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT p.id, j.due_at, substr(p.body, 1, 80),
                (SELECT COUNT(*) FROM post_targets t2 WHERE t2.post_id = p.id)
         FROM publish_jobs j JOIN post_targets t ON t.id = j.post_target_id JOIN posts p ON p.id = t.post_id
         WHERE j.state = 'scheduled' AND j.native_schedule_id IS NULL
         ORDER BY j.state, j.due_at LIMIT 1",
    )
    .fetch_optional(ex)
    .await?)
}

/// Filters of [`calendar_items`]; empty lists filter nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CalendarFilter {
    pub statuses: Vec<String>,
    pub channel_ids: Vec<String>,
    pub tag_ids: Vec<String>,
    pub campaign_id: Option<String>,
}

/// One calendar entry: id, status, scheduled at, time zone, first 160 characters, campaign id,
/// channels (`id US platform US label` joined by RS), job states (comma-joined, `draft` for a
/// target without a job), attachment count, first attachment's media id and mime.
pub type CalendarItemBase = (
    String,
    String,
    i64,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
);

/// A calendar entry's marks: how many of its jobs were handed to the platform, how many published
/// ones have a first comment that did not go out (see [`crate::post_mark_columns`]).
pub type CalendarMarks = (i64, i64);

/// A calendar entry as [`calendar_items`] returns it.
pub type CalendarItemRow = (CalendarItemBase, CalendarMarks);

/// The first 13 columns of a row (`CALENDAR_COLUMNS`) as a [`CalendarItemRow`].
fn calendar_row(r: &sqlx::sqlite::SqliteRow) -> Result<CalendarItemRow> {
    use sqlx::Row;
    Ok((
        (
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
            r.try_get(7)?,
            r.try_get(8)?,
            r.try_get(9)?,
            r.try_get(10)?,
        ),
        (r.try_get(11)?, r.try_get(12)?),
    ))
}

/// Two columns about a post `p` for its card's marks: how many of its jobs were handed to the
/// platform (native scheduling) and are not cancelled or failed, and how many of its published
/// jobs have a first comment that did not go out (failed, or its outcome unknown).
#[macro_export]
macro_rules! post_mark_columns {
    () => {
        "(SELECT count(*) FROM post_targets t JOIN publish_jobs j ON j.post_target_id = t.id
            WHERE t.post_id = p.id AND j.native_schedule_id IS NOT NULL
              AND j.state IN ('scheduled', 'publishing', 'published', 'unconfirmed')),
         (SELECT count(*) FROM post_targets t JOIN publish_jobs j ON j.post_target_id = t.id
            JOIN publish_parts pp ON pp.job_id = j.id
            WHERE t.post_id = p.id AND j.state = 'published' AND pp.kind = 'comment'
              AND pp.state IN ('failed', 'sending'))"
    };
}

/// What a calendar entry shows, for the posts `p` (see [`CalendarItemRow`]).
const CALENDAR_COLUMNS: &str = concat!("p.id, p.status, p.scheduled_at, p.time_zone, substr(p.body, 1, 160), p.campaign_id,
            (SELECT group_concat(c.id || char(31) || c.platform || char(31) ||
                    CASE WHEN c.handle = '' THEN c.display_name ELSE c.handle END, char(30))
               FROM post_targets t JOIN channels c ON c.id = t.channel_id WHERE t.post_id = p.id),
            (SELECT group_concat(coalesce(j.state, 'draft'), ',')
               FROM post_targets t LEFT JOIN publish_jobs j ON j.post_target_id = t.id WHERE t.post_id = p.id),
            (SELECT count(*) FROM post_media m WHERE m.post_id = p.id),
            (SELECT m.media_id FROM post_media m WHERE m.post_id = p.id ORDER BY m.position LIMIT 1),
            (SELECT a.mime FROM post_media m JOIN media_assets a ON a.id = m.media_id
               WHERE m.post_id = p.id ORDER BY m.position LIMIT 1), ",
    post_mark_columns!()
);

/// The filter's conditions on posts `p` (` AND …`), their values bound from `?{first}` on.
fn calendar_filter_sql(filter: &CalendarFilter, p: &str, first: usize) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut binds: Vec<String> = Vec::new();
    let mut ph = |values: &[String]| -> String {
        let start = first + binds.len();
        binds.extend(values.iter().cloned());
        (0..values.len())
            .map(|i| format!("?{}", start + i))
            .collect::<Vec<_>>()
            .join(",")
    };
    if !filter.statuses.is_empty() {
        sql.push_str(&format!(" AND {p}.status IN ({})", ph(&filter.statuses)));
    }
    if !filter.channel_ids.is_empty() {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = {p}.id AND t.channel_id IN ({}))",
            ph(&filter.channel_ids)
        ));
    }
    if !filter.tag_ids.is_empty() {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM post_tags g WHERE g.post_id = {p}.id AND g.tag_id IN ({}))",
            ph(&filter.tag_ids)
        ));
    }
    if let Some(c) = &filter.campaign_id {
        sql.push_str(&format!(
            " AND {p}.campaign_id = {}",
            ph(std::slice::from_ref(c))
        ));
    }
    (sql, binds)
}

/// Posts scheduled in `[from_ms, to_ms)` matching the filter, by time, with what a calendar
/// entry shows.
pub async fn calendar_items<'e, E: SqliteExecutor<'e>>(
    ex: E,
    from_ms: i64,
    to_ms: i64,
    filter: &CalendarFilter,
) -> Result<Vec<CalendarItemRow>> {
    let (cond, binds) = calendar_filter_sql(filter, "p", 3);
    let sql = format!(
        "SELECT {CALENDAR_COLUMNS}
         FROM posts p INDEXED BY posts_scheduled_at
         WHERE p.scheduled_at IS NOT NULL AND p.scheduled_at >= ?1 AND p.scheduled_at < ?2{cond}
         ORDER BY p.scheduled_at, p.id"
    );
    let mut query = sqlx::query(&sql).bind(from_ms).bind(to_ms);
    for b in &binds {
        query = query.bind(b);
    }
    query
        .fetch_all(ex)
        .await?
        .iter()
        .map(calendar_row)
        .collect()
}

/// Like [`calendar_items`] for the days `[day_starts[i], day_starts[i + 1])` (unix ms, ascending),
/// but at most `per_day` posts a day (the first by time): what a month grid shows, so its cost does
/// not grow with the number of posts a day holds. Each row comes with the number of posts of its
/// day matching the filter.
pub async fn calendar_items_per_day<'e, E: SqliteExecutor<'e>>(
    ex: E,
    day_starts: &[i64],
    per_day: i64,
    filter: &CalendarFilter,
) -> Result<Vec<(CalendarItemRow, i64)>> {
    if day_starts.len() < 2 {
        return Ok(Vec::new());
    }
    // The days as a JSON array of their bounds: one bound value, whatever the number of days.
    // Per day: its count and its first posts, each one probe of the `posts_scheduled_at` index
    // (the join order is fixed: days first, whatever the table statistics say).
    let days = serde_json::to_string(day_starts).unwrap_or_else(|_| "[]".into());
    let (cond, binds) = calendar_filter_sql(filter, "q", 3);
    let in_day = format!(
        "FROM posts q INDEXED BY posts_scheduled_at
         WHERE q.scheduled_at IS NOT NULL AND q.scheduled_at >= d.d0 AND q.scheduled_at < d.d1{cond}"
    );
    let sql = format!(
        "WITH bounds(i, d0) AS (SELECT CAST(key AS INTEGER), value FROM json_each(?1)),
              days(i, d0, d1) AS MATERIALIZED
                (SELECT a.i, a.d0, b.d0 FROM bounds a JOIN bounds b ON b.i = a.i + 1),
              counts(i, n) AS MATERIALIZED (SELECT d.i, (SELECT count(*) {in_day}) FROM days d)
         SELECT {CALENDAR_COLUMNS}, c.n
         FROM days d CROSS JOIN counts c CROSS JOIN posts p
         WHERE c.i = d.i
           AND p.rowid IN (SELECT q.rowid {in_day} ORDER BY q.scheduled_at, q.id LIMIT ?2)
         ORDER BY p.scheduled_at, p.id"
    );
    let mut query = sqlx::query(&sql).bind(days).bind(per_day.max(1));
    for b in &binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(ex).await?;
    rows.iter()
        .map(|r| {
            use sqlx::Row;
            Ok((calendar_row(r)?, r.try_get(13)?))
        })
        .collect()
}

/// The rows of many new posts, written together by [`PostBatch::write`] (the CSV import, the demo
/// seed): a few statements a table instead of five a post, so 100,000 posts with their targets and
/// jobs take seconds. Rows keep their ids and timestamps as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostBatch {
    pub posts: Vec<Post>,
    pub media: Vec<crate::media::post_media::PostMedia>,
    pub targets: Vec<targets::PostTarget>,
    pub jobs: Vec<crate::jobs::PublishJob>,
    /// (post id, tag id) links; a link given twice is kept once.
    pub tags: Vec<(String, String)>,
}

impl PostBatch {
    /// Whether the batch holds no post.
    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }

    /// Writes every row on `conn` (use a transaction: all or nothing), parents before children.
    pub async fn write(&self, conn: &mut sqlx::SqliteConnection) -> Result<()> {
        insert_many(&mut *conn, &self.posts).await?;
        crate::media::post_media::insert_many(&mut *conn, &self.media).await?;
        targets::insert_many(&mut *conn, &self.targets).await?;
        crate::jobs::insert_many(&mut *conn, &self.jobs).await?;
        for chunk in self.tags.chunks(crate::sql::rows_per_insert(2)) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT OR IGNORE INTO post_tags (post_id, tag_id) ",
            );
            q.push_values(chunk, |mut b, (post, tag)| {
                b.push_bind(post).push_bind(tag);
            });
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    }
}
