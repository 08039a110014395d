//! Import: an export archive into an empty profile, all or nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use super::{
    DataStage, EXPORT_OVERRIDES, FORMAT_NAME, FORMAT_VERSION, MANIFEST_ENTRY, Manifest, Progress,
    ProgressFn, TableInfo, db, exportable_tables, non_empty_tables, parent_first,
    safe_relative_path, sha256_hex,
};
use crate::Outpost;
use crate::error::{Error, Result};

/// Limits for an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Refuse archives whose entries declare more uncompressed bytes than this in total.
    pub max_uncompressed_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        // 64 GiB: far above any realistic profile, far below what a zip bomb declares.
        ImportOptions {
            max_uncompressed_bytes: 64 << 30,
        }
    }
}

/// What an import brought in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportSummary {
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    /// Number of media files restored.
    pub media_files: u64,
    /// Channels that came back as "reconnect needed" (tokens are never exported).
    pub channels_needing_reconnect: u64,
}

/// Upper bound of `manifest.json`.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// Upper bound of the number of entries.
const MAX_ENTRIES: usize = 10_000_000;
/// Bound variables per INSERT statement (SQLite's limit is 32766).
const MAX_VARS: usize = 30_000;

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidArchive {
        reason: reason.into(),
    }
}

/// Removes the staging folder unless the import completed.
struct Staging {
    dir: PathBuf,
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.dir.exists()
            && let Err(e) = std::fs::remove_dir_all(&self.dir)
        {
            tracing::warn!(dir = %self.dir.display(), "could not remove the import staging folder: {e}");
        }
    }
}

/// Reads an entry through a reader that never yields more than the entry declares.
fn read_limited(
    entry: &mut zip::read::ZipFile<'_, std::fs::File>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>> {
    let declared = entry.size();
    if declared > limit {
        return Err(bad(format!(
            "{name} declares {declared} bytes, more than the {limit} allowed"
        )));
    }
    let mut out = Vec::with_capacity(usize::try_from(declared).unwrap_or(0).min(1 << 26));
    entry
        .take(declared + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            bad(format!(
                "{name} cannot be read (the archive is damaged): {e}"
            ))
        })?;
    if out.len() as u64 != declared {
        return Err(bad(format!(
            "{name} does not have the size its header declares"
        )));
    }
    Ok(out)
}

use outpost_store::dump::{self, Value as Bind};

fn to_bind(v: serde_json::Value, table: &str, col: &str) -> Result<Bind> {
    use base64::Engine;
    use serde_json::Value;
    Ok(match v {
        Value::Null => Bind::Null,
        Value::Bool(b) => Bind::Int(i64::from(b)),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Bind::Int(i),
            (None, Some(f)) if !n.is_u64() => Bind::Real(f),
            _ => {
                return Err(bad(format!(
                    "data/{table}.json: column {col} holds a number out of range"
                )));
            }
        },
        Value::String(s) => Bind::Text(s),
        Value::Object(mut m) if m.len() == 1 && m.contains_key("$base64") => {
            match m.remove("$base64") {
                Some(Value::String(s)) => Bind::Blob(
                    base64::engine::general_purpose::STANDARD
                        .decode(s)
                        .map_err(|e| {
                            bad(format!(
                                "data/{table}.json: column {col} has invalid base64: {e}"
                            ))
                        })?,
                ),
                _ => {
                    return Err(bad(format!(
                        "data/{table}.json: column {col} has an invalid binary value"
                    )));
                }
            }
        }
        _ => {
            return Err(bad(format!(
                "data/{table}.json: column {col} holds a value that is not a column value"
            )));
        }
    })
}

fn describe_db_error(table: &str, e: outpost_store::Error) -> Error {
    let msg = e.detail();
    if msg.contains("UNIQUE constraint failed") || msg.contains("PRIMARY KEY") {
        bad(format!(
            "data/{table}.json has a duplicate id or value ({msg})"
        ))
    } else if msg.contains("FOREIGN KEY") {
        bad(format!(
            "data/{table}.json refers to items that are not in the archive ({msg})"
        ))
    } else {
        bad(format!("data/{table}.json cannot be imported: {msg}"))
    }
}

