//! The one-shot loopback listener of RFC 8252 §7.3: it binds 127.0.0.1 (and [::1] on the same port
//! when available) only for the duration of one sign-in, answers the browser with a page that says
//! to return to Outpost, and ends at the first request that is a callback — valid or not.
//! Connections that send nothing (browser pre-connects, port scans) are ignored.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{CallbackError, Error, Result};
use crate::flow::{CallbackParams, validate_callback};
use crate::platform::Platform;

/// Largest request head accepted (the callback is one short GET line).
const MAX_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound listener waiting for one callback.
#[derive(Debug)]
pub struct Loopback {
    v4: TcpListener,
    v6: Option<TcpListener>,
    port: u16,
    path: String,
}

impl Loopback {
    /// Binds `127.0.0.1:port` (`0` = any free port) and, best effort, `[::1]` on the same port.
    pub async fn bind(port: u16, path: &str) -> Result<Loopback> {
        let v4 = TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|source| Error::Listener {
                address: format!("127.0.0.1:{port}"),
                source,
            })?;
        let port = v4
            .local_addr()
            .map_err(|source| Error::Listener {
                address: "127.0.0.1".into(),
                source,
            })?
            .port();
        let v6 = TcpListener::bind(("::1", port)).await.ok();
        Ok(Loopback {
            v4,
            v6,
            port,
            path: path.to_string(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// Waits for the callback and validates it against `state`. The listener closes when this
    /// returns (the caller adds the timeout and cancellation around it).
    pub async fn wait(self, platform: Platform, state: &str) -> Result<CallbackParams> {
        loop {
            let accepted = match &self.v6 {
                Some(v6) => tokio::select! {
                    a = self.v4.accept() => a,
                    a = v6.accept() => a,
                },
                None => self.v4.accept().await,
            };
            let Ok((stream, _)) = accepted else { continue };
            match handle(stream, platform, &self.path, state).await {
                Handled::Ignored => continue,
                Handled::Done(r) => return r.map_err(Error::from),
            }
        }
    }
}

enum Handled {
    Ignored,
    Done(std::result::Result<CallbackParams, CallbackError>),
}

async fn handle(mut stream: TcpStream, platform: Platform, path: &str, state: &str) -> Handled {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(Some(h))) => h,
        Ok(Err(e)) => {
            let _ = respond(
                &mut stream,
                431,
                "Request too large",
                &page_failed(platform, &e.to_string()),
            )
            .await;
            return Handled::Done(Err(e));
        }
        _ => return Handled::Ignored,
    };
    let outcome = parse_and_validate(&head, platform, path, state);
    let (status, title, body) = match &outcome {
        Ok(_) => (200, "OK", page_ok(platform)),
        Err(CallbackError::WrongPath(_)) => (
            404,
            "Not Found",
            page_failed(platform, &outcome_text(&outcome)),
        ),
        Err(CallbackError::WrongMethod(_)) => (
            405,
            "Method Not Allowed",
            page_failed(platform, &outcome_text(&outcome)),
        ),
        Err(_) => (
            400,
            "Bad Request",
            page_failed(platform, &outcome_text(&outcome)),
        ),
    };
    let _ = respond(&mut stream, status, title, &body).await;
    Handled::Done(outcome)
}

fn outcome_text(o: &std::result::Result<CallbackParams, CallbackError>) -> String {
    match o {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// Reads up to the end of the request head. `Ok(None)`: the peer sent nothing and closed.
async fn read_head(stream: &mut TcpStream) -> std::result::Result<Option<Vec<u8>>, CallbackError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream
            .read(&mut chunk)
            .await
            .map_err(|_| CallbackError::Malformed)?;
        if n == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(CallbackError::Malformed)
            };
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok(Some(buf));
        }
        if buf.len() > MAX_HEAD {
            return Err(CallbackError::TooLarge);
        }
    }
}

