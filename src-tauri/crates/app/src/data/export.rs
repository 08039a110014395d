//! Export: the whole profile (minus secrets) into one zip archive, written atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use outpost_store::dump;
use serde::Serialize;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{
    DataStage, FORMAT_NAME, FORMAT_VERSION, MANIFEST_ENTRY, Manifest, MediaEntry, Progress,
    ProgressFn, TableInfo, db, exportable_tables, safe_relative_path, sha256_hex,
};
use crate::Outpost;
use crate::error::{Error, Result};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportSummary {
    /// The archive written.
    pub path: PathBuf,
    /// Rows per table.
    pub counts: BTreeMap<String, u64>,
    /// Number of media files in the archive.
    pub media_files: u64,
    /// Size of the archive in bytes.
    pub bytes: u64,
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::io("writing the export archive", std::io::Error::other(e))
}

fn entry_options(method: CompressionMethod, size: u64) -> SimpleFileOptions {
    // A fixed timestamp keeps archives of the same data byte-identical.
    SimpleFileOptions::default()
        .compression_method(method)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(size >= u64::from(u32::MAX))
}

/// Encodes one SQLite value as JSON: NULL, integer, real and text map to JSON; a BLOB becomes
/// `{"$base64": "..."}`.
fn value_json(value: &dump::Value) -> serde_json::Value {
    use base64::Engine;
    match value {
        dump::Value::Null => serde_json::Value::Null,
        dump::Value::Int(i) => serde_json::Value::from(*i),
        dump::Value::Real(f) => serde_json::Number::from_f64(*f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        dump::Value::Blob(b) => {
            serde_json::json!({ "$base64": base64::engine::general_purpose::STANDARD.encode(b) })
        }
        dump::Value::Text(s) => serde_json::Value::from(s.as_str()),
    }
}

impl Outpost {
    /// Exports every table (except secrets) and every media file into the zip archive `out`.
    ///
    /// The archive is written to a temporary file next to `out` and renamed over it at the end,
    /// so `out` is never a half-written archive. Rows are read in one read transaction (a
    /// consistent snapshot), in primary-key order, so exporting the same data twice gives the
    /// same entries (only `manifest.json`'s `created_at` differs).
    pub async fn export_archive(
        &self,
        out: &Path,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<ExportSummary> {
        let mut progress = Progress::new(progress);
        let dir = match out.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::env::current_dir()
                .map_err(|e| Error::io("reading the current directory", e))?,
        };
        if out.is_dir() {
            return Err(Error::InvalidInput(format!(
                "{} is a folder; give a file name for the archive",
                out.display()
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(".outpost-export-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(format!("creating a temporary file in {}", dir.display()), e))?;
        let file = tmp
            .reopen()
            .map_err(|e| Error::io("opening the temporary export file", e))?;
        let mut zip = ZipWriter::new(std::io::BufWriter::with_capacity(1 << 20, file));

        let mut tx = self.store().begin_read().await?;
        let tables = exportable_tables(&mut tx).await?;
        let mut counts = BTreeMap::new();
        for t in &tables {
            let n = dump::count_rows(&mut *tx, &t.name).await?;
            counts.insert(t.name.clone(), u64::try_from(n).unwrap_or(0));
        }
        let media_paths = media_paths(&mut tx, &tables).await?;
        let media_dir = self.paths().media_dir();
        let mut media_sizes = Vec::new();
        let mut missing = Vec::new();
        for p in &media_paths {
            match std::fs::metadata(media_dir.join(p)) {
                Ok(m) if m.is_file() => media_sizes.push((p.clone(), m.len())),
                _ => {
                    tracing::warn!(path = %p, "a media file referenced by the library is missing; not exported");
                    missing.push(p.clone());
                }
            }
        }
        let rows_total: u64 = counts.values().sum();
        progress.totals(
            rows_total + media_sizes.len() as u64,
            media_sizes.iter().map(|(_, n)| n).sum(),
        );
        progress.stage(DataStage::Rows);

        let mut line = Vec::with_capacity(4096);
        for t in &tables {
            zip.start_file(
                format!("data/{}.json", t.name),
                entry_options(CompressionMethod::Deflated, 0),
            )
            .map_err(zip_err)?;
            let write = |zip: &mut ZipWriter<_>, bytes: &[u8]| {
                zip.write_all(bytes)
                    .map_err(|e| Error::io("writing the export archive", e))
            };
            write(&mut zip, b"[")?;
            let mut first = true;
            dump::for_each_export_row(&mut tx, &t.name, &t.columns, &t.key, |values| {
                line.clear();
                line.extend_from_slice(if first { b"\n{" } else { b",\n{" });
                first = false;
                for (i, (name, value)) in t.columns.iter().zip(values).enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    serde_json::to_writer(&mut line, name).map_err(json_err)?;
                    line.push(b':');
                    serde_json::to_writer(&mut line, &value_json(value)).map_err(json_err)?;
                }
                line.push(b'}');
                write(&mut zip, &line)?;
                progress.advance(1, 0);
                Ok::<(), Error>(())
            })
            .await?;
            write(&mut zip, if first { b"]\n" } else { b"\n]\n" })?;
        }
        tx.commit().await.map_err(db)?;

        progress.stage(DataStage::Media);
        let mut media = Vec::with_capacity(media_sizes.len());
        let mut buf = vec![0u8; 1 << 16];
        for (path, size) in media_sizes {
            let src = media_dir.join(&path);
            let mut f = std::fs::File::open(&src)
                .map_err(|e| Error::io(format!("reading {}", src.display()), e))?;
            zip.start_file(
                format!("media/{path}"),
                entry_options(CompressionMethod::Stored, size),
            )
            .map_err(zip_err)?;
            let mut hasher = Sha256::new();
            let mut bytes = 0u64;
            loop {
                let n = f
                    .read(&mut buf)
                    .map_err(|e| Error::io(format!("reading {}", src.display()), e))?;
                if n == 0 {
                    break;
                }
                let chunk = buf.get(..n).unwrap_or_default();
                hasher.update(chunk);
                zip.write_all(chunk)
                    .map_err(|e| Error::io("writing the export archive", e))?;
                bytes += n as u64;
            }
            progress.advance(1, bytes);
            media.push(MediaEntry {
                path,
                bytes,
                sha256: sha256_hex(&hasher.finalize()),
            });
        }

        progress.stage(DataStage::Finishing);
        let manifest = Manifest {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            app_version: crate::VERSION.into(),
            schema_version: self.store().schema_version().await?,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            counts: counts.clone(),
            media,
            missing_media: missing,
        };
        zip.start_file(
            MANIFEST_ENTRY,
            entry_options(CompressionMethod::Deflated, 0),
        )
        .map_err(zip_err)?;
        serde_json::to_writer_pretty(&mut zip, &manifest).map_err(json_err)?;
        let writer = zip.finish().map_err(zip_err)?;
        let file = writer
            .into_inner()
            .map_err(|e| Error::io("writing the export archive", e.into_error()))?;
        file.sync_all()
            .map_err(|e| Error::io("writing the export archive", e))?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        drop(file);
        tmp.persist(out)
            .map_err(|e| Error::io(format!("saving the archive as {}", out.display()), e.error))?;
        tracing::info!(path = %out.display(), rows = rows_total, media = manifest.media.len(), "export written");
        Ok(ExportSummary {
            path: out.to_path_buf(),
            counts,
            media_files: manifest.media.len() as u64,
            bytes,
        })
    }
}

fn json_err(e: serde_json::Error) -> Error {
    Error::io("writing the export archive", std::io::Error::other(e))
}

/// Every media file the library references (`media_assets.file_path` and `thumbnail_path`),
/// relative to the media folder, sorted. A path that would escape the media folder is refused.
async fn media_paths(
    conn: &mut outpost_store::SqliteConnection,
    tables: &[TableInfo],
) -> Result<Vec<String>> {
    let Some(t) = tables.iter().find(|t| t.name == "media_assets") else {
        return Ok(Vec::new());
    };
    let mut set = BTreeSet::new();
    for col in ["file_path", "thumbnail_path"] {
        if !t.columns.iter().any(|c| c == col) {
            continue;
        }
        let paths = if col == "file_path" {
            outpost_store::media::list_file_paths(&mut *conn).await?
        } else {
            outpost_store::media::list_thumbnail_paths(&mut *conn).await?
        };
        for p in paths.into_iter().flatten() {
            safe_relative_path(&p).map_err(|e| {
                Error::InvalidInput(format!("a media item has an unsafe file path: {e}"))
            })?;
            set.insert(p);
        }
    }
    Ok(set.into_iter().collect())
}
