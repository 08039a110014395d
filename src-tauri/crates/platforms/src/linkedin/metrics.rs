//! LinkedIn's counters (Community Management API, versioned REST with `LinkedIn-Version` and
//! Rest.li 2.0; LinkedIn keeps organization statistics for 12 months, rolling):
//!
//! | metric      | endpoint                                                        | field                    |
//! |-------------|-----------------------------------------------------------------|--------------------------|
//! | impressions | `GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org}&shares=List({urn})` (`ugcPosts=List(…)` for a ugcPost) | `totalShareStatistics.impressionCount` |
//! | reach       | same                                                            | `uniqueImpressionsCount` |
//! | link_clicks | same                                                            | `clickCount`             |
//! | likes       | same                                                            | `likeCount`              |
//! | replies     | same                                                            | `commentCount`           |
//! | reposts     | same                                                            | `shareCount`             |
//! | followers   | `GET /rest/networkSizes/{org}?edgeType=COMPANY_FOLLOWED_BY_MEMBER` | `firstDegreeSize`     |
//!
//! Scope `rw_organization_admin` (asked when the app has the Community Management API), the member an
//! administrator of the organization. **Member posts**: LinkedIn gives a member's post statistics
//! only through member analytics (`r_member_postAnalytics`), which Outpost does not ask for — a
//! member channel's metrics answer [`Error::Unsupported`] saying so. A post missing from the
//! statistics' answer (deleted, or no longer the organization's) is [`PostMetrics::deleted`].

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::publish::{encode_urn, rest_json};
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::{Error, Result};
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Linkedin;

/// The organization URN of an organization channel; a member channel is refused plainly.
fn organization(tokens: &TokenSet, what: &'static str) -> Result<String> {
    match tokens.extra("author") {
        Some(a) if a.starts_with("urn:li:organization:") => Ok(a.to_string()),
        Some(a) if a.starts_with("urn:li:person:") => Err(Error::Unsupported {
            platform: P,
            what,
        }),
        _ => Err(Error::Config(
            "LinkedIn: the channel has no author (urn:li:person or urn:li:organization); reconnect it"
                .into(),
        )),
    }
}

/// A 403 on a read: the grant lacks `rw_organization_admin` / `r_organization_social`, or the member no longer administers
/// the page: connecting again (as an administrator) is the fix.
pub(super) fn reauth_on_403(e: Error) -> Error {
    match e {
        Error::Rejected {
            status: Some(403),
            reason,
            ..
        } => Error::NeedsReauth {
            platform: P,
            reason: format!(
                "reading the page's statistics and comments needs rw_organization_admin and r_organization_social as its administrator ({reason}); connect the channel again"
            ),
        },
        e => e,
    }
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    let org = organization(
        tokens,
        "statistics of a member's posts to apps like Outpost (organization pages' posts have them; member post analytics need r_member_postAnalytics, which Outpost does not ask for)",
    )?;
    let key = if post.id.starts_with("urn:li:ugcPost:") {
        "ugcPosts"
    } else {
        "shares"
    };
    let at = transport::now_s();
    let v = rest_json(
        ctx,
        tokens,
        Method::GET,
        &format!(
            "/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={}&{key}=List({})",
            encode_urn(&org),
            encode_urn(&post.id)
        ),
        None,
    )
    .await
    .map_err(reauth_on_403)?;
    let elements = v
        .get("elements")
        .and_then(Value::as_array)
        .ok_or_else(|| transport::invalid(P, "the statistics have no elements"))?;
    let field = if key == "shares" { "share" } else { "ugcPost" };
    let Some(s) = elements
        .iter()
        .find(|e| e.get(field).and_then(Value::as_str) == Some(post.id.as_str()))
        .and_then(|e| e.get("totalShareStatistics"))
    else {
        return Ok(PostMetrics::gone(&post.id, at));
    };
    if count(s, "impressionCount").is_none() {
        return Err(transport::invalid(
            P,
            "the statistics have no impressionCount",
        ));
    }
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        impressions: count(s, "impressionCount"),
        reach: count(s, "uniqueImpressionsCount"),
        link_clicks: count(s, "clickCount"),
        likes: count(s, "likeCount"),
        replies: count(s, "commentCount"),
        reposts: count(s, "shareCount"),
        ..PostMetrics::default()
    })
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let org = organization(
        tokens,
        "follower counts of member profiles to apps (organization pages have them)",
    )?;
    let v = rest_json(
        ctx,
        tokens,
        Method::GET,
        &format!(
            "/rest/networkSizes/{}?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
            encode_urn(&org)
        ),
        None,
    )
    .await
    .map_err(reauth_on_403)?;
    let followers = count(&v, "firstDegreeSize")
        .ok_or_else(|| transport::invalid(P, "the network size has no firstDegreeSize"))?;
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: Some(followers),
        ..AccountMetrics::default()
    })
}
