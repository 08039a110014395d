//! The user's Mastodon server: its address, its API URLs, authorised requests, and the plain text
//! of the HTML it sends. Shared by publishing and the inbox.

use outpost_net::reqwest::{self, Method};
use url::Url;

use crate::error::{Error, Result};
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

pub(crate) fn origin(ctx: Ctx<'_>) -> Result<Url> {
    ctx.app
        .instance_url
        .clone()
        .ok_or_else(|| Error::Config("Mastodon needs the server address".into()))
}

pub(crate) fn api(origin: &Url, path: &str) -> Result<Url> {
    origin
        .join(path)
        .map_err(|_| Error::Config("bad server URL".into()))
}

pub(crate) fn authed(
    ctx: Ctx<'_>,
    method: Method,
    url: Url,
    tokens: &TokenSet,
) -> reqwest::RequestBuilder {
    transport::bearer(ctx.http, method, url, tokens)
}

/// The account's 40 most recent statuses, newest first (the look-up after an ambiguous failure).
pub(crate) async fn recent_own_statuses(
    ctx: Ctx<'_>,
    origin: &Url,
    tokens: &TokenSet,
) -> Result<Vec<serde_json::Value>> {
    let me = transport::send_json(
        ctx.http,
        crate::Platform::Mastodon,
        transport::Phase::Api,
        authed(
            ctx,
            Method::GET,
            api(origin, "/api/v1/accounts/verify_credentials")?,
            tokens,
        ),
    )
    .await?;
    let account = transport::str_field(crate::Platform::Mastodon, &me, "id")?;
    let mut url = api(origin, "/api/v1/accounts")?;
    url.path_segments_mut()
        .map_err(|_| Error::Config("bad server URL".into()))?
        .push(&account)
        .push("statuses");
    url.query_pairs_mut().append_pair("limit", "40");
    let v = transport::send_json(
        ctx.http,
        crate::Platform::Mastodon,
        transport::Phase::Api,
        authed(ctx, Method::GET, url, tokens),
    )
    .await?;
    match v {
        serde_json::Value::Array(list) => Ok(list),
        _ => Err(Error::InvalidResponse {
            platform: crate::Platform::Mastodon,
            what: "the statuses are not a list".into(),
        }),
    }
}

/// Text with whitespace runs collapsed to one space.
pub(crate) fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a status's HTML content: tags removed (`<br>` and paragraph ends become spaces),
/// the common entities decoded, whitespace collapsed.
pub(crate) fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].to_ascii_lowercase();
        if tag.starts_with("br") || tag.starts_with("/p") {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    normalise(&decoded)
}
