//! Outpost's platform clients. One folder per platform (`x/`, `mastodon/`, …: `auth` for sign-in,
//! `publish` for publishing) over the shared [`transport`] (the one HTTP path) and [`limits`].
//! Sign-in is one trait ([`Provider`]): build the
//! authorization request, exchange the code, refresh, discover the accounts and pages the user can
//! post to, revoke. The OAuth engine (PKCE S256 + one-time `state`, a one-shot loopback listener,
//! callback validation) lives in [`flow`] and [`loopback`]; the `oauth2` crate does the protocol work
//! for the standard token endpoints. This crate knows nothing of the database or of tauri: the
//! application services decide where tokens are sealed and which channel they belong to.
//!
//! The exact requests and accepted responses are fixed in `WIRE.md` next to this file.

pub mod capability;
pub mod endpoints;
pub mod error;
pub mod flow;
pub mod guide;
pub mod limits;
pub mod loopback;
pub mod platform;
pub mod post;
pub mod providers;
pub mod publish;
pub mod quota;
pub mod tokens;

mod registry;
mod timed;
mod transport;

// One folder per platform: `auth` (sign-in), `publish`; inbox and metrics join them.
pub mod bluesky;
pub mod facebook;
pub mod instagram;
pub mod linkedin;
pub mod mastodon;
pub mod meta;
pub mod pinterest;
pub mod threads;
pub mod tiktok;
pub mod x;
pub mod youtube;

pub use capability::{Capability, Support};
pub use endpoints::Endpoints;
pub use error::{CallbackError, Error, Result};
pub use flow::{AuthRequest, CallbackParams, RedirectTarget};
pub use platform::Platform;
pub use providers::{AppCredentials, Ctx, Provider, Revocation};
pub use registry::{provider, publisher, support};
pub use tokens::{Account, AccountKind, Grant, TokenSet};

pub use outpost_vault::Secret;
