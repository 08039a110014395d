//! YouTube's counters, per metric:
//!
//! | metric           | endpoint                                                      | field                     | scope | delay |
//! |------------------|---------------------------------------------------------------|---------------------------|-------|-------|
//! | views            | `GET youtube/v3/videos?part=statistics&id=` (1 unit)          | `viewCount`               | `youtube.readonly` | live |
//! | likes            | same                                                          | `likeCount` (absent when hidden) | same | live |
//! | replies          | same                                                          | `commentCount`            | same  | live  |
//! | watch_minutes    | `GET youtubeanalytics.googleapis.com/v2/reports`              | `estimatedMinutesWatched` | `yt-analytics.readonly` | 2–3 days |
//! | avg_view_seconds | same                                                          | `averageViewDuration`     | same  | 2–3 days |
//! | reposts          | same                                                          | `shares`                  | same  | 2–3 days |
//! | followers, posts | `GET youtube/v3/channels?part=statistics&mine=true` (1 unit)  | `subscriberCount` (None when `hiddenSubscriberCount`), `videoCount` | `youtube.readonly` | live |
//!
//! The Analytics report is `ids=channel==MINE&dimensions=video&filters=video==<id>` from the
//! video's first possible day to today (Pacific), so its figures are lifetime totals that lag the
//! live counters by two to three days; a video with no analytics yet has no row (left `None`).
//! `favoriteCount` is always 0 (deprecated) and ignored. A video `videos.list` no longer returns
//! was deleted (or made private by someone else): [`PostMetrics::deleted`]. The Analytics API has
//! its own quota (not counted in Data API units); its host is mapped by the same
//! `OUTPOST_ENDPOINT_YOUTUBE` override as the others.

use outpost_net::reqwest::Method;
use serde_json::Value;

use super::publish::{google_error, scope_missing};
use super::quota::{self, LIST};
use crate::capability::{AccountMetrics, PostMetrics};
use crate::error::Result;
use crate::platform::Platform;
use crate::post::Published;
use crate::providers::Ctx;
use crate::tokens::TokenSet;
use crate::transport;

const P: Platform = Platform::Youtube;
const VIDEOS: &str = "https://www.googleapis.com/youtube/v3/videos";
const CHANNELS: &str = "https://www.googleapis.com/youtube/v3/channels";
const REPORTS: &str = "https://youtubeanalytics.googleapis.com/v2/reports";
/// The Analytics metrics read per video, in this order.
const ANALYTICS: &str = "estimatedMinutesWatched,averageViewDuration,views,likes,shares";
/// The first day anything can have been watched on YouTube (the report's start).
const FIRST_DAY: &str = "2005-04-23";

/// A count: Google sends unsigned 64-bit numbers as strings (Analytics: JSON numbers).
fn count(v: Option<&Value>) -> Option<u64> {
    let v = v?;
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64))
        .or_else(|| v.as_str()?.parse().ok())
}

async fn get_json(ctx: Ctx<'_>, tokens: &TokenSet, url: url::Url) -> Result<Value> {
    let r = transport::send(
        ctx.http,
        P,
        transport::bearer(ctx.http, Method::GET, url, tokens),
    )
    .await?;
    if !r.ok() {
        return Err(google_error(&r));
    }
    r.json(P)
}

pub(super) async fn post(ctx: Ctx<'_>, tokens: &TokenSet, post: &Published) -> Result<PostMetrics> {
    let at = transport::now_s();
    let mut url = ctx.endpoints.url(P, VIDEOS)?;
    url.query_pairs_mut()
        .append_pair("part", "statistics")
        .append_pair("id", &post.id);
    quota::spend(ctx, tokens, LIST, "reading a video's counters").await?;
    let v = get_json(ctx, tokens, url).await?;
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| transport::invalid(P, "the video list has no `items`"))?;
    let Some(video) = items.iter().find(|i| i["id"].as_str() == Some(&post.id)) else {
        return Ok(PostMetrics {
            post_id: post.id.clone(),
            at,
            deleted: true,
            ..PostMetrics::default()
        });
    };
    let s = video
        .get("statistics")
        .ok_or_else(|| transport::invalid(P, "the video has no statistics"))?;
    let views = count(s.get("viewCount"))
        .ok_or_else(|| transport::invalid(P, "the video has no viewCount"))?;
    let report = analytics(ctx, tokens, &post.id).await?;
    Ok(PostMetrics {
        post_id: post.id.clone(),
        at,
        views: Some(views),
        likes: count(s.get("likeCount")),
        replies: count(s.get("commentCount")),
        watch_minutes: report.and_then(|r| r.minutes),
        avg_view_seconds: report.and_then(|r| r.avg_seconds),
        reposts: report.and_then(|r| r.shares),
        ..PostMetrics::default()
    })
}

/// One video's figures from the Analytics API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Watched {
    minutes: Option<u64>,
    avg_seconds: Option<u64>,
    shares: Option<u64>,
}

