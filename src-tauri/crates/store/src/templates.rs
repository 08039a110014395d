//! Text templates with `{{variables}}`.

table! {
    /// A template; `body` may contain `{{variable}}` placeholders (filled by the app layer).
    pub struct Template in "templates" as "template" order by "name, id" {
        pub id: String,
        pub name: String,
        pub body: String,
        pub created_at: i64,
        pub updated_at: i64,
    }
}

/// The `{{variable}}` names in a template body, in order of first appearance.
pub fn variables(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        rest = &after[end + 2..];
    }
    out
}

/// The name of another template called `name` (case-insensitively), other than `except`.
pub async fn name_clash<'e, E: sqlx::SqliteExecutor<'e>>(
    ex: E,
    name: &str,
    except: Option<&str>,
) -> crate::Result<Option<String>> {
    crate::sql::name_clash(ex, "templates", name, except).await
}
