//! Channels: developer apps, sign-in through the system browser, the token lifecycle and
//! disconnecting. The platform protocol work is in `outpost-platforms`; this module decides where
//! tokens are sealed, which channel they belong to, and what the user is told.

mod apps;
mod browser;
mod connect;
mod publish;
mod quota;
mod revoke;
mod tokens;
pub mod types;

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex};

pub use browser::{Browser, SystemBrowser};
pub use connect::Surface;
pub use revoke::PlatformRevoker;
pub use tokens::RefreshOutcome;
pub use types::*;

use outpost_platforms::Platform as P;
use outpost_store::channels::Channel;

/// The sealed-secret purpose of a channel's token set.
pub const TOKENS_PURPOSE: &str = "tokens";
/// The sealed-secret purpose of a developer app's client secret.
pub const CLIENT_SECRET_PURPOSE: &str = "client_secret";

/// Something changed about channels (connected, refreshed into "reconnect needed", disconnected).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelEvent {
    pub channel_ids: Vec<String>,
    /// `connected`, `reconnect_needed`, `refreshed`, `disconnected`.
    pub reason: String,
    /// For `reconnect_needed`: what to tell the user (e.g. for an OS notification).
    pub message: Option<String>,
}

/// Runtime state of the channels service, owned by [`crate::Outpost`].
#[derive(Debug)]
pub(crate) struct ChannelsState {
    pub flows: StdMutex<HashMap<String, connect::Flow>>,
    /// One lock per channel: at most one refresh in flight (refresh tokens rotate).
    pub refresh_locks: StdMutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// When each channel's token was last refreshed (unix ms): the floor between refreshes.
    pub last_refresh: StdMutex<HashMap<String, i64>>,
    pub events: tokio::sync::broadcast::Sender<ChannelEvent>,
    pub browser: Arc<dyn Browser>,
    pub endpoints: outpost_platforms::Endpoints,
    /// First back-off delay of refresh retries (doubles per attempt).
    pub retry_base: std::time::Duration,
    /// Wakes the background refresher when channels change.
    pub refresher_wake: tokio::sync::Notify,
}

impl ChannelsState {
    pub fn new(
        browser: Arc<dyn Browser>,
        endpoints: outpost_platforms::Endpoints,
        retry_base: std::time::Duration,
    ) -> Self {
        ChannelsState {
            flows: StdMutex::new(HashMap::new()),
            refresh_locks: StdMutex::new(HashMap::new()),
            last_refresh: StdMutex::new(HashMap::new()),
            events: tokio::sync::broadcast::channel(64).0,
            browser,
            endpoints,
            retry_base,
            refresher_wake: tokio::sync::Notify::new(),
        }
    }
}

pub(crate) fn to_platform(p: outpost_store::Platform) -> P {
    P::from_id(p.as_str()).unwrap_or(P::X)
}

pub(crate) fn to_store_platform(p: P) -> outpost_store::Platform {
    p.id().parse().unwrap_or_default()
}

/// The UI's view of a stored channel.
pub(crate) fn view(c: &Channel) -> ChannelView {
    ChannelView {
        id: c.id.clone(),
        platform: to_platform(c.platform),
        platform_name: to_platform(c.platform).name().to_string(),
        instance_url: c.instance_url.clone(),
        platform_account_id: c.platform_account_id.clone(),
        kind: c.kind.as_str().to_string(),
        display_name: c.display_name.clone(),
        handle: c.handle.clone(),
        avatar_url: c.avatar_url.clone(),
        scopes: outpost_platforms::tokens::split_scopes(&c.scopes),
        status: c.status.as_str().to_string(),
        status_reason: c.status_reason.clone(),
        token_expires_at: c.token_expires_at,
        connected_at: c.created_at,
        updated_at: c.updated_at,
    }
}

impl crate::Outpost {
    /// Every channel, connected or not, in the order they were added.
    pub async fn channels(&self) -> crate::Result<Vec<ChannelView>> {
        let rows = outpost_store::channels::list_all(self.store().pool()).await?;
        Ok(rows.iter().map(view).collect())
    }

    /// Subscribes to channel events (the shell forwards them to the UI and OS notifications).
    pub fn channel_events(&self) -> tokio::sync::broadcast::Receiver<ChannelEvent> {
        self.channels_state().events.subscribe()
    }

    pub(crate) fn emit_channel_event(
        &self,
        ids: Vec<String>,
        reason: &str,
        message: Option<String>,
    ) {
        let _ = self.channels_state().events.send(ChannelEvent {
            channel_ids: ids,
            reason: reason.to_string(),
            message,
        });
        self.channels_state().refresher_wake.notify_one();
    }
}

/// How a channel is named to the user: its display name, else its handle.
pub(crate) fn shown_name(c: &Channel) -> String {
    if c.display_name.is_empty() {
        c.handle.clone()
    } else {
        c.display_name.clone()
    }
}

/// Why a periodic read (`capability`: the inbox, metrics) skips a channel, as an outcome and a
/// sentence: `not_built` (`what`: "read the X inbox" → "Outpost does not read the X inbox yet."),
/// `not_offered` (the platform's reason) or `skipped` (the channel needs reconnecting). `None`:
/// read it.
pub(crate) fn read_gate(
    c: &Channel,
    capability: outpost_platforms::Capability,
    what: &str,
) -> Option<(&'static str, String)> {
    use outpost_platforms::Support;
    match outpost_platforms::support(to_platform(c.platform), capability) {
        Support::NotBuiltYet => Some(("not_built", format!("Outpost does not {what} yet."))),
        Support::NotOffered { why } => Some(("not_offered", format!("{why}."))),
        Support::Available if c.status != outpost_store::ChannelStatus::Connected => {
            Some(("skipped", "The channel needs reconnecting.".into()))
        }
        Support::Available => None,
    }
}

impl crate::Outpost {
    /// The channels a sync covers: the one asked for (it must exist), or every channel not
    /// disconnected.
    pub(crate) async fn channels_to_read(
        &self,
        channel_id: Option<&str>,
    ) -> crate::Result<Vec<Channel>> {
        let pool = self.store().pool();
        Ok(match channel_id {
            Some(id) => vec![outpost_store::channels::get(pool, id).await?],
            // Every connected channel with a sign-in on this device, but the demo workspace's:
            // they have no account to read. A background read never decides that a channel needs
            // reconnecting (publishing does, when a post is due).
            None => {
                let demo = self.demo_channel_ids().await?;
                let mut out = Vec::new();
                for c in outpost_store::channels::list_all(pool).await? {
                    if c.status != outpost_store::ChannelStatus::Disconnected
                        && !demo.contains(&c.id)
                        && self.channel_tokens(&c.id).await.ok().flatten().is_some()
                    {
                        out.push(c);
                    }
                }
                out
            }
        })
    }
}
