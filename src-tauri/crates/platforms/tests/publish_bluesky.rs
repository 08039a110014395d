//! Bluesky publishing against the real reference PDS (`tests/pds`), plus a one-shot canned HTTP
//! server for the failures a PDS cannot be made to produce (429, 5xx, malformed answers).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/bluesky_canned.rs"]
mod bluesky_canned;
mod support;
use bluesky_canned::*;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use outpost_platforms::bluesky::auth::Bluesky;
use outpost_platforms::bluesky::publish::{BlueskyPublisher, record_key};
use outpost_platforms::publish::{MediaFile, Post, PostOptions, PostPart, Publisher};
use outpost_platforms::{Endpoints, Error, Secret, TokenSet};
use serde_json::{Value, json};

// ---- the shared PDS ---------------------------------------------------------------------------

/// One PDS for the whole test binary (start-up takes seconds); it exits when the binary does
/// (its stdin closes).
fn pds() -> Option<&'static support::Process> {
    static PDS: OnceLock<Option<support::Process>> = OnceLock::new();
    PDS.get_or_init(|| support::pds(2)).as_ref()
}

struct Env {
    pds: String,
    did: String,
    bob_did: String,
    tokens: TokenSet,
}

async fn env() -> Option<Env> {
    let p = pds()?;
    let line = &p.line;
    let service = url::Url::parse(line["pds"].as_str().unwrap()).unwrap();
    let http = support::http();
    let account = Bluesky
        .sign_in(
            &http,
            &service,
            line["handle"].as_str().unwrap(),
            &Secret::new(line["appPassword"].as_str().unwrap().to_string()),
        )
        .await
        .unwrap();
    Some(Env {
        pds: line["pds"]
            .as_str()
            .unwrap()
            .trim_end_matches('/')
            .to_string(),
        did: line["did"].as_str().unwrap().to_string(),
        bob_did: line["accounts"][1]["did"].as_str().unwrap().to_string(),
        tokens: account.tokens,
    })
}

