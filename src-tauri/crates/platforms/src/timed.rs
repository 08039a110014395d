//! What the platforms whose inbox cursor is a time share (Threads: unix seconds, LinkedIn: unix
//! ms): reading the stored cursor, the cursor past a read (`None` when nothing newer arrived — an
//! item of the cursor's own instant is handed again and the app skips what it stored), and a post
//! gone from the platform as metrics.

use crate::capability::{InboxCursor, InboxItem, InboxPage, PostMetrics};
use crate::error::{Error, Result};
use crate::platform::Platform;

/// The stored cursor as a time; `None` before the first read.
pub(crate) fn since(platform: Platform, c: Option<&InboxCursor>) -> Result<Option<i64>> {
    c.map(|c| {
        c.0.parse::<i64>().map_err(|_| {
            Error::Config(format!(
                "{platform}: the stored inbox cursor is not a time; sync again from the start"
            ))
        })
    })
    .transpose()
}

/// `(time, item)` pairs read after `since` as a page: oldest first, the cursor at the newest time
/// when it is past `since`.
pub(crate) fn page(mut read: Vec<(i64, InboxItem)>, since: Option<i64>) -> InboxPage {
    read.sort_by(|a, b| (a.0, a.1.id.len(), &a.1.id).cmp(&(b.0, b.1.id.len(), &b.1.id)));
    let cursor = match (read.last().map(|(t, _)| *t), since) {
        (Some(n), Some(s)) if n <= s => None,
        (Some(n), _) => Some(InboxCursor(n.to_string())),
        (None, _) => None,
    };
    InboxPage {
        items: read.into_iter().map(|(_, i)| i).collect(),
        cursor,
    }
}

impl PostMetrics {
    /// A post gone from the platform (deleted, or no longer visible to the account) at `at`.
    pub fn gone(post_id: &str, at: i64) -> PostMetrics {
        PostMetrics {
            post_id: post_id.to_string(),
            at,
            deleted: true,
            ..PostMetrics::default()
        }
    }
}
