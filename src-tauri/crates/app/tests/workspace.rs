//! The workspace services on a real SQLite file: board columns and card moves (gap-free, never
//! losing a card), ideas and promotion, templates, tags and campaigns, search, undo, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use outpost_app::workspace::{
    BoardFilter, CampaignInput, CardKind, CardRef, DeletedKind, IdeaInput, SearchItemKind,
    TemplateValues,
};
use outpost_app::{ErrorCode, OpenOptions, Outpost, Paths};

async fn open(dir: &std::path::Path) -> Outpost {
    Outpost::open(OpenOptions::new(
        Paths::resolve(Some(dir.to_path_buf())).unwrap(),
    ))
    .await
    .unwrap()
}

fn idea_input(title: &str) -> IdeaInput {
    IdeaInput {
        title: title.into(),
        ..Default::default()
    }
}

fn idea(id: &str) -> CardRef {
    CardRef {
        kind: CardKind::Idea,
        id: id.into(),
    }
}

/// Column id → card ids in order, and checks every column's positions are exactly 0..n.
async fn layout(o: &Outpost) -> Vec<(String, Vec<String>)> {
    let b = o.board(&BoardFilter::default()).await.unwrap();
    let mut out = Vec::new();
    for c in &b.columns {
        let cards: Vec<_> = b.cards.iter().filter(|k| k.column_id == c.id).collect();
        let positions: Vec<u32> = cards.iter().map(|k| k.position).collect();
        let expected: Vec<u32> = (0..u32::try_from(cards.len()).unwrap()).collect();
        assert_eq!(positions, expected, "column {} has gaps", c.name);
        assert_eq!(c.card_count as usize, cards.len());
        out.push((c.id.clone(), cards.iter().map(|k| k.id.clone()).collect()));
    }
    out
}

#[tokio::test]
async fn the_board_sends_the_first_cards_of_each_column_with_their_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let mut ids = Vec::new();
    for n in 0..7 {
        ids.push(
            o.create_idea(&idea_input(&format!("idea {n}")), None)
                .await
                .unwrap()
                .id,
        );
    }
    let all = layout(&o).await;
    let first = all[0].0.clone();
    assert_eq!(all[0].1.len(), 7);
    let t = o.create_tag("odd", "").await.unwrap();
    for id in ids.iter().skip(1).step_by(2) {
        o.set_idea_tags(id, std::slice::from_ref(&t.id))
            .await
            .unwrap();
    }

    let paged = |per_column: u32, more: &[(&str, u32)], tag: Option<&str>| BoardFilter {
        tag_ids: tag.map(|t| vec![t.to_string()]).unwrap_or_default(),
        per_column: Some(per_column),
        more: more.iter().map(|(c, n)| ((*c).to_string(), *n)).collect(),
        ..Default::default()
    };
    let cards = |b: &outpost_app::workspace::Board| {
        b.cards.iter().map(|c| c.id.clone()).collect::<Vec<_>>()
    };
    // The first 3 of the column, in board order, and the column's full count.
    let b = o.board(&paged(3, &[], None)).await.unwrap();
    assert_eq!(cards(&b), all[0].1[..3]);
    assert_eq!((b.columns[0].card_count, b.columns[0].matching), (7, 7));
    assert_eq!(b.columns[1].matching, 0);
    // The column scrolled: 5 of it; asking for more than there are gives every card.
    let b = o.board(&paged(3, &[(&first, 5)], None)).await.unwrap();
    assert_eq!(cards(&b), all[0].1[..5]);
    let b = o.board(&paged(3, &[(&first, 50)], None)).await.unwrap();
    assert_eq!(cards(&b), all[0].1);
    // With a filter: the first matching cards, and how many match.
    let b = o.board(&paged(2, &[], Some(&t.id))).await.unwrap();
    assert_eq!(cards(&b), [ids[1].clone(), ids[3].clone()]);
    assert_eq!((b.columns[0].card_count, b.columns[0].matching), (7, 3));
    // A move to a position beyond the first page lands there, and the page follows the order.
    o.move_card(&idea(&all[0].1[0]), &first, 6).await.unwrap();
    let b = o.board(&paged(3, &[], None)).await.unwrap();
    assert_eq!(cards(&b), all[0].1[1..4]);
    let b = o.board(&paged(3, &[(&first, 7)], None)).await.unwrap();
    assert_eq!(b.cards.last().unwrap().id, all[0].1[0]);
}

