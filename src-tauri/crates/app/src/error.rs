//! The one error type of the application-services crate, and the stable machine codes the front-ends
//! (IPC, CLI) expose. A code never changes meaning once shipped; add new ones instead.

use serde::{Deserialize, Serialize};

pub type Result<T> = std::result::Result<T, Error>;

/// Stable, machine-readable error codes. The UI switches on these; the CLI prints the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The data directory cannot be created, read or written.
    DataDirUnavailable,
    /// The database file is damaged or is not an Outpost database.
    DatabaseCorrupt,
    /// The database was written by a newer Outpost.
    DatabaseTooNew,
    /// Any other database failure.
    Database,
    /// Neither the OS keychain nor a passphrase is available to unlock secrets.
    VaultUnavailable,
    /// The vault exists but cannot be unlocked (wrong passphrase, missing key, access refused).
    VaultLocked,
    /// Any other vault failure.
    Vault,
    /// Input from the user or another program was rejected.
    InvalidInput,
    /// A deep link was malformed or not one Outpost understands.
    InvalidDeepLink,
    /// The item asked for does not exist.
    NotFound,
    /// The core failed to start; the message says why.
    CoreUnavailable,
    /// A file-system failure outside the database.
    Io,
    /// An import archive was rejected (not an Outpost export, damaged, unsafe or inconsistent).
    InvalidArchive,
    /// An import archive was written by a newer Outpost (newer database schema).
    ArchiveTooNew,
    /// Import needs an empty profile and this one holds data.
    ProfileNotEmpty,
    /// The platform's developer app (client id, secret) is not set up yet.
    AppNotConfigured,
    /// A sign-in in the browser did not complete (refused, wrong answer, listener failure).
    SignInFailed,
    /// The user cancelled a sign-in.
    SignInCancelled,
    /// The browser did not come back in time.
    SignInTimedOut,
    /// The platform could not be reached or is failing (network, 5xx, rate limit); retry later.
    PlatformUnavailable,
    /// The platform no longer accepts the channel's sign-in; the user must reconnect.
    ReconnectNeeded,
    /// The platform refused the request or answered something unreadable.
    PlatformRejected,
    /// Another Outpost process (the desktop app or `outpost run`) already publishes from this data directory.
    SchedulerBusy,
    /// A client's decision code was refused (damaged, altered, another post or preview, expired,
    /// revoked, post edited since); nothing changed.
    ApprovalRefused,
    /// The AI provider is not set up, or "local only" refuses it.
    AiNotConfigured,
    /// The user has not consented to sending text to this AI provider.
    AiConsentRequired,
    /// The AI provider refused the API key.
    AiUnauthorized,
    /// The AI provider is rate limiting; retry after the time given.
    AiRateLimited,
    /// The AI provider could not be reached, failed or did not answer in time.
    AiUnavailable,
    /// The AI provider refused the request or answered empty, unreadable or too long.
    AiBadAnswer,
    /// The user cancelled an AI request; nothing changed.
    AiCancelled,
}

