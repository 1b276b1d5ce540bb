//! `Observe`: a `tracing` span per operation, and a hook told of every call that ends.

use std::fmt;
use std::io::{self, Read};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_core::Stream;
use tracing::field::Empty;
use tracing::{Instrument, Span};

use crate::api::BoxFuture;
use crate::content::{ByteStream, ListIter, ListStream, ReadStream};
use crate::error::{ErrorKind, Result};
use crate::layer::{Call, Layer};

/// What an observer is told when a call ends — or, for a call that returns a byte stream or a
/// listing, when that stream ends or is dropped, with what passed through it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Event {
    /// The operation (`read`, `write`, …).
    pub operation: &'static str,
    /// The backend's name.
    pub backend: &'static str,
    /// The call's keys (full backend keys).
    pub keys: Vec<String>,
    /// From the call to its end; for a stream, from when it was returned to its end.
    pub duration: Duration,
    /// `None` on success, else the kind of the error.
    pub error: Option<ErrorKind>,
    /// The bytes a byte stream delivered.
    pub bytes: Option<u64>,
    /// The entries a listing delivered.
    pub entries: Option<u64>,
}

type Hook = Arc<dyn Fn(&Event) + Send + Sync>;

/// Observes every operation: a `tracing` span `store` per call (fields `operation`,
/// `backend`, `key`; `bytes` or `entries` counted on its stream when that ends or is dropped;
/// `error.type`, the [`ErrorKind::name`], on failure), and optionally a hook called with an
/// [`Event`] as each call ends, for code without `tracing`. Spans never carry the content;
/// with no subscriber installed they cost next to nothing.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use store::layers::Observe;
/// use store::{MemoryBackend, Store, WriteOptions};
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// let store = Store::new(MemoryBackend::new())
///     .layer(Observe::new().on_event(move |e| log.lock().unwrap().push((e.operation, e.error))));
/// store.write("a.txt", "a", &WriteOptions::new())?;
/// let _ = store.read_bytes("missing.txt");
/// let seen = seen.lock().unwrap();
/// assert_eq!(seen[0], ("write", None));
/// assert_eq!(seen[1], ("read_bytes", Some(store::ErrorKind::NotFound)));
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Observe {
    hook: Option<Hook>,
    metrics: bool,
}

impl fmt::Debug for Observe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observe")
            .field("hook", &self.hook.is_some())
            .field("metrics", &self.metrics)
            .finish()
    }
}

impl Observe {
    /// Spans only.
    pub fn new() -> Self {
        Observe {
            hook: None,
            metrics: false,
        }
    }

    /// Also records metrics through the `metrics` facade (feature `metrics`), on the model of
    /// OpenTelemetry's `db.client.operation.duration`: a histogram
    /// `db.client.operation.duration` in seconds, an up-down gauge
    /// `store.client.active_operations`, and a counter `store.client.bytes` of the bytes
    /// streams delivered; labelled by `db.operation.name` (the operation),
    /// `db.system.name` (the backend) and, on failure, `error.type` — never by path or root,
    /// whose cardinality has no bound.
    #[cfg(feature = "metrics")]
    #[must_use]
    pub fn with_metrics(mut self) -> Self {
        self.metrics = true;
        self
    }

