-- Issue 18: the 90-day overview at 100,000 posts × 50 snapshots under 50 ms. Two derived tables,
-- like analytics_latest and analytics_post_totals: not exported (an import's job and snapshot
-- inserts rebuild them through the triggers below), wiped by delete-all.
--
-- analytics_published: one row per published post target with its channel, its publishing time
-- (COALESCE(published_at, due_at) of its published job) and the figures of analytics_post_totals
-- (NULL while the post has none). The overview, the posts table and the top posts read a period's
-- posts from one index range of it instead of joining publish_jobs, post_targets and
-- analytics_post_totals row by row.
CREATE TABLE analytics_published (
    post_target_id TEXT PRIMARY KEY NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    channel_id     TEXT NOT NULL,
    published_at   INTEGER NOT NULL,
    engagement     REAL,
    likes          REAL,
    reposts        REAL,
    replies        REAL,
    impressions    REAL
) WITHOUT ROWID;
-- A period's posts (all channels, or filtered to one), every column the overview reads covered.
CREATE INDEX analytics_published_time
    ON analytics_published (published_at, channel_id, engagement, likes, reposts, replies, impressions);
-- One channel's posts of a period (its top posts), between two followers readings (the rates per
-- follower) or in one hour (the hourly sums below), every column covered.
CREATE INDEX analytics_published_channel
    ON analytics_published (channel_id, published_at, engagement, likes, reposts, replies, impressions);

-- analytics_hours: each channel's published posts summed per UTC hour (hour = published_at /
-- 3600000, posts published from 1970 on). The overview adds whole hours into the creator's local
-- days (in a zone whose offsets are whole hours an hour lies within one local day) instead of
-- grouping every post, and reads the posts of the partial hours at the period's edges from
-- analytics_published. An hour's row is recomputed from its posts whenever one of them changes,
-- so it always equals their sums.
CREATE TABLE analytics_hours (
    hour        INTEGER NOT NULL,
    channel_id  TEXT NOT NULL,
    posts       INTEGER NOT NULL,
    likes       REAL NOT NULL,
    reposts     REAL NOT NULL,
    replies     REAL NOT NULL,
    engagement  REAL NOT NULL,
    -- Sum and count of the engagement rates per impression (posts with impressions above zero).
    rate_sum    REAL NOT NULL,
    rates       INTEGER NOT NULL,
    PRIMARY KEY (hour, channel_id)
) WITHOUT ROWID;

-- The recomputations, each written once: inserting a key into one of these views (never read)
-- recomputes the derived row(s) of that key from their sources.
CREATE VIEW analytics_published_refresh (post_target_id) AS
    SELECT post_target_id FROM analytics_published;
CREATE TRIGGER analytics_published_refresh INSTEAD OF INSERT ON analytics_published_refresh
BEGIN
    DELETE FROM analytics_published WHERE post_target_id = NEW.post_target_id;
    INSERT INTO analytics_published
    SELECT t.id, t.channel_id, COALESCE(j.published_at, j.due_at),
           s.engagement, s.likes, s.reposts, s.replies, s.impressions
      FROM publish_jobs j
      JOIN post_targets t ON t.id = j.post_target_id
      LEFT JOIN analytics_post_totals s ON s.post_target_id = t.id
     WHERE j.post_target_id = NEW.post_target_id AND j.state = 'published';
END;

CREATE VIEW analytics_hours_refresh (hour, channel_id) AS
    SELECT hour, channel_id FROM analytics_hours;
CREATE TRIGGER analytics_hours_refresh INSTEAD OF INSERT ON analytics_hours_refresh
WHEN NEW.hour >= 0
BEGIN
    DELETE FROM analytics_hours WHERE hour = NEW.hour AND channel_id = NEW.channel_id;
    INSERT INTO analytics_hours
    SELECT NEW.hour, NEW.channel_id, COUNT(*), TOTAL(likes), TOTAL(reposts), TOTAL(replies),
           TOTAL(engagement), TOTAL(CASE WHEN impressions > 0 THEN engagement / impressions END),
           COUNT(CASE WHEN impressions > 0 THEN engagement END)
      FROM analytics_published
     WHERE channel_id = NEW.channel_id AND published_at >= NEW.hour * 3600000
       AND published_at < (NEW.hour + 1) * 3600000
    HAVING COUNT(*) > 0;
END;

-- The latest value of one (post target or account, metric, channel): the newest reading left.
CREATE VIEW analytics_latest_refresh (channel_id, post_target_id, metric) AS
    SELECT channel_id, post_target_id, metric FROM analytics_latest;
CREATE TRIGGER analytics_latest_refresh INSTEAD OF INSERT ON analytics_latest_refresh
BEGIN
    DELETE FROM analytics_latest
     WHERE post_target_id IS NEW.post_target_id AND metric = NEW.metric
       AND channel_id = NEW.channel_id;
    INSERT INTO analytics_latest (channel_id, post_target_id, metric, value, captured_at)
    SELECT channel_id, post_target_id, metric, value, captured_at FROM analytics_snapshots
     WHERE post_target_id IS NEW.post_target_id AND metric = NEW.metric
       AND channel_id = NEW.channel_id
     ORDER BY captured_at DESC, id DESC LIMIT 1;
END;

