//! Posts as the scheduler and the front-ends see them: creating a post for one or more channels
//! (every rule checked before anything is stored), its per-channel publish jobs, its history
//! (every state change and attempt), rescheduling, cancelling and deleting, and what to do about a
//! post whose outcome is unknown.

mod calendar;
mod compose;
mod library;
mod marks;
mod media;
mod options;
mod picked;
mod types;

use outpost_platforms::publish::{MediaFile, Post as PlatformPost, PostOptions, PostPart};
use outpost_store::jobs::{self, PublishJob, attempts};
use outpost_store::media::post_media;
use outpost_store::posts::{self, targets};
use outpost_store::{JobState, PostStatus, channels, new_id, now_ms};

pub use calendar::*;
pub use compose::*;
pub use library::*;
pub(crate) use marks::job_states;
pub use marks::status_mark;
pub use options::*;
pub use picked::{PickedFile, PickedFiles};
pub use types::*;

pub(crate) use compose::Trash;

use crate::channels::to_platform;
use crate::scheduler::time;
use crate::{Error, Outpost, Result};

/// A post may be scheduled at most this far in the past and still count as "now" (clock skew,
/// typing time); earlier is refused.
const PAST_TOLERANCE_MS: i64 = 60_000;
/// Setting: the creator's IANA time zone.
pub const TIME_ZONE_SETTING: &str = "scheduler.time_zone";

impl Outpost {
    /// The creator's time zone (Settings; the computer's zone until set).
    pub async fn time_zone(&self) -> Result<String> {
        match outpost_store::settings::get(self.store().pool(), TIME_ZONE_SETTING).await? {
            Some(serde_json::Value::String(z)) if time::zone(&z).is_ok() => Ok(z),
            _ => Ok(time::system_zone()),
        }
    }

    pub async fn set_time_zone(&self, zone: &str) -> Result<()> {
        time::zone(zone)?;
        outpost_store::settings::set(
            self.store().pool(),
            TIME_ZONE_SETTING,
            &serde_json::Value::String(zone.to_string()),
            now_ms(),
        )
        .await?;
        Ok(())
    }

    /// Creates a post with one target and one publish job per channel. Every channel must be
    /// connected, every file readable and within each platform's rules, the time valid and not
    /// past — or nothing is created and the error says which rule failed.
    pub async fn create_post(&self, new: NewPost) -> Result<PostDetail> {
        self.create_from_files(new).await
    }

