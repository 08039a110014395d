//! Metric snapshots per channel or per post target (history kept without limit).

use sqlx::SqliteExecutor;

use crate::{JsonValue, Result};

table! {
    /// One metric value captured at one instant. `post_target_id` is `None` for channel-level metrics.
    pub struct AnalyticsSnapshot in "analytics_snapshots" as "analytics snapshot" order by "captured_at, id" {
        pub id: String,
        pub channel_id: String,
        pub post_target_id: Option<String>,
        /// e.g. `views`, `likes`, `comments`, `shares`, `reach`, `engagement`, `followers`.
        pub metric: String,
        pub value: f64,
        /// Demographic breakdown where the platform offers it.
        pub demographics: Option<JsonValue>,
        pub captured_at: i64,
    }
}

/// History of one metric of one post target, oldest first.
pub async fn series_for_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
    metric: &str,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE post_target_id = ?1 AND metric = ?2 ORDER BY captured_at, id",
        select_sql()
    ))
    .bind(post_target_id)
    .bind(metric)
    .fetch_all(ex)
    .await?)
}

/// History of one channel-level metric in `[since, until)`, oldest first.
pub async fn series_for_channel<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    metric: &str,
    since: i64,
    until: i64,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE channel_id = ?1 AND metric = ?2 AND post_target_id IS NULL AND captured_at >= ?3 AND captured_at < ?4
         ORDER BY captured_at, id",
        select_sql()
    ))
    .bind(channel_id)
    .bind(metric)
    .bind(since)
    .bind(until)
    .fetch_all(ex)
    .await?)
}

/// The latest value of every metric of one post target.
pub async fn latest_for_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{sel} WHERE post_target_id = ?1 AND captured_at = (
             SELECT MAX(s2.captured_at) FROM analytics_snapshots s2
             WHERE s2.post_target_id = analytics_snapshots.post_target_id AND s2.metric = analytics_snapshots.metric)
         ORDER BY metric, id",
        sel = select_sql()
    ))
    .bind(post_target_id)
    .fetch_all(ex)
    .await?)
}

/// Every snapshot of every target of one post (all metrics), oldest first.
pub async fn history_for_post<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE post_target_id IN (SELECT id FROM post_targets WHERE post_id = ?1)
         ORDER BY captured_at, post_target_id, metric, id",
        select_sql()
    ))
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// A published post target whose metrics are due (never read, or `next_sync_at` passed, and not
/// marked deleted on the platform).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueTarget {
    pub post_target_id: String,
    pub platform_post_id: String,
    pub platform_url: Option<String>,
    /// Unix ms.
    pub published_at: i64,
}

/// At most `limit` due targets of one channel, the longest-waiting first.
pub async fn due_targets<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<DueTarget>> {
    Ok(sqlx::query_as::<_, DueTarget>(
        "SELECT t.id AS post_target_id, j.platform_post_id, j.platform_url,
                COALESCE(j.published_at, j.due_at) AS published_at
           FROM post_targets t
           JOIN publish_jobs j ON j.post_target_id = t.id
           LEFT JOIN analytics_targets a ON a.post_target_id = t.id
          WHERE t.channel_id = ?1 AND j.state = 'published' AND j.platform_post_id IS NOT NULL
            AND a.deleted_at IS NULL AND COALESCE(a.next_sync_at, 0) <= ?2
          ORDER BY COALESCE(a.next_sync_at, 0), t.id
          LIMIT ?3",
    )
    .bind(channel_id)
    .bind(now)
    .bind(limit)
    .fetch_all(ex)
    .await?)
}

/// Records one read of a target: when it was read, when it is due next, whether the platform
/// said it was deleted (kept once set) and the error of a failed read (`None` clears it).
pub async fn record_target<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_target_id: &str,
    channel_id: &str,
    synced_at: Option<i64>,
    next_sync_at: i64,
    deleted_at: Option<i64>,
    last_error: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_targets (post_target_id, channel_id, next_sync_at, last_synced_at, deleted_at, last_error)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (post_target_id) DO UPDATE SET
             next_sync_at = excluded.next_sync_at,
             last_synced_at = COALESCE(excluded.last_synced_at, analytics_targets.last_synced_at),
             deleted_at = COALESCE(analytics_targets.deleted_at, excluded.deleted_at),
             last_error = excluded.last_error",
    )
    .bind(post_target_id)
    .bind(channel_id)
    .bind(next_sync_at)
    .bind(synced_at)
    .bind(deleted_at)
    .bind(last_error)
    .execute(ex)
    .await?;
    Ok(())
}

