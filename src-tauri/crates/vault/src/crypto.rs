//! AES-256-GCM sealing, Argon2id key derivation and the canonical associated-data encoding.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::{KdfParams, Sealed};

pub(crate) const KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const SALT_LEN: usize = 16;

/// Format tags: every associated data starts with one, so a value sealed for one purpose can
/// never be opened as another.
pub(crate) const TAG_SECRET: &[u8] = b"outpost-vault/secret/v1";
pub(crate) const TAG_KEY_CHECK: &[u8] = b"outpost-vault/key-check/v1";
pub(crate) const TAG_KEK_CHECK: &[u8] = b"outpost-vault/kek-check/v1";
pub(crate) const TAG_WRAP: &[u8] = b"outpost-vault/wrapped-key/v1";
pub(crate) const CHECK_PLAINTEXT: &[u8] = b"outpost-vault key check";

pub(crate) type Key = Zeroizing<[u8; KEY_LEN]>;

pub(crate) fn random_key() -> Key {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(key.as_mut());
    key
}

pub(crate) fn random_bytes(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    OsRng.fill_bytes(&mut out);
    out
}

/// Canonical, unambiguous encoding: each part as a 4-byte big-endian length, then its bytes.
pub(crate) fn associated_data(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 4).sum());
    for part in parts {
        // Parts longer than 4 GiB cannot occur (owner fields are short strings); saturate anyway.
        let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

fn cipher(key: &Key) -> Result<Aes256Gcm> {
    Aes256Gcm::new_from_slice(key.as_slice()).map_err(|_| Error::Crypto("invalid key length"))
}

/// Encrypts with a fresh random 96-bit nonce.
pub(crate) fn seal(key: &Key, key_id: &str, aad: &[u8], plaintext: &[u8]) -> Result<Sealed> {
    let nonce = random_bytes(NONCE_LEN);
    let ciphertext = cipher(key)?
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| Error::Crypto("encryption failed"))?;
    Ok(Sealed {
        key_id: key_id.to_owned(),
        nonce,
        ciphertext,
    })
}

/// Decrypts; `None` on any failure (wrong key, wrong associated data, tampering, bad nonce).
pub(crate) fn open(key: &Key, aad: &[u8], sealed: &Sealed) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.nonce.len() != NONCE_LEN {
        return None;
    }
    let cipher = cipher(key).ok()?;
    cipher
        .decrypt(
            Nonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// The key-check value of a master key: a known constant sealed under it.
pub(crate) fn key_check_aad(profile_id: &str, key_id: &str) -> Vec<u8> {
    associated_data(&[TAG_KEY_CHECK, profile_id.as_bytes(), key_id.as_bytes()])
}

pub(crate) fn make_key_check(key: &Key, profile_id: &str, key_id: &str) -> Result<Sealed> {
    seal(
        key,
        key_id,
        &key_check_aad(profile_id, key_id),
        CHECK_PLAINTEXT,
    )
}

pub(crate) fn verify_key_check(key: &Key, profile_id: &str, key_id: &str, check: &Sealed) -> bool {
    open(key, &key_check_aad(profile_id, key_id), check)
        .is_some_and(|plain| plain.as_slice() == CHECK_PLAINTEXT)
}

/// Argon2id key-encryption key from a passphrase.
pub(crate) fn derive_kek(passphrase: &[u8], salt: &[u8], params: &KdfParams) -> Result<Key> {
    let argon_params = argon2::Params::new(
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        Some(KEY_LEN),
    )
    .map_err(|_| Error::Crypto("invalid Argon2id parameters"))?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    );
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(passphrase, salt, kek.as_mut())
        .map_err(|_| Error::Crypto("Argon2id key derivation failed"))?;
    Ok(kek)
}

pub(crate) fn kek_check_aad(profile_id: &str) -> Vec<u8> {
    associated_data(&[TAG_KEK_CHECK, profile_id.as_bytes()])
}

pub(crate) fn wrap_aad(profile_id: &str, key_id: &str) -> Vec<u8> {
    associated_data(&[TAG_WRAP, profile_id.as_bytes(), key_id.as_bytes()])
}

pub(crate) fn key_from_slice(bytes: &[u8]) -> Option<Key> {
    if bytes.len() != KEY_LEN {
        return None;
    }
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(bytes);
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn associated_data_is_unambiguous() {
        assert_ne!(
            associated_data(&[b"ab", b"c"]),
            associated_data(&[b"a", b"bc"])
        );
        assert_ne!(associated_data(&[b"", b"x"]), associated_data(&[b"x", b""]));
        assert_eq!(associated_data(&[b"ab"]), vec![0, 0, 0, 2, b'a', b'b']);
    }
}
