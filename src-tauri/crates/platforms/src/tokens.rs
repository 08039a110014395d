//! Tokens and accounts as the platform layer hands them to the application.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::Secret;

/// The credentials of one grant. Debug never prints a token; it is sealed as JSON by the caller
/// ([`TokenSet::to_sealed_json`]) and never serialised anywhere else.
#[derive(Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// The user token behind a page token (Facebook): it is what revocation ends.
    pub grant_token: Option<Secret>,
    /// Access-token expiry, unix seconds.
    pub expires_at: Option<i64>,
    /// Refresh-token expiry, unix seconds (LinkedIn, TikTok, Pinterest say).
    pub refresh_expires_at: Option<i64>,
    /// When this access token was issued, unix seconds (Instagram/Threads refresh only after 24 h).
    pub issued_at: i64,
    pub scopes: Vec<String>,
    /// Non-secret facts a later call needs (user id, PDS URL, DID, …).
    pub extra: BTreeMap<String, String>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "grant_token",
                &self.grant_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("issued_at", &self.issued_at)
            .field("scopes", &self.scopes)
            .field("extra", &self.extra)
            .finish()
    }
}

#[derive(Serialize, Deserialize)]
struct Sealable {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    grant_token: Option<String>,
    #[serde(default)]
    expires_at: Option<i64>,
    #[serde(default)]
    refresh_expires_at: Option<i64>,
    #[serde(default)]
    issued_at: i64,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    extra: BTreeMap<String, String>,
}

impl TokenSet {
    pub fn new(access_token: impl Into<String>, issued_at: i64) -> TokenSet {
        TokenSet {
            access_token: Secret::new(access_token.into()),
            refresh_token: None,
            grant_token: None,
            expires_at: None,
            refresh_expires_at: None,
            issued_at,
            scopes: Vec::new(),
            extra: BTreeMap::new(),
        }
    }

    /// The JSON the vault seals. Only for sealing: the result is zeroed on drop.
    pub fn to_sealed_json(&self) -> Zeroizing<String> {
        let s = Sealable {
            access_token: self.access_token.expose().to_string(),
            refresh_token: self.refresh_token.as_ref().map(|t| t.expose().to_string()),
            grant_token: self.grant_token.as_ref().map(|t| t.expose().to_string()),
            expires_at: self.expires_at,
            refresh_expires_at: self.refresh_expires_at,
            issued_at: self.issued_at,
            scopes: self.scopes.clone(),
            extra: self.extra.clone(),
        };
        let json = serde_json::to_string(&s).unwrap_or_default();
        let Sealable {
            access_token,
            refresh_token,
            grant_token,
            ..
        } = s;
        drop(Zeroizing::new(access_token));
        drop(refresh_token.map(Zeroizing::new));
        drop(grant_token.map(Zeroizing::new));
        Zeroizing::new(json)
    }

    /// Reads what [`TokenSet::to_sealed_json`] wrote.
    pub fn from_sealed_json(json: &str) -> Option<TokenSet> {
        let s: Sealable = serde_json::from_str(json).ok()?;
        Some(TokenSet {
            access_token: Secret::new(s.access_token),
            refresh_token: s.refresh_token.map(Secret::new),
            grant_token: s.grant_token.map(Secret::new),
            expires_at: s.expires_at,
            refresh_expires_at: s.refresh_expires_at,
            issued_at: s.issued_at,
            scopes: s.scopes,
            extra: s.extra,
        })
    }

    /// True when the access token expires within `margin_s` seconds of `now`.
    pub fn expires_within(&self, now: i64, margin_s: i64) -> bool {
        self.expires_at.is_some_and(|at| at - margin_s <= now)
    }

    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extra.get(key).map(String::as_str)
    }
}

/// What an account is on its platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Profile,
    Page,
    Organization,
}

impl AccountKind {
    pub fn id(self) -> &'static str {
        match self {
            AccountKind::Profile => "profile",
            AccountKind::Page => "page",
            AccountKind::Organization => "organization",
        }
    }
}

/// An account, page or organization the user can post to, with the tokens to do it.
#[derive(Debug, Clone)]
pub struct Account {
    pub platform_account_id: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub handle: String,
    pub avatar_url: Option<String>,
    pub tokens: TokenSet,
}

/// The result of a successful code exchange: the user's tokens and what they granted.
#[derive(Debug, Clone)]
pub struct Grant {
    pub tokens: TokenSet,
    pub granted_scopes: Vec<String>,
}

/// Longest token lifetime believed (100 years): a platform's absurd `expires_in` (the fuzz target
/// `platform_answers` sent `9223372036854775807`) must neither overflow here nor in the
/// milliseconds the app stores.
pub(crate) const MAX_LIFETIME_S: i64 = 100 * 365 * 86_400;

/// When a token given `lifetime_s` at `now` expires (unix s), the lifetime capped at
/// [`MAX_LIFETIME_S`].
pub(crate) fn expiry(now: i64, lifetime_s: i64) -> i64 {
    now.saturating_add(lifetime_s.min(MAX_LIFETIME_S))
}

/// Splits a scope string that may be space or comma separated.
pub fn split_scopes(s: &str) -> Vec<String> {
    s.split([' ', ','])
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_json_round_trips() {
        let mut t = TokenSet::new("at-123", 10);
        t.refresh_token = Some(Secret::new("rt-456"));
        t.extra.insert("did".into(), "did:plc:x".into());
        let d = format!("{t:?}");
        assert!(!d.contains("at-123") && !d.contains("rt-456"), "{d}");
        let back = TokenSet::from_sealed_json(&t.to_sealed_json()).unwrap();
        assert_eq!(back.access_token.expose(), "at-123");
        assert_eq!(back.refresh_token.as_ref().unwrap().expose(), "rt-456");
        assert_eq!(back.extra("did"), Some("did:plc:x"));
    }

    #[test]
    fn scopes_split_on_spaces_and_commas() {
        assert_eq!(split_scopes("a b,c,, d"), vec!["a", "b", "c", "d"]);
    }
}
