//! Deletion: single items, disconnecting a channel, and "delete all my data".

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use outpost_store::channels::Channel;
use outpost_vault::{Owner, Sealed, Secret, Vault};
use serde::{Deserialize, Serialize};

use super::{db, safe_relative_path};
use crate::Outpost;
use crate::error::{Error, Result};

/// A boxed future (the [`Revoker`] trait is object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The kinds of item the user can delete one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A post (with its targets, variants, jobs, attachments and previews).
    Post,
    /// A draft: a post whose status is `draft` (refused for any other post).
    Draft,
    Idea,
    Template,
    Tag,
    Campaign,
    /// A media item and its file (and thumbnail) in the media folder.
    MediaAsset,
    InboxThread,
    InboxMessage,
    ApprovalPreview,
    BoardColumn,
    PostingSlot,
    /// A channel's row and secrets, without revoking upstream: prefer
    /// [`Outpost::delete_channel`], which revokes first.
    Channel,
    /// A developer app (client id) and its client secret.
    DeveloperApp,
}

impl ItemKind {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            ItemKind::Post => ("posts", "post"),
            ItemKind::Draft => ("posts", "draft"),
            ItemKind::Idea => ("ideas", "idea"),
            ItemKind::Template => ("templates", "template"),
            ItemKind::Tag => ("tags", "tag"),
            ItemKind::Campaign => ("campaigns", "campaign"),
            ItemKind::MediaAsset => ("media_assets", "media item"),
            ItemKind::InboxThread => ("inbox_threads", "inbox thread"),
            ItemKind::InboxMessage => ("inbox_messages", "inbox message"),
            ItemKind::ApprovalPreview => ("approval_previews", "approval preview"),
            ItemKind::BoardColumn => ("board_columns", "board column"),
            ItemKind::PostingSlot => ("posting_slots", "posting slot"),
            ItemKind::Channel => ("channels", "channel"),
            ItemKind::DeveloperApp => ("developer_apps", "developer app"),
        }
    }
}

/// What revoking one channel's grant upstream gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum RevocationOutcome {
    /// The platform confirmed the token is revoked.
    Revoked,
    /// The platform offers no revocation (the user must remove the app in the platform's settings).
    NotSupported,
    /// Revocation was attempted and failed; the reason is shown to the user.
    Failed(String),
}

/// The revocation result of one channel, as delete-all and disconnect report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelRevocation {
    pub channel_id: String,
    pub platform: String,
    /// The channel's name as the user knows it (e.g. "@ada" or a page name).
    pub display_name: String,
    #[serde(flatten)]
    pub outcome: RevocationOutcome,
}

/// The unsealed secrets of one channel (purpose → secret), handed to the [`Revoker`].
#[derive(Debug, Default)]
pub struct ChannelSecrets {
    entries: Vec<(String, Secret)>,
}

impl ChannelSecrets {
    /// The secret for a purpose such as `access_token` or `refresh_token`.
    pub fn get(&self, purpose: &str) -> Option<&Secret> {
        self.entries
            .iter()
            .find(|(p, _)| p == purpose)
            .map(|(_, s)| s)
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Revokes a channel's grant upstream. The platform layer implements it; [`NoRevoker`] answers
/// "not supported" for every channel.
pub trait Revoker: Send + Sync {
    fn revoke<'a>(
        &'a self,
        channel: &'a Channel,
        secrets: &'a ChannelSecrets,
    ) -> BoxFuture<'a, RevocationOutcome>;
}

/// A [`Revoker`] for front-ends without platform clients: nothing is revoked.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRevoker;

impl Revoker for NoRevoker {
    fn revoke<'a>(
        &'a self,
        _: &'a Channel,
        _: &'a ChannelSecrets,
    ) -> BoxFuture<'a, RevocationOutcome> {
        Box::pin(async { RevocationOutcome::NotSupported })
    }
}

/// The vault owner of a channel's sealed secret: kind `channel`, the channel id, and the purpose.
pub fn channel_secret_owner(channel_id: &str, purpose: &str) -> Owner {
    crate::secrets::owner(outpost_store::SecretOwnerKind::Channel, channel_id, purpose)
}

/// What "delete all my data" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeleteAllReport {
    pub deleted: bool,
    /// One entry per channel that existed; anything not `revoked` must be revoked by the user on
    /// the platform's site.
    pub revocation: Vec<ChannelRevocation>,
}

impl Outpost {
    /// Deletes one item by kind and id (dependent rows go with it by the schema's cascades). For a
    /// media item its file and thumbnail are removed from the media folder after the commit.
    pub async fn delete_item(&self, kind: ItemKind, id: &str) -> Result<()> {
        let (table, what) = kind.table();
        let mut tx = self.store().begin().await?;
        let mut files = Vec::new();
        if kind == ItemKind::MediaAsset {
            let row = outpost_store::media::files_of(&mut *tx, id).await?;
            if let Some((file, thumb)) = row {
                files.extend(std::iter::once(file).chain(thumb));
            }
        }
        let deleted =
            outpost_store::dump::delete_by_id(&mut *tx, table, id, kind == ItemKind::Draft).await?;
        if deleted == 0 {
            return Err(Error::NotFound {
                what: format!("The {what} {id}"),
            });
        }
        tx.commit().await.map_err(db)?;
        let media_dir = self.paths().media_dir();
        for f in files {
            if safe_relative_path(&f).is_err() {
                tracing::warn!("not removing a media file outside the media folder");
                continue;
            }
            // A file shared by another row (same path) stays.
            let still_used = outpost_store::media::count_path_uses(self.store().pool(), &f).await?;
            if still_used == 0 {
                remove_file_if_exists(&media_dir.join(&f))?;
            }
        }
        tracing::info!(kind = what, "item deleted");
        Ok(())
    }

