//! `Faults`: seeded, deterministic fault injection.

use std::io::{self, Read};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;

use super::{mix, unit};
use crate::api::BoxFuture;
use crate::content::{ByteStream, ReadStream};
use crate::error::{Error, ErrorKind, Result};
use crate::layer::{refused, Call, Layer};
use crate::operation::{Operation, OutputKind};

/// Which operations a fault rule applies to, told apart by the operation table's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OperationClass {
    /// Every operation.
    Any,
    /// Those that change nothing and return no listing: probes, reads, stats, `ping`, `close`.
    Reads,
    /// Those that change what is stored (`mutates`).
    Writes,
    /// Those that return a listing.
    Listings,
}

impl OperationClass {
    /// Whether `op` is in the class.
    pub fn contains(self, op: &Operation) -> bool {
        let listing = op.output == OutputKind::Listing;
        match self {
            OperationClass::Any => true,
            OperationClass::Reads => !op.mutates && !listing,
            OperationClass::Writes => op.mutates,
            OperationClass::Listings => listing,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum When {
    /// The calls of the class numbered n, 2n, 3n, … (from 1).
    Every(u64),
    /// Each call of the class with this probability, drawn from the seed.
    Fraction(f64),
}

#[derive(Debug)]
struct Rule {
    class: OperationClass,
    when: When,
    retryable: bool,
    seen: AtomicU64,
}

/// Injects faults, deterministically for a given seed and order of calls: fail every Nth call
/// of a class of operations or a fraction of them (before the call reaches the backend, so
/// nothing was applied), with an error that is retryable or not; add latency to a class of
/// calls; and cut every byte stream after a number of bytes. It is how a retrying layer, and code above the store, are tested.
///
/// ```
/// use store::layers::{Faults, OperationClass};
/// use store::{ErrorKind, MemoryBackend, Store, WriteOptions};
/// let store = Store::new(MemoryBackend::new())
///     .layer(Faults::new(7).fail_every(OperationClass::Writes, 2, true));
/// store.write("a.txt", "one", &WriteOptions::new())?;
/// let second = store.write("b.txt", "two", &WriteOptions::new()).unwrap_err();
/// assert_eq!(second.kind(), ErrorKind::BackendUnavailable);
/// assert!(second.is_retryable() && !store.exists("b.txt")?);
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    rules: Vec<Rule>,
    delays: Vec<(OperationClass, Duration)>,
    cut_after: Option<u64>,
}

impl Faults {
    /// No faults yet; `seed` decides which calls a [`fail_fraction`](Self::fail_fraction)
    /// rule hits.
    pub fn new(seed: u64) -> Self {
        Faults {
            seed,
            rules: Vec::new(),
            delays: Vec::new(),
            cut_after: None,
        }
    }

    /// Fails the calls of `class` numbered `n`, `2n`, `3n`, … (counted from 1, per rule) with
    /// `BackendUnavailable`, retryable or not. `n` of 0 fails none.
    #[must_use]
    pub fn fail_every(mut self, class: OperationClass, n: u64, retryable: bool) -> Self {
        self.rules.push(Rule {
            class,
            when: When::Every(n),
            retryable,
            seen: AtomicU64::new(0),
        });
        self
    }

    /// Fails each call of `class` with probability `fraction` (0.0 to 1.0), drawn from the
    /// seed and the call's number, so a run is the same every time.
    #[must_use]
    pub fn fail_fraction(mut self, class: OperationClass, fraction: f64, retryable: bool) -> Self {
        self.rules.push(Rule {
            class,
            when: When::Fraction(fraction.clamp(0.0, 1.0)),
            retryable,
            seen: AtomicU64::new(0),
        });
        self
    }

    /// Adds `latency` before every call of `class` reaches the backend (a sleep of the
    /// runtime in the async world, of the thread in the blocking one); rules add up. How a
    /// timeout, a limit or code above the store is tested against a slow service.
    #[must_use]
    pub fn delay(mut self, class: OperationClass, latency: Duration) -> Self {
        self.delays.push((class, latency));
        self
    }

    /// The latency added to `call`.
    fn latency(&self, call: &Call<'_>) -> Duration {
        self.delays
            .iter()
            .filter(|(class, _)| class.contains(call.operation()))
            .map(|(_, latency)| *latency)
            .sum()
    }

    /// Cuts every byte stream after `bytes` bytes: the stream then fails with a retryable
    /// `BackendUnavailable` (an `io::Error` carrying it, for a blocking reader).
    #[must_use]
    pub fn cut_streams_after(mut self, bytes: u64) -> Self {
        self.cut_after = Some(bytes);
        self
    }

    /// The fault for `call`, if a rule hits it. Every rule of the call's class counts it.
    fn fault(&self, call: &Call<'_>) -> Option<Error> {
        let op = call.operation();
        let mut hit = None;
        for (i, rule) in self.rules.iter().enumerate() {
            if !rule.class.contains(op) {
                continue;
            }
            let number = rule.seen.fetch_add(1, Ordering::Relaxed) + 1;
            let fails = match rule.when {
                When::Every(n) => n > 0 && number % n == 0,
                When::Fraction(f) => unit(mix(self.seed ^ ((i as u64) << 32), number)) < f,
            };
            if fails && hit.is_none() {
                let message = format!("injected fault in {} (call {number} of its class)", op.name);
                // Raised before the call reaches the backend: nothing was applied.
                hit = Some(
                    Error::new(ErrorKind::BackendUnavailable, message)
                        .with_retryable(rule.retryable)
                        .with_not_applied(true)
                        .with_backend(call.backend()),
                );
            }
        }
        hit
    }
}

impl Layer for Faults {
    const WRAPS_STREAMS: bool = true;

    fn around<'a, T, N>(&'a self, call: Call<'a>, next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        let latency = self.latency(&call);
        match self.fault(&call) {
            Some(fault) if latency.is_zero() => refused(fault),
            None if latency.is_zero() => Layer::around(&(), call, next),
            fault => Box::pin(async move {
                tokio::time::sleep(latency).await;
                match fault {
                    Some(fault) => Err(fault),
                    None => Layer::around(&(), call, next).await,
                }
            }),
        }
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        let latency = self.latency(&call);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        match self.fault(&call) {
            Some(fault) => Err(fault),
            None => Layer::around_blocking(&(), call, next),
        }
    }

    fn bytes(&self, call: &Call<'_>, stream: ByteStream) -> ByteStream {
        match self.cut_after {
            Some(limit) => Box::pin(CutStream {
                inner: stream,
                left: limit,
                truncated: false,
                cut: cut_error(call),
            }),
            None => stream,
        }
    }

    fn reader(&self, call: &Call<'_>, reader: ReadStream) -> ReadStream {
        match self.cut_after {
            Some(limit) => Box::new(CutReader {
                inner: reader,
                left: limit,
                cut: cut_error(call),
            }),
            None => reader,
        }
    }
}

fn cut_error(call: &Call<'_>) -> Option<Error> {
    let message = format!("{} stream cut by injected fault", call.operation().name);
    Some(
        Error::new(ErrorKind::BackendUnavailable, message)
            .with_retryable(true)
            .with_backend(call.backend()),
    )
}

/// An async byte stream that fails once `left` bytes have passed.
struct CutStream {
    inner: ByteStream,
    left: u64,
    /// Whether a chunk was cut short: the error follows it even if nothing else would.
    truncated: bool,
    /// The error, until it is given.
    cut: Option<Error>,
}

impl Stream for CutStream {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.left == 0 && self.truncated {
            // The chunk given last was cut short.
            return Poll::Ready(self.cut.take().map(Err));
        }
        let left = self.left;
        match self.inner.as_mut().poll_next(cx) {
            // Past the limit: the data that would have come is cut, the end is kept.
            Poll::Ready(Some(Ok(_))) if left == 0 => Poll::Ready(self.cut.take().map(Err)),
            Poll::Ready(Some(Ok(mut chunk))) => {
                if chunk.len() as u64 > left {
                    chunk.truncate(left as usize);
                    self.truncated = true;
                }
                self.left -= chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

/// A blocking reader that fails once `left` bytes have passed.
struct CutReader {
    inner: ReadStream,
    left: u64,
    cut: Option<Error>,
}

impl Read for CutReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // Past the limit: the data that would have come is cut, the end is kept.
            let mut probe = [0u8; 1];
            return match (self.inner.read(&mut probe)?, self.cut.take()) {
                (0, _) | (_, None) => Ok(0),
                (_, Some(e)) => Err(io::Error::from(e)),
            };
        }
        let room = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryBackend, Store, WriteOptions};

