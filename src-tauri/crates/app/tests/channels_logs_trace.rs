//! Secrets never reach the logs even at TRACE level (every crate, HTTP client included): a sign-in
//! and refresh run under a TRACE subscriber writing to a buffer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use channels_support::*;
use outpost_app::channels::{RefreshOutcome, Surface};
use outpost_platforms::Platform;

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn secrets_never_reach_trace_logs() {
    let buf = Buf::default();
    let w = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || w.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (secrets, visit) = rt.block_on(async {
        let s = setup_with(Platform::X, true).await;
        let (_, visit, waited) = s.sign_in(Surface::Cli).await;
        let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
        let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
        let id = v[0].id.clone();
        assert_eq!(
            s.o.refresh_channel(&id, true).await.unwrap(),
            RefreshOutcome::Refreshed
        );
        s.o.check_channel(&id).await.unwrap();
        s.o.disconnect_channel(&id).await.unwrap();
        let mut secrets = s.emu.secrets_seen().await;
        secrets.insert(CLIENT_SECRET.to_string());
        (secrets, visit)
    });
    drop(rt);
    let text = String::from_utf8_lossy(&buf.0.lock().unwrap()).to_string();
    assert!(
        text.contains("TRACE") || text.contains("DEBUG"),
        "no low-level events captured"
    );
    assert!(text.contains("token refreshed"), "{text:.2000}");
    let code = query_param(visit.visited.last().unwrap(), "code").unwrap();
    assert!(secrets.len() >= 6);
    for sec in secrets.iter().chain(std::iter::once(&code)) {
        assert!(
            !text.contains(sec.as_str()),
            "a secret ({sec:.10}…) is in the TRACE log"
        );
    }
}
