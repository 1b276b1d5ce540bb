//! The writers of `open_atomic`, whose content is visible only after `commit()`: the sync
//! [`AtomicWriter`] and the tokio [`AsyncAtomicWriter`].

use std::fmt;
use std::io::{self, Seek, SeekFrom, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::{Bytes, BytesMut};
use tokio_util::sync::PollSender;

use crate::api::{AsyncBackend, BoxFuture};
use crate::content::{AsyncContent, CHUNK_SIZE, SPOOL_IN_MEMORY};
use crate::error::{Error, Result};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::write_result::WriteResult;

/// What a backend implements to offer `open_atomic` ([C-6.4](crate::contract#C-6.4)).
///
/// Dropping an implementation without `commit` must discard everything: no target, no temp.
pub trait AtomicSink: Write + Send {
    /// Promotes the content atomically and reports the result.
    fn commit(self: Box<Self>) -> Result<WriteResult>;
    /// Discards the content.
    fn abort(self: Box<Self>) -> Result<()>;
}

/// The writer returned by `open_atomic`: nothing appears until [`commit`](AtomicWriter::commit).
///
/// Dropping it, or calling [`abort`](AtomicWriter::abort), leaves neither target nor temp.
pub struct AtomicWriter {
    sink: Box<dyn AtomicSink>,
    root: StorePath,
}

impl AtomicWriter {
    /// Wraps a backend's sink.
    pub fn new(sink: impl AtomicSink + 'static) -> Self {
        AtomicWriter {
            sink: Box::new(sink),
            root: StorePath::root(),
        }
    }

    /// Makes the content visible at once; `AlreadyExists` if, without overwrite, the target
    /// appeared since `open_atomic`.
    pub fn commit(self) -> Result<WriteResult> {
        let root = self.root;
        self.sink
            .commit()
            .map(|mut r| {
                if let Some(rel) = r.path.strip_prefix(&root) {
                    r.path = rel;
                }
                r
            })
            .map_err(|e| e.rebased(&root))
    }

    /// Discards the content.
    pub fn abort(self) -> Result<()> {
        self.sink.abort()
    }

    pub(crate) fn rebased(mut self, root: &StorePath) -> Self {
        self.root = root.clone();
        self
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sink.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.flush()
    }
}

impl fmt::Debug for AtomicWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicWriter").finish_non_exhaustive()
    }
}

/// The async writer of [`AsyncStore::open_atomic`](crate::AsyncStore::open_atomic): a tokio
/// [`AsyncWrite`](tokio::io::AsyncWrite) whose content appears only on
/// [`commit`](AsyncAtomicWriter::commit).
///
/// The bytes stream into the backend's `write_atomic` as they are written, through a channel
/// of a few [`CHUNK_SIZE`](crate::CHUNK_SIZE) chunks, so memory stays bounded whatever the
/// size. Dropping the writer, or calling [`abort`](AsyncAtomicWriter::abort), ends that
/// stream with an error instead of its end, which every backend's atomic write treats as a
/// failed source: nothing appears, no temp is left ([C-6.4](crate::contract#C-6.4)). `shutdown` only flushes; the
/// content lands on `commit` alone.
///
/// Outside a tokio runtime, over a blocking backend (whose calls then run inline), the writer
/// spools instead (in memory up to [`SPOOL_IN_MEMORY`](crate::SPOOL_IN_MEMORY), then in a temp
/// file) and uploads at commit.
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use tokio::io::AsyncWriteExt;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// let mut writer = store.open_atomic("a.txt", &WriteOptions::new()).await?;
/// writer.write_all(b"hello").await?;
/// assert!(!store.exists("a.txt").await?);
/// writer.commit().await?;
/// assert_eq!(store.read_text("a.txt").await?, "hello");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct AsyncAtomicWriter {
    state: Upload,
    root: StorePath,
    backend: &'static str,
}

/// How the content reaches the backend.
enum Upload {
    /// Chunks go to a `write_atomic` already under way, which this writer drives.
    Streaming {
        chunks: PollSender<Bytes>,
        pending: BytesMut,
        write: Option<BoxFuture<'static, Result<WriteResult>>>,
        committed: Arc<AtomicBool>,
    },
    /// Chunks go to a spool, uploaded by one `write_atomic` at commit.
    Spooled {
        spool: tempfile::SpooledTempFile,
        commit: Box<dyn FnOnce(AsyncContent) -> BoxFuture<'static, Result<WriteResult>> + Send>,
    },
    /// Committed, aborted or failed.
    Finished(Option<Error>),
}

