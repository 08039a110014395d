//! Developer apps: the user's own OAuth client registration per platform (secret sealed in `secrets`).

use sqlx::SqliteExecutor;

use crate::{Platform, RedirectMode, Result};

table! {
    /// A developer app (client id per platform; Mastodon: per instance).
    pub struct DeveloperApp in "developer_apps" as "developer app" order by "platform, instance_url, id" {
        pub id: String,
        pub platform: Platform,
        /// `''` for platforms without instances.
        pub instance_url: String,
        pub client_id: String,
        /// Whether a client secret is sealed in `sealed_secrets` (owner_kind `developer_app`).
        pub has_client_secret: bool,
        pub redirect_mode: RedirectMode,
        pub redirect_uri: Option<String>,
        /// LinkedIn: the app has the Community Management API product (organization scopes).
        pub organization_access: bool,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// The app registered for a platform (and instance, `''` if none).
pub async fn find_by_platform<'e, E: SqliteExecutor<'e>>(
    ex: E,
    platform: Platform,
    instance_url: &str,
) -> Result<Option<DeveloperApp>> {
    Ok(sqlx::query_as::<_, DeveloperApp>(&format!(
        "{} WHERE platform = ?1 AND instance_url = ?2",
        select_sql()
    ))
    .bind(platform)
    .bind(instance_url)
    .fetch_optional(ex)
    .await?)
}
