//! Runtime support of `AsyncBackendSyncAdapter`: a private tokio runtime on its own thread,
//! shared by the adapter's calls, and the refusal to block inside async code (C-7.4).

use std::cell::Cell;
use std::future::Future;
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, Once, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::adapters::{read_chunk, ChunkReader};
use crate::content::{AsyncContent, ByteStream, Content, ListIter, ListStream, ReadStream};
use crate::error::{Error, Result};

/// How long `close()` and `Drop` wait for in-flight work before stopping the runtime.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(30);

struct Running {
    handle: Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// A current-thread tokio runtime on a dedicated thread, started at the first call.
pub struct RuntimeThread {
    backend: &'static str,
    running: OnceLock<Mutex<Running>>,
    closed: AtomicBool,
}

impl RuntimeThread {
    /// A runtime for the backend named `backend`; no thread starts until the first call.
    pub fn new(backend: &'static str) -> Self {
        RuntimeThread {
            backend,
            running: OnceLock::new(),
            closed: AtomicBool::new(false),
        }
    }

    fn handle(&self) -> Result<Handle> {
        let running = self.running.get_or_init(|| Mutex::new(start(self.backend)));
        let running = running.lock().unwrap_or_else(PoisonError::into_inner);
        if running.stop.is_none() {
            return Err(Error::closed(self.backend));
        }
        Ok(running.handle.clone())
    }

    /// Whether `close()` has started.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    /// The checks every call makes first: closed (C-2.10), then async context (C-7.4).
    fn admit(&self, op: &'static str) -> Result<Handle> {
        if self.is_closed() {
            return Err(Error::closed(self.backend));
        }
        if in_async_context() {
            return Err(Error::other(format!(
                "{op} on a blocking Store over the async backend '{}' was called from async code; \
                 use AsyncStore there (blocking here would stall the runtime)",
                self.backend
            ))
            .with_backend(self.backend));
        }
        self.handle()
    }

    /// Runs `future` on the private runtime and blocks this thread until it is done.
    pub fn call<T: Send + 'static>(
        &self,
        op: &'static str,
        future: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        self.call_pumping(op, future, None)
    }

    /// Like [`call`](Self::call), while this thread feeds `pump`'s reader into the future's
    /// content one chunk at a time.
    pub fn call_pumping<T: Send + 'static>(
        &self,
        op: &'static str,
        future: impl Future<Output = Result<T>> + Send + 'static,
        pump: Option<Pump>,
    ) -> Result<T> {
        let handle = self.admit(op)?;
        let (reply, answer) = mpsc::sync_channel(1);
        let backend = self.backend;
        handle.spawn(async move {
            let result = AssertUnwindSafe(future)
                .catch_unwind()
                .await
                .unwrap_or_else(|_| {
                    Err(Error::other(format!("backend panicked in {op}")).with_backend(backend))
                });
            let _ = reply.send(result);
        });
        if let Some(pump) = pump {
            pump.run();
        }
        answer
            .recv()
            .unwrap_or_else(|_| Err(Error::closed(self.backend)))
    }

    /// Marks the runtime closed, waits up to [`SHUTDOWN_BOUND`] for in-flight work, stops the
    /// runtime and joins its thread. Idempotent.
    pub fn shut_down(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let Some(running) = self.running.get() else {
            return;
        };
        let (stop, thread) = {
            let mut running = running.lock().unwrap_or_else(PoisonError::into_inner);
            (running.stop.take(), running.thread.take())
        };
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
        if let Some(thread) = thread {
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }

    /// Marks the runtime closed without stopping it, so `close()` can still reach the backend.
    pub fn mark_closed(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Runs the backend's own `close` on the runtime, even though the closed flag is set.
    pub fn call_closing<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        if in_async_context() {
            return Err(Error::other(
                "close on a blocking Store was called from async code; use AsyncStore there",
            )
            .with_backend(self.backend));
        }
        let handle = self.handle()?;
        let (reply, answer) = mpsc::sync_channel(1);
        handle.spawn(async move {
            let _ = reply.send(future.await);
        });
        answer
            .recv()
            .unwrap_or_else(|_| Err(Error::closed(self.backend)))
    }
}

