//! Files only from the user's hand: the window never names a path to import. The shell hands each
//! file the user picked in a native dialog or dropped on the window to [`Outpost::grant_picked_file`]
//! and gives the window only the opaque token it gets back; [`Outpost::import_picked_media`] takes
//! that token. A token is single-use and expires; an unknown one is refused with a message that
//! says nothing about any file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::MediaItem;
use crate::{Error, Outpost, Result};

/// How long a picked file's token stays usable.
const TTL: Duration = Duration::from_secs(15 * 60);
/// At most this many unused tokens are kept (the oldest go first).
const MAX_PENDING: usize = 256;

/// A file the user picked or dropped, as the window sees it: a token and the file's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PickedFile {
    /// Opaque, single-use; the only way to import the file.
    pub token: String,
    /// The file's name (no folder), to show while it is imported.
    pub name: String,
}

/// The picked files not imported yet.
#[derive(Debug, Default)]
pub struct PickedFiles(std::sync::Mutex<HashMap<String, (PathBuf, Instant)>>);

/// The refusal for a token that is not (or no longer) a picked file: no path, no name.
fn not_picked() -> Error {
    Error::InvalidInput(
        "That file is not available to Outpost; choose it again or drop it on the window".into(),
    )
}

impl Outpost {
    /// Registers a file the user picked in a native dialog or dropped on the window (the shell
    /// calls this; the path never comes from the window) and returns its token.
    pub fn grant_picked_file(&self, path: PathBuf) -> PickedFile {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let token = format!("{:032x}", rand::random::<u128>());
        let mut map = self
            .picked()
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        map.retain(|_, (_, at)| now.duration_since(*at) < TTL);
        if map.len() >= MAX_PENDING
            && let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(token.clone(), (path, now));
        PickedFile { token, name }
    }

    /// The path of the picked file behind `token`, used up (the shell turns an idea's new
    /// attachments, which the window names by token, into the paths the core reads).
    pub fn take_picked_path(&self, token: &str) -> Result<PathBuf> {
        let mut map = self
            .picked()
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.remove(token) {
            Some((p, at)) if at.elapsed() < TTL => Ok(p),
            _ => Err(not_picked()),
        }
    }

    /// Imports the picked file behind `token` into the media library (once).
    pub async fn import_picked_media(&self, token: &str) -> Result<MediaItem> {
        let path = self.take_picked_path(token)?;
        self.import_media_path(&path).await
    }
}
