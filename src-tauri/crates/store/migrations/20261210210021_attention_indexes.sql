-- Issue #21: "Needs attention" must not read every published job to find the few whose first
-- comment failed. The comment problems are few; this partial index holds only them.
CREATE INDEX publish_parts_comment_problems ON publish_parts (started_at, job_id)
    WHERE kind = 'comment' AND state IN ('failed', 'sending');