/// One channel's last analytics sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ChannelState {
    pub channel_id: String,
    pub state: String,
    pub message: Option<String>,
    pub last_synced_at: Option<i64>,
    pub updated_at: i64,
}

/// Stores a channel's sync outcome; `last_synced_at` keeps its earlier value when `None`.
pub async fn set_channel_state<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    state: &str,
    message: Option<&str>,
    synced_at: Option<i64>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO analytics_channels (channel_id, state, message, last_synced_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (channel_id) DO UPDATE SET state = excluded.state, message = excluded.message,
             last_synced_at = COALESCE(excluded.last_synced_at, analytics_channels.last_synced_at),
             updated_at = excluded.updated_at",
    )
    .bind(channel_id)
    .bind(state)
    .bind(message)
    .bind(synced_at)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Every channel's last analytics sync state.
pub async fn channel_states<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<ChannelState>> {
    Ok(sqlx::query_as::<_, ChannelState>(
        "SELECT channel_id, state, message, last_synced_at, updated_at FROM analytics_channels ORDER BY channel_id",
    )
    .fetch_all(ex)
    .await?)
}

/// A published post target with its place in time (the rows of the analytics posts table).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PublishedTarget {
    pub post_target_id: String,
    pub post_id: String,
    pub channel_id: String,
    pub body: String,
    pub platform_url: Option<String>,
    /// Unix ms.
    pub published_at: i64,
    pub deleted_at: Option<i64>,
    pub last_synced_at: Option<i64>,
}

/// The columns of [`PublishedTarget`] from its tables.
const PUBLISHED_SQL: &str =
    "SELECT t.id AS post_target_id, t.post_id, t.channel_id, COALESCE(t.caption, p.body) AS body,
            j.platform_url, COALESCE(j.published_at, j.due_at) AS published_at,
            a.deleted_at, a.last_synced_at
       FROM post_targets t
       JOIN posts p ON p.id = t.post_id
       JOIN publish_jobs j ON j.post_target_id = t.id
       LEFT JOIN analytics_targets a ON a.post_target_id = t.id";

/// Published targets in `[from, to)` (unix ms), on one channel or all, newest first.
pub async fn published_targets<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<PublishedTarget>> {
    Ok(sqlx::query_as::<_, PublishedTarget>(&format!(
        "{PUBLISHED_SQL}
          WHERE j.state = 'published' AND (?1 IS NULL OR t.channel_id = ?1)
            AND COALESCE(j.published_at, j.due_at) >= ?2 AND COALESCE(j.published_at, j.due_at) < ?3
          ORDER BY COALESCE(j.published_at, j.due_at) DESC, t.id"
    ))
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}

/// The latest value of each metric of every post target published in `[from, to)`, as
/// `(post_target_id, metric, value)`, from `analytics_latest` (kept by the snapshots' triggers).
pub async fn latest_values<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, f64)>> {
    Ok(sqlx::query_as(
        "SELECT l.post_target_id, l.metric, l.value
           FROM publish_jobs j
           JOIN analytics_latest l ON l.post_target_id = j.post_target_id
          WHERE j.state = 'published' AND (?1 IS NULL OR l.channel_id = ?1)
            AND COALESCE(j.published_at, j.due_at) >= ?2 AND COALESCE(j.published_at, j.due_at) < ?3",
    )
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}

/// Channel-level snapshots (followers, …) of one channel or all in `[from, to)`, oldest first.
pub async fn channel_snapshots<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<AnalyticsSnapshot>> {
    Ok(sqlx::query_as::<_, AnalyticsSnapshot>(&format!(
        "{} WHERE post_target_id IS NULL AND (?1 IS NULL OR channel_id = ?1)
            AND captured_at >= ?2 AND captured_at < ?3 ORDER BY captured_at, id",
        select_sql()
    ))
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}

/// One published target of one post with its read state (the composer's numbers, `posts show`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostTargetRead {
    pub post_target_id: String,
    pub channel_id: String,
    pub platform_url: Option<String>,
    /// Unix ms.
    pub published_at: i64,
    pub last_synced_at: Option<i64>,
    /// `None` before the first read (due at the host's next pass).
    pub next_sync_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub last_error: Option<String>,
}

/// The published targets of one post with their read state, in the order they were added.
pub async fn post_target_reads<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_id: &str,
) -> Result<Vec<PostTargetRead>> {
    Ok(sqlx::query_as::<_, PostTargetRead>(
        "SELECT t.id AS post_target_id, t.channel_id, j.platform_url,
                COALESCE(j.published_at, j.due_at) AS published_at,
                a.last_synced_at, a.next_sync_at, a.deleted_at, a.last_error
           FROM post_targets t
           JOIN publish_jobs j ON j.post_target_id = t.id
           LEFT JOIN analytics_targets a ON a.post_target_id = t.id
          WHERE t.post_id = ?1 AND j.state = 'published'
          ORDER BY t.created_at, t.id",
    )
    .bind(post_id)
    .fetch_all(ex)
    .await?)
}

