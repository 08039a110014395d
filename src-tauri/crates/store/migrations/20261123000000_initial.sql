-- Outpost initial schema.
-- Conventions (see README.md): ids are TEXT UUIDv7 strings; instants are INTEGER unix milliseconds UTC
-- (columns ending in `_at`); calendar dates are TEXT 'YYYY-MM-DD'; wall-clock times are TEXT 'HH:MM'
-- or 'YYYY-MM-DDTHH:MM:SS'; booleans are INTEGER 0/1; enums are lower_snake_case TEXT with CHECK;
-- JSON columns are TEXT holding valid JSON.

CREATE TABLE developer_apps (
    id                TEXT PRIMARY KEY NOT NULL,
    platform          TEXT NOT NULL CHECK (platform IN ('x','linkedin','facebook','instagram','threads','youtube','tiktok','pinterest','bluesky','mastodon')),
    instance_url      TEXT NOT NULL DEFAULT '',
    client_id         TEXT NOT NULL,
    has_client_secret INTEGER NOT NULL DEFAULT 0 CHECK (has_client_secret IN (0, 1)),
    redirect_mode     TEXT NOT NULL DEFAULT 'loopback' CHECK (redirect_mode IN ('loopback','deep_link','out_of_band','custom')),
    redirect_uri      TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (platform, instance_url)
);

CREATE TABLE channels (
    id                  TEXT PRIMARY KEY NOT NULL,
    platform            TEXT NOT NULL CHECK (platform IN ('x','linkedin','facebook','instagram','threads','youtube','tiktok','pinterest','bluesky','mastodon')),
    instance_url        TEXT NOT NULL DEFAULT '',
    platform_account_id TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('profile','page','organization','board')),
    display_name        TEXT NOT NULL DEFAULT '',
    handle              TEXT NOT NULL DEFAULT '',
    avatar_url          TEXT,
    scopes              TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'connected' CHECK (status IN ('connected','reconnect_needed','disconnected')),
    status_reason       TEXT,
    token_expires_at    INTEGER,
    developer_app_id    TEXT REFERENCES developer_apps (id) ON DELETE SET NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (platform, instance_url, platform_account_id)
);
CREATE INDEX channels_developer_app ON channels (developer_app_id);

-- AES-256-GCM sealed values produced by the vault crate; the store never sees plaintext.
CREATE TABLE sealed_secrets (
    id          TEXT PRIMARY KEY NOT NULL,
    owner_kind  TEXT NOT NULL CHECK (owner_kind IN ('channel','developer_app','ai_provider','media_host','app')),
    owner_id    TEXT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose <> ''),
    key_id      TEXT NOT NULL,
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (owner_kind, owner_id, purpose)
);
CREATE TRIGGER channels_delete_secrets AFTER DELETE ON channels BEGIN
    DELETE FROM sealed_secrets WHERE owner_kind = 'channel' AND owner_id = OLD.id;
END;
CREATE TRIGGER developer_apps_delete_secrets AFTER DELETE ON developer_apps BEGIN
    DELETE FROM sealed_secrets WHERE owner_kind = 'developer_app' AND owner_id = OLD.id;
END;

