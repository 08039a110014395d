//! Opening the authorization URL: the system browser, or the `OUTPOST_BROWSER` command (it gets
//! the URL as its last argument) — never a webview (RFC 8252 §8.12).

/// Opens a URL for the user.
pub trait Browser: Send + Sync + std::fmt::Debug {
    /// Opens `url`; an error says why (the UI then offers the URL to copy).
    fn open(&self, url: &str) -> crate::Result<()>;
}

/// `OUTPOST_BROWSER` when set, else the operating system's default browser.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBrowser;

/// The environment variable naming a browser command.
pub const BROWSER_ENV: &str = "OUTPOST_BROWSER";

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> crate::Result<()> {
        let fail = crate::Error::BrowserNotOpened;
        match std::env::var(BROWSER_ENV) {
            Ok(cmd) if !cmd.trim().is_empty() => {
                let mut parts = shell_words::split(&cmd)
                    .map_err(|_| fail(format!("{BROWSER_ENV} is not a valid command line")))?;
                if parts.is_empty() {
                    return Err(fail(format!("{BROWSER_ENV} is empty")));
                }
                let program = parts.remove(0);
                std::process::Command::new(&program)
                    .args(parts)
                    .arg(url)
                    .stdin(std::process::Stdio::null())
                    .spawn()
                    .map(|mut child| {
                        // Reap it when it ends so no zombie is left behind.
                        std::thread::spawn(move || child.wait());
                    })
                    .map_err(|e| fail(format!("{BROWSER_ENV} ({program}) could not start: {e}")))
            }
            _ => opener::open_browser(url)
                .map_err(|e| fail(format!("no browser could be opened: {e}"))),
        }
    }
}
