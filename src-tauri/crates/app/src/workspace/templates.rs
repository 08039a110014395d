//! Templates: a name and a body with `{{variables}}`, filled in the composer.
//!
//! A variable is `{{ name }}`: letters, digits, spaces, `_`, `-` and `.`, trimmed. Filling checks
//! that every variable gets a value and that no value is given for a variable the template lacks.

use outpost_store::templates::{self, Template};
use outpost_store::{Sqlite, SqliteConnection, Transaction};
use outpost_store::{new_id, now_ms};

use super::undo::Snapshot;
use super::{
    Deleted, DeletedKind, MAX_TEXT_CHARS, TemplateValues, TemplateView, check_len, clean_name, db,
    not_found,
};
use crate::{Error, Outpost, Result};

/// A piece of a template body.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'a> {
    Text(&'a str),
    Var(&'a str),
}

fn valid_var_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
}

/// Splits a body into text and variables; a clear error for `{{` without `}}`, `{{}}` or a name
/// with other characters.
fn parse(body: &str) -> Result<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push(Segment::Text(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(Error::InvalidInput(
                "the template has a {{ without a closing }}".into(),
            ));
        };
        let name = after[..end].trim();
        if name.is_empty() {
            return Err(Error::InvalidInput(
                "the template has an empty {{}}; put a variable name inside, e.g. {{product}}"
                    .into(),
            ));
        }
        if !valid_var_name(name) {
            return Err(Error::InvalidInput(format!(
                "{{{{{name}}}}} is not a valid variable name (use letters, digits, spaces, _ - .)"
            )));
        }
        out.push(Segment::Var(name));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(rest));
    }
    Ok(out)
}

/// The variables of a template body in order of first appearance (the body must parse).
pub fn template_variables(body: &str) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for s in parse(body)? {
        if let Segment::Var(n) = s
            && !names.iter().any(|x| x == n)
        {
            names.push(n.to_string());
        }
    }
    Ok(names)
}

fn braces(names: &[&str]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("{{{{{n}}}}}")).collect();
    match list.len() {
        0 => String::new(),
        1 => list[0].clone(),
        n => format!("{} and {}", list[..n - 1].join(", "), list[n - 1]),
    }
}

/// Fills a body's variables. Every variable needs a non-blank value; a value for a variable the
/// body does not have is refused (a typo would otherwise vanish silently).
pub fn fill_template_body(body: &str, values: &TemplateValues) -> Result<String> {
    let segments = parse(body)?;
    let vars = template_variables(body)?;
    let unknown: Vec<&str> = values
        .keys()
        .map(|k| k.trim())
        .filter(|k| !vars.iter().any(|v| v == k))
        .collect();
    if !unknown.is_empty() {
        let have = if vars.is_empty() {
            "it has no variables".to_string()
        } else {
            format!(
                "it has {}",
                braces(&vars.iter().map(String::as_str).collect::<Vec<_>>())
            )
        };
        return Err(Error::InvalidInput(format!(
            "the template has no variable {} ({have})",
            braces(&unknown)
        )));
    }
    let value = |name: &str| {
        values
            .iter()
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    };
    let missing: Vec<&str> = vars
        .iter()
        .map(String::as_str)
        .filter(|v| value(v).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(Error::InvalidInput(format!("fill in {}", braces(&missing))));
    }
    let mut out = String::with_capacity(body.len());
    for s in segments {
        match s {
            Segment::Text(t) => out.push_str(t),
            Segment::Var(n) => out.push_str(value(n).unwrap_or_default()),
        }
    }
    Ok(out)
}

fn view(t: Template) -> TemplateView {
    TemplateView {
        variables: template_variables(&t.body).unwrap_or_else(|_| templates::variables(&t.body)),
        id: t.id,
        name: t.name,
        body: t.body,
        created_at: t.created_at,
        updated_at: t.updated_at,
    }
}

async fn check_template_name(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    super::refuse_clash(
        "template",
        outpost_store::templates::name_clash(&mut *conn, name, except).await?,
    )
}

fn check_body(body: &str) -> Result<()> {
    check_len("template", body, MAX_TEXT_CHARS)?;
    if body.trim().is_empty() {
        return Err(Error::InvalidInput("write the template's text".into()));
    }
    parse(body).map(|_| ())
}

