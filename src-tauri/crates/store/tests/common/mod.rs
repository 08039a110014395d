#![allow(dead_code)]
//! Fixtures shared by the integration tests.

use outpost_store::*;

pub const T0: i64 = 1_790_000_000_000;

pub async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("data").join("outpost.db"))
        .await
        .unwrap();
    (dir, store)
}

pub fn channel(n: u32) -> channels::Channel {
    channels::Channel {
        id: new_id(),
        platform: Platform::Mastodon,
        instance_url: "https://mastodon.example".into(),
        platform_account_id: format!("acct-{n}"),
        kind: ChannelKind::Profile,
        display_name: format!("Account {n}"),
        handle: format!("@a{n}"),
        scopes: "read write".into(),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    }
}

pub fn post(body: &str, at: Option<i64>) -> posts::Post {
    posts::Post {
        id: new_id(),
        body: body.into(),
        status: if at.is_some() {
            PostStatus::Scheduled
        } else {
            PostStatus::Draft
        },
        scheduled_at: at,
        time_zone: Some("Europe/Berlin".into()),
        local_time: Some("2026-03-29T09:30:00".into()),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    }
}

pub fn target(post_id: &str, channel_id: &str) -> posts::targets::PostTarget {
    posts::targets::PostTarget {
        id: new_id(),
        post_id: post_id.into(),
        channel_id: channel_id.into(),
        caption: Some("variant caption".into()),
        thread_parts: json(serde_json::json!(["second part", "third part"])),
        options: json(serde_json::json!({"visibility": "public"})),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    }
}

pub fn job(target_id: &str, due_at: i64) -> jobs::PublishJob {
    jobs::PublishJob {
        id: new_id(),
        post_target_id: target_id.into(),
        state: JobState::Scheduled,
        due_at,
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    }
}

pub fn media(n: u32) -> media::MediaAsset {
    media::MediaAsset {
        id: new_id(),
        file_path: format!("ab/{n}.jpg"),
        original_name: format!("{n}.jpg"),
        mime: "image/jpeg".into(),
        bytes: 1234,
        width: Some(800),
        height: Some(600),
        sha256: format!("{n:064x}"),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    }
}