/// A post's engagement rate, as an SQL expression over a row `x` with `post_target_id`,
/// `channel_id`, `published_at`, `engagement` and `impressions`: engagement per impression where
/// impressions are counted, else per follower at publishing (the channel's followers reading last
/// at or before it, else the first after it); `NULL` without engagement or a base above zero.
fn rate_sql(x: &str) -> String {
    format!(
        "CASE WHEN {x}.engagement IS NULL THEN NULL
              ELSE {x}.engagement / NULLIF(MAX(COALESCE({x}.impressions,
                (SELECT f.value FROM analytics_snapshots f
                  WHERE f.post_target_id IS NULL AND f.metric = 'followers' AND f.channel_id = {x}.channel_id
                    AND f.captured_at <= {x}.published_at ORDER BY f.captured_at DESC LIMIT 1),
                (SELECT f.value FROM analytics_snapshots f
                  WHERE f.post_target_id IS NULL AND f.metric = 'followers' AND f.channel_id = {x}.channel_id
                    AND f.captured_at > {x}.published_at ORDER BY f.captured_at LIMIT 1)), 0), 0) END"
    )
}

/// The published targets of `[?2, ?3)` on channel `?1` (or all) with their sums, as the CTE `p`:
/// `post_target_id, channel_id, published_at, engagement, likes, reposts, replies, impressions`,
/// read from one index range of `analytics_published` (one row per published target, kept by
/// triggers from the jobs, the targets and `analytics_post_totals`).
const PERIOD_SQL: &str = "WITH p AS (
    SELECT post_target_id, channel_id, published_at, engagement, likes, reposts, replies, impressions
      FROM analytics_published
     WHERE (?1 IS NULL OR channel_id = ?1) AND published_at >= ?2 AND published_at < ?3)";

/// The period's numbers per local day, for totals and the daily series: summed in SQL, so the
/// overview never loads its posts.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PeriodDay {
    /// Days since 1970-01-01 in the creator's zone.
    pub day: i64,
    /// Published at or after `current_from` (the period shown; else the one before it).
    pub current: bool,
    pub channel_id: String,
    pub posts: i64,
    pub likes: f64,
    pub reposts: f64,
    pub replies: f64,
    pub engagement: f64,
    /// Sum and count of the engagement rates per impression (posts whose platform counts
    /// impressions; the others' rates are in [`follower_rates`]).
    pub rate_sum: f64,
    pub rates: i64,
}

const HOUR_MS: i64 = 3_600_000;

/// Half-open ranges `[start, end)`.
type Ranges = Vec<(i64, i64)>;

