//! Runs the scheduler for a desktop app: it takes the data directory's [`SchedulerLock`] and runs
//! the same [`Scheduler`] as `outpost run`. While another process (`outpost run`) holds the lock,
//! it publishes nothing, says so, and tries again every `retry_lock_every` (a sleeping timer, never
//! a busy loop). Stopping lets posts in flight finish, within a bounded wait.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::scheduler::{Clock, Scheduler, SchedulerConfig, SchedulerLock, SystemClock};
use crate::{Error, Outpost};

/// What the host is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HostState {
    /// Not running yet.
    Starting,
    /// This process owns the lock and runs the scheduler (publishing may still be paused).
    Running,
    /// Another Outpost process holds the lock; retried periodically.
    Elsewhere { owner: String },
    /// The scheduler stopped with an error; retried periodically.
    Failed { message: String },
    /// Stopped for good (the app is quitting).
    Stopped,
}

/// How the host behaves.
#[derive(Debug, Clone)]
pub struct HostConfig {
    pub scheduler: SchedulerConfig,
    /// How often to try the lock again while another process holds it (or after an error).
    pub retry_lock_every: Duration,
    /// How long [`SchedulerHost::stop`] waits for posts in flight.
    pub stop_timeout: Duration,
}

impl HostConfig {
    /// The desktop app's defaults: the system clock, a retry every 30 s, 30 s for posts in flight.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        HostConfig {
            scheduler: SchedulerConfig::new(clock),
            retry_lock_every: Duration::from_secs(30),
            stop_timeout: Duration::from_secs(30),
        }
    }
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig::new(Arc::new(SystemClock))
    }
}

/// A running host; [`SchedulerHost::stop`] ends it.
#[derive(Debug)]
pub struct SchedulerHost {
    state: watch::Receiver<HostState>,
    stop: watch::Sender<bool>,
    task: Mutex<Option<JoinHandle<()>>>,
    stop_timeout: Duration,
}

impl SchedulerHost {
    /// Starts the host on `runtime`.
    pub fn start(
        outpost: Outpost,
        cfg: HostConfig,
        runtime: &tokio::runtime::Handle,
    ) -> SchedulerHost {
        let (state_tx, state_rx) = watch::channel(HostState::Starting);
        let (stop_tx, stop_rx) = watch::channel(false);
        let stop_timeout = cfg.stop_timeout;
        let task = runtime.spawn(run(outpost, cfg, state_tx, stop_rx));
        SchedulerHost {
            state: state_rx,
            stop: stop_tx,
            task: Mutex::new(Some(task)),
            stop_timeout,
        }
    }

    pub fn state(&self) -> HostState {
        self.state.borrow().clone()
    }

    /// Changes of [`HostState`], for the tray and the window.
    pub fn subscribe(&self) -> watch::Receiver<HostState> {
        self.state.clone()
    }

    /// Stops publishing: posts in flight finish (waiting at most the configured time), the lock
    /// is released. Returns false when the wait ran out (the next start reconciles those posts).
    pub async fn stop(&self) -> bool {
        let _ = self.stop.send(true);
        let task = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        let Some(task) = task else {
            return true;
        };
        match tokio::time::timeout(self.stop_timeout, task).await {
            Ok(_) => true,
            Err(_) => {
                tracing::warn!(
                    waited_s = self.stop_timeout.as_secs(),
                    "posts still in flight at quit; they are reconciled at the next start"
                );
                false
            }
        }
    }
}

async fn run(
    outpost: Outpost,
    cfg: HostConfig,
    state: watch::Sender<HostState>,
    mut stop: watch::Receiver<bool>,
) {
    let mut announced_elsewhere = false;
    loop {
        if *stop.borrow() {
            break;
        }
        match SchedulerLock::acquire(outpost.paths()) {
            Ok(lock) => {
                announced_elsewhere = false;
                tracing::info!("this app now publishes from the data directory");
                let _ = state.send(HostState::Running);
                let scheduler = Scheduler::new(outpost.clone(), cfg.scheduler.clone());
                let result = scheduler.run(stop.clone()).await;
                drop(lock);
                match result {
                    Ok(()) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "the scheduler stopped with an error");
                        let _ = state.send(HostState::Failed {
                            message: e.to_string(),
                        });
                    }
                }
            }
            Err(Error::SchedulerBusy(owner)) => {
                if !announced_elsewhere {
                    tracing::info!(%owner, "another process publishes; retrying the lock periodically");
                    announced_elsewhere = true;
                }
                let _ = state.send(HostState::Elsewhere { owner });
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot take the scheduler lock");
                let _ = state.send(HostState::Failed {
                    message: e.to_string(),
                });
            }
        }
        tokio::select! {
            () = tokio::time::sleep(cfg.retry_lock_every) => {}
            changed = stop.changed() => {
                // The host was dropped without `stop`: nobody can stop us later, so stop now.
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    let _ = state.send(HostState::Stopped);
}