fn code(e: &outpost_app::Error) -> ErrorCode {
    e.code()
}

#[tokio::test]
async fn default_columns_are_created_once_and_columns_are_managed() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let b = o.board(&BoardFilter::default()).await.unwrap();
    let names: Vec<_> = b.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Ideas", "Drafting", "In review", "Scheduled", "Published"]
    );
    assert!(b.cards.is_empty());
    assert_eq!(o.board_columns().await.unwrap().len(), 5);

    let col = o.create_column("Backlog", "").await.unwrap();
    assert_eq!(col.position, 5);
    assert!(col.colour.starts_with('#'));
    let e = o.create_column("  backlog ", "#fff").await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::InvalidInput);
    assert!(e.to_string().contains("already a column"), "{e}");
    assert!(o.create_column("", "").await.is_err());
    assert!(o.create_column("Bad colour", "blue").await.is_err());

    let renamed = o
        .update_column(&col.id, "Someday", "#ABCDEF")
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.colour.as_str()),
        ("Someday", "#abcdef")
    );
    let cols = o.move_column(&col.id, 0).await.unwrap();
    assert_eq!(cols[0].name, "Someday");
    assert_eq!(
        cols.iter().map(|c| c.position).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    let cols = o.move_column(&col.id, 99).await.unwrap();
    assert_eq!(cols[5].name, "Someday");
    let e = o.move_column("nope", 0).await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::NotFound);
}

#[tokio::test]
async fn deleting_a_column_moves_its_cards_and_undo_restores_it() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let cols = o.board_columns().await.unwrap();
    let (ideas_col, drafting, review) = (&cols[0].id, &cols[1].id, &cols[2].id);
    let a = o
        .create_idea(&idea_input("A"), Some(drafting))
        .await
        .unwrap();
    let b = o
        .create_idea(&idea_input("B"), Some(drafting))
        .await
        .unwrap();
    let c = o.create_idea(&idea_input("C"), Some(review)).await.unwrap();

    // To a chosen column: appended in order after its cards.
    let d = o.delete_column(drafting, Some(review)).await.unwrap();
    assert_eq!(d.kind, DeletedKind::Column);
    assert!(
        d.message.contains("2 cards moved to “In review”"),
        "{}",
        d.message
    );
    let l = layout(&o).await;
    assert_eq!(l.len(), 4);
    assert_eq!(l[1].1, [c.id.clone(), a.id.clone(), b.id.clone()]);

    // Undo: the column is back at its place with its cards in their order.
    let u = o.undo_delete(&d.undo_token).await.unwrap();
    assert_eq!(u.kind, DeletedKind::Column);
    let l = layout(&o).await;
    assert_eq!(l.len(), 5);
    assert_eq!(&l[1].0, drafting);
    assert_eq!(l[1].1, [a.id.clone(), b.id.clone()]);
    assert_eq!(l[2].1, [c.id.as_str()]);
    // A token works once.
    let e = o.undo_delete(&d.undo_token).await.unwrap_err();
    assert!(e.to_string().contains("can no longer be undone"), "{e}");

    // Default target: the first remaining column.
    o.delete_column(review, None).await.unwrap();
    let l = layout(&o).await;
    assert_eq!(&l[0].0, ideas_col);
    assert_eq!(l[0].1, [c.id.as_str()]);

    // Bad targets change nothing.
    let e = o.delete_column(drafting, Some(drafting)).await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::InvalidInput);
    let e = o
        .delete_column(drafting, Some("missing"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("does not exist"), "{e}");
    assert_eq!(layout(&o).await.len(), 4);

    // The last column cannot go.
    for col in o.board_columns().await.unwrap().iter().skip(1) {
        o.delete_column(&col.id, None).await.unwrap();
    }
    let only = o.board_columns().await.unwrap();
    assert_eq!(only.len(), 1);
    let e = o.delete_column(&only[0].id, None).await.unwrap_err();
    assert!(e.to_string().contains("only column"), "{e}");
    let l = layout(&o).await;
    let mut all = l[0].1.clone();
    all.sort();
    let mut expected = vec![a.id, b.id, c.id];
    expected.sort();
    assert_eq!(all, expected, "no card was lost");
}

