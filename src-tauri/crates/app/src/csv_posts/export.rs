//! CSV export of posts, in the columns the import reads (so an export imports back).

use std::collections::HashMap;
use std::path::Path;

use chrono::TimeZone;
use serde::{Deserialize, Serialize};

use super::parse::{COLUMNS, channel_reference, join_thread};
use crate::scheduler::time;
use crate::{Error, Outpost, Result};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CsvExportSummary {
    pub path: String,
    pub posts: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
}

impl Outpost {
    /// Writes every post (scheduled ones by time, then drafts) to a CSV file: text, channels
    /// (`platform:handle`, or the id when the handle is not unique), time (RFC 3339 with the
    /// offset of the post's zone; empty for a draft), media (paths of the library files), tags
    /// and first comment. The file is written next to its destination and renamed into place.
    pub async fn export_csv(&self, path: &Path) -> Result<CsvExportSummary> {
        let pool = self.store().pool();
        let rows = outpost_store::posts::list_for_export(pool).await?;
        let channels = outpost_store::channels::list_all(pool).await?;
        let refs: HashMap<String, String> = channels
            .iter()
            .map(|c| (c.id.clone(), channel_reference(c, &channels)))
            .collect();
        let targets = outpost_store::posts::targets::list_channel_comments(pool).await?;
        let mut by_post: HashMap<&str, (Vec<String>, String)> = HashMap::new();
        for (post, chan, comment) in &targets {
            let e = by_post.entry(post.as_str()).or_default();
            e.0.push(refs.get(chan).cloned().unwrap_or_else(|| chan.clone()));
            if e.1.is_empty()
                && let Some(c) = comment.as_ref().filter(|c| !c.is_empty())
            {
                e.1 = c.clone();
            }
        }
        // The per-platform columns: a post's first target that sets each one.
        let mut opts_by_post: HashMap<String, [String; 11]> = HashMap::new();
        for t in outpost_store::posts::targets::list_all(pool).await? {
            let o = crate::posts::parse_options(&t.options.0).unwrap_or_default();
            let thread: Vec<String> =
                serde_json::from_value(t.thread_parts.0.clone()).unwrap_or_default();
            let e = opts_by_post.entry(t.post_id.clone()).or_default();
            let values = [
                t.title.clone().or(o.title).unwrap_or_default(),
                o.visibility.unwrap_or_default(),
                o.board_id.unwrap_or_default(),
                o.link.unwrap_or_default(),
                join_thread(&thread),
                if t.native_scheduling {
                    "yes".into()
                } else {
                    String::new()
                },
                o.category_id.unwrap_or_default(),
                if o.made_for_kids {
                    "yes".into()
                } else {
                    String::new()
                },
                o.thumbnail
                    .map(|t| t.path.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                match (o.brand_organic, o.branded_content) {
                    (true, true) => "both".into(),
                    (true, false) => "your-brand".into(),
                    (false, true) => "branded-content".into(),
                    (false, false) => String::new(),
                },
                match o.share_to_feed {
                    Some(true) => "feed".into(),
                    Some(false) => "reel".into(),
                    None => String::new(),
                },
            ];
            for (slot, v) in e.iter_mut().zip(values) {
                if slot.is_empty() {
                    *slot = v;
                }
            }
        }
        let tags = outpost_store::tags::post_tag_names(pool).await?;
        let mut tags_by_post: HashMap<&str, Vec<&str>> = HashMap::new();
        for (post, name) in &tags {
            tags_by_post.entry(post.as_str()).or_default().push(name);
        }
        let media = outpost_store::media::post_media::list_shared_files(pool).await?;
        let media_dir = self.paths().media_dir();
        let mut media_by_post: HashMap<&str, Vec<String>> = HashMap::new();
        for (post, file) in &media {
            media_by_post
                .entry(post.as_str())
                .or_default()
                .push(media_dir.join(file).to_string_lossy().into_owned());
        }
        let mut alts_by_post: HashMap<String, Vec<String>> = HashMap::new();
        for (post, alt) in outpost_store::media::post_media::list_shared_alt_texts(pool).await? {
            alts_by_post.entry(post).or_default().push(alt);
        }
        let default_zone = self.time_zone().await?;

        let tmp = path.with_extension("csv.part");
        let write = || -> std::result::Result<u32, csv::Error> {
            let mut w = csv::Writer::from_path(&tmp)?;
            w.write_record(COLUMNS)?;
            let mut n = 0u32;
            for r in &rows {
                let (chans, comment) = by_post.get(r.id.as_str()).cloned().unwrap_or_default();
                let time = match (r.scheduled_at, r.status.as_str()) {
                    (Some(at), s) if s != "draft" => {
                        let zone = r.time_zone.as_deref().unwrap_or(&default_zone);
                        let tz = time::zone(zone)
                            .or_else(|_| time::zone("UTC"))
                            .unwrap_or(chrono_tz::UTC);
                        tz.timestamp_millis_opt(at)
                            .single()
                            .map(|t| t.to_rfc3339())
                            .unwrap_or_default()
                    }
                    _ => String::new(),
                };
                let base: [String; 6] = [
                    r.body.clone(),
                    chans.join("; "),
                    time,
                    media_by_post
                        .get(r.id.as_str())
                        .map(|m| m.join("; "))
                        .unwrap_or_default(),
                    tags_by_post
                        .get(r.id.as_str())
                        .map(|t| t.join("; "))
                        .unwrap_or_default(),
                    comment,
                ];
                let opts = opts_by_post.get(&r.id).cloned().unwrap_or_default();
                // Alt texts in media order; empty when no file has one.
                let alt = alts_by_post
                    .get(&r.id)
                    .filter(|a| a.iter().any(|x| !x.is_empty()))
                    .map(|a| a.join("; "))
                    .unwrap_or_default();
                w.write_record(
                    base.iter()
                        .map(String::as_str)
                        .chain(opts.iter().map(String::as_str))
                        .chain(std::iter::once(alt.as_str())),
                )?;
                n += 1;
            }
            w.flush()?;
            Ok(n)
        };
        let posts = match write() {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::InvalidInput(format!(
                    "the CSV file cannot be written to {}: {e}",
                    path.display()
                )));
            }
        };
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(format!("cannot write {}", path.display()), e)
        })?;
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        tracing::info!(posts, bytes, "CSV export");
        Ok(CsvExportSummary {
            path: path.to_string_lossy().into_owned(),
            posts,
            bytes,
        })
    }
}
