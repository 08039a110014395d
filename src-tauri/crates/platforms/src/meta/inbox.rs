//! What the Facebook Page and Instagram inboxes share: Graph times, paging, conversations (Messenger
//! and Instagram Direct read through `GET /{owner}/conversations?platform=…` with their messages,
//! newest first), answers sent with `POST /{owner}/messages`, and the look-up of a sent message.
//!
//! The standard messaging window: a business may answer a person up to 24 hours after that person's
//! last message (Messenger Platform and Instagram Messaging policy); outside it Meta refuses the send
//! with code 10, subcode 2018278. Every direct message item carries `reply_by` = the person's latest
//! message in the conversation + 24 h.

use outpost_net::reqwest::Method;
use serde_json::{Value, json};

use super::graph::Graph;
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport::{self, Reply};

/// The standard messaging window: 24 hours after the person's last message.
pub(crate) const MESSAGING_WINDOW_S: i64 = 24 * 3600;
/// At most this many pages of one list are read in one sync step (the rest comes next time).
pub(crate) const MAX_PAGES: usize = 10;
/// Meta's "outside of allowed window" subcode (code 10).
const OUTSIDE_WINDOW: i64 = 2018278;
/// Meta's "object does not exist" subcode (code 100): a deleted post, media or comment.
pub(crate) const NO_OBJECT: i64 = 33;

/// Graph's time, `2026-12-07T02:54:25+0000` (also accepts RFC 3339), as unix seconds.
pub(crate) fn graph_time(s: &str) -> Option<i64> {
    let fixed = match s.len().checked_sub(5).map(|i| s.split_at(i)) {
        Some((head, tail))
            if (tail.starts_with('+') || tail.starts_with('-'))
                && tail[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("{head}{}:{}", &tail[..3], &tail[3..])
        }
        _ => s.to_string(),
    };
    transport::parse_rfc3339(&fixed)
}

/// The cursor of a time-ordered source: unix seconds of the newest item read.
pub(crate) fn since(cursor: Option<&InboxCursor>) -> Result<Option<i64>> {
    cursor
        .map(|c| {
            c.0.parse::<i64>().map_err(|_| {
                Error::Config(format!("the stored inbox cursor {:?} is not a time", c.0))
            })
        })
        .transpose()
}

/// `data` of a Graph list answer (a missing list is a malformed answer, never "nothing new").
pub(crate) fn data<'a>(graph: &Graph, v: &'a Value) -> Result<&'a Vec<Value>> {
    v.get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| graph.invalid("a list answer has no data"))
}

/// The `after` cursor when the list has a next page.
pub(crate) fn next_after(v: &Value) -> Option<String> {
    v.get("paging")?.get("next")?;
    transport::opt_str(v.get("paging")?.get("cursors")?, "after")
}

/// Every page of a Graph list at `path` (its query without `after`), at most [`MAX_PAGES`].
pub(crate) async fn all_pages(
    graph: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    path: &str,
) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let url = match &after {
            Some(a) => format!("{path}&after={}", urlencoding(a)),
            None => path.to_string(),
        };
        let v = graph.get(ctx, tokens, &url).await?;
        out.extend(data(graph, &v)?.iter().cloned());
        after = next_after(&v);
        if after.is_none() {
            break;
        }
    }
    Ok(out)
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An answer that was sent, by its platform id (no address: Graph gives none for comments and messages).
pub(crate) fn sent(id: String) -> Published {
    Published {
        url: None,
        thread: vec![id.clone()],
        id,
    }
}

/// Items oldest first, the cursor at the newest (none when nothing was read).
pub(crate) fn oldest_first(mut items: Vec<InboxItem>) -> InboxPage {
    items.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let cursor = items.last().map(|i| InboxCursor(i.created_at.to_string()));
    InboxPage { items, cursor }
}

/// Meta's `(code, error_subcode)` of an error answer.
pub(crate) fn error_codes(r: &Reply) -> (i64, i64) {
    let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    let e = v.get("error").cloned().unwrap_or(Value::Null);
    (
        e.get("code").and_then(Value::as_i64).unwrap_or(0),
        e.get("error_subcode").and_then(Value::as_i64).unwrap_or(0),
    )
}

/// The page of direct messages newer than `since` from `GET /{owner}/conversations?platform=…`:
/// the people's messages (not the account's own), oldest first, each with its conversation and
/// `reply_by`; the cursor is the newest message time read.
pub(crate) async fn conversations(
    graph: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    owner: &str,
    platform: &str,
    cursor: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let since = since(cursor)?;
    let path = format!(
        "/{owner}/conversations?platform={platform}&limit=25&fields=id,updated_time,\
         messages{{id,message,from,to,created_time}}"
    );
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    'pages: for _ in 0..MAX_PAGES {
        let url = match &after {
            Some(a) => format!("{path}&after={}", urlencoding(a)),
            None => path.clone(),
        };
        let v = graph.get(ctx, tokens, &url).await?;
        for c in data(graph, &v)? {
            let updated = c
                .get("updated_time")
                .and_then(Value::as_str)
                .and_then(graph_time)
                .ok_or_else(|| graph.invalid("a conversation has no updated_time"))?;
            // Newest conversations first: the rest is older than what is stored.
            if since.is_some_and(|s| updated < s) {
                break 'pages;
            }
            items.extend(conversation_items(graph, c, owner, since)?);
        }
        after = next_after(&v);
        if after.is_none() {
            break;
        }
    }
    Ok(oldest_first(items))
}

