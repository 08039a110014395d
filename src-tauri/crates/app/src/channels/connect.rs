//! Sign-in flows: start (listener or deep link + browser), wait for the callback, offer the
//! accounts, connect the chosen ones. At most one flow per provider; every flow ends — success,
//! refusal, cancel or timeout — with its listener closed and its secrets dropped.

use std::time::Duration;

use outpost_platforms::bluesky::auth as bluesky;
use outpost_platforms::loopback::Loopback;
use outpost_platforms::mastodon::auth::{self as mastodon, ServerMeta};
use outpost_platforms::platform::{DEFAULT_LOOPBACK_PORT, RedirectPolicy};
use outpost_platforms::{
    Account, AppCredentials, AuthRequest, CallbackError, Ctx, Grant, Platform as P, Secret,
    provider,
};
use outpost_store::apps::{self, DeveloperApp};
use outpost_store::channels::{self, Channel};
use outpost_store::{ChannelKind, ChannelStatus, RedirectMode, SecretOwnerKind};
use tokio::sync::oneshot;

use super::apps::{callback_path, custom_port};
use super::{
    CLIENT_SECRET_PURPOSE, ChannelView, ConnectCandidate, ConnectCandidates, ConnectStarted,
    RedirectKind, TOKENS_PURPOSE, to_store_platform, view,
};
use crate::{Error, Outpost, Result};

/// How long a sign-in waits for the browser by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Which front-end runs the sign-in: the CLI has no window to receive deep links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Desktop,
    Cli,
}

enum Waiter {
    Loopback(Loopback),
    DeepLink(oneshot::Receiver<Vec<(String, String)>>),
}

impl std::fmt::Debug for Waiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Waiter::Loopback(_) => "Loopback",
            Waiter::DeepLink(_) => "DeepLink",
        })
    }
}

/// A flow in progress.
#[derive(Debug)]
pub(crate) struct Flow {
    platform: P,
    /// `''` or the server origin (Mastodon).
    instance_url: String,
    /// Deep-link/loopback provider id (`x`, `mastodon-<host>`).
    provider_id: String,
    app: AppCredentials,
    app_id: String,
    request: AuthRequest,
    mastodon: Option<ServerMeta>,
    waiter: Option<Waiter>,
    deep_link_tx: Option<oneshot::Sender<Vec<(String, String)>>>,
    cancel: std::sync::Arc<tokio::sync::Notify>,
    expires_at_ms: i64,
    /// After the browser step: what the user may connect.
    accounts: Option<(Grant, Vec<Account>)>,
}

fn kind_of(k: outpost_platforms::AccountKind) -> ChannelKind {
    match k {
        outpost_platforms::AccountKind::Profile => ChannelKind::Profile,
        outpost_platforms::AccountKind::Page => ChannelKind::Page,
        outpost_platforms::AccountKind::Organization => ChannelKind::Organization,
    }
}

