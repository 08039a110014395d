//! YouTube's inbox: the comment threads on the channel's videos (scope `youtube.force-ssl`; quota
//! in [`super::quota`]).
//!
//! - Reading: `GET https://www.googleapis.com/youtube/v3/commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=<channel>&order=time&maxResults=100&textFormat=plainText&pageToken=`
//!   (1 unit a page), newest thread first. The API has no "since": pages are read until the
//!   thread the cursor names (the newest top-level comment stored: its `publishedAt` and id), at
//!   most [`PAGES_PER_READ`] pages a read; a longer backlog is continued on the next read from the
//!   page token kept in the cursor, down to the same mark, so nothing between is skipped (a kept
//!   token YouTube refuses restarts that read from the newest thread).
//!   `order=time` sorts threads by when they were started: a reply added later to a thread older
//!   than the cursor is not read again.
//! - A thread's replies come with it (up to 5); a thread with more (`totalReplyCount`) has them
//!   read with `GET …/comments?part=snippet&parentId=<thread>&maxResults=100&textFormat=plainText`
//!   (1 unit a page).
//! - Items: the top-level comment is a [`InboxKind::Comment`], each reply a [`InboxKind::Reply`],
//!   all with `in_reply_to` = the video id (one conversation per video) and `subject` = the
//!   video's title, read for the page's videos at once with `videos.list?part=snippet&id=…`
//!   (1 unit). The channel's own comments are left out (they are the answers Outpost sent).
//!   Avatars: `authorProfileImageUrl`.
//! - Replying: `POST …/comments?part=snippet` with `{"snippet":{"parentId","textOriginal"}}`
//!   (50 units), `parentId` the thread's top-level comment (a reply's id is `<thread>.<reply>`).
//!   YouTube takes no idempotency key: after an ambiguous failure the answer is looked up with
//!   `comments.list?parentId=` — the channel's own reply with the same text.

use outpost_net::reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::publish::{google_error, scope_missing};

/// What a grant without `youtube.force-ssl` is told.
const NEEDS_COMMENTS: &str =
    "YouTube comment access was not granted (scope youtube.force-ssl); reconnect the channel";
use super::quota::{self, INSERT, LIST};
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::providers::Ctx;
use crate::publish::Published;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Youtube;
const THREADS: &str = "https://www.googleapis.com/youtube/v3/commentThreads";
const COMMENTS: &str = "https://www.googleapis.com/youtube/v3/comments";
const VIDEOS: &str = "https://www.googleapis.com/youtube/v3/videos";
const CHANNELS: &str = "https://www.googleapis.com/youtube/v3/channels";
/// Pages of 100 threads read per call (the app calls again while the cursor moves).
pub const PAGES_PER_READ: usize = 5;
/// Pages of replies read per thread, at most.
const REPLY_PAGES: usize = 5;
/// `comments.insert` refuses longer text (`commentTextTooLong`).
pub const MAX_COMMENT_CHARS: usize = 10_000;

/// The stored position: the newest top-level comment read, and while a backlog is being read,
/// the page to continue from and the mark to stop at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Cursor {
    /// `publishedAt` (unix s) and id of the newest top-level comment stored.
    t: i64,
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    /// Where the backlog ends (the previous newest); `None`: the oldest thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<(i64, String)>,
}

impl Cursor {
    fn parse(c: Option<&InboxCursor>) -> Result<Option<Cursor>> {
        c.map(|c| {
            serde_json::from_str(&c.0)
                .map_err(|_| Error::Config("the stored YouTube inbox cursor is unreadable".into()))
        })
        .transpose()
    }

    fn to_inbox(&self) -> InboxCursor {
        InboxCursor(serde_json::to_string(self).unwrap_or_default())
    }
}

fn get(ctx: Ctx<'_>, url: &str, query: &[(&str, &str)]) -> Result<url::Url> {
    let mut u = ctx.endpoints.url(P, url)?;
    u.query_pairs_mut().extend_pairs(query);
    Ok(u)
}

/// A GET of the Data API after its units are counted; Google's error shape read on refusal.
async fn list(ctx: Ctx<'_>, tokens: &TokenSet, url: url::Url, what: &str) -> Result<(u16, Value)> {
    quota::spend(ctx, tokens, LIST, what).await?;
    let r = transport::send(
        ctx.http,
        P,
        transport::bearer(ctx.http, Method::GET, url, tokens),
    )
    .await?;
    if r.status == 404 {
        return Ok((404, Value::Null));
    }
    if let Some(e) = scope_missing(&r, NEEDS_COMMENTS) {
        return Err(e);
    }
    if !r.ok() {
        return Err(google_error(&r));
    }
    Ok((r.status, r.json(P)?))
}

