//! The S3-compatible media host. Requests are presigned with `rusty-s3` (SigV4, sans-IO) and sent
//! through Outpost's [`HttpClient`], so each one is in the activity log (as `media_host`, host and
//! path only). Uploads stream from disk: one presigned PUT up to the multipart threshold, then a
//! multipart upload whose parts are streamed one after another; nothing is loaded whole.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use outpost_net::HttpClient;
use outpost_net::reqwest::{self, Body, Response, header};
use outpost_platforms::publish::{HostedMedia, MediaFile, MediaHost};
use outpost_vault::Secret;
use rusty_s3::actions::{CompleteMultipartUploadResponse, CreateMultipartUpload, ListObjectsV2};
use rusty_s3::{Bucket, Credentials, S3Action};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::config::{MediaHostConfig, PREFIX};
use crate::error::{MediaHostError, Result, from_status};

/// The activity log's name for these requests.
const ACTIVITY: &str = "media_host";
/// How long a presigned write/list/delete URL is valid (it is used at once).
const SIGN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// S3 accepts presigned URLs valid for at most 7 days.
const MAX_GET_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
const MIN_GET_TTL: Duration = Duration::from_secs(60);
/// A single upload request may take this long (a large video on a slow uplink).
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// Files above this size go up as a multipart upload.
pub const DEFAULT_MULTIPART_THRESHOLD: u64 = 64 * 1024 * 1024;
pub const DEFAULT_PART_SIZE: u64 = 16 * 1024 * 1024;
/// S3's smallest part (except the last).
const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
/// The largest error body read from the service.
const MAX_ERROR_BODY: usize = 64 * 1024;
const READ_BUFFER: usize = 64 * 1024;

/// A step of [`S3Host::test_connection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TestStep {
    /// Writing a small object to the bucket.
    Upload,
    /// Fetching it back through the URL platforms would get (presigned or public base URL).
    Fetch,
    /// Deleting it.
    Delete,
    /// Listing Outpost's prefix (needed to sweep leftovers).
    List,
}

impl TestStep {
    pub fn label(self) -> &'static str {
        match self {
            TestStep::Upload => "Uploading a test file",
            TestStep::Fetch => "Fetching it through its URL",
            TestStep::Delete => "Deleting it",
            TestStep::List => "Listing Outpost's temporary files",
        }
    }
}

/// Which step of a connection test failed, and why.
#[derive(Debug, thiserror::Error)]
#[error("{} failed: {error}", step.label())]
pub struct TestFailure {
    pub step: TestStep,
    #[source]
    pub error: MediaHostError,
}

/// What [`S3Host::sweep`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SweepReport {
    pub removed: usize,
    pub kept: usize,
}

/// The user's S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Host {
    bucket: Bucket,
    credentials: Credentials,
    public_base_url: Option<String>,
    region: String,
    http: HttpClient,
    multipart_threshold: u64,
    part_size: u64,
}

