//! What a desktop front-end needs around the scheduler, without depending on one: a host that runs
//! the [`Scheduler`](crate::scheduler::Scheduler) while it holds the data directory's lock (and
//! waits politely while `outpost run` holds it), the desktop preferences (notifications, close to
//! tray), and the short texts of notifications and the tray menu.

mod host;
pub mod texts;

use serde::{Deserialize, Serialize};

pub use host::{HostConfig, HostState, SchedulerHost};

use crate::{Error, Outpost, Result};

/// Setting: show OS notifications for published / failed / unconfirmed / held posts.
pub const NOTIFICATIONS_SETTING: &str = "desktop.notifications";
/// Setting: show an OS notification when a background inbox sync brings new items.
pub const INBOX_NOTIFICATIONS_SETTING: &str = "desktop.inbox_notifications";
/// Setting: closing the window keeps Outpost publishing in the tray.
pub const CLOSE_TO_TRAY_SETTING: &str = "desktop.close_to_tray";
/// Setting: the user was told once that closing the window keeps Outpost running.
pub const TRAY_EXPLAINED_SETTING: &str = "desktop.close_to_tray_explained";
/// The longest grace period for posts missed while Outpost was off (7 days).
pub const MAX_GRACE_MINUTES: i64 = 7 * 24 * 60;

/// The desktop app's own preferences (all on by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DesktopPrefs {
    pub notifications: bool,
    pub close_to_tray: bool,
    /// A notification when the inbox's background sync brings new comments, mentions or messages.
    #[serde(default = "yes")]
    pub inbox_notifications: bool,
}

fn yes() -> bool {
    true
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        DesktopPrefs {
            notifications: true,
            close_to_tray: true,
            inbox_notifications: true,
        }
    }
}

/// Checks a grace period typed by the user: whole minutes from 0 to 7 days.
pub fn check_grace_minutes(minutes: i64) -> Result<u32> {
    if minutes < 0 {
        return Err(Error::InvalidInput(
            "the grace period cannot be negative (0 holds every missed post)".into(),
        ));
    }
    if minutes > MAX_GRACE_MINUTES {
        return Err(Error::InvalidInput(format!(
            "the grace period can be at most 7 days ({MAX_GRACE_MINUTES} minutes)"
        )));
    }
    u32::try_from(minutes).map_err(|_| Error::InvalidInput("the grace period is too long".into()))
}

/// Every IANA time zone Outpost knows, sorted (for a searchable picker).
pub fn time_zones() -> Vec<String> {
    let mut zones: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name().to_string())
        .collect();
    zones.sort();
    zones
}

async fn bool_setting(o: &Outpost, key: &str, default: bool) -> Result<bool> {
    Ok(outpost_store::settings::get(o.store().pool(), key)
        .await?
        .and_then(|v| v.as_bool())
        .unwrap_or(default))
}

async fn set_bool_setting(o: &Outpost, key: &str, value: bool) -> Result<()> {
    outpost_store::settings::set(
        o.store().pool(),
        key,
        &serde_json::Value::Bool(value),
        outpost_store::now_ms(),
    )
    .await?;
    Ok(())
}

impl Outpost {
    pub async fn desktop_prefs(&self) -> Result<DesktopPrefs> {
        let d = DesktopPrefs::default();
        Ok(DesktopPrefs {
            notifications: bool_setting(self, NOTIFICATIONS_SETTING, d.notifications).await?,
            close_to_tray: bool_setting(self, CLOSE_TO_TRAY_SETTING, d.close_to_tray).await?,
            inbox_notifications: bool_setting(
                self,
                INBOX_NOTIFICATIONS_SETTING,
                d.inbox_notifications,
            )
            .await?,
        })
    }

    pub async fn set_desktop_prefs(&self, prefs: DesktopPrefs) -> Result<DesktopPrefs> {
        set_bool_setting(self, NOTIFICATIONS_SETTING, prefs.notifications).await?;
        set_bool_setting(self, CLOSE_TO_TRAY_SETTING, prefs.close_to_tray).await?;
        set_bool_setting(self, INBOX_NOTIFICATIONS_SETTING, prefs.inbox_notifications).await?;
        self.desktop_prefs().await
    }

    /// True the first time it is called for a profile (then never again): whether to explain that
    /// closing the window keeps Outpost publishing in the tray.
    pub async fn take_tray_explanation(&self) -> Result<bool> {
        if bool_setting(self, TRAY_EXPLAINED_SETTING, false).await? {
            return Ok(false);
        }
        set_bool_setting(self, TRAY_EXPLAINED_SETTING, true).await?;
        Ok(true)
    }

    /// What a notification about a job change should say, looked up from the post and channel;
    /// `None` for states nobody needs to be told about.
    pub async fn job_notice(
        &self,
        post_id: &str,
        channel_id: &str,
        state: &str,
        message: Option<&str>,
    ) -> Result<Option<texts::Notice>> {
        let kind = match texts::NoticeKind::from_state(state) {
            Some(k) => k,
            None => return Ok(None),
        };
        let row =
            outpost_store::posts::notice_parts(self.store().pool(), post_id, channel_id).await?;
        let Some((body, platform, channel)) = row else {
            return Ok(None);
        };
        let platform = outpost_platforms::Platform::from_id(&platform)
            .map(|p| p.name().to_string())
            .unwrap_or(platform);
        Ok(Some(texts::job_notice(
            kind,
            &texts::JobContext {
                platform: &platform,
                channel: &channel,
                text: &body,
            },
            message,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_minutes_are_whole_minutes_up_to_a_week() {
        assert_eq!(check_grace_minutes(0).ok(), Some(0));
        assert_eq!(check_grace_minutes(30).ok(), Some(30));
        assert_eq!(check_grace_minutes(10_080).ok(), Some(10_080));
        let too_long = check_grace_minutes(10_081).map_err(|e| e.to_string());
        assert!(matches!(too_long, Err(m) if m.contains("at most 7 days")));
        let negative = check_grace_minutes(-1).map_err(|e| e.to_string());
        assert!(matches!(negative, Err(m) if m.contains("cannot be negative")));
    }

    #[test]
    fn time_zones_are_sorted_and_include_the_usual_ones() {
        let z = time_zones();
        assert!(z.len() > 300);
        assert!(z.windows(2).all(|w| w[0] <= w[1]));
        for name in ["Europe/Berlin", "America/New_York", "UTC", "Asia/Tokyo"] {
            assert!(z.iter().any(|x| x == name), "{name}");
        }
    }
}