impl Outpost {
    /// Imports an export archive into this profile, which must hold no data.
    ///
    /// Everything is checked before anything is written (entry names, declared sizes against
    /// `options` and the free disk space, manifest format and versions, counts, tables and
    /// columns against this database); all rows go in one transaction; media files are written
    /// to a staging folder and moved into the media folder only after the commit. On any error
    /// the database and the media folder are unchanged.
    pub async fn import_archive(
        &self,
        archive: &Path,
        options: &ImportOptions,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<ImportSummary> {
        let mut progress = Progress::new(progress);
        progress.stage(DataStage::Validating);
        self.ensure_empty().await?;

        let file = std::fs::File::open(archive)
            .map_err(|e| Error::io(format!("opening {}", archive.display()), e))?;
        let mut zip = ZipArchive::new(file).map_err(|e| {
            bad(format!(
                "{} is not a readable zip archive (not a zip file, or truncated): {e}",
                archive.display()
            ))
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(bad(format!(
                "it has {} entries, more than the {MAX_ENTRIES} allowed",
                zip.len()
            )));
        }

        // 1. Entry names and declared sizes.
        let mut data_entries: BTreeMap<String, (usize, u64)> = BTreeMap::new();
        let mut media_entries: BTreeMap<String, (usize, u64)> = BTreeMap::new();
        let mut manifest_index = None;
        let mut names = BTreeSet::new();
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let entry = zip
                .by_index_raw(i)
                .map_err(|e| bad(format!("entry {i} cannot be read: {e}")))?;
            let name = entry.name().to_string();
            safe_relative_path(name.trim_end_matches('/'))
                .map_err(|e| bad(format!("it contains {e}")))?;
            if entry.is_symlink() {
                return Err(bad(format!("the entry {name:?} is a symbolic link")));
            }
            if !names.insert(name.clone()) {
                return Err(bad(format!("the entry {name:?} appears twice")));
            }
            total = total.saturating_add(entry.size());
            if entry.is_dir() {
                continue;
            }
            if name == MANIFEST_ENTRY {
                manifest_index = Some(i);
            } else if let Some(table) = name
                .strip_prefix("data/")
                .and_then(|n| n.strip_suffix(".json"))
            {
                if table.is_empty() || !table.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(bad(format!("the entry {name:?} is not a table file")));
                }
                data_entries.insert(table.to_string(), (i, entry.size()));
            } else if let Some(path) = name.strip_prefix("media/") {
                media_entries.insert(path.to_string(), (i, entry.size()));
            } else {
                return Err(bad(format!(
                    "the entry {name:?} is not part of an Outpost export"
                )));
            }
        }
        if total > options.max_uncompressed_bytes {
            return Err(bad(format!(
                "its entries declare {total} bytes uncompressed, more than the {} allowed",
                options.max_uncompressed_bytes
            )));
        }
        let data_dir = self.paths().data_dir();
        let free = fs2::available_space(data_dir)
            .map_err(|e| Error::io("checking the free disk space", e))?;
        if total > free {
            return Err(bad(format!(
                "its entries declare {total} bytes uncompressed, more than the {free} bytes free on the disk"
            )));
        }

        // 2. The manifest.
        let index = manifest_index
            .ok_or_else(|| bad("it has no manifest.json (it is not an Outpost export)"))?;
        let bytes = {
            let mut entry = zip
                .by_index(index)
                .map_err(|e| bad(format!("manifest.json cannot be read: {e}")))?;
            read_limited(&mut entry, MANIFEST_ENTRY, MAX_MANIFEST_BYTES)?
        };
        let manifest: Manifest = serde_json::from_slice(&bytes)
            .map_err(|e| bad(format!("manifest.json is not a valid manifest: {e}")))?;
        if manifest.format != FORMAT_NAME {
            return Err(bad(format!(
                "its format is {:?}, not {FORMAT_NAME:?}",
                manifest.format
            )));
        }
        if manifest.format_version != FORMAT_VERSION {
            return Err(bad(format!(
                "its format version is {}; this Outpost reads version {FORMAT_VERSION} (update Outpost to import newer exports)",
                manifest.format_version
            )));
        }
        let supported = outpost_store::Store::latest_schema_version();
        if manifest.schema_version > supported {
            return Err(Error::ArchiveTooNew {
                found: manifest.schema_version,
                supported,
            });
        }
        let declared: BTreeSet<&String> = manifest.counts.keys().collect();
        let present: BTreeSet<&String> = data_entries.keys().collect();
        if declared != present {
            let missing: Vec<_> = declared.difference(&present).collect();
            let extra: Vec<_> = present.difference(&declared).collect();
            return Err(bad(format!(
                "the manifest's counts do not match its table files (missing files: {missing:?}; undeclared files: {extra:?})"
            )));
        }
        let mut media_declared = BTreeMap::new();
        for m in &manifest.media {
            safe_relative_path(&m.path).map_err(|e| bad(format!("the manifest lists {e}")))?;
            if media_declared.insert(m.path.clone(), m).is_some() {
                return Err(bad(format!(
                    "the manifest lists the media file {:?} twice",
                    m.path
                )));
            }
            match media_entries.get(&m.path) {
                Some((_, size)) if *size == m.bytes => {}
                Some((_, size)) => {
                    return Err(bad(format!(
                        "media/{} is {size} bytes but the manifest says {}",
                        m.path, m.bytes
                    )));
                }
                None => {
                    return Err(bad(format!(
                        "the manifest lists media/{} but the archive lacks it",
                        m.path
                    )));
                }
            }
        }
        if let Some(extra) = media_entries
            .keys()
            .find(|p| !media_declared.contains_key(*p))
        {
            return Err(bad(format!("media/{extra} is not listed in the manifest")));
        }

        // 3. Tables and columns of this database.
        let mut tx = self.store().begin().await?;
        let tables: HashMap<String, TableInfo> = exportable_tables(&mut tx)
            .await?
            .into_iter()
            .map(|t| (t.name.clone(), t))
            .collect();
        if let Some(unknown) = manifest.counts.keys().find(|t| !tables.contains_key(*t)) {
            return Err(bad(format!(
                "it contains the table {unknown:?}, which this Outpost does not have"
            )));
        }
        let all: Vec<TableInfo> = tables.values().cloned().collect();
        let order = parent_first(&mut tx, &all).await?;
        dump::defer_foreign_keys(&mut *tx).await?;

        let rows_total: u64 = manifest.counts.values().sum();
        let bytes_total: u64 = manifest.media.iter().map(|m| m.bytes).sum();
        progress.totals(rows_total + manifest.media.len() as u64, bytes_total);
        progress.stage(DataStage::Rows);

        // 4. Rows, parents first.
        for name in order.iter().filter(|n| manifest.counts.contains_key(*n)) {
            let Some(table) = tables.get(name) else {
                continue;
            };
            let Some(&(index, _)) = data_entries.get(name) else {
                continue;
            };
            let entry_name = format!("data/{name}.json");
            let bytes = {
                let mut entry = zip
                    .by_index(index)
                    .map_err(|e| bad(format!("{entry_name} cannot be read: {e}")))?;
                read_limited(&mut entry, &entry_name, options.max_uncompressed_bytes)?
            };
            let rows: Vec<serde_json::Map<String, serde_json::Value>> =
                serde_json::from_slice(&bytes)
                    .map_err(|e| bad(format!("{entry_name} is not valid JSON: {e}")))?;
            drop(bytes);
            let expected = manifest.counts.get(name).copied().unwrap_or(0);
            if rows.len() as u64 != expected {
                return Err(bad(format!(
                    "{entry_name} has {} rows but the manifest says {expected}",
                    rows.len()
                )));
            }
            insert_rows(&mut tx, table, rows, &mut progress).await?;
        }
        for (table, col, _) in EXPORT_OVERRIDES {
            if tables
                .get(*table)
                .is_some_and(|t| t.columns.iter().any(|c| c == col))
            {
                // Re-apply what an export says about token-less rows, for archives edited by hand.
                dump::reapply_export_override(&mut *tx, table, col).await?;
            }
        }

        // 5. Media into a staging folder, verified against the manifest.
        progress.stage(DataStage::Media);
        let staging = Staging {
            dir: data_dir.join(format!(".import-staging-{}", uuid::Uuid::now_v7())),
        };
        std::fs::create_dir_all(&staging.dir)
            .map_err(|e| Error::io("creating the import staging folder", e))?;
        let mut buf = vec![0u8; 1 << 16];
        for m in &manifest.media {
            let Some(&(index, _)) = media_entries.get(&m.path) else {
                continue;
            };
            let mut entry = zip
                .by_index(index)
                .map_err(|e| bad(format!("media/{} cannot be read: {e}", m.path)))?;
            let dest = staging.dir.join(&m.path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("creating the import staging folder", e))?;
            }
            let mut out = std::fs::File::create(&dest)
                .map_err(|e| Error::io(format!("writing {}", dest.display()), e))?;
            let mut limited = (&mut entry).take(m.bytes + 1);
            let mut hasher = Sha256::new();
            let mut written = 0u64;
            loop {
                let n = limited.read(&mut buf).map_err(|e| {
                    bad(format!(
                        "media/{} cannot be read (damaged archive): {e}",
                        m.path
                    ))
                })?;
                if n == 0 {
                    break;
                }
                let chunk = buf.get(..n).unwrap_or_default();
                hasher.update(chunk);
                std::io::Write::write_all(&mut out, chunk)
                    .map_err(|e| Error::io(format!("writing {}", dest.display()), e))?;
                written += n as u64;
            }
            if written != m.bytes {
                return Err(bad(format!(
                    "media/{} is not the size its header and manifest declare",
                    m.path
                )));
            }
            if sha256_hex(&hasher.finalize()) != m.sha256.to_ascii_lowercase() {
                return Err(bad(format!(
                    "media/{} does not match its SHA-256 in the manifest",
                    m.path
                )));
            }
            out.sync_all()
                .map_err(|e| Error::io(format!("writing {}", dest.display()), e))?;
            progress.advance(1, written);
        }

