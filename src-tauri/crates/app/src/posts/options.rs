//! Per-platform options of a post on one channel: which fields each platform uses, and the one
//! check every front end (the composer, `outpost posts create`, the CSV import) goes through
//! before anything is stored. A field the channel's platform does not use, a missing required
//! option (YouTube title, TikTok privacy, Pinterest board), a TikTok privacy level the creator
//! does not offer or a Pinterest board that does not exist is refused with a message naming the
//! field.

use outpost_platforms::Platform;
use outpost_platforms::pinterest::publish as pinterest;
use outpost_platforms::publish::MediaFile;
use outpost_platforms::publish::PostOptions;
use outpost_platforms::tiktok::publish as tiktok;
use outpost_platforms::youtube::publish::CATEGORIES as YOUTUBE_CATEGORIES;
use serde::{Deserialize, Serialize};

use super::TargetVariant;
use crate::channels::to_platform;
use crate::{Error, Outpost, Result};

/// Setting: new posts are handed to the platform's own scheduler where it has one.
pub const NATIVE_DEFAULT_SETTING: &str = "publishing.native_schedule_default";

/// YouTube's title limit (characters).
pub const YOUTUBE_TITLE_MAX: usize = 100;

/// The options a script gives per post (CLI flags, CSV columns); the same for every channel of
/// the post, each refused on a channel whose platform does not use it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublishFields {
    /// YouTube (required), Pinterest, TikTok photo posts.
    pub title: Option<String>,
    /// YouTube `public|unlisted|private`; TikTok `public|friends|followers|only_me`; Mastodon
    /// `public|unlisted|private|direct`.
    pub privacy: Option<String>,
    /// Pinterest board id (required there).
    pub board: Option<String>,
    /// Pinterest destination link; Facebook link post.
    pub link: Option<String>,
    /// Facebook, Instagram, LinkedIn (a comment); X, Bluesky, Mastodon, Threads (the first reply).
    pub first_comment: Option<String>,
    /// Replies after the post: X, Bluesky, Mastodon, Threads.
    #[serde(default)]
    pub thread: Vec<String>,
    /// Hand the post to the platform's own scheduler: YouTube, Facebook Pages, Mastodon.
    #[serde(default)]
    pub native_schedule: bool,
    /// YouTube: the video's category id (`1` Film & Animation … `29` Nonprofits & Activism).
    #[serde(default)]
    pub category: Option<String>,
    /// YouTube: the video is made for kids (the audience every upload declares; `false`: not).
    #[serde(default)]
    pub made_for_kids: bool,
    /// YouTube: a custom thumbnail (JPEG or PNG, at most 2 MB); Pinterest: a video Pin's cover.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// TikTok commercial-content disclosure: `your-brand`, `branded-content` or `both`.
    #[serde(default)]
    pub disclose: Option<String>,
    /// Instagram, a video: `feed` (a reel also shown in the feed) or `reel` (the Reels tab only).
    #[serde(default)]
    pub placement: Option<String>,
    /// Alt text of the media files, in their order (not YouTube or TikTok, which take none).
    #[serde(default)]
    pub alt: Vec<String>,
}

impl PublishFields {
    pub fn is_empty(&self) -> bool {
        *self == PublishFields::default()
    }
}

/// A field a front end can set, by the name scripts use (`--title`, CSV column `title`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionField {
    Title,
    Privacy,
    Board,
    Link,
    FirstComment,
    Thread,
    NativeSchedule,
    ContentWarning,
    Language,
    Tags,
    Thumbnail,
    TiktokSwitches,
    Category,
    MadeForKids,
    Disclose,
    Placement,
    Alt,
}

