//! The crate's one error type. Every platform failure is classified so callers know what to do:
//! retry later ([`Error::is_transient`]), wait ([`Error::RateLimited`]), ask the user to sign in again
//! ([`Error::NeedsReauth`]) or give up with the platform's reason ([`Error::Rejected`]).
//! No variant ever carries a token, a code or a secret.

use crate::platform::Platform;

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No response arrived (connection refused, reset, timeout).
    #[error("{platform} could not be reached ({source})")]
    Network {
        platform: Platform,
        #[source]
        source: outpost_net::Error,
    },
    /// The platform answered with a server error (5xx).
    #[error("{platform} is having trouble right now (HTTP {status}); try again shortly")]
    Unavailable { platform: Platform, status: u16 },
    /// Too many requests; `retry_at` (unix s) when the platform said.
    #[error("{platform} is limiting requests; try again later")]
    RateLimited {
        platform: Platform,
        retry_at: Option<i64>,
    },
    /// The grant is gone (revoked, expired, password changed): the user must sign in again.
    #[error("{platform} no longer accepts Outpost's sign-in: {reason}")]
    NeedsReauth { platform: Platform, reason: String },
    /// The platform refused the request for a reason a retry will not fix.
    #[error("{platform} refused: {reason}")]
    Rejected {
        platform: Platform,
        status: Option<u16>,
        reason: String,
    },
    /// The platform answered with something that does not match its documented shape.
    #[error("{platform} sent an answer Outpost cannot read ({what})")]
    InvalidResponse { platform: Platform, what: String },
    /// The browser came back with something that is not a valid end of this sign-in.
    #[error("Sign-in failed: {0}")]
    Callback(#[from] CallbackError),
    #[error("Sign-in was cancelled")]
    Cancelled,
    #[error("Sign-in timed out: the browser did not come back within {seconds} seconds")]
    TimedOut { seconds: u64 },
    /// The loopback listener could not start (e.g. the port is taken).
    #[error("Outpost could not listen for the sign-in on {address}: {source}")]
    Listener {
        address: String,
        #[source]
        source: std::io::Error,
    },
    /// Something Outpost was given (an app id, a server URL, an override) is not usable.
    #[error("{0}")]
    Config(String),
    /// The user's media host (their S3-compatible bucket) could not be reached or is failing
    /// (network, 5xx); a retry later may succeed. Refusals (credentials, bucket) are `Config`.
    #[error("The media host is unavailable: {0}")]
    MediaHostUnavailable(String),
    #[error("{platform} does not offer {what}")]
    Unsupported {
        platform: Platform,
        what: &'static str,
    },
    /// The platform offers it; Outpost does not do it yet.
    #[error("Outpost cannot do {what} on {platform} yet")]
    NotBuiltYet {
        platform: Platform,
        what: &'static str,
    },
}

impl Error {
    /// The platform (or its rules, checked before anything is sent) refuse the post for a reason
    /// a retry will not fix; no HTTP status.
    pub(crate) fn refused(platform: Platform, reason: impl Into<String>) -> Error {
        Error::Rejected {
            platform,
            status: None,
            reason: reason.into(),
        }
    }

    /// A retry later may succeed without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Network { .. }
                | Error::Unavailable { .. }
                | Error::RateLimited { .. }
                | Error::MediaHostUnavailable(_)
        )
    }

    pub fn needs_reauth(&self) -> bool {
        matches!(self, Error::NeedsReauth { .. })
    }
}

/// Why a callback (loopback request or deep link) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the answer did not belong to this sign-in (state mismatch)")]
    StateMismatch,
    #[error("the answer carried no authorization code")]
    MissingCode,
    #[error("the answer carried no state")]
    MissingState,
    #[error("the answer repeated the parameter `{0}`")]
    DuplicateParameter(String),
    #[error("the request was malformed")]
    Malformed,
    #[error("the request was too large")]
    TooLarge,
    #[error("the answer came to the wrong address ({0})")]
    WrongPath(String),
    #[error("the browser used {0} instead of GET")]
    WrongMethod(String),
    #[error("{platform} said: {description}")]
    Denied {
        platform: Platform,
        /// The OAuth `error` code (`access_denied`, …).
        error: String,
        description: String,
    },
    #[error("no sign-in is waiting for this answer")]
    NoFlow,
    #[error("the authorization server in the answer ({0}) is not the one this sign-in used")]
    IssuerMismatch(String),
}

/// Makes text from outside safe to show: printable, one line, at most `max` characters.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        s.push('…');
    }
    s.trim().to_string()
}
