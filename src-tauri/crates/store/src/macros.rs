//! `table!`: a row struct plus the common typed repository functions for a table keyed by `id`.

/// Declares a row struct (first field must be the `id` primary key) and generates, in the calling
/// module: `insert`, `update`, `get`, `find`, `delete`, `list_all`, `count_all`.
/// All are generic over any SQLite executor (`store.pool()`, `&mut *tx`, `&mut conn`).
macro_rules! table {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal as $what:literal order by $order:literal {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
        pub struct $name { $( $(#[$fmeta])* pub $field: $ty ),+ }

        impl $name {
            /// SQL table name.
            pub const TABLE: &'static str = $table;
            /// Column names in declaration order (the first is the primary key `id`).
            pub const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];
        }

        #[allow(dead_code)]
        pub(crate) fn select_sql() -> &'static str {
            static SQL: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| format!("SELECT {} FROM {}", $name::COLUMNS.join(", "), $table));
            SQL.as_str()
        }

        #[doc = concat!("Inserts one `", $table, "` row with every column given (ids and timestamps included, so an import keeps them).")]
        pub async fn insert<'e, E: sqlx::SqliteExecutor<'e>>(ex: E, row: &$name) -> $crate::Result<()> {
            static SQL: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| $crate::sql::insert($table, $name::COLUMNS));
            sqlx::query(SQL.as_str())$(.bind(&row.$field))+.execute(ex).await?;
            Ok(())
        }

        #[doc = concat!("Inserts many `", $table, "` rows, thousands a statement (an import, the demo seed): \
            100,000 rows take about a second instead of a minute. Use inside a transaction.")]
        #[allow(dead_code)]
        pub async fn insert_many(conn: &mut sqlx::SqliteConnection, rows: &[$name]) -> $crate::Result<()> {
            for chunk in rows.chunks($crate::sql::rows_per_insert($name::COLUMNS.len())) {
                let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(concat!("INSERT INTO ", $table, " ("));
                q.push($name::COLUMNS.join(", ")).push(") ");
                q.push_values(chunk, |mut b, row| { $( b.push_bind(&row.$field); )+ });
                q.build().execute(&mut *conn).await?;
            }
            Ok(())
        }

        #[doc = concat!("Replaces every column of the `", $table, "` row with the same id. `NotFound` if absent.")]
        pub async fn update<'e, E: sqlx::SqliteExecutor<'e>>(ex: E, row: &$name) -> $crate::Result<()> {
            static SQL: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| $crate::sql::update($table, $name::COLUMNS));
            let done = sqlx::query(SQL.as_str())$(.bind(&row.$field))+.execute(ex).await?;
            if done.rows_affected() == 0 {
                return Err($crate::Error::NotFound { what: $what, id: row.id.to_string() });
            }
            Ok(())
        }

        #[doc = concat!("The `", $table, "` row with this id, if any.")]
        pub async fn find<'e, E: sqlx::SqliteExecutor<'e>>(ex: E, id: &str) -> $crate::Result<Option<$name>> {
            static SQL: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| format!("{} WHERE id = ?1", select_sql()));
            Ok(sqlx::query_as::<_, $name>(SQL.as_str()).bind(id).fetch_optional(ex).await?)
        }

        #[doc = concat!("The `", $table, "` row with this id; `NotFound` if absent.")]
        pub async fn get<'e, E: sqlx::SqliteExecutor<'e>>(ex: E, id: &str) -> $crate::Result<$name> {
            find(ex, id).await?.ok_or_else(|| $crate::Error::NotFound { what: $what, id: id.to_owned() })
        }

        #[doc = concat!("Deletes the `", $table, "` row with this id (children cascade); `NotFound` if absent.")]
        pub async fn delete<'e, E: sqlx::SqliteExecutor<'e>>(ex: E, id: &str) -> $crate::Result<()> {
            let done = sqlx::query(concat!("DELETE FROM ", $table, " WHERE id = ?1")).bind(id).execute(ex).await?;
            if done.rows_affected() == 0 {
                return Err($crate::Error::NotFound { what: $what, id: id.to_owned() });
            }
            Ok(())
        }

        #[doc = concat!("Every `", $table, "` row in a stable order (", $order, "), e.g. for export.")]
        pub async fn list_all<'e, E: sqlx::SqliteExecutor<'e>>(ex: E) -> $crate::Result<Vec<$name>> {
            static SQL: std::sync::LazyLock<String> =
                std::sync::LazyLock::new(|| format!("{} ORDER BY {}", select_sql(), $order));
            Ok(sqlx::query_as::<_, $name>(SQL.as_str()).fetch_all(ex).await?)
        }

        #[doc = concat!("Number of `", $table, "` rows.")]
        pub async fn count_all<'e, E: sqlx::SqliteExecutor<'e>>(ex: E) -> $crate::Result<i64> {
            Ok(sqlx::query_scalar::<_, i64>(concat!("SELECT COUNT(*) FROM ", $table)).fetch_one(ex).await?)
        }
    };
}

/// Declares a TEXT enum stored as lower_snake_case (matching the schema's CHECK constraints).
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize, sqlx::Type)]
        #[serde(rename_all = "snake_case")]
        #[sqlx(rename_all = "snake_case")]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored text.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::Result<Self> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::Error::Invalid(format!("unknown {} value {:?}", stringify!($name), s))),
                }
            }
        }
    };
}