    fn outcomes(faults: Faults) -> Vec<bool> {
        let store = Store::new(MemoryBackend::new()).layer(faults);
        (0..64)
            .map(|i| store.exists(format!("f{i}")).is_ok())
            .collect()
    }

    #[test]
    fn a_seed_gives_the_same_faults_every_time() {
        let run = || outcomes(Faults::new(42).fail_fraction(OperationClass::Reads, 0.25, true));
        let first = run();
        assert_eq!(first, run());
        let failed = first.iter().filter(|ok| !**ok).count();
        assert!((6..=28).contains(&failed), "{failed} of 64 failed at 25 %");
        let other = outcomes(Faults::new(43).fail_fraction(OperationClass::Reads, 0.25, true));
        assert_ne!(first, other, "another seed, other faults");
    }

    #[test]
    fn every_nth_call_of_a_class_fails_before_the_backend() {
        let backend = MemoryBackend::new();
        let store = Store::new(backend.clone()).layer(Faults::new(0).fail_every(
            OperationClass::Writes,
            3,
            false,
        ));
        let results: Vec<bool> = (0..6)
            .map(|i| {
                store
                    .write(format!("w{i}"), "x", &WriteOptions::new())
                    .is_ok()
            })
            .collect();
        assert_eq!(results, [true, true, false, true, true, false]);
        let plain = Store::new(backend);
        assert!(
            !plain.exists("w2").unwrap(),
            "a failed write reached the backend"
        );
        store
            .write("w6", "x", &WriteOptions::new())
            .expect("the seventh write is not a third");
        // Reads are another class: never hit.
        assert!((0..9).all(|i| store.exists(format!("w{i}")).is_ok()));
    }

