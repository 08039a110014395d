//! Outpost's platform clients. One module per platform behind one trait ([`Provider`]): build the
//! authorization request, exchange the code, refresh, discover the accounts and pages the user can
//! post to, revoke. The OAuth engine (PKCE S256 + one-time `state`, a one-shot loopback listener,
//! callback validation) lives in [`flow`] and [`loopback`]; the `oauth2` crate does the protocol work
//! for the standard token endpoints. This crate knows nothing of the database or of tauri: the
//! application services decide where tokens are sealed and which channel they belong to.
//!
//! The exact requests and accepted responses are fixed in `WIRE.md` next to this file.

pub mod endpoints;
pub mod error;
pub mod flow;
pub mod guide;
pub mod loopback;
pub mod platform;
pub mod providers;
pub mod publish;
pub mod tokens;

mod transport;

pub use endpoints::Endpoints;
pub use error::{CallbackError, Error, Result};
pub use flow::{AuthRequest, CallbackParams, RedirectTarget};
pub use platform::Platform;
pub use providers::{AppCredentials, Ctx, Provider, Revocation, provider};
pub use tokens::{Account, AccountKind, Grant, TokenSet};

pub use outpost_vault::Secret;
