//! LinkedIn organization statistics against the strict emulator
//! (`tests/emulators/platforms/linkedin_metrics.py`): an organization post's impressions, reach,
//! clicks, likes, comments and shares changing between reads, followers from `networkSizes`, a
//! deleted post marked, the organization scope required, a member channel refused plainly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

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

#[tokio::test]
async fn organization_post_statistics_and_followers_are_read_and_member_channels_say_why_not() {
    let e = Emulator::start(Platform::Linkedin);
    let t = tokens(
        &e,
        &[
            "openid",
            "profile",
            "w_organization_social",
            "rw_organization_admin",
        ],
        ORG,
    )
    .await;
    let (h, ep, app) = (http(), e.endpoints(), no_app());
    let c = ctx(&h, &ep, &app);
    let post = Post {
        key: "k".into(),
        parts: vec![PostPart {
            text: "Hiring!".into(),
            media: vec![],
        }],
        ..Post::default()
    };
    let live = LinkedinPublisher
        .publish(c, &t, &post, &|_, _| {})
        .await
        .unwrap();

    e.admin(
        "share-stats",
        json!({"id": live.id, "impressionCount": 500, "uniqueImpressionsCount": 320, "clickCount": 14,
               "likeCount": 21, "commentCount": 3, "shareCount": 2}),
    )
    .await;
    let m = LinkedinPublisher.post_metrics(c, &t, &live).await.unwrap();
    assert_eq!(
        (
            m.impressions,
            m.reach,
            m.link_clicks,
            m.likes,
            m.replies,
            m.reposts
        ),
        (Some(500), Some(320), Some(14), Some(21), Some(3), Some(2))
    );
    assert_eq!((m.views, m.saves, m.deleted), (None, None, false));
    let req = &e
        .requests("GET", "/rest/organizationalEntityShareStatistics")
        .await[0];
    assert_eq!(req["headers"]["linkedin-version"], "202510");
    e.admin(
        "share-stats",
        json!({"id": live.id, "impressionCount": 900}),
    )
    .await;
    let m = LinkedinPublisher.post_metrics(c, &t, &live).await.unwrap();
    assert_eq!(m.impressions, Some(900));

    e.admin("org-followers", json!({"count": 1234})).await;
    let a = LinkedinPublisher.account_metrics(c, &t).await.unwrap();
    assert_eq!(a.followers, Some(1234));

    // Without the organization admin scope: connect again.
    let limited = tokens(&e, &["openid", "profile", "w_member_social"], ORG).await;
    let err = LinkedinPublisher
        .post_metrics(c, &limited, &live)
        .await
        .unwrap_err();
    assert!(
        err.needs_reauth()
            || matches!(
                err,
                Error::Rejected {
                    status: Some(403),
                    ..
                }
            ),
        "{err:?}"
    );

    // A member channel: said plainly, nothing asked.
    let member = tokens(
        &e,
        &["openid", "profile", "w_member_social"],
        "urn:li:person:782bbtaQ",
    )
    .await;
    let n = e.log().await.len();
    let err = LinkedinPublisher
        .post_metrics(c, &member, &live)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Unsupported { .. }) && err.to_string().contains("member"),
        "{err}"
    );
    assert!(matches!(
        LinkedinPublisher.account_metrics(c, &member).await,
        Err(Error::Unsupported { .. })
    ));
    assert_eq!(e.log().await.len(), n);

    e.admin("delete-post", json!({"id": live.id})).await;
    let m = LinkedinPublisher.post_metrics(c, &t, &live).await.unwrap();
    assert!(m.deleted && m.impressions.is_none(), "{m:?}");
}
