//! The kanban board: columns (created with defaults on first use) and cards (ideas and posts)
//! with gap-free positions. Every move is one transaction; a card is never lost or orphaned.

use std::collections::{HashMap, HashSet};

use outpost_store::approvals;
use outpost_store::board::{self, BoardColumn, CardScope};
use outpost_store::{Sqlite, SqliteConnection, Transaction};
use outpost_store::{new_id, now_ms};

use super::undo::Snapshot;
use super::{
    Board, BoardCard, BoardColumnView, BoardFilter, CardKind, CardRef, Deleted, DeletedKind, Label,
    clean_colour, clean_name, db, not_found, to_u32,
};
use crate::channels::to_platform;
use crate::{Error, Outpost, Result};

/// The columns a new board starts with.
pub const DEFAULT_COLUMNS: [(&str, &str); 5] = [
    ("Ideas", "#7c3aed"),
    ("Drafting", "#2563eb"),
    ("In review", "#d97706"),
    ("Scheduled", "#0891b2"),
    ("Published", "#16a34a"),
];

/// The setting naming the columns that collect posts by status: `{"draft": id, "scheduled": id,
/// "published": id}`.
pub const STATUS_COLUMNS_SETTING: &str = "board.status_columns";

/// Which column a post goes to by its status: (key in the setting, the statuses it collects, the
/// column names that are taken for it when the setting does not name a column that exists).
const STATUS_GROUPS: [(&str, &[&str], &[&str]); 3] = [
    ("draft", &["draft"], &["drafting", "drafts", "draft"]),
    (
        "scheduled",
        &["scheduled", "publishing", "failed"],
        &["scheduled"],
    ),
    (
        "published",
        &["published", "partially_published"],
        &["published"],
    ),
];

/// Puts every post that is off the board (new from the composer, the CLI, a CSV import or a feed;
/// or whose status just changed) at the end of the column for its status: the column the setting
/// names, else the column with that status's name (then remembered), else the first column.
pub(super) async fn place_unplaced_posts(conn: &mut SqliteConnection) -> Result<u64> {
    ensure_columns(conn).await?;
    let columns = board::list_all(&mut *conn).await?;
    let Some(first) = columns.first().map(|c| c.id.clone()) else {
        return Ok(0);
    };
    let stored = outpost_store::settings::get(&mut *conn, STATUS_COLUMNS_SETTING)
        .await?
        .unwrap_or_default();
    let mut remembered = serde_json::Map::new();
    let mut placed = 0;
    for (key, statuses, names) in STATUS_GROUPS {
        let named = stored
            .get(key)
            .and_then(|v| v.as_str())
            .filter(|id| columns.iter().any(|c| c.id == *id))
            .map(str::to_string)
            .or_else(|| {
                columns
                    .iter()
                    .find(|c| names.contains(&c.name.trim().to_lowercase().as_str()))
                    .map(|c| c.id.clone())
            });
        if let Some(id) = &named {
            remembered.insert(key.to_string(), serde_json::Value::String(id.clone()));
        }
        let column = named.unwrap_or_else(|| first.clone());
        placed += board::place_unplaced_posts(&mut *conn, statuses, &column).await?;
    }
    let remembered = serde_json::Value::Object(remembered);
    if remembered != stored {
        outpost_store::settings::set(&mut *conn, STATUS_COLUMNS_SETTING, &remembered, now_ms())
            .await?;
    }
    if placed > 0 {
        tracing::debug!(placed, "posts placed on the board by their status");
    }
    Ok(placed)
}

fn table(kind: CardKind) -> board::CardTable {
    match kind {
        CardKind::Idea => board::CardTable::Ideas,
        CardKind::Post => board::CardTable::Posts,
    }
}

