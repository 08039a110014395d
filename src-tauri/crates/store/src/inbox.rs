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

    /// The thread of `platform_thread_id` on a channel, created when new; its last-message time
    /// moves forward and a post link, once found, is kept. Returns the thread's id.
    pub async fn upsert<'e, E: SqliteExecutor<'e>>(ex: E, row: &InboxThread) -> Result<String> {
        Ok(sqlx::query_scalar(
            "INSERT INTO inbox_threads (id, channel_id, platform_thread_id, kind, post_id, subject,
                 last_message_at, is_read, is_done, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, ?8, ?8)
             ON CONFLICT (channel_id, platform_thread_id) DO UPDATE SET
                 last_message_at = MAX(COALESCE(last_message_at, 0), COALESCE(excluded.last_message_at, 0)),
                 post_id = COALESCE(post_id, excluded.post_id),
                 updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(&row.id)
        .bind(&row.channel_id)
        .bind(&row.platform_thread_id)
        .bind(row.kind)
        .bind(&row.post_id)
        .bind(&row.subject)
        .bind(row.last_message_at)
        .bind(row.created_at)
        .fetch_one(ex)
        .await?)
    }

    /// The Outpost post (id, text) published on a channel under this platform id, if any.
    pub async fn published_post<'e, E: SqliteExecutor<'e>>(
        ex: E,
        channel_id: &str,
        platform_post_id: &str,
    ) -> Result<Option<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT p.id, p.body FROM publish_jobs j
               JOIN post_targets t ON t.id = j.post_target_id
               JOIN posts p ON p.id = t.post_id
              WHERE t.channel_id = ?1 AND j.platform_post_id = ?2
              LIMIT 1",
        )
        .bind(channel_id)
        .bind(platform_post_id)
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
            /// −1.0 … 1.0 from the local model (`None` when set by the user or not scored).
            pub sentiment_score: Option<f64>,
            /// The item on the platform.
            pub url: Option<String>,
            /// The text normalised for "similar" (sentiment corrections); see the app's inbox.
            pub text_key: Option<String>,
            /// The last moment (ms) the platform accepts an answer; `None`: no window.
            pub reply_by: Option<i64>,
        }
    }

    /// Which items a list shows: unread, read (not done), done; `None` in a filter: every item
    /// not done.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum InboxState {
        Unread,
        Read,
        Done,
    }

    /// A message with its conversation's channel, kind and post (a list row).
    #[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
    pub struct InboxEntry {
        #[sqlx(flatten)]
        pub message: InboxMessage,
        pub channel_id: String,
        pub post_id: Option<String>,
        pub subject: String,
        pub platform_thread_id: String,
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
            .bind(row.sentiment_score)
            .bind(&row.url)
            .bind(&row.text_key)
            .bind(row.reply_by)
            .execute(ex)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The search index's rowid is an item's place in time: the second of its `received_at`
    /// (ms / 1000 rounded toward zero, clamped to ±2^42) shifted left by this many bits, plus a
    /// slot among the items of that second (migration `20261212010000_inbox_fts_received_order`).
    pub const SEARCH_SLOT_BITS: u32 = 20;

    /// Inbox filters (all optional; combined with AND).
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct InboxFilter {
        pub channel_id: Option<String>,
        pub kind: Option<MessageKind>,
        pub sentiment: Option<Sentiment>,
        pub state: Option<InboxState>,
        /// Free text matched against the text and author (FTS5, see `search::fts_query`).
        pub search: Option<String>,
    }

    fn entries_sql() -> QueryBuilder<'static, Sqlite> {
        entries_from("inbox_messages m JOIN inbox_threads t ON t.id = m.thread_id")
    }

    fn entries_from(from: &str) -> QueryBuilder<'static, Sqlite> {
        let cols: Vec<String> = InboxMessage::COLUMNS
            .iter()
            .map(|c| format!("m.{c}"))
            .collect();
        QueryBuilder::new(format!(
            "SELECT {}, t.channel_id, t.post_id, t.subject, t.platform_thread_id
               FROM {from} WHERE 1 = 1",
            cols.join(", ")
        ))
    }

    /// One message with its conversation's fields.
    pub async fn entry<'e, E: SqliteExecutor<'e>>(ex: E, id: &str) -> Result<InboxEntry> {
        let mut q = entries_sql();
        q.push(" AND m.id = ").push_bind(id.to_owned());
        q.build_query_as::<InboxEntry>()
            .fetch_optional(ex)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: "inbox message",
                id: id.to_owned(),
            })
    }

    /// Received messages matching a filter, newest first, paged (the user's own replies are
    /// shown only inside their conversation).
    ///
    /// Without a search the page walks `inbox_messages_newest` (newest first) and stops after its
    /// rows; the state and channel tests are kept off their indexes (`+m.is_done`,
    /// `+t.channel_id`) so the planner does not trade that walk for a sort of every open item.
    ///
    /// With a search, see [`search_page`].
    pub async fn list<'e, E: SqliteExecutor<'e> + Copy>(
        ex: E,
        filter: &InboxFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxEntry>> {
        if let Some(text) = &filter.search {
            // Text with nothing searchable in it matches nothing (as the posts search).
            let Some(fts) = crate::search::fts_query(text) else {
                return Ok(Vec::new());
            };
            return search_page(ex, filter, fts, limit, offset).await;
        }
        newest_page(ex, entries_sql(), filter, limit, offset).await
    }

    /// The rows of `q` (a query over `m` and `t`) passing the filters, newest first, paged.
    async fn newest_page<'e, E: SqliteExecutor<'e>>(
        ex: E,
        mut q: QueryBuilder<'static, Sqlite>,
        filter: &InboxFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxEntry>> {
        push_filters(&mut q, filter);
        q.push(" ORDER BY m.received_at DESC, m.id DESC LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        Ok(q.build_query_as::<InboxEntry>().fetch_all(ex).await?)
    }

    /// The filters other than the search, appended to a query over `m` and `t`.
    fn push_filters(q: &mut QueryBuilder<'static, Sqlite>, filter: &InboxFilter) {
        q.push(" AND m.direction = 'inbound'");
        if let Some(channel) = &filter.channel_id {
            q.push(" AND +t.channel_id = ").push_bind(channel.clone());
        }
        if let Some(kind) = filter.kind {
            q.push(" AND m.kind = ").push_bind(kind);
        }
        if let Some(sentiment) = filter.sentiment {
            q.push(" AND m.sentiment = ").push_bind(sentiment);
        }
        q.push(match filter.state {
            None => " AND +m.is_done = 0",
            Some(InboxState::Unread) => " AND +m.is_done = 0 AND +m.is_read = 0",
            Some(InboxState::Read) => " AND +m.is_done = 0 AND +m.is_read = 1",
            Some(InboxState::Done) => " AND +m.is_done = 1",
        });
    }

    /// A search's page and, when the walk that found it ended inside a second (see
    /// [`search_page`]), the lowest rowid it read.
    #[derive(sqlx::FromRow)]
    struct SearchRow {
        #[sqlx(flatten)]
        entry: InboxEntry,
        tie: Option<i64>,
    }

    /// The inbox join, reached from the search index's matches.
    const MATCHES: &str = concat!(
        "inbox_fts f CROSS JOIN inbox_search_docs d ON d.rowid = f.rowid
         CROSS JOIN inbox_messages m ON m.id = d.message_id",
        " JOIN inbox_threads t ON t.id = m.thread_id"
    );
    const CONVERSATION: &str = " JOIN inbox_threads t ON t.id = m.thread_id";

    /// A page of a search, newest first, in one statement: FTS5 walks the matches by rowid from
    /// the newest (its rowid is the item's place in time, see [`SEARCH_SLOT_BITS`]) with the
    /// filters applied and stops after `offset + limit + 1` rows; those are sorted by
    /// (received_at, id) and the page is cut from them before its rows are read. When the last
    /// row read is in an earlier second than the one before it, every match not read is older
    /// than every row read, so the page is exact; the cost follows the page, not the number of
    /// matches (a word in a third of 100,000 items fills a page of 100 within 300 matches). When
    /// both are in the same second (a tie at the page's edge), or without a limit, the page is
    /// sorted from every match of that second or later.
    async fn search_page<'e, E: SqliteExecutor<'e> + Copy>(
        ex: E,
        filter: &InboxFilter,
        fts: String,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxEntry>> {
        let mut from = None;
        // A negative limit is none (as SQLite's LIMIT): every match is sorted.
        if limit >= 0 {
            let read = limit.saturating_add(offset.max(0)).saturating_add(1);
            let cols: Vec<String> = InboxMessage::COLUMNS
                .iter()
                .map(|c| format!("m.{c}"))
                .collect();
            // Every item has its conversation (a foreign key that cascades): the walk reads it
            // only for the channel.
            let walk_from = if filter.channel_id.is_some() {
                MATCHES
            } else {
                MATCHES.trim_end_matches(CONVERSATION)
            };
            let mut q = QueryBuilder::new(format!(
                "WITH r AS MATERIALIZED (SELECT f.rowid AS k, m.id AS id, m.received_at AS at
                   FROM {walk_from} WHERE inbox_fts MATCH "
            ));
            q.push_bind(fts.clone());
            push_filters(&mut q, filter);
            q.push(" ORDER BY f.rowid DESC LIMIT ")
                .push_bind(read)
                .push(format!(
                    ") SELECT {}, t.channel_id, t.post_id, t.subject, t.platform_thread_id,
                       (SELECT CASE WHEN (SELECT count(*) FROM r) = ",
                    cols.join(", ")
                ))
                .push_bind(read)
                .push(format!(
                    " AND (max(k) >> {SEARCH_SLOT_BITS}) = (min(k) >> {SEARCH_SLOT_BITS})
                         THEN min(k) END FROM (SELECT k FROM r ORDER BY k LIMIT 2)) AS tie
                       FROM (SELECT id, at FROM r ORDER BY at DESC, id DESC LIMIT "
                ))
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset)
                .push(
                    ") p CROSS JOIN inbox_messages m ON m.id = p.id
                     JOIN inbox_threads t ON t.id = m.thread_id
                    ORDER BY p.at DESC, p.id DESC",
                );
            let rows = q.build_query_as::<SearchRow>().fetch_all(ex).await?;
            match rows.first().and_then(|r| r.tie) {
                None => return Ok(rows.into_iter().map(|r| r.entry).collect()),
                Some(k) => from = Some(k >> SEARCH_SLOT_BITS << SEARCH_SLOT_BITS),
            }
        }
        let mut q = entries_from(MATCHES);
        q.push(" AND inbox_fts MATCH ").push_bind(fts);
        if let Some(from) = from {
            q.push(" AND f.rowid >= ").push_bind(from);
        }
        newest_page(ex, q, filter, limit, offset).await
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

    /// Sets (or clears) the sentiment tag and who set it (a user's label has no model score).
    pub async fn set_sentiment<'e, E: SqliteExecutor<'e>>(
        ex: E,
        id: &str,
        sentiment: Option<Sentiment>,
        source: Option<SentimentSource>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE inbox_messages SET sentiment = ?2, sentiment_source = ?3,
                    sentiment_score = CASE WHEN ?3 = 'local' THEN sentiment_score END
              WHERE id = ?1",
        )
        .bind(id)
        .bind(sentiment)
        .bind(source)
        .execute(ex)
        .await?;
        found(done.rows_affected(), id)
    }

    /// Stores a normalised text key on messages that have none yet (items stored before keys
    /// existed): `key` computes it. Returns how many were filled.
    pub async fn fill_text_keys(
        conn: &mut sqlx::SqliteConnection,
        key: impl Fn(&str) -> String,
    ) -> Result<u64> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, text FROM inbox_messages WHERE text_key IS NULL")
                .fetch_all(&mut *conn)
                .await?;
        for (id, text) in &rows {
            sqlx::query("UPDATE inbox_messages SET text_key = ?2 WHERE id = ?1")
                .bind(id)
                .bind(key(text))
                .execute(&mut *conn)
                .await?;
        }
        Ok(rows.len() as u64)
    }

    /// Gives every received message with this text key whose label came from the model (not
    /// the user) the user's label. Returns how many changed.
    pub async fn apply_correction<'e, E: SqliteExecutor<'e>>(
        ex: E,
        text_key: &str,
        sentiment: Sentiment,
    ) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE inbox_messages SET sentiment = ?2, sentiment_source = 'user', sentiment_score = NULL
              WHERE text_key = ?1 AND direction = 'inbound'
                AND COALESCE(sentiment_source, 'local') <> 'user'",
        )
        .bind(text_key)
        .bind(sentiment)
        .execute(ex)
        .await?
        .rows_affected())
    }

    /// Number of unread, not-done received messages (badge).
    pub async fn count_unread<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM inbox_messages
              WHERE is_read = 0 AND is_done = 0 AND direction = 'inbound'",
        )
        .fetch_one(ex)
        .await?)
    }

    /// Unread, not-done messages per channel (the sidebar's counts), channels with none left out.
    pub async fn unread_by_channel<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT t.channel_id, COUNT(*) FROM inbox_messages m
               JOIN inbox_threads t ON t.id = m.thread_id
              WHERE m.is_read = 0 AND m.is_done = 0 AND m.direction = 'inbound'
              GROUP BY t.channel_id ORDER BY t.channel_id",
        )
        .fetch_all(ex)
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

