//! Client approvals on a real SQLite profile: a sealed preview file opened as the browser opens it,
//! decision codes applied, and every refusal (damaged, cut off, altered, another post, another or
//! unknown preview, revoked, expired, key not in this profile, already decided, post edited since)
//! saying which and changing nothing. Plus the "needs approval" gate on scheduling, purge, export.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::time::Duration;

use base64::Engine;
use outpost_app::approvals::{PreviewState, Refusal, code, seal};
use outpost_app::posts::ComposeInput;
use outpost_app::workspace::{BoardFilter, CardKind, CardRef};
use outpost_app::{Error, ErrorCode, OpenOptions, Outpost, Paths, Secret};
use outpost_store::{ChannelKind, ChannelStatus, Decision, Platform, channels, now_ms};

const PW: &str = "client password 1";

struct Profile {
    o: Outpost,
    dir: tempfile::TempDir,
}

async fn profile() -> Profile {
    let p = bare_profile().await;
    p.o.set_time_zone("Europe/Berlin").await.unwrap();
    p
}

async fn bare_profile() -> Profile {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::resolve(Some(dir.path().join("data"))).unwrap();
    let mut opts = OpenOptions::new(paths);
    opts.keychain_service = format!("app.outpost.test.{}", uuid::Uuid::new_v4());
    opts.passphrase = Some(Secret::new("approvals tests"));
    opts.endpoints = Some(outpost_platforms::Endpoints::default());
    let o = Outpost::open(opts).await.unwrap();
    Profile { o, dir }
}

