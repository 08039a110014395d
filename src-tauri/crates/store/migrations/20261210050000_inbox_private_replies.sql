-- Instagram private replies (issue #17): a reply to a comment sent as a direct message to its
-- author (once per comment, within 7 days of it). 0: a public reply.
ALTER TABLE inbox_replies ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
