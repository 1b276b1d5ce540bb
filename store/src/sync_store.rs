//! `Store`: the blocking API. Its I/O methods are generated from `api.rs`; this file holds
//! construction and the few methods that do more than forward.

use std::sync::Arc;

use crate::api::{AsyncBackend, AsyncBackendSyncAdapter, Backend};
use crate::async_store::{Adapted, Native};
use crate::capability::Capability;
use crate::entry::FolderInfo;
use crate::error::{Error, Result};
use crate::options::{ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::scope::{store_common, Scope};
use crate::write_result::WriteResult;

/// What `Store::new` accepts: a [`Backend`], or an [`AsyncBackend`] that it wraps in an
/// [`AsyncBackendSyncAdapter`]. The marker keeps the two impls apart.
pub trait IntoBackend<Marker> {
    /// The backend, ready for the blocking world.
    fn into_backend(self) -> Arc<dyn Backend>;
}

impl<B: Backend> IntoBackend<Native> for B {
    fn into_backend(self) -> Arc<dyn Backend> {
        Arc::new(self)
    }
}

impl<A: AsyncBackend> IntoBackend<Adapted> for A {
    fn into_backend(self) -> Arc<dyn Backend> {
        Arc::new(AsyncBackendSyncAdapter::new(self))
    }
}

/// A blocking store: a backend seen through a root folder (CONTRACT §1).
///
/// Cheap to clone (one `Arc`); every clone of a store made by [`Store::new`] owns the backend.
///
/// ```
/// use store::{MemoryBackend, Store, WriteOptions};
/// let store = Store::new(MemoryBackend::new());
/// store.write("docs/a.txt", "hello", &WriteOptions::new())?;
/// assert_eq!(store.read_text("docs/a.txt")?, "hello");
/// let docs = store.child("docs")?;
/// assert!(docs.exists("a.txt")?);
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) scope: Scope,
    owner: bool,
}

store_common!(Store, Backend);

impl Store {
    /// A store at the backend's root, owning it; an async backend is wrapped in an
    /// [`AsyncBackendSyncAdapter`] (a private runtime thread).
    pub fn new<M>(backend: impl IntoBackend<M>) -> Store {
        Store::from_arc(backend.into_backend())
    }

    /// A store at the root of a shared backend, owning it.
    pub fn from_arc(backend: Arc<dyn Backend>) -> Store {
        let scope = Scope::new(StorePath::root(), backend.name(), backend.capabilities());
        Store {
            backend,
            scope,
            owner: true,
        }
    }

    /// A store on a local folder: the embedded default ([`LocalBackend`](crate::LocalBackend)).
    pub fn local(dir: impl Into<std::path::PathBuf>) -> Store {
        Store::new(crate::LocalBackend::new(dir))
    }

    /// A store rooted at `root`: `""` or a valid non-empty path (`"/data/"` is `data`).
    pub fn with_root<M>(backend: impl IntoBackend<M>, root: impl AsRef<str>) -> Result<Store> {
        let store = Store::new(backend);
        let root = root.as_ref();
        if root.is_empty() {
            return Ok(store);
        }
        Ok(Store {
            scope: store.scope.child(root)?,
            ..store
        })
    }

    /// Closes the backend if this store owns it; idempotent (CONTRACT C-1.8).
    pub fn close(&self) -> Result<()> {
        if self.owner {
            self.backend
                .close()
                .map_err(|e| e.with_backend(self.name()))
        } else {
            Ok(())
        }
    }

    /// Reads the file at `path` as strict UTF-8 (a BOM is kept); `InvalidData` otherwise.
    pub fn read_text(&self, path: impl AsRef<str>) -> Result<String> {
        let path = path.as_ref();
        let bytes = self.read_bytes(path)?;
        crate::defaults::decode_text(bytes, path, self.name())
    }

    /// Writes `text` as UTF-8.
    pub fn write_text(
        &self,
        path: impl AsRef<str>,
        text: &str,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.write(path, text.to_owned(), options)
    }

    /// The file's facts as a `WriteResult` with `source: Sidecar` (CONTRACT C-5.5).
    pub fn head(&self, path: impl AsRef<str>) -> Result<WriteResult> {
        self.get_file_info(path)
            .map(|info| WriteResult::sidecar(&info))
    }

    /// Aggregate facts about a folder; with `max_depth`, only files at depth ≤ `max_depth`
    /// count, which needs List instead of Metadata.
    pub fn get_folder_info(
        &self,
        path: impl AsRef<str>,
        max_depth: Option<usize>,
    ) -> Result<FolderInfo> {
        let path = path.as_ref();
        let key = self.scope.folder_key(path)?;
        let Some(depth) = max_depth else {
            self.scope.require(Capability::Metadata)?;
            return self.scope.rebase(self.backend.get_folder_info(&key));
        };
        self.scope.require(Capability::List)?;
        if !key.is_root() && !self.scope.rebase(self.backend.is_folder(&key))? {
            let err = if self.scope.rebase(self.backend.is_file(&key))? {
                Error::invalid_path(path, "not a folder")
            } else {
                Error::not_found(path)
            };
            return Err(err.with_backend(self.name()));
        }
        let mut info = FolderInfo::empty(self.scope.rebase(Ok(key))?);
        for file in self.list_files(path, &ListOptions::new().max_depth(depth))? {
            info.add(&file?);
        }
        Ok(info)
    }
}
