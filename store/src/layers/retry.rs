//! `Retry`: repeats a failed call when repeating is safe, with jittered exponential backoff.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::mix;
use crate::api::BoxFuture;
use crate::error::{Error, ErrorKind, Result};
use crate::layer::{Call, Layer};

/// Repeats a failed call while the error is retryable and repeating is safe, within a number
/// of attempts and a total time, waiting a jittered exponential backoff between attempts.
///
/// - **What is repeated:** an operation that changes nothing (reads, stats, probes, listings,
///   `ping`) on any retryable error; one that changes what is stored (`mutates` in the
///   operation table) only when the error says the request was not applied
///   ([`Error::not_applied`]), so a create-only or conditional write is never applied twice.
///   Content that was a stream or a reader is sent once: a second attempt is never made with
///   half of it.
/// - **Per-attempt timeout** ([`attempt_timeout`](Self::attempt_timeout), async world): an
///   attempt that takes longer is dropped and counts as a retryable `BackendUnavailable`.
///   It is part of this layer so that the timeout of a call cannot end up outside its
///   retries by the order of a stack.
/// - The error of the last attempt is returned, with the count of attempts
///   ([`Error::attempts`]). A byte stream or listing that fails after the call returned is
///   not repeated here.
///
/// Under this layer, the cloud backends' own transport retries still run; give them
/// `retries(0, …)` in their builders to let this layer decide alone.
///
/// ```
/// use std::time::Duration;
/// use store::layers::{Faults, OperationClass, Retry};
/// use store::{MemoryBackend, Store, WriteOptions};
/// let store = Store::new(MemoryBackend::new())
///     .layer(Faults::new(1).fail_every(OperationClass::Reads, 2, true))
///     .layer(Retry::new().attempts(3).backoff(Duration::ZERO, Duration::ZERO));
/// store.write("a.txt", "a", &WriteOptions::new())?;
/// for _ in 0..4 {
///     assert_eq!(store.read_text("a.txt")?, "a"); // every other read fails below; none here
/// }
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Debug)]
pub struct Retry {
    attempts: u32,
    first_backoff: Duration,
    max_backoff: Duration,
    budget: Duration,
    attempt_timeout: Option<Duration>,
    draws: AtomicU64,
}

impl Default for Retry {
    fn default() -> Self {
        Self::new()
    }
}

impl Retry {
    /// Three attempts, backoff from 100 ms up to 2 s, within 30 s, no per-attempt timeout.
    pub fn new() -> Self {
        Retry {
            attempts: 3,
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            budget: Duration::from_secs(30),
            attempt_timeout: None,
            draws: AtomicU64::new(0),
        }
    }

    /// At most `attempts` attempts in all (1: no retry).
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The backoff before the second attempt, doubling up to `max`; each wait is drawn
    /// uniformly below it (full jitter).
    #[must_use]
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first_backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// No attempt starts once `budget` has passed since the first.
    #[must_use]
    pub fn budget(mut self, budget: Duration) -> Self {
        self.budget = budget;
        self
    }

    /// Each attempt in the async world is given at most `timeout`.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Whether `error`, from `call`, may be followed by another attempt.
    fn repeatable(&self, call: &Call<'_>, error: &Error) -> bool {
        error.is_retryable() && (!call.operation().mutates || error.not_applied())
    }

    /// The wait after attempt `attempt` (from 1), or `None` when no attempt may follow.
    fn wait(
        &self,
        call: &Call<'_>,
        error: &Error,
        attempt: u32,
        start: Instant,
    ) -> Option<Duration> {
        if attempt >= self.attempts || !self.repeatable(call, error) {
            return None;
        }
        let ceiling = self
            .first_backoff
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.max_backoff);
        let draw = mix(0x5EED, self.draws.fetch_add(1, Ordering::Relaxed));
        let wait = ceiling.mul_f64(super::unit(draw));
        (start.elapsed() + wait < self.budget).then_some(wait)
    }

    fn timed_out(&self, call: &Call<'_>, timeout: Duration) -> Error {
        let message = format!("{} took longer than {timeout:?}", call.operation().name);
        Error::new(ErrorKind::BackendUnavailable, message)
            .with_retryable(true)
            .with_backend(call.backend())
    }
}

/// The error after `attempts` attempts.
fn counted(error: Error, attempts: u32) -> Error {
    match attempts {
        1 => error,
        n => error.with_attempts(n),
    }
}

impl Layer for Retry {
    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        Box::pin(async move {
            let start = Instant::now();
            let mut attempt = 0;
            let mut upcoming = next();
            loop {
                let Some(future) = upcoming.take() else {
                    return Err(Error::other("no attempt"));
                };
                attempt += 1;
                let result = match self.attempt_timeout {
                    Some(limit) => tokio::time::timeout(limit, future)
                        .await
                        .unwrap_or_else(|_| Err(self.timed_out(&call, limit))),
                    None => future.await,
                };
                let error = match result {
                    Ok(value) => return Ok(value),
                    Err(error) => error,
                };
                // The next attempt is made (not run) before the wait: a call whose content
                // is spent ends now, not after a backoff for nothing.
                let wait = self.wait(&call, &error, attempt, start);
                match wait.and_then(|wait| next().map(|future| (wait, future))) {
                    Some((wait, future)) => {
                        if !wait.is_zero() {
                            tokio::time::sleep(wait).await;
                        }
                        upcoming = Some(future);
                    }
                    None => return Err(counted(error, attempt)),
                }
            }
        })
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, mut next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        let start = Instant::now();
        let mut attempt = 0;
        let mut last = None;
        loop {
            let Some(result) = next() else {
                return Err(last.unwrap_or_else(|| Error::other("no attempt")));
            };
            attempt += 1;
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            match self.wait(&call, &error, attempt, start) {
                Some(wait) => {
                    std::thread::sleep(wait);
                    last = Some(counted(error, attempt));
                }
                None => return Err(counted(error, attempt)),
            }
        }
    }
}
