//! LinkedIn's inbox: comments on the organization page's posts (Community Management API, versioned
//! REST, Rest.li 2.0), one source `comments`:
//!
//! - The page's latest [`POSTS`] posts: `GET /rest/posts?q=author&author={org}&count=…`, then each
//!   post's top-level comments `GET /rest/socialActions/{post}/comments?start&count=100` (oldest first,
//!   at most [`PAGES`] pages a post) — scope `r_organization_social`, asked with the organization
//!   scopes (the app needs the Community Management API). The page's own comments are left out.
//!   **[decision]** replies under comments and comments on older posts are not read.
//! - The cursor is the newest comment's `created.time` (unix ms) read so far; a comment of that same
//!   millisecond comes again and the app skips what it stored.
//! - **Member profiles**: reading comments on a member's posts needs `r_member_social`, which LinkedIn
//!   grants to approved partners only: a member channel answers [`Error::Unsupported`] saying so.
//!
//! Reply: a nested comment as the page, `POST /rest/socialActions/{comment}/comments` with `actor`
//! = the page, `object` = the post, `parentComment` = the comment (scope `w_organization_social`),
//! at most 1,250 characters, plain text. LinkedIn takes no idempotency key: after an ambiguous
//! failure the reply is found among the comment's replies (`GET /rest/socialActions/{comment}/comments`):
//! the page as actor and the same text. LinkedIn keeps no read state and no reply window.

use outpost_net::reqwest::Method;
use serde_json::{Value, json};

use super::publish::{encode_urn, rest_json};
use crate::capability::{InboxAuthor, InboxCursor, InboxItem, InboxKind, InboxPage, InboxReplyTo};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport::{self, opt_str};

const P: Platform = Platform::Linkedin;
/// The page's latest posts whose comments are read.
pub const POSTS: usize = 20;
/// Pages of 100 comments read per post.
pub const PAGES: usize = 5;
/// A comment's length limit.
pub const MAX_COMMENT: usize = 1250;
pub const SOURCES: &[&str] = &["comments"];

fn organization(tokens: &TokenSet) -> Result<String> {
    match tokens.extra("author") {
        Some(a) if a.starts_with("urn:li:organization:") => Ok(a.to_string()),
        Some(a) if a.starts_with("urn:li:person:") => Err(Error::Unsupported {
            platform: P,
            what: "comments on member posts to apps like Outpost (reading them needs r_member_social, which LinkedIn grants to approved partners only); organization pages' comments are read",
        }),
        _ => Err(Error::Config(
            "LinkedIn: the channel has no author (urn:li:person or urn:li:organization); reconnect it"
                .into(),
        )),
    }
}

fn elements(v: &Value) -> Result<&Vec<Value>> {
    v.get("elements")
        .and_then(Value::as_array)
        .ok_or_else(|| transport::invalid(P, "a list has no elements"))
}

fn comment_urn(c: &Value) -> Option<String> {
    opt_str(c, "$URN")
        .or_else(|| opt_str(c, "commentUrn"))
        .filter(|u| u.starts_with("urn:li:comment:"))
}

fn text_of(c: &Value) -> String {
    c.get("message")
        .and_then(|m| opt_str(m, "text"))
        .unwrap_or_default()
}

fn created_ms(c: &Value) -> Option<i64> {
    c.get("created")
        .and_then(|x| x.get("time"))
        .and_then(Value::as_i64)
}