impl OptionField {
    /// The name scripts use: the CLI flag without `--`, the CSV column.
    pub fn name(self) -> &'static str {
        match self {
            OptionField::Title => "title",
            OptionField::Privacy => "privacy",
            OptionField::Board => "board",
            OptionField::Link => "link",
            OptionField::FirstComment => "first-comment",
            OptionField::Thread => "thread",
            OptionField::NativeSchedule => "native-schedule",
            OptionField::ContentWarning => "content-warning",
            OptionField::Language => "language",
            OptionField::Tags => "tags",
            OptionField::Thumbnail => "thumbnail",
            OptionField::TiktokSwitches => "comment/duet/stitch switches",
            OptionField::Category => "category",
            OptionField::MadeForKids => "made-for-kids",
            OptionField::Disclose => "disclose",
            OptionField::Placement => "placement",
            OptionField::Alt => "alt",
        }
    }

    /// The CSV column of the field.
    pub fn column(self) -> &'static str {
        match self {
            OptionField::FirstComment => "first_comment",
            OptionField::NativeSchedule => "native_schedule",
            OptionField::ContentWarning => "content_warning",
            OptionField::TiktokSwitches => "options",
            OptionField::MadeForKids => "made_for_kids",
            other => other.name(),
        }
    }

    /// The platforms that use the field.
    pub fn platforms(self) -> &'static [Platform] {
        use Platform::*;
        match self {
            OptionField::Title => &[Youtube, Pinterest, Tiktok],
            OptionField::Privacy => &[Youtube, Tiktok, Mastodon],
            OptionField::Board => &[Pinterest],
            OptionField::Link => &[Pinterest, Facebook],
            // On platforms with threads, the first comment is the post's first reply.
            OptionField::FirstComment => {
                &[Facebook, Instagram, Linkedin, X, Bluesky, Mastodon, Threads]
            }
            OptionField::Thread => &[X, Bluesky, Mastodon, Threads],
            OptionField::NativeSchedule => &[Youtube, Facebook, Mastodon],
            OptionField::ContentWarning => &[Mastodon],
            OptionField::Language => &[Mastodon, Bluesky],
            OptionField::Tags => &[Youtube],
            OptionField::Thumbnail => &[Youtube, Pinterest],
            OptionField::TiktokSwitches => &[Tiktok],
            OptionField::Category | OptionField::MadeForKids => &[Youtube],
            OptionField::Disclose => &[Tiktok],
            OptionField::Placement => &[Instagram],
            // YouTube (a video) and TikTok have no alt text field.
            OptionField::Alt => &[
                X, Linkedin, Facebook, Instagram, Threads, Pinterest, Bluesky, Mastodon,
            ],
        }
    }
}

/// The privacy values a platform accepts.
pub fn privacy_values(p: Platform) -> &'static [&'static str] {
    match p {
        Platform::Youtube => &["public", "unlisted", "private"],
        Platform::Tiktok => &["public", "friends", "followers", "only_me"],
        Platform::Mastodon => &["public", "unlisted", "private", "direct"],
        _ => &[],
    }
}

fn not_used(p: Platform, f: OptionField) -> Error {
    let names: Vec<&str> = f.platforms().iter().map(|p| p.name()).collect();
    Error::InvalidInput(format!(
        "{}: {} does not use this option (it is for {})",
        f.name(),
        p.name(),
        names.join(", ")
    ))
}

fn field_error(f: OptionField, m: impl std::fmt::Display) -> (OptionField, Error) {
    (f, Error::InvalidInput(format!("{}: {m}", f.name())))
}

/// A variant's options as [`PostOptions`] (null or `{}`: none set).
pub fn parse_options(v: &serde_json::Value) -> Result<PostOptions> {
    if v.is_null() {
        return Ok(PostOptions::default());
    }
    let mut base = serde_json::to_value(PostOptions::default())
        .map_err(|e| Error::InvalidInput(format!("options: {e}")))?;
    match (base.as_object_mut(), v.as_object()) {
        (Some(b), Some(o)) => {
            for (k, val) in o {
                b.insert(k.clone(), val.clone());
            }
        }
        _ => return Err(Error::InvalidInput("options: not an object".into())),
    }
    serde_json::from_value(base).map_err(|e| Error::InvalidInput(format!("options: {e}")))
}

/// The variant carrying `fields` on a channel of platform `p`; a field `p` does not use is
/// refused (naming it).
pub fn variant_for(p: Platform, channel_id: &str, fields: &PublishFields) -> Result<TargetVariant> {
    variant_for_field(p, channel_id, fields).map_err(|(_, e)| e)
}

