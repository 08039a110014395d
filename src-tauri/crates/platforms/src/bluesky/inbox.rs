//! Bluesky's inbox: the account's notifications that carry a post to answer — `reply`, `mention`
//! and `quote` — from `app.bsky.notification.listNotifications` (`reasons=reply&reasons=mention&
//! reasons=quote`, `limit` ≤ 100, paged newest first with `cursor`), called on the user's PDS,
//! which proxies `app.bsky.*` to its AppView. App passwords may read them (no extra scope).
//!
//! The stored cursor is the newest `indexedAt` read. A sync pages newest first until it reaches
//! that time (at most [`MAX_PAGES`] pages: a first sync starts from the newest
//! `MAX_PAGES × PAGE` notifications) and hands the items back oldest first; items at exactly the
//! stored time are sent again and skipped by the caller as duplicates, so two notifications
//! indexed in the same millisecond are never lost.
//!
//! Context: every item's `in_reply_to` is the account's own post it answers (a reply's
//! `reasonSubject`, the quoted post of a quote, the parent of a mention written as a reply to the
//! account) and `subject` that post's text, read in batches of 25 with `app.bsky.feed.getPosts`
//! (a deleted post is simply absent: no subject). `avatar_url` is the author's profile picture
//! from the notification's `author` view.
//!
//! Replies: `com.atproto.repo.createRecord` of an `app.bsky.feed.post` with `reply {root, parent}`
//! (strong refs of the answered post and its thread's root, read with `getPosts`), under a record
//! key derived from the reply's idempotency key ([`reply_record_key`]). The key is looked up
//! first, and a create under a key that exists fails and is then found: a retried reply is never a
//! second post. 300 graphemes / 3000 bytes, like a post. Mark read: `app.bsky.notification.updateSeen`.
//!
//! Direct messages (`chat.bsky.convo.*`) are not read: the chat service is not open source and has
//! no reference implementation to test against.

use serde_json::{Value, json};

use super::publish::{COLLECTION, Created, Session, now_ms, post_url, record_key};
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::limits::{Limits, refuse_by_part};
use crate::platform::Platform;
use crate::publish::{Post, PostPart, Published};
use crate::transport::{self, Phase, opt_str, str_field};

const P: Platform = Platform::Bluesky;
/// Notifications per page (the lexicon's maximum is 100).
const PAGE: &str = "50";
/// Pages read per sync at most.
pub const MAX_PAGES: usize = 20;
/// `app.bsky.feed.getPosts` takes at most 25 URIs.
const POSTS_PER_CALL: usize = 25;

/// Microseconds of an RFC 3339 time, for ordering `indexedAt`s.
fn micros(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.timestamp_micros())
}

/// The record key of the answer with idempotency key `key`: a TID of its own domain, so it never
/// meets a post's.
pub fn reply_record_key(key: &str) -> String {
    record_key(&format!("inbox-reply:{key}"), 0)
}

/// `at://did/collection/rkey` → its DID and record key.
fn uri_parts(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("at://")?;
    let mut it = rest.split('/');
    let did = it.next()?;
    let _collection = it.next()?;
    let rkey = it.next()?;
    Some((did, rkey))
}

fn web_url(author: &str, uri: &str) -> Option<String> {
    uri_parts(uri).map(|(_, rkey)| post_url(author, rkey))
}

/// One read notification: its `indexedAt` (µs and as sent) and the item.
struct Read {
    at: i64,
    indexed_at: String,
    item: InboxItem,
}

fn notification(n: &Value, own_did: &str) -> Result<Option<Read>> {
    let missing = |what: &str| transport::invalid(P, format!("a notification has no {what}"));
    let reason = str_field(P, n, "reason")?;
    let kind = match reason.as_str() {
        "reply" => InboxKind::Reply,
        "mention" => InboxKind::Mention,
        "quote" => InboxKind::Quote,
        // likes, reposts, follows…: nothing to answer
        _ => return Ok(None),
    };
    let uri = str_field(P, n, "uri")?;
    let indexed_at = str_field(P, n, "indexedAt")?;
    let at = micros(&indexed_at).ok_or_else(|| missing("valid indexedAt"))?;
    let author = n.get("author").ok_or_else(|| missing("author"))?;
    let record = n.get("record").ok_or_else(|| missing("record"))?;
    let author_did = str_field(P, author, "did")?;
    let handle = str_field(P, author, "handle")?;
    let text = record
        .get("text")
        .and_then(Value::as_str)
        .ok_or_else(|| missing("text"))?
        .to_string();
    let parent = record
        .pointer("/reply/parent/uri")
        .and_then(Value::as_str)
        .map(str::to_string);
    let own = |u: &String| uri_parts(u).is_some_and(|(d, _)| d == own_did);
    let in_reply_to = match kind {
        InboxKind::Reply | InboxKind::Quote => opt_str(n, "reasonSubject").or(parent),
        _ => parent,
    }
    .filter(own);
    let created_at = record
        .get("createdAt")
        .and_then(Value::as_str)
        .and_then(transport::parse_rfc3339)
        .unwrap_or(at / 1_000_000);
    Ok(Some(Read {
        at,
        indexed_at,
        item: InboxItem {
            url: web_url(&handle, &uri),
            id: uri,
            kind,
            author: InboxAuthor {
                id: author_did,
                handle,
                display_name: opt_str(author, "displayName").filter(|s| !s.is_empty()),
            },
            text,
            in_reply_to,
            created_at,
            avatar_url: opt_str(author, "avatar"),
            conversation: None,
            subject: None,
            reply_by: None,
        },
    }))
}

