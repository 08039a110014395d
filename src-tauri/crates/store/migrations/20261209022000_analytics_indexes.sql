-- Analytics reads at 100,000 posts (cargo bench -p outpost-app --bench analytics):
-- published posts of a period are found by their publishing time (the expression the queries use,
-- published jobs only) instead of scanning every job;
CREATE INDEX publish_jobs_published ON publish_jobs (COALESCE(published_at, due_at)) WHERE state = 'published';
-- the latest value of each metric of a post is read from the index alone (it covers value and
-- channel), replacing the narrower index of the same leading columns.
DROP INDEX analytics_target;
CREATE INDEX analytics_target ON analytics_snapshots (post_target_id, metric, captured_at, value, channel_id);