/// Little text as written (reserved characters unescaped).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) async fn fetch(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    source: &str,
    since: Option<&InboxCursor>,
) -> Result<InboxPage> {
    if source != "comments" {
        return Err(Error::Config(format!("{P} has no inbox source {source:?}")));
    }
    let org = organization(tokens)?;
    let since = crate::timed::since(P, since)?;
    let posts = rest_json(
        ctx,
        tokens,
        Method::GET,
        &format!(
            "/rest/posts?q=author&author={}&count={POSTS}",
            encode_urn(&org)
        ),
        None,
    )
    .await
    .map_err(super::metrics::reauth_on_403)?;
    let mut items = Vec::new();
    for post in elements(&posts)? {
        let id = opt_str(post, "id").ok_or_else(|| transport::invalid(P, "a post has no id"))?;
        let subject = opt_str(post, "commentary").map(|c| unescape(&c));
        for page in 0..PAGES {
            let v = rest_json(
                ctx,
                tokens,
                Method::GET,
                &format!(
                    "/rest/socialActions/{}/comments?start={}&count=100",
                    encode_urn(&id),
                    page * 100
                ),
                None,
            )
            .await
            .map_err(super::metrics::reauth_on_403)?;
            let list = elements(&v)?;
            for c in list {
                let at = created_ms(c)
                    .ok_or_else(|| transport::invalid(P, "a comment has no created time"))?;
                let actor = opt_str(c, "actor")
                    .ok_or_else(|| transport::invalid(P, "a comment has no actor"))?;
                if actor == org || since.is_some_and(|s| at < s) {
                    continue;
                }
                let urn =
                    comment_urn(c).ok_or_else(|| transport::invalid(P, "a comment has no URN"))?;
                items.push((
                    at,
                    InboxItem {
                        id: urn,
                        kind: InboxKind::Comment,
                        author: InboxAuthor {
                            id: actor.clone(),
                            handle: actor,
                            display_name: None,
                        },
                        text: text_of(c),
                        url: None,
                        in_reply_to: Some(id.clone()),
                        created_at: at / 1000,
                        avatar_url: None,
                        conversation: None,
                        subject: subject.clone().filter(|s| !s.is_empty()),
                        reply_by: None,
                    },
                ));
            }
            let total = v
                .get("paging")
                .and_then(|p| p.get("total"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if list.len() < 100 || (page as u64 + 1) * 100 >= total {
                break;
            }
        }
    }
    Ok(crate::timed::page(items, since))
}

/// The post a comment URN (`urn:li:comment:(urn:li:activity:…,id)`) belongs to.
fn post_of(comment: &str) -> Option<&str> {
    comment
        .strip_prefix("urn:li:comment:(")?
        .rsplit_once(',')
        .map(|(post, _)| post)
}

pub(super) async fn reply(ctx: Ctx<'_>, tokens: &TokenSet, r: &InboxReplyTo) -> Result<Published> {
    let org = organization(tokens)?;
    let text = r.text.trim();
    let n = text.chars().count();
    if n > MAX_COMMENT {
        return Err(Error::refused(
            P,
            format!("a LinkedIn comment has at most {MAX_COMMENT} characters; this reply has {n}"),
        ));
    }
    let post = post_of(&r.item_id)
        .map(str::to_string)
        .unwrap_or_else(|| r.conversation.clone());
    let body = json!({
        "actor": org,
        "object": post,
        "message": { "text": text },
        "parentComment": r.item_id,
    });
    let v = rest_json(
        ctx,
        tokens,
        Method::POST,
        &format!("/rest/socialActions/{}/comments", encode_urn(&r.item_id)),
        Some(body),
    )
    .await
    .map_err(|e| match e {
        Error::Rejected {
            status: Some(404), ..
        } => Error::refused(
            P,
            "the comment you are answering was deleted (or is no longer visible to this page)",
        ),
        e => e,
    })?;
    let id = comment_urn(&v).ok_or_else(|| transport::invalid(P, "the reply has no URN"))?;
    Ok(Published {
        url: None,
        thread: vec![id.clone()],
        id,
    })
}

pub(super) async fn find_reply(
    ctx: Ctx<'_>,
    tokens: &TokenSet,
    r: &InboxReplyTo,
) -> Result<Option<Published>> {
    let org = organization(tokens)?;
    let v = rest_json(
        ctx,
        tokens,
        Method::GET,
        &format!(
            "/rest/socialActions/{}/comments?count=100",
            encode_urn(&r.item_id)
        ),
        None,
    )
    .await?;
    let want = r.text.split_whitespace().collect::<Vec<_>>().join(" ");
    for c in elements(&v)? {
        let mine = opt_str(c, "actor").as_deref() == Some(org.as_str());
        let same = text_of(c).split_whitespace().collect::<Vec<_>>().join(" ") == want;
        if mine
            && same
            && let Some(id) = comment_urn(c)
        {
            return Ok(Some(Published {
                url: None,
                thread: vec![id.clone()],
                id,
            }));
        }
    }
    Ok(None)
}
