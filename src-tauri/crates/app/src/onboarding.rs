//! First run: where the data lives, the keychain check, Outpost's own privacy statement (versioned:
//! a changed statement is shown again) and the first channel. Decisions land in the consent records.

use serde::Serialize;

use crate::Outpost;
use crate::doctor::VaultBackend;
use crate::error::Result;
use outpost_store::consents;

/// Consent kind of "I have read Outpost's privacy statement".
pub const PRIVACY_CONSENT_KIND: &str = "privacy_statement";
/// Bump when the statement's text changes: everyone is asked again.
pub const PRIVACY_STATEMENT_VERSION: &str = "2026-12-07";

/// Outpost's privacy statement, one paragraph per entry (shown in onboarding and Settings).
pub const PRIVACY_STATEMENT: &[&str] = &[
    "Outpost runs on this computer. Your posts, drafts, inbox, analytics and settings are stored only in your data folder on this computer (Settings → About shows where); Outpost has no server and no account.",
    "Sign-in tokens and API keys are encrypted with a key kept in your system keychain (or, without one, a passphrase you choose). They are sent only to the platform they belong to.",
    "Outpost talks to the social platforms you connect, to a media host or AI provider only if you set one up, and to the update server only if you allow update checks below. Every request is listed in Settings → Privacy & data → Activity log.",
    "An update check sends the update server your Outpost version, operating system and processor type, nothing else. Updates are installed only when their signature matches Outpost's signing key.",
    "Outpost collects no telemetry and no crash reports. You can export or delete all your data at any time in Settings → Privacy & data.",
];

/// What the first-run screen needs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OnboardingStatus {
    /// Whether to show onboarding: the statement was never acknowledged, or changed since.
    pub needed: bool,
    /// True when a previous version was acknowledged (the statement changed).
    pub statement_changed: bool,
    pub statement_version: String,
    pub statement: Vec<String>,
    pub data_dir: String,
    pub keychain_available: bool,
    pub vault_backend: Option<VaultBackend>,
    pub channels_connected: i64,
    /// The last update-check decision, if one was made (the switch's starting position).
    pub update_checks: Option<bool>,
}

/// The current statement was acknowledged (granted, this version).
fn acknowledged(latest: Option<&consents::ConsentRecord>) -> bool {
    latest.is_some_and(|c| c.granted && c.policy_version == PRIVACY_STATEMENT_VERSION)
}

impl Outpost {
    /// Whether onboarding must show: the consent records alone, no keychain or doctor check (the
    /// app asks this at every start; [`Outpost::onboarding_status`] only when it says yes).
    pub async fn onboarding_needed(&self) -> Result<bool> {
        let latest = consents::latest(self.store().pool(), PRIVACY_CONSENT_KIND).await?;
        Ok(!acknowledged(latest.as_ref()))
    }

    pub async fn onboarding_status(&self) -> Result<OnboardingStatus> {
        let report = self.doctor().await;
        let latest = consents::latest(self.store().pool(), PRIVACY_CONSENT_KIND).await?;
        let acknowledged = acknowledged(latest.as_ref());
        // Under any statement version: a changed statement keeps the switch where the user left it.
        let updates = consents::latest(self.store().pool(), crate::updates::CONSENT_KIND)
            .await?
            .map(|c| c.granted);
        Ok(OnboardingStatus {
            needed: !acknowledged,
            statement_changed: !acknowledged && latest.is_some(),
            statement_version: PRIVACY_STATEMENT_VERSION.to_string(),
            statement: PRIVACY_STATEMENT.iter().map(|p| p.to_string()).collect(),
            data_dir: report.data_dir,
            keychain_available: report.keychain_available,
            vault_backend: report.vault_backend,
            channels_connected: self.channels().await?.len() as i64,
            update_checks: updates,
        })
    }

    /// Records the onboarding decisions: the statement acknowledged (this version) and whether
    /// Outpost may check for updates. Both land in the consent records.
    pub async fn finish_onboarding(&self, update_checks: bool) -> Result<OnboardingStatus> {
        consents::insert(
            self.store().pool(),
            &consents::ConsentRecord {
                id: outpost_store::new_id(),
                kind: PRIVACY_CONSENT_KIND.into(),
                granted: true,
                policy_version: PRIVACY_STATEMENT_VERSION.into(),
                given_at: outpost_store::now_ms(),
                source: "onboarding".into(),
            },
        )
        .await?;
        self.set_update_checks(update_checks, "onboarding").await?;
        self.onboarding_status().await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::{OpenOptions, Outpost, Paths};

    #[tokio::test]
    async fn onboarding_shows_until_the_current_statement_is_acknowledged() {
        let tmp = tempfile::tempdir().unwrap();
        let o = Outpost::open(OpenOptions::new(
            Paths::resolve(Some(tmp.path().to_path_buf())).unwrap(),
        ))
        .await
        .unwrap();
        let s = o.onboarding_status().await.unwrap();
        assert!(s.needed && !s.statement_changed);
        assert!(o.onboarding_needed().await.unwrap());
        assert_eq!(s.update_checks, None);
        assert_eq!(s.data_dir, tmp.path().display().to_string());

        let s = o.finish_onboarding(false).await.unwrap();
        assert!(!s.needed);
        assert!(!o.onboarding_needed().await.unwrap());
        assert_eq!(s.update_checks, Some(false));
        let kinds: Vec<_> = o
            .consent_records()
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.kind, r.granted, r.given_where))
            .collect();
        assert!(kinds.contains(&("privacy_statement".into(), true, "onboarding".into())));
        assert!(kinds.contains(&("update_checks".into(), false, "onboarding".into())));

        // An older statement's acknowledgement does not count: asked again.
        outpost_store::consents::insert(
            o.store().pool(),
            &outpost_store::consents::ConsentRecord {
                id: outpost_store::new_id(),
                kind: super::PRIVACY_CONSENT_KIND.into(),
                granted: true,
                policy_version: "2000-01-01".into(),
                given_at: outpost_store::now_ms() + 10,
                source: "onboarding".into(),
            },
        )
        .await
        .unwrap();
        let s = o.onboarding_status().await.unwrap();
        assert!(s.needed && s.statement_changed);
        assert!(o.onboarding_needed().await.unwrap());
    }
}
