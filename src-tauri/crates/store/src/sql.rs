//! SQL text builders used by the `table!` macro.

/// `INSERT INTO t (a, b) VALUES (?1, ?2)`.
pub(crate) fn insert(table: &str, columns: &[&str]) -> String {
    let params: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        params.join(", ")
    )
}

/// Rows a multi-row `INSERT` carries: as many as fit under SQLite's limit of bound values (32,766).
/// Big statements matter: FTS5 writes its pending index once a statement, not once a row.
pub(crate) fn rows_per_insert(columns: usize) -> usize {
    (32_000 / columns.max(1)).max(1)
}

/// `UPDATE t SET b = ?2, c = ?3 WHERE a = ?1` (the first column is the key).
pub(crate) fn update(table: &str, columns: &[&str]) -> String {
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect();
    let key = columns.first().copied().unwrap_or("id");
    format!("UPDATE {table} SET {} WHERE {key} = ?1", sets.join(", "))
}

/// The `name` of another row of `table` with this name (case-insensitively), other than `except`.
pub(crate) async fn name_clash<'e, E: sqlx::SqliteExecutor<'e>>(
    ex: E,
    table: &'static str,
    name: &str,
    except: Option<&str>,
) -> crate::Result<Option<String>> {
    Ok(sqlx::query_scalar::<_, String>(&format!(
        "SELECT name FROM {table} WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2"
    ))
    .bind(name)
    .bind(except)
    .fetch_optional(ex)
    .await?)
}
