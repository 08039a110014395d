//! Undo for deletes: a delete keeps a snapshot of what it removed (the row and its links) in
//! memory for [`UNDO_WINDOW_MS`]; `undo_delete` writes it back in one transaction. Snapshots never
//! reach the disk, so a deleted item is really gone once the window closes (or the app quits).

use std::collections::HashMap;
use std::sync::Mutex;

use outpost_store::board::BoardColumn;
use outpost_store::campaigns::Campaign;
use outpost_store::ideas::Idea;
use outpost_store::tags::Tag;
use outpost_store::templates::Template;
use outpost_store::{new_id, now_ms};

use super::{CardRef, Deleted, DeletedKind, Undone, db};
use crate::{Error, Outpost, Result};

/// How long a delete can be undone (10 minutes).
pub const UNDO_WINDOW_MS: i64 = 10 * 60 * 1000;
/// At most this many snapshots are kept (oldest dropped first).
const MAX_SNAPSHOTS: usize = 200;

/// What a delete removed.
#[derive(Debug, Clone)]
pub(super) enum Snapshot {
    Column {
        column: BoardColumn,
        cards: Vec<CardRef>,
    },
    Idea {
        idea: Idea,
        tag_ids: Vec<String>,
        media_ids: Vec<String>,
        post_ids: Vec<String>,
    },
    Template(Template),
    Tag {
        tag: Tag,
        post_ids: Vec<String>,
        idea_ids: Vec<String>,
    },
    Campaign {
        campaign: Campaign,
        post_ids: Vec<String>,
        idea_ids: Vec<String>,
    },
}

#[derive(Debug)]
struct Entry {
    kind: DeletedKind,
    id: String,
    until: i64,
    snapshot: Snapshot,
}

#[derive(Debug, Default)]
pub(super) struct UndoBin {
    entries: Mutex<HashMap<String, Entry>>,
}

impl UndoBin {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a snapshot; returns what the front-end shows and the token that undoes it.
    pub(super) fn put(
        &self,
        kind: DeletedKind,
        id: &str,
        message: String,
        snapshot: Snapshot,
    ) -> Deleted {
        let now = now_ms();
        let token = new_id();
        let until = now + UNDO_WINDOW_MS;
        let mut map = self.lock();
        map.retain(|_, e| e.until > now);
        while map.len() >= MAX_SNAPSHOTS {
            let Some(oldest) = map
                .iter()
                .min_by_key(|(_, e)| e.until)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            map.remove(&oldest);
        }
        map.insert(
            token.clone(),
            Entry {
                kind,
                id: id.to_string(),
                until,
                snapshot,
            },
        );
        Deleted {
            kind,
            id: id.to_string(),
            undo_token: token,
            undo_until: until,
            message,
        }
    }

    fn take(&self, token: &str) -> Result<Entry> {
        let now = now_ms();
        let mut map = self.lock();
        map.retain(|_, e| e.until > now);
        map.remove(token).ok_or_else(|| {
            Error::InvalidInput(
                "this delete can no longer be undone (undo lasts 10 minutes and ends when Outpost quits)"
                    .into(),
            )
        })
    }

    /// Puts an entry back after a failed restore, so the user can try again.
    fn put_back(&self, token: String, entry: Entry) {
        self.lock().insert(token, entry);
    }

    pub(super) fn clear(&self) {
        self.lock().clear();
    }
}

impl Outpost {
    /// Restores what a delete removed (with its links to items that still exist). Fails, changing
    /// nothing, when the window has passed or the name has been taken since.
    pub async fn undo_delete(&self, undo_token: &str) -> Result<Undone> {
        let _guard = self.workspace().board_lock.lock().await;
        let entry = self.workspace().undo.take(undo_token)?;
        match self.restore(&entry.snapshot).await {
            Ok(message) => {
                tracing::info!(kind = ?entry.kind, id = %entry.id, "delete undone");
                Ok(Undone {
                    kind: entry.kind,
                    id: entry.id,
                    message,
                })
            }
            Err(e) => {
                self.workspace()
                    .undo
                    .put_back(undo_token.to_string(), entry);
                Err(e)
            }
        }
    }

    async fn restore(&self, snapshot: &Snapshot) -> Result<String> {
        let mut tx = self.store().begin().await?;
        let message = match snapshot {
            Snapshot::Column { column, cards } => {
                super::board::restore_column(&mut tx, column, cards).await?
            }
            Snapshot::Idea {
                idea,
                tag_ids,
                media_ids,
                post_ids,
            } => super::ideas::restore_idea(&mut tx, idea, tag_ids, media_ids, post_ids).await?,
            Snapshot::Template(t) => super::templates::restore_template(&mut tx, t).await?,
            Snapshot::Tag {
                tag,
                post_ids,
                idea_ids,
            } => super::labels::restore_tag(&mut tx, tag, post_ids, idea_ids).await?,
            Snapshot::Campaign {
                campaign,
                post_ids,
                idea_ids,
            } => super::labels::restore_campaign(&mut tx, campaign, post_ids, idea_ids).await?,
        };
        tx.commit().await.map_err(db)?;
        Ok(message)
    }
}