#[tokio::test]
async fn many_moves_keep_a_stable_gap_free_order() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let cols = o.board_columns().await.unwrap();
    let mut model: Vec<Vec<String>> = vec![Vec::new(); cols.len()];
    for i in 0..12 {
        let col = i % 3;
        let idea = o
            .create_idea(&idea_input(&format!("idea {i}")), Some(&cols[col].id))
            .await
            .unwrap();
        model[col].push(idea.id);
    }
    // A post on the board too: posts and ideas share one order.
    let promoted = o.promote_idea(&model[0][0]).await.unwrap();
    model[0][0] = promoted.post_id.clone();

    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % u64::try_from(n).unwrap()).unwrap()
    };
    for _ in 0..150 {
        let from = loop {
            let c = next(cols.len());
            if !model[c].is_empty() {
                break c;
            }
        };
        let i = next(model[from].len());
        let id = model[from].remove(i);
        let to = next(cols.len());
        let at = next(model[to].len() + 2); // sometimes past the end: clamped
        let kind = if id == promoted.post_id {
            CardKind::Post
        } else {
            CardKind::Idea
        };
        o.move_card(
            &CardRef {
                kind,
                id: id.clone(),
            },
            &cols[to].id,
            u32::try_from(at).unwrap(),
        )
        .await
        .unwrap();
        let at = at.min(model[to].len());
        model[to].insert(at, id);
    }
    let l = layout(&o).await;
    for (i, (_, ids)) in l.iter().enumerate() {
        assert_eq!(ids, &model[i], "column {i}");
    }

    // Moving an unknown card or into an unknown column is refused and changes nothing.
    let e = o
        .move_card(&idea("missing"), &cols[0].id, 0)
        .await
        .unwrap_err();
    assert_eq!(code(&e), ErrorCode::NotFound);
    let some = l.iter().find(|c| !c.1.is_empty()).unwrap().1[0].clone();
    let kind = if some == promoted.post_id {
        CardKind::Post
    } else {
        CardKind::Idea
    };
    let e = o
        .move_card(&CardRef { kind, id: some }, "missing", 0)
        .await
        .unwrap_err();
    assert_eq!(code(&e), ErrorCode::NotFound);
    assert_eq!(layout(&o).await, l);
}

