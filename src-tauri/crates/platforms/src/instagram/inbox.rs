//! Instagram inbox (Instagram API with Instagram Login, Graph `v23.0`), two sources:
//!
//! - `comments`: the account's 25 latest media, `GET /{ig-user-id}/media?fields=id,caption,permalink,
//!   timestamp` (`instagram_business_basic`), then per media `GET /{media-id}/comments?fields=id,text,
//!   timestamp,username,from{id,username},replies{id,text,timestamp,username,from{id,username}}
//!   &limit=50` (`instagram_business_manage_comments`), every page followed (at most 10). The API has
//!   no `since` on comments: newer ones are kept by their `timestamp` (the cursor, unix s, inclusive;
//!   the app skips what it already holds). The account's own comments and replies are skipped.
//!   Instagram gives no commenter's picture here (initials are shown).
//! - `messages`: conversations (Instagram Direct), `GET /{ig-user-id}/conversations?platform=instagram
//!   &fields=id,updated_time,messages{id,message,from,to,created_time}` (`instagram_business_manage_messages`),
//!   with the 24-hour window as `reply_by`.
//!
//! Replies: `POST /{comment-id}/replies` `message` (2,200 characters; Instagram threads are one level
//! deep, so a reply to a reply answers its top-level comment, read with `GET /{comment-id}?fields=
//! parent_id`). After an ambiguous failure the answer is found by look-up: the comment's replies
//! (`GET /{comment-id}/replies`) by the account with the same text. A direct message is answered with
//! `POST /{ig-user-id}/messages` `{"recipient":{"id":IGSID},"message":{"text"}}` (1,000 characters
//! [U]); a message that may have gone out is looked up in the conversation, and when it is not there
//! Outpost says it cannot confirm the send and sends nothing again.
//!
//! Not built: private replies to comments (`recipient.comment_id`, once per comment within 7 days);
//! the emulator implements them, the app has no "answer privately" choice yet.

use serde_json::{Value, json};

use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::Result;
use crate::meta::graph::{Graph, account_id};
use crate::meta::inbox::{
    all_pages, checked_text, conversations, data, find_message, graph_time, oldest_first,
    send_message, sent, since,
};
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport::{self, opt_str};

const COMMENT_MAX: usize = 2200;
const MESSAGE_MAX: usize = 1000;
const WHO: &str = "id,text,timestamp,username,from{id,username}";

pub(super) async fn fetch(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    source: &str,
    cursor: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let me = account_id(g.platform, tokens)?;
    match source {
        "messages" => conversations(g, ctx, tokens, &me, "instagram", cursor).await,
        _ => comments(g, ctx, tokens, &me, cursor).await,
    }
}

async fn comments(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    me: &str,
    cursor: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let since = since(cursor)?;
    let media = g
        .get(
            ctx,
            tokens,
            &format!("/{me}/media?fields=id,caption,permalink,timestamp&limit=25"),
        )
        .await?;
    let media = data(g, &media)?.clone();
    let mut items = Vec::new();
    for m in &media {
        let mid = transport::str_field(g.platform, m, "id")?;
        let caption = opt_str(m, "caption").filter(|c| !c.is_empty());
        let path = format!("/{mid}/comments?limit=50&fields={WHO},replies{{{WHO}}}");
        for c in all_pages(g, ctx, tokens, &path).await? {
            let top = transport::str_field(g.platform, &c, "id")?;
            items.extend(comment(g, &c, me, &mid, &caption, None)?);
            let replies = c.get("replies").map(|r| data(g, r)).transpose()?;
            for r in replies.into_iter().flatten() {
                items.extend(comment(g, r, me, &mid, &caption, Some(&top))?);
            }
        }
    }
    items.retain(|i| since.is_none_or(|s| i.created_at >= s));
    Ok(oldest_first(items))
}

/// One comment or reply as an inbox item; `None` for the account's own.
fn comment(
    g: &Graph,
    c: &Value,
    me: &str,
    media: &str,
    caption: &Option<String>,
    parent: Option<&str>,
) -> Result<Option<InboxItem>> {
    let from = c.get("from");
    let from_id = from.and_then(|f| opt_str(f, "id")).unwrap_or_default();
    if from_id == me {
        return Ok(None);
    }
    let username = opt_str(c, "username")
        .or_else(|| from.and_then(|f| opt_str(f, "username")))
        .ok_or_else(|| g.invalid("a comment has no username"))?;
    let created_at = c
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(graph_time)
        .ok_or_else(|| g.invalid("a comment has no timestamp"))?;
    Ok(Some(InboxItem {
        id: transport::str_field(g.platform, c, "id")?,
        kind: if parent.is_some() {
            InboxKind::Reply
        } else {
            InboxKind::Comment
        },
        author: InboxAuthor {
            id: from_id,
            handle: username,
            display_name: None,
        },
        text: opt_str(c, "text").unwrap_or_default(),
        url: None,
        in_reply_to: Some(media.to_string()),
        created_at,
        avatar_url: None,
        conversation: None,
        subject: caption.clone(),
        reply_by: None,
    }))
}

/// The top-level comment a reply goes under (the comment itself, or its parent).
async fn thread_top(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<String> {
    if r.kind != InboxKind::Reply {
        return Ok(r.item_id.clone());
    }
    let v = g
        .get(ctx, tokens, &format!("/{}?fields=id,parent_id", r.item_id))
        .await?;
    Ok(opt_str(&v, "parent_id").unwrap_or_else(|| r.item_id.clone()))
}

pub(super) async fn reply(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Published> {
    let me = account_id(g.platform, tokens)?;
    if r.kind == InboxKind::DirectMessage {
        let text = checked_text(g, &r.text, MESSAGE_MAX, "An Instagram message")?;
        return send_message(g, ctx, tokens, &me, json!({"id": r.author_id}), None, &text).await;
    }
    let text = checked_text(g, &r.text, COMMENT_MAX, "An Instagram comment")?;
    let top = thread_top(g, ctx, tokens, r).await?;
    let v = g
        .form(
            ctx,
            tokens,
            outpost_net::reqwest::Method::POST,
            &format!("/{top}/replies"),
            &[("message", text)],
        )
        .await?;
    Ok(sent(g.id(&v)?))
}

pub(super) async fn find_reply(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let me = account_id(g.platform, tokens)?;
    if r.kind == InboxKind::DirectMessage {
        return find_message(g, ctx, tokens, &me, "instagram", r).await;
    }
    let top = thread_top(g, ctx, tokens, r).await?;
    let path = format!("/{top}/replies?limit=50&fields={WHO}");
    for c in all_pages(g, ctx, tokens, &path).await? {
        let mine = c.get("from").and_then(|f| opt_str(f, "id")).as_deref() == Some(&me);
        if mine && opt_str(&c, "text").as_deref() == Some(r.text.trim()) {
            return Ok(Some(sent(transport::str_field(g.platform, &c, "id")?)));
        }
    }
    Ok(None)
}
