//! Channel sign-in and the token lifecycle of the nine OAuth platforms against the strict platform
//! emulators (`tests/emulators/`): connect, sealed storage, refresh rotation, revocation, and the
//! failure paths (state mismatch, refusal, expired code, cancel, timeout, missing app, malformed
//! answers, flapping network, 503 storms, revoked grants, expired access tokens, deep links).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod channels_support;

use std::collections::BTreeSet;
use std::time::Duration;

use channels_support::*;
use outpost_app::channels::{ChannelView, RedirectKind, RefreshOutcome, Surface};
use outpost_app::{ErrorCode, Outpost};
use outpost_platforms::{Endpoints, Platform};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The table

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rotation {
    /// A new refresh token each time; the old one is dead (X, TikTok).
    Rotates,
    /// The same refresh token is used again (LinkedIn, YouTube).
    Same,
    /// A new refresh token each time; the old one stays valid until it expires (Pinterest).
    NewOldValid,
    /// No refresh (Facebook: long-lived tokens; Instagram/Threads: only after 24 h; Mastodon).
    NotRefreshable,
}

struct Row {
    p: Platform,
    /// `(kind, account id)` of every candidate offered, in order.
    candidates: &'static [(&'static str, &'static str)],
    /// Whether the access tokens stored have an expiry.
    expires: bool,
    rotation: Rotation,
    /// Token endpoint path (refresh requests go there).
    token_path: &'static str,
    /// The upstream revocation request `(method, path)`; `None` = not offered.
    revoke: Option<(&'static str, &'static str)>,
}

const X: Row = Row {
    p: Platform::X,
    candidates: &[("profile", "1346889436626259968")],
    expires: true,
    rotation: Rotation::Rotates,
    token_path: "/2/oauth2/token",
    revoke: Some(("POST", "/2/oauth2/revoke")),
};
const LINKEDIN: Row = Row {
    p: Platform::Linkedin,
    candidates: &[("profile", "782bbtaQ"), ("organization", "2414183")],
    expires: true,
    rotation: Rotation::Same,
    token_path: "/oauth/v2/accessToken",
    revoke: None,
};
const FACEBOOK: Row = Row {
    p: Platform::Facebook,
    candidates: &[("page", "104857600000001"), ("page", "104857600000002")],
    expires: false,
    rotation: Rotation::NotRefreshable,
    token_path: "/v23.0/oauth/access_token",
    revoke: Some(("DELETE", "/v23.0/me/permissions")),
};
const INSTAGRAM: Row = Row {
    p: Platform::Instagram,
    candidates: &[("profile", "17841400000000001")],
    expires: true,
    rotation: Rotation::NotRefreshable,
    token_path: "/refresh_access_token",
    revoke: None,
};
const THREADS: Row = Row {
    p: Platform::Threads,
    candidates: &[("profile", "26012345678901234")],
    expires: true,
    rotation: Rotation::NotRefreshable,
    token_path: "/refresh_access_token",
    revoke: None,
};
const YOUTUBE: Row = Row {
    p: Platform::Youtube,
    candidates: &[("profile", "UCoutpostTester0000000001")],
    expires: true,
    rotation: Rotation::Same,
    token_path: "/token",
    revoke: Some(("POST", "/revoke")),
};
const TIKTOK: Row = Row {
    p: Platform::Tiktok,
    candidates: &[("profile", "-000OutpostTesterOpenId0001")],
    expires: true,
    rotation: Rotation::Rotates,
    token_path: "/v2/oauth/token/",
    revoke: Some(("POST", "/v2/oauth/revoke/")),
};
const PINTEREST: Row = Row {
    p: Platform::Pinterest,
    candidates: &[("profile", "549755885175")],
    expires: true,
    rotation: Rotation::NewOldValid,
    token_path: "/v5/oauth/token",
    revoke: None,
};
const MASTODON: Row = Row {
    p: Platform::Mastodon,
    candidates: &[("profile", "109876543210987654")],
    expires: false,
    rotation: Rotation::NotRefreshable,
    token_path: "/oauth/token",
    revoke: Some(("POST", "/oauth/revoke")),
};

