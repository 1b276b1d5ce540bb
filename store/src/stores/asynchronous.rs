//! `AsyncStore`: the tokio API. Its I/O methods are generated from `api.rs`; this file holds
//! construction and the few methods that do more than forward.

use std::sync::Arc;

use futures_util::TryStreamExt;

use super::scope::Scope;
use super::{store_surface, Adapted, Native};
use crate::api::{AsyncBackend, Backend, SyncBackendAdapter};
use crate::content::ListStream;
use crate::entry::{FileInfo, FolderInfo};
use crate::error::Result;
use crate::path::StorePath;

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

store_surface!(AsyncStore, AsyncBackend, aggregate, async.await);

impl AsyncStore {
    /// A store at the backend's root, owning it; a blocking backend is wrapped in a
    /// [`SyncBackendAdapter`].
    pub fn new<M>(backend: impl IntoAsyncBackend<M>) -> AsyncStore {
        AsyncStore::from_arc(backend.into_async_backend())
    }

    /// A store at the root of a shared async backend, owning it.
    pub fn from_arc(backend: Arc<dyn AsyncBackend>) -> AsyncStore {
        let scope = Scope::new(StorePath::root(), backend.name(), backend.capabilities());
        AsyncStore {
            backend,
            scope,
            owner: true,
        }
    }

    /// A store on an existing local folder, through a [`SyncBackendAdapter`]; see
    /// [`Store::open_local`](crate::Store::open_local).
    pub fn open_local(dir: impl Into<std::path::PathBuf>) -> Result<AsyncStore> {
        crate::LocalBackend::open(dir).map(AsyncStore::new)
    }

    /// A store on a local folder that need not exist yet; see [`Store::local`](crate::Store::local).
    pub fn local(dir: impl Into<std::path::PathBuf>) -> AsyncStore {
        AsyncStore::new(crate::LocalBackend::new(dir))
    }

    /// A store rooted at `root`: `""` or a valid non-empty path.
    pub fn with_root<M>(
        backend: impl IntoAsyncBackend<M>,
        root: impl AsRef<str>,
    ) -> Result<AsyncStore> {
        let store = AsyncStore::new(backend);
        let root = root.as_ref();
        if root.is_empty() {
            return Ok(store);
        }
        Ok(AsyncStore {
            scope: store.scope.child(root)?,
            ..store
        })
    }
}

/// Folds a listing into `info`, stopping at the first error.
async fn aggregate(info: FolderInfo, files: ListStream<FileInfo>) -> Result<FolderInfo> {
    files
        .try_fold(info, |mut info, file| async move {
            info.add(&file);
            Ok(info)
        })
        .await
}
