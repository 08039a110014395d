//! X's inbox (API v2), two sources, each with its own stored cursor:
//!
//! - `mentions`: `GET /2/users/:id/mentions` (scopes `tweet.read users.read`; 180 requests / 15 min
//!   per user; at most the 800 most recent mentions) with `max_results=100`,
//!   `expansions=author_id,referenced_tweets.id`, `tweet.fields=created_at,conversation_id,
//!   referenced_tweets,author_id`, `user.fields=profile_image_url`. A reply to one of the user's
//!   posts is a mention too: it is grouped by its `conversation_id` with `in_reply_to` = the user's
//!   own post it answers and `subject` = that post's text (from `includes.tweets`); a quote of an
//!   own post is grouped with that post.
//! - `direct_messages`: `GET /2/dm_events` (scopes `dm.read tweet.read users.read`; 15 requests /
//!   15 min per user) with `event_types=MessageCreate`, `expansions=sender_id`, grouped by
//!   `dm_conversation_id`; the user's own messages are not inbox items. Where the app's access level
//!   gives no DMs (403 `client-forbidden`) or the sign-in lacks `dm.read`, the source answers
//!   [`Error::Unsupported`] with the reason, and the mentions are read all the same.
//!
//! Cursors: X answers newest first. The mentions cursor is the newest id stored (`since_id`); a
//! backlog longer than one page is read with `pagination_token` while the cursor is
//! `since|token|newest`, which becomes `newest` once the last page is stored. `dm_events` has no
//! `since_id`: pages are read until an event at or below the stored newest id appears.
//!
//! Replies: `POST /2/tweets` with `reply.in_reply_to_tweet_id` (280 weighted characters, counted as
//! X counts them), never retried (X takes no idempotency key); after an ambiguous failure the
//! answer is looked up among the user's 20 latest posts (`GET /2/users/:id/tweets`: one replying to
//! the same post with the same text). A direct message is answered with
//! `POST /2/dm_conversations/:dm_conversation_id/messages` (scope `dm.write`; 10,000 characters),
//! looked up in `GET /2/dm_conversations/:id/dm_events`. 429 → `RateLimited` until
//! `x-rate-limit-reset`.
//!
//! Every read is billed per resource returned (see [`super::pricing`]).

use outpost_net::reqwest::Method;
use serde_json::{Value, json};

use super::publish::{P, TWEETS, bearer, call, data, post_url, url};
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::providers::Ctx;
use crate::publish::Published;
use crate::tokens::TokenSet;
use crate::transport::{self, opt_str, str_field};

/// The mentions source.
pub const MENTIONS: &str = "mentions";
/// The direct-messages source.
pub const DIRECT_MESSAGES: &str = "direct_messages";
/// Both, read in this order.
pub const SOURCES: &[&str] = &[MENTIONS, DIRECT_MESSAGES];
/// Mentions per page (X: 5..=100).
pub const MENTIONS_PAGE: u32 = 100;
/// The smallest mentions page X serves.
pub const MENTIONS_MIN_PAGE: u32 = 5;
/// DM events per page (X: 1..=100).
pub const DM_PAGE: u32 = 100;
/// The token-set fact that narrows a page: X bills every resource read, so a caller with a read
/// budget (the user's cap) sets `page_size` to what the budget still allows.
pub const PAGE_SIZE_EXTRA: &str = "page_size";
/// X's limit for a direct message's text.
const DM_MAX_CHARS: usize = 10_000;
/// The user's latest posts searched for a reply sent before an ambiguous failure.
const LOOKUP: &str = "20";
const ME: &str = "https://api.x.com/2/users/me";
const DM_EVENTS: &str = "https://api.x.com/2/dm_events";
const DM_CONVERSATIONS: &str = "https://api.x.com/2/dm_conversations";

/// Where a read stopped: `since` (newest id stored before this backlog), the page `token` still to
/// read, and the `newest` id of the backlog being read.
#[derive(Debug, Default, PartialEq, Eq)]
struct Cursor {
    since: Option<String>,
    token: Option<String>,
    newest: Option<String>,
}

