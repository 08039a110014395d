//! The inbox shape filled in for one platform: Mastodon mentions against the strict emulator
//! (`tests/emulators/platforms/mastodon.py`, `GET /api/v1/notifications`), and the typed answers of
//! capabilities a platform does not offer or Outpost has not built.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use outpost_platforms::capability::{Capability, InboxCursor, InboxKind, Support};
use outpost_platforms::mastodon::publish::MastodonPublisher;
use outpost_platforms::publish::Publisher;
use outpost_platforms::tiktok::publish::TiktokPublisher;
use outpost_platforms::{AppCredentials, Endpoints, Error, Platform, TokenSet};
use serde_json::json;
use support::Emulator;

#[tokio::test]
async fn mentions_arrive_oldest_first_and_the_cursor_moves_past_them() {
    let emu = Emulator::start(Platform::Mastodon);
    let token = emu.admin("token", json!({})).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let tokens = TokenSet::new(token, 0);
    let app = AppCredentials {
        client_id: String::new(),
        client_secret: None,
        instance_url: Some(url::Url::parse(&emu.origin).unwrap()),
        organization_access: false,
    };
    let (http, endpoints) = (support::http(), Endpoints::default());
    let ctx = support::ctx(&http, &endpoints, &app);

    let first = emu
        .admin(
            "notify",
            json!({"content": "<p>hello <span class=\"h-card\">@outpost</span> &amp; welcome</p>"}),
        )
        .await;
    emu.admin(
        "notify",
        json!({"type": "favourite", "content": "<p>liked</p>"}),
    )
    .await;
    emu.admin(
        "notify",
        json!({"content": "<p>a reply</p>", "in_reply_to_id": "42", "acct": "bob@b.example", "username": "bob"}),
    )
    .await;

    let page = MastodonPublisher
        .inbox(ctx, &tokens, "notifications", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{page:?}");
    let (a, b) = (&page.items[0], &page.items[1]);
    assert_eq!(a.kind, InboxKind::Mention);
    assert_eq!(a.text, "hello @outpost & welcome");
    assert_eq!(a.id, first["status"]["id"].as_str().unwrap());
    assert_eq!(a.author.handle, "alice@elsewhere.example");
    assert!(a.created_at > 1_700_000_000);
    assert_eq!(b.kind, InboxKind::Reply);
    assert_eq!(b.in_reply_to.as_deref(), Some("42"));
    assert_eq!(b.author.handle, "bob@b.example");

    let req = emu.requests("GET", "/api/v1/notifications").await;
    assert_eq!(req.len(), 1);
    assert_eq!(req[0]["query"]["types[]"], "mention");
    assert!(req[0]["query"].get("min_id").is_none());

    // Nothing new: no items and no cursor; then one more mention comes after the cursor.
    let cursor = page.cursor.clone().unwrap();
    let again = MastodonPublisher
        .inbox(ctx, &tokens, "notifications", Some(&cursor))
        .await
        .unwrap();
    assert!(
        again.items.is_empty() && again.cursor.is_none(),
        "{again:?}"
    );
    emu.admin("notify", json!({"content": "<p>later</p>"}))
        .await;
    let later = MastodonPublisher
        .inbox(ctx, &tokens, "notifications", Some(&cursor))
        .await
        .unwrap();
    assert_eq!(later.items.len(), 1);
    assert_eq!(later.items[0].text, "later");
    let req = emu.requests("GET", "/api/v1/notifications").await;
    assert_eq!(req.last().unwrap()["query"]["min_id"], cursor.0.as_str());

    // A token that is gone needs a new sign-in.
    let err = MastodonPublisher
        .inbox(ctx, &TokenSet::new("revoked", 0), "notifications", None)
        .await
        .unwrap_err();
    assert!(err.needs_reauth(), "{err:?}");
}

#[tokio::test]
async fn capabilities_say_what_each_api_offers() {
    for p in Platform::ALL {
        assert_eq!(
            outpost_platforms::support(p, Capability::Publish),
            Support::Available
        );
    }
    assert!(matches!(
        outpost_platforms::support(Platform::Tiktok, Capability::InboxFetch),
        Support::NotOffered { why } if why.contains("TikTok's API")
    ));
    // Not offered by the API: Unsupported with the reason; offered but not built: NotBuiltYet.
    let http = support::http();
    let endpoints = Endpoints::default();
    let app = support::no_app();
    let ctx = support::ctx(&http, &endpoints, &app);
    let tokens = TokenSet::new("t", 0);
    match TiktokPublisher
        .inbox(ctx, &tokens, "notifications", None)
        .await
    {
        Err(Error::Unsupported { platform, what }) => {
            assert_eq!(platform, Platform::Tiktok);
            assert!(what.contains("comments"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    // Mastodon keeps a read marker for notifications (`/api/v1/markers`); Outpost does not set it yet.
    assert!(matches!(
        MastodonPublisher
            .mark_read(ctx, &tokens, &InboxCursor("1".into()))
            .await,
        Err(Error::NotBuiltYet {
            platform: Platform::Mastodon,
            ..
        })
    ));
    assert_eq!(
        MastodonPublisher.support(Capability::InboxFetch),
        Support::Available
    );
}
