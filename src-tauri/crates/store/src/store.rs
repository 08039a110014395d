//! Opening, checking, migrating and wiping the database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, Sqlite, SqliteConnection, Transaction};

use crate::{Error, Result};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// A database file up to this size gets a full `quick_check` when it is opened (about 5 ms per MB:
/// tens of milliseconds here). A bigger one gets a bounded check — header, schema, the file not
/// shorter than its pages — so that start-up (and the scheduler's restart recovery, bar 200 ms) does
/// not grow with the data: a full `quick_check` took 1.96 s on a 359 MB profile.
/// [`Store::open_read_only_check`] always checks everything.
pub const FULL_CHECK_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Handle to the open database (cheap to clone; wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

/// Row count of one table (see [`table_counts`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableCount {
    /// Table name.
    pub table: &'static str,
    /// Number of rows.
    pub rows: i64,
}

/// Every user-data table, children before parents (the order `delete_everything` wipes them).
pub(crate) const TABLES: &[&str] = &[
    "activity_log",
    "ai_calls",
    "evergreen_copies",
    "evergreen_rules",
    "feed_items",
    "feeds",
    "consent_records",
    "settings",
    "brand_persona",
    "approval_previews",
    "analytics_hours",
    "analytics_published",
    "analytics_post_totals",
    "analytics_latest",
    "analytics_snapshots",
    "analytics_targets",
    "analytics_channels",
    "inbox_replies",
    "inbox_cursors",
    "inbox_corrections",
    "inbox_messages",
    "inbox_threads",
    "publish_parts",
    "publish_attempts",
    "publish_jobs",
    "posting_slots",
    "idea_tags",
    "post_tags",
    "tags",
    "idea_media",
    "post_media",
    "post_targets",
    "posts",
    "ideas",
    "templates",
    "board_columns",
    "campaigns",
    "media_assets",
    "sealed_secrets",
    "channel_pauses",
    "channels",
    "developer_apps",
];

pub(crate) fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .synchronous(SqliteSynchronous::Normal)
        .pragma("secure_delete", "ON")
        .disable_statement_logging()
}

