//! The composer's side of posts: one input shape for creating and editing (media from the library
//! by id), editing a post that has not gone out, the live per-channel preview (counts, limits and
//! violations from the same platform limits data the publishers use), the composer as it was last
//! typed (autosave), and undo for deletes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use outpost_platforms::Platform;
use outpost_platforms::publish::MediaFile;
use outpost_platforms::publish::limits::Counting;
use outpost_platforms::publisher;
use outpost_store::jobs::{self, PublishJob, attempts};
use outpost_store::media::post_media;
use outpost_store::posts::{self, targets};
use outpost_store::{ChannelStatus, JobState, channels, new_id, now_ms};
use serde::{Deserialize, Serialize};

use super::{FieldError, PostDetail, PostField, TargetVariant, channel_label, platform_post};
use crate::channels::to_platform;
use crate::scheduler::time;
use crate::{Error, Outpost, Result};

/// The largest text the composer accepts, in UTF-8 bytes (Facebook's 63,206 characters fit; a
/// pasted book does not).
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Setting: the composer as it was last typed.
pub const AUTOSAVE_SETTING: &str = "composer.autosave";
/// How long a deleted post can be restored.
pub const UNDO_WINDOW: Duration = Duration::from_secs(120);

/// An attachment from the media library, in the order given, with its alt text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComposeMedia {
    pub media_id: String,
    pub alt: Option<String>,
}

/// What the composer creates or saves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComposeInput {
    pub text: String,
    pub channels: Vec<String>,
    pub media: Vec<ComposeMedia>,
    /// RFC 3339, or a local date-time in `time_zone`; `None`: now (or no time for a draft).
    pub at: Option<String>,
    /// IANA zone; `None`: the creator's zone from Settings.
    pub time_zone: Option<String>,
    pub draft: bool,
    pub variants: Vec<TargetVariant>,
}

/// A post as the composer edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComposerPost {
    pub detail: PostDetail,
    pub input: ComposeInput,
    pub media: Vec<super::MediaItem>,
    /// False once any channel is publishing or published: the post can no longer change.
    pub editable: bool,
}

/// One part's length as the platform counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartCount {
    /// `post`, `thread` (a reply in a thread) or `first_comment`.
    pub kind: String,
    pub count: u32,
    pub max: u32,
}

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RuleViolation {
    pub part: u32,
    pub rule: String,
    pub message: String,
}

/// The live preview of a post on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelPreview {
    pub channel_id: String,
    pub platform: Platform,
    pub display_name: String,
    pub handle: String,
    pub avatar_url: Option<String>,
    /// `weighted` (X: twitter-text, URLs 23, CJK/emoji 2), `graphemes` (Bluesky) or `chars`.
    pub counting: String,
    /// One sentence for the counter's tooltip.
    pub counting_rule: String,
    /// The text this channel publishes (its caption, or the base text).
    pub text: String,
    pub title: Option<String>,
    pub max_title: Option<u32>,
    pub max_images: u32,
    pub threads: bool,
    pub first_comment: bool,
    pub requires_video: bool,
    pub parts: Vec<PartCount>,
    pub violations: Vec<RuleViolation>,
}

/// The composer as it was last typed, kept so a crash never loses it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComposerDraft {
    /// The post being edited; `None` for a new post.
    pub post_id: Option<String>,
    pub input: ComposeInput,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub saved_at: i64,
}

/// A deleted post that can still be restored (`restore_post` with `undo_token`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeletedPost {
    pub post_id: String,
    pub undo_token: String,
    /// Seconds the undo stays possible.
    pub undo_seconds: u32,
}

/// Everything a deleted post was, for undo (kept in memory only, for [`UNDO_WINDOW`]).
#[derive(Debug, Clone)]
struct Snapshot {
    post: posts::Post,
    targets: Vec<targets::PostTarget>,
    media: Vec<post_media::PostMedia>,
    jobs: Vec<PublishJob>,
    attempts: Vec<attempts::PublishAttempt>,
    tags: Vec<String>,
}

/// Recently deleted posts.
#[derive(Debug, Default)]
pub(crate) struct Trash {
    items: Mutex<HashMap<String, (Instant, Snapshot)>>,
}

/// Channels and time checked against every rule, before anything is written.
pub(super) struct Plan {
    pub(super) zone_name: String,
    pub(super) when: Option<(i64, String)>,
    pub(super) chans: Vec<channels::Channel>,
}

