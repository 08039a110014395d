//! Read models for Settings → Privacy & data: the activity log, consent records and the summary of
//! what "delete all my data" would remove. Types here are what the UI receives over IPC.

use serde::{Deserialize, Serialize};

use crate::Outpost;
use crate::error::Result;
use outpost_store::activity::{self, ActivityFilter, StatusClass};

/// The response class filter of the activity log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatusClass {
    Success,
    Redirect,
    ClientError,
    ServerError,
    /// No response arrived (network error, timeout).
    NetworkError,
}

/// A filter over the activity log; every field optional. `since`/`until` are unix ms (until exclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityQuery {
    pub platform: Option<String>,
    pub status_class: Option<ActivityStatusClass>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// One outbound API call: never a token, never a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityRow {
    pub id: i64,
    /// Unix ms.
    pub at: i64,
    pub platform: String,
    pub method: String,
    pub host: String,
    pub path: String,
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub bytes: i64,
    pub error_kind: Option<String>,
}

/// One page of the activity log, newest first; `page` is 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActivityPage {
    pub entries: Vec<ActivityRow>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

/// A recorded consent decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsentRow {
    pub id: String,
    pub kind: String,
    pub granted: bool,
    pub policy_version: String,
    /// Unix ms.
    pub given_at: i64,
    /// Where it was given (`onboarding`, `settings`, `cli`).
    pub given_where: String,
}

/// How many items of each kind the profile holds (for the delete-all confirmation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EntityCount {
    /// Table name.
    pub entity: String,
    /// Human plural, e.g. "posts".
    pub label: String,
    /// Human singular, e.g. "post".
    pub singular: String,
    pub rows: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProfileSummary {
    /// Only kinds with at least one row, in a stable order.
    pub counts: Vec<EntityCount>,
}

/// The largest page the UI may ask for.
pub const MAX_PAGE_SIZE: i64 = 500;

impl Outpost {
    /// A page of the activity log matching `query`.
    pub async fn activity_log(
        &self,
        query: &ActivityQuery,
        page: i64,
        page_size: i64,
    ) -> Result<ActivityPage> {
        let filter = ActivityFilter {
            platform: query.platform.clone().filter(|p| !p.is_empty()),
            since: query.since,
            until: query.until,
            status_class: query.status_class.map(|c| match c {
                ActivityStatusClass::Success => StatusClass::Success,
                ActivityStatusClass::Redirect => StatusClass::Redirect,
                ActivityStatusClass::ClientError => StatusClass::ClientError,
                ActivityStatusClass::ServerError => StatusClass::ServerError,
                ActivityStatusClass::NetworkError => StatusClass::NoResponse,
            }),
        };
        let mut conn = self
            .store()
            .pool()
            .acquire()
            .await
            .map_err(outpost_store::Error::from)?;
        let p = activity::list(
            &mut conn,
            &filter,
            page.max(0),
            page_size.clamp(1, MAX_PAGE_SIZE),
        )
        .await?;
        Ok(ActivityPage {
            entries: p
                .entries
                .into_iter()
                .map(|e| ActivityRow {
                    id: e.id,
                    at: e.at,
                    platform: e.platform,
                    method: e.method,
                    host: e.host,
                    path: e.path,
                    status: e.status,
                    duration_ms: e.duration_ms,
                    bytes: e.bytes,
                    error_kind: e.error_kind,
                })
                .collect(),
            total: p.total,
            page: p.page,
            page_size: p.page_size,
        })
    }

    /// Every consent decision ever recorded, oldest first.
    pub async fn consent_records(&self) -> Result<Vec<ConsentRow>> {
        Ok(outpost_store::consents::list_all(self.store().pool())
            .await?
            .into_iter()
            .map(|c| ConsentRow {
                id: c.id,
                kind: c.kind,
                granted: c.granted,
                policy_version: c.policy_version,
                given_at: c.given_at,
                given_where: c.source,
            })
            .collect())
    }

    /// Counts of everything the profile holds, for "delete all my data".
    pub async fn profile_summary(&self) -> Result<ProfileSummary> {
        let counts = self
            .store()
            .table_counts()
            .await?
            .into_iter()
            .filter(|c| c.rows > 0)
            .map(|c| {
                let (singular, label) = labels(c.table);
                EntityCount {
                    entity: c.table.to_string(),
                    label,
                    singular,
                    rows: c.rows,
                }
            })
            .collect();
        Ok(ProfileSummary { counts })
    }
}

