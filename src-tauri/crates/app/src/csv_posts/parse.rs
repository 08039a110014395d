//! Reading the CSV file into rows: size, encoding, header and field checks. No database access
//! except resolving channel references against a list given by the caller.

use std::path::Path;

use outpost_store::channels::Channel;

use super::CsvIssue;
use crate::channels::to_platform;

/// The columns, in the order an export writes them.
pub const COLUMNS: [&str; 18] = [
    "text",
    "channels",
    "time",
    "media",
    "tags",
    "first_comment",
    "title",
    "privacy",
    "board",
    "link",
    "thread",
    "native_schedule",
    "category",
    "made_for_kids",
    "thumbnail",
    "disclose",
    "placement",
    "alt",
];
/// Thread parts in the `thread` cell are separated by a line holding only this.
pub const THREAD_SEPARATOR: &str = "---";
/// Columns a file must have.
const REQUIRED: [&str; 2] = ["text", "channels"];
/// Files larger than this are refused (10 MiB).
pub const MAX_CSV_BYTES: u64 = 10 << 20;
/// At most this many post rows per file.
pub const MAX_CSV_ROWS: usize = 10_000;
/// Longest tag name.
const MAX_TAG_CHARS: usize = 50;
/// Separator inside the list columns (`channels`, `media`, `tags`).
pub const LIST_SEPARATOR: char = ';';

/// One data row as written, plus the problems found while reading it.
#[derive(Debug, Clone, Default)]
pub(super) struct RawRow {
    pub row: u32,
    pub text: String,
    pub channels: Vec<String>,
    pub time: String,
    pub media: Vec<String>,
    pub tags: Vec<String>,
    pub first_comment: String,
    pub title: String,
    pub privacy: String,
    pub board: String,
    pub link: String,
    pub thread: Vec<String>,
    pub native_schedule: bool,
    pub category: String,
    pub made_for_kids: bool,
    pub thumbnail: String,
    pub disclose: String,
    pub placement: String,
    pub alt: Vec<String>,
    pub errors: Vec<CsvIssue>,
}

fn file_issue(message: impl Into<String>) -> CsvIssue {
    CsvIssue {
        row: None,
        column: None,
        message: message.into(),
    }
}

/// The canonical column name of a header cell (a few spellings spreadsheets produce are accepted).
fn canonical(header: &str) -> Option<&'static str> {
    let h = header.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    match h.as_str() {
        "text" | "body" => Some("text"),
        "channels" | "channel" => Some("channels"),
        "time" | "at" | "scheduled_at" => Some("time"),
        "media" | "media_paths" | "media_path" => Some("media"),
        "tags" | "tag" => Some("tags"),
        "first_comment" => Some("first_comment"),
        "title" => Some("title"),
        "privacy" | "visibility" => Some("privacy"),
        "board" | "board_id" => Some("board"),
        "link" | "url" => Some("link"),
        "thread" | "thread_parts" => Some("thread"),
        "native_schedule" | "native_scheduling" => Some("native_schedule"),
        "category" | "category_id" => Some("category"),
        "made_for_kids" => Some("made_for_kids"),
        "thumbnail" => Some("thumbnail"),
        "disclose" | "disclosure" => Some("disclose"),
        "placement" => Some("placement"),
        "alt" | "alt_text" => Some("alt"),
        _ => None,
    }
}

/// A yes/no column's value on the row.
fn set_flag(raw: &mut RawRow, column: &str, value: bool) {
    if column == "made_for_kids" {
        raw.made_for_kids = value;
    } else {
        raw.native_schedule = value;
    }
}