impl S3Host {
    /// A host for `config` (validated here) with the secret access key `secret`.
    pub fn new(config: &MediaHostConfig, secret: &Secret, http: HttpClient) -> Result<S3Host> {
        let config = config.validated()?;
        let s = secret.expose();
        if s.trim().is_empty() {
            return Err(MediaHostError::Config("Enter the secret access key".into()));
        }
        if s.len() > 512 || s.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(MediaHostError::Config(
                "That does not look like a secret access key (no spaces, at most 512 characters)"
                    .into(),
            ));
        }
        Ok(S3Host {
            bucket: config.bucket_url()?,
            credentials: Credentials::new(config.access_key_id.clone(), s.to_string()),
            public_base_url: config.public_base_url.clone(),
            region: config.region.clone(),
            http,
            multipart_threshold: DEFAULT_MULTIPART_THRESHOLD,
            part_size: DEFAULT_PART_SIZE,
        })
    }

    /// Uses multipart uploads above `threshold` bytes with parts of `part_size` (at least 5 MiB).
    #[must_use]
    pub fn with_multipart(mut self, threshold: u64, part_size: u64) -> Self {
        self.multipart_threshold = threshold;
        self.part_size = part_size.max(MIN_PART_SIZE);
        self
    }

    /// Uploads the file at `path` under a fresh key in `outpost-tmp/` (keeping its extension) with
    /// `content_type`, and returns its key and a GET URL valid for `ttl` (at most 7 days).
    pub async fn put_file(
        &self,
        path: &Path,
        content_type: &str,
        ttl: Duration,
    ) -> Result<HostedMedia> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let unreadable = |source| MediaHostError::File {
            name: name.clone(),
            source,
        };
        let len = tokio::fs::metadata(path).await.map_err(unreadable)?.len();
        let key = new_key(path, content_type);
        if len > self.multipart_threshold {
            self.put_multipart(&key, path, len, content_type).await?;
        } else {
            let body = file_body(path, 0, len).await.map_err(unreadable)?;
            self.put_object(&key, body, len, content_type).await?;
        }
        tracing::info!(bytes = len, "media host: file uploaded");
        Ok(HostedMedia {
            url: self.get_url(&key, ttl),
            key,
        })
    }

    /// Deletes `key` (a missing object is fine).
    pub async fn remove_key(&self, key: &str) -> Result<()> {
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), key)
            .sign(SIGN_LIFETIME);
        let response = self.send(self.http.reqwest().delete(url)).await?;
        if response.status().as_u16() == 404 {
            return Ok(());
        }
        self.check(response).await?;
        Ok(())
    }

    /// Every object under `outpost-tmp/` with its last-modified time (unix seconds, when given).
    pub async fn list(&self) -> Result<Vec<(String, Option<i64>)>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut action = self.bucket.list_objects_v2(Some(&self.credentials));
            action.with_prefix(PREFIX);
            if let Some(t) = &token {
                action.with_continuation_token(t.as_str());
            }
            let url = action.sign(SIGN_LIFETIME);
            let response = self
                .check(self.send(self.http.reqwest().get(url)).await?)
                .await?;
            let text = read_capped(response, 16 * 1024 * 1024).await?;
            let text = String::from_utf8_lossy(&text);
            let page = ListObjectsV2::parse_response(&text).map_err(|_| {
                MediaHostError::InvalidResponse("the object list is not S3 XML".into())
            })?;
            for o in page.contents {
                if o.key.starts_with(PREFIX) {
                    let at = o
                        .last_modified
                        .as_deref()
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                        .map(|t| t.timestamp());
                    out.push((o.key, at));
                }
            }
            match page.next_continuation_token {
                Some(t) if !t.is_empty() && token.as_deref() != Some(t.as_str()) => {
                    token = Some(t);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    /// Deletes the objects under `outpost-tmp/` last modified more than `older_than` ago: files a
    /// publish left behind (crash, lost connection). Objects elsewhere in the bucket are never
    /// touched; an object without a readable date is kept.
    pub async fn sweep(&self, older_than: Duration) -> Result<SweepReport> {
        let cutoff = chrono::Utc::now().timestamp()
            - i64::try_from(older_than.as_secs()).unwrap_or(i64::MAX);
        let mut report = SweepReport::default();
        for (key, at) in self.list().await? {
            if at.is_some_and(|t| t < cutoff) {
                self.remove_key(&key).await?;
                report.removed += 1;
            } else {
                report.kept += 1;
            }
        }
        if report.removed > 0 {
            tracing::info!(removed = report.removed, "media host: leftovers swept");
        }
        Ok(report)
    }

    /// Puts a tiny object, fetches it through the URL a platform would get, deletes it and lists
    /// the prefix; the first failing step is reported with its reason.
    pub async fn test_connection(&self) -> std::result::Result<(), TestFailure> {
        let fail = |step| move |error| TestFailure { step, error };
        let key = format!(
            "{PREFIX}connection-test-{:032x}.txt",
            rand::random::<u128>()
        );
        let payload = format!("Outpost media host test {key}\n").into_bytes();
        let len = payload.len() as u64;
        self.put_object(&key, Body::from(payload.clone()), len, "text/plain")
            .await
            .map_err(fail(TestStep::Upload))?;
        let fetched = self
            .fetch_check(&self.get_url(&key, MIN_GET_TTL), &payload)
            .await;
        let removed = self.remove_key(&key).await;
        fetched.map_err(fail(TestStep::Fetch))?;
        removed.map_err(fail(TestStep::Delete))?;
        self.list().await.map_err(fail(TestStep::List))?;
        Ok(())
    }

    /// The URL a platform fetches: `<public base>/<key>`, or a presigned GET valid for `ttl`.
    fn get_url(&self, key: &str, ttl: Duration) -> String {
        match &self.public_base_url {
            Some(base) => format!("{base}/{key}"),
            None => self
                .bucket
                .get_object(Some(&self.credentials), key)
                .sign(ttl.clamp(MIN_GET_TTL, MAX_GET_TTL))
                .to_string(),
        }
    }

    async fn fetch_check(&self, url: &str, expected: &[u8]) -> Result<()> {
        let not_fetchable = |reason: String| MediaHostError::UrlNotFetchable { reason };
        let request = self.http.reqwest().get(url);
        let response = match self.send(request).await {
            Ok(r) => r,
            Err(MediaHostError::Unreachable { host, kind }) => {
                return Err(not_fetchable(format!(
                    "{host} could not be reached ({kind})"
                )));
            }
            Err(e) => return Err(e),
        };
        let status = response.status().as_u16();
        let public = self.public_base_url.is_some();
        match status {
            200 => {}
            403 | 401 if public => {
                return Err(not_fetchable(
                    "access denied: the public base URL does not serve this bucket publicly (turn on public access, or leave the public base URL empty to use signed links)".into(),
                ));
            }
            404 if public => {
                return Err(not_fetchable(
                    "not found: the public base URL does not point to this bucket".into(),
                ));
            }
            s => return Err(not_fetchable(format!("the URL answered HTTP {s}"))),
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = read_capped(response, 1024 * 1024).await?;
        if body != expected {
            return Err(not_fetchable(
                "it answered with different content than was uploaded".into(),
            ));
        }
        if !content_type.starts_with("text/plain") {
            return Err(not_fetchable(format!(
                "it answered with the content type \"{}\" instead of the uploaded one",
                crate::error::clean(&content_type, 64, &[])
            )));
        }
        Ok(())
    }

    async fn put_object(&self, key: &str, body: Body, len: u64, content_type: &str) -> Result<()> {
        let mut action = self.bucket.put_object(Some(&self.credentials), key);
        action.headers_mut().insert("content-type", content_type);
        let url = action.sign(SIGN_LIFETIME);
        let request = self
            .http
            .reqwest()
            .put(url)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, len)
            .timeout(UPLOAD_TIMEOUT)
            .body(body);
        self.check(self.send(request).await?).await?;
        Ok(())
    }

    async fn put_multipart(
        &self,
        key: &str,
        path: &Path,
        len: u64,
        content_type: &str,
    ) -> Result<()> {
        let mut create = self
            .bucket
            .create_multipart_upload(Some(&self.credentials), key);
        create.headers_mut().insert("content-type", content_type);
        let url = create.sign(SIGN_LIFETIME);
        let request = self
            .http
            .reqwest()
            .post(url)
            .header(header::CONTENT_TYPE, content_type);
        let response = self.check(self.send(request).await?).await?;
        let text = read_capped(response, MAX_ERROR_BODY).await?;
        let created = CreateMultipartUpload::parse_response(&String::from_utf8_lossy(&text))
            .map_err(|_| {
                MediaHostError::InvalidResponse("the multipart upload was not started".into())
            })?;
        let upload_id = created.upload_id().to_string();
        match self.upload_parts(key, &upload_id, path, len).await {
            Ok(()) => Ok(()),
            Err(e) => {
                // Best effort: parts of an aborted upload stop costing storage at once.
                let url = self
                    .bucket
                    .abort_multipart_upload(Some(&self.credentials), key, &upload_id)
                    .sign(SIGN_LIFETIME);
                if let Err(abort) = self.send(self.http.reqwest().delete(url)).await {
                    tracing::warn!(error = %abort, "media host: could not abort a multipart upload");
                }
                Err(e)
            }
        }
    }

    async fn upload_parts(&self, key: &str, upload_id: &str, path: &Path, len: u64) -> Result<()> {
        let unreadable = |source| MediaHostError::File {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            source,
        };
        let mut etags = Vec::new();
        let mut offset = 0u64;
        let mut number: u16 = 1;
        while offset < len {
            let part_len = self.part_size.min(len - offset);
            let url = self
                .bucket
                .upload_part(Some(&self.credentials), key, number, upload_id)
                .sign(SIGN_LIFETIME);
            let body = file_body(path, offset, part_len)
                .await
                .map_err(unreadable)?;
            let request = self
                .http
                .reqwest()
                .put(url)
                .header(header::CONTENT_LENGTH, part_len)
                .timeout(UPLOAD_TIMEOUT)
                .body(body);
            let response = self.check(self.send(request).await?).await?;
            let etag = response
                .headers()
                .get(header::ETAG)
                .and_then(|v| v.to_str().ok())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    MediaHostError::InvalidResponse(
                        "an uploaded part came back without an ETag".into(),
                    )
                })?
                .to_string();
            etags.push(etag);
            offset += part_len;
            number = number.checked_add(1).ok_or_else(|| {
                MediaHostError::Config(
                    "The file is too large for the media host's part size".into(),
                )
            })?;
        }
        let complete = self.bucket.complete_multipart_upload(
            Some(&self.credentials),
            key,
            upload_id,
            etags.iter().map(String::as_str),
        );
        let url = complete.sign(SIGN_LIFETIME);
        let request = self.http.reqwest().post(url).body(complete.body());
        let response = self.check(self.send(request).await?).await?;
        // S3 may answer 200 and still fail the completion in the body.
        let text = read_capped(response, MAX_ERROR_BODY).await?;
        let text = String::from_utf8_lossy(&text);
        if CompleteMultipartUploadResponse::parse(&text).is_err() {
            return Err(if text.contains("<Error>") {
                from_status(500, &text, self.bucket.name(), &self.region)
            } else {
                MediaHostError::InvalidResponse("the multipart upload was not completed".into())
            });
        }
        Ok(())
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Response> {
        let request = request.build().map_err(|_| {
            MediaHostError::Config("The media host request could not be built".into())
        })?;
        self.http
            .execute(ACTIVITY, request)
            .await
            .map_err(|e| match e {
                outpost_net::Error::Request { host, kind, .. } => {
                    MediaHostError::Unreachable { host, kind }
                }
                outpost_net::Error::Build(why) => MediaHostError::Config(why),
            })
    }

    /// Passes a success through; turns any other answer into a classified error.
    async fn check(&self, response: Response) -> Result<Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let body = read_capped(response, MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        let body = String::from_utf8_lossy(&body).replace(self.credentials.secret(), "[hidden]");
        let e = from_status(status.as_u16(), &body, self.bucket.name(), &self.region);
        tracing::warn!(status = status.as_u16(), error = %e, "media host request refused");
        Err(e)
    }
}

