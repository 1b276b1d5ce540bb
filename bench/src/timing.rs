//! The measuring engine: every contender of a row runs on the same data in the same process,
//! interleaved in round-robin batches, so drift of the machine (frequency, page cache, other
//! load) hits all contenders alike instead of whichever happened to run last.

use std::future::Future;
use std::ops::Range;
use std::pin::Pin;
use std::time::Instant;

/// Rounds and ops per batch of one row.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Timed rounds; one extra untimed round runs first to warm caches and lazy state.
    pub rounds: usize,
    /// Operations per contender per round.
    pub batch: usize,
}

impl Plan {
    /// How many distinct op indices a row hands out, warm-up round included. Rows that need a
    /// fresh key per op (writes) prepare this many keys up front, outside the timed loop.
    pub fn indices(self) -> usize {
        (self.rounds + 1) * self.batch
    }

    /// The op indices of `round`: disjoint across rounds, so a write never reuses a key.
    fn range(self, round: usize) -> Range<usize> {
        round * self.batch..(round + 1) * self.batch
    }
}

/// Untimed work after a contender's batch, e.g. deleting the files a write batch created so
/// every batch starts from the same state.
pub type SyncAfter<'a> = Box<dyn FnMut(Range<usize>) + 'a>;

/// One contender of a blocking row.
pub struct SyncOp<'a> {
    /// One timed operation, given its op index.
    pub run: Box<dyn FnMut(usize) + 'a>,
    /// Untimed clean-up after each batch.
    pub after: Option<SyncAfter<'a>>,
}

impl<'a> SyncOp<'a> {
    /// A contender without clean-up.
    pub fn new(run: impl FnMut(usize) + 'a) -> Self {
        SyncOp {
            run: Box::new(run),
            after: None,
        }
    }

    /// Adds untimed clean-up after each batch.
    pub fn after(mut self, after: impl FnMut(Range<usize>) + 'a) -> Self {
        self.after = Some(Box::new(after));
        self
    }
}

/// Runs a blocking row; returns each contender's median time per op, in nanoseconds.
///
/// Each round runs one batch per contender; the contender that goes first rotates from round
/// to round so none is systematically first after another's clean-up.
pub fn run_sync(plan: Plan, ops: &mut [SyncOp<'_>]) -> Vec<f64> {
    let k = ops.len();
    let mut samples = vec![Vec::with_capacity(plan.rounds); k];
    for round in 0..=plan.rounds {
        for turn in 0..k {
            let c = (round + turn) % k;
            let range = plan.range(round);
            let start = Instant::now();
            for i in range.clone() {
                (ops[c].run)(i);
            }
            let elapsed = start.elapsed();
            if let Some(after) = &mut ops[c].after {
                after(range);
            }
            if round > 0 {
                samples[c].push(elapsed.as_nanos() as f64 / plan.batch as f64);
            }
        }
    }
    samples.into_iter().map(median).collect()
}

/// A whole batch of async ops as one future: the loop is inside, so no per-op boxing.
pub type BatchFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Builds a batch future from an op index range.
pub type BatchFn = Box<dyn Fn(Range<usize>) -> BatchFuture + Send + Sync>;

/// One contender of an async row.
pub struct AsyncOp {
    /// The timed batch.
    pub run: BatchFn,
    /// Untimed clean-up after each batch.
    pub after: Option<BatchFn>,
}

impl AsyncOp {
    /// A contender without clean-up.
    pub fn new(run: BatchFn) -> Self {
        AsyncOp { run, after: None }
    }

    /// Adds untimed clean-up after each batch.
    pub fn after(mut self, after: BatchFn) -> Self {
        self.after = Some(after);
        self
    }
}

/// Builds a [`BatchFn`]: `state` is shared by every batch, and `|s, i| expr` is one op, where
/// `s: &State` and `expr` may `.await`. The op's value goes through `black_box` so the work
/// cannot be optimised away. A macro because a closure returning a future that borrows its
/// argument cannot be written as a plain generic function with a `Send` bound.
#[macro_export]
macro_rules! batch {
    ($state:expr, |$s:ident, $i:ident| $body:expr) => {{
        let state = ::std::sync::Arc::new($state);
        ::std::boxed::Box::new(move |range: ::std::ops::Range<usize>| {
            let state = ::std::sync::Arc::clone(&state);
            ::std::boxed::Box::pin(async move {
                let $s = &*state;
                for $i in range {
                    ::std::hint::black_box($body);
                }
            }) as $crate::timing::BatchFuture
        }) as $crate::timing::BatchFn
    }};
}
pub(crate) use batch;

/// Runs an async row on the current runtime; same schedule as [`run_sync`].
pub async fn run_async(plan: Plan, ops: Vec<AsyncOp>) -> Vec<f64> {
    let k = ops.len();
    let mut samples = vec![Vec::with_capacity(plan.rounds); k];
    for round in 0..=plan.rounds {
        for turn in 0..k {
            let c = (round + turn) % k;
            let range = plan.range(round);
            let batch = (ops[c].run)(range.clone());
            let start = Instant::now();
            batch.await;
            let elapsed = start.elapsed();
            if let Some(after) = &ops[c].after {
                after(range).await;
            }
            if round > 0 {
                samples[c].push(elapsed.as_nanos() as f64 / plan.batch as f64);
            }
        }
    }
    samples.into_iter().map(median).collect()
}

/// One contender of a row timed as whole jobs: runs the job once and returns its time in
/// nanoseconds (a contender may take off a fixed cost it measured, such as a connect).
pub type Job<'a> = Box<dyn FnMut() -> f64 + 'a>;

/// Runs whole jobs in round-robin rounds, after one untimed warm-up round; returns each
/// contender's median, in nanoseconds.
pub fn run_jobs(rounds: usize, jobs: &mut [Job<'_>]) -> Vec<f64> {
    let k = jobs.len();
    let mut samples = vec![Vec::with_capacity(rounds); k];
    for round in 0..=rounds {
        for turn in 0..k {
            let c = (round + turn) % k;
            let ns = (jobs[c])();
            if round > 0 {
                samples[c].push(ns);
            }
        }
    }
    samples.into_iter().map(median).collect()
}

/// Times `job` once, in nanoseconds.
pub fn time(job: impl FnOnce()) -> f64 {
    let start = Instant::now();
    job();
    start.elapsed().as_nanos() as f64
}

/// The median; the mean of the middle two for an even count.
pub fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    #[test]
    fn every_index_runs_once() {
        let plan = Plan {
            rounds: 3,
            batch: 5,
        };
        let mut seen = Vec::new();
        let mut ops = [SyncOp::new(|i| seen.push(i))];
        run_sync(plan, &mut ops);
        drop(ops);
        assert_eq!(seen, (0..plan.indices()).collect::<Vec<_>>());
    }
}
