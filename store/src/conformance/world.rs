//! `World`: the calls of both stores behind one object-safe trait, so each conformance item is
//! written once and runs in the blocking and the async world.

use std::future::Future;
use std::io;
use std::pin::Pin;

use super::calls::{describe, now, CallArgs};
use super::group::Group;
use crate::api::BoxFuture;
use crate::api::{CallByHand, StoreCalls};
use crate::{
    AsyncStore, Capabilities, FolderInfo, ResolutionPlan, Result, Store, StorePath, WriteOptions,
    WriteResult,
};

/// Which world a [`World`] drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldKind {
    /// [`Store`], the blocking API.
    Sync,
    /// [`AsyncStore`], the tokio API.
    Async,
}

/// The writer of [`World::open_atomic`], in either world.
#[allow(missing_docs)]
pub trait WorldWriter: Send {
    fn write_all<'a>(&'a mut self, data: &'a [u8]) -> BoxFuture<'a, io::Result<()>>;
    fn flush(&mut self) -> BoxFuture<'_, io::Result<()>>;
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<WriteResult>>;
    fn abort(self: Box<Self>) -> BoxFuture<'static, Result<()>>;
}

impl WorldWriter for crate::AtomicWriter {
    fn write_all<'a>(&'a mut self, data: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        now(io::Write::write_all(self, data))
    }
    fn flush(&mut self) -> BoxFuture<'_, io::Result<()>> {
        now(io::Write::flush(self))
    }
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<WriteResult>> {
        now(crate::AtomicWriter::commit(*self))
    }
    fn abort(self: Box<Self>) -> BoxFuture<'static, Result<()>> {
        now(crate::AtomicWriter::abort(*self))
    }
}

impl WorldWriter for crate::AsyncAtomicWriter {
    fn write_all<'a>(&'a mut self, data: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(tokio::io::AsyncWriteExt::write_all(self, data))
    }
    fn flush(&mut self) -> BoxFuture<'_, io::Result<()>> {
        Box::pin(tokio::io::AsyncWriteExt::flush(self))
    }
    fn commit(self: Box<Self>) -> BoxFuture<'static, Result<WriteResult>> {
        Box::pin(crate::AsyncAtomicWriter::commit(*self))
    }
    fn abort(self: Box<Self>) -> BoxFuture<'static, Result<()>> {
        Box::pin(crate::AsyncAtomicWriter::abort(*self))
    }
}

/// A listing, collected: the outer `Result` is the eager check, items keep their errors.
pub type Listing<T> = Result<Vec<Result<T>>>;

/// The store calls the items use, identical in both worlds. Streams are drained into memory;
/// items that need the raw stream use [`World::sync_store`] or [`World::async_store`].
#[allow(missing_docs)]
pub trait World: StoreCalls {
    fn kind(&self) -> WorldKind;
    fn sync_store(&self) -> Option<&Store>;
    fn async_store(&self) -> Option<&AsyncStore>;
    fn name(&self) -> &'static str;
    fn capabilities(&self) -> Capabilities;
    fn root(&self) -> StorePath;
    fn debug(&self) -> String;
    fn child(&self, sub: &str) -> Result<Box<dyn World>>;
    fn to_key(&self, native: &str) -> Result<StorePath>;
    fn native_path(&self, key: &str) -> Result<String>;
    fn resolve(&self, key: &str) -> Result<ResolutionPlan>;
    fn read_text<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<String>>;
    fn write_text<'a>(
        &'a self,
        p: &'a str,
        text: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>>;
    /// `open_atomic`: the sync [`AtomicWriter`](crate::AtomicWriter) or the tokio
    /// [`AsyncAtomicWriter`](crate::AsyncAtomicWriter).
    fn open_atomic<'a>(
        &'a self,
        p: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<Box<dyn WorldWriter>>>;
    fn get_folder_info<'a>(
        &'a self,
        p: &'a str,
        max_depth: Option<usize>,
    ) -> BoxFuture<'a, Result<FolderInfo>>;
    fn head<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<WriteResult>>;
    fn close(&self) -> BoxFuture<'_, Result<()>>;
}