impl ErrorCode {
    /// Every code, in declaration order (exported to TypeScript as `ERROR_CODES`).
    pub const ALL: [ErrorCode; 31] = [
        ErrorCode::DataDirUnavailable,
        ErrorCode::DatabaseCorrupt,
        ErrorCode::DatabaseTooNew,
        ErrorCode::Database,
        ErrorCode::VaultUnavailable,
        ErrorCode::VaultLocked,
        ErrorCode::Vault,
        ErrorCode::InvalidInput,
        ErrorCode::InvalidDeepLink,
        ErrorCode::NotFound,
        ErrorCode::CoreUnavailable,
        ErrorCode::Io,
        ErrorCode::InvalidArchive,
        ErrorCode::ArchiveTooNew,
        ErrorCode::ProfileNotEmpty,
        ErrorCode::AppNotConfigured,
        ErrorCode::SignInFailed,
        ErrorCode::SignInCancelled,
        ErrorCode::SignInTimedOut,
        ErrorCode::PlatformUnavailable,
        ErrorCode::ReconnectNeeded,
        ErrorCode::PlatformRejected,
        ErrorCode::SchedulerBusy,
        ErrorCode::ApprovalRefused,
        ErrorCode::AiNotConfigured,
        ErrorCode::AiConsentRequired,
        ErrorCode::AiUnauthorized,
        ErrorCode::AiRateLimited,
        ErrorCode::AiUnavailable,
        ErrorCode::AiBadAnswer,
        ErrorCode::AiCancelled,
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The data directory {path} is not usable: {reason}")]
    DataDir { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] outpost_store::Error),
    #[error(transparent)]
    Vault(#[from] outpost_vault::Error),
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    DeepLink(#[from] crate::deeplink::DeepLinkError),
    #[error("{what} was not found")]
    NotFound { what: String },
    #[error("The archive cannot be imported: {reason}")]
    InvalidArchive { reason: String },
    #[error(
        "The archive was written by a newer Outpost (schema {found}; this Outpost knows up to {supported}); update Outpost to import it"
    )]
    ArchiveTooNew { found: i64, supported: i64 },
    #[error(
        "The profile already holds data ({detail}); import only into an empty profile (delete all data first, or use a new data directory)"
    )]
    ProfileNotEmpty { detail: String },
    #[error(transparent)]
    Platform(#[from] outpost_platforms::Error),
    #[error("{0}")]
    AppNotConfigured(String),
    #[error("{0}")]
    SchedulerBusy(String),
    #[error("{0}")]
    PlatformUnavailable(String),
    #[error("{message}")]
    ApprovalRefused {
        reason: crate::approvals::Refusal,
        message: String,
    },
    /// An AI request failed (see [`crate::ai::AiFailure`]); nothing in the draft changed.
    #[error("{message}")]
    Ai {
        kind: crate::ai::AiFailure,
        message: String,
        retry_after_secs: Option<u64>,
    },
    /// The browser (system default or `OUTPOST_BROWSER`) could not be opened; says why.
    #[error("{0}")]
    BrowserNotOpened(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::DataDir { .. } => ErrorCode::DataDirUnavailable,
            Error::Store(e) => match e {
                outpost_store::Error::Corrupt { .. } => ErrorCode::DatabaseCorrupt,
                outpost_store::Error::Io { .. } => ErrorCode::DataDirUnavailable,
                outpost_store::Error::SchemaTooNew { .. } => ErrorCode::DatabaseTooNew,
                outpost_store::Error::NotFound { .. } => ErrorCode::NotFound,
                _ => ErrorCode::Database,
            },
            Error::Vault(e) => match e {
                outpost_vault::Error::NoBackend { .. } => ErrorCode::VaultUnavailable,
                outpost_vault::Error::WrongPassphrase
                | outpost_vault::Error::MissingKey { .. }
                | outpost_vault::Error::KeyMismatch { .. }
                | outpost_vault::Error::PassphraseRequired
                | outpost_vault::Error::KeychainUnavailable { .. }
                | outpost_vault::Error::KeychainAccessDenied { .. } => ErrorCode::VaultLocked,
                _ => ErrorCode::Vault,
            },
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::DeepLink(_) => ErrorCode::InvalidDeepLink,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Io { .. } | Error::BrowserNotOpened(_) => ErrorCode::Io,
            Error::InvalidArchive { .. } => ErrorCode::InvalidArchive,
            Error::ArchiveTooNew { .. } => ErrorCode::ArchiveTooNew,
            Error::ProfileNotEmpty { .. } => ErrorCode::ProfileNotEmpty,
            Error::AppNotConfigured(_) => ErrorCode::AppNotConfigured,
            Error::SchedulerBusy(_) => ErrorCode::SchedulerBusy,
            Error::PlatformUnavailable(_) => ErrorCode::PlatformUnavailable,
            Error::ApprovalRefused { .. } => ErrorCode::ApprovalRefused,
            Error::Ai { kind, .. } => {
                use crate::ai::AiFailure as F;
                match kind {
                    F::NotConfigured | F::NotLocal => ErrorCode::AiNotConfigured,
                    F::ConsentRequired => ErrorCode::AiConsentRequired,
                    F::Unauthorized => ErrorCode::AiUnauthorized,
                    F::RateLimited => ErrorCode::AiRateLimited,
                    F::Timeout | F::Unavailable => ErrorCode::AiUnavailable,
                    F::Rejected | F::EmptyAnswer | F::TooLong => ErrorCode::AiBadAnswer,
                    F::Cancelled => ErrorCode::AiCancelled,
                }
            }
            Error::Platform(e) => {
                use outpost_platforms::Error as P;
                match e {
                    P::Network { .. }
                    | P::Unavailable { .. }
                    | P::RateLimited { .. }
                    | P::MediaHostUnavailable(_) => ErrorCode::PlatformUnavailable,
                    P::NeedsReauth { .. } => ErrorCode::ReconnectNeeded,
                    P::Rejected { .. } | P::InvalidResponse { .. } => ErrorCode::PlatformRejected,
                    P::Callback(_) | P::Listener { .. } => ErrorCode::SignInFailed,
                    P::Cancelled => ErrorCode::SignInCancelled,
                    P::TimedOut { .. } => ErrorCode::SignInTimedOut,
                    P::Config(_) | P::Unsupported { .. } | P::NotBuiltYet { .. } => {
                        ErrorCode::InvalidInput
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode::{self, *};

    /// The match is exhaustive: a new code fails to compile here until it is added to `ALL`.
    fn position(c: ErrorCode) -> usize {
        match c {
            DataDirUnavailable => 0,
            DatabaseCorrupt => 1,
            DatabaseTooNew => 2,
            Database => 3,
            VaultUnavailable => 4,
            VaultLocked => 5,
            Vault => 6,
            InvalidInput => 7,
            InvalidDeepLink => 8,
            NotFound => 9,
            CoreUnavailable => 10,
            Io => 11,
            InvalidArchive => 12,
            ArchiveTooNew => 13,
            ProfileNotEmpty => 14,
            AppNotConfigured => 15,
            SignInFailed => 16,
            SignInCancelled => 17,
            SignInTimedOut => 18,
            PlatformUnavailable => 19,
            ReconnectNeeded => 20,
            PlatformRejected => 21,
            SchedulerBusy => 22,
            ApprovalRefused => 23,
            AiNotConfigured => 24,
            AiConsentRequired => 25,
            AiUnauthorized => 26,
            AiRateLimited => 27,
            AiUnavailable => 28,
            AiBadAnswer => 29,
            AiCancelled => 30,
        }
    }

    #[test]
    fn all_lists_every_code_once_in_order() {
        for (i, c) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(position(c), i, "{c:?}");
        }
    }
}
