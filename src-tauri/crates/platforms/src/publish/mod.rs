//! Publishing: turning an Outpost post into a live post, faithfully to each platform's API.
//! One [`Publisher`] per platform; limits are data ([`limits::Limits`]) shared with the composer's
//! live counters; outcomes are typed ([`crate::Error`] classifies failures: retryable, rate-limited
//! until, needs re-auth, rejected with the platform's message).

use async_trait::async_trait;

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::tokens::TokenSet;

pub use crate::limits::{self, Limits, Violation};
pub use crate::post::{
    HostedMedia, LivePart, MediaFile, MediaHost, MediaKind, PartLog, Post, PostOptions, PostPart,
    Published, hosting, live_parts, media, part_published, part_sending,
};

pub use crate::transport::body::Progress;

/// The first comment (part 1) of a post whose first part is live (Facebook, Instagram, LinkedIn):
/// sent once, recorded in the part log; a comment an earlier attempt published is not sent again.
/// A failed comment is returned as the error — the post itself is live and recorded, and the
/// caller shows the comment as failed (retry or dismiss).
pub async fn first_comment<F, Fut>(
    ctx: Ctx<'_>,
    post: &Post,
    first: LivePart,
    send: F,
) -> Result<Published>
where
    F: FnOnce(String) -> Fut + Send,
    Fut: std::future::Future<Output = Result<String>> + Send,
{
    let mut thread = vec![first.id.clone()];
    if let Some(c) = post.parts.get(1) {
        match live_parts(ctx).get(1) {
            Some(done) => thread.push(done.id.clone()),
            None => {
                part_sending(ctx, 1).await?;
                let id = send(c.text.clone()).await?;
                part_published(ctx, 1, &id, None).await;
                thread.push(id);
            }
        }
    }
    Ok(Published {
        id: first.id,
        url: first.url,
        thread,
    })
}

/// The first part an earlier attempt published, if any (the post of a first-comment platform).
pub fn live_first(ctx: Ctx<'_>) -> Option<LivePart> {
    live_parts(ctx).into_iter().next()
}

/// One platform's client: publishing and look-up, the inbox and metrics. Every platform declares
/// per [`Capability`] whether its API offers it ([`Publisher::support`]); a method whose capability
/// is not [`Support::Available`] answers [`Publisher::unavailable`] (not offered, or not built yet).
#[async_trait]
pub trait Publisher: Send + Sync + std::fmt::Debug {
    fn platform(&self) -> Platform;

    /// Whether the platform's API offers `capability`, and whether Outpost does it yet (each
    /// platform's table is `support` in its folder).
    fn support(&self, capability: Capability) -> Support;

    /// The error of a capability this client does not do: [`Error::Unsupported`] where the
    /// platform's API does not offer it, [`Error::NotBuiltYet`] where it does.
    fn unavailable(&self, capability: Capability) -> Error {
        match self.support(capability) {
            Support::NotOffered { why } => Error::Unsupported {
                platform: self.platform(),
                what: why,
            },
            Support::Available | Support::NotBuiltYet => Error::NotBuiltYet {
                platform: self.platform(),
                what: capability.describe(),
            },
        }
    }

    /// The platform's limits (Mastodon: the server's, after [`Publisher::server_limits`]).
    fn limits(&self) -> Limits {
        Limits::for_platform(self.platform())
    }

    /// Limits read from the server where they are per server (Mastodon `/api/v2/instance`).
    async fn server_limits(&self, _ctx: Ctx<'_>) -> Result<Limits> {
        Ok(self.limits())
    }

