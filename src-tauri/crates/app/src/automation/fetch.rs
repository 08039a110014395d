//! Fetching and reading a feed: one conditional GET (ETag / Last-Modified) through the core's HTTP
//! client (so every request is in the activity log as `feed`), redirects followed by hand (at most
//! [`MAX_REDIRECTS`], http and https only), a size cap and a time limit; then feed-rs reads RSS 0.x/
//! 1.0/2.0, Atom and JSON Feed.

use std::time::Duration;

use futures_util::StreamExt;
use outpost_net::reqwest::{self, StatusCode, header};

use super::template::ItemValues;
use crate::{Error, Result};

/// The activity log's name for feed requests.
pub const ACTIVITY_PLATFORM: &str = "feed";
/// At most this many redirects are followed.
pub const MAX_REDIRECTS: usize = 5;
/// A feed larger than this is refused.
pub const MAX_FEED_BYTES: usize = 5 * 1024 * 1024;
/// The longest `{{summary}}` (characters; cut at a word with "…").
pub const MAX_SUMMARY_CHARS: usize = 280;

/// What a fetch found.
#[derive(Debug)]
pub enum Fetched {
    /// 304: nothing changed since the validators were given.
    NotModified,
    /// A new body with its validators and the final URL (after redirects).
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
        final_url: String,
    },
}

/// One item as Outpost uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The feed's own id (guid / Atom id / JSON Feed id), if it gave one.
    pub guid: Option<String>,
    pub values: ItemValues,
    pub published_at: Option<i64>,
}

impl Item {
    /// The dedupe key: the guid, else the link, else the title (`None`: nothing identifies it).
    pub fn key(&self) -> Option<String> {
        self.guid
            .clone()
            .or_else(|| self.values.link.clone())
            .or_else(|| self.values.title.clone().map(|t| format!("title:{t}")))
            .filter(|k| !k.trim().is_empty())
    }

    pub fn title_or_link(&self) -> String {
        self.values
            .title
            .clone()
            .or_else(|| self.values.link.clone())
            .unwrap_or_default()
    }
}

/// A parsed feed: its title and items, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub title: String,
    pub items: Vec<Item>,
}

/// Checks that a feed URL is absolute http(s).
pub fn check_url(input: &str) -> Result<url::Url> {
    let u = url::Url::parse(input.trim()).map_err(|_| {
        bad(format!(
            "\"{}\" is not a web address (e.g. https://example.com/feed.xml)",
            input.trim().chars().take(80).collect::<String>()
        ))
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(bad("a feed address must start with http:// or https://"));
    }
    Ok(u)
}

/// GETs the feed with its validators. Errors are sentences for the feed's status line.
pub async fn fetch(
    http: &outpost_net::HttpClient,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    timeout: Duration,
) -> Result<Fetched> {
    match tokio::time::timeout(
        timeout,
        fetch_inner(http, url, etag, last_modified, timeout),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(bad(format!(
            "the feed did not answer within {} seconds",
            timeout.as_secs().max(1)
        ))),
    }
}

async fn fetch_inner(
    http: &outpost_net::HttpClient,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
    timeout: Duration,
) -> Result<Fetched> {
    let mut current = check_url(url)?;
    for _ in 0..=MAX_REDIRECTS {
        let mut req = http
            .reqwest()
            .get(current.clone())
            .timeout(timeout)
            .header(
                header::ACCEPT,
                "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
            );
        if let Some(e) = etag {
            req = req.header(header::IF_NONE_MATCH, e);
        }
        if let Some(m) = last_modified {
            req = req.header(header::IF_MODIFIED_SINCE, m);
        }
        let request = req
            .build()
            .map_err(|_| bad("the feed address cannot be requested"))?;
        let resp = http
            .execute(ACTIVITY_PLATFORM, request)
            .await
            .map_err(|e| match &e {
                outpost_net::Error::Request { kind, .. } if *kind == "timed out" => bad(format!(
                    "the feed did not answer within {} seconds",
                    timeout.as_secs().max(1)
                )),
                _ => bad(e.to_string()),
            })?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if status.is_redirection() {
            let Some(loc) = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
            else {
                return Err(bad(format!(
                    "the server answered {status} without a new address"
                )));
            };
            let next = current
                .join(loc)
                .map_err(|_| bad("the server redirected to an unreadable address"))?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(bad(
                    "the server redirected to an address that is not http(s)",
                ));
            }
            current = next;
            continue;
        }
        if !status.is_success() {
            return Err(bad(format!(
                "the server answered {} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            )
            .trim()));
        }
        let header_str = |h: header::HeaderName| {
            resp.headers()
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let new_etag = header_str(header::ETAG);
        let new_modified = header_str(header::LAST_MODIFIED);
        if resp
            .content_length()
            .is_some_and(|n| n > MAX_FEED_BYTES as u64)
        {
            return Err(too_big());
        }
        let mut bytes = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e: reqwest::Error| {
                if e.is_timeout() {
                    bad(format!(
                        "the feed did not answer within {} seconds",
                        timeout.as_secs().max(1)
                    ))
                } else {
                    bad("the connection broke while the feed was read")
                }
            })?;
            if bytes.len() + chunk.len() > MAX_FEED_BYTES {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Fetched::Body {
            bytes,
            etag: new_etag,
            last_modified: new_modified,
            final_url: current.to_string(),
        });
    }
    Err(bad(format!(
        "the feed redirected more than {MAX_REDIRECTS} times"
    )))
}

/// What went wrong with a feed, as a sentence for its status line.
fn bad(message: impl Into<String>) -> Error {
    Error::InvalidInput(message.into())
}

fn too_big() -> Error {
    bad(format!(
        "the feed is larger than {} MB; Outpost reads feeds up to that size",
        MAX_FEED_BYTES / (1024 * 1024)
    ))
}

/// Reads RSS, Atom or JSON Feed. Items come newest first (by date when every item has one,
/// otherwise in the feed's own order, which is newest first by convention).
pub fn parse(bytes: &[u8], base_url: &str) -> Result<Parsed> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base_url))
        // No made-up ids: an item without its own id is keyed by its link.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(bytes).map_err(|e| {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
        if head.contains("<html") || head.contains("<!doctype html") {
            bad("this address is a web page, not a feed (RSS, Atom or JSON Feed); look for the page's feed link")
        } else {
            bad(format!("this is not a readable feed (RSS, Atom or JSON Feed): {e}"))
        }
    })?;
    let title = feed.title.map(|t| plain(&t.content)).unwrap_or_default();
    let mut items: Vec<Item> = feed
        .entries
        .into_iter()
        .map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| e.links.first())
                .map(|l| l.href.trim().to_string())
                .filter(|l| !l.is_empty());
            let summary = e
                .summary
                .as_ref()
                .map(|s| plain(&s.content))
                .or_else(|| {
                    e.content
                        .as_ref()
                        .and_then(|c| c.body.as_deref())
                        .map(plain)
                })
                .filter(|s| !s.is_empty())
                .map(|s| shorten(&s, MAX_SUMMARY_CHARS));
            let image = image_of(&e);
            Item {
                guid: Some(e.id.trim().to_string()).filter(|g| !g.is_empty()),
                values: ItemValues {
                    title: e.title.map(|t| plain(&t.content)).filter(|t| !t.is_empty()),
                    link,
                    summary,
                    image,
                },
                published_at: e.published.or(e.updated).map(|d| d.timestamp_millis()),
            }
        })
        .collect();
    fill_json_feed_images(bytes, &mut items);
    if !items.is_empty() && items.iter().all(|i| i.published_at.is_some()) {
        items.sort_by_key(|i| std::cmp::Reverse(i.published_at));
    }
    Ok(Parsed { title, items })
}

