//! LinkedIn comments on the organization page's posts against the strict emulator
//! (`tests/emulators/platforms/linkedin_inbox.py`): comments grouped by post with a cursor, the
//! page's own comments left out, a reply as a nested comment found again after a lost answer, the
//! comment limit, a member channel refused plainly, the read scope required.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use outpost_platforms::capability::{InboxKind, InboxReplyTo};
use outpost_platforms::linkedin::publish::LinkedinPublisher;
use outpost_platforms::publish::{Post, PostPart, Publisher};
use outpost_platforms::{Error, Platform, TokenSet};
use serde_json::json;
use support::{Emulator, ctx, http, no_app};

const ORG: &str = "urn:li:organization:2414183";

async fn tokens(e: &Emulator, scopes: &[&str], author: &str) -> TokenSet {
    let t = e.admin("token", json!({ "scopes": scopes })).await;
    let mut tokens = TokenSet::new(t["access_token"].as_str().unwrap(), 0);
    tokens.extra.insert("author".into(), author.into());
    tokens
}

fn answer(item: &str, post: &str, text: &str) -> InboxReplyTo {
    InboxReplyTo {
        item_id: item.into(),
        kind: InboxKind::Comment,
        conversation: post.into(),
        author_id: "urn:li:person:abcDEF123".into(),
        text: text.into(),
        key: "k".into(),
        private: false,
    }
}

#[tokio::test]
async fn page_comments_sync_with_a_cursor_and_a_reply_is_found_again_after_a_lost_answer() {
    let e = Emulator::start(Platform::Linkedin);
    let t = tokens(&e, &["w_organization_social", "r_organization_social"], ORG).await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let post = Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: "We are hiring (engineers)".into(),
            media: vec![],
        }],
        ..Post::default()
    };
    let live = LinkedinPublisher
        .publish(c, &t, &post, &|_, _| {})
        .await
        .unwrap();
    let c1 = e
        .admin(
            "plant-comment",
            json!({"on": live.id, "text": "Interested!", "at": 1_760_000_000_000_i64}),
        )
        .await;
    e.admin(
        "plant-comment",
        json!({"on": live.id, "text": "me too", "actor": "urn:li:person:zzz", "at": 1_760_000_001_000_i64}),
    )
    .await;

    let page = LinkedinPublisher
        .inbox(c, &t, "comments", None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2, "{page:?}");
    let first = &page.items[0];
    assert_eq!(first.id, c1["$URN"].as_str().unwrap());
    assert_eq!(first.kind, InboxKind::Comment);
    assert_eq!(first.in_reply_to.as_deref(), Some(live.id.as_str()));
    assert_eq!(first.subject.as_deref(), Some("We are hiring (engineers)"));
    assert_eq!(first.created_at, 1_760_000_000);
    assert_eq!(first.author.id, "urn:li:person:abcDEF123");
    let cursor = page.cursor.unwrap();
    assert_eq!(cursor.0, "1760000001000");
    let again = LinkedinPublisher
        .inbox(c, &t, "comments", Some(&cursor))
        .await
        .unwrap();
    assert!(
        again.cursor.is_none() && again.items.len() == 1,
        "{again:?}"
    );

    // The reply's answer is lost (a 502 after LinkedIn created it): found by look-up.
    let path = format!(
        "/rest/socialActions/{}/comments",
        url::form_urlencoded::byte_serialize(c1["$URN"].as_str().unwrap().as_bytes())
            .collect::<String>()
    );
    e.admin(
        "fail",
        json!({"path": path, "mode": "replace", "status": 502, "body": "<html>bad gateway</html>"}),
    )
    .await;
    let ask = answer(c1["$URN"].as_str().unwrap(), &live.id, "Send us your CV");
    let err = LinkedinPublisher.reply(c, &t, &ask).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    let found = LinkedinPublisher
        .find_reply(c, &t, &ask)
        .await
        .unwrap()
        .unwrap();
    let all = e.admin_get("comments").await;
    let mine: Vec<_> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["actor"] == ORG)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["parentComment"], c1["$URN"]);
    assert_eq!(found.id, mine[0]["$URN"].as_str().unwrap());
    // The page's own reply is not an inbox item.
    let next = LinkedinPublisher
        .inbox(c, &t, "comments", None)
        .await
        .unwrap();
    assert_eq!(next.items.len(), 2);

    // Too long: refused before anything is sent.
    let n = e.log().await.len();
    let long = answer(c1["$URN"].as_str().unwrap(), &live.id, &"a".repeat(1251));
    let err = LinkedinPublisher.reply(c, &t, &long).await.unwrap_err();
    assert!(err.to_string().contains("1250"), "{err}");
    assert_eq!(e.log().await.len(), n);

    // Without r_organization_social: connect again.
    let limited = tokens(&e, &["w_organization_social"], ORG).await;
    let err = LinkedinPublisher
        .inbox(c, &limited, "comments", None)
        .await
        .unwrap_err();
    assert!(
        err.needs_reauth() && err.to_string().contains("r_organization_social"),
        "{err:?}"
    );

    // A member channel: said plainly.
    let member = tokens(&e, &["w_member_social"], "urn:li:person:782bbtaQ").await;
    let err = LinkedinPublisher
        .inbox(c, &member, "comments", None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { .. }) && err.to_string().contains("r_member_social"),
        "{err}"
    );
}
