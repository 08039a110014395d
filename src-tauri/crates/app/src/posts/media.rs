//! Attachments: files are copied into the profile's media folder (named by content hash, so the
//! same file twice is stored once) and published from there, so moving or deleting the original
//! after scheduling changes nothing.

use std::io::Read;
use std::path::Path;

use outpost_platforms::publish::MediaFile;
use outpost_store::media::{self, MediaAsset};
use outpost_store::{new_id, now_ms};
use sha2::{Digest, Sha256};

use crate::{Error, Outpost, Result};

impl Outpost {
    /// Copies inspected files into the library; returns their media ids in order.
    pub(crate) async fn import_media(&self, files: &[MediaFile]) -> Result<Vec<String>> {
        let dir = self.paths().media_dir();
        let mut ids = Vec::new();
        for f in files {
            let src = f.path.clone();
            let hash = tokio::task::spawn_blocking(move || sha256_file(&src))
                .await
                .map_err(|e| Error::InvalidInput(format!("hashing a file failed: {e}")))??;
            if let Some(existing) = media::find_by_sha256(self.store().pool(), &hash).await?
                && dir.join(&existing.file_path).is_file()
            {
                // The same file again: the alt text given now is its alt text from now on (as
                // the composer's alt text field does), never silently dropped.
                if let Some(alt) = f
                    .alt
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty() && *a != existing.alt_text)
                {
                    media::set_alt_text(self.store().pool(), &existing.id, alt, now_ms()).await?;
                }
                ids.push(existing.id);
                continue;
            }
            let ext = f
                .path
                .extension()
                .and_then(|e| e.to_str())
                .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(|e| format!(".{}", e.to_ascii_lowercase()))
                .unwrap_or_default();
            let name = format!("{hash}{ext}");
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
            let tmp = dir.join(format!(".{name}.part"));
            tokio::fs::copy(&f.path, &tmp)
                .await
                .map_err(|e| Error::io(format!("cannot copy {}", f.path.display()), e))?;
            tokio::fs::rename(&tmp, dir.join(&name))
                .await
                .map_err(|e| Error::io("cannot store the media file", e))?;
            let now = now_ms();
            let asset = MediaAsset {
                id: new_id(),
                file_path: name,
                original_name: f
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                mime: f.mime.clone(),
                bytes: i64::try_from(f.bytes).unwrap_or(i64::MAX),
                width: f.width.map(i64::from),
                height: f.height.map(i64::from),
                duration_ms: f.duration_ms.and_then(|d| i64::try_from(d).ok()),
                sha256: hash,
                alt_text: f.alt.clone().unwrap_or_default(),
                thumbnail_path: None,
                created_at: now,
                updated_at: now,
            };
            media::insert(self.store().pool(), &asset).await?;
            ids.push(asset.id);
        }
        Ok(ids)
    }

    /// The library file of a media item, inspected again: a file that vanished or changed into
    /// something unpublishable is a clear error (the job is then held with that reason).
    pub(crate) async fn media_file(&self, media_id: &str) -> Result<MediaFile> {
        let asset = media::get(self.store().pool(), media_id).await?;
        let path = self.paths().media_dir().join(&asset.file_path);
        let alt = Some(asset.alt_text.clone()).filter(|a| !a.is_empty());
        MediaFile::inspect(&path, alt).map_err(|_| {
            Error::InvalidInput(format!(
                "the attachment {} is missing from Outpost's media folder",
                asset.original_name
            ))
        })
    }
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut f = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}
