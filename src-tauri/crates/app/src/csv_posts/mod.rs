//! Bulk CSV import and export of posts (format: `CSV_FORMAT.md` next to this file).
//!
//! Import is two steps: [`Outpost::preview_csv`] parses and checks every row with the same rules as
//! creating a post (nothing is written), then [`Outpost::import_csv`] checks again and creates the
//! posts in one transaction: every row or nothing ([`CsvImportMode::AllOrNothing`]), or — once the
//! user has seen the preview — the valid rows only ([`CsvImportMode::SkipInvalid`]).

mod export;
mod parse;

use std::collections::BTreeSet;
use std::path::Path;

use outpost_store::{new_id, now_ms, tags};
use serde::{Deserialize, Serialize};

use crate::posts::{NewMedia, NewPost, PostField, PreparedPost, stage_post};
use crate::{Error, Outpost, Result};

pub use export::CsvExportSummary;
pub use parse::{COLUMNS, MAX_CSV_BYTES, MAX_CSV_ROWS};

/// One problem found in the file: where (spreadsheet row, header = row 1; column) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvIssue {
    /// Spreadsheet row number (the header is row 1, the first post row 2); `None` for the file as
    /// a whole (size, encoding, header).
    pub row: Option<u32>,
    /// The column the problem is in (`text`, `channels`, `time`, `media`, `tags`, `title`, …,
    /// `first_comment`), `None` when it concerns the row or file as a whole.
    pub column: Option<String>,
    pub message: String,
}

/// A row as it would be imported, with its problems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvRowPreview {
    /// Spreadsheet row number (header = 1).
    pub row: u32,
    pub text: String,
    /// The channels as written in the file.
    pub channels: Vec<String>,
    /// Resolved channel labels (`Platform @handle`), for the channels that were found.
    pub channel_labels: Vec<String>,
    /// The time as written; empty for a draft.
    pub time: String,
    /// The wall-clock time the post would be scheduled at (`YYYY-MM-DD HH:MM` in `time_zone`),
    /// `None` for a draft or an unreadable time.
    pub local_time: Option<String>,
    pub media: Vec<String>,
    pub tags: Vec<String>,
    pub first_comment: String,
    /// The per-platform columns the row sets (`title`, `privacy`, `board`, …), in column order.
    #[serde(default)]
    pub options: Vec<CsvOptionCell>,
    /// True when the row has no time: it becomes a draft.
    pub draft: bool,
    /// Empty when the row can be imported.
    pub errors: Vec<CsvIssue>,
}

/// One per-platform column of a row, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvOptionCell {
    pub column: String,
    pub value: String,
}

/// The per-platform columns `raw` sets, in the export's column order.
fn option_cells(raw: &parse::RawRow) -> Vec<CsvOptionCell> {
    let yes = |b: bool| if b { "yes".to_string() } else { String::new() };
    let cells = [
        ("title", raw.title.clone()),
        ("privacy", raw.privacy.clone()),
        ("board", raw.board.clone()),
        ("link", raw.link.clone()),
        ("thread", raw.thread.join(" / ")),
        ("native_schedule", yes(raw.native_schedule)),
        ("category", raw.category.clone()),
        ("made_for_kids", yes(raw.made_for_kids)),
        ("thumbnail", raw.thumbnail.clone()),
        ("disclose", raw.disclose.clone()),
        ("placement", raw.placement.clone()),
        ("alt", raw.alt.join("; ")),
    ];
    cells
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(c, v)| CsvOptionCell {
            column: c.to_string(),
            value: v,
        })
        .collect()
}

/// The dry run: every row checked, nothing created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvPreview {
    pub file_name: String,
    /// The zone local times are read in.
    pub time_zone: String,
    pub total_rows: u32,
    pub valid_rows: u32,
    pub invalid_rows: u32,
    /// Problems with the file as a whole (then nothing can be imported).
    pub file_errors: Vec<CsvIssue>,
    pub rows: Vec<CsvRowPreview>,
    /// Tags the import would create (named in the file, not existing yet).
    pub new_tags: Vec<String>,
}

impl CsvPreview {
    /// Every problem: file-level first, then each row's.
    pub fn issues(&self) -> Vec<CsvIssue> {
        let mut out = self.file_errors.clone();
        for r in &self.rows {
            out.extend(r.errors.iter().cloned());
        }
        out
    }
}

/// What to do with rows that have errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CsvImportMode {
    /// Any row error: nothing is created.
    #[default]
    AllOrNothing,
    /// Create the valid rows and skip the others (after the user saw the preview).
    SkipInvalid,
}

/// What an import created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvImportSummary {
    pub created: u32,
    pub post_ids: Vec<String>,
    /// Rows not imported (only with `skip_invalid`), with their problems.
    pub skipped: Vec<CsvIssue>,
    pub skipped_rows: u32,
    pub tags_created: Vec<String>,
}

