//! Facebook Page inbox (Graph `v23.0`, the channel's Page access token), two sources:
//!
//! - `comments`: the Page's 25 latest posts, `GET /{page-id}/feed?fields=id,message,permalink_url`
//!   (`pages_read_engagement`), then per post `GET /{post-id}/comments?filter=stream&order=chronological
//!   &since=<cursor>&fields=id,message,created_time,from{id,name,picture},parent{id},permalink_url
//!   &limit=100` (`pages_read_engagement`; `filter=stream` flattens replies, each with its `parent`),
//!   every page followed (`paging.cursors.after`, at most 10). The Page's own comments are skipped.
//!   `from` is left out by Meta for people who have not allowed apps: shown as "Facebook user".
//!   The cursor is the newest `created_time` read (unix s; `since` is inclusive: a comment of the
//!   same second is read again and skipped as a duplicate by the app).
//! - `messages`: Page conversations on Messenger, `GET /{page-id}/conversations?platform=messenger
//!   &fields=id,updated_time,messages{id,message,from,to,created_time}` (`pages_messaging`),
//!   with the 24-hour standard messaging window as `reply_by`.
//!
//! Replies: a comment is answered as the Page with `POST /{comment-id}/comments` `message`
//! (`pages_manage_engagement`; 8,000 characters [U]). After an ambiguous failure the answer is found
//! by look-up: the post's comments (`filter=stream`, newest first) by the Page with the same text.
//! A message is answered with `POST /{page-id}/messages` `{"recipient":{"id":PSID},
//! "messaging_type":"RESPONSE","message":{"text"}}` (2,000 characters); refused by Meta after the
//! window. A message that may have gone out is looked up in the conversation; when it is not there
//! Outpost says it cannot confirm the send and sends nothing again.

use serde_json::{Value, json};

use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::Result;
use crate::meta::graph::{Graph, account_id};
use crate::meta::inbox::{
    all_pages, checked_text, conversations, find_message, graph_time, oldest_first, send_message,
    sent, since,
};
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport::{self, opt_str};

const COMMENT_MAX: usize = 8000;
const MESSAGE_MAX: usize = 2000;
const COMMENT_FIELDS: &str =
    "id,message,created_time,from{id,name,picture},parent{id},permalink_url";

pub(super) async fn fetch(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    source: &str,
    cursor: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let page = account_id(g.platform, tokens)?;
    match source {
        "messages" => conversations(g, ctx, tokens, &page, "messenger", cursor).await,
        _ => comments(g, ctx, tokens, &page, cursor).await,
    }
}

async fn comments(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    page: &str,
    cursor: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let since = since(cursor)?;
    let feed = g
        .get(
            ctx,
            tokens,
            &format!("/{page}/feed?fields=id,message,permalink_url&limit=25"),
        )
        .await?;
    let posts = crate::meta::inbox::data(g, &feed)?.clone();
    let mut items = Vec::new();
    for post in &posts {
        let post_id = transport::str_field(g.platform, post, "id")?;
        let mut path = format!(
            "/{post_id}/comments?filter=stream&order=chronological&limit=100&fields={COMMENT_FIELDS}"
        );
        if let Some(s) = since {
            path.push_str(&format!("&since={s}"));
        }
        for c in all_pages(g, ctx, tokens, &path).await? {
            if let Some(item) = comment(g, &c, page, &post_id, opt_str(post, "message"))? {
                items.push(item);
            }
        }
    }
    Ok(oldest_first(items))
}

/// One comment as an inbox item; `None` for the Page's own.
fn comment(
    g: &Graph,
    c: &Value,
    page: &str,
    post_id: &str,
    subject: Option<String>,
) -> Result<Option<InboxItem>> {
    let from = c.get("from");
    let from_id = from.and_then(|f| opt_str(f, "id")).unwrap_or_default();
    if from_id == page {
        return Ok(None);
    }
    let created_at = c
        .get("created_time")
        .and_then(Value::as_str)
        .and_then(graph_time)
        .ok_or_else(|| g.invalid("a comment has no created_time"))?;
    let name = from.and_then(|f| opt_str(f, "name"));
    Ok(Some(InboxItem {
        id: transport::str_field(g.platform, c, "id")?,
        kind: if c.get("parent").is_some() {
            InboxKind::Reply
        } else {
            InboxKind::Comment
        },
        author: InboxAuthor {
            id: from_id,
            handle: name.clone().unwrap_or_else(|| "Facebook user".into()),
            display_name: name,
        },
        text: opt_str(c, "message").unwrap_or_default(),
        url: opt_str(c, "permalink_url"),
        in_reply_to: Some(post_id.to_string()),
        created_at,
        avatar_url: from
            .and_then(|f| f.pointer("/picture/data/url"))
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("https://"))
            .map(str::to_string),
        conversation: None,
        subject,
        reply_by: None,
    }))
}

pub(super) async fn reply(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Published> {
    let page = account_id(g.platform, tokens)?;
    if r.kind == InboxKind::DirectMessage {
        let text = checked_text(g, &r.text, MESSAGE_MAX, "A Messenger message")?;
        return send_message(
            g,
            ctx,
            tokens,
            &page,
            json!({"id": r.author_id}),
            Some("RESPONSE"),
            &text,
        )
        .await;
    }
    let text = checked_text(g, &r.text, COMMENT_MAX, "A Facebook comment")?;
    Ok(sent(g.comment(ctx, tokens, r.item_id.clone(), text).await?))
}

pub(super) async fn find_reply(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let page = account_id(g.platform, tokens)?;
    if r.kind == InboxKind::DirectMessage {
        return find_message(g, ctx, tokens, &page, "messenger", r).await;
    }
    // `conversation` of a comment is the post it answers.
    let path = format!(
        "/{}/comments?filter=stream&order=reverse_chronological&limit=100&fields=id,message,from,parent{{id}}",
        r.conversation
    );
    let v = g.get(ctx, tokens, &path).await?;
    for c in crate::meta::inbox::data(g, &v)? {
        let by_page = c.get("from").and_then(|f| opt_str(f, "id")).as_deref() == Some(&page);
        let answers = c.get("parent").is_some();
        if by_page && answers && opt_str(c, "message").as_deref() == Some(r.text.trim()) {
            return Ok(Some(sent(transport::str_field(g.platform, c, "id")?)));
        }
    }
    Ok(None)
}