/// Where each channel's sources were last read up to.
pub mod cursors {
    use sqlx::SqliteExecutor;

    use crate::Result;

    /// The stored position of `source` on a channel, if it was ever read.
    pub async fn get<'e, E: SqliteExecutor<'e>>(
        ex: E,
        channel_id: &str,
        source: &str,
    ) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT cursor FROM inbox_cursors WHERE channel_id = ?1 AND source = ?2",
        )
        .bind(channel_id)
        .bind(source)
        .fetch_optional(ex)
        .await?)
    }

    /// Stores the position (call it in the transaction that stored what it covers).
    pub async fn set<'e, E: SqliteExecutor<'e>>(
        ex: E,
        channel_id: &str,
        source: &str,
        cursor: &str,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO inbox_cursors (channel_id, source, cursor, synced_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (channel_id, source) DO UPDATE SET cursor = excluded.cursor, synced_at = excluded.synced_at",
        )
        .bind(channel_id)
        .bind(source)
        .bind(cursor)
        .bind(now)
        .execute(ex)
        .await?;
        Ok(())
    }
}

/// Replies written in Outpost: stored before they are sent.
pub mod replies {
    use sqlx::SqliteExecutor;

    use crate::{ReplyState, Result};

    table! {
        /// One reply to an inbox message.
        pub struct InboxReply in "inbox_replies" as "inbox reply" order by "created_at, id" {
            pub id: String,
            pub message_id: Option<String>,
            pub channel_id: String,
            pub in_reply_to: String,
            pub text: String,
            pub idempotency_key: String,
            pub state: ReplyState,
            pub platform_id: Option<String>,
            pub url: Option<String>,
            pub error: Option<String>,
            pub created_at: i64,
            pub attempted_at: Option<i64>,
            pub sent_at: Option<i64>,
            /// Instagram: sent as a private reply (a direct message to the comment's author).
            pub private: bool,
        }
    }

