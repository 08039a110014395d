//! Settings → Media host: the user's own S3-compatible bucket for platforms that fetch media from a
//! URL. The settings (endpoint, region, bucket, access key id, …) are the `media_host` setting;
//! the secret access key is sealed in the vault (owner kind `media_host`) and never leaves the core:
//! the UI only learns whether one is saved. Exports carry the setting without the secret (sealed
//! secrets are never exported), "delete all my data" removes both.

use std::sync::Arc;
use std::time::Duration;

pub use outpost_mediahost::MediaHostConfig;
use outpost_mediahost::{MediaHostError, S3Host, SweepReport, TestStep};
use outpost_platforms::publish::MediaHost;
use outpost_store::SecretOwnerKind;
use serde::{Deserialize, Serialize};

use crate::{Error, Outpost, Result, Secret};

/// The `settings` key holding the [`MediaHostConfig`].
pub const SETTINGS_KEY: &str = "media_host";
/// The sealed secret's owner id and purpose.
const OWNER_ID: &str = "default";
const SECRET_PURPOSE: &str = "secret_access_key";
/// Objects under `outpost-tmp/` older than this are leftovers (a publish takes minutes).
pub const SWEEP_OLDER_THAN: Duration = Duration::from_secs(60 * 60);

/// What the settings page shows: the settings, and whether a secret is saved (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MediaHostSettings {
    /// `None` when no media host is set up.
    pub config: Option<MediaHostConfig>,
    pub has_secret: bool,
}

/// The outcome of "Test connection".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MediaHostTestReport {
    pub ok: bool,
    /// The step that failed (upload, fetch, delete, list).
    pub failed_step: Option<TestStep>,
    /// A sentence for people: what worked, or what failed and why.
    pub message: String,
}

impl From<MediaHostError> for Error {
    fn from(e: MediaHostError) -> Self {
        match e {
            MediaHostError::Config(m) => Error::InvalidInput(m),
            other => Error::Platform(other.into()),
        }
    }
}

/// The settings `outpost media-host set` gives: the provider follows from the endpoint (AWS S3,
/// Cloudflare R2, Backblaze B2, otherwise any S3-compatible server).
pub fn config_for_endpoint(
    endpoint: &str,
    bucket: &str,
    region: &str,
    access_key_id: &str,
    path_style: bool,
    public_base_url: Option<String>,
) -> MediaHostConfig {
    use outpost_mediahost::Provider;
    let host = endpoint.to_ascii_lowercase();
    let provider = if host.contains(".r2.cloudflarestorage.com") {
        Provider::CloudflareR2
    } else if host.contains(".backblazeb2.com") {
        Provider::BackblazeB2
    } else if host.is_empty() || host.contains(".amazonaws.com") {
        Provider::Aws
    } else {
        Provider::Custom
    };
    MediaHostConfig {
        provider,
        endpoint: endpoint.to_string(),
        region: region.to_string(),
        bucket: bucket.to_string(),
        path_style,
        access_key_id: access_key_id.to_string(),
        public_base_url,
    }
}

impl Outpost {
    async fn media_host_config(&self) -> Result<Option<MediaHostConfig>> {
        let Some(v) = outpost_store::settings::get(self.store().pool(), SETTINGS_KEY).await? else {
            return Ok(None);
        };
        match serde_json::from_value::<MediaHostConfig>(v) {
            Ok(c) => Ok(Some(c)),
            Err(e) => {
                // An archive edited by hand, or a newer Outpost's shape: treat as not set up.
                tracing::warn!(error = %e, "media host: the saved settings cannot be read");
                Ok(None)
            }
        }
    }

    async fn media_host_has_secret(&self) -> Result<bool> {
        Ok(outpost_store::secrets::find_for_owner(
            self.store().pool(),
            SecretOwnerKind::MediaHost,
            OWNER_ID,
            SECRET_PURPOSE,
        )
        .await?
        .is_some())
    }

