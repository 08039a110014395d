//! `outpost inbox reply ID --private` through the real binary against the strict Instagram
//! emulator: an Instagram comment answered privately once (a direct message to its author), a
//! second private reply, a direct message and a comment older than 7 days refused with the reason
//! and nothing sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../app/tests/channels_support/mod.rs"]
mod channels_support;

use std::process::{Command, Output};
use std::sync::Arc;

use channels_support::{
    Emulator, NoBrowser, connect_accounts, endpoints_for, options, register_app, uses_secret,
};
use outpost_app::Outpost;
use outpost_app::inbox::InboxFilter;
use outpost_platforms::{Platform, Secret};
use serde_json::{Value, json};

const PASSPHRASE: &str = "inbox-private test passphrase, not a secret";

fn run(dir: &std::path::Path, emu: &Emulator, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_outpost"));
    cmd.args(args)
        .env("OUTPOST_DATA_DIR", dir)
        .env("OUTPOST_VAULT_PASSPHRASE", PASSPHRASE)
        .env_remove("OUTPOST_LOG");
    for p in Platform::ALL {
        cmd.env_remove(format!("OUTPOST_ENDPOINT_{}", p.id().to_ascii_uppercase()));
    }
    cmd.env("OUTPOST_ENDPOINT_INSTAGRAM", &emu.origin);
    cmd.output().unwrap()
}

#[tokio::test]
async fn an_instagram_comment_is_answered_privately_once_and_other_items_are_refused() {
    let platform = Platform::Instagram;
    let emu = Emulator::start(platform.id());
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(
        dir.path(),
        endpoints_for(platform, &emu),
        Arc::new(NoBrowser::default()),
    );
    opts.passphrase = Some(Secret::new(PASSPHRASE));
    let o = Outpost::open(opts).await.unwrap();
    register_app(&o, &emu, platform, uses_secret(platform)).await;
    connect_accounts(&o, &emu, platform, 1, 8_200).await;
    let media = emu.admin("ig_media", json!({"caption": "Pies"})).await;
    let mid = media["id"].as_str().unwrap().to_string();
    emu.admin(
        "ig_comment",
        json!({"media_id": mid, "text": "Price?", "ago_seconds": 60}),
    )
    .await;
    emu.admin(
        "ig_comment",
        json!({"media_id": mid, "text": "Old one", "ago_seconds": 8 * 86_400,
               "from_id": "17841400000000999", "username": "carol"}),
    )
    .await;
    emu.admin("ig_message", json!({"text": "Hello", "ago_seconds": 60}))
        .await;
    o.inbox_sync(None).await.unwrap();
    let items = o.inbox_list(&InboxFilter::default()).await.unwrap();
    let id = |t: &str| items.iter().find(|i| i.text == t).unwrap().id.clone();
    let d = dir.path();
    // The account's messages endpoint (`/v23.0/{ig-user-id}/messages`).
    let sends = || async {
        emu.log()
            .await
            .into_iter()
            .filter(|e| {
                e["method"] == "POST"
                    && e["path"].as_str().is_some_and(|p| p.ends_with("/messages"))
            })
            .count()
    };

    let out = run(
        d,
        &emu,
        &[
            "--json",
            "inbox",
            "reply",
            &id("Price?"),
            "--text",
            "12 euros",
            "--private",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["state"].as_str(), v["private"].as_bool()),
        (Some("sent"), Some(true)),
        "{v}"
    );
    assert_eq!(sends().await, 1);

    for (item, want) in [
        (id("Price?"), "already has its private reply"),
        (id("Old one"), "7 days"),
        (id("Hello"), "Only an Instagram comment"),
    ] {
        let out = run(
            d,
            &emu,
            &["inbox", "reply", &item, "--text", "hi", "--private"],
        );
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(want), "{want}: {err}");
    }
    assert_eq!(sends().await, 1, "nothing more sent");
}
