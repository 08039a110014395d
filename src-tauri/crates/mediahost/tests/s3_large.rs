//! Large files are streamed from disk (single PUT and multipart), never loaded whole: the
//! process's peak memory grows far less than the file size. Its own test binary, so no other
//! test's allocations count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::time::Duration;

use outpost_net::reqwest;
use sha2::{Digest, Sha256};
use support::s3;

const MIB: u64 = 1024 * 1024;

/// Peak resident memory of this process (VmHWM), bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

fn write_file(path: &std::path::Path, len: u64) -> [u8; 32] {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut hash = Sha256::new();
    let mut chunk = vec![0u8; MIB as usize];
    let mut written = 0u64;
    let mut n = 0u8;
    while written < len {
        chunk
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = (i as u8) ^ n);
        n = n.wrapping_add(1);
        let take = (len - written).min(MIB) as usize;
        f.write_all(&chunk[..take]).unwrap();
        hash.update(&chunk[..take]);
        written += take as u64;
    }
    f.flush().unwrap();
    hash.finalize().into()
}

async fn fetch_hash(url: &str) -> (u64, [u8; 32], String) {
    let mut r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    let mut hash = Sha256::new();
    let mut len = 0u64;
    while let Some(c) = r.chunk().await.unwrap() {
        len += c.len() as u64;
        hash.update(&c);
    }
    (len, hash.finalize().into(), ct)
}

#[tokio::test]
async fn large_files_stream_from_disk() {
    let Some(server) = s3() else { return };
    let host = server.host();
    let dir = tempfile::tempdir().unwrap();
    // Single PUT (below the 64 MiB multipart threshold) and multipart (above it: 16 MiB parts).
    let single = dir.path().join("single.mp4");
    let multi = dir.path().join("multi.mp4");
    let single_hash = write_file(&single, 40 * MIB + 7);
    let multi_hash = write_file(&multi, 64 * MIB + 123);
    let before = peak_rss();

    for (path, len, hash) in [
        (&single, 40 * MIB + 7, single_hash),
        (&multi, 64 * MIB + 123, multi_hash),
    ] {
        let hosted = host
            .put_file(path, "video/mp4", Duration::from_secs(600))
            .await
            .unwrap();
        assert!(hosted.key.ends_with(".mp4"));
        let (got_len, got_hash, ct) = fetch_hash(&hosted.url).await;
        assert_eq!(got_len, len);
        assert_eq!(got_hash, hash, "the exact bytes");
        assert_eq!(ct, "video/mp4");
        host.remove_key(&hosted.key).await.unwrap();
    }
    let grew = peak_rss().saturating_sub(before);
    assert!(
        grew < 24 * MIB,
        "peak memory grew by {} MiB while uploading 104 MiB",
        grew / MIB
    );
    assert!(host.list().await.unwrap().is_empty());
}
