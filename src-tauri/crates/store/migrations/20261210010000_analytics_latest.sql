-- The latest reading of each metric of each post target (post_target_id set) and of each
-- channel's account (post_target_id NULL): derived from analytics_snapshots, kept up to date by
-- the triggers below, so the Analytics overview and posts table read one row per post × metric
-- instead of every snapshot (issue 18: the 90-day overview at 100,000 posts × 50 snapshots).
-- Derived data, like analytics_post_totals below: not exported (an import's snapshot inserts
-- rebuild both through the triggers).
CREATE TABLE analytics_latest (
    channel_id     TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    post_target_id TEXT REFERENCES post_targets (id) ON DELETE CASCADE,
    metric         TEXT NOT NULL,
    value          REAL NOT NULL,
    captured_at    INTEGER NOT NULL
);
-- One row per (post target, metric, channel): the triggers keep it so (a UNIQUE index would let
-- NULL targets repeat anyway); the index covers the value, so reads never touch the table.
CREATE INDEX analytics_latest_key ON analytics_latest (post_target_id, metric, channel_id, value, captured_at);

-- A new reading replaces the stored one when it is as new or newer (a late, older reading does
-- not).
CREATE TRIGGER analytics_latest_insert AFTER INSERT ON analytics_snapshots BEGIN
    DELETE FROM analytics_latest
     WHERE post_target_id IS NEW.post_target_id AND metric = NEW.metric
       AND channel_id = NEW.channel_id AND captured_at <= NEW.captured_at;
    INSERT INTO analytics_latest (channel_id, post_target_id, metric, value, captured_at)
    SELECT NEW.channel_id, NEW.post_target_id, NEW.metric, NEW.value, NEW.captured_at
     WHERE NOT EXISTS (
        SELECT 1 FROM analytics_latest
         WHERE post_target_id IS NEW.post_target_id AND metric = NEW.metric
           AND channel_id = NEW.channel_id);
END;

-- A deleted reading that was the latest gives way to the newest one left (if any).
CREATE TRIGGER analytics_latest_delete AFTER DELETE ON analytics_snapshots
WHEN EXISTS (
    SELECT 1 FROM analytics_latest
     WHERE post_target_id IS OLD.post_target_id AND metric = OLD.metric
       AND channel_id = OLD.channel_id AND captured_at = OLD.captured_at)
BEGIN
    DELETE FROM analytics_latest
     WHERE post_target_id IS OLD.post_target_id AND metric = OLD.metric
       AND channel_id = OLD.channel_id;
    INSERT INTO analytics_latest (channel_id, post_target_id, metric, value, captured_at)
    SELECT channel_id, post_target_id, metric, value, captured_at FROM analytics_snapshots
     WHERE post_target_id IS OLD.post_target_id AND metric = OLD.metric
       AND channel_id = OLD.channel_id
     ORDER BY captured_at DESC, id DESC LIMIT 1;
END;

-- Backfill: the newest reading of each (post target or account, metric, channel).
INSERT INTO analytics_latest (channel_id, post_target_id, metric, value, captured_at)
SELECT channel_id, post_target_id, metric, value, captured_at FROM (
    SELECT channel_id, post_target_id, metric, value, captured_at,
           ROW_NUMBER() OVER (PARTITION BY post_target_id, metric, channel_id
                              ORDER BY captured_at DESC, id DESC) AS n
      FROM analytics_snapshots)
 WHERE n = 1;

-- Each post target's figures from its latest values, one row per post: engagement (likes +
-- reposts + replies + quotes + saves, those counted; NULL when none is), likes, reposts, replies
-- and impressions (the base of its engagement rate where counted). Kept by triggers on
-- analytics_latest, so the overview sums one row per post without grouping metric rows.
CREATE TABLE analytics_post_totals (
    post_target_id TEXT PRIMARY KEY NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    engagement     REAL,
    likes          REAL,
    reposts        REAL,
    replies        REAL,
    impressions    REAL
) WITHOUT ROWID;

CREATE TRIGGER analytics_post_totals_insert AFTER INSERT ON analytics_latest
WHEN NEW.post_target_id IS NOT NULL
BEGIN
    INSERT OR REPLACE INTO analytics_post_totals
    SELECT post_target_id,
           SUM(CASE WHEN metric IN ('likes','reposts','replies','quotes','saves') THEN value END),
           SUM(CASE WHEN metric = 'likes' THEN value END),
           SUM(CASE WHEN metric = 'reposts' THEN value END),
           SUM(CASE WHEN metric = 'replies' THEN value END),
           SUM(CASE WHEN metric = 'impressions' THEN value END)
      FROM analytics_latest WHERE post_target_id = NEW.post_target_id GROUP BY post_target_id;
END;

CREATE TRIGGER analytics_post_totals_delete AFTER DELETE ON analytics_latest
WHEN OLD.post_target_id IS NOT NULL
BEGIN
    DELETE FROM analytics_post_totals WHERE post_target_id = OLD.post_target_id;
    INSERT INTO analytics_post_totals
    SELECT post_target_id,
           SUM(CASE WHEN metric IN ('likes','reposts','replies','quotes','saves') THEN value END),
           SUM(CASE WHEN metric = 'likes' THEN value END),
           SUM(CASE WHEN metric = 'reposts' THEN value END),
           SUM(CASE WHEN metric = 'replies' THEN value END),
           SUM(CASE WHEN metric = 'impressions' THEN value END)
      FROM analytics_latest WHERE post_target_id = OLD.post_target_id GROUP BY post_target_id;
END;

INSERT INTO analytics_post_totals
SELECT post_target_id,
       SUM(CASE WHEN metric IN ('likes','reposts','replies','quotes','saves') THEN value END),
       SUM(CASE WHEN metric = 'likes' THEN value END),
       SUM(CASE WHEN metric = 'reposts' THEN value END),
       SUM(CASE WHEN metric = 'replies' THEN value END),
       SUM(CASE WHEN metric = 'impressions' THEN value END)
  FROM analytics_latest WHERE post_target_id IS NOT NULL GROUP BY post_target_id;
