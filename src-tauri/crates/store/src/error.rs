//! The crate's one error type.

use std::path::PathBuf;

/// Result alias for every fallible store function.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong in the store. Messages are plain sentences and never contain
/// stored values (the store only ever holds sealed secrets, but it does not echo row contents either).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The requested row does not exist.
    #[error("The {what} {id} was not found.")]
    NotFound {
        /// Human name of the kind of item ("post", "channel", ...).
        what: &'static str,
        /// Its id or key.
        id: String,
    },
    /// A uniqueness, foreign-key, NOT NULL or CHECK constraint refused the change.
    #[error("The change conflicts with existing data ({detail}).")]
    Conflict {
        /// SQLite's description (names tables/columns, never values).
        detail: String,
    },
    /// The file is not an SQLite database, is damaged, or belongs to another application.
    #[error(
        "The database file {} is damaged or is not an Outpost database ({detail}). It was left untouched.",
        path.display()
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// The database was written by a newer Outpost; it is refused and left untouched.
    #[error(
        "The database was created by a newer version of Outpost (schema {found}, this version knows up to {supported}). Please update Outpost; the file was left untouched."
    )]
    SchemaTooNew {
        /// Newest migration recorded in the file.
        found: i64,
        /// Newest migration embedded in this binary.
        supported: i64,
    },
    /// The data folder or database file cannot be created, read or written.
    #[error("Outpost cannot use the database at {}: {detail}. Check that the folder exists and is writable.", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// What the operating system or SQLite reported.
        detail: String,
    },
    /// Input rejected before reaching the database.
    #[error("Invalid input: {0}.")]
    Invalid(String),
    /// Applying migrations failed.
    #[error("Upgrading the database failed: {0}")]
    Migration(#[source] sqlx::migrate::MigrateError),
    /// Any other database error.
    #[error("Database error: {0}")]
    Database(#[source] sqlx::Error),
}

/// SQLite primary result codes we classify (extended codes carry the primary in the low byte).
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_NOTADB: i64 = 26;
const SQLITE_CONSTRAINT: i64 = 19;

pub(crate) fn sqlite_code(e: &sqlx::Error) -> Option<i64> {
    match e {
        sqlx::Error::Database(db) => db.code().and_then(|c| c.parse::<i64>().ok()),
        _ => None,
    }
}

impl Error {
    /// Classifies an sqlx error, attributing corruption to `path`.
    pub(crate) fn from_sqlx_at(e: sqlx::Error, path: &std::path::Path) -> Self {
        match sqlite_code(&e).map(|c| c & 0xff) {
            Some(SQLITE_CORRUPT) | Some(SQLITE_NOTADB) => Error::Corrupt {
                path: path.to_path_buf(),
                detail: db_message(&e),
            },
            Some(14) | Some(8) | Some(10) | Some(13) => Error::Io {
                path: path.to_path_buf(),
                detail: db_message(&e),
            },
            _ => Error::from(e),
        }
    }

    /// True for [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// What SQLite (or the operating system) said, without this crate's framing: the detail of
    /// a conflict, corruption or I/O failure, SQLite's message for a database error, else the
    /// whole message.
    pub fn detail(&self) -> String {
        match self {
            Error::Conflict { detail }
            | Error::Corrupt { detail, .. }
            | Error::Io { detail, .. } => detail.clone(),
            Error::Database(e) => db_message(e),
            other => other.to_string(),
        }
    }

    /// True for [`Error::Conflict`].
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }
}

fn db_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match sqlite_code(&e).map(|c| c & 0xff) {
            Some(SQLITE_CONSTRAINT) => Error::Conflict {
                detail: db_message(&e),
            },
            Some(SQLITE_CORRUPT) | Some(SQLITE_NOTADB) => Error::Corrupt {
                path: PathBuf::from("(open database)"),
                detail: db_message(&e),
            },
            _ => Error::Database(e),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::Execute(inner) => match Error::from(inner) {
                Error::Database(inner) => {
                    Error::Migration(sqlx::migrate::MigrateError::Execute(inner))
                }
                other => other,
            },
            other => Error::Migration(other),
        }
    }
}
