//! Noticing changes another connection or process made to the same database file (the CLI's
//! `outpost posts create`, a CSV import from a script, `outpost run` publishing) without reading
//! tables on every tick: SQLite's `PRAGMA data_version` on one connection of its own changes only
//! when another connection commits, and only then is the posts' fingerprint read.

use sqlx::{Connection, SqliteConnection};

use crate::{Error, Result, Store};

/// A connection of its own that watches the file for commits by any other connection.
#[derive(Debug)]
pub struct ChangeWatch {
    conn: SqliteConnection,
}

/// A summary of posts and their publishing that differs whenever a post is created, edited,
/// moved on the board, deleted, or a job of one moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct PostsFingerprint {
    pub posts: i64,
    pub posts_updated: i64,
    pub jobs: i64,
    pub jobs_updated: i64,
    pub parts: i64,
}

impl Store {
    /// Opens a connection that watches the file (see [`ChangeWatch`]).
    pub async fn change_watch(&self) -> Result<ChangeWatch> {
        let conn = SqliteConnection::connect_with(&crate::store::connect_options(self.path()))
            .await
            .map_err(|e| Error::from_sqlx_at(e, self.path()))?;
        Ok(ChangeWatch { conn })
    }
}

impl ChangeWatch {
    /// SQLite's `PRAGMA data_version`: a new value once another connection has committed.
    pub async fn data_version(&mut self) -> Result<i64> {
        let (v,): (i64,) = sqlx::query_as("PRAGMA data_version")
            .fetch_one(&mut self.conn)
            .await?;
        Ok(v)
    }

    /// The posts' fingerprint, read now.
    pub async fn posts_fingerprint(&mut self) -> Result<PostsFingerprint> {
        Ok(sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM posts) AS posts,
                    (SELECT COALESCE(MAX(updated_at), 0) FROM posts) AS posts_updated,
                    (SELECT COUNT(*) FROM publish_jobs) AS jobs,
                    (SELECT COALESCE(MAX(updated_at), 0) FROM publish_jobs) AS jobs_updated,
                    (SELECT COUNT(*) FROM publish_parts WHERE state IN ('failed', 'sending')) AS parts",
        )
        .fetch_one(&mut self.conn)
        .await?)
    }
}
