#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The repository functions that took over the application crate's own SQL (issue #14): labels,
//! ideas, the board, posts and attachments, the scheduler's job queries, slots, and whole-table
//! access for export/import — each against a real SQLite file.

mod common;

use common::*;
use outpost_store::*;

fn tag(name: &str) -> tags::Tag {
    tags::Tag {
        id: new_id(),
        name: name.into(),
        colour: "#2563eb".into(),
        created_at: T0,
    }
}

fn campaign(name: &str) -> campaigns::Campaign {
    campaigns::Campaign {
        id: new_id(),
        name: name.into(),
        colour: "#16a34a".into(),
        created_at: T0,
        updated_at: T0,
        ..Default::default()
    }
}

fn idea(title: &str, updated_at: i64) -> ideas::Idea {
    ideas::Idea {
        id: new_id(),
        title: title.into(),
        notes: "notes".into(),
        created_at: T0,
        updated_at,
        ..Default::default()
    }
}

fn column(name: &str, position: i64) -> board::BoardColumn {
    board::BoardColumn {
        id: new_id(),
        name: name.into(),
        position,
        colour: "#7c3aed".into(),
        created_at: T0,
        updated_at: T0,
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn names_clash_case_insensitively_except_the_row_itself() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let t = tag("Launch");
    tags::insert(db, &t).await.unwrap();
    assert_eq!(
        tags::name_clash(db, "launch", None)
            .await
            .unwrap()
            .as_deref(),
        Some("Launch")
    );
    assert_eq!(
        tags::name_clash(db, "LAUNCH", Some(&t.id)).await.unwrap(),
        None
    );
    assert_eq!(tags::name_clash(db, "other", None).await.unwrap(), None);

    let c = campaign("Spring");
    campaigns::insert(db, &c).await.unwrap();
    assert_eq!(
        campaigns::name_clash(db, "SPRING", None)
            .await
            .unwrap()
            .as_deref(),
        Some("Spring")
    );
    assert_eq!(
        campaigns::name_clash(db, "spring", Some(&c.id))
            .await
            .unwrap(),
        None
    );

    let tpl = templates::Template {
        id: new_id(),
        name: "Weekly".into(),
        body: "b".into(),
        created_at: T0,
        updated_at: T0,
    };
    templates::insert(db, &tpl).await.unwrap();
    assert_eq!(
        templates::name_clash(db, "weekly", None)
            .await
            .unwrap()
            .as_deref(),
        Some("Weekly")
    );
    assert_eq!(
        templates::name_clash(db, "weekly", Some(&tpl.id))
            .await
            .unwrap(),
        None
    );

    let col = column("Ideas", 0);
    board::insert(db, &col).await.unwrap();
    assert_eq!(
        board::name_clash(db, "IDEAS", None)
            .await
            .unwrap()
            .as_deref(),
        Some("Ideas")
    );
    assert_eq!(
        board::name_clash(db, "ideas", Some(&col.id)).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn tags_count_list_clear_and_restore_their_links() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (t1, t2) = (tag("b-tag"), tag("A-tag"));
    tags::insert(db, &t1).await.unwrap();
    tags::insert(db, &t2).await.unwrap();
    let (p1, p2) = (post("one", None), post("two", None));
    posts::insert(db, &p1).await.unwrap();
    posts::insert(db, &p2).await.unwrap();
    let i1 = idea("idea", T0);
    ideas::insert(db, &i1).await.unwrap();
    tags::tag_post(db, &p1.id, &t1.id).await.unwrap();
    tags::tag_post(db, &p2.id, &t1.id).await.unwrap();
    tags::tag_post(db, &p1.id, &t2.id).await.unwrap();
    tags::tag_idea(db, &i1.id, &t1.id).await.unwrap();

    assert_eq!(tags::usage(db, &t1.id).await.unwrap(), (2, 1));
    assert_eq!(tags::usage(db, &t2.id).await.unwrap(), (1, 0));
    assert_eq!(
        sorted(tags::post_ids(db, &t1.id).await.unwrap()),
        sorted(vec![p1.id.clone(), p2.id.clone()])
    );
    assert_eq!(
        tags::idea_ids(db, &t1.id).await.unwrap(),
        vec![i1.id.clone()]
    );
    assert_eq!(
        tags::ids_for_idea(db, &i1.id).await.unwrap(),
        vec![t1.id.clone()]
    );

    // Names by tag name, case-insensitively.
    let names = tags::post_tag_names(db).await.unwrap();
    assert_eq!(names.len(), 3);
    assert_eq!(names[0], (p1.id.clone(), "A-tag".to_string()));
    assert!(names[1..].iter().all(|(_, n)| n == "b-tag"));

    // An idea's tags copied onto a new post.
    let p3 = post("three", None);
    posts::insert(db, &p3).await.unwrap();
    tags::copy_idea_tags_to_post(db, &i1.id, &p3.id)
        .await
        .unwrap();
    assert_eq!(tags::for_post(db, &p3.id).await.unwrap(), vec![t1.clone()]);

    tags::clear_post(db, &p1.id).await.unwrap();
    assert!(tags::for_post(db, &p1.id).await.unwrap().is_empty());
    assert_eq!(tags::for_post(db, &p2.id).await.unwrap().len(), 1);
    tags::clear_idea(db, &i1.id).await.unwrap();
    assert!(tags::for_idea(db, &i1.id).await.unwrap().is_empty());

    // Restoring: only onto rows that exist, only with tags that exist, never twice.
    tags::retag_post_if_present(db, &p1.id, &t2.id)
        .await
        .unwrap();
    tags::retag_post_if_present(db, &p1.id, &t2.id)
        .await
        .unwrap();
    tags::retag_post_if_present(db, "no-such-post", &t2.id)
        .await
        .unwrap();
    assert_eq!(tags::for_post(db, &p1.id).await.unwrap(), vec![t2.clone()]);
    tags::retag_idea_if_present(db, &i1.id, &t2.id)
        .await
        .unwrap();
    tags::retag_idea_if_present(db, "no-such-idea", &t2.id)
        .await
        .unwrap();
    assert_eq!(tags::for_idea(db, &i1.id).await.unwrap(), vec![t2.clone()]);
    tags::tag_post_if_tag_exists(db, &p2.id, &t2.id)
        .await
        .unwrap();
    tags::tag_post_if_tag_exists(db, &p2.id, &t2.id)
        .await
        .unwrap();
    tags::tag_post_if_tag_exists(db, &p2.id, "no-such-tag")
        .await
        .unwrap();
    assert_eq!(tags::for_post(db, &p2.id).await.unwrap().len(), 2);
    tags::tag_idea_if_tag_exists(db, &i1.id, &t1.id)
        .await
        .unwrap();
    tags::tag_idea_if_tag_exists(db, &i1.id, "no-such-tag")
        .await
        .unwrap();
    assert_eq!(tags::for_idea(db, &i1.id).await.unwrap().len(), 2);
    assert_eq!(tags::count_post_tags(db).await.unwrap(), 4);
}

#[tokio::test]
async fn campaigns_count_list_and_restore_without_overwriting() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (c1, c2) = (campaign("one"), campaign("two"));
    campaigns::insert(db, &c1).await.unwrap();
    campaigns::insert(db, &c2).await.unwrap();
    let mut p = post("p", None);
    p.campaign_id = Some(c1.id.clone());
    posts::insert(db, &p).await.unwrap();
    let mut i = idea("i", T0);
    i.campaign_id = Some(c1.id.clone());
    ideas::insert(db, &i).await.unwrap();
    let other = post("other", None);
    posts::insert(db, &other).await.unwrap();

    assert_eq!(campaigns::usage(db, &c1.id).await.unwrap(), (1, 1));
    assert_eq!(campaigns::usage(db, &c2.id).await.unwrap(), (0, 0));
    assert_eq!(
        campaigns::post_ids(db, &c1.id).await.unwrap(),
        vec![p.id.clone()]
    );
    assert_eq!(
        campaigns::idea_ids(db, &c1.id).await.unwrap(),
        vec![i.id.clone()]
    );

    // Restoring fills only an empty campaign and leaves updated_at alone.
    campaigns::restore_on_post(db, &p.id, &c2.id).await.unwrap();
    campaigns::restore_on_post(db, &other.id, &c2.id)
        .await
        .unwrap();
    campaigns::restore_on_idea(db, &i.id, &c2.id).await.unwrap();
    let got = posts::get(db, &p.id).await.unwrap();
    assert_eq!(got.campaign_id.as_deref(), Some(c1.id.as_str()));
    let got = posts::get(db, &other.id).await.unwrap();
    assert_eq!(got.campaign_id.as_deref(), Some(c2.id.as_str()));
    assert_eq!(got.updated_at, T0);
    assert_eq!(
        ideas::get(db, &i.id).await.unwrap().campaign_id.as_deref(),
        Some(c1.id.as_str())
    );
    let mut bare = idea("bare", T0);
    bare.campaign_id = None;
    ideas::insert(db, &bare).await.unwrap();
    campaigns::restore_on_idea(db, &bare.id, &c2.id)
        .await
        .unwrap();
    assert_eq!(
        ideas::get(db, &bare.id)
            .await
            .unwrap()
            .campaign_id
            .as_deref(),
        Some(c2.id.as_str())
    );
}

#[tokio::test]
async fn posts_and_ideas_touch_set_campaign_and_link_ideas() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let c = campaign("c");
    campaigns::insert(db, &c).await.unwrap();
    let p = post("A post body that is long enough", None);
    posts::insert(db, &p).await.unwrap();
    let (i1, i2) = (idea("older", T0), idea("newer", T0 + 5));
    ideas::insert(db, &i1).await.unwrap();
    ideas::insert(db, &i2).await.unwrap();

    assert!(posts::touch(db, &p.id, T0 + 1).await.unwrap());
    assert!(!posts::touch(db, "missing", T0 + 1).await.unwrap());
    assert_eq!(posts::get(db, &p.id).await.unwrap().updated_at, T0 + 1);
    assert!(ideas::touch(db, &i1.id, T0 + 9).await.unwrap());
    assert!(!ideas::touch(db, "missing", T0).await.unwrap());
    assert_eq!(
        ideas::ids_by_update(db).await.unwrap(),
        vec![i1.id.clone(), i2.id.clone()]
    );

    assert!(
        posts::set_campaign(db, &p.id, Some(&c.id), T0 + 2)
            .await
            .unwrap()
    );
    let got = posts::get(db, &p.id).await.unwrap();
    assert_eq!(got.campaign_id.as_deref(), Some(c.id.as_str()));
    assert_eq!(got.updated_at, T0 + 2);
    assert!(posts::set_campaign(db, &p.id, None, T0 + 3).await.unwrap());
    assert_eq!(posts::get(db, &p.id).await.unwrap().campaign_id, None);
    assert!(!posts::set_campaign(db, "missing", None, T0).await.unwrap());
    assert!(
        ideas::set_campaign(db, &i2.id, Some(&c.id), T0 + 4)
            .await
            .unwrap()
    );
    assert_eq!(
        ideas::get(db, &i2.id).await.unwrap().campaign_id.as_deref(),
        Some(c.id.as_str())
    );
    assert!(!ideas::set_campaign(db, "missing", None, T0).await.unwrap());

    // Posts made from an idea, oldest first; relinking only fills an empty link.
    let mut a = post("from idea a", None);
    a.idea_id = Some(i1.id.clone());
    a.created_at = T0 + 10;
    let mut b = post("from idea b", None);
    b.idea_id = Some(i1.id.clone());
    b.created_at = T0 + 5;
    posts::insert(db, &a).await.unwrap();
    posts::insert(db, &b).await.unwrap();
    assert_eq!(
        posts::ids_for_idea(db, &i1.id).await.unwrap(),
        vec![b.id.clone(), a.id.clone()]
    );
    posts::link_idea_if_unlinked(db, &a.id, &i2.id)
        .await
        .unwrap();
    posts::link_idea_if_unlinked(db, &p.id, &i2.id)
        .await
        .unwrap();
    assert_eq!(
        posts::ids_for_idea(db, &i2.id).await.unwrap(),
        vec![p.id.clone()]
    );
    assert_eq!(posts::ids_for_idea(db, &i1.id).await.unwrap().len(), 2);

    // Search summary: the first 300 characters and the status.
    let long = post(&"x".repeat(400), Some(T0));
    posts::insert(db, &long).await.unwrap();
    let (body, status) = posts::search_summary(db, &long.id).await.unwrap().unwrap();
    assert_eq!(body.chars().count(), 300);
    assert_eq!(status, "scheduled");
    assert_eq!(posts::search_summary(db, "missing").await.unwrap(), None);
}

