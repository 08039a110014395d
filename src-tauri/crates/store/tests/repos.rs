#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every repository function, cascades, search, activity, calendar, transactions.

mod common;

use common::*;
use outpost_store::*;

#[tokio::test]
async fn enums_store_the_documented_text() {
    for p in Platform::ALL {
        assert_eq!(
            serde_json::to_value(p).unwrap(),
            serde_json::json!(p.as_str())
        );
        assert_eq!(p.as_str().parse::<Platform>().unwrap(), *p);
    }
    for s in JobState::ALL {
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::json!(s.as_str())
        );
    }
    for s in PostStatus::ALL {
        assert_eq!(
            serde_json::to_value(s).unwrap(),
            serde_json::json!(s.as_str())
        );
    }
    assert!("nope".parse::<ChannelKind>().is_err());
    // And the database agrees (CHECK constraints accept every variant).
    let (_d, store) = fresh().await;
    for (i, p) in Platform::ALL.iter().enumerate() {
        let mut c = channel(i as u32);
        c.platform = *p;
        c.kind = ChannelKind::ALL[i % ChannelKind::ALL.len()];
        c.status = ChannelStatus::ALL[i % ChannelStatus::ALL.len()];
        channels::insert(store.pool(), &c).await.unwrap();
        assert_eq!(channels::get(store.pool(), &c.id).await.unwrap(), c);
    }
    let c = channels::list_all(store.pool()).await.unwrap()[0].clone();
    let p = post("x", Some(T0));
    posts::insert(store.pool(), &p).await.unwrap();
    let t = target(&p.id, &c.id);
    posts::targets::insert(store.pool(), &t).await.unwrap();
    let j = job(&t.id, T0);
    jobs::insert(store.pool(), &j).await.unwrap();
    for s in JobState::ALL {
        jobs::set_state(store.pool(), &j.id, *s, T0, None, None, T0)
            .await
            .unwrap();
        assert_eq!(jobs::get(store.pool(), &j.id).await.unwrap().state, *s);
    }
}