    /// Deletes a channel for good: revokes its grant upstream through `revoker`, then deletes its
    /// secrets and its row (with its targets, slots, inbox and analytics). The local deletion
    /// happens whatever the revocation gave; the outcome says whether the user must revoke by hand.
    pub async fn delete_channel(
        &self,
        id: &str,
        revoker: &dyn Revoker,
    ) -> Result<ChannelRevocation> {
        let channel = outpost_store::channels::get(self.store().pool(), id).await?;
        let revocation = self.revoke_channel(&channel, revoker).await;
        let mut tx = self.store().begin().await?;
        outpost_store::secrets::delete_for_owner(
            &mut *tx,
            outpost_store::SecretOwnerKind::Channel,
            id,
        )
        .await?;
        outpost_store::dump::delete_by_id(&mut *tx, "channels", id, false).await?;
        tx.commit().await.map_err(db)?;
        tracing::info!(platform = %revocation.platform, "channel disconnected");
        Ok(revocation)
    }

    /// "Delete all my data": revokes every channel's grant (reporting the ones that could not be
    /// revoked), removes the vault's keychain entries and `vault.json`, deletes every row, scrubs
    /// the database file and WAL (checkpoint + VACUUM), and removes every media and log file.
    ///
    /// If the keychain refuses to delete the master key, nothing but the revocations has happened
    /// and the error is returned. Afterwards the profile is empty and its next secret creates
    /// a new vault (a new master key).
    pub async fn delete_all_data(&self, revoker: &dyn Revoker) -> Result<DeleteAllReport> {
        let channels = outpost_store::channels::list_all(self.store().pool()).await?;
        let mut revocation = Vec::with_capacity(channels.len());
        for c in &channels {
            revocation.push(self.revoke_channel(c, revoker).await);
        }

        let config = self.inner.options.vault_config();
        tokio::task::spawn_blocking(move || Vault::destroy_profile(&config))
            .await
            .map_err(|e| Error::InvalidInput(format!("the vault task failed: {e}")))??;
        self.forget_vault().await;
        // Undo snapshots of deleted items must not outlive "delete all my data".
        self.inner.workspace.clear();

        self.store().delete_everything().await?;
        // Tables a later migration adds are emptied too, whether or not the store lists them.
        let mut tx = self.store().begin().await?;
        outpost_store::dump::defer_foreign_keys(&mut *tx).await?;
        for (table, _) in super::non_empty_tables(&mut tx).await? {
            outpost_store::dump::delete_all_rows(&mut *tx, &table).await?;
        }
        tx.commit().await.map_err(db)?;
        self.store().checkpoint_and_vacuum().await?;

        let paths = self.paths();
        clear_dir(&paths.media_dir())?;
        clear_dir(&paths.logs_dir())?;
        if let Ok(entries) = std::fs::read_dir(paths.data_dir()) {
            for e in entries.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with(".import-staging-")
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        tracing::info!(channels = channels.len(), "all data deleted");
        Ok(DeleteAllReport {
            deleted: true,
            revocation,
        })
    }

    async fn revoke_channel(&self, channel: &Channel, revoker: &dyn Revoker) -> ChannelRevocation {
        let outcome = match self.channel_secrets(&channel.id).await {
            Ok(secrets) => revoker.revoke(channel, &secrets).await,
            Err(e) => RevocationOutcome::Failed(format!("its sign-in could not be unlocked: {e}")),
        };
        if outcome != RevocationOutcome::Revoked {
            tracing::warn!(platform = %channel.platform.as_str(), ?outcome, "a channel's grant was not revoked upstream");
        }
        ChannelRevocation {
            channel_id: channel.id.clone(),
            platform: channel.platform.as_str().to_string(),
            display_name: channel.display_name.clone(),
            outcome,
        }
    }

    async fn channel_secrets(&self, channel_id: &str) -> Result<ChannelSecrets> {
        let rows = outpost_store::secrets::list_for_owner(
            self.store().pool(),
            outpost_store::SecretOwnerKind::Channel,
            channel_id,
        )
        .await?;
        if rows.is_empty() {
            return Ok(ChannelSecrets::default());
        }
        let vault = self.vault().await?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in rows {
            let sealed = Sealed {
                key_id: r.key_id,
                nonce: r.nonce,
                ciphertext: r.ciphertext,
            };
            let secret = vault.unseal(&channel_secret_owner(channel_id, &r.purpose), &sealed)?;
            entries.push((r.purpose, secret));
        }
        Ok(ChannelSecrets { entries })
    }
}

fn remove_file_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("removing {}", path.display()), e)),
    }
}

/// Removes everything inside `dir` (not the folder itself).
fn clear_dir(dir: &Path) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
        let path = entry.path();
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let r = if is_dir {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        r.map_err(|e| Error::io(format!("removing {}", path.display()), e))?;
    }
    Ok(())
}