CREATE TABLE media_assets (
    id             TEXT PRIMARY KEY NOT NULL,
    file_path      TEXT NOT NULL UNIQUE,
    original_name  TEXT NOT NULL DEFAULT '',
    mime           TEXT NOT NULL,
    bytes          INTEGER NOT NULL CHECK (bytes >= 0),
    width          INTEGER,
    height         INTEGER,
    duration_ms    INTEGER,
    sha256         TEXT NOT NULL,
    alt_text       TEXT NOT NULL DEFAULT '',
    thumbnail_path TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX media_assets_sha256 ON media_assets (sha256);

CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    colour      TEXT NOT NULL DEFAULT '',
    start_date  TEXT,
    end_date    TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE board_columns (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    colour      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE ideas (
    id              TEXT PRIMARY KEY NOT NULL,
    title           TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    campaign_id     TEXT REFERENCES campaigns (id) ON DELETE SET NULL,
    board_column_id TEXT REFERENCES board_columns (id) ON DELETE SET NULL,
    board_position  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX ideas_board ON ideas (board_column_id, board_position);
CREATE INDEX ideas_campaign ON ideas (campaign_id);

CREATE TABLE posts (
    id              TEXT PRIMARY KEY NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','scheduled','publishing','published','partially_published','failed')),
    scheduled_at    INTEGER,
    time_zone       TEXT,
    local_time      TEXT,
    campaign_id     TEXT REFERENCES campaigns (id) ON DELETE SET NULL,
    board_column_id TEXT REFERENCES board_columns (id) ON DELETE SET NULL,
    board_position  INTEGER NOT NULL DEFAULT 0,
    idea_id         TEXT REFERENCES ideas (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX posts_scheduled_at ON posts (scheduled_at, id) WHERE scheduled_at IS NOT NULL;
CREATE INDEX posts_status ON posts (status);
CREATE INDEX posts_campaign ON posts (campaign_id);
CREATE INDEX posts_board ON posts (board_column_id, board_position);
CREATE INDEX posts_idea ON posts (idea_id);

CREATE TABLE post_targets (
    id                 TEXT PRIMARY KEY NOT NULL,
    post_id            TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    channel_id         TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    caption            TEXT,
    title              TEXT,
    thumbnail_media_id TEXT REFERENCES media_assets (id) ON DELETE SET NULL,
    first_comment      TEXT,
    thread_parts       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(thread_parts)),
    options            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
    native_scheduling  INTEGER NOT NULL DEFAULT 0 CHECK (native_scheduling IN (0, 1)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (post_id, channel_id)
);
CREATE INDEX post_targets_channel ON post_targets (channel_id);
CREATE INDEX post_targets_thumbnail ON post_targets (thumbnail_media_id);

CREATE TABLE post_media (
    id         TEXT PRIMARY KEY NOT NULL,
    post_id    TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    target_id  TEXT REFERENCES post_targets (id) ON DELETE CASCADE,
    media_id   TEXT NOT NULL REFERENCES media_assets (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX post_media_post ON post_media (post_id, position);
CREATE INDEX post_media_target ON post_media (target_id);
CREATE INDEX post_media_media ON post_media (media_id);

CREATE TABLE idea_media (
    idea_id    TEXT NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    media_id   TEXT NOT NULL REFERENCES media_assets (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (idea_id, media_id)
);
CREATE INDEX idea_media_media ON idea_media (media_id);

CREATE TABLE templates (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE tags (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    colour      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE TABLE post_tags (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id  TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag ON post_tags (tag_id);
CREATE TABLE idea_tags (
    idea_id TEXT NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    tag_id  TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (idea_id, tag_id)
);
CREATE INDEX idea_tags_tag ON idea_tags (tag_id);

-- weekday: ISO 8601, 1 = Monday ... 7 = Sunday.
CREATE TABLE posting_slots (
    id          TEXT PRIMARY KEY NOT NULL,
    channel_id  TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    local_time  TEXT NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    time_zone   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (channel_id, weekday, local_time)
);

CREATE TABLE publish_jobs (
    id                 TEXT PRIMARY KEY NOT NULL,
    post_target_id     TEXT NOT NULL UNIQUE REFERENCES post_targets (id) ON DELETE CASCADE,
    state              TEXT NOT NULL CHECK (state IN ('scheduled','publishing','published','failed','unconfirmed','held','cancelled')),
    due_at             INTEGER NOT NULL,
    attempt_count      INTEGER NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    hold_reason        TEXT,
    last_error         TEXT,
    platform_post_id   TEXT,
    platform_url       TEXT,
    native_schedule_id TEXT,
    published_at       INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX publish_jobs_state_due ON publish_jobs (state, due_at, id);

CREATE TABLE publish_attempts (
    id               TEXT PRIMARY KEY NOT NULL,
    job_id           TEXT NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
    attempt_no       INTEGER NOT NULL CHECK (attempt_no >= 1),
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    outcome          TEXT CHECK (outcome IN ('success','retryable_error','rate_limited','needs_reauth','rejected','unknown','interrupted')),
    http_status      INTEGER,
    response_summary TEXT,
    idempotency_key  TEXT,
    UNIQUE (job_id, attempt_no)
);

CREATE TABLE inbox_threads (
    id                 TEXT PRIMARY KEY NOT NULL,
    channel_id         TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    platform_thread_id TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('comments','mentions','dm')),
    post_id            TEXT REFERENCES posts (id) ON DELETE SET NULL,
    subject            TEXT NOT NULL DEFAULT '',
    last_message_at    INTEGER,
    is_read            INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    is_done            INTEGER NOT NULL DEFAULT 0 CHECK (is_done IN (0, 1)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (channel_id, platform_thread_id)
);
CREATE INDEX inbox_threads_last ON inbox_threads (last_message_at);
CREATE INDEX inbox_threads_post ON inbox_threads (post_id);

CREATE TABLE inbox_messages (
    id                  TEXT PRIMARY KEY NOT NULL,
    thread_id           TEXT NOT NULL REFERENCES inbox_threads (id) ON DELETE CASCADE,
    platform_message_id TEXT NOT NULL,
    parent_platform_id  TEXT,
    author_id           TEXT NOT NULL DEFAULT '',
    author_name         TEXT NOT NULL DEFAULT '',
    author_handle       TEXT NOT NULL DEFAULT '',
    author_avatar_url   TEXT,
    text                TEXT NOT NULL DEFAULT '',
    kind                TEXT NOT NULL CHECK (kind IN ('comment','reply','mention','dm')),
    direction           TEXT NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound','outbound')),
    sentiment           TEXT CHECK (sentiment IN ('positive','neutral','negative','mixed')),
    sentiment_source    TEXT CHECK (sentiment_source IN ('local','ai','user')),
    is_read             INTEGER NOT NULL DEFAULT 0 CHECK (is_read IN (0, 1)),
    is_done             INTEGER NOT NULL DEFAULT 0 CHECK (is_done IN (0, 1)),
    received_at         INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    UNIQUE (thread_id, platform_message_id)
);
CREATE INDEX inbox_messages_received ON inbox_messages (received_at);
CREATE INDEX inbox_messages_thread ON inbox_messages (thread_id, received_at);

CREATE TABLE analytics_snapshots (
    id             TEXT PRIMARY KEY NOT NULL,
    channel_id     TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    post_target_id TEXT REFERENCES post_targets (id) ON DELETE CASCADE,
    metric         TEXT NOT NULL CHECK (metric <> ''),
    value          REAL NOT NULL,
    demographics   TEXT CHECK (demographics IS NULL OR json_valid(demographics)),
    captured_at    INTEGER NOT NULL
);
CREATE INDEX analytics_channel ON analytics_snapshots (channel_id, metric, captured_at);
CREATE INDEX analytics_target ON analytics_snapshots (post_target_id, metric, captured_at);

-- Only a password hash (PHC string, argon2/bcrypt) is ever stored; NULL once the preview is purged.
CREATE TABLE approval_previews (
    id            TEXT PRIMARY KEY NOT NULL,
    post_id       TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    password_hash TEXT,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    decision      TEXT CHECK (decision IN ('approved','rejected')),
    feedback      TEXT,
    decided_at    INTEGER
);
CREATE INDEX approval_previews_post ON approval_previews (post_id);
CREATE INDEX approval_previews_expires ON approval_previews (expires_at);

CREATE TABLE brand_persona (
    id           INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    tone         TEXT NOT NULL DEFAULT '',
    audience     TEXT NOT NULL DEFAULT '',
    style_notes  TEXT NOT NULL DEFAULT '',
    examples     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(examples)),
    updated_at   INTEGER NOT NULL
);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL
);

CREATE TABLE consent_records (
    id             TEXT PRIMARY KEY NOT NULL,
    kind           TEXT NOT NULL CHECK (kind <> ''),
    granted        INTEGER NOT NULL CHECK (granted IN (0, 1)),
    policy_version TEXT NOT NULL,
    given_at       INTEGER NOT NULL,
    source         TEXT NOT NULL
);
CREATE INDEX consent_records_kind ON consent_records (kind, given_at);