#[tokio::test]
async fn every_repository_function_round_trips() {
    let (_d, store) = fresh().await;
    let db = store.pool();

    // developer apps
    let app = apps::DeveloperApp {
        id: new_id(),
        platform: Platform::Mastodon,
        instance_url: "https://m.example".into(),
        client_id: "cid".into(),
        has_client_secret: true,
        redirect_mode: RedirectMode::DeepLink,
        redirect_uri: Some("com.outpost.app:/cb".into()),
        organization_access: false,
        created_at: T0,
        updated_at: T0,
    };
    apps::insert(db, &app).await.unwrap();
    assert_eq!(
        apps::find_by_platform(db, Platform::Mastodon, "https://m.example")
            .await
            .unwrap(),
        Some(app.clone())
    );
    let mut app2 = app.clone();
    app2.client_id = "cid2".into();
    apps::update(db, &app2).await.unwrap();
    assert_eq!(apps::get(db, &app.id).await.unwrap().client_id, "cid2");
    assert_eq!(apps::count_all(db).await.unwrap(), 1);

    // channels
    let mut ch = channel(1);
    ch.developer_app_id = Some(app.id.clone());
    channels::insert(db, &ch).await.unwrap();
    let dup = channels::Channel {
        id: new_id(),
        ..ch.clone()
    };
    let err = channels::insert(db, &dup).await.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert!(
        !err.to_string().contains("acct-1"),
        "no values in messages: {err}"
    );
    assert_eq!(
        channels::find_by_account(db, Platform::Mastodon, "https://mastodon.example", "acct-1")
            .await
            .unwrap()
            .unwrap()
            .id,
        ch.id
    );
    channels::set_status(
        db,
        &ch.id,
        ChannelStatus::ReconnectNeeded,
        Some("grant revoked"),
        T0 + 1,
    )
    .await
    .unwrap();
    channels::set_token_expiry(db, &ch.id, Some(T0 + 3_600_000), T0 + 2)
        .await
        .unwrap();
    let got = channels::get(db, &ch.id).await.unwrap();
    assert_eq!(
        (got.status, got.token_expires_at),
        (ChannelStatus::ReconnectNeeded, Some(T0 + 3_600_000))
    );
    assert_eq!(
        channels::list_by_status(db, ChannelStatus::ReconnectNeeded)
            .await
            .unwrap()
            .len(),
        1
    );
    channels::set_status(db, &ch.id, ChannelStatus::Connected, None, T0 + 3)
        .await
        .unwrap();
    assert!(
        channels::get(db, "missing")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        channels::set_status(db, "missing", ChannelStatus::Connected, None, 0)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let mut ch_u = channels::get(db, &ch.id).await.unwrap();
    ch_u.display_name = "Renamed".into();
    channels::update(db, &ch_u).await.unwrap();
    assert!(
        channels::update(
            db,
            &channels::Channel {
                id: "missing".into(),
                ..ch_u.clone()
            }
        )
        .await
        .unwrap_err()
        .is_not_found()
    );

    // secrets
    let sec = secrets::SealedSecret {
        id: new_id(),
        owner_kind: SecretOwnerKind::Channel,
        owner_id: ch.id.clone(),
        purpose: "access_token".into(),
        key_id: "k1".into(),
        nonce: vec![1; 12],
        ciphertext: vec![9; 40],
        created_at: T0,
        updated_at: T0,
    };
    secrets::upsert(db, &sec).await.unwrap();
    secrets::upsert(
        db,
        &secrets::SealedSecret {
            id: new_id(),
            ciphertext: vec![7; 40],
            updated_at: T0 + 5,
            ..sec.clone()
        },
    )
    .await
    .unwrap();
    let s = secrets::find_for_owner(db, SecretOwnerKind::Channel, &ch.id, "access_token")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.id.as_str(), s.ciphertext.as_slice(), s.created_at),
        (sec.id.as_str(), &[7u8; 40][..], T0)
    );
    let app_secret = secrets::SealedSecret {
        id: new_id(),
        owner_kind: SecretOwnerKind::DeveloperApp,
        owner_id: app.id.clone(),
        purpose: "client_secret".into(),
        ..sec.clone()
    };
    secrets::insert(db, &app_secret).await.unwrap();
    assert_eq!(
        secrets::list_for_owner(db, SecretOwnerKind::Channel, &ch.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(secrets::count_all(db).await.unwrap(), 2);

    // media, campaigns, board, ideas, templates, tags
    let m = media(1);
    media::insert(db, &m).await.unwrap();
    assert_eq!(
        media::find_by_sha256(db, &m.sha256)
            .await
            .unwrap()
            .unwrap()
            .id,
        m.id
    );
    let camp = campaigns::Campaign {
        id: new_id(),
        name: "Launch".into(),
        colour: "#f00".into(),
        start_date: Some("2026-04-01".into()),
        end_date: Some("2026-04-30".into()),
        created_at: T0,
        updated_at: T0,
    };
    campaigns::insert(db, &camp).await.unwrap();
    let col = board::BoardColumn {
        id: new_id(),
        name: "Doing".into(),
        position: 1,
        colour: String::new(),
        created_at: T0,
        updated_at: T0,
    };
    board::insert(db, &col).await.unwrap();
    let idea = ideas::Idea {
        id: new_id(),
        title: "Behind the scenes".into(),
        notes: "film the studio".into(),
        campaign_id: Some(camp.id.clone()),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    };
    ideas::insert(db, &idea).await.unwrap();
    assert_eq!(ideas::list_page(db, 10, 0).await.unwrap().len(), 1);
    media::idea_media::insert(
        db,
        &media::idea_media::IdeaMedia {
            idea_id: idea.id.clone(),
            media_id: m.id.clone(),
            position: 0,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        media::idea_media::list_for_idea(db, &idea.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let tpl = templates::Template {
        id: new_id(),
        name: "Weekly".into(),
        body: "Hi {{name}}, see {{ link }} {{name}}".into(),
        created_at: T0,
        updated_at: T0,
    };
    templates::insert(db, &tpl).await.unwrap();
    assert_eq!(templates::variables(&tpl.body), vec!["name", "link"]);
    let tag = tags::Tag {
        id: new_id(),
        name: "Launch".into(),
        colour: String::new(),
        created_at: T0,
    };
    tags::insert(db, &tag).await.unwrap();
    assert!(
        tags::insert(
            db,
            &tags::Tag {
                id: new_id(),
                name: "launch".into(),
                ..tag.clone()
            }
        )
        .await
        .unwrap_err()
        .is_conflict()
    );
    assert_eq!(
        tags::find_by_name(db, "LAUNCH").await.unwrap().unwrap().id,
        tag.id
    );

    // posts + targets + media + tags + board
    let mut p = post("Hello world", Some(T0 + 1000));
    p.campaign_id = Some(camp.id.clone());
    posts::insert(db, &p).await.unwrap();
    let t = target(&p.id, &ch.id);
    posts::targets::insert(db, &t).await.unwrap();
    assert_eq!(
        posts::targets::list_for_post(db, &p.id).await.unwrap(),
        vec![t.clone()]
    );
    assert_eq!(
        posts::targets::list_for_channel(db, &ch.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut t2 = t.clone();
    t2.thumbnail_media_id = Some(m.id.clone());
    posts::targets::update(db, &t2).await.unwrap();
    let pm = media::post_media::PostMedia {
        id: new_id(),
        post_id: p.id.clone(),
        target_id: None,
        media_id: m.id.clone(),
        position: 0,
        created_at: T0,
    };
    media::post_media::insert(db, &pm).await.unwrap();
    assert_eq!(
        media::post_media::list_for_post(db, &p.id).await.unwrap(),
        vec![pm.clone()]
    );
    tags::tag_post(db, &p.id, &tag.id).await.unwrap();
    tags::tag_post(db, &p.id, &tag.id).await.unwrap();
    tags::tag_idea(db, &idea.id, &tag.id).await.unwrap();
    assert_eq!(tags::for_post(db, &p.id).await.unwrap().len(), 1);
    assert_eq!(tags::for_idea(db, &idea.id).await.unwrap().len(), 1);
    assert_eq!(tags::list_all_post_tags(db).await.unwrap().len(), 1);
    assert_eq!(tags::list_all_idea_tags(db).await.unwrap().len(), 1);
    board::move_post(db, &p.id, Some(&col.id), 2, T0)
        .await
        .unwrap();
    board::move_idea(db, &idea.id, Some(&col.id), 1, T0)
        .await
        .unwrap();
    let cards = board::cards(db).await.unwrap();
    assert_eq!(
        cards.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(),
        vec!["idea", "post"]
    );
    assert!(
        board::move_post(db, "missing", None, 0, T0)
            .await
            .unwrap_err()
            .is_not_found()
    );
    posts::set_status(db, &p.id, PostStatus::Publishing, T0)
        .await
        .unwrap();
    posts::reschedule(
        db,
        &p.id,
        Some(T0 + 2000),
        Some("America/New_York"),
        Some("2026-04-01T08:00:00"),
        T0,
    )
    .await
    .unwrap();
    assert_eq!(
        posts::list_by_status(db, PostStatus::Publishing, 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(posts::list_page(db, 10, 0).await.unwrap().len(), 1);

    // slots
    let slot = slots::PostingSlot {
        id: new_id(),
        channel_id: ch.id.clone(),
        weekday: 1,
        local_time: "09:30".into(),
        time_zone: "Europe/Berlin".into(),
        created_at: T0,
    };
    slots::insert(db, &slot).await.unwrap();
    assert!(
        slots::insert(
            db,
            &slots::PostingSlot {
                id: new_id(),
                weekday: 8,
                ..slot.clone()
            }
        )
        .await
        .unwrap_err()
        .is_conflict()
    );
    assert_eq!(
        slots::list_for_channel(db, &ch.id).await.unwrap(),
        vec![slot.clone()]
    );

    // jobs + attempts
    let j = job(&t.id, T0 + 2000);
    jobs::insert(db, &j).await.unwrap();
    assert_eq!(
        jobs::find_by_target(db, &t.id).await.unwrap().unwrap().id,
        j.id
    );
    assert_eq!(jobs::next_due(db).await.unwrap().unwrap().id, j.id);
    assert!(jobs::list_due(db, T0, 10).await.unwrap().is_empty());
    assert_eq!(jobs::list_due(db, T0 + 2000, 10).await.unwrap().len(), 1);
    assert_eq!(
        jobs::hold_for_channel(db, &ch.id, "reconnect needed", T0)
            .await
            .unwrap(),
        1
    );
    assert!(jobs::next_due(db).await.unwrap().is_none());
    assert_eq!(jobs::release_for_channel(db, &ch.id, T0).await.unwrap(), 1);
    let claimed = jobs::claim(db, &j.id, T0 + 2001).await.unwrap().unwrap();
    assert_eq!(
        (claimed.state, claimed.attempt_count),
        (JobState::Publishing, 1)
    );
    assert!(
        jobs::claim(db, &j.id, T0 + 2001).await.unwrap().is_none(),
        "a job is claimed once"
    );
    assert!(
        !jobs::transition(db, &j.id, JobState::Scheduled, JobState::Cancelled, T0)
            .await
            .unwrap()
    );
    assert_eq!(
        jobs::list_by_state(db, JobState::Publishing)
            .await
            .unwrap()
            .len(),
        1
    );
    let at = jobs::attempts::PublishAttempt {
        id: new_id(),
        job_id: j.id.clone(),
        attempt_no: 1,
        started_at: T0 + 2001,
        idempotency_key: Some("idem-1".into()),
        ..Default::default()
    };
    jobs::attempts::insert(db, &at).await.unwrap();
    jobs::attempts::finish(
        db,
        &at.id,
        T0 + 2500,
        AttemptOutcome::Success,
        Some(200),
        Some("created"),
    )
    .await
    .unwrap();
    assert_eq!(
        jobs::attempts::list_for_job(db, &j.id).await.unwrap()[0].outcome,
        Some(AttemptOutcome::Success)
    );
    // The part log: sending → published; a first comment failed → claimed once for a retry →
    // dismissed; a live part is never moved back.
    use outpost_store::parts;
    parts::mark_sending(db, &j.id, 0, "post", T0 + 2002)
        .await
        .unwrap();
    parts::mark_published(db, &j.id, 0, "post", "109876", None, T0 + 2003)
        .await
        .unwrap();
    parts::mark_sending(db, &j.id, 0, "post", T0 + 2004)
        .await
        .unwrap();
    assert!(
        !parts::mark_failed(db, &j.id, 0, "post", "x", T0)
            .await
            .unwrap()
    );
    assert!(
        parts::mark_failed(db, &j.id, 1, "comment", "refused", T0 + 2005)
            .await
            .unwrap()
    );
    assert!(
        parts::claim_retry(db, &j.id, 1, T0 + 2006, T0)
            .await
            .unwrap()
    );
    assert!(
        !parts::claim_retry(db, &j.id, 1, T0 + 2007, T0)
            .await
            .unwrap(),
        "once"
    );
    let rows = parts::list_for_job(db, &j.id).await.unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| (r.part_index, r.state.as_str()))
            .collect::<Vec<_>>(),
        [(0, "published"), (1, "sending")]
    );
    assert_eq!(rows[0].platform_id.as_deref(), Some("109876"));
    assert!(parts::dismiss(db, &j.id, 1).await.unwrap());
    assert!(!parts::dismiss(db, &j.id, 1).await.unwrap());
    // Rate-limit pauses: the later one wins; ended ones are forgotten.
    parts::pauses::set(db, &ch.id, T0 + 60_000, "429")
        .await
        .unwrap();
    parts::pauses::set(db, &ch.id, T0 + 30_000, "429")
        .await
        .unwrap();
    assert_eq!(
        parts::pauses::active(db, T0).await.unwrap(),
        vec![(ch.id.clone(), T0 + 60_000)]
    );
    jobs::mark_published(
        db,
        &j.id,
        "109876",
        Some("https://m.example/@a/109876"),
        T0 + 2500,
    )
    .await
    .unwrap();
    assert!(
        jobs::transition(db, &j.id, JobState::Published, JobState::Published, T0)
            .await
            .unwrap()
    );
    assert_eq!(
        jobs::count_by_state(db).await.unwrap(),
        vec![(JobState::Published, 1)]
    );

    // inbox
    let th = inbox::threads::InboxThread {
        id: new_id(),
        channel_id: ch.id.clone(),
        platform_thread_id: "th1".into(),
        kind: ThreadKind::Comments,
        post_id: Some(p.id.clone()),
        subject: "Hello world".into(),
        last_message_at: Some(T0),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    };
    inbox::threads::insert(db, &th).await.unwrap();
    assert_eq!(
        inbox::threads::find_by_platform_id(db, &ch.id, "th1")
            .await
            .unwrap()
            .unwrap()
            .id,
        th.id
    );
    assert_eq!(
        inbox::threads::list_recent(db, 10, 0).await.unwrap().len(),
        1
    );
    let msg = inbox::messages::InboxMessage {
        id: new_id(),
        thread_id: th.id.clone(),
        platform_message_id: "m1".into(),
        author_name: "Ann".into(),
        text: "Love it".into(),
        kind: MessageKind::Comment,
        received_at: T0,
        created_at: T0,
        ..Default::default()
    };
    assert!(inbox::messages::insert_if_new(db, &msg).await.unwrap());
    assert!(
        !inbox::messages::insert_if_new(
            db,
            &inbox::messages::InboxMessage {
                id: new_id(),
                ..msg.clone()
            }
        )
        .await
        .unwrap()
    );
    inbox::messages::insert(
        db,
        &inbox::messages::InboxMessage {
            id: new_id(),
            platform_message_id: "m2".into(),
            kind: MessageKind::Reply,
            direction: Direction::Outbound,
            received_at: T0 + 1,
            ..msg.clone()
        },
    )
    .await
    .unwrap();
    inbox::messages::set_sentiment(
        db,
        &msg.id,
        Some(Sentiment::Positive),
        Some(SentimentSource::Local),
    )
    .await
    .unwrap();
    // The user's own (outbound) reply is never unread nor listed: it shows in its conversation.
    assert_eq!(inbox::messages::count_unread(db).await.unwrap(), 1);
    inbox::messages::set_read(db, &msg.id, true).await.unwrap();
    let filter = inbox::messages::InboxFilter {
        channel_id: Some(ch.id.clone()),
        sentiment: Some(Sentiment::Positive),
        ..Default::default()
    };
    assert_eq!(
        inbox::messages::list(db, &filter, 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    let unread = inbox::messages::InboxFilter {
        state: Some(inbox::messages::InboxState::Unread),
        kind: Some(MessageKind::Reply),
        ..Default::default()
    };
    assert!(
        inbox::messages::list(db, &unread, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let found = inbox::messages::InboxFilter {
        search: Some("lov".into()),
        ..Default::default()
    };
    assert_eq!(
        inbox::messages::list(db, &found, 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        inbox::messages::list(db, &Default::default(), 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );
    inbox::messages::set_done(db, &msg.id, true).await.unwrap();
    assert!(
        inbox::messages::list(db, &Default::default(), 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        inbox::messages::list_for_thread(db, &th.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        inbox::messages::set_read(db, "missing", true)
            .await
            .unwrap_err()
            .is_not_found()
    );

    // analytics
    for (i, v) in [10.0, 25.0].iter().enumerate() {
        analytics::insert(
            db,
            &analytics::AnalyticsSnapshot {
                id: new_id(),
                channel_id: ch.id.clone(),
                post_target_id: Some(t.id.clone()),
                metric: "likes".into(),
                value: *v,
                demographics: None,
                captured_at: T0 + i as i64,
            },
        )
        .await
        .unwrap();
    }
    analytics::insert(
        db,
        &analytics::AnalyticsSnapshot {
            id: new_id(),
            channel_id: ch.id.clone(),
            post_target_id: None,
            metric: "followers".into(),
            value: 99.0,
            demographics: Some(json(serde_json::json!({"age": {"18-24": 0.4}}))),
            captured_at: T0,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        analytics::series_for_target(db, &t.id, "likes")
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        analytics::latest_for_target(db, &t.id).await.unwrap()[0].value,
        25.0
    );
    assert_eq!(
        analytics::series_for_channel(db, &ch.id, "followers", T0, T0 + 1)
            .await
            .unwrap()
            .len(),
        1
    );
    // A target's read schedule (a deletion, once seen, is kept) and a channel's sync state.
    analytics::record_target(db, &t.id, &ch.id, Some(T0), T0 + 3_600_000, Some(T0), None)
        .await
        .unwrap();
    analytics::record_target(
        db,
        &t.id,
        &ch.id,
        None,
        T0 + 7_200_000,
        None,
        Some("HTTP 429"),
    )
    .await
    .unwrap();
    analytics::set_channel_state(db, &ch.id, "rate_limited", Some("try later"), Some(T0), T0)
        .await
        .unwrap();
    let states = analytics::channel_states(db).await.unwrap();
    assert_eq!(
        (states[0].state.as_str(), states[0].last_synced_at),
        ("rate_limited", Some(T0))
    );

    // approvals
    let ap = approvals::ApprovalPreview {
        id: new_id(),
        post_id: p.id.clone(),
        password_hash: Some("$argon2id$v=19$...".into()),
        created_at: T0,
        expires_at: T0 + 86_400_000,
        ..Default::default()
    };
    approvals::insert(db, &ap).await.unwrap();
    approvals::record_decision(db, &ap.id, Decision::Approved, Some("ship it"), T0 + 10)
        .await
        .unwrap();
    assert!(
        approvals::record_decision(db, &ap.id, Decision::Rejected, None, T0 + 11)
            .await
            .unwrap_err()
            .is_conflict()
    );
    let ap2 = approvals::ApprovalPreview {
        id: new_id(),
        ..ap.clone()
    };
    approvals::insert(
        db,
        &approvals::ApprovalPreview {
            decision: None,
            feedback: None,
            decided_at: None,
            ..ap2.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(approvals::list_for_post(db, &p.id).await.unwrap().len(), 2);
    let mut conn = db.acquire().await.unwrap();
    assert_eq!(
        approvals::purge_expired(&mut conn, T0 + 86_400_000)
            .await
            .unwrap(),
        1,
        "the undecided one is deleted; the decided one lost its password hash when it was decided"
    );
    drop(conn);
    let left = approvals::list_all(db).await.unwrap();
    assert_eq!(left.len(), 1, "undecided expired preview deleted");
    assert_eq!(
        (left[0].decision, left[0].password_hash.as_deref()),
        (Some(Decision::Approved), None)
    );

    // persona, settings, consents
    assert!(persona::get(db).await.unwrap().is_none());
    let pers = persona::BrandPersona {
        tone: "warm".into(),
        audience: "makers".into(),
        style_notes: "short".into(),
        examples: json(serde_json::json!(["ex1"])),
        updated_at: T0,
        avoid_words: json(serde_json::json!(["synergy"])),
    };
    persona::upsert(db, &pers).await.unwrap();
    persona::upsert(
        db,
        &persona::BrandPersona {
            tone: "dry".into(),
            ..pers.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(persona::get(db).await.unwrap().unwrap().tone, "dry");
    assert_eq!(persona::count_all(db).await.unwrap(), 1);
    settings::set(db, "theme", &serde_json::json!("dark"), T0)
        .await
        .unwrap();
    settings::set(db, "theme", &serde_json::json!({"mode": "light"}), T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        settings::get(db, "theme").await.unwrap(),
        Some(serde_json::json!({"mode": "light"}))
    );
    settings::insert(
        db,
        &settings::Setting {
            key: "a".into(),
            value: json(serde_json::json!(1)),
            updated_at: T0,
        },
    )
    .await
    .unwrap();
    assert_eq!(settings::list_all(db).await.unwrap().len(), 2);
    settings::delete(db, "a").await.unwrap();
    assert!(settings::delete(db, "a").await.unwrap_err().is_not_found());
    for (i, granted) in [true, false].iter().enumerate() {
        consents::insert(
            db,
            &consents::ConsentRecord {
                id: new_id(),
                kind: "telemetry".into(),
                granted: *granted,
                policy_version: format!("v{i}"),
                given_at: T0 + i as i64,
                source: "settings".into(),
            },
        )
        .await
        .unwrap();
    }
    let latest = consents::latest(db, "telemetry").await.unwrap().unwrap();
    assert_eq!(
        (latest.granted, latest.policy_version.as_str()),
        (false, "v1")
    );

    // automation: feeds, their items, evergreen rules and copies
    let fp = post("from a feed", None);
    posts::insert(db, &fp).await.unwrap();
    let feed = automation::Feed {
        id: new_id(),
        url: "https://blog.example/feed.xml".into(),
        channel_ids: json(serde_json::json!(["c1"])),
        mode: "queue".into(),
        template: "{{title}}".into(),
        include_keywords: json(serde_json::json!([])),
        exclude_keywords: json(serde_json::json!(["sale"])),
        backfill_limit: 1,
        poll_every_minutes: 30,
        next_poll_at: Some(T0),
        last_status: "new".into(),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    };
    automation::insert(db, &feed).await.unwrap();
    assert_eq!(automation::get(db, &feed.id).await.unwrap(), feed);
    assert_eq!(automation::due(db, T0).await.unwrap().len(), 1);
    assert!(automation::due(db, T0 - 1).await.unwrap().is_empty());
    assert_eq!(automation::next_poll_at(db).await.unwrap(), Some(T0));
    let item = automation::items::FeedItem {
        id: new_id(),
        feed_id: feed.id.clone(),
        item_key: "guid-1".into(),
        link: Some("https://blog.example/1".into()),
        title: "One".into(),
        outcome: "queued".into(),
        post_id: Some(fp.id.clone()),
        seen_at: T0,
        ..Default::default()
    };
    automation::items::insert(db, &item).await.unwrap();
    assert!(
        automation::items::seen(db, &feed.id, "guid-1", None)
            .await
            .unwrap()
    );
    assert!(
        automation::items::seen(db, &feed.id, "other", Some("https://blog.example/1"))
            .await
            .unwrap()
    );
    assert!(
        !automation::items::seen(db, &feed.id, "other", Some("https://blog.example/2"))
            .await
            .unwrap()
    );
    let twice = automation::items::FeedItem {
        id: new_id(),
        ..item.clone()
    };
    assert!(matches!(
        automation::items::insert(db, &twice).await.unwrap_err(),
        Error::Conflict { .. }
    ));
    assert_eq!(
        automation::items::count_for_feed(db, &feed.id)
            .await
            .unwrap(),
        1
    );
    let rule = automation::EvergreenRule {
        post_id: fp.id.clone(),
        every_days: 7,
        min_gap_days: 7,
        next_due_at: T0 + 7,
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    };
    automation::upsert_rule(db, &rule).await.unwrap();
    automation::upsert_rule(
        db,
        &automation::EvergreenRule {
            every_days: 3,
            ..rule.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        automation::find_rule(db, &fp.id)
            .await
            .unwrap()
            .unwrap()
            .every_days,
        3
    );
    assert_eq!(automation::due_rules(db, T0 + 7).await.unwrap().len(), 1);
    assert_eq!(
        automation::next_rule_due_at(db).await.unwrap(),
        Some(T0 + 7)
    );
    automation::copies::insert(
        db,
        &automation::copies::EvergreenCopy {
            id: new_id(),
            post_id: fp.id.clone(),
            copy_post_id: None,
            at: T0,
            outcome: "skipped".into(),
            message: Some("X".into()),
            created_at: T0,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        automation::copies::list_for_post(db, &fp.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(automation::list_rules(db).await.unwrap().len(), 1);

    // the AI ledger: insert, newest first, retention purge, delete
    let call = outpost_store::ai_calls::AiCall {
        id: new_id(),
        at: T0,
        action: "refine".into(),
        provider: "http://127.0.0.1:11434".into(),
        model: "llama3.2".into(),
        request_bytes: 10,
        response_bytes: 20,
        request_body: "{}".into(),
        answer: "ok".into(),
        status: "ok".into(),
        error: None,
        duration_ms: 5,
    };
    outpost_store::ai_calls::insert(db, &call).await.unwrap();
    let old = outpost_store::ai_calls::AiCall {
        id: new_id(),
        at: T0 - outpost_store::ai_calls::RETENTION_MS - 1,
        ..call.clone()
    };
    outpost_store::ai_calls::insert(db, &old).await.unwrap();
    assert_eq!(
        outpost_store::ai_calls::recent(db, 10).await.unwrap()[0],
        call
    );
    assert_eq!(
        outpost_store::ai_calls::purge_older_than(db, T0 - outpost_store::ai_calls::RETENTION_MS)
            .await
            .unwrap(),
        1
    );
    assert_eq!(outpost_store::ai_calls::count_all(db).await.unwrap(), 1);

    // inbox cursors and replies
    assert_eq!(
        inbox::cursors::get(db, &ch.id, "notifications")
            .await
            .unwrap(),
        None
    );
    inbox::cursors::set(db, &ch.id, "notifications", "41", T0)
        .await
        .unwrap();
    inbox::cursors::set(db, &ch.id, "notifications", "42", T0)
        .await
        .unwrap();
    assert_eq!(
        inbox::cursors::get(db, &ch.id, "notifications")
            .await
            .unwrap()
            .as_deref(),
        Some("42")
    );
    let reply = inbox::replies::InboxReply {
        id: new_id(),
        message_id: Some(msg.id.clone()),
        channel_id: ch.id.clone(),
        in_reply_to: "m1".into(),
        text: "Thanks!".into(),
        idempotency_key: new_id(),
        created_at: T0,
        ..Default::default()
    };
    inbox::replies::insert(db, &reply).await.unwrap();
    assert_eq!(
        inbox::replies::open_for(db, &msg.id, "Thanks!")
            .await
            .unwrap()
            .map(|r| r.id),
        Some(reply.id.clone())
    );
    inbox::replies::settle(
        db,
        &reply.id,
        ReplyState::Sent,
        Some("99"),
        None,
        None,
        T0 + 5,
    )
    .await
    .unwrap();
    assert!(
        inbox::replies::open_for(db, &msg.id, "Thanks!")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        inbox::replies::get(db, &reply.id).await.unwrap().sent_at,
        Some(T0 + 5)
    );
    // A sentiment correction by normalised text, replaced by a later one.
    assert_eq!(
        inbox::corrections::get(db, "great post").await.unwrap(),
        None
    );
    inbox::corrections::set(db, "great post", Sentiment::Positive, T0)
        .await
        .unwrap();
    inbox::corrections::set(db, "great post", Sentiment::Negative, T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        inbox::corrections::get(db, "great post").await.unwrap(),
        Some(Sentiment::Negative)
    );

    // counts, export listing, single deletes
    let counts = store.table_counts().await.unwrap();
    assert!(
        counts
            .iter()
            .all(|c| c.rows > 0 || c.table == "activity_log"),
        "{counts:?}"
    );
    assert_eq!(
        posts::list_all(db).await.unwrap().len() as i64,
        posts::count_all(db).await.unwrap()
    );
    for (n, f) in [
        (
            campaigns::list_all(db).await.unwrap().len(),
            campaigns::count_all(db).await.unwrap(),
        ),
        (
            board::list_all(db).await.unwrap().len(),
            board::count_all(db).await.unwrap(),
        ),
        (
            templates::list_all(db).await.unwrap().len(),
            templates::count_all(db).await.unwrap(),
        ),
        (
            tags::list_all(db).await.unwrap().len(),
            tags::count_all(db).await.unwrap(),
        ),
        (
            slots::list_all(db).await.unwrap().len(),
            slots::count_all(db).await.unwrap(),
        ),
        (
            media::list_all(db).await.unwrap().len(),
            media::count_all(db).await.unwrap(),
        ),
        (
            media::post_media::list_all(db).await.unwrap().len(),
            media::post_media::count_all(db).await.unwrap(),
        ),
        (
            media::idea_media::list_all(db).await.unwrap().len(),
            media::idea_media::count_all(db).await.unwrap(),
        ),
        (
            ideas::list_all(db).await.unwrap().len(),
            ideas::count_all(db).await.unwrap(),
        ),
        (
            posts::targets::list_all(db).await.unwrap().len(),
            posts::targets::count_all(db).await.unwrap(),
        ),
        (
            jobs::list_all(db).await.unwrap().len(),
            jobs::count_all(db).await.unwrap(),
        ),
        (
            jobs::attempts::list_all(db).await.unwrap().len(),
            jobs::attempts::count_all(db).await.unwrap(),
        ),
        (
            inbox::threads::list_all(db).await.unwrap().len(),
            inbox::threads::count_all(db).await.unwrap(),
        ),
        (
            inbox::messages::list_all(db).await.unwrap().len(),
            inbox::messages::count_all(db).await.unwrap(),
        ),
        (
            analytics::list_all(db).await.unwrap().len(),
            analytics::count_all(db).await.unwrap(),
        ),
        (
            consents::list_all(db).await.unwrap().len(),
            consents::count_all(db).await.unwrap(),
        ),
        (
            apps::list_all(db).await.unwrap().len(),
            apps::count_all(db).await.unwrap(),
        ),
        (
            secrets::list_all(db).await.unwrap().len(),
            secrets::count_all(db).await.unwrap(),
        ),
        (
            channels::list_all(db).await.unwrap().len(),
            channels::count_all(db).await.unwrap(),
        ),
        (
            approvals::list_all(db).await.unwrap().len(),
            approvals::count_all(db).await.unwrap(),
        ),
    ] {
        assert_eq!(n as i64, f);
        assert!(n > 0);
    }
    assert_eq!(tags::count_post_tags(db).await.unwrap(), 1);
    assert_eq!(tags::count_idea_tags(db).await.unwrap(), 1);
    tags::untag_post(db, &p.id, &tag.id).await.unwrap();
    tags::untag_idea(db, &idea.id, &tag.id).await.unwrap();
    assert!(
        tags::untag_post(db, &p.id, &tag.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    media::idea_media::delete(db, &idea.id, &m.id)
        .await
        .unwrap();
    templates::delete(db, &tpl.id).await.unwrap();
    assert!(
        templates::delete(db, &tpl.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    inbox::messages::delete(db, &msg.id).await.unwrap();
    slots::delete(db, &slot.id).await.unwrap();
    persona::delete(db).await.unwrap();
    consents::delete(db, &latest.id).await.unwrap();
    assert_eq!(
        secrets::delete_for_owner(db, SecretOwnerKind::DeveloperApp, &app.id)
            .await
            .unwrap(),
        1
    );

    // delete everything
    store.delete_everything().await.unwrap();
    assert!(
        store
            .table_counts()
            .await
            .unwrap()
            .iter()
            .all(|c| c.rows == 0)
    );
    assert!(search::search(db, "hello", 10).await.unwrap().is_empty());
    store.checkpoint_and_vacuum().await.unwrap();
    assert_eq!(
        store.schema_version().await.unwrap(),
        Store::latest_schema_version()
    );
}

#[tokio::test]
async fn deletes_cascade_to_children() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let ch = channel(1);
    channels::insert(db, &ch).await.unwrap();
    let m = media(1);
    media::insert(db, &m).await.unwrap();
    let p = post("cascade me", Some(T0));
    posts::insert(db, &p).await.unwrap();
    let mut t = target(&p.id, &ch.id);
    t.thumbnail_media_id = Some(m.id.clone());
    posts::targets::insert(db, &t).await.unwrap();
    let j = job(&t.id, T0);
    jobs::insert(db, &j).await.unwrap();
    jobs::attempts::insert(
        db,
        &jobs::attempts::PublishAttempt {
            id: new_id(),
            job_id: j.id.clone(),
            attempt_no: 1,
            started_at: T0,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    media::post_media::insert(
        db,
        &media::post_media::PostMedia {
            id: new_id(),
            post_id: p.id.clone(),
            target_id: Some(t.id.clone()),
            media_id: m.id.clone(),
            position: 0,
            created_at: T0,
        },
    )
    .await
    .unwrap();
    let tag = tags::Tag {
        id: new_id(),
        name: "t".into(),
        colour: String::new(),
        created_at: T0,
    };
    tags::insert(db, &tag).await.unwrap();
    tags::tag_post(db, &p.id, &tag.id).await.unwrap();
    approvals::insert(
        db,
        &approvals::ApprovalPreview {
            id: new_id(),
            post_id: p.id.clone(),
            created_at: T0,
            expires_at: T0 + 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    secrets::insert(
        db,
        &secrets::SealedSecret {
            id: new_id(),
            owner_kind: SecretOwnerKind::Channel,
            owner_id: ch.id.clone(),
            purpose: "access_token".into(),
            key_id: "k".into(),
            nonce: vec![0; 12],
            ciphertext: vec![1],
            created_at: T0,
            updated_at: T0,
        },
    )
    .await
    .unwrap();

    // Media deleted: attachments go, thumbnail reference is cleared.
    media::delete(db, &m.id).await.unwrap();
    assert_eq!(media::post_media::count_all(db).await.unwrap(), 0);
    assert_eq!(
        posts::targets::get(db, &t.id)
            .await
            .unwrap()
            .thumbnail_media_id,
        None
    );

    // Post deleted: targets, jobs, attempts, tags links, previews go.
    posts::delete(db, &p.id).await.unwrap();
    for table in [
        "post_targets",
        "publish_jobs",
        "publish_attempts",
        "post_tags",
        "approval_previews",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    assert_eq!(tags::count_all(db).await.unwrap(), 1, "tags outlive posts");
    assert!(posts::delete(db, &p.id).await.unwrap_err().is_not_found());

    // Channel deleted: its sealed secrets go (trigger).
    channels::delete(db, &ch.id).await.unwrap();
    assert_eq!(secrets::count_all(db).await.unwrap(), 0);

    // Foreign keys are enforced.
    let orphan = target("no-such-post", "no-such-channel");
    assert!(
        posts::targets::insert(db, &orphan)
            .await
            .unwrap_err()
            .is_conflict()
    );
}

#[tokio::test]
async fn transactions_are_all_or_nothing() {
    let (_d, store) = fresh().await;
    let ch = channel(1);
    {
        let mut tx = store.begin().await.unwrap();
        channels::insert(&mut *tx, &ch).await.unwrap();
        posts::insert(&mut *tx, &post("one", None)).await.unwrap();
        // dropped without commit
    }
    assert_eq!(channels::count_all(store.pool()).await.unwrap(), 0);
    assert_eq!(posts::count_all(store.pool()).await.unwrap(), 0);

    // An import that fails half way leaves nothing behind.
    let mut tx = store.begin().await.unwrap();
    channels::insert(&mut *tx, &ch).await.unwrap();
    let p = post("two", None);
    posts::insert(&mut *tx, &p).await.unwrap();
    let err = posts::insert(&mut *tx, &p).await.unwrap_err();
    assert!(err.is_conflict());
    tx.rollback().await.unwrap();
    assert_eq!(posts::count_all(store.pool()).await.unwrap(), 0);

    // Wipe-and-refill inside one transaction.
    let mut tx = store.begin().await.unwrap();
    channels::insert(&mut *tx, &ch).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    delete_everything(&mut tx).await.unwrap();
    posts::insert(&mut *tx, &post("fresh import", None))
        .await
        .unwrap();
    let counts = table_counts(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        counts.iter().find(|c| c.table == "channels").unwrap().rows,
        0
    );
    assert_eq!(
        search::search(store.pool(), "fresh", 5)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut rtx = store.begin_read().await.unwrap();
    assert_eq!(posts::list_all(&mut *rtx).await.unwrap().len(), 1);
    rtx.commit().await.unwrap();
}

#[tokio::test]
async fn search_finds_posts_variants_ideas_templates_and_survives_hostile_input() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let ch = channel(1);
    channels::insert(db, &ch).await.unwrap();
    let p = post("Spring sale starts Monday", None);
    posts::insert(db, &p).await.unwrap();
    let mut t = target(&p.id, &ch.id);
    t.title = Some("Café opening".into());
    t.first_comment = Some("link in bio".into());
    posts::targets::insert(db, &t).await.unwrap();
    ideas::insert(
        db,
        &ideas::Idea {
            id: new_id(),
            title: "Sale teaser".into(),
            notes: "short video".into(),
            created_at: T0,
            updated_at: T0,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    templates::insert(
        db,
        &templates::Template {
            id: new_id(),
            name: "Sale".into(),
            body: "{{product}} is on sale".into(),
            created_at: T0,
            updated_at: T0,
        },
    )
    .await
    .unwrap();

    let hits = search::search(db, "sale", 10).await.unwrap();
    let kinds: std::collections::HashSet<_> = hits.iter().map(|h| h.kind).collect();
    assert_eq!(kinds.len(), 3, "{hits:?}");
    let post_hit = hits.iter().find(|h| h.kind == SearchKind::Post).unwrap();
    assert_eq!(post_hit.id, p.id);
    assert!(
        post_hit
            .snippet
            .contains(&format!("{}Sale{}", search::MATCH_START, search::MATCH_END))
            || post_hit.snippet.contains(&format!(
                "{}sale{}",
                search::MATCH_START,
                search::MATCH_END
            )),
        "{post_hit:?}"
    );
    // variants, diacritics, prefix, thread parts
    assert_eq!(search::search(db, "cafe", 10).await.unwrap().len(), 1);
    assert_eq!(
        search::search(db, "bi", 10).await.unwrap().len(),
        1,
        "prefix of last word"
    );
    assert_eq!(search::search(db, "third part", 10).await.unwrap().len(), 1);
    // update and delete keep the index in sync
    posts::targets::update(
        db,
        &posts::targets::PostTarget {
            title: Some("Bistro".into()),
            ..t.clone()
        },
    )
    .await
    .unwrap();
    assert!(search::search(db, "cafe", 10).await.unwrap().is_empty());
    assert_eq!(search::search(db, "bistro", 10).await.unwrap().len(), 1);
    posts::targets::delete(db, &t.id).await.unwrap();
    assert!(search::search(db, "bistro", 10).await.unwrap().is_empty());
    let mut p2 = p.clone();
    p2.body = "Autumn collection".into();
    posts::update(db, &p2).await.unwrap();
    assert_eq!(search::search(db, "autumn", 10).await.unwrap().len(), 1);
    assert!(
        search::search(db, "spring", 10)
            .await
            .unwrap()
            .iter()
            .all(|h| h.kind != SearchKind::Post)
    );

    for hostile in [
        "\"",
        "\"\"\"",
        "*",
        "-",
        ":",
        "sale\"",
        "\"sale",
        "sale*",
        "-sale",
        "title:sale",
        "body:",
        "sale AND",
        "OR",
        "NOT sale",
        "NEAR(sale, 2)",
        "(((",
        ")",
        "^sale",
        "sale + - * : \" ' ;",
        "'; DROP TABLE posts; --",
        "{}[]",
        "\\",
        "\u{0}",
        "🙂 sale",
        "",
        "   ",
        "AND OR NOT",
        "a\"b\"c",
        "col:\"x\"*",
    ] {
        let r = search::search(db, hostile, 10).await;
        assert!(r.is_ok(), "{hostile:?}: {r:?}");
    }
    assert_eq!(search::fts_query("a\"b"), Some("\"a\"\"b\"*".into()));
    assert_eq!(search::fts_query(" - * "), None);
    assert_eq!(posts::count_all(db).await.unwrap(), 1, "still intact");
}

#[tokio::test]
async fn calendar_range_is_half_open_and_indexed() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let ch = channel(1);
    channels::insert(db, &ch).await.unwrap();
    let month_start = T0;
    let month_end = T0 + 31 * 86_400_000;
    let times = [
        month_start - 1,
        month_start,
        month_start + 5,
        month_end - 1,
        month_end,
    ];
    let mut ids = Vec::new();
    for (i, at) in times.iter().enumerate() {
        let p = post(&format!("post {i}"), Some(*at));
        posts::insert(db, &p).await.unwrap();
        posts::targets::insert(db, &target(&p.id, &ch.id))
            .await
            .unwrap();
        ids.push(p.id);
    }
    posts::insert(db, &post("draft without time", None))
        .await
        .unwrap();
    let got = posts::list_in_range(db, month_start, month_end)
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        ids[1..4].to_vec()
    );
    let cal = posts::calendar(db, month_start, month_end).await.unwrap();
    assert_eq!(cal.len(), 3);
    assert_eq!(cal[0].channel_ids, vec![ch.id.clone()]);
    assert_eq!(cal[0].excerpt, "post 1");
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as("EXPLAIN QUERY PLAN SELECT id FROM posts WHERE scheduled_at >= 1 AND scheduled_at < 2 ORDER BY scheduled_at")
        .fetch_all(db)
        .await
        .unwrap();
    assert!(
        plan.iter().any(|r| r.3.contains("posts_scheduled_at")),
        "{plan:?}"
    );
}

#[tokio::test]
async fn activity_log_records_filters_pages_and_purges() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let day = 86_400_000;
    let now = T0 + 40 * day;
    for i in 0..40 {
        let status = match i % 4 {
            0 => Some(200),
            1 => Some(404),
            2 => Some(503),
            _ => None,
        };
        activity::record(
            db,
            &activity::NewActivity {
                at: T0 + i * day,
                platform: if i % 2 == 0 {
                    "x".into()
                } else {
                    "mastodon".into()
                },
                method: "POST".into(),
                host: "api.example".into(),
                path: "/oauth/token?access_token=SECRET&x=1#frag".into(),
                status,
                duration_ms: 12,
                bytes: 300,
                error_kind: status.is_none().then(|| "timeout".into()),
            },
        )
        .await
        .unwrap();
    }
    let all = activity::list_all(db).await.unwrap();
    assert_eq!(all.len(), 40);
    assert!(
        all.iter().all(|e| e.path == "/oauth/token"),
        "query strings never stored"
    );
    let mut conn = db.acquire().await.unwrap();
    let page = activity::list(&mut conn, &activity::ActivityFilter::default(), 0, 10)
        .await
        .unwrap();
    assert_eq!((page.total, page.entries.len()), (40, 10));
    assert_eq!(page.entries[0].at, T0 + 39 * day, "newest first");
    let page4 = activity::list(&mut conn, &Default::default(), 3, 10)
        .await
        .unwrap();
    assert_eq!(page4.entries.len(), 10);
    let x = activity::list(
        &mut conn,
        &activity::ActivityFilter {
            platform: Some("x".into()),
            ..Default::default()
        },
        0,
        100,
    )
    .await
    .unwrap();
    assert_eq!(x.total, 20);
    let errs = activity::list(
        &mut conn,
        &activity::ActivityFilter {
            status_class: Some(activity::StatusClass::ClientError),
            ..Default::default()
        },
        0,
        100,
    )
    .await
    .unwrap();
    assert_eq!(errs.total, 10);
    assert!(errs.entries.iter().all(|e| e.status == Some(404)));
    let none = activity::list(
        &mut conn,
        &activity::ActivityFilter {
            status_class: Some(activity::StatusClass::NoResponse),
            ..Default::default()
        },
        0,
        100,
    )
    .await
    .unwrap();
    assert_eq!(none.total, 10);
    let ranged = activity::list(
        &mut conn,
        &activity::ActivityFilter {
            since: Some(T0 + 10 * day),
            until: Some(T0 + 20 * day),
            status_class: Some(activity::StatusClass::Success),
            ..Default::default()
        },
        0,
        100,
    )
    .await
    .unwrap();
    assert_eq!(ranged.total, 2, "days 12 and 16");
    drop(conn);
    let removed = activity::purge_older_than(db, now - activity::RETENTION_MS)
        .await
        .unwrap();
    assert_eq!(removed, 10);
    assert_eq!(activity::count_all(db).await.unwrap(), 30);
    let first = activity::list_all(db).await.unwrap()[0].clone();
    activity::delete(db, first.id).await.unwrap();
    activity::insert(db, &first).await.unwrap();
    assert_eq!(activity::count_all(db).await.unwrap(), 30);
    assert_eq!(activity::sanitize_path("/a/b?c#d"), "/a/b");
}

/// The inbox search (FTS5 walked newest first, stopped after the page) gives exactly the page of
/// the plain query — every match, filtered, sorted by (received_at, id), LIMIT/OFFSET — for dense
/// and sparse words, prefixes, each filter, pages deep and across items received in the same
/// second, stored in an order unlike their time, on a real SQLite file.
#[tokio::test]
async fn inbox_search_pages_equal_the_plain_query() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let mut chans = Vec::new();
    let mut threads = Vec::new();
    for k in 0..2 {
        let ch = channel(k);
        channels::insert(db, &ch).await.unwrap();
        for t in 0..3 {
            let th = inbox::threads::InboxThread {
                id: new_id(),
                channel_id: ch.id.clone(),
                platform_thread_id: format!("t{k}-{t}"),
                kind: ThreadKind::Comments,
                ..Default::default()
            };
            inbox::threads::insert(db, &th).await.unwrap();
            threads.push(th.id);
        }
        chans.push(ch.id);
    }
    let n = 3000;
    let sentiments = [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative];
    // Received in an order unlike their insertion order (a sync reads pages newest first): the
    // newest half one to a second, the older half 40 to a second (some in the same millisecond);
    // a few lie far in the past and future.
    let received = |i: usize| -> i64 {
        let p = ((i * 7919) % n) as i64;
        match i % 997 {
            0 => -5_000_000_000_000,
            1 => 9_000_000_000_000_000,
            _ if p >= n as i64 / 2 => T0 + p * 1000 + (i % 5) as i64,
            _ => T0 + p / 40 * 1000 + (i % 3) as i64 * 7,
        }
    };
    let rows: Vec<_> = (0..n)
        .map(|i| inbox::messages::InboxMessage {
            // Ids in an order unlike the insertion's, so that a second's slots are not in id order.
            id: format!("id-{:04}", (i * 4001) % n),
            thread_id: threads[i % threads.len()].clone(),
            platform_message_id: format!("m{i}"),
            author_name: format!("Author{}", i % 50),
            text: match i % 7 {
                0 => format!("rare roast {i}"),
                1 | 2 => format!("coffee cortado common {i}"),
                _ => format!("common words {i}"),
            },
            kind: if i % 4 == 0 {
                MessageKind::Mention
            } else {
                MessageKind::Comment
            },
            direction: if i % 11 == 0 {
                Direction::Outbound
            } else {
                Direction::Inbound
            },
            sentiment: Some(sentiments[i % 3]),
            is_done: i % 5 == 0,
            is_read: i % 3 == 0,
            received_at: received(i),
            created_at: T0,
            ..Default::default()
        })
        .collect();
    let mut conn = db.acquire().await.unwrap();
    // In two batches, the second after a few items of the first moved to another second.
    inbox::messages::insert_many(&mut conn, &rows[..n / 2])
        .await
        .unwrap();
    sqlx::query("UPDATE inbox_messages SET received_at = received_at + 3000 WHERE platform_message_id IN ('m5', 'm6', 'm7')")
        .execute(&mut *conn)
        .await
        .unwrap();
    inbox::messages::insert_many(&mut conn, &rows[n / 2..])
        .await
        .unwrap();
    drop(conn);
    // One conversation gone (its items leave the index through the triggers).
    sqlx::query("DELETE FROM inbox_messages WHERE thread_id = ?1")
        .bind(&threads[5])
        .execute(db)
        .await
        .unwrap();

    let plain = |f: &inbox::messages::InboxFilter, limit: i64, offset: i64| {
        let f = f.clone();
        async move {
            let fts = search::fts_query(f.search.as_deref().unwrap()).unwrap();
            let mut sql = String::from(
                "SELECT m.id FROM inbox_messages m JOIN inbox_threads t ON t.id = m.thread_id
                  WHERE m.id IN (SELECT d.message_id FROM inbox_search_docs d
                                  WHERE d.rowid IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ?1))
                    AND m.direction = 'inbound'",
            );
            if f.channel_id.is_some() {
                sql.push_str(" AND t.channel_id = ?4");
            }
            if f.kind.is_some() {
                sql.push_str(" AND m.kind = ?5");
            }
            if f.sentiment.is_some() {
                sql.push_str(" AND m.sentiment = ?6");
            }
            sql.push_str(match f.state {
                None => " AND m.is_done = 0",
                Some(inbox::messages::InboxState::Unread) => " AND m.is_done = 0 AND m.is_read = 0",
                Some(inbox::messages::InboxState::Read) => " AND m.is_done = 0 AND m.is_read = 1",
                Some(inbox::messages::InboxState::Done) => " AND m.is_done = 1",
            });
            sql.push_str(" ORDER BY m.received_at DESC, m.id DESC LIMIT ?2 OFFSET ?3");
            sqlx::query_scalar::<_, String>(&sql)
                .bind(fts)
                .bind(limit)
                .bind(offset)
                .bind(f.channel_id.clone())
                .bind(f.kind)
                .bind(f.sentiment)
                .fetch_all(db)
                .await
                .unwrap()
        }
    };
    let mut checked = 0;
    let mut nonempty = 0;
    for word in [
        "roast",
        "common",
        "co",
        "c",
        "cort",
        "coffee common",
        "author7",
        "zebra",
    ] {
        let search = Some(word.to_string());
        let filters = [
            inbox::messages::InboxFilter {
                search: search.clone(),
                ..Default::default()
            },
            inbox::messages::InboxFilter {
                search: search.clone(),
                channel_id: Some(chans[1].clone()),
                ..Default::default()
            },
            inbox::messages::InboxFilter {
                search: search.clone(),
                kind: Some(MessageKind::Mention),
                sentiment: Some(Sentiment::Negative),
                ..Default::default()
            },
            inbox::messages::InboxFilter {
                search: search.clone(),
                state: Some(inbox::messages::InboxState::Unread),
                ..Default::default()
            },
            inbox::messages::InboxFilter {
                search: search.clone(),
                state: Some(inbox::messages::InboxState::Read),
                channel_id: Some(chans[0].clone()),
                ..Default::default()
            },
            inbox::messages::InboxFilter {
                search: search.clone(),
                state: Some(inbox::messages::InboxState::Done),
                ..Default::default()
            },
        ];
        for f in &filters {
            for (limit, offset) in [
                (50, 0),
                (7, 0),
                (7, 13),
                (100, 250),
                (1, 999),
                (-1, 0),
                (0, 0),
            ] {
                let got: Vec<String> = inbox::messages::list(db, f, limit, offset)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|e| e.message.id)
                    .collect();
                let want = plain(f, limit, offset).await;
                assert_eq!(got, want, "{f:?} limit {limit} offset {offset}");
                checked += 1;
                nonempty += usize::from(!want.is_empty());
            }
        }
    }
    assert!(nonempty > checked / 2, "{nonempty} of {checked}");
    // The walk stops early: a page of 7 of a word in most items is the newest 7.
    let f = inbox::messages::InboxFilter {
        search: Some("common".into()),
        ..Default::default()
    };
    let page = inbox::messages::list(db, &f, 7, 0).await.unwrap();
    assert_eq!(page.len(), 7);
    assert_eq!(page[0].message.received_at, 9_000_000_000_000_000);
}

/// The index's rowids follow time: sorted by rowid, the items are sorted by received_at.
#[tokio::test]
async fn inbox_search_index_is_in_received_order() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let ch = channel(1);
    channels::insert(db, &ch).await.unwrap();
    let th = inbox::threads::InboxThread {
        id: new_id(),
        channel_id: ch.id.clone(),
        platform_thread_id: "t".into(),
        kind: ThreadKind::Comments,
        ..Default::default()
    };
    inbox::threads::insert(db, &th).await.unwrap();
    for (i, at) in [
        5_000_i64,
        3_000,
        5_010,
        -2_000,
        i64::MAX,
        5_999,
        i64::MIN,
        4_000,
    ]
    .into_iter()
    .enumerate()
    {
        let m = inbox::messages::InboxMessage {
            id: format!("m{i}"),
            thread_id: th.id.clone(),
            platform_message_id: format!("m{i}"),
            text: "hello".into(),
            received_at: at,
            ..Default::default()
        };
        assert!(inbox::messages::insert_if_new(db, &m).await.unwrap());
    }
    let order: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT d.rowid, m.received_at FROM inbox_search_docs d JOIN inbox_messages m ON m.id = d.message_id
          ORDER BY d.rowid",
    )
    .fetch_all(db)
    .await
    .unwrap();
    let times: Vec<i64> = order.iter().map(|(_, at)| *at).collect();
    assert_eq!(
        times,
        [
            i64::MIN,
            -2_000,
            3_000,
            4_000,
            5_000,
            5_010,
            5_999,
            i64::MAX
        ]
    );
    let fts: Vec<i64> = sqlx::query_scalar("SELECT rowid FROM inbox_fts ORDER BY rowid")
        .fetch_all(db)
        .await
        .unwrap();
    assert_eq!(fts, order.iter().map(|(r, _)| *r).collect::<Vec<_>>());
    assert_eq!(order[4].0 >> inbox::messages::SEARCH_SLOT_BITS, 5);
    assert_eq!(
        order[6].0 - order[4].0,
        2,
        "the next free slots of the second"
    );
    // Edited and deleted items follow (the update and delete triggers name the rebuilt tables).
    sqlx::query("UPDATE inbox_messages SET text = 'goodbye' WHERE id = 'm0'")
        .execute(db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM inbox_messages WHERE id = 'm1'")
        .execute(db)
        .await
        .unwrap();
    let found = |word: &'static str| async move {
        let f = inbox::messages::InboxFilter {
            search: Some(word.into()),
            ..Default::default()
        };
        let rows = inbox::messages::list(db, &f, 10, 0).await.unwrap();
        rows.into_iter().map(|e| e.message.id).collect::<Vec<_>>()
    };
    assert_eq!(found("goodbye").await, ["m0"]);
    assert_eq!(found("hello").await, ["m4", "m5", "m2", "m7", "m3", "m6"]);
}

/// The derived analytics tables (`analytics_latest`, `analytics_post_totals`,
/// `analytics_published`) equal a computation from scratch out of the jobs, targets and snapshots
/// after every kind of change their triggers follow.
#[tokio::test]
async fn derived_analytics_tables_follow_every_change() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    type Row = (
        String,
        String,
        i64,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    );
    let check = |step: &'static str| async move {
        let latest = "SELECT channel_id, post_target_id, metric, value, captured_at FROM ({})
                       ORDER BY channel_id, post_target_id, metric";
        let scratch_latest = "SELECT channel_id, post_target_id, metric, value, captured_at FROM (
                SELECT *, ROW_NUMBER() OVER (PARTITION BY post_target_id, metric, channel_id
                                             ORDER BY captured_at DESC, id DESC) AS n
                  FROM analytics_snapshots) WHERE n = 1";
        let got: Vec<(String, Option<String>, String, f64, i64)> =
            sqlx::query_as(&latest.replace("{}", "SELECT * FROM analytics_latest"))
                .fetch_all(db)
                .await
                .unwrap();
        let want: Vec<(String, Option<String>, String, f64, i64)> =
            sqlx::query_as(&latest.replace("{}", scratch_latest))
                .fetch_all(db)
                .await
                .unwrap();
        assert_eq!(got, want, "analytics_latest after {step}");
        let got: Vec<Row> = sqlx::query_as(
            "SELECT post_target_id, channel_id, published_at, engagement, likes, reposts, replies, impressions
               FROM analytics_published ORDER BY post_target_id",
        )
        .fetch_all(db)
        .await
        .unwrap();
        let want: Vec<Row> = sqlx::query_as(&format!(
            "WITH l AS ({scratch_latest}),
                  s AS (SELECT post_target_id,
                          SUM(CASE WHEN metric IN ('likes','reposts','replies','quotes','saves') THEN value END) AS engagement,
                          SUM(CASE WHEN metric = 'likes' THEN value END) AS likes,
                          SUM(CASE WHEN metric = 'reposts' THEN value END) AS reposts,
                          SUM(CASE WHEN metric = 'replies' THEN value END) AS replies,
                          SUM(CASE WHEN metric = 'impressions' THEN value END) AS impressions
                          FROM l WHERE post_target_id IS NOT NULL GROUP BY post_target_id)
             SELECT t.id, t.channel_id, COALESCE(j.published_at, j.due_at),
                    s.engagement, s.likes, s.reposts, s.replies, s.impressions
               FROM publish_jobs j JOIN post_targets t ON t.id = j.post_target_id
               LEFT JOIN s ON s.post_target_id = t.id
              WHERE j.state = 'published' ORDER BY t.id"
        ))
        .fetch_all(db)
        .await
        .unwrap();
        assert_eq!(got, want, "analytics_published after {step}");
        let hours = "SELECT hour, channel_id, posts, likes, reposts, replies, engagement,
                            ROUND(rate_sum, 9), rates FROM ({}) ORDER BY hour, channel_id";
        type Hour = (i64, String, i64, f64, f64, f64, f64, f64, i64);
        let scratch_hours = "SELECT published_at / 3600000 AS hour, channel_id, COUNT(*) AS posts,
                TOTAL(likes) AS likes, TOTAL(reposts) AS reposts, TOTAL(replies) AS replies,
                TOTAL(engagement) AS engagement,
                TOTAL(CASE WHEN impressions > 0 THEN engagement / impressions END) AS rate_sum,
                COUNT(CASE WHEN impressions > 0 THEN engagement END) AS rates
           FROM analytics_published GROUP BY 1, 2";
        let got_hours: Vec<Hour> =
            sqlx::query_as(&hours.replace("{}", "SELECT * FROM analytics_hours"))
                .fetch_all(db)
                .await
                .unwrap();
        let want_hours: Vec<Hour> = sqlx::query_as(&hours.replace("{}", scratch_hours))
            .fetch_all(db)
            .await
            .unwrap();
        assert_eq!(got_hours, want_hours, "analytics_hours after {step}");
        got.len()
    };
    let exec = |sql: String| async move { sqlx::query(&sql).execute(db).await.unwrap() };
    let (a, b) = (channel(1), channel(2));
    channels::insert(db, &a).await.unwrap();
    channels::insert(db, &b).await.unwrap();
    let mut t = Vec::new();
    let mut j = Vec::new();
    for n in 0..3 {
        let p = post(&format!("post {n}"), Some(T0));
        posts::insert(db, &p).await.unwrap();
        let tg = target(&p.id, &a.id);
        posts::targets::insert(db, &tg).await.unwrap();
        let jb = job(&tg.id, T0 + n);
        jobs::insert(db, &jb).await.unwrap();
        t.push(tg.id);
        j.push(jb.id);
    }
    assert_eq!(check("scheduling").await, 0);
    // A job inserted published (as an import does).
    let p = post("imported", Some(T0));
    posts::insert(db, &p).await.unwrap();
    let tg = target(&p.id, &b.id);
    posts::targets::insert(db, &tg).await.unwrap();
    let mut jb = job(&tg.id, T0 - 3_600_000);
    jb.state = JobState::Published;
    jobs::insert(db, &jb).await.unwrap();
    assert_eq!(check("an imported published job").await, 1);
    // Published with a publishing time, and published without one (its due time counts).
    exec(format!(
        "UPDATE publish_jobs SET state = 'published', published_at = {} WHERE id = '{}'",
        T0 + 50,
        j[1]
    ))
    .await;
    exec(format!(
        "UPDATE publish_jobs SET state = 'published' WHERE id = '{}'",
        j[2]
    ))
    .await;
    assert_eq!(check("publishing").await, 3);
    let mut snap = 0;
    let mut reading = |target: &str, metric: &str, value: f64, at: i64| {
        snap += 1;
        format!(
            "INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at)
             VALUES ('s{snap}', '{}', '{target}', '{metric}', {value}, {at})",
            a.id
        )
    };
    for (k, (m, v)) in [
        ("likes", 3.0),
        ("reposts", 1.0),
        ("impressions", 40.0),
        ("likes", 5.0),
    ]
    .iter()
    .enumerate()
    {
        exec(reading(&t[1], m, *v, T0 + 100 + k as i64)).await;
        exec(reading(&t[0], m, v * 2.0, T0 + 100 + k as i64)).await;
    }
    // An older reading arriving late changes nothing.
    exec(reading(&t[1], "likes", 1.0, T0)).await;
    assert_eq!(check("snapshots").await, 3);
    // Each change, then how many published targets the derived table holds.
    let (j0, j1, j2) = (&j[0], &j[1], &j[2]);
    let (t0, t1, t2) = (&t[0], &t[1], &t[2]);
    let steps = [
        // The unpublished target with readings gets published; then retimed (to another hour).
        (
            "publishing a target with readings",
            format!(
                "UPDATE publish_jobs SET state = 'published', published_at = {} WHERE id = '{j0}'",
                T0 + 60
            ),
            4,
        ),
        (
            "retiming",
            format!(
                "UPDATE publish_jobs SET published_at = {} WHERE id = '{j0}'",
                T0 + 7_200_000
            ),
            4,
        ),
        (
            "retiming to the due time",
            format!(
                "UPDATE publish_jobs SET published_at = NULL, due_at = {} WHERE id = '{j1}'",
                T0 + 80
            ),
            4,
        ),
        // Failing and re-publishing; a failed job retimed stays out.
        (
            "failing",
            format!("UPDATE publish_jobs SET state = 'failed' WHERE id = '{j2}'"),
            3,
        ),
        (
            "retiming a failed job",
            format!(
                "UPDATE publish_jobs SET due_at = {} WHERE id = '{j2}'",
                T0 + 90
            ),
            3,
        ),
        (
            "re-publishing",
            format!("UPDATE publish_jobs SET state = 'published' WHERE id = '{j2}'"),
            4,
        ),
        // Corrected readings: the latest's value, its time moved back (another becomes the
        // latest), a reading moved to another post and metric.
        (
            "a corrected value",
            "UPDATE analytics_snapshots SET value = 9 WHERE id = 's7'".into(),
            4,
        ),
        (
            "a reading moved back in time",
            format!(
                "UPDATE analytics_snapshots SET captured_at = {} WHERE id = 's7'",
                T0 - 5
            ),
            4,
        ),
        (
            "a reading moved to another post",
            format!(
                "UPDATE analytics_snapshots SET post_target_id = '{t2}', metric = 'replies' WHERE id = 's5'"
            ),
            4,
        ),
        // Deleted readings (the latest, then every one of a post).
        (
            "deleting the latest reading",
            "DELETE FROM analytics_snapshots WHERE id = 's8'".into(),
            4,
        ),
        (
            "deleting a post's readings",
            format!("DELETE FROM analytics_snapshots WHERE post_target_id = '{t1}'"),
            4,
        ),
        // A target moved to another channel; a job deleted; a target deleted (its job cascades).
        (
            "moving a target",
            format!(
                "UPDATE post_targets SET channel_id = '{}' WHERE id = '{t0}'",
                b.id
            ),
            4,
        ),
        (
            "deleting a job",
            format!("DELETE FROM publish_jobs WHERE id = '{j1}'"),
            3,
        ),
        (
            "deleting a target",
            format!("DELETE FROM post_targets WHERE id = '{t0}'"),
            2,
        ),
    ];
    for (step, sql, published) in steps {
        exec(sql).await;
        assert_eq!(check(step).await, published);
    }
}

/// `period_days` adds whole hours from `analytics_hours` when the zone's offsets (and their
/// changes) are whole hours, and reads every post otherwise (a +05:30 zone): either way the same
/// sums as grouping the posts one by one, partial hours at the edges and around the current
/// period's start included.
#[tokio::test]
async fn period_days_from_hours_equal_the_posts_summed() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    const H: i64 = 3_600_000;
    const DAY: i64 = 86_400_000;
    let (a, b) = (channel(1), channel(2));
    channels::insert(db, &a).await.unwrap();
    channels::insert(db, &b).await.unwrap();
    let base = T0 - T0 % DAY;
    for n in 0..90i64 {
        let at = base + n * 3_300_000 + (n * n * 7_919) % H;
        let ch = if n % 3 == 0 { &b.id } else { &a.id };
        let p = post(&format!("post {n}"), Some(at));
        posts::insert(db, &p).await.unwrap();
        let t = target(&p.id, ch);
        posts::targets::insert(db, &t).await.unwrap();
        let mut j = job(&t.id, at);
        j.state = JobState::Published;
        j.published_at = Some(at);
        jobs::insert(db, &j).await.unwrap();
        let mut metrics = vec![("likes", n as f64), ("reposts", (n % 4) as f64)];
        if n % 2 == 0 {
            metrics.push(("impressions", (n * 10 + 7) as f64));
        }
        if n % 5 == 0 {
            metrics.push(("replies", 1.0));
        }
        for (m, v) in metrics {
            sqlx::query("INSERT INTO analytics_snapshots (id, channel_id, post_target_id, metric, value, captured_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .bind(new_id())
                .bind(ch)
                .bind(&t.id)
                .bind(m)
                .bind(v)
                .bind(at + H)
                .execute(db)
                .await
                .unwrap();
        }
    }
    type Post = (
        i64,
        String,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    );
    let rows: Vec<Post> = sqlx::query_as(
        "SELECT published_at, channel_id, likes, reposts, replies, engagement, impressions FROM analytics_published",
    )
    .fetch_all(db)
    .await
    .unwrap();
    assert_eq!(rows.len(), 90);
    let (from, to) = (base + 5 * H + 1_234, base + 80 * H + 4_321);
    let cases: [(i64, Vec<(i64, i64)>); 4] = [
        (base + 40 * H + 777, vec![(from, H)]),
        (base + 40 * H, vec![(from, H)]),
        (base + 40 * H + 777, vec![(from, H), (base + 30 * H, 2 * H)]),
        (base + 40 * H + 777, vec![(from, 19_800_000)]),
    ];
    for (current_from, offsets) in cases {
        let got = analytics::period_days(db, None, (from, current_from, to), &offsets)
            .await
            .unwrap();
        let offset_at = |t: i64| {
            offsets
                .iter()
                .rev()
                .find(|(at, _)| t >= *at)
                .map_or(offsets[0].1, |(_, o)| *o)
        };
        let mut want: std::collections::BTreeMap<(i64, bool, String), analytics::PeriodDay> =
            Default::default();
        for (t, ch, likes, reposts, replies, engagement, impressions) in &rows {
            if *t < from || *t >= to {
                continue;
            }
            let key = ((t + offset_at(*t)) / DAY, *t >= current_from, ch.clone());
            let d = want.entry(key.clone()).or_insert(analytics::PeriodDay {
                day: key.0,
                current: key.1,
                channel_id: key.2,
                posts: 0,
                likes: 0.0,
                reposts: 0.0,
                replies: 0.0,
                engagement: 0.0,
                rate_sum: 0.0,
                rates: 0,
            });
            d.posts += 1;
            d.likes += likes.unwrap_or(0.0);
            d.reposts += reposts.unwrap_or(0.0);
            d.replies += replies.unwrap_or(0.0);
            d.engagement += engagement.unwrap_or(0.0);
            if let (Some(e), Some(i)) = (engagement, impressions.filter(|i| *i > 0.0)) {
                d.rate_sum += e / i;
                d.rates += 1;
            }
        }
        let want: Vec<analytics::PeriodDay> = want.into_values().collect();
        assert!(want.len() > 6, "{want:?}");
        assert_eq!(got.len(), want.len(), "{offsets:?}: {got:?}");
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g.rate_sum - w.rate_sum).abs() < 1e-9,
                "{offsets:?}: {g:?} vs {w:?}"
            );
            let g = analytics::PeriodDay {
                rate_sum: w.rate_sum,
                ..g.clone()
            };
            assert_eq!(&g, w, "{offsets:?}");
        }
    }
}