/// One video's Analytics figures; `None` when the report has no row for it yet.
async fn analytics(ctx: Ctx<'_>, tokens: &TokenSet, video: &str) -> Result<Option<Watched>> {
    let today = super::quota::quota_day(transport::now_s());
    let mut url = ctx.endpoints.url(P, REPORTS)?;
    url.query_pairs_mut()
        .append_pair("ids", "channel==MINE")
        .append_pair("startDate", FIRST_DAY)
        .append_pair("endDate", &today)
        .append_pair("metrics", ANALYTICS)
        .append_pair("dimensions", "video")
        .append_pair("filters", &format!("video=={video}"));
    let r = transport::send(
        ctx.http,
        P,
        transport::bearer(ctx.http, Method::GET, url, tokens),
    )
    .await?;
    if let Some(e) = scope_missing(
        &r,
        "YouTube Analytics access was not granted (scope yt-analytics.readonly); reconnect the \
         channel to read watch time",
    ) {
        return Err(e);
    }
    if !r.ok() {
        return Err(google_error(&r));
    }
    let v = r.json(P)?;
    report_row(&v, video)
}

/// Reads a `youtubeAnalytics#resultTable`: `columnHeaders` name each column of `rows`.
fn report_row(v: &Value, video: &str) -> Result<Option<Watched>> {
    let headers = v
        .get("columnHeaders")
        .and_then(Value::as_array)
        .ok_or_else(|| transport::invalid(P, "the report has no columnHeaders"))?;
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.get("name").and_then(Value::as_str) == Some(name))
    };
    let Some(rows) = v.get("rows").and_then(Value::as_array) else {
        return Ok(None); // no data yet (Analytics lags two to three days)
    };
    let row = rows.iter().find(|r| match col("video") {
        Some(i) => r.get(i).and_then(Value::as_str) == Some(video),
        None => true,
    });
    let Some(row) = row.and_then(Value::as_array) else {
        return Ok(None);
    };
    if row.len() != headers.len() {
        return Err(transport::invalid(
            P,
            "a report row does not match its columns",
        ));
    }
    let get = |name: &str| col(name).and_then(|i| count(row.get(i)));
    Ok(Some(Watched {
        minutes: get("estimatedMinutesWatched"),
        avg_seconds: get("averageViewDuration"),
        shares: get("shares"),
    }))
}

pub(super) async fn account(ctx: Ctx<'_>, tokens: &TokenSet) -> Result<AccountMetrics> {
    let mut url = ctx.endpoints.url(P, CHANNELS)?;
    url.query_pairs_mut()
        .append_pair("part", "statistics")
        .append_pair("mine", "true");
    quota::spend(ctx, tokens, LIST, "reading the channel's counters").await?;
    let v = get_json(ctx, tokens, url).await?;
    let item = v
        .get("items")
        .and_then(Value::as_array)
        .and_then(|i| i.first())
        .ok_or_else(|| transport::invalid(P, "the account has no channel"))?;
    let s = item
        .get("statistics")
        .ok_or_else(|| transport::invalid(P, "the channel has no statistics"))?;
    let hidden = s.get("hiddenSubscriberCount").and_then(Value::as_bool) == Some(true);
    let posts = count(s.get("videoCount"))
        .ok_or_else(|| transport::invalid(P, "the channel has no videoCount"))?;
    Ok(AccountMetrics {
        at: transport::now_s(),
        followers: if hidden {
            None
        } else {
            count(s.get("subscriberCount"))
        },
        posts: Some(posts),
        ..AccountMetrics::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_report_is_read_by_its_column_names() {
        let v = json!({"kind": "youtubeAnalytics#resultTable",
            "columnHeaders": [{"name": "video"}, {"name": "shares"}, {"name": "estimatedMinutesWatched"},
                              {"name": "averageViewDuration"}],
            "rows": [["abc", 3, 120, 45]]});
        assert_eq!(
            report_row(&v, "abc").ok().flatten(),
            Some(Watched {
                minutes: Some(120),
                avg_seconds: Some(45),
                shares: Some(3)
            })
        );
        let empty = json!({"columnHeaders": [{"name": "video"}]});
        assert!(matches!(report_row(&empty, "abc"), Ok(None)));
        let short =
            json!({"columnHeaders": [{"name": "video"}, {"name": "shares"}], "rows": [["abc"]]});
        assert!(report_row(&short, "abc").is_err());
        assert!(report_row(&json!({}), "abc").is_err());
    }

    #[test]
    fn counts_come_as_strings_or_numbers() {
        assert_eq!(count(Some(&json!("12"))), Some(12));
        assert_eq!(count(Some(&json!(12))), Some(12));
        assert_eq!(count(Some(&json!(12.6))), Some(13));
        assert_eq!(count(Some(&json!("x"))), None);
        assert_eq!(count(None), None);
    }
}
