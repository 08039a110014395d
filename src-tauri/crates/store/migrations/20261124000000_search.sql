-- Full-text search over posts (base text and every per-target variant), ideas and templates.
-- One FTS5 table. `search_docs` maps each indexed source row (a post, a post target, an idea, a
-- template) to its FTS rowid, so updates and deletes are index lookups (rowids of the source tables
-- are not stable across VACUUM). A post's targets are separate documents with the post's item_id,
-- so adding a variant never rewrites the post's document; search groups hits by item.

CREATE TABLE search_docs (
    rowid     INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('post','idea','template')),
    item_id   TEXT NOT NULL,
    source_id TEXT NOT NULL,
    UNIQUE (kind, source_id)
);
CREATE INDEX search_docs_item ON search_docs (kind, item_id);

CREATE VIRTUAL TABLE search_fts USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_posts_ai AFTER INSERT ON posts BEGIN
    INSERT INTO search_docs (kind, item_id, source_id) VALUES ('post', NEW.id, NEW.id);
    INSERT INTO search_fts (rowid, title, body) VALUES (last_insert_rowid(), '', NEW.body);
END;
CREATE TRIGGER search_posts_au AFTER UPDATE OF body ON posts BEGIN
    UPDATE search_fts SET body = NEW.body
        WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'post' AND source_id = NEW.id);
END;
CREATE TRIGGER search_posts_ad AFTER DELETE ON posts BEGIN
    DELETE FROM search_fts WHERE rowid IN (SELECT rowid FROM search_docs WHERE kind = 'post' AND item_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'post' AND item_id = OLD.id;
END;

CREATE TRIGGER search_targets_ai AFTER INSERT ON post_targets
WHEN COALESCE(NEW.title, '') <> '' OR COALESCE(NEW.caption, '') <> '' OR COALESCE(NEW.first_comment, '') <> ''
     OR json_array_length(NEW.thread_parts) > 0
BEGIN
    INSERT INTO search_docs (kind, item_id, source_id) VALUES ('post', NEW.post_id, NEW.id);
    INSERT INTO search_fts (rowid, title, body) VALUES (last_insert_rowid(), COALESCE(NEW.title, ''),
        COALESCE(NEW.caption, '') || ' ' || COALESCE(NEW.first_comment, '') || ' ' ||
        COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(NEW.thread_parts) AS j), ''));
END;
CREATE TRIGGER search_targets_au AFTER UPDATE OF post_id, title, caption, first_comment, thread_parts ON post_targets BEGIN
    DELETE FROM search_fts WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'post' AND source_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'post' AND source_id = OLD.id;
    INSERT INTO search_docs (kind, item_id, source_id) SELECT 'post', NEW.post_id, NEW.id
        WHERE COALESCE(NEW.title, '') <> '' OR COALESCE(NEW.caption, '') <> '' OR COALESCE(NEW.first_comment, '') <> ''
              OR json_array_length(NEW.thread_parts) > 0;
    INSERT INTO search_fts (rowid, title, body)
        SELECT d.rowid, COALESCE(NEW.title, ''),
               COALESCE(NEW.caption, '') || ' ' || COALESCE(NEW.first_comment, '') || ' ' ||
               COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(NEW.thread_parts) AS j), '')
        FROM search_docs AS d WHERE d.kind = 'post' AND d.source_id = NEW.id;
END;
CREATE TRIGGER search_targets_ad AFTER DELETE ON post_targets BEGIN
    DELETE FROM search_fts WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'post' AND source_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'post' AND source_id = OLD.id;
END;

CREATE TRIGGER search_ideas_ai AFTER INSERT ON ideas BEGIN
    INSERT INTO search_docs (kind, item_id, source_id) VALUES ('idea', NEW.id, NEW.id);
    INSERT INTO search_fts (rowid, title, body) VALUES (last_insert_rowid(), NEW.title, NEW.notes);
END;
CREATE TRIGGER search_ideas_au AFTER UPDATE OF title, notes ON ideas BEGIN
    UPDATE search_fts SET title = NEW.title, body = NEW.notes
        WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'idea' AND source_id = NEW.id);
END;
CREATE TRIGGER search_ideas_ad AFTER DELETE ON ideas BEGIN
    DELETE FROM search_fts WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'idea' AND source_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'idea' AND source_id = OLD.id;
END;

CREATE TRIGGER search_templates_ai AFTER INSERT ON templates BEGIN
    INSERT INTO search_docs (kind, item_id, source_id) VALUES ('template', NEW.id, NEW.id);
    INSERT INTO search_fts (rowid, title, body) VALUES (last_insert_rowid(), NEW.name, NEW.body);
END;
CREATE TRIGGER search_templates_au AFTER UPDATE OF name, body ON templates BEGIN
    UPDATE search_fts SET title = NEW.name, body = NEW.body
        WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'template' AND source_id = NEW.id);
END;
CREATE TRIGGER search_templates_ad AFTER DELETE ON templates BEGIN
    DELETE FROM search_fts WHERE rowid = (SELECT rowid FROM search_docs WHERE kind = 'template' AND source_id = OLD.id);
    DELETE FROM search_docs WHERE kind = 'template' AND source_id = OLD.id;
END;

-- Index what existed before this migration.
INSERT INTO search_docs (kind, item_id, source_id) SELECT 'post', id, id FROM posts;
INSERT INTO search_docs (kind, item_id, source_id)
    SELECT 'post', post_id, id FROM post_targets
    WHERE COALESCE(title, '') <> '' OR COALESCE(caption, '') <> '' OR COALESCE(first_comment, '') <> ''
          OR json_array_length(thread_parts) > 0;
INSERT INTO search_docs (kind, item_id, source_id) SELECT 'idea', id, id FROM ideas;
INSERT INTO search_docs (kind, item_id, source_id) SELECT 'template', id, id FROM templates;
INSERT INTO search_fts (rowid, title, body)
    SELECT d.rowid, '', p.body FROM search_docs AS d JOIN posts AS p ON p.id = d.source_id WHERE d.kind = 'post';
INSERT INTO search_fts (rowid, title, body)
    SELECT d.rowid, COALESCE(t.title, ''),
           COALESCE(t.caption, '') || ' ' || COALESCE(t.first_comment, '') || ' ' ||
           COALESCE((SELECT group_concat(j.value, ' ') FROM json_each(t.thread_parts) AS j), '')
    FROM search_docs AS d JOIN post_targets AS t ON t.id = d.source_id WHERE d.kind = 'post';
INSERT INTO search_fts (rowid, title, body)
    SELECT d.rowid, i.title, i.notes FROM search_docs AS d JOIN ideas AS i ON i.id = d.source_id WHERE d.kind = 'idea';
INSERT INTO search_fts (rowid, title, body)
    SELECT d.rowid, t.name, t.body FROM search_docs AS d JOIN templates AS t ON t.id = d.source_id WHERE d.kind = 'template';