/// Where [`period_days`] reads `[from, to)`: whole UTC hours `[first, last)` from the hourly sums
/// (`analytics_hours`) and the posts of the rest from `analytics_published`. Hours are used when
/// each of them lies within one local day and on one side of `current_from`: the zone's offsets
/// and their changes are whole hours (else every post is read); the hour holding `current_from`,
/// and the partial hours at the edges, are read post by post.
fn period_parts(
    (from, current_from, to): (i64, i64, i64),
    offsets: &[(i64, i64)],
) -> (Ranges, Ranges) {
    let whole_hours = from >= 0
        && offsets
            .iter()
            .enumerate()
            .all(|(i, (at, o))| o % HOUR_MS == 0 && (i == 0 || at % HOUR_MS == 0));
    let (first, last) = ((from + HOUR_MS - 1) / HOUR_MS, to / HOUR_MS);
    if !whole_hours || first >= last {
        return (Vec::new(), vec![(from, to)]);
    }
    let mut posts = vec![(from, first * HOUR_MS), (last * HOUR_MS, to)];
    let mut hours = vec![(first, last)];
    let cut = current_from.div_euclid(HOUR_MS);
    if current_from % HOUR_MS != 0 && (first..last).contains(&cut) {
        hours = vec![(first, cut), (cut + 1, last)];
        posts.push((cut * HOUR_MS, (cut + 1) * HOUR_MS));
    }
    hours.retain(|(a, b)| a < b);
    posts.retain(|(a, b)| a < b);
    (hours, posts)
}

/// The published targets of `[from, to)` summed per channel, per local day and by whether they
/// are in the current period (from `current_from`), oldest first. `offsets`: the zone's UTC
/// offset (ms) from each instant on, oldest first (the first covers everything before too).
/// Whole hours come summed from `analytics_hours` (see [`period_parts`]).
pub async fn period_days<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    (from, current_from, to): (i64, i64, i64),
    offsets: &[(i64, i64)],
) -> Result<Vec<PeriodDay>> {
    // Numbers computed by the caller, never text from outside: written into the statement.
    let mut offset = offsets.first().map_or(0, |(_, o)| *o).to_string();
    if offsets.len() > 1 {
        offset = format!(
            "CASE {} ELSE {offset} END",
            offsets[1..]
                .iter()
                .rev()
                .map(|(at, o)| format!("WHEN published_at >= {at} THEN {o}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let (hours, mut posts) = period_parts((from, current_from, to), offsets);
    if hours.is_empty() && posts.is_empty() {
        posts.push((from, from));
    }
    let parts: Vec<String> = hours
        .iter()
        .map(|(a, b)| {
            format!(
                "SELECT hour * {HOUR_MS}, channel_id, posts, likes, reposts, replies, engagement, rate_sum, rates
                   FROM analytics_hours WHERE hour >= {a} AND hour < {b} AND (?1 IS NULL OR channel_id = ?1)"
            )
        })
        .chain(posts.iter().map(|(a, b)| {
            format!(
                "SELECT published_at, channel_id, 1, likes, reposts, replies, engagement,
                        CASE WHEN impressions > 0 THEN engagement / impressions END,
                        CASE WHEN impressions > 0 AND engagement IS NOT NULL THEN 1 ELSE 0 END
                   FROM analytics_published
                  WHERE (?1 IS NULL OR channel_id = ?1) AND published_at >= {a} AND published_at < {b}"
            )
        }))
        .collect();
    Ok(sqlx::query_as::<_, PeriodDay>(&format!(
        "WITH p (published_at, channel_id, posts, likes, reposts, replies, engagement, rate_sum, rates)
           AS ({})
         SELECT (published_at + {offset}) / 86400000 AS day, published_at >= ?2 AS current,
                channel_id, SUM(posts) AS posts, TOTAL(likes) AS likes, TOTAL(reposts) AS reposts,
                TOTAL(replies) AS replies, TOTAL(engagement) AS engagement,
                TOTAL(rate_sum) AS rate_sum, SUM(rates) AS rates
           FROM p GROUP BY day, current, channel_id ORDER BY day, current, channel_id",
        parts.join(" UNION ALL ")
    ))
    .bind(channel_id)
    .bind(current_from)
    .fetch_all(ex)
    .await?)
}

/// Makes every read target of one post due now ("sync now" on one post); a target never read
/// is due already. Returns how many were brought forward.
pub async fn make_post_due<'e, E: SqliteExecutor<'e>>(ex: E, post_id: &str) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE analytics_targets SET next_sync_at = 0
          WHERE deleted_at IS NULL
            AND post_target_id IN (SELECT id FROM post_targets WHERE post_id = ?1)",
    )
    .bind(post_id)
    .execute(ex)
    .await?
    .rows_affected())
}

/// The CTE `r`: each followers reading of channel `?1` (or of every channel, `?1` NULL) with the
/// range of publishing times it is the follower count for — from the reading to the next one of
/// its channel, the first also covering everything before it — as `channel_id, value, start, stop`.
const FOLLOWER_READINGS_SQL: &str = "r AS (
    SELECT channel_id, value,
           CASE WHEN ROW_NUMBER() OVER w = 1 THEN -9223372036854775807 ELSE captured_at END AS start,
           COALESCE(LEAD(captured_at) OVER w, 9223372036854775807) AS stop
      FROM analytics_snapshots
     WHERE post_target_id IS NULL AND metric = 'followers' AND (?1 IS NULL OR channel_id = ?1)
    WINDOW w AS (PARTITION BY channel_id ORDER BY captured_at, id))";

