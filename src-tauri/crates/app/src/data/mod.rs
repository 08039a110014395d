//! Privacy and data controls: export everything to one archive, import it back into an empty
//! profile, delete single items, disconnect channels and delete all of the user's data.
//!
//! The archive format is documented in `EXPORT_FORMAT.md` next to this crate's `Cargo.toml`.
//! Export and import discover tables and columns from the database itself (`PRAGMA table_list`,
//! `PRAGMA table_info`), so a table added by a later migration is exported and imported without
//! code changes. Secrets (`sealed_secrets`) are never exported.

mod erase;
mod export;
mod import;

use std::collections::{BTreeMap, BTreeSet};

use outpost_store::SqliteConnection;
use outpost_store::dump;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

pub use erase::{
    BoxFuture, ChannelRevocation, ChannelSecrets, DeleteAllReport, ItemKind, NoRevoker,
    RevocationOutcome, Revoker, channel_secret_owner,
};
pub use export::ExportSummary;
pub use import::{ImportOptions, ImportSummary};

/// `manifest.json`'s `format`.
pub const FORMAT_NAME: &str = "outpost-export";
/// `manifest.json`'s `format_version`: the only one this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Name of the manifest entry.
pub const MANIFEST_ENTRY: &str = "manifest.json";

/// Tables that are never exported: sqlx's bookkeeping, the vault's sealed secrets (tokens cannot
/// move between keychains and must never leave the machine), `search_docs` and
/// `inbox_search_docs`, the search indexes' row maps, which the store's triggers rebuild as the
/// rows are imported, `analytics_latest`, `analytics_post_totals`, `analytics_published` and
/// `analytics_hours`, each metric's latest reading, each post's sums of them, each published
/// post's place in time with its sums and those summed per hour, which the jobs' and snapshots'
/// triggers rebuild as those rows are imported, and
/// `channel_pauses`, a platform's rate-limit pause of minutes (channels import disconnected anyway).
pub const EXCLUDED_TABLES: &[&str] = &[
    "_sqlx_migrations",
    "analytics_latest",
    "analytics_post_totals",
    "analytics_published",
    "analytics_hours",
    "sealed_secrets",
    "search_docs",
    "inbox_search_docs",
    "channel_pauses",
];

/// The archive's `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Outpost version that wrote the archive.
    pub app_version: String,
    /// Database schema version (newest migration) of the exporting profile.
    pub schema_version: i64,
    /// When the archive was written (RFC 3339, UTC).
    pub created_at: String,
    /// Rows per table; each table has the entry `data/<table>.json`.
    pub counts: BTreeMap<String, u64>,
    /// Every media file in the archive (entry `media/<path>`).
    pub media: Vec<MediaEntry>,
    /// Media files referenced by the database that were missing on disk at export time.
    #[serde(default)]
    pub missing_media: Vec<String>,
}

/// One media file of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaEntry {
    /// Relative to the data dir's media folder (`/`-separated), as in `media_assets.file_path`.
    pub path: String,
    pub bytes: u64,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
}

/// What export or import is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DataStage {
    /// Checking the archive (import only).
    Validating,
    /// Writing or reading table rows.
    Rows,
    /// Copying media files.
    Media,
    /// Writing the manifest / committing.
    Finishing,
}

/// Progress report: entities are rows plus media files; bytes are media bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DataProgress {
    pub stage: DataStage,
    pub entities_done: u64,
    pub entities_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// A progress callback (called often; keep it cheap).
pub type ProgressFn<'a> = &'a (dyn Fn(&DataProgress) + Send + Sync);

pub(crate) struct Progress<'a> {
    callback: Option<ProgressFn<'a>>,
    state: DataProgress,
}

impl<'a> Progress<'a> {
    pub(crate) fn new(callback: Option<ProgressFn<'a>>) -> Self {
        Progress {
            callback,
            state: DataProgress {
                stage: DataStage::Validating,
                entities_done: 0,
                entities_total: 0,
                bytes_done: 0,
                bytes_total: 0,
            },
        }
    }
    pub(crate) fn totals(&mut self, entities: u64, bytes: u64) {
        self.state.entities_total = entities;
        self.state.bytes_total = bytes;
        self.emit();
    }
    pub(crate) fn stage(&mut self, stage: DataStage) {
        self.state.stage = stage;
        self.emit();
    }
    pub(crate) fn advance(&mut self, entities: u64, bytes: u64) {
        self.state.entities_done += entities;
        self.state.bytes_done += bytes;
        // Rows advance one at a time: report every 1000 rows, and every media file.
        if bytes > 0
            || self.state.entities_done.is_multiple_of(1000)
            || self.state.entities_done == self.state.entities_total
        {
            self.emit();
        }
    }
    fn emit(&self) {
        if let Some(cb) = self.callback {
            cb(&self.state);
        }
    }
}