        // 6. Commit (foreign keys are checked here), then move the media into place.
        progress.stage(DataStage::Finishing);
        tx.commit()
            .await
            .map_err(|e| describe_db_error("the archive", outpost_store::Error::from(e)))?;
        let media_dir = self.paths().media_dir();
        for m in &manifest.media {
            let from = staging.dir.join(&m.path);
            let to = media_dir.join(&m.path);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| {
                Error::io(
                    format!("moving the imported media file to {}", to.display()),
                    e,
                )
            })?;
        }
        drop(staging);
        tracing::info!(
            rows = rows_total,
            media = manifest.media.len(),
            "import finished"
        );
        Ok(ImportSummary {
            counts: manifest.counts.clone(),
            media_files: manifest.media.len() as u64,
            channels_needing_reconnect: manifest.counts.get("channels").copied().unwrap_or(0),
        })
    }

    /// Fails with [`Error::ProfileNotEmpty`] when any table (secrets included) has a row or the
    /// media folder holds a file.
    async fn ensure_empty(&self) -> Result<()> {
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        // Consent decisions are an append-only history, not content: the ones a fresh install's
        // onboarding recorded (before the user imports their archive) merge with the archive's.
        let tables: Vec<_> = non_empty_tables(&mut conn)
            .await?
            .into_iter()
            .filter(|(t, _)| t != "consent_records")
            .collect();
        if !tables.is_empty() {
            let detail = tables
                .iter()
                .map(|(t, n)| format!("{t}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::ProfileNotEmpty { detail });
        }
        let media = self.paths().media_dir();
        if let Ok(mut dir) = std::fs::read_dir(&media)
            && dir.next().is_some()
        {
            return Err(Error::ProfileNotEmpty {
                detail: format!("files in {}", media.display()),
            });
        }
        Ok(())
    }
}

/// Inserts rows with multi-row INSERTs; names come from this database's schema only (`table`),
/// an archive column not in it is an error.
async fn insert_rows(
    tx: &mut outpost_store::SqliteConnection,
    table: &TableInfo,
    rows: Vec<serde_json::Map<String, serde_json::Value>>,
    progress: &mut Progress<'_>,
) -> Result<()> {
    let name = &table.name;
    // Group consecutive rows by their column set (normally one group: every row has every column).
    let mut batch_cols: Vec<&String> = Vec::new();
    let mut batch: Vec<Vec<Bind>> = Vec::new();
    for mut row in rows {
        if let Some(unknown) = row.keys().find(|k| !table.columns.contains(k)) {
            return Err(bad(format!(
                "data/{name}.json has the column {unknown:?}, which the table {name} does not have"
            )));
        }
        let cols: Vec<&String> = table
            .columns
            .iter()
            .filter(|c| row.contains_key(*c))
            .collect();
        if cols.is_empty() {
            return Err(bad(format!(
                "data/{name}.json has a row without any column"
            )));
        }
        if cols != batch_cols || (batch.len() + 1) * cols.len() > MAX_VARS {
            flush(tx, name, &batch_cols, &mut batch).await?;
            batch_cols = cols.clone();
        }
        let mut values = Vec::with_capacity(cols.len());
        for c in &cols {
            let v = row.remove(*c).unwrap_or(serde_json::Value::Null);
            values.push(to_bind(v, name, c)?);
        }
        batch.push(values);
        progress.advance(1, 0);
    }
    flush(tx, name, &batch_cols, &mut batch).await
}

async fn flush(
    tx: &mut outpost_store::SqliteConnection,
    table: &str,
    cols: &[&String],
    batch: &mut Vec<Vec<Bind>>,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    dump::insert_rows(&mut *tx, table, cols, std::mem::take(batch))
        .await
        .map_err(|e| describe_db_error(table, e))?;
    Ok(())
}
