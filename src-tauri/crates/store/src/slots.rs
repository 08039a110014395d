//! Posting-time slots per channel (the queue).

use sqlx::SqliteExecutor;

use crate::Result;

table! {
    /// A recurring slot: ISO weekday (1 = Monday .. 7 = Sunday) at local `HH:MM` in an IANA zone.
    pub struct PostingSlot in "posting_slots" as "posting slot" order by "channel_id, weekday, local_time, id" {
        pub id: String,
        pub channel_id: String,
        pub weekday: i64,
        pub local_time: String,
        pub time_zone: String,
        pub created_at: i64,
    }
}

/// Slots of one channel in week order.
pub async fn list_for_channel<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
) -> Result<Vec<PostingSlot>> {
    Ok(sqlx::query_as::<_, PostingSlot>(&format!(
        "{} WHERE channel_id = ?1 ORDER BY weekday, local_time, id",
        select_sql()
    ))
    .bind(channel_id)
    .fetch_all(ex)
    .await?)
}

/// Slots of several channels, in week order.
pub async fn list_for_channels<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_ids: &[String],
) -> Result<Vec<PostingSlot>> {
    if channel_ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "{} WHERE channel_id IN ({}) ORDER BY weekday, local_time, id",
        select_sql(),
        placeholders(channel_ids.len())
    );
    let mut q = sqlx::query_as::<_, PostingSlot>(&sql);
    for id in channel_ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(ex).await?)
}

/// Which of `instants` (unix ms) one of the channels already uses: a post that is scheduled or
/// out at exactly that instant (drafts do not occupy a slot). One index lookup per candidate on
/// `posts_scheduled_at`, so the cost follows the number of slot occurrences, not of posts.
pub async fn occupied<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_ids: &[String],
    instants: &[i64],
) -> Result<Vec<i64>> {
    if channel_ids.is_empty() || instants.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT DISTINCT p.scheduled_at FROM posts p
         JOIN post_targets t ON t.post_id = p.id
         WHERE p.scheduled_at IN ({}) AND p.status <> 'draft' AND t.channel_id IN ({})
         ORDER BY p.scheduled_at",
        placeholders_from(instants.len(), 1),
        placeholders_from(channel_ids.len(), instants.len() + 1)
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for at in instants {
        q = q.bind(at);
    }
    for id in channel_ids {
        q = q.bind(id);
    }
    Ok(q.fetch_all(ex).await?)
}

fn placeholders(n: usize) -> String {
    placeholders_from(n, 1)
}

fn placeholders_from(n: usize, first: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Deletes every posting slot of a channel.
pub async fn delete_for_channel<'e, E: SqliteExecutor<'e>>(ex: E, channel_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM posting_slots WHERE channel_id = ?1")
        .bind(channel_id)
        .execute(ex)
        .await?;
    Ok(())
}