impl Drop for RuntimeThread {
    fn drop(&mut self) {
        self.shut_down();
    }
}

impl std::fmt::Debug for RuntimeThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuntimeThread")
            .field("backend", &self.backend)
            .field("closed", &self.is_closed())
            .finish()
    }
}

fn start(backend: &'static str) -> Running {
    let (handle_tx, handle_rx) = mpsc::sync_channel(1);
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("store-{backend}-runtime"))
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread tokio runtime");
            let _ = handle_tx.send(runtime.handle().clone());
            runtime.block_on(async {
                let _ = stopped.await;
            });
            runtime.shutdown_timeout(SHUTDOWN_BOUND);
        })
        .expect("spawn the runtime thread");
    let handle = handle_rx
        .recv()
        .expect("the runtime thread reports its handle");
    Running {
        handle,
        stop: Some(stop),
        thread: Some(thread),
    }
}

thread_local! {
    static PROBING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread drives async code (a runtime worker, or inside `block_on`), where
/// blocking is not allowed. tokio offers no direct test: `Handle::try_current` succeeds on
/// blocking-pool threads too. `Handle::block_on` panics exactly where blocking is forbidden,
/// so the probe runs it on an empty future, with its panic message silenced.
fn in_async_context() -> bool {
    let Ok(handle) = Handle::try_current() else {
        return false;
    };
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PROBING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    PROBING.with(|p| p.set(true));
    let refused = catch_unwind(AssertUnwindSafe(|| handle.block_on(async {}))).is_err();
    PROBING.with(|p| p.set(false));
    refused
}

/// Reader content on its way into an async backend: the caller's thread reads a chunk at a
/// time and hands it over through a one-slot channel.
pub struct Pump {
    reader: Box<dyn Read + Send>,
    tx: tokio::sync::mpsc::Sender<io::Result<Bytes>>,
}

impl Pump {
    fn run(mut self) {
        loop {
            let chunk = match read_chunk(&mut self.reader) {
                Ok(chunk) if chunk.is_empty() => return,
                chunk => chunk,
            };
            let failed = chunk.is_err();
            // A closed channel means the backend stopped reading: the call's result says why.
            if self.tx.blocking_send(chunk).is_err() || failed {
                return;
            }
        }
    }
}

/// Blocking content for the async world: bytes as they are, a reader through a [`Pump`].
pub fn async_content(content: Content) -> (AsyncContent, Option<Pump>) {
    match content {
        Content::Bytes(bytes) => (AsyncContent::Bytes(bytes), None),
        Content::Reader(reader) => {
            let (tx, rx) = tokio::sync::mpsc::channel(1);
            let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|chunk| (chunk, rx))
            });
            (AsyncContent::stream(stream), Some(Pump { reader, tx }))
        }
    }
}

/// An async byte stream read from blocking code: one chunk per call, no read-ahead; after an
/// error the reader is at its end.
pub fn blocking_reader(stream: ByteStream, runtime: Arc<RuntimeThread>) -> ReadStream {
    let mut stream = Some(stream);
    Box::new(ChunkReader::new(move || {
        let mut current = stream.take()?;
        match runtime.call("read", async move {
            let next = current.next().await;
            Ok((current, next))
        }) {
            Ok((current, Some(Ok(chunk)))) => {
                stream = Some(current);
                Some(Ok(chunk))
            }
            Ok((_, Some(Err(e)))) | Err(e) => Some(Err(e.into())),
            Ok((_, None)) => None,
        }
    }))
}

/// An async listing read from blocking code: one item per call, no read-ahead.
pub fn blocking_list<T: Send + 'static>(
    stream: ListStream<T>,
    runtime: Arc<RuntimeThread>,
) -> ListIter<T> {
    let mut stream = Some(stream);
    Box::new(std::iter::from_fn(move || {
        let mut current = stream.take()?;
        match runtime.call("list", async move {
            let next = current.next().await;
            Ok((current, next))
        }) {
            Ok((current, Some(Ok(item)))) => {
                stream = Some(current);
                Some(Ok(item))
            }
            Ok((_, Some(Err(e)))) => Some(Err(e)),
            Ok((_, None)) => None,
            Err(e) => Some(Err(e)),
        }
    }))
}
