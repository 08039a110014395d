//! The crate's one error type. Messages are for people ("the bucket does not exist") and never
//! contain the secret access key, a signature or a presigned URL: only host names, bucket names,
//! HTTP statuses and the service's error code.

pub type Result<T> = std::result::Result<T, MediaHostError>;

#[derive(Debug, thiserror::Error)]
pub enum MediaHostError {
    /// A setting is missing or not usable.
    #[error("{0}")]
    Config(String),
    /// No answer from the service (DNS, refused connection, TLS, timeout).
    #[error(
        "The media host at {host} could not be reached ({kind}); check the endpoint and your connection"
    )]
    Unreachable { host: String, kind: &'static str },
    /// The service refused the access key or its signature.
    #[error("The media host refused the access key ({code}): {hint}")]
    CredentialsRefused { code: String, hint: &'static str },
    /// The bucket does not exist (or is not in this account / endpoint).
    #[error(
        "The bucket \"{bucket}\" does not exist at this endpoint; check the bucket name and the endpoint"
    )]
    BucketMissing { bucket: String },
    /// The bucket lives in another region than the one configured.
    #[error(
        "The bucket \"{bucket}\" is in another region than {region}{found}; set the bucket's region"
    )]
    WrongRegion {
        bucket: String,
        region: String,
        found: String,
    },
    /// The service failed (5xx); a retry later may succeed.
    #[error("The media host is having trouble (HTTP {status}); try again shortly")]
    Server { status: u16 },
    /// Any other refusal by the service.
    #[error("The media host refused the request (HTTP {status}{code}){message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The uploaded file cannot be fetched through the URL given to platforms.
    #[error("The file was uploaded, but its URL cannot be fetched: {reason}")]
    UrlNotFetchable { reason: String },
    /// The service answered something that is not S3.
    #[error("The media host sent an answer Outpost cannot read ({0})")]
    InvalidResponse(String),
    /// The local file cannot be read.
    #[error("{name}: cannot be read ({source})")]
    File {
        name: String,
        #[source]
        source: std::io::Error,
    },
}

impl MediaHostError {
    /// A retry later may succeed without the user changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            MediaHostError::Unreachable { .. } | MediaHostError::Server { .. }
        )
    }
}

impl From<MediaHostError> for outpost_platforms::Error {
    fn from(e: MediaHostError) -> Self {
        if e.is_transient() {
            outpost_platforms::Error::MediaHostUnavailable(e.to_string())
        } else {
            outpost_platforms::Error::Config(format!("Media host: {e}"))
        }
    }
}

/// The text of `<tag>…</tag>` in an S3 error body (the first one), if any.
pub(crate) fn xml_text<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&close)? + start;
    Some(body[start..end].trim())
}

/// Makes text from the service safe to show: one printable line, at most `max` characters, with
/// every occurrence of a secret (`hide`) removed.
pub(crate) fn clean(text: &str, max: usize, hide: &[&str]) -> String {
    let mut s = text.to_string();
    for h in hide.iter().filter(|h| h.len() >= 4) {
        s = s.replace(h, "[hidden]");
    }
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out.trim().to_string()
}

/// Classifies an S3 error answer. `body` is the XML error document (may be empty for HEAD).
pub(crate) fn from_status(status: u16, body: &str, bucket: &str, region: &str) -> MediaHostError {
    let code = xml_text(body, "Code").unwrap_or_default();
    let code = clean(code, 64, &[]);
    match (status, code.as_str()) {
        (_, "NoSuchBucket") => MediaHostError::BucketMissing {
            bucket: bucket.to_string(),
        },
        (_, "InvalidAccessKeyId") => MediaHostError::CredentialsRefused {
            code,
            hint: "the access key id is not known to the service",
        },
        (_, "SignatureDoesNotMatch") => MediaHostError::CredentialsRefused {
            code,
            hint: "the secret access key does not match the access key id",
        },
        (_, "AccessDenied" | "AllAccessDisabled") => MediaHostError::CredentialsRefused {
            code,
            hint: "the key is not allowed to read, write, list and delete objects in this bucket",
        },
        (_, "ExpiredToken" | "InvalidToken" | "TokenRefreshRequired") => {
            MediaHostError::CredentialsRefused {
                code,
                hint: "the key has expired",
            }
        }
        (_, "AuthorizationHeaderMalformed" | "AuthorizationQueryParametersError")
        | (301 | 307, _)
        | (_, "PermanentRedirect" | "IllegalLocationConstraintException") => {
            let found = xml_text(body, "Region")
                .map(|r| format!(" (it is in {})", clean(r, 32, &[])))
                .unwrap_or_default();
            MediaHostError::WrongRegion {
                bucket: bucket.to_string(),
                region: region.to_string(),
                found,
            }
        }
        (500..=599, _) => MediaHostError::Server { status },
        (403, "") => MediaHostError::CredentialsRefused {
            code: "HTTP 403".into(),
            hint: "check the access key id, the secret access key and the key's permissions",
        },
        (404, "") => MediaHostError::BucketMissing {
            bucket: bucket.to_string(),
        },
        _ => {
            let message = xml_text(body, "Message")
                .map(|m| format!(": {}", clean(m, 200, &[])))
                .unwrap_or_default();
            MediaHostError::Refused {
                status,
                code: if code.is_empty() {
                    String::new()
                } else {
                    format!(", {code}")
                },
                message,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_s3_errors() {
        let body = |code: &str| {
            format!(
                "<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>m</Message><SignatureProvided>abcdef</SignatureProvided></Error>"
            )
        };
        assert!(matches!(
            from_status(404, &body("NoSuchBucket"), "b", "r"),
            MediaHostError::BucketMissing { .. }
        ));
        assert!(matches!(
            from_status(403, &body("SignatureDoesNotMatch"), "b", "r"),
            MediaHostError::CredentialsRefused { .. }
        ));
        assert!(matches!(
            from_status(403, "", "b", "r"),
            MediaHostError::CredentialsRefused { .. }
        ));
        assert!(matches!(
            from_status(503, &body("SlowDown"), "b", "r"),
            MediaHostError::Server { status: 503 }
        ));
        let e = from_status(
            400,
            "<Error><Code>AuthorizationHeaderMalformed</Code><Region>eu-west-1</Region></Error>",
            "b",
            "us-east-1",
        );
        assert!(e.to_string().contains("it is in eu-west-1"), "{e}");
        let e = from_status(400, &body("InvalidArgument"), "b", "r").to_string();
        assert!(
            e.contains("InvalidArgument") && !e.contains("abcdef"),
            "{e}"
        );
    }

    #[test]
    fn clean_hides_secrets_and_control_characters() {
        assert_eq!(
            clean("a\nsecret-value b", 100, &["secret-value"]),
            "a [hidden] b"
        );
        assert_eq!(clean("abcdef", 3, &[]), "abc…");
    }

    #[test]
    fn transient_maps_to_unavailable() {
        let e: outpost_platforms::Error = MediaHostError::Server { status: 502 }.into();
        assert!(e.is_transient());
        let e: outpost_platforms::Error =
            MediaHostError::BucketMissing { bucket: "b".into() }.into();
        assert!(matches!(e, outpost_platforms::Error::Config(_)));
    }
}
