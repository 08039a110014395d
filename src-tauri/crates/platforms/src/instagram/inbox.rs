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
//! A private reply answers a comment with a direct message to its author: `POST /{ig-user-id}/messages`
//! `{"recipient":{"comment_id"},"message":{"text"}}` (`instagram_business_manage_messages`; once per
//! comment, within 7 days of it; 1,000 characters [U]). Instagram refuses a second one (code 10,
//! subcode 2018336) and one after 7 days (subcode 2018278); both are said plainly. After an
//! ambiguous failure the private reply is looked up in the account's conversations (a message by
//! the account to the comment's author with the same text); when it is not there Outpost says it
//! cannot confirm the send and sends nothing again.

use serde_json::{Value, json};

use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::Error;
use crate::error::Result;
use crate::meta::graph::{Graph, account_id};
use crate::meta::inbox::{
    all_pages, checked_text, conversations, data, error_codes, find_message, graph_time,
    oldest_first, send_message, sent, since,
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
    if r.private {
        return private_reply(g, ctx, tokens, &me, r).await;
    }
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
    if r.private {
        return find_private_reply(g, ctx, tokens, &me, r).await;
    }
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

/// Instagram's subcode for a second private reply to the same comment.
const ALREADY_ANSWERED: i64 = 2018336;
/// Meta's subcode for an answer outside its window (for a private reply: 7 days after the comment).
const OUTSIDE_WINDOW: i64 = 2018278;

/// A private reply: a direct message to the comment's author, once per comment, within 7 days.
async fn private_reply(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    me: &str,
    r: &InboxReplyTo,
) -> Result<Published> {
    let p = g.platform;
    if r.kind != InboxKind::Comment {
        return Err(Error::refused(
            p,
            "a private reply answers a top-level comment on Instagram, not a reply or a message",
        ));
    }
    let text = checked_text(g, &r.text, MESSAGE_MAX, "An Instagram private reply")?;
    let body = json!({"recipient": {"comment_id": r.item_id}, "message": {"text": text}});
    let rb = g
        .request(
            ctx,
            tokens,
            outpost_net::reqwest::Method::POST,
            &format!("/{me}/messages"),
        )?
        .json(&body);
    let reply = transport::send(ctx.http, p, rb).await?;
    if !reply.ok() {
        return Err(match error_codes(&reply) {
            (10, ALREADY_ANSWERED) => Error::refused(
                p,
                "Instagram takes one private reply per comment, and this comment already has one",
            ),
            (10, OUTSIDE_WINDOW) => Error::refused(
                p,
                "Instagram takes a private reply only within 7 days of the comment, and that time has passed",
            ),
            _ => transport::api_error(p, &reply),
        });
    }
    let v = reply.json(p)?;
    Ok(sent(transport::str_field(p, &v, "message_id")?))
}

/// After an ambiguous failure: the account's message to the comment's author with the same text
/// (the 25 latest messages of each conversation). Not there: the send cannot be confirmed, said
/// plainly, and nothing is sent again (a comment takes one private reply only).
async fn find_private_reply(
    g: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    me: &str,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let path = format!(
        "/{me}/conversations?platform=instagram&limit=25&fields=id,messages{{id,message,from,to,created_time}}"
    );
    let id_of = |v: &Value| opt_str(v, "id");
    for c in all_pages(g, ctx, tokens, &path).await? {
        let msgs = c.get("messages").map(|m| data(g, m)).transpose()?;
        for m in msgs.into_iter().flatten() {
            let mine = m.get("from").and_then(id_of).as_deref() == Some(me);
            let to_author = m
                .get("to")
                .map(|t| data(g, t))
                .transpose()?
                .is_some_and(|to| to.iter().any(|p| id_of(p).as_deref() == Some(&r.author_id)));
            if mine && to_author && opt_str(m, "message").as_deref() == Some(r.text.trim()) {
                return Ok(Some(sent(transport::str_field(g.platform, m, "id")?)));
            }
        }
    }
    Err(Error::refused(
        g.platform,
        "Instagram does not show this private reply in your messages, so Outpost cannot confirm it \
         was sent and will not send it again (a comment takes one private reply only); check your \
         Instagram messages",
    ))
}