impl World for Store {
    fn kind(&self) -> WorldKind {
        WorldKind::Sync
    }
    fn sync_store(&self) -> Option<&Store> {
        Some(self)
    }
    fn async_store(&self) -> Option<&AsyncStore> {
        None
    }
    fn name(&self) -> &'static str {
        Store::name(self)
    }
    fn capabilities(&self) -> Capabilities {
        Store::capabilities(self)
    }
    fn root(&self) -> StorePath {
        Store::root(self).clone()
    }
    fn debug(&self) -> String {
        format!("{self:?}")
    }
    fn child(&self, sub: &str) -> Result<Box<dyn World>> {
        Ok(Box::new(Store::child(self, sub)?))
    }
    fn to_key(&self, native: &str) -> Result<StorePath> {
        Store::to_key(self, native)
    }
    fn native_path(&self, key: &str) -> Result<String> {
        Store::native_path(self, key)
    }
    fn resolve(&self, key: &str) -> Result<ResolutionPlan> {
        Store::resolve(self, key)
    }
    fn read_text<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<String>> {
        now(Store::read_text(self, p))
    }
    fn write_text<'a>(
        &'a self,
        p: &'a str,
        text: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::write_text(self, p, text, o))
    }
    fn open_atomic<'a>(
        &'a self,
        p: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<Box<dyn WorldWriter>>> {
        now(Store::open_atomic(self, p, o).map(|w| Box::new(w) as Box<dyn WorldWriter>))
    }
    fn get_folder_info<'a>(
        &'a self,
        p: &'a str,
        max_depth: Option<usize>,
    ) -> BoxFuture<'a, Result<FolderInfo>> {
        now(Store::get_folder_info(self, p, max_depth))
    }
    fn head<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::head(self, p))
    }
    fn close(&self) -> BoxFuture<'_, Result<()>> {
        now(Store::close(self))
    }
}

impl World for AsyncStore {
    fn kind(&self) -> WorldKind {
        WorldKind::Async
    }
    fn sync_store(&self) -> Option<&Store> {
        None
    }
    fn async_store(&self) -> Option<&AsyncStore> {
        Some(self)
    }
    fn name(&self) -> &'static str {
        AsyncStore::name(self)
    }
    fn capabilities(&self) -> Capabilities {
        AsyncStore::capabilities(self)
    }
    fn root(&self) -> StorePath {
        AsyncStore::root(self).clone()
    }
    fn debug(&self) -> String {
        format!("{self:?}")
    }
    fn child(&self, sub: &str) -> Result<Box<dyn World>> {
        Ok(Box::new(AsyncStore::child(self, sub)?))
    }
    fn to_key(&self, native: &str) -> Result<StorePath> {
        AsyncStore::to_key(self, native)
    }
    fn native_path(&self, key: &str) -> Result<String> {
        AsyncStore::native_path(self, key)
    }
    fn resolve(&self, key: &str) -> Result<ResolutionPlan> {
        AsyncStore::resolve(self, key)
    }
    fn read_text<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(AsyncStore::read_text(self, p))
    }
    fn write_text<'a>(
        &'a self,
        p: &'a str,
        text: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::write_text(self, p, text, o))
    }
    fn open_atomic<'a>(
        &'a self,
        p: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<Box<dyn WorldWriter>>> {
        Box::pin(async move {
            AsyncStore::open_atomic(self, p, o)
                .await
                .map(|w| Box::new(w) as Box<dyn WorldWriter>)
        })
    }
    fn get_folder_info<'a>(
        &'a self,
        p: &'a str,
        max_depth: Option<usize>,
    ) -> BoxFuture<'a, Result<FolderInfo>> {
        Box::pin(AsyncStore::get_folder_info(self, p, max_depth))
    }
    fn head<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::head(self, p))
    }
    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(AsyncStore::close(self))
    }
}

/// The operations the stores write by hand, through the table: `call_close` closes.
impl CallByHand for Store {
    fn call_close<'a>(&'a self, _: &'a CallArgs) -> Option<BoxFuture<'a, Result<String>>> {
        Some(now(describe(Store::close(self))))
    }
    fn call_get_folder_info<'a>(
        &'a self,
        args: &'a CallArgs,
    ) -> Option<BoxFuture<'a, Result<String>>> {
        Some(now(describe(Store::get_folder_info(
            self,
            args.path(0),
            None,
        ))))
    }
    fn call_read_seekable<'a>(
        &'a self,
        args: &'a CallArgs,
    ) -> Option<BoxFuture<'a, Result<String>>> {
        Some(now(describe(Store::read_seekable(self, args.path(0)))))
    }
    fn call_open_atomic<'a>(&'a self, args: &'a CallArgs) -> Option<BoxFuture<'a, Result<String>>> {
        let writer = Store::open_atomic(self, args.path(0), &args.option::<WriteOptions>());
        Some(now(describe(writer.map(|w| w.abort()))))
    }
}

