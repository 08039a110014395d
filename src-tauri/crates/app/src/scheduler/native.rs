//! Native scheduling handoff: the platform holds the post (Facebook Pages, YouTube, Mastodon), so it
//! goes out with the laptop closed; moving or cancelling the post in Outpost moves or cancels it there.

use outpost_platforms::publish::Published;
use outpost_platforms::publisher;
use outpost_store::jobs;

use super::engine::NATIVE_CONFIRM_MS;
use crate::{Error, Outpost, Result};

impl Outpost {
    async fn native_parts(
        &self,
        job_id: &str,
    ) -> Result<(
        jobs::PublishJob,
        String,
        Published,
        &'static dyn outpost_platforms::publish::Publisher,
    )> {
        let job = jobs::get(self.store().pool(), job_id).await?;
        let id = job.native_schedule_id.clone().ok_or_else(|| {
            Error::InvalidInput("this post is not held by the platform's scheduler".into())
        })?;
        let target =
            outpost_store::posts::targets::get(self.store().pool(), &job.post_target_id).await?;
        let p = self.channel_platform(&target.channel_id).await?;
        let pubr = publisher(p).ok_or(outpost_platforms::Error::Unsupported {
            platform: p,
            what: "publishing yet",
        })?;
        let scheduled = Published {
            id,
            url: job.platform_url.clone(),
            thread: vec![],
        };
        Ok((job, target.channel_id, scheduled, pubr))
    }

    /// Cancels the platform-side copy, then the job.
    pub(crate) async fn cancel_native(&self, job_id: &str) -> Result<()> {
        let (job, channel_id, scheduled, pubr) = self.native_parts(job_id).await?;
        let (tokens, app, _) = self.publish_context(&channel_id).await?;
        pubr.cancel_native(self.ctx_for(&app), &tokens, &scheduled)
            .await?;
        let now = outpost_store::now_ms();
        jobs::set_state(
            self.store().pool(),
            &job.id,
            outpost_store::JobState::Cancelled,
            job.due_at,
            None,
            None,
            now,
        )
        .await?;
        outpost_store::jobs::clear_native_schedule(self.store().pool(), &job.id).await?;
        Ok(())
    }

    /// Moves the platform-side copy to `at_ms`; the job is confirmed after the new time.
    pub(crate) async fn reschedule_native(&self, job_id: &str, at_ms: i64) -> Result<()> {
        let (job, channel_id, scheduled, pubr) = self.native_parts(job_id).await?;
        let (tokens, app, _) = self.publish_context(&channel_id).await?;
        pubr.reschedule_native(self.ctx_for(&app), &tokens, &scheduled, at_ms / 1000)
            .await?;
        outpost_store::jobs::set_due(
            self.store().pool(),
            &job.id,
            at_ms + NATIVE_CONFIRM_MS,
            outpost_store::now_ms(),
        )
        .await?;
        Ok(())
    }
}
