//! `Store`: the blocking API. Its I/O methods are generated from `api.rs`; this file holds
//! the type, what `new` accepts, the rest is in `mod.rs`, once for
//! both stores.

use std::sync::Arc;

use super::scope::Scope;
use super::{store_surface, Adapted, Native};
use crate::api::{AsyncBackend, AsyncBackendSyncAdapter, Backend};

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

store_surface!(Store, Backend, IntoBackend::into_backend, blocking);
