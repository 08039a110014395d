//! The token lifecycle: tokens sealed per channel, refreshed before expiry with at most one refresh
//! in flight per channel, transient failures retried with back-off (they never disconnect a
//! channel), a refused grant turning the channel into "reconnect needed" with an event for the UI
//! and the OS notification.

use std::sync::Arc;
use std::time::Duration;

use outpost_platforms::{
    AppCredentials, Error as PErr, Grant, Platform as P, Secret, TokenSet, provider,
};
use outpost_store::channels::{self, Channel};
use outpost_store::{ChannelStatus, SecretOwnerKind};

use super::{ChannelView, TOKENS_PURPOSE, to_platform, view};
use crate::{Outpost, Result};

/// What a refresh attempt did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The access token is not close to expiry.
    Fresh,
    Refreshed,
    /// The platform offers no refresh for this token (yet): nothing to do.
    NotRefreshable,
    /// The grant is gone; the channel now shows "reconnect needed".
    ReconnectNeeded(String),
    /// The platform could not be reached or failed; the channel stays connected and it is retried later.
    Deferred(String),
}

/// Refresh when this little of the token's life is left: a tenth, between 5 minutes and 7 days —
/// and never more than half its life, so a token that lives only seconds is not refreshed the
/// moment it arrives (a refresh loop).
pub(crate) fn margin_s(t: &TokenSet) -> i64 {
    let life = t.expires_at.map_or(0, |e| e - t.issued_at).max(0);
    (life / 10).clamp(300, 7 * 86_400).min(life / 2)
}

/// The least time between two refreshes of one channel that were not asked for by a refused
/// token: half the token's life, between 1 and 10 seconds — so even a platform that answers with
/// tokens already expired (or a wrong clock) cannot drive a refresh loop.
pub(crate) fn refresh_floor_ms(t: &TokenSet) -> i64 {
    let life = t.expires_at.map_or(0, |e| e - t.issued_at).max(0);
    (life * 1000 / 2).clamp(1_000, 10_000)
}

fn now_s() -> i64 {
    outpost_store::now_ms() / 1000
}

impl Outpost {
    fn refresh_lock(&self, channel_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .channels_state()
            .refresh_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(channel_id.to_string()).or_default().clone()
    }

    /// The channel's sealed token set, `None` when it has none.
    pub(crate) async fn channel_tokens(&self, channel_id: &str) -> Result<Option<TokenSet>> {
        let Some(s) = self
            .read_secret(SecretOwnerKind::Channel, channel_id, TOKENS_PURPOSE)
            .await?
        else {
            return Ok(None);
        };
        Ok(TokenSet::from_sealed_json(s.expose()))
    }

    async fn seal_tokens(&self, channel_id: &str, t: &TokenSet) -> Result<()> {
        let sealed = Secret::new(t.to_sealed_json().to_string());
        self.store_secret(
            SecretOwnerKind::Channel,
            channel_id,
            TOKENS_PURPOSE,
            &sealed,
        )
        .await?;
        channels::set_token_expiry(
            self.store().pool(),
            channel_id,
            t.expires_at.map(|s| s * 1000),
            outpost_store::now_ms(),
        )
        .await?;
        Ok(())
    }

    /// The app credentials a channel refreshes with (Bluesky needs none).
    pub(crate) async fn credentials_for(&self, c: &Channel) -> Result<AppCredentials> {
        let p = to_platform(c.platform);
        if p == P::Bluesky {
            return Ok(AppCredentials {
                client_id: String::new(),
                client_secret: None,
                instance_url: None,
                organization_access: false,
            });
        }
        let instance = if p == P::Mastodon {
            c.instance_url.as_str()
        } else {
            ""
        };
        Ok(self.app_credentials(p, instance).await?.1)
    }

    pub(crate) async fn mark_reconnect_needed(&self, c: &Channel, reason: &str) -> Result<()> {
        channels::set_status(
            self.store().pool(),
            &c.id,
            ChannelStatus::ReconnectNeeded,
            Some(reason),
            outpost_store::now_ms(),
        )
        .await?;
        let p = to_platform(c.platform);
        tracing::warn!(platform = p.id(), channel = %c.id, "channel needs reconnecting");
        self.emit_channel_event(
            vec![c.id.clone()],
            "reconnect_needed",
            Some(format!(
                "Reconnect {} on {p}: {reason}. Its scheduled posts are on hold until then.",
                c.display_name
            )),
        );
        Ok(())
    }

