//! Layers: code that wraps every operation of a backend, written once against the hooks of
//! [`Layer`] and applied to every operation of the definition by the generated
//! [`Layered`](crate::Layered), in both worlds. A layer holds only what it intercepts; an
//! operation added to `api.rs` passes through every layer at the next build ([C-7.8](crate::contract#C-7.8)).
//!
//! ```
//! use store::{Capabilities, Capability, Layer, MemoryBackend, Store, WriteOptions};
//!
//! /// Hides Glob: the stores then refuse `glob` with `Unsupported(Glob)`.
//! struct NoGlob;
//!
//! impl Layer for NoGlob {
//!     fn capabilities(&self, inner: Capabilities) -> Capabilities {
//!         inner.without(Capability::Glob)
//!     }
//! }
//!
//! let store = Store::new(MemoryBackend::new()).layer(NoGlob);
//! store.write("a.txt", "a", &WriteOptions::new())?;
//! assert!(store.glob("*.txt").is_err());
//! # Ok::<(), store::Error>(())
//! ```

use crate::api::BoxFuture;
use crate::capability::Capabilities;
use crate::content::{AsyncContent, ByteStream, Content, ListIter, ListStream, ReadStream};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::path::StorePath;
use crate::reopen::Source;
// The names the definition spells its types with, for the per-operation hooks.
#[allow(unused_imports)]
use crate::__private::names::*;

/// One call as a layer sees it: the operation's entry in [`OPERATIONS`](crate::OPERATIONS),
/// the backend's name, and the call's keys (its path arguments, full backend keys).
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    operation: &'static Operation,
    backend: &'static str,
    keys: [Option<&'a StorePath>; 2],
    source: Option<Source<'a>>,
    repeatable: bool,
}

impl<'a> Call<'a> {
    /// The operation called.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// The name of the backend below the layers.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// The keys of the call, in the order of its path arguments (a glob has none).
    pub fn keys(&self) -> impl Iterator<Item = &'a StorePath> {
        self.keys.into_iter().flatten()
    }

    /// Where the bytes come from, for an operation that returns a byte stream: the file and
    /// range read, on the backend below the layer, which a layer may stat and open again.
    pub fn source(&self) -> Option<Source<'a>> {
        self.source
    }

    /// Whether repeating this call cannot change its outcome even if it was applied: an
    /// operation that changes nothing, or one whose argument says so
    /// ([`Operation::repeatable_if`]: `delete` with `missing_ok`, `copy` over, a `write`
    /// that overwrites without precondition). Content that was a stream is sent once all
    /// the same.
    pub fn is_repeatable(&self) -> bool {
        !self.operation.mutates || self.repeatable
    }

    /// This call, repeatable even if applied when `repeatable` (see [`is_repeatable`](Self::is_repeatable)).
    #[doc(hidden)]
    #[must_use]
    pub fn repeatable(mut self, repeatable: bool) -> Self {
        self.repeatable = repeatable;
        self
    }

    /// This call, reading from `source`.
    #[doc(hidden)]
    #[must_use]
    pub fn reading(mut self, source: Source<'a>) -> Self {
        self.source = Some(source);
        self
    }
}

/// What the generated [`Layered`](crate::Layered) builds each [`Call`] with.
#[doc(hidden)]
#[inline(always)]
pub fn call<'a>(
    operation: &'static Operation,
    backend: &'static str,
    keys: [Option<&'a StorePath>; 2],
) -> Call<'a> {
    Call {
        operation,
        backend,
        keys,
        source: None,
        repeatable: false,
    }
}

