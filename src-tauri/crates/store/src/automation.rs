//! Automation: feeds (RSS/Atom/JSON Feed autopost) with the items each has seen, and evergreen
//! rules with their repeats.

use sqlx::SqliteExecutor;

use crate::{JsonValue, Result};

table! {
    /// A feed bound to channels; `channel_ids`, `include_keywords`, `exclude_keywords` are JSON
    /// string arrays; `mode` is `draft`, `queue` or `now`; `last_status` is `new`, `ok`,
    /// `not_modified` or `error`.
    pub struct Feed in "feeds" as "feed" order by "created_at, id" {
        pub id: String,
        pub url: String,
        pub title: String,
        pub channel_ids: JsonValue,
        pub mode: String,
        pub template: String,
        pub include_keywords: JsonValue,
        pub exclude_keywords: JsonValue,
        pub backfill_limit: i64,
        pub poll_every_minutes: i64,
        pub paused: bool,
        pub etag: Option<String>,
        pub last_modified: Option<String>,
        pub last_polled_at: Option<i64>,
        pub next_poll_at: Option<i64>,
        pub last_status: String,
        pub last_error: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// Feeds not paused whose next poll is due at `now` (or that were never polled), oldest due first.
pub async fn due<'e, E: SqliteExecutor<'e>>(ex: E, now: i64) -> Result<Vec<Feed>> {
    Ok(sqlx::query_as::<_, Feed>(&format!(
        "{} WHERE paused = 0 AND (next_poll_at IS NULL OR next_poll_at <= ?1) ORDER BY next_poll_at, id",
        select_sql()
    ))
    .bind(now)
    .fetch_all(ex)
    .await?)
}

/// The earliest next poll of a feed that is not paused.
pub async fn next_poll_at<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar::<_, Option<i64>>(
        "SELECT MIN(COALESCE(next_poll_at, 0)) FROM feeds WHERE paused = 0",
    )
    .fetch_one(ex)
    .await?)
}

pub mod items {
    use sqlx::SqliteExecutor;

    use crate::Result;

    table! {
        /// One item a feed has seen; `item_key` is its guid (else its link); `outcome` is `draft`,
        /// `queued`, `posted`, `skipped` or `failed`.
        pub struct FeedItem in "feed_items" as "feed item" order by "feed_id, seen_at, id" {
            pub id: String,
            pub feed_id: String,
            pub item_key: String,
            pub link: Option<String>,
            pub title: String,
            pub published_at: Option<i64>,
            pub outcome: String,
            pub post_id: Option<String>,
            pub message: Option<String>,
            pub seen_at: i64,
        }
    }

    /// Whether the feed has already seen an item with this key, or with this link.
    pub async fn seen<'e, E: SqliteExecutor<'e>>(
        ex: E,
        feed_id: &str,
        key: &str,
        link: Option<&str>,
    ) -> Result<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM feed_items WHERE feed_id = ?1 AND (item_key = ?2 OR (?3 IS NOT NULL AND link = ?3))",
        )
        .bind(feed_id)
        .bind(key)
        .bind(link)
        .fetch_one(ex)
        .await?;
        Ok(n > 0)
    }

    /// Every key and link the feed has seen (one query, for a whole poll's dedupe).
    pub async fn known<'e, E: SqliteExecutor<'e>>(
        ex: E,
        feed_id: &str,
    ) -> Result<Vec<(String, Option<String>)>> {
        Ok(
            sqlx::query_as("SELECT item_key, link FROM feed_items WHERE feed_id = ?1")
                .bind(feed_id)
                .fetch_all(ex)
                .await?,
        )
    }

    /// The feed's items, newest first.
    pub async fn list_for_feed<'e, E: SqliteExecutor<'e>>(
        ex: E,
        feed_id: &str,
        limit: i64,
    ) -> Result<Vec<FeedItem>> {
        Ok(sqlx::query_as::<_, FeedItem>(&format!(
            "{} WHERE feed_id = ?1 ORDER BY seen_at DESC, id DESC LIMIT ?2",
            select_sql()
        ))
        .bind(feed_id)
        .bind(limit)
        .fetch_all(ex)
        .await?)
    }

    /// How many items the feed has seen.
    pub async fn count_for_feed<'e, E: SqliteExecutor<'e>>(ex: E, feed_id: &str) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM feed_items WHERE feed_id = ?1")
                .bind(feed_id)
                .fetch_one(ex)
                .await?,
        )
    }
}