fn unique(name: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{name}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

fn text_post(key: &str, texts: &[&str]) -> Post {
    Post {
        key: key.into(),
        parts: texts
            .iter()
            .map(|t| PostPart {
                text: (*t).into(),
                media: vec![],
            })
            .collect(),
        options: PostOptions::default(),
    }
}

async fn publish(
    tokens: &TokenSet,
    post: &Post,
) -> Result<outpost_platforms::publish::Published, Error> {
    let http = support::http();
    let endpoints = Endpoints::default();
    let app = support::no_app();
    BlueskyPublisher
        .publish(
            support::ctx(&http, &endpoints, &app),
            tokens,
            post,
            &|_, _| {},
        )
        .await
}

/// `getRecord` straight from the PDS (no Outpost code involved).
async fn get_record(env: &Env, uri: &str) -> Value {
    let rkey = uri.rsplit('/').next().unwrap();
    let r = reqwest_client()
        .get(format!("{}/xrpc/com.atproto.repo.getRecord", env.pds))
        .query(&[
            ("repo", env.did.as_str()),
            ("collection", "app.bsky.feed.post"),
            ("rkey", rkey),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

async fn list_records(env: &Env) -> Vec<Value> {
    let v: Value = reqwest_client()
        .get(format!("{}/xrpc/com.atproto.repo.listRecords", env.pds))
        .query(&[
            ("repo", env.did.as_str()),
            ("collection", "app.bsky.feed.post"),
            ("limit", "100"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["records"].as_array().unwrap().clone()
}

async fn get_blob(env: &Env, cid: &str) -> Vec<u8> {
    let r = reqwest_client()
        .get(format!("{}/xrpc/com.atproto.sync.getBlob", env.pds))
        .query(&[("did", env.did.as_str()), ("cid", cid)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.bytes().await.unwrap().to_vec()
}

fn reqwest_client() -> outpost_net::reqwest::Client {
    outpost_net::reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
}

fn byte_span(text: &str, needle: &str) -> (usize, usize) {
    let start = text.find(needle).unwrap();
    (start, start + needle.len())
}

// ---- media fixtures ---------------------------------------------------------------------------

const SECRET: &[u8] = b"GPS-48.8584N-2.2945E";

/// A small baseline JPEG of `w`×`h` with an EXIF APP1 segment carrying [`SECRET`].
fn jpeg_with_exif(w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    // APP0 JFIF
    b.extend_from_slice(&[
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    // APP1 Exif: big-endian TIFF header, an empty IFD, then the "location".
    let mut exif = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(SECRET);
    let len = u16::try_from(exif.len() + 2).unwrap();
    b.extend_from_slice(&[0xFF, 0xE1]);
    b.extend_from_slice(&len.to_be_bytes());
    b.extend_from_slice(&exif);
    // DQT
    b.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    b.extend_from_slice(&[1u8; 64]);
    // SOF0: 8 bit, h, w, 1 component
    b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
    // DHT DC 0 and AC 0: one code of length 1 for symbol 0.
    for class in [0x00, 0x10] {
        b.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 1]);
        b.extend_from_slice(&[0u8; 15]);
        b.push(0);
    }
    // SOS
    b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    b.extend_from_slice(&[0x00; 8]);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

fn has_exif(bytes: &[u8]) -> bool {
    bytes.windows(6).any(|w| w == b"Exif\0\0")
        || bytes.windows(2).any(|w| w == [0xFF, 0xE1])
        || bytes.windows(SECRET.len()).any(|w| w == SECRET)
}

fn media(dir: &std::path::Path, name: &str, bytes: &[u8], alt: Option<&str>) -> MediaFile {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    MediaFile::inspect(&p, alt.map(str::to_string)).unwrap()
}

// ---- against the PDS --------------------------------------------------------------------------

#[tokio::test]
async fn text_with_facets_has_exact_byte_offsets() {
    let Some(env) = env().await else { return };
    let text =
        "🦋 Grüße — read https://example.com/path?q=1. cc @bob.test and @nobody.test #Outpost!";
    let mut post = text_post(&unique("facets"), &[text]);
    post.options.language = Some("de".into());
    let out = publish(&env.tokens, &post).await.unwrap();
    let rkey = record_key(&post.key, 0);
    assert_eq!(
        out.id,
        format!("at://{}/app.bsky.feed.post/{rkey}", env.did)
    );
    assert_eq!(
        out.url.as_deref(),
        Some(format!("https://bsky.app/profile/{}/post/{rkey}", env.did).as_str())
    );
    assert_eq!(out.thread, vec![out.id.clone()]);

    let rec = get_record(&env, &out.id).await;
    let v = &rec["value"];
    assert_eq!(v["$type"], "app.bsky.feed.post");
    assert_eq!(v["text"], text);
    assert_eq!(v["langs"], json!(["de"]));
    assert!(v["createdAt"].as_str().unwrap().ends_with('Z'));
    let (ls, le) = byte_span(text, "https://example.com/path?q=1");
    let (ms, me) = byte_span(text, "@bob.test");
    let (ts, te) = byte_span(text, "#Outpost");
    // The emoji (4 bytes) and the umlaut/dash make byte and char offsets differ.
    assert_ne!(ls, text[..ls].chars().count());
    assert_eq!(
        v["facets"],
        json!([
            {"index": {"byteStart": ls, "byteEnd": le},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/path?q=1"}]},
            {"index": {"byteStart": ms, "byteEnd": me},
             "features": [{"$type": "app.bsky.richtext.facet#mention", "did": env.bob_did}]},
            {"index": {"byteStart": ts, "byteEnd": te},
             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "Outpost"}]},
        ]),
        "the unresolvable @nobody.test is left as text"
    );
}

#[tokio::test]
async fn images_carry_alt_and_aspect_ratio_and_no_exif() {
    let Some(env) = env().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = jpeg_with_exif(300, 200);
    assert!(
        has_exif(&a),
        "the fixture must carry EXIF for this test to mean anything"
    );
    let m1 = media(dir.path(), "a.jpg", &a, Some("A bridge at dusk"));
    let m2 = media(dir.path(), "b.jpg", &jpeg_with_exif(40, 90), None);
    assert_eq!(
        (m1.mime.as_str(), m1.width, m1.height),
        ("image/jpeg", Some(300), Some(200))
    );
    let total = m1.bytes + m2.bytes;
    let post = Post {
        key: unique("images"),
        parts: vec![PostPart {
            text: "two images".into(),
            media: vec![m1, m2],
        }],
        options: PostOptions::default(),
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let http = support::http();
    let endpoints = Endpoints::default();
    let app = support::no_app();
    let out = BlueskyPublisher
        .publish(
            support::ctx(&http, &endpoints, &app),
            &env.tokens,
            &post,
            &move |sent, tot| s2.lock().unwrap().push((sent, tot)),
        )
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.last(), Some(&(total, total)), "{seen:?}");

    let rec = get_record(&env, &out.id).await;
    let embed = &rec["value"]["embed"];
    assert_eq!(embed["$type"], "app.bsky.embed.images");
    let images = embed["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    assert_eq!(images[0]["alt"], "A bridge at dusk");
    assert_eq!(
        images[0]["aspectRatio"],
        json!({"width": 300, "height": 200})
    );
    assert_eq!(images[1]["alt"], "");
    assert_eq!(images[1]["aspectRatio"], json!({"width": 40, "height": 90}));
    for img in images {
        assert_eq!(img["image"]["mimeType"], "image/jpeg");
        let cid = img["image"]["ref"]["$link"].as_str().unwrap();
        let blob = get_blob(&env, cid).await;
        assert!(blob.starts_with(&[0xFF, 0xD8]), "still a JPEG");
        assert!(!has_exif(&blob), "EXIF reached the PDS");
        assert_eq!(img["image"]["size"], blob.len());
    }
}

#[tokio::test]
async fn video_is_streamed_as_a_blob() {
    let Some(env) = env().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    bytes.extend((0..600_000u32).map(|i| (i % 251) as u8));
    let v = media(dir.path(), "clip.mp4", &bytes, Some("A short clip"));
    assert_eq!(v.mime, "video/mp4");
    let post = Post {
        key: unique("video"),
        parts: vec![PostPart {
            text: "a video".into(),
            media: vec![v],
        }],
        options: PostOptions::default(),
    };
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let http = support::http();
    let endpoints = Endpoints::default();
    let app = support::no_app();
    let out = BlueskyPublisher
        .publish(
            support::ctx(&http, &endpoints, &app),
            &env.tokens,
            &post,
            &move |sent, tot| s2.lock().unwrap().push((sent, tot)),
        )
        .await
        .unwrap();
    let seen = seen.lock().unwrap().clone();
    let n = bytes.len() as u64;
    assert!(seen.len() >= 3, "progress while streaming: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last(), Some(&(n, n)));

    let rec = get_record(&env, &out.id).await;
    let embed = &rec["value"]["embed"];
    assert_eq!(embed["$type"], "app.bsky.embed.video");
    assert_eq!(embed["alt"], "A short clip");
    assert_eq!(embed["video"]["mimeType"], "video/mp4");
    assert_eq!(embed["video"]["size"], bytes.len());
    let blob = get_blob(&env, embed["video"]["ref"]["$link"].as_str().unwrap()).await;
    assert_eq!(blob, bytes, "the PDS holds the file byte for byte");
}

#[tokio::test]
async fn threads_reply_to_root_and_parent() {
    let Some(env) = env().await else { return };
    let post = text_post(&unique("thread"), &["1/3 start", "2/3 middle", "3/3 end"]);
    let out = publish(&env.tokens, &post).await.unwrap();
    assert_eq!(out.thread.len(), 3);
    assert_eq!(out.id, out.thread[0]);
    let mut recs = Vec::new();
    for uri in &out.thread {
        recs.push(get_record(&env, uri).await);
    }
    assert!(recs[0]["value"].get("reply").is_none());
    let root = json!({"uri": recs[0]["uri"], "cid": recs[0]["cid"]});
    assert_eq!(
        recs[1]["value"]["reply"],
        json!({"root": root, "parent": root})
    );
    assert_eq!(
        recs[2]["value"]["reply"],
        json!({"root": root, "parent": {"uri": recs[1]["uri"], "cid": recs[1]["cid"]}})
    );
    assert_eq!(recs[2]["value"]["text"], "3/3 end");
}

#[tokio::test]
async fn a_retry_finds_the_record_instead_of_duplicating_it() {
    let Some(env) = env().await else { return };
    let key = unique("retry");
    let http = support::http();
    let endpoints = Endpoints::default();
    let app = support::no_app();
    let ctx = support::ctx(&http, &endpoints, &app);

    // Nothing published yet.
    let single = text_post(&key, &["only once"]);
    assert_eq!(
        BlueskyPublisher
            .lookup(ctx, &env.tokens, &single)
            .await
            .unwrap(),
        None
    );

    let first = publish(&env.tokens, &single).await.unwrap();
    let again = publish(&env.tokens, &single).await.unwrap();
    assert_eq!(first, again);
    let mine: Vec<Value> = list_records(&env)
        .await
        .into_iter()
        .filter(|r| r["value"]["text"] == "only once")
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        BlueskyPublisher
            .lookup(ctx, &env.tokens, &single)
            .await
            .unwrap(),
        Some(first.clone())
    );

    // A thread cut short after its first post: lookup says "not published", publishing completes it.
    let thread = text_post(&key, &["only once", "and a reply"]);
    assert_eq!(
        BlueskyPublisher
            .lookup(ctx, &env.tokens, &thread)
            .await
            .unwrap(),
        None
    );
    let done = publish(&env.tokens, &thread).await.unwrap();
    assert_eq!(done.id, first.id);
    assert_eq!(done.thread.len(), 2);
    assert_eq!(
        BlueskyPublisher
            .lookup(ctx, &env.tokens, &thread)
            .await
            .unwrap(),
        Some(done)
    );
}

#[tokio::test]
async fn a_garbage_access_token_needs_reauth() {
    let Some(env) = env().await else { return };
    let mut tokens = env.tokens.clone();
    tokens.access_token = Secret::new("garbage.not.ajwt".to_string());
    let err = publish(&tokens, &text_post(&unique("reauth"), &["hi"]))
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
}

// ---- canned answers: support/bluesky_canned.rs ------------------------------------------------

#[tokio::test]
async fn rate_limits_carry_the_reset_time() {
    let reset = 4_102_444_800i64; // 2100-01-01
    let c = canned(vec![
        not_found(),
        http_resp(
            "429 Too Many Requests",
            &[
                ("RateLimit-Limit", "5000"),
                ("RateLimit-Remaining", "0"),
                ("RateLimit-Reset", &reset.to_string()),
                ("RateLimit-Policy", "5000;w=3600"),
            ],
            r#"{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}"#,
        ),
    ])
    .await;
    let err = publish(&fake_tokens(&c.origin), &text_post("k", &["hi"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_at: Some(t), .. } if t == reset),
        "{err:?}"
    );
    let seen = c.seen.lock().unwrap().clone();
    assert!(
        seen[0].starts_with("GET /xrpc/com.atproto.repo.getRecord?"),
        "{seen:?}"
    );
    assert!(
        seen[0].contains(&format!("rkey={}", record_key("k", 0))),
        "{seen:?}"
    );
    assert_eq!(seen[1], "POST /xrpc/com.atproto.repo.createRecord HTTP/1.1");
}

#[tokio::test]
async fn server_errors_are_unavailable_after_checking_for_the_record() {
    let c = canned(vec![
        not_found(),
        http_resp(
            "502 Bad Gateway",
            &[],
            r#"{"error":"UpstreamFailure","message":"x"}"#,
        ),
        not_found(),
    ])
    .await;
    let err = publish(&fake_tokens(&c.origin), &text_post("k", &["hi"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { status: 502, .. }),
        "{err:?}"
    );
    let seen = c.seen.lock().unwrap().clone();
    assert_eq!(
        seen.len(),
        3,
        "the record is looked for after the failed create: {seen:?}"
    );
    assert!(seen[2].starts_with("GET /xrpc/com.atproto.repo.getRecord?"));
}

#[tokio::test]
async fn a_server_error_on_a_record_that_exists_is_success() {
    // The reference PDS answers a create under an existing key with 500 InternalServerError.
    let found = r#"{"uri":"at://did:plc:testtesttesttesttesttest/app.bsky.feed.post/x","cid":"bafyfound","value":{}}"#;
    let c = canned(vec![
        not_found(),
        http_resp(
            "500 Internal Server Error",
            &[],
            r#"{"error":"InternalServerError","message":"Internal Server Error"}"#,
        ),
        http_resp("200 OK", &[], found),
    ])
    .await;
    let out = publish(&fake_tokens(&c.origin), &text_post("k", &["hi"]))
        .await
        .unwrap();
    assert_eq!(
        out.id,
        "at://did:plc:testtesttesttesttesttest/app.bsky.feed.post/x"
    );
}

#[tokio::test]
async fn invalid_requests_are_rejected_with_the_message() {
    let c = canned(vec![
        not_found(),
        http_resp(
            "400 Bad Request",
            &[],
            r#"{"error":"InvalidRequest","message":"Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes"}"#,
        ),
    ])
    .await;
    let err = publish(&fake_tokens(&c.origin), &text_post("k", &["hi"]))
        .await
        .unwrap_err();
    match err {
        Error::Rejected { status, reason, .. } => {
            assert_eq!(status, Some(400));
            assert!(
                reason.contains("must not be longer than 300 graphemes"),
                "{reason}"
            );
        }
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn malformed_answers_are_invalid_responses() {
    for body in [r#"{"uri":"at://x"#, r#"{"cid":"bafy"}"#, "<html>ok</html>"] {
        let c = canned(vec![
            not_found(),
            http_resp("200 OK", &[], body),
            not_found(),
        ])
        .await;
        let err = publish(&fake_tokens(&c.origin), &text_post("k", &["hi"]))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidResponse { .. }),
            "{body}: {err:?}"
        );
    }
    // An upload answer without a blob.
    let dir = tempfile::tempdir().unwrap();
    let img = media(dir.path(), "a.jpg", &jpeg_with_exif(2, 2), None);
    let c = canned(vec![
        not_found(),
        http_resp("200 OK", &[], r#"{"blob":{}}"#),
    ])
    .await;
    let post = Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: "x".into(),
            media: vec![img],
        }],
        options: PostOptions::default(),
    };
    let err = publish(&fake_tokens(&c.origin), &post).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    let seen = c.seen.lock().unwrap().clone();
    assert_eq!(seen[1], "POST /xrpc/com.atproto.repo.uploadBlob HTTP/1.1");
}

#[tokio::test]
async fn validation_fails_before_any_request() {
    let c = canned(vec![http_resp("200 OK", &[], "{}")]).await;
    let dir = tempfile::tempdir().unwrap();
    let big = media(
        dir.path(),
        "big.jpg",
        &{
            let mut b = jpeg_with_exif(10, 10);
            let eoi = b.split_off(b.len() - 2);
            b.extend(std::iter::repeat_n(0u8, 1_000_001));
            b.extend(eoi);
            b
        },
        None,
    );
    let too_long = "a".repeat(301);
    let cases = [
        (text_post("k", &[&too_long]), "300"),
        (text_post("k", &["ok", &"👍".repeat(301)]), "post 2"),
        (
            Post {
                key: "k".into(),
                parts: vec![PostPart {
                    text: "big".into(),
                    media: vec![big],
                }],
                options: PostOptions::default(),
            },
            "big.jpg",
        ),
        (text_post("k", &[]), "empty"),
    ];
    for (post, needle) in cases {
        let err = publish(&fake_tokens(&c.origin), &post).await.unwrap_err();
        match err {
            Error::Rejected {
                status: None,
                reason,
                ..
            } => {
                assert!(reason.contains(needle), "{needle}: {reason}");
            }
            e => panic!("{e:?}"),
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(c.seen.lock().unwrap().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn expired_tokens_need_reauth() {
    for (status, body) in [
        (
            "400 Bad Request",
            r#"{"error":"ExpiredToken","message":"Token has expired"}"#,
        ),
        (
            "401 Unauthorized",
            r#"{"error":"AuthMissing","message":"Authentication Required"}"#,
        ),
    ] {
        let c = canned(vec![not_found(), http_resp(status, &[], body)]).await;
        let err = publish(&fake_tokens(&c.origin), &text_post("k", &["hi"]))
            .await
            .unwrap_err();
        assert!(err.needs_reauth(), "{status}: {err:?}");
        assert_eq!(c.seen.lock().unwrap().len(), 2);
    }
}
