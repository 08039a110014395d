//! Full-text search across posts, ideas and templates (FTS5 in the store), for the command palette.

use outpost_store::SearchKind;

use super::board::title_and_excerpt;
use super::{SearchItemKind, SearchResult, db};
use crate::{Error, Outpost, Result};

/// Most results one search returns.
pub const MAX_SEARCH_RESULTS: u32 = 50;
/// Longest query accepted (characters).
const MAX_QUERY_CHARS: usize = 500;

impl Outpost {
    /// The best matches for `query` (ranked; each item once), with snippets in which matched
    /// terms are wrapped in U+0002 … U+0003. Any text is safe to search for; operators are literal.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchResult>> {
        if query.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::InvalidInput(format!(
                "the search is too long (at most {MAX_QUERY_CHARS} characters)"
            )));
        }
        let limit = limit.clamp(1, MAX_SEARCH_RESULTS);
        let hits =
            outpost_store::search::search(self.store().pool(), query, i64::from(limit)).await?;
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            let (kind, title, status) = match h.kind {
                SearchKind::Post => {
                    let row = outpost_store::posts::search_summary(&mut *conn, &h.id).await?;
                    let Some((body, status)) = row else { continue };
                    let title = if h.title.trim().is_empty() {
                        title_and_excerpt(&body).0
                    } else {
                        h.title.clone()
                    };
                    (SearchItemKind::Post, title, Some(status))
                }
                SearchKind::Idea => (SearchItemKind::Idea, h.title.clone(), None),
                SearchKind::Template => (SearchItemKind::Template, h.title.clone(), None),
            };
            out.push(SearchResult {
                kind,
                id: h.id,
                title: if title.is_empty() {
                    "Untitled".to_string()
                } else {
                    title
                },
                snippet: h.snippet,
                status,
            });
        }
        Ok(out)
    }
}
