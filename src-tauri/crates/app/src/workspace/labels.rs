//! Tags and campaigns: a name (unique case-insensitively) and a colour, assigned to posts and
//! ideas, used as filters.

use std::collections::HashSet;

use outpost_store::campaigns::{self, Campaign};
use outpost_store::tags::{self, Tag};
use outpost_store::{Sqlite, SqliteConnection, Transaction};
use outpost_store::{new_id, now_ms};

use super::undo::Snapshot;
use super::{
    CampaignInput, CampaignView, CardKind, Deleted, DeletedKind, Label, PostLabels, TagView,
    clean_colour, clean_name, db, not_found, to_u32,
};
use crate::{Error, Outpost, Result};

/// Checks that a campaign exists (`None` is fine).
pub(super) async fn check_campaign(conn: &mut SqliteConnection, id: Option<&str>) -> Result<()> {
    if let Some(id) = id
        && campaigns::find(&mut *conn, id).await?.is_none()
    {
        return Err(Error::InvalidInput(format!("there is no campaign {id}")));
    }
    Ok(())
}

/// Checks that every tag exists; returns them without duplicates, in order.
pub(super) async fn check_tags(conn: &mut SqliteConnection, ids: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if out.contains(id) {
            continue;
        }
        if tags::find(&mut *conn, id).await?.is_none() {
            return Err(Error::InvalidInput(format!("there is no tag {id}")));
        }
        out.push(id.clone());
    }
    Ok(out)
}

/// The tags of a post or idea, by name.
pub(super) async fn tag_labels(
    conn: &mut SqliteConnection,
    kind: CardKind,
    id: &str,
) -> Result<Vec<Label>> {
    let list = match kind {
        CardKind::Post => tags::for_post(&mut *conn, id).await?,
        CardKind::Idea => tags::for_idea(&mut *conn, id).await?,
    };
    Ok(list
        .into_iter()
        .map(|t| Label {
            id: t.id,
            name: t.name,
            colour: t.colour,
        })
        .collect())
}

pub(super) async fn campaign_label(conn: &mut SqliteConnection, id: &str) -> Result<Option<Label>> {
    Ok(campaigns::find(&mut *conn, id).await?.map(|c| Label {
        id: c.id,
        name: c.name,
        colour: c.colour,
    }))
}

async fn check_tag_name(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    super::refuse_clash("tag", tags::name_clash(&mut *conn, name, except).await?)
}

async fn check_campaign_name(
    conn: &mut SqliteConnection,
    name: &str,
    except: Option<&str>,
) -> Result<()> {
    super::refuse_clash(
        "campaign",
        campaigns::name_clash(&mut *conn, name, except).await?,
    )
}

/// `YYYY-MM-DD` or nothing.
fn clean_date(what: &str, date: Option<&str>) -> Result<Option<String>> {
    let Some(d) = date.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .map(|day| Some(day.format("%Y-%m-%d").to_string()))
        .map_err(|_| Error::InvalidInput(format!("the {what} “{d}” is not a date (YYYY-MM-DD)")))
}

async fn tag_view(conn: &mut SqliteConnection, t: Tag) -> Result<TagView> {
    let (posts, ideas) = tags::usage(&mut *conn, &t.id).await?;
    Ok(TagView {
        id: t.id,
        name: t.name,
        colour: t.colour,
        post_count: to_u32(posts),
        idea_count: to_u32(ideas),
    })
}

async fn campaign_view(conn: &mut SqliteConnection, c: Campaign) -> Result<CampaignView> {
    let (posts, ideas) = campaigns::usage(&mut *conn, &c.id).await?;
    Ok(CampaignView {
        id: c.id,
        name: c.name,
        colour: c.colour,
        start_date: c.start_date,
        end_date: c.end_date,
        post_count: to_u32(posts),
        idea_count: to_u32(ideas),
    })
}

impl Outpost {
    /// Every tag by name, with usage counts.
    pub async fn tags(&self) -> Result<Vec<TagView>> {
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        let mut out = Vec::new();
        for t in tags::list_all(&mut *conn).await? {
            out.push(tag_view(&mut conn, t).await?);
        }
        Ok(out)
    }