    /// Checks every rule [`Outpost::create_post`] checks (the composer's [`Outpost::plan`]),
    /// writing nothing; the files are inspected first. The error names the field that broke a rule.
    pub(crate) async fn prepare_post(
        &self,
        new: &NewPost,
    ) -> std::result::Result<PreparedPost, FieldError> {
        let mut files = Vec::new();
        for m in &new.media {
            files.push(
                MediaFile::inspect(&m.path, m.alt.clone())
                    .map_err(|e| FieldError::new(PostField::Media, e.into()))?,
            );
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
        if !new.draft
            && outpost_store::approvals::any_channel_requires(self.store().pool(), &new.channels)
                .await
                .map_err(|e| FieldError::new(PostField::Channels, e.into()))?
        {
            return Err(FieldError::new(
                PostField::Channels,
                Error::InvalidInput(
                    "a channel of this post requires the client's approval first: create it as a draft, send it for approval, and schedule it once approved".into(),
                ),
            ));
        }
        Ok(PreparedPost {
            new: new.clone(),
            zone_name: plan.zone_name,
            when: plan.when,
            files,
            channels: plan.chans,
            now: now_ms(),
        })
    }

    /// A post with its targets, their jobs and every attempt.
    pub async fn post_detail(&self, id: &str) -> Result<PostDetail> {
        let pool = self.store().pool();
        let post = posts::find(pool, id)
            .await?
            .ok_or_else(|| Error::NotFound {
                what: format!("post {id}"),
            })?;
        let mut out = Vec::new();
        for t in targets::list_for_post(pool, id).await? {
            let c = channels::get(pool, &t.channel_id).await?;
            let job = jobs::find_by_target(pool, &t.id).await?;
            let (attempts, parts) = match &job {
                Some(j) => (
                    attempts::list_for_job(pool, &j.id).await?,
                    outpost_store::parts::list_for_job(pool, &j.id).await?,
                ),
                None => (vec![], vec![]),
            };
            let comment_problem = comment_problem(job.as_ref(), &parts);
            out.push(TargetDetail {
                target_id: t.id.clone(),
                channel_id: c.id.clone(),
                platform: to_platform(c.platform),
                channel_name: channel_label(&c),
                native_scheduling: t.native_scheduling,
                job: job.map(JobView::from),
                attempts: attempts.into_iter().map(AttemptView::from).collect(),
                parts: parts.into_iter().map(PartView::from).collect(),
                comment_problem,
            });
        }
        let media = post_media::list_for_post(pool, id).await?.len();
        Ok(PostDetail {
            post: PostView::from(post),
            media_count: u32::try_from(media).unwrap_or(u32::MAX),
            targets: out,
        })
    }

    /// Posts, newest change first.
    pub async fn list_posts(&self, limit: i64, offset: i64) -> Result<Vec<PostSummary>> {
        let pool = self.store().pool();
        let page = posts::list_page(pool, limit, offset).await?;
        let mut out = Vec::with_capacity(page.len());
        for p in page {
            let ts = targets::list_for_post(pool, &p.id).await?;
            let mut states = Vec::new();
            for t in &ts {
                if let Some(j) = jobs::find_by_target(pool, &t.id).await? {
                    states.push(j.state.as_str().to_string());
                }
            }
            out.push(PostSummary {
                channel_ids: ts.iter().map(|t| t.channel_id.clone()).collect(),
                job_states: states,
                post: PostView::from(p),
            });
        }
        Ok(out)
    }

    /// Deletes a post and its history. A post being published right now cannot be deleted (its
    /// outcome would be lost); natively scheduled copies are cancelled on the platform first.
    pub async fn delete_post(&self, id: &str) -> Result<()> {
        let detail = self.post_detail(id).await?;
        if detail
            .targets
            .iter()
            .any(|t| t.job.as_ref().is_some_and(|j| j.state == "publishing"))
        {
            return Err(Error::InvalidInput(
                "this post is being published right now; wait a moment and try again".into(),
            ));
        }
        self.cancel_native_copies(&detail).await?;
        posts::delete(self.store().pool(), id).await?;
        self.scheduler_changed();
        Ok(())
    }

    /// Moves a post to another time (every job that has not gone out yet follows).
    pub async fn reschedule_post(
        &self,
        id: &str,
        at: &str,
        zone: Option<&str>,
    ) -> Result<PostDetail> {
        let zone_name = match zone {
            Some(z) => z.to_string(),
            None => self.time_zone().await?,
        };
        let tz = time::zone(&zone_name)?;
        let (ms, local) = time::parse_when(at, tz)?;
        let now = now_ms();
        if ms < now - PAST_TOLERANCE_MS {
            return Err(Error::InvalidInput(format!(
                "{} has already passed; choose a later time",
                local.replace('T', " ")
            )));
        }
        let detail = self.post_detail(id).await?;
        if detail.targets.iter().any(|t| {
            t.job
                .as_ref()
                .is_some_and(|j| matches!(j.state.as_str(), "publishing" | "published"))
        }) {
            return Err(Error::InvalidInput(
                "this post is being published or already went out; it cannot be moved".into(),
            ));
        }
        self.reschedule_native_copies(&detail, ms).await?;
        let mut tx = self.store().begin().await?;
        posts::reschedule(&mut *tx, id, Some(ms), Some(&zone_name), Some(&local), now).await?;
        outpost_store::jobs::reschedule_open_for_post(&mut *tx, id, ms, now).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.scheduler_changed();
        self.post_detail(id).await
    }

    /// Cancels every job of a post that has not gone out (the post stays, as a draft).
    pub async fn cancel_post(&self, id: &str) -> Result<PostDetail> {
        let detail = self.post_detail(id).await?;
        self.cancel_native_copies(&detail).await?;
        let now = now_ms();
        let mut tx = self.store().begin().await?;
        outpost_store::jobs::cancel_open_for_post(&mut *tx, id, now).await?;
        tx.commit().await.map_err(outpost_store::Error::from)?;
        self.refresh_post_status(id).await?;
        self.scheduler_changed();
        self.post_detail(id).await
    }

    /// What the user decided about a held, failed or unconfirmed job.
    pub async fn resolve_job(&self, job_id: &str, action: JobAction) -> Result<PostDetail> {
        let pool = self.store().pool();
        let job = jobs::get(pool, job_id).await?;
        let target = targets::get(pool, &job.post_target_id).await?;
        let now = now_ms();
        match (action, job.state) {
            (
                JobAction::PublishNow,
                JobState::Held | JobState::Failed | JobState::Unconfirmed | JobState::Cancelled,
            ) => {
                jobs::set_state(pool, job_id, JobState::Scheduled, now, None, None, now).await?;
            }
            (
                JobAction::MarkPublished { url },
                JobState::Unconfirmed | JobState::Failed | JobState::Held,
            ) => {
                if let Some(u) = url.as_deref().map(str::trim).filter(|u| !u.is_empty())
                    && !url::Url::parse(u).is_ok_and(|p| matches!(p.scheme(), "http" | "https"))
                {
                    return Err(Error::InvalidInput(format!(
                        "url: {u:?} is not a web address (https://…) where the post is live"
                    )));
                }
                jobs::mark_published(pool, job_id, "", url.as_deref(), now).await?;
            }
            (
                JobAction::Cancel,
                JobState::Held | JobState::Failed | JobState::Unconfirmed | JobState::Scheduled,
            ) => {
                jobs::set_state(
                    pool,
                    job_id,
                    JobState::Cancelled,
                    job.due_at,
                    None,
                    None,
                    now,
                )
                .await?;
            }
            (JobAction::RetryComment, JobState::Published) => {
                self.retry_first_comment(&job).await?;
            }
            (JobAction::DismissComment, JobState::Published) => {
                if !outpost_store::parts::dismiss(pool, job_id, 1).await? {
                    return Err(Error::InvalidInput(
                        "this post has no failed first comment on that channel".into(),
                    ));
                }
            }
            (_, state) => {
                return Err(Error::InvalidInput(format!(
                    "this post is {} on that channel; that action does not apply",
                    state.as_str()
                )));
            }
        }
        self.refresh_post_status(&target.post_id).await?;
        self.scheduler_changed();
        self.post_detail(&target.post_id).await
    }

    /// Posts the first comment of a published post again, once: the failed comment is claimed
    /// (two retries at once never both send), the post itself is never sent again.
    async fn retry_first_comment(&self, job: &PublishJob) -> Result<()> {
        let pool = self.store().pool();
        let now = now_ms();
        // A try left `sending` by a crash may be retried after a while (the user checked first).
        let stale = now - 10 * 60_000;
        if !outpost_store::parts::claim_retry(pool, &job.id, 1, now, stale).await? {
            return Err(Error::InvalidInput(
                "this post has no failed first comment on that channel (or it is being posted right now)"
                    .into(),
            ));
        }
        let (channel_id, post) = self.platform_post_for(job).await?;
        let platform = self.channel_platform(&channel_id).await?;
        let log = crate::scheduler::JobParts::load(pool, &job.id, platform).await?;
        match self
            .publish_attempt(&channel_id, &post, &log, &|_, _| {})
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => {
                let why = if e.reached_platform {
                    format!(
                        "Outpost cannot tell whether the first comment went out ({}). Check the post, then retry or dismiss the comment.",
                        e.error
                    )
                } else {
                    format!("The first comment was not posted: {}", e.error)
                };
                outpost_store::parts::mark_failed(pool, &job.id, 1, "comment", &why, now_ms())
                    .await?;
                Err(e.error)
            }
        }
    }

