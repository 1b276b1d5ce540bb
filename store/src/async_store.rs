//! `AsyncStore`: the tokio API. Its I/O methods are generated from `api.rs`; this file holds
//! construction and the few methods that do more than forward.

use std::sync::Arc;

use futures_util::TryStreamExt;

use crate::api::{AsyncBackend, Backend, SyncBackendAdapter};
use crate::capability::Capability;
use crate::entry::FolderInfo;
use crate::error::{Error, Result};
use crate::options::{ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::scope::{store_common, Scope};
use crate::write_result::WriteResult;

/// Marks a backend of the store's own world, for [`IntoAsyncBackend`] and
/// [`IntoBackend`](crate::sync_store::IntoBackend).
#[derive(Debug)]
pub enum Native {}

/// Marks a backend of the other world, wrapped in the generated adapter.
#[derive(Debug)]
pub enum Adapted {}

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

/// An async store: a backend seen through a root folder (CONTRACT §1, §7).
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

store_common!(AsyncStore, AsyncBackend);

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

    /// A store on a local folder: the embedded default, through a [`SyncBackendAdapter`].
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

    /// Closes the backend if this store owns it; idempotent.
    pub async fn close(&self) -> Result<()> {
        if self.owner {
            self.backend
                .close()
                .await
                .map_err(|e| e.with_backend(self.name()))
        } else {
            Ok(())
        }
    }

    /// Reads the file at `path` as strict UTF-8 (a BOM is kept); `InvalidData` otherwise.
    pub async fn read_text(&self, path: impl AsRef<str>) -> Result<String> {
        let path = path.as_ref();
        let bytes = self.read_bytes(path).await?;
        crate::defaults::decode_text(bytes, path, self.name())
    }

    /// Writes `text` as UTF-8.
    pub async fn write_text(
        &self,
        path: impl AsRef<str>,
        text: &str,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.write(path, text.to_owned(), options).await
    }

    /// The file's facts as a `WriteResult` with `source: Sidecar`.
    pub async fn head(&self, path: impl AsRef<str>) -> Result<WriteResult> {
        let info = self.get_file_info(path).await?;
        Ok(WriteResult::sidecar(&info))
    }

    /// Aggregate facts about a folder; with `max_depth`, only files at depth ≤ `max_depth`
    /// count, which needs List instead of Metadata.
    pub async fn get_folder_info(
        &self,
        path: impl AsRef<str>,
        max_depth: Option<usize>,
    ) -> Result<FolderInfo> {
        let path = path.as_ref();
        let key = self.scope.folder_key(path)?;
        let Some(depth) = max_depth else {
            self.scope.require(Capability::Metadata)?;
            return self.scope.rebase(self.backend.get_folder_info(&key).await);
        };
        self.scope.require(Capability::List)?;
        if !key.is_root() && !self.scope.rebase(self.backend.is_folder(&key).await)? {
            let err = if self.scope.rebase(self.backend.is_file(&key).await)? {
                Error::invalid_path(path, "not a folder")
            } else {
                Error::not_found(path)
            };
            return Err(err.with_backend(self.name()));
        }
        let info = FolderInfo::empty(self.scope.rebase(Ok(key))?);
        self.list_files(path, &ListOptions::new().max_depth(depth))
            .await?
            .try_fold(info, |mut info, file| async move {
                info.add(&file);
                Ok(info)
            })
            .await
    }
}
