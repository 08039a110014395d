//! Only one scheduler may publish from a data directory: the desktop app and `outpost run` take an
//! exclusive lock on `<data dir>/scheduler.lock` (released by the OS when the process dies, even
//! on SIGKILL), so they never both publish.

use std::fs::File;
use std::io::{Read, Seek, Write};

use fs2::FileExt;

use crate::{Error, Paths, Result};

/// Held while this process owns the scheduler of a data directory.
#[derive(Debug)]
pub struct SchedulerLock {
    _file: File,
}

impl SchedulerLock {
    pub fn acquire(paths: &Paths) -> Result<SchedulerLock> {
        let path = paths.data_dir().join("scheduler.lock");
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        if file.try_lock_exclusive().is_err() {
            let mut owner = String::new();
            let _ = file.read_to_string(&mut owner);
            let owner = owner.trim();
            return Err(Error::SchedulerBusy(if owner.is_empty() {
                "another Outpost process is already publishing from this data directory".into()
            } else {
                format!(
                    "another Outpost process ({owner}) is already publishing from this data directory"
                )
            }));
        }
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(
            file,
            "pid {} ({})",
            std::process::id(),
            std::env::args()
                .next()
                .unwrap_or_default()
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("outpost")
        );
        let _ = file.flush();
        Ok(SchedulerLock { _file: file })
    }
}