    #[test]
    fn latency_is_added_to_the_class_given() {
        use std::time::{Duration, Instant};
        let store = Store::new(MemoryBackend::new()).layer(
            Faults::new(0)
                .delay(OperationClass::Writes, Duration::from_millis(30))
                .delay(OperationClass::Writes, Duration::from_millis(20)),
        );
        let start = Instant::now();
        store.write("a", "x", &WriteOptions::new()).unwrap();
        assert!(
            start.elapsed() >= Duration::from_millis(50),
            "the delays add up"
        );
        let reads = Store::new(MemoryBackend::new())
            .layer(Faults::new(0).delay(OperationClass::Writes, Duration::from_secs(600)));
        let start = Instant::now();
        reads.exists("a").unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "a read was delayed"
        );
    }

    #[tokio::test]
    async fn latency_in_the_async_world_sleeps_the_runtime() {
        use std::time::Duration;
        let store = crate::AsyncStore::new(MemoryBackend::new())
            .layer(Faults::new(0).delay(OperationClass::Any, Duration::from_millis(40)));
        let start = tokio::time::Instant::now();
        store.exists("a").await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(40));
    }

    #[test]
    fn streams_are_cut_after_the_bytes_given() {
        let backend = MemoryBackend::new();
        Store::new(backend.clone())
            .write("big", vec![7u8; 1000], &WriteOptions::new())
            .unwrap();
        let store = Store::new(backend).layer(Faults::new(0).cut_streams_after(100));
        let mut reader = store.read("big").unwrap();
        let mut got = Vec::new();
        let err = reader.read_to_end(&mut got).unwrap_err();
        assert_eq!(got.len(), 100);
        let inner = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<Error>())
            .unwrap();
        assert_eq!(inner.kind(), ErrorKind::BackendUnavailable);
        assert!(inner.is_retryable());
    }
}