/// A post is editable while none of its channels is publishing or published.
fn editable(detail: &PostDetail) -> bool {
    !detail.targets.iter().any(|t| {
        t.job
            .as_ref()
            .is_some_and(|j| matches!(j.state.as_str(), "publishing" | "published"))
    })
}

pub(crate) fn check_text_size(text: &str, variants: &[TargetVariant]) -> Result<()> {
    let total = text.len()
        + variants
            .iter()
            .map(|v| {
                v.caption.as_deref().map_or(0, str::len)
                    + v.first_comment.as_deref().map_or(0, str::len)
                    + v.thread_parts.iter().map(String::len).sum::<usize>()
            })
            .sum::<usize>();
    if total > MAX_TEXT_BYTES {
        return Err(Error::InvalidInput(format!(
            "the text is {} KB; a post can be at most {} KB",
            total / 1024,
            MAX_TEXT_BYTES / 1024
        )));
    }
    Ok(())
}

fn counting_rule(c: Counting, max: usize) -> (String, String) {
    match c {
        Counting::Weighted => (
            "weighted".into(),
            format!(
                "X counts {max} weighted characters: every link 23, most emoji and CJK characters 2"
            ),
        ),
        Counting::Graphemes => (
            "graphemes".into(),
            format!("Bluesky counts {max} graphemes (an emoji with modifiers is 1)"),
        ),
        Counting::Chars => ("chars".into(), format!("{max} characters")),
        Counting::Utf16 => (
            "utf16".into(),
            format!("{max} characters (an emoji counts 2)"),
        ),
        Counting::EmojiBytes => (
            "emoji_bytes".into(),
            format!("Threads counts {max} characters; an emoji counts as its UTF-8 bytes (most 4)"),
        ),
    }
}