/// A row checked by the posts service, ready to write.
struct ReadyRow {
    prepared: PreparedPost,
    tags: Vec<String>,
}

fn column_of(field: PostField) -> Option<String> {
    match field {
        PostField::Channels => Some("channels".into()),
        PostField::Time => Some("time".into()),
        PostField::Media => Some("media".into()),
        PostField::Content => Some("text".into()),
        PostField::Options => None,
        PostField::PlatformOption(f) => Some(f.column().into()),
    }
}

impl Outpost {
    /// The dry run: parses and checks every row of the CSV file with the rules of creating a post.
    /// Nothing is written.
    pub async fn preview_csv(&self, path: &Path) -> Result<CsvPreview> {
        Ok(self.check_csv(path).await?.0)
    }

    async fn check_csv(&self, path: &Path) -> Result<(CsvPreview, Vec<Option<ReadyRow>>)> {
        let zone = self.time_zone().await?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = match parse::read_file(path) {
            Ok(p) => p,
            Err(issue) => {
                return Ok((
                    CsvPreview {
                        file_name,
                        time_zone: zone,
                        total_rows: 0,
                        valid_rows: 0,
                        invalid_rows: 0,
                        file_errors: vec![issue],
                        rows: vec![],
                        new_tags: vec![],
                    },
                    vec![],
                ));
            }
        };
        let base_dir = path.parent().unwrap_or(Path::new("."));
        let all_channels = outpost_store::channels::list_all(self.store().pool()).await?;
        let mut rows = Vec::with_capacity(parsed.len());
        let mut ready = Vec::with_capacity(parsed.len());
        let mut new_tags = BTreeSet::new();
        for raw in parsed {
            let mut errors = raw.errors.clone();
            let mut preview = CsvRowPreview {
                row: raw.row,
                text: raw.text.clone(),
                channels: raw.channels.clone(),
                channel_labels: vec![],
                time: raw.time.clone(),
                local_time: None,
                media: raw.media.clone(),
                tags: raw.tags.clone(),
                first_comment: raw.first_comment.clone(),
                options: option_cells(&raw),
                draft: raw.time.is_empty(),
                errors: vec![],
            };
            let issue = |column: &str, message: String| CsvIssue {
                row: Some(raw.row),
                column: Some(column.to_string()),
                message,
            };
            // Channels: an id or platform:handle.
            let mut channel_ids = Vec::new();
            let mut platforms = Vec::new();
            for reference in &raw.channels {
                match parse::resolve_channel(reference, &all_channels) {
                    Ok(c) => {
                        preview.channel_labels.push(parse::channel_label(c));
                        channel_ids.push(c.id.clone());
                        platforms.push(crate::channels::to_platform(c.platform));
                    }
                    Err(m) => errors.push(issue("channels", m.to_string())),
                }
            }
            // Media: relative paths are relative to the CSV file's folder.
            let mut media = Vec::new();
            for m in &raw.media {
                let p = Path::new(m);
                let full = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    base_dir.join(p)
                };
                if full.is_file() {
                    media.push(NewMedia {
                        path: full,
                        alt: None,
                    });
                } else if full.is_dir() {
                    errors.push(issue("media", format!("{m} is a folder, not a file")));
                } else {
                    errors.push(issue("media", format!("{m} does not exist")));
                }
            }
            if raw.text.trim().is_empty() && raw.media.is_empty() {
                errors.push(issue("text", "the post has neither text nor media".into()));
            }
            if !raw.time.is_empty()
                && let Ok(tz) = crate::scheduler::time::zone(&zone)
                && let Ok((_, local)) = crate::scheduler::time::parse_when(&raw.time, tz)
            {
                preview.local_time = Some(local.replace('T', " ").chars().take(16).collect());
            }
            let mut ready_row = None;
            if errors.is_empty() {
                // The per-platform columns, through the same check as `posts create`'s flags.
                let fields = crate::posts::PublishFields {
                    title: Some(raw.title.clone()),
                    privacy: Some(raw.privacy.clone()),
                    board: Some(raw.board.clone()),
                    link: Some(raw.link.clone()),
                    first_comment: Some(raw.first_comment.clone()),
                    thread: raw.thread.clone(),
                    native_schedule: raw.native_schedule,
                    category: Some(raw.category.clone()),
                    made_for_kids: raw.made_for_kids,
                    thumbnail: (!raw.thumbnail.is_empty()).then(|| {
                        let p = Path::new(&raw.thumbnail);
                        if p.is_absolute() {
                            raw.thumbnail.clone()
                        } else {
                            base_dir.join(p).to_string_lossy().into_owned()
                        }
                    }),
                    disclose: Some(raw.disclose.clone()),
                    placement: Some(raw.placement.clone()),
                    alt: raw.alt.clone(),
                };
                let mut variants = Vec::new();
                for (id, p) in channel_ids.iter().zip(&platforms) {
                    match crate::posts::variant_for_field(*p, id, &fields) {
                        Ok(v) => variants.push(v),
                        Err((f, e)) => errors.push(issue(f.column(), e.to_string())),
                    }
                }
                if !errors.is_empty() {
                    preview.errors = errors;
                    rows.push(preview);
                    ready.push(None);
                    continue;
                }
                let media = match fields.media_with_alt(media.into_iter().map(|m| m.path).collect())
                {
                    Ok(m) => m,
                    Err(e) => {
                        preview.errors = vec![issue("alt", e.to_string())];
                        rows.push(preview);
                        ready.push(None);
                        continue;
                    }
                };
                let new = NewPost {
                    text: raw.text.clone(),
                    channels: channel_ids,
                    media,
                    at: (!raw.time.is_empty()).then(|| raw.time.clone()),
                    time_zone: Some(zone.clone()),
                    draft: raw.time.is_empty(),
                    variants,
                };
                match self.prepare_post(&new).await {
                    Ok(prepared) => {
                        for t in &raw.tags {
                            if tags::find_by_name(self.store().pool(), t).await?.is_none() {
                                new_tags.insert(t.clone());
                            }
                        }
                        ready_row = Some(ReadyRow {
                            prepared,
                            tags: raw.tags.clone(),
                        });
                    }
                    Err(e) => errors.push(CsvIssue {
                        row: Some(raw.row),
                        column: column_of(e.field),
                        message: e.error.to_string(),
                    }),
                }
            }
            preview.errors = errors;
            rows.push(preview);
            ready.push(ready_row);
        }
        let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let valid = u32::try_from(ready.iter().filter(|r| r.is_some()).count()).unwrap_or(0);
        Ok((
            CsvPreview {
                file_name,
                time_zone: zone,
                total_rows: total,
                valid_rows: valid,
                invalid_rows: total - valid,
                file_errors: vec![],
                rows,
                new_tags: new_tags.into_iter().collect(),
            },
            ready,
        ))
    }

    /// Imports the CSV file: checks every row again, then creates the posts (and the tags they
    /// name) in one transaction. With [`CsvImportMode::AllOrNothing`] any row error refuses the
    /// whole file; with [`CsvImportMode::SkipInvalid`] the valid rows are created.
    pub async fn import_csv(&self, path: &Path, mode: CsvImportMode) -> Result<CsvImportSummary> {
        let (preview, ready) = self.check_csv(path).await?;
        if let Some(e) = preview.file_errors.first() {
            return Err(Error::InvalidInput(format!(
                "{}: {}; nothing was imported",
                preview.file_name, e.message
            )));
        }
        let issues = preview.issues();
        if mode == CsvImportMode::AllOrNothing && !issues.is_empty() {
            let first = &issues[0];
            return Err(Error::InvalidInput(format!(
                "{} of {} rows have errors; nothing was imported (first: row {}{}: {})",
                preview.invalid_rows,
                preview.total_rows,
                first.row.unwrap_or(0),
                first
                    .column
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default(),
                first.message
            )));
        }
        let ready: Vec<ReadyRow> = ready.into_iter().flatten().collect();
        if ready.is_empty() {
            return Err(Error::InvalidInput(format!(
                "{}: no row can be imported; nothing was imported",
                preview.file_name
            )));
        }
        // Media into the library first (content-addressed, so a retry reuses the files).
        let mut assets = Vec::with_capacity(ready.len());
        for r in &ready {
            assets.push(self.import_media(&r.prepared.files).await?);
        }
        let now = now_ms();
        let mut tags_created = Vec::new();
        let mut post_ids = Vec::with_capacity(ready.len());
        let mut tx = self.store().begin().await?;
        // Every post's rows in one batch: a few statements a table, not five a post.
        let mut batch = outpost_store::posts::PostBatch::default();
        for (r, a) in ready.iter().zip(&assets) {
            let id = stage_post(&mut batch, &r.prepared, a);
            for name in &r.tags {
                let tag_id = match tags::find_by_name(&mut *tx, name).await? {
                    Some(t) => t.id,
                    None => {
                        let t = tags::Tag {
                            id: new_id(),
                            name: name.clone(),
                            colour: parse::tag_colour(name).to_string(),
                            created_at: now,
                        };
                        tags::insert(&mut *tx, &t).await?;
                        tags_created.push(name.clone());
                        t.id
                    }
                };
                batch.tags.push((id.clone(), tag_id));
            }
            post_ids.push(id);
        }
        batch.write(&mut tx).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.scheduler_changed();
        tracing::info!(
            created = post_ids.len(),
            skipped = preview.invalid_rows,
            "CSV import"
        );
        Ok(CsvImportSummary {
            created: u32::try_from(post_ids.len()).unwrap_or(u32::MAX),
            post_ids,
            skipped_rows: preview.invalid_rows,
            skipped: issues,
            tags_created,
        })
    }
}
