//! Runtime support of `AsyncBackendSyncAdapter`: a private tokio runtime on its own thread,
//! shared by the adapter's calls, and the refusal to block inside async code ([C-7.4](crate::contract#C-7.4)).

use std::future::Future;
use std::io::{self, Read};
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{FutureExt, StreamExt};
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::coop;

use crate::adapters::{park_on, read_chunk, ChunkReader};
use crate::content::{AsyncContent, ByteStream, Content, ListIter, ListStream, ReadStream};
use crate::error::{Error, ErrorKind, Result};

/// How long `close()` and `Drop` wait for in-flight work before stopping the runtime.
pub const SHUTDOWN_BOUND: Duration = Duration::from_secs(30);

struct Running {
    handle: Handle,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Calls admitted and not yet answered, and whether `close()` has begun; one lock, so no call
/// is admitted after `close()` starts waiting for the others.
#[derive(Default)]
struct Admission {
    in_flight: usize,
    closed: bool,
    /// The runtime has stopped: `close()` has done all it does.
    stopped: bool,
}

/// A current-thread tokio runtime on a dedicated thread, started at the first call.
pub struct RuntimeThread {
    backend: &'static str,
    /// The runtime once started, or why it could not start.
    running: OnceLock<std::result::Result<Mutex<Running>, String>>,
    admission: Mutex<Admission>,
    drained: Condvar,
}

/// Counts one admitted call until it is answered.
struct InFlight<'a>(&'a RuntimeThread);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut admission = self.0.admission();
        admission.in_flight -= 1;
        if admission.in_flight == 0 {
            self.0.drained.notify_all();
        }
    }
}

impl RuntimeThread {
    /// A runtime for the backend named `backend`; no thread starts until the first call.
    pub fn new(backend: &'static str) -> Self {
        RuntimeThread {
            backend,
            running: OnceLock::new(),
            admission: Mutex::new(Admission::default()),
            drained: Condvar::new(),
        }
    }

    fn admission(&self) -> MutexGuard<'_, Admission> {
        self.admission
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn handle(&self) -> Result<Handle> {
        let running = match self
            .running
            .get_or_init(|| start(self.backend).map(Mutex::new))
        {
            Ok(running) => running,
            Err(why) => {
                return Err(Error::new(ErrorKind::BackendUnavailable, why.clone())
                    .with_backend(self.backend)
                    .with_retryable(false))
            }
        };
        let running = running.lock().unwrap_or_else(PoisonError::into_inner);
        if running.stop.is_none() {
            return Err(Error::closed(self.backend));
        }
        Ok(running.handle.clone())
    }

    /// Whether `close()` has begun.
    pub fn is_closed(&self) -> bool {
        self.admission().closed
    }

