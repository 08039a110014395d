//! The export archive, imported: any zip a user picks is read into an empty profile (all or
//! nothing). A refused archive must leave the profile empty; an accepted one is replaced by a fresh
//! profile for the next input.
//!
//! `OUTPOST_FUZZ_WRITE_SEED=<file>` writes a real export of the demo workspace there first (the
//! seed corpus' archive, `fuzz/run seeds`).
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use outpost_app::Outpost;
use outpost_app::data::ImportOptions;
use outpost_fuzz::{Scratch, profile, runtime};

struct Fixture {
    rt: tokio::runtime::Runtime,
    current: RefCell<(Outpost, tempfile::TempDir)>,
    file: Scratch,
}

fn fresh(rt: &tokio::runtime::Runtime) -> (Outpost, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let o = rt.block_on(profile(dir.path()));
    (o, dir)
}

/// A real export of the demo workspace (channels, posts in every status, media, tags, campaigns).
async fn write_seed(o: &Outpost, out: &std::path::Path) {
    o.seed_demo(1).await.expect("the demo workspace");
    o.export_archive(out, None).await.expect("an export");
}

thread_local! {
    static FIXTURE: Fixture = {
        let rt = runtime();
        if let Ok(seed) = std::env::var("OUTPOST_FUZZ_WRITE_SEED") {
            let (o, _dir) = fresh(&rt);
            rt.block_on(write_seed(&o, std::path::Path::new(&seed)));
        }
        let current = RefCell::new(fresh(&rt));
        Fixture { rt, current, file: Scratch::new("export.zip") }
    };
}

fuzz_target!(|data: &[u8]| {
    FIXTURE.with(|f| {
        let path = f.file.write(data);
        let imported = {
            let cur = f.current.borrow();
            f.rt.block_on(cur.0.import_archive(path, &ImportOptions::default(), None))
        };
        match imported {
            Ok(_) => *f.current.borrow_mut() = fresh(&f.rt),
            // Only an accepted archive may leave anything behind (all or nothing).
            Err(outpost_app::Error::ProfileNotEmpty { detail }) => {
                panic!("a refused import left data behind: {detail}")
            }
            Err(_) => {}
        }
    });
});
