//! The shapes of the workspace at the edges (IPC, tests).

use std::collections::BTreeMap;

use outpost_platforms::Platform;
use serde::{Deserialize, Serialize};

use crate::posts::NewMedia;

/// What a board card is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    Idea,
    Post,
}

impl CardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CardKind::Idea => "idea",
            CardKind::Post => "post",
        }
    }
}

/// A card on the board: an idea or a post.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CardRef {
    pub kind: CardKind,
    pub id: String,
}

/// A tag's or campaign's name and colour, as shown on a card or chip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Label {
    pub id: String,
    pub name: String,
    /// `#rrggbb` or `#rgb`.
    pub colour: String,
}

/// A board column with how many cards it holds (unfiltered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardColumnView {
    pub id: String,
    pub name: String,
    pub colour: String,
    /// 0-based, gap-free.
    pub position: u32,
    pub card_count: u32,
    /// The cards in this column matching the board's filter (`card_count` without a filter); the
    /// board sends only the first of them (see [`BoardFilter::per_column`]).
    pub matching: u32,
}

/// A card as the board draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardCard {
    pub kind: CardKind,
    pub id: String,
    pub column_id: String,
    /// 0-based, gap-free within the column (ideas and posts share one order).
    pub position: u32,
    /// The idea's title, or the post's first line.
    pub title: String,
    /// The idea's notes or the rest of the post, shortened.
    pub excerpt: String,
    /// Posts: `draft`, `scheduled`, `publishing`, `published`, `partially_published`, `failed`.
    pub status: Option<String>,
    /// Posts: the platforms of the channels it goes to.
    pub platforms: Vec<Platform>,
    pub tags: Vec<Label>,
    pub campaign: Option<Label>,
    /// Posts: unix ms.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub scheduled_at: Option<i64>,
    pub media_count: u32,
    /// Posts: the idea it was promoted from.
    pub idea_id: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub updated_at: i64,
    /// Posts sent for client approval: `waiting`, `approved`, `rejected` or `outdated` (edited
    /// since the decision), as in the composer; `None` when no preview is pending or decided.
    pub approval: Option<String>,
    /// Posts: `failed`, `unconfirmed`, `held`, `comment_failed` or `published` (the calendar's
    /// status mark, [`crate::posts::status_mark`]).
    pub mark: Option<String>,
    /// Posts: handed to the platform, which publishes it at its time (native scheduling).
    pub handed_off: bool,
}

/// The board: columns in order and the cards matching the filter, by column then position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Board {
    pub columns: Vec<BoardColumnView>,
    pub cards: Vec<BoardCard>,
}

/// Which cards the board shows: every listed tag must be on the card; the campaign must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardFilter {
    #[serde(default)]
    pub tag_ids: Vec<String>,
    pub campaign_id: Option<String>,
    /// Only the first this many matching cards of each column (`None`: every card). A board of
    /// 10,000 posts opens with a page of each column; more are asked for as a column scrolls.
    #[serde(default)]
    pub per_column: Option<u32>,
    /// Columns that show more than `per_column` (column id → how many first cards).
    #[serde(default)]
    pub more: BTreeMap<String, u32>,
}

/// What can be deleted with undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DeletedKind {
    Column,
    Idea,
    Template,
    Tag,
    Campaign,
}

/// A delete that can be undone with `undo_token` until `undo_until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Deleted {
    pub kind: DeletedKind,
    pub id: String,
    pub undo_token: String,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub undo_until: i64,
    /// What happened, for a toast ("Deleted the column Drafting; its 3 cards moved to Ideas").
    pub message: String,
}

/// What an undo brought back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Undone {
    pub kind: DeletedKind,
    pub id: String,
    pub message: String,
}

/// A file in the media library attached to an idea.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IdeaAttachment {
    pub id: String,
    pub original_name: String,
    pub mime: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: i64,
    pub alt_text: String,
}

/// An idea with its labels, attachments and the drafts promoted from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IdeaView {
    pub id: String,
    pub title: String,
    pub notes: String,
    pub campaign: Option<Label>,
    pub tags: Vec<Label>,
    pub media: Vec<IdeaAttachment>,
    /// `None` once promoted (the draft takes its place on the board).
    pub column_id: Option<String>,
    /// Posts created from this idea.
    pub post_ids: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub created_at: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub updated_at: i64,
}

/// An idea's editable fields (create and update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IdeaInput {
    pub title: String,
    #[serde(default)]
    pub notes: String,
    pub campaign_id: Option<String>,
    #[serde(default)]
    pub tag_ids: Vec<String>,
    /// Attachments already in the media library, in order (on update: the ones kept).
    #[serde(default)]
    pub media_ids: Vec<String>,
    /// Files to copy into the media library and attach after `media_ids`.
    #[serde(default)]
    pub new_media: Vec<NewMedia>,
}

/// The draft an idea became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Promoted {
    pub idea_id: String,
    pub post_id: String,
    /// The column the draft was placed in (where the idea was).
    pub column_id: String,
}

/// A template with the variables its body uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateView {
    pub id: String,
    pub name: String,
    pub body: String,
    /// `{{variable}}` names in order of first appearance.
    pub variables: Vec<String>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub created_at: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub updated_at: i64,
}

/// Values for a template's variables, by name.
pub type TemplateValues = BTreeMap<String, String>;

/// A tag with how often it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TagView {
    pub id: String,
    pub name: String,
    pub colour: String,
    pub post_count: u32,
    pub idea_count: u32,
}

/// A campaign with how often it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub colour: String,
    /// `YYYY-MM-DD`, inclusive.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub post_count: u32,
    pub idea_count: u32,
}

/// A campaign's editable fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CampaignInput {
    pub name: String,
    /// Empty picks a colour.
    #[serde(default)]
    pub colour: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// A post's tags and campaign (for the composer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostLabels {
    pub tags: Vec<Label>,
    pub campaign: Option<Label>,
}

/// What a search result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SearchItemKind {
    Post,
    Idea,
    Template,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchResult {
    pub kind: SearchItemKind,
    pub id: String,
    /// Idea title, template name, or the post's first line.
    pub title: String,
    /// Text around the match; matched terms are wrapped in U+0002 … U+0003 (never HTML).
    pub snippet: String,
    /// Posts: their status.
    pub status: Option<String>,
}
