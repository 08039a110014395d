//! Settings → Developer apps: the user's own client id (and secret, sealed in the vault) per
//! platform, with the guide and the exact redirect URI to register.

use outpost_platforms::platform::{DEFAULT_LOOPBACK_PORT, RedirectPolicy};
use outpost_platforms::{AppCredentials, Platform as P, Secret, guide::guide};
use outpost_store::apps::{self, DeveloperApp};
use outpost_store::{RedirectMode, SecretOwnerKind};

use super::connect::Surface;
use super::{CLIENT_SECRET_PURPOSE, DeveloperAppView, to_store_platform};
use crate::{Error, Outpost, Result};

/// The loopback path of a provider (one distinct path per provider and per server).
pub(crate) fn callback_path(provider_id: &str) -> String {
    format!("/oauth/{provider_id}/callback")
}

/// The port of a saved custom loopback redirect, if any.
pub(crate) fn custom_port(app: Option<&DeveloperApp>) -> Option<u16> {
    let uri = app?.redirect_uri.as_deref()?;
    url::Url::parse(uri).ok()?.port()
}

/// The exact redirect URI to register with `platform` (desktop app or CLI).
pub fn redirect_uri_for(platform: P, port: Option<u16>, surface: Surface) -> Result<String> {
    let port = port.unwrap_or(DEFAULT_LOOPBACK_PORT);
    Ok(match platform.redirect_policy() {
        RedirectPolicy::FixedLoopback => {
            format!("http://127.0.0.1:{port}{}", callback_path(platform.id()))
        }
        RedirectPolicy::AnyPortLoopback => {
            format!("http://127.0.0.1:*{}", callback_path(platform.id()))
        }
        RedirectPolicy::SelfRegistered => match surface {
            Surface::Desktop => format!(
                "{}://oauth/callback/mastodon-<server>",
                crate::paths::APP_IDENTIFIER
            ),
            Surface::Cli => format!(
                "http://127.0.0.1:{port}{}",
                callback_path("mastodon-<server>")
            ),
        },
        RedirectPolicy::None => {
            return Err(Error::InvalidInput(
                "Bluesky signs in with an app password: there is no redirect URI to register"
                    .into(),
            ));
        }
    })
}

fn validate_client_id(platform: P, id: &str) -> Result<String> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::InvalidInput(format!(
            "Enter the client id of your {platform} app"
        )));
    }
    if id.len() > 256 || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::InvalidInput(format!(
            "That does not look like a {platform} client id (no spaces, at most 256 characters)"
        )));
    }
    Ok(id.to_string())
}

impl Outpost {
    /// The developer-app view of every platform, in display order.
    pub async fn developer_apps(&self) -> Result<Vec<DeveloperAppView>> {
        let rows = apps::list_all(self.store().pool()).await?;
        let mut out = Vec::with_capacity(P::ALL.len());
        for p in P::ALL {
            let row = rows
                .iter()
                .find(|r| r.platform == to_store_platform(p) && r.instance_url.is_empty());
            out.push(app_view(p, row));
        }
        Ok(out)
    }

    /// Saves (or replaces) the client id of `platform`; `client_secret` `None` keeps a saved secret.
    /// `organization_access` (LinkedIn only): the app has the Community Management API product, so
    /// sign-in also asks for the organization scopes (company pages); each save states it anew.
    pub async fn save_developer_app(
        &self,
        platform: P,
        client_id: &str,
        client_secret: Option<Secret>,
        organization_access: bool,
    ) -> Result<DeveloperAppView> {
        if !platform.needs_developer_app() {
            return Err(Error::InvalidInput(format!(
                "{platform} needs no developer app: {}",
                if platform == P::Mastodon {
                    "Outpost registers itself on your server"
                } else {
                    "it signs in with an app password"
                }
            )));
        }
        let client_id = validate_client_id(platform, client_id)?;
        if organization_access && platform != P::Linkedin {
            return Err(Error::InvalidInput(format!(
                "Only LinkedIn apps have the Community Management product; {platform} asks for the scopes it needs"
            )));
        }
        if let Some(s) = &client_secret {
            if !platform.secret_allowed() {
                return Err(Error::InvalidInput(format!(
                    "{platform} apps have no client secret"
                )));
            }
            if s.expose().trim().is_empty()
                || s.expose().len() > 512
                || s.expose().chars().any(char::is_control)
            {
                return Err(Error::InvalidInput(
                    "The client secret is empty or not valid".into(),
                ));
            }
        }
        let pool = self.store().pool();
        let existing = apps::find_by_platform(pool, to_store_platform(platform), "").await?;
        let has_secret =
            client_secret.is_some() || existing.as_ref().is_some_and(|a| a.has_client_secret);
        if platform.secret_required() && !has_secret {
            return Err(Error::InvalidInput(format!(
                "{platform} requires the client secret of your app"
            )));
        }
        let now = outpost_store::now_ms();
        let row = DeveloperApp {
            id: existing
                .as_ref()
                .map_or_else(outpost_store::new_id, |a| a.id.clone()),
            platform: to_store_platform(platform),
            instance_url: String::new(),
            client_id,
            has_client_secret: has_secret,
            redirect_mode: existing
                .as_ref()
                .map_or(RedirectMode::Loopback, |a| a.redirect_mode),
            redirect_uri: existing.as_ref().and_then(|a| a.redirect_uri.clone()),
            organization_access,
            created_at: existing.as_ref().map_or(now, |a| a.created_at),
            updated_at: now,
        };
        // The secret first: a row claiming a secret that was never sealed would fail every sign-in.
        if let Some(s) = &client_secret {
            self.store_secret(
                SecretOwnerKind::DeveloperApp,
                &row.id,
                CLIENT_SECRET_PURPOSE,
                s,
            )
            .await?;
        }
        if existing.is_some() {
            apps::update(pool, &row).await?;
        } else {
            apps::insert(pool, &row).await?;
        }
        tracing::info!(platform = platform.id(), "developer app saved");
        Ok(app_view(platform, Some(&row)))
    }