/// Every secret value the emulator saw on the wire: bearer tokens, codes, refresh tokens, client
/// secrets, exchanged tokens.
fn secrets_seen(log: &[Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in log {
        if let Some(b) = e["headers"]["authorization"]
            .as_str()
            .and_then(|a| a.strip_prefix("Bearer "))
        {
            out.insert(b.to_string());
        }
        for part in ["form", "query", "json"] {
            if let Some(m) = e[part].as_object() {
                for (k, v) in m {
                    if matches!(
                        k.as_str(),
                        "code"
                            | "refresh_token"
                            | "access_token"
                            | "fb_exchange_token"
                            | "client_secret"
                            | "token"
                            | "code_verifier"
                    ) && let Some(s) = v.as_str()
                    {
                        out.insert(s.to_string());
                    }
                }
            }
        }
    }
    out
}

async fn assert_sealed(s: &Setup) {
    let log = s.emu.log().await;
    let seen = secrets_seen(&log);
    assert!(
        !seen.is_empty(),
        "{}: the emulator saw no tokens at all",
        s.platform
    );
    let db = db_bytes(&s.o);
    for secret in &seen {
        assert!(
            !contains(&db, secret.as_bytes()),
            "{}: {secret:.12}… is in the database file in plain text",
            s.platform
        );
    }
    assert!(
        !contains(&db, CLIENT_SECRET.as_bytes()),
        "client secret in plain text"
    );
}

/// The `refresh_token` of each refresh request, in order.
async fn refresh_tokens_sent(s: &Setup, path: &str) -> Vec<String> {
    s.emu
        .log()
        .await
        .iter()
        .filter(|e| e["path"] == path && e["form"]["grant_type"] == "refresh_token")
        .map(|e| e["form"]["refresh_token"].as_str().unwrap().to_string())
        .collect()
}

async fn next_event(
    rx: &mut tokio::sync::broadcast::Receiver<outpost_app::channels::ChannelEvent>,
    reason: &str,
) -> outpost_app::channels::ChannelEvent {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let e = rx.recv().await.unwrap();
            if e.reason == reason {
                return e;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no `{reason}` event"))
}

async fn lifecycle(row: Row) {
    let p = row.p;
    let s = setup(p).await;
    let mut events = s.o.channel_events();
    // Mastodon runs on the deep-link surface here: its CLI loopback port cannot be changed
    // (see `mastodon_cli_loopback`).
    let surface = if p == Platform::Mastodon {
        Surface::Desktop
    } else {
        Surface::Cli
    };
    let (started, visit, waited) = s.sign_in(surface).await;
    let cands = waited.unwrap_or_else(|e| panic!("{p}: sign-in failed: {e} (browser: {visit:?})"));

    // The authorization request as the wire contract says.
    assert_eq!(visit.visited[0], started.authorize_url);
    let state = query_param(&started.authorize_url, "state").unwrap();
    assert_eq!(state.len(), 43, "{p}: state {state}");
    if matches!(
        p,
        Platform::X | Platform::Youtube | Platform::Tiktok | Platform::Mastodon
    ) {
        assert_eq!(
            query_param(&started.authorize_url, "code_challenge_method").as_deref(),
            Some("S256")
        );
    }
    if p == Platform::Mastodon {
        assert_eq!(started.redirect, RedirectKind::DeepLink);
        let link = visit.deep_link.as_deref().unwrap();
        assert!(
            link.starts_with("app.outpost.desktop://oauth/callback/mastodon-127.0.0.1-"),
            "{link}"
        );
    } else {
        assert_eq!(started.redirect, RedirectKind::Loopback);
        assert_eq!(visit.status, 200, "{p}: loopback page: {visit:?}");
        let last = visit.visited.last().unwrap();
        let expected_prefix = match s.port {
            Some(port) => format!("http://127.0.0.1:{port}/oauth/{}/callback?", p.id()),
            None => "http://127.0.0.1:".to_string(),
        };
        assert!(last.starts_with(&expected_prefix), "{p}: last hop {last}");
        assert!(
            last.contains(&format!("/oauth/{}/callback?", p.id())),
            "{last}"
        );
    }

    // Candidates.
    let offered: Vec<(String, String)> = cands
        .candidates
        .iter()
        .map(|c| (c.kind.clone(), c.platform_account_id.clone()))
        .collect();
    assert_eq!(offered.len(), row.candidates.len(), "{p}: {offered:?}");
    for ((kind, id), (ekind, eid)) in offered.iter().zip(row.candidates) {
        assert_eq!(kind, ekind, "{p}: {offered:?}");
        assert!(id.contains(eid), "{p}: account id {id} (expected {eid})");
    }
    assert!(
        cands
            .candidates
            .iter()
            .all(|c| c.existing_channel_id.is_none())
    );
    assert!(!cands.granted_scopes.is_empty(), "{p}: no scopes granted");
    assert!(
        cands.missing_scopes.is_empty(),
        "{p}: missing {:?}",
        cands.missing_scopes
    );

    // Connect everything offered.
    let keys: Vec<String> = cands.candidates.iter().map(|c| c.key.clone()).collect();
    let views = s.o.connect_finish(&cands.flow_id, &keys).await.unwrap();
    assert_eq!(views.len(), row.candidates.len());
    let now = outpost_store::now_ms();
    for v in &views {
        assert_eq!(v.status, "connected", "{p}");
        assert_eq!(v.platform, p);
        assert!(!v.scopes.is_empty(), "{p}: no scopes stored");
        match (row.expires, v.token_expires_at) {
            (true, Some(e)) => assert!(
                e > now + 60_000 && e < now + 61 * 86_400_000,
                "{p}: expiry {e} vs now {now}"
            ),
            (false, None) => {}
            (want, got) => panic!("{p}: expiry expected {want}, got {got:?}"),
        }
    }
    if p == Platform::Mastodon {
        assert_eq!(views[0].instance_url.trim_end_matches('/'), s.emu.origin);
    }
    let ev = next_event(&mut events, "connected").await;
    let mut ids: Vec<String> = views.iter().map(|v| v.id.clone()).collect();
    let mut ev_ids = ev.channel_ids.clone();
    ids.sort();
    ev_ids.sort();
    assert_eq!(ev_ids, ids);
    let listed = s.o.channels().await.unwrap();
    assert_eq!(listed.len(), views.len());
    assert!(listed.iter().all(|c| c.status == "connected"));
    for v in &views {
        assert_eq!(sealed_count(&s.o, &v.id).await, 1, "{p}: tokens sealed");
    }
    assert_sealed(&s).await;
    let first_bearer = s.emu.bearers().await.first().cloned();

    // Refresh (forced, twice) follows the platform's rotation rule.
    let id = views[0].id.clone();
    let r1 = s.o.refresh_channel(&id, true).await.unwrap();
    if row.rotation == Rotation::NotRefreshable {
        assert_eq!(r1, RefreshOutcome::NotRefreshable, "{p}");
        assert_eq!(s.emu.state().await["refreshes"], 0, "{p}");
        assert!(refresh_tokens_sent(&s, row.token_path).await.is_empty());
    } else {
        assert_eq!(r1, RefreshOutcome::Refreshed, "{p}");
        next_event(&mut events, "refreshed").await;
        let r2 = s.o.refresh_channel(&id, true).await.unwrap();
        assert_eq!(r2, RefreshOutcome::Refreshed, "{p}");
        assert_eq!(s.emu.state().await["refreshes"], 2, "{p}");
        let sent = refresh_tokens_sent(&s, row.token_path).await;
        assert_eq!(sent.len(), 2, "{p}: {sent:?}");
        match row.rotation {
            Rotation::Rotates => {
                assert_ne!(
                    sent[0], sent[1],
                    "{p}: the rotated refresh token was not kept"
                );
                // The first refresh token is dead upstream.
                let form: Vec<(&str, &str)> = if p == Platform::X {
                    vec![
                        ("grant_type", "refresh_token"),
                        ("refresh_token", &sent[0]),
                        ("client_id", CLIENT_ID),
                    ]
                } else {
                    vec![
                        ("grant_type", "refresh_token"),
                        ("refresh_token", &sent[0]),
                        ("client_key", CLIENT_ID),
                        ("client_secret", CLIENT_SECRET),
                    ]
                };
                let (status, body) = s.emu.post_form(row.token_path, &form).await;
                assert_eq!(status, 400, "{p}: old refresh token still works: {body}");
            }
            Rotation::Same => assert_eq!(sent[0], sent[1], "{p}"),
            Rotation::NewOldValid => assert_ne!(sent[0], sent[1], "{p}"),
            Rotation::NotRefreshable => unreachable!(),
        }
        let v =
            s.o.channels()
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.id == id)
                .unwrap();
        assert_eq!(v.status, "connected");
        assert!(v.token_expires_at.unwrap() > now);
    }
    // The stored (possibly refreshed) token works. (Facebook: see `facebook_check_channel`.)
    if p != Platform::Facebook {
        let checked = s.o.check_channel(&id).await.unwrap();
        assert_eq!(checked.status, "connected");
    }
    let last_bearer = s.emu.bearers().await.last().cloned();
    if row.rotation != Rotation::NotRefreshable && p != Platform::Facebook {
        assert_ne!(
            first_bearer, last_bearer,
            "{p}: the refreshed access token was not used"
        );
    }
    assert_sealed(&s).await;

    // Disconnect every channel; the grant is revoked with the last one.
    let before = s.emu.log().await.len();
    for (i, v) in views.iter().enumerate() {
        let report = s.o.disconnect_channel(&v.id).await.unwrap();
        let last = i + 1 == views.len();
        if !last {
            assert_eq!(report.upstream, "shared_grant", "{p}: {report:?}");
            continue;
        }
        match row.revoke {
            Some((method, path)) => {
                assert_eq!(report.upstream, "revoked", "{p}: {report:?}");
                let revokes = s.emu.requests(method, path).await;
                assert_eq!(revokes.len(), 1, "{p}: revocation requests");
                assert_eq!(revokes[0]["status"], 200);
                let st = s.emu.state().await;
                assert!(st["revoked"].as_i64().unwrap() >= 1, "{p}: {st}");
                assert_eq!(st["live_access_tokens"], 0, "{p}: {st}");
            }
            None => {
                assert_eq!(report.upstream, "not_offered", "{p}: {report:?}");
                assert!(
                    report.note.as_deref().is_some_and(|n| n.len() > 10),
                    "{p}: no note on how to remove the app: {report:?}"
                );
                assert_eq!(s.emu.log().await.len(), before, "{p}: a request was sent");
                assert_eq!(s.emu.state().await["revoked"], 0);
            }
        }
    }
    for c in s.o.channels().await.unwrap() {
        assert_eq!(c.status, "disconnected");
        assert_eq!(c.token_expires_at, None);
        assert_eq!(
            sealed_count(&s.o, &c.id).await,
            0,
            "{p}: tokens left behind"
        );
    }
    next_event(&mut events, "disconnected").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_x() {
    lifecycle(X).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_linkedin() {
    lifecycle(LINKEDIN).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_facebook() {
    lifecycle(FACEBOOK).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_instagram() {
    lifecycle(INSTAGRAM).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_threads() {
    lifecycle(THREADS).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_youtube() {
    lifecycle(YOUTUBE).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_tiktok() {
    lifecycle(TIKTOK).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_pinterest() {
    lifecycle(PINTEREST).await;
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_mastodon() {
    lifecycle(MASTODON).await;
}

// ---------------------------------------------------------------------------------------------
// Failure paths

async fn assert_nothing_stored(s: &Setup) {
    assert!(
        s.o.channels().await.unwrap().is_empty(),
        "a channel was stored"
    );
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sealed_secrets WHERE owner_kind = 'channel'")
            .fetch_one(s.o.store().pool())
            .await
            .unwrap();
    assert_eq!(n, 0, "tokens were sealed");
}

/// The loopback redirect URI of a flow (where the browser walk should stop).
fn loopback_prefix(started: &outpost_app::channels::ConnectStarted) -> String {
    query_param(&started.authorize_url, "redirect_uri").unwrap()
}

/// A connected channel of `p` (the first one offered).
async fn connected(p: Platform) -> (Setup, ChannelView) {
    let s = setup(p).await;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let keys: Vec<String> = c.candidates.iter().map(|c| c.key.clone()).collect();
    let v = s.o.connect_finish(&c.flow_id, &keys).await.unwrap();
    (s, v.into_iter().next().unwrap())
}

/// A self-serve LinkedIn app (OpenID + Share on LinkedIn, no Community Management): Outpost asks
/// for the member scopes only and connects the profile; saying the app has Community Management
/// when it has not gets LinkedIn's refusal, shown with the scope it names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkedin_asks_only_for_the_scopes_of_the_apps_products() {
    let s = setup(Platform::Linkedin).await;
    // The emulator's app now has only the self-serve products; Outpost is told so.
    let uri = s.redirect_uri.clone().unwrap();
    s.emu
        .admin(
            "apps",
            json!({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [uri],
                   "products": ["sign_in_openid", "share"]}),
        )
        .await;
    let v =
        s.o.save_developer_app(Platform::Linkedin, CLIENT_ID, None, false)
            .await
            .unwrap();
    assert!(v.offers_organization_access && !v.organization_access);
    assert_eq!(v.scopes, ["openid", "profile", "w_member_social"]);
    let (started, visit, waited) = s.sign_in(Surface::Cli).await;
    assert_eq!(
        query_param(&started.authorize_url, "scope").as_deref(),
        Some("openid profile w_member_social")
    );
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    let kinds: Vec<&str> = c.candidates.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["profile"],
        "no organization without Community Management"
    );
    assert!(c.missing_scopes.is_empty(), "{:?}", c.missing_scopes);
    assert!(
        s.emu
            .requests("GET", "/rest/organizationAcls")
            .await
            .is_empty(),
        "organizations were looked up without the scopes"
    );
    s.o.connect_cancel(&c.flow_id);

    // The user claims Community Management the app does not have: LinkedIn refuses the scope.
    let v =
        s.o.save_developer_app(Platform::Linkedin, CLIENT_ID, None, true)
            .await
            .unwrap();
    assert!(v.organization_access && v.scopes.contains(&"w_organization_social".to_string()));
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let e = waited.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed, "{e}");
    assert!(
        e.to_string()
            .contains("is not authorized for your application"),
        "LinkedIn's reason is not shown: {e}"
    );
    assert!(
        visit
            .visited
            .last()
            .unwrap()
            .contains("error=unauthorized_scope_error"),
        "{visit:?}"
    );
    // Only LinkedIn has the choice.
    let e =
        s.o.save_developer_app(Platform::X, CLIENT_ID, None, true)
            .await
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

/// Disconnecting X against an OAuth server that answers revocations as RFC 7009 §2.2 allows (200
/// and an empty body): the token is revoked there and the disconnect says so. A server that
/// answers 200 but did not revoke (`{"revoked": false}`) is shown as not revoked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_revocation_per_rfc_7009_and_a_revoke_that_did_not_revoke() {
    let (s, v) = connected(Platform::X).await;
    s.emu.admin("revoke-mode", json!({"mode": "rfc7009"})).await;
    let r = s.o.disconnect_channel(&v.id).await.unwrap();
    assert_eq!(r.upstream, "revoked", "{r:?}");
    let revokes = s.emu.requests("POST", "/2/oauth2/revoke").await;
    assert_eq!(revokes.len(), 1);
    assert_eq!(revokes[0]["status"], 200);
    let st = s.emu.state().await;
    assert!(
        st["revoked"].as_i64().unwrap() >= 1,
        "the server saw no token revoked: {st}"
    );
    assert_eq!(st["live_access_tokens"], 0, "{st}");

    let (s, v) = connected(Platform::X).await;
    s.emu
        .admin("revoke-mode", json!({"mode": "not_revoked"}))
        .await;
    let r = s.o.disconnect_channel(&v.id).await.unwrap();
    assert_eq!(r.upstream, "failed", "{r:?}");
    let note = r.note.unwrap_or_default();
    assert!(note.contains("not revoked"), "{note}");
    assert!(
        !note.contains("Bearer") && !note.contains("token="),
        "{note}"
    );
    assert_eq!(s.emu.state().await["revoked"], 0);
    // Local tokens are gone whatever the platform said.
    assert_eq!(sealed_count(&s.o, &v.id).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_state_fails_and_closes_the_listener() {
    let s = setup(Platform::X).await;
    let started = s.start(Surface::Cli, Duration::from_secs(20)).await;
    let port = s.port.unwrap();
    assert!(port_open(port), "the listener is not up during the sign-in");
    // The browser reaches the platform, which answers with a code; a forged callback with another
    // state arrives first.
    let v = follow_until(&started.authorize_url, Some(&loopback_prefix(&started))).await;
    let real = v.stopped_at.unwrap();
    let code = query_param(&real, "code").unwrap();
    let forged = format!(
        "http://127.0.0.1:{port}/oauth/x/callback?code={code}&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    );
    let (visit, waited) = tokio::join!(follow(&forged), s.o.connect_wait(&started.flow_id));
    let e = waited.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed, "{e}");
    assert!(e.to_string().contains("state"), "{e}");
    assert_eq!(visit.status, 400, "the browser page: {visit:?}");
    assert_nothing_stored(&s).await;
    assert!(
        s.emu.requests("POST", "/2/oauth2/token").await.is_empty(),
        "the code was exchanged despite the state mismatch"
    );
    assert!(!port_open(port), "the listener is still open");
    // The flow is gone.
    let again = s.o.connect_wait(&started.flow_id).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_denied_fails_with_the_reason() {
    let s = setup(Platform::X).await;
    s.emu.admin("consent", json!({"decision": "deny"})).await;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    let e = waited.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed, "{e}");
    assert!(
        e.to_string().contains("The user denied your request"),
        "the platform's reason is not shown: {e}"
    );
    assert!(
        visit
            .visited
            .last()
            .unwrap()
            .contains("error=access_denied")
    );
    assert_nothing_stored(&s).await;
    assert!(!port_open(s.port.unwrap()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_code_is_rejected_and_nothing_stored() {
    let s = setup(Platform::X).await;
    let started = s.start(Surface::Cli, Duration::from_secs(20)).await;
    let v = follow_until(&started.authorize_url, Some(&loopback_prefix(&started))).await;
    let callback = v
        .stopped_at
        .expect("the platform did not redirect to the loopback");
    // X codes live 30 s.
    s.emu.admin("clock", json!({"advance_seconds": 31})).await;
    let (visit, waited) = tokio::join!(follow(&callback), s.o.connect_wait(&started.flow_id));
    assert_eq!(visit.status, 200, "the callback itself was valid");
    let e = waited.unwrap_err();
    assert!(
        matches!(
            e.code(),
            ErrorCode::PlatformRejected | ErrorCode::SignInFailed
        ),
        "{:?}: {e}",
        e.code()
    );
    let tokens = s.emu.requests("POST", "/2/oauth2/token").await;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["status"], 400);
    assert_eq!(s.emu.state().await["codes_redeemed"], 0);
    assert_nothing_stored(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replayed_code_is_rejected() {
    // The browser (or an attacker) delivers the same code to a second sign-in.
    let s = setup(Platform::X).await;
    let (_, visit, waited) = s.sign_in(Surface::Cli).await;
    waited.unwrap();
    let used = visit.visited.last().unwrap().clone();
    let code = query_param(&used, "code").unwrap();
    let started = s.start(Surface::Cli, Duration::from_secs(20)).await;
    let state = query_param(&started.authorize_url, "state").unwrap();
    let port = s.port.unwrap();
    let replay = format!("http://127.0.0.1:{port}/oauth/x/callback?code={code}&state={state}");
    let (_, waited) = tokio::join!(follow(&replay), s.o.connect_wait(&started.flow_id));
    let e = waited.unwrap_err();
    assert!(
        matches!(
            e.code(),
            ErrorCode::PlatformRejected | ErrorCode::SignInFailed
        ),
        "{:?}: {e}",
        e.code()
    );
    assert_nothing_stored(&s).await;
    // Replay revokes what the code issued (emulator rule).
    assert!(s.emu.state().await["revoked"].as_i64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_ends_the_sign_in() {
    let s = setup(Platform::X).await;
    let started = s.start(Surface::Cli, Duration::from_secs(20)).await;
    let o = s.o.clone();
    let flow = started.flow_id.clone();
    let waiting = tokio::spawn(async move { o.connect_wait(&flow).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.o.connect_cancel(&started.flow_id);
    let e = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("connect_wait did not end after cancel")
        .unwrap()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInCancelled, "{e}");
    assert!(!port_open(s.port.unwrap()), "the listener is still open");
    assert_nothing_stored(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_ends_the_sign_in() {
    let s = setup(Platform::X).await;
    let started = s.start(Surface::Cli, Duration::from_millis(400)).await;
    let t0 = std::time::Instant::now();
    let e = s.o.connect_wait(&started.flow_id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInTimedOut, "{e}");
    assert!(t0.elapsed() < Duration::from_secs(3));
    assert!(!port_open(s.port.unwrap()), "the listener is still open");
    assert_nothing_stored(&s).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_not_configured() {
    let dir = tempfile::tempdir().unwrap();
    let browser = std::sync::Arc::new(NoBrowser::default());
    let o = Outpost::open(options(dir.path(), Endpoints::default(), browser.clone()))
        .await
        .unwrap();
    for p in [Platform::X, Platform::Youtube, Platform::Linkedin] {
        let e = o
            .connect_start_with_timeout(p, None, Surface::Cli, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::AppNotConfigured, "{p}: {e}");
        let e = o.set_loopback_port(p, 50000).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::AppNotConfigured, "{p}: {e}");
    }
    assert!(
        browser.opened.lock().unwrap().is_empty(),
        "a browser was opened"
    );
    let apps = o.developer_apps().await.unwrap();
    let x = apps.iter().find(|a| a.platform == Platform::X).unwrap();
    assert!(!x.configured);
    // A secret is required where the platform needs one.
    let e = o
        .save_developer_app(Platform::Youtube, "id", None, false)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

/// A token endpoint answering 200 with a body that lacks `access_token`. The emulators' `fail`
/// only produces 4xx/5xx, so this is a tiny hand-written server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_response_missing_fields_is_rejected() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let hits2 = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let hits = hits2.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&buf).to_string();
                let line = text.lines().next().unwrap_or_default().to_string();
                hits.lock().unwrap().push(line.clone());
                let body = if line.starts_with("POST /2/oauth2/token") {
                    r#"{"token_type":"bearer","expires_in":7200,"scope":"tweet.read users.read"}"#
                } else {
                    r#"{"data":{"id":"1","name":"n","username":"u"}}"#
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let o = Outpost::open(options(
        dir.path(),
        Endpoints::default().with(Platform::X, &origin).unwrap(),
        std::sync::Arc::new(NoBrowser::default()),
    ))
    .await
    .unwrap();
    o.save_developer_app(Platform::X, CLIENT_ID, None, false)
        .await
        .unwrap();
    let port = free_port();
    o.set_loopback_port(Platform::X, port).await.unwrap();
    let started = o
        .connect_start_with_timeout(Platform::X, None, Surface::Cli, Duration::from_secs(20))
        .await
        .unwrap();
    assert!(
        started
            .authorize_url
            .starts_with(&format!("{origin}/i/oauth2/authorize?"))
    );
    let state = query_param(&started.authorize_url, "state").unwrap();
    let cb = format!("http://127.0.0.1:{port}/oauth/x/callback?code=abc&state={state}");
    let (_, waited) = tokio::join!(follow(&cb), o.connect_wait(&started.flow_id));
    let e = waited.unwrap_err();
    assert_eq!(e.code(), ErrorCode::PlatformRejected, "{e}");
    let hits = hits.lock().unwrap().clone();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].starts_with("POST /2/oauth2/token"));
    assert!(o.channels().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_survives_dropped_connections() {
    let (s, ch) = connected(Platform::X).await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/oauth2/token", "mode": "drop", "times": 2}),
        )
        .await;
    let out = s.o.refresh_channel(&ch.id, true).await.unwrap();
    assert_eq!(out, RefreshOutcome::Refreshed);
    let statuses: Vec<Value> = s
        .emu
        .requests("POST", "/2/oauth2/token")
        .await
        .iter()
        .filter(|e| e["form"]["grant_type"] == "refresh_token")
        .map(|e| e["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(0), json!(0), json!(200)]);
    assert_eq!(s.o.channels().await.unwrap()[0].status, "connected");
    assert_eq!(s.o.check_channel(&ch.id).await.unwrap().status, "connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_503_storm_is_deferred() {
    let (s, ch) = connected(Platform::X).await;
    s.emu
        .admin(
            "fail",
            json!({"path": "/2/oauth2/token", "status": 503, "times": 50}),
        )
        .await;
    let out = s.o.refresh_channel(&ch.id, true).await.unwrap();
    assert!(matches!(out, RefreshOutcome::Deferred(_)), "{out:?}");
    let tries = s.emu.requests("POST", "/2/oauth2/token").await;
    let refreshes: Vec<_> = tries
        .iter()
        .filter(|e| e["form"]["grant_type"] == "refresh_token")
        .collect();
    // One attempt and three retries, all 503.
    assert_eq!(refreshes.len(), 4, "{refreshes:?}");
    assert!(refreshes.iter().all(|e| e["status"] == 503));
    let c = &s.o.channels().await.unwrap()[0];
    assert_eq!(c.status, "connected");
    assert_eq!(sealed_count(&s.o, &ch.id).await, 1);
    // The still-valid access token is handed out.
    s.o.fresh_tokens(&ch.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoked_grant_needs_reconnect() {
    let (s, ch) = connected(Platform::X).await;
    let mut events = s.o.channel_events();
    s.emu.admin("revoke-all", json!({})).await;
    let out = s.o.refresh_channel(&ch.id, true).await.unwrap();
    assert!(matches!(out, RefreshOutcome::ReconnectNeeded(_)), "{out:?}");
    let ev = next_event(&mut events, "reconnect_needed").await;
    assert_eq!(ev.channel_ids, vec![ch.id.clone()]);
    assert!(
        ev.message
            .as_deref()
            .unwrap_or_default()
            .contains("Reconnect"),
        "{ev:?}"
    );
    let c = &s.o.channels().await.unwrap()[0];
    assert_eq!(c.id, ch.id, "the channel row is gone");
    assert_eq!(c.status, "reconnect_needed");
    assert!(c.status_reason.is_some());
    assert_eq!(
        sealed_count(&s.o, &ch.id).await,
        1,
        "the tokens were deleted"
    );
    let e = s.o.fresh_tokens(&ch.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded);
    let e = s.o.check_channel(&ch.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded);
    // Reconnecting the same account updates the channel.
    let (_, _, waited) = s.sign_in(Surface::Cli).await;
    let c2 = waited.unwrap();
    assert_eq!(
        c2.candidates[0].existing_channel_id.as_deref(),
        Some(ch.id.as_str())
    );
    let v =
        s.o.connect_finish(&c2.flow_id, &["0".into()])
            .await
            .unwrap();
    assert_eq!(v[0].id, ch.id);
    assert_eq!(v[0].status, "connected");
    assert_eq!(v[0].status_reason, None);
    assert_eq!(s.o.channels().await.unwrap().len(), 1);
}

async fn expired_access_token_refreshes_on_check(p: Platform, identity: &str) {
    let (s, ch) = connected(p).await;
    s.emu.admin("expire-access-tokens", json!({})).await;
    let before = s.emu.log().await.len();
    let v = s.o.check_channel(&ch.id).await.unwrap();
    assert_eq!(v.status, "connected");
    let log = s.emu.log().await;
    let after: Vec<(String, String, Value)> = log[before..]
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_string(),
                e["path"].as_str().unwrap().to_string(),
                e["status"].clone(),
            )
        })
        .collect();
    let path = |i: usize| after.get(i).map(|a| (a.1.as_str(), a.2.clone()));
    assert_eq!(path(0), Some((identity, json!(401))), "{p}: {after:?}");
    assert_eq!(
        path(1).map(|a| a.1),
        Some(json!(200)),
        "{p}: refresh: {after:?}"
    );
    assert_eq!(path(2), Some((identity, json!(200))), "{p}: {after:?}");
    assert_eq!(after.len(), 3, "{p}: {after:?}");
    assert_eq!(s.emu.state().await["refreshes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_token_refreshes_on_check_x() {
    expired_access_token_refreshes_on_check(Platform::X, "/2/users/me").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_access_token_refreshes_on_check_youtube() {
    expired_access_token_refreshes_on_check(Platform::Youtube, "/youtube/v3/channels").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_deep_link_and_stray_callbacks() {
    let s = setup(Platform::Mastodon).await;
    // No flow for this provider yet.
    let e =
        s.o.deliver_oauth_callback(
            "mastodon-127.0.0.1-1",
            vec![("code".into(), "c".into()), ("state".into(), "s".into())],
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed, "{e}");

    let started = s.start(Surface::Desktop, Duration::from_secs(20)).await;
    assert_eq!(started.redirect, RedirectKind::DeepLink);
    let v = follow(&started.authorize_url).await;
    let link = v.deep_link.expect("no deep link");
    let outpost_app::deeplink::DeepLink::OauthCallback { provider, query } =
        outpost_app::deeplink::parse(&link).unwrap()
    else {
        panic!("not an OAuth callback: {link}")
    };
    let port = s.emu.origin.rsplit(':').next().unwrap();
    assert_eq!(provider, format!("mastodon-127.0.0.1-{port}"));
    // A callback for another server is not taken by this flow.
    let e =
        s.o.deliver_oauth_callback("mastodon-example.social", query.clone())
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed);
    s.o.deliver_oauth_callback(&provider, query.clone())
        .unwrap();
    // Only once.
    let e = s.o.deliver_oauth_callback(&provider, query).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed);
    let c = s.o.connect_wait(&started.flow_id).await.unwrap();
    assert_eq!(c.candidates.len(), 1);
    let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
    assert_eq!(v[0].platform_account_id, "109876543210987654");
    // Outpost registered itself once, with both redirect URIs.
    let apps = s.emu.requests("POST", "/api/v1/apps").await;
    assert_eq!(apps.len(), 1);
    let uris = apps[0]["json"]["redirect_uris"].clone();
    assert!(
        uris.to_string()
            .contains("app.outpost.desktop://oauth/callback/mastodon-"),
        "{uris}"
    );
    // A second sign-in reuses the registration.
    let started = s.start(Surface::Desktop, Duration::from_secs(20)).await;
    s.o.connect_cancel(&started.flow_id);
    assert_eq!(s.emu.requests("POST", "/api/v1/apps").await.len(), 1);
    // A wrong state through the deep link fails the flow.
    let started = s.start(Surface::Desktop, Duration::from_secs(20)).await;
    s.o.deliver_oauth_callback(
        &provider,
        vec![
            ("code".into(), "c".into()),
            ("state".into(), "x".repeat(43)),
        ],
    )
    .unwrap();
    let e = s.o.connect_wait(&started.flow_id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInFailed, "{e}");
}

/// Mastodon from the CLI listens on the default port 47863 (its loopback port cannot be changed:
/// `set_loopback_port` only knows apps without an instance). Skipped when the port is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastodon_cli_loopback() {
    if std::net::TcpListener::bind(("127.0.0.1", 47863)).is_err() {
        eprintln!("SKIP mastodon_cli_loopback: 127.0.0.1:47863 is in use");
        return;
    }
    let s = setup(Platform::Mastodon).await;
    let (started, visit, waited) = s.sign_in(Surface::Cli).await;
    assert_eq!(started.redirect, RedirectKind::Loopback);
    let c = waited.unwrap_or_else(|e| panic!("{e}: {visit:?}"));
    assert!(
        visit
            .visited
            .last()
            .unwrap()
            .starts_with("http://127.0.0.1:47863/oauth/mastodon-127.0.0.1-")
    );
    let v = s.o.connect_finish(&c.flow_id, &["0".into()]).await.unwrap();
    assert_eq!(v[0].status, "connected");
    assert_eq!(
        s.o.refresh_channel(&v[0].id, true).await.unwrap(),
        RefreshOutcome::NotRefreshable
    );
    let r = s.o.disconnect_channel(&v[0].id).await.unwrap();
    assert_eq!(r.upstream, "revoked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_all_with_a_browser_command() {
    // The CLI path: one call, the browser opened by Outpost follows the redirects itself.
    let s = setup(Platform::Linkedin).await;
    let dir = tempfile::tempdir().unwrap();
    let browser = std::sync::Arc::new(AutoBrowser::default());
    let o = Outpost::open(options(
        dir.path(),
        Endpoints::default()
            .with(Platform::Linkedin, &s.emu.origin)
            .unwrap(),
        browser.clone(),
    ))
    .await
    .unwrap();
    o.save_developer_app(
        Platform::Linkedin,
        CLIENT_ID,
        Some(outpost_platforms::Secret::new(CLIENT_SECRET)),
        true,
    )
    .await
    .unwrap();
    o.set_loopback_port(Platform::Linkedin, s.port.unwrap())
        .await
        .unwrap();
    let views = o
        .connect_all(Platform::Linkedin, None, Surface::Cli)
        .await
        .unwrap();
    assert_eq!(views.len(), 2);
    let kinds: Vec<&str> = views.iter().map(|v| v.kind.as_str()).collect();
    assert_eq!(kinds, ["profile", "organization"]);
    // LinkedIn REST calls carry the version headers.
    let acls = s.emu.requests("GET", "/rest/organizationAcls").await;
    assert_eq!(acls[0]["headers"]["linkedin-version"], "202510");
    assert_eq!(acls[0]["headers"]["x-restli-protocol-version"], "2.0.0");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let visits = browser.visits.lock().unwrap().clone();
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0].status, 200);
}

/// `check_channel` on a Facebook Page channel. The stored access token is the Page token; the
/// generic `verify` (= `accounts`) calls `/me/accounts` with it, which Graph (and the emulator)
/// refuses on a Page node: "(#100) Tried accessing nonexisting field (accounts) on node type (Page)".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facebook_check_channel() {
    let (s, ch) = connected(Platform::Facebook).await;
    let v =
        s.o.check_channel(&ch.id)
            .await
            .unwrap_or_else(|e| panic!("check_channel on a Facebook page failed: {e}"));
    assert_eq!(v.status, "connected");
    // The user revoked the app: the page token dies with the grant.
    s.emu.admin("revoke-all", json!({})).await;
    let e = s.o.check_channel(&ch.id).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::ReconnectNeeded, "{e}");
    assert_eq!(s.o.channels().await.unwrap()[0].status, "reconnect_needed");
}