impl Outpost {
    /// Checks channels, options, platform rules and the time; nothing is written. The one place
    /// the rules of a new or edited post live (the composer, `create_post` and the CSV import all
    /// come here); the error names the field that broke a rule.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn plan(
        &self,
        text: &str,
        channel_ids: &[String],
        at: Option<&str>,
        time_zone: Option<&str>,
        draft: bool,
        variants: &[TargetVariant],
        files: &[MediaFile],
    ) -> std::result::Result<Plan, FieldError> {
        use PostField::*;
        let invalid = |field: PostField, m: String| FieldError::new(field, Error::InvalidInput(m));
        if channel_ids.is_empty() {
            return Err(invalid(Channels, "choose at least one channel".into()));
        }
        check_text_size(text, variants).map_err(|e| FieldError::new(Content, e))?;
        let mut seen = std::collections::HashSet::new();
        for c in channel_ids {
            if !seen.insert(c) {
                return Err(invalid(Channels, "a channel is listed twice".into()));
            }
        }
        let zone_name = match time_zone {
            Some(z) => z.to_string(),
            None => self
                .time_zone()
                .await
                .map_err(|e| FieldError::new(Time, e))?,
        };
        let tz = time::zone(&zone_name).map_err(|e| FieldError::new(Time, e))?;
        let now = now_ms();
        let when = match at {
            None if draft => None,
            None => Some((now, time::local_of(now, tz))),
            Some(input) => {
                let (ms, local) =
                    time::parse_when(input, tz).map_err(|e| FieldError::new(Time, e))?;
                if ms < now - super::PAST_TOLERANCE_MS && !draft {
                    return Err(invalid(
                        Time,
                        format!(
                            "{} has already passed; choose a later time or publish now",
                            local.replace('T', " ")
                        ),
                    ));
                }
                Some((ms.max(now), local))
            }
        };
        let mut chans = Vec::new();
        for id in channel_ids {
            let c = channels::find(self.store().pool(), id)
                .await
                .map_err(|e| FieldError::new(Channels, e.into()))?
                .ok_or_else(|| invalid(Channels, format!("there is no channel {id}")))?;
            let p = to_platform(c.platform);
            if c.status != ChannelStatus::Connected && !draft {
                return Err(invalid(
                    Channels,
                    format!(
                        "{} on {} needs to be reconnected before posts can be scheduled on it{}",
                        channel_label(&c),
                        p.name(),
                        c.status_reason
                            .as_deref()
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    ),
                ));
            }
            let pubr = publisher(p).ok_or_else(|| {
                invalid(
                    Channels,
                    format!("Outpost cannot publish on {} yet", p.name()),
                )
            })?;
            let limits = pubr.limits();
            let variant = variants.iter().find(|v| v.channel_id == c.id);
            let facts = if draft {
                super::options::AccountFacts::default()
            } else {
                self.account_facts(p, &c.id)
                    .await
                    .map_err(|e| FieldError::new(Options, e))?
            };
            super::options::check_variant(p, variant, draft, &facts).map_err(|(f, e)| {
                invalid(
                    PlatformOption(f),
                    format!("{} ({}): {e}", p.name(), channel_label(&c)),
                )
            })?;
            let preview = platform_post(text, variant, files, "preview");
            if let Some(info) = &facts.creator
                && let Some(v) =
                    outpost_platforms::tiktok::publish::check_against_creator(&preview, info)
                        .first()
            {
                // What the creator may post now (the longest video, …), before anything is stored.
                return Err(invalid(
                    Content,
                    format!("{} ({}): {}", p.name(), channel_label(&c), v.message),
                ));
            }
            if !draft && let Some(v) = pubr.validate(&preview, &limits).first() {
                return Err(invalid(
                    Content,
                    format!("{} ({}): {}", p.name(), channel_label(&c), v.message),
                ));
            }
            if variant.is_some_and(|v| v.native_scheduling) && !pubr.native_scheduling() {
                return Err(invalid(
                    Options,
                    format!(
                        "{} has no scheduler of its own to hand this post to",
                        p.name()
                    ),
                ));
            }
            chans.push(c);
        }
        Ok(Plan {
            zone_name,
            when,
            chans,
        })
    }

    /// Writes a planned post: the post row (inserted, or updated when `existing`), its media in
    /// order, and one target (and job, when scheduled) per channel. One transaction.
    async fn write_post(
        &self,
        existing: Option<&posts::Post>,
        plan: &Plan,
        text: &str,
        variants: &[TargetVariant],
        media_ids: &[String],
    ) -> Result<String> {
        let now = now_ms();
        let when = &plan.when;
        let mut tx = self.store().begin().await?;
        let mut post = existing.cloned().unwrap_or_else(|| posts::Post {
            id: new_id(),
            created_at: now,
            ..Default::default()
        });
        post.body = text.to_string();
        post.status = if when.is_some() {
            outpost_store::PostStatus::Scheduled
        } else {
            outpost_store::PostStatus::Draft
        };
        post.scheduled_at = when.as_ref().map(|w| w.0);
        post.time_zone = when.as_ref().map(|_| plan.zone_name.clone());
        post.local_time = when.as_ref().map(|w| w.1.clone());
        post.updated_at = now;
        if existing.is_some() {
            // Targets (with their jobs and attempts) and attachments are replaced as a whole.
            post_media::delete_for_post(&mut *tx, &post.id).await?;
            targets::delete_for_post(&mut *tx, &post.id).await?;
            posts::update(&mut *tx, &post).await?;
        } else {
            posts::insert(&mut *tx, &post).await?;
        }
        for (i, media_id) in media_ids.iter().enumerate() {
            post_media::insert(
                &mut *tx,
                &post_media::PostMedia {
                    id: new_id(),
                    post_id: post.id.clone(),
                    target_id: None,
                    media_id: media_id.clone(),
                    position: i64::try_from(i).unwrap_or(0),
                    created_at: now,
                },
            )
            .await?;
        }
        for c in &plan.chans {
            let v = variants.iter().find(|v| v.channel_id == c.id);
            let target = targets::PostTarget {
                id: new_id(),
                post_id: post.id.clone(),
                channel_id: c.id.clone(),
                caption: v.and_then(|v| v.caption.clone()).filter(|s| !s.is_empty()),
                title: v.and_then(|v| v.title.clone()).filter(|s| !s.is_empty()),
                thumbnail_media_id: None,
                first_comment: v
                    .and_then(|v| v.first_comment.clone())
                    .filter(|s| !s.is_empty()),
                thread_parts: outpost_store::json(serde_json::json!(
                    v.map(|v| v.thread_parts.clone()).unwrap_or_default()
                )),
                options: outpost_store::json(
                    v.map(|v| v.options.clone())
                        .filter(|o| o.is_object())
                        .unwrap_or_else(|| serde_json::json!({})),
                ),
                native_scheduling: v.is_some_and(|v| v.native_scheduling),
                created_at: now,
                updated_at: now,
            };
            targets::insert(&mut *tx, &target).await?;
            if let Some((due, _)) = when {
                // A post handed to the platform's scheduler is handed over at once.
                let due = if target.native_scheduling
                    && *due - now > crate::scheduler::NATIVE_MIN_LEAD_MS
                {
                    now
                } else {
                    *due
                };
                jobs::insert(
                    &mut *tx,
                    &PublishJob {
                        id: new_id(),
                        post_target_id: target.id.clone(),
                        state: JobState::Scheduled,
                        due_at: due,
                        created_at: now,
                        updated_at: now,
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.scheduler_changed();
        Ok(post.id)
    }

    /// Creates a post from files on disk (the CLI): every rule checked before anything is stored.
    pub(crate) async fn create_from_files(&self, new: super::NewPost) -> Result<PostDetail> {
        let mut files = Vec::new();
        for m in &new.media {
            files.push(MediaFile::inspect(&m.path, m.alt.clone())?);
        }
        let plan = self
            .plan(
                &new.text,
                &new.channels,
                new.at.as_deref(),
                new.time_zone.as_deref(),
                new.draft,
                &new.variants,
                &files,
            )
            .await?;
        let assets = self.import_media(&files).await?;
        let id = self
            .write_post(None, &plan, &new.text, &new.variants, &assets)
            .await?;
        self.post_detail(&id).await
    }

    /// The library files of the composer's attachments, with their alt text saved on the item.
    async fn compose_files(&self, media: &[ComposeMedia]) -> Result<Vec<MediaFile>> {
        let mut files = Vec::new();
        for m in media {
            let mut f = self.media_file(&m.media_id).await?;
            let alt = m
                .alt
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string);
            f.alt = alt;
            files.push(f);
        }
        Ok(files)
    }

    /// The composer picks a custom thumbnail (YouTube) or cover (Pinterest video) from the media
    /// library as `thumbnail_media_id`; the options carry the file itself for publishing.
    async fn resolve_thumbnails(&self, variants: &mut [TargetVariant]) -> Result<()> {
        for v in variants {
            let Some(o) = v.options.as_object_mut() else {
                continue;
            };
            let Some(id) = o
                .get("thumbnail_media_id")
                .and_then(|x| x.as_str())
                .map(str::to_string)
            else {
                continue;
            };
            let file = self.media_file(&id).await?;
            let value = serde_json::to_value(file)
                .map_err(|e| Error::InvalidInput(format!("thumbnail: {e}")))?;
            o.insert("thumbnail".into(), value);
        }
        Ok(())
    }

    async fn save_alt_texts(&self, media: &[ComposeMedia]) -> Result<()> {
        for m in media {
            outpost_store::media::set_alt_text(
                self.store().pool(),
                &m.media_id,
                m.alt.as_deref().map(str::trim).unwrap_or(""),
                now_ms(),
            )
            .await?;
        }
        Ok(())
    }

    /// Creates a post from the composer (media already in the library).
    pub async fn compose_create(&self, input: ComposeInput) -> Result<PostDetail> {
        self.save_composed(None, input).await
    }

    /// Replaces a draft's or scheduled post's text, variants, channels, media and time, checked by
    /// the same rules as a new post. A post publishing or published on any channel cannot change.
    pub async fn update_post(&self, id: &str, input: ComposeInput) -> Result<PostDetail> {
        let existing =
            posts::find(self.store().pool(), id)
                .await?
                .ok_or_else(|| Error::NotFound {
                    what: format!("post {id}"),
                })?;
        let detail = self.post_detail(id).await?;
        if !editable(&detail) {
            return Err(Error::InvalidInput(
                "this post is being published or already went out; it can no longer be edited"
                    .into(),
            ));
        }
        self.save_composed(Some((&existing, &detail)), input).await
    }

    /// Checks the composer's post against every rule, then writes it (new, or over `existing`).
    async fn save_composed(
        &self,
        existing: Option<(&posts::Post, &PostDetail)>,
        mut input: ComposeInput,
    ) -> Result<PostDetail> {
        self.resolve_thumbnails(&mut input.variants).await?;
        let files = self.compose_files(&input.media).await?;
        let plan = self
            .plan(
                &input.text,
                &input.channels,
                input.at.as_deref(),
                input.time_zone.as_deref(),
                input.draft,
                &input.variants,
                &files,
            )
            .await?;
        if !input.draft {
            self.check_approval_gate(existing.map(|(p, _)| p.id.as_str()), &input)
                .await?;
        }
        if let Some((_, detail)) = existing {
            self.cancel_native_copies(detail).await?;
        }
        self.save_alt_texts(&input.media).await?;
        let ids: Vec<String> = input.media.iter().map(|m| m.media_id.clone()).collect();
        let id = self
            .write_post(
                existing.map(|(p, _)| p),
                &plan,
                &input.text,
                &input.variants,
                &ids,
            )
            .await?;
        self.post_detail(&id).await
    }

    /// A post as the composer opens it.
    pub async fn composer_post(&self, id: &str) -> Result<ComposerPost> {
        let detail = self.post_detail(id).await?;
        let pool = self.store().pool();
        let mut media = Vec::new();
        let mut refs = Vec::new();
        for pm in post_media::list_for_post(pool, id).await? {
            if pm.target_id.is_some() {
                continue;
            }
            let item = self.media_item(&pm.media_id).await?;
            refs.push(ComposeMedia {
                media_id: item.id.clone(),
                alt: Some(item.alt.clone()).filter(|a| !a.is_empty()),
            });
            media.push(item);
        }
        let mut variants = Vec::new();
        for t in targets::list_for_post(pool, id).await? {
            variants.push(TargetVariant::from_target(&t));
        }
        let p = &detail.post;
        let input = ComposeInput {
            text: p.text.clone(),
            channels: variants.iter().map(|v| v.channel_id.clone()).collect(),
            media: refs,
            at: p.local_time.clone(),
            time_zone: p.time_zone.clone(),
            draft: p.status == "draft",
            variants,
        };
        Ok(ComposerPost {
            editable: editable(&detail),
            detail,
            input,
            media,
        })
    }

    /// What each channel would publish: counts as the platform counts, the limits and every
    /// rule broken (the composer's live counters; the same checks scheduling runs).
    pub async fn preview_post(&self, input: &ComposeInput) -> Result<Vec<ChannelPreview>> {
        check_text_size(&input.text, &input.variants)?;
        let files = self.compose_files(&input.media).await?;
        let mut out = Vec::new();
        for id in &input.channels {
            let Some(c) = channels::find(self.store().pool(), id).await? else {
                continue;
            };
            let p = to_platform(c.platform);
            let Some(pubr) = publisher(p) else { continue };
            let limits = pubr.limits();
            let variant = input.variants.iter().find(|v| v.channel_id == c.id);
            let post = platform_post(&input.text, variant, &files, "preview");
            let mut violations: Vec<RuleViolation> = pubr
                .validate(&post, &limits)
                .into_iter()
                .map(|v| RuleViolation {
                    part: u32::try_from(v.part).unwrap_or(0),
                    rule: v.rule,
                    message: v.message,
                })
                .collect();
            if c.status != ChannelStatus::Connected {
                violations.push(RuleViolation {
                    part: 0,
                    rule: "reconnect_needed".into(),
                    message: format!(
                        "{} needs to be reconnected before it can post",
                        channel_label(&c)
                    ),
                });
            }
            let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            // On a platform with threads the first comment is the last part: a reply published
            // right after the post (and its thread), counted like any post.
            let reply_comment = limits.threads
                && variant
                    .and_then(|v| v.first_comment.as_deref())
                    .is_some_and(|c| !c.is_empty());
            let last = post.parts.len().saturating_sub(1);
            let parts = post
                .parts
                .iter()
                .enumerate()
                .map(|(i, part)| {
                    let comment = i > 0
                        && ((limits.first_comment && !limits.threads && i == 1)
                            || (reply_comment && i == last));
                    PartCount {
                        kind: if i == 0 {
                            "post"
                        } else if comment {
                            "first_comment"
                        } else {
                            "thread"
                        }
                        .into(),
                        count: as_u32(limits.count(&part.text)),
                        max: as_u32(if comment && !limits.threads {
                            outpost_platforms::publish::limits::FIRST_COMMENT_MAX
                        } else {
                            limits.max_text
                        }),
                    }
                })
                .collect();
            let (counting, counting_rule) = counting_rule(limits.counting, limits.max_text);
            out.push(ChannelPreview {
                channel_id: c.id.clone(),
                platform: p,
                display_name: c.display_name.clone(),
                handle: c.handle.clone(),
                avatar_url: c.avatar_url.clone(),
                counting,
                counting_rule,
                text: post
                    .parts
                    .first()
                    .map(|p| p.text.clone())
                    .unwrap_or_default(),
                title: post.options.title.clone(),
                max_title: limits.max_title.map(as_u32),
                max_images: as_u32(limits.max_images),
                threads: limits.threads,
                first_comment: limits.first_comment,
                requires_video: limits.requires_video,
                parts,
                violations,
            });
        }
        Ok(out)
    }

    /// Keeps the composer as it is typed (one slot; the next save replaces it).
    pub async fn composer_autosave(&self, draft: &ComposerDraft) -> Result<()> {
        check_text_size(&draft.input.text, &draft.input.variants)?;
        let mut d = draft.clone();
        d.saved_at = now_ms();
        let value = serde_json::to_value(&d)
            .map_err(|e| Error::InvalidInput(format!("the draft cannot be saved: {e}")))?;
        outpost_store::settings::set(self.store().pool(), AUTOSAVE_SETTING, &value, now_ms())
            .await?;
        Ok(())
    }

    /// The composer as it was last typed, if it was not sent or discarded.
    pub async fn composer_autosaved(&self) -> Result<Option<ComposerDraft>> {
        let v = outpost_store::settings::get(self.store().pool(), AUTOSAVE_SETTING).await?;
        Ok(v.and_then(|v| serde_json::from_value(v).ok()))
    }

    pub async fn composer_discard_autosave(&self) -> Result<()> {
        match outpost_store::settings::delete(self.store().pool(), AUTOSAVE_SETTING).await {
            Ok(()) | Err(outpost_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a post, keeping what it was in memory for [`UNDO_WINDOW`] so
    /// [`Outpost::restore_post`] can bring it back.
    pub async fn delete_post_with_undo(&self, id: &str) -> Result<DeletedPost> {
        let pool = self.store().pool();
        let post = posts::get(pool, id).await?;
        let ts = targets::list_for_post(pool, id).await?;
        let mut js = Vec::new();
        let mut atts = Vec::new();
        for t in &ts {
            if let Some(j) = jobs::find_by_target(pool, &t.id).await? {
                atts.extend(attempts::list_for_job(pool, &j.id).await?);
                js.push(j);
            }
        }
        let snapshot = Snapshot {
            media: post_media::list_for_post(pool, id).await?,
            tags: outpost_store::tags::for_post(pool, id)
                .await?
                .into_iter()
                .map(|t| t.id)
                .collect(),
            post,
            targets: ts,
            jobs: js,
            attempts: atts,
        };
        self.delete_post(id).await?;
        let token = new_id();
        let trash = self.trash();
        let mut items = trash.items.lock().unwrap_or_else(|p| p.into_inner());
        items.retain(|_, (at, _)| at.elapsed() < UNDO_WINDOW);
        items.insert(token.clone(), (Instant::now(), snapshot));
        Ok(DeletedPost {
            post_id: id.to_string(),
            undo_token: token,
            undo_seconds: u32::try_from(UNDO_WINDOW.as_secs()).unwrap_or(120),
        })
    }

    /// Brings a deleted post back exactly as it was (a natively scheduled copy, cancelled on
    /// delete, is handed over again by the scheduler).
    pub async fn restore_post(&self, undo_token: &str) -> Result<PostDetail> {
        let snap = {
            let trash = self.trash();
            let mut items = trash.items.lock().unwrap_or_else(|p| p.into_inner());
            match items.remove(undo_token) {
                Some((at, s)) if at.elapsed() < UNDO_WINDOW => s,
                _ => {
                    return Err(Error::InvalidInput(
                        "that delete can no longer be undone".into(),
                    ));
                }
            }
        };
        let mut tx = self.store().begin().await?;
        posts::insert(&mut *tx, &snap.post).await?;
        for t in &snap.targets {
            targets::insert(&mut *tx, t).await?;
        }
        for m in &snap.media {
            // An attachment whose library item was removed meanwhile stays removed.
            post_media::insert_if_media_exists(&mut *tx, m).await?;
        }
        for j in &snap.jobs {
            let mut j = j.clone();
            if j.state == JobState::Scheduled {
                j.native_schedule_id = None;
            }
            jobs::insert(&mut *tx, &j).await?;
        }
        for a in &snap.attempts {
            attempts::insert(&mut *tx, a).await?;
        }
        for tag in &snap.tags {
            outpost_store::tags::tag_post_if_tag_exists(&mut *tx, &snap.post.id, tag).await?;
        }
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.scheduler_changed();
        self.post_detail(&snap.post.id).await
    }
}
