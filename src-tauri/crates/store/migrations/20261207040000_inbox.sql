-- Smart inbox: sentiment scores and item links, sync cursors per channel and source, and replies
-- sent from Outpost as durable records (stored before sending, resolved by look-up after an
-- ambiguous failure, never sent blindly twice).

ALTER TABLE inbox_messages ADD COLUMN sentiment_score REAL;
ALTER TABLE inbox_messages ADD COLUMN url TEXT;
CREATE INDEX inbox_messages_state ON inbox_messages (is_done, is_read, received_at);

-- Where the last stored read of one source (e.g. 'mentions') of a channel stopped: the platform's
-- own position, advanced in the same transaction as the items it covers.
CREATE TABLE inbox_cursors (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    source     TEXT NOT NULL CHECK (source <> ''),
    cursor     TEXT NOT NULL,
    synced_at  INTEGER NOT NULL,
    PRIMARY KEY (channel_id, source)
);

-- A reply written in Outpost. `idempotency_key` is sent with it (where the platform accepts one);
-- `state`: pending (stored, about to be sent), sent, unconfirmed (the answer was lost: resolved by
-- look-up, never by a blind resend), failed (refused; nothing was published).
CREATE TABLE inbox_replies (
    id                 TEXT PRIMARY KEY NOT NULL,
    message_id         TEXT REFERENCES inbox_messages (id) ON DELETE SET NULL,
    channel_id         TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    in_reply_to        TEXT NOT NULL,
    text               TEXT NOT NULL CHECK (text <> ''),
    idempotency_key    TEXT NOT NULL UNIQUE,
    state              TEXT NOT NULL CHECK (state IN ('pending','sent','unconfirmed','failed')),
    platform_id        TEXT,
    url                TEXT,
    error              TEXT,
    created_at         INTEGER NOT NULL,
    attempted_at       INTEGER,
    sent_at            INTEGER
);
CREATE INDEX inbox_replies_message ON inbox_replies (message_id);
CREATE INDEX inbox_replies_channel ON inbox_replies (channel_id);
