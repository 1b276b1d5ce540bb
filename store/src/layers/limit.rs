//! `Limit`: a cap on the calls and chunk pulls in flight.

use std::io::{self, Read};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::PollSemaphore;

use super::OperationClass;
use crate::adapters::park_on;
use crate::api::BoxFuture;
use crate::content::{ByteStream, ListIter, ListStream, ReadStream};
use crate::error::Result;
use crate::layer::{Call, Layer};

/// At most `n` calls of a class of operations in flight at once, in both worlds: a permit is
/// held for each call and for each chunk or item pulled from a stream or listing, never for
/// the life of an open stream, so any number of open readers make progress under any limit.
/// Clones share their permits: one `Limit` may cap several stores together. Stack two for a
/// cap on writes within a cap on everything.
///
/// A stream of a limited store used as the content of a write through the same limit pulls
/// its chunks while the write holds its own permit: such a copy needs two permits at once,
/// so give each concurrent copy room for two, or the two sides limits of their own. The
/// blocking reader of `read_seekable` and the writer of `open_atomic` are not limited per
/// pull.
///
/// ```
/// use store::layers::{Limit, OperationClass};
/// use store::{MemoryBackend, Store, WriteOptions};
/// let shared = Limit::new(4);
/// let a = Store::new(MemoryBackend::new()).layer(shared.clone());
/// let b = Store::new(MemoryBackend::new())
///     .layer(shared)
///     .layer(Limit::new(1).for_class(OperationClass::Writes));
/// a.write("x", "a", &WriteOptions::new())?;
/// b.write("x", "b", &WriteOptions::new())?;
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Limit {
    permits: Arc<Semaphore>,
    class: OperationClass,
}

impl Limit {
    /// At most `n` (at least 1) of every kind of call at once.
    pub fn new(n: usize) -> Self {
        Limit {
            permits: Arc::new(Semaphore::new(n.max(1))),
            class: OperationClass::Any,
        }
    }

    /// The same cap, for the calls of `class` only.
    #[must_use]
    pub fn for_class(mut self, class: OperationClass) -> Self {
        self.class = class;
        self
    }

    fn applies(&self, call: &Call<'_>) -> bool {
        self.class.contains(call.operation())
    }

    async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        // The semaphore is never closed, so acquiring fails never.
        Arc::clone(&self.permits).acquire_owned().await.ok()
    }
}

impl Layer for Limit {
    const WRAPS_STREAMS: bool = true;

    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        if !self.applies(&call) {
            return Layer::around(&(), call, next);
        }
        Box::pin(async move {
            let _permit = self.permit().await;
            match next() {
                Some(attempt) => attempt.await,
                None => Layer::around(&(), call, || None).await,
            }
        })
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        let _permit = self.applies(&call).then(|| park_on(self.permit()));
        Layer::around_blocking(&(), call, next)
    }

    fn bytes(&self, call: &Call<'_>, stream: ByteStream) -> ByteStream {
        match self.applies(call) {
            true => Box::pin(Pulls::new(stream, &self.permits)),
            false => stream,
        }
    }

    fn reader(&self, call: &Call<'_>, reader: ReadStream) -> ReadStream {
        match self.applies(call) {
            true => Box::new(LimitedReader {
                inner: reader,
                permits: Arc::clone(&self.permits),
            }),
            false => reader,
        }
    }

    fn listing<T: Send + 'static>(&self, call: &Call<'_>, items: ListStream<T>) -> ListStream<T> {
        match self.applies(call) {
            true => Box::pin(Pulls::new(items, &self.permits)),
            false => items,
        }
    }

    fn list_iter<T: Send + 'static>(&self, call: &Call<'_>, items: ListIter<T>) -> ListIter<T> {
        match self.applies(call) {
            true => {
                let permits = Arc::clone(&self.permits);
                let mut items = items;
                Box::new(std::iter::from_fn(move || {
                    let _permit = park_on(Arc::clone(&permits).acquire_owned()).ok();
                    items.next()
                }))
            }
            false => items,
        }
    }
}

/// The identity layer: what a layer does where it lets a call through untouched.
impl Layer for () {}

/// A stream whose every pull holds a permit while the inner stream is polled for one item.
struct Pulls<S> {
    inner: Pin<Box<S>>,
    permits: PollSemaphore,
    held: Option<OwnedSemaphorePermit>,
}

impl<S> Pulls<S> {
    fn new(inner: S, permits: &Arc<Semaphore>) -> Self {
        Pulls {
            inner: Box::pin(inner),
            permits: PollSemaphore::new(Arc::clone(permits)),
            held: None,
        }
    }
}

impl<S: Stream> Stream for Pulls<S> {
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.held.is_none() {
            match self.permits.poll_acquire(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(permit) => self.held = permit,
            }
        }
        let item = self.inner.as_mut().poll_next(cx);
        if item.is_ready() {
            // The pull is done: its permit goes back before the caller holds the item.
            self.held = None;
        }
        item
    }
}

/// A blocking reader whose every `read` holds a permit.
struct LimitedReader {
    inner: ReadStream,
    permits: Arc<Semaphore>,
}

impl Read for LimitedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let _permit = park_on(Arc::clone(&self.permits).acquire_owned()).ok();
        self.inner.read(buf)
    }
}
