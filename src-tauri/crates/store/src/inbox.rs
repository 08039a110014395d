//! Smart inbox: threads (a post's comments, mentions, a DM conversation) and their messages.

/// Inbox threads.
pub mod threads {
    use sqlx::SqliteExecutor;

    use crate::{Result, ThreadKind};

    table! {
        /// A conversation on one channel.
        pub struct InboxThread in "inbox_threads" as "inbox thread" order by "created_at, id" {
            pub id: String,
            pub channel_id: String,
            pub platform_thread_id: String,
            pub kind: ThreadKind,
            /// Our post the thread hangs off, when known.
            pub post_id: Option<String>,
            pub subject: String,
            pub last_message_at: Option<i64>,
            pub is_read: bool,
            pub is_done: bool,
            pub created_at: i64,
            pub updated_at: i64,
        }
    }

    /// The thread with this platform id on a channel.
    pub async fn find_by_platform_id<'e, E: SqliteExecutor<'e>>(
        ex: E,
        channel_id: &str,
        platform_thread_id: &str,
    ) -> Result<Option<InboxThread>> {
        Ok(sqlx::query_as::<_, InboxThread>(&format!(
            "{} WHERE channel_id = ?1 AND platform_thread_id = ?2",
            select_sql()
        ))
        .bind(channel_id)
        .bind(platform_thread_id)
        .fetch_optional(ex)
        .await?)
    }

    /// Threads, most recent message first, paged.
    pub async fn list_recent<'e, E: SqliteExecutor<'e>>(
        ex: E,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxThread>> {
        Ok(sqlx::query_as::<_, InboxThread>(&format!(
            "{} ORDER BY last_message_at DESC, id DESC LIMIT ?1 OFFSET ?2",
            select_sql()
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(ex)
        .await?)
    }
}

/// Inbox messages.
pub mod messages {
    use sqlx::{QueryBuilder, Sqlite, SqliteExecutor};

    use crate::{Direction, Error, MessageKind, Result, Sentiment, SentimentSource};

    table! {
        /// A comment, reply, mention or direct message.
        pub struct InboxMessage in "inbox_messages" as "inbox message" order by "received_at, id" {
            pub id: String,
            pub thread_id: String,
            pub platform_message_id: String,
            pub parent_platform_id: Option<String>,
            pub author_id: String,
            pub author_name: String,
            pub author_handle: String,
            pub author_avatar_url: Option<String>,
            pub text: String,
            pub kind: MessageKind,
            pub direction: Direction,
            pub sentiment: Option<Sentiment>,
            pub sentiment_source: Option<SentimentSource>,
            pub is_read: bool,
            pub is_done: bool,
            pub received_at: i64,
            pub created_at: i64,
        }
    }

    /// Inserts a fetched message unless (thread, platform id) is already stored. Returns whether it was new.
    pub async fn insert_if_new<'e, E: SqliteExecutor<'e>>(
        ex: E,
        row: &InboxMessage,
    ) -> Result<bool> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            crate::sql::insert("inbox_messages", InboxMessage::COLUMNS).replacen(
                "INSERT INTO",
                "INSERT OR IGNORE INTO",
                1,
            )
        });
        let done = sqlx::query(SQL.as_str())
            .bind(&row.id)
            .bind(&row.thread_id)
            .bind(&row.platform_message_id)
            .bind(&row.parent_platform_id)
            .bind(&row.author_id)
            .bind(&row.author_name)
            .bind(&row.author_handle)
            .bind(&row.author_avatar_url)
            .bind(&row.text)
            .bind(row.kind)
            .bind(row.direction)
            .bind(row.sentiment)
            .bind(row.sentiment_source)
            .bind(row.is_read)
            .bind(row.is_done)
            .bind(row.received_at)
            .bind(row.created_at)
            .execute(ex)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Inbox filters (all optional; combined with AND).
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct InboxFilter {
        pub channel_id: Option<String>,
        pub kind: Option<MessageKind>,
        pub sentiment: Option<Sentiment>,
        pub unread_only: bool,
        pub include_done: bool,
    }

    /// Messages matching a filter, newest first, paged.
    pub async fn list<'e, E: SqliteExecutor<'e>>(
        ex: E,
        filter: &InboxFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxMessage>> {
        let cols: Vec<String> = InboxMessage::COLUMNS
            .iter()
            .map(|c| format!("m.{c}"))
            .collect();
        let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!(
            "SELECT {} FROM inbox_messages m JOIN inbox_threads t ON t.id = m.thread_id WHERE 1 = 1",
            cols.join(", ")
        ));
        if let Some(channel) = &filter.channel_id {
            q.push(" AND t.channel_id = ").push_bind(channel.clone());
        }
        if let Some(kind) = filter.kind {
            q.push(" AND m.kind = ").push_bind(kind);
        }
        if let Some(sentiment) = filter.sentiment {
            q.push(" AND m.sentiment = ").push_bind(sentiment);
        }
        if filter.unread_only {
            q.push(" AND m.is_read = 0");
        }
        if !filter.include_done {
            q.push(" AND m.is_done = 0");
        }
        q.push(" ORDER BY m.received_at DESC, m.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        Ok(q.build_query_as::<InboxMessage>().fetch_all(ex).await?)
    }

    /// Messages of one thread, oldest first.
    pub async fn list_for_thread<'e, E: SqliteExecutor<'e>>(
        ex: E,
        thread_id: &str,
    ) -> Result<Vec<InboxMessage>> {
        Ok(sqlx::query_as::<_, InboxMessage>(&format!(
            "{} WHERE thread_id = ?1 ORDER BY received_at, id",
            select_sql()
        ))
        .bind(thread_id)
        .fetch_all(ex)
        .await?)
    }

    /// Marks read/unread.
    pub async fn set_read<'e, E: SqliteExecutor<'e>>(ex: E, id: &str, read: bool) -> Result<()> {
        let done = sqlx::query("UPDATE inbox_messages SET is_read = ?2 WHERE id = ?1")
            .bind(id)
            .bind(read)
            .execute(ex)
            .await?;
        found(done.rows_affected(), id)
    }

    /// Marks done/not done.
    pub async fn set_done<'e, E: SqliteExecutor<'e>>(ex: E, id: &str, done: bool) -> Result<()> {
        let res = sqlx::query("UPDATE inbox_messages SET is_done = ?2 WHERE id = ?1")
            .bind(id)
            .bind(done)
            .execute(ex)
            .await?;
        found(res.rows_affected(), id)
    }

    /// Sets (or clears) the sentiment tag and who set it.
    pub async fn set_sentiment<'e, E: SqliteExecutor<'e>>(
        ex: E,
        id: &str,
        sentiment: Option<Sentiment>,
        source: Option<SentimentSource>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE inbox_messages SET sentiment = ?2, sentiment_source = ?3 WHERE id = ?1",
        )
        .bind(id)
        .bind(sentiment)
        .bind(source)
        .execute(ex)
        .await?;
        found(done.rows_affected(), id)
    }

    /// Number of unread, not-done messages (badge).
    pub async fn count_unread<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM inbox_messages WHERE is_read = 0 AND is_done = 0",
        )
        .fetch_one(ex)
        .await?)
    }

    fn found(rows: u64, id: &str) -> Result<()> {
        if rows == 0 {
            Err(Error::NotFound {
                what: "inbox message",
                id: id.to_owned(),
            })
        } else {
            Ok(())
        }
    }
}
