//! The marks a post's card carries on the calendar and the board: one status mark for what needs
//! the user's eye or is done (`failed`, `unconfirmed`, `held`, `comment_failed` — published with
//! its first comment not out —, `published`), and whether it was handed to the platform to publish
//! at its time (native scheduling).

/// The status mark of a post: its worst job state first (`failed`, `unconfirmed`, `held`), then
/// `comment_failed` when a published job's first comment did not go out, then `published`;
/// `None` for drafts and posts waiting for their time. The jobs decide: a post whose only trouble
/// is an unconfirmed job has the post status `failed` but the mark `unconfirmed`.
pub fn status_mark(status: &str, job_states: &[String], comment_problems: i64) -> Option<String> {
    let has = |s: &str| job_states.iter().any(|j| j == s);
    let mark = if has("failed") || (status == "failed" && job_states.is_empty()) {
        "failed"
    } else if has("unconfirmed") {
        "unconfirmed"
    } else if has("held") {
        "held"
    } else if comment_problems > 0 {
        crate::scheduler::COMMENT_FAILED
    } else if status == "published" || status == "partially_published" {
        "published"
    } else {
        return None;
    };
    Some(mark.to_string())
}

/// A post's job states as the store lists them (comma-separated).
pub(crate) fn job_states(list: Option<String>) -> Vec<String> {
    list.unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn the_worst_state_wins_then_the_comment_then_published() {
        let m = |status, s: &[&str], c| status_mark(status, &states(s), c);
        assert_eq!(m("scheduled", &["scheduled"], 0), None);
        assert_eq!(m("draft", &[], 0), None);
        assert_eq!(
            m("failed", &["unconfirmed"], 0).as_deref(),
            Some("unconfirmed")
        );
        assert_eq!(m("failed", &[], 0).as_deref(), Some("failed"));
        assert_eq!(
            m("scheduled", &["held", "scheduled"], 0).as_deref(),
            Some("held")
        );
        assert_eq!(
            m(
                "partially_published",
                &["published", "unconfirmed", "held"],
                0
            )
            .as_deref(),
            Some("unconfirmed")
        );
        assert_eq!(
            m(
                "partially_published",
                &["published", "failed", "unconfirmed"],
                0
            )
            .as_deref(),
            Some("failed")
        );
        assert_eq!(
            m("published", &["published"], 1).as_deref(),
            Some("comment_failed")
        );
        assert_eq!(
            m("published", &["published"], 0).as_deref(),
            Some("published")
        );
    }
}
