-- Reply windows (issue #17): the last moment (ms) the platform accepts an answer to a message
-- (Instagram and Messenger: 24 hours after the person's last message; an Instagram private reply to
-- a comment: 7 days). NULL: no window.
ALTER TABLE inbox_messages ADD COLUMN reply_by INTEGER;