impl Cursor {
    fn parse(c: Option<&InboxCursor>) -> Result<Cursor> {
        let Some(c) = c else {
            return Ok(Cursor::default());
        };
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let parts: Vec<&str> = c.0.split('|').collect();
        match parts.as_slice() {
            [since] if is_id(since) => Ok(Cursor {
                since: opt(since),
                ..Cursor::default()
            }),
            [since, token, newest]
                if (since.is_empty() || is_id(since)) && !token.is_empty() && is_id(newest) =>
            {
                Ok(Cursor {
                    since: opt(since),
                    token: opt(token),
                    newest: opt(newest),
                })
            }
            _ => Err(Error::Config(
                "the stored X inbox cursor is not readable".into(),
            )),
        }
    }

    /// The cursor after a page: still paging back (`next`), or done at the newest id.
    fn after(&self, next: Option<String>, newest: Option<String>) -> Option<InboxCursor> {
        match (next, newest) {
            (Some(t), Some(n)) => Some(InboxCursor(format!(
                "{}|{t}|{n}",
                self.since.as_deref().unwrap_or_default()
            ))),
            (_, Some(n)) => Some(InboxCursor(n)),
            (_, None) => None,
        }
    }
}

/// The page size: X's largest, or the caller's read budget ([`PAGE_SIZE_EXTRA`]) within X's range.
fn page_size(tokens: &TokenSet, min: u32, max: u32) -> u32 {
    tokens
        .extra(PAGE_SIZE_EXTRA)
        .and_then(|n| n.parse::<u32>().ok())
        .map_or(max, |n| n.clamp(min, max))
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Numeric order of X ids (decimal strings of 64-bit numbers).
fn id_key(id: &str) -> (usize, &str) {
    (id.len(), id)
}

/// The account's X user id: stored at sign-in, else `GET /2/users/me`.
pub(super) async fn my_id(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<String> {
    if let Some(id) = tokens.extra("user_id").filter(|i| is_id(i)) {
        return Ok(id.to_string());
    }
    let v = read(ctx, tokens, url(ME, ctx)?).await?;
    str_field(P, data(&v)?, "id")
}

/// A GET of a read endpoint: 403 `client-forbidden` (the app's access level) is
/// [`Error::Unsupported`]; another 403 (a scope the sign-in lacks) is [`Error::NeedsReauth`].
pub(super) async fn read(ctx: Ctx<'_>, tokens: &TokenSet, u: url::Url) -> Result<Value> {
    let reply = transport::send(ctx.http, P, bearer(ctx, Method::GET, u, tokens)).await?;
    if reply.ok() {
        return reply.json(P);
    }
    if reply.status == 403 {
        let body: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
        let kind = body.get("type").and_then(Value::as_str).unwrap_or_default();
        if kind.ends_with("/client-forbidden") {
            return Err(Error::Unsupported {
                platform: P,
                what: "X gives this app no access to this at its access level (403 client-forbidden)",
            });
        }
        let detail = body
            .get("detail")
            .and_then(Value::as_str)
            .map(|d| crate::error::clean(d, 200))
            .unwrap_or_else(|| "a permission is missing".into());
        return Err(Error::NeedsReauth {
            platform: P,
            reason: format!("{detail} Reconnect the X channel to grant it."),
        });
    }
    Err(transport::api_error(P, &reply))
}

/// `includes.<key>` as a map by id.
fn included<'a>(v: &'a Value, key: &str) -> std::collections::HashMap<&'a str, &'a Value> {
    v.pointer(&format!("/includes/{key}"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|u| Some((u.get("id")?.as_str()?, u)))
        .collect()
}

/// `data` as a list, checked against `meta.result_count` (a page without `data` must say 0).
fn listed(v: &Value) -> Result<&[Value]> {
    let meta = v
        .get("meta")
        .filter(|m| m.is_object())
        .ok_or_else(|| transport::invalid(P, "the page has no `meta`"))?;
    let count = meta.get("result_count").and_then(Value::as_u64);
    match v.get("data") {
        Some(Value::Array(list)) => Ok(list),
        None if count == Some(0) => Ok(&[]),
        _ => Err(transport::invalid(P, "the page's `data` is missing")),
    }
}

fn author(
    users: &std::collections::HashMap<&str, &Value>,
    id: &str,
) -> (InboxAuthor, Option<String>) {
    let u = users.get(id);
    let username = u.and_then(|u| opt_str(u, "username"));
    (
        InboxAuthor {
            id: id.to_string(),
            handle: username
                .as_ref()
                .map_or_else(|| id.to_string(), |n| format!("@{n}")),
            display_name: u.and_then(|u| opt_str(u, "name")),
        },
        u.and_then(|u| opt_str(u, "profile_image_url")),
    )
}

/// Unix seconds from `created_at`, else from the snowflake id.
fn created(v: &Value, id: &str) -> i64 {
    v.get("created_at")
        .and_then(Value::as_str)
        .and_then(transport::parse_rfc3339)
        .or_else(|| super::metrics::snowflake_ms(id).map(|ms| ms / 1000))
        .unwrap_or_default()
}

pub(super) async fn fetch(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    source: &str,
    since: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let cursor = Cursor::parse(since)?;
    match source {
        MENTIONS => mentions(ctx, tokens, &cursor).await,
        DIRECT_MESSAGES => direct_messages(ctx, tokens, &cursor).await,
        _ => Err(Error::Config(format!("X has no inbox source {source:?}"))),
    }
}

async fn mentions(ctx: Ctx<'_>, tokens: &TokenSet, cursor: &Cursor) -> Result<InboxPage> {
    let me = my_id(ctx, tokens).await?;
    let mut u = url(&format!("https://api.x.com/2/users/{me}/mentions"), ctx)?;
    {
        let mut q = u.query_pairs_mut();
        q.append_pair(
            "max_results",
            &page_size(tokens, MENTIONS_MIN_PAGE, MENTIONS_PAGE).to_string(),
        )
        .append_pair("expansions", "author_id,referenced_tweets.id")
        .append_pair(
            "tweet.fields",
            "created_at,conversation_id,referenced_tweets,author_id",
        )
        .append_pair("user.fields", "profile_image_url");
        if let Some(s) = &cursor.since {
            q.append_pair("since_id", s);
        }
        if let Some(t) = &cursor.token {
            q.append_pair("pagination_token", t);
        }
    }
    let v = read(ctx, tokens, u).await?;
    let list = listed(&v)?;
    let users = included(&v, "users");
    let tweets = included(&v, "tweets");
    let mut items = list
        .iter()
        .map(|t| mention(t, &me, &users, &tweets))
        .collect::<Result<Vec<_>>>()?;
    items.sort_by(|a, b| id_key(&a.id).cmp(&id_key(&b.id)));
    let newest = cursor
        .newest
        .clone()
        .or_else(|| items.last().map(|i| i.id.clone()));
    let next = v
        .pointer("/meta/next_token")
        .and_then(Value::as_str)
        .map(str::to_string);
    let cursor = if items.is_empty() && cursor.token.is_none() {
        None
    } else {
        cursor.after(next.filter(|_| !items.is_empty()), newest)
    };
    Ok(InboxPage { items, cursor })
}

fn mention(
    t: &Value,
    me: &str,
    users: &std::collections::HashMap<&str, &Value>,
    tweets: &std::collections::HashMap<&str, &Value>,
) -> Result<InboxItem> {
    let id = str_field(P, t, "id")?;
    let author_id = str_field(P, t, "author_id")?;
    let (author, avatar_url) = author(users, &author_id);
    let refs = t
        .get("referenced_tweets")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let own_ref = |kind: &str| {
        refs.iter()
            .filter(|r| r.get("type").and_then(Value::as_str) == Some(kind))
            .filter_map(|r| r.get("id").and_then(Value::as_str))
            .find_map(|rid| {
                let parent = tweets.get(rid)?;
                (parent.get("author_id").and_then(Value::as_str) == Some(me))
                    .then(|| (rid.to_string(), opt_str(parent, "text")))
            })
    };
    let (kind, parent) = match (own_ref("replied_to"), own_ref("quoted")) {
        (Some(p), _) => (InboxKind::Reply, Some(p)),
        (None, Some(p)) => (InboxKind::Quote, Some(p)),
        (None, None) => (InboxKind::Mention, None),
    };
    let conversation = match kind {
        InboxKind::Quote => None,
        _ => opt_str(t, "conversation_id").filter(|c| is_id(c)),
    };
    let url = match author.handle.strip_prefix('@') {
        Some(u) => format!("https://x.com/{u}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    };
    let (in_reply_to, subject) = parent.map_or((None, None), |(p, s)| (Some(p), s));
    Ok(InboxItem {
        created_at: created(t, &id),
        text: opt_str(t, "text").unwrap_or_default(),
        id,
        kind,
        author,
        url: Some(url),
        in_reply_to,
        avatar_url,
        conversation,
        subject,
        reply_by: None,
    })
}

async fn direct_messages(ctx: Ctx<'_>, tokens: &TokenSet, cursor: &Cursor) -> Result<InboxPage> {
    if !tokens.scopes.is_empty() && !tokens.scopes.iter().any(|s| s == "dm.read") {
        return Err(Error::Unsupported {
            platform: P,
            what: "X direct messages need the dm.read permission this channel was not granted: reconnect the X channel to read them",
        });
    }
    let me = my_id(ctx, tokens).await?;
    let mut u = url(DM_EVENTS, ctx)?;
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("max_results", &page_size(tokens, 1, DM_PAGE).to_string())
            .append_pair("event_types", "MessageCreate")
            .append_pair(
                "dm_event.fields",
                "id,text,event_type,dm_conversation_id,created_at,sender_id",
            )
            .append_pair("expansions", "sender_id")
            .append_pair("user.fields", "profile_image_url");
        if let Some(t) = &cursor.token {
            q.append_pair("pagination_token", t);
        }
    }
    let v = read(ctx, tokens, u).await?;
    let list = listed(&v)?;
    let users = included(&v, "users");
    let mut reached_stored = false;
    let mut newest_here: Option<String> = None;
    let mut items = Vec::new();
    for e in list {
        let id = str_field(P, e, "id")?;
        if newest_here
            .as_deref()
            .is_none_or(|n| id_key(&id) > id_key(n))
        {
            newest_here = Some(id.clone());
        }
        if let Some(s) = &cursor.since
            && id_key(&id) <= id_key(s)
        {
            reached_stored = true;
            continue;
        }
        let sender = str_field(P, e, "sender_id")?;
        if sender == me {
            continue;
        }
        let conversation = str_field(P, e, "dm_conversation_id")?;
        let (author, avatar_url) = author(&users, &sender);
        items.push(InboxItem {
            created_at: created(e, &id),
            text: opt_str(e, "text").unwrap_or_default(),
            url: Some(format!("https://x.com/messages/{conversation}")),
            id,
            kind: InboxKind::DirectMessage,
            author,
            in_reply_to: None,
            avatar_url,
            conversation: Some(conversation),
            subject: None,
            reply_by: None,
        });
    }
    items.sort_by(|a, b| id_key(&a.id).cmp(&id_key(&b.id)));
    let newest = cursor.newest.clone().or(newest_here.filter(|n| {
        cursor
            .since
            .as_deref()
            .is_none_or(|s| id_key(n) > id_key(s))
    }));
    let next = v
        .pointer("/meta/next_token")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|_| !reached_stored && !list.is_empty());
    let cursor = if newest.is_none() && cursor.token.is_none() {
        None
    } else {
        cursor
            .after(next, newest)
            .or_else(|| cursor.since.clone().map(InboxCursor))
    };
    Ok(InboxPage { items, cursor })
}

/// Refuses a text X would refuse, before anything is sent.
fn check_text(r: &InboxReplyTo) -> Result<()> {
    let text = r.text.trim();
    if text.is_empty() {
        return Err(Error::refused(P, "The reply is empty"));
    }
    if r.kind == InboxKind::DirectMessage {
        let n = text.chars().count();
        if n > DM_MAX_CHARS {
            return Err(Error::refused(
                P,
                format!(
                    "A direct message on X is at most {DM_MAX_CHARS} characters; this one has {n}"
                ),
            ));
        }
        return Ok(());
    }
    let limits = Limits::for_platform(P);
    let n = limits.count(text);
    if n > limits.max_text {
        return Err(Error::refused(
            P,
            format!(
                "A reply on X is at most {} characters (weighted as X counts them); this one has {n}",
                limits.max_text
            ),
        ));
    }
    Ok(())
}

fn dm_url(ctx: Ctx<'_>, conversation: &str, tail: &str) -> Result<url::Url> {
    if !conversation
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'-')
        || conversation.is_empty()
    {
        return Err(Error::Config(format!(
            "{conversation:?} is not an X direct-message conversation id"
        )));
    }
    url(&format!("{DM_CONVERSATIONS}/{conversation}/{tail}"), ctx)
}

pub(super) async fn reply(ctx: Ctx<'_>, tokens: &TokenSet, r: &InboxReplyTo) -> Result<Published> {
    check_text(r)?;
    let text = r.text.trim();
    if r.kind == InboxKind::DirectMessage {
        let u = dm_url(ctx, &r.conversation, "messages")?;
        let v = call(
            ctx,
            bearer(ctx, Method::POST, u, tokens).json(&json!({ "text": text })),
        )
        .await?;
        let id = str_field(P, data(&v)?, "dm_event_id")?;
        return Ok(Published {
            url: Some(format!("https://x.com/messages/{}", r.conversation)),
            thread: vec![id.clone()],
            id,
        });
    }
    let body = json!({"text": text, "reply": {"in_reply_to_tweet_id": r.item_id}});
    // Never retried: X has no idempotency key (`find_reply` looks an answer up instead).
    let v = call(
        ctx,
        bearer(ctx, Method::POST, url(TWEETS, ctx)?, tokens).json(&body),
    )
    .await?;
    let id = str_field(P, data(&v)?, "id")?;
    Ok(Published {
        url: Some(post_url(tokens, &id)),
        thread: vec![id.clone()],
        id,
    })
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    norm(a) == norm(b)
}

pub(super) async fn find_reply(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let me = my_id(ctx, tokens).await?;
    if r.kind == InboxKind::DirectMessage {
        let mut u = dm_url(ctx, &r.conversation, "dm_events")?;
        u.query_pairs_mut()
            .append_pair("max_results", "50")
            .append_pair("event_types", "MessageCreate")
            .append_pair("dm_event.fields", "id,text,sender_id,dm_conversation_id");
        let v = read(ctx, tokens, u).await?;
        for e in listed(&v)? {
            if opt_str(e, "sender_id").as_deref() == Some(me.as_str())
                && same_text(&opt_str(e, "text").unwrap_or_default(), &r.text)
            {
                let id = str_field(P, e, "id")?;
                return Ok(Some(Published {
                    url: Some(format!("https://x.com/messages/{}", r.conversation)),
                    thread: vec![id.clone()],
                    id,
                }));
            }
        }
        return Ok(None);
    }
    let mut u = url(&format!("https://api.x.com/2/users/{me}/tweets"), ctx)?;
    u.query_pairs_mut()
        .append_pair("max_results", LOOKUP)
        .append_pair("tweet.fields", "referenced_tweets,created_at");
    let v = read(ctx, tokens, u).await?;
    for t in listed(&v)? {
        let answers = t
            .get("referenced_tweets")
            .and_then(Value::as_array)
            .is_some_and(|refs| {
                refs.iter().any(|x| {
                    x.get("type").and_then(Value::as_str) == Some("replied_to")
                        && x.get("id").and_then(Value::as_str) == Some(r.item_id.as_str())
                })
            });
        if answers && same_text(&opt_str(t, "text").unwrap_or_default(), &r.text) {
            let id = str_field(P, t, "id")?;
            return Ok(Some(Published {
                url: Some(post_url(tokens, &id)),
                thread: vec![id.clone()],
                id,
            }));
        }
    }
    Ok(None)
}