/// Creates the default columns when the board has none (first use).
pub(super) async fn ensure_columns(conn: &mut SqliteConnection) -> Result<()> {
    if board::count_all(&mut *conn).await? > 0 {
        return Ok(());
    }
    let now = now_ms();
    for (i, (name, colour)) in DEFAULT_COLUMNS.iter().enumerate() {
        board::insert(
            &mut *conn,
            &BoardColumn {
                id: new_id(),
                name: (*name).to_string(),
                position: i64::try_from(i).unwrap_or(0),
                colour: (*colour).to_string(),
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
    }
    tracing::info!("board created with its default columns");
    Ok(())
}

/// The cards of a column in board order.
pub(super) async fn column_cards(
    conn: &mut SqliteConnection,
    column_id: &str,
) -> Result<Vec<(CardRef, i64)>> {
    let rows = board::column_cards(&mut *conn, column_id).await?;
    Ok(rows
        .into_iter()
        .map(|(kind, id, pos)| {
            let kind = if kind == "post" {
                CardKind::Post
            } else {
                CardKind::Idea
            };
            (CardRef { kind, id }, pos)
        })
        .collect())
}

/// The column a card is in (`None`: off the board); `NotFound` when the idea/post does not exist.
pub(super) async fn card_column(
    conn: &mut SqliteConnection,
    card: &CardRef,
) -> Result<Option<String>> {
    board::card_column(&mut *conn, table(card.kind), &card.id)
        .await?
        .ok_or_else(|| not_found(card.kind.as_str(), &card.id))
}

/// Writes `cards` into `column_id` at positions `0..n`, touching only rows that change.
async fn write_positions(
    conn: &mut SqliteConnection,
    column_id: &str,
    cards: &[CardRef],
) -> Result<()> {
    for (i, c) in cards.iter().enumerate() {
        board::place_card(
            &mut *conn,
            table(c.kind),
            &c.id,
            column_id,
            i64::try_from(i).unwrap_or(i64::MAX),
        )
        .await?;
    }
    Ok(())
}

/// Moves `cards` (in this order) into `column_id` starting at `index` (clamped to the end). Their
/// old columns close the gaps; every affected column ends with positions `0..n`.
pub(super) async fn relocate(
    conn: &mut SqliteConnection,
    cards: &[CardRef],
    column_id: &str,
    index: usize,
) -> Result<()> {
    let moving: HashSet<&CardRef> = cards.iter().collect();
    let mut sources: Vec<String> = Vec::new();
    for c in cards {
        if let Some(col) = card_column(conn, c).await?
            && col != column_id
            && !sources.contains(&col)
        {
            sources.push(col);
        }
    }
    for src in &sources {
        let rest: Vec<CardRef> = column_cards(conn, src)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .filter(|c| !moving.contains(c))
            .collect();
        write_positions(conn, src, &rest).await?;
    }
    let mut list: Vec<CardRef> = column_cards(conn, column_id)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| !moving.contains(c))
        .collect();
    let at = index.min(list.len());
    list.splice(at..at, cards.iter().cloned());
    write_positions(conn, column_id, &list).await
}

/// Takes a card off the board and closes the gap it leaves.
pub(super) async fn take_off(conn: &mut SqliteConnection, card: &CardRef) -> Result<()> {
    let Some(col) = card_column(conn, card).await? else {
        return Ok(());
    };
    board::clear_card(&mut *conn, table(card.kind), &card.id).await?;
    let rest: Vec<CardRef> = column_cards(conn, &col)
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    write_positions(conn, &col, &rest).await
}

/// Renumbers the columns `0..n` in the given order.
async fn write_column_order(conn: &mut SqliteConnection, ids: &[String], now: i64) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        board::set_column_position(&mut *conn, id, i64::try_from(i).unwrap_or(i64::MAX), now)
            .await?;
    }
    Ok(())
}

/// The first column (after creating the defaults if needed).
pub(super) async fn first_column(conn: &mut SqliteConnection) -> Result<String> {
    ensure_columns(conn).await?;
    let cols = board::list_all(&mut *conn).await?;
    cols.into_iter()
        .next()
        .map(|c| c.id)
        .ok_or_else(|| Error::InvalidInput("the board has no columns".into()))
}

async fn column_exists(conn: &mut SqliteConnection, id: &str) -> Result<BoardColumn> {
    board::find(&mut *conn, id)
        .await?
        .ok_or_else(|| not_found("board column", id))
}

async fn check_column_name(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    super::refuse_clash("column", board::name_clash(&mut *conn, name, except).await?)
}

async fn column_views(conn: &mut SqliteConnection) -> Result<Vec<BoardColumnView>> {
    let rows = board::columns_with_counts(&mut *conn).await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, (id, name, colour, _, count))| BoardColumnView {
            id,
            name,
            colour,
            position: u32::try_from(i).unwrap_or(u32::MAX),
            card_count: to_u32(count),
            matching: to_u32(count),
        })
        .collect())
}