    /// Refreshes the channel's token when it is close to expiry (`force`: regardless). One refresh
    /// per channel at a time; a second caller waits and then sees the fresh token.
    pub async fn refresh_channel(&self, channel_id: &str, force: bool) -> Result<RefreshOutcome> {
        let lock = self.refresh_lock(channel_id);
        let _one_at_a_time = lock.lock().await;
        let c = channels::get(self.store().pool(), channel_id).await?;
        if c.status != ChannelStatus::Connected {
            return Ok(RefreshOutcome::ReconnectNeeded(
                c.status_reason.unwrap_or_else(|| "not connected".into()),
            ));
        }
        let p = to_platform(c.platform);
        let Some(tokens) = self.channel_tokens(channel_id).await? else {
            let reason = "its sign-in is missing on this device";
            self.mark_reconnect_needed(&c, reason).await?;
            return Ok(RefreshOutcome::ReconnectNeeded(reason.into()));
        };
        if !force && !tokens.expires_within(now_s(), margin_s(&tokens)) {
            return Ok(RefreshOutcome::Fresh);
        }
        // A floor between refreshes (a refused token — `force` — may always refresh once).
        if !force && self.refresh_floor_until(channel_id, &tokens) > outpost_store::now_ms() {
            return Ok(RefreshOutcome::Fresh);
        }
        let prov = provider(p);
        if !prov.can_refresh(&tokens) {
            return Ok(RefreshOutcome::NotRefreshable);
        }
        let app = self.credentials_for(&c).await?;
        let ctx = outpost_platforms::Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app: &app,
            media_host: None,
            parts: None,
            quota: None,
        };
        let base = self.channels_state().retry_base;
        let mut attempt = 0u32;
        loop {
            match prov.refresh(ctx, &tokens).await {
                Ok(fresh) => {
                    // Sealed at once: with rotating refresh tokens the old one is already dead.
                    self.seal_tokens(channel_id, &fresh).await?;
                    self.channels_state()
                        .last_refresh
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .insert(channel_id.to_string(), outpost_store::now_ms());
                    tracing::info!(platform = p.id(), channel = %channel_id, "token refreshed");
                    self.emit_channel_event(vec![channel_id.to_string()], "refreshed", None);
                    return Ok(RefreshOutcome::Refreshed);
                }
                Err(e) if e.needs_reauth() => {
                    let reason = match &e {
                        PErr::NeedsReauth { reason, .. } => reason.clone(),
                        other => other.to_string(),
                    };
                    self.mark_reconnect_needed(&c, &reason).await?;
                    return Ok(RefreshOutcome::ReconnectNeeded(reason));
                }
                Err(e) if e.is_transient() && attempt < 3 => {
                    let delay = base * 2u32.pow(attempt);
                    tracing::info!(platform = p.id(), channel = %channel_id, attempt, "refresh failed ({e}); retrying in {delay:?}");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => {
                    tracing::warn!(platform = p.id(), channel = %channel_id, "refresh deferred: {e}");
                    return Ok(RefreshOutcome::Deferred(e.to_string()));
                }
            }
        }
    }

    /// Before this moment (unix ms) a non-forced refresh of the channel waits (the floor).
    fn refresh_floor_until(&self, channel_id: &str, t: &TokenSet) -> i64 {
        self.channels_state()
            .last_refresh
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(channel_id)
            .map_or(i64::MIN, |at| at + refresh_floor_ms(t))
    }

