-- Network activity log: every API call (when, platform, endpoint, status). Never tokens, query strings or bodies.
-- Kept at most 30 days (purged at start and daily). The integer rowid id is the one exception to UUID ids:
-- the log is append-only and high-volume.
CREATE TABLE activity_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    platform    TEXT NOT NULL CHECK (platform <> ''),
    method      TEXT NOT NULL,
    host        TEXT NOT NULL,
    path        TEXT NOT NULL,
    status      INTEGER,
    duration_ms INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
    bytes       INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    error_kind  TEXT
);
CREATE INDEX activity_log_at ON activity_log (at);
CREATE INDEX activity_log_platform_at ON activity_log (platform, at);
