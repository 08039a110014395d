//! Publishing one post on one channel now: fresh tokens, the platform's publisher, and on a
//! refused access token one refresh and one retry before the channel is marked "reconnect
//! needed". The scheduler drives this; it never retries a failure that could double-post.

use outpost_platforms::publish::{Limits, Post, Progress, Published, publisher};
use outpost_platforms::{Error as PErr, provider};
use outpost_store::ChannelStatus;
use outpost_store::channels;

use super::to_platform;
use super::tokens::RefreshOutcome;
use crate::{Error, Outpost, Result};

impl Outpost {
    /// The limits that apply on a channel (Mastodon: its server's).
    pub async fn channel_limits(&self, channel_id: &str) -> Result<Limits> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        let p = to_platform(c.platform);
        let pubr = publisher(p).ok_or(PErr::Unsupported {
            platform: p,
            what: "publishing yet",
        })?;
        let app = self.credentials_for(&c).await?;
        let ctx = outpost_platforms::Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app: &app,
            media_host: None,
        };
        Ok(pubr.server_limits(ctx).await?)
    }

    /// Publishes `post` on the channel now.
    pub async fn publish_now(
        &self,
        channel_id: &str,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        let p = to_platform(c.platform);
        if c.status != ChannelStatus::Connected {
            return Err(PErr::NeedsReauth {
                platform: p,
                reason: c
                    .status_reason
                    .unwrap_or_else(|| "the channel is not connected".into()),
            }
            .into());
        }
        let pubr = publisher(p).ok_or(PErr::Unsupported {
            platform: p,
            what: "publishing yet",
        })?;
        let app = self.credentials_for(&c).await?;
        let media_host = self.media_host().await?;
        let ctx = outpost_platforms::Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app: &app,
            media_host: media_host.as_deref(),
        };
        let limits = pubr.server_limits(ctx).await?;
        let broken = pubr.validate(post, &limits);
        if let Some(first) = broken.first() {
            let more = if broken.len() > 1 {
                format!(" (and {} more)", broken.len() - 1)
            } else {
                String::new()
            };
            return Err(Error::InvalidInput(format!("{}{more}", first.message)));
        }
        let mut refreshed = false;
        loop {
            let mut tokens = self.fresh_tokens(channel_id).await?;
            // Who posts: the member or organization URN (LinkedIn), the account the tokens belong to.
            tokens
                .extra
                .entry("author".into())
                .or_insert_with(|| c.platform_account_id.clone());
            match pubr.publish(ctx, &tokens, post, progress).await {
                Ok(done) => {
                    tracing::info!(platform = p.id(), channel = %channel_id, id = %done.id, "published");
                    return Ok(done);
                }
                Err(e) if e.needs_reauth() && !refreshed && provider(p).can_refresh(&tokens) => {
                    refreshed = true;
                    if let RefreshOutcome::ReconnectNeeded(reason) =
                        self.refresh_channel(channel_id, true).await?
                    {
                        return Err(PErr::NeedsReauth {
                            platform: p,
                            reason,
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
    }
}