#[tokio::test]
async fn post_views_for_notices_export_and_the_next_post() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let ch = channel(1);
    channels::insert(db, &ch).await.unwrap();
    let draft = post("draft", None);
    let mut later = post("later", Some(T0 + 2_000));
    later.created_at = T0 - 1;
    let sooner = post(&format!("sooner {}", "y".repeat(100)), Some(T0 + 1_000));
    for p in [&draft, &later, &sooner] {
        posts::insert(db, p).await.unwrap();
    }

    assert_eq!(
        posts::notice_parts(db, &sooner.id, &ch.id).await.unwrap(),
        Some((
            sooner.body.clone(),
            "mastodon".to_string(),
            "Account 1".to_string()
        ))
    );
    assert_eq!(
        posts::notice_parts(db, &sooner.id, "gone").await.unwrap(),
        None
    );

    let rows = posts::list_for_export(db).await.unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [sooner.id.as_str(), later.id.as_str(), draft.id.as_str()]
    );
    assert_eq!(rows[2].scheduled_at, None);
    assert_eq!(rows[2].status, "draft");
    assert_eq!(rows[0].time_zone.as_deref(), Some("Europe/Berlin"));

    // The next post: the earliest scheduled job not handed to a platform, with its target count.
    assert_eq!(posts::next_waiting(db).await.unwrap(), None);
    let ch2 = channel(2);
    channels::insert(db, &ch2).await.unwrap();
    let mut jobs_made = Vec::new();
    for (p, due) in [(&sooner, T0 + 1_000), (&later, T0 + 2_000)] {
        for c in [&ch, &ch2] {
            let t = target(&p.id, &c.id);
            posts::targets::insert(db, &t).await.unwrap();
            let j = job(&t.id, due);
            jobs::insert(db, &j).await.unwrap();
            jobs_made.push(j);
        }
    }
    let (id, due, excerpt, n) = posts::next_waiting(db).await.unwrap().unwrap();
    assert_eq!((id.as_str(), due, n), (sooner.id.as_str(), T0 + 1_000, 2));
    assert_eq!(excerpt.chars().count(), 80);
    // Handed to the platform: skipped.
    for j in &jobs_made[..2] {
        jobs::mark_handed_to_platform(db, &j.id, "native-1", None, T0 + 1_000, T0)
            .await
            .unwrap();
    }
    let (id, ..) = posts::next_waiting(db).await.unwrap().unwrap();
    assert_eq!(id, later.id);
}

