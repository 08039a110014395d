//! Updates: whether Outpost may check for them (a consent decision, recorded), where it checks (a
//! static `latest.json` anywhere: a release page, an S3 bucket, a folder on a LAN server), which key
//! signs them, and the last check's result. The download, signature check and install are the Tauri
//! updater plugin's, driven by the desktop shell; this module decides and explains.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::Outpost;
use crate::error::{Error, Result};
use outpost_store::{consents, settings};

/// Consent kind for "check for updates at start and daily".
pub const CONSENT_KIND: &str = "update_checks";
/// What the update check sends (the version, OS and architecture in the request): see the privacy
/// statement, whose version this follows.
pub const CONSENT_POLICY_VERSION: &str = crate::onboarding::PRIVACY_STATEMENT_VERSION;
/// Overrides the endpoint for this run (e.g. a LAN server), above the Settings value.
pub const ENDPOINT_ENV: &str = "OUTPOST_UPDATE_ENDPOINT";
const ENDPOINT_SETTING: &str = "updates.endpoint";
const LAST_CHECK_SETTING: &str = "updates.last_check";
/// A check is due when the last one is older than this (checks run at start and daily).
pub const CHECK_INTERVAL_MS: i64 = 24 * 60 * 60 * 1000;

/// Where the endpoint in use comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EndpointSource {
    /// `OUTPOST_UPDATE_ENDPOINT`.
    Environment,
    /// Settings → About.
    Settings,
    /// The one this build was made with.
    BuiltIn,
}

/// How a check (or an install) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum UpdateOutcome {
    /// No newer version.
    UpToDate,
    /// A newer version is offered (not installed yet).
    Available,
    /// The update was downloaded, verified and installed.
    Installed,
    /// The update was refused: its signature, key or version did not check out.
    Refused,
    /// The check could not be made (network, server, manifest).
    Failed,
}

/// Why an update failed, as the shell classifies the updater's errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateFailure {
    /// The manifest offers a version that is not newer than this one.
    NotNewer { offered: String },
    /// The signature is made with another key than the one this build trusts.
    OtherKey { signed_with: Option<String> },
    /// The file does not match its signature (damaged, altered, or another file's signature).
    BadSignature,
    /// The package was signed for another version than the manifest announces (a replayed older
    /// release under a newer number).
    VersionMismatch { signed: String, announced: String },
    /// The signature carries no version.
    UnversionedSignature,
    /// The endpoint could not be reached or answered badly.
    Network(String),
    /// The manifest is not a valid `latest.json` or has no entry for this platform.
    Manifest(String),
    /// The package manager did not install the package.
    Install(String),
}

/// One check's result, as Settings → About shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateCheck {
    /// Unix ms.
    pub at: i64,
    pub outcome: UpdateOutcome,
    /// The version offered, when there was one.
    pub version: Option<String>,
    /// Release notes of the offered version.
    pub notes: Option<String>,
    /// A sentence for the user.
    pub message: String,
}

/// Settings → About → Updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateStatus {
    pub current_version: String,
    /// Whether the user allowed checks at start and daily (false until they decide).
    pub checks_enabled: bool,
    /// Whether the user has decided at all (under the current policy version).
    pub decided: bool,
    /// The endpoint in use.
    pub endpoint: String,
    pub endpoint_source: EndpointSource,
    /// The id of the key updates must be signed with (minisign key id, 16 hex digits).
    pub signing_key_id: String,
    pub last_check: Option<UpdateCheck>,
}

/// The minisign key id of a Tauri updater public key (the base64 of a minisign `.pub` file).
pub fn key_id(pubkey_b64: &str) -> Result<String> {
    let text = b64_text(pubkey_b64.trim(), "the updater public key")?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .ok_or_else(|| Error::InvalidInput("the updater public key is empty".into()))?;
    id_from_minisign_b64(line, "the updater public key")
}

/// The key id a Tauri updater signature (base64 of a minisign `.sig` file) was made with.
pub fn signature_key_id(signature_b64: &str) -> Result<String> {
    let text = b64_text(signature_b64.trim(), "the update signature")?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.contains("comment:"))
        .ok_or_else(|| Error::InvalidInput("the update signature is empty".into()))?;
    id_from_minisign_b64(line, "the update signature")
}