    /// Every rule the post breaks, before anything is uploaded.
    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        limits.check(post)
    }

    /// The preamble of every publish: refuses `post` before anything is sent when it breaks one of
    /// the platform's rules, naming each broken rule.
    fn refuse_broken_rules(&self, post: &Post) -> Result<()> {
        let violations = self.validate(post, &self.limits());
        if violations.is_empty() {
            Ok(())
        } else {
            Err(limits::rejected_by_rules(self.platform(), &violations))
        }
    }

    /// Publishes `post` with `tokens`. Uploads stream from disk and report progress.
    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published>;

    /// Finds a post published earlier with `post.key` (reconciliation after a crash), where the
    /// platform makes that possible; `Ok(None)` where it does not (no client key, no search).
    async fn lookup(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _post: &Post,
    ) -> Result<Option<Published>> {
        Ok(None)
    }

    /// Whether publishing the same post again (same `post.key`) after an unknown outcome cannot
    /// create a second copy (an idempotency key, client-chosen record keys). The scheduler retries
    /// ambiguous failures only where this is true; elsewhere it looks the post up or asks the user.
    fn retry_is_safe(&self) -> bool {
        false
    }

    /// Whether the platform can hold a post and publish it at `options.publish_at` itself
    /// (native scheduling handoff: the post goes out with the laptop closed).
    fn native_scheduling(&self) -> bool {
        false
    }

    /// Moves a natively scheduled post (`scheduled` is what [`Publisher::publish`] returned for it)
    /// to `publish_at` (unix s).
    async fn reschedule_native(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _scheduled: &Published,
        _publish_at: i64,
    ) -> Result<()> {
        Err(crate::Error::Unsupported {
            platform: self.platform(),
            what: "moving a scheduled post",
        })
    }

    /// Cancels a natively scheduled post before it goes out (a post that is already gone is fine).
    async fn cancel_native(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _scheduled: &Published,
    ) -> Result<()> {
        Err(crate::Error::Unsupported {
            platform: self.platform(),
            what: "cancelling a scheduled post",
        })
    }

    /// The inbox sources read one after another, each with its own stored cursor (comments,
    /// direct messages, mentions…); [`Publisher::inbox`] is called with each.
    fn inbox_sources(&self) -> &'static [&'static str] {
        &["notifications"]
    }

    /// What arrived for the account on `source` (one of [`Publisher::inbox_sources`]) after
    /// `since` (from the start of what the platform keeps when `None`), oldest first, one page.
    async fn inbox(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _source: &str,
        _since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        Err(self.unavailable(Capability::InboxFetch))
    }

    /// Answers one inbox item as the account; the answer is a published post or comment.
    async fn reply(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _reply: &InboxReplyTo,
    ) -> Result<Published> {
        Err(self.unavailable(Capability::InboxReply))
    }

    /// Finds an answer sent earlier with `reply` (after an ambiguous failure: the request may have
    /// reached the platform), where the platform makes that possible.
    async fn find_reply(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _reply: &InboxReplyTo,
    ) -> Result<Option<Published>> {
        Err(self.unavailable(Capability::InboxReply))
    }

    /// Marks the inbox read up to `up_to` on the platform, where it keeps a read state.
    async fn mark_read(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _up_to: &InboxCursor,
    ) -> Result<()> {
        Err(self.unavailable(Capability::InboxMarkRead))
    }

    /// The post counters this client reads (the names stored as snapshots: `views`,
    /// `impressions`, `reach`, `likes`, `reposts`, `replies`, `quotes`, `saves`, `link_clicks`,
    /// `watch_minutes`, `avg_view_seconds`); empty where metrics are not read. The UI says "not
    /// offered" for the others instead of showing zero.
    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &[]
    }

    /// The account counters this client reads (`followers`, `following`, `posts`, `impressions`,
    /// `reach`, `profile_views`).
    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &[]
    }

    /// The counters of one published post now.
    async fn post_metrics(
        &self,
        _ctx: Ctx<'_>,
        _tokens: &TokenSet,
        _post: &Published,
    ) -> Result<PostMetrics> {
        Err(self.unavailable(Capability::PostMetrics))
    }

    /// The counters of the account now.
    async fn account_metrics(&self, _ctx: Ctx<'_>, _tokens: &TokenSet) -> Result<AccountMetrics> {
        Err(self.unavailable(Capability::AccountMetrics))
    }
}
