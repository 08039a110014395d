//! Mastodon's inbox: mentions (replies to the account's posts are mentions too) from
//! `GET /api/v1/notifications?types[]=mention&min_id=<cursor>&limit=40`, newest first on the wire,
//! handed back oldest first; the cursor is the newest notification id read.

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::server::{api, authed, html_text, origin};
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage};
use crate::error::Result;
use crate::platform::Platform;
use crate::providers::Ctx;
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
        kind: if in_reply_to.is_some() {
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
    };
    Ok((id, item))
}
