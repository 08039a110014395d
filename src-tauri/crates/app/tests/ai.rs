//! The AI assistant against the OpenAI-compatible emulator (`tests/emulators/openai_compat.py`):
//! the dry-run body is the body sent, nothing but the chosen text (and prompt, persona) leaves,
//! the key only in the header, consent first, errors typed, every call in the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod channels_support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use outpost_app::ai::{
    AiAction, AiAsk, AiCancel, AiFailure, AiImageAsk, AiPersona, AiSettingsInput,
};
use outpost_app::{Error, ErrorCode, OpenOptions, Outpost, Paths, Secret};
use outpost_platforms::Platform;
use serde_json::{Value, json};

const KEY: &str = "sk-emulator-SECRET-4f1d2c";

struct Emu {
    child: Child,
    _stdin: ChildStdin,
    _stdout: BufReader<ChildStdout>,
    origin: String,
    http: outpost_net::reqwest::Client,
}

impl Drop for Emu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emu {
    fn start() -> Emu {
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/emulators/openai_compat.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--api-key", KEY])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 openai_compat.py");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        Emu {
            child,
            _stdin: stdin,
            _stdout: stdout,
            origin: v["origin"].as_str().unwrap().to_string(),
            http: outpost_net::reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap(),
        }
    }

    async fn admin(&self, path: &str, body: Value) {
        let r = self
            .http
            .post(format!("{}/__emulator/{path}", self.origin))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    async fn log(&self) -> Vec<Value> {
        self.http
            .get(format!("{}/__emulator/log", self.origin))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

async fn profile(dir: &Path) -> Outpost {
    let mut o = OpenOptions::new(Paths::resolve(Some(dir.to_path_buf())).unwrap());
    o.keychain_service = format!("app.outpost.test.ai.{}", uuid::Uuid::new_v4());
    o.passphrase = Some(Secret::new("ai tests passphrase"));
    o.ai_timeout = Duration::from_secs(2);
    Outpost::open(o).await.unwrap()
}

async fn configured(emu: &Emu, dir: &Path) -> Outpost {
    let o = profile(dir).await;
    o.ai_set_provider(
        &AiSettingsInput {
            base_url: format!("{}/v1", emu.origin),
            model: "outpost-test-model".into(),
            local_only: true,
            strip_contacts: false,
        },
        Some(&Secret::new(KEY)),
    )
    .await
    .unwrap();
    o
}

fn ask(action: AiAction, text: &str, platform: Option<Platform>) -> AiAsk {
    AiAsk {
        action,
        text: text.into(),
        platform,
        inbox_item: None,
        stream: false,
    }
}

fn failure(e: &Error) -> AiFailure {
    match e {
        Error::Ai { kind, .. } => *kind,
        other => panic!("not an AI error: {other:?}"),
    }
}

#[tokio::test]
async fn consent_first_then_dry_run_equals_sent_body_and_ledger() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    // The demo workspace: other posts and channel tokens in the vault, none of which may be sent.
    let seeding = profile(tmp.path()).await;
    seeding.seed_demo(30).await.unwrap();
    seeding.close().await;
    let o = configured(&emu, tmp.path()).await;
    let other_posts: Vec<String> = sqlx::query_scalar("SELECT body FROM posts")
        .fetch_all(o.store().pool())
        .await
        .unwrap();
    assert!(other_posts.len() >= 10);
    // A channel's token sealed in the vault, as a connected channel has.
    let channel_id: String = sqlx::query_scalar("SELECT id FROM channels LIMIT 1")
        .fetch_one(o.store().pool())
        .await
        .unwrap();
    o.store_secret(
        outpost_store::SecretOwnerKind::Channel,
        &channel_id,
        "access_token",
        &Secret::new("CHANNEL-TOKEN-9f8e7d"),
    )
    .await
    .unwrap();
    let owners: Vec<(String, String)> =
        sqlx::query_as("SELECT owner_id, purpose FROM sealed_secrets WHERE owner_kind = 'channel'")
            .fetch_all(o.store().pool())
            .await
            .unwrap();
    let mut tokens = Vec::new();
    for (id, purpose) in &owners {
        if let Some(t) = o
            .read_secret(outpost_store::SecretOwnerKind::Channel, id, purpose)
            .await
            .unwrap()
        {
            tokens.push(t.expose().to_string());
        }
    }

    o.ai_set_persona(&AiPersona {
        tone: "wry-TONE".into(),
        audience: "gardeners-AUDIENCE".into(),
        notes: "no-emoji-NOTES".into(),
        avoid_words: vec!["synergy-AVOID".into()],
        examples: vec!["Tomatoes-EXAMPLE, finally.".into()],
    })
    .await
    .unwrap();

    let view = o.ai_settings().await.unwrap();
    assert!(view.configured && view.has_api_key && !view.consented);
    assert!(!serde_json::to_string(&view).unwrap().contains(KEY));

    let a = ask(
        AiAction::Refine,
        "my draft about compost",
        Some(Platform::Mastodon),
    );
    // Dry run works without consent and sends nothing.
    let dry = o.ai_prepare(&a).await.unwrap();
    assert!(emu.log().await.is_empty());
    assert!(dry.sends_api_key);
    assert!(!dry.body.contains(KEY));

    // No consent: refused, nothing sent.
    let e = o.ai_run(&a).await.unwrap_err();
    assert_eq!(failure(&e), AiFailure::ConsentRequired);
    assert_eq!(e.code(), ErrorCode::AiConsentRequired);
    assert!(emu.log().await.is_empty());

    o.ai_record_consent(true, "test").await.unwrap();
    let consents = o.consent_records().await.unwrap();
    assert!(consents.iter().any(|c| c.kind.starts_with("ai_provider:")
        && c.policy_version == outpost_app::ai::AI_POLICY_VERSION
        && c.given_where == "test"));

    emu.admin("reply", json!({"content": "A better draft about compost."}))
        .await;
    let answer = o.ai_run(&a).await.unwrap();
    assert_eq!(answer.text, "A better draft about compost.");
    assert_eq!(answer.request_body, dry.body);

    let log = emu.log().await;
    assert_eq!(log.len(), 1);
    let sent = &log[0];
    assert_eq!(sent["path"], "/v1/chat/completions");
    assert_eq!(sent["body"].as_str().unwrap(), dry.body, "dry run == sent");
    assert_eq!(
        sent["headers"]["authorization"].as_str().unwrap(),
        format!("Bearer {KEY}")
    );
    let body = sent["body"].as_str().unwrap();
    assert!(!body.contains(KEY), "no key in the body");
    for p in &other_posts {
        assert!(!body.contains(p.as_str()), "another post was sent: {p}");
    }
    assert!(!tokens.is_empty());
    for t in &tokens {
        assert!(!body.contains(t.as_str()), "a channel token was sent");
    }
    assert!(!body.contains("ai tests passphrase"));
    for p in [
        "wry-TONE",
        "gardeners-AUDIENCE",
        "no-emoji-NOTES",
        "synergy-AVOID",
        "Tomatoes-EXAMPLE",
        "my draft about compost",
    ] {
        assert!(body.contains(p), "{p} reaches the prompt");
    }

    // The ledger has the call, with the exact body and answer; the activity log has no body.
    let ledger = o.ai_ledger(50).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].request_body, dry.body);
    assert_eq!(ledger[0].answer, "A better draft about compost.");
    assert_eq!(ledger[0].request_bytes as usize, dry.body.len());
    assert!(ledger[0].ok && ledger[0].model == "outpost-test-model");
    assert_eq!(ledger[0].provider, emu.origin);
    assert_eq!(o.ai_delete_ledger(Some(&ledger[0].id)).await.unwrap(), 1);
    assert!(o.ai_ledger(50).await.unwrap().is_empty());
    o.close().await;
}