/// The hooks of a layer. Every one has a default that changes nothing, so a layer writes only
/// what it intercepts; [`Layered`](crate::Layered) runs them for every operation of the
/// definition, in the world of the backend below.
///
/// - [`around`](Layer::around) and [`around_blocking`](Layer::around_blocking) run the call:
///   `next` makes one attempt of it (the next layer, or the backend), and may be asked again
///   (a retry); it answers `None` when the call cannot be made again because its content was
///   a stream or a reader, now consumed.
/// - [`around_stream`](Layer::around_stream) and [`around_reader`](Layer::around_reader) run a
///   call that returns a byte stream, by default as `around`: a layer that wraps the stream
///   with the call's [`source`](Call::source) (to open the rest again) takes it here.
/// - the stream hooks see each byte stream and listing the operation returns; they run only
///   where [`WRAPS_STREAMS`](Layer::WRAPS_STREAMS) is `true`, so a layer that does not wrap
///   streams costs no allocation for them.
/// - [`capabilities`](Layer::capabilities) gives the effective set over the backend's
///   ([C-5.2](crate::contract#C-5.2)); the stores gate on it.
///
/// A layer can also take single operations itself with [`#[store::layer]`](macro@crate::layer),
/// each written as it is in the definition, the backend below first; the others go through
/// the hooks above:
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use store::{AsyncBackend, Backend, MemoryBackend, Result, Store, StorePath, WriteOptions};
///
/// /// Counts deletes, in both worlds.
/// #[derive(Default)]
/// struct CountDeletes(AtomicU64);
///
/// #[store::layer]
/// impl CountDeletes {
///     fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: bool) -> Result<()> {
///         self.0.fetch_add(1, Ordering::Relaxed);
///         inner.delete(path, missing_ok)
///     }
///
///     async fn delete(
///         &self,
///         inner: &impl AsyncBackend,
///         path: &StorePath,
///         missing_ok: bool,
///     ) -> Result<()> {
///         self.0.fetch_add(1, Ordering::Relaxed);
///         inner.delete(path, missing_ok).await
///     }
/// }
///
/// let store = Store::new(MemoryBackend::new()).layer(CountDeletes::default());
/// store.write("a.txt", "a", &WriteOptions::new())?;
/// store.delete("a.txt", false)?;
/// assert!(!store.exists("a.txt")?);
/// # Ok::<(), store::Error>(())
/// ```
pub trait Layer: Send + Sync + 'static {
    /// Whether the stream hooks are to run.
    const WRAPS_STREAMS: bool = false;

    /// The capabilities the layered backend declares, over `inner`'s.
    fn capabilities(&self, inner: Capabilities) -> Capabilities {
        inner
    }

    /// Runs `call` in the async world: by default one attempt, as `next` makes it.
    fn around<'a, T, N>(&'a self, call: Call<'a>, mut next: N) -> BoxFuture<'a, Result<T>>
    where
        T: Send + 'a,
        N: FnMut() -> Option<BoxFuture<'a, Result<T>>> + Send + 'a,
    {
        next().unwrap_or_else(|| refused(spent(&call)))
    }

    /// Runs `call` in the blocking world: by default one attempt, as `next` makes it.
    #[inline(always)]
    fn around_blocking<T, N>(&self, call: Call<'_>, mut next: N) -> Result<T>
    where
        N: FnMut() -> Option<Result<T>>,
    {
        next().unwrap_or_else(|| Err(spent(&call)))
    }

    /// Runs a call that returns a byte stream, in the async world: by default as
    /// [`around`](Layer::around). A layer that needs the stream itself (to resume it) takes
    /// it here, with the call's [`source`](Call::source).
    fn around_stream<'a, N>(&'a self, call: Call<'a>, next: N) -> BoxFuture<'a, Result<ByteStream>>
    where
        N: FnMut() -> Option<BoxFuture<'a, Result<ByteStream>>> + Send + 'a,
    {
        self.around(call, next)
    }

    /// Runs a call that returns a byte stream, in the blocking world: by default as
    /// [`around_blocking`](Layer::around_blocking).
    fn around_reader<N>(&self, call: Call<'_>, next: N) -> Result<ReadStream>
    where
        N: FnMut() -> Option<Result<ReadStream>>,
    {
        self.around_blocking(call, next)
    }

    /// An async byte stream the operation returned.
    fn bytes(&self, call: &Call<'_>, stream: ByteStream) -> ByteStream {
        let _ = call;
        stream
    }

    /// A blocking byte stream the operation returned.
    fn reader(&self, call: &Call<'_>, reader: ReadStream) -> ReadStream {
        let _ = call;
        reader
    }

    /// An async listing the operation returned.
    fn listing<T: Send + 'static>(&self, call: &Call<'_>, items: ListStream<T>) -> ListStream<T> {
        let _ = call;
        items
    }

    /// A blocking listing the operation returned.
    fn list_iter<T: Send + 'static>(&self, call: &Call<'_>, items: ListIter<T>) -> ListIter<T> {
        let _ = call;
        items
    }

    // One hook per operation and world, generated from the definition: by default `around`
    // and the stream hooks above; `#[store::layer]` overrides those a layer takes itself.
    __layer_operations!();
}