    /// The private reply to this message that was sent or may have been (Instagram takes one per
    /// comment): sent, pending or unconfirmed.
    pub async fn private_for<'e, E: SqliteExecutor<'e>>(
        ex: E,
        message_id: &str,
    ) -> Result<Option<InboxReply>> {
        Ok(sqlx::query_as::<_, InboxReply>(&format!(
            "{} WHERE message_id = ?1 AND private = 1 AND state IN ('sent','pending','unconfirmed')
             ORDER BY created_at LIMIT 1",
            select_sql()
        ))
        .bind(message_id)
        .fetch_optional(ex)
        .await?)
    }

    /// The platform ids of the private replies sent to the messages of one conversation (their
    /// own messages in it are direct messages, not public comments).
    pub async fn private_sent_in_thread<'e, E: SqliteExecutor<'e>>(
        ex: E,
        thread_id: &str,
    ) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT r.platform_id FROM inbox_replies r JOIN inbox_messages m ON m.id = r.message_id
              WHERE m.thread_id = ?1 AND r.private = 1 AND r.state = 'sent'
                AND r.platform_id IS NOT NULL",
        )
        .bind(thread_id)
        .fetch_all(ex)
        .await?)
    }

    /// A reply to this message with this text that is not settled yet (pending or unconfirmed).
    pub async fn open_for<'e, E: SqliteExecutor<'e>>(
        ex: E,
        message_id: &str,
        text: &str,
    ) -> Result<Option<InboxReply>> {
        Ok(sqlx::query_as::<_, InboxReply>(&format!(
            "{} WHERE message_id = ?1 AND text = ?2 AND state IN ('pending','unconfirmed')
             ORDER BY created_at LIMIT 1",
            select_sql()
        ))
        .bind(message_id)
        .bind(text)
        .fetch_optional(ex)
        .await?)
    }

    /// Records the outcome of a send or a look-up.
    pub async fn settle<'e, E: SqliteExecutor<'e>>(
        ex: E,
        id: &str,
        state: ReplyState,
        platform_id: Option<&str>,
        url: Option<&str>,
        error: Option<&str>,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE inbox_replies SET state = ?2, platform_id = COALESCE(?3, platform_id),
                    url = COALESCE(?4, url), error = ?5, attempted_at = ?6,
                    sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END
              WHERE id = ?1",
        )
        .bind(id)
        .bind(state)
        .bind(platform_id)
        .bind(url)
        .bind(error)
        .bind(now)
        .execute(ex)
        .await?;
        Ok(())
    }
}

/// Sentiment labels the user set, by normalised text, applied to similar items.
pub mod corrections {
    use sqlx::SqliteExecutor;

    use crate::{Result, Sentiment};

    /// Keeps (or replaces) the user's label for a normalised text.
    pub async fn set<'e, E: SqliteExecutor<'e>>(
        ex: E,
        text_key: &str,
        sentiment: Sentiment,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO inbox_corrections (text_key, sentiment, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (text_key) DO UPDATE SET sentiment = excluded.sentiment, updated_at = excluded.updated_at",
        )
        .bind(text_key)
        .bind(sentiment)
        .bind(now)
        .execute(ex)
        .await?;
        Ok(())
    }

    /// The user's label for a normalised text, if they set one.
    pub async fn get<'e, E: SqliteExecutor<'e>>(
        ex: E,
        text_key: &str,
    ) -> Result<Option<Sentiment>> {
        Ok(
            sqlx::query_scalar("SELECT sentiment FROM inbox_corrections WHERE text_key = ?1")
                .bind(text_key)
                .fetch_optional(ex)
                .await?,
        )
    }
}
