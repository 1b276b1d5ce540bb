//! `Store`: the blocking API. Its I/O methods are generated from `api.rs`; this file holds
//! construction and the few methods that do more than forward.

use std::sync::Arc;

use super::scope::Scope;
use super::{store_surface, Adapted, Native};
use crate::api::{AsyncBackend, AsyncBackendSyncAdapter, Backend};
use crate::content::ListIter;
use crate::entry::{FileInfo, FolderInfo};
use crate::error::Result;
use crate::path::StorePath;

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

/// A blocking store: a backend seen through a root folder (C-1).
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

store_surface!(Store, Backend, aggregate);

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

    /// A store on an existing local folder: the embedded default
    /// ([`LocalBackend::open`](crate::LocalBackend::open)). A missing root, or one that is not a
    /// folder, is an error now rather than an empty store later.
    ///
    /// ```
    /// let dir = tempfile::tempdir()?;
    /// let store = store::Store::open_local(dir.path())?;
    /// assert!(store.is_folder("")?);
    /// assert!(store::Store::open_local(dir.path().join("typo")).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_local(dir: impl Into<std::path::PathBuf>) -> Result<Store> {
        crate::LocalBackend::open(dir).map(Store::new)
    }

    /// A store on a local folder that need not exist yet ([`LocalBackend::new`](crate::LocalBackend::new)):
    /// reads find nothing until it does, and the first write creates it. Prefer
    /// [`open_local`](Self::open_local) for a folder that should already be there.
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
}

/// Folds a listing into `info`, stopping at the first error.
fn aggregate(info: FolderInfo, files: ListIter<FileInfo>) -> Result<FolderInfo> {
    files.into_iter().try_fold(info, |mut info, file| {
        info.add(&file?);
        Ok(info)
    })
}
