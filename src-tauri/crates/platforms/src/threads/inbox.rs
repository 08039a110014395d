//! Threads' inbox on `graph.threads.net/v1.0` (the account id in `tokens.extra("author")` or
//! `user_id`). Two sources, each with its own cursor (the newest item's unix second read so far;
//! an item of that same second is handed again and the app skips what it stored):
//!
//! - `replies`: what others answered under the account's posts, at any depth, grouped by the post
//!   (`in_reply_to` = the root post, `subject` = its text). Threads has no "replies to me" feed, so
//!   the account's latest [`POSTS`] posts are read with `GET /{user}/threads?fields=id,text` and
//!   each one's flattened `GET /{post}/conversation?reverse=true` (newest first, cursor paging,
//!   read until a reply older than the cursor; at most [`PAGES`] pages a post) — scopes
//!   `threads_basic` + `threads_read_replies`. The account's own replies
//!   (`is_reply_owned_by_me`) are left out. **[decision]** replies under older posts than the
//!   latest [`POSTS`] are not read.
//! - `mentions`: public posts of others that tag the account, `GET /{user}/mentions?since=<cursor>`
//!   (newest first, cursor paging; `since` >= 1688540400) — scopes `threads_basic` +
//!   `threads_manage_mentions` (without advanced access only the app's testers' mentions come).
//!
//! Reply: the two steps of publishing (a `TEXT` container `POST /{user}/threads` with
//! `reply_to_id` = the answered item, waited for, then `POST /{user}/threads_publish`), scope
//! `threads_manage_replies`, 500 characters (emoji as their UTF-8 bytes), after checking the
//! reply quota (`GET /{user}/threads_publishing_limit?fields=reply_quota_usage,reply_config`,
//! 1,000 replies in a moving 24 h): used up is refused with a clear message before anything is
//! sent. Threads takes no idempotency key: after an ambiguous failure the reply is found with
//! `GET /{user}/replies` (the account's latest replies): the same parent and the same text.
//! Threads keeps no read state, and no reply window.

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::publish::GRAPH;
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::meta::graph::{account_id, limit_entry, quota};
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport::{self, opt_str, str_field};

const P: Platform = Platform::Threads;
/// The account's latest posts whose replies are read.
pub const POSTS: usize = 25;
/// Pages (of 25) read per post's conversation or per mentions read.
pub const PAGES: usize = 8;
/// The earliest `since` the mentions endpoint accepts.
const MENTIONS_SINCE_MIN: i64 = 1_688_540_400;
const REPLY_FIELDS: &str = "id,text,username,permalink,timestamp,root_post,replied_to,is_reply_owned_by_me,profile_picture_url";
const MENTION_FIELDS: &str = "id,text,username,permalink,timestamp";

/// The inbox sources, in the order they are read.
pub const SOURCES: &[&str] = &["replies", "mentions"];

/// Graph's `2025-10-09T08:53:20+0000` (or RFC 3339) as unix seconds.
pub(crate) fn graph_time(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M:%S%z")
        .ok()
        .map(|t| t.timestamp())
        .or_else(|| transport::parse_rfc3339(s))
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Reads `path` (with its query) and the pages after it, newest first, until `stop` says an item
/// is older than wanted or [`PAGES`] pages were read.
async fn paged(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    path: &str,
    stop: impl Fn(&Value) -> bool,
) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..PAGES {
        let q = match &after {
            Some(a) => format!("{path}&after={}", enc(a)),
            None => path.to_string(),
        };
        let v = GRAPH.get(ctx, tokens, &q).await?;
        let data = v
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| GRAPH.invalid("a list has no data"))?;
        for d in data {
            if stop(d) {
                return Ok(out);
            }
            out.push(d.clone());
        }
        let paging = v.get("paging");
        if paging.and_then(|p| p.get("next")).is_none() {
            break;
        }
        after = paging
            .and_then(|p| p.get("cursors"))
            .and_then(|c| opt_str(c, "after"));
        if after.is_none() {
            return Err(GRAPH.invalid("a page has a next link and no after cursor"));
        }
    }
    Ok(out)
}

fn time_of(v: &Value) -> Result<i64> {
    v.get("timestamp")
        .and_then(Value::as_str)
        .and_then(graph_time)
        .ok_or_else(|| GRAPH.invalid("a post has no timestamp"))
}

fn item(v: &Value, kind: InboxKind, root: Option<(&str, &str)>) -> Result<InboxItem> {
    let username = str_field(P, v, "username")?;
    Ok(InboxItem {
        id: GRAPH.id(v)?,
        kind,
        author: InboxAuthor {
            // Threads gives another account's username, not its id.
            id: username.clone(),
            handle: format!("@{username}"),
            display_name: None,
        },
        text: opt_str(v, "text").unwrap_or_default(),
        url: opt_str(v, "permalink"),
        in_reply_to: root.map(|(id, _)| id.to_string()),
        created_at: time_of(v)?,
        avatar_url: opt_str(v, "profile_picture_url").filter(|u| u.starts_with("https://")),
        conversation: None,
        subject: root
            .map(|(_, text)| text.to_string())
            .filter(|t| !t.is_empty()),
        reply_by: None,
    })
}

