//! Shared by the store's benchmarks.

use std::time::{Duration, Instant};

/// The median time of `runs` calls of `f`, with the row count of the last.
pub async fn median<F, Fut>(runs: usize, mut f: F) -> (Duration, usize)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for _ in 0..runs {
        let start = Instant::now();
        rows = f().await;
        times.push(start.elapsed());
    }
    times.sort();
    (times[times.len() / 2], rows)
}