#[tokio::test]
async fn over_long_answer_is_reasked_then_trimmed() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    o.ai_record_consent(true, "test").await.unwrap();
    let long = "compost ".repeat(80); // 640 chars > Bluesky's 300
    emu.admin("reply", json!({"content": long})).await;
    emu.admin("reply", json!({"content": "Short compost post."}))
        .await;
    let r = o
        .ai_run(&ask(AiAction::Expand, "compost", Some(Platform::Bluesky)))
        .await
        .unwrap();
    assert!(r.reasked && !r.trimmed);
    assert_eq!(r.text, "Short compost post.");
    assert_eq!(r.call_ids.len(), 2);

    emu.admin("reply", json!({"content": long})).await;
    emu.admin("reply", json!({"content": long})).await;
    let r = o
        .ai_run(&ask(
            AiAction::Repurpose,
            "compost",
            Some(Platform::Bluesky),
        ))
        .await
        .unwrap();
    assert!(r.reasked && r.trimmed);
    assert!(r.length.unwrap() <= 300 && r.limit == Some(300));
    assert_eq!(o.ai_ledger(50).await.unwrap().len(), 4);

    emu.admin("reply", json!({"content": "#compost #garden, #soil"}))
        .await;
    let r = o
        .ai_run(&ask(AiAction::Hashtags, "compost", None))
        .await
        .unwrap();
    assert_eq!(r.hashtags, vec!["#compost", "#garden", "#soil"]);
    o.close().await;
}