fn items(v: &Value, what: &str) -> Result<Vec<Value>> {
    v.get("items")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| transport::invalid(P, format!("the {what} have no `items`")))
}

/// The channel the tokens belong to (`extra.author`, else `channels.list?mine=true`).
pub(super) async fn channel_id(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<String> {
    if let Some(c) = quota::channel_of(tokens) {
        return Ok(c.to_string());
    }
    let url = get(ctx, CHANNELS, &[("part", "id"), ("mine", "true")])?;
    let (_, v) = list(ctx, tokens, url, "reading the channel").await?;
    items(&v, "channels")?
        .first()
        .and_then(|c| transport::opt_str(c, "id"))
        .ok_or_else(|| transport::invalid(P, "the account has no channel"))
}

/// One comment resource as an item (`None`: written by the channel itself).
fn comment(c: &Value, kind: InboxKind, channel: &str) -> Result<Option<InboxItem>> {
    let id = transport::str_field(P, c, "id")?;
    let sn = c
        .get("snippet")
        .ok_or_else(|| transport::invalid(P, "a comment has no snippet"))?;
    let author_id = sn
        .pointer("/authorChannelId/value")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if author_id == channel {
        return Ok(None);
    }
    let created_at = sn
        .get("publishedAt")
        .and_then(Value::as_str)
        .and_then(transport::parse_rfc3339)
        .ok_or_else(|| transport::invalid(P, "a comment has no publishedAt"))?;
    let text = sn
        .get("textDisplay")
        .and_then(Value::as_str)
        .ok_or_else(|| transport::invalid(P, "a comment has no textDisplay"))?;
    let name = transport::opt_str(sn, "authorDisplayName").unwrap_or_default();
    let video = transport::opt_str(sn, "videoId");
    Ok(Some(InboxItem {
        url: video
            .as_ref()
            .map(|v| format!("https://www.youtube.com/watch?v={v}&lc={id}")),
        id,
        kind,
        author: InboxAuthor {
            handle: transport::opt_str(sn, "authorChannelUrl")
                .and_then(|u| u.rsplit('/').next().map(str::to_string))
                .filter(|h| h.starts_with('@'))
                .unwrap_or_else(|| name.clone()),
            id: author_id,
            display_name: Some(name).filter(|n| !n.is_empty()),
        },
        text: text.to_string(),
        in_reply_to: video,
        created_at,
        avatar_url: transport::opt_str(sn, "authorProfileImageUrl"),
        conversation: None,
        subject: None,
        reply_by: None,
    }))
}

/// The top-level comment's (`publishedAt`, id) of a thread.
fn thread_mark(t: &Value) -> Result<(i64, String)> {
    let top = t
        .pointer("/snippet/topLevelComment")
        .ok_or_else(|| transport::invalid(P, "a comment thread has no topLevelComment"))?;
    let at = top
        .pointer("/snippet/publishedAt")
        .and_then(Value::as_str)
        .and_then(transport::parse_rfc3339)
        .ok_or_else(|| transport::invalid(P, "a comment has no publishedAt"))?;
    Ok((at, transport::str_field(P, top, "id")?))
}

/// Whether a thread is at or past the mark the read stops at.
fn reached(mark: &(i64, String), stop: Option<&(i64, String)>) -> bool {
    stop.is_some_and(|s| mark.0 < s.0 || mark.1 == s.1)
}

/// Every reply of a thread: those it carries, or all of them through `comments.list` when it
/// has more.
async fn replies(ctx: Ctx<'_>, tokens: &TokenSet, thread: &Value) -> Result<Vec<Value>> {
    let carried = thread
        .pointer("/replies/comments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total = thread
        .pointer("/snippet/totalReplyCount")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if total as usize <= carried.len() {
        return Ok(carried);
    }
    let parent = transport::str_field(P, thread, "id")?;
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..REPLY_PAGES {
        let mut q = vec![
            ("part", "snippet"),
            ("parentId", parent.as_str()),
            ("maxResults", "100"),
            ("textFormat", "plainText"),
        ];
        if let Some(t) = &token {
            q.push(("pageToken", t));
        }
        let url = get(ctx, COMMENTS, &q)?;
        let (status, v) = list(ctx, tokens, url, "reading replies").await?;
        if status == 404 {
            break; // the thread was deleted meanwhile: what it carried is kept
        }
        out.extend(items(&v, "replies")?);
        token = transport::opt_str(&v, "nextPageToken");
        if token.is_none() {
            break;
        }
    }
    Ok(if out.is_empty() { carried } else { out })
}

/// The titles of `videos` (ids), in one `videos.list` call; a deleted video has none.
async fn titles(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    videos: &[String],
) -> Result<std::collections::HashMap<String, String>> {
    let mut out = std::collections::HashMap::new();
    for chunk in videos.chunks(50) {
        let ids = chunk.join(",");
        let url = get(ctx, VIDEOS, &[("part", "snippet"), ("id", &ids)])?;
        let (_, v) = list(ctx, tokens, url, "reading video titles").await?;
        for item in items(&v, "videos")? {
            if let (Some(id), Some(t)) = (
                transport::opt_str(&item, "id"),
                item.pointer("/snippet/title").and_then(Value::as_str),
            ) {
                out.insert(id, t.to_string());
            }
        }
    }
    Ok(out)
}

pub(super) async fn fetch(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    since: Option<&InboxCursor>,
) -> Result<InboxPage> {
    let channel = channel_id(ctx, tokens).await?;
    let before = Cursor::parse(since)?;
    let (mut token, stop) = match &before {
        Some(c) if c.next.is_some() => (c.next.clone(), c.until.clone()),
        Some(c) => (None, Some((c.t, c.id.clone()))),
        None => (None, None),
    };
    let mut threads = Vec::new();
    let mut done = false;
    for _ in 0..PAGES_PER_READ {
        let mut q = vec![
            ("part", "snippet,replies"),
            ("allThreadsRelatedToChannelId", channel.as_str()),
            ("order", "time"),
            ("maxResults", "100"),
            ("textFormat", "plainText"),
        ];
        if let Some(t) = &token {
            q.push(("pageToken", t));
        }
        let url = get(ctx, THREADS, &q)?;
        let (status, v) = match list(ctx, tokens, url, "reading comments").await {
            // A kept page token YouTube no longer accepts: the backlog is read again from the
            // newest thread down to the same mark (what is stored already is skipped).
            Err(Error::Rejected {
                status: Some(400), ..
            }) if token.take().is_some() => continue,
            r => r?,
        };
        if status == 404 {
            return Err(Error::refused(
                P,
                "YouTube has no comments for this channel (the channel was not found)",
            ));
        }
        for t in items(&v, "comment threads")? {
            let mark = thread_mark(&t)?;
            if reached(&mark, stop.as_ref()) {
                done = true;
                break;
            }
            threads.push((mark, t));
        }
        token = transport::opt_str(&v, "nextPageToken");
        if done || token.is_none() {
            done = true;
            break;
        }
    }
    // The newest stored thread: kept while a backlog is read, else the newest of this read.
    let newest = match &before {
        Some(c) if c.next.is_some() => Some((c.t, c.id.clone())),
        _ => threads
            .first()
            .map(|(m, _)| m.clone())
            .or_else(|| before.as_ref().map(|c| (c.t, c.id.clone()))),
    };
    let mut out = Vec::new();
    let videos: Vec<String> = {
        let mut v: Vec<String> = threads
            .iter()
            .filter_map(|(_, t)| t.pointer("/snippet/videoId").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let names = if videos.is_empty() {
        Default::default()
    } else {
        titles(ctx, tokens, &videos).await?
    };
    for (_, t) in &threads {
        let top = t
            .pointer("/snippet/topLevelComment")
            .ok_or_else(|| transport::invalid(P, "a comment thread has no topLevelComment"))?;
        let mut group = Vec::new();
        group.extend(comment(top, InboxKind::Comment, &channel)?);
        for r in replies(ctx, tokens, t).await? {
            group.extend(comment(&r, InboxKind::Reply, &channel)?);
        }
        for mut item in group {
            item.subject = item
                .in_reply_to
                .as_ref()
                .and_then(|v| names.get(v))
                .cloned();
            out.push(item);
        }
    }
    out.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let cursor = newest.map(|(t, id)| Cursor {
        t,
        id,
        next: if done { None } else { token.clone() },
        until: if done { None } else { stop.clone() },
    });
    let cursor = match (&before, cursor) {
        (Some(b), Some(c)) if *b == c => None,
        (_, c) => c,
    };
    Ok(InboxPage {
        items: out,
        cursor: cursor.map(|c| c.to_inbox()),
    })
}

/// The thread a comment belongs to: a reply's id is `<thread>.<reply>`.
pub fn thread_of(comment_id: &str) -> &str {
    comment_id.split('.').next().unwrap_or(comment_id)
}

fn published(v: &Value) -> Result<Published> {
    let id = transport::str_field(P, v, "id")?;
    let video = v.pointer("/snippet/videoId").and_then(Value::as_str);
    Ok(Published {
        url: video.map(|vid| format!("https://www.youtube.com/watch?v={vid}&lc={id}")),
        thread: vec![id.clone()],
        id,
    })
}

pub(super) async fn reply(ctx: Ctx<'_>, tokens: &TokenSet, r: &InboxReplyTo) -> Result<Published> {
    let text = r.text.trim();
    let n = text.chars().count();
    if text.is_empty() || n > MAX_COMMENT_CHARS {
        return Err(Error::refused(
            P,
            format!("a YouTube comment has 1 to {MAX_COMMENT_CHARS} characters; this one has {n}"),
        ));
    }
    quota::spend(ctx, tokens, INSERT, "a reply").await?;
    let url = get(ctx, COMMENTS, &[("part", "snippet")])?;
    let body = json!({"snippet": {"parentId": thread_of(&r.item_id), "textOriginal": text}});
    let rb = transport::json_body(
        transport::bearer(ctx.http, Method::POST, url, tokens),
        "application/json",
        &body,
    );
    let reply = transport::send(ctx.http, P, rb).await?;
    if reply.status == 404 {
        return Err(Error::Rejected {
            platform: P,
            status: Some(404),
            reason: "the comment you are answering was deleted (or its video was)".into(),
        });
    }
    if let Some(e) = scope_missing(&reply, NEEDS_COMMENTS) {
        return Err(e);
    }
    if !reply.ok() {
        return Err(google_error(&reply));
    }
    published(&reply.json(P)?)
}

pub(super) async fn find_reply(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let channel = channel_id(ctx, tokens).await?;
    let want = r.text.trim();
    let parent = thread_of(&r.item_id);
    let mut token: Option<String> = None;
    for _ in 0..REPLY_PAGES {
        let mut q = vec![
            ("part", "snippet"),
            ("parentId", parent),
            ("maxResults", "100"),
            ("textFormat", "plainText"),
        ];
        if let Some(t) = &token {
            q.push(("pageToken", t));
        }
        let url = get(ctx, COMMENTS, &q)?;
        let (status, v) = list(ctx, tokens, url, "looking a reply up").await?;
        if status == 404 {
            return Ok(None);
        }
        for c in items(&v, "replies")? {
            let sn = &c["snippet"];
            let mine = sn.pointer("/authorChannelId/value").and_then(Value::as_str)
                == Some(channel.as_str());
            let same = [sn.get("textOriginal"), sn.get("textDisplay")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|t| t.trim() == want);
            if mine && same {
                return published(&c).map(Some);
            }
        }
        token = transport::opt_str(&v, "nextPageToken");
        if token.is_none() {
            break;
        }
    }
    Ok(None)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_belongs_to_its_thread() {
        assert_eq!(thread_of("Ugx1.AbC"), "Ugx1");
        assert_eq!(thread_of("Ugx1"), "Ugx1");
    }

    #[test]
    fn the_read_stops_at_the_mark() {
        let stop = (100, "a".to_string());
        assert!(reached(&(99, "b".into()), Some(&stop)));
        assert!(reached(&(100, "a".into()), Some(&stop)));
        assert!(!reached(&(100, "b".into()), Some(&stop)));
        assert!(!reached(&(5, "b".into()), None));
        let c = Cursor {
            t: 1,
            id: "x".into(),
            next: None,
            until: None,
        };
        assert_eq!(Cursor::parse(Some(&c.to_inbox())).unwrap(), Some(c.clone()));
        assert!(Cursor::parse(Some(&InboxCursor("garbage".into()))).is_err());
    }
}