/// feed-rs does not carry JSON Feed's `image` / `banner_image`: read them by item id.
fn fill_json_feed_images(bytes: &[u8], items: &mut [Item]) {
    #[derive(serde::Deserialize)]
    struct JsonItem {
        id: Option<serde_json::Value>,
        image: Option<String>,
        banner_image: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct JsonFeed {
        items: Vec<JsonItem>,
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return;
    }
    let Ok(feed) = serde_json::from_slice::<JsonFeed>(bytes) else {
        return;
    };
    for j in feed.items {
        let id = match j.id {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        let Some(image) = j.image.or(j.banner_image) else {
            continue;
        };
        if let Some(item) = items
            .iter_mut()
            .find(|i| i.guid.as_deref() == Some(id.trim()) && i.values.image.is_none())
        {
            item.values.image = Some(image);
        }
    }
}

fn image_of(e: &feed_rs::model::Entry) -> Option<String> {
    let is_image_url = |u: &str| {
        let l = u.to_ascii_lowercase();
        [".png", ".jpg", ".jpeg", ".gif", ".webp"]
            .iter()
            .any(|x| l.split('?').next().unwrap_or("").ends_with(x))
    };
    for m in &e.media {
        for c in &m.content {
            if let Some(u) = &c.url {
                let typed = c
                    .content_type
                    .as_ref()
                    .is_some_and(|t| t.to_string().starts_with("image/"));
                if typed || is_image_url(u.as_str()) {
                    return Some(u.to_string());
                }
            }
        }
        if let Some(t) = m.thumbnails.first() {
            return Some(t.image.uri.clone());
        }
    }
    e.links
        .iter()
        .find(|l| {
            l.media_type
                .as_deref()
                .is_some_and(|t| t.starts_with("image/"))
                || (l.rel.as_deref() == Some("enclosure") && is_image_url(&l.href))
        })
        .map(|l| l.href.clone())
}

/// Text without HTML tags and entities, whitespace collapsed.
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    let out = decode_entities(&out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the HTML entities summaries carry: the common named ones and numeric `&#8217;` /
/// `&#x2019;`. Anything else is left as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "hellip" => Some('…'),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "rdquo" => Some('”'),
                "ldquo" => Some('“'),
                _ => {
                    let n = name.strip_prefix('#').and_then(|d| {
                        match d.strip_prefix('x').or_else(|| d.strip_prefix('X')) {
                            Some(h) => u32::from_str_radix(h, 16).ok(),
                            None => d.parse::<u32>().ok(),
                        }
                    });
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// At most `max` characters, cut at a word boundary with "…".
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text_and_long_text_is_cut() {
        assert_eq!(plain("<p>Fish &amp; <b>chips</b></p>"), "Fish & chips");
        assert_eq!(
            plain("It&#8217;s &#x2014; &hellip; &bogus; AT&T"),
            "It’s — … &bogus; AT&T"
        );
        let s = shorten(&"word ".repeat(100), 20);
        assert!(s.chars().count() <= 20 && s.ends_with('…'), "{s}");
    }

    #[test]
    fn urls_must_be_http() {
        assert!(check_url("ftp://x.example/feed").is_err());
        assert!(check_url("not a url").is_err());
        assert!(check_url("https://x.example/feed").is_ok());
    }
}
