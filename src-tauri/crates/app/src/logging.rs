//! Log set-up for the front-ends (desktop shell and CLI). Library code only emits `tracing` events;
//! only a front-end calls [`init`]. Logs roll daily into `<data dir>/logs`, files older than
//! [`RETENTION_DAYS`] are removed at start, and the level comes from `OUTPOST_LOG`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::error::{Error, Result};

pub const LOG_ENV: &str = "OUTPOST_LOG";
pub const RETENTION_DAYS: u64 = 30;
const DEFAULT_FILTER: &str = "info,sqlx=warn,hyper=warn,reqwest=warn,tao=warn,wry=warn";

/// Keeps the background log writer alive; drop it last (on exit) to flush.
#[derive(Debug)]
pub struct LogGuard {
    _file: WorkerGuard,
}

/// What the front-end wants besides the file: the CLI mirrors warnings to stderr, the desktop app
/// mirrors everything at the chosen level to stderr in debug builds.
#[derive(Debug, Clone, Copy)]
pub struct LogOptions<'a> {
    /// File name prefix, e.g. `desktop` or `cli` → `desktop.2026-11-23.log`.
    pub prefix: &'a str,
    /// Also write events at WARN and above to stderr.
    pub stderr_warnings: bool,
}

/// Installs the global subscriber. Removes files older than the retention period first.
pub fn init(logs_dir: &Path, opts: LogOptions<'_>) -> Result<LogGuard> {
    std::fs::create_dir_all(logs_dir).map_err(|e| Error::io("creating the log directory", e))?;
    let removed = purge_old_logs(
        logs_dir,
        Duration::from_secs(RETENTION_DAYS * 24 * 3600),
        SystemTime::now(),
    );

    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(opts.prefix)
        .filename_suffix("log")
        .max_log_files(RETENTION_DAYS as usize)
        .build(logs_dir)
        .map_err(|e| {
            Error::InvalidInput(format!(
                "cannot open the log file in {}: {e}",
                logs_dir.display()
            ))
        })?;
    let (writer, guard) = tracing_appender::non_blocking(appender);

    let filter =
        || EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let file_layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_filter(filter());
    let stderr_layer = opts.stderr_warnings.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .without_time()
            .with_target(false)
            .with_filter(tracing_subscriber::filter::LevelFilter::WARN)
    });
    // A second init (tests) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    if removed > 0 {
        tracing::info!(
            removed,
            "removed log files older than {RETENTION_DAYS} days"
        );
    }
    Ok(LogGuard { _file: guard })
}

/// Deletes `*.log` files in `dir` whose modification time is older than `max_age`. Returns how many.
pub fn purge_old_logs(dir: &Path, max_age: Duration, now: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("log") {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > max_age);
        if old && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn purge_removes_only_old_log_files() {
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join("desktop.2026-01-01.log");
        let fresh = tmp.path().join("desktop.2026-11-22.log");
        let other = tmp.path().join("notes.txt");
        for f in [&old, &fresh, &other] {
            std::fs::write(f, b"x").unwrap();
        }
        let day = Duration::from_secs(24 * 3600);
        let now = SystemTime::now();
        let f = std::fs::File::options().write(true).open(&old).unwrap();
        f.set_modified(now - day * 31).unwrap();
        let f = std::fs::File::options().write(true).open(&other).unwrap();
        f.set_modified(now - day * 400).unwrap();
        let n = purge_old_logs(tmp.path(), day * 30, now);
        assert_eq!(n, 1);
        assert!(!old.exists());
        assert!(fresh.exists());
        assert!(other.exists(), "non-log files are never touched");
    }
}
