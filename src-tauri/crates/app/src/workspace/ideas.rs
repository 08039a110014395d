//! Ideas: title, notes, attachments from the media library, tags and a campaign; cards on the
//! board; promoted to a draft post that keeps all of that and links back to the idea.

use std::collections::HashSet;

use outpost_platforms::publish::MediaFile;
use outpost_store::ideas::{self, Idea};
use outpost_store::media::{self, idea_media, post_media};
use outpost_store::posts::{self, Post};
use outpost_store::{PostStatus, new_id, now_ms};
use outpost_store::{Sqlite, SqliteConnection, Transaction};

use super::board::{card_column, column_cards, first_column, relocate, take_off};
use super::labels::{campaign_label, check_campaign, check_tags, tag_labels};
use super::undo::Snapshot;
use super::{
    CardKind, CardRef, Deleted, DeletedKind, IdeaAttachment, IdeaInput, IdeaView, MAX_TEXT_CHARS,
    MAX_TITLE_CHARS, Promoted, check_len, db, not_found,
};
use crate::{Error, Outpost, Result};

fn idea_card(id: &str) -> CardRef {
    CardRef {
        kind: CardKind::Idea,
        id: id.to_string(),
    }
}

/// A trimmed, non-empty one-line title.
fn clean_title(title: &str) -> Result<String> {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return Err(Error::InvalidInput("give the idea a title".into()));
    }
    check_len("idea title", &title, MAX_TITLE_CHARS)?;
    Ok(title)
}

/// Checks the media ids exist and are listed once.
async fn check_media(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(Error::InvalidInput(
                "an attachment is listed twice".to_string(),
            ));
        }
        if media::find(&mut *conn, id).await?.is_none() {
            return Err(Error::InvalidInput(format!(
                "the attachment {id} is not in the media library"
            )));
        }
    }
    Ok(())
}

