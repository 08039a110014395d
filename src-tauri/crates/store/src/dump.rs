//! Whole-profile access by table name, for the data export and import, "delete all my data" and
//! the demo's empty-profile check: the schema's tables, columns and foreign keys, row counts,
//! every row of a table as plain values, and multi-row inserts. Table and column names come from
//! this database's own schema or the caller's constants and are always quoted.

use futures_util::TryStreamExt;
use sqlx::{Row, SqliteConnection, SqliteExecutor, TypeInfo, ValueRef};

use crate::{Error, Result};

/// What an export writes instead of a column's stored value, as (table, column, SQL expression):
/// channels lose their sign-in (they must reconnect after an import), apps their secret flag, and
/// client previews their password hash (an imported preview is listed but cannot take a decision;
/// its decision key, a vault secret, is never exported).
pub const EXPORT_OVERRIDES: &[(&str, &str, &str)] = &[
    (
        "channels",
        "status",
        "CASE WHEN \"status\" = 'connected' THEN 'reconnect_needed' ELSE \"status\" END",
    ),
    (
        "channels",
        "status_reason",
        "CASE WHEN \"status\" = 'connected' THEN 'Imported from an export: sign in again' ELSE \"status_reason\" END",
    ),
    ("channels", "token_expires_at", "NULL"),
    ("developer_apps", "has_client_secret", "0"),
    ("approval_previews", "password_hash", "NULL"),
];

/// One SQLite value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// `"name"`, with embedded quotes doubled.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every ordinary table of the main schema, by name (not views, virtual tables, FTS shadow tables'
/// parents or SQLite's own `sqlite_*` tables; `_sqlx_migrations` included).
pub async fn user_tables<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(ex)
    .await?)
}

/// The columns of a table as (name, position in the primary key or 0), in table order.
pub async fn table_columns<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: &str,
) -> Result<Vec<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")
            .bind(table)
            .fetch_all(ex)
            .await?,
    )
}

/// The tables a table's foreign keys refer to (with repeats).
pub async fn table_parents<'e, E: SqliteExecutor<'e>>(ex: E, table: &str) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list(?1)")
            .bind(table)
            .fetch_all(ex)
            .await?,
    )
}

/// Number of rows of a table.
pub async fn count_rows<'e, E: SqliteExecutor<'e>>(ex: E, table: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", quote(table)))
            .fetch_one(ex)
            .await?,
    )
}

/// Deletes every row of a table.
pub async fn delete_all_rows<'e, E: SqliteExecutor<'e>>(ex: E, table: &str) -> Result<()> {
    sqlx::query(&format!("DELETE FROM {}", quote(table)))
        .execute(ex)
        .await?;
    Ok(())
}

/// Deletes the row with this `id` (only a `draft` when `drafts_only`); returns how many rows went.
pub async fn delete_by_id<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: &str,
    id: &str,
    drafts_only: bool,
) -> Result<u64> {
    let filter = if drafts_only {
        " AND status = 'draft'"
    } else {
        ""
    };
    Ok(sqlx::query(&format!(
        "DELETE FROM {} WHERE id = ?1{filter}",
        quote(table)
    ))
    .bind(id)
    .execute(ex)
    .await?
    .rows_affected())
}

/// Checks foreign keys only at the end of the current transaction.
pub async fn defer_foreign_keys<'e, E: SqliteExecutor<'e>>(ex: E) -> Result<()> {
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(ex)
        .await?;
    Ok(())
}

/// Calls `each` with every row of `table` as values of `columns` (in that order, with
/// [`EXPORT_OVERRIDES`] applied), ordered by `key`, streaming.
pub async fn for_each_export_row<F, X>(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[String],
    key: &[String],
    mut each: F,
) -> std::result::Result<(), X>
where
    F: FnMut(&[Value]) -> std::result::Result<(), X>,
    X: From<Error>,
{
    let select = columns
        .iter()
        .map(|c| {
            EXPORT_OVERRIDES
                .iter()
                .find(|(tab, col, _)| *tab == table && col == c)
                .map_or_else(
                    || quote(c),
                    |(_, _, expr)| format!("{expr} AS {}", quote(c)),
                )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let order = key.iter().map(|k| quote(k)).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {select} FROM {} ORDER BY {order}", quote(table));
    let mut values = Vec::with_capacity(columns.len());
    let mut rows = sqlx::query(&sql).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await.map_err(Error::from)? {
        values.clear();
        for i in 0..row.columns().len() {
            let raw = row.try_get_raw(i).map_err(Error::from)?;
            values.push(value_of(raw)?);
        }
        each(&values)?;
    }
    Ok(())
}

fn value_of(raw: sqlx::sqlite::SqliteValueRef<'_>) -> Result<Value> {
    use sqlx::Decode;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let kind = raw.type_info().name().to_string();
    let fail =
        |e: sqlx::error::BoxDynError| Error::Invalid(format!("cannot read a {kind} value: {e}"));
    Ok(match kind.as_str() {
        "INTEGER" => Value::Int(<i64 as Decode<sqlx::Sqlite>>::decode(raw).map_err(fail)?),
        "REAL" => Value::Real(<f64 as Decode<sqlx::Sqlite>>::decode(raw).map_err(fail)?),
        "BLOB" => Value::Blob(<Vec<u8> as Decode<sqlx::Sqlite>>::decode(raw).map_err(fail)?),
        _ => Value::Text(<String as Decode<sqlx::Sqlite>>::decode(raw).map_err(fail)?),
    })
}

/// Inserts `rows` (each holding a value per column of `columns`) into `table` with one multi-row
/// INSERT. The caller keeps the number of values under SQLite's variable limit.
pub async fn insert_rows<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: &str,
    columns: &[&String],
    rows: Vec<Vec<Value>>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let placeholders = format!("({})", vec!["?"; columns.len()].join(","));
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {}",
        quote(table),
        columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(","),
        vec![placeholders; rows.len()].join(",")
    );
    let mut q = sqlx::query(&sql);
    for row in rows {
        for v in row {
            q = match v {
                Value::Null => q.bind(None::<String>),
                Value::Int(i) => q.bind(i),
                Value::Real(f) => q.bind(f),
                Value::Text(s) => q.bind(s),
                Value::Blob(b) => q.bind(b),
            };
        }
    }
    q.execute(ex).await?;
    Ok(())
}

/// Re-applies to imported rows what an export says about a column in [`EXPORT_OVERRIDES`] (for
/// archives edited by hand): connected channels need a new sign-in, no token expiry, no app
/// secret. Columns without such a rule are left alone.
pub async fn reapply_export_override<'e, E: SqliteExecutor<'e>>(
    ex: E,
    table: &str,
    column: &str,
) -> Result<()> {
    let sql = match (table, column) {
        ("channels", "status") => Some(
            "UPDATE channels SET status = 'reconnect_needed', status_reason = 'Imported from an export: sign in again' WHERE status = 'connected'",
        ),
        ("channels", "token_expires_at") => {
            Some("UPDATE channels SET token_expires_at = NULL WHERE token_expires_at IS NOT NULL")
        }
        ("developer_apps", "has_client_secret") => {
            Some("UPDATE developer_apps SET has_client_secret = 0 WHERE has_client_secret <> 0")
        }
        ("approval_previews", "password_hash") => Some(
            "UPDATE approval_previews SET password_hash = NULL WHERE password_hash IS NOT NULL",
        ),
        _ => None,
    };
    if let Some(sql) = sql {
        sqlx::query(sql).execute(ex).await?;
    }
    Ok(())
}
