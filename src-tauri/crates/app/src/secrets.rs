//! Secrets of a profile: sealed by the vault, stored by the store. Every write of a secret and the
//! master-key rotation hold one lock, so no secret can be sealed with a key that a concurrent
//! rotation is about to retire.

use outpost_store::SecretOwnerKind;
use outpost_store::secrets::{self, SealedSecret};
use outpost_vault::{Owner, Sealed, Secret};

use crate::Outpost;
use crate::error::{Error, Result};

/// The vault owner (associated data) of a stored secret: its kind, owner id and purpose.
pub fn owner(kind: SecretOwnerKind, owner_id: &str, purpose: &str) -> Owner {
    Owner::new(kind.as_str(), owner_id, purpose)
}

fn sealed(row: &SealedSecret) -> Sealed {
    Sealed {
        key_id: row.key_id.clone(),
        nonce: row.nonce.clone(),
        ciphertext: row.ciphertext.clone(),
    }
}

fn blocking_failed(e: tokio::task::JoinError) -> Error {
    Error::InvalidInput(format!("the vault task failed: {e}"))
}

/// What a master-key rotation did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RotationReport {
    /// Secrets re-sealed under the new key.
    pub resealed: usize,
    pub new_key_id: String,
}

impl Outpost {
    /// Seals `secret` for its owner and stores it (replacing an earlier value for the same purpose).
    pub async fn store_secret(
        &self,
        kind: SecretOwnerKind,
        owner_id: &str,
        purpose: &str,
        secret: &Secret,
    ) -> Result<()> {
        let _writing = self.inner.secrets_lock.lock().await;
        let vault = self.vault().await?;
        let s = vault.seal(&owner(kind, owner_id, purpose), secret)?;
        let now = outpost_store::now_ms();
        let row = SealedSecret {
            id: outpost_store::new_id(),
            owner_kind: kind,
            owner_id: owner_id.to_string(),
            purpose: purpose.to_string(),
            key_id: s.key_id,
            nonce: s.nonce,
            ciphertext: s.ciphertext,
            created_at: now,
            updated_at: now,
        };
        secrets::upsert(self.store().pool(), &row).await?;
        Ok(())
    }

    /// Opens a stored secret; `None` when there is none for that owner and purpose.
    pub async fn read_secret(
        &self,
        kind: SecretOwnerKind,
        owner_id: &str,
        purpose: &str,
    ) -> Result<Option<Secret>> {
        let Some(row) =
            secrets::find_for_owner(self.store().pool(), kind, owner_id, purpose).await?
        else {
            return Ok(None);
        };
        let vault = self.vault().await?;
        Ok(Some(
            vault.unseal(&owner(kind, owner_id, purpose), &sealed(&row))?,
        ))
    }

    /// Replaces the master key: a new key is generated and kept as "pending", every stored secret is
    /// re-sealed under it in ONE database transaction, then the new key becomes current and the old
    /// one is deleted. A crash at any point leaves every secret readable (the vault keeps both keys
    /// until the switch, and picks the key by each row's key id); running it again finishes the job.
    pub async fn rotate_master_key(&self) -> Result<RotationReport> {
        let _writing = self.inner.secrets_lock.lock().await;
        let vault = self.vault().await?;
        let v = vault.clone();
        let rotation = tokio::task::spawn_blocking(move || v.begin_rotation())
            .await
            .map_err(blocking_failed)??;
        let new_key_id = rotation.new_key_id().to_string();

        let mut tx = self.store().begin().await?;
        let rows = secrets::list_all(&mut *tx).await?;
        let now = outpost_store::now_ms();
        for row in &rows {
            let fresh = rotation.reseal(
                &owner(row.owner_kind, &row.owner_id, &row.purpose),
                &sealed(row),
            )?;
            let updated = SealedSecret {
                key_id: fresh.key_id,
                nonce: fresh.nonce,
                ciphertext: fresh.ciphertext,
                updated_at: now,
                ..row.clone()
            };
            secrets::upsert(&mut *tx, &updated).await?;
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;

        tokio::task::spawn_blocking(move || vault.commit_rotation(rotation))
            .await
            .map_err(blocking_failed)??;
        tracing::info!(resealed = rows.len(), "master key rotated");
        Ok(RotationReport {
            resealed: rows.len(),
            new_key_id,
        })
    }
}
