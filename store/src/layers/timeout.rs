//! `Timeout`: bounds on a call, and on each chunk of its stream, in the async world.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use tokio::time::{Instant, Sleep};

use crate::api::BoxFuture;
use crate::content::{ByteStream, ListStream};
use crate::error::{Error, ErrorKind, Result};
use crate::layer::{Call, Layer};

/// Bounds each call in the async world, and optionally the wait for each chunk or item of
/// the byte stream or listing it returns: one that takes longer is dropped and fails with a
/// retryable `BackendUnavailable`. Place it inside [`Retry`](super::Retry) (or use that
/// layer's per-attempt timeout) so a timed-out attempt can be repeated.
///
/// In the blocking world a call cannot be interrupted from outside: it is bounded by the
/// backend's own I/O timeouts (the SFTP builder's `timeout`, the cloud builders' request
/// timeouts), and this layer lets it through.
///
/// ```
/// use std::time::Duration;
/// use store::layers::Timeout;
/// use store::{AsyncStore, MemoryBackend};
/// let store = AsyncStore::new(MemoryBackend::new())
///     .layer(Timeout::new(Duration::from_secs(30)).per_chunk(Duration::from_secs(10)));
/// # let _ = store;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Timeout {
    call: Duration,
    chunk: Option<Duration>,
}

impl Timeout {
    /// Each call gets at most `call`.
    pub fn new(call: Duration) -> Self {
        Timeout { call, chunk: None }
    }

    /// Each chunk or item of a returned stream gets at most `chunk`.
    #[must_use]
    pub fn per_chunk(mut self, chunk: Duration) -> Self {
        self.chunk = Some(chunk);
        self
    }
}

fn elapsed(call: &Call<'_>, what: &str, limit: Duration) -> Error {
    let message = format!(
        "{} {what} took longer than {limit:?}",
        call.operation().name
    );
    Error::new(ErrorKind::BackendUnavailable, message)
        .with_retryable(true)
        .with_backend(call.backend())
}

impl Layer for Timeout {
    const WRAPS_STREAMS: bool = true;

    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        let Some(attempt) = next() else {
            return Layer::around(&(), call, || None);
        };
        let limit = self.call;
        Box::pin(async move {
            tokio::time::timeout(limit, attempt)
                .await
                .unwrap_or_else(|_| Err(elapsed(&call, "call", limit)))
        })
    }

    fn bytes(&self, call: &Call<'_>, stream: ByteStream) -> ByteStream {
        match self.chunk {
            Some(limit) => Box::pin(Bounded::new(stream, limit, elapsed(call, "chunk", limit))),
            None => stream,
        }
    }

    fn listing<T: Send + 'static>(&self, call: &Call<'_>, items: ListStream<T>) -> ListStream<T> {
        match self.chunk {
            Some(limit) => Box::pin(Bounded::new(items, limit, elapsed(call, "item", limit))),
            None => items,
        }
    }
}

/// A stream whose every item must come within `limit` of being asked for; then it fails
/// once and ends.
struct Bounded<S> {
    inner: S,
    limit: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
    error: Option<Error>,
}

impl<S> Bounded<S> {
    fn new(inner: S, limit: Duration, error: Error) -> Self {
        Bounded {
            inner,
            limit,
            deadline: None,
            error: Some(error),
        }
    }
}

impl<T, S: Stream<Item = Result<T>> + Unpin> Stream for Bounded<S> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.error.is_none() {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.inner).poll_next(cx) {
            self.deadline = None;
            return Poll::Ready(item);
        }
        let limit = self.limit;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(Instant::now() + limit)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(self.error.take().map(Err)),
            Poll::Pending => Poll::Pending,
        }
    }
}