    /// A usable token set for the channel: refreshed first when close to expiry. Fails with
    /// "reconnect needed" when the grant is gone, and with "platform unavailable" when the token has
    /// expired and the platform cannot be reached to refresh it.
    pub async fn fresh_tokens(&self, channel_id: &str) -> Result<TokenSet> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        let p = to_platform(c.platform);
        match self.refresh_channel(channel_id, false).await? {
            RefreshOutcome::ReconnectNeeded(reason) => Err(PErr::NeedsReauth {
                platform: p,
                reason,
            }
            .into()),
            outcome => {
                let t =
                    self.channel_tokens(channel_id)
                        .await?
                        .ok_or_else(|| PErr::NeedsReauth {
                            platform: p,
                            reason: "its sign-in is missing".into(),
                        })?;
                if let RefreshOutcome::Deferred(why) = outcome
                    && t.expires_within(now_s(), 0)
                {
                    return Err(crate::Error::PlatformUnavailable(format!(
                        "{p} could not refresh the sign-in ({why}); Outpost keeps trying"
                    )));
                }
                Ok(t)
            }
        }
    }

    /// Asks the platform whether the channel's sign-in still works (refreshing once when the access
    /// token was refused); a refused grant turns the channel into "reconnect needed".
    pub async fn check_channel(&self, channel_id: &str) -> Result<ChannelView> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        let p = to_platform(c.platform);
        let app = self.credentials_for(&c).await?;
        let ctx = outpost_platforms::Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app: &app,
            media_host: None,
            parts: None,
            quota: None,
        };
        let mut refreshed = false;
        loop {
            let tokens = self.fresh_tokens(channel_id).await?;
            let grant = Grant {
                granted_scopes: tokens.scopes.clone(),
                tokens,
            };
            match provider(p).verify(ctx, &grant).await {
                Ok(()) => break,
                Err(e)
                    if e.needs_reauth() && !refreshed && provider(p).can_refresh(&grant.tokens) =>
                {
                    refreshed = true;
                    if let RefreshOutcome::ReconnectNeeded(r) =
                        self.refresh_channel(channel_id, true).await?
                    {
                        return Err(PErr::NeedsReauth {
                            platform: p,
                            reason: r,
                        }
                        .into());
                    }
                }
                Err(e) if e.needs_reauth() => {
                    let reason = match &e {
                        PErr::NeedsReauth { reason, .. } => reason.clone(),
                        other => other.to_string(),
                    };
                    self.mark_reconnect_needed(&c, &reason).await?;
                    return Err(e.into());
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(view(&channels::get(self.store().pool(), channel_id).await?))
    }

    /// Refreshes every connected channel that is due. Returns when to look again (unix ms).
    pub async fn refresh_due(&self) -> Result<Option<i64>> {
        let connected =
            channels::list_by_status(self.store().pool(), ChannelStatus::Connected).await?;
        let mut next: Option<i64> = None;
        for c in connected {
            let Ok(Some(t)) = self.channel_tokens(&c.id).await else {
                continue;
            };
            let Some(exp) = t.expires_at else { continue };
            if !provider(to_platform(c.platform)).can_refresh(&t)
                && !t.expires_within(now_s(), margin_s(&t))
            {
                continue;
            }
            let due = (exp - margin_s(&t)) * 1000;
            let when = if due <= outpost_store::now_ms() {
                match self.refresh_channel(&c.id, false).await {
                    Ok(RefreshOutcome::Refreshed) => match self.channel_tokens(&c.id).await {
                        Ok(Some(t2)) => t2.expires_at.map(|e| (e - margin_s(&t2)) * 1000),
                        _ => None,
                    },
                    // Try again in five minutes; never give up on a connected channel.
                    Ok(RefreshOutcome::Deferred(_)) | Err(_) => {
                        Some(outpost_store::now_ms() + 5 * 60_000)
                    }
                    // Within the floor: look again when it has passed (or at expiry).
                    Ok(RefreshOutcome::Fresh) => Some(self.refresh_floor_until(&c.id, &t).max(due)),
                    Ok(_) => None,
                }
            } else {
                Some(due)
            };
            if let Some(w) = when {
                next = Some(next.map_or(w, |n| n.min(w)));
            }
        }
        Ok(next)
    }

    /// Keeps tokens fresh in the background: sleeps until the next refresh is due (at most an hour,
    /// woken early when channels change), so an idle app makes no wake-ups beyond that.
    /// Runs forever; the front-end spawns it on its runtime.
    pub async fn run_token_refresher(self) {
        loop {
            let next = match self.refresh_due().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!("token refresher: {e}");
                    None
                }
            };
            let wait_ms = next.map_or(3_600_000, |n| {
                (n - outpost_store::now_ms()).clamp(1_000, 3_600_000)
            });
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(u64::try_from(wait_ms).unwrap_or(3_600_000))) => {}
                () = self.channels_state().refresher_wake.notified() => {}
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn living(life_s: i64) -> TokenSet {
        let mut t = TokenSet::new("t", 1_000);
        t.expires_at = Some(1_000 + life_s);
        t
    }

    #[test]
    fn the_refresh_margin_never_exceeds_half_the_tokens_life() {
        // Seconds-long tokens: refreshed half-way, never the moment they arrive (#16).
        assert_eq!(margin_s(&living(6)), 3);
        assert_eq!(margin_s(&living(1)), 0);
        // Ordinary tokens: a tenth, at least 5 minutes, at most 7 days.
        assert_eq!(margin_s(&living(7_200)), 720);
        assert_eq!(margin_s(&living(1_200)), 300);
        assert_eq!(margin_s(&living(60 * 86_400)), 6 * 86_400);
        assert_eq!(margin_s(&living(100 * 86_400)), 7 * 86_400);
        for life in [1, 6, 30, 599, 600, 601, 3_600, 86_400] {
            assert!(margin_s(&living(life)) <= life / 2, "{life}");
        }
    }

    #[test]
    fn refreshes_of_one_channel_have_a_floor() {
        assert_eq!(refresh_floor_ms(&living(6)), 3_000);
        assert_eq!(
            refresh_floor_ms(&living(0)),
            1_000,
            "an already expired token"
        );
        assert_eq!(refresh_floor_ms(&living(7_200)), 10_000);
    }
}
