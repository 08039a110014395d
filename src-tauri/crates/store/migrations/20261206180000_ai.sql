-- AI assistant: the ledger of every AI call and the persona's words to avoid.

-- One request to the user's AI provider: when, where, which model, what was sent and what came back
-- (the exact request body and the answer's text; never the API key). Kept 30 days; deletable.
CREATE TABLE ai_calls (
    id             TEXT PRIMARY KEY NOT NULL,
    at             INTEGER NOT NULL,
    action         TEXT NOT NULL,
    provider       TEXT NOT NULL,
    model          TEXT NOT NULL,
    request_bytes  INTEGER NOT NULL,
    response_bytes INTEGER NOT NULL,
    request_body   TEXT NOT NULL,
    answer         TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('ok','error')),
    error          TEXT,
    duration_ms    INTEGER NOT NULL
);
CREATE INDEX ai_calls_at ON ai_calls (at);

-- JSON array of words or phrases the assistant must not use.
ALTER TABLE brand_persona ADD COLUMN avoid_words TEXT NOT NULL DEFAULT '[]';
