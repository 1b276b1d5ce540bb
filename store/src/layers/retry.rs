//! `Retry`: repeats a failed call when repeating is safe, with jittered exponential backoff.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::mix;
use super::resume::{ResumingReader, ResumingStream};
use crate::api::BoxFuture;
use crate::content::{ByteStream, ReadStream};
use crate::error::{Error, ErrorKind, Result};
use crate::layer::{Call, Layer};
use crate::reopen::Version;

/// Repeats a failed call while the error is retryable and repeating is safe, within a number
/// of attempts and a total time, waiting a jittered exponential backoff between attempts.
///
/// - **What is repeated:** an operation that changes nothing (reads, stats, probes, listings,
///   `ping`) on any retryable error; one that changes what is stored (`mutates` in the
///   operation table) when repeating cannot change its outcome ([`Call::is_repeatable`]: an
///   overwrite of bytes without precondition, a delete with `missing_ok`, a copy over) or
///   when the error says the request was not applied ([`Error::not_applied`]), so a
///   create-only or conditional write is never applied twice.
///   Content that was a stream or a reader is sent once: a second attempt is never made with
///   half of it.
/// - **Per-attempt timeout** ([`attempt_timeout`](Self::attempt_timeout), async world): an
///   attempt that takes longer is dropped and counts as a retryable `BackendUnavailable`.
///   It is part of this layer so that the timeout of a call cannot end up outside its
///   retries by the order of a stack.
/// - **A read that fails mid-body resumes** ([`resume_reads`](Self::resume_reads), on by
///   default): the stream opens the rest of the file again with a ranged read, after the
///   same backoff, and checks the file's version (its etag where the backend gives one, else
///   its modification time, and its size) against the one taken before the read began. A
///   file that changed underneath fails with `PreconditionFailed`: the bytes given are never
///   two versions spliced. The version costs one stat per stream read.
/// - The error of the last attempt is returned, with the count of attempts
///   ([`Error::attempts`]). A listing that fails after the call returned is not repeated.
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
    backoff: Backoff,
    attempt_timeout: Option<Duration>,
    resume_reads: bool,
    draws: AtomicU64,
}

/// How many attempts, and the waits between them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Backoff {
    pub(super) attempts: u32,
    first: Duration,
    max: Duration,
    budget: Duration,
}

impl Backoff {
    /// The wait after attempt `attempt` (from 1) of a call that began at `start`, drawn with
    /// `draw`, or `None` when no attempt may follow.
    pub(super) fn wait(&self, attempt: u32, start: Instant, draw: u64) -> Option<Duration> {
        if attempt >= self.attempts {
            return None;
        }
        let ceiling = self
            .first
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.max);
        let wait = ceiling.mul_f64(super::unit(mix(0x5EED, draw)));
        (start.elapsed() + wait < self.budget).then_some(wait)
    }
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
            backoff: Backoff {
                attempts: 3,
                first: Duration::from_millis(100),
                max: Duration::from_secs(2),
                budget: Duration::from_secs(30),
            },
            attempt_timeout: None,
            resume_reads: true,
            draws: AtomicU64::new(0),
        }
    }

    /// At most `attempts` attempts in all (1: no retry).
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.backoff.attempts = attempts.max(1);
        self
    }

    /// The backoff before the second attempt, doubling up to `max`; each wait is drawn
    /// uniformly below it (full jitter).
    #[must_use]
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.backoff.first = first;
        self.backoff.max = max.max(first);
        self
    }

    /// No attempt starts once `budget` has passed since the first.
    #[must_use]
    pub fn budget(mut self, budget: Duration) -> Self {
        self.backoff.budget = budget;
        self
    }

    /// Each attempt in the async world is given at most `timeout`.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Whether a stream read that fails mid-body resumes (on by default); off, no stat is
    /// made before a read, and a failed stream is the reader's to handle.
    #[must_use]
    pub fn resume_reads(mut self, resume: bool) -> Self {
        self.resume_reads = resume;
        self
    }

    /// A fresh draw for the jitter.
    fn draw(&self) -> u64 {
        self.draws.fetch_add(1, Ordering::Relaxed)
    }

    /// Whether `error`, from `call`, may be followed by another attempt.
    fn repeatable(&self, call: &Call<'_>, error: &Error) -> bool {
        error.is_retryable() && (call.is_repeatable() || error.not_applied())
    }

    /// The wait after attempt `attempt` (from 1), or `None` when no attempt may follow.
    fn wait(
        &self,
        call: &Call<'_>,
        error: &Error,
        attempt: u32,
        start: Instant,
    ) -> Option<Duration> {
        match self.repeatable(call, error) {
            true => self.backoff.wait(attempt, start, self.draw()),
            false => None,
        }
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

    fn around_stream<'a, N>(&'a self, call: Call<'a>, next: N) -> BoxFuture<'a, Result<ByteStream>>
    where
        N: FnMut() -> Option<BoxFuture<'a, Result<ByteStream>>> + Send + 'a,
    {
        let handle = call.source().and_then(|source| source.async_handle());
        let Some(handle) = handle.filter(|_| self.resume_reads) else {
            return self.around(call, next);
        };
        Box::pin(async move {
            // Taken before the read begins (a change after it shows at the resumption), and
            // retried as a read is.
            let stat = handle.clone();
            let stat = move || {
                let stat = stat.clone();
                Some(Box::pin(async move { stat.stat().await }) as BoxFuture<'a, _>)
            };
            let version = self.around(call, stat).await.ok();
            let version = version.map(|info| Version::of(&info));
            let stream = self.around(call, next).await?;
            Ok(match version.filter(Version::is_checkable) {
                Some(version) => Box::pin(ResumingStream::new(
                    stream,
                    handle,
                    version,
                    self.backoff,
                    self.draw(),
                )) as ByteStream,
                None => stream,
            })
        })
    }

    fn around_reader<N>(&self, call: Call<'_>, next: N) -> Result<ReadStream>
    where
        N: FnMut() -> Option<Result<ReadStream>>,
    {
        let handle = call.source().and_then(|source| source.blocking_handle());
        let Some(handle) = handle.filter(|_| self.resume_reads) else {
            return self.around_blocking(call, next);
        };
        let version = self.around_blocking(call, || Some(handle.stat())).ok();
        let version = version.map(|info| Version::of(&info));
        let reader = self.around_blocking(call, next)?;
        Ok(match version.filter(Version::is_checkable) {
            Some(version) => Box::new(ResumingReader::new(
                reader,
                handle,
                version,
                self.backoff,
                self.draw(),
            )),
            None => reader,
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
