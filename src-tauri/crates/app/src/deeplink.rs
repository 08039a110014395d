//! Parsing of deep links (`app.outpost.desktop://…`). Every deep link is outside input: anything
//! that is not exactly one of the known forms is rejected with a clear reason and changes nothing.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::paths::APP_IDENTIFIER;

/// Longest deep link accepted; real ones (OAuth callbacks, approval codes) are far shorter.
pub const MAX_DEEP_LINK_LEN: usize = 4096;

/// The pages a deep link may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Page {
    Calendar,
    Board,
    Compose,
    Inbox,
    Analytics,
    Channels,
    Settings,
}

impl Page {
    pub const ALL: [Page; 7] = [
        Page::Calendar,
        Page::Board,
        Page::Compose,
        Page::Inbox,
        Page::Analytics,
        Page::Channels,
        Page::Settings,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Page::Calendar => "calendar",
            Page::Board => "board",
            Page::Compose => "compose",
            Page::Inbox => "inbox",
            Page::Analytics => "analytics",
            Page::Channels => "channels",
            Page::Settings => "settings",
        }
    }

    fn from_slug(s: &str) -> Option<Page> {
        Page::ALL.into_iter().find(|p| p.slug() == s)
    }
}

/// A deep link Outpost understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeepLink {
    /// `app.outpost.desktop://open/<page>`: bring the window forward on a page.
    Open { page: Page },
    /// `app.outpost.desktop://oauth/callback/<provider>?code=…&state=…` (or `error=…`): the end of a
    /// sign-in in the browser. The values are kept opaque here; the OAuth engine validates them.
    OauthCallback {
        provider: String,
        query: Vec<(String, String)>,
    },
    /// `app.outpost.desktop://approval/<code>`: a client's decision code (checked when applied).
    Approval { code: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeepLinkError {
    #[error(
        "This link is too long to be an Outpost link ({len} characters; at most {MAX_DEEP_LINK_LEN})."
    )]
    TooLong { len: usize },
    #[error("This is not a valid link.")]
    Malformed,
    #[error("This link is not for Outpost (scheme \"{0}\").")]
    WrongScheme(String),
    #[error("Outpost does not know the link \"{0}\".")]
    UnknownRoute(String),
    #[error("The link has an unexpected parameter \"{0}\".")]
    UnexpectedParameter(String),
    #[error("The link has the parameter \"{0}\" more than once.")]
    DuplicateParameter(String),
    #[error("The link's provider name is not valid.")]
    BadProvider,
    #[error("The approval link does not carry a decision code.")]
    BadApprovalCode,
    #[error(
        "This sign-in link arrived, but no sign-in is in progress. Start the connection again from Channels."
    )]
    NoSignInInProgress,
}

/// What the window should do after a deep link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeepLinkAction {
    /// Show this page.
    Open { page: Page },
    /// Apply this client decision code (the window shows the outcome).
    Approval { code: String },
}

/// Parses a deep link and decides what it means for the window. Sign-in callbacks are answered by
/// the sign-in in progress (none exists before the channels capability is connected to this), never
/// handed to the UI: authorization codes stay in the core.
pub fn route(raw: &str) -> Result<DeepLinkAction, DeepLinkError> {
    match parse(raw)? {
        DeepLink::Open { page } => Ok(DeepLinkAction::Open { page }),
        DeepLink::Approval { code } => Ok(DeepLinkAction::Approval { code }),
        DeepLink::OauthCallback { .. } => Err(DeepLinkError::NoSignInInProgress),
    }
}

/// Parses and validates one deep link.
pub fn parse(raw: &str) -> Result<DeepLink, DeepLinkError> {
    if raw.len() > MAX_DEEP_LINK_LEN {
        return Err(DeepLinkError::TooLong { len: raw.len() });
    }
    let url = Url::parse(raw.trim()).map_err(|_| DeepLinkError::Malformed)?;
    if url.scheme() != APP_IDENTIFIER {
        // Only echo schemes that look like schemes; never echo arbitrary input back.
        let scheme: String = url.scheme().chars().take(64).collect();
        return Err(DeepLinkError::WrongScheme(scheme));
    }
    if url.username() != ""
        || url.password().is_some()
        || url.port().is_some()
        || url.fragment().is_some()
    {
        return Err(DeepLinkError::Malformed);
    }
    let host = url.host_str().unwrap_or_default();
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let route = std::iter::once(host)
        .chain(segments.iter().copied())
        .collect::<Vec<_>>();
    let route_text = || route.join("/").chars().take(80).collect::<String>();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in url.query_pairs() {
        if pairs.iter().any(|(pk, _)| *pk == k) {
            return Err(DeepLinkError::DuplicateParameter(short(&k)));
        }
        pairs.push((k.into_owned(), v.into_owned()));
    }

    match route.as_slice() {
        ["open", page] => {
            if let Some((k, _)) = pairs.first() {
                return Err(DeepLinkError::UnexpectedParameter(short(k)));
            }
            Page::from_slug(page)
                .map(|page| DeepLink::Open { page })
                .ok_or_else(|| DeepLinkError::UnknownRoute(route_text()))
        }
        ["oauth", "callback", provider] => {
            let valid = !provider.is_empty()
                && provider.len() <= 64
                && provider
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !valid {
                return Err(DeepLinkError::BadProvider);
            }
            const ALLOWED: [&str; 5] = ["code", "state", "error", "error_description", "iss"];
            if let Some((k, _)) = pairs.iter().find(|(k, _)| !ALLOWED.contains(&k.as_str())) {
                return Err(DeepLinkError::UnexpectedParameter(short(k)));
            }
            Ok(DeepLink::OauthCallback {
                provider: (*provider).to_string(),
                query: pairs,
            })
        }
        ["approval", code] => {
            if let Some((k, _)) = pairs.first() {
                return Err(DeepLinkError::UnexpectedParameter(short(k)));
            }
            if !crate::approvals::code::plausible_chars(code) {
                return Err(DeepLinkError::BadApprovalCode);
            }
            Ok(DeepLink::Approval {
                code: (*code).to_string(),
            })
        }
        ["approval", ..] => Err(DeepLinkError::BadApprovalCode),
        _ => Err(DeepLinkError::UnknownRoute(route_text())),
    }
}

