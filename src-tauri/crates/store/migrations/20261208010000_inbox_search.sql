-- Smart inbox, triage: full-text search over received and sent items, and sentiment corrections
-- kept and applied to similar items.
--
-- `inbox_fts` (FTS5) indexes each message's text and author; `inbox_search_docs` maps a message to
-- its FTS rowid (rowids of inbox_messages are not stable across VACUUM), so updates and deletes
-- are index look-ups. Triggers keep both in step with inbox_messages, also on import and delete-all.

CREATE TABLE inbox_search_docs (
    rowid      INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE inbox_fts USING fts5 (
    author,
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER inbox_fts_ai AFTER INSERT ON inbox_messages BEGIN
    INSERT INTO inbox_search_docs (message_id) VALUES (NEW.id);
    INSERT INTO inbox_fts (rowid, author, text)
        VALUES (last_insert_rowid(), NEW.author_name || ' ' || NEW.author_handle, NEW.text);
END;
CREATE TRIGGER inbox_fts_au AFTER UPDATE OF text, author_name, author_handle ON inbox_messages BEGIN
    UPDATE inbox_fts SET author = NEW.author_name || ' ' || NEW.author_handle, text = NEW.text
        WHERE rowid = (SELECT rowid FROM inbox_search_docs WHERE message_id = NEW.id);
END;
CREATE TRIGGER inbox_fts_ad AFTER DELETE ON inbox_messages BEGIN
    DELETE FROM inbox_fts WHERE rowid = (SELECT rowid FROM inbox_search_docs WHERE message_id = OLD.id);
    DELETE FROM inbox_search_docs WHERE message_id = OLD.id;
END;

INSERT INTO inbox_search_docs (message_id) SELECT id FROM inbox_messages ORDER BY received_at, id;
INSERT INTO inbox_fts (rowid, author, text)
    SELECT d.rowid, m.author_name || ' ' || m.author_handle, m.text
      FROM inbox_search_docs d JOIN inbox_messages m ON m.id = d.message_id;

-- The item's text normalised for "similar" (case-folded; @mentions, links and punctuation removed;
-- whitespace collapsed), set at ingest; NULL on items stored before this migration until a
-- correction fills it in.
ALTER TABLE inbox_messages ADD COLUMN text_key TEXT;
CREATE INDEX inbox_messages_text_key ON inbox_messages (text_key);

-- A sentiment label the user set, by normalised text: applied to every stored item with the same
-- text whose label came from the model, and to such items when they arrive.
CREATE TABLE inbox_corrections (
    text_key   TEXT PRIMARY KEY NOT NULL CHECK (text_key <> ''),
    sentiment  TEXT NOT NULL CHECK (sentiment IN ('positive','neutral','negative')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The list is newest first with the id as tie-break: an index in exactly that order lets a page
-- stop after its rows instead of sorting every open item (replaces the received_at-only index).
DROP INDEX inbox_messages_received;
CREATE INDEX inbox_messages_newest ON inbox_messages (received_at, id);
