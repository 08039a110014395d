//! Mastodon's inbox: mentions (replies to the account's posts are mentions too; a status with
//! `visibility: direct` is a direct message) from
//! `GET /api/v1/notifications?types[]=mention&min_id=<cursor>&limit=40` (scope `read:notifications`),
//! newest first on the wire, handed back oldest first; the cursor is the newest notification id read.
//! `min_id` gives the page just after the cursor, so a backlog longer than a page is read page by
//! page, oldest first.
//!
//! Replies: `POST /api/v1/statuses` (scope `write:statuses`) with `in_reply_to_id`, the answered
//! status' visibility (a reply to a direct message stays direct) read first with
//! `GET /api/v1/statuses/:id` (a deleted status answers 404: said plainly), the author's `@acct`
//! first when the text does not name it (Mastodon delivers a reply to those it mentions), and an
//! `Idempotency-Key` (kept an hour by the server). After an ambiguous failure the reply is found by
//! look-up: the account's 40 latest statuses, one answering the same status that ends with the text.

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::server::{api, authed, html_text, normalise, origin, recent_own_statuses};
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::publish::Published;
use crate::tokens::TokenSet;
use crate::transport::{self, opt_str, str_field};

const P: Platform = Platform::Mastodon;
/// Mastodon's default page; at most 80.
const PAGE: &str = "40";

pub(super) async fn fetch(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    since: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let mut url = api(&origin(ctx)?, "/api/v1/notifications")?;
    url.query_pairs_mut()
        .append_pair("types[]", "mention")
        .append_pair("limit", PAGE)
        .extend_pairs(since.map(|c| ("min_id", c.0.as_str())));
    let rb = authed(ctx, Method::GET, url, tokens);
    let v = transport::call(ctx.http, P, rb, |r| transport::api_error(P, r)).await?;
    let list = v
        .as_array()
        .ok_or_else(|| transport::invalid(P, "the notifications are not a list"))?;
    let mut read = list.iter().map(notification).collect::<Result<Vec<_>>>()?;
    // Ids are numbers in strings: a longer id is a later one.
    read.sort_by(|a, b| (a.0.len(), &a.0).cmp(&(b.0.len(), &b.0)));
    let cursor = read.last().map(|(id, _)| InboxCursor(id.clone()));
    Ok(InboxPage {
        items: read.into_iter().map(|(_, item)| item).collect(),
        cursor,
    })
}

/// A mention notification: its id (the cursor) and the status as an inbox item.
fn notification(n: &Value) -> Result<(String, InboxItem)> {
    let id = str_field(P, n, "id")?;
    let missing = |what: &str| transport::invalid(P, format!("a mention has no {what}"));
    let status = n.get("status").ok_or_else(|| missing("status"))?;
    let account = status.get("account").ok_or_else(|| missing("account"))?;
    let created_at = status
        .get("created_at")
        .and_then(Value::as_str)
        .and_then(transport::parse_rfc3339)
        .ok_or_else(|| missing("time"))?;
    let in_reply_to = opt_str(status, "in_reply_to_id");
    let item = InboxItem {
        id: str_field(P, status, "id")?,
        kind: if status.get("visibility").and_then(Value::as_str) == Some("direct") {
            InboxKind::DirectMessage
        } else if in_reply_to.is_some() {
            InboxKind::Reply
        } else {
            InboxKind::Mention
        },
        author: InboxAuthor {
            id: str_field(P, account, "id")?,
            handle: str_field(P, account, "acct")?,
            display_name: opt_str(account, "display_name"),
        },
        text: html_text(
            status
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        ),
        url: opt_str(status, "url"),
        in_reply_to,
        created_at,
        avatar_url: opt_str(account, "avatar"),
        conversation: None,
        subject: None,
        reply_by: None,
    };
    Ok((id, item))
}

/// `/api/v1/statuses/:id`, the id percent-encoded as one path segment.
fn status_url(origin: &url::Url, id: &str) -> Result<url::Url> {
    let mut url = api(origin, "/api/v1/statuses")?;
    url.path_segments_mut()
        .map_err(|_| Error::Config("bad server URL".into()))?
        .push(id);
    Ok(url)
}

/// The text as sent: the answered author's `@acct` first unless the text already names them.
pub fn reply_text(text: &str, acct: &str) -> String {
    let text = text.trim();
    let mention = format!("@{}", acct.trim_start_matches('@'));
    let named = text
        .split_whitespace()
        .any(|w| w.trim_end_matches([',', '.', ':', ';', '!', '?']) == mention);
    if acct.is_empty() || named {
        text.to_string()
    } else {
        format!("{mention} {text}")
    }
}

pub(super) async fn reply(ctx: Ctx<'_>, tokens: &TokenSet, r: &InboxReplyTo) -> Result<Published> {
    let origin = origin(ctx)?;
    let rb = authed(ctx, Method::GET, status_url(&origin, &r.item_id)?, tokens);
    let parent = match transport::send(ctx.http, P, rb).await? {
        reply if reply.status == 404 => {
            return Err(Error::refused(
                P,
                "the post you are answering was deleted (or is no longer visible to this account)",
            ));
        }
        reply if (200..300).contains(&reply.status) => reply.json(P)?,
        reply => return Err(transport::api_error(P, &reply)),
    };
    let visibility = parent
        .get("visibility")
        .and_then(Value::as_str)
        .unwrap_or("public");
    let acct = parent
        .get("account")
        .and_then(|a| a.get("acct"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let body = serde_json::json!({
        "status": reply_text(&r.text, acct),
        "in_reply_to_id": r.item_id,
        "visibility": visibility,
    });
    let rb = authed(ctx, Method::POST, api(&origin, "/api/v1/statuses")?, tokens)
        .header("Idempotency-Key", r.key.as_str())
        .json(&body);
    let v = transport::send_json(ctx.http, P, transport::Phase::Api, rb).await?;
    published(&v)
}

fn published(v: &Value) -> Result<Published> {
    let id = str_field(P, v, "id")?;
    Ok(Published {
        url: opt_str(v, "url").or_else(|| opt_str(v, "uri")),
        thread: vec![id.clone()],
        id,
    })
}

pub(super) async fn find_reply(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let list = recent_own_statuses(ctx, &origin(ctx)?, tokens).await?;
    let want = normalise(&r.text);
    for s in &list {
        if opt_str(s, "in_reply_to_id").as_deref() != Some(r.item_id.as_str()) {
            continue;
        }
        let text = html_text(s.get("content").and_then(Value::as_str).unwrap_or_default());
        if text.ends_with(&want) {
            return published(s).map(Some);
        }
    }
    Ok(None)
}