#[tokio::test]
async fn calendar_items_filter_and_describe_posts() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (a, b) = (channel(1), channel(2));
    channels::insert(db, &a).await.unwrap();
    channels::insert(db, &b).await.unwrap();
    let t = tag("t");
    tags::insert(db, &t).await.unwrap();
    let c = campaign("c");
    campaigns::insert(db, &c).await.unwrap();
    let m = media(1);
    media::insert(db, &m).await.unwrap();

    let mut p1 = post("first post", Some(T0 + 10));
    p1.campaign_id = Some(c.id.clone());
    let p2 = post("second post", Some(T0 + 20));
    let outside = post("outside", Some(T0 + 1_000));
    let draft = post("draft", None);
    for p in [&p1, &p2, &outside, &draft] {
        posts::insert(db, p).await.unwrap();
    }
    let t1 = target(&p1.id, &a.id);
    let t2 = target(&p1.id, &b.id);
    let t3 = target(&p2.id, &b.id);
    for x in [&t1, &t2, &t3] {
        posts::targets::insert(db, x).await.unwrap();
    }
    jobs::insert(db, &job(&t1.id, T0 + 10)).await.unwrap();
    tags::tag_post(db, &p2.id, &t.id).await.unwrap();
    media::post_media::insert(
        db,
        &media::post_media::PostMedia {
            id: new_id(),
            post_id: p1.id.clone(),
            media_id: m.id.clone(),
            position: 0,
            created_at: T0,
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let all = posts::calendar_items(db, T0, T0 + 100, &Default::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let ((id, status, at, zone, excerpt, camp, chans, states, n_media, first, mime), marks) =
        &all[0];
    assert_eq!(*marks, (0, 0), "not handed off, no first comment");
    assert_eq!(id, &p1.id);
    assert_eq!(status, "scheduled");
    assert_eq!(*at, T0 + 10);
    assert_eq!(zone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(excerpt, "first post");
    assert_eq!(camp.as_deref(), Some(c.id.as_str()));
    let chans = chans.clone().unwrap();
    assert_eq!(chans.split('\u{1e}').count(), 2);
    assert!(chans.contains(&format!("{}\u{1f}mastodon\u{1f}@a1", a.id)));
    let mut states: Vec<String> = states
        .clone()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect();
    states.sort();
    assert_eq!(states, ["draft", "scheduled"]);
    assert_eq!(*n_media, 1);
    assert_eq!(first.as_deref(), Some(m.id.as_str()));
    assert_eq!(mime.as_deref(), Some("image/jpeg"));
    assert_eq!(all[1].0.0, p2.id);

    let only = |f: posts::CalendarFilter| async move {
        posts::calendar_items(db, T0, T0 + 100, &f)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.0.0)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        only(posts::CalendarFilter {
            channel_ids: vec![a.id.clone()],
            ..Default::default()
        })
        .await,
        vec![p1.id.clone()]
    );
    assert_eq!(
        only(posts::CalendarFilter {
            tag_ids: vec![t.id.clone()],
            ..Default::default()
        })
        .await,
        vec![p2.id.clone()]
    );
    assert_eq!(
        only(posts::CalendarFilter {
            campaign_id: Some(c.id.clone()),
            channel_ids: vec![a.id.clone(), b.id.clone()],
            ..Default::default()
        })
        .await,
        vec![p1.id.clone()]
    );
    assert!(
        only(posts::CalendarFilter {
            statuses: vec!["draft".into(), "published".into()],
            ..Default::default()
        })
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn targets_attachments_and_library_items() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (a, b) = (channel(1), channel(2));
    channels::insert(db, &a).await.unwrap();
    channels::insert(db, &b).await.unwrap();
    let p = post("p", None);
    let q = post("q", None);
    posts::insert(db, &p).await.unwrap();
    posts::insert(db, &q).await.unwrap();
    let mut t1 = target(&p.id, &a.id);
    t1.first_comment = Some("first!".into());
    let mut t2 = target(&p.id, &b.id);
    t2.created_at = T0 + 1;
    let t3 = target(&q.id, &a.id);
    for t in [&t1, &t2, &t3] {
        posts::targets::insert(db, t).await.unwrap();
    }
    jobs::insert(db, &job(&t1.id, T0)).await.unwrap();

    let rows = posts::targets::list_channel_comments(db).await.unwrap();
    assert_eq!(rows.len(), 3);
    let of_p: Vec<_> = rows.iter().filter(|r| r.0 == p.id).collect();
    assert_eq!(
        of_p[0],
        &(p.id.clone(), a.id.clone(), Some("first!".into()))
    );
    assert_eq!(of_p[1], &(p.id.clone(), b.id.clone(), None));

    posts::targets::delete_for_post(db, &p.id).await.unwrap();
    assert!(
        posts::targets::list_for_post(db, &p.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        posts::targets::list_for_post(db, &q.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(jobs::count_all(db).await.unwrap(), 0, "jobs cascade");

    // Library items: alt text, thumbnail, paths and their uses.
    let (m1, m2) = (media(1), media(2));
    media::insert(db, &m1).await.unwrap();
    media::insert(db, &m2).await.unwrap();
    media::set_alt_text(db, &m1.id, "a cat", T0 + 1)
        .await
        .unwrap();
    media::set_thumbnail(db, &m1.id, "thumbs/1.png", T0 + 2)
        .await
        .unwrap();
    let got = media::get(db, &m1.id).await.unwrap();
    assert_eq!(
        (
            got.alt_text.as_str(),
            got.thumbnail_path.as_deref(),
            got.updated_at
        ),
        ("a cat", Some("thumbs/1.png"), T0 + 2)
    );
    assert_eq!(
        media::files_of(db, &m1.id).await.unwrap(),
        Some(("ab/1.jpg".to_string(), Some("thumbs/1.png".to_string())))
    );
    assert_eq!(media::files_of(db, "gone").await.unwrap(), None);
    assert_eq!(media::count_path_uses(db, "ab/1.jpg").await.unwrap(), 1);
    assert_eq!(media::count_path_uses(db, "thumbs/1.png").await.unwrap(), 1);
    assert_eq!(media::count_path_uses(db, "nothing").await.unwrap(), 0);
    let mut files = media::list_file_paths(db).await.unwrap();
    files.sort();
    assert_eq!(
        files,
        vec![Some("ab/1.jpg".to_string()), Some("ab/2.jpg".to_string())]
    );
    let mut thumbs = media::list_thumbnail_paths(db).await.unwrap();
    thumbs.sort();
    assert_eq!(thumbs, vec![None, Some("thumbs/1.png".to_string())]);

    // Post attachments: insert only while the library item exists; shared ones listed with paths.
    let att = |id: &str, pos: i64, target_id: Option<String>| media::post_media::PostMedia {
        id: new_id(),
        post_id: q.id.clone(),
        target_id,
        media_id: id.into(),
        position: pos,
        created_at: T0,
    };
    media::post_media::insert_if_media_exists(db, &att(&m2.id, 1, None))
        .await
        .unwrap();
    media::post_media::insert_if_media_exists(db, &att(&m1.id, 0, None))
        .await
        .unwrap();
    media::post_media::insert_if_media_exists(db, &att(&m1.id, 2, Some(t3.id.clone())))
        .await
        .unwrap();
    media::post_media::insert_if_media_exists(db, &att("gone", 3, None))
        .await
        .unwrap();
    assert_eq!(
        media::post_media::list_for_post(db, &q.id)
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        media::post_media::list_shared_files(db).await.unwrap(),
        vec![
            (q.id.clone(), "ab/1.jpg".to_string()),
            (q.id.clone(), "ab/2.jpg".to_string())
        ]
    );
    media::post_media::delete_for_post(db, &q.id).await.unwrap();
    assert!(
        media::post_media::list_for_post(db, &q.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Idea attachments likewise.
    let i = idea("i", T0);
    ideas::insert(db, &i).await.unwrap();
    for (pos, id) in [m1.id.as_str(), "gone", m2.id.as_str()].iter().enumerate() {
        media::idea_media::insert_if_media_exists(
            db,
            &media::idea_media::IdeaMedia {
                idea_id: i.id.clone(),
                media_id: (*id).to_string(),
                position: pos as i64,
            },
        )
        .await
        .unwrap();
    }
    let list = media::idea_media::list_for_idea(db, &i.id).await.unwrap();
    assert_eq!(
        list.iter().map(|m| m.media_id.as_str()).collect::<Vec<_>>(),
        [m1.id.as_str(), m2.id.as_str()]
    );
    media::idea_media::delete_for_idea(db, &i.id).await.unwrap();
    assert!(
        media::idea_media::list_for_idea(db, &i.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A post with one target and job per channel, due at `due`.
async fn scheduled_post(
    db: &SqlitePool,
    channels: &[&channels::Channel],
    due: i64,
) -> (posts::Post, Vec<jobs::PublishJob>) {
    let p = post("scheduled", Some(due));
    posts::insert(db, &p).await.unwrap();
    let mut made = Vec::new();
    for c in channels {
        let t = target(&p.id, &c.id);
        posts::targets::insert(db, &t).await.unwrap();
        let j = job(&t.id, due);
        jobs::insert(db, &j).await.unwrap();
        made.push(j);
    }
    (p, made)
}

#[tokio::test]
async fn job_queries_of_the_scheduler() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (a, b) = (channel(1), channel(2));
    channels::insert(db, &a).await.unwrap();
    channels::insert(db, &b).await.unwrap();
    let (p, js) = scheduled_post(db, &[&a, &b], T0 + 100).await;
    let (_q, qs) = scheduled_post(db, &[&a], T0 + 50).await;

    // The dispatcher's next candidate, skipping busy channels, and the next due time.
    let next = jobs::next_due_excluding(db, T0 + 100, &[])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.job_id, qs[0].id);
    assert_eq!(next.channel_id, a.id);
    assert_eq!(next.platform, "mastodon");
    assert_eq!(next.due_at, T0 + 50);
    assert_eq!(next.native_schedule_id, None);
    let next = jobs::next_due_excluding(db, T0 + 100, std::slice::from_ref(&a.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.job_id, js[1].id);
    assert_eq!(next.post_id, p.id);
    assert_eq!(
        jobs::next_due_excluding(db, T0 + 49, &[]).await.unwrap(),
        None
    );
    assert_eq!(jobs::next_due_after(db, T0).await.unwrap(), Some(T0 + 50));
    assert_eq!(
        jobs::next_due_after(db, T0 + 50).await.unwrap(),
        Some(T0 + 100)
    );
    assert_eq!(jobs::next_due_after(db, T0 + 100).await.unwrap(), None);

    // Rescheduling and cancelling touch only the open jobs of that post.
    jobs::set_state(db, &js[1].id, JobState::Published, T0 + 100, None, None, T0)
        .await
        .unwrap();
    jobs::reschedule_open_for_post(db, &p.id, T0 + 500, T0 + 1)
        .await
        .unwrap();
    assert_eq!(jobs::get(db, &js[0].id).await.unwrap().due_at, T0 + 500);
    assert_eq!(jobs::get(db, &js[1].id).await.unwrap().due_at, T0 + 100);
    assert_eq!(jobs::get(db, &qs[0].id).await.unwrap().due_at, T0 + 50);
    let mut states = jobs::states_for_post(db, &p.id).await.unwrap();
    states.sort_by_key(|s| s.as_str());
    assert_eq!(states, [JobState::Published, JobState::Scheduled]);
    jobs::cancel_open_for_post(db, &p.id, T0 + 2).await.unwrap();
    let mut states = jobs::states_for_post(db, &p.id).await.unwrap();
    states.sort_by_key(|s| s.as_str());
    assert_eq!(states, [JobState::Cancelled, JobState::Published]);
    assert_eq!(
        jobs::states_for_post(db, "no-post").await.unwrap(),
        Vec::<JobState>::new()
    );

    // Native hand-off, then forgetting it, then a new due time.
    let j = &qs[0];
    jobs::set_state(
        db,
        &j.id,
        JobState::Publishing,
        T0,
        Some("held"),
        Some("err"),
        T0,
    )
    .await
    .unwrap();
    jobs::mark_handed_to_platform(db, &j.id, "native-9", Some("https://x/9"), T0 + 900, T0 + 3)
        .await
        .unwrap();
    let got = jobs::get(db, &j.id).await.unwrap();
    assert_eq!(got.state, JobState::Scheduled);
    assert_eq!(got.native_schedule_id.as_deref(), Some("native-9"));
    assert_eq!(got.platform_url.as_deref(), Some("https://x/9"));
    assert_eq!((got.due_at, got.updated_at), (T0 + 900, T0 + 3));
    assert_eq!((got.last_error, got.hold_reason), (None, None));
    jobs::clear_native_schedule(db, &j.id).await.unwrap();
    let got = jobs::get(db, &j.id).await.unwrap();
    assert_eq!(got.native_schedule_id, None);
    assert_eq!(got.updated_at, T0 + 3);
    jobs::set_due(db, &j.id, T0 + 950, T0 + 4).await.unwrap();
    let got = jobs::get(db, &j.id).await.unwrap();
    assert_eq!((got.due_at, got.updated_at), (T0 + 950, T0 + 4));

    // Attempt numbers go past both the count and the recorded attempts.
    assert_eq!(jobs::next_attempt_no(db, &j.id, T0 + 5).await.unwrap(), 1);
    let attempt =
        |no: i64, outcome: Option<AttemptOutcome>, key: &str| jobs::attempts::PublishAttempt {
            id: new_id(),
            job_id: j.id.clone(),
            attempt_no: no,
            started_at: T0 + no,
            outcome,
            idempotency_key: Some(key.into()),
            ..Default::default()
        };
    jobs::attempts::insert(db, &attempt(4, Some(AttemptOutcome::Unknown), "k1"))
        .await
        .unwrap();
    jobs::attempts::insert(db, &attempt(2, None, "k1"))
        .await
        .unwrap();
    jobs::attempts::insert(db, &attempt(3, Some(AttemptOutcome::Rejected), "k1"))
        .await
        .unwrap();
    jobs::attempts::insert(db, &attempt(1, None, "k2"))
        .await
        .unwrap();
    assert_eq!(jobs::next_attempt_no(db, &j.id, T0 + 6).await.unwrap(), 5);
    assert_eq!(jobs::get(db, &j.id).await.unwrap().attempt_count, 5);

    assert_eq!(
        jobs::attempts::first_unsettled_start(db, &j.id, "k1")
            .await
            .unwrap(),
        Some(T0 + 2)
    );
    assert_eq!(
        jobs::attempts::first_unsettled_start(db, &j.id, "none")
            .await
            .unwrap(),
        None
    );
    jobs::attempts::interrupt_open(db, &j.id, T0 + 7)
        .await
        .unwrap();
    let list = jobs::attempts::list_for_job(db, &j.id).await.unwrap();
    let open: Vec<_> = list
        .iter()
        .filter(|a| a.outcome == Some(AttemptOutcome::Interrupted))
        .collect();
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|a| a.finished_at == Some(T0 + 7)
        && a.response_summary.as_deref() == Some("Outpost stopped while publishing")));
    assert_eq!(
        list.iter()
            .filter(|a| a.outcome == Some(AttemptOutcome::Rejected))
            .count(),
        1
    );
    // Interrupted ones still count as possibly sent.
    assert_eq!(
        jobs::attempts::first_unsettled_start(db, &j.id, "k2")
            .await
            .unwrap(),
        Some(T0 + 1)
    );
}

#[tokio::test]
async fn a_hand_off_and_the_post_status_commit_or_roll_back_together() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let a = channel(1);
    channels::insert(db, &a).await.unwrap();
    let (p, js) = scheduled_post(db, &[&a], T0).await;

    let mut tx = store.begin().await.unwrap();
    jobs::mark_handed_to_platform(&mut *tx, &js[0].id, "n", None, T0 + 1, T0)
        .await
        .unwrap();
    posts::set_status(&mut *tx, &p.id, PostStatus::Published, T0)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        jobs::get(db, &js[0].id).await.unwrap().native_schedule_id,
        None
    );
    assert_eq!(
        posts::get(db, &p.id).await.unwrap().status,
        PostStatus::Scheduled
    );

    let mut tx = store.begin().await.unwrap();
    let no = jobs::next_attempt_no(&mut *tx, &js[0].id, T0)
        .await
        .unwrap();
    jobs::cancel_open_for_post(&mut *tx, &p.id, T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(no, 1);
    let got = jobs::get(db, &js[0].id).await.unwrap();
    assert_eq!((got.state, got.attempt_count), (JobState::Cancelled, 1));
}

#[tokio::test]
async fn board_cards_columns_and_positions() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (c1, c2) = (column("One", 0), column("Two", 1));
    board::insert(db, &c1).await.unwrap();
    board::insert(db, &c2).await.unwrap();
    let ch = channel(1);
    channels::insert(db, &ch).await.unwrap();
    let t = tag("zeta");
    tags::insert(db, &t).await.unwrap();
    let mut p = post(&"p".repeat(900), None);
    p.board_column_id = Some(c1.id.clone());
    p.board_position = 1;
    posts::insert(db, &p).await.unwrap();
    posts::targets::insert(db, &target(&p.id, &ch.id))
        .await
        .unwrap();
    tags::tag_post(db, &p.id, &t.id).await.unwrap();
    let mut i = idea("An idea", T0);
    i.board_column_id = Some(c1.id.clone());
    i.board_position = 0;
    ideas::insert(db, &i).await.unwrap();
    tags::tag_idea(db, &i.id, &t.id).await.unwrap();
    let off = post("off the board", None);
    posts::insert(db, &off).await.unwrap();

    assert_eq!(
        board::column_cards(db, &c1.id).await.unwrap(),
        vec![
            ("idea".to_string(), i.id.clone(), 0),
            ("post".to_string(), p.id.clone(), 1)
        ]
    );
    assert_eq!(
        board::card_column(db, board::CardTable::Posts, &p.id)
            .await
            .unwrap(),
        Some(Some(c1.id.clone()))
    );
    assert_eq!(
        board::card_column(db, board::CardTable::Posts, &off.id)
            .await
            .unwrap(),
        Some(None)
    );
    assert_eq!(
        board::card_column(db, board::CardTable::Ideas, "missing")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        board::columns_with_counts(db).await.unwrap(),
        vec![
            (c1.id.clone(), "One".into(), "#7c3aed".into(), 0, 2),
            (c2.id.clone(), "Two".into(), "#7c3aed".into(), 1, 0)
        ]
    );

    let rows = board::card_rows(db, board::CardScope::All).await.unwrap();
    assert_eq!(rows.len(), 2);
    let post_row = rows.iter().find(|r| r.0 == "post").unwrap();
    assert_eq!(post_row.1, p.id);
    assert_eq!(post_row.2.chars().count(), 800);
    assert_eq!(post_row.3.as_deref(), Some("draft"));
    assert_eq!((post_row.6.as_str(), post_row.7), (c1.id.as_str(), 1));
    let idea_row = rows.iter().find(|r| r.0 == "idea").unwrap();
    assert_eq!(idea_row.2, "An idea\nnotes");
    assert_eq!((idea_row.3.clone(), idea_row.4), (None, None));
    assert_eq!(idea_row.10, 0);

    let tags_on_board = board::card_tags(db, board::CardScope::All).await.unwrap();
    assert_eq!(tags_on_board.len(), 2);
    assert!(tags_on_board.contains(&(
        "post".into(),
        p.id.clone(),
        t.id.clone(),
        "zeta".into(),
        "#2563eb".into()
    )));
    assert_eq!(
        board::card_platforms(db, board::CardScope::All)
            .await
            .unwrap(),
        vec![(p.id.clone(), Platform::Mastodon)]
    );
    // The first cards of a column only: positions are gap-free, the idea is first (0), the post
    // second (1); a column not listed gives nothing.
    let first_one = format!(r#"{{"{}": 1}}"#, c1.id);
    let scoped = board::card_rows(db, board::CardScope::First(&first_one))
        .await
        .unwrap();
    assert_eq!(
        scoped.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
        ["idea"]
    );
    assert!(
        board::card_platforms(db, board::CardScope::First(&first_one))
            .await
            .unwrap()
            .is_empty()
    );
    let first_two = format!(r#"{{"{}": 2, "{}": 5}}"#, c1.id, c2.id);
    assert_eq!(
        board::card_rows(db, board::CardScope::First(&first_two))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        board::card_tags(db, board::CardScope::First(&first_two))
            .await
            .unwrap(),
        tags_on_board
    );
    assert_eq!(
        board::card_platforms(db, board::CardScope::First(&first_two))
            .await
            .unwrap(),
        vec![(p.id.clone(), Platform::Mastodon)]
    );
    assert!(
        board::card_rows(db, board::CardScope::First("{}"))
            .await
            .unwrap()
            .is_empty()
    );

    // Placing writes only changes and leaves updated_at alone; clearing takes a card off.
    board::place_card(db, board::CardTable::Posts, &off.id, &c2.id, 0)
        .await
        .unwrap();
    board::place_card(db, board::CardTable::Ideas, &i.id, &c2.id, 1)
        .await
        .unwrap();
    assert_eq!(
        board::column_cards(db, &c2.id).await.unwrap(),
        vec![
            ("post".to_string(), off.id.clone(), 0),
            ("idea".to_string(), i.id.clone(), 1)
        ]
    );
    assert_eq!(posts::get(db, &off.id).await.unwrap().updated_at, T0);
    board::clear_card(db, board::CardTable::Posts, &p.id)
        .await
        .unwrap();
    let got = posts::get(db, &p.id).await.unwrap();
    assert_eq!((got.board_column_id, got.board_position), (None, 0));
    assert!(board::column_cards(db, &c1.id).await.unwrap().is_empty());

    board::set_column_position(db, &c2.id, 0, T0 + 1)
        .await
        .unwrap();
    board::set_column_position(db, &c1.id, 1, T0 + 1)
        .await
        .unwrap();
    board::set_column_position(db, &c1.id, 1, T0 + 2)
        .await
        .unwrap();
    let cols = board::list_all(db).await.unwrap();
    assert_eq!(cols[0].id, c2.id);
    assert_eq!(
        cols[1].updated_at,
        T0 + 1,
        "an unchanged position is not rewritten"
    );
}

#[tokio::test]
async fn slots_of_a_channel_are_replaced_as_a_whole() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let (a, b) = (channel(1), channel(2));
    channels::insert(db, &a).await.unwrap();
    channels::insert(db, &b).await.unwrap();
    for (c, day) in [(&a, 1), (&a, 2), (&b, 3)] {
        slots::insert(
            db,
            &slots::PostingSlot {
                id: new_id(),
                channel_id: c.id.clone(),
                weekday: day,
                local_time: "09:00".into(),
                time_zone: "Europe/Berlin".into(),
                created_at: T0,
            },
        )
        .await
        .unwrap();
    }
    slots::delete_for_channel(db, &a.id).await.unwrap();
    assert!(slots::list_for_channel(db, &a.id).await.unwrap().is_empty());
    assert_eq!(slots::list_for_channel(db, &b.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn whole_table_access_for_export_import_and_erase() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let mut c = channel(1);
    c.status = ChannelStatus::Connected;
    c.token_expires_at = Some(T0);
    channels::insert(db, &c).await.unwrap();
    let draft = post("draft", None);
    let sched = post("scheduled", Some(T0));
    posts::insert(db, &draft).await.unwrap();
    posts::insert(db, &sched).await.unwrap();

    let tables = dump::user_tables(db).await.unwrap();
    for t in ["channels", "posts", "post_targets", "_sqlx_migrations"] {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
    assert!(tables.iter().all(|n| !n.starts_with("sqlite_")));
    let cols = dump::table_columns(db, "posts").await.unwrap();
    assert_eq!(cols[0], ("id".to_string(), 1));
    assert!(cols.iter().skip(1).all(|(_, pk)| *pk == 0));
    let mut names: Vec<&str> = cols.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let mut expected = posts::Post::COLUMNS.to_vec();
    // The client-approval setting lives on the posts table but is read by store::approvals.
    expected.push("needs_approval");
    expected.sort_unstable();
    assert_eq!(names, expected);
    let parents = dump::table_parents(db, "post_targets").await.unwrap();
    assert!(parents.iter().any(|p| p == "posts"));
    assert!(parents.iter().any(|p| p == "channels"));
    assert_eq!(dump::count_rows(db, "posts").await.unwrap(), 2);
    assert_eq!(dump::quote("we\"ird"), "\"we\"\"ird\"");

    // Export rows: the channel's sign-in is not exported.
    let columns: Vec<String> = dump::table_columns(db, "channels")
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let mut conn = db.acquire().await.unwrap();
    let mut rows: Vec<Vec<dump::Value>> = Vec::new();
    dump::for_each_export_row(&mut conn, "channels", &columns, &["id".to_string()], |r| {
        rows.push(r.to_vec());
        Ok::<(), Error>(())
    })
    .await
    .unwrap();
    assert_eq!(rows.len(), 1);
    let value = |name: &str| rows[0][columns.iter().position(|c| c == name).unwrap()].clone();
    assert_eq!(value("id"), dump::Value::Text(c.id.clone()));
    assert_eq!(
        value("status"),
        dump::Value::Text("reconnect_needed".into())
    );
    assert_eq!(
        value("status_reason"),
        dump::Value::Text("Imported from an export: sign in again".into())
    );
    assert_eq!(value("token_expires_at"), dump::Value::Null);
    assert_eq!(value("created_at"), dump::Value::Int(T0));
    // A callback error stops the walk and comes back as is.
    let stopped =
        dump::for_each_export_row(&mut conn, "posts", &["id".into()], &["id".into()], |_| {
            Err(Error::Invalid("stop".into()))
        })
        .await;
    assert!(matches!(stopped, Err(Error::Invalid(m)) if m == "stop"));
    drop(conn);

    // Delete by id: drafts only when asked.
    assert_eq!(
        dump::delete_by_id(db, "posts", &sched.id, true)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        dump::delete_by_id(db, "posts", &draft.id, true)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        dump::delete_by_id(db, "posts", &sched.id, false)
            .await
            .unwrap(),
        1
    );
    assert_eq!(dump::count_rows(db, "posts").await.unwrap(), 0);

    // Import: multi-row insert with deferred foreign keys, then the overrides re-applied.
    let mut tx = store.begin().await.unwrap();
    dump::defer_foreign_keys(&mut *tx).await.unwrap();
    let p_id = new_id();
    let t_cols: Vec<String> = ["id", "post_id", "channel_id", "created_at", "updated_at"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    dump::insert_rows(
        &mut *tx,
        "post_targets",
        &t_cols.iter().collect::<Vec<_>>(),
        vec![vec![
            dump::Value::Text(new_id()),
            dump::Value::Text(p_id.clone()),
            dump::Value::Text(c.id.clone()),
            dump::Value::Int(T0),
            dump::Value::Int(T0),
        ]],
    )
    .await
    .unwrap();
    let p_cols: Vec<String> = ["id", "body", "status", "created_at", "updated_at"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    dump::insert_rows(
        &mut *tx,
        "posts",
        &p_cols.iter().collect::<Vec<_>>(),
        vec![
            vec![
                dump::Value::Text(p_id.clone()),
                dump::Value::Text("imported".into()),
                dump::Value::Text("draft".into()),
                dump::Value::Int(T0),
                dump::Value::Int(T0),
            ],
            vec![
                dump::Value::Text(new_id()),
                dump::Value::Text("second".into()),
                dump::Value::Text("draft".into()),
                dump::Value::Int(T0),
                dump::Value::Int(T0),
            ],
        ],
    )
    .await
    .unwrap();
    dump::insert_rows(&mut *tx, "posts", &[], Vec::new())
        .await
        .unwrap();
    for (table, col, _) in dump::EXPORT_OVERRIDES {
        dump::reapply_export_override(&mut *tx, table, col)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(posts::get(db, &p_id).await.unwrap().body, "imported");
    assert_eq!(dump::count_rows(db, "posts").await.unwrap(), 2);
    let got = channels::get(db, &c.id).await.unwrap();
    assert_eq!(got.status, ChannelStatus::ReconnectNeeded);
    assert_eq!(
        got.status_reason.as_deref(),
        Some("Imported from an export: sign in again")
    );
    assert_eq!(got.token_expires_at, None);

    // A duplicate key is a conflict whose detail is SQLite's message.
    let e = dump::insert_rows(
        db,
        "posts",
        &p_cols.iter().collect::<Vec<_>>(),
        vec![vec![
            dump::Value::Text(p_id.clone()),
            dump::Value::Text("again".into()),
            dump::Value::Text("draft".into()),
            dump::Value::Int(T0),
            dump::Value::Int(T0),
        ]],
    )
    .await
    .unwrap_err();
    assert!(e.is_conflict());
    assert!(
        e.detail().contains("UNIQUE constraint failed"),
        "{}",
        e.detail()
    );
    assert_eq!(Error::Invalid("x".into()).detail(), "Invalid input: x.");

    // Erase: every row of a table.
    let mut tx = store.begin().await.unwrap();
    dump::defer_foreign_keys(&mut *tx).await.unwrap();
    dump::delete_all_rows(&mut *tx, "posts").await.unwrap();
    dump::delete_all_rows(&mut *tx, "channels").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(dump::count_rows(db, "posts").await.unwrap(), 0);
    assert_eq!(dump::count_rows(db, "post_targets").await.unwrap(), 0);
    assert_eq!(dump::count_rows(db, "channels").await.unwrap(), 0);
}