    /// Also calls `hook` as each call (or its stream) ends.
    #[must_use]
    pub fn on_event(mut self, hook: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    fn span(call: &Call<'_>) -> Span {
        let key = call.keys().next().map(|k| k.as_str()).unwrap_or("");
        tracing::info_span!(
            "store",
            otel.kind = "client",
            operation = call.operation().name,
            backend = call.backend(),
            key,
            bytes = Empty,
            entries = Empty,
            error.type = Empty,
        )
    }

    /// The end of the call: its outcome on the span, and to the hook unless a stream will
    /// report later.
    fn ended<T>(&self, end: &End, result: &Result<T>, streams: bool) {
        if let Err(e) = result {
            end.span.record("error.type", e.kind().name());
        }
        if streams && result.is_ok() {
            return;
        }
        end.report(
            self.hook.as_ref(),
            result.as_ref().err().map(|e| e.kind()),
            None,
            None,
        );
    }

    fn start(&self, call: &Call<'_>) -> End {
        self.end_of(call, Self::span(call))
    }

    fn end_of(&self, call: &Call<'_>, span: Span) -> End {
        End {
            span,
            started: Instant::now(),
            operation: call.operation().name,
            backend: call.backend(),
            keys: match &self.hook {
                Some(_) => call.keys().map(|k| k.as_str().to_owned()).collect(),
                None => Vec::new(),
            },
            metrics: self.metrics,
        }
    }
}

/// A call in flight, for the active-operations gauge: counted down when dropped, so a call
/// cancelled from above is counted out too.
struct Active(#[cfg_attr(not(feature = "metrics"), allow(dead_code))] Option<Labels>);

#[cfg(feature = "metrics")]
type Labels = Vec<(&'static str, &'static str)>;
#[cfg(not(feature = "metrics"))]
type Labels = ();

impl Drop for Active {
    fn drop(&mut self) {
        #[cfg(feature = "metrics")]
        if let Some(labels) = &self.0 {
            metrics::gauge!("store.client.active_operations", labels).decrement(1.0);
        }
    }
}

/// What the end of a call needs to know of its start.
struct End {
    span: Span,
    started: Instant,
    operation: &'static str,
    backend: &'static str,
    keys: Vec<String>,
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    metrics: bool,
}

impl End {
    fn report(
        &self,
        hook: Option<&Hook>,
        error: Option<ErrorKind>,
        bytes: Option<u64>,
        entries: Option<u64>,
    ) {
        if let Some(bytes) = bytes {
            self.span.record("bytes", bytes);
        }
        if let Some(entries) = entries {
            self.span.record("entries", entries);
        }
        #[cfg(feature = "metrics")]
        if self.metrics {
            let labels = labels(self.operation, self.backend, error);
            metrics::histogram!("db.client.operation.duration", &labels)
                .record(self.started.elapsed().as_secs_f64());
            if let Some(bytes) = bytes {
                metrics::counter!("store.client.bytes", &labels).increment(bytes);
            }
        }
        if let Some(hook) = hook {
            hook(&Event {
                operation: self.operation,
                backend: self.backend,
                keys: self.keys.clone(),
                duration: self.started.elapsed(),
                error,
                bytes,
                entries,
            });
        }
    }
}

/// The labels of a metric: operation, backend and, on failure, the error's kind.
#[cfg(feature = "metrics")]
fn labels(
    operation: &'static str,
    backend: &'static str,
    error: Option<ErrorKind>,
) -> Vec<(&'static str, &'static str)> {
    let mut labels = vec![
        ("db.operation.name", operation),
        ("db.system.name", backend),
    ];
    if let Some(kind) = error {
        labels.push(("error.type", kind.name()));
    }
    labels
}

fn returns_stream(call: &Call<'_>) -> bool {
    call.operation().output != crate::OutputKind::Plain
}

impl Layer for Observe {
    const WRAPS_STREAMS: bool = true;

    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        let span = Self::span(&call);
        if span.is_disabled() && self.hook.is_none() && !self.metrics {
            // Nobody listens: the call as it is.
            return Layer::around(&(), call, next);
        }
        let end = self.end_of(&call, span);
        let span = end.span.clone();
        Box::pin(
            async move {
                // In flight until this future ends or is dropped (a timeout above, a select).
                let _active = self.active(&call);
                let result = match next() {
                    Some(attempt) => attempt.await,
                    None => Layer::around(&(), call, || None).await,
                };
                self.ended(&end, &result, returns_stream(&call));
                result
            }
            .instrument(span),
        )
    }

    fn around_blocking<T, N>(&self, call: Call<'_>, next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        let span = Self::span(&call);
        if span.is_disabled() && self.hook.is_none() && !self.metrics {
            return Layer::around_blocking(&(), call, next);
        }
        let _active = self.active(&call);
        let end = self.end_of(&call, span);
        let result = end
            .span
            .in_scope(|| Layer::around_blocking(&(), call, next));
        self.ended(&end, &result, returns_stream(&call));
        result
    }

    fn bytes(&self, call: &Call<'_>, stream: ByteStream) -> ByteStream {
        if !self.listened() {
            return stream;
        }
        Box::pin(Counted::new(
            stream,
            self.stream_end(call),
            |chunk: &Result<Bytes>| chunk.as_ref().map_or(0, |c| c.len() as u64),
            true,
        ))
    }

    fn reader(&self, call: &Call<'_>, reader: ReadStream) -> ReadStream {
        if !self.listened() {
            return reader;
        }
        Box::new(CountedReader {
            inner: reader,
            count: 0,
            report: Some(self.stream_end(call)),
        })
    }

    fn listing<T: Send + 'static>(&self, call: &Call<'_>, items: ListStream<T>) -> ListStream<T> {
        if !self.listened() {
            return items;
        }
        Box::pin(Counted::new(
            items,
            self.stream_end(call),
            |_: &Result<T>| 1,
            false,
        ))
    }