/// Sum and count of the engagement rates per follower of the posts of `[from, to)` whose platform
/// counts no impressions, as `(current, rate_sum, rates)` (`current`: published at or after
/// `current_from`). Each followers reading covers the posts published from it to the next one
/// (the first also those before it), so the posts are read once per reading, not looked up one
/// by one.
pub async fn follower_rates<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    (from, current_from, to): (i64, i64, i64),
) -> Result<Vec<(bool, f64, i64)>> {
    // Both periods in one pass, no grouping: (rate sum, count) before, then from `current_from`.
    let (before_sum, before, now_sum, now): (f64, i64, f64, i64) = sqlx::query_as(&format!(
        "WITH {FOLLOWER_READINGS_SQL},
         f AS MATERIALIZED (
            SELECT channel_id, value, MAX(start, ?2) AS lo, MIN(stop, ?3) AS hi FROM r
             WHERE value > 0 AND stop > ?2 AND start < ?3)
         SELECT TOTAL(CASE WHEN a.published_at < ?4 THEN a.engagement / f.value END),
                COUNT(CASE WHEN a.published_at < ?4 THEN 1 END),
                TOTAL(CASE WHEN a.published_at >= ?4 THEN a.engagement / f.value END),
                COUNT(CASE WHEN a.published_at >= ?4 THEN 1 END)
           FROM f
           CROSS JOIN analytics_published a
          WHERE a.channel_id = f.channel_id AND a.published_at >= f.lo AND a.published_at < f.hi
            AND a.impressions IS NULL AND a.engagement IS NOT NULL"
    ))
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .bind(current_from)
    .fetch_one(ex)
    .await?;
    Ok([(false, before_sum, before), (true, now_sum, now)]
        .into_iter()
        .filter(|(_, _, n)| *n > 0)
        .collect())
}

/// The publishing times of one channel's first and last published post (unix ms), if any.
pub async fn published_span<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
) -> Result<Option<(i64, i64)>> {
    let (lo, hi): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT MIN(published_at), MAX(published_at) FROM analytics_published WHERE channel_id = ?1",
    )
    .bind(channel_id)
    .fetch_one(ex)
    .await?;
    Ok(lo.zip(hi))
}

