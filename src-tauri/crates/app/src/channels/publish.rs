//! Publishing one post on one channel: fresh tokens, the platform's publisher, and on a refused
//! access token one refresh and one retry before the channel is marked "reconnect needed". The
//! scheduler drives this and needs to know whether a failure happened before anything reached the
//! platform (then a retry cannot double-post).

use outpost_platforms::publish::{Limits, Post, Progress, Published, Publisher};
use outpost_platforms::publisher;
use outpost_platforms::{AppCredentials, Ctx, Error as PErr, TokenSet, provider};
use outpost_store::ChannelStatus;
use outpost_store::channels::{self, Channel};

use super::to_platform;
use super::tokens::RefreshOutcome;
use crate::scheduler::AttemptError;
use crate::{Error, Outpost, Result};

/// An error that happened before any request about the post was sent.
fn before(error: impl Into<Error>) -> AttemptError {
    AttemptError {
        error: error.into(),
        reached_platform: false,
    }
}

impl Outpost {
    pub(crate) fn ctx_for<'a>(&'a self, app: &'a AppCredentials) -> Ctx<'a> {
        Ctx {
            http: self.http(),
            endpoints: &self.channels_state().endpoints,
            app,
            media_host: None,
            parts: None,
            quota: Some(self),
        }
    }

    fn channel_publisher(c: &Channel) -> Result<&'static dyn Publisher> {
        let p = to_platform(c.platform);
        Ok(publisher(p).ok_or(PErr::Unsupported {
            platform: p,
            what: "publishing yet",
        })?)
    }

    /// Fresh tokens (with the author filled in), the app credentials and the channel.
    pub(crate) async fn publish_context(
        &self,
        channel_id: &str,
    ) -> Result<(TokenSet, AppCredentials, Channel)> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        let app = self.credentials_for(&c).await?;
        let mut tokens = self.fresh_tokens(channel_id).await?;
        // Who posts: the member or organization URN (LinkedIn), the account the tokens belong to.
        tokens
            .extra
            .entry("author".into())
            .or_insert_with(|| c.platform_account_id.clone());
        Ok((tokens, app, c))
    }

    /// The limits that apply on a channel (Mastodon: its server's).
    pub async fn channel_limits(&self, channel_id: &str) -> Result<Limits> {
        let c = channels::get(self.store().pool(), channel_id).await?;
        let pubr = Self::channel_publisher(&c)?;
        let app = self.credentials_for(&c).await?;
        Ok(pubr.server_limits(self.ctx_for(&app)).await?)
    }

    /// Finds a post published earlier (reconciliation), where the platform makes that possible.
    pub(crate) async fn lookup_post(
        &self,
        channel_id: &str,
        post: &Post,
    ) -> Result<Option<Published>> {
        let (tokens, app, c) = self.publish_context(channel_id).await?;
        let pubr = Self::channel_publisher(&c)?;
        Ok(pubr.lookup(self.ctx_for(&app), &tokens, post).await?)
    }

    /// One publishing attempt; the error says whether anything may have reached the platform.
    /// Every part is written to `parts` as it goes out, and publishing resumes after the parts
    /// already live there (also on the one retry after a refreshed token).
    pub(crate) async fn publish_attempt(
        &self,
        channel_id: &str,
        post: &Post,
        parts: &crate::scheduler::JobParts,
        progress: Progress<'_>,
    ) -> std::result::Result<Published, AttemptError> {
        let c = channels::get(self.store().pool(), channel_id)
            .await
            .map_err(before)?;
        let p = to_platform(c.platform);
        if c.status != ChannelStatus::Connected {
            return Err(before(PErr::NeedsReauth {
                platform: p,
                reason: c
                    .status_reason
                    .unwrap_or_else(|| "the channel is not connected".into()),
            }));
        }
        let pubr = Self::channel_publisher(&c).map_err(before)?;
        let app = self.credentials_for(&c).await.map_err(before)?;
        // Where a platform fetches media from a URL, the user's media host serves it meanwhile.
        let media_host = self.media_host().await.map_err(before)?;
        let ctx = Ctx {
            media_host: media_host.as_deref(),
            parts: Some(parts),
            ..self.ctx_for(&app)
        };
        let limits = pubr.server_limits(ctx).await.map_err(before)?;
        let broken = pubr.validate(post, &limits);
        if let Some(first) = broken.first() {
            let more = if broken.len() > 1 {
                format!(" (and {} more)", broken.len() - 1)
            } else {
                String::new()
            };
            return Err(before(Error::InvalidInput(format!(
                "{}{more}",
                first.message
            ))));
        }
        let mut refreshed = false;
        loop {
            let (tokens, _, _) = self.publish_context(channel_id).await.map_err(before)?;
            match pubr.publish(ctx, &tokens, post, progress).await {
                Ok(done) => {
                    tracing::info!(platform = p.id(), channel = %channel_id, id = %done.id, "published");
                    return Ok(done);
                }
                // A refused token: that part was not published; refresh once and try again (the
                // parts already live are not sent again).
                Err(e) if e.needs_reauth() && !refreshed && provider(p).can_refresh(&tokens) => {
                    refreshed = true;
                    if let RefreshOutcome::ReconnectNeeded(reason) = self
                        .refresh_channel(channel_id, true)
                        .await
                        .map_err(before)?
                    {
                        return Err(before(PErr::NeedsReauth {
                            platform: p,
                            reason,
                        }));
                    }
                }
                Err(e) if e.needs_reauth() => {
                    let reason = match &e {
                        PErr::NeedsReauth { reason, .. } => reason.clone(),
                        other => other.to_string(),
                    };
                    self.mark_reconnect_needed(&c, &reason)
                        .await
                        .map_err(before)?;
                    return Err(before(e));
                }
                // 429 and refusals mean the platform did not accept the post.
                Err(
                    e @ (PErr::RateLimited { .. }
                    | PErr::Rejected { .. }
                    | PErr::Config(_)
                    | PErr::Unsupported { .. }),
                ) => {
                    return Err(before(e));
                }
                Err(e) => {
                    return Err(AttemptError {
                        error: e.into(),
                        reached_platform: true,
                    });
                }
            }
        }
    }
}