async fn channel(o: &Outpost, platform: Platform, handle: &str) -> String {
    let id = outpost_store::new_id();
    channels::insert(
        o.store().pool(),
        &channels::Channel {
            id: id.clone(),
            platform,
            platform_account_id: format!("acct-{handle}"),
            kind: ChannelKind::Profile,
            display_name: format!("Display {handle}"),
            handle: handle.to_string(),
            status: ChannelStatus::Connected,
            created_at: now_ms(),
            updated_at: now_ms(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    id
}

fn draft(text: &str, channels: &[&str]) -> ComposeInput {
    ComposeInput {
        text: text.into(),
        channels: channels.iter().map(|c| (*c).to_string()).collect(),
        time_zone: Some("Europe/Berlin".into()),
        draft: true,
        ..Default::default()
    }
}

fn scheduled(mut i: ComposeInput) -> ComposeInput {
    let at = chrono::Utc::now() + chrono::Duration::days(3);
    i.at = Some(at.to_rfc3339());
    i.draft = false;
    i
}

/// What the client's browser does: unlock with the password, read the key, sign a decision.
fn client_code(html: &str, password: &str, decision: Decision, feedback: &str) -> String {
    let (header, payload) = seal::open(html, password).unwrap();
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload["mac_key"].as_str().unwrap())
        .unwrap();
    let post = &payload["posts"][0];
    code::sign(
        &key,
        post["content_hash"].as_str().unwrap(),
        &header.preview_id,
        post["post_id"].as_str().unwrap(),
        decision,
        feedback,
    )
}

fn refusal(e: Error) -> Refusal {
    assert_eq!(e.code(), ErrorCode::ApprovalRefused, "{e}");
    let msg = e.to_string();
    assert!(!msg.is_empty());
    match e {
        Error::ApprovalRefused { reason, .. } => reason,
        other => panic!("not a refusal: {other}"),
    }
}

async fn row_snapshot(o: &Outpost) -> Vec<(String, Option<String>, Option<String>, Option<i64>)> {
    sqlx::query_as("SELECT id, decision, feedback, revoked_at FROM approval_previews ORDER BY id")
        .fetch_all(o.store().pool())
        .await
        .unwrap()
}

/// The client-approval state the board shows on a post's card.
async fn board_approval(o: &Outpost, post_id: &str) -> Option<String> {
    o.board(&BoardFilter::default())
        .await
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.kind == CardKind::Post && c.id == post_id)
        .expect("the post is on the board")
        .approval
}

async fn keys(o: &Outpost) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM sealed_secrets WHERE purpose = 'approval_decision_key'",
    )
    .fetch_one(o.store().pool())
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sealed_preview_round_trip_and_every_refusal() {
    let p = profile().await;
    let o = &p.o;
    let x = channel(o, Platform::X, "brand").await;
    let m = channel(o, Platform::Mastodon, "brand@example.social").await;
    let post = o
        .compose_create(draft("Launch day! #outpost https://example.com", &[&x, &m]))
        .await
        .unwrap();
    let other = o
        .compose_create(draft("Another post", &[&x]))
        .await
        .unwrap();
    let file = p.dir.path().join("preview.html");

    // Bad input to create: nothing stored.
    for (pw, ttl) in [
        ("short", None),
        (PW, Some(Duration::from_secs(25 * 3600))),
        (PW, Some(Duration::from_secs(10))),
    ] {
        assert!(
            o.create_approval_preview(&post.post.id, &Secret::new(pw), ttl, &file)
                .await
                .is_err()
        );
    }
    assert!(
        o.create_approval_preview("nope", &Secret::new(PW), None, &file)
            .await
            .is_err()
    );
    assert!(row_snapshot(o).await.is_empty());
    assert!(!file.exists());

    let t0 = std::time::Instant::now();
    let created = o
        .create_approval_preview(&post.post.id, &Secret::new(PW), None, &file)
        .await
        .unwrap();
    eprintln!(
        "create (PBKDF2 600k + Argon2id, debug build): {:?}",
        t0.elapsed()
    );
    assert_eq!(created.preview.state, PreviewState::Waiting);
    let span = created.preview.expires_at - created.preview.created_at;
    assert_eq!(span, 24 * 3600 * 1000, "default 24 hours");
    let html = std::fs::read_to_string(&file).unwrap();
    // Self-contained and sealed: no plaintext post, no password, no network references.
    assert!(!html.contains("Launch day"));
    assert!(!html.contains(PW));
    for needle in ["http://", "https://", "src=\"", "@import", "url("] {
        assert!(!html.contains(needle), "{needle} in the preview file");
    }
    assert!(html.contains("default-src 'none'"));
    // The app keeps an Argon2id hash, never the password.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM approval_previews")
        .fetch_one(o.store().pool())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PW));
    assert_eq!(keys(o).await, 1);

    // Wrong password: nothing opens.
    assert!(seal::open(&html, "wrong password!").is_err());
    let (_, payload) = seal::open(&html, PW).unwrap();
    let shown = &payload["posts"][0];
    assert_eq!(shown["post_id"], post.post.id.as_str());
    assert_eq!(shown["channels"].as_array().unwrap().len(), 2);
    assert_eq!(
        shown["channels"][0]["text"],
        "Launch day! #outpost https://example.com"
    );

    let good = client_code(&html, PW, Decision::Approved, "Ship it, but fix the link");
    let before = row_snapshot(o).await;

    // 1. Damaged / cut off.
    for bad in [
        "",
        "hello",
        &good[..good.len() - 5],
        &good[..good.len() / 2],
        &good.replacen("OA1", "OA9", 1),
    ] {
        assert_eq!(
            refusal(o.apply_approval_code(bad, None).await.unwrap_err()),
            Refusal::Malformed,
            "{bad}"
        );
    }
    // 2. Altered: feedback or decision changed in the body, signature kept.
    let parts: Vec<&str> = good.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let body: serde_json::Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    let mut forged = body.clone();
    forged[2] = "rejected".into();
    let forged = format!("OA1.{}.{}", b64.encode(forged.to_string()), parts[2]);
    assert_eq!(
        refusal(o.apply_approval_code(&forged, None).await.unwrap_err()),
        Refusal::Tampered
    );
    let mut tag = b64.decode(parts[2]).unwrap();
    tag[0] ^= 1;
    let flipped = format!("OA1.{}.{}", parts[1], b64.encode(&tag));
    assert_eq!(
        refusal(o.apply_approval_code(&flipped, None).await.unwrap_err()),
        Refusal::Tampered
    );
    // 3. Unknown preview.
    let mut unknown = body.clone();
    unknown[0] = outpost_store::new_id().into();
    let unknown = format!("OA1.{}.{}", b64.encode(unknown.to_string()), parts[2]);
    assert_eq!(
        refusal(o.apply_approval_code(&unknown, None).await.unwrap_err()),
        Refusal::UnknownPreview
    );
    // 4. Applied to another post.
    assert_eq!(
        refusal(
            o.apply_approval_code(&good, Some(&other.post.id))
                .await
                .unwrap_err()
        ),
        Refusal::OtherPost
    );
    // 5. A code signed with another preview's key, naming this preview: altered.
    let file2 = p.dir.path().join("other.html");
    o.create_approval_preview(&other.post.id, &Secret::new(PW), None, &file2)
        .await
        .unwrap();
    let html2 = std::fs::read_to_string(&file2).unwrap();
    let (_, payload2) = seal::open(&html2, PW).unwrap();
    let key2 = b64.decode(payload2["mac_key"].as_str().unwrap()).unwrap();
    let cross = code::sign(
        &key2,
        shown["content_hash"].as_str().unwrap(),
        &created.preview.id,
        &post.post.id,
        Decision::Approved,
        "",
    );
    assert_eq!(
        refusal(o.apply_approval_code(&cross, None).await.unwrap_err()),
        Refusal::Tampered
    );
    // The other preview's own code applied to the first post: another post.
    let code2 = client_code(&html2, PW, Decision::Rejected, "no");
    assert_eq!(
        refusal(
            o.apply_approval_code(&code2, Some(&post.post.id))
                .await
                .unwrap_err()
        ),
        Refusal::OtherPost
    );

    // 6. Post edited since the preview.
    let mut edited = draft(
        "Launch day! #outpost https://example.com (edited)",
        &[&x, &m],
    );
    o.update_post(&post.post.id, edited.clone()).await.unwrap();
    assert_eq!(
        refusal(o.apply_approval_code(&good, None).await.unwrap_err()),
        Refusal::PostEdited
    );
    // Editing back to the exact previewed content makes the code good again.
    edited.text = "Launch day! #outpost https://example.com".into();
    o.update_post(&post.post.id, edited).await.unwrap();

    // Nothing changed by any refusal (the second preview added one row, nothing else).
    let after = row_snapshot(o).await;
    assert_eq!(after.len(), 2);
    assert!(
        after.iter().all(|r| r.1.is_none() && r.3.is_none()),
        "{after:?}"
    );
    assert!(before.iter().all(|b| after.contains(b)));

    // Accepted, then never twice.
    let applied = o
        .apply_approval_code(&format!("  {good}\n"), Some(&post.post.id))
        .await
        .unwrap();
    assert_eq!(applied.decision, "approved");
    assert_eq!(applied.feedback, "Ship it, but fix the link");
    assert_eq!(
        refusal(o.apply_approval_code(&good, None).await.unwrap_err()),
        Refusal::AlreadyDecided
    );
    let state = o.post_approval(&post.post.id).await.unwrap();
    assert_eq!((state.status.as_str(), state.approved), ("approved", true));
    assert_eq!(
        state.latest.unwrap().feedback.as_deref(),
        Some("Ship it, but fix the link")
    );

    // 7. Revoked.
    o.revoke_approval_preview(&payload2_id(&html2))
        .await
        .unwrap();
    assert_eq!(
        refusal(o.apply_approval_code(&code2, None).await.unwrap_err()),
        Refusal::Revoked
    );
    let left: Vec<(String, String)> = sqlx::query_as(
        "SELECT owner_id, owner_kind FROM sealed_secrets WHERE purpose = 'approval_decision_key'",
    )
    .fetch_all(o.store().pool())
    .await
    .unwrap();
    assert!(
        left.is_empty(),
        "decided and revoked previews keep no key: {left:?} {:?}",
        row_snapshot(o).await
    );

    // 8. Expired: a third preview whose expiry passed.
    let file3 = p.dir.path().join("third.html");
    let third = o
        .create_approval_preview(
            &other.post.id,
            &Secret::new(PW),
            Some(Duration::from_secs(3600)),
            &file3,
        )
        .await
        .unwrap();
    let code3 = client_code(
        &std::fs::read_to_string(&file3).unwrap(),
        PW,
        Decision::Approved,
        "",
    );
    sqlx::query("UPDATE approval_previews SET expires_at = ?2 WHERE id = ?1")
        .bind(&third.preview.id)
        .bind(now_ms() - 1)
        .execute(o.store().pool())
        .await
        .unwrap();
    assert_eq!(
        refusal(o.apply_approval_code(&code3, None).await.unwrap_err()),
        Refusal::Expired
    );
    let list = o.approval_previews().await.unwrap();
    let states: Vec<PreviewState> = list.iter().map(|v| v.state).collect();
    assert_eq!(
        states,
        vec![
            PreviewState::Expired,
            PreviewState::Revoked,
            PreviewState::Approved
        ]
    );
    // Purged at expiry: no key, no password hash.
    assert_eq!(keys(o).await, 0);
    let hashes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM approval_previews WHERE password_hash IS NOT NULL",
    )
    .fetch_one(o.store().pool())
    .await
    .unwrap();
    assert_eq!(hashes, 0);
}