async fn write_links(
    conn: &mut SqliteConnection,
    idea_id: &str,
    tag_ids: &[String],
    media_ids: &[String],
) -> Result<()> {
    outpost_store::tags::clear_idea(&mut *conn, idea_id).await?;
    for t in tag_ids {
        outpost_store::tags::tag_idea(&mut *conn, idea_id, t).await?;
    }
    idea_media::delete_for_idea(&mut *conn, idea_id).await?;
    for (i, m) in media_ids.iter().enumerate() {
        idea_media::insert(
            &mut *conn,
            &idea_media::IdeaMedia {
                idea_id: idea_id.to_string(),
                media_id: m.clone(),
                position: i64::try_from(i).unwrap_or(0),
            },
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn idea_view(conn: &mut SqliteConnection, id: &str) -> Result<IdeaView> {
    let idea = ideas::find(&mut *conn, id)
        .await?
        .ok_or_else(|| not_found("idea", id))?;
    let mut items = Vec::new();
    for m in idea_media::list_for_idea(&mut *conn, id).await? {
        if let Some(a) = media::find(&mut *conn, &m.media_id).await? {
            items.push(IdeaAttachment {
                id: a.id,
                original_name: a.original_name,
                mime: a.mime,
                bytes: a.bytes,
                alt_text: a.alt_text,
            });
        }
    }
    let post_ids = outpost_store::posts::ids_for_idea(&mut *conn, id).await?;
    Ok(IdeaView {
        tags: tag_labels(conn, CardKind::Idea, id).await?,
        campaign: match &idea.campaign_id {
            Some(c) => campaign_label(conn, c).await?,
            None => None,
        },
        media: items,
        post_ids,
        id: idea.id,
        title: idea.title,
        notes: idea.notes,
        column_id: idea.board_column_id,
        created_at: idea.created_at,
        updated_at: idea.updated_at,
    })
}

/// The text a draft starts with: the title, then the notes (unless they already start with it).
pub(super) fn draft_text(title: &str, notes: &str) -> String {
    let (title, notes) = (title.trim(), notes.trim());
    if notes.is_empty() {
        title.to_string()
    } else if title.is_empty() || notes.starts_with(title) {
        notes.to_string()
    } else {
        format!("{title}\n\n{notes}")
    }
}

impl Outpost {
    /// Checks an idea's fields; returns the cleaned title, deduplicated tags and the inspected
    /// new files. Nothing is written.
    async fn check_idea(&self, input: &IdeaInput) -> Result<(String, Vec<String>, Vec<MediaFile>)> {
        let title = clean_title(&input.title)?;
        check_len("notes", &input.notes, MAX_TEXT_CHARS)?;
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        check_campaign(&mut conn, input.campaign_id.as_deref()).await?;
        let tags = check_tags(&mut conn, &input.tag_ids).await?;
        check_media(&mut conn, &input.media_ids).await?;
        let mut files = Vec::new();
        for m in &input.new_media {
            files.push(MediaFile::inspect(&m.path, m.alt.clone())?);
        }
        Ok((title, tags, files))
    }

    /// Media ids of the idea after importing the new files into the library.
    async fn idea_media_ids(&self, input: &IdeaInput, files: &[MediaFile]) -> Result<Vec<String>> {
        let mut ids = input.media_ids.clone();
        for id in self.import_media(files).await? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Every idea (on the board or promoted), newest change first.
    pub async fn ideas(&self) -> Result<Vec<IdeaView>> {
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        let ids = ideas::ids_by_update(&mut *conn).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(idea_view(&mut conn, &id).await?);
        }
        Ok(out)
    }

    /// One idea with its labels and attachments.
    pub async fn idea(&self, id: &str) -> Result<IdeaView> {
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        idea_view(&mut conn, id).await
    }

    /// Creates an idea at the end of `column_id` (default: the board's first column).
    pub async fn create_idea(
        &self,
        input: &IdeaInput,
        column_id: Option<&str>,
    ) -> Result<IdeaView> {
        let (title, tags, files) = self.check_idea(input).await?;
        if let Some(c) = column_id
            && outpost_store::board::find(self.store().pool(), c)
                .await?
                .is_none()
        {
            return Err(not_found("board column", c));
        }
        let media_ids = self.idea_media_ids(input, &files).await?;
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        let now = now_ms();
        let idea = Idea {
            id: new_id(),
            title,
            notes: input.notes.clone(),
            campaign_id: input.campaign_id.clone(),
            board_column_id: None,
            board_position: 0,
            created_at: now,
            updated_at: now,
        };
        ideas::insert(&mut *tx, &idea).await?;
        write_links(&mut tx, &idea.id, &tags, &media_ids).await?;
        let col = match column_id {
            Some(c) => c.to_string(),
            None => first_column(&mut tx).await?,
        };
        relocate(&mut tx, &[idea_card(&idea.id)], &col, usize::MAX).await?;
        let view = idea_view(&mut tx, &idea.id).await?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Replaces an idea's title, notes, campaign, tags and attachments.
    pub async fn update_idea(&self, id: &str, input: &IdeaInput) -> Result<IdeaView> {
        let (title, tags, files) = self.check_idea(input).await?;
        ideas::find(self.store().pool(), id)
            .await?
            .ok_or_else(|| not_found("idea", id))?;
        let media_ids = self.idea_media_ids(input, &files).await?;
        let mut tx = self.store().begin().await?;
        let mut idea = ideas::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("idea", id))?;
        idea.title = title;
        idea.notes = input.notes.clone();
        idea.campaign_id = input.campaign_id.clone();
        idea.updated_at = now_ms();
        ideas::update(&mut *tx, &idea).await?;
        write_links(&mut tx, id, &tags, &media_ids).await?;
        let view = idea_view(&mut tx, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Deletes an idea (drafts promoted from it stay). Undoable.
    pub async fn delete_idea(&self, id: &str) -> Result<Deleted> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        let idea = ideas::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("idea", id))?;
        let tag_ids = outpost_store::tags::ids_for_idea(&mut *tx, id).await?;
        let media_ids = idea_media::list_for_idea(&mut *tx, id).await?;
        let post_ids = outpost_store::posts::ids_for_idea(&mut *tx, id).await?;
        take_off(&mut tx, &idea_card(id)).await?;
        ideas::delete(&mut *tx, id).await?;
        tx.commit().await.map_err(db)?;
        let message = format!(
            "Deleted the idea “{}”",
            super::board::shorten(&idea.title, 60)
        );
        Ok(self.workspace().undo.put(
            DeletedKind::Idea,
            id,
            message,
            Snapshot::Idea {
                idea,
                tag_ids,
                media_ids: media_ids.into_iter().map(|m| m.media_id).collect(),
                post_ids,
            },
        ))
    }

    /// Turns an idea into a draft post: its text (title and notes), attachments, tags and
    /// campaign, linked back to the idea. The draft takes the idea's place on the board; the idea
    /// stays in the idea list (off the board). One transaction.
    pub async fn promote_idea(&self, id: &str) -> Result<Promoted> {
        let _guard = self.workspace().board_lock.lock().await;
        let mut tx = self.store().begin().await?;
        let idea = ideas::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("idea", id))?;
        let now = now_ms();
        let post = Post {
            id: new_id(),
            body: draft_text(&idea.title, &idea.notes),
            status: PostStatus::Draft,
            campaign_id: idea.campaign_id.clone(),
            idea_id: Some(idea.id.clone()),
            created_at: now,
            updated_at: now,
            ..Default::default()
        };
        posts::insert(&mut *tx, &post).await?;
        for (i, m) in idea_media::list_for_idea(&mut *tx, id)
            .await?
            .into_iter()
            .enumerate()
        {
            post_media::insert(
                &mut *tx,
                &post_media::PostMedia {
                    id: new_id(),
                    post_id: post.id.clone(),
                    target_id: None,
                    media_id: m.media_id,
                    position: i64::try_from(i).unwrap_or(0),
                    created_at: now,
                },
            )
            .await?;
        }
        outpost_store::tags::copy_idea_tags_to_post(&mut *tx, id, &post.id).await?;
        let card = idea_card(id);
        let (column, index) = match card_column(&mut tx, &card).await? {
            Some(col) => {
                let at = column_cards(&mut tx, &col)
                    .await?
                    .iter()
                    .position(|(c, _)| *c == card)
                    .unwrap_or(usize::MAX);
                (col, at)
            }
            None => (first_column(&mut tx).await?, usize::MAX),
        };
        take_off(&mut tx, &card).await?;
        let post_card = CardRef {
            kind: CardKind::Post,
            id: post.id.clone(),
        };
        relocate(&mut tx, &[post_card], &column, index).await?;
        tx.commit().await.map_err(db)?;
        tracing::info!(idea = %id, post = %post.id, "idea promoted to a draft");
        Ok(Promoted {
            idea_id: id.to_string(),
            post_id: post.id,
            column_id: column,
        })
    }
}

/// Brings a deleted idea back, at its old place on the board when its column still exists, with
/// the tags, attachments and drafts links that still exist.
pub(super) async fn restore_idea(
    tx: &mut Transaction<'static, Sqlite>,
    idea: &Idea,
    tag_ids: &[String],
    media_ids: &[String],
    post_ids: &[String],
) -> Result<String> {
    let mut row = idea.clone();
    row.board_column_id = None;
    row.board_position = 0;
    if row.campaign_id.is_some() {
        let exists = match &row.campaign_id {
            Some(c) => outpost_store::campaigns::find(&mut **tx, c)
                .await?
                .is_some(),
            None => false,
        };
        if !exists {
            row.campaign_id = None;
        }
    }
    ideas::insert(&mut **tx, &row).await?;
    for t in tag_ids {
        outpost_store::tags::tag_idea_if_tag_exists(&mut **tx, &idea.id, t).await?;
    }
    for (i, m) in media_ids.iter().enumerate() {
        idea_media::insert_if_media_exists(
            &mut **tx,
            &idea_media::IdeaMedia {
                idea_id: idea.id.clone(),
                media_id: m.clone(),
                position: i64::try_from(i).unwrap_or(0),
            },
        )
        .await?;
    }
    for p in post_ids {
        outpost_store::posts::link_idea_if_unlinked(&mut **tx, p, &idea.id).await?;
    }
    if let Some(col) = &idea.board_column_id {
        let (col, at) = if outpost_store::board::find(&mut **tx, col).await?.is_some() {
            (
                col.clone(),
                usize::try_from(idea.board_position).unwrap_or(0),
            )
        } else {
            (first_column(tx).await?, usize::MAX)
        };
        relocate(tx, &[idea_card(&idea.id)], &col, at).await?;
    }
    Ok(format!(
        "Restored the idea “{}”",
        super::board::shorten(&idea.title, 60)
    ))
}