#[tokio::test]
async fn errors_are_typed_and_recorded() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    o.ai_record_consent(true, "test").await.unwrap();
    let a = ask(AiAction::Refine, "draft", None);

    emu.admin("fail", json!({"status": 429, "retry_after": 7}))
        .await;
    match o.ai_run(&a).await.unwrap_err() {
        Error::Ai {
            kind,
            retry_after_secs,
            message,
        } => {
            assert_eq!(kind, AiFailure::RateLimited);
            assert_eq!(retry_after_secs, Some(7));
            assert!(message.contains("7 s"), "{message}");
        }
        e => panic!("{e:?}"),
    }

    emu.admin("fail", json!({"status": 401})).await;
    let e = o.ai_run(&a).await.unwrap_err();
    assert_eq!(failure(&e), AiFailure::Unauthorized);
    assert!(!e.to_string().contains(KEY));

    emu.admin("fail", json!({"mode": "empty"})).await;
    assert_eq!(
        failure(&o.ai_run(&a).await.unwrap_err()),
        AiFailure::EmptyAnswer
    );

    emu.admin("reply", json!({"content": "x".repeat(40 * 1024)}))
        .await;
    assert_eq!(
        failure(&o.ai_run(&a).await.unwrap_err()),
        AiFailure::TooLong
    );

    emu.admin("fail", json!({"mode": "hang", "seconds": 4}))
        .await;
    assert_eq!(
        failure(&o.ai_run(&a).await.unwrap_err()),
        AiFailure::Timeout
    );

    // A wrong key (bound to this origin) → 401 from the emulator's own check.
    o.ai_set_provider(
        &AiSettingsInput {
            base_url: format!("{}/v1", emu.origin),
            model: "outpost-test-model".into(),
            local_only: false,
            strip_contacts: false,
        },
        Some(&Secret::new("sk-wrong")),
    )
    .await
    .unwrap();
    assert_eq!(
        failure(&o.ai_run(&a).await.unwrap_err()),
        AiFailure::Unauthorized
    );

    let ledger = o.ai_ledger(50).await.unwrap();
    assert_eq!(ledger.len(), 6);
    assert!(ledger.iter().all(|l| !l.ok && l.error.is_some()));
    assert!(
        ledger
            .iter()
            .all(|l| !l.error.as_deref().unwrap().contains(KEY))
    );
    o.close().await;
}