    fn list_iter<T: Send + 'static>(&self, call: &Call<'_>, items: ListIter<T>) -> ListIter<T> {
        if !self.listened() {
            return items;
        }
        Box::new(Counted::new(
            items,
            self.stream_end(call),
            |_: &Result<T>| 1,
            false,
        ))
    }
}

impl Observe {
    /// Whether anybody listens to a stream of the call running now: the hook, metrics, or a
    /// subscriber that took its span (then the current one).
    fn listened(&self) -> bool {
        self.hook.is_some()
            || self.metrics
            || Span::current()
                .metadata()
                .is_some_and(|m| m.name() == "store")
    }

    /// The call is in flight (the active-operations gauge) until the guard drops.
    fn active(&self, call: &Call<'_>) -> Active {
        #[cfg(feature = "metrics")]
        if self.metrics {
            let labels = labels(call.operation().name, call.backend(), None);
            metrics::gauge!("store.client.active_operations", &labels).increment(1.0);
            return Active(Some(labels));
        }
        let _ = call;
        Active(None)
    }

    /// The report a stream of `call` makes when it ends or is dropped.
    fn stream_end(&self, call: &Call<'_>) -> StreamEnd {
        StreamEnd {
            end: self.start_of_stream(call),
            hook: self.hook.clone(),
        }
    }

    /// The stream continues the call's span: the current one, entered by `around`.
    fn start_of_stream(&self, call: &Call<'_>) -> End {
        let current = Span::current();
        match current.metadata().is_some_and(|m| m.name() == "store") {
            true => self.end_of(call, current),
            false => self.start(call),
        }
    }
}

/// Reports once, when a stream ends or is dropped.
struct StreamEnd {
    end: End,
    hook: Option<Hook>,
}

impl StreamEnd {
    fn bytes(self, bytes: u64, error: Option<ErrorKind>) {
        self.end
            .report(self.hook.as_ref(), error, Some(bytes), None);
    }

    fn entries(self, entries: u64, error: Option<ErrorKind>) {
        self.end
            .report(self.hook.as_ref(), error, None, Some(entries));
    }
}

/// An async stream counting what passes (bytes or items), reporting at its end or drop.
struct Counted<S, F> {
    inner: S,
    count: u64,
    measure: F,
    bytes: bool,
    error: Option<ErrorKind>,
    report: Option<StreamEnd>,
}

impl<S, F> Counted<S, F> {
    fn new(inner: S, report: StreamEnd, measure: F, bytes: bool) -> Self {
        Counted {
            inner,
            count: 0,
            measure,
            bytes,
            error: None,
            report: Some(report),
        }
    }

    /// Counts one item, and keeps the kind of an error.
    fn saw<T>(&mut self, item: &Result<T>)
    where
        F: Fn(&Result<T>) -> u64,
    {
        self.count += (self.measure)(item);
        if let Err(e) = item {
            self.error = Some(e.kind());
        }
    }

    fn finish(&mut self) {
        if let Some(report) = self.report.take() {
            match self.bytes {
                true => report.bytes(self.count, self.error),
                false => report.entries(self.count, self.error),
            }
        }
    }
}

impl<T, S, F> Stream for Counted<S, F>
where
    S: Stream<Item = Result<T>> + Unpin,
    F: Fn(&Result<T>) -> u64 + Unpin,
{
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        match &polled {
            Poll::Ready(Some(item)) => self.saw(item),
            Poll::Ready(None) => self.finish(),
            Poll::Pending => {}
        }
        polled
    }
}

impl<T, S, F> Iterator for Counted<S, F>
where
    S: Iterator<Item = Result<T>>,
    F: Fn(&Result<T>) -> u64,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.inner.next();
        match &item {
            Some(item) => self.saw(item),
            None => self.finish(),
        }
        item
    }
}

impl<S, F> Drop for Counted<S, F> {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A blocking reader counting its bytes, reporting at its end or drop.
struct CountedReader {
    inner: ReadStream,
    count: u64,
    report: Option<StreamEnd>,
}

impl Read for CountedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf);
        match &read {
            Ok(0) if !buf.is_empty() => {
                if let Some(report) = self.report.take() {
                    report.bytes(self.count, None);
                }
            }
            Ok(n) => self.count += *n as u64,
            Err(_) => {
                if let Some(report) = self.report.take() {
                    report.bytes(self.count, Some(ErrorKind::Other));
                }
            }
        }
        read
    }
}

impl Drop for CountedReader {
    fn drop(&mut self) {
        if let Some(report) = self.report.take() {
            report.bytes(self.count, None);
        }
    }
}