fn b64_text(b64: &str, what: &str) -> Result<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| Error::InvalidInput(format!("{what} is not base64")))?;
    String::from_utf8(bytes).map_err(|_| Error::InvalidInput(format!("{what} is not text")))
}

/// Minisign keys and signatures: 2 bytes of algorithm, then the 8-byte key id (little endian).
fn id_from_minisign_b64(line: &str, what: &str) -> Result<String> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(line)
        .map_err(|_| Error::InvalidInput(format!("{what} is not a minisign value")))?;
    let id: [u8; 8] = raw
        .get(2..10)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| Error::InvalidInput(format!("{what} is too short")))?;
    Ok(format!("{:016X}", u64::from_le_bytes(id)))
}

/// Checks an endpoint the user typed: `https`, or plain `http` only to this machine or a private
/// network (a folder on a LAN server). The file itself is always signature-checked.
pub fn validate_endpoint(input: &str) -> Result<Url> {
    let url = Url::parse(input.trim())
        .map_err(|e| Error::InvalidInput(format!("\"{}\" is not a URL: {e}", input.trim())))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_local(&url) => Ok(url),
        "http" => Err(Error::InvalidInput(format!(
            "{url} uses plain http on the internet: use https (plain http is accepted only for this machine or a private network)"
        ))),
        other => Err(Error::InvalidInput(format!(
            "{url}: the update address must start with https:// (not {other}:)"
        ))),
    }
}

fn is_local(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d == "localhost" || d.ends_with(".local") || d.ends_with(".lan") || !d.contains('.')
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unique_local(),
        None => false,
    }
}

/// The sentence shown for a failure, and whether it is a refusal (the update itself is untrusted)
/// or a failure to check.
pub fn describe_failure(
    f: &UpdateFailure,
    current: &str,
    trusted_key: &str,
) -> (UpdateOutcome, String) {
    use UpdateFailure as F;
    match f {
        F::NotNewer { offered } => (
            UpdateOutcome::UpToDate,
            format!(
                "Outpost {current} is up to date (the server offers {offered}, which is not newer)."
            ),
        ),
        F::OtherKey { signed_with } => (
            UpdateOutcome::Refused,
            format!(
                "Update refused: it is signed with key {} but this Outpost trusts only key {trusted_key}. Outpost {current} keeps running.",
                signed_with.as_deref().unwrap_or("(unreadable)")
            ),
        ),
        F::BadSignature => (
            UpdateOutcome::Refused,
            format!(
                "Update refused: the downloaded file does not match its signature (it was damaged or altered). Nothing was installed; Outpost {current} keeps running."
            ),
        ),
        F::VersionMismatch { signed, announced } => (
            UpdateOutcome::Refused,
            format!(
                "Update refused: the package is signed as version {signed} but was offered as {announced} (an older release under a newer number). Outpost {current} keeps running."
            ),
        ),
        F::UnversionedSignature => (
            UpdateOutcome::Refused,
            format!(
                "Update refused: its signature does not say which version it is for. Outpost {current} keeps running."
            ),
        ),
        F::Network(d) => (
            UpdateOutcome::Failed,
            format!("Could not check for updates: {d}"),
        ),
        F::Manifest(d) => (
            UpdateOutcome::Failed,
            format!("The update server's answer is not a valid update description: {d}"),
        ),
        F::Install(d) => (
            UpdateOutcome::Failed,
            format!("The update could not be installed: {d}. Outpost {current} keeps running."),
        ),
    }
}

impl Outpost {
    /// Settings → About → Updates. `built_in_endpoint` and `pubkey` come from the build's config.
    pub async fn update_status(
        &self,
        built_in_endpoint: &str,
        pubkey: &str,
    ) -> Result<UpdateStatus> {
        let (endpoint, endpoint_source) = self.update_endpoint(built_in_endpoint).await?;
        let consent = consents::latest(self.store().pool(), CONSENT_KIND).await?;
        let current = consent.filter(|c| c.policy_version == CONSENT_POLICY_VERSION);
        let last_check = settings::get(self.store().pool(), LAST_CHECK_SETTING)
            .await?
            .and_then(|v| serde_json::from_value(v).ok());
        Ok(UpdateStatus {
            current_version: crate::VERSION.to_string(),
            checks_enabled: current.as_ref().is_some_and(|c| c.granted),
            decided: current.is_some(),
            endpoint,
            endpoint_source,
            signing_key_id: key_id(pubkey)?,
            last_check,
        })
    }

