//! The short texts a desktop shows about publishing: OS notifications and the tray menu. Pure
//! functions (no I/O, the current time passed in) so every wording is unit-tested. They never
//! contain a token or a platform URL: only the channel, a short excerpt of the post and the reason.

use chrono::TimeZone;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::HostState;
use crate::scheduler::NextPost;

/// An OS notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

/// The job states worth a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Published,
    Failed,
    Unconfirmed,
    Held,
    /// Published, but its first comment did not go out.
    CommentFailed,
}

impl NoticeKind {
    /// `None` for `scheduled`, `publishing`, `cancelled` and anything unknown.
    pub fn from_state(state: &str) -> Option<NoticeKind> {
        match state {
            "published" => Some(NoticeKind::Published),
            "failed" => Some(NoticeKind::Failed),
            "unconfirmed" => Some(NoticeKind::Unconfirmed),
            "held" => Some(NoticeKind::Held),
            "comment_failed" => Some(NoticeKind::CommentFailed),
            _ => None,
        }
    }
}

/// What a notification names: the platform (`X`), the channel (`Ada Lovelace`) and the post text.
#[derive(Debug, Clone, Copy)]
pub struct JobContext<'a> {
    pub platform: &'a str,
    pub channel: &'a str,
    pub text: &'a str,
}

/// Longest excerpt of a post in a notification or the tray.
pub const EXCERPT_CHARS: usize = 48;
/// Longest reason in a notification.
const REASON_CHARS: usize = 120;

