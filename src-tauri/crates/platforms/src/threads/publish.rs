//! Threads publishing (reference §5) on `graph.threads.net/v1.0`, the account id in
//! `tokens.extra("author")` (or `user_id`).
//!
//! 1. `GET /{user}/threads_publishing_limit?fields=quota_usage,config,reply_quota_usage,reply_config`:
//!    the post needs one post from the 250/24 h quota and each further part one reply from the
//!    1,000/24 h reply quota; not enough is [`Error::RateLimited`] before anything is sent.
//! 2. Per part, a container `POST /{user}/threads`: `media_type=TEXT` + `text`; `IMAGE` +
//!    `image_url` (+ `alt_text` [U]); `VIDEO` + `video_url`; or a carousel: item containers
//!    (`is_carousel_item=true`), each waited for, then `CAROUSEL` + `children`. Parts after the
//!    first carry `reply_to_id` = the part before (a reply chain).
//! 3. `GET /{container}?fields=status,error_message` until `FINISHED` (bounded back-off; `ERROR`
//!    and `EXPIRED` are [`Error::Rejected`]), then `POST /{user}/threads_publish` `creation_id`.
//!
//! Media goes through the media host like Instagram's (no host → [`Error::Config`] before any
//! call; every hosted object removed once its containers are done, on every path). Each part is
//! recorded in the part log ([`crate::publish::PartLog`]) as it goes out; a failure in the middle
//! of a thread returns the error, and publishing again resumes after the live parts.

use async_trait::async_trait;
use outpost_net::reqwest::Method;

use crate::capability::{
    AccountMetrics, Capability, InboxCursor, InboxPage, InboxReplyTo, PostMetrics, Support,
};
use crate::error::Result;
use crate::limits::rejected_by_rules;
use crate::meta::graph::{
    Containers, Graph, Hosted, account_id, limit_entry, quota, quota_used, require_media_host,
};
use crate::platform::Platform;
use crate::post::media::check_unchanged;
use crate::providers::Ctx;
use crate::publish::{
    Limits, MediaFile, MediaKind, Post, PostPart, Progress, Published, Publisher, Violation,
};
use crate::tokens::TokenSet;

const P: Platform = Platform::Threads;
pub(super) const GRAPH: Graph = Graph {
    platform: P,
    base: "https://graph.threads.net/v1.0",
};
pub(super) const CONTAINERS: Containers = Containers {
    graph: GRAPH,
    state_field: "status",
    error_field: "error_message",
};
/// Items per carousel (at least 2).
pub const MAX_CAROUSEL: usize = 20;

#[derive(Debug)]
pub struct ThreadsPublisher;

#[async_trait]
impl Publisher for ThreadsPublisher {
    fn platform(&self) -> Platform {
        P
    }

    fn support(&self, capability: Capability) -> Support {
        super::support(capability)
    }

    fn validate(&self, post: &Post, limits: &Limits) -> Vec<Violation> {
        let mut out = limits.check(post);
        for (i, p) in post.parts.iter().enumerate() {
            if p.media.len() > MAX_CAROUSEL {
                out.push(Violation {
                    part: i,
                    rule: "too_many_media".into(),
                    message: format!("A Threads carousel has at most {MAX_CAROUSEL} items"),
                });
            }
        }
        out
    }