    /// Recomputes a post's overall status from its jobs.
    pub(crate) async fn refresh_post_status(&self, post_id: &str) -> Result<()> {
        let mut conn = self
            .store()
            .pool()
            .acquire()
            .await
            .map_err(outpost_store::Error::from)?;
        refresh_post_status_in(&mut conn, post_id).await
    }

    /// What a job publishes: the platform post built from its target, post and media.
    pub(crate) async fn platform_post_for(
        &self,
        job: &PublishJob,
    ) -> Result<(String, PlatformPost)> {
        let pool = self.store().pool();
        let target = targets::get(pool, &job.post_target_id).await?;
        if self.is_demo_channel(&target.channel_id).await? {
            return Err(Error::InvalidInput(
                "Demo channel: posts of the demo workspace are never published. Connect a real channel to publish."
                    .into(),
            ));
        }
        let post = posts::get(pool, &target.post_id).await?;
        let mut files = Vec::new();
        for pm in post_media::list_for_post(pool, &post.id).await? {
            if pm.target_id.as_deref().is_some_and(|t| t != target.id) {
                continue;
            }
            files.push(self.media_file(&pm.media_id).await?);
        }
        let variant = TargetVariant::from_target(&target);
        let mut out = platform_post(&post.body, Some(&variant), &files, &target.id);
        // Hand the post to the platform's scheduler only when it is due comfortably later
        // (platforms refuse times a few minutes ahead); otherwise it is published at its time.
        if let Some(at) = post.scheduled_at.filter(|at| {
            target.native_scheduling
                && job.native_schedule_id.is_none()
                && *at - now_ms() > crate::scheduler::NATIVE_MIN_LEAD_MS
        }) {
            out.options.publish_at = Some(at / 1000);
        }
        Ok((target.channel_id, out))
    }

