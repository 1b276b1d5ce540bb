//! `AsyncStore`: the tokio API. Its I/O methods are generated from `api.rs`; this file holds
//! the type, what `new` accepts, the rest is in `mod.rs`, once for
//! both stores.

use std::sync::Arc;

use super::scope::Scope;
use super::{store_surface, Adapted, Native};
use crate::api::{AsyncBackend, Backend, SyncBackendAdapter};
use crate::atomic::AsyncAtomicWriter;
use crate::capability::Capability;
use crate::content::AsyncReader;
use crate::derived::asynchronous::open_atomic_checks;
use crate::error::Result;
use crate::options::WriteOptions;

/// What `AsyncStore::new` accepts: an [`AsyncBackend`], or a [`Backend`] that it wraps in a
/// [`SyncBackendAdapter`]. The marker keeps the two impls apart.
pub trait IntoAsyncBackend<Marker> {
    /// The backend, ready for the async world.
    fn into_async_backend(self) -> Arc<dyn AsyncBackend>;
}

impl<A: AsyncBackend> IntoAsyncBackend<Native> for A {
    fn into_async_backend(self) -> Arc<dyn AsyncBackend> {
        Arc::new(self)
    }
}

impl<B: Backend> IntoAsyncBackend<Adapted> for B {
    fn into_async_backend(self) -> Arc<dyn AsyncBackend> {
        Arc::new(SyncBackendAdapter::new(self))
    }
}

/// An async store: a backend seen through a root folder (C-1, C-7).
///
/// Every I/O method is an `async fn` with a `Send` future; listings and reads return
/// `Send + 'static` streams. Cheap to clone.
///
/// ```
/// use store::{AsyncMemoryBackend, AsyncStore, WriteOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(AsyncMemoryBackend::new());
/// store.write("a.txt", "hello", &WriteOptions::new()).await?;
/// assert_eq!(store.read_text("a.txt").await?, "hello");
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct AsyncStore {
    pub(crate) backend: Arc<dyn AsyncBackend>,
    pub(crate) scope: Scope,
    owner: bool,
}

store_surface!(AsyncStore, AsyncBackend, IntoAsyncBackend::into_async_backend, asynchronous, async.await);

/// The tokio I/O of the async store: a reader and an atomic writer, over every backend.
impl AsyncStore {
    /// Opens the file at `path` as a tokio [`AsyncRead`](tokio::io::AsyncRead) +
    /// [`AsyncBufRead`](tokio::io::AsyncBufRead), at byte 0; the errors of
    /// [`read`](Self::read), which it wraps.
    ///
    /// # Examples
    ///
    /// ```
    /// use tokio::io::AsyncBufReadExt;
    /// use store::{AsyncStore, MemoryBackend, WriteOptions};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let store = AsyncStore::new(MemoryBackend::new());
    /// store.write_text("log.txt", "one\ntwo\n", &WriteOptions::new()).await?;
    /// let mut lines = store.reader("log.txt").await?.lines();
    /// while let Some(line) = lines.next_line().await? {
    ///     assert!(line == "one" || line == "two");
    /// }
    /// # Ok::<(), store::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn reader(&self, path: impl AsRef<str>) -> Result<AsyncReader> {
        self.read(path).await.map(AsyncReader::new)
    }

    /// Opens a tokio [`AsyncWrite`](tokio::io::AsyncWrite) whose content appears at `path`
    /// only on [`commit`](AsyncAtomicWriter::commit); dropping it, or
    /// [`abort`](AsyncAtomicWriter::abort), leaves nothing ([C-6.4](crate::contract#C-6.4)). The checks of
    /// [`write_atomic`](Self::write_atomic) run at open (`AlreadyExists` without `overwrite`,
    /// `InvalidPath` for a folder or a file ancestor in the way, a stale `if_match`) and again
    /// at commit, in one step with the promotion.
    ///
    /// The bytes stream into the backend as they are written, so memory stays bounded by a
    /// few [`CHUNK_SIZE`](crate::CHUNK_SIZE) chunks: `tokio::io::copy` from a
    /// [`reader`](Self::reader) of one store into this writer of another moves a file of any
    /// size.
    ///
    /// # Examples
    ///
    /// ```
    /// use tokio::io::AsyncWriteExt;
    /// use store::{AsyncStore, MemoryBackend, WriteOptions};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let store = AsyncStore::new(MemoryBackend::new());
    /// let mut writer = store.open_atomic("big.log", &WriteOptions::new()).await?;
    /// writer.write_all(b"part one, ").await?;
    /// writer.write_all(b"part two").await?;
    /// assert!(!store.exists("big.log").await?); // nothing visible before the commit
    /// writer.commit().await?;
    /// assert_eq!(store.read_text("big.log").await?, "part one, part two");
    /// # Ok::<(), store::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn open_atomic(
        &self,
        path: impl AsRef<str>,
        options: &WriteOptions,
    ) -> Result<AsyncAtomicWriter> {
        self.scope.check_argument(options)?;
        let key = self.scope.file_key(path.as_ref())?;
        self.scope.require_argument(options)?;
        self.scope.require(Capability::AtomicWrite)?;
        let checked = open_atomic_checks(&*self.backend, &key, options).await;
        self.scope.rebase(checked)?;
        Ok(AsyncAtomicWriter::start(
            Arc::clone(&self.backend),
            key,
            options.clone(),
            self.scope.root().clone(),
        ))
    }
}