/// The first words of `text` on one line, at most `max` characters (with `…` when cut).
pub fn excerpt(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let keep = max.saturating_sub(1);
    let cut: String = one_line.chars().take(keep).collect();
    // Prefer ending at a word boundary when one is close (unless the cut already is one).
    let ends_a_word = one_line.chars().nth(keep) == Some(' ');
    let cut = match cut.rfind(' ') {
        Some(i) if !ends_a_word && i >= max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

/// The notification for a job that reached `kind`. `message` is the engine's reason (ignored for
/// `Published`, where it is the post's URL).
pub fn job_notice(kind: NoticeKind, ctx: &JobContext<'_>, message: Option<&str>) -> Notice {
    let post = excerpt(ctx.text, EXCERPT_CHARS);
    let post = if post.is_empty() {
        "(a post without text)".to_string()
    } else {
        format!("“{post}”")
    };
    let on = if ctx.channel.trim().is_empty() {
        ctx.platform.to_string()
    } else {
        format!("{} ({})", ctx.platform, excerpt(ctx.channel, 32))
    };
    let reason = message
        .map(|m| excerpt(m, REASON_CHARS))
        .filter(|m| !m.is_empty());
    match kind {
        NoticeKind::Published => Notice {
            title: format!("Published to {}: {post}", ctx.platform),
            body: format!("Posted on {on}."),
        },
        NoticeKind::Failed => Notice {
            title: format!("Not published to {}: {post}", ctx.platform),
            body: match reason {
                Some(r) => format!("{r}. Open Outpost to retry."),
                None => "Open Outpost to see why and retry.".to_string(),
            },
        },
        NoticeKind::Unconfirmed => Notice {
            title: format!("Check {}: {post} may not be out", ctx.platform),
            body: format!(
                "Outpost could not confirm it was published on {on}. Open Outpost to check and mark it."
            ),
        },
        NoticeKind::CommentFailed => Notice {
            title: format!(
                "Published to {}; first comment failed: {post}",
                ctx.platform
            ),
            body: format!(
                "The post is live on {on}, its first comment is not. Open Outpost to retry or dismiss the comment."
            ),
        },
        NoticeKind::Held => Notice {
            title: format!(
                "Held: {}",
                reason.unwrap_or_else(|| "waiting for you".to_string())
            ),
            body: format!("{post} on {on} waits until you act in Outpost."),
        },
    }
}

/// The notification shown the first time the window is closed while close-to-tray is on.
pub fn tray_explanation() -> Notice {
    Notice {
        title: "Outpost keeps publishing in the tray".into(),
        body: "Closing the window does not stop scheduled posts. Quit from the tray icon to stop \
               (Settings → Scheduling changes this)."
            .into(),
    }
}

/// When a post is due, as a person reads it: `Today 09:00`, `Tomorrow 18:30`, `Mon 7 Dec 09:00`,
/// `7 Dec 2027 09:00` (another year) — in `tz`.
pub fn when_label(due_at: i64, now_ms: i64, tz: Tz) -> String {
    let (Some(due), Some(now)) = (
        tz.timestamp_millis_opt(due_at).single(),
        tz.timestamp_millis_opt(now_ms).single(),
    ) else {
        return "at an unknown time".into();
    };
    let days = (due.date_naive() - now.date_naive()).num_days();
    let time = due.format("%H:%M");
    match days {
        0 => format!("Today {time}"),
        1 => format!("Tomorrow {time}"),
        _ if due.date_naive() < now.date_naive() => format!("{} {time}", due.format("%-d %b")),
        2..=6 => format!("{} {time}", due.format("%a %-d %b")),
        _ if due.format("%Y").to_string() == now.format("%Y").to_string() => {
            format!("{} {time}", due.format("%a %-d %b"))
        }
        _ => format!("{} {time}", due.format("%-d %b %Y")),
    }
}

/// The tray's first (disabled) menu line: the next post, or that nothing is scheduled.
pub fn next_post_label(next: Option<&NextPost>, now_ms: i64, tz: Tz) -> String {
    match next {
        None => "Nothing scheduled".into(),
        Some(n) => {
            let text = excerpt(&n.excerpt, 40);
            let text = if text.is_empty() {
                "(no text)".to_string()
            } else {
                text
            };
            format!("Next: {} — {text}", when_label(n.due_at, now_ms, tz))
        }
    }
}

/// The tray menu item that pauses or resumes publishing.
pub fn pause_label(paused: bool) -> &'static str {
    if paused {
        "Resume publishing"
    } else {
        "Pause publishing"
    }
}

/// What the scheduler is doing, in one line (tray tooltip, Settings' status line).
pub fn status_line(
    state: &HostState,
    paused: bool,
    next: Option<&NextPost>,
    now_ms: i64,
    tz: Tz,
) -> String {
    match state {
        HostState::Elsewhere { .. } => {
            "Publishing is handled by another Outpost process (outpost run)".into()
        }
        HostState::Failed { .. } => "Publishing stopped after an error; retrying".into(),
        HostState::Starting => "Starting the scheduler…".into(),
        HostState::Stopped => "Publishing stopped".into(),
        HostState::Running if paused => "Publishing paused".into(),
        HostState::Running => match next {
            None => "Running — nothing scheduled".into(),
            Some(n) => format!("Running — next post {}", when_label(n.due_at, now_ms, tz)),
        },
    }
}

/// The tray icon's tooltip.
pub fn tooltip(
    state: &HostState,
    paused: bool,
    next: Option<&NextPost>,
    now_ms: i64,
    tz: Tz,
) -> String {
    let status = status_line(state, paused, next, now_ms, tz);
    match (state, next) {
        (HostState::Running, Some(n)) if !paused => {
            format!("Outpost — {status}: {}", excerpt(&n.excerpt, 40))
        }
        _ => format!("Outpost — {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERLIN: Tz = chrono_tz::Europe::Berlin;
    // 2026-12-03 10:00 in Berlin (UTC+1).
    const NOW: i64 = 1_796_288_400_000;
    const HOUR: i64 = 3_600_000;

    fn ctx<'a>(text: &'a str) -> JobContext<'a> {
        JobContext {
            platform: "X",
            channel: "Ada Lovelace",
            text,
        }
    }

    fn next(due_at: i64, text: &str) -> NextPost {
        NextPost {
            post_id: "p".into(),
            due_at,
            excerpt: text.into(),
            channels: 1,
        }
    }

    #[test]
    fn now_is_what_the_tests_think() {
        let t = BERLIN
            .timestamp_millis_opt(NOW)
            .single()
            .map(|t| t.to_rfc3339());
        assert_eq!(t.as_deref(), Some("2026-12-03T10:00:00+01:00"));
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt("Hello\n\n  world", 48), "Hello world");
        assert_eq!(
            excerpt("The quick brown fox jumps over the lazy dog", 20),
            "The quick brown fox…"
        );
        assert_eq!(
            excerpt("Supercalifragilisticexpialidocious", 10),
            "Supercali…"
        );
        assert!(excerpt(&"é".repeat(100), 48).chars().count() <= 48);
        assert_eq!(excerpt("   ", 10), "");
        assert_eq!(
            excerpt("The quick brown fox jumps over the lazy dog", 22),
            "The quick brown fox…"
        );
    }

    #[test]
    fn published_names_the_platform_and_the_post_but_never_the_url() {
        let n = job_notice(
            NoticeKind::Published,
            &ctx("Launch day! Our new app is out"),
            Some("https://x.com/ada/status/123?token=abc"),
        );
        assert_eq!(n.title, "Published to X: “Launch day! Our new app is out”");
        assert_eq!(n.body, "Posted on X (Ada Lovelace).");
        assert!(!n.title.contains("http") && !n.body.contains("http"));
    }

    #[test]
    fn a_failed_first_comment_says_the_post_is_live_and_what_to_do() {
        assert_eq!(
            NoticeKind::from_state("comment_failed"),
            Some(NoticeKind::CommentFailed)
        );
        let n = job_notice(
            NoticeKind::CommentFailed,
            &ctx("Launch day"),
            Some("https://x.com/ada/status/1 rate limited"),
        );
        assert_eq!(
            n.title,
            "Published to X; first comment failed: “Launch day”"
        );
        assert_eq!(
            n.body,
            "The post is live on X (Ada Lovelace), its first comment is not. Open Outpost to retry or dismiss the comment."
        );
    }

    #[test]
    fn held_starts_with_the_reason() {
        let n = job_notice(
            NoticeKind::Held,
            &ctx("Morning post"),
            Some("it was due 2 hours ago, while Outpost was not running"),
        );
        assert_eq!(
            n.title,
            "Held: it was due 2 hours ago, while Outpost was not running"
        );
        assert_eq!(
            n.body,
            "“Morning post” on X (Ada Lovelace) waits until you act in Outpost."
        );
        let n = job_notice(NoticeKind::Held, &ctx("Morning post"), None);
        assert_eq!(n.title, "Held: waiting for you");
    }

    #[test]
    fn failed_and_unconfirmed_say_what_to_do() {
        let n = job_notice(
            NoticeKind::Failed,
            &ctx("Hi"),
            Some("X refused the post: duplicate content"),
        );
        assert_eq!(n.title, "Not published to X: “Hi”");
        assert_eq!(
            n.body,
            "X refused the post: duplicate content. Open Outpost to retry."
        );
        let n = job_notice(NoticeKind::Unconfirmed, &ctx("Hi"), Some("timeout"));
        assert_eq!(n.title, "Check X: “Hi” may not be out");
        assert!(n.body.contains("could not confirm"));
    }

    #[test]
    fn long_reasons_and_posts_are_cut() {
        let long = "word ".repeat(100);
        let n = job_notice(NoticeKind::Held, &ctx(&long), Some(&long));
        assert!(n.title.chars().count() <= "Held: ".len() + 120);
        assert!(n.body.contains('…'));
        let n = job_notice(NoticeKind::Published, &ctx(""), None);
        assert_eq!(n.title, "Published to X: (a post without text)");
    }

    #[test]
    fn only_final_states_notify() {
        for s in ["published", "failed", "unconfirmed", "held"] {
            assert!(NoticeKind::from_state(s).is_some(), "{s}");
        }
        for s in ["scheduled", "publishing", "cancelled", ""] {
            assert!(NoticeKind::from_state(s).is_none(), "{s}");
        }
    }

    #[test]
    fn when_labels_are_relative_to_today_in_the_zone() {
        assert_eq!(when_label(NOW + 2 * HOUR, NOW, BERLIN), "Today 12:00");
        assert_eq!(when_label(NOW + 24 * HOUR, NOW, BERLIN), "Tomorrow 10:00");
        assert_eq!(
            when_label(NOW + 4 * 24 * HOUR, NOW, BERLIN),
            "Mon 7 Dec 10:00"
        );
        assert_eq!(
            when_label(NOW + 40 * 24 * HOUR, NOW, BERLIN),
            "12 Jan 2027 10:00"
        );
        assert_eq!(when_label(NOW - 24 * HOUR, NOW, BERLIN), "2 Dec 10:00");
        // 23:30 UTC is already tomorrow in Berlin.
        let late = NOW + 14 * HOUR + 30 * 60_000;
        assert_eq!(when_label(late, NOW, BERLIN), "Tomorrow 00:30");
        assert_eq!(when_label(late, NOW, chrono_tz::UTC), "Today 23:30");
    }

    #[test]
    fn tray_labels() {
        assert_eq!(next_post_label(None, NOW, BERLIN), "Nothing scheduled");
        let n = next(NOW + HOUR, "Big news\nfor everyone");
        assert_eq!(
            next_post_label(Some(&n), NOW, BERLIN),
            "Next: Today 11:00 — Big news for everyone"
        );
        assert_eq!(pause_label(false), "Pause publishing");
        assert_eq!(pause_label(true), "Resume publishing");
    }

    #[test]
    fn status_lines_and_tooltips() {
        let n = next(NOW + HOUR, "Big news");
        let running = HostState::Running;
        assert_eq!(
            status_line(&running, false, Some(&n), NOW, BERLIN),
            "Running — next post Today 11:00"
        );
        assert_eq!(
            tooltip(&running, false, Some(&n), NOW, BERLIN),
            "Outpost — Running — next post Today 11:00: Big news"
        );
        assert_eq!(
            status_line(&running, false, None, NOW, BERLIN),
            "Running — nothing scheduled"
        );
        assert_eq!(
            tooltip(&running, true, Some(&n), NOW, BERLIN),
            "Outpost — Publishing paused"
        );
        let elsewhere = HostState::Elsewhere {
            owner: "pid 7 (outpost)".into(),
        };
        assert_eq!(
            status_line(&elsewhere, false, Some(&n), NOW, BERLIN),
            "Publishing is handled by another Outpost process (outpost run)"
        );
    }
}
