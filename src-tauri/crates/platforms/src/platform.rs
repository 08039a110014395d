//! The ten platforms and their fixed facts.

use serde::{Deserialize, Serialize};

/// A platform Outpost publishes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    X,
    Linkedin,
    Facebook,
    Instagram,
    Threads,
    Youtube,
    Tiktok,
    Pinterest,
    Bluesky,
    Mastodon,
}

/// How the authorization redirect reaches Outpost on this platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectPolicy {
    /// `http://127.0.0.1:<fixed port>/oauth/<platform>/callback`: the platform matches the whole URI.
    FixedLoopback,
    /// `http://127.0.0.1:<any port>/oauth/<platform>/callback`: the platform ignores the port.
    AnyPortLoopback,
    /// Registered by Outpost itself on each server; the desktop app uses its deep link.
    SelfRegistered,
    /// No browser redirect (Bluesky app passwords).
    None,
}

impl Platform {
    /// Every platform, in display order.
    pub const ALL: [Platform; 10] = [
        Platform::X,
        Platform::Linkedin,
        Platform::Facebook,
        Platform::Instagram,
        Platform::Threads,
        Platform::Youtube,
        Platform::Tiktok,
        Platform::Pinterest,
        Platform::Bluesky,
        Platform::Mastodon,
    ];

    /// The stable id (`x`, `linkedin`, …), as stored and as in `OUTPOST_ENDPOINT_<ID>`.
    pub fn id(self) -> &'static str {
        match self {
            Platform::X => "x",
            Platform::Linkedin => "linkedin",
            Platform::Facebook => "facebook",
            Platform::Instagram => "instagram",
            Platform::Threads => "threads",
            Platform::Youtube => "youtube",
            Platform::Tiktok => "tiktok",
            Platform::Pinterest => "pinterest",
            Platform::Bluesky => "bluesky",
            Platform::Mastodon => "mastodon",
        }
    }

    /// The name people use.
    pub fn name(self) -> &'static str {
        match self {
            Platform::X => "X",
            Platform::Linkedin => "LinkedIn",
            Platform::Facebook => "Facebook",
            Platform::Instagram => "Instagram",
            Platform::Threads => "Threads",
            Platform::Youtube => "YouTube",
            Platform::Tiktok => "TikTok",
            Platform::Pinterest => "Pinterest",
            Platform::Bluesky => "Bluesky",
            Platform::Mastodon => "Mastodon",
        }
    }

    pub fn from_id(id: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.id() == id)
    }

    pub fn redirect_policy(self) -> RedirectPolicy {
        match self {
            Platform::Youtube | Platform::Tiktok => RedirectPolicy::AnyPortLoopback,
            Platform::Mastodon => RedirectPolicy::SelfRegistered,
            Platform::Bluesky => RedirectPolicy::None,
            _ => RedirectPolicy::FixedLoopback,
        }
    }

    /// Whether the user has to create a developer app (client id) first.
    pub fn needs_developer_app(self) -> bool {
        !matches!(self, Platform::Mastodon | Platform::Bluesky)
    }

    /// Whether the token endpoint requires the client secret.
    pub fn secret_required(self) -> bool {
        matches!(
            self,
            Platform::Linkedin
                | Platform::Facebook
                | Platform::Instagram
                | Platform::Threads
                | Platform::Youtube
                | Platform::Tiktok
                | Platform::Pinterest
        )
    }

    /// Whether a secret may be configured (X: optional, for confidential "Web App" clients).
    pub fn secret_allowed(self) -> bool {
        self.secret_required() || self == Platform::X
    }

    /// Whether the platform's server lives at a user-chosen URL.
    pub fn has_instances(self) -> bool {
        matches!(self, Platform::Mastodon | Platform::Bluesky)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The fixed loopback port Outpost listens on for platforms that match the whole redirect URI.
pub const DEFAULT_LOOPBACK_PORT: u16 = 47863;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for p in Platform::ALL {
            assert_eq!(Platform::from_id(p.id()), Some(p));
        }
        assert_eq!(Platform::from_id("myspace"), None);
    }
}