/// A table as this database defines it.
#[derive(Debug, Clone)]
pub(crate) struct TableInfo {
    pub name: String,
    /// Column names in declaration order.
    pub columns: Vec<String>,
    /// Primary-key columns in key order (all columns when there is none).
    pub key: Vec<String>,
}

/// Every table of the main schema that holds user data (ordinary tables, not views, virtual
/// tables, FTS shadow tables or SQLite's own), including the excluded ones.
async fn user_tables(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    let names = dump::user_tables(&mut *conn).await?;
    Ok(names
        .into_iter()
        .filter(|n| n != "_sqlx_migrations")
        .collect())
}

/// The tables an archive carries, by name, with their columns from `PRAGMA table_info`.
pub(crate) async fn exportable_tables(conn: &mut SqliteConnection) -> Result<Vec<TableInfo>> {
    let mut out = Vec::new();
    for name in user_tables(conn).await? {
        if EXCLUDED_TABLES.contains(&name.as_str()) {
            continue;
        }
        let cols = dump::table_columns(&mut *conn, &name).await?;
        let mut key: Vec<(i64, String)> = cols
            .iter()
            .filter(|(_, pk)| *pk > 0)
            .map(|(n, pk)| (*pk, n.clone()))
            .collect();
        key.sort();
        let columns: Vec<String> = cols.into_iter().map(|(n, _)| n).collect();
        let key = if key.is_empty() {
            columns.clone()
        } else {
            key.into_iter().map(|(_, n)| n).collect()
        };
        out.push(TableInfo { name, columns, key });
    }
    Ok(out)
}

/// Tables ordered parents first by their foreign keys (ties and cycles by name), so inserting in
/// this order keeps the store's triggers (search index) consistent.
pub(crate) async fn parent_first(
    conn: &mut SqliteConnection,
    tables: &[TableInfo],
) -> Result<Vec<String>> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in tables {
        let refs = dump::table_parents(&mut *conn, &t.name).await?;
        let set = refs
            .into_iter()
            .filter(|r| r != &t.name && names.contains(r.as_str()))
            .collect();
        parents.insert(t.name.clone(), set);
    }
    let mut done: Vec<String> = Vec::new();
    while done.len() < parents.len() {
        let ready = parents
            .iter()
            .find(|(n, ps)| !done.contains(n) && ps.iter().all(|p| done.contains(p)))
            .map(|(n, _)| n.clone());
        match ready {
            Some(n) => done.push(n),
            // A cycle: take the first remaining one (deferred foreign keys cover it).
            None => {
                if let Some(n) = parents.keys().find(|n| !done.contains(n)).cloned() {
                    done.push(n);
                }
            }
        }
    }
    Ok(done)
}

/// Why a path from an archive or the database was refused (a sentence fragment, e.g. "the absolute
/// path \"/etc/passwd\"").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct UnsafePath(String);

/// Checks a `/`-separated relative path from an archive or the database: no absolute paths,
/// drive prefixes, backslashes, `.`/`..` or empty components, no control characters.
pub(crate) fn safe_relative_path(path: &str) -> std::result::Result<(), UnsafePath> {
    let unsafe_path = |reason: String| Err(UnsafePath(reason));
    if path.is_empty() {
        return unsafe_path("an empty path".into());
    }
    if path.starts_with('/') {
        return unsafe_path(format!("the absolute path {path:?}"));
    }
    if path.contains('\\') {
        return unsafe_path(format!("the path {path:?} contains a backslash"));
    }
    if path.contains(':') {
        return unsafe_path(format!(
            "the path {path:?} contains a drive or stream prefix (':')"
        ));
    }
    if path.chars().any(char::is_control) {
        return unsafe_path(format!("the path {path:?} contains control characters"));
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return unsafe_path(format!(
                "the path {path:?} has a '..', '.' or empty component"
            ));
        }
    }
    Ok(())
}

/// Row counts of every user table (including secrets) with at least one row.
pub(crate) async fn non_empty_tables(conn: &mut SqliteConnection) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for name in user_tables(conn).await? {
        let n = dump::count_rows(&mut *conn, &name).await?;
        if n > 0 {
            out.push((name, n));
        }
    }
    Ok(out)
}

pub(crate) fn db(e: impl Into<outpost_store::Error>) -> Error {
    Error::Store(e.into())
}

pub(crate) fn sha256_hex(digest: &[u8]) -> String {
    use std::fmt::Write;
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Per-table column overrides applied on export (and re-applied on import): what a token-less
/// copy of the row must say. Channels come back as "reconnect needed", developer apps without a
/// client secret, since neither tokens nor client secrets are ever in an archive.
pub(crate) use outpost_store::dump::EXPORT_OVERRIDES;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for ok in ["a.png", "2026/01/a b.png", "x/y/z"] {
            assert!(safe_relative_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "C:/x",
            "c:x",
            "a\\b",
            "./a",
            "a/.",
        ] {
            assert!(safe_relative_path(bad).is_err(), "{bad}");
        }
    }
}