    /// `BlockingInAsync` when this thread drives async code, where blocking would stall the
    /// runtime ([C-7.4](crate::contract#C-7.4)); checked before anything else, so a refused call changes nothing.
    pub fn refuse_in_async(&self, op: &'static str) -> Result<()> {
        if !blocking_forbidden() {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::BlockingInAsync,
            format!(
                "{op} on a blocking Store over the async backend '{}' was called from async \
                 code; use AsyncStore there, or move the call into spawn_blocking",
                self.backend
            ),
        )
        .with_backend(self.backend))
    }

    /// The first checks of a call, for one that checks more before it is admitted: async
    /// context ([C-7.4](crate::contract#C-7.4)), then closed ([C-2.10](crate::contract#C-2.10)), which outrank every check of the operation's own.
    pub fn precheck(&self, op: &'static str) -> Result<()> {
        self.refuse_in_async(op)?;
        match self.admission().closed {
            true => Err(Error::closed(self.backend)),
            false => Ok(()),
        }
    }

    /// The checks every call makes first: async context ([C-7.4](crate::contract#C-7.4)), then closed ([C-2.10](crate::contract#C-2.10)); an
    /// admitted call counts as in flight until its guard drops.
    fn admit(&self, op: &'static str) -> Result<(Handle, InFlight<'_>)> {
        self.refuse_in_async(op)?;
        {
            let mut admission = self.admission();
            if admission.closed {
                return Err(Error::closed(self.backend));
            }
            admission.in_flight += 1;
        }
        let guard = InFlight(self);
        Ok((self.handle()?, guard))
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
        let (handle, _in_flight) = self.admit(op)?;
        self.run_on(&handle, op, future, pump)
    }

    fn run_on<T: Send + 'static>(
        &self,
        handle: &Handle,
        op: &'static str,
        future: impl Future<Output = Result<T>> + Send + 'static,
        pump: Option<Pump>,
    ) -> Result<T> {
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

    /// Begins `close()`: refuses new calls, then waits up to [`SHUTDOWN_BOUND`] for the calls
    /// in flight to finish. `false` when `close()` had already begun.
    pub fn begin_close(&self) -> bool {
        let mut admission = self.admission();
        if admission.closed {
            return false;
        }
        admission.closed = true;
        let (_drained, _timed_out) = self
            .drained
            .wait_timeout_while(admission, SHUTDOWN_BOUND, |a| a.in_flight > 0)
            .unwrap_or_else(PoisonError::into_inner);
        true
    }

    /// Waits (up to twice [`SHUTDOWN_BOUND`]: the drain, then the runtime's shutdown) until the
    /// `close()` that began first has stopped the runtime, so that every `close()` returns
    /// only once the backend is closed.
    pub fn wait_stopped(&self) {
        let admission = self.admission();
        let _ = self
            .drained
            .wait_timeout_while(admission, SHUTDOWN_BOUND * 2, |a| !a.stopped)
            .unwrap_or_else(PoisonError::into_inner);
    }

    /// Runs the backend's own `close` on the runtime, after [`begin_close`](Self::begin_close)
    /// refused every other call.
    pub fn call_closing<T: Send + 'static>(
        &self,
        future: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let handle = self.handle()?;
        self.run_on(&handle, "close", future, None)
    }

    /// Refuses new calls, stops the runtime (giving its tasks up to [`SHUTDOWN_BOUND`]) and
    /// joins its thread. Idempotent. It does not close the backend: `Drop` runs it, and
    /// dropping the adapter drops the backend, which releases what it holds.
    pub fn shut_down(&self) {
        self.admission().closed = true;
        let Some(Ok(running)) = self.running.get() else {
            self.admission().stopped = true;
            self.drained.notify_all();
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
        self.admission().stopped = true;
        self.drained.notify_all();
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

/// Starts the runtime thread; a failure to build the runtime or spawn the thread is an error
/// of every call, never a panic.
fn start(backend: &'static str) -> std::result::Result<Running, String> {
    let failed = |what: &str, e: std::io::Error| {
        format!("could not start the runtime thread of '{backend}': {what}: {e}")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed("building the runtime", e))?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("store-{backend}-runtime"))
        .spawn(move || {
            runtime.block_on(async {
                let _ = stopped.await;
            });
            runtime.shutdown_timeout(SHUTDOWN_BOUND);
        })
        .map_err(|e| failed("spawning its thread", e))?;
    Ok(Running {
        handle,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// Whether this thread drives async code — a task on a runtime worker, or a future inside
/// `block_on` — where blocking is forbidden, as opposed to a plain thread, a thread of
/// tokio's blocking pool, or code inside `block_in_place`, where it is allowed.
///
/// tokio offers no direct test, and `Handle::try_current` succeeds on blocking-pool threads
/// too. Its cooperative budget tells them apart without a panic: tokio constrains the budget
/// exactly while it polls a task or a `block_on` future, and lifts it on the blocking pool
/// and in `block_in_place`. A constrained budget runs out within its 128 units, so taking
/// up to 256 tells; dropping the first unit's guard unused gives every unit back. Code wrapped
/// in `tokio::task::unconstrained` reads as allowed.
#[inline]
pub(crate) fn blocking_forbidden() -> bool {
    if Handle::try_current().is_err() {
        return false;
    }
    budget_constrained()
}

/// The cooperative-budget half of [`blocking_forbidden`], on a thread inside a runtime.
fn budget_constrained() -> bool {
    let mut cx = Context::from_waker(Waker::noop());
    let Poll::Ready(first) = coop::poll_proceed(&mut cx) else {
        return true;
    };
    let exhausted = (0..256).any(|_| match coop::poll_proceed(&mut cx) {
        Poll::Ready(unit) => {
            unit.made_progress();
            false
        }
        Poll::Pending => true,
    });
    drop(first);
    exhausted
}

/// Reader content on its way into an async backend: the caller's thread reads a chunk at a
/// time and hands it over through a channel of `PUMP_AHEAD` (16) chunks, so that it reads on
/// while the runtime sends, instead of waking it for every chunk.
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
            // Waited on by parking, never by tokio's `blocking_send`, which panics where a
            // runtime is entered (as under `task::unconstrained`, which the probe lets by).
            if park_on(self.tx.send(chunk)).is_err() || failed {
                return;
            }
        }
    }
}

/// How many chunks a [`Pump`] may read ahead of the backend: 1 MiB of 64 KiB chunks.
const PUMP_AHEAD: usize = 16;

/// Blocking content for the async world: bytes as they are, a reader through a [`Pump`].
pub fn async_content(content: Content) -> (AsyncContent, Option<Pump>) {
    match content {
        Content::Bytes(bytes) => (AsyncContent::Bytes(bytes), None),
        Content::Reader(reader) => {
            let (tx, rx) = tokio::sync::mpsc::channel(PUMP_AHEAD);
            let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|chunk| (chunk, rx))
            });
            (AsyncContent::stream(stream), Some(Pump { reader, tx }))
        }
    }
}

/// Pulls the items of an async stream from blocking code, one per call on the runtime, with
/// no read-ahead; after an `Err` (the stream's or the runtime's) the stream is done.
fn pull<T: Send + 'static>(
    stream: Pin<Box<dyn Stream<Item = Result<T>> + Send>>,
    runtime: Arc<RuntimeThread>,
    op: &'static str,
) -> impl FnMut() -> Option<Result<T>> {
    let mut stream = Some(stream);
    move || {
        let mut current = stream.take()?;
        match runtime.call(op, async move {
            let next = current.next().await;
            Ok((current, next))
        }) {
            Ok((current, Some(Ok(item)))) => {
                stream = Some(current);
                Some(Ok(item))
            }
            Ok((_, Some(Err(e)))) | Err(e) => Some(Err(e)),
            Ok((_, None)) => None,
        }
    }
}

/// An async byte stream read from blocking code, one chunk per call.
pub fn blocking_reader(stream: ByteStream, runtime: Arc<RuntimeThread>) -> ReadStream {
    let mut next = pull(stream, runtime, "read");
    Box::new(ChunkReader::new(move || {
        next().map(|chunk| chunk.map_err(io::Error::from))
    }))
}

/// An async listing read from blocking code, one item per call.
pub fn blocking_list<T: Send + 'static>(
    stream: ListStream<T>,
    runtime: Arc<RuntimeThread>,
) -> ListIter<T> {
    Box::new(std::iter::from_fn(pull(stream, runtime, "list")))
}
