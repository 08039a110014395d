//! One sign-in: the one-time `state`, the PKCE pair, the redirect URI, and the validation of what
//! comes back (loopback request or deep link). Every check runs before a code is used.

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::Secret;
use crate::error::{CallbackError, clean};
use crate::platform::Platform;

/// Where the redirect of one sign-in goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectTarget {
    /// `http://127.0.0.1:<port><path>` served by a [`crate::loopback::Loopback`].
    Loopback { port: u16, path: String },
    /// The app's private-use scheme: `app.outpost.desktop://oauth/callback/<provider>`.
    DeepLink { provider: String },
}

impl RedirectTarget {
    pub fn uri(&self, scheme: &str) -> String {
        match self {
            RedirectTarget::Loopback { port, path } => format!("http://127.0.0.1:{port}{path}"),
            RedirectTarget::DeepLink { provider } => {
                format!("{scheme}://oauth/callback/{provider}")
            }
        }
    }
}

/// The secrets of one authorization request, kept by the app until the callback.
#[derive(Debug)]
pub struct AuthRequest {
    pub platform: Platform,
    /// The URL to open in the browser (carries `state` and the PKCE challenge, never the verifier).
    pub url: url::Url,
    pub state: Secret,
    pub verifier: Secret,
    pub redirect_uri: String,
}

/// A fresh one-time state value (32 random bytes, base64url) from the `oauth2` crate.
pub fn new_state() -> Secret {
    Secret::new(oauth2::CsrfToken::new_random_len(32).secret().clone())
}

/// A fresh PKCE pair from the `oauth2` crate: (S256 challenge, verifier).
pub fn new_pkce() -> (oauth2::PkceCodeChallenge, Secret) {
    let (challenge, verifier) = oauth2::PkceCodeChallenge::new_random_sha256();
    (challenge, Secret::new(verifier.secret().clone()))
}

/// TikTok's desktop flavour of the S256 challenge: lowercase hex of SHA-256 (see WIRE.md).
pub fn hex_challenge(verifier: &str) -> String {
    Sha256::digest(verifier.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// RFC 7636 S256: base64url(SHA-256(verifier)), no padding.
pub fn s256_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The parameters of a callback after validation.
#[derive(Debug)]
pub struct CallbackParams {
    pub code: Secret,
}

/// Longest authorization code accepted.
const MAX_CODE: usize = 4096;

/// Validates a callback's query against the flow's `state`. Unknown extra parameters (Google adds
/// `scope`, `authuser`, `prompt`) are ignored; the ones that matter may appear once only.
pub fn validate_callback(
    platform: Platform,
    pairs: &[(String, String)],
    expected_state: &str,
) -> Result<CallbackParams, CallbackError> {
    for key in ["code", "state", "error", "error_description", "iss"] {
        if pairs.iter().filter(|(k, _)| k == key).count() > 1 {
            return Err(CallbackError::DuplicateParameter(key.to_string()));
        }
    }
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(pk, _)| pk == k)
            .map(|(_, v)| v.as_str())
    };
    let state = get("state").ok_or(CallbackError::MissingState)?;
    if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
        return Err(CallbackError::StateMismatch);
    }
    if let Some(error) = get("error") {
        let error = clean(error, 64);
        let description = get("error_description")
            .map(|d| clean(d, 200))
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| match error.as_str() {
                "access_denied" => "you did not approve the access".to_string(),
                other => other.to_string(),
            });
        return Err(CallbackError::Denied {
            platform,
            error,
            description,
        });
    }
    let mut code = get("code").ok_or(CallbackError::MissingCode)?;
    // Instagram appends `#_` to the redirect; should it arrive inside the value, it is not code.
    if platform == Platform::Instagram {
        code = code.strip_suffix("#_").unwrap_or(code);
    }
    if code.is_empty() {
        return Err(CallbackError::MissingCode);
    }
    if code.len() > MAX_CODE || code.chars().any(char::is_control) {
        return Err(CallbackError::Malformed);
    }
    Ok(CallbackParams {
        code: Secret::new(code.to_string()),
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn accepts_the_right_state_only() {
        let ok =
            validate_callback(Platform::X, &p(&[("code", "c1"), ("state", "s")]), "s").unwrap();
        assert_eq!(ok.code.expose(), "c1");
        let cases: Vec<(Vec<(String, String)>, CallbackError)> = vec![
            (p(&[("code", "c")]), CallbackError::MissingState),
            (
                p(&[("code", "c"), ("state", "t")]),
                CallbackError::StateMismatch,
            ),
            (p(&[("state", "s")]), CallbackError::MissingCode),
            (
                p(&[("code", "a"), ("code", "b"), ("state", "s")]),
                CallbackError::DuplicateParameter("code".into()),
            ),
            (
                p(&[("code", "a\u{0}"), ("state", "s")]),
                CallbackError::Malformed,
            ),
        ];
        for (q, want) in cases {
            assert_eq!(validate_callback(Platform::X, &q, "s").unwrap_err(), want);
        }
    }

    #[test]
    fn provider_errors_are_reported_only_with_the_right_state() {
        let e = validate_callback(
            Platform::X,
            &p(&[("error", "access_denied"), ("state", "s")]),
            "s",
        )
        .unwrap_err();
        assert!(
            matches!(e, CallbackError::Denied { ref error, .. } if error == "access_denied"),
            "{e:?}"
        );
        let e = validate_callback(
            Platform::X,
            &p(&[("error", "access_denied"), ("state", "x")]),
            "s",
        )
        .unwrap_err();
        assert_eq!(e, CallbackError::StateMismatch);
    }

    #[test]
    fn instagram_suffix_is_stripped() {
        let ok = validate_callback(
            Platform::Instagram,
            &p(&[("code", "abc#_"), ("state", "s")]),
            "s",
        )
        .unwrap();
        assert_eq!(ok.code.expose(), "abc");
    }

    #[test]
    fn challenges_match_rfc7636_and_tiktok() {
        // RFC 7636 Appendix B.
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(
            hex_challenge("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let (c, v) = new_pkce();
        assert_eq!(c.as_str(), s256_challenge(v.expose()));
        assert_ne!(new_state().expose(), new_state().expose());
    }
}
