//! Runtime support of `AsyncBackendSyncAdapter` ([C-7.4](crate::contract#C-7.4)): the private runtime thread
//! ([`runtime`]), and the methods where the adapter departs from plain forwarding: it masks
//! SeekableRead, is terminal, hands out no runtime-bound native handle, and spools
//! `open_atomic`, which has no async counterpart.

pub(crate) mod runtime;

use std::any::{Any, TypeId};
use std::io::{self, Seek, SeekFrom, Write};
use std::sync::Arc;

use self::runtime::{async_content, RuntimeThread};
use crate::api::AsyncBackend;
use crate::atomic::{AtomicSink, AtomicWriter};
use crate::capability::{Capabilities, Capability};
use crate::content::{Content, SPOOL_IN_MEMORY};
use crate::derived::asynchronous as derived;
use crate::error::{Error, Result};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::write_result::WriteResult;

/// The wrapped backend's capabilities without SeekableRead: its streams are not seekable here.
pub fn capabilities<A: AsyncBackend + ?Sized>(
    inner: &Arc<A>,
    _runtime: &Arc<RuntimeThread>,
) -> Capabilities {
    inner.capabilities().without(Capability::SeekableRead)
}

/// The adapter is terminal: after `close()` every call is `BackendUnavailable`.
pub fn terminal<A: ?Sized>(_inner: &Arc<A>, _runtime: &Arc<RuntimeThread>) -> bool {
    true
}

/// Marks `AsyncBackendSyncAdapter`: `unwrap_native` answers for this type alone, which is how
/// the conformance kit tells the adapter from a blocking backend that is terminal too.
pub(crate) struct Marker;

static MARKER: Marker = Marker;

/// No native handle, since those of async backends are bound to the runtime that made them;
/// only the adapter's [`Marker`].
pub fn no_native<'a, A: ?Sized>(
    _inner: &'a Arc<A>,
    _runtime: &'a Arc<RuntimeThread>,
    type_id: TypeId,
) -> Option<&'a (dyn Any + Send + Sync)> {
    (type_id == TypeId::of::<Marker>()).then_some(&MARKER as &(dyn Any + Send + Sync))
}

/// Refuses new calls, lets the calls in flight finish (within
/// [`SHUTDOWN_BOUND`](runtime::SHUTDOWN_BOUND)), closes the backend on the runtime, then stops
/// the runtime thread (giving its tasks the same bound again). A `close()` refused in async
/// code changes nothing, so a later one from blocking code still closes the backend; a
/// `close()` while another runs returns once that one has finished, and `Ok`.
pub fn close<A: AsyncBackend + ?Sized>(inner: &Arc<A>, runtime: &Arc<RuntimeThread>) -> Result<()> {
    runtime.refuse_in_async("close")?;
    if !runtime.begin_close() {
        runtime.wait_stopped();
        return Ok(());
    }
    let backend = Arc::clone(inner);
    let result = runtime.call_closing(async move { backend.close().await });
    runtime.shut_down();
    result
}

/// `open_atomic` by spooling, then one `write_atomic` at commit ([C-6.4](crate::contract#C-6.4)).
pub fn open_atomic<A: AsyncBackend + ?Sized>(
    inner: &Arc<A>,
    runtime: &Arc<RuntimeThread>,
    path: &StorePath,
    options: &WriteOptions,
) -> Result<AtomicWriter> {
    runtime.precheck("open_atomic")?;
    inner
        .capabilities()
        .require(Capability::AtomicWrite)
        .map_err(|e| e.with_backend(inner.name()))?;
    if path.is_root() {
        return Err(Error::root_is_folder().with_backend(inner.name()));
    }
    let (backend, key, opts) = (Arc::clone(inner), path.clone(), options.clone());
    runtime.call("open_atomic", async move {
        derived::open_atomic_checks(&*backend, &key, &opts).await
    })?;
    Ok(AtomicWriter::new(Spooled {
        spool: tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY),
        commit: Box::new({
            let (backend, runtime, key, options) = (
                Arc::clone(inner),
                Arc::clone(runtime),
                path.clone(),
                options.clone(),
            );
            move |content| {
                let (content, pump) = async_content(content);
                runtime.call_pumping(
                    "open_atomic",
                    async move { backend.write_atomic(&key, content, &options).await },
                    pump,
                )
            }
        }),
    }))
}

/// The spool behind a spooled `open_atomic`; dropping it discards everything.
struct Spooled {
    spool: tempfile::SpooledTempFile,
    commit: Box<dyn FnOnce(Content) -> Result<WriteResult> + Send>,
}

impl Write for Spooled {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.spool.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.spool.flush()
    }
}

impl AtomicSink for Spooled {
    fn commit(self: Box<Self>) -> Result<WriteResult> {
        let Spooled { mut spool, commit } = *self;
        spool
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::other(format!("spool failed: {e}")).with_source(e))?;
        commit(Content::reader(spool))
    }

    fn abort(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