/// An evergreen rule (keyed by its post).
#[derive(
    Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow,
)]
pub struct EvergreenRule {
    pub post_id: String,
    pub every_days: i64,
    pub min_gap_days: i64,
    pub until_at: Option<i64>,
    pub last_at: Option<i64>,
    pub next_due_at: i64,
    pub last_message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const RULE_COLUMNS: &str = "post_id, every_days, min_gap_days, until_at, last_at, next_due_at, last_message, created_at, updated_at";

/// Inserts or replaces the rule of a post.
pub async fn upsert_rule<'e, E: SqliteExecutor<'e>>(ex: E, r: &EvergreenRule) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO evergreen_rules ({RULE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (post_id) DO UPDATE SET every_days = ?2, min_gap_days = ?3, until_at = ?4,
           last_at = ?5, next_due_at = ?6, last_message = ?7, updated_at = ?9"
    ))
    .bind(&r.post_id)
    .bind(r.every_days)
    .bind(r.min_gap_days)
    .bind(r.until_at)
    .bind(r.last_at)
    .bind(r.next_due_at)
    .bind(&r.last_message)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(ex)
    .await?;
    Ok(())
}

/// The rule of a post, if it is evergreen.
pub async fn find_rule<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Option<EvergreenRule>> {
    Ok(sqlx::query_as::<_, EvergreenRule>(&format!(
        "SELECT {RULE_COLUMNS} FROM evergreen_rules WHERE post_id = ?1"
    ))
    .bind(post_id)
    .fetch_optional(ex)
    .await?)
}

/// Ends a post's evergreen rule; true when there was one.
pub async fn delete_rule<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM evergreen_rules WHERE post_id = ?1")
        .bind(post_id)
        .execute(ex)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Every rule, by next due time.
pub async fn list_rules<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<EvergreenRule>> {
    Ok(sqlx::query_as::<_, EvergreenRule>(&format!(
        "SELECT {RULE_COLUMNS} FROM evergreen_rules ORDER BY next_due_at, post_id"
    ))
    .fetch_all(ex)
    .await?)
}

/// Rules due at `now`.
pub async fn due_rules<'e, E: SqliteExecutor<'e>>(ex: E, now: i64) -> Result<Vec<EvergreenRule>> {
    Ok(sqlx::query_as::<_, EvergreenRule>(&format!(
        "SELECT {RULE_COLUMNS} FROM evergreen_rules WHERE next_due_at <= ?1 ORDER BY next_due_at, post_id"
    ))
    .bind(now)
    .fetch_all(ex)
    .await?)
}

/// The earliest due rule.
pub async fn next_rule_due_at<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT MIN(next_due_at) FROM evergreen_rules")
            .fetch_one(ex)
            .await?,
    )
}

pub mod copies {
    use sqlx::SqliteExecutor;

    use crate::Result;

    table! {
        /// One repeat of an evergreen post: the copy (`scheduled`) or why none was made (`skipped`).
        pub struct EvergreenCopy in "evergreen_copies" as "evergreen copy" order by "post_id, at, id" {
            pub id: String,
            pub post_id: String,
            pub copy_post_id: Option<String>,
            pub at: i64,
            pub outcome: String,
            pub message: Option<String>,
            pub created_at: i64,
        }
    }

    /// The repeats of a post, oldest first.
    pub async fn list_for_post<'e, E: SqliteExecutor<'e>>(
        ex: E,
        post_id: &str,
    ) -> Result<Vec<EvergreenCopy>> {
        Ok(sqlx::query_as::<_, EvergreenCopy>(&format!(
            "{} WHERE post_id = ?1 ORDER BY at, id",
            select_sql()
        ))
        .bind(post_id)
        .fetch_all(ex)
        .await?)
    }
}
