//! Full-text search over posts (with variants), ideas and templates (FTS5, kept in sync by triggers).

use sqlx::SqliteExecutor;

use crate::{Result, SearchKind};

/// Marks the start of a matched term in [`SearchHit::snippet`] (U+0002). The UI splits on these
/// markers instead of rendering HTML, so user text can never inject markup.
pub const MATCH_START: char = '\u{2}';
/// Marks the end of a matched term in [`SearchHit::snippet`] (U+0003).
pub const MATCH_END: char = '\u{3}';

/// One search result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// Id of the post, idea or template.
    pub id: String,
    /// Idea title, template name, or the matching variant's title for posts (often `''`).
    pub title: String,
    /// Body text around the match with [`MATCH_START`]/[`MATCH_END`] around matched terms (the
    /// start of the body when only the title matched).
    pub snippet: String,
    /// bm25 rank (lower is better); 0 for every hit of a query matching more than
    /// [`RANK_WINDOW`] documents (those come newest first).
    pub rank: f64,
}

/// Turns free user text into a safe FTS5 query: each word becomes a quoted phrase (embedded `"`
/// doubled), words are ANDed, the last one also matches as a prefix (search as you type).
/// FTS operators (`AND`, `OR`, `NOT`, `NEAR`, `*`, `-`, `:`, `^`, parentheses) are treated as text.
/// Returns `None` when nothing searchable remains.
pub fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    let parts: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let quoted = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last {
                format!("{quoted}*")
            } else {
                quoted
            }
        })
        .collect();
    Some(parts.join(" "))
}

/// Up to how many matching documents [`search`] ranks by relevance (bm25). A query matching more
/// (a common word, or one typed letter, at 100,000 posts) lists the newest matches instead, so that
/// it costs the same at any size of the workspace: bm25 weighs each phrase by how many documents
/// hold it, which walks every match of every phrase.
pub const RANK_WINDOW: i64 = 2000;

/// Searches posts, ideas and templates; best matches first. Any user text is safe (see [`fts_query`]).
///
/// Ranks (bm25) every match when at most [`RANK_WINDOW`] documents match; lists the newest
/// matches when more do, so the cost does not grow with the number of posts.
pub async fn search<'e, E>(ex: E, query: &str, limit: i64) -> Result<Vec<SearchHit>>
where
    E: SqliteExecutor<'e> + Copy,
{
    let Some(fts) = fts_query(query) else {
        return Ok(Vec::new());
    };
    let limit = limit.clamp(1, 1000);
    // Whether more than the window match: walking the match newest first costs no ranking.
    let beyond: Option<i64> = sqlx::query_scalar(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 ORDER BY rowid DESC LIMIT 1 OFFSET ?2",
    )
    .bind(&fts)
    .bind(RANK_WINDOW - 1)
    .fetch_optional(ex)
    .await?;
    let rows = match beyond {
        // More than the window match (a common word, or one typed letter, at 100,000 posts):
        // the newest matches, newest first. bm25 would weigh each phrase by how many
        // documents hold it — a walk of every match of every phrase (tens of ms at 100,000
        // posts) — to order documents that all contain the words anyway.
        Some(_) => {
            sqlx::query_as::<_, SearchHit>(
                "SELECT d.kind AS kind, d.item_id AS id, f.title AS title,
                        snippet(search_fts, 1, char(2), char(3), '…', 16) AS snippet,
                        0.0 AS rank
                 FROM search_fts AS f JOIN search_docs AS d ON d.rowid = f.rowid
                 WHERE search_fts MATCH ?1
                 ORDER BY f.rowid DESC LIMIT ?2",
            )
            .bind(&fts)
            .bind(limit * 4)
            .fetch_all(ex)
            .await?
        }
        // Fewer: rank every match (bm25 with statistics of the whole index), keep the best few
        // documents (snippets are computed for those only).
        None => {
            sqlx::query_as::<_, SearchHit>(
                "SELECT d.kind AS kind, d.item_id AS id, f.title AS title,
                        snippet(search_fts, 1, char(2), char(3), '…', 16) AS snippet, f.rank AS rank
                 FROM search_fts AS f JOIN search_docs AS d ON d.rowid = f.rowid
                 WHERE search_fts MATCH ?1
                 ORDER BY f.rank LIMIT ?2",
            )
            .bind(&fts)
            .bind(limit * 4)
            .fetch_all(ex)
            .await?
        }
    };
    // The best document per item (a post has one document per non-empty variant).
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|h| seen.insert((h.kind, h.id.clone())))
        .take(usize::try_from(limit).unwrap_or(1))
        .collect())
}
