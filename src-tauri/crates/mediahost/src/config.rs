//! What the user enters in Settings → Media host, and its validation. The secret access key is
//! not part of it: it is sealed in the vault and handed to [`crate::S3Host::new`] separately.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{MediaHostError, Result};

/// Which kind of S3-compatible service the bucket is on (a label for the settings page: the
/// presets fill endpoint, region and addressing style; the behaviour comes from those fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    #[default]
    Aws,
    CloudflareR2,
    BackblazeB2,
    /// MinIO or any other S3-compatible server.
    Custom,
}

/// The media host settings (everything but the secret access key).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct MediaHostConfig {
    #[serde(default)]
    pub provider: Provider,
    /// The S3 API endpoint (`https://<account>.r2.cloudflarestorage.com`, …); empty for AWS S3,
    /// whose endpoint follows from the region.
    #[serde(default)]
    pub endpoint: String,
    /// The bucket's region (`us-east-1`, `auto` for R2, `us-west-004` for B2, …).
    pub region: String,
    pub bucket: String,
    /// `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, IP endpoints).
    #[serde(default)]
    pub path_style: bool,
    pub access_key_id: String,
    /// A public base URL serving the bucket's objects (an R2 public bucket domain, a CDN): the
    /// platform then fetches `<base>/<key>` instead of a presigned GET URL.
    #[serde(default)]
    pub public_base_url: Option<String>,
}

/// Objects Outpost writes live under this prefix (and only those are swept).
pub const PREFIX: &str = "outpost-tmp/";

fn invalid(msg: impl Into<String>) -> MediaHostError {
    MediaHostError::Config(msg.into())
}

/// Parses an `http(s)` URL without credentials, query or fragment (the bucket URL of a presigned
/// request would otherwise carry them to every platform).
fn parse_base_url(what: &str, raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|_| invalid(format!("The {what} is not a URL")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "The {what} must start with https:// (or http:// for a local server)"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid(format!("The {what} has no host name")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(format!(
            "The {what} must not contain a user name or password"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(format!(
            "The {what} must not contain a query (?…) or fragment (#…)"
        )));
    }
    Ok(url)
}

fn simple_token(what: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(invalid(format!("Enter the {what}")));
    }
    if value.len() > max
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        return Err(invalid(format!(
            "That does not look like a {what} (no spaces, at most {max} characters)"
        )));
    }
    Ok(())
}

impl MediaHostConfig {
    /// Trims every field and checks it; the returned copy is what gets saved.
    pub fn validated(&self) -> Result<MediaHostConfig> {
        let mut c = self.clone();
        c.endpoint = c.endpoint.trim().trim_end_matches('/').to_string();
        c.region = c.region.trim().to_string();
        c.bucket = c.bucket.trim().to_string();
        c.access_key_id = c.access_key_id.trim().to_string();
        c.public_base_url = c
            .public_base_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty());

        if !c.endpoint.is_empty() {
            parse_base_url("endpoint", &c.endpoint)?;
        }
        simple_token("region", &c.region, 64)?;
        if !c
            .region
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        {
            return Err(invalid(
                "The region has only letters, digits and dashes (e.g. us-east-1, auto)",
            ));
        }
        let b = &c.bucket;
        if b.is_empty() {
            return Err(invalid("Enter the bucket name"));
        }
        if b.len() < 3
            || b.len() > 63
            || !b
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '_'))
            || !b.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            || !b.ends_with(|ch: char| ch.is_ascii_alphanumeric())
        {
            return Err(invalid(
                "A bucket name has 3 to 63 letters, digits, dots or dashes, and starts and ends with a letter or digit",
            ));
        }
        simple_token("access key id", &c.access_key_id, 256)?;
        if let Some(u) = &c.public_base_url {
            parse_base_url("public base URL", u)?;
        }
        // The bucket URL must be buildable with the chosen style (e.g. virtual-host style needs a
        // host name, not an IP address, and a bucket name that fits in one).
        c.bucket_url()?;
        Ok(c)
    }

    /// The S3 endpoint: the configured one, or AWS's for the region.
    pub fn endpoint_url(&self) -> Result<Url> {
        if self.endpoint.is_empty() {
            parse_base_url(
                "endpoint",
                &format!("https://s3.{}.amazonaws.com", self.region),
            )
        } else {
            parse_base_url("endpoint", &self.endpoint)
        }
    }

    pub(crate) fn bucket_url(&self) -> Result<rusty_s3::Bucket> {
        let style = if self.path_style {
            rusty_s3::UrlStyle::Path
        } else {
            rusty_s3::UrlStyle::VirtualHost
        };
        rusty_s3::Bucket::new(
            self.endpoint_url()?,
            style,
            self.bucket.clone(),
            self.region.clone(),
        )
        .map_err(|_| {
            invalid(
                "The bucket address cannot be built with virtual-host style (an IP address or a bucket name with unusual characters): turn on path-style addressing",
            )
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn good() -> MediaHostConfig {
        MediaHostConfig {
            provider: Provider::Custom,
            endpoint: " http://127.0.0.1:9000/ ".into(),
            region: "us-east-1".into(),
            bucket: "media".into(),
            path_style: true,
            access_key_id: "AKIAEXAMPLE".into(),
            public_base_url: Some("  ".into()),
        }
    }

    #[test]
    fn trims_and_accepts() {
        let c = good().validated().unwrap();
        assert_eq!(c.endpoint, "http://127.0.0.1:9000");
        assert_eq!(c.public_base_url, None);
    }

    #[test]
    fn aws_endpoint_from_region() {
        let mut c = good();
        c.endpoint.clear();
        c.path_style = false;
        let c = c.validated().unwrap();
        assert_eq!(
            c.endpoint_url().unwrap().as_str(),
            "https://s3.us-east-1.amazonaws.com/"
        );
    }

    #[test]
    fn rejects_bad_fields() {
        type Change = fn(&mut MediaHostConfig);
        let cases: Vec<(Change, &str)> = vec![
            (|c| c.endpoint = "ftp://x".into(), "https://"),
            (|c| c.endpoint = "not a url".into(), "not a URL"),
            (
                |c| c.endpoint = "https://user:pw@host".into(),
                "user name or password",
            ),
            (|c| c.endpoint = "https://host/?x=1".into(), "query"),
            (|c| c.region = String::new(), "Enter the region"),
            (|c| c.region = "us east".into(), "region"),
            (|c| c.bucket = String::new(), "Enter the bucket"),
            (|c| c.bucket = "ab".into(), "3 to 63"),
            (|c| c.bucket = "-abc".into(), "3 to 63"),
            (|c| c.bucket = "a/b/c".into(), "3 to 63"),
            (|c| c.access_key_id = String::new(), "access key id"),
            (|c| c.access_key_id = "a b".into(), "no spaces"),
            (
                |c| c.public_base_url = Some("javascript:alert(1)".into()),
                "public base URL",
            ),
            (|c| c.path_style = false, "path-style"),
        ];
        for (change, needle) in cases {
            let mut c = good();
            change(&mut c);
            let e = c.validated().unwrap_err().to_string();
            assert!(e.contains(needle), "{e} should mention {needle}");
        }
    }
}