/// [`variant_for`], with the field a refusal concerns.
pub fn variant_for_field(
    p: Platform,
    channel_id: &str,
    fields: &PublishFields,
) -> std::result::Result<TargetVariant, (OptionField, Error)> {
    let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    let mut options = PostOptions::default();
    let mut v = TargetVariant {
        channel_id: channel_id.to_string(),
        ..Default::default()
    };
    let uses = |f: OptionField| f.platforms().contains(&p);
    let check = |f: OptionField, set: bool| -> std::result::Result<(), (OptionField, Error)> {
        if set && !uses(f) {
            Err((f, not_used(p, f)))
        } else {
            Ok(())
        }
    };
    check(OptionField::Title, nonempty(&fields.title).is_some())?;
    check(OptionField::Privacy, nonempty(&fields.privacy).is_some())?;
    check(OptionField::Board, nonempty(&fields.board).is_some())?;
    check(OptionField::Link, nonempty(&fields.link).is_some())?;
    check(
        OptionField::FirstComment,
        nonempty(&fields.first_comment).is_some(),
    )?;
    check(OptionField::Thread, !fields.thread.is_empty())?;
    check(OptionField::NativeSchedule, fields.native_schedule)?;
    check(OptionField::Category, nonempty(&fields.category).is_some())?;
    check(OptionField::MadeForKids, fields.made_for_kids)?;
    check(
        OptionField::Thumbnail,
        nonempty(&fields.thumbnail).is_some(),
    )?;
    check(OptionField::Disclose, nonempty(&fields.disclose).is_some())?;
    check(
        OptionField::Placement,
        nonempty(&fields.placement).is_some(),
    )?;
    check(
        OptionField::Alt,
        fields.alt.iter().any(|a| !a.trim().is_empty()),
    )?;
    options.category_id = nonempty(&fields.category).map(|s| s.trim().to_string());
    options.made_for_kids = fields.made_for_kids;
    if let Some(path) = nonempty(&fields.thumbnail) {
        let f = MediaFile::inspect(std::path::Path::new(path.trim()), None)
            .map_err(|e| field_error(OptionField::Thumbnail, e))?;
        options.thumbnail = Some(f);
    }
    if let Some(d) = nonempty(&fields.disclose) {
        let (organic, branded) = disclosure(&d).map_err(|e| (OptionField::Disclose, e))?;
        options.brand_organic = organic;
        options.branded_content = branded;
    }
    if let Some(pl) = nonempty(&fields.placement) {
        options.share_to_feed = Some(match pl.trim().to_ascii_lowercase().as_str() {
            "feed" => true,
            "reel" | "reels" => false,
            other => {
                return Err(field_error(
                    OptionField::Placement,
                    format!(
                        "“{}” is neither feed nor reel",
                        other.chars().take(20).collect::<String>()
                    ),
                ));
            }
        });
    }
    v.title = nonempty(&fields.title);
    options.visibility = nonempty(&fields.privacy).map(|s| s.trim().to_ascii_lowercase());
    options.board_id = nonempty(&fields.board).map(|s| s.trim().to_string());
    options.link = nonempty(&fields.link).map(|s| s.trim().to_string());
    v.first_comment = nonempty(&fields.first_comment);
    v.thread_parts = fields.thread.clone();
    v.native_scheduling = fields.native_schedule;
    v.options = serde_json::to_value(&options).map_err(|e| {
        (
            OptionField::TiktokSwitches,
            Error::InvalidInput(format!("options: {e}")),
        )
    })?;
    Ok(v)
}

/// TikTok's disclosure choice (`your-brand`, `branded-content`, `both`) as (brand organic,
/// branded content).
pub fn disclosure(value: &str) -> Result<(bool, bool)> {
    match value.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "your-brand" => Ok((true, false)),
        "branded-content" => Ok((false, true)),
        "both" => Ok((true, true)),
        "" | "none" => Ok((false, false)),
        other => Err(Error::InvalidInput(format!(
            "disclose: “{}” is not one of your-brand, branded-content, both",
            other.chars().take(30).collect::<String>()
        ))),
    }
}

/// TikTok's declaration shown before posting (Content Sharing Guidelines): the Music Usage
/// Confirmation, and the Branded Content Policy when the post is a paid partnership.
pub fn tiktok_declaration(branded_content: bool) -> &'static str {
    if branded_content {
        "By posting, you agree to TikTok's Branded Content Policy and Music Usage Confirmation."
    } else {
        "By posting, you agree to TikTok's Music Usage Confirmation."
    }
}