#[tokio::test]
async fn promoting_an_idea_keeps_text_media_tags_and_campaign() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let pool = o.store().pool();
    sqlx::query("INSERT INTO media_assets (id, file_path, original_name, mime, bytes, sha256, created_at, updated_at) VALUES ('m1', 'a.png', 'a.png', 'image/png', 5, 'h1', 1, 1), ('m2', 'b.png', 'b.png', 'image/png', 6, 'h2', 1, 1)")
        .execute(pool)
        .await
        .unwrap();
    let tag = o.create_tag("Launch", "").await.unwrap();
    let tag2 = o.create_tag("video", "#123").await.unwrap();
    let camp = o
        .create_campaign(&CampaignInput {
            name: "Spring".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let cols = o.board_columns().await.unwrap();
    let first = o.create_idea(&idea_input("first"), None).await.unwrap();
    let input = IdeaInput {
        title: "Behind the scenes".into(),
        notes: "Show the workshop\nand the team".into(),
        campaign_id: Some(camp.id.clone()),
        tag_ids: vec![tag2.id.clone(), tag.id.clone(), tag.id.clone()],
        media_ids: vec!["m2".into(), "m1".into()],
        new_media: vec![],
    };
    let i = o.create_idea(&input, None).await.unwrap();
    let last = o.create_idea(&idea_input("last"), None).await.unwrap();
    assert_eq!(i.tags.len(), 2, "duplicates dropped");
    assert_eq!(
        i.media.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["m2", "m1"]
    );

    let p = o.promote_idea(&i.id).await.unwrap();
    assert_eq!(p.column_id, cols[0].id);
    let post = outpost_store::posts::get(pool, &p.post_id).await.unwrap();
    assert_eq!(
        post.body,
        "Behind the scenes\n\nShow the workshop\nand the team"
    );
    assert_eq!(post.status, outpost_store::PostStatus::Draft);
    assert_eq!(post.idea_id.as_deref(), Some(i.id.as_str()));
    assert_eq!(post.campaign_id.as_deref(), Some(camp.id.as_str()));
    let media: Vec<_> = outpost_store::media::post_media::list_for_post(pool, &p.post_id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.media_id)
        .collect();
    assert_eq!(media, ["m2", "m1"]);
    let labels = o.post_labels(&p.post_id).await.unwrap();
    assert_eq!(
        labels
            .tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Launch", "video"]
    );
    assert_eq!(labels.campaign.unwrap().name, "Spring");
    // The draft took the idea's place; the idea stays, off the board, linked.
    let l = layout(&o).await;
    assert_eq!(
        l[0].1,
        [first.id.clone(), p.post_id.clone(), last.id.clone()]
    );
    let again = o.idea(&i.id).await.unwrap();
    assert_eq!(again.column_id, None);
    assert_eq!(again.post_ids, [p.post_id.as_str()]);
    let card = o
        .board(&BoardFilter::default())
        .await
        .unwrap()
        .cards
        .into_iter()
        .find(|c| c.id == p.post_id)
        .unwrap();
    assert_eq!(card.kind, CardKind::Post);
    assert_eq!(card.title, "Behind the scenes");
    assert_eq!(card.status.as_deref(), Some("draft"));
    assert_eq!(card.media_count, 2);

    let e = o.promote_idea("missing").await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::NotFound);
}

#[tokio::test]
async fn bad_idea_input_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let before = o.ideas().await.unwrap().len();
    let cases = [
        (idea_input("   "), "title"),
        (
            IdeaInput {
                campaign_id: Some("nope".into()),
                ..idea_input("x")
            },
            "no campaign",
        ),
        (
            IdeaInput {
                tag_ids: vec!["nope".into()],
                ..idea_input("x")
            },
            "no tag",
        ),
        (
            IdeaInput {
                media_ids: vec!["nope".into()],
                ..idea_input("x")
            },
            "media library",
        ),
        (
            IdeaInput {
                new_media: vec![outpost_app::posts::NewMedia {
                    path: tmp.path().join("missing.png"),
                    alt: None,
                }],
                ..idea_input("x")
            },
            "missing.png",
        ),
        (
            IdeaInput {
                notes: "x".repeat(100_001),
                ..idea_input("x")
            },
            "too long",
        ),
    ];
    for (input, expect) in cases {
        let e = o.create_idea(&input, None).await.unwrap_err();
        assert!(
            e.to_string().contains(expect),
            "{e} should mention {expect}"
        );
    }
    let e = o
        .create_idea(&idea_input("x"), Some("nope"))
        .await
        .unwrap_err();
    assert_eq!(code(&e), ErrorCode::NotFound);
    assert_eq!(o.ideas().await.unwrap().len(), before);
    assert_eq!(
        outpost_store::media::count_all(o.store().pool())
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn idea_delete_and_undo_restore_links_and_place() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let tag = o.create_tag("t", "").await.unwrap();
    let a = o.create_idea(&idea_input("a"), None).await.unwrap();
    let b = o
        .create_idea(
            &IdeaInput {
                tag_ids: vec![tag.id.clone()],
                ..idea_input("b")
            },
            None,
        )
        .await
        .unwrap();
    let c = o.create_idea(&idea_input("c"), None).await.unwrap();
    let d = o.delete_idea(&b.id).await.unwrap();
    assert_eq!(layout(&o).await[0].1, [a.id.clone(), c.id.clone()]);
    assert_eq!(code(&o.idea(&b.id).await.unwrap_err()), ErrorCode::NotFound);
    o.undo_delete(&d.undo_token).await.unwrap();
    assert_eq!(
        layout(&o).await[0].1,
        [a.id.clone(), b.id.clone(), c.id.clone()]
    );
    let back = o.idea(&b.id).await.unwrap();
    assert_eq!(back.tags[0].id, tag.id);
    assert_eq!(back.title, "b");

    let e = o.undo_delete("not-a-token").await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn templates_list_and_fill_variables() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let t = o
        .create_template(
            "Launch",
            "{{product}} is out on {{date}}! Get {{ product }} now.",
        )
        .await
        .unwrap();
    assert_eq!(t.variables, ["product", "date"]);
    let mut values = TemplateValues::new();
    values.insert("product".into(), "Outpost".into());
    let e = o.fill_template(&t.id, &values).await.unwrap_err();
    assert_eq!(e.to_string(), "Launch: fill in {{date}}");
    values.insert("date".into(), "Monday".into());
    assert_eq!(
        o.fill_template(&t.id, &values).await.unwrap(),
        "Outpost is out on Monday! Get Outpost now."
    );
    values.insert("prize".into(), "x".into());
    let e = o.fill_template(&t.id, &values).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Launch: the template has no variable {{prize}} (it has {{product}} and {{date}})"
    );

    let e = o.create_template("LAUNCH", "x").await.unwrap_err();
    assert!(e.to_string().contains("already a template"), "{e}");
    let e = o.create_template("Broken", "Hi {{name").await.unwrap_err();
    assert!(e.to_string().contains("without a closing"), "{e}");
    let e = o.create_template("Empty", "  ").await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::InvalidInput);
    assert_eq!(o.templates().await.unwrap().len(), 1);

    let u = o
        .update_template(&t.id, "Launch post", "Hi {{name}}")
        .await
        .unwrap();
    assert_eq!(u.variables, ["name"]);
    let d = o.delete_template(&t.id).await.unwrap();
    assert!(o.templates().await.unwrap().is_empty());
    o.undo_delete(&d.undo_token).await.unwrap();
    assert_eq!(o.template(&t.id).await.unwrap().body, "Hi {{name}}");
}

