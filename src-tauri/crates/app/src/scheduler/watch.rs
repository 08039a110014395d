//! Changes made by another process to the same data directory — `outpost posts create` or a CSV
//! import while the app runs, `outpost run` publishing while the app shows the calendar — reach
//! this process's front-ends and scheduler: a connection of its own polls SQLite's cheap
//! `PRAGMA data_version` and, when another connection has committed, compares the posts'
//! fingerprint; when posts or their publishing changed it wakes the scheduler (a new post gets its
//! timer) and sends [`SchedulerEvent::PostsChanged`].

use std::time::Duration;

use outpost_store::watch::PostsFingerprint;

use super::SchedulerEvent;
use crate::Outpost;

/// How often the data version is read (one `PRAGMA` on an idle connection).
pub(crate) const WATCH_EVERY: Duration = Duration::from_secs(1);

impl Outpost {
    /// Watches the data directory's database for changes to posts made elsewhere (see the module
    /// documentation). Runs until the store closes; the front-end spawns it on its runtime.
    pub async fn run_change_watch(self) {
        let mut watch = match self.store().change_watch().await {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!("changes made by other processes will not be noticed: {e}");
                return;
            }
        };
        let mut version: Option<i64> = None;
        let mut seen = PostsFingerprint::default();
        loop {
            if self.store().pool().is_closed() {
                return;
            }
            match watch.data_version().await {
                Ok(v) if version != Some(v) => {
                    let first = version.is_none();
                    version = Some(v);
                    match watch.posts_fingerprint().await {
                        Ok(f) if f != seen => {
                            seen = f;
                            if !first {
                                tracing::debug!("posts changed in the data directory");
                                self.scheduler_changed();
                                self.emit_scheduler(SchedulerEvent::PostsChanged);
                            }
                        }
                        Ok(_) => {}
                        Err(e) => tracing::debug!("change watch: {e}"),
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::debug!("change watch: {e}"),
            }
            tokio::time::sleep(WATCH_EVERY).await;
        }
    }
}