pub(super) async fn fetch(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    source: &str,
    since: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let user = account_id(P, tokens)?;
    let since = crate::timed::since(P, since)?;
    let older = |v: &Value| since.is_some_and(|s| time_of(v).is_ok_and(|t| t < s));
    match source {
        "replies" => {
            let posts = GRAPH
                .get(
                    ctx,
                    tokens,
                    &format!("/{user}/threads?fields=id,text,timestamp&limit={POSTS}"),
                )
                .await?;
            let posts = posts
                .get("data")
                .and_then(Value::as_array)
                .ok_or_else(|| GRAPH.invalid("the posts have no data"))?;
            let mut items = Vec::new();
            for post in posts {
                let id = GRAPH.id(post)?;
                let text = opt_str(post, "text").unwrap_or_default();
                let path = format!("/{id}/conversation?fields={REPLY_FIELDS}&reverse=true");
                for r in paged(ctx, tokens, &path, older).await? {
                    if r.get("is_reply_owned_by_me").and_then(Value::as_bool) == Some(true) {
                        continue;
                    }
                    let it = item(&r, InboxKind::Reply, Some((&id, &text)))?;
                    items.push((it.created_at, it));
                }
            }
            Ok(crate::timed::page(items, since))
        }
        "mentions" => {
            let mut path = format!("/{user}/mentions?fields={MENTION_FIELDS}&limit=25");
            if let Some(s) = since {
                path.push_str(&format!("&since={}", s.max(MENTIONS_SINCE_MIN)));
            }
            let items = paged(ctx, tokens, &path, older)
                .await?
                .iter()
                .map(|m| item(m, InboxKind::Mention, None).map(|i| (i.created_at, i)))
                .collect::<Result<Vec<_>>>()?;
            Ok(crate::timed::page(items, since))
        }
        other => Err(Error::Config(format!("{P} has no inbox source {other:?}"))),
    }
}

/// The reply quota now: (used, total) over the moving 24 h.
pub async fn reply_quota(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<(i64, i64)> {
    let user = account_id(P, tokens)?;
    let v = GRAPH
        .get(
            ctx,
            tokens,
            &format!("/{user}/threads_publishing_limit?fields=reply_quota_usage,reply_config"),
        )
        .await?;
    quota(
        &limit_entry(&GRAPH, &v)?,
        "reply_quota_usage",
        "reply_config",
    )
    .ok_or_else(|| GRAPH.invalid("the publishing limit has no reply quota"))
}

pub(super) async fn reply(ctx: Ctx<'_>, tokens: &TokenSet, r: &InboxReplyTo) -> Result<Published> {
    let user = account_id(P, tokens)?;
    let (used, total) = reply_quota(ctx, tokens).await?;
    if used >= total {
        return Err(Error::refused(
            P,
            format!(
                "the daily reply quota is used up ({used} of {total} replies in the last 24 hours); \
                 Threads counts over a moving 24 hours, so answer again later"
            ),
        ));
    }
    let part = crate::post::PostPart {
        text: r.text.trim().to_string(),
        media: Vec::new(),
    };
    let mut hosted = crate::meta::graph::Hosted::new(ctx, P);
    let made = super::publish::container(
        ctx,
        tokens,
        &user,
        &part,
        Some(&r.item_id),
        &mut hosted,
        &mut 0,
        0,
        &|_, _| {},
    )
    .await
    .map_err(|e| parent_gone(e, &r.item_id))?;
    let id = super::publish::CONTAINERS
        .publish(ctx, tokens, &user, "threads_publish", &made)
        .await?;
    let url = super::publish::CONTAINERS.permalink(ctx, tokens, &id).await;
    Ok(Published {
        url,
        thread: vec![id.clone()],
        id,
    })
}

/// A container refused because the answered post is gone, said plainly.
fn parent_gone(e: Error, item: &str) -> Error {
    match e {
        Error::Rejected { reason, .. }
            if reason.contains("reply_to_id") || reason.contains(item) =>
        {
            Error::refused(
                P,
                "the post you are answering was deleted (or is no longer visible to this account)",
            )
        }
        e => e,
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) async fn find_reply(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let user = account_id(P, tokens)?;
    let v = GRAPH
        .get(
            ctx,
            tokens,
            &format!("/{user}/replies?fields=id,text,replied_to,permalink,timestamp&limit=50"),
        )
        .await?;
    let list = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| GRAPH.invalid("the replies have no data"))?;
    let want = normalise(&r.text);
    for s in list {
        let parent = s.get("replied_to").and_then(|p| opt_str(p, "id"));
        if parent.as_deref() != Some(r.item_id.as_str()) {
            continue;
        }
        if normalise(&opt_str(s, "text").unwrap_or_default()) == want {
            let id = GRAPH.id(s)?;
            return Ok(Some(Published {
                url: opt_str(s, "permalink"),
                thread: vec![id.clone()],
                id,
            }));
        }
    }
    Ok(None)
}

/// `GET` on a Graph object that may be gone: `None` for Meta's "does not exist" (code 100,
/// subcode 33), the JSON otherwise.
pub(super) async fn get_or_gone(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    path_and_query: &str,
) -> Result<Option<Value>> {
    let rb = GRAPH.request(ctx, tokens, Method::GET, path_and_query)?;
    let reply = transport::send(ctx.http, P, rb).await?;
    if reply.ok() {
        return reply.json(P).map(Some);
    }
    let gone = reply.json(P).ok().and_then(|v| {
        let e = v.get("error")?;
        Some(
            transport::opt_i64(e, "code") == Some(100)
                && transport::opt_i64(e, "error_subcode") == Some(33),
        )
    });
    if gone == Some(true) {
        return Ok(None);
    }
    Err(transport::api_error(P, &reply))
}