/// First line (title) and the rest (excerpt) of a text, shortened.
pub(super) fn title_and_excerpt(text: &str) -> (String, String) {
    let text = text.trim();
    let (first, rest) = match text.find('\n') {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    (shorten(first.trim(), 120), shorten(rest, 200))
}

/// At most `max` characters, with an ellipsis when cut; whitespace runs collapsed.
pub(super) fn shorten(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

use board::CardRow;

impl Outpost {
    pub(super) fn workspace(&self) -> &super::WorkspaceState {
        &self.inner.workspace
    }

    /// The board: its columns (the defaults are created on first use) and the cards matching the
    /// filter, by column and position.
    pub async fn board(&self, filter: &BoardFilter) -> Result<Board> {
        let pool = self.store().pool();
        // Every post is on the board: those off it (new, or their status changed) go to the
        // column for their status first.
        if board::count_all(pool).await? == 0 || board::has_unplaced_posts(pool).await? {
            let _guard = self.workspace().board_lock.lock().await;
            let mut tx = self.store().begin().await?;
            place_unplaced_posts(&mut tx).await?;
            tx.commit().await.map_err(db)?;
        }
        let mut tx = self.store().begin_read().await?;
        let mut columns = column_views(&mut tx).await?;
        let filtered = !filter.tag_ids.is_empty() || filter.campaign_id.is_some();
        // How many first matching cards each column sends (`usize::MAX`: every one).
        let limit = |column: &str| -> usize {
            filter.per_column.map_or(usize::MAX, |n| {
                let n = filter.more.get(column).copied().unwrap_or(n).max(n);
                usize::try_from(n).unwrap_or(usize::MAX)
            })
        };
        // Without a filter the first cards of each column are read through the board index, so
        // opening a board of 10,000 posts reads a page of each column; with a filter every card
        // is read and filtered here, and only the first matching ones are sent.
        let first = (!filtered && filter.per_column.is_some()).then(|| {
            serde_json::Value::Object(
                columns
                    .iter()
                    .map(|c| (c.id.clone(), serde_json::Value::from(limit(&c.id))))
                    .collect(),
            )
            .to_string()
        });
        let scope = first.as_deref().map_or(CardScope::All, CardScope::First);
        // Posts and ideas on the board; text is cut in SQL so a huge post costs nothing here.
        let mut rows: Vec<CardRow> = board::card_rows(&mut *tx, scope).await?;
        let tag_rows = board::card_tags(&mut *tx, scope).await?;
        let platform_rows = board::card_platforms(&mut *tx, scope).await?;
        let campaigns: HashMap<String, Label> = outpost_store::campaigns::list_all(&mut *tx)
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.id.clone(),
                    Label {
                        id: c.id,
                        name: c.name,
                        colour: c.colour,
                    },
                )
            })
            .collect();
        tx.commit().await.map_err(db)?;

        let mut tags: HashMap<(String, String), Vec<Label>> = HashMap::new();
        for (kind, item, id, name, colour) in tag_rows {
            tags.entry((kind, item))
                .or_default()
                .push(Label { id, name, colour });
        }
        let mut platforms: HashMap<String, Vec<outpost_platforms::Platform>> = HashMap::new();
        for (post, p) in platform_rows {
            platforms.entry(post).or_default().push(to_platform(p));
        }
        let order: HashMap<&str, usize> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        // Board order: by column, then position.
        rows.sort_by(|a, b| {
            let ca = order.get(a.6.as_str()).copied().unwrap_or(usize::MAX);
            let cb = order.get(b.6.as_str()).copied().unwrap_or(usize::MAX);
            (ca, a.7, &a.1).cmp(&(cb, b.7, &b.1))
        });
        let mut matching: HashMap<String, usize> = HashMap::new();
        let mut cards: Vec<BoardCard> = Vec::with_capacity(rows.len());
        for (
            kind,
            id,
            text,
            status,
            scheduled_at,
            campaign_id,
            column_id,
            pos,
            idea_id,
            updated_at,
            media,
            states,
            handed_off,
            comment_problems,
        ) in rows
        {
            let card_tags = tags.remove(&(kind.clone(), id.clone())).unwrap_or_default();
            if !filter
                .tag_ids
                .iter()
                .all(|t| card_tags.iter().any(|l| &l.id == t))
            {
                continue;
            }
            if filter.campaign_id.is_some() && filter.campaign_id != campaign_id {
                continue;
            }
            let seen = matching.entry(column_id.clone()).or_default();
            *seen += 1;
            if *seen > limit(&column_id) {
                continue;
            }
            let is_post = kind == "post";
            let mark = status.as_deref().and_then(|s| {
                crate::posts::status_mark(s, &crate::posts::job_states(states), comment_problems)
            });
            let (title, excerpt) = title_and_excerpt(&text);
            let title = if title.is_empty() {
                if is_post {
                    "Empty draft"
                } else {
                    "Untitled idea"
                }
                .to_string()
            } else {
                title
            };
            cards.push(BoardCard {
                kind: if is_post {
                    CardKind::Post
                } else {
                    CardKind::Idea
                },
                platforms: if is_post {
                    platforms.remove(&id).unwrap_or_default()
                } else {
                    vec![]
                },
                id,
                column_id,
                position: to_u32(pos),
                title,
                excerpt,
                status,
                tags: card_tags,
                campaign: campaign_id.and_then(|c| campaigns.get(&c).cloned()),
                scheduled_at,
                media_count: to_u32(media),
                idea_id,
                updated_at,
                approval: None,
                mark,
                handed_off: handed_off > 0,
            });
        }
        // Client approval on the cards of posts that were sent for it (few; each costs one
        // look-up of its previews and content).
        let sent: HashSet<String> = approvals::posts_with_previews(pool)
            .await?
            .into_iter()
            .collect();
        for card in cards
            .iter_mut()
            .filter(|c| c.kind == CardKind::Post && sent.contains(&c.id))
        {
            let status = self.post_approval(&card.id).await?.status;
            card.approval = (status != "none").then_some(status);
        }
        if filtered {
            for c in &mut columns {
                c.matching =
                    u32::try_from(matching.get(&c.id).copied().unwrap_or(0)).unwrap_or(u32::MAX);
            }
        }
        Ok(Board { columns, cards })
    }

    /// The columns in order, with card counts.
    pub async fn board_columns(&self) -> Result<Vec<BoardColumnView>> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        ensure_columns(&mut tx).await?;
        let cols = column_views(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(cols)
    }

    /// Adds a column at the end. Names are unique on the board (case-insensitively).
    pub async fn create_column(&self, name: &str, colour: &str) -> Result<BoardColumnView> {
        let name = clean_name("column", name)?;
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        ensure_columns(&mut tx).await?;
        check_column_name(&mut tx, &name, None).await?;
        let count = board::count_all(&mut *tx).await?;
        let colour = clean_colour(colour, usize::try_from(count).unwrap_or(0))?;
        let now = now_ms();
        let id = new_id();
        board::insert(
            &mut *tx,
            &BoardColumn {
                id: id.clone(),
                name,
                position: count,
                colour,
                created_at: now,
                updated_at: now,
            },
        )
        .await?;
        let view = column_views(&mut tx)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| not_found("board column", &id))?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Renames and recolours a column.
    pub async fn update_column(
        &self,
        id: &str,
        name: &str,
        colour: &str,
    ) -> Result<BoardColumnView> {
        let name = clean_name("column", name)?;
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        let mut col = column_exists(&mut tx, id).await?;
        check_column_name(&mut tx, &name, Some(id)).await?;
        col.colour = clean_colour(colour, usize::try_from(col.position).unwrap_or(0))?;
        col.name = name;
        col.updated_at = now_ms();
        board::update(&mut *tx, &col).await?;
        let view = column_views(&mut tx)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| not_found("board column", id))?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Moves a column to `index` (0-based, clamped); returns the columns in their new order.
    pub async fn move_column(&self, id: &str, index: u32) -> Result<Vec<BoardColumnView>> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        column_exists(&mut tx, id).await?;
        let mut ids: Vec<String> = board::list_all(&mut *tx)
            .await?
            .into_iter()
            .map(|c| c.id)
            .filter(|c| c != id)
            .collect();
        let at = usize::try_from(index).unwrap_or(usize::MAX).min(ids.len());
        ids.insert(at, id.to_string());
        write_column_order(&mut tx, &ids, now_ms()).await?;
        let cols = column_views(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(cols)
    }

    /// Deletes a column. Its cards move, in their order, to the end of `move_cards_to` (default:
    /// the first remaining column); the last column cannot be deleted. Undoable.
    pub async fn delete_column(&self, id: &str, move_cards_to: Option<&str>) -> Result<Deleted> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        let col = column_exists(&mut tx, id).await?;
        let others: Vec<BoardColumn> = board::list_all(&mut *tx)
            .await?
            .into_iter()
            .filter(|c| c.id != id)
            .collect();
        let target = match move_cards_to {
            Some(t) if t == id => {
                return Err(Error::InvalidInput(
                    "choose another column to move the cards to".into(),
                ));
            }
            Some(t) => others.iter().find(|c| c.id == t).cloned().ok_or_else(|| {
                Error::InvalidInput(format!(
                    "the column to move the cards to ({t}) does not exist"
                ))
            })?,
            None => others.first().cloned().ok_or_else(|| {
                Error::InvalidInput(format!(
                    "“{}” is the board's only column; add another column before deleting it",
                    col.name
                ))
            })?,
        };
        let cards: Vec<CardRef> = column_cards(&mut tx, id)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        relocate(&mut tx, &cards, &target.id, usize::MAX).await?;
        board::delete(&mut *tx, id).await?;
        let ids: Vec<String> = others.iter().map(|c| c.id.clone()).collect();
        write_column_order(&mut tx, &ids, now_ms()).await?;
        tx.commit().await.map_err(db)?;
        let message = match cards.len() {
            0 => format!("Deleted the column “{}”", col.name),
            1 => format!(
                "Deleted the column “{}”; its card moved to “{}”",
                col.name, target.name
            ),
            n => format!(
                "Deleted the column “{}”; its {n} cards moved to “{}”",
                col.name, target.name
            ),
        };
        tracing::info!(column = %id, cards = cards.len(), "board column deleted");
        Ok(self.workspace().undo.put(
            DeletedKind::Column,
            id,
            message,
            Snapshot::Column { column: col, cards },
        ))
    }

    /// Moves a card (idea or post) to `index` in `column_id` (0-based, clamped to the end); a card
    /// off the board is placed on it. Positions stay gap-free in both columns; one transaction.
    pub async fn move_card(&self, card: &CardRef, column_id: &str, index: u32) -> Result<()> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        card_column(&mut tx, card).await?;
        column_exists(&mut tx, column_id).await?;
        relocate(
            &mut tx,
            std::slice::from_ref(card),
            column_id,
            usize::try_from(index).unwrap_or(usize::MAX),
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    /// Puts a card on the board at the end of `column_id` (default: the first column); a card
    /// already on the board stays where it is. Returns its column.
    pub async fn place_on_board(&self, card: &CardRef, column_id: Option<&str>) -> Result<String> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        if let Some(col) = card_column(&mut tx, card).await? {
            return Ok(col);
        }
        let col = match column_id {
            Some(c) => column_exists(&mut tx, c).await?.id,
            None => first_column(&mut tx).await?,
        };
        relocate(&mut tx, std::slice::from_ref(card), &col, usize::MAX).await?;
        tx.commit().await.map_err(db)?;
        Ok(col)
    }

    /// Takes an idea's card off the board (the idea itself stays). Every post is on the board, in
    /// the column for its status unless moved: taking one off is refused.
    pub async fn remove_from_board(&self, card: &CardRef) -> Result<()> {
        if card.kind == CardKind::Post {
            return Err(Error::InvalidInput(
                "every post is on the board; move it to another column instead".into(),
            ));
        }
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        take_off(&mut tx, card).await?;
        tx.commit().await.map_err(db)?;
        Ok(())
    }
}

/// Brings a deleted column back at its old place, with the cards it held that still exist.
pub(super) async fn restore_column(
    tx: &mut Transaction<'static, Sqlite>,
    column: &BoardColumn,
    cards: &[CardRef],
) -> Result<String> {
    check_column_name(tx, &column.name, None).await?;
    let mut ids: Vec<String> = board::list_all(&mut **tx)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    board::insert(&mut **tx, column).await?;
    let at = usize::try_from(column.position).unwrap_or(0).min(ids.len());
    ids.insert(at, column.id.clone());
    write_column_order(tx, &ids, now_ms()).await?;
    let mut existing = Vec::new();
    for c in cards {
        if card_column(tx, c).await.is_ok() {
            existing.push(c.clone());
        }
    }
    relocate(tx, &existing, &column.id, 0).await?;
    Ok(format!("Restored the column “{}”", column.name))
}
