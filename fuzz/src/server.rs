//! A scripted HTTP/1.1 server on 127.0.0.1 for `platform_answers`: each request, whatever it is, gets
//! the script's next answer (then `404 {}` once the script is used up), over a connection that is
//! closed after the answer. Request bodies (sized or chunked) are read and dropped.
//!
//! Script format (the fuzz input after its first byte): answers separated by a line `=====`; each
//! answer is a status line (`200`), header lines (`retry-after: 5`), an empty line and the body.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Most answers one input may script.
const MAX_ANSWERS: usize = 32;
/// Largest request head or body read.
const MAX_REQUEST: usize = 64 << 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The answers of one input, in order.
pub fn parse_script(data: &[u8]) -> VecDeque<Answer> {
    let mut out = VecDeque::new();
    for chunk in split(data, b"\n=====\n").into_iter().take(MAX_ANSWERS) {
        out.push_back(parse_answer(chunk));
    }
    out
}

fn split<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(sep.len()).position(|w| w == sep) {
        parts.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    parts.push(rest);
    parts
}

fn parse_answer(chunk: &[u8]) -> Answer {
    let (head, body) = match chunk.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&chunk[..i], &chunk[i + 2..]),
        None => (chunk, &b""[..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.trim().parse::<u16>().ok())
        .filter(|s| (200..=599).contains(s))
        .unwrap_or(200);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .filter(|(k, v)| {
            !k.is_empty()
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !matches!(
                    k.as_str(),
                    "content-length" | "transfer-encoding" | "connection"
                )
                && v.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
        })
        .collect();
    let body = if matches!(status, 204 | 304) {
        Vec::new()
    } else {
        body.to_vec()
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// The server: bound once, scripted per input. Lives on the current-thread runtime of the target.
#[derive(Debug, Clone)]
pub struct Server {
    pub origin: String,
    script: Rc<RefCell<VecDeque<Answer>>>,
    /// Requests served since the last [`Server::script`].
    served: Rc<RefCell<usize>>,
}

impl Server {
    /// Binds and starts accepting (call inside a `LocalSet` or a current-thread runtime's
    /// `block_on`; connections are served by local tasks).
    pub async fn start(local: &tokio::task::LocalSet) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let origin = format!(
            "http://{}",
            listener.local_addr().expect("the bound address")
        );
        let server = Server {
            origin,
            script: Rc::default(),
            served: Rc::default(),
        };
        let s = server.clone();
        local.spawn_local(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let answer = s.script.borrow_mut().pop_front();
                *s.served.borrow_mut() += 1;
                tokio::task::spawn_local(serve(stream, answer));
            }
        });
        server
    }

    pub fn script(&self, answers: VecDeque<Answer>) {
        *self.script.borrow_mut() = answers;
        *self.served.borrow_mut() = 0;
    }

    pub fn served(&self) -> usize {
        *self.served.borrow()
    }
}

async fn serve(mut stream: TcpStream, answer: Option<Answer>) {
    if read_request(&mut stream).await.is_none() {
        return;
    }
    let a = answer.unwrap_or(Answer {
        status: 404,
        headers: vec![("content-type".into(), "application/json".into())],
        body: b"{}".to_vec(),
    });
    let mut head = format!(
        "HTTP/1.1 {} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
        a.status,
        a.body.len()
    );
    for (k, v) in &a.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&a.body).await;
    let _ = stream.shutdown().await;
}

/// Reads one request (head and body); `None` when the client went away first.
async fn read_request(stream: &mut TcpStream) -> Option<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    let mut body = buf.split_off(head_end);
    loop {
        let done = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.ends_with(b"0\r\n\r\n"),
            None => true,
        };
        if done || body.len() > MAX_REQUEST {
            return Some(());
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
}