impl Outpost {
    fn ctx<'a>(&'a self, app: &'a AppCredentials) -> Ctx<'a> {
        Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app,
            media_host: None,
            parts: None,
            quota: None,
        }
    }

    /// Starts a sign-in for `platform` and opens the browser. `instance` is the server (Mastodon).
    pub async fn connect_start(
        &self,
        platform: P,
        instance: Option<&str>,
        surface: Surface,
    ) -> Result<ConnectStarted> {
        self.connect_start_with_timeout(platform, instance, surface, DEFAULT_TIMEOUT)
            .await
    }

    pub async fn connect_start_with_timeout(
        &self,
        platform: P,
        instance: Option<&str>,
        surface: Surface,
        timeout: Duration,
    ) -> Result<ConnectStarted> {
        if platform == P::Bluesky {
            return Err(Error::InvalidInput(
                "Bluesky connects with an app password, not through the browser".into(),
            ));
        }
        let (app_row, app, provider_id, mastodon) = if platform == P::Mastodon {
            let origin = mastodon::server_origin(instance.unwrap_or_default())?;
            let pid = mastodon::provider_id(&origin);
            let meta = mastodon::discover(self.http(), &origin).await?;
            let (row, app) = self.mastodon_app(&origin, &pid).await?;
            (row, app, pid, Some(meta))
        } else {
            let (row, app) = self.app_credentials(platform, "").await?;
            (row, app, platform.id().to_string(), None)
        };
        let instance_url = app
            .instance_url
            .as_ref()
            .map(|u| u.as_str().to_string())
            .unwrap_or_default();
        // One flow per provider: a new start replaces an abandoned one.
        self.cancel_flows_for(&provider_id);

        let use_deep_link = platform.redirect_policy() == RedirectPolicy::SelfRegistered
            && surface == Surface::Desktop;
        let (waiter, redirect_uri, deep_link_tx) = if use_deep_link {
            let (tx, rx) = oneshot::channel();
            let uri = format!(
                "{}://oauth/callback/{provider_id}",
                crate::paths::APP_IDENTIFIER
            );
            (Waiter::DeepLink(rx), uri, Some(tx))
        } else {
            let port = match platform.redirect_policy() {
                RedirectPolicy::AnyPortLoopback => 0,
                _ => custom_port(Some(&app_row)).unwrap_or(DEFAULT_LOOPBACK_PORT),
            };
            let lb = Loopback::bind(port, &callback_path(&provider_id)).await?;
            let uri = lb.redirect_uri();
            (Waiter::Loopback(lb), uri, None)
        };
        let ctx = self.ctx(&app);
        let request = match &mastodon {
            Some(meta) => mastodon::Mastodon.authorize_with(ctx, meta, &redirect_uri)?,
            None => provider(platform).authorize(ctx, &redirect_uri)?,
        };
        let flow_id = outpost_store::new_id();
        let expires_at_ms =
            outpost_store::now_ms() + i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX / 2);
        let url = request.url.to_string();
        let redirect = if use_deep_link {
            RedirectKind::DeepLink
        } else {
            RedirectKind::Loopback
        };
        let flow = Flow {
            platform,
            instance_url,
            provider_id,
            app,
            app_id: app_row.id.clone(),
            request,
            mastodon,
            waiter: Some(waiter),
            deep_link_tx,
            cancel: std::sync::Arc::new(tokio::sync::Notify::new()),
            expires_at_ms,
            accounts: None,
        };
        self.flows().insert(flow_id.clone(), flow);
        tracing::info!(platform = platform.id(), flow = %flow_id, ?redirect, "sign-in started");
        if let Err(why) = self.channels_state().browser.open(&url) {
            // The flow stays open: the user can copy the URL into a browser.
            // The URL carries the one-time state: never into the log.
            let why = why.to_string().replace(&url, "<authorization URL>");
            tracing::warn!(platform = platform.id(), "browser not opened: {why}");
        }
        Ok(ConnectStarted {
            flow_id,
            platform,
            authorize_url: url,
            redirect,
            expires_at: expires_at_ms,
        })
    }

    fn flows(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Flow>> {
        self.channels_state()
            .flows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn cancel_flows_for(&self, provider_id: &str) {
        let mut flows = self.flows();
        let ids: Vec<String> = flows
            .iter()
            .filter(|(_, f)| f.provider_id == provider_id)
            .map(|(id, _)| id.clone())
            .collect();
        for id in ids {
            if let Some(f) = flows.remove(&id) {
                f.cancel.notify_one();
            }
        }
    }

    /// Cancels a sign-in (its listener closes; a waiting `connect_wait` ends with "cancelled").
    pub fn connect_cancel(&self, flow_id: &str) {
        if let Some(f) = self.flows().remove(flow_id) {
            f.cancel.notify_one();
            tracing::info!(flow = %flow_id, "sign-in cancelled");
        }
    }

    /// Waits for the browser step to finish, exchanges the code and lists what can be connected.
    pub async fn connect_wait(&self, flow_id: &str) -> Result<ConnectCandidates> {
        let (waiter, cancel, expires_at_ms, platform, state) = {
            let mut flows = self.flows();
            let f = flows.get_mut(flow_id).ok_or_else(|| Error::NotFound {
                what: "That sign-in (it ended or was cancelled)".into(),
            })?;
            let waiter = f.waiter.take().ok_or_else(|| {
                Error::InvalidInput("This sign-in is already being waited for".into())
            })?;
            (
                waiter,
                f.cancel.clone(),
                f.expires_at_ms,
                f.platform,
                Secret::new(f.request.state.expose().to_string()),
            )
        };
        let left = Duration::from_millis(
            u64::try_from(expires_at_ms - outpost_store::now_ms()).unwrap_or(0),
        );
        let seconds = left.as_secs();
        let callback = async {
            match waiter {
                Waiter::Loopback(lb) => lb.wait(platform, state.expose()).await,
                Waiter::DeepLink(rx) => {
                    let pairs = rx.await.map_err(|_| outpost_platforms::Error::Cancelled)?;
                    Ok(outpost_platforms::flow::validate_callback(
                        platform,
                        &pairs,
                        state.expose(),
                    )?)
                }
            }
        };
        let outcome = tokio::select! {
            r = callback => r,
            () = cancel.notified() => Err(outpost_platforms::Error::Cancelled),
            () = tokio::time::sleep(left) => Err(outpost_platforms::Error::TimedOut { seconds }),
        };
        let params = match outcome {
            Ok(p) => p,
            Err(e) => {
                self.flows().remove(flow_id);
                tracing::info!(flow = %flow_id, platform = platform.id(), "sign-in ended: {e}");
                return Err(e.into());
            }
        };
        match self.exchange_and_list(flow_id, &params.code).await {
            Ok(c) => Ok(c),
            Err(e) => {
                self.flows().remove(flow_id);
                tracing::info!(flow = %flow_id, platform = platform.id(), "sign-in failed: {e}");
                Err(e)
            }
        }
    }

    async fn exchange_and_list(&self, flow_id: &str, code: &Secret) -> Result<ConnectCandidates> {
        // The flow's data is moved out while the network calls run (no lock across awaits).
        let (platform, app, request, meta, instance_url) = {
            let flows = self.flows();
            let f = flows
                .get(flow_id)
                .ok_or(outpost_platforms::Error::Cancelled)?;
            (
                f.platform,
                f.app.clone(),
                AuthRequest {
                    platform: f.platform,
                    url: f.request.url.clone(),
                    state: Secret::new(f.request.state.expose().to_string()),
                    verifier: Secret::new(f.request.verifier.expose().to_string()),
                    redirect_uri: f.request.redirect_uri.clone(),
                },
                f.mastodon.clone(),
                f.instance_url.clone(),
            )
        };
        let ctx = self.ctx(&app);
        let mut grant = match &meta {
            Some(m) => {
                mastodon::Mastodon
                    .exchange_with(ctx, m, &request, code)
                    .await?
            }
            None => provider(platform).exchange(ctx, &request, code).await?,
        };
        // All accounts from one sign-in share this grant id (disconnecting one page must not
        // revoke the others).
        grant
            .tokens
            .extra
            .insert("grant".into(), outpost_store::new_id());
        let mut accounts = provider(platform).accounts(ctx, &grant).await?;
        if let Some(g) = grant.tokens.extra("grant").map(str::to_string) {
            for a in &mut accounts {
                a.tokens.extra.insert("grant".into(), g.clone());
            }
        }
        let candidates = self.candidates(platform, &instance_url, &accounts).await?;
        let asked: Vec<String> = provider(platform)
            .scopes_for(&app)
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        let missing = asked
            .iter()
            .filter(|s| !grant.granted_scopes.contains(s))
            .cloned()
            .collect();
        let granted_scopes = grant.granted_scopes.clone();
        let mut flows = self.flows();
        let f = flows
            .get_mut(flow_id)
            .ok_or(outpost_platforms::Error::Cancelled)?;
        f.accounts = Some((grant, accounts));
        Ok(ConnectCandidates {
            flow_id: flow_id.to_string(),
            platform,
            candidates,
            granted_scopes,
            missing_scopes: missing,
        })
    }

    async fn candidates(
        &self,
        platform: P,
        instance_url: &str,
        accounts: &[Account],
    ) -> Result<Vec<ConnectCandidate>> {
        let mut out = Vec::with_capacity(accounts.len());
        for (i, a) in accounts.iter().enumerate() {
            let existing = channels::find_by_account(
                self.store().pool(),
                to_store_platform(platform),
                instance_url,
                &a.platform_account_id,
            )
            .await?;
            out.push(ConnectCandidate {
                key: i.to_string(),
                platform_account_id: a.platform_account_id.clone(),
                kind: a.kind.id().to_string(),
                display_name: a.display_name.clone(),
                handle: a.handle.clone(),
                avatar_url: a.avatar_url.clone(),
                existing_channel_id: existing.map(|c| c.id),
            });
        }
        Ok(out)
    }

    /// Connects the chosen candidates (`keys` from [`ConnectCandidates`]) and ends the flow.
    pub async fn connect_finish(&self, flow_id: &str, keys: &[String]) -> Result<Vec<ChannelView>> {
        if keys.is_empty() {
            return Err(Error::InvalidInput(
                "Choose at least one account to connect".into(),
            ));
        }
        let (platform, instance_url, app_id, accounts) = {
            let flows = self.flows();
            let f = flows.get(flow_id).ok_or_else(|| Error::NotFound {
                what: "That sign-in (it ended or was cancelled)".into(),
            })?;
            let (_, accounts) = f.accounts.as_ref().ok_or_else(|| {
                Error::InvalidInput("This sign-in has not come back from the browser yet".into())
            })?;
            let mut chosen = Vec::new();
            for k in keys {
                let i: usize = k
                    .parse()
                    .map_err(|_| Error::InvalidInput("Unknown account".into()))?;
                chosen.push(
                    accounts
                        .get(i)
                        .cloned()
                        .ok_or_else(|| Error::InvalidInput("Unknown account".into()))?,
                );
            }
            (f.platform, f.instance_url.clone(), f.app_id.clone(), chosen)
        };
        let mut views = Vec::with_capacity(accounts.len());
        for a in &accounts {
            views.push(
                self.save_channel(platform, &instance_url, Some(&app_id), a)
                    .await?,
            );
        }
        self.flows().remove(flow_id);
        self.emit_channel_event(
            views.iter().map(|v| v.id.clone()).collect(),
            "connected",
            None,
        );
        Ok(views)
    }

    /// The whole browser sign-in in one call, connecting every account offered (the CLI).
    pub async fn connect_all(
        &self,
        platform: P,
        instance: Option<&str>,
        surface: Surface,
    ) -> Result<Vec<ChannelView>> {
        let started = self.connect_start(platform, instance, surface).await?;
        let candidates = self.connect_wait(&started.flow_id).await?;
        let keys: Vec<String> = candidates
            .candidates
            .iter()
            .map(|c| c.key.clone())
            .collect();
        self.connect_finish(&started.flow_id, &keys).await
    }

    /// Connects a Bluesky account with an app password (used once, never stored).
    pub async fn connect_bluesky(
        &self,
        service: Option<&str>,
        identifier: &str,
        app_password: &Secret,
    ) -> Result<Vec<ChannelView>> {
        let origin = bluesky::service_origin(service, &self.channels_state().endpoints)?;
        let mut account = bluesky::Bluesky
            .sign_in(self.http(), &origin, identifier, app_password)
            .await?;
        account
            .tokens
            .extra
            .insert("grant".into(), outpost_store::new_id());
        let instance = origin.as_str().to_string();
        let v = self
            .save_channel(P::Bluesky, &instance, None, &account)
            .await?;
        self.emit_channel_event(vec![v.id.clone()], "connected", None);
        Ok(vec![v])
    }

    /// Creates or updates the channel of `account` and seals its tokens.
    async fn save_channel(
        &self,
        platform: P,
        instance_url: &str,
        app_id: Option<&str>,
        a: &Account,
    ) -> Result<ChannelView> {
        let pool = self.store().pool();
        let now = outpost_store::now_ms();
        let existing = channels::find_by_account(
            pool,
            to_store_platform(platform),
            instance_url,
            &a.platform_account_id,
        )
        .await?;
        let row = Channel {
            id: existing
                .as_ref()
                .map_or_else(outpost_store::new_id, |c| c.id.clone()),
            platform: to_store_platform(platform),
            instance_url: instance_url.to_string(),
            platform_account_id: a.platform_account_id.clone(),
            kind: kind_of(a.kind),
            display_name: a.display_name.clone(),
            handle: a.handle.clone(),
            avatar_url: a
                .avatar_url
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            scopes: a.tokens.scopes.join(" "),
            status: ChannelStatus::Connected,
            status_reason: None,
            token_expires_at: a.tokens.expires_at.map(|s| s * 1000),
            developer_app_id: app_id.map(str::to_string),
            created_at: existing.as_ref().map_or(now, |c| c.created_at),
            updated_at: now,
        };
        // Tokens first: a channel marked connected must always have them.
        let sealed = Secret::new(a.tokens.to_sealed_json().to_string());
        self.store_secret(SecretOwnerKind::Channel, &row.id, TOKENS_PURPOSE, &sealed)
            .await?;
        if existing.is_some() {
            channels::update(pool, &row).await?;
        } else {
            channels::insert(pool, &row).await?;
        }
        tracing::info!(platform = platform.id(), channel = %row.id, "channel connected");
        Ok(view(&row))
    }

    /// The registration of Outpost on a Mastodon server, created on first use.
    async fn mastodon_app(
        &self,
        origin: &url::Url,
        provider_id: &str,
    ) -> Result<(DeveloperApp, AppCredentials)> {
        let instance = origin.as_str().to_string();
        let pool = self.store().pool();
        if apps::find_by_platform(pool, outpost_store::Platform::Mastodon, &instance)
            .await?
            .is_some()
        {
            return self.app_credentials(P::Mastodon, &instance).await;
        }
        let uris = vec![
            format!(
                "{}://oauth/callback/{provider_id}",
                crate::paths::APP_IDENTIFIER
            ),
            format!(
                "http://127.0.0.1:{DEFAULT_LOOPBACK_PORT}{}",
                callback_path(provider_id)
            ),
        ];
        let creds = mastodon::register(self.http(), origin, &uris).await?;
        let now = outpost_store::now_ms();
        let row = DeveloperApp {
            id: outpost_store::new_id(),
            platform: outpost_store::Platform::Mastodon,
            instance_url: instance,
            client_id: creds.client_id.clone(),
            has_client_secret: creds.client_secret.is_some(),
            redirect_mode: RedirectMode::DeepLink,
            redirect_uri: None,
            organization_access: false,
            created_at: now,
            updated_at: now,
        };
        if let Some(s) = &creds.client_secret {
            self.store_secret(
                SecretOwnerKind::DeveloperApp,
                &row.id,
                CLIENT_SECRET_PURPOSE,
                s,
            )
            .await?;
        }
        apps::insert(pool, &row).await?;
        tracing::info!(server = %origin, "registered Outpost on a Mastodon server");
        Ok((row, creds))
    }

    /// Hands a deep-link callback (`app.outpost.desktop://oauth/callback/<provider>?…`) to the
    /// flow waiting for it. Validation (state, code) happens in that flow.
    pub fn deliver_oauth_callback(
        &self,
        provider_id: &str,
        query: Vec<(String, String)>,
    ) -> Result<()> {
        let mut flows = self.flows();
        let tx = flows
            .values_mut()
            .find(|f| f.provider_id == provider_id && f.deep_link_tx.is_some())
            .and_then(|f| f.deep_link_tx.take())
            .ok_or(outpost_platforms::Error::Callback(CallbackError::NoFlow))?;
        tx.send(query)
            .map_err(|_| outpost_platforms::Error::Callback(CallbackError::NoFlow))?;
        Ok(())
    }
}