impl CallByHand for AsyncStore {
    fn call_close<'a>(&'a self, _: &'a CallArgs) -> Option<BoxFuture<'a, Result<String>>> {
        Some(Box::pin(
            async move { describe(AsyncStore::close(self).await) },
        ))
    }
    fn call_get_folder_info<'a>(
        &'a self,
        args: &'a CallArgs,
    ) -> Option<BoxFuture<'a, Result<String>>> {
        Some(Box::pin(async move {
            describe(AsyncStore::get_folder_info(self, args.path(0), None).await)
        }))
    }
    fn call_read_seekable<'a>(&'a self, _: &'a CallArgs) -> Option<BoxFuture<'a, Result<String>>> {
        None
    }
    fn call_open_atomic<'a>(&'a self, args: &'a CallArgs) -> Option<BoxFuture<'a, Result<String>>> {
        Some(Box::pin(async move {
            let options = args.option::<WriteOptions>();
            let writer = AsyncStore::open_atomic(self, args.path(0), &options).await;
            describe(match writer {
                Ok(writer) => Ok(writer.abort().await),
                Err(e) => Err(e),
            })
        }))
    }
}

/// What a fixture's backend documents of itself, for the items that check it against its
/// documentation: its id ([C-2.1](crate::contract#C-2.1)), its exact capability set ([C-5.4](crate::contract#C-5.4)), the detail keys of its
/// resolution plans ([C-5.7](crate::contract#C-5.7)), and whether it stores every valid name ([C-3.2](crate::contract#C-3.2)). The kit knows no
/// backend by name; what it is not told it does not check.
///
/// ```
/// use store::conformance::Declared;
/// use store::{Capabilities, Capability};
/// const MEMORY: Declared = Declared::new()
///     .name("memory")
///     .capabilities(Capabilities::GATES.with(Capability::AtomicMove))
///     .details(&[])
///     .any_name(true);
/// assert_eq!(MEMORY.declared_name(), Some("memory"));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Declared {
    name: Option<&'static str>,
    capabilities: Option<Capabilities>,
    details: Option<&'static [&'static str]>,
    any_name: bool,
}

impl Declared {
    /// Nothing declared: the items check what holds for every backend.
    pub const fn new() -> Self {
        Declared {
            name: None,
            capabilities: None,
            details: None,
            any_name: false,
        }
    }

    /// The backend's documented id.
    #[must_use]
    pub const fn name(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }

    /// The backend's documented capability set, exactly.
    #[must_use]
    pub const fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = Some(capabilities);
        self
    }

    /// The detail keys its resolution plans may hold.
    #[must_use]
    pub const fn details(mut self, keys: &'static [&'static str]) -> Self {
        self.details = Some(keys);
        self
    }

    /// Whether it stores every valid name, never refusing one with `InvalidPath`.
    #[must_use]
    pub const fn any_name(mut self, any: bool) -> Self {
        self.any_name = any;
        self
    }

    /// The documented id, if declared.
    pub fn declared_name(&self) -> Option<&'static str> {
        self.name
    }

    /// The documented capability set, if declared.
    pub fn declared_capabilities(&self) -> Option<Capabilities> {
        self.capabilities
    }

    /// The allowed detail keys, if declared.
    pub fn declared_details(&self) -> Option<&'static [&'static str]> {
        self.details
    }

    /// Whether every valid name is stored.
    pub fn stores_any_name(&self) -> bool {
        self.any_name
    }

    /// What the fixture of the running item declared ([`Declared::new`] outside an item).
    pub fn current() -> Declared {
        DECLARED.try_with(|d| *d).unwrap_or_default()
    }
}

tokio::task_local! {
    /// The running item's fixture data, set by [`run`].
    static DECLARED: Declared;
}

/// What a conformance test runs against: a store, or a store with a guard that must live as
/// long as the test (a temp folder, a server process).
pub trait Fixture {
    /// The store, as a world.
    fn world(&self) -> &dyn World;
}

impl Fixture for Store {
    fn world(&self) -> &dyn World {
        self
    }
}

impl Fixture for AsyncStore {
    fn world(&self) -> &dyn World {
        self
    }
}

impl<S: Fixture, G> Fixture for (S, G) {
    fn world(&self) -> &dyn World {
        self.0.world()
    }
}

/// Runs one item of `group` against a fresh fixture: the blocking world without any runtime,
/// the async world on a two-worker tokio runtime, with what the fixture `declared` in reach of
/// the items ([`Declared::current`]). A group that does not fit the fixture fails before the
/// item runs, saying why.
pub fn run<F: Fixture>(
    group: Group,
    declared: Declared,
    item: impl for<'a> FnOnce(&'a dyn World) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>,
    make: impl FnOnce() -> F,
) {
    let fixture = make();
    let world = fixture.world();
    if let Some(why) = group.misfit(world) {
        panic!("{why}");
    }
    let item = DECLARED.scope(declared, item(world));
    match world.kind() {
        WorldKind::Sync => futures_executor::block_on(item),
        WorldKind::Async => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(item),
    }
}