impl Outpost {
    /// Every template by name.
    pub async fn templates(&self) -> Result<Vec<TemplateView>> {
        let mut list = templates::list_all(self.store().pool()).await?;
        list.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.id.cmp(&b.id))
        });
        Ok(list.into_iter().map(view).collect())
    }

    pub async fn template(&self, id: &str) -> Result<TemplateView> {
        templates::find(self.store().pool(), id)
            .await?
            .map(view)
            .ok_or_else(|| not_found("template", id))
    }

    /// Creates a template (names are unique case-insensitively; the body must parse).
    pub async fn create_template(&self, name: &str, body: &str) -> Result<TemplateView> {
        let name = clean_name("template", name)?;
        check_body(body)?;
        let mut tx = self.store().begin().await?;
        check_template_name(&mut tx, &name, None).await?;
        let now = now_ms();
        let t = Template {
            id: new_id(),
            name,
            body: body.to_string(),
            created_at: now,
            updated_at: now,
        };
        templates::insert(&mut *tx, &t).await?;
        tx.commit().await.map_err(db)?;
        Ok(view(t))
    }

    pub async fn update_template(&self, id: &str, name: &str, body: &str) -> Result<TemplateView> {
        let name = clean_name("template", name)?;
        check_body(body)?;
        let mut tx = self.store().begin().await?;
        let mut t = templates::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("template", id))?;
        check_template_name(&mut tx, &name, Some(id)).await?;
        t.name = name;
        t.body = body.to_string();
        t.updated_at = now_ms();
        templates::update(&mut *tx, &t).await?;
        tx.commit().await.map_err(db)?;
        Ok(view(t))
    }

    /// Deletes a template. Undoable.
    pub async fn delete_template(&self, id: &str) -> Result<Deleted> {
        let mut tx = self.store().begin().await?;
        let t = templates::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("template", id))?;
        templates::delete(&mut *tx, id).await?;
        tx.commit().await.map_err(db)?;
        let message = format!("Deleted the template “{}”", t.name);
        Ok(self
            .workspace()
            .undo
            .put(DeletedKind::Template, id, message, Snapshot::Template(t)))
    }

    /// The template's text with its variables filled (see [`fill_template_body`]).
    pub async fn fill_template(&self, id: &str, values: &TemplateValues) -> Result<String> {
        let t = self.template(id).await?;
        fill_template_body(&t.body, values).map_err(|e| match e {
            Error::InvalidInput(m) => Error::InvalidInput(format!("{}: {m}", t.name)),
            other => other,
        })
    }
}

pub(super) async fn restore_template(
    tx: &mut Transaction<'static, Sqlite>,
    t: &Template,
) -> Result<String> {
    check_template_name(tx, &t.name, None).await?;
    templates::insert(&mut **tx, t).await?;
    Ok(format!("Restored the template “{}”", t.name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> TemplateValues {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn variables_in_order_without_duplicates() {
        let vars = template_variables("New {{product}} on {{ date }}! {{product}} rocks").unwrap();
        assert_eq!(vars, ["product", "date"]);
        assert!(template_variables("no variables").unwrap().is_empty());
    }

    #[test]
    fn bad_bodies_are_refused_with_a_reason() {
        let e = template_variables("Hello {{name").unwrap_err().to_string();
        assert!(e.contains("without a closing"), "{e}");
        let e = template_variables("Hello {{ }}").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
        let e = template_variables("Hello {{a|b}}").unwrap_err().to_string();
        assert!(e.contains("not a valid variable name"), "{e}");
    }

    #[test]
    fn fills_every_occurrence() {
        let out = fill_template_body(
            "{{product}} ships {{ date }}. Get {{product}}!",
            &values(&[("product", "Widget {{x}}"), ("date", "Monday")]),
        )
        .unwrap();
        assert_eq!(out, "Widget {{x}} ships Monday. Get Widget {{x}}!");
    }

    #[test]
    fn missing_and_unknown_variables_are_named() {
        let e = fill_template_body("{{a}} {{b}} {{c}}", &values(&[("a", "1"), ("c", " ")]))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "fill in {{b}} and {{c}}");
        let e = fill_template_body("{{a}}", &values(&[("a", "1"), ("prodcut", "x")]))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "the template has no variable {{prodcut}} (it has {{a}})");
        let e = fill_template_body("plain", &values(&[("x", "1")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("it has no variables"), "{e}");
    }
}
