//! The S3-compatible test server: moto behind a strict SigV4 presigned-URL verifier
//! (`tests/s3/start.py`), one per test, on 127.0.0.1 with a free port.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use outpost_mediahost::{MediaHostConfig, Provider, S3Host};
use outpost_net::HttpClient;
use outpost_vault::Secret;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

/// A running server; killed on drop (its standard input closes too).
#[derive(Debug)]
pub struct S3Server {
    child: Child,
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server with bucket `outpost-media`, when installed (`bash tests/s3/install.sh`); `None`
/// means skip, unless `OUTPOST_REQUIRE_S3=1`, which makes a missing server a failure.
pub fn s3() -> Option<S3Server> {
    let python = repo_root().join("tests/s3/.venv/bin/python");
    if !python.exists() {
        assert!(
            std::env::var("OUTPOST_REQUIRE_S3").as_deref() != Ok("1"),
            "OUTPOST_REQUIRE_S3=1 but tests/s3 is not installed (bash tests/s3/install.sh)"
        );
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "\n\n!!! SKIPPING media host test: the S3 test server is not installed (bash tests/s3/install.sh) !!!\n\n"
            );
        }
        return None;
    }
    let mut child = Command::new(python)
        .arg(repo_root().join("tests/s3/start.py"))
        .arg("outpost-media")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tests/s3/start.py");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("tests/s3/start.py did not start ({e}): {line:?}"));
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    Some(S3Server {
        endpoint: s("endpoint"),
        region: s("region"),
        access_key_id: s("access_key_id"),
        secret: s("secret_access_key"),
        child,
    })
}

impl S3Server {
    pub fn config(&self) -> MediaHostConfig {
        MediaHostConfig {
            provider: Provider::Custom,
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            bucket: "outpost-media".into(),
            path_style: true,
            access_key_id: self.access_key_id.clone(),
            public_base_url: None,
        }
    }

    pub fn host(&self) -> S3Host {
        S3Host::new(&self.config(), &Secret::new(self.secret.clone()), http()).unwrap()
    }

    pub fn host_with(&self, config: &MediaHostConfig, secret: &str) -> S3Host {
        S3Host::new(config, &Secret::new(secret), http()).unwrap()
    }
}

pub fn http() -> HttpClient {
    HttpClient::new(Arc::new(outpost_net::NoActivity)).unwrap()
}

/// A port nothing listens on.
pub fn dead_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