#[tokio::test]
async fn tag_and_campaign_names_are_unique_and_assignments_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    let t = o.create_tag("Launch", "").await.unwrap();
    let e = o.create_tag("LAUNCH", "").await.unwrap_err();
    assert!(
        e.to_string().contains("already a tag called “Launch”"),
        "{e}"
    );
    let t2 = o.create_tag("Promo", "#f00").await.unwrap();
    let e = o.update_tag(&t2.id, "launch", "#f00").await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::InvalidInput);
    o.update_tag(&t.id, "launch", "#0f0").await.unwrap(); // its own name, other case

    let c = o
        .create_campaign(&CampaignInput {
            name: "Spring".into(),
            colour: "".into(),
            start_date: Some("2026-03-01".into()),
            end_date: Some("2026-03-31".into()),
        })
        .await
        .unwrap();
    let e = o
        .create_campaign(&CampaignInput {
            name: "spring".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("already a campaign"), "{e}");
    let e = o
        .create_campaign(&CampaignInput {
            name: "Late".into(),
            start_date: Some("2026-04-01".into()),
            end_date: Some("2026-03-01".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("before it starts"), "{e}");
    let e = o
        .create_campaign(&CampaignInput {
            name: "Bad".into(),
            start_date: Some("March".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not a date"), "{e}");
    assert_eq!(o.campaigns().await.unwrap().len(), 1);

    let i = o.create_idea(&idea_input("tagged"), None).await.unwrap();
    let labels = o
        .set_idea_tags(&i.id, &[t.id.clone(), t2.id.clone()])
        .await
        .unwrap();
    assert_eq!(labels.len(), 2);
    let e = o
        .set_idea_tags(&i.id, &[t.id.clone(), "missing".into()])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no tag"), "{e}");
    assert_eq!(o.idea(&i.id).await.unwrap().tags.len(), 2, "unchanged");
    o.set_idea_campaign(&i.id, Some(&c.id)).await.unwrap();
    assert!(o.set_idea_campaign(&i.id, Some("missing")).await.is_err());
    assert!(o.set_post_tags("missing", &[]).await.is_err());

    // Filters.
    let other = o.create_idea(&idea_input("plain"), None).await.unwrap();
    let only =
        |b: outpost_app::workspace::Board| b.cards.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let f = BoardFilter {
        tag_ids: vec![t2.id.clone()],
        ..Default::default()
    };
    assert_eq!(only(o.board(&f).await.unwrap()), [i.id.as_str()]);
    let f = BoardFilter {
        campaign_id: Some(c.id.clone()),
        ..Default::default()
    };
    assert_eq!(only(o.board(&f).await.unwrap()), [i.id.as_str()]);
    assert_eq!(
        only(o.board(&BoardFilter::default()).await.unwrap()).len(),
        2
    );
    let _ = other;

    // Deleting a tag / campaign removes it everywhere; undo puts it back.
    let d = o.delete_tag(&t2.id).await.unwrap();
    assert!(d.message.contains("removed from 1 item"), "{}", d.message);
    assert_eq!(o.idea(&i.id).await.unwrap().tags.len(), 1);
    o.undo_delete(&d.undo_token).await.unwrap();
    assert_eq!(o.idea(&i.id).await.unwrap().tags.len(), 2);
    let d = o.delete_campaign(&c.id).await.unwrap();
    assert!(o.idea(&i.id).await.unwrap().campaign.is_none());
    // A new campaign took the name meanwhile: the undo is refused, nothing changes, and it can
    // be retried once the name is free again.
    let clash = o
        .create_campaign(&CampaignInput {
            name: "SPRING".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let e = o.undo_delete(&d.undo_token).await.unwrap_err();
    assert!(e.to_string().contains("already a campaign"), "{e}");
    o.delete_campaign(&clash.id).await.unwrap();
    o.undo_delete(&d.undo_token).await.unwrap();
    assert_eq!(o.idea(&i.id).await.unwrap().campaign.unwrap().id, c.id);
    let views = o.campaigns().await.unwrap();
    assert_eq!(views[0].idea_count, 1);
}

#[tokio::test]
async fn search_ranks_and_highlights() {
    let tmp = tempfile::tempdir().unwrap();
    let o = open(tmp.path()).await;
    o.create_idea(
        &IdeaInput {
            title: "Weekly roundup".into(),
            notes: "A long note that mentions the quokka only once among many other words about planning".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let best = o
        .create_idea(
            &IdeaInput {
                title: "Quokka photo series".into(),
                notes: "quokka close-ups, quokka family".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let t = o
        .create_template("Zoo visit", "Meet the {{animal}} at the quokka enclosure")
        .await
        .unwrap();
    let p = o.create_idea(&idea_input("unrelated"), None).await.unwrap();
    let promoted = o.promote_idea(&p.id).await.unwrap();
    sqlx::query("UPDATE posts SET body = 'Quokkas! Our post about quokka day' WHERE id = ?1")
        .bind(&promoted.post_id)
        .execute(o.store().pool())
        .await
        .unwrap();

    let hits = o.search("quokka", 10).await.unwrap();
    assert_eq!(hits.len(), 4, "{hits:?}");
    assert_eq!(hits[0].id, best.id);
    assert_eq!(hits[0].kind, SearchItemKind::Idea);
    assert!(
        hits[0].snippet.contains("\u{2}quokka\u{3}")
            || hits[0].snippet.contains("\u{2}Quokka\u{3}")
    );
    let post = hits
        .iter()
        .find(|h| h.kind == SearchItemKind::Post)
        .unwrap();
    assert_eq!(post.title, "Quokkas! Our post about quokka day");
    assert_eq!(post.status.as_deref(), Some("draft"));
    assert!(
        hits.iter()
            .any(|h| h.kind == SearchItemKind::Template && h.id == t.id)
    );

    // Prefix as you type, operators as text, limits.
    assert_eq!(o.search("quok", 10).await.unwrap().len(), 4);
    assert_eq!(o.search("quokka", 2).await.unwrap().len(), 2);
    assert!(o.search("\"quokka OR NOT (", 10).await.is_ok());
    assert!(o.search("   ", 10).await.unwrap().is_empty());
    let e = o.search(&"q".repeat(501), 10).await.unwrap_err();
    assert_eq!(code(&e), ErrorCode::InvalidInput);
}
