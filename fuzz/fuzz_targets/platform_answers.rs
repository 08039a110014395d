//! Every platform's answers, read by the real clients: the first byte picks the platform and the
//! call (publish a thread of text, an image or a video; look up; exchange a code and list the
//! accounts; refresh; revoke; server limits and inbox), the rest scripts what a local server answers
//! to each request (`outpost_fuzz::server`). Time is paused, so polling and back-off cost nothing.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use outpost_fuzz::server::{Server, parse_script};
use outpost_platforms::flow::AuthRequest;
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Published};
use outpost_platforms::{AppCredentials, Ctx, Endpoints, Platform, Secret, TokenSet};

struct Fixture {
    rt: tokio::runtime::Runtime,
    local: tokio::task::LocalSet,
    server: Server,
    http: outpost_net::HttpClient,
    endpoints: Endpoints,
    app: AppCredentials,
    image: PathBuf,
    video: PathBuf,
    _dir: tempfile::TempDir,
}

/// A 16×16 PNG header and an MP4 `ftyp` box: what the inspector needs to take them.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";
const MP4: &[u8] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

thread_local! {
    static FIXTURE: Fixture = {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("a tokio runtime");
        let local = tokio::task::LocalSet::new();
        let server = rt.block_on(local.run_until(Server::start(&local)));
        let mut endpoints = Endpoints::default();
        for p in Platform::ALL {
            endpoints.set(p, &server.origin).expect("a loopback origin");
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let image = dir.path().join("photo.png");
        let video = dir.path().join("clip.mp4");
        let mut png = PNG.to_vec();
        png.resize(2048, 0);
        std::fs::write(&image, png).expect("the image");
        let mut mp4 = MP4.to_vec();
        mp4.resize(300_000, 0);
        std::fs::write(&video, mp4).expect("the video");
        let app = AppCredentials {
            client_id: "fuzz-client".into(),
            client_secret: Some(Secret::new("fuzz-secret")),
            instance_url: Some(url::Url::parse(&server.origin).expect("the origin")),
            organization_access: false,
        };
        Fixture {
            rt,
            local,
            http: outpost_net::HttpClient::new(std::sync::Arc::new(outpost_net::NoActivity))
                .expect("the HTTP client"),
            server,
            endpoints,
            app,
            image,
            video,
            _dir: dir,
        }
    };
}

fn tokens(platform: Platform, origin: &str) -> TokenSet {
    let mut t = TokenSet::new("fuzz-access", 1_700_000_000);
    t.refresh_token = Some(Secret::new("fuzz-refresh"));
    t.expires_at = Some(1_700_003_600);
    let author = match platform {
        Platform::Linkedin => "urn:li:person:fuzz",
        _ => "1234567890",
    };
    for (k, v) in [
        ("author", author),
        ("user_id", "1234567890"),
        ("did", "did:plc:fuzzfuzzfuzzfuzzfuzzfuzz"),
        ("handle", "fuzz.bsky.social"),
        ("pds", origin),
        ("server", origin),
        ("username", "fuzz"),
    ] {
        t.extra.insert(k.into(), v.into());
    }
    t
}

fn post(platform: Platform, media: Option<MediaFile>) -> Post {
    let mut parts = vec![PostPart {
        text: "Hello from the fuzzer #outpost".into(),
        media: media.into_iter().collect(),
    }];
    if parts[0].media.is_empty() {
        parts.push(PostPart {
            text: "and a second part".into(),
            media: vec![],
        });
    }
    Post {
        key: "fuzz-key-1".into(),
        parts,
        options: PostOptions {
            title: Some("Fuzz title".into()),
            visibility: (platform == Platform::Tiktok).then(|| "public".into()),
            board_id: (platform == Platform::Pinterest).then(|| "1234".into()),
            ..PostOptions::default()
        },
    }
}

async fn run(f: &Fixture, pick: u8) {
    let platform = Platform::ALL[usize::from(pick) % Platform::ALL.len()];
    let op = (pick as usize / Platform::ALL.len()) % 8;
    let ctx = Ctx {
        http: &f.http,
        endpoints: &f.endpoints,
        app: &f.app,
        media_host: None,
        parts: None,
        quota: None,
    };
    let tokens = tokens(platform, &f.server.origin);
    let provider = outpost_platforms::provider(platform);
    let publisher = outpost_platforms::publisher(platform);
    let media = |p: &PathBuf| MediaFile::inspect(p, Some("alt text".into())).ok();
    match (op, publisher) {
        (0..=2, Some(publisher)) => {
            let m = match op {
                1 => media(&f.image),
                2 => media(&f.video),
                _ => None,
            };
            if let Ok(published) = publisher
                .publish(ctx, &tokens, &post(platform, m), &|_, _| {})
                .await
            {
                assert!(
                    !published.id.is_empty(),
                    "published without an id: {published:?}"
                );
            }
        }
        (3, Some(publisher)) => {
            if let Ok(Some(found)) = publisher.lookup(ctx, &tokens, &post(platform, None)).await {
                assert!(!found.id.is_empty(), "found without an id: {found:?}");
            }
        }
        (4, _) => {
            let req = AuthRequest {
                platform,
                url: url::Url::parse(&f.server.origin).expect("the origin"),
                state: Secret::new("fuzz-state"),
                verifier: Secret::new("fuzz-verifier-0123456789012345678901234567890123"),
                redirect_uri: "http://127.0.0.1:8421/callback".into(),
            };
            if let Ok(grant) = provider
                .exchange(ctx, &req, &Secret::new("fuzz-code"))
                .await
            {
                let _ = provider.accounts(ctx, &grant).await;
                let _ = provider.verify(ctx, &grant).await;
            }
        }
        (5, _) => {
            let _ = provider.refresh(ctx, &tokens).await;
        }
        (6, _) => {
            let _ = provider.revoke(ctx, &tokens).await;
        }
        (7, Some(publisher)) => {
            let _ = publisher.server_limits(ctx).await;
            for source in publisher.inbox_sources() {
                let _ = publisher.inbox(ctx, &tokens, source, None).await;
            }
            let published = Published {
                id: "1234567890".into(),
                url: None,
                thread: vec!["1234567890".into()],
            };
            let _ = publisher.post_metrics(ctx, &tokens, &published).await;
            let _ = publisher.account_metrics(ctx, &tokens).await;
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, script)) = data.split_first() else {
        return;
    };
    FIXTURE.with(|f| {
        f.server.script(parse_script(script));
        f.rt.block_on(f.local.run_until(run(f, pick)));
    });
});