#[async_trait]
impl MediaHost for S3Host {
    async fn put(&self, file: &MediaFile, ttl: Duration) -> outpost_platforms::Result<HostedMedia> {
        Ok(self.put_file(&file.path, &file.mime, ttl).await?)
    }

    async fn remove(&self, hosted: &HostedMedia) -> outpost_platforms::Result<()> {
        Ok(self.remove_key(&hosted.key).await?)
    }
}

/// `outpost-tmp/<32 hex>.<ext>`: the file's own extension when it is a plain one, else one for
/// the content type (platforms such as Instagram look at the URL's extension).
fn new_key(path: &Path, content_type: &str) -> String {
    let own = path
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_ascii_lowercase);
    let ext = own.unwrap_or_else(|| {
        match content_type {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/gif" => "gif",
            "image/webp" => "webp",
            "image/heic" => "heic",
            "video/mp4" => "mp4",
            "video/quicktime" => "mov",
            "video/webm" => "webm",
            "text/plain" => "txt",
            _ => "bin",
        }
        .to_string()
    });
    format!("{PREFIX}{:032x}.{ext}", rand::random::<u128>())
}

/// `len` bytes of the file from `offset`, streamed in 64 KiB chunks.
async fn file_body(path: &Path, offset: u64, len: u64) -> std::io::Result<Body> {
    let mut file = tokio::fs::File::open(path).await?;
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), READ_BUFFER);
    Ok(Body::wrap_stream(stream))
}

