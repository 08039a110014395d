//! The [`Secret`] wrapper and the [`Owner`] a sealed secret is bound to.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// A secret value (token, client secret, app password, passphrase).
///
/// * `Debug` and `Display` print `<redacted>`;
/// * it has no `Serialize` implementation, so it cannot end up in JSON, IPC payloads or exports;
/// * its memory is zeroed when it is dropped.
///
/// The value is only reachable through the explicitly named [`Secret::expose`].
///
/// ```compile_fail
/// let secret = outpost_vault::Secret::new("token");
/// let _ = serde_json::to_string(&secret); // Secret does not implement Serialize
/// ```
///
/// ```
/// let secret = outpost_vault::Secret::new("token");
/// assert_eq!(format!("{secret:?} {secret}"), "<redacted> <redacted>");
/// assert_eq!(secret.expose(), "token");
/// // serde_json itself is usable in doc tests, so the compile_fail above fails for the right reason:
/// let _ = serde_json::to_string(&secret.expose());
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value. The `String` is moved, not copied.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret value. Callers must not log, display or persist it unencrypted.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// `true` when the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl Zeroize for Secret {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Who a sealed secret belongs to, e.g. kind `channel`, id `<uuid>`, name `access_token`.
///
/// All three (plus the key id) go into the AES-GCM associated data, so a sealed value copied to
/// another row, another owner or another field fails to open.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Owner {
    pub kind: String,
    pub id: String,
    pub name: String,
}

impl Owner {
    pub fn new(kind: impl Into<String>, id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            id: id.into(),
            name: name.into(),
        }
    }
}