/// Reads one request head the browser sent to the loopback listener and validates it as the
/// callback of the flow (`path`, `state`): the parser of this outside input, also the fuzz target's
/// entry point (`fuzz/`).
pub fn parse_and_validate(
    head: &[u8],
    platform: Platform,
    path: &str,
    state: &str,
) -> std::result::Result<CallbackParams, CallbackError> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(CallbackError::Malformed),
    }
    let method = req.method.unwrap_or_default();
    if method != "GET" {
        return Err(CallbackError::WrongMethod(
            method.chars().take(16).collect(),
        ));
    }
    let target = req.path.unwrap_or_default();
    let url = url::Url::parse(&format!("http://127.0.0.1{target}"))
        .map_err(|_| CallbackError::Malformed)?;
    if url.path() != path {
        return Err(CallbackError::WrongPath(
            url.path().chars().take(80).collect(),
        ));
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    validate_callback(platform, &pairs, state)
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    title: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {title}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nCache-Control: no-store\r\n\
         Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.shutdown().await
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, text: &str, ok: bool) -> String {
    let accent = if ok { "#1f7a4d" } else { "#b42318" };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · Outpost</title>\
         <meta name=\"viewport\" content=\"width=device-width\"><style>\
         body{{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2433}}\
         @media (prefers-color-scheme:dark){{body{{background:#14171c;color:#e6e9ef}}main{{background:#1c2027!important}}}}\
         main{{background:#fff;padding:2.5rem 3rem;border-radius:14px;box-shadow:0 6px 30px rgba(0,0,0,.08);max-width:30rem}}\
         h1{{font-size:1.3rem;margin:0 0 .5rem;color:{accent}}}p{{margin:0}}</style></head>\
         <body><main><h1>{t}</h1><p>{x}</p></main></body></html>",
        t = escape(title),
        x = escape(text),
    )
}

fn page_ok(platform: Platform) -> String {
    page(
        &format!("Signed in with {platform}"),
        "You can close this tab and return to Outpost.",
        true,
    )
}

fn page_failed(platform: Platform, why: &str) -> String {
    page(
        &format!("{platform} sign-in did not complete"),
        &format!("{why}. Return to Outpost to try again."),
        false,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    async fn get(port: u16, raw: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(raw.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn one_valid_callback_ends_the_flow_and_closes_the_port() {
        let lb = Loopback::bind(0, "/oauth/x/callback").await.unwrap();
        let port = lb.port();
        let waiting = tokio::spawn(async move { lb.wait(Platform::X, "st").await });
        // A pre-connect that sends nothing is ignored.
        drop(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        let page = get(
            port,
            "GET /oauth/x/callback?code=abc&state=st HTTP/1.1\r\nHost: x\r\n\r\n",
        )
        .await;
        assert!(
            page.starts_with("HTTP/1.1 200") && page.contains("return to Outpost"),
            "{page}"
        );
        assert_eq!(waiting.await.unwrap().unwrap().code.expose(), "abc");
        assert!(
            TcpStream::connect(("127.0.0.1", port)).await.is_err(),
            "listener must be closed"
        );
    }

    #[tokio::test]
    async fn bad_callbacks_are_refused_with_a_page_and_end_the_flow() {
        let cases = [
            ("GET /wrong?code=a&state=st HTTP/1.1\r\n\r\n", "404"),
            (
                "POST /oauth/x/callback?code=a&state=st HTTP/1.1\r\n\r\n",
                "405",
            ),
            (
                "GET /oauth/x/callback?code=a&state=nope HTTP/1.1\r\n\r\n",
                "400",
            ),
            (
                "GET /oauth/x/callback?error=access_denied&state=st HTTP/1.1\r\n\r\n",
                "400",
            ),
            ("GARBAGE\r\n\r\n", "400"),
        ];
        for (raw, status) in cases {
            let lb = Loopback::bind(0, "/oauth/x/callback").await.unwrap();
            let port = lb.port();
            let waiting = tokio::spawn(async move { lb.wait(Platform::X, "st").await });
            let page = get(port, raw).await;
            assert!(
                page.starts_with(&format!("HTTP/1.1 {status}")),
                "{raw}: {page}"
            );
            assert!(page.contains("Return to Outpost"));
            assert!(waiting.await.unwrap().is_err(), "{raw}");
        }
    }

    #[tokio::test]
    async fn oversized_requests_are_refused() {
        let lb = Loopback::bind(0, "/cb").await.unwrap();
        let port = lb.port();
        let waiting = tokio::spawn(async move { lb.wait(Platform::X, "st").await });
        let big = format!("GET /cb?code={} HTTP/1.1\r\n", "a".repeat(10_000));
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let _ = s.write_all(big.as_bytes()).await;
        let err = waiting.await.unwrap().unwrap_err();
        assert!(
            matches!(err, Error::Callback(CallbackError::TooLarge)),
            "{err:?}"
        );
    }

    #[test]
    fn pages_escape_reasons() {
        assert!(!page_failed(Platform::X, "<script>").contains("<script>"));
    }
}