-- The deletion of the latest reading now refreshes through the view (one copy of the rule).
DROP TRIGGER analytics_latest_delete;
CREATE TRIGGER analytics_latest_delete AFTER DELETE ON analytics_snapshots
WHEN EXISTS (
    SELECT 1 FROM analytics_latest
     WHERE post_target_id IS OLD.post_target_id AND metric = OLD.metric
       AND channel_id = OLD.channel_id AND captured_at = OLD.captured_at)
BEGIN
    INSERT INTO analytics_latest_refresh VALUES (OLD.channel_id, OLD.post_target_id, OLD.metric);
END;

-- A job inserted published (as an import does), becoming or leaving 'published', retimed, moved
-- or deleted re-derives its target's row.
CREATE TRIGGER analytics_published_job_insert AFTER INSERT ON publish_jobs
WHEN NEW.state = 'published'
BEGIN
    INSERT INTO analytics_published_refresh VALUES (NEW.post_target_id);
END;

CREATE TRIGGER analytics_published_job_update
AFTER UPDATE OF post_target_id, state, published_at, due_at ON publish_jobs
WHEN OLD.state = 'published' OR NEW.state = 'published'
BEGIN
    INSERT INTO analytics_published_refresh VALUES (OLD.post_target_id);
    INSERT INTO analytics_published_refresh
    SELECT NEW.post_target_id WHERE NEW.post_target_id IS NOT OLD.post_target_id;
END;

CREATE TRIGGER analytics_published_job_delete AFTER DELETE ON publish_jobs
WHEN OLD.state = 'published'
BEGIN
    INSERT INTO analytics_published_refresh VALUES (OLD.post_target_id);
END;

-- A target moved to another channel.
CREATE TRIGGER analytics_published_target_channel AFTER UPDATE OF channel_id ON post_targets
BEGIN
    UPDATE analytics_published SET channel_id = NEW.channel_id WHERE post_target_id = NEW.id;
END;

-- The sums follow analytics_post_totals, whose triggers delete and re-insert a post's row on every
-- change of its latest values (INSERT OR REPLACE fires the insert trigger). When latest values
-- remain, the row is re-inserted at once and the insert trigger sets the new sums: only a post
-- left without any is cleared. (Updated in place, not re-derived: one write per snapshot.)
CREATE TRIGGER analytics_published_totals_insert AFTER INSERT ON analytics_post_totals
BEGIN
    UPDATE analytics_published
       SET engagement = NEW.engagement, likes = NEW.likes, reposts = NEW.reposts,
           replies = NEW.replies, impressions = NEW.impressions
     WHERE post_target_id = NEW.post_target_id;
END;

CREATE TRIGGER analytics_published_totals_update AFTER UPDATE ON analytics_post_totals
BEGIN
    INSERT INTO analytics_published_refresh VALUES (OLD.post_target_id);
    INSERT INTO analytics_published_refresh VALUES (NEW.post_target_id);
END;

CREATE TRIGGER analytics_published_totals_delete AFTER DELETE ON analytics_post_totals
WHEN NOT EXISTS (SELECT 1 FROM analytics_latest WHERE post_target_id = OLD.post_target_id)
BEGIN
    UPDATE analytics_published
       SET engagement = NULL, likes = NULL, reposts = NULL, replies = NULL, impressions = NULL
     WHERE post_target_id = OLD.post_target_id;
END;

-- The hour a post is in, and the hour it left when it moved.
CREATE TRIGGER analytics_hours_insert AFTER INSERT ON analytics_published
BEGIN
    INSERT INTO analytics_hours_refresh VALUES (NEW.published_at / 3600000, NEW.channel_id);
END;

CREATE TRIGGER analytics_hours_delete AFTER DELETE ON analytics_published
BEGIN
    INSERT INTO analytics_hours_refresh VALUES (OLD.published_at / 3600000, OLD.channel_id);
END;

CREATE TRIGGER analytics_hours_update AFTER UPDATE ON analytics_published
BEGIN
    INSERT INTO analytics_hours_refresh VALUES (NEW.published_at / 3600000, NEW.channel_id);
    INSERT INTO analytics_hours_refresh
    SELECT OLD.published_at / 3600000, OLD.channel_id
     WHERE OLD.channel_id IS NOT NEW.channel_id
        OR OLD.published_at / 3600000 IS NOT NEW.published_at / 3600000;
END;

-- A corrected reading (an UPDATE of a snapshot) refreshes the latest value of the key it left and
-- of the key it now has (the newest reading of each wins), which refreshes the post's sums above.
CREATE TRIGGER analytics_latest_update
AFTER UPDATE OF channel_id, post_target_id, metric, value, captured_at ON analytics_snapshots
BEGIN
    INSERT INTO analytics_latest_refresh VALUES (OLD.channel_id, OLD.post_target_id, OLD.metric);
    INSERT INTO analytics_latest_refresh
    SELECT NEW.channel_id, NEW.post_target_id, NEW.metric
     WHERE NEW.channel_id IS NOT OLD.channel_id OR NEW.post_target_id IS NOT OLD.post_target_id
        OR NEW.metric IS NOT OLD.metric;
END;

-- Backfill: every published target as it stands, and its hour.
INSERT INTO analytics_published_refresh
SELECT post_target_id FROM publish_jobs WHERE state = 'published';