/// Reads at most `max` bytes of a response body (the rest is dropped).
async fn read_capped(mut response: Response, max: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = max.saturating_sub(out.len());
                out.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if out.len() >= max {
                    break;
                }
            }
            Ok(None) => break,
            Err(_) => {
                return Err(MediaHostError::InvalidResponse(
                    "the answer was cut off".into(),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_a_plain_extension() {
        let k = new_key(Path::new("/x/Photo.JPG"), "image/jpeg");
        assert!(k.starts_with(PREFIX) && k.ends_with(".jpg"), "{k}");
        let k = new_key(Path::new("/x/clip"), "video/mp4");
        assert!(k.ends_with(".mp4"), "{k}");
        let k = new_key(Path::new("/x/a.tar.g z"), "application/x");
        assert!(k.ends_with(".bin"), "{k}");
        assert_ne!(
            new_key(Path::new("a.png"), ""),
            new_key(Path::new("a.png"), "")
        );
    }

    #[test]
    fn new_refuses_an_empty_secret() {
        let c = MediaHostConfig {
            endpoint: "http://127.0.0.1:9".into(),
            region: "us-east-1".into(),
            bucket: "media".into(),
            path_style: true,
            access_key_id: "AKIA".into(),
            ..Default::default()
        };
        let http = HttpClient::new(std::sync::Arc::new(outpost_net::NoActivity)).unwrap();
        let e = S3Host::new(&c, &Secret::new(" "), http).unwrap_err();
        assert!(e.to_string().contains("secret access key"), "{e}");
    }
}
