-- Analytics: when each published post's metrics are next read (by the post's age: hourly in its
-- first 48 hours, then daily to 30 days, then weekly), what the last read found (the post was
-- deleted on the platform: marked, its history kept), and each channel's last sync state.
-- Snapshots themselves stay in analytics_snapshots (one row per metric per read, never overwritten).

CREATE TABLE analytics_targets (
    post_target_id TEXT PRIMARY KEY NOT NULL REFERENCES post_targets (id) ON DELETE CASCADE,
    channel_id     TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    next_sync_at   INTEGER NOT NULL,
    last_synced_at INTEGER,
    deleted_at     INTEGER,
    last_error     TEXT
);
CREATE INDEX analytics_targets_due ON analytics_targets (channel_id, next_sync_at) WHERE deleted_at IS NULL;

-- `state`: synced, not_built (the platform offers metrics, Outpost does not read them yet),
-- not_offered, skipped (the channel needs reconnecting), rate_limited, failed.
CREATE TABLE analytics_channels (
    channel_id     TEXT PRIMARY KEY NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    state          TEXT NOT NULL CHECK (state IN ('synced','not_built','not_offered','skipped','rate_limited','failed')),
    message        TEXT,
    last_synced_at INTEGER,
    updated_at     INTEGER NOT NULL
);
