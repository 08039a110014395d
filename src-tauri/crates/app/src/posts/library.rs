//! The media library as the composer uses it: a file dropped (a path) or pasted (bytes) is
//! inspected, refused with a specific reason when it cannot be published anywhere, copied into the
//! profile (deduplicated by SHA-256) and given a small JPEG thumbnail for images.

use std::path::{Path, PathBuf};

use base64::Engine;
use outpost_platforms::publish::MediaFile;
use outpost_store::media;
use outpost_store::now_ms;
use serde::{Deserialize, Serialize};

use crate::{Error, Outpost, Result};

/// The largest pasted file (bytes through IPC); bigger files are dropped or chosen instead.
pub const MAX_PASTE_BYTES: usize = 64 * 1024 * 1024;
/// Thumbnails fit in this square.
const THUMB_SIZE: u32 = 320;
/// Images larger than this many pixels are not decoded for a thumbnail (a placeholder is shown).
const MAX_THUMB_SOURCE_PIXELS: u64 = 80_000_000;

/// A media library item as the composer shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MediaItem {
    pub id: String,
    pub original_name: String,
    pub mime: String,
    /// `image`, `gif` or `video`.
    pub kind: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: i64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub duration_ms: Option<i64>,
    pub alt: String,
    /// A `data:image/jpeg;base64,…` thumbnail; `None` for videos and images too large to decode.
    pub thumbnail: Option<String>,
}

fn kind_of(mime: &str) -> &'static str {
    match mime {
        "image/gif" => "gif",
        m if m.starts_with("video/") => "video",
        _ => "image",
    }
}

fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A pasted file's name, reduced to something safe to keep as a label and an extension.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "pasted".to_string()
    } else {
        cleaned
    }
}

fn make_thumbnail(src: &Path, dest: &Path) -> Result<()> {
    let fail = |e: String| Error::InvalidInput(format!("no thumbnail: {e}"));
    let reader = image::ImageReader::open(src)
        .map_err(|e| fail(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?;
    let (w, h) = reader.into_dimensions().map_err(|e| fail(e.to_string()))?;
    if u64::from(w) * u64::from(h) > MAX_THUMB_SOURCE_PIXELS {
        return Err(fail("the image is too large to preview".into()));
    }
    let img = image::ImageReader::open(src)
        .map_err(|e| fail(e.to_string()))?
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?
        .decode()
        .map_err(|e| fail(e.to_string()))?;
    let thumb = img.thumbnail(THUMB_SIZE, THUMB_SIZE).to_rgb8();
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io("cannot create the thumbnails folder", e))?;
    }
    let tmp = dest.with_extension("part");
    thumb
        .save_with_format(&tmp, image::ImageFormat::Jpeg)
        .map_err(|e| fail(e.to_string()))?;
    std::fs::rename(&tmp, dest).map_err(|e| Error::io("cannot store the thumbnail", e))?;
    Ok(())
}

impl Outpost {
    fn thumbs_dir(&self) -> PathBuf {
        self.paths().media_dir().join("thumbs")
    }

    /// Adds a file to the library. A folder, an unreadable file or anything that is not an image
    /// or video a platform accepts is refused with a sentence naming it; nothing is stored then.
    pub async fn import_media_path(&self, path: &Path) -> Result<MediaItem> {
        let name = name_of(path);
        let meta = tokio::fs::metadata(path)
            .await
            .map_err(|e| Error::InvalidInput(format!("{name} cannot be read ({e})")))?;
        if meta.is_dir() {
            return Err(Error::InvalidInput(format!(
                "{name} is a folder; add the images or videos inside it instead"
            )));
        }
        let p = path.to_path_buf();
        let file = tokio::task::spawn_blocking(move || MediaFile::inspect(&p, None))
            .await
            .map_err(|e| Error::InvalidInput(format!("inspecting {name} failed: {e}")))?
            .map_err(|e| {
                Error::InvalidInput(format!(
                    "{e}. Outpost attaches JPEG, PNG, GIF and WebP images and MP4, MOV and WebM videos"
                ))
            })?;
        let ids = self.import_media(std::slice::from_ref(&file)).await?;
        let id = ids
            .first()
            .cloned()
            .ok_or_else(|| Error::InvalidInput(format!("{name} could not be added")))?;
        self.ensure_thumbnail(&id).await?;
        self.media_item(&id).await
    }

    /// Adds pasted bytes (a screenshot, an image copied from a browser) to the library.
    pub async fn import_media_bytes(&self, name: &str, bytes: Vec<u8>) -> Result<MediaItem> {
        let name = clean_name(name);
        if bytes.is_empty() {
            return Err(Error::InvalidInput(format!("{name} is empty")));
        }
        if bytes.len() > MAX_PASTE_BYTES {
            return Err(Error::InvalidInput(format!(
                "{name} is {} MB; paste files up to {} MB, or drop the file instead",
                bytes.len() / (1024 * 1024),
                MAX_PASTE_BYTES / (1024 * 1024)
            )));
        }
        let dir = tempfile::tempdir_in(self.paths().data_dir())
            .map_err(|e| Error::io("cannot create a temporary folder", e))?;
        let path = dir.path().join(&name);
        tokio::fs::write(&path, &bytes)
            .await
            .map_err(|e| Error::io(format!("cannot write {name}"), e))?;
        self.import_media_path(&path).await
    }

    /// Makes the thumbnail of an image item if it has none (items added before thumbnails existed,
    /// or by the CLI). Videos and undecodable images keep none.
    async fn ensure_thumbnail(&self, id: &str) -> Result<Option<PathBuf>> {
        let asset = media::get(self.store().pool(), id).await?;
        if kind_of(&asset.mime) == "video" {
            return Ok(None);
        }
        if let Some(t) = &asset.thumbnail_path {
            let p = self.thumbs_dir().join(t);
            if p.is_file() {
                return Ok(Some(p));
            }
        }
        let src = self.paths().media_dir().join(&asset.file_path);
        let file_name = format!("{}.jpg", asset.sha256);
        let dest = self.thumbs_dir().join(&file_name);
        let d = dest.clone();
        let made = tokio::task::spawn_blocking(move || make_thumbnail(&src, &d))
            .await
            .map_err(|e| Error::InvalidInput(format!("the thumbnail task failed: {e}")))?;
        if let Err(e) = made {
            tracing::debug!(media_id = %id, error = %e, "no thumbnail");
            return Ok(None);
        }
        outpost_store::media::set_thumbnail(self.store().pool(), id, &file_name, now_ms()).await?;
        Ok(Some(dest))
    }

    /// The thumbnail of a library item as a data URL.
    pub async fn media_thumbnail(&self, id: &str) -> Result<Option<String>> {
        let Some(path) = self.ensure_thumbnail(id).await? else {
            return Ok(None);
        };
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| Error::io("cannot read a thumbnail", e))?;
        Ok(Some(format!(
            "data:image/jpeg;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )))
    }

    /// A library item with its thumbnail.
    pub async fn media_item(&self, id: &str) -> Result<MediaItem> {
        let a = media::find(self.store().pool(), id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("media item {id}"),
            })?;
        let thumbnail = self.media_thumbnail(id).await?;
        Ok(MediaItem {
            id: a.id,
            kind: kind_of(&a.mime).to_string(),
            original_name: a.original_name,
            mime: a.mime,
            bytes: a.bytes,
            width: a.width.and_then(|w| u32::try_from(w).ok()),
            height: a.height.and_then(|h| u32::try_from(h).ok()),
            duration_ms: a.duration_ms,
            alt: a.alt_text,
            thumbnail,
        })
    }
}