    /// The endpoint in use: the environment, then Settings, then the build's.
    pub async fn update_endpoint(&self, built_in: &str) -> Result<(String, EndpointSource)> {
        if let Ok(env) = std::env::var(ENDPOINT_ENV)
            && !env.trim().is_empty()
        {
            validate_endpoint(&env)
                .map_err(|e| Error::InvalidInput(format!("{ENDPOINT_ENV}: {e}")))?;
            return Ok((env.trim().to_string(), EndpointSource::Environment));
        }
        if let Some(s) = settings::get(self.store().pool(), ENDPOINT_SETTING)
            .await?
            .and_then(|v| v.as_str().map(str::to_string))
        {
            return Ok((s, EndpointSource::Settings));
        }
        Ok((built_in.to_string(), EndpointSource::BuiltIn))
    }

    /// Records the user's decision about update checks (a consent record).
    pub async fn set_update_checks(&self, enabled: bool, source: &str) -> Result<()> {
        consents::insert(
            self.store().pool(),
            &consents::ConsentRecord {
                id: outpost_store::new_id(),
                kind: CONSENT_KIND.into(),
                granted: enabled,
                policy_version: CONSENT_POLICY_VERSION.into(),
                given_at: outpost_store::now_ms(),
                source: source.to_string(),
            },
        )
        .await?;
        Ok(())
    }

    /// Sets (or with `None`, clears) the endpoint from Settings.
    pub async fn set_update_endpoint(&self, endpoint: Option<&str>) -> Result<()> {
        match endpoint.map(str::trim).filter(|s| !s.is_empty()) {
            Some(e) => {
                let url = validate_endpoint(e)?;
                settings::set(
                    self.store().pool(),
                    ENDPOINT_SETTING,
                    &serde_json::Value::String(url.to_string()),
                    outpost_store::now_ms(),
                )
                .await?;
            }
            None => settings::delete(self.store().pool(), ENDPOINT_SETTING).await?,
        }
        Ok(())
    }

    /// Saves a check's result (shown in Settings → About; the daily check counts from it).
    pub async fn record_update_check(&self, check: &UpdateCheck) -> Result<()> {
        let value = serde_json::to_value(check)
            .map_err(|e| Error::InvalidInput(format!("update check result: {e}")))?;
        settings::set(
            self.store().pool(),
            LAST_CHECK_SETTING,
            &value,
            outpost_store::now_ms(),
        )
        .await?;
        Ok(())
    }

