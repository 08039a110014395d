//! Feed templates: `{{title}}`, `{{link}}`, `{{summary}}`, `{{image}}` filled from a feed item.
//! An unknown variable is refused when the feed is saved; an item that lacks a value the template
//! uses is reported for that item (never posted with a hole in it).

use crate::{Error, Result};

/// The variables a feed template may use.
pub const VARIABLES: [&str; 4] = ["title", "link", "summary", "image"];
/// The template a feed gets when none is given.
pub const DEFAULT_TEMPLATE: &str = "{{title}} {{link}}";
/// The longest template accepted.
pub const MAX_TEMPLATE_CHARS: usize = 5_000;

/// What an item offers to a template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemValues {
    pub title: Option<String>,
    pub link: Option<String>,
    pub summary: Option<String>,
    pub image: Option<String>,
}

impl ItemValues {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "title" => self.title.as_deref(),
            "link" => self.link.as_deref(),
            "summary" => self.summary.as_deref(),
            "image" => self.image.as_deref(),
            _ => None,
        }
        .filter(|v| !v.trim().is_empty())
    }
}

/// The pieces of a template: literal text and variable names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var(String),
}

fn pieces(template: &str) -> Result<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push(Piece::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err(Error::InvalidInput(
                "the template has a \"{{\" without its closing \"}}\"".into(),
            ));
        };
        let name = after[..end].trim().to_ascii_lowercase();
        if !VARIABLES.contains(&name.as_str()) {
            return Err(Error::InvalidInput(format!(
                "the template uses {{{{{}}}}}, which a feed item does not have; use {}",
                after[..end].trim().chars().take(40).collect::<String>(),
                VARIABLES
                    .iter()
                    .map(|v| format!("{{{{{v}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        out.push(Piece::Var(name));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    Ok(out)
}

/// Checks a template: only known variables, balanced braces, not empty, not too long.
pub fn validate(template: &str) -> Result<()> {
    if template.trim().is_empty() {
        return Err(Error::InvalidInput(
            "the template is empty; e.g. \"{{title}} {{link}}\"".into(),
        ));
    }
    if template.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(Error::InvalidInput(format!(
            "the template is longer than {MAX_TEMPLATE_CHARS} characters"
        )));
    }
    pieces(template).map(|_| ())
}

/// Fills the template. An item missing a value the template uses is an error naming the variable.
pub fn render(template: &str, values: &ItemValues) -> Result<String> {
    let mut out = String::new();
    let mut missing = Vec::new();
    for p in pieces(template)? {
        match p {
            Piece::Text(t) => out.push_str(&t),
            Piece::Var(name) => match values.get(&name) {
                Some(v) => out.push_str(v.trim()),
                None => missing.push(format!("{{{{{name}}}}}")),
            },
        }
    }
    if !missing.is_empty() {
        missing.dedup();
        return Err(Error::InvalidInput(format!(
            "the item has no value for {} used by the template",
            missing.join(", ")
        )));
    }
    Ok(out.trim().to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fills_every_variable() {
        let v = ItemValues {
            title: Some("Hello".into()),
            link: Some("https://e.example/1".into()),
            summary: Some("Short".into()),
            image: Some("https://e.example/i.png".into()),
        };
        assert_eq!(
            render("{{title}}: {{ summary }} {{link}} {{IMAGE}}", &v).unwrap(),
            "Hello: Short https://e.example/1 https://e.example/i.png"
        );
    }

    #[test]
    fn unknown_and_missing_variables_are_named() {
        let e = validate("{{title}} {{author}}").unwrap_err().to_string();
        assert!(e.contains("{{author}}"), "{e}");
        assert!(e.contains("{{summary}}"), "{e}");
        assert!(validate("{{title").is_err());
        assert!(validate("  ").is_err());
        let e = render(
            "{{title}} {{link}}",
            &ItemValues {
                title: Some("t".into()),
                ..Default::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("{{link}}"), "{e}");
    }
}