fn payload2_id(html: &str) -> String {
    let f = seal::extract(html).unwrap();
    let h: seal::Header = serde_json::from_str(&f.header).unwrap();
    h.preview_id
}

#[tokio::test(flavor = "multi_thread")]
async fn needs_approval_blocks_scheduling_until_the_current_content_is_approved() {
    let p = profile().await;
    let o = &p.o;
    let x = channel(o, Platform::X, "client").await;
    o.set_channel_requires_approval(&x, true).await.unwrap();
    // A new scheduled post on that channel is refused; a draft is fine.
    let e = o
        .compose_create(scheduled(draft("Hello", &[&x])))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("approval"), "{e}");
    assert_eq!(
        o.list_posts(100, 0).await.unwrap().len(),
        0,
        "nothing created"
    );
    let post = o.compose_create(draft("Hello", &[&x])).await.unwrap();
    let id = post.post.id.clone();
    assert!(o.post_approval(&id).await.unwrap().needs_approval);
    o.place_on_board(
        &CardRef {
            kind: CardKind::Post,
            id: id.clone(),
        },
        None,
    )
    .await
    .unwrap();
    assert_eq!(board_approval(o, &id).await, None, "never sent: no mark");
    assert!(
        o.update_post(&id, scheduled(draft("Hello", &[&x])))
            .await
            .is_err()
    );

    let file = p.dir.path().join("p.html");
    o.create_approval_preview(&id, &Secret::new(PW), None, &file)
        .await
        .unwrap();
    let html = std::fs::read_to_string(&file).unwrap();
    assert_eq!(board_approval(o, &id).await.as_deref(), Some("waiting"));
    // Rejected: still blocked.
    o.apply_approval_code(
        &client_code(&html, PW, Decision::Rejected, "Too loud"),
        None,
    )
    .await
    .unwrap();
    assert!(
        o.update_post(&id, scheduled(draft("Hello", &[&x])))
            .await
            .is_err()
    );
    assert_eq!(o.post_approval(&id).await.unwrap().status, "rejected");
    assert_eq!(board_approval(o, &id).await.as_deref(), Some("rejected"));
    // A new preview, approved: the same content can be scheduled; an edit cannot.
    let file = p.dir.path().join("p2.html");
    o.create_approval_preview(&id, &Secret::new(PW), None, &file)
        .await
        .unwrap();
    let html = std::fs::read_to_string(&file).unwrap();
    o.apply_approval_code(&client_code(&html, PW, Decision::Approved, ""), Some(&id))
        .await
        .unwrap();
    assert_eq!(board_approval(o, &id).await.as_deref(), Some("approved"));
    assert!(
        o.update_post(&id, scheduled(draft("Hello, edited", &[&x])))
            .await
            .is_err()
    );
    let done = o
        .update_post(&id, scheduled(draft("Hello", &[&x])))
        .await
        .unwrap();
    assert_eq!(done.post.status, "scheduled");
    // The per-post setting wins over the channel's default.
    let free = o.compose_create(draft("Internal", &[&x])).await.unwrap();
    o.set_post_needs_approval(&free.post.id, Some(false))
        .await
        .unwrap();
    o.update_post(&free.post.id, scheduled(draft("Internal", &[&x])))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn previews_travel_in_exports_without_their_keys_and_delete_all_removes_them() {
    let p = profile().await;
    let o = &p.o;
    let x = channel(o, Platform::X, "brand").await;
    let post = o.compose_create(draft("Export me", &[&x])).await.unwrap();
    let file = p.dir.path().join("e.html");
    o.create_approval_preview(&post.post.id, &Secret::new(PW), None, &file)
        .await
        .unwrap();
    let html = std::fs::read_to_string(&file).unwrap();
    let archive = p.dir.path().join("export.zip");
    o.export_archive(&archive, None).await.unwrap();

    // Imported into a fresh profile: the preview is listed, its key did not travel.
    let q = bare_profile().await;
    q.o.import_archive(&archive, &outpost_app::data::ImportOptions::default(), None)
        .await
        .unwrap();
    let list = q.o.approval_previews().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, PreviewState::Waiting);
    let hashes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM approval_previews WHERE password_hash IS NOT NULL",
    )
    .fetch_one(q.o.store().pool())
    .await
    .unwrap();
    assert_eq!(hashes, 0, "the password hash does not travel");
    let code = client_code(&html, PW, Decision::Approved, "");
    assert_eq!(
        refusal(q.o.apply_approval_code(&code, None).await.unwrap_err()),
        Refusal::KeyUnavailable
    );
    // The original still takes it.
    o.apply_approval_code(&code, None).await.unwrap();

    o.delete_all_data(&outpost_app::data::NoRevoker)
        .await
        .unwrap();
    assert!(o.approval_previews().await.unwrap().is_empty());
}