    /// Whether an automatic check should run now: only with the user's consent, at start
    /// (`at_start`) and then when the last check is a day old.
    pub async fn update_check_due(&self, at_start: bool, now_ms: i64) -> Result<bool> {
        let consent = consents::latest(self.store().pool(), CONSENT_KIND).await?;
        if !consent.is_some_and(|c| c.granted && c.policy_version == CONSENT_POLICY_VERSION) {
            return Ok(false);
        }
        if at_start {
            return Ok(true);
        }
        let last: Option<UpdateCheck> = settings::get(self.store().pool(), LAST_CHECK_SETTING)
            .await?
            .and_then(|v| serde_json::from_value(v).ok());
        Ok(last.is_none_or(|l| now_ms - l.at >= CHECK_INTERVAL_MS))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{OpenOptions, Paths};

    // The key this repository's tauri.conf.json trusts (its comment names the id).
    const PUBKEY: &str = "dW50cnVzdGVkIGNvbW1lbnQ6IG1pbmlzaWduIHB1YmxpYyBrZXk6IDUxQTVFRDM3RENGODA1M0EKUldRNkJmamNOKzJsVVhJc3dtcGYwWUxPYmNjb05aMmRRRmRQbTB2V1lHK29SVXMvNmN1VUI1YTcK";

    #[test]
    fn key_id_is_read_from_the_key_bytes() {
        assert_eq!(key_id(PUBKEY).unwrap(), "51A5ED37DCF8053A");
        assert!(key_id("not base64!").is_err());
        assert!(key_id("aGVsbG8=").is_err());
    }

    #[test]
    fn endpoints_need_https_except_on_local_networks() {
        assert!(validate_endpoint("https://example.com/latest.json").is_ok());
        assert!(validate_endpoint("http://127.0.0.1:8080/latest.json").is_ok());
        assert!(validate_endpoint("http://192.168.1.5/outpost/latest.json").is_ok());
        assert!(validate_endpoint("http://nas.local/latest.json").is_ok());
        let e = validate_endpoint("http://example.com/latest.json").unwrap_err();
        assert!(e.to_string().contains("plain http"), "{e}");
        assert!(validate_endpoint("ftp://example.com/x").is_err());
        assert!(validate_endpoint("latest.json").is_err());
    }

    #[test]
    fn refusals_name_what_went_wrong() {
        let (o, m) = describe_failure(
            &UpdateFailure::VersionMismatch {
                signed: "0.0.9".into(),
                announced: "0.1.1".into(),
            },
            "0.1.0",
            "AA",
        );
        assert_eq!(o, UpdateOutcome::Refused);
        assert!(
            m.contains("signed as version 0.0.9") && m.contains("0.1.0 keeps running"),
            "{m}"
        );
        let (o, m) = describe_failure(
            &UpdateFailure::OtherKey {
                signed_with: Some("BB".into()),
            },
            "0.1.0",
            "AA",
        );
        assert_eq!(o, UpdateOutcome::Refused);
        assert!(m.contains("key BB") && m.contains("only key AA"), "{m}");
        let (o, _) = describe_failure(
            &UpdateFailure::NotNewer {
                offered: "0.0.9".into(),
            },
            "0.1.0",
            "AA",
        );
        assert_eq!(o, UpdateOutcome::UpToDate);
    }

    #[tokio::test]
    async fn checks_run_only_with_recorded_consent_and_daily() {
        let tmp = tempfile::tempdir().unwrap();
        let o = Outpost::open(OpenOptions::new(
            Paths::resolve(Some(tmp.path().to_path_buf())).unwrap(),
        ))
        .await
        .unwrap();
        let now = outpost_store::now_ms();
        assert!(!o.update_check_due(true, now).await.unwrap());
        let s = o
            .update_status("https://u.example/latest.json", PUBKEY)
            .await
            .unwrap();
        assert!(!s.decided && !s.checks_enabled);
        assert_eq!(s.endpoint_source, EndpointSource::BuiltIn);

        o.set_update_checks(true, "settings").await.unwrap();
        assert!(o.update_check_due(true, now).await.unwrap());
        assert!(o.update_check_due(false, now).await.unwrap());
        let check = UpdateCheck {
            at: now,
            outcome: UpdateOutcome::UpToDate,
            version: None,
            notes: None,
            message: "up to date".into(),
        };
        o.record_update_check(&check).await.unwrap();
        assert!(!o.update_check_due(false, now + 1000).await.unwrap());
        assert!(
            o.update_check_due(false, now + CHECK_INTERVAL_MS)
                .await
                .unwrap()
        );

        o.set_update_endpoint(Some("http://10.0.0.2/latest.json"))
            .await
            .unwrap();
        assert!(
            o.set_update_endpoint(Some("http://example.com/x.json"))
                .await
                .is_err()
        );
        let s = o
            .update_status("https://u.example/latest.json", PUBKEY)
            .await
            .unwrap();
        assert!(s.decided && s.checks_enabled);
        assert_eq!(s.endpoint, "http://10.0.0.2/latest.json");
        assert_eq!(s.endpoint_source, EndpointSource::Settings);
        assert_eq!(s.last_check, Some(check));
        assert_eq!(s.signing_key_id, "51A5ED37DCF8053A");

        o.set_update_checks(false, "settings").await.unwrap();
        assert!(!o.update_check_due(true, now).await.unwrap());
        let records = o.consent_records().await.unwrap();
        let kinds: Vec<_> = records
            .iter()
            .filter(|r| r.kind == CONSENT_KIND)
            .map(|r| r.granted)
            .collect();
        assert_eq!(kinds, vec![true, false]);
    }
}