    /// Creates a tag; an empty colour picks one.
    pub async fn create_tag(&self, name: &str, colour: &str) -> Result<TagView> {
        let name = clean_name("tag", name)?;
        let mut tx = self.store().begin().await?;
        check_tag_name(&mut tx, &name, None).await?;
        let count = tags::count_all(&mut *tx).await?;
        let tag = Tag {
            id: new_id(),
            name,
            colour: clean_colour(colour, usize::try_from(count).unwrap_or(0))?,
            created_at: now_ms(),
        };
        tags::insert(&mut *tx, &tag).await?;
        let view = tag_view(&mut tx, tag).await?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Renames and recolours a tag.
    pub async fn update_tag(&self, id: &str, name: &str, colour: &str) -> Result<TagView> {
        let name = clean_name("tag", name)?;
        let mut tx = self.store().begin().await?;
        let mut tag = tags::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("tag", id))?;
        check_tag_name(&mut tx, &name, Some(id)).await?;
        tag.colour = clean_colour(colour, 0)?;
        tag.name = name;
        tags::update(&mut *tx, &tag).await?;
        let view = tag_view(&mut tx, tag).await?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Deletes a tag (removed from every post and idea). Undoable.
    pub async fn delete_tag(&self, id: &str) -> Result<Deleted> {
        let mut tx = self.store().begin().await?;
        let tag = tags::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("tag", id))?;
        let post_ids = tags::post_ids(&mut *tx, id).await?;
        let idea_ids = tags::idea_ids(&mut *tx, id).await?;
        tags::delete(&mut *tx, id).await?;
        tx.commit().await.map_err(db)?;
        let n = post_ids.len() + idea_ids.len();
        let message = match n {
            0 => format!("Deleted the tag “{}”", tag.name),
            1 => format!("Deleted the tag “{}” (removed from 1 item)", tag.name),
            n => format!("Deleted the tag “{}” (removed from {n} items)", tag.name),
        };
        Ok(self.workspace().undo.put(
            DeletedKind::Tag,
            id,
            message,
            Snapshot::Tag {
                tag,
                post_ids,
                idea_ids,
            },
        ))
    }

    /// Every campaign by name, with usage counts.
    pub async fn campaigns(&self) -> Result<Vec<CampaignView>> {
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        let mut list = campaigns::list_all(&mut *conn).await?;
        list.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then(a.id.cmp(&b.id))
        });
        let mut out = Vec::new();
        for c in list {
            out.push(campaign_view(&mut conn, c).await?);
        }
        Ok(out)
    }

    fn check_campaign_input(
        input: &CampaignInput,
    ) -> Result<(String, Option<String>, Option<String>)> {
        let name = clean_name("campaign", &input.name)?;
        let start = clean_date("start date", input.start_date.as_deref())?;
        let end = clean_date("end date", input.end_date.as_deref())?;
        if let (Some(s), Some(e)) = (&start, &end)
            && e < s
        {
            return Err(Error::InvalidInput(format!(
                "the campaign ends ({e}) before it starts ({s})"
            )));
        }
        Ok((name, start, end))
    }

    /// Creates a campaign; an empty colour picks one.
    pub async fn create_campaign(&self, input: &CampaignInput) -> Result<CampaignView> {
        let (name, start_date, end_date) = Self::check_campaign_input(input)?;
        let mut tx = self.store().begin().await?;
        check_campaign_name(&mut tx, &name, None).await?;
        let count = campaigns::count_all(&mut *tx).await?;
        let now = now_ms();
        let c = Campaign {
            id: new_id(),
            name,
            colour: clean_colour(&input.colour, usize::try_from(count).unwrap_or(0) + 3)?,
            start_date,
            end_date,
            created_at: now,
            updated_at: now,
        };
        campaigns::insert(&mut *tx, &c).await?;
        let view = campaign_view(&mut tx, c).await?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Replaces a campaign's name, colour and dates.
    pub async fn update_campaign(&self, id: &str, input: &CampaignInput) -> Result<CampaignView> {
        let (name, start_date, end_date) = Self::check_campaign_input(input)?;
        let mut tx = self.store().begin().await?;
        let mut c = campaigns::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("campaign", id))?;
        check_campaign_name(&mut tx, &name, Some(id)).await?;
        c.colour = clean_colour(&input.colour, 3)?;
        c.name = name;
        c.start_date = start_date;
        c.end_date = end_date;
        c.updated_at = now_ms();
        campaigns::update(&mut *tx, &c).await?;
        let view = campaign_view(&mut tx, c).await?;
        tx.commit().await.map_err(db)?;
        Ok(view)
    }

    /// Deletes a campaign (its posts and ideas stay, without a campaign). Undoable.
    pub async fn delete_campaign(&self, id: &str) -> Result<Deleted> {
        let mut tx = self.store().begin().await?;
        let campaign = campaigns::find(&mut *tx, id)
            .await?
            .ok_or_else(|| not_found("campaign", id))?;
        let post_ids = campaigns::post_ids(&mut *tx, id).await?;
        let idea_ids = campaigns::idea_ids(&mut *tx, id).await?;
        campaigns::delete(&mut *tx, id).await?;
        tx.commit().await.map_err(db)?;
        let n = post_ids.len() + idea_ids.len();
        let message = match n {
            0 => format!("Deleted the campaign “{}”", campaign.name),
            1 => format!(
                "Deleted the campaign “{}” (1 item left without a campaign)",
                campaign.name
            ),
            n => format!(
                "Deleted the campaign “{}” ({n} items left without a campaign)",
                campaign.name
            ),
        };
        Ok(self.workspace().undo.put(
            DeletedKind::Campaign,
            id,
            message,
            Snapshot::Campaign {
                campaign,
                post_ids,
                idea_ids,
            },
        ))
    }

    async fn set_tags(&self, kind: CardKind, id: &str, tag_ids: &[String]) -> Result<Vec<Label>> {
        let mut tx = self.store().begin().await?;
        let found = match kind {
            CardKind::Post => outpost_store::posts::touch(&mut *tx, id, now_ms()).await?,
            CardKind::Idea => outpost_store::ideas::touch(&mut *tx, id, now_ms()).await?,
        };
        if !found {
            return Err(not_found(kind.as_str(), id));
        }
        let tag_ids = check_tags(&mut tx, tag_ids).await?;
        match kind {
            CardKind::Post => tags::clear_post(&mut *tx, id).await?,
            CardKind::Idea => tags::clear_idea(&mut *tx, id).await?,
        }
        for t in &tag_ids {
            match kind {
                CardKind::Post => tags::tag_post(&mut *tx, id, t).await?,
                CardKind::Idea => tags::tag_idea(&mut *tx, id, t).await?,
            }
        }
        let labels = tag_labels(&mut tx, kind, id).await?;
        tx.commit().await.map_err(db)?;
        Ok(labels)
    }

    async fn set_campaign(
        &self,
        kind: CardKind,
        id: &str,
        campaign_id: Option<&str>,
    ) -> Result<Option<Label>> {
        let mut tx = self.store().begin().await?;
        check_campaign(&mut tx, campaign_id).await?;
        let found = match kind {
            CardKind::Post => {
                outpost_store::posts::set_campaign(&mut *tx, id, campaign_id, now_ms()).await?
            }
            CardKind::Idea => {
                outpost_store::ideas::set_campaign(&mut *tx, id, campaign_id, now_ms()).await?
            }
        };
        if !found {
            return Err(not_found(kind.as_str(), id));
        }
        let label = match campaign_id {
            Some(c) => campaign_label(&mut tx, c).await?,
            None => None,
        };
        tx.commit().await.map_err(db)?;
        Ok(label)
    }

    /// Replaces a post's tags (every id must exist); returns them by name.
    pub async fn set_post_tags(&self, post_id: &str, tag_ids: &[String]) -> Result<Vec<Label>> {
        self.set_tags(CardKind::Post, post_id, tag_ids).await
    }

    /// Replaces an idea's tags (every id must exist); returns them by name.
    pub async fn set_idea_tags(&self, idea_id: &str, tag_ids: &[String]) -> Result<Vec<Label>> {
        self.set_tags(CardKind::Idea, idea_id, tag_ids).await
    }

    /// Sets or clears a post's campaign.
    pub async fn set_post_campaign(
        &self,
        post_id: &str,
        campaign_id: Option<&str>,
    ) -> Result<Option<Label>> {
        self.set_campaign(CardKind::Post, post_id, campaign_id)
            .await
    }

    /// Sets or clears an idea's campaign.
    pub async fn set_idea_campaign(
        &self,
        idea_id: &str,
        campaign_id: Option<&str>,
    ) -> Result<Option<Label>> {
        self.set_campaign(CardKind::Idea, idea_id, campaign_id)
            .await
    }

    /// A post's tags and campaign.
    pub async fn post_labels(&self, post_id: &str) -> Result<PostLabels> {
        let mut conn = self.store().pool().acquire().await.map_err(db)?;
        let post = outpost_store::posts::find(&mut *conn, post_id)
            .await?
            .ok_or_else(|| not_found("post", post_id))?;
        Ok(PostLabels {
            tags: tag_labels(&mut conn, CardKind::Post, post_id).await?,
            campaign: match &post.campaign_id {
                Some(c) => campaign_label(&mut conn, c).await?,
                None => None,
            },
        })
    }
}