impl Session<'_> {
    /// The post views of `uris` that exist, by URI (`app.bsky.feed.getPosts`, 25 a call).
    pub(super) async fn posts(
        &self,
        uris: &[String],
    ) -> Result<std::collections::HashMap<String, Value>> {
        let mut out = std::collections::HashMap::new();
        for chunk in uris.chunks(POSTS_PER_CALL) {
            let query: Vec<(&str, &str)> = chunk.iter().map(|u| ("uris", u.as_str())).collect();
            let rb = self.get("app.bsky.feed.getPosts", &query)?;
            let v = transport::send_json(self.ctx.http, P, Phase::Api, rb).await?;
            let list = v
                .get("posts")
                .and_then(Value::as_array)
                .ok_or_else(|| transport::invalid(P, "`posts` is missing"))?;
            for p in list {
                out.insert(str_field(P, p, "uri")?, p.clone());
            }
        }
        Ok(out)
    }

    /// One page of notifications, newest first, and the cursor of the next.
    async fn notifications(&self, cursor: Option<&str>) -> Result<(Vec<Value>, Option<String>)> {
        let mut query = vec![
            ("limit", PAGE),
            ("reasons", "reply"),
            ("reasons", "mention"),
            ("reasons", "quote"),
        ];
        if let Some(c) = cursor {
            query.push(("cursor", c));
        }
        let rb = self.get("app.bsky.notification.listNotifications", &query)?;
        let v = transport::send_json(self.ctx.http, P, Phase::Api, rb).await?;
        let list = v
            .get("notifications")
            .and_then(Value::as_array)
            .ok_or_else(|| transport::invalid(P, "`notifications` is missing"))?
            .clone();
        Ok((list, opt_str(&v, "cursor")))
    }
}

pub(super) async fn fetch(s: &Session<'_>, since: Option<&InboxCursor>) -> Result<InboxPage> {
    let since_at = match since {
        Some(c) => Some(
            micros(&c.0)
                .ok_or_else(|| Error::Config(format!("bad Bluesky inbox cursor {:?}", c.0)))?,
        ),
        None => None,
    };
    let mut read: Vec<Read> = Vec::new();
    let mut page_cursor: Option<String> = None;
    'pages: for _ in 0..MAX_PAGES {
        let (list, next) = s.notifications(page_cursor.as_deref()).await?;
        for n in &list {
            let Some(r) = notification(n, &s.did)? else {
                continue;
            };
            if since_at.is_some_and(|t| r.at < t) {
                break 'pages;
            }
            read.push(r);
        }
        match next {
            Some(c) if !list.is_empty() => page_cursor = Some(c),
            _ => break,
        }
    }
    read.sort_by_key(|r| r.at);
    read.dedup_by(|a, b| a.item.id == b.item.id);
    let cursor = read.last().map(|r| InboxCursor(r.indexed_at.clone()));
    // The thread context: the text of the account's own posts the items answer.
    let mut wanted: Vec<String> = read
        .iter()
        .filter_map(|r| r.item.in_reply_to.clone())
        .collect();
    wanted.sort();
    wanted.dedup();
    if !wanted.is_empty() {
        let found = s.posts(&wanted).await?;
        for r in &mut read {
            if let Some(p) = r.item.in_reply_to.as_ref().and_then(|u| found.get(u)) {
                r.item.subject = p
                    .pointer("/record/text")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
        }
    }
    Ok(InboxPage {
        items: read.into_iter().map(|r| r.item).collect(),
        cursor,
    })
}

fn published(s: &Session<'_>, c: &Created) -> Published {
    Published {
        id: c.uri.clone(),
        url: web_url(&s.did, &c.uri),
        thread: vec![c.uri.clone()],
    }
}

