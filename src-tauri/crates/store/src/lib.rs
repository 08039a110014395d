//! outpost-store: Outpost's local SQLite database (schema, migrations, typed repositories).
//!
//! Conventions (see README.md): ids are UUIDv7 strings ([`new_id`]); instants are `i64` unix
//! milliseconds UTC ([`now_ms`]); enums are lower_snake_case TEXT; JSON columns are [`JsonValue`].
//!
//! Every repository function takes any SQLite executor, so several calls can share one transaction:
//! ```ignore
//! let mut tx = store.begin().await?;
//! posts::insert(&mut *tx, &post).await?;
//! posts::targets::insert(&mut *tx, &target).await?;
//! tx.commit().await?;
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

#[macro_use]
mod macros;
mod error;
mod sql;
mod store;
pub mod types;

pub mod activity;
pub mod ai_calls;
pub mod analytics;
pub mod approvals;
pub mod apps;
pub mod automation;
pub mod board;
pub mod campaigns;
pub mod channels;
pub mod consents;
pub mod dump;
pub mod ideas;
pub mod inbox;
pub mod jobs;
pub mod media;
pub mod parts;
pub mod persona;
pub mod posts;
pub mod search;
pub mod secrets;
pub mod settings;
pub mod slots;
pub mod tags;
pub mod templates;
pub mod watch;

pub use error::{Error, Result};
pub use store::{FULL_CHECK_MAX_BYTES, Store, TableCount, delete_everything, table_counts};
pub use types::*;

/// The SQLite types callers need to hold a connection or transaction and pass it to the
/// repository functions (so the application crate needs no SQL library of its own).
pub use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

/// A JSON column value (stored as TEXT, serialised transparently).
pub type JsonValue = sqlx::types::Json<serde_json::Value>;

/// A fresh UUIDv7 id as stored in every `id` column.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current instant as unix milliseconds UTC (the representation of every `*_at` column).
/// Callers with an injected clock pass their own value instead.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Wraps a serde_json value for a JSON column.
pub fn json(value: serde_json::Value) -> JsonValue {
    sqlx::types::Json(value)
}