impl PublishFields {
    /// The media files with their alt texts (`alt` in order; more alt texts than files is an
    /// error naming the field).
    pub fn media_with_alt(&self, files: Vec<std::path::PathBuf>) -> Result<Vec<super::NewMedia>> {
        if self.alt.len() > files.len() {
            return Err(Error::InvalidInput(format!(
                "alt: {} alt texts for {} media files (one per file, in order)",
                self.alt.len(),
                files.len()
            )));
        }
        Ok(files
            .into_iter()
            .enumerate()
            .map(|(i, path)| super::NewMedia {
                path,
                alt: self
                    .alt
                    .get(i)
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty()),
            })
            .collect())
    }
}

/// What Outpost needs to know about a channel's account to check options: TikTok's creator info,
/// Pinterest's boards. Looked up only for a post that is to be published.
#[derive(Debug, Clone, Default)]
pub(crate) struct AccountFacts {
    pub creator: Option<tiktok::CreatorInfo>,
    pub boards: Option<Vec<pinterest::Board>>,
}

/// The static rules of a variant on platform `p`: every field set is one `p` uses, values are
/// among the platform's, required options are present (unless `draft`).
pub(crate) fn check_variant(
    p: Platform,
    v: Option<&TargetVariant>,
    draft: bool,
    facts: &AccountFacts,
) -> std::result::Result<(), (OptionField, Error)> {
    let empty = TargetVariant::default();
    let v = v.unwrap_or(&empty);
    let o = parse_options(&v.options).map_err(|e| (OptionField::TiktokSwitches, e))?;
    let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.trim().is_empty());
    let title = v
        .title
        .clone()
        .or(o.title.clone())
        .filter(|t| !t.trim().is_empty());
    let uses = |f: OptionField| f.platforms().contains(&p);
    let checks = [
        (OptionField::Title, title.is_some()),
        (OptionField::Privacy, set(&o.visibility)),
        (OptionField::Board, set(&o.board_id)),
        (OptionField::Link, set(&o.link)),
        (OptionField::FirstComment, set(&v.first_comment)),
        (OptionField::Thread, !v.thread_parts.is_empty()),
        (OptionField::ContentWarning, set(&o.content_warning)),
        (OptionField::Language, set(&o.language)),
        (OptionField::Tags, !o.tags.is_empty()),
        (OptionField::Thumbnail, o.thumbnail.is_some()),
        (
            OptionField::TiktokSwitches,
            o.disable_comment || o.disable_duet || o.disable_stitch,
        ),
        (OptionField::Category, set(&o.category_id)),
        (OptionField::MadeForKids, o.made_for_kids),
        (OptionField::Disclose, o.brand_organic || o.branded_content),
        (OptionField::Placement, o.share_to_feed.is_some()),
    ];
    for (f, is_set) in checks {
        if is_set && !uses(f) {
            return Err((f, not_used(p, f)));
        }
    }
    if v.native_scheduling && !uses(OptionField::NativeSchedule) {
        return Err((
            OptionField::NativeSchedule,
            not_used(p, OptionField::NativeSchedule),
        ));
    }
    if let Some(vis) = o.visibility.as_deref().filter(|s| !s.trim().is_empty())
        && !privacy_values(p).contains(&vis)
    {
        return Err(field_error(
            OptionField::Privacy,
            format!(
                "{} has no privacy “{}”; use one of: {}",
                p.name(),
                vis.chars().take(40).collect::<String>(),
                privacy_values(p).join(", ")
            ),
        ));
    }
    if let Some(c) = o.category_id.as_deref().filter(|s| !s.trim().is_empty())
        && !YOUTUBE_CATEGORIES.iter().any(|(id, _)| *id == c)
    {
        let known: Vec<String> = YOUTUBE_CATEGORIES
            .iter()
            .map(|(id, name)| format!("{id} {name}"))
            .collect();
        return Err(field_error(
            OptionField::Category,
            format!(
                "YouTube has no category “{}” for videos; use one of: {}",
                c.chars().take(20).collect::<String>(),
                known.join(", ")
            ),
        ));
    }
    if o.branded_content && o.visibility.as_deref() == Some("only_me") {
        return Err(field_error(
            OptionField::Disclose,
            "Branded content visibility cannot be set to private (TikTok); choose who else can see it",
        ));
    }
    if p == Platform::Youtube
        && let Some(t) = &title
        && t.chars().count() > YOUTUBE_TITLE_MAX
    {
        return Err(field_error(
            OptionField::Title,
            format!(
                "a YouTube title has at most {YOUTUBE_TITLE_MAX} characters (this one has {})",
                t.chars().count()
            ),
        ));
    }
    if let Some(l) = o.link.as_deref().filter(|s| !s.trim().is_empty())
        && !(l.starts_with("https://") || l.starts_with("http://"))
    {
        return Err(field_error(
            OptionField::Link,
            "the link must start with http:// or https://",
        ));
    }
    if draft {
        return Ok(());
    }
    match p {
        Platform::Youtube if title.is_none() => Err(field_error(
            OptionField::Title,
            "YouTube needs a title for the video",
        )),
        Platform::Tiktok => {
            let Some(vis) = o.visibility.as_deref().filter(|s| !s.trim().is_empty()) else {
                return Err(field_error(
                    OptionField::Privacy,
                    "TikTok asks you to choose who can see the post (there is no default)",
                ));
            };
            if let Some(info) = &facts.creator {
                let level = tiktok::privacy_level(vis).unwrap_or_default();
                if !info.privacy_level_options.iter().any(|x| x == level) {
                    let offered: Vec<&str> = privacy_values(p)
                        .iter()
                        .copied()
                        .filter(|v| {
                            tiktok::privacy_level(v)
                                .is_some_and(|l| info.privacy_level_options.iter().any(|x| x == l))
                        })
                        .collect();
                    return Err(field_error(
                        OptionField::Privacy,
                        format!(
                            "this TikTok account does not offer “{vis}”; it offers: {}",
                            offered.join(", ")
                        ),
                    ));
                }
                if info.comment_disabled && !o.disable_comment
                    || info.duet_disabled && !o.disable_duet
                    || info.stitch_disabled && !o.disable_stitch
                {
                    // Comments, Duet or Stitch are off in the creator's settings: they stay off
                    // for the post (the switches are greyed in the composer).
                    return Err(field_error(
                        OptionField::TiktokSwitches,
                        "this TikTok account turned comments, Duet or Stitch off in its settings; turn them off for this post",
                    ));
                }
            }
            Ok(())
        }
        Platform::Pinterest => {
            let Some(board) = o.board_id.as_deref().filter(|s| !s.trim().is_empty()) else {
                return Err(field_error(
                    OptionField::Board,
                    "Pinterest saves a Pin to a board: choose one (outpost channels boards <channel-id> lists them)",
                ));
            };
            if let Some(boards) = &facts.boards
                && !boards.iter().any(|b| b.id == board)
            {
                return Err(field_error(
                    OptionField::Board,
                    format!(
                        "this Pinterest account has no board “{}” (it may have been deleted)",
                        board.chars().take(60).collect::<String>()
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A Pinterest board, as the CLI and the composer list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardView {
    pub id: String,
    pub name: String,
    /// `PUBLIC`, `PROTECTED` or `SECRET`.
    pub privacy: Option<String>,
}

/// What TikTok says about the creator now (the composer's TikTok panel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TiktokCreatorView {
    pub nickname: Option<String>,
    pub username: Option<String>,
    /// Outpost's privacy values the creator may use now (`public`, `friends`, …).
    pub privacy_options: Vec<String>,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: u32,
}

impl Outpost {
    async fn platform_of_channel(&self, channel_id: &str) -> Result<Platform> {
        let c = outpost_store::channels::get(self.store().pool(), channel_id).await?;
        Ok(to_platform(c.platform))
    }

    /// The boards of a Pinterest channel's account.
    pub async fn pinterest_boards(&self, channel_id: &str) -> Result<Vec<BoardView>> {
        Ok(self
            .raw_boards(channel_id)
            .await?
            .into_iter()
            .map(|b| BoardView {
                id: b.id,
                name: b.name,
                privacy: b.privacy,
            })
            .collect())
    }

    async fn raw_boards(&self, channel_id: &str) -> Result<Vec<pinterest::Board>> {
        let p = self.platform_of_channel(channel_id).await?;
        if p != Platform::Pinterest {
            return Err(Error::InvalidInput(format!(
                "boards are Pinterest's; this channel is on {}",
                p.name()
            )));
        }
        let (tokens, app, _) = self.publish_context(channel_id).await?;
        Ok(pinterest::boards(self.ctx_for(&app), &tokens).await?)
    }

    async fn raw_creator_info(&self, channel_id: &str) -> Result<tiktok::CreatorInfo> {
        let p = self.platform_of_channel(channel_id).await?;
        if p != Platform::Tiktok {
            return Err(Error::InvalidInput(format!(
                "creator info is TikTok's; this channel is on {}",
                p.name()
            )));
        }
        let (tokens, app, _) = self.publish_context(channel_id).await?;
        Ok(tiktok::creator_info(self.ctx_for(&app), &tokens).await?)
    }

    /// What TikTok says about the creator now: the privacy levels offered, the switches turned off.
    pub async fn tiktok_creator_info(&self, channel_id: &str) -> Result<TiktokCreatorView> {
        let i = self.raw_creator_info(channel_id).await?;
        Ok(TiktokCreatorView {
            nickname: i.nickname,
            username: i.username,
            privacy_options: privacy_values(Platform::Tiktok)
                .iter()
                .filter(|v| {
                    tiktok::privacy_level(v)
                        .is_some_and(|l| i.privacy_level_options.iter().any(|x| x == l))
                })
                .map(|v| (*v).to_string())
                .collect(),
            comment_disabled: i.comment_disabled,
            duet_disabled: i.duet_disabled,
            stitch_disabled: i.stitch_disabled,
            max_video_post_duration_sec: u32::try_from(i.max_video_post_duration_sec)
                .unwrap_or(u32::MAX),
        })
    }

    /// The account facts a post to be published on the channel is checked against.
    pub(crate) async fn account_facts(
        &self,
        p: Platform,
        channel_id: &str,
    ) -> Result<AccountFacts> {
        if self.is_demo_channel(channel_id).await? {
            // A demo channel has no account to ask; its posts are held, never sent.
            return Ok(AccountFacts::default());
        }
        Ok(match p {
            Platform::Tiktok => AccountFacts {
                creator: Some(self.raw_creator_info(channel_id).await?),
                boards: None,
            },
            Platform::Pinterest => AccountFacts {
                creator: None,
                boards: Some(self.raw_boards(channel_id).await?),
            },
            _ => AccountFacts::default(),
        })
    }

    /// One variant per channel carrying `fields` (CLI flags); a field a channel's platform does
    /// not use is refused, naming it. `native`: `--native-schedule` (`Some(true)`),
    /// `--no-native-schedule` (`Some(false)`), or neither (`None`: Settings → Scheduling's default,
    /// on the channels whose platform has a scheduler of its own).
    pub async fn variants_for_fields(
        &self,
        channel_ids: &[String],
        fields: &PublishFields,
        native: Option<bool>,
    ) -> Result<Vec<TargetVariant>> {
        let default = match native {
            Some(_) => false,
            None => self.native_schedule_default().await?,
        };
        let fields = PublishFields {
            native_schedule: native.unwrap_or(false),
            ..fields.clone()
        };
        let mut out = Vec::new();
        for id in channel_ids {
            let c = outpost_store::channels::find(self.store().pool(), id)
                .await?
                .ok_or_else(|| Error::InvalidInput(format!("there is no channel {id}")))?;
            let p = to_platform(c.platform);
            let mut v = variant_for(p, id, &fields)?;
            if default && OptionField::NativeSchedule.platforms().contains(&p) {
                v.native_scheduling = true;
            }
            out.push(v);
        }
        Ok(out)
    }

    /// Settings → Scheduling: whether a new post's "let the platform publish it" switch starts on
    /// (YouTube, Facebook Pages, Mastodon); the CLI follows it when no flag says otherwise.
    pub async fn native_schedule_default(&self) -> Result<bool> {
        Ok(
            outpost_store::settings::get(self.store().pool(), NATIVE_DEFAULT_SETTING)
                .await?
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
        )
    }

    pub async fn set_native_schedule_default(&self, on: bool) -> Result<()> {
        outpost_store::settings::set(
            self.store().pool(),
            NATIVE_DEFAULT_SETTING,
            &serde_json::Value::Bool(on),
            outpost_store::now_ms(),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_field_the_platform_does_not_use_is_refused_by_name() {
        let f = PublishFields {
            board: Some("b1".into()),
            ..Default::default()
        };
        let e = variant_for(Platform::Youtube, "c", &f)
            .unwrap_err()
            .to_string();
        assert!(e.contains("board") && e.contains("YouTube"), "{e}");
        let v = variant_for(Platform::Pinterest, "c", &f).unwrap();
        assert_eq!(
            parse_options(&v.options).unwrap().board_id.as_deref(),
            Some("b1")
        );
        assert!(
            check_variant(Platform::Youtube, Some(&v), true, &AccountFacts::default()).is_err()
        );
    }

    #[test]
    fn new_fields_are_checked_by_name() {
        let facts = AccountFacts::default();
        let yt = |f: PublishFields| variant_for(Platform::Youtube, "c", &f);
        let v = yt(PublishFields {
            category: Some("99".into()),
            ..Default::default()
        })
        .unwrap();
        let e = check_variant(Platform::Youtube, Some(&v), true, &facts)
            .unwrap_err()
            .1;
        assert!(e.to_string().starts_with("category:"), "{e}");
        assert!(
            yt(PublishFields {
                alt: vec!["a cup".into()],
                ..Default::default()
            })
            .unwrap_err()
            .to_string()
            .starts_with("alt:")
        );
        let branded_private = variant_for(
            Platform::Tiktok,
            "c",
            &PublishFields {
                privacy: Some("only_me".into()),
                disclose: Some("branded-content".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let e = check_variant(Platform::Tiktok, Some(&branded_private), true, &facts)
            .unwrap_err()
            .1;
        assert!(e.to_string().contains("cannot be set to private"), "{e}");
        assert_eq!(disclosure("Your_Brand").unwrap(), (true, false));
        assert!(disclosure("ads").is_err());
        assert!(tiktok_declaration(true).contains("Branded Content Policy"));
        let reel = variant_for(
            Platform::Instagram,
            "c",
            &PublishFields {
                placement: Some("reel".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            parse_options(&reel.options).unwrap().share_to_feed,
            Some(false)
        );
        assert!(
            variant_for(
                Platform::Instagram,
                "c",
                &PublishFields {
                    placement: Some("story".into()),
                    ..Default::default()
                }
            )
            .unwrap_err()
            .to_string()
            .starts_with("placement:")
        );
        let two = PublishFields {
            alt: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        assert!(two.media_with_alt(vec!["x.png".into()]).is_err());
        let m = two
            .media_with_alt(vec!["x.png".into(), "y.png".into(), "z.png".into()])
            .unwrap();
        assert_eq!(m[1].alt.as_deref(), Some("b"));
        assert_eq!(m[2].alt, None);
    }

    #[test]
    fn required_options_and_limits() {
        let facts = AccountFacts::default();
        let e = check_variant(Platform::Youtube, None, false, &facts)
            .unwrap_err()
            .1;
        assert!(e.to_string().starts_with("title:"), "{e}");
        assert!(check_variant(Platform::Youtube, None, true, &facts).is_ok());
        let long = variant_for(
            Platform::Youtube,
            "c",
            &PublishFields {
                title: Some("t".repeat(101)),
                ..Default::default()
            },
        )
        .unwrap();
        let e = check_variant(Platform::Youtube, Some(&long), true, &facts)
            .unwrap_err()
            .1;
        assert!(e.to_string().contains("100"), "{e}");
        let e = check_variant(Platform::Tiktok, None, false, &facts)
            .unwrap_err()
            .1;
        assert!(e.to_string().starts_with("privacy:"), "{e}");
        let e = check_variant(Platform::Pinterest, None, false, &facts)
            .unwrap_err()
            .1;
        assert!(e.to_string().starts_with("board:"), "{e}");
        let v = variant_for(
            Platform::Tiktok,
            "c",
            &PublishFields {
                privacy: Some("public".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let only_self = AccountFacts {
            creator: Some(tiktok::CreatorInfo {
                username: None,
                nickname: None,
                avatar_url: None,
                privacy_level_options: vec!["SELF_ONLY".into()],
                comment_disabled: false,
                duet_disabled: false,
                stitch_disabled: false,
                max_video_post_duration_sec: 60,
            }),
            boards: None,
        };
        let e = check_variant(Platform::Tiktok, Some(&v), false, &only_self)
            .unwrap_err()
            .1;
        assert!(e.to_string().contains("only_me"), "{e}");
    }
}

/// A job that needs a decision: held, failed or unconfirmed ("Needs attention").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttentionItem {
    pub post_id: String,
    pub post_text: String,
    pub job_id: String,
    pub channel_id: String,
    pub channel_name: String,
    pub platform: Platform,
    /// `held`, `failed`, `unconfirmed`, or `comment_failed` (published; its first comment did not
    /// go out — retry or dismiss the comment).
    pub state: String,
    /// Why: the hold reason or the last error.
    pub reason: Option<String>,
    /// Unix ms of the last attempt's start, `None` when none was made.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub last_attempt_at: Option<i64>,
    /// Where to check at the platform (the post's URL when known).
    pub check_url: Option<String>,
}

/// A page of "Needs attention" and how many items there are in all (the panel shows a few and
/// "Show all N", then pages through them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AttentionPage {
    pub items: Vec<AttentionItem>,
    /// Every item, not only this page's.
    pub total: u32,
}

impl Outpost {
    /// Every held, failed or unconfirmed job, oldest due first; then every published post whose
    /// first comment failed.
    pub async fn needs_attention(&self) -> Result<Vec<AttentionItem>> {
        Ok(self.attention_items(0, None).await?.0)
    }

    /// `limit` items of [`Outpost::needs_attention`] after skipping `offset`, with the total: the
    /// work does not grow with the number of items (thousands at 100,000 demo posts).
    pub async fn needs_attention_page(&self, offset: u32, limit: u32) -> Result<AttentionPage> {
        let (items, total) = self
            .attention_items(i64::from(offset), Some(i64::from(limit)))
            .await?;
        Ok(AttentionPage {
            items,
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// The items in `[offset, offset + limit)` (all from `offset` with `None`) and the total.
    async fn attention_items(
        &self,
        offset: i64,
        limit: Option<i64>,
    ) -> Result<(Vec<AttentionItem>, i64)> {
        let pool = self.store().pool();
        let channels: std::collections::HashMap<String, outpost_store::channels::Channel> =
            outpost_store::channels::list_all(pool)
                .await?
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect();
        let jobs_total = outpost_store::jobs::attention_count(pool).await?;
        let mut out = Vec::new();
        // One query for every job (one post detail a job took 4-6 s at 5,290 items).
        for job in outpost_store::jobs::attention(pool, offset, limit).await? {
            let Some(c) = channels.get(&job.channel_id) else {
                continue;
            };
            out.push(AttentionItem {
                post_id: job.post_id,
                post_text: job.body.chars().take(140).collect(),
                job_id: job.job_id,
                channel_id: job.channel_id,
                channel_name: crate::posts::channel_label(c),
                platform: crate::channels::to_platform(c.platform),
                state: job.state.as_str().to_string(),
                reason: job.hold_reason.or(job.last_error),
                last_attempt_at: job.last_attempt_at,
                check_url: job.platform_url,
            });
        }
        // Published posts whose first comment did not go out, after the jobs.
        let problems = outpost_store::parts::comment_problems(pool).await?;
        let total = jobs_total + problems.len() as i64;
        let skip = usize::try_from(offset - jobs_total).unwrap_or(0);
        let room = limit.map_or(usize::MAX, |l| {
            usize::try_from(l).unwrap_or(0).saturating_sub(out.len())
        });
        for problem in problems.into_iter().skip(skip).take(room) {
            let detail = self.post_detail(&problem.post_id).await?;
            let Some(t) = detail
                .targets
                .iter()
                .find(|t| t.job.as_ref().is_some_and(|j| j.id == problem.job_id))
            else {
                continue;
            };
            out.push(AttentionItem {
                post_id: detail.post.id.clone(),
                post_text: detail.post.text.chars().take(140).collect(),
                job_id: problem.job_id.clone(),
                channel_id: t.channel_id.clone(),
                channel_name: t.channel_name.clone(),
                platform: t.platform,
                state: crate::scheduler::COMMENT_FAILED.to_string(),
                reason: t.comment_problem.clone(),
                last_attempt_at: Some(problem.started_at),
                check_url: t.job.as_ref().and_then(|j| j.platform_url.clone()),
            });
        }
        Ok((out, total))
    }
}