/// "Best time to post" of one channel, summed per weekly slot: `(slot, posts, sum, sum of
/// squares)` of the engagement rates of its posts, a slot being `weekday * 24 + hour` (Monday = 0)
/// of the local time given by `zone`, the offsets from UTC in ms over `[start, stop)` ranges of
/// unix ms covering its posts. Posts deleted on the platform are left out. The rate is engagement
/// per impression where the platform counts impressions (none when it counts zero), else per
/// follower at publishing (the last followers reading at or before it, else the first; none when
/// that reading is zero). Each index range of `analytics_published` (per zone range, and per
/// followers reading within one) is read once, and only 168 rows come back: never the posts'
/// texts, their metric rows or one row per post (issue #21: 2.5 s at 100,000 posts as the posts
/// table reads them, 0.2 s as one row each).
pub async fn best_time_sums<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: &str,
    zone: &[(i64, i64, i64)],
) -> Result<Vec<(i64, i64, f64, f64)>> {
    let ranges: Vec<String> = zone
        .iter()
        .map(|(a, b, c)| format!("[{a},{b},{c}]"))
        .collect();
    let zone = format!("[{}]", ranges.join(","));
    Ok(sqlx::query_as(&format!(
        "WITH z (start, stop, off) AS MATERIALIZED (
            SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2)),
         {FOLLOWER_READINGS_SQL},
         f AS MATERIALIZED (SELECT value, start, stop FROM r WHERE value > 0 AND stop > start),
         -- Each followers reading's range cut by the zone's ranges: one value and one offset each.
         p AS MATERIALIZED (
            SELECT f.value, z.off, MAX(f.start, z.start) AS lo, MIN(f.stop, z.stop) AS hi
              FROM f JOIN z ON f.start < z.stop AND z.start < f.stop),
         gone AS MATERIALIZED (
            SELECT post_target_id FROM analytics_targets
             WHERE channel_id = ?1 AND deleted_at IS NOT NULL),
         o AS (
            SELECT (a.published_at + z.off) / 3600000 AS h, a.engagement / a.impressions AS rate
              FROM z CROSS JOIN analytics_published a
             WHERE a.channel_id = ?1 AND a.published_at >= z.start AND a.published_at < z.stop
               AND a.impressions > 0 AND a.engagement IS NOT NULL
               AND a.post_target_id NOT IN gone
            UNION ALL
            SELECT (a.published_at + p.off) / 3600000, a.engagement / p.value
              FROM p CROSS JOIN analytics_published a
             WHERE a.channel_id = ?1 AND a.published_at >= p.lo AND a.published_at < p.hi
               AND a.impressions IS NULL AND a.engagement IS NOT NULL
               AND a.post_target_id NOT IN gone)
         -- Hour 0 since the epoch is a Thursday's (weekday 3) midnight: 72 hours after a Monday's.
         SELECT (h + 72) % 168 AS slot, COUNT(*), TOTAL(rate), TOTAL(rate * rate)
           FROM o WHERE h >= 0 AND rate >= 0 GROUP BY slot"
    ))
    .bind(channel_id)
    .bind(zone)
    .fetch_all(ex)
    .await?)
}

/// What the posts table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostSort<'a> {
    PublishedAt,
    Engagement,
    EngagementRate,
    /// The latest value of one metric (`likes`, `views`, …).
    Metric(&'a str),
}

/// One published target with its place in a ranking (ids and the sorted figures).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RankedTarget {
    pub post_target_id: String,
    pub channel_id: String,
    pub published_at: i64,
    pub engagement: Option<f64>,
    pub rate: Option<f64>,
}

/// One page of the period's published targets sorted by `sort` (a missing value last either
/// way; ties newest first, then by id), on one channel or all.
#[allow(clippy::too_many_arguments)]
pub async fn ranked_targets<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
    sort: PostSort<'_>,
    descending: bool,
    offset: i64,
    limit: i64,
) -> Result<Vec<RankedTarget>> {
    let (key, metric) = match sort {
        PostSort::PublishedAt => ("p.published_at".to_string(), ""),
        PostSort::Engagement => ("p.engagement".to_string(), ""),
        PostSort::EngagementRate => (rate_sql("p"), ""),
        PostSort::Metric(m) => (
            "(SELECT l.value FROM analytics_latest l WHERE l.post_target_id = p.post_target_id AND l.metric = ?4)"
                .to_string(),
            m,
        ),
    };
    let dir = if descending { "DESC" } else { "ASC" };
    // The rate is worked out for the page's rows only (unless it is the sort key).
    Ok(sqlx::query_as::<_, RankedTarget>(&format!(
        "{PERIOD_SQL}, q AS (SELECT p.*, {key} AS k FROM p)
         SELECT x.post_target_id, x.channel_id, x.published_at, x.engagement, {rate} AS rate
           FROM (SELECT * FROM q ORDER BY k IS NULL, k {dir}, published_at DESC, post_target_id
                  LIMIT ?6 OFFSET ?5) x
          ORDER BY x.k IS NULL, x.k {dir}, x.published_at DESC, x.post_target_id",
        rate = rate_sql("x")
    ))
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .bind(metric)
    .bind(offset.max(0))
    .bind(limit.max(0))
    .fetch_all(ex)
    .await?)
}