/// Chunks in flight between the writer and the backend.
const IN_FLIGHT: usize = 4;

impl AsyncAtomicWriter {
    /// Starts the atomic write of `key` on `backend`; the checks at open are done.
    pub(crate) fn start(
        backend: Arc<dyn AsyncBackend>,
        key: StorePath,
        options: WriteOptions,
        root: StorePath,
    ) -> Self {
        let name = backend.name();
        let inline = tokio::runtime::Handle::try_current().is_err();
        let state = if inline {
            Upload::Spooled {
                spool: tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY),
                commit: Box::new(move |content| {
                    Box::pin(async move { backend.write_atomic(&key, content, &options).await })
                }),
            }
        } else {
            let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(IN_FLIGHT);
            let committed = Arc::new(AtomicBool::new(false));
            let content = AsyncContent::stream(chunks_until_commit(rx, Arc::clone(&committed)));
            Upload::Streaming {
                chunks: PollSender::new(tx),
                pending: BytesMut::new(),
                write: Some(Box::pin(async move {
                    backend.write_atomic(&key, content, &options).await
                })),
                committed,
            }
        };
        AsyncAtomicWriter {
            state,
            root,
            backend: name,
        }
    }

    /// Makes the content visible at once; the errors of `write_atomic` (`AlreadyExists` if,
    /// without overwrite, the target appeared since open; `PreconditionFailed` for a stale
    /// `if_match`).
    pub async fn commit(mut self) -> Result<WriteResult> {
        let result = match std::mem::replace(&mut self.state, Upload::Finished(None)) {
            Upload::Streaming {
                mut chunks,
                mut pending,
                mut write,
                committed,
            } => {
                let flushed = std::future::poll_fn(|cx| {
                    poll_send(&mut chunks, &mut pending, &mut write, cx, true)
                })
                .await;
                match flushed {
                    Err(e) => Err(e),
                    Ok(()) => {
                        committed.store(true, Ordering::Release);
                        drop(chunks);
                        match write.take() {
                            Some(write) => write.await,
                            None => Err(Error::other("the atomic write ended early")),
                        }
                    }
                }
            }
            Upload::Spooled { mut spool, commit } => match spool.seek(SeekFrom::Start(0)) {
                Ok(_) => commit(AsyncContent::stream(spooled_chunks(spool))).await,
                Err(e) => Err(Error::other(format!("spool failed: {e}")).with_source(e)),
            },
            Upload::Finished(err) => {
                Err(err.unwrap_or_else(|| Error::other("the atomic writer is already finished")))
            }
        };
        let root = &self.root;
        result
            .map(|mut r| {
                if let Some(rel) = r.path.strip_prefix(root) {
                    r.path = rel;
                }
                r
            })
            .map_err(|e| e.rebased(root))
            .map_err(|e| match e.backend() {
                Some(_) => e,
                None => e.with_backend(self.backend),
            })
    }

    /// Discards the content, waiting until the backend has let go of it.
    pub async fn abort(mut self) -> Result<()> {
        if let Upload::Streaming { chunks, write, .. } =
            std::mem::replace(&mut self.state, Upload::Finished(None))
        {
            drop(chunks);
            if let Some(write) = write {
                // The source fails, so the write does too, leaving nothing.
                let _ = write.await;
            }
        }
        Ok(())
    }
}

/// Moves `pending` into the channel (all of it with `all`, else once it fills a chunk) while
/// driving the write, which is what empties the channel.
fn poll_send(
    chunks: &mut PollSender<Bytes>,
    pending: &mut BytesMut,
    write: &mut Option<BoxFuture<'static, Result<WriteResult>>>,
    cx: &mut Context<'_>,
    all: bool,
) -> Poll<Result<()>> {
    loop {
        if let Some(w) = write.as_mut() {
            if let Poll::Ready(result) = w.as_mut().poll(cx) {
                *write = None;
                return Poll::Ready(Err(ended(result)));
            }
        }
        if pending.is_empty() || (!all && pending.len() < CHUNK_SIZE) {
            return Poll::Ready(Ok(()));
        }
        if ready!(chunks.poll_reserve(cx)).is_err() {
            return stopped(write, cx);
        }
        let take = pending.len().min(CHUNK_SIZE);
        let chunk = pending.split_to(take).freeze();
        if chunks.send_item(chunk).is_err() {
            return stopped(write, cx);
        }
    }
}

