-- Client approvals (issue 19): what a sealed preview is bound to, revocation, and who needs approval.

-- SHA-256 (hex) of the post's content when the preview was made; a decision only counts while the
-- post still has exactly this content.
ALTER TABLE approval_previews ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
-- Set when the user revoked the preview; its key is deleted at the same time.
ALTER TABLE approval_previews ADD COLUMN revoked_at INTEGER;
-- Where the preview file was written (shown in the list; the file itself is the user's).
ALTER TABLE approval_previews ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
CREATE INDEX approval_previews_created ON approval_previews (created_at);

-- A post that needs a client's approval cannot be scheduled until approved. NULL: the default of
-- its channels (any channel that requires approval).
ALTER TABLE posts ADD COLUMN needs_approval INTEGER CHECK (needs_approval IN (0, 1));
ALTER TABLE channels ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0 CHECK (requires_approval IN (0, 1));
