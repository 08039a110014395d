//! The sealed preview file: the payload (posts as each platform shows them, plus the decision key)
//! encrypted with AES-256-GCM under a random content key, which is wrapped with a key derived from
//! the password by PBKDF2-SHA256 (600,000 iterations, OWASP's current figure for it) — the same
//! derivation the page runs in the browser through WebCrypto. The header (format, preview id,
//! times, salt, iteration count) is the associated data of both: changing the expiry breaks the
//! file. [`open`] is the page's unlock in Rust (used by tests and as the format's reference).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{Error, Result};

/// PBKDF2-HMAC-SHA256 iterations (OWASP Password Storage Cheat Sheet, 2023 onwards).
pub const PBKDF2_ITERATIONS: u32 = 600_000;

const TEMPLATE: &str = include_str!("preview.html");
const SCRIPT: &str = include_str!("preview.js");

/// The authenticated, unencrypted header of a preview file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub v: u32,
    pub preview_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// PBKDF2 salt (base64url).
    pub salt: String,
    pub iterations: u32,
}

/// What the file carries in its `<script type="application/json" id="sealed">` element.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedFile {
    pub v: u32,
    /// The [`Header`] as JSON text: exactly these bytes are the associated data.
    pub header: String,
    pub wrap_nonce: String,
    pub wrapped_key: String,
    pub nonce: String,
    pub ciphertext: String,
}

fn random<const N: usize>() -> Zeroizing<[u8; N]> {
    let mut b = Zeroizing::new([0u8; N]);
    rand::rngs::OsRng.fill_bytes(b.as_mut());
    b
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(s: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| Error::InvalidInput("the preview file is damaged".into()))
}

fn derive(password: &str, salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    let mut kek = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, kek.as_mut());
    kek
}

fn gcm(key: &[u8]) -> Result<Aes256Gcm> {
    Aes256Gcm::new_from_slice(key).map_err(|_| Error::InvalidInput("bad key length".into()))
}

/// Encrypts `payload` (JSON) for `password` with the given header fields; returns the file's data.
pub fn seal(
    preview_id: &str,
    created_at: i64,
    expires_at: i64,
    password: &str,
    payload: &[u8],
) -> Result<SealedFile> {
    let salt = random::<16>();
    let header = Header {
        v: 1,
        preview_id: preview_id.to_string(),
        created_at,
        expires_at,
        salt: b64(salt.as_ref()),
        iterations: PBKDF2_ITERATIONS,
    };
    let header_json = serde_json::to_string(&header)
        .map_err(|e| Error::InvalidInput(format!("cannot encode the preview: {e}")))?;
    let aad = header_json.as_bytes();
    let content_key = random::<32>();
    let nonce = random::<12>();
    let ciphertext = gcm(content_key.as_ref())?
        .encrypt(
            Nonce::from_slice(nonce.as_ref()),
            Payload { msg: payload, aad },
        )
        .map_err(|_| Error::InvalidInput("the preview could not be encrypted".into()))?;
    let kek = derive(password, salt.as_ref(), PBKDF2_ITERATIONS);
    let wrap_nonce = random::<12>();
    let wrapped = gcm(kek.as_ref())?
        .encrypt(
            Nonce::from_slice(wrap_nonce.as_ref()),
            Payload {
                msg: content_key.as_ref(),
                aad,
            },
        )
        .map_err(|_| Error::InvalidInput("the preview key could not be wrapped".into()))?;
    Ok(SealedFile {
        v: 1,
        header: header_json,
        wrap_nonce: b64(wrap_nonce.as_ref()),
        wrapped_key: b64(&wrapped),
        nonce: b64(nonce.as_ref()),
        ciphertext: b64(&ciphertext),
    })
}

/// The CSP source for the page's one inline script.
pub fn script_hash() -> String {
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()))
    )
}

/// The self-contained HTML page for a sealed file.
pub fn render_html(file: &SealedFile) -> Result<String> {
    let json = serde_json::to_string(file)
        .map_err(|e| Error::InvalidInput(format!("cannot encode the preview: {e}")))?
        // Inside <script>: never let the data close the element.
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    Ok(TEMPLATE
        .replace("__SCRIPT_HASH__", &script_hash())
        .replace("__SEALED__", &json)
        .replace("__SCRIPT__", SCRIPT))
}

/// Reads the sealed data back out of a preview page.
pub fn extract(html: &str) -> Result<SealedFile> {
    let damaged = || Error::InvalidInput("this is not an Outpost preview file".into());
    let start_tag = "<script type=\"application/json\" id=\"sealed\">";
    let start = html.find(start_tag).ok_or_else(damaged)? + start_tag.len();
    let len = html[start..].find("</script>").ok_or_else(damaged)?;
    serde_json::from_str(&html[start..start + len]).map_err(|_| damaged())
}

/// What the page does on "unlock": derives the key from the password, unwraps the content key and
/// decrypts the payload. A wrong password (or a changed header) fails the unwrap.
pub fn open(html: &str, password: &str) -> Result<(Header, serde_json::Value)> {
    let file = extract(html)?;
    let header: Header = serde_json::from_str(&file.header)
        .map_err(|_| Error::InvalidInput("the preview file is damaged".into()))?;
    let aad = file.header.as_bytes();
    let kek = derive(password, &unb64(&header.salt)?, header.iterations);
    let key = Zeroizing::new(
        gcm(kek.as_ref())?
            .decrypt(
                Nonce::from_slice(&unb64(&file.wrap_nonce)?),
                Payload {
                    msg: &unb64(&file.wrapped_key)?,
                    aad,
                },
            )
            .map_err(|_| Error::InvalidInput("wrong password".into()))?,
    );
    let plain = gcm(&key)?
        .decrypt(
            Nonce::from_slice(&unb64(&file.nonce)?),
            Payload {
                msg: &unb64(&file.ciphertext)?,
                aad,
            },
        )
        .map_err(|_| Error::InvalidInput("the preview file is damaged".into()))?;
    let payload = serde_json::from_slice(&plain)
        .map_err(|_| Error::InvalidInput("the preview file is damaged".into()))?;
    Ok((header, payload))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_and_refuses_a_wrong_password_or_a_changed_expiry() {
        let f = seal("p1", 1, 2, "right password", br#"{"posts":[]}"#).unwrap();
        let html = render_html(&f).unwrap();
        assert!(html.contains(&script_hash()));
        assert!(!html.contains("__SEALED__"));
        let (h, v) = open(&html, "right password").unwrap();
        assert_eq!((h.preview_id.as_str(), h.expires_at), ("p1", 2));
        assert_eq!(v["posts"], serde_json::json!([]));
        assert!(open(&html, "wrong password").is_err());
        let changed = html.replace("\\\"expires_at\\\":2", "\\\"expires_at\\\":9");
        assert_ne!(changed, html);
        assert!(open(&changed, "right password").is_err());
    }

    #[test]
    fn data_cannot_close_the_script_element() {
        let f = SealedFile {
            v: 1,
            header: "</script><script>alert(1)</script>".into(),
            wrap_nonce: String::new(),
            wrapped_key: String::new(),
            nonce: String::new(),
            ciphertext: String::new(),
        };
        let html = render_html(&f).unwrap();
        assert_eq!(html.matches("</script>").count(), 2);
        assert_eq!(extract(&html).unwrap().header, f.header);
    }
}