pub(super) async fn reply(s: &Session<'_>, limits: &Limits, r: &InboxReplyTo) -> Result<Published> {
    let text = r.text.trim();
    let post = Post {
        key: r.key.clone(),
        parts: vec![PostPart {
            text: text.to_string(),
            media: vec![],
        }],
        ..Post::default()
    };
    refuse_by_part(P, &post, &limits.check(&post))?;
    let rkey = reply_record_key(&r.key);
    if let Some(found) = s.get_record(&rkey).await? {
        return Ok(published(s, &found));
    }
    let found = s.posts(std::slice::from_ref(&r.item_id)).await?;
    let Some(parent) = found.get(&r.item_id) else {
        return Err(Error::refused(
            P,
            "the post you are answering was deleted (or is no longer visible to this account)",
        ));
    };
    let parent_ref = json!({"uri": r.item_id, "cid": str_field(P, parent, "cid")?});
    let root_ref = match parent.pointer("/record/reply/root") {
        Some(root) => json!({
            "uri": str_field(P, root, "uri")?,
            "cid": str_field(P, root, "cid")?,
        }),
        None => parent_ref.clone(),
    };
    let mut record = json!({
        "$type": COLLECTION,
        "text": text,
        "createdAt": transport::rfc3339_ms(now_ms()),
        "reply": {"root": root_ref, "parent": parent_ref},
    });
    if let Some(langs) = parent.pointer("/record/langs").filter(|l| l.is_array()) {
        record["langs"] = langs.clone();
    }
    let facets = s.facets(text).await?;
    if !facets.is_empty() {
        record["facets"] = Value::Array(facets);
    }
    let created = s.create(&rkey, &record).await?;
    Ok(published(s, &created))
}

pub(super) async fn find_reply(s: &Session<'_>, r: &InboxReplyTo) -> Result<Option<Published>> {
    Ok(s.get_record(&reply_record_key(&r.key))
        .await?
        .map(|c| published(s, &c)))
}

pub(super) async fn mark_read(s: &Session<'_>, up_to: &InboxCursor) -> Result<()> {
    if micros(&up_to.0).is_none() {
        return Err(Error::Config(format!(
            "bad Bluesky inbox cursor {:?}",
            up_to.0
        )));
    }
    let rb = s
        .post("app.bsky.notification.updateSeen")?
        .json(&json!({"seenAt": up_to.0}));
    let reply = transport::send(s.ctx.http, P, rb).await?;
    if reply.ok() {
        Ok(())
    } else {
        Err(transport::api_error(P, &reply))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reply_keys_differ_from_post_keys() {
        assert_eq!(reply_record_key("k"), reply_record_key("k"));
        assert_ne!(reply_record_key("k"), record_key("k", 0));
        assert_eq!(reply_record_key("k").len(), 13);
    }

    #[test]
    fn reads_a_reply_notification() {
        let n = json!({
            "uri": "at://did:plc:bob/app.bsky.feed.post/3b",
            "cid": "bafy",
            "reason": "reply",
            "reasonSubject": "at://did:plc:me/app.bsky.feed.post/3a",
            "indexedAt": "2026-12-07T02:56:24.123Z",
            "isRead": false,
            "author": {"did": "did:plc:bob", "handle": "bob.test", "avatar": "https://cdn/a.jpg"},
            "record": {"text": "nice", "createdAt": "2026-12-07T02:56:24.000Z",
                "reply": {"root": {"uri": "at://did:plc:me/app.bsky.feed.post/3a", "cid": "c"},
                          "parent": {"uri": "at://did:plc:me/app.bsky.feed.post/3a", "cid": "c"}}}
        });
        let r = notification(&n, "did:plc:me").unwrap().unwrap();
        assert_eq!(r.item.kind, InboxKind::Reply);
        assert_eq!(
            r.item.in_reply_to.as_deref(),
            Some("at://did:plc:me/app.bsky.feed.post/3a")
        );
        assert_eq!(r.item.avatar_url.as_deref(), Some("https://cdn/a.jpg"));
        assert_eq!(
            r.item.url.as_deref(),
            Some("https://bsky.app/profile/bob.test/post/3b")
        );
        assert_eq!(r.at, 1_796_612_184_123_000);
        // a like is nothing to answer; a notification without its record is malformed
        let mut like = n.clone();
        like["reason"] = json!("like");
        assert!(notification(&like, "did:plc:me").unwrap().is_none());
        let mut broken = n;
        broken.as_object_mut().unwrap().remove("record");
        assert!(notification(&broken, "did:plc:me").is_err());
    }
}
