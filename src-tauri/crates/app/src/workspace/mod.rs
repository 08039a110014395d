//! The content workspace around the composer: the kanban board (user-defined columns; ideas and
//! posts as cards), ideas (promoted to drafts), templates with `{{variables}}`, tags and campaigns,
//! full-text search, and undo for deletes.
//!
//! Every change runs in one `BEGIN IMMEDIATE` transaction and is checked before anything is
//! written, so bad input creates nothing half-way. Board changes are also serialised in-process so
//! positions stay gap-free (`0..n` per column).

mod board;
mod ideas;
mod labels;
mod search;
mod templates;
mod types;
mod undo;

pub use templates::{fill_template_body, template_variables};
pub use types::*;
pub use undo::UNDO_WINDOW_MS;

use crate::{Error, Result};

/// The workspace's in-process state: the undo bin and the board's write lock.
#[derive(Debug, Default)]
pub(crate) struct WorkspaceState {
    undo: undo::UndoBin,
    board_lock: tokio::sync::Mutex<()>,
}

impl WorkspaceState {
    /// Forgets every undo snapshot (after "delete all my data").
    pub(crate) fn clear(&self) {
        self.undo.clear();
    }
}

/// Longest name of a column, tag, campaign or template.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest idea title.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest idea notes or template body (characters).
pub const MAX_TEXT_CHARS: usize = 100_000;

fn db(e: impl Into<outpost_store::Error>) -> Error {
    Error::Store(e.into())
}

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] without control characters.
fn clean_name(what: &str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput(format!("give the {what} a name")));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::InvalidInput(format!(
            "a {what} name can be at most {MAX_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::InvalidInput(format!(
            "a {what} name cannot contain line breaks or control characters"
        )));
    }
    Ok(name.to_string())
}

fn check_len(what: &str, text: &str, max: usize) -> Result<()> {
    let n = text.chars().count();
    if n > max {
        return Err(Error::InvalidInput(format!(
            "the {what} is too long ({n} characters; at most {max})"
        )));
    }
    Ok(())
}

/// Colours offered when none is given (and by the UI's pickers).
pub const PALETTE: [&str; 10] = [
    "#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
    "#ea580c", "#475569",
];

/// `#rgb` or `#rrggbb` (lowercased); empty picks the palette colour at `index`.
fn clean_colour(colour: &str, index: usize) -> Result<String> {
    let c = colour.trim();
    if c.is_empty() {
        return Ok(PALETTE[index % PALETTE.len()].to_string());
    }
    let hex = c.strip_prefix('#').unwrap_or("");
    if (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_lowercase()))
    } else {
        Err(Error::InvalidInput(format!(
            "“{c}” is not a colour; use #rgb or #rrggbb, e.g. #2563eb"
        )))
    }
}

/// Refuses a name another row already has (case-insensitively; the store's `name_clash`),
/// naming the clash.
fn refuse_clash(what: &str, clash: Option<String>) -> Result<()> {
    match clash {
        Some(existing) => Err(Error::InvalidInput(format!(
            "there is already a {what} called “{existing}”"
        ))),
        None => Ok(()),
    }
}

fn not_found(what: &str, id: &str) -> Error {
    Error::NotFound {
        what: format!("{what} {id}"),
    }
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_checked_and_normalised() {
        assert_eq!(clean_colour("#ABC", 0).ok().as_deref(), Some("#abc"));
        assert_eq!(
            clean_colour(" #00ff00 ", 0).ok().as_deref(),
            Some("#00ff00")
        );
        assert_eq!(clean_colour("", 1).ok().as_deref(), Some(PALETTE[1]));
        for bad in ["red", "#12", "#gggggg", "00ff00", "#1234567"] {
            assert!(clean_colour(bad, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            clean_name("tag", "  launch ").ok().as_deref(),
            Some("launch")
        );
        assert!(clean_name("tag", "   ").is_err());
        assert!(clean_name("tag", "a\nb").is_err());
        assert!(clean_name("tag", &"x".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