    /// The media host settings (without the secret).
    pub async fn media_host_settings(&self) -> Result<MediaHostSettings> {
        Ok(MediaHostSettings {
            config: self.media_host_config().await?,
            has_secret: self.media_host_has_secret().await?,
        })
    }

    /// Saves the settings; `secret` `None` keeps the saved secret access key (one must exist).
    pub async fn save_media_host(
        &self,
        config: &MediaHostConfig,
        secret: Option<Secret>,
    ) -> Result<MediaHostSettings> {
        let config = config.validated()?;
        match &secret {
            // Checks the secret's shape with the config (nothing is sent).
            Some(s) => {
                S3Host::new(&config, s, self.http().clone())?;
            }
            None if !self.media_host_has_secret().await? => {
                return Err(Error::InvalidInput("Enter the secret access key".into()));
            }
            None => {}
        }
        if let Some(s) = &secret {
            self.store_secret(SecretOwnerKind::MediaHost, OWNER_ID, SECRET_PURPOSE, s)
                .await?;
        }
        let value = serde_json::to_value(&config)
            .map_err(|e| Error::InvalidInput(format!("the settings cannot be saved: {e}")))?;
        outpost_store::settings::set(
            self.store().pool(),
            SETTINGS_KEY,
            &value,
            outpost_store::now_ms(),
        )
        .await?;
        tracing::info!(provider = ?config.provider, "media host saved");
        self.media_host_settings().await
    }

    /// Forgets the media host (settings and sealed secret). Objects already in the bucket stay.
    pub async fn remove_media_host(&self) -> Result<()> {
        let pool = self.store().pool();
        match outpost_store::settings::delete(pool, SETTINGS_KEY).await {
            Ok(()) | Err(outpost_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        outpost_store::secrets::delete_for_owner(pool, SecretOwnerKind::MediaHost, OWNER_ID)
            .await?;
        tracing::info!("media host removed");
        Ok(())
    }

    async fn s3_host(&self) -> Result<Option<S3Host>> {
        let Some(config) = self.media_host_config().await? else {
            return Ok(None);
        };
        let Some(secret) = self
            .read_secret(SecretOwnerKind::MediaHost, OWNER_ID, SECRET_PURPOSE)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some(S3Host::new(&config, &secret, self.http().clone())?))
    }

    /// The media host publishing hands to platforms that fetch media from a URL; `None` when it
    /// is not set up (those platforms then say so).
    pub async fn media_host(&self) -> Result<Option<Arc<dyn MediaHost>>> {
        Ok(self
            .s3_host()
            .await?
            .map(|h| Arc::new(h) as Arc<dyn MediaHost>))
    }

    /// Uploads a tiny file, fetches it through its URL, deletes it and lists Outpost's prefix with
    /// the saved settings; the report names the failing step.
    pub async fn test_media_host(&self) -> Result<MediaHostTestReport> {
        let host = self.s3_host().await?.ok_or_else(|| {
            Error::AppNotConfigured("Save the media host settings and secret first".into())
        })?;
        Ok(match host.test_connection().await {
            Ok(()) => MediaHostTestReport {
                ok: true,
                failed_step: None,
                message:
                    "Connected: a test file was uploaded, fetched through its link and deleted."
                        .into(),
            },
            Err(f) => MediaHostTestReport {
                ok: false,
                failed_step: Some(f.step),
                message: f.to_string(),
            },
        })
    }

    /// Deletes leftovers (objects under `outpost-tmp/` older than an hour); `None` when no media
    /// host is set up.
    pub async fn sweep_media_host(&self) -> Result<Option<SweepReport>> {
        match self.s3_host().await? {
            Some(h) => Ok(Some(h.sweep(SWEEP_OLDER_THAN).await?)),
            None => Ok(None),
        }
    }

    /// Sweeps leftovers in the background (on profile open); never blocks, failures are logged.
    pub(crate) fn sweep_media_host_in_background(&self) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let outpost = self.clone();
        tokio::spawn(async move {
            if let Err(e) = outpost.sweep_media_host().await {
                tracing::warn!(error = %e, "media host: sweeping leftovers failed");
            }
        });
    }
}