/// Human singular and plural for a table ("post_targets" → "post target", "post targets").
fn labels(table: &str) -> (String, String) {
    let (one, many) = match table {
        "media_assets" => ("media file", "media files"),
        "sealed_secrets" => ("stored secret", "stored secrets"),
        "activity_log" => ("activity log entry", "activity log entries"),
        "ai_calls" => ("AI call", "AI calls"),
        "brand_persona" => ("brand persona", "brand personas"),
        "approval_previews" => ("client preview", "client previews"),
        "analytics_snapshots" => ("analytics data point", "analytics data points"),
        "analytics_latest" => ("latest analytics value", "latest analytics values"),
        "analytics_post_totals" => ("post analytics total", "post analytics totals"),
        "analytics_published" => ("published post total", "published post totals"),
        "analytics_hours" => ("hourly analytics total", "hourly analytics totals"),
        "analytics_targets" => ("analytics sync schedule", "analytics sync schedules"),
        "analytics_channels" => ("analytics channel state", "analytics channel states"),
        "inbox_messages" => ("inbox message", "inbox messages"),
        "inbox_replies" => ("inbox reply", "inbox replies"),
        "inbox_cursors" => ("inbox sync position", "inbox sync positions"),
        "publish_attempts" => ("publishing attempt", "publishing attempts"),
        "consent_records" => ("consent record", "consent records"),
        other => {
            let many = other.replace('_', " ");
            let one = many
                .strip_suffix('s')
                .map_or_else(|| many.clone(), str::to_string);
            return (one, many);
        }
    };
    (one.to_string(), many.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{OpenOptions, Paths};

    #[tokio::test]
    async fn activity_log_filters_and_pages() {
        let tmp = tempfile::tempdir().unwrap();
        let o = Outpost::open(OpenOptions::new(
            Paths::resolve(Some(tmp.path().to_path_buf())).unwrap(),
        ))
        .await
        .unwrap();
        let now = outpost_store::now_ms();
        for (i, (platform, status)) in [
            ("x", Some(201)),
            ("x", Some(429)),
            ("mastodon", Some(200)),
            ("mastodon", None),
        ]
        .into_iter()
        .enumerate()
        {
            let row = activity::NewActivity {
                at: now - i as i64 * 1000,
                platform: platform.into(),
                method: "POST".into(),
                host: "h".into(),
                path: "/p".into(),
                status,
                duration_ms: 5,
                bytes: 10,
                error_kind: status.is_none().then(|| "timed out".into()),
            };
            activity::record(o.store().pool(), &row).await.unwrap();
        }
        let all = o
            .activity_log(&ActivityQuery::default(), 0, 2)
            .await
            .unwrap();
        assert_eq!((all.total, all.entries.len()), (4, 2));
        let x = o
            .activity_log(
                &ActivityQuery {
                    platform: Some("x".into()),
                    ..Default::default()
                },
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(x.total, 2);
        let errors = o
            .activity_log(
                &ActivityQuery {
                    status_class: Some(ActivityStatusClass::ClientError),
                    ..Default::default()
                },
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(
            errors.entries.iter().map(|e| e.status).collect::<Vec<_>>(),
            vec![Some(429)]
        );
        let net = o
            .activity_log(
                &ActivityQuery {
                    status_class: Some(ActivityStatusClass::NetworkError),
                    ..Default::default()
                },
                0,
                50,
            )
            .await
            .unwrap();
        assert_eq!(net.entries[0].error_kind.as_deref(), Some("timed out"));
        let summary = o.profile_summary().await.unwrap();
        assert_eq!(
            summary
                .counts
                .iter()
                .find(|c| c.entity == "activity_log")
                .map(|c| (c.rows, c.label.as_str())),
            Some((4, "activity log entries"))
        );
        assert_eq!(
            labels("channels"),
            ("channel".to_string(), "channels".to_string())
        );
        assert_eq!(
            labels("activity_log"),
            (
                "activity log entry".to_string(),
                "activity log entries".to_string()
            )
        );
        assert!(o.consent_records().await.unwrap().is_empty());
        o.close().await;
    }
}
