-- Issue #16: every part of a post (the post, each reply of a thread, a first comment) is a tracked
-- unit with its own platform id, recorded the moment it is sent and the moment it is live, so a
-- failure or a crash after part 1 resumes at the first unpublished part and never re-sends one.
CREATE TABLE publish_parts (
    job_id       TEXT NOT NULL REFERENCES publish_jobs (id) ON DELETE CASCADE,
    part_index   INTEGER NOT NULL CHECK (part_index >= 0),
    -- 'post' (part 0), 'reply' (a thread's later part), 'comment' (a first comment).
    kind         TEXT NOT NULL CHECK (kind IN ('post', 'reply', 'comment')),
    -- 'sending': the request may have left (outcome unknown after a crash); 'published': live;
    -- 'failed': a first comment that did not go out (retry or dismiss); 'dismissed': the user
    -- decided to leave the failed comment out.
    state        TEXT NOT NULL CHECK (state IN ('sending', 'published', 'failed', 'dismissed')),
    platform_id  TEXT,
    url          TEXT,
    -- Human reason of a failed comment (never a token or a body).
    error        TEXT,
    started_at   INTEGER NOT NULL,
    published_at INTEGER,
    PRIMARY KEY (job_id, part_index)
) WITHOUT ROWID;

-- Rate-limit pauses (a 429's Retry-After / reset time) per channel, kept across restarts: a new
-- `outpost run --once` does not retry before the platform said it may.
CREATE TABLE channel_pauses (
    channel_id TEXT PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    until_ms   INTEGER NOT NULL,
    reason     TEXT NOT NULL
) WITHOUT ROWID;

-- Jobs an earlier version may have sent without an answer (interrupted, or retrying after an
-- unknown outcome) get their part 0 as `sending`: its outcome stays unknown, never "not sent".
INSERT INTO publish_parts (job_id, part_index, kind, state, started_at)
SELECT j.id, 0, 'post', 'sending', j.updated_at FROM publish_jobs j
WHERE j.state = 'publishing'
   OR (j.state IN ('scheduled', 'held', 'unconfirmed') AND EXISTS (
        SELECT 1 FROM publish_attempts a
        WHERE a.job_id = j.id AND (a.outcome IS NULL OR a.outcome IN ('unknown', 'interrupted'))));