fn conversation_items(
    graph: &Graph,
    c: &Value,
    owner: &str,
    since: Option<i64>,
) -> Result<Vec<InboxItem>> {
    let conv = transport::str_field(graph.platform, c, "id")?;
    let msgs = c
        .get("messages")
        .map(|m| data(graph, m))
        .transpose()?
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut read = Vec::new();
    for m in msgs {
        let from = m
            .get("from")
            .ok_or_else(|| graph.invalid("a message has no sender"))?;
        let from_id = transport::str_field(graph.platform, from, "id")?;
        let at = m
            .get("created_time")
            .and_then(Value::as_str)
            .and_then(graph_time)
            .ok_or_else(|| graph.invalid("a message has no created_time"))?;
        if from_id == owner {
            continue;
        }
        let handle = transport::opt_str(from, "username")
            .or_else(|| transport::opt_str(from, "name"))
            .unwrap_or_else(|| from_id.clone());
        read.push(InboxItem {
            id: transport::str_field(graph.platform, m, "id")?,
            kind: InboxKind::DirectMessage,
            author: InboxAuthor {
                id: from_id,
                handle,
                display_name: transport::opt_str(from, "name"),
            },
            text: transport::opt_str(m, "message").unwrap_or_default(),
            url: None,
            in_reply_to: None,
            created_at: at,
            avatar_url: None,
            conversation: Some(conv.clone()),
            subject: None,
            reply_by: None,
        });
    }
    let last = read.iter().map(|i| i.created_at).max();
    for i in &mut read {
        i.reply_by = last.map(|l| l + MESSAGING_WINDOW_S);
    }
    read.retain(|i| since.is_none_or(|s| i.created_at >= s));
    Ok(read)
}

/// Sends a message with `POST /{owner}/messages` (JSON `recipient`, `message.text`, and
/// `messaging_type` where given); a closed window is said plainly.
pub(crate) async fn send_message(
    graph: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    owner: &str,
    recipient: Value,
    messaging_type: Option<&str>,
    text: &str,
) -> Result<Published> {
    let p = graph.platform;
    let mut body = json!({"recipient": recipient, "message": {"text": text}});
    if let Some(t) = messaging_type {
        body["messaging_type"] = json!(t);
    }
    let rb = graph
        .request(ctx, tokens, Method::POST, &format!("/{owner}/messages"))?
        .json(&body);
    let reply = transport::send(ctx.http, p, rb).await?;
    if !reply.ok() {
        if error_codes(&reply) == (10, OUTSIDE_WINDOW) {
            return Err(Error::refused(
                p,
                format!(
                    "{p} no longer accepts an answer here: the 24-hour messaging window after the \
                     person's last message has closed"
                ),
            ));
        }
        return Err(transport::api_error(p, &reply));
    }
    let v = reply.json(p)?;
    Ok(sent(transport::str_field(p, &v, "message_id")?))
}

/// After an ambiguous failure: the account's message with the same text in the conversation
/// (its 25 latest messages). Not there: the send cannot be confirmed, said plainly, and nothing is
/// sent again (a message cannot be taken back).
pub(crate) async fn find_message(
    graph: &Graph,
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    owner: &str,
    platform: &str,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let p = graph.platform;
    let path = format!(
        "/{owner}/conversations?platform={platform}&limit=25&fields=id,messages{{id,message,from,created_time}}"
    );
    for c in all_pages(graph, ctx, tokens, &path).await? {
        if transport::opt_str(&c, "id").as_deref() != Some(r.conversation.as_str()) {
            continue;
        }
        let msgs = c.get("messages").map(|m| data(graph, m)).transpose()?;
        for m in msgs.into_iter().flatten() {
            let mine = m
                .get("from")
                .and_then(|f| transport::opt_str(f, "id"))
                .as_deref()
                == Some(owner);
            if mine && transport::opt_str(m, "message").as_deref() == Some(r.text.trim()) {
                return Ok(Some(sent(transport::str_field(p, m, "id")?)));
            }
        }
    }
    Err(Error::refused(
        p,
        format!(
            "{p} does not show this message in the conversation, so Outpost cannot confirm it was \
             sent and will not send it again on its own; check the conversation in {p}, then write it \
             again if it is missing"
        ),
    ))
}

/// The text sent, trimmed, refused when empty or longer than `max` characters.
pub(crate) fn checked_text(graph: &Graph, text: &str, max: usize, what: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::refused(graph.platform, "the answer is empty"));
    }
    let n = t.chars().count();
    if n > max {
        return Err(Error::refused(
            graph.platform,
            format!("{what} holds at most {max} characters; this one has {n}"),
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_times_parse() {
        assert_eq!(graph_time("1970-01-01T00:01:00+0000"), Some(60));
        assert_eq!(graph_time("1970-01-01T01:01:00+0100"), Some(60));
        assert_eq!(graph_time("1970-01-01T00:01:00Z"), Some(60));
        assert_eq!(graph_time("yesterday"), None);
    }
}
