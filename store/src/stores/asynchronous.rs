//! `AsyncStore`: the tokio API. Its I/O methods are generated from `api.rs`; this file holds
//! the type, what `new` accepts, the rest is in `mod.rs`, once for
//! both stores.

use std::sync::Arc;

use super::scope::Scope;
use super::{store_surface, Adapted, Native};
use crate::api::{AsyncBackend, Backend, SyncBackendAdapter};

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
