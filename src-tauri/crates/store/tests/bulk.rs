#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Batched writes of many posts (`PostBatch`, `insert_many`) and the bounded ranking of search.

mod common;

use common::*;
use outpost_store::*;

/// `n` posts on one channel, each with a target (with a variant for every third) and a job; the
/// words `common` in every body, `rare` in post 7 only.
fn batch(n: usize, channel_id: &str, tag_id: &str) -> posts::PostBatch {
    let mut b = posts::PostBatch::default();
    for i in 0..n {
        let mut p = post(
            &format!("post {i} common{}", if i == 7 { " rare" } else { "" }),
            Some(T0 + i as i64 * 60_000),
        );
        p.created_at = T0 + i as i64;
        let mut t = target(&p.id, channel_id);
        if i % 3 != 0 {
            t.caption = None;
            t.thread_parts = json(serde_json::json!([]));
        }
        b.jobs.push(job(&t.id, T0 + i as i64 * 60_000));
        b.targets.push(t);
        b.tags.push((p.id.clone(), tag_id.to_owned()));
        // A link given twice is kept once.
        b.tags.push((p.id.clone(), tag_id.to_owned()));
        b.posts.push(p);
    }
    b
}

async fn tag(db: &SqlitePool) -> String {
    let t = tags::Tag {
        id: new_id(),
        name: "batch".into(),
        colour: String::new(),
        created_at: T0,
    };
    tags::insert(db, &t).await.unwrap();
    t.id
}

#[tokio::test]
async fn a_batch_writes_the_same_rows_as_one_insert_each() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let c = channel(1);
    channels::insert(db, &c).await.unwrap();
    let tag_id = tag(db).await;
    // More rows than one statement carries, so chunking is exercised.
    let b = batch(3_000, &c.id, &tag_id);
    let mut tx = store.begin().await.unwrap();
    b.write(&mut tx).await.unwrap();
    tx.commit().await.unwrap();

    let mut stored = posts::list_all(db).await.unwrap();
    let mut given = b.posts.clone();
    stored.sort_by(|a, b| a.id.cmp(&b.id));
    given.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(stored, given);
    let p = &b.posts[3];
    assert_eq!(
        posts::targets::list_for_post(db, &p.id).await.unwrap(),
        vec![b.targets[3].clone()]
    );
    assert_eq!(
        jobs::find_by_target(db, &b.targets[3].id).await.unwrap(),
        Some(b.jobs[3].clone())
    );
    assert_eq!(jobs::count_all(db).await.unwrap(), 3_000);
    let tagged: Vec<String> = tags::for_post(db, &p.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(tagged, vec![tag_id]);
    // The search index followed (triggers fire for batched rows too), variants included.
    assert_eq!(search::search(db, "rare", 10).await.unwrap().len(), 1);
    assert_eq!(
        search::search(db, "variant caption", 10)
            .await
            .unwrap()
            .len(),
        10
    );
}

#[tokio::test]
async fn a_batch_is_all_or_nothing_in_its_transaction() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let c = channel(1);
    channels::insert(db, &c).await.unwrap();
    let tag_id = tag(db).await;
    let mut b = batch(600, &c.id, &tag_id);
    // The last job points at a target that does not exist: the foreign key refuses it.
    b.jobs.last_mut().unwrap().post_target_id = new_id();
    let mut tx = store.begin().await.unwrap();
    assert!(b.write(&mut tx).await.is_err());
    drop(tx);
    assert_eq!(posts::count_all(db).await.unwrap(), 0);
    assert!(search::search(db, "common", 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn search_lists_the_newest_matches_of_a_common_word() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let c = channel(1);
    channels::insert(db, &c).await.unwrap();
    let tag_id = tag(db).await;
    let n = usize::try_from(search::RANK_WINDOW).unwrap() + 300;
    let mut b = batch(n, &c.id, &tag_id);
    // More documents than the window hold "common": they come newest first, unranked (the best
    // bm25 match, the word twice in a short text among the oldest posts, is not among them).
    b.posts[5].body = "common common".into();
    b.posts[n - 10].body = "common common again".into();
    let mut tx = store.begin().await.unwrap();
    b.write(&mut tx).await.unwrap();
    tx.commit().await.unwrap();

    let hits = search::search(db, "common", 20).await.unwrap();
    assert_eq!(hits.len(), 20);
    let newest: Vec<&String> = b.posts.iter().rev().take(20).map(|p| &p.id).collect();
    assert_eq!(
        hits.iter().map(|h| &h.id).collect::<Vec<_>>(),
        newest,
        "{hits:?}"
    );
    assert!(hits.iter().all(|h| h.id != b.posts[5].id && h.rank == 0.0));
    // Each item once.
    let ids: std::collections::HashSet<_> = hits.iter().map(|h| &h.id).collect();
    assert_eq!(ids.len(), hits.len());
    // A rare word is found wherever it is (fewer matches than the window: every match ranked).
    let rare = search::search(db, "rare", 20).await.unwrap();
    assert_eq!(rare.len(), 1);
    assert_eq!(rare[0].id, b.posts[7].id);
    assert!(
        rare[0]
            .snippet
            .contains(&format!("{}rare{}", search::MATCH_START, search::MATCH_END)),
        "{rare:?}"
    );
    // Two words: both must match; the window holds the newest documents with both.
    assert_eq!(
        search::search(db, "rare common", 20).await.unwrap().len(),
        1
    );
    let one = search::search(db, "post 1234 comm", 20).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id, b.posts[1234].id);
}

#[tokio::test]
async fn the_month_grid_gets_the_first_posts_of_each_day_and_its_count() {
    let (_d, store) = fresh().await;
    let db = store.pool();
    let c = channel(1);
    channels::insert(db, &c).await.unwrap();
    let tag_id = tag(db).await;
    const DAY: i64 = 86_400_000;
    // Day 0: 5 posts, day 1: none, day 2: 2 posts, then one post after the range.
    let mut b = batch(8, &c.id, &tag_id);
    let times = [0, 5, 1, 9, 3, 2 * DAY + 7, 2 * DAY, 3 * DAY];
    for (p, at) in b.posts.iter_mut().zip(times) {
        p.scheduled_at = Some(T0 + at);
    }
    b.posts[1].status = PostStatus::Draft;
    let mut tx = store.begin().await.unwrap();
    b.write(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let days = [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY];

    let grid = posts::calendar_items_per_day(db, &days, 3, &Default::default())
        .await
        .unwrap();
    let all = posts::calendar_items(db, T0, T0 + 3 * DAY, &Default::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 7);
    // The same rows as the full query, the first 3 of day 0 and both of day 2, by time.
    let expected: Vec<_> = [0, 1, 2, 5, 6].iter().map(|&i| all[i].clone()).collect();
    let rows: Vec<_> = grid.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(rows, expected);
    let counts: Vec<i64> = grid.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, vec![5, 5, 5, 2, 2]);
    // Filters apply to the posts and the counts alike.
    let filter = posts::CalendarFilter {
        statuses: vec!["scheduled".into()],
        channel_ids: vec![c.id.clone()],
        ..Default::default()
    };
    let grid = posts::calendar_items_per_day(db, &days, 3, &filter)
        .await
        .unwrap();
    assert_eq!(grid.len(), 5);
    assert!(grid.iter().all(|(r, _)| r.0.1 == "scheduled"));
    assert_eq!(
        grid.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        vec![4, 4, 4, 2, 2]
    );
    // Fewer than two bounds: no day.
    assert!(
        posts::calendar_items_per_day(db, &days[..1], 3, &Default::default())
            .await
            .unwrap()
            .is_empty()
    );
}