    async fn publish(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Post,
        progress: Progress<'_>,
    ) -> Result<Published> {
        self.refuse_broken_rules(post)?;
        if post.parts.is_empty() {
            return Err(rejected_by_rules(P, &[]));
        }
        require_media_host(ctx, P, post)?;
        let user = account_id(P, tokens)?;
        for m in post.parts.iter().flat_map(|p| &p.media) {
            check_unchanged(m)?;
        }
        let v = GRAPH
            .get(
                ctx,
                tokens,
                &format!(
                    "/{user}/threads_publishing_limit?fields=quota_usage,config,reply_quota_usage,reply_config"
                ),
            )
            .await?;
        // Parts an earlier attempt published stay as they are: resume after them.
        let live = crate::publish::live_parts(ctx);
        let start = live.len().min(post.parts.len());
        let entry = limit_entry(&GRAPH, &v)?;
        if start == 0 {
            let (used, total) = quota(&entry, "quota_usage", "config")
                .ok_or_else(|| GRAPH.invalid("the publishing limit has no quota"))?;
            if used >= total {
                return Err(quota_used(P, "publishing", used, total));
            }
        }
        let replies = i64::try_from(post.parts.len() - start.max(1)).unwrap_or(i64::MAX);
        if replies > 0 {
            let (used, total) = quota(&entry, "reply_quota_usage", "reply_config")
                .ok_or_else(|| GRAPH.invalid("the publishing limit has no reply quota"))?;
            if used + replies > total {
                return Err(quota_used(P, "reply", used, total));
            }
        }

        let all: u64 = post.parts[start..]
            .iter()
            .flat_map(|p| &p.media)
            .map(|m| m.bytes)
            .sum();
        progress(0, all);
        let mut sent = 0u64;
        let mut thread: Vec<String> = live[..start].iter().map(|l| l.id.clone()).collect();
        for (i, part) in post.parts.iter().enumerate().skip(start) {
            let mut hosted = Hosted::new(ctx, P);
            let made = container(
                ctx,
                tokens,
                &user,
                part,
                thread.last().map(String::as_str),
                &mut hosted,
                &mut sent,
                all,
                progress,
            )
            .await;
            hosted.clear().await;
            let made = made?;
            // A container is invisible until `threads_publish`: that call is the part going out.
            crate::publish::part_sending(ctx, i).await?;
            let id = CONTAINERS
                .publish(ctx, tokens, &user, "threads_publish", &made)
                .await?;
            crate::publish::part_published(ctx, i, &id, None).await;
            thread.push(id);
        }
        progress(all, all);
        let id = thread[0].clone();
        let url = match live.first().and_then(|l| l.url.clone()) {
            Some(u) => Some(u),
            None => CONTAINERS.permalink(ctx, tokens, &id).await,
        };
        Ok(Published { url, thread, id })
    }

    fn inbox_sources(&self) -> &'static [&'static str] {
        super::inbox::SOURCES
    }

    async fn inbox(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        source: &str,
        since: Option<&InboxCursor>,
    ) -> Result<InboxPage> {
        super::inbox::fetch(ctx, tokens, source, since).await
    }

    async fn reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Published> {
        super::inbox::reply(ctx, tokens, reply).await
    }

    async fn find_reply(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        reply: &InboxReplyTo,
    ) -> Result<Option<Published>> {
        super::inbox::find_reply(ctx, tokens, reply).await
    }

    fn offered_post_metrics(&self) -> &'static [&'static str] {
        &["views", "likes", "replies", "reposts", "quotes"]
    }

    fn offered_account_metrics(&self) -> &'static [&'static str] {
        &["followers", "profile_views"]
    }

    async fn post_metrics(
        &self,
        ctx: Ctx<'_>,
        tokens: &TokenSet,
        post: &Published,
    ) -> Result<PostMetrics> {
        super::metrics::post(ctx, tokens, post).await
    }

    async fn account_metrics(&self, ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
        super::metrics::account(ctx, tokens).await
    }

    // `lookup` is the trait's `Ok(None)`: Threads has no client key on a post and no search by one; a crash
    // between `threads_publish` and recording its answer leaves an unknown outcome.
}

/// One part's container (a carousel's items first), `FINISHED`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn container(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    user: &str,
    part: &PostPart,
    reply_to: Option<&str>,
    hosted: &mut Hosted<'_>,
    sent: &mut u64,
    all: u64,
    progress: Progress<'_>,
) -> Result<String> {
    let path = format!("/{user}/threads");
    let mut params = match part.media.as_slice() {
        [] => vec![("media_type", "TEXT".to_string())],
        [m] => {
            let url = hosted.put(m).await?;
            *sent += m.bytes;
            progress(*sent, all);
            media_params(m, url, false)
        }
        many => {
            let item = |m: &MediaFile, url| media_params(m, url, true);
            let children = CONTAINERS
                .carousel_children(ctx, tokens, &path, many, hosted, item, sent, all, progress)
                .await?;
            vec![
                ("media_type", "CAROUSEL".to_string()),
                ("children", children),
            ]
        }
    };
    if !part.text.is_empty() {
        params.push(("text", part.text.clone()));
    }
    if let Some(r) = reply_to {
        params.push(("reply_to_id", r.to_string()));
    }
    let v = GRAPH
        .form(ctx, tokens, Method::POST, &path, &params)
        .await?;
    let id = GRAPH.id(&v)?;
    CONTAINERS.wait_finished(ctx, tokens, &id).await?;
    Ok(id)
}

fn media_params(m: &MediaFile, url: String, carousel_item: bool) -> Vec<(&'static str, String)> {
    let mut p = Vec::new();
    if m.kind == MediaKind::Video {
        p.push(("media_type", "VIDEO".to_string()));
        p.push(("video_url", url));
    } else {
        p.push(("media_type", "IMAGE".to_string()));
        p.push(("image_url", url));
    }
    if let Some(alt) = &m.alt {
        p.push(("alt_text", alt.clone()));
    }
    if carousel_item {
        p.push(("is_carousel_item", "true".into()));
    }
    p
}
