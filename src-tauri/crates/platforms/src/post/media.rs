//! Media files as publishing sees them: the type from the file's content (never its extension),
//! size, image dimensions and video duration read from headers only — nothing is loaded whole.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What kind of medium a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    /// Animated GIF (platforms limit these separately).
    Gif,
    Video,
}

/// A media file attached to a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaFile {
    pub path: PathBuf,
    /// MIME type sniffed from the content.
    pub mime: String,
    pub kind: MediaKind,
    pub bytes: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Video duration in milliseconds, when the container says.
    pub duration_ms: Option<u64>,
    /// Alt text.
    pub alt: Option<String>,
}

impl MediaFile {
    /// Inspects `path`: a missing or unreadable file, or one whose content is not a supported image
    /// or video, is a clear error naming the file.
    pub fn inspect(path: &Path, alt: Option<String>) -> Result<MediaFile> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let unreadable = |e: std::io::Error| Error::Config(format!("{name}: cannot be read ({e})"));
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(Error::Config(format!("{name}: is not a file")));
        }
        let mut head = vec![0u8; 8192];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(unreadable)?;
        head.truncate(n);
        let Some(t) = infer::get(&head) else {
            return Err(Error::Config(format!(
                "{name}: is not an image or video Outpost can publish"
            )));
        };
        let mime = t.mime_type().to_string();
        let kind = match mime.as_str() {
            "image/gif" => MediaKind::Gif,
            m if m.starts_with("image/") => MediaKind::Image,
            m if m.starts_with("video/") => MediaKind::Video,
            _ => {
                return Err(Error::Config(format!(
                    "{name}: is {mime}, not an image or video"
                )));
            }
        };
        let (width, height) = match kind {
            MediaKind::Image | MediaKind::Gif => match imagesize::size(path) {
                Ok(s) => (u32::try_from(s.width).ok(), u32::try_from(s.height).ok()),
                Err(_) => {
                    return Err(Error::Config(format!(
                        "{name}: the image is damaged or truncated"
                    )));
                }
            },
            MediaKind::Video => (None, None),
        };
        let duration_ms = if kind == MediaKind::Video {
            mp4_duration_ms(path, meta.len())
        } else {
            None
        };
        Ok(MediaFile {
            path: path.to_path_buf(),
            mime,
            kind,
            bytes: meta.len(),
            width,
            height,
            duration_ms,
            alt: alt.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()),
        })
    }

    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// The duration of an MP4/QuickTime file from its `moov` header (other containers: unknown).
fn mp4_duration_ms(path: &Path, size: u64) -> Option<u64> {
    let f = std::fs::File::open(path).ok()?;
    super::mp4::duration_ms(&mut std::io::BufReader::new(f), size)
}

/// A media file must still be what was inspected (same size) when it is uploaded.
pub(crate) fn check_unchanged(m: &MediaFile) -> Result<()> {
    let len = std::fs::metadata(&m.path)
        .map_err(|e| Error::Config(format!("{}: cannot be read ({e})", m.name())))?
        .len();
    if len == m.bytes {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{}: the file changed since it was added ({} bytes, was {})",
            m.name(),
            len,
            m.bytes
        )))
    }
}
