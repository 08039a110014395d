//! The daily API quota count a platform client keeps through [`outpost_platforms::quota`]
//! (YouTube: units per channel per Pacific day), stored as one setting per platform and account
//! (`quota.<platform>.<account>` = `{"day", "units"}`): the day's count replaces the previous
//! day's, so nothing grows. A store failure is logged and counts as nothing spent (the platform's
//! own `quotaExceeded` still stops a call).

use async_trait::async_trait;
use outpost_platforms::Platform;
use outpost_platforms::quota::QuotaLedger;
use outpost_store::settings;
use serde_json::{Value, json};

use crate::Outpost;

fn key(platform: Platform, account: &str) -> String {
    format!("quota.{}.{account}", platform.id())
}

fn units_on(v: Option<&Value>, day: &str) -> u64 {
    v.filter(|v| v.get("day").and_then(Value::as_str) == Some(day))
        .and_then(|v| v.get("units").and_then(Value::as_u64))
        .unwrap_or(0)
}

#[async_trait]
impl QuotaLedger for Outpost {
    async fn used(&self, platform: Platform, account: &str, day: &str) -> u64 {
        match settings::get(self.store().pool(), &key(platform, account)).await {
            Ok(v) => units_on(v.as_ref(), day),
            Err(e) => {
                tracing::warn!(error = %e, "the API quota count could not be read");
                0
            }
        }
    }

    async fn spend(&self, platform: Platform, account: &str, day: &str, units: u64) {
        let k = key(platform, account);
        let done = async {
            let mut tx = self.store().begin().await?;
            let now = units_on(settings::get(&mut *tx, &k).await?.as_ref(), day);
            let v = json!({"day": day, "units": now.saturating_add(units)});
            settings::set(&mut *tx, &k, &v, crate::inbox::now_ms()).await?;
            tx.commit().await.map_err(outpost_store::Error::from)?;
            Ok::<_, crate::Error>(())
        };
        if let Err(e) = done.await {
            tracing::warn!(error = %e, "the API quota count could not be stored");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_day_starts_from_zero() {
        let v = json!({"day": "2026-12-06", "units": 120});
        assert_eq!(units_on(Some(&v), "2026-12-06"), 120);
        assert_eq!(units_on(Some(&v), "2026-12-07"), 0);
        assert_eq!(units_on(None, "2026-12-07"), 0);
    }
}