/// Thread parts: separated by a line holding only `---`; empty parts are dropped.
pub(super) fn split_thread(cell: &str) -> Vec<String> {
    let cell = cell.replace("\r\n", "\n");
    let mut parts = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in cell.split('\n') {
        if line.trim() == THREAD_SEPARATOR {
            parts.push(cur.join("\n"));
            cur.clear();
        } else {
            cur.push(line);
        }
    }
    parts.push(cur.join("\n"));
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The `thread` cell of parts (the inverse of [`split_thread`]).
pub(super) fn join_thread(parts: &[String]) -> String {
    parts.join(&format!("\n{THREAD_SEPARATOR}\n"))
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split(LIST_SEPARATOR)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads and splits the file. A problem with the file as a whole is the `Err`.
pub(super) fn read_file(path: &Path) -> Result<Vec<RawRow>, CsvIssue> {
    let meta = std::fs::metadata(path)
        .map_err(|e| file_issue(format!("the file cannot be read ({e})")))?;
    if meta.is_dir() {
        return Err(file_issue("that is a folder, not a CSV file"));
    }
    if meta.len() > MAX_CSV_BYTES {
        return Err(file_issue(format!(
            "the file is {:.1} MB; at most {} MB can be imported at once (split it into several files)",
            meta.len() as f64 / 1_048_576.0,
            MAX_CSV_BYTES >> 20
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| file_issue(format!("the file cannot be read ({e})")))?;
    parse_bytes(&bytes)
}

/// Splits CSV bytes into rows (see [`read_file`]).
pub(super) fn parse_bytes(bytes: &[u8]) -> Result<Vec<RawRow>, CsvIssue> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(file_issue(
            "the file is UTF-16 text; save it as \"CSV UTF-8\" and import it again",
        ));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(file_issue(format!(
            "the file is not UTF-8 text (first bad byte on line {line}); save it as \"CSV UTF-8\" and import it again"
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_issue("the file is empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| file_issue(format!("the header row cannot be read: {e}")))?
        .clone();
    let mut columns: Vec<&'static str> = Vec::with_capacity(headers.len());
    for h in &headers {
        let Some(c) = canonical(h) else {
            return Err(file_issue(format!(
                "unknown column \"{}\"; the columns are {}",
                h.trim().chars().take(40).collect::<String>(),
                COLUMNS.join(", ")
            )));
        };
        if columns.contains(&c) {
            return Err(file_issue(format!("the column \"{c}\" appears twice")));
        }
        columns.push(c);
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|r| !columns.contains(r))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(file_issue(format!(
            "the header lacks the column{} {} (the first row must name the columns: {})",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(" and "),
            COLUMNS.join(", ")
        )));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = u32::try_from(i + 2).unwrap_or(u32::MAX);
        if rows.len() >= MAX_CSV_ROWS {
            return Err(file_issue(format!(
                "the file has more than {MAX_CSV_ROWS} rows; split it into several files"
            )));
        }
        let mut raw = RawRow {
            row,
            ..Default::default()
        };
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                raw.errors.push(CsvIssue {
                    row: Some(row),
                    column: None,
                    message: format!("the row cannot be read: {e}"),
                });
                rows.push(raw);
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue; // blank line
        }
        if record.len() != columns.len() {
            raw.errors.push(CsvIssue {
                row: Some(row),
                column: None,
                message: format!(
                    "the row has {} fields but the header has {} columns (a comma inside a text must be within quotes)",
                    record.len(),
                    columns.len()
                ),
            });
        }
        for (cell, column) in record.iter().zip(&columns) {
            match *column {
                "text" => raw.text = cell.to_string(),
                "channels" => raw.channels = split_list(cell),
                "time" => raw.time = cell.trim().to_string(),
                "media" => raw.media = split_list(cell),
                "tags" => raw.tags = split_list(cell),
                "first_comment" => raw.first_comment = cell.trim().to_string(),
                "title" => raw.title = cell.trim().to_string(),
                "privacy" => raw.privacy = cell.trim().to_string(),
                "board" => raw.board = cell.trim().to_string(),
                "link" => raw.link = cell.trim().to_string(),
                "thread" => raw.thread = split_thread(cell),
                "category" => raw.category = cell.trim().to_string(),
                "thumbnail" => raw.thumbnail = cell.trim().to_string(),
                "disclose" => raw.disclose = cell.trim().to_string(),
                "placement" => raw.placement = cell.trim().to_string(),
                // Alt texts in the order of the media files; an empty one keeps its place.
                "alt" => {
                    raw.alt = if cell.trim().is_empty() {
                        vec![]
                    } else {
                        cell.split(LIST_SEPARATOR)
                            .map(|a| a.trim().to_string())
                            .collect()
                    }
                }
                yes_no => match cell.trim().to_ascii_lowercase().as_str() {
                    "" | "no" | "false" | "0" => set_flag(&mut raw, yes_no, false),
                    "yes" | "true" | "1" => set_flag(&mut raw, yes_no, true),
                    other => raw.errors.push(CsvIssue {
                        row: Some(row),
                        column: Some(yes_no.into()),
                        message: format!(
                            "“{}” is not yes or no",
                            other.chars().take(20).collect::<String>()
                        ),
                    }),
                },
            }
        }
        if raw.channels.is_empty() && raw.errors.is_empty() {
            raw.errors.push(CsvIssue {
                row: Some(row),
                column: Some("channels".into()),
                message: "no channel is given (an id or platform:handle, several separated by ;)"
                    .into(),
            });
        }
        let mut seen = std::collections::HashSet::new();
        raw.tags.retain(|t| seen.insert(t.to_lowercase()));
        for t in &raw.tags {
            if t.chars().count() > MAX_TAG_CHARS {
                raw.errors.push(CsvIssue {
                    row: Some(row),
                    column: Some("tags".into()),
                    message: format!(
                        "the tag \"{}…\" is longer than {MAX_TAG_CHARS} characters",
                        t.chars().take(20).collect::<String>()
                    ),
                });
            }
        }
        rows.push(raw);
    }
    if rows.is_empty() {
        return Err(file_issue(
            "the file has a header but no rows (one post per row below the header)",
        ));
    }
    Ok(rows)
}

/// `Platform @handle` for previews.
pub(super) fn channel_label(c: &Channel) -> String {
    let name = if c.handle.is_empty() {
        c.display_name.clone()
    } else {
        format!("@{}", c.handle.trim_start_matches('@'))
    };
    format!("{} {name}", to_platform(c.platform).name())
}

/// How an export refers to a channel: `platform:handle` when that is unique, else its id.
pub(super) fn channel_reference(c: &Channel, all: &[Channel]) -> String {
    let handle = c.handle.trim_start_matches('@');
    if handle.is_empty() || handle.contains(LIST_SEPARATOR) {
        return c.id.clone();
    }
    let same = all
        .iter()
        .filter(|o| {
            o.platform == c.platform
                && o.handle
                    .trim_start_matches('@')
                    .eq_ignore_ascii_case(handle)
        })
        .count();
    if same == 1 {
        format!("{}:{handle}", c.platform.as_str())
    } else {
        c.id.clone()
    }
}

/// Finds the channel a cell names: its id, or `platform:handle` (the `@` optional, any case).
pub(super) fn resolve_channel<'a>(
    reference: &str,
    all: &'a [Channel],
) -> crate::Result<&'a Channel> {
    if let Some(c) = all.iter().find(|c| c.id == reference) {
        return Ok(c);
    }
    let Some((platform, handle)) = reference.split_once(':') else {
        return Err(crate::Error::InvalidInput(format!(
            "there is no channel \"{reference}\" (use a channel id or platform:handle, e.g. mastodon:@me@example.social)"
        )));
    };
    let platform = platform.trim().to_ascii_lowercase();
    let Some(p) = outpost_platforms::Platform::from_id(&platform) else {
        return Err(crate::Error::InvalidInput(format!(
            "\"{platform}\" is not a platform (x, linkedin, facebook, instagram, threads, youtube, tiktok, pinterest, bluesky, mastodon)"
        )));
    };
    let handle = handle.trim().trim_start_matches('@');
    let found: Vec<&Channel> = all
        .iter()
        .filter(|c| {
            to_platform(c.platform) == p
                && c.handle
                    .trim_start_matches('@')
                    .eq_ignore_ascii_case(handle)
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(crate::Error::InvalidInput(format!(
            "there is no {} channel @{handle} in this profile (connect it first, or check the spelling)",
            p.name()
        ))),
        many => Err(crate::Error::InvalidInput(format!(
            "{} {} channels are @{handle}; use the channel id instead ({})",
            many.len(),
            p.name(),
            many.iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A stable colour for a tag created by an import (from the design palette's hues).
pub(super) fn tag_colour(name: &str) -> &'static str {
    const PALETTE: [&str; 8] = [
        "#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#ec4899", "#8b5cf6", "#14b8a6",
    ];
    let sum: usize = name.bytes().map(usize::from).sum();
    PALETTE[sum % PALETTE.len()]
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn thread_cells_split_on_separator_lines_and_join_back() {
        let parts = split_thread("one\r\n---\ntwo\nlines\n ---  \n\n---\nthree");
        assert_eq!(parts, vec!["one", "two\nlines", "three"]);
        assert_eq!(split_thread(&join_thread(&parts)), parts);
        assert!(split_thread("").is_empty());
    }

    #[test]
    fn header_spellings_and_lists() {
        let rows = parse_bytes(
            "\u{feff}Text,Channels,Time,Media Paths,Tags,First Comment\nhi,x:a; bluesky:b ,2030-01-01 09:00,a.png;b.png,one;One;two,c\n"
                .as_bytes(),
        )
        .expect("parses");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].channels, vec!["x:a", "bluesky:b"]);
        assert_eq!(rows[0].media, vec!["a.png", "b.png"]);
        assert_eq!(rows[0].tags, vec!["one", "two"]);
        assert_eq!(rows[0].first_comment, "c");
    }

    #[test]
    fn file_level_problems() {
        let msg = |b: &[u8]| parse_bytes(b).expect_err("refused").message;
        assert!(msg(b"").contains("empty"));
        assert!(msg(b"text,channels\n").contains("no rows"));
        assert!(msg(b"text,colour\nx,y\n").contains("unknown column \"colour\""));
        assert!(msg(b"text,time\nx,y\n").contains("lacks the column channels"));
        assert!(msg(b"text,channels,text\nx,y,z\n").contains("appears twice"));
        assert!(msg(b"text,channels\n\xff\xfe,x\n").contains("not UTF-8"));
        assert!(msg(&[0xFF, 0xFE, b't', 0]).contains("UTF-16"));
    }

    #[test]
    fn row_level_problems() {
        let rows =
            parse_bytes(b"text,channels,time\na,x:b\nc,,2030-01-01 09:00\n").expect("parses");
        assert!(rows[0].errors[0].message.contains("2 fields"));
        assert_eq!(rows[1].errors[0].column.as_deref(), Some("channels"));
        assert_eq!(rows[1].row, 3);
    }
}
