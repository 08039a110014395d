//! CSV import of posts: the preview (every row parsed and checked against a profile with the demo
//! workspace's channels, nothing written) of any file a user picks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outpost_app::Outpost;
use outpost_fuzz::{Scratch, profile, runtime};

struct Fixture {
    rt: tokio::runtime::Runtime,
    outpost: Outpost,
    file: Scratch,
    _dir: tempfile::TempDir,
}

thread_local! {
    static FIXTURE: Fixture = {
        let rt = runtime();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let outpost = rt.block_on(async {
            let o = profile(dir.path()).await;
            o.seed_demo(3).await.expect("the demo workspace");
            o
        });
        Fixture { rt, outpost, file: Scratch::new("posts.csv"), _dir: dir }
    };
}

fuzz_target!(|data: &[u8]| {
    FIXTURE.with(|f| {
        let path = f.file.write(data);
        let preview =
            f.rt.block_on(f.outpost.preview_csv(path))
                .expect("a preview never fails on file content");
        assert_eq!(
            preview.total_rows,
            preview.valid_rows + preview.invalid_rows,
            "{preview:?}"
        );
    });
});