/// Brings a deleted tag back onto the posts and ideas that still exist.
pub(super) async fn restore_tag(
    tx: &mut Transaction<'static, Sqlite>,
    tag: &Tag,
    post_ids: &[String],
    idea_ids: &[String],
) -> Result<String> {
    check_tag_name(tx, &tag.name, None).await?;
    tags::insert(&mut **tx, tag).await?;
    for p in post_ids {
        tags::retag_post_if_present(&mut **tx, p, &tag.id).await?;
    }
    for i in idea_ids {
        tags::retag_idea_if_present(&mut **tx, i, &tag.id).await?;
    }
    Ok(format!("Restored the tag “{}”", tag.name))
}

/// Brings a deleted campaign back onto the posts and ideas that have no campaign since.
pub(super) async fn restore_campaign(
    tx: &mut Transaction<'static, Sqlite>,
    campaign: &Campaign,
    post_ids: &[String],
    idea_ids: &[String],
) -> Result<String> {
    check_campaign_name(tx, &campaign.name, None).await?;
    campaigns::insert(&mut **tx, campaign).await?;
    let unique: HashSet<&String> = post_ids.iter().collect();
    for p in unique {
        campaigns::restore_on_post(&mut **tx, p, &campaign.id).await?;
    }
    for i in idea_ids {
        campaigns::restore_on_idea(&mut **tx, i, &campaign.id).await?;
    }
    Ok(format!("Restored the campaign “{}”", campaign.name))
}
