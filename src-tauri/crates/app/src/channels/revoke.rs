//! Disconnecting: revoke upstream where the platform allows (and no other channel shares the
//! grant), then delete the tokens here whatever the platform said.

use outpost_platforms::{Platform as P, Revocation, provider};
use outpost_store::channels::{self, Channel};
use outpost_store::{ChannelStatus, SecretOwnerKind};

use super::{DisconnectReport, TOKENS_PURPOSE, to_platform};
use crate::data::{BoxFuture, ChannelSecrets, RevocationOutcome, Revoker};
use crate::{Outpost, Result};

impl Outpost {
    /// Revokes `c`'s grant upstream with `tokens`. `(outcome, note)`.
    async fn revoke_upstream(
        &self,
        c: &Channel,
        tokens: &outpost_platforms::TokenSet,
    ) -> (String, Option<String>) {
        let p = to_platform(c.platform);
        let app = match p {
            P::Bluesky => outpost_platforms::AppCredentials {
                client_id: String::new(),
                client_secret: None,
                instance_url: None,
                organization_access: false,
            },
            P::Mastodon => match self.app_credentials(p, &c.instance_url).await {
                Ok((_, a)) => a,
                Err(e) => return ("failed".into(), Some(e.to_string())),
            },
            _ => match self.app_credentials(p, "").await {
                Ok((_, a)) => a,
                Err(e) => {
                    return (
                        "failed".into(),
                        Some(format!("{e}; remove Outpost in your {p} account settings")),
                    );
                }
            },
        };
        let ctx = outpost_platforms::Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app: &app,
            media_host: None,
            parts: None,
            quota: None,
        };
        match provider(p).revoke(ctx, tokens).await {
            Ok(Revocation::Revoked) => ("revoked".into(), None),
            Ok(Revocation::NotOffered(hint)) => ("not_offered".into(), Some(hint.to_string())),
            // The platform answered but kept the grant: shown as a revocation that failed.
            Ok(Revocation::NotRevoked(why)) => (
                "failed".into(),
                Some(format!(
                    "{why}; Outpost deleted its copy of the sign-in anyway — remove Outpost in your {p} account settings"
                )),
            ),
            // A grant the platform already considers dead is as good as revoked.
            Err(e) if e.needs_reauth() => ("revoked".into(), None),
            Err(e) => (
                "failed".into(),
                Some(format!(
                    "{e}; Outpost deleted its copy of the sign-in anyway"
                )),
            ),
        }
    }

    /// Whether another connected channel uses the same sign-in (a Facebook user's other pages, a
    /// LinkedIn member's company pages).
    async fn grant_shared(&self, c: &Channel, grant: Option<&str>) -> Result<bool> {
        let Some(grant) = grant else { return Ok(false) };
        for other in channels::list_by_status(self.store().pool(), ChannelStatus::Connected).await?
        {
            if other.id == c.id || other.platform != c.platform {
                continue;
            }
            if let Ok(Some(t)) = self.channel_tokens(&other.id).await
                && t.extra("grant") == Some(grant)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Disconnects a channel: upstream revocation where possible, tokens deleted, status
    /// "disconnected". Its posts and history stay.
    pub async fn disconnect_channel(&self, channel_id: &str) -> Result<DisconnectReport> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        // No refresh may run while the grant is being ended.
        let lock = {
            let mut locks = self
                .channels_state()
                .refresh_locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            locks.entry(channel_id.to_string()).or_default().clone()
        };
        let _held = lock.lock().await;
        let tokens = self.channel_tokens(channel_id).await.ok().flatten();
        let (upstream, note) = match &tokens {
            None => ("not_offered".to_string(), Some("Outpost held no sign-in for this channel".to_string())),
            Some(t) if self.grant_shared(&c, t.extra("grant")).await? => (
                "shared_grant".to_string(),
                Some("Other channels still use this sign-in; it is revoked when the last one is disconnected".to_string()),
            ),
            Some(t) => self.revoke_upstream(&c, t).await,
        };
        outpost_store::secrets::delete_for_owner(
            self.store().pool(),
            SecretOwnerKind::Channel,
            channel_id,
        )
        .await?;
        let now = outpost_store::now_ms();
        channels::set_status(
            self.store().pool(),
            channel_id,
            ChannelStatus::Disconnected,
            None,
            now,
        )
        .await?;
        channels::set_token_expiry(self.store().pool(), channel_id, None, now).await?;
        tracing::info!(platform = to_platform(c.platform).id(), channel = %channel_id, upstream = %upstream, "channel disconnected");
        self.emit_channel_event(vec![channel_id.to_string()], "disconnected", None);
        Ok(DisconnectReport {
            channel_id: channel_id.to_string(),
            upstream,
            note,
        })
    }
}

/// Revokes channels upstream for "delete all my data" and single-item deletion.
#[derive(Debug, Clone)]
pub struct PlatformRevoker {
    outpost: Outpost,
}

impl PlatformRevoker {
    pub fn new(outpost: &Outpost) -> Self {
        PlatformRevoker {
            outpost: outpost.clone(),
        }
    }
}

impl Revoker for PlatformRevoker {
    fn revoke<'a>(
        &'a self,
        channel: &'a Channel,
        secrets: &'a ChannelSecrets,
    ) -> BoxFuture<'a, RevocationOutcome> {
        Box::pin(async move {
            let Some(tokens) = secrets
                .get(TOKENS_PURPOSE)
                .and_then(|s| outpost_platforms::TokenSet::from_sealed_json(s.expose()))
            else {
                return RevocationOutcome::NotSupported;
            };
            match self.outpost.revoke_upstream(channel, &tokens).await {
                (o, _) if o == "revoked" => RevocationOutcome::Revoked,
                (o, _) if o == "not_offered" => RevocationOutcome::NotSupported,
                (_, note) => RevocationOutcome::Failed(note.unwrap_or_default()),
            }
        })
    }
}
