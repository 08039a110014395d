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
