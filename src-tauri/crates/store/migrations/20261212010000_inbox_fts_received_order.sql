-- Inbox search newest first without reading every match (issue #21: the inbox search under 10 ms at
-- 100,000 items). The list is ordered by (received_at, id), while the search index was in the order
-- items were stored, so a search read all of its matches (a third of the items for a common word)
-- before it could keep the newest. Now the index's rowid is the item's place in time: the second
-- of its received_at (ms / 1000, rounded toward zero, clamped to ±2^42) times 2^20, plus a slot
-- among the items of that second. FTS5 walks a match newest first (ORDER BY rowid DESC) and the list
-- stops after its page (`inbox::messages::list` sorts the items of one second by received_at and id).
-- Seconds, not milliseconds: most platforms date items to the second, and a smaller gap between
-- neighbouring rowids is a shorter index.
--
-- The row map and the index are rebuilt with the new rowids (same columns, same tokenizer) and
-- prefix indexes of one to four characters (search as you type: "cof" is one doclist, not a merge of
-- every word starting with it). New triggers give a new item the next free slot of its second and
-- re-key an item whose received_at changes; those that update and delete name the tables, so they
-- keep working.
DROP TRIGGER inbox_fts_ai;
DROP TABLE inbox_fts;
DROP TABLE inbox_search_docs;

CREATE TABLE inbox_search_docs (
    rowid      INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE inbox_fts USING fts5 (
    author,
    text,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3 4'
);

-- Puts an item in the index at the next free slot of its second (the view holds no rows; inserting
-- into it runs this trigger). Over 2^20 items of one second are refused (the next slot would be the
-- next second's).
CREATE VIEW inbox_search_put AS
    SELECT NULL AS message_id, NULL AS received_at, NULL AS author, NULL AS text WHERE 0;
CREATE TRIGGER inbox_search_put_io INSTEAD OF INSERT ON inbox_search_put BEGIN
    SELECT RAISE(ABORT, 'inbox search index: over 1,048,576 items received in one second')
     WHERE EXISTS (SELECT 1 FROM inbox_search_docs
                    WHERE rowid = max(min(NEW.received_at / 1000, 4398046511103), -4398046511104) * 1048576
                                  + 1048575);
    INSERT INTO inbox_search_docs (rowid, message_id) VALUES (
        coalesce(
            (SELECT max(rowid) + 1 FROM inbox_search_docs
              WHERE rowid BETWEEN max(min(NEW.received_at / 1000, 4398046511103), -4398046511104) * 1048576
                              AND max(min(NEW.received_at / 1000, 4398046511103), -4398046511104) * 1048576
                                  + 1048575),
            max(min(NEW.received_at / 1000, 4398046511103), -4398046511104) * 1048576),
        NEW.message_id);
    INSERT INTO inbox_fts (rowid, author, text) VALUES (last_insert_rowid(), NEW.author, NEW.text);
END;

CREATE TRIGGER inbox_fts_ai AFTER INSERT ON inbox_messages BEGIN
    INSERT INTO inbox_search_put (message_id, received_at, author, text)
        VALUES (NEW.id, NEW.received_at, NEW.author_name || ' ' || NEW.author_handle, NEW.text);
END;
-- Nothing updates received_at today; should anything, the item moves to its new place in time.
CREATE TRIGGER inbox_fts_ar AFTER UPDATE OF received_at ON inbox_messages
    WHEN NEW.received_at IS NOT OLD.received_at BEGIN
    DELETE FROM inbox_fts WHERE rowid = (SELECT rowid FROM inbox_search_docs WHERE message_id = OLD.id);
    DELETE FROM inbox_search_docs WHERE message_id = OLD.id;
    INSERT INTO inbox_search_put (message_id, received_at, author, text)
        VALUES (NEW.id, NEW.received_at, NEW.author_name || ' ' || NEW.author_handle, NEW.text);
END;

-- Existing items: the slots of a second in (received_at, id) order.
INSERT INTO inbox_search_docs (rowid, message_id)
    SELECT max(min(received_at / 1000, 4398046511103), -4398046511104) * 1048576
           + row_number() OVER (PARTITION BY max(min(received_at / 1000, 4398046511103), -4398046511104)
                                ORDER BY received_at, id) - 1,
           id
      FROM inbox_messages;
INSERT INTO inbox_fts (rowid, author, text)
    SELECT d.rowid, m.author_name || ' ' || m.author_handle, m.text
      FROM inbox_search_docs d JOIN inbox_messages m ON m.id = d.message_id
     ORDER BY d.rowid;
