//! What the UI and the CLI receive about developer apps, channels and sign-in flows.

use serde::{Deserialize, Serialize};

/// A platform, as the UI names it (`x`, `linkedin`, … `mastodon`).
pub use outpost_platforms::Platform;

/// How a platform's developer app is set up, with the guide shown in Settings → Developer apps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeveloperAppView {
    pub platform: Platform,
    /// Human platform name ("LinkedIn").
    pub platform_name: String,
    /// True when Outpost registers itself on each server (Mastodon) or signs in without an app
    /// (Bluesky app passwords): nothing to configure.
    pub self_registering: bool,
    /// Whether a client id is saved.
    pub configured: bool,
    /// The saved client id (not a secret), `None` when not configured.
    pub client_id: Option<String>,
    /// Whether a client secret is sealed in the vault (the secret itself never leaves the core).
    pub has_client_secret: bool,
    /// Whether the platform requires a client secret at its token endpoint.
    pub secret_required: bool,
    /// Whether a secret may be given at all (X native apps are public clients: optional).
    pub secret_allowed: bool,
    /// Where to create the app.
    pub console_url: String,
    /// Short steps, in order.
    pub steps: Vec<String>,
    /// The exact redirect URI to register, as the platform should store it.
    pub redirect_uri: String,
    /// Scopes / permissions Outpost asks for (with the app's products as saved).
    pub scopes: Vec<String>,
    /// LinkedIn: the user said their app has the Community Management API product (company
    /// pages); sign-in then asks for the organization scopes too.
    pub organization_access: bool,
    /// Whether the platform has such a product choice (LinkedIn only).
    pub offers_organization_access: bool,
    /// Honest caveats (e.g. "LinkedIn must enable PKCE for native apps").
    pub notes: Vec<String>,
}

/// A connected (or formerly connected) account, page or organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelView {
    pub id: String,
    pub platform: Platform,
    pub platform_name: String,
    /// Server for Mastodon/Bluesky, `""` otherwise.
    pub instance_url: String,
    pub platform_account_id: String,
    /// `profile`, `page`, `organization` or `board`.
    pub kind: String,
    pub display_name: String,
    pub handle: String,
    pub avatar_url: Option<String>,
    pub scopes: Vec<String>,
    /// `connected`, `reconnect_needed` or `disconnected`.
    pub status: String,
    /// Why the channel needs attention, in words.
    pub status_reason: Option<String>,
    /// Access-token expiry, unix ms; `None` when it does not expire.
    pub token_expires_at: Option<i64>,
    /// Unix ms.
    pub connected_at: i64,
    pub updated_at: i64,
}

/// Where a sign-in's redirect comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RedirectKind {
    /// A one-shot listener on 127.0.0.1 / [::1].
    Loopback,
    /// The app's private-use scheme through the deep-link plugin.
    DeepLink,
}

/// A sign-in started in the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectStarted {
    pub flow_id: String,
    pub platform: Platform,
    /// The URL opened in the browser (shown so the user can copy it if no browser opened).
    pub authorize_url: String,
    pub redirect: RedirectKind,
    /// When the flow gives up waiting, unix ms.
    pub expires_at: i64,
}

/// An account or page the signed-in user can post to, offered for selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectCandidate {
    /// Opaque id within the flow.
    pub key: String,
    pub platform_account_id: String,
    /// `profile`, `page`, `organization`.
    pub kind: String,
    pub display_name: String,
    pub handle: String,
    pub avatar_url: Option<String>,
    /// The channel this would update (reconnect), if it exists.
    pub existing_channel_id: Option<String>,
}

/// The browser step finished: what the user may connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectCandidates {
    pub flow_id: String,
    pub platform: Platform,
    pub candidates: Vec<ConnectCandidate>,
    /// Scopes the platform granted.
    pub granted_scopes: Vec<String>,
    /// Scopes asked for but not granted (the user unticked them).
    pub missing_scopes: Vec<String>,
}

/// The outcome of disconnecting a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DisconnectReport {
    pub channel_id: String,
    /// `revoked` (the platform confirmed), `not_offered` (the platform has no revocation API: see
    /// `note`), `shared_grant` (other channels still use this sign-in) or `failed` (tokens deleted here
    /// anyway; see `note`).
    pub upstream: String,
    pub note: Option<String>,
}
