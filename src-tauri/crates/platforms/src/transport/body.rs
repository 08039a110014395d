//! Request bodies streamed from disk (whole files or byte ranges) and upload progress.

use std::io::SeekFrom;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use outpost_net::reqwest;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::error::{Error, Result};

/// Upload progress: bytes sent so far and the total of this post's media.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// Progress over all of a post's media: what earlier files sent, reported as each one finishes.
pub(crate) struct Meter<'a> {
    pub sent: u64,
    pub total: u64,
    pub progress: Progress<'a>,
}

impl<'a> Meter<'a> {
    pub fn new(total: u64, progress: Progress<'a>) -> Self {
        Meter {
            sent: 0,
            total,
            progress,
        }
    }

    /// `n` more bytes are sent; reports the new position.
    pub fn add(&mut self, n: u64) {
        self.sent += n;
        (self.progress)(self.sent, self.total);
    }
}

/// `len` bytes of `path` from `start`, streamed from disk in 64 KiB reads; `counter` counts the
/// bytes handed to the connection.
pub(crate) async fn range_body(
    path: &Path,
    start: u64,
    len: u64,
    counter: Arc<AtomicU64>,
) -> Result<reqwest::Body> {
    Ok(reqwest::Body::wrap_stream(
        range_stream(path, start, len, counter).await?,
    ))
}

/// The stream behind [`range_body`] (for bodies that frame the file, such as multipart).
pub(crate) async fn range_stream(
    path: &Path,
    start: u64,
    len: u64,
    counter: Arc<AtomicU64>,
) -> Result<
    impl futures_util::Stream<Item = std::io::Result<tokio_util::bytes::Bytes>> + Send + 'static,
> {
    let name = path.display().to_string();
    let unreadable = |e: std::io::Error| Error::Config(format!("{name}: cannot be read ({e})"));
    let mut f = tokio::fs::File::open(path).await.map_err(unreadable)?;
    f.seek(SeekFrom::Start(start)).await.map_err(unreadable)?;
    Ok(
        tokio_util::io::ReaderStream::with_capacity(f.take(len), 64 * 1024).map(move |r| {
            if let Ok(b) = &r {
                counter.fetch_add(b.len() as u64, Ordering::Relaxed);
            }
            r
        }),
    )
}

/// Runs `fut` (a request streaming a body) and reports `base + counter` every 100 ms.
pub(crate) async fn with_progress<F: std::future::Future>(
    fut: F,
    counter: &AtomicU64,
    base: u64,
    total: u64,
    progress: Progress<'_>,
) -> F::Output {
    tokio::pin!(fut);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            out = &mut fut => {
                progress((base + counter.load(Ordering::Relaxed)).min(total), total);
                return out;
            }
            _ = tick.tick() => progress((base + counter.load(Ordering::Relaxed)).min(total), total),
        }
    }
}

/// The `multipart/form-data` framing around one file: the text `fields` and the file part's
/// headers (everything before the file's bytes), and the closing boundary. Field names and the
/// file name are made safe for the quoted header; values go as they are.
pub(crate) fn multipart_frame<K: AsRef<str>, V: AsRef<str>>(
    boundary: &str,
    fields: &[(K, V)],
    file_field: &str,
    filename: &str,
    mime: &str,
) -> (String, String) {
    let mut head = String::new();
    for (k, v) in fields {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{}\r\n",
            k.as_ref().replace(['"', '\r', '\n'], "_"),
            v.as_ref()
        ));
    }
    let filename: String = filename
        .chars()
        .map(|c| {
            if c.is_control() || c == '"' || c == '\\' {
                '_'
            } else {
                c
            }
        })
        .collect();
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
    ));
    (head, format!("\r\n--{boundary}--\r\n"))
}
