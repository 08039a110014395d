//! The activity log: every outbound HTTP request of the core, written to the store by a background
//! task (the HTTP path never waits on the database), and purged after 30 days at start and daily.

use std::sync::Arc;
use std::time::Duration;

use outpost_net::{ActivityEntry, ActivitySink, HttpClient};
use outpost_store::Store;
use outpost_store::activity::{self, NewActivity};
use tokio::sync::mpsc;

/// How often old entries are purged while the app runs.
const PURGE_EVERY: Duration = Duration::from_secs(24 * 3600);
/// Entries waiting to be written; beyond this the newest are dropped (and that is logged).
const QUEUE: usize = 4096;

/// Queues entries for the writer task.
#[derive(Debug)]
pub struct StoreSink {
    tx: mpsc::Sender<ActivityEntry>,
}

impl ActivitySink for StoreSink {
    fn record(&self, entry: ActivityEntry) {
        if self.tx.try_send(entry).is_err() {
            tracing::warn!("activity log queue full or closed; an entry was dropped");
        }
    }
}

/// Starts the writer and the daily purge; returns the HTTP client every core component uses (an
/// error when it cannot be built: there is no fallback to a client without timeouts).
/// Must be called inside a tokio runtime.
pub fn start(store: Store) -> crate::Result<HttpClient> {
    let (tx, mut rx) = mpsc::channel::<ActivityEntry>(QUEUE);
    let writer_store = store.clone();
    tokio::spawn(async move {
        while let Some(entry) = rx.recv().await {
            if let Err(e) = activity::record(writer_store.pool(), &to_row(entry)).await {
                tracing::warn!(error = %e, "could not write an activity log entry");
            }
        }
    });
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(PURGE_EVERY);
        loop {
            interval.tick().await; // the first tick is immediate: purge at start
            purge(&store).await;
        }
    });
    HttpClient::new(Arc::new(StoreSink { tx }))
        .map_err(|e| crate::Error::PlatformUnavailable(e.to_string()))
}

/// Removes entries older than the retention period (30 days).
pub async fn purge(store: &Store) {
    let cutoff = outpost_store::now_ms() - activity::RETENTION_MS;
    match activity::purge_older_than(store.pool(), cutoff).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            removed = n,
            "activity log: removed entries older than 30 days"
        ),
        Err(e) => tracing::warn!(error = %e, "activity log purge failed"),
    }
}

fn to_row(e: ActivityEntry) -> NewActivity {
    NewActivity {
        at: e.at_ms,
        platform: e.platform,
        method: e.method,
        host: e.host,
        path: e.path,
        status: e.status.map(i64::from),
        duration_ms: e.duration_ms,
        bytes: e.bytes_sent.saturating_add(e.bytes_received),
        error_kind: e.error,
    }
}
