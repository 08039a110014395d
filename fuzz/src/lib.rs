//! Shared pieces of the fuzz targets: a runtime, a throw-away profile, a scratch file, and the
//! scripted HTTP server the platform clients talk to (`platform_answers`).

pub mod server;

use std::path::{Path, PathBuf};

use outpost_app::{OpenOptions, Outpost, Paths, Secret};

/// A single-threaded runtime (one exec at a time; nothing runs in the background between execs).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A profile in a fresh temporary folder, its vault in passphrase mode (no keychain involved) and
/// no endpoint overrides from the environment.
pub async fn profile(dir: &Path) -> Outpost {
    let paths = Paths::resolve(Some(dir.to_path_buf())).expect("profile paths");
    let mut o = OpenOptions::new(paths);
    o.keychain_service = "app.outpost.fuzz".into();
    o.passphrase = Some(Secret::new("fuzz passphrase".to_string()));
    o.endpoints = Some(outpost_platforms::Endpoints::default());
    Outpost::open(o).await.expect("a fresh profile opens")
}

/// A file the target rewrites with each input (the parsers under test read files by path).
#[derive(Debug)]
pub struct Scratch {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        // In memory where the system has it: one file write per input.
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        }
        .expect("a temporary folder");
        let path = dir.path().join(name);
        Scratch { _dir: dir, path }
    }

    pub fn write(&self, data: &[u8]) -> &Path {
        std::fs::write(&self.path, data).expect("the scratch file is written");
        &self.path
    }
}

thread_local! {
    static ATTACHMENT: Scratch = Scratch::new("attachment");
}

/// `MediaFile::inspect` on `data` as a file (targets `media_image` and `media_mp4`).
pub fn inspect_media(data: &[u8]) {
    use outpost_platforms::post::media::{MediaFile, MediaKind};
    ATTACHMENT.with(|f| {
        let path = f.write(data);
        if let Ok(m) = MediaFile::inspect(path, None) {
            assert_eq!(m.bytes, data.len() as u64);
            assert_eq!(m.kind == MediaKind::Video, m.mime.starts_with("video/"));
        }
    });
}
