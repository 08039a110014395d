//! Campaigns grouping posts and ideas.

use sqlx::SqliteExecutor;

use crate::Result;

table! {
    /// A campaign; dates are calendar dates `YYYY-MM-DD` (inclusive), not instants.
    pub struct Campaign in "campaigns" as "campaign" order by "created_at, id" {
        pub id: String,
        pub name: String,
        /// CSS colour, e.g. `#3b82f6`.
        pub colour: String,
        pub start_date: Option<String>,
        pub end_date: Option<String>,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// The name of another campaign called `name` (case-insensitively), other than `except`.
pub async fn name_clash<'e, E: SqliteExecutor<'e>>(
    ex: E,
    name: &str,
    except: Option<&str>,
) -> Result<Option<String>> {
    crate::sql::name_clash(ex, "campaigns", name, except).await
}

/// How many posts and how many ideas belong to a campaign.
pub async fn usage<'e, E: SqliteExecutor<'e>>(ex: E, campaign_id: &str) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM posts WHERE campaign_id = ?1), (SELECT COUNT(*) FROM ideas WHERE campaign_id = ?1)",
    )
    .bind(campaign_id)
    .fetch_one(ex)
    .await?)
}

/// Ids of the posts of a campaign.
pub async fn post_ids<'e, E: SqliteExecutor<'e>>(ex: E, campaign_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM posts WHERE campaign_id = ?1")
            .bind(campaign_id)
            .fetch_all(ex)
            .await?,
    )
}

/// Ids of the ideas of a campaign.
pub async fn idea_ids<'e, E: SqliteExecutor<'e>>(ex: E, campaign_id: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM ideas WHERE campaign_id = ?1")
            .bind(campaign_id)
            .fetch_all(ex)
            .await?,
    )
}

/// Puts a post back into a campaign unless it has another one by now (`updated_at` untouched).
pub async fn restore_on_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
    campaign_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE posts SET campaign_id = ?2 WHERE id = ?1 AND campaign_id IS NULL")
        .bind(post_id)
        .bind(campaign_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Puts an idea back into a campaign unless it has another one by now (`updated_at` untouched).
pub async fn restore_on_idea<'e, E: SqliteExecutor<'e>>(
    ex: E,
    idea_id: &str,
    campaign_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE ideas SET campaign_id = ?2 WHERE id = ?1 AND campaign_id IS NULL")
        .bind(idea_id)
        .bind(campaign_id)
        .execute(ex)
        .await?;
    Ok(())
}
