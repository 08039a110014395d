-- Automation: RSS/Atom/JSON Feed autopost and evergreen recycling.

-- A feed bound to channels. `channel_ids`, `include_keywords` and `exclude_keywords` are JSON string
-- arrays. `etag` / `last_modified` are the validators of the last 200 answer (conditional requests).
CREATE TABLE feeds (
    id                 TEXT PRIMARY KEY NOT NULL,
    url                TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    channel_ids        TEXT NOT NULL DEFAULT '[]',
    mode               TEXT NOT NULL DEFAULT 'draft' CHECK (mode IN ('draft','queue','now')),
    template           TEXT NOT NULL,
    include_keywords   TEXT NOT NULL DEFAULT '[]',
    exclude_keywords   TEXT NOT NULL DEFAULT '[]',
    backfill_limit     INTEGER NOT NULL DEFAULT 1,
    poll_every_minutes INTEGER NOT NULL DEFAULT 30,
    paused             INTEGER NOT NULL DEFAULT 0,
    etag               TEXT,
    last_modified      TEXT,
    last_polled_at     INTEGER,
    next_poll_at       INTEGER,
    last_status        TEXT NOT NULL DEFAULT 'new' CHECK (last_status IN ('new','ok','not_modified','error')),
    last_error         TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX feeds_next_poll ON feeds (next_poll_at) WHERE paused = 0;

-- Every item a feed has seen, once: the dedupe record (by guid, else link) and what it became.
-- The row is written in the same transaction as the post it created, so an item is posted at most once.
CREATE TABLE feed_items (
    id           TEXT PRIMARY KEY NOT NULL,
    feed_id      TEXT NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key     TEXT NOT NULL,
    link         TEXT,
    title        TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    outcome      TEXT NOT NULL CHECK (outcome IN ('draft','queued','posted','skipped','failed')),
    post_id      TEXT REFERENCES posts (id) ON DELETE SET NULL,
    message      TEXT,
    seen_at      INTEGER NOT NULL,
    UNIQUE (feed_id, item_key)
);
CREATE INDEX feed_items_link ON feed_items (feed_id, link);
CREATE INDEX feed_items_seen ON feed_items (feed_id, seen_at);

-- A post marked evergreen: copies of it come back every `every_days` (never closer than
-- `min_gap_days` to the previous appearance), until `until_at` when set.
CREATE TABLE evergreen_rules (
    post_id        TEXT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    every_days     INTEGER NOT NULL CHECK (every_days >= 1),
    min_gap_days   INTEGER NOT NULL DEFAULT 0,
    until_at       INTEGER,
    last_at        INTEGER,
    next_due_at    INTEGER NOT NULL,
    last_message   TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX evergreen_next ON evergreen_rules (next_due_at);

-- Every repeat: the copy created (or why one was skipped).
CREATE TABLE evergreen_copies (
    id           TEXT PRIMARY KEY NOT NULL,
    post_id      TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    copy_post_id TEXT REFERENCES posts (id) ON DELETE SET NULL,
    at           INTEGER NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('scheduled','skipped')),
    message      TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX evergreen_copies_post ON evergreen_copies (post_id, at);