#[tokio::test]
async fn local_only_refuses_remote_and_models_are_listed() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    let e = o
        .ai_set_provider(
            &AiSettingsInput {
                base_url: "https://api.openai.com/v1".into(),
                model: "gpt-4o-mini".into(),
                local_only: true,
                strip_contacts: false,
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(failure(&e), AiFailure::NotLocal);
    // Test connection also needs consent; then lists the models.
    assert_eq!(
        failure(&o.ai_test_connection().await.unwrap_err()),
        AiFailure::ConsentRequired
    );
    o.ai_record_consent(true, "settings").await.unwrap();
    let t = o.ai_test_connection().await.unwrap();
    assert!(t.model_listed && t.models.contains(&"outpost-test-model".to_string()));

    // Switching provider: the key saved for the emulator's origin is not sent to another origin,
    // and consent is asked again.
    o.ai_set_provider(
        &AiSettingsInput {
            base_url: "http://localhost:9/v1".into(),
            model: "m".into(),
            local_only: true,
            strip_contacts: false,
        },
        None,
    )
    .await
    .unwrap();
    let v = o.ai_settings().await.unwrap();
    assert!(!v.has_api_key && !v.consented);
    assert!(
        !o.ai_prepare(&ask(AiAction::Reply, "hi", None))
            .await
            .unwrap()
            .sends_api_key
    );
    o.close().await;
}

fn streamed(action: AiAction, text: &str, platform: Option<Platform>) -> AiAsk {
    AiAsk {
        stream: true,
        ..ask(action, text, platform)
    }
}

/// Runs `a` streamed, collecting the pieces as they arrive.
async fn run_streamed(
    o: &Outpost,
    a: &AiAsk,
    cancel: &AiCancel,
) -> (Result<outpost_app::ai::AiAnswer, Error>, Vec<String>) {
    let mut pieces = Vec::new();
    let r = o
        .ai_run_streaming(a, &mut |p| pieces.push(p.to_string()), cancel)
        .await;
    (r, pieces)
}

#[tokio::test]
async fn a_streamed_answer_arrives_in_pieces_and_its_dry_run_is_what_was_sent() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    o.ai_set_persona(&AiPersona {
        tone: "calm-TONE".into(),
        avoid_words: vec!["hype-AVOID".into()],
        ..AiPersona::default()
    })
    .await
    .unwrap();
    o.ai_record_consent(true, "test").await.unwrap();
    let a = streamed(
        AiAction::Refine,
        "draft about bees",
        Some(Platform::Bluesky),
    );
    let dry = o.ai_prepare(&a).await.unwrap();
    let v: Value = serde_json::from_str(&dry.body).unwrap();
    assert_eq!(v["stream"], true);
    emu.admin(
        "reply",
        json!({"content": "Bees are busy this spring, and so are we."}),
    )
    .await;
    let (r, pieces) = run_streamed(&o, &a, &AiCancel::new()).await;
    let answer = r.unwrap();
    assert_eq!(answer.text, "Bees are busy this spring, and so are we.");
    assert!(pieces.len() >= 5, "arrived in pieces: {pieces:?}");
    assert_eq!(pieces.concat(), answer.text);
    assert_eq!(answer.request_body, dry.body);
    let log = emu.log().await;
    assert_eq!(log.len(), 1);
    let body = log[0]["body"].as_str().unwrap();
    assert_eq!(body, dry.body, "dry run == sent (streamed)");
    assert!(!body.contains(KEY));
    for p in ["calm-TONE", "hype-AVOID", "draft about bees"] {
        assert!(body.contains(p), "{p} reaches the prompt");
    }
    let ledger = o.ai_ledger(10).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert!(ledger[0].ok);
    assert_eq!(ledger[0].answer, answer.text);
    assert_eq!(ledger[0].request_bytes as usize, dry.body.len());
    // The whole event stream was received: every chunk's JSON around the text, and [DONE].
    assert!(
        ledger[0].response_bytes as usize > answer.text.len() * 5,
        "stream bytes {}",
        ledger[0].response_bytes
    );
    o.close().await;
}

#[tokio::test]
async fn an_error_in_the_middle_of_a_stream_or_a_cut_stream_fails_and_is_in_the_ledger() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    o.ai_record_consent(true, "test").await.unwrap();
    let a = streamed(AiAction::Refine, "text", None);

    emu.admin("reply", json!({"content": "one two three four"}))
        .await;
    emu.admin("fail", json!({"mode": "stream_error", "after": 2}))
        .await;
    let (r, pieces) = run_streamed(&o, &a, &AiCancel::new()).await;
    let e = r.unwrap_err();
    assert_eq!(failure(&e), AiFailure::Unavailable, "{e}");
    assert!(e.to_string().contains("middle"), "{e}");
    assert_eq!(pieces.concat(), "one two");

    emu.admin("reply", json!({"content": "five six seven"}))
        .await;
    emu.admin("fail", json!({"mode": "stream_cut", "after": 1}))
        .await;
    let (r, _) = run_streamed(&o, &a, &AiCancel::new()).await;
    let e = r.unwrap_err();
    assert_eq!(failure(&e), AiFailure::Unavailable, "{e}");
    assert!(e.to_string().contains("[DONE]"), "{e}");

    // A 429 before the stream starts keeps its Retry-After.
    emu.admin("fail", json!({"status": 429, "retry_after": 7}))
        .await;
    let (r, _) = run_streamed(&o, &a, &AiCancel::new()).await;
    match r.unwrap_err() {
        Error::Ai {
            kind,
            retry_after_secs,
            ..
        } => assert_eq!((kind, retry_after_secs), (AiFailure::RateLimited, Some(7))),
        other => panic!("{other:?}"),
    }

    let ledger = o.ai_ledger(10).await.unwrap();
    assert_eq!(ledger.len(), 3);
    assert!(ledger.iter().all(|c| !c.ok && c.error.is_some()));
    // Newest first: the cut stream kept what had arrived.
    assert_eq!(ledger[1].answer, "five");
    assert_eq!(ledger[2].answer, "one two");
    o.close().await;
}

