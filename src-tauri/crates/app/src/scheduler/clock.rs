//! Time for the scheduler, injected so tests never sleep.
//!
//! [`SystemClock`] reads the wall clock and sleeps with tokio. Tokio's timers run on the monotonic
//! clock, which stops while the computer is suspended, so one long sleep would wake late after a
//! resume; a sleep therefore re-reads the wall clock at most every [`MAX_NAP`] while something is
//! pending. With nothing scheduled the scheduler waits on its wake-up signal alone: no timer at all.
//! [`ManualClock`] is moved by the test; sleepers wake when it passes their time.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// The longest single timer while a post is pending (see the module docs).
pub const MAX_NAP: Duration = Duration::from_secs(300);

pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The scheduler's source of time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now, unix milliseconds.
    fn now_ms(&self) -> i64;
    /// Completes once `now_ms() >= at_ms`.
    fn sleep_until(&self, at_ms: i64) -> Sleep;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        outpost_store::now_ms()
    }

    fn sleep_until(&self, at_ms: i64) -> Sleep {
        Box::pin(async move {
            loop {
                let left = at_ms - outpost_store::now_ms();
                if left <= 0 {
                    return;
                }
                let nap = Duration::from_millis(u64::try_from(left).unwrap_or(0)).min(MAX_NAP);
                tokio::time::sleep(nap).await;
            }
        })
    }
}

/// A clock that only moves when told to (tests and benchmarks).
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<i64>>,
}

impl ManualClock {
    pub fn new(start_ms: i64) -> Self {
        ManualClock {
            now: Arc::new(watch::Sender::new(start_ms)),
        }
    }

    /// Moves the clock to `ms` (never backwards) and wakes the sleepers that are due.
    pub fn set(&self, ms: i64) {
        self.now.send_if_modified(|now| {
            if ms > *now {
                *now = ms;
                true
            } else {
                false
            }
        });
    }

    pub fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.set(self.now_ms().saturating_add(ms));
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        *self.now.borrow()
    }

    fn sleep_until(&self, at_ms: i64) -> Sleep {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            // An error means the clock was dropped: nothing will ever be due, so sleep forever.
            if rx.wait_for(|now| *now >= at_ms).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
    }
}

/// Runs `pass` now and then every `period_ms` (by `clock`) until `stop` turns true: the periodic
/// reads beside the scheduler (inbox, metrics). `name` is for the log.
pub async fn every<F, Fut>(
    name: &str,
    clock: Arc<dyn Clock>,
    mut stop: watch::Receiver<bool>,
    period_ms: i64,
    mut pass: F,
) where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = ()>,
{
    tracing::info!("{name} started");
    loop {
        if *stop.borrow() {
            break;
        }
        pass(clock.now_ms()).await;
        let at = clock.now_ms() + period_ms;
        tokio::select! {
            () = clock.sleep_until(at) => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    tracing::info!("{name} stopped");
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_sleepers_wake_when_the_clock_passes_them() {
        let c = ManualClock::new(1_000);
        let s = c.sleep_until(5_000);
        let h = tokio::spawn(s);
        c.advance(Duration::from_millis(3_000));
        tokio::task::yield_now().await;
        assert!(!h.is_finished());
        c.set(5_000);
        h.await.unwrap();
        c.set(10); // never backwards
        assert_eq!(c.now_ms(), 5_000);
    }
}
