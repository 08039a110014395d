//! The `oauth2` crate's HTTP client: its requests take the same path as every other call.

use outpost_net::HttpClient;
use outpost_net::reqwest::{self, Method};

use super::{Phase, classify_parts, retry_at};
use crate::error::{Error, clean};
use crate::platform::Platform;

/// The `oauth2` crate's HTTP client: its requests go through the activity-logging client, and any
/// non-200 reply is handed back untouched (status + body) so [`classify`] sees every platform's
/// error shape, not only RFC 6749's.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AdapterError {
    #[error(transparent)]
    Net(#[from] outpost_net::Error),
    #[error("HTTP {status}")]
    Status {
        status: u16,
        retry_at: Option<i64>,
        body: Vec<u8>,
    },
    #[error("the request could not be built")]
    Build,
    #[error("the answer is too large")]
    TooLarge,
}

pub(crate) async fn oauth2_send(
    http: &HttpClient,
    platform: Platform,
    req: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, AdapterError> {
    let (parts, body) = req.into_parts();
    let url = url::Url::parse(&parts.uri.to_string()).map_err(|_| AdapterError::Build)?;
    let method =
        Method::from_bytes(parts.method.as_str().as_bytes()).map_err(|_| AdapterError::Build)?;
    let mut rb = super::request(http, method, url);
    for (k, v) in &parts.headers {
        rb = rb.header(k.as_str(), v.as_bytes());
    }
    let req = rb.body(body).build().map_err(|_| AdapterError::Build)?;
    let mut resp = http.execute(platform.id(), req).await?;
    let status = resp.status().as_u16();
    let ra = retry_at(resp.headers());
    let content_type = resp.headers().get(reqwest::header::CONTENT_TYPE).cloned();
    let mut bytes = Vec::new();
    while let Ok(Some(c)) = resp.chunk().await {
        if bytes.len() + c.len() > super::MAX_BODY {
            return Err(AdapterError::TooLarge);
        }
        bytes.extend_from_slice(&c);
    }
    if status != 200 {
        return Err(AdapterError::Status {
            status,
            retry_at: ra,
            body: bytes,
        });
    }
    let mut out = http::Response::builder().status(200);
    if let Some(ct) = content_type {
        out = out.header("content-type", ct.as_bytes());
    }
    out.body(bytes).map_err(|_| AdapterError::Build)
}

/// The `oauth2` crate's view of [`HttpClient`].
#[derive(Debug, Clone)]
pub(crate) struct Oauth2Http {
    pub http: HttpClient,
    pub platform: Platform,
}

impl<'c> oauth2::AsyncHttpClient<'c> for Oauth2Http {
    type Error = AdapterError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = std::result::Result<oauth2::HttpResponse, AdapterError>,
                > + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(oauth2_send(&self.http, self.platform, request))
    }
}

/// Maps the `oauth2` crate's failure onto [`Error`].
pub(crate) fn from_oauth2<TE: oauth2::ErrorResponse + 'static>(
    platform: Platform,
    phase: Phase,
    e: oauth2::RequestTokenError<AdapterError, TE>,
) -> Error {
    match e {
        oauth2::RequestTokenError::Request(AdapterError::Net(source)) => {
            Error::Network { platform, source }
        }
        oauth2::RequestTokenError::Request(AdapterError::Status {
            status,
            retry_at,
            body,
        }) => classify_parts(platform, phase, status, retry_at, &body),
        oauth2::RequestTokenError::Request(AdapterError::TooLarge) => Error::InvalidResponse {
            platform,
            what: "the answer is too large".into(),
        },
        oauth2::RequestTokenError::Request(AdapterError::Build) => {
            Error::Config("the request could not be built".into())
        }
        oauth2::RequestTokenError::Parse(e, _) => Error::InvalidResponse {
            platform,
            what: clean(&format!("token response: {}", e.path()), 120),
        },
        oauth2::RequestTokenError::ServerResponse(_) | oauth2::RequestTokenError::Other(_) => {
            Error::InvalidResponse {
                platform,
                what: "unexpected token response".into(),
            }
        }
    }
}