#[tokio::test]
async fn cancel_stops_a_stream_and_the_call_is_in_the_ledger() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    o.ai_record_consent(true, "test").await.unwrap();
    let words = "word ".repeat(30);
    emu.admin("reply", json!({"content": words.trim()})).await;
    emu.admin("config", json!({"stream_delay": 0.15})).await;
    let cancel = AiCancel::new();
    let c = cancel.clone();
    let mut pieces = Vec::new();
    let started = std::time::Instant::now();
    let r = o
        .ai_run_streaming(
            &streamed(AiAction::Refine, "text", None),
            &mut |p| {
                pieces.push(p.to_string());
                if pieces.len() == 2 {
                    c.cancel();
                }
            },
            &cancel,
        )
        .await;
    let e = r.unwrap_err();
    assert_eq!(failure(&e), AiFailure::Cancelled);
    assert_eq!(e.code(), ErrorCode::AiCancelled);
    // The whole stream takes 30 × 0.15 s; cancelling returned long before.
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(pieces.len(), 2);
    let ledger = o.ai_ledger(10).await.unwrap();
    assert_eq!(ledger.len(), 1);
    assert!(!ledger[0].ok);
    assert_eq!(ledger[0].answer, "word word");
    o.close().await;
}

#[tokio::test]
async fn templates_have_variables_and_a_sentiment_is_a_label() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    o.ai_record_consent(true, "test").await.unwrap();
    emu.admin(
        "reply",
        json!({"content": "Meet {{product}}: out on {{date}}. {{product}} for everyone."}),
    )
    .await;
    let t = o
        .ai_run(&ask(AiAction::Template, "launch of our app", None))
        .await
        .unwrap();
    assert_eq!(t.variables, vec!["product".to_string(), "date".to_string()]);
    let body: Value = serde_json::from_str(emu.log().await[0]["body"].as_str().unwrap()).unwrap();
    assert!(
        body["messages"][1]["content"]
            .as_str()
            .unwrap()
            .contains("{{product}}")
    );
    emu.admin("reply", json!({"content": "Meet {{}} today"}))
        .await;
    let e = o
        .ai_run(&ask(AiAction::Template, "x", None))
        .await
        .unwrap_err();
    assert_eq!(failure(&e), AiFailure::EmptyAnswer, "{e}");

    emu.admin("reply", json!({"content": "Negative."})).await;
    let s = o
        .ai_run(&ask(AiAction::Sentiment, "this is broken again", None))
        .await
        .unwrap();
    assert_eq!(
        s.sentiment,
        Some(outpost_app::inbox::SentimentLabel::Negative)
    );
    emu.admin("reply", json!({"content": "Hard to say"})).await;
    let e = o
        .ai_run(&ask(AiAction::Sentiment, "hm", None))
        .await
        .unwrap_err();
    assert_eq!(failure(&e), AiFailure::EmptyAnswer);
    o.close().await;
}

