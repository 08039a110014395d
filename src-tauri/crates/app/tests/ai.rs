//! The AI assistant against the OpenAI-compatible emulator (`tests/emulators/openai_compat.py`):
//! the dry-run body is the body sent, nothing but the chosen text (and prompt, persona) leaves,
//! the key only in the header, consent first, errors typed, every call in the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use outpost_app::ai::{AiAction, AiAsk, AiFailure, AiPersona, AiSettingsInput};
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