    /// Forgets the developer app of `platform` (its sealed secret too). Connected channels keep
    /// working until their tokens need refreshing.
    pub async fn remove_developer_app(&self, platform: P) -> Result<()> {
        let pool = self.store().pool();
        if let Some(app) = apps::find_by_platform(pool, to_store_platform(platform), "").await? {
            outpost_store::secrets::delete_for_owner(pool, SecretOwnerKind::DeveloperApp, &app.id)
                .await?;
            apps::delete(pool, &app.id).await?;
        }
        Ok(())
    }

    /// The redirect URI to register for `platform` on this surface.
    pub async fn redirect_uri(&self, platform: P, surface: Surface) -> Result<String> {
        let app =
            apps::find_by_platform(self.store().pool(), to_store_platform(platform), "").await?;
        redirect_uri_for(platform, custom_port(app.as_ref()), surface)
    }

    /// Uses `port` instead of the default loopback port for `platform`'s redirect (when another
    /// program holds the default). The app must exist.
    pub async fn set_loopback_port(&self, platform: P, port: u16) -> Result<()> {
        let pool = self.store().pool();
        let mut app = apps::find_by_platform(pool, to_store_platform(platform), "")
            .await?
            .ok_or_else(|| {
                Error::AppNotConfigured(format!("Set up your {platform} developer app first"))
            })?;
        app.redirect_mode = RedirectMode::Custom;
        app.redirect_uri = Some(format!(
            "http://127.0.0.1:{port}{}",
            callback_path(platform.id())
        ));
        app.updated_at = outpost_store::now_ms();
        apps::update(pool, &app).await?;
        Ok(())
    }

    /// The credentials to sign in with (secret unsealed), or a clear "set it up first".
    pub(crate) async fn app_credentials(
        &self,
        platform: P,
        instance_url: &str,
    ) -> Result<(DeveloperApp, AppCredentials)> {
        let app = apps::find_by_platform(self.store().pool(), to_store_platform(platform), instance_url)
            .await?
            .ok_or_else(|| {
                Error::AppNotConfigured(format!(
                    "Set up your {platform} developer app first (Settings → Developer apps, or `outpost apps set {}`)",
                    platform.id()
                ))
            })?;
        let secret = if app.has_client_secret {
            self.read_secret(
                SecretOwnerKind::DeveloperApp,
                &app.id,
                CLIENT_SECRET_PURPOSE,
            )
            .await?
        } else {
            None
        };
        if platform.secret_required() && secret.is_none() {
            return Err(Error::AppNotConfigured(format!(
                "{platform} needs the client secret of your developer app"
            )));
        }
        let instance = if instance_url.is_empty() {
            None
        } else {
            url::Url::parse(instance_url).ok()
        };
        let creds = AppCredentials {
            client_id: app.client_id.clone(),
            client_secret: secret,
            instance_url: instance,
            organization_access: app.organization_access,
        };
        Ok((app, creds))
    }
}

fn app_view(p: P, row: Option<&DeveloperApp>) -> DeveloperAppView {
    let g = guide(p);
    DeveloperAppView {
        platform: p,
        platform_name: p.name().to_string(),
        self_registering: !p.needs_developer_app(),
        configured: row.is_some() || !p.needs_developer_app(),
        client_id: row.map(|r| r.client_id.clone()),
        has_client_secret: row.is_some_and(|r| r.has_client_secret),
        secret_required: p.secret_required(),
        secret_allowed: p.secret_allowed(),
        console_url: g.console_url.to_string(),
        steps: g.steps.iter().map(|s| (*s).to_string()).collect(),
        redirect_uri: redirect_uri_for(p, custom_port(row), Surface::Desktop).unwrap_or_default(),
        scopes: outpost_platforms::provider(p)
            .scopes_for(&AppCredentials {
                client_id: String::new(),
                client_secret: None,
                instance_url: None,
                organization_access: row.is_some_and(|r| r.organization_access),
            })
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
        organization_access: row.is_some_and(|r| r.organization_access),
        offers_organization_access: p == P::Linkedin,
        notes: g.notes.iter().map(|s| (*s).to_string()).collect(),
    }
}