#[tokio::test]
async fn inbox_text_is_sent_without_contact_details_when_asked() {
    use channels_support::connected;
    let (s, _channel) = connected(Platform::Mastodon).await;
    let o = &s.o;
    s.emu
        .admin(
            "notify",
            json!({"content": "<p>Help! Write to jo.doe@mail.example.org or call +1 415 555 0132, order 2026-12-01</p>",
                   "visibility": "direct"}),
        )
        .await;
    o.inbox_sync(None).await.unwrap();
    let items = o
        .inbox_list(&outpost_app::inbox::InboxFilter::default())
        .await
        .unwrap();
    let item = items[0].id.clone();
    assert!(items[0].text.contains("jo.doe@mail.example.org"));

    let emu = Emu::start();
    let settings = |strip| AiSettingsInput {
        base_url: format!("{}/v1", emu.origin),
        model: "outpost-test-model".into(),
        local_only: true,
        strip_contacts: strip,
    };
    o.ai_set_provider(&settings(false), Some(&Secret::new(KEY)))
        .await
        .unwrap();
    let on_item = |action| AiAsk {
        inbox_item: Some(item.clone()),
        ..ask(action, "", None)
    };
    // Off: the text goes as it is (so the check below can fail).
    let dry = o.ai_prepare(&on_item(AiAction::Reply)).await.unwrap();
    assert!(dry.body.contains("jo.doe@mail.example.org"));
    assert!(dry.body.contains("415 555 0132"));

    o.ai_set_provider(&settings(true), None).await.unwrap();
    assert!(o.ai_settings().await.unwrap().strip_contacts);
    o.ai_record_consent(true, "test").await.unwrap();
    let dry = o.ai_prepare(&on_item(AiAction::Reply)).await.unwrap();
    emu.admin("reply", json!({"content": "Sorry! We are on it."}))
        .await;
    let reply = o.ai_run(&on_item(AiAction::Reply)).await.unwrap();
    assert_eq!(reply.platform, Some(Platform::Mastodon));
    emu.admin("reply", json!({"content": "negative"})).await;
    let label = o.ai_run(&on_item(AiAction::Sentiment)).await.unwrap();
    assert_eq!(
        label.sentiment,
        Some(outpost_app::inbox::SentimentLabel::Negative)
    );
    let log = emu.log().await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["body"].as_str().unwrap(), dry.body);
    for r in &log {
        let body = r["body"].as_str().unwrap();
        for leaked in ["jo.doe", "mail.example.org", "415", "555 0132"] {
            assert!(!body.contains(leaked), "{leaked} reached the request");
        }
        assert!(body.contains("[email]") && body.contains("[phone]"));
        assert!(body.contains("2026-12-01"), "a date is not a phone number");
    }
    // A draft action cannot be pointed at an inbox item.
    let e = o.ai_prepare(&on_item(AiAction::Expand)).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_generated_image_lands_in_the_media_library_with_its_prompt_in_the_ledger() {
    let emu = Emu::start();
    let tmp = tempfile::tempdir().unwrap();
    let o = configured(&emu, tmp.path()).await;
    let img = AiImageAsk {
        prompt: "a red fox in snow".into(),
        model: None,
        size: Some("1024x1536".into()),
    };
    let dry = o.ai_prepare_image(&img).await.unwrap();
    assert!(dry.url.ends_with("/v1/images/generations"));
    let e = o.ai_generate_image(&img).await.unwrap_err();
    assert_eq!(failure(&e), AiFailure::ConsentRequired);
    assert!(emu.log().await.is_empty());
    o.ai_record_consent(true, "test").await.unwrap();

    let made = o.ai_generate_image(&img).await.unwrap();
    let log = emu.log().await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0]["body"].as_str().unwrap(),
        dry.body,
        "dry run == sent"
    );
    assert!(!dry.body.contains(KEY));
    assert_eq!(made.media.mime, "image/png");
    assert_eq!(
        (made.media.width, made.media.height),
        (Some(1024), Some(1536))
    );
    assert_eq!(
        o.media_item(&made.media.id).await.unwrap().id,
        made.media.id
    );
    let ledger = o.ai_ledger(10).await.unwrap();
    assert_eq!(ledger[0].action, "image");
    assert!(ledger[0].request_body.contains("a red fox in snow"));
    assert!(ledger[0].answer.contains(&made.media.id));

    // DALL·E 3 needs response_format and says how it rewrote the prompt.
    let d3 = o
        .ai_generate_image(&AiImageAsk {
            model: Some("dall-e-3".into()),
            size: None,
            ..img.clone()
        })
        .await
        .unwrap();
    assert!(d3.revised_prompt.unwrap().contains("red fox"));

    // An endpoint without the images API: a clear error, in the ledger, nothing in the library.
    emu.admin("config", json!({"image_models": []})).await;
    let e = o.ai_generate_image(&img).await.unwrap_err();
    assert_eq!(failure(&e), AiFailure::Rejected, "{e}");
    assert!(!o.ai_ledger(10).await.unwrap()[0].ok);
    let bad = o
        .ai_prepare_image(&AiImageAsk {
            size: Some("big".into()),
            ..img
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidInput);
    o.close().await;
}
