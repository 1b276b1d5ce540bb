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
/// **For blocking code only, whatever the backend** ([C-7.9](crate::contract#C-7.9)): called from async code (a task
/// on a runtime worker, or a future inside `block_on`) every method answers
/// [`ErrorKind::BlockingInAsync`](crate::ErrorKind::BlockingInAsync) and changes nothing —
/// over a local folder or memory exactly as over S3 or SFTP, so code that passes on a local
/// folder in development does not fail on S3 in production. In async code use
/// [`AsyncStore`](crate::AsyncStore); to call a blocking store there on purpose, run the call
/// in `tokio::task::spawn_blocking` or `tokio::task::block_in_place`, which are blocking code.
/// Plain threads always work.
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