/// The channel closed: the write has ended, or is ending, and its own error is the one to
/// report (an `AlreadyExists` found at the promote, say), not the closed channel.
fn stopped(
    write: &mut Option<BoxFuture<'static, Result<WriteResult>>>,
    cx: &mut Context<'_>,
) -> Poll<Result<()>> {
    let Some(w) = write.as_mut() else {
        return Poll::Ready(Err(Error::other("the atomic write stopped reading")));
    };
    let result = ready!(w.as_mut().poll(cx));
    *write = None;
    Poll::Ready(Err(ended(result)))
}

/// The error of a write that ended while content was still to come.
fn ended(result: Result<WriteResult>) -> Error {
    result
        .err()
        .unwrap_or_else(|| Error::other("the atomic write ended before its content"))
}

/// The chunks the writer sends, ended by its commit; without one (a drop or an abort), an
/// error instead of the end, so the write fails and leaves nothing.
fn chunks_until_commit(
    rx: tokio::sync::mpsc::Receiver<Bytes>,
    committed: Arc<AtomicBool>,
) -> impl futures_core::Stream<Item = io::Result<Bytes>> + Send {
    futures_util::stream::unfold(Some(rx), move |rx| {
        let committed = Arc::clone(&committed);
        async move {
            let mut rx = rx?;
            match rx.recv().await {
                Some(chunk) => Some((Ok(chunk), Some(rx))),
                None if committed.load(Ordering::Acquire) => None,
                None => Some((
                    Err(io::Error::other(
                        "the atomic writer was dropped or aborted before commit",
                    )),
                    None,
                )),
            }
        }
    })
}

/// The spool, read back in chunks.
fn spooled_chunks(
    spool: tempfile::SpooledTempFile,
) -> impl futures_core::Stream<Item = io::Result<Bytes>> + Send {
    futures_util::stream::unfold(Some(spool), |spool| async move {
        let mut spool = spool?;
        match crate::adapters::read_chunk(&mut spool) {
            Ok(chunk) if chunk.is_empty() => None,
            Ok(chunk) => Some((Ok(chunk), Some(spool))),
            Err(e) => Some((Err(e), None)),
        }
    })
}

fn io_error(err: Error) -> io::Error {
    io::Error::from(err)
}

impl AsyncAtomicWriter {
    /// Sends the pending chunks (every byte with `flush`, else until a chunk's room is free);
    /// a failure finishes the writer and is returned. `Ok` at once when not streaming.
    fn poll_pending(&mut self, cx: &mut Context<'_>, flush: bool) -> Poll<io::Result<()>> {
        let Upload::Streaming {
            chunks,
            pending,
            write,
            ..
        } = &mut self.state
        else {
            return Poll::Ready(Ok(()));
        };
        match ready!(poll_send(chunks, pending, write, cx, flush)) {
            Ok(()) => Poll::Ready(Ok(())),
            Err(e) => {
                self.state = Upload::Finished(Some(e.clone_for_report()));
                Poll::Ready(Err(io_error(e)))
            }
        }
    }
}

impl tokio::io::AsyncWrite for AsyncAtomicWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // Room for `buf` once a full chunk has gone.
        ready!(this.poll_pending(cx, false))?;
        match &mut this.state {
            Upload::Streaming { pending, .. } => {
                let n = buf.len().min(CHUNK_SIZE);
                pending.extend_from_slice(&buf[..n]);
                Poll::Ready(Ok(n))
            }
            Upload::Spooled { spool, .. } => Poll::Ready(spool.write(buf)),
            Upload::Finished(_) => Poll::Ready(Err(io::Error::other(
                "the atomic writer is already finished",
            ))),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx, true))?;
        match &mut this.state {
            Upload::Spooled { spool, .. } => Poll::Ready(spool.flush()),
            Upload::Streaming { .. } | Upload::Finished(_) => Poll::Ready(Ok(())),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl fmt::Debug for AsyncAtomicWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncAtomicWriter")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}