/// The `per_channel` targets of each channel with the most engagement in `[from, to)` (ties
/// newest first), best first within each channel.
pub async fn top_targets_per_channel<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
    per_channel: i64,
) -> Result<Vec<RankedTarget>> {
    // Each channel's best from its own index range, a bounded sort per channel (no ranking of
    // every post of the period).
    Ok(sqlx::query_as::<_, RankedTarget>(&format!(
        "SELECT x.post_target_id, x.channel_id, x.published_at, x.engagement, {rate} AS rate
           FROM channels c
           JOIN analytics_published x ON x.post_target_id IN (
                SELECT a.post_target_id FROM analytics_published a
                 WHERE a.channel_id = c.id AND a.published_at >= ?2 AND a.published_at < ?3
                 ORDER BY a.engagement IS NULL, a.engagement DESC, a.published_at DESC, a.post_target_id
                 LIMIT ?4)
          WHERE ?1 IS NULL OR c.id = ?1
          ORDER BY x.channel_id, x.engagement IS NULL, x.engagement DESC, x.published_at DESC,
                   x.post_target_id",
        rate = rate_sql("x")
    ))
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .bind(per_channel.max(0))
    .fetch_all(ex)
    .await?)
}

/// How many targets were published in `[from, to)` on one channel or all.
pub async fn count_published<'e, E: SqliteExecutor<'e>>(
    ex: E,
    channel_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM analytics_published
          WHERE (?1 IS NULL OR channel_id = ?1) AND published_at >= ?2 AND published_at < ?3",
    )
    .bind(channel_id)
    .bind(from)
    .bind(to)
    .fetch_one(ex)
    .await?)
}

/// The published targets with these ids (the rows of one page), in no particular order.
pub async fn published_targets_by_id<'e, E: SqliteExecutor<'e>>(
    ex: E,
    ids: &[String],
) -> Result<Vec<PublishedTarget>> {
    published_where_in(ex, "t.id", ids).await
}

/// The published targets of these posts (the calendar's cards), in no particular order.
pub async fn published_targets_of_posts<'e, E: SqliteExecutor<'e>>(
    ex: E,
    post_ids: &[String],
) -> Result<Vec<PublishedTarget>> {
    published_where_in(ex, "t.post_id", post_ids).await
}

/// The published targets whose `column` (`t.id` or `t.post_id`) is one of `ids`.
async fn published_where_in<'e, E: SqliteExecutor<'e>>(
    ex: E,
    column: &'static str,
    ids: &[String],
) -> Result<Vec<PublishedTarget>> {
    let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    Ok(sqlx::query_as::<_, PublishedTarget>(&format!(
        // `+j.state`: look the few ids up, not every published job (50 ms at 100,000 posts).
        "{PUBLISHED_SQL} WHERE +j.state = 'published' AND {column} IN (SELECT value FROM json_each(?1))"
    ))
    .bind(ids)
    .fetch_all(ex)
    .await?)
}

/// The latest value of each metric of these targets, as `(post_target_id, metric, value)`.
pub async fn latest_of_targets<'e, E: SqliteExecutor<'e>>(
    ex: E,
    ids: &[String],
) -> Result<Vec<(String, String, f64)>> {
    let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    Ok(sqlx::query_as(
        "SELECT post_target_id, metric, value FROM analytics_latest
          WHERE post_target_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(ids)
    .fetch_all(ex)
    .await?)
}

/// A channel's followers: the latest reading, and the first and last readings in `[from, to)`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FollowersSummary {
    pub channel_id: String,
    pub latest: Option<f64>,
    pub first_in_period: Option<f64>,
    pub last_in_period: Option<f64>,
}

/// Every channel's followers summary (channels with a followers reading).
pub async fn followers_summary<'e, E: SqliteExecutor<'e>>(
    ex: E,
    from: i64,
    to: i64,
) -> Result<Vec<FollowersSummary>> {
    Ok(sqlx::query_as::<_, FollowersSummary>(
        "SELECT l.channel_id, l.value AS latest,
                (SELECT f.value FROM analytics_snapshots f
                  WHERE f.post_target_id IS NULL AND f.channel_id = l.channel_id AND f.metric = 'followers'
                    AND f.captured_at >= ?1 AND f.captured_at < ?2
                  ORDER BY f.captured_at, f.id LIMIT 1) AS first_in_period,
                (SELECT f.value FROM analytics_snapshots f
                  WHERE f.post_target_id IS NULL AND f.channel_id = l.channel_id AND f.metric = 'followers'
                    AND f.captured_at >= ?1 AND f.captured_at < ?2
                  ORDER BY f.captured_at DESC, f.id DESC LIMIT 1) AS last_in_period
           FROM analytics_latest l
          WHERE l.post_target_id IS NULL AND l.metric = 'followers'
          ORDER BY l.channel_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await?)
}