impl Store {
    /// Opens (creating if missing) the database at `db_path`, checks it, applies pending migrations.
    ///
    /// Refuses, leaving the file untouched: a file that is not an SQLite database or fails
    /// `quick_check` ([`Error::Corrupt`]), an SQLite file of another application ([`Error::Corrupt`]),
    /// and a database migrated by a newer Outpost ([`Error::SchemaTooNew`]).
    pub async fn open(db_path: &Path) -> Result<Store> {
        if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io {
                path: dir.to_path_buf(),
                detail: e.to_string(),
            })?;
        }
        if file_has_content(db_path)? {
            let full = std::fs::metadata(db_path).map_or(true, |m| m.len() <= FULL_CHECK_MAX_BYTES);
            Self::check_file(db_path, full).await?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(connect_options(db_path))
            .await
            .map_err(|e| Error::from_sqlx_at(e, db_path))?;
        let store = Store {
            pool,
            path: db_path.to_path_buf(),
        };
        if let Err(e) = MIGRATOR.run(&store.pool).await {
            store.pool.close().await;
            return Err(match Error::from(e) {
                Error::Migration(sqlx::migrate::MigrateError::Execute(inner)) => {
                    Error::from_sqlx_at(inner, db_path)
                }
                other => other,
            });
        }
        tracing::info!(
            schema = Self::latest_schema_version(),
            "database opened at {}",
            db_path.display()
        );
        Ok(store)
    }

    /// Validates that an existing file is a sane Outpost database (header, `quick_check`, schema
    /// not newer than this binary) without migrating or writing to it.
    pub async fn open_read_only_check(db_path: &Path) -> Result<()> {
        Self::check_file(db_path, true).await
    }

    async fn check_file(db_path: &Path, full: bool) -> Result<()> {
        check_header(db_path)?;
        let mut conn = SqliteConnectOptions::new()
            .filename(db_path)
            .read_only(true)
            .create_if_missing(false)
            .disable_statement_logging()
            .connect()
            .await
            .map_err(|e| Error::from_sqlx_at(e, db_path))?;
        let result = check_connection(&mut conn, db_path, full).await;
        let _ = conn.close().await;
        result
    }

    /// The underlying pool (any repository function accepts `store.pool()` as executor).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The database file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a transaction (`BEGIN IMMEDIATE`: takes the write lock up front, so a transaction
    /// that writes never fails half way with SQLITE_BUSY). Pass `&mut *tx` to repository functions.
    pub async fn begin(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Starts a deferred (read) transaction: a consistent snapshot for export.
    pub async fn begin_read(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin().await?)
    }

    /// Newest migration version applied to this database.
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1",
        )
        .fetch_one(&self.pool)
        .await?
        .unwrap_or(0))
    }

    /// Newest migration embedded in this binary.
    pub fn latest_schema_version() -> i64 {
        MIGRATOR
            .migrations
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    /// Every migration version embedded in this binary, oldest first.
    pub fn schema_versions() -> Vec<i64> {
        MIGRATOR.migrations.iter().map(|m| m.version).collect()
    }

    /// Checkpoints the WAL into the main file (so the file alone is complete) and closes every connection.
    pub async fn close(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!("checkpoint before close failed: {e}");
        }
        self.pool.close().await;
    }

    /// `wal_checkpoint(TRUNCATE)` then `VACUUM`: rewrites the file so deleted data leaves no trace.
    pub async fn checkpoint_and_vacuum(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await?;
        sqlx::query("VACUUM").execute(&mut *conn).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Row counts of every table.
    pub async fn table_counts(&self) -> Result<Vec<TableCount>> {
        let mut conn = self.pool.acquire().await?;
        table_counts(&mut conn).await
    }

    /// Deletes every row of every table in one transaction (see [`delete_everything`]).
    pub async fn delete_everything(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        delete_everything(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Row counts of every user-data table (same order as wiped: children first).
pub async fn table_counts(conn: &mut SqliteConnection) -> Result<Vec<TableCount>> {
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let rows = sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?;
        out.push(TableCount { table, rows });
    }
    Ok(out)
}

/// Deletes every row of every table and the search index, on the given connection/transaction
/// (so an import can wipe and refill in one transaction). Migration history is kept.
/// Follow with [`Store::checkpoint_and_vacuum`] outside the transaction to scrub the file.
pub async fn delete_everything(conn: &mut SqliteConnection) -> Result<()> {
    for table in TABLES {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    // Each full-text index: its row map, its rows, then a rebuild, which drops every index segment
    // so no tokens of deleted text remain in the FTS shadow tables (the inbox's rows are already
    // gone with inbox_messages, through its triggers).
    for (docs, fts) in [
        ("search_docs", "search_fts"),
        ("inbox_search_docs", "inbox_fts"),
    ] {
        for sql in [
            format!("DELETE FROM {docs}"),
            format!("DELETE FROM {fts}"),
            format!("INSERT INTO {fts} ({fts}) VALUES ('rebuild')"),
        ] {
            sqlx::query(&sql).execute(&mut *conn).await?;
        }
    }
    tracing::info!("all rows deleted");
    Ok(())
}

/// The bounded check of a big file: the schema table's b-tree, and a file not shorter than the
/// pages it claims (a truncated copy is the usual damage). Returns problems as `quick_check` does.
async fn bounded_check(conn: &mut SqliteConnection, path: &Path) -> Result<Vec<String>> {
    let at = |e: sqlx::Error| Error::from_sqlx_at(e, path);
    let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA quick_check(sqlite_schema)")
        .fetch_all(&mut *conn)
        .await
        .map_err(at)?;
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&mut *conn)
        .await
        .map_err(at)?;
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&mut *conn)
        .await
        .map_err(at)?;
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    // Pages not yet checkpointed live in the WAL; together they hold every page.
    let on_disk = size(path).saturating_add(size(Path::new(&wal)));
    let claimed = u64::try_from(pages.saturating_mul(page_size)).unwrap_or(u64::MAX);
    if claimed > on_disk {
        problems.retain(|p| p != "ok");
        problems.push(format!(
            "the file is shorter ({on_disk} bytes) than its {pages} pages"
        ));
    }
    Ok(problems)
}

fn file_has_content(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::Io {
            path: path.to_path_buf(),
            detail: "it is a folder, not a file".into(),
        }),
        Ok(m) => Ok(m.len() > 0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::Io {
            path: path.to_path_buf(),
            detail: e.to_string(),
        }),
    }
}

fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => {
                return Err(Error::Io {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                });
            }
        }
    }
    if read < header.len() || &header[..16] != SQLITE_HEADER {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: "the file is not an SQLite database".into(),
        });
    }
    Ok(())
}

async fn check_connection(conn: &mut SqliteConnection, path: &Path, full: bool) -> Result<()> {
    let at = |e: sqlx::Error| Error::from_sqlx_at(e, path);
    let problems: Vec<String> = if full {
        sqlx::query_scalar("PRAGMA quick_check(5)")
            .fetch_all(&mut *conn)
            .await
            .map_err(at)?
    } else {
        bounded_check(conn, path).await?
    };
    if problems.len() != 1 || problems.first().map(String::as_str) != Some("ok") {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: format!("integrity check failed: {}", problems.join("; ")),
        });
    }
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *conn)
            .await
            .map_err(at)?;
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        if tables.is_empty() {
            return Ok(());
        }
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: "it is an SQLite database of another application".into(),
        });
    }
    let found: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&mut *conn)
            .await
            .map_err(at)?;
    let supported = Store::latest_schema_version();
    match found {
        Some(found) if found > supported => Err(Error::SchemaTooNew { found, supported }),
        _ => Ok(()),
    }
}