fn short(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn open_page() {
        assert_eq!(
            parse("app.outpost.desktop://open/settings").unwrap(),
            DeepLink::Open {
                page: Page::Settings
            }
        );
        for p in Page::ALL {
            assert_eq!(
                parse(&format!("app.outpost.desktop://open/{}", p.slug())).unwrap(),
                DeepLink::Open { page: p }
            );
        }
    }

    #[test]
    fn oauth_callback_keeps_values_opaque() {
        let l = parse("app.outpost.desktop://oauth/callback/x?code=abc&state=s1").unwrap();
        assert_eq!(
            l,
            DeepLink::OauthCallback {
                provider: "x".into(),
                query: vec![("code".into(), "abc".into()), ("state".into(), "s1".into())]
            }
        );
    }

    #[test]
    fn route_opens_pages_and_refuses_stray_callbacks() {
        assert_eq!(
            route("app.outpost.desktop://open/board").unwrap(),
            DeepLinkAction::Open { page: Page::Board }
        );
        assert_eq!(
            route("app.outpost.desktop://oauth/callback/x?code=a&state=b").unwrap_err(),
            DeepLinkError::NoSignInInProgress
        );
    }

    #[test]
    fn approval_links_carry_a_code() {
        assert_eq!(
            route("app.outpost.desktop://approval/OA1.abc_-.xyz").unwrap(),
            DeepLinkAction::Approval {
                code: "OA1.abc_-.xyz".into()
            }
        );
        for bad in [
            "app.outpost.desktop://approval/",
            "app.outpost.desktop://approval/OA1.a%20b.c",
            "app.outpost.desktop://approval/OA1.a/b.c",
        ] {
            assert_eq!(
                parse(bad).unwrap_err(),
                DeepLinkError::BadApprovalCode,
                "{bad}"
            );
        }
        assert!(matches!(
            parse("app.outpost.desktop://approval/OA1.a.b?x=1").unwrap_err(),
            DeepLinkError::UnexpectedParameter(_)
        ));
    }

    #[test]
    fn rejects_bad_links() {
        use DeepLinkError::*;
        type Check = fn(&DeepLinkError) -> bool;
        let cases: &[(&str, Check)] = &[
            ("not a url", |e| *e == Malformed),
            (
                "https://evil.example/open/settings",
                |e| matches!(e, WrongScheme(s) if s == "https"),
            ),
            ("app.outpost.desktop://open/nowhere", |e| {
                matches!(e, UnknownRoute(_))
            }),
            ("app.outpost.desktop://delete/all", |e| {
                matches!(e, UnknownRoute(_))
            }),
            ("app.outpost.desktop://open/settings?x=1", |e| {
                matches!(e, UnexpectedParameter(_))
            }),
            (
                "app.outpost.desktop://oauth/callback/x?code=a&code=b",
                |e| matches!(e, DuplicateParameter(_)),
            ),
            ("app.outpost.desktop://oauth/callback/x?token=a", |e| {
                matches!(e, UnexpectedParameter(_))
            }),
            ("app.outpost.desktop://oauth/callback/X%20Y?code=a", |e| {
                *e == BadProvider
            }),
            ("app.outpost.desktop://user:pw@open/settings", |e| {
                *e == Malformed
            }),
            ("app.outpost.desktop://open/settings#frag", |e| {
                *e == Malformed
            }),
        ];
        for (raw, ok) in cases {
            let err = parse(raw).unwrap_err();
            assert!(ok(&err), "{raw}: {err:?}");
            assert!(!err.to_string().is_empty());
        }
        let long = format!(
            "app.outpost.desktop://open/settings?{}",
            "a".repeat(MAX_DEEP_LINK_LEN)
        );
        assert!(matches!(parse(&long), Err(TooLong { .. })));
    }

    #[test]
    fn error_messages_never_echo_long_or_control_input() {
        let err = parse(&format!(
            "app.outpost.desktop://open/settings?{}\u{7}=1",
            "k".repeat(100)
        ))
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.len() < 120, "{msg}");
        assert!(!msg.contains('\u{7}'));
    }
}
