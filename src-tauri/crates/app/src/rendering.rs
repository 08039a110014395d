//! How the desktop app's web view draws on this machine (issue #21).
//!
//! On Linux, WebKitGTK composites the page with OpenGL. On a machine without a GPU (a virtual
//! machine, a remote desktop, Xvfb) that OpenGL is Mesa's software renderer, and compositing
//! through it costs both time and memory for nothing: measured (README "Drawing without a GPU": 2
//! cores, Xvfb, 10,000 posts, the same build taking turns), with compositing off the month view
//! opened in 0.63× the time, the board in 0.49×, Analytics in 0.50×, and WebKit's web process held
//! about 130 MB less for the same page. So where no GPU
//! render node exists (`/dev/dri/renderD*`), the app turns WebKit's accelerated compositing off
//! (`WEBKIT_DISABLE_COMPOSITING_MODE`, WebKit's documented switch) before anything of GTK or
//! WebKit starts. `OUTPOST_HARDWARE_ACCELERATION` overrides the choice: `auto` (the default),
//! `on` (WebKit decides, as it would without Outpost) or `off`. A `WEBKIT_DISABLE_COMPOSITING_MODE`
//! the user set themselves is left as it is. macOS and Windows draw with their own web views and
//! are not affected.

use std::path::Path;

/// The environment variable that overrides the choice.
pub const SETTING_ENV: &str = "OUTPOST_HARDWARE_ACCELERATION";
/// WebKitGTK's own switch (read when its first web view is made).
pub const WEBKIT_ENV: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// `OUTPOST_HARDWARE_ACCELERATION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceleration {
    /// Off where no GPU render node exists, WebKit's default elsewhere.
    Auto,
    /// WebKit decides (its default).
    On,
    /// Compositing off.
    Off,
}

/// What the desktop app does about compositing, and why (for the log, Settings → About and
/// `outpost doctor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendering {
    /// Whether the app sets `WEBKIT_DISABLE_COMPOSITING_MODE=1` for its web view.
    pub disable_compositing: bool,
    /// One sentence for people.
    pub detail: String,
    /// A value of `OUTPOST_HARDWARE_ACCELERATION` that is not `auto`, `on` or `off` (then `auto`
    /// is used).
    pub problem: Option<String>,
}

/// Reads `OUTPOST_HARDWARE_ACCELERATION` (unset or empty: `auto`); anything else is
/// [`Error::InvalidInput`](crate::Error::InvalidInput).
pub fn parse(value: Option<&str>) -> crate::Result<Acceleration> {
    match value.map(str::trim).map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("auto") => Ok(Acceleration::Auto),
        Some("on") => Ok(Acceleration::On),
        Some("off") => Ok(Acceleration::Off),
        Some(_) => Err(crate::Error::InvalidInput(format!(
            "{SETTING_ENV} is {:?}: it takes auto, on or off; auto is used",
            value.unwrap_or_default()
        ))),
    }
}

/// Whether `dri` (normally `/dev/dri`) holds a GPU render node (`renderD128`, ...).
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// The choice from the setting's value, the user's own `WEBKIT_DISABLE_COMPOSITING_MODE` and
/// whether a GPU render node exists. Pure: see [`for_this_machine`].
pub fn decide(setting: Option<&str>, webkit_env: Option<&str>, render_node: bool) -> Rendering {
    let (acceleration, problem) = match parse(setting) {
        Ok(a) => (a, None),
        Err(p) => (Acceleration::Auto, Some(p.to_string())),
    };
    let (disable_compositing, detail) = if let Some(v) = webkit_env {
        (
            false,
            format!("{WEBKIT_ENV}={v} set in the environment: WebKit follows it"),
        )
    } else {
        match acceleration {
            Acceleration::On => (false, format!("WebKit's default ({SETTING_ENV}=on)")),
            Acceleration::Off => (true, format!("compositing off ({SETTING_ENV}=off)")),
            Acceleration::Auto if !render_node => (
                true,
                "compositing off: no GPU render node in /dev/dri, so OpenGL would be software"
                    .to_string(),
            ),
            Acceleration::Auto => (
                false,
                "WebKit's default: a GPU render node is present".to_string(),
            ),
        }
    };
    Rendering {
        disable_compositing,
        detail,
        problem,
    }
}

/// The choice on this machine, made once a process from its environment at the first call (the
/// desktop app makes it first thing, then sets WebKit's switch itself; later calls, such as Settings
/// → About's, give the same answer). Linux only; elsewhere the platform's web view draws as always.
pub fn for_this_machine() -> Rendering {
    static CHOSEN: std::sync::OnceLock<Rendering> = std::sync::OnceLock::new();
    CHOSEN.get_or_init(choose).clone()
}

fn choose() -> Rendering {
    if !cfg!(target_os = "linux") {
        return Rendering {
            disable_compositing: false,
            detail: "the platform's web view (not WebKitGTK)".to_string(),
            problem: None,
        };
    }
    let setting = std::env::var(SETTING_ENV).ok();
    let webkit = std::env::var(WEBKIT_ENV).ok();
    decide(
        setting.as_deref(),
        webkit.as_deref(),
        has_render_node(Path::new("/dev/dri")),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_setting_and_refuses_anything_else_clearly() {
        assert_eq!(parse(None).ok(), Some(Acceleration::Auto));
        assert_eq!(parse(Some("")).ok(), Some(Acceleration::Auto));
        assert_eq!(parse(Some(" Auto ")).ok(), Some(Acceleration::Auto));
        assert_eq!(parse(Some("on")).ok(), Some(Acceleration::On));
        assert_eq!(parse(Some("OFF")).ok(), Some(Acceleration::Off));
        let err = parse(Some("gpu")).unwrap_err().to_string();
        assert!(
            err.contains("OUTPOST_HARDWARE_ACCELERATION is \"gpu\""),
            "{err}"
        );
        assert!(err.contains("auto, on or off"), "{err}");
    }

    #[test]
    fn compositing_is_off_only_without_a_render_node_or_when_asked() {
        assert!(decide(None, None, false).disable_compositing);
        assert!(!decide(None, None, true).disable_compositing);
        assert!(!decide(Some("on"), None, false).disable_compositing);
        assert!(decide(Some("off"), None, true).disable_compositing);
        // The user's own WebKit switch wins, whatever its value.
        assert!(!decide(Some("off"), Some("0"), false).disable_compositing);
        assert!(
            decide(None, Some("1"), false)
                .detail
                .contains("WEBKIT_DISABLE_COMPOSITING_MODE=1")
        );
        // A bad value: auto, and the problem is named.
        let bad = decide(Some("fast"), None, false);
        assert!(bad.disable_compositing);
        assert!(bad.problem.unwrap().contains("\"fast\""));
        assert!(decide(None, None, false).problem.is_none());
    }

    #[test]
    fn finds_render_nodes_in_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()));
    }
}