/// Layers put around a backend before it goes into a store: `backend.layer(a).layer(b)` is a
/// `Layered<B, Layered<A, Backend>>`, one type, so a call crosses the whole stack without a
/// dynamic dispatch between layers. [`Store::layer`](crate::Store::layer) adds a layer to a
/// store whose backend type is erased, one dynamic call per layer; for a deep stack on a hot
/// path, build it here.
///
/// ```
/// use store::layers::{Limit, Retry};
/// use store::{LayerExt, MemoryBackend, Store, WriteOptions};
///
/// let store = Store::new(MemoryBackend::new().layer(Limit::new(8)).layer(Retry::new()));
/// store.write("a.txt", "a", &WriteOptions::new())?;
/// assert_eq!(store.read_text("a.txt")?, "a");
/// # Ok::<(), store::Error>(())
/// ```
pub trait LayerExt: Sized + Send + Sync + 'static {
    /// This backend with `layer` around it.
    fn layer<L: Layer>(self, layer: L) -> crate::Layered<L, Self> {
        crate::Layered::new(layer, std::sync::Arc::new(self))
    }
}

impl<B: Send + Sync + 'static> LayerExt for B {}

/// What an argument named by `repeatable_if` says: that repeating the call cannot change its
/// outcome even if the first attempt was applied.
#[doc(hidden)]
pub trait RepeatableIf {
    /// Whether the call may be repeated.
    fn repeatable(&self) -> bool;
}

/// `missing_ok` of a delete, `overwrite` of a copy: `true` gives the same outcome twice.
impl RepeatableIf for bool {
    fn repeatable(&self) -> bool {
        *self
    }
}

/// An overwrite without precondition writes the same bytes to the same outcome twice.
impl RepeatableIf for crate::options::WriteOptions {
    fn repeatable(&self) -> bool {
        self.overwrite && self.precondition.is_none()
    }
}

/// A folder deleted with `missing_ok` is as gone the second time.
impl RepeatableIf for crate::options::DeleteFolderOptions {
    fn repeatable(&self) -> bool {
        self.missing_ok
    }
}

impl<T: RepeatableIf + ?Sized> RepeatableIf for &T {
    fn repeatable(&self) -> bool {
        (**self).repeatable()
    }
}

/// A call refused before any attempt, as `around`'s answer.
pub fn refused<'a, T: Send + 'a>(error: Error) -> BoxFuture<'a, Result<T>> {
    Box::pin(std::future::ready(Err(error)))
}

/// The error of a second attempt at a call whose content was consumed by the first.
fn spent(call: &Call<'_>) -> Error {
    Error::other(format!(
        "{} cannot be made again: its content was a stream, consumed by the first attempt",
        call.operation.name
    ))
    .with_backend(call.backend)
}

/// Content of either world as [`replay`] sees it: bytes can be sent again, a reader or a
/// stream once.
#[doc(hidden)]
pub trait Replayable: Sized {
    /// A copy, where the content is bytes.
    fn again(&self) -> Option<Self>;
}

impl Replayable for Content {
    fn again(&self) -> Option<Self> {
        match self {
            Content::Bytes(bytes) => Some(Content::Bytes(bytes.clone())),
            Content::Reader(_) => None,
        }
    }
}

impl Replayable for AsyncContent {
    fn again(&self) -> Option<Self> {
        match self {
            AsyncContent::Bytes(bytes) => Some(AsyncContent::Bytes(bytes.clone())),
            AsyncContent::Stream(_) => None,
        }
    }
}

/// The content of one more attempt: bytes again, or a reader or stream the first time only.
#[doc(hidden)]
pub fn replay<C: Replayable>(content: &mut Option<C>) -> Option<C> {
    match content.as_ref().and_then(Replayable::again) {
        Some(copy) => Some(copy),
        None => content.take(),
    }
}