    async fn cancel_native_copies(&self, detail: &PostDetail) -> Result<()> {
        for t in &detail.targets {
            if let Some(j) = &t.job
                && j.native_schedule_id.is_some()
                && j.state == "scheduled"
            {
                self.cancel_native(&j.id).await?;
            }
        }
        Ok(())
    }

    async fn reschedule_native_copies(&self, detail: &PostDetail, at_ms: i64) -> Result<()> {
        for t in &detail.targets {
            if let Some(j) = &t.job
                && j.native_schedule_id.is_some()
                && j.state == "scheduled"
            {
                self.reschedule_native(&j.id, at_ms).await?;
            }
        }
        Ok(())
    }
}

/// Recomputes a post's overall status from its jobs on `conn` — inside the transaction that changed
/// a job, so a crash can never leave the post's status behind its jobs' states.
pub(crate) async fn refresh_post_status_in(
    conn: &mut outpost_store::SqliteConnection,
    post_id: &str,
) -> Result<()> {
    let states: Vec<JobState> = outpost_store::jobs::states_for_post(&mut *conn, post_id).await?;
    posts::set_status(&mut *conn, post_id, aggregate(&states), now_ms()).await?;
    Ok(())
}

/// Writes a checked post (see [`Outpost::prepare_post`]) in the caller's transaction: the post, its
/// media links, one target and one publish job per channel. Returns the new post's id.
pub(crate) async fn write_post(
    tx: &mut outpost_store::Transaction<'static, outpost_store::Sqlite>,
    prepared: &PreparedPost,
    assets: &[String],
) -> Result<String> {
    let mut batch = posts::PostBatch::default();
    let id = stage_post(&mut batch, prepared, assets);
    batch.write(tx).await?;
    Ok(id)
}

