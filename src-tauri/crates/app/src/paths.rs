//! Where Outpost keeps its state. One data directory holds everything: the database, the vault
//! metadata, media files and logs. The desktop app and the CLI share it.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The bundle identifier; also the keychain service name and the deep-link scheme.
pub const APP_IDENTIFIER: &str = "app.outpost.desktop";
/// Environment variable that selects the data directory (the `--data-dir` flag wins over it).
pub const DATA_DIR_ENV: &str = "OUTPOST_DATA_DIR";

pub const DATABASE_FILE: &str = "outpost.sqlite3";
pub const LOGS_DIR: &str = "logs";
pub const MEDIA_DIR: &str = "media";

#[derive(Debug, Clone)]
pub struct Paths {
    data_dir: PathBuf,
}

impl Paths {
    /// The OS application-data directory for Outpost, the same one Tauri's `app_data_dir()` gives:
    /// `$XDG_DATA_HOME/app.outpost.desktop` on Linux, `~/Library/Application Support/app.outpost.desktop`
    /// on macOS, `%APPDATA%\app.outpost.desktop` on Windows.
    pub fn default_data_dir() -> Result<PathBuf> {
        directories::BaseDirs::new()
            .map(|b| b.data_dir().join(APP_IDENTIFIER))
            .ok_or_else(|| Error::DataDir {
                path: "(home directory)".into(),
                reason: "the home directory could not be determined; set OUTPOST_DATA_DIR".into(),
            })
    }

    /// Resolves the data directory: an explicit choice (flag or `OUTPOST_DATA_DIR`, already merged
    /// by the front-end), else the OS default. Relative paths are made absolute.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Paths> {
        let dir = match explicit {
            Some(p) if p.as_os_str().is_empty() => {
                return Err(Error::DataDir {
                    path: String::new(),
                    reason: "an empty path was given".into(),
                });
            }
            Some(p) => p,
            None => Self::default_data_dir()?,
        };
        let dir = if dir.is_absolute() {
            dir
        } else {
            std::env::current_dir()
                .map_err(|e| Error::io("reading the current directory", e))?
                .join(dir)
        };
        Ok(Paths { data_dir: dir })
    }

    /// For front-ends without a flag parser (the desktop app, whose other arguments are deep links):
    /// `--data-dir DIR` or `--data-dir=DIR` among `args` wins, then `OUTPOST_DATA_DIR`, then the default.
    pub fn from_args_and_env<I>(args: I) -> Result<Paths>
    where
        I: IntoIterator<Item = std::ffi::OsString>,
    {
        let mut args = args.into_iter();
        let mut chosen = None;
        while let Some(arg) = args.next() {
            if arg == "--data-dir" {
                chosen = args.next().map(PathBuf::from);
                if chosen.is_none() {
                    return Err(Error::DataDir {
                        path: String::new(),
                        reason: "--data-dir needs a directory".into(),
                    });
                }
            } else if let Some(v) = arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
                chosen = Some(PathBuf::from(v));
            }
        }
        Self::resolve(chosen.or_else(|| std::env::var_os(DATA_DIR_ENV).map(PathBuf::from)))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
    pub fn database(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }
    pub fn logs_dir(&self) -> PathBuf {
        self.data_dir.join(LOGS_DIR)
    }
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join(MEDIA_DIR)
    }

    /// Creates the data directory (and its sub-folders) if needed and proves it is writable,
    /// without touching any existing file.
    pub fn ensure(&self) -> Result<()> {
        let fail = |reason: String| Error::DataDir {
            path: self.data_dir.display().to_string(),
            reason,
        };
        if self.data_dir.exists() && !self.data_dir.is_dir() {
            return Err(fail("it exists but is not a directory".into()));
        }
        for dir in [self.data_dir.clone(), self.logs_dir(), self.media_dir()] {
            std::fs::create_dir_all(&dir).map_err(|e| fail(describe_io(&e)))?;
        }
        // Prove writability with a probe file that is removed at once.
        let probe = self
            .data_dir
            .join(format!(".write-probe-{}", std::process::id()));
        std::fs::write(&probe, b"").map_err(|e| fail(describe_io(&e)))?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "permission denied (it is not writable by you)".into()
        }
        std::io::ErrorKind::ReadOnlyFilesystem => "it is on a read-only file system".into(),
        std::io::ErrorKind::StorageFull => "the disk is full".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn explicit_dir_wins_and_is_absolute() {
        let p = Paths::resolve(Some(PathBuf::from("rel/dir"))).unwrap();
        assert!(p.data_dir().is_absolute());
        assert!(p.data_dir().ends_with("rel/dir"));
        assert_eq!(p.database().file_name().unwrap(), DATABASE_FILE);
    }

    #[test]
    fn data_dir_flag_in_desktop_arguments() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let p = Paths::from_args_and_env(args(&[
            "app",
            "--data-dir",
            "/tmp/a",
            "app.outpost.desktop://open/board",
        ]))
        .unwrap();
        assert_eq!(p.data_dir(), Path::new("/tmp/a"));
        let p = Paths::from_args_and_env(args(&["app", "--data-dir=/tmp/b"])).unwrap();
        assert_eq!(p.data_dir(), Path::new("/tmp/b"));
        assert!(Paths::from_args_and_env(args(&["app", "--data-dir"])).is_err());
    }

    #[test]
    fn empty_path_is_rejected() {
        assert!(Paths::resolve(Some(PathBuf::new())).is_err());
    }

    #[test]
    fn ensure_creates_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let p = Paths::resolve(Some(tmp.path().join("a/b"))).unwrap();
        p.ensure().unwrap();
        assert!(p.logs_dir().is_dir());
        assert!(p.media_dir().is_dir());
    }

    #[test]
    fn a_file_in_place_of_the_dir_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("file");
        std::fs::write(&f, b"x").unwrap();
        let err = Paths::resolve(Some(f.clone()))
            .unwrap()
            .ensure()
            .unwrap_err();
        assert!(err.to_string().contains("not a directory"), "{err}");
        assert_eq!(std::fs::read(&f).unwrap(), b"x");
    }

    /// `/proc` refuses new directories even for root, so this holds on every Linux CI machine.
    #[cfg(target_os = "linux")]
    #[test]
    fn unwritable_location_is_a_clear_error() {
        let err = Paths::resolve(Some(PathBuf::from("/proc/outpost-data")))
            .unwrap()
            .ensure()
            .unwrap_err();
        assert!(matches!(err, Error::DataDir { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("The data directory /proc/outpost-data is not usable"),
            "{err}"
        );
    }
}
