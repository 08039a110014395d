//! Consent records (append-only history: kind, granted, policy version, when and where given).

use sqlx::SqliteExecutor;

use crate::Result;

table! {
    /// One consent decision.
    pub struct ConsentRecord in "consent_records" as "consent record" order by "given_at, id" {
        pub id: String,
        /// e.g. `telemetry`, `crash_reports`, `ai_provider`.
        pub kind: String,
        pub granted: bool,
        pub policy_version: String,
        pub given_at: i64,
        /// Where it was given, e.g. `onboarding`, `settings`, `cli`.
        pub source: String,
    }
}

/// The most recent decision for a kind (compare its `policy_version` to ask again on change).
pub async fn latest<'e, E: SqliteExecutor<'e>>(ex: E, kind: &str) -> Result<Option<ConsentRecord>> {
    Ok(sqlx::query_as::<_, ConsentRecord>(&format!(
        "{} WHERE kind = ?1 ORDER BY given_at DESC, id DESC LIMIT 1",
        select_sql()
    ))
    .bind(kind)
    .fetch_optional(ex)
    .await?)
}