/// Adds the rows of a checked post to `batch` (see [`write_post`]; an import writes many posts
/// in one batch). Returns the new post's id.
pub(crate) fn stage_post(
    batch: &mut posts::PostBatch,
    prepared: &PreparedPost,
    assets: &[String],
) -> String {
    let PreparedPost {
        new,
        zone_name,
        when,
        channels: chans,
        now,
        ..
    } = prepared;
    let now = *now;
    let post = posts::Post {
        id: new_id(),
        body: new.text.clone(),
        status: if when.is_some() {
            PostStatus::Scheduled
        } else {
            PostStatus::Draft
        },
        scheduled_at: when.as_ref().map(|w| w.0),
        time_zone: when.as_ref().map(|_| zone_name.clone()),
        local_time: when.as_ref().map(|w| w.1.clone()),
        created_at: now,
        updated_at: now,
        ..Default::default()
    };
    for (i, asset) in assets.iter().enumerate() {
        batch.media.push(post_media::PostMedia {
            id: new_id(),
            post_id: post.id.clone(),
            target_id: None,
            media_id: asset.clone(),
            position: i64::try_from(i).unwrap_or(0),
            created_at: now,
        });
    }
    for c in chans {
        let v = new.variants.iter().find(|v| v.channel_id == c.id);
        let target = targets::PostTarget {
            id: new_id(),
            post_id: post.id.clone(),
            channel_id: c.id.clone(),
            caption: v.and_then(|v| v.caption.clone()),
            title: v.and_then(|v| v.title.clone()),
            thumbnail_media_id: None,
            first_comment: v.and_then(|v| v.first_comment.clone()),
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
        if let Some((due, _)) = &when {
            // A post handed to the platform's scheduler is handed over at once.
            let due =
                if target.native_scheduling && *due - now > crate::scheduler::NATIVE_MIN_LEAD_MS {
                    now
                } else {
                    *due
                };
            batch.jobs.push(PublishJob {
                id: new_id(),
                post_target_id: target.id.clone(),
                state: JobState::Scheduled,
                due_at: due,
                created_at: now,
                updated_at: now,
                ..Default::default()
            });
        }
        batch.targets.push(target);
    }
    let id = post.id.clone();
    batch.posts.push(post);
    id
}

/// "published; first comment failed": the comment's reason while it waits for the user.
fn comment_problem(
    job: Option<&PublishJob>,
    parts: &[outpost_store::parts::PublishPart],
) -> Option<String> {
    job.filter(|j| j.state == JobState::Published)?;
    parts
        .iter()
        .find(|p| p.kind == "comment" && matches!(p.state.as_str(), "failed" | "sending"))
        .map(|p| {
            p.error.clone().unwrap_or_else(|| {
                "Outpost cannot tell whether the first comment went out. Check the post, then retry or dismiss the comment.".into()
            })
        })
}

/// The post's status from its jobs' states.
pub fn aggregate(states: &[JobState]) -> PostStatus {
    use JobState::*;
    let live: Vec<&JobState> = states.iter().filter(|s| **s != Cancelled).collect();
    if live.is_empty() {
        return PostStatus::Draft;
    }
    let count = |f: &dyn Fn(&JobState) -> bool| live.iter().filter(|s| f(s)).count();
    let published = count(&|s| *s == Published);
    let publishing = count(&|s| *s == Publishing);
    let failed = count(&|s| matches!(s, Failed | Unconfirmed));
    if published == live.len() {
        PostStatus::Published
    } else if publishing > 0 {
        PostStatus::Publishing
    } else if failed > 0 && failed + published == live.len() {
        if published > 0 {
            PostStatus::PartiallyPublished
        } else {
            PostStatus::Failed
        }
    } else {
        PostStatus::Scheduled
    }
}

pub(crate) fn channel_label(c: &channels::Channel) -> String {
    if c.handle.is_empty() {
        c.display_name.clone()
    } else {
        c.handle.clone()
    }
}

/// The platform post for a target: its caption (or the base text) with the media, then thread
/// parts, then the first comment where the platform publishes one as a second part.
fn platform_post(
    base: &str,
    v: Option<&TargetVariant>,
    files: &[MediaFile],
    key: &str,
) -> PlatformPost {
    let text = v
        .and_then(|v| v.caption.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| base.to_string());
    let mut parts = vec![PostPart {
        text,
        media: files.to_vec(),
    }];
    if let Some(v) = v {
        for t in &v.thread_parts {
            parts.push(PostPart {
                text: t.clone(),
                media: vec![],
            });
        }
        if let Some(c) = v.first_comment.as_ref().filter(|c| !c.is_empty()) {
            parts.push(PostPart {
                text: c.clone(),
                media: vec![],
            });
        }
    }
    let mut options: PostOptions = v
        .and_then(|v| options::parse_options(&v.options).ok())
        .unwrap_or_default();
    if let Some(title) = v.and_then(|v| v.title.clone()) {
        options.title = Some(title);
    }
    PlatformPost {
        key: key.to_string(),
        parts,
        options,
    }
}
