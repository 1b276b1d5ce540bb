//! `World`: the calls of both stores behind one object-safe trait, so each conformance item is
//! written once and runs in the blocking and the async world.

use std::future::{ready, Future};
use std::io;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use super::group::Group;
use crate::api::BoxFuture;
use crate::{
    AsyncContent, AsyncStore, Capabilities, Content, DeleteFolderOptions, Entry, FileInfo,
    FolderEntry, FolderInfo, ListOptions, ResolutionPlan, Result, Store, StorePath, WriteOptions,
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
pub trait World: Send + Sync {
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
    fn exists<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>>;
    fn is_file<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>>;
    fn is_folder<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>>;
    /// `read`, drained chunk by chunk; the outer error is the call's own.
    fn read<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<Result<Vec<u8>>>>;
    fn read_bytes<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<Bytes>>;
    fn read_range<'a>(&'a self, p: &'a str, offset: u64, len: u64) -> BoxFuture<'a, Result<Bytes>>;
    fn read_text<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<String>>;
    fn write<'a>(
        &'a self,
        p: &'a str,
        data: Bytes,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>>;
    /// `write` with streamed content: a reader (sync) or a stream (async) over `chunks`.
    fn write_chunks<'a>(
        &'a self,
        p: &'a str,
        chunks: Vec<io::Result<Bytes>>,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>>;
    fn write_text<'a>(
        &'a self,
        p: &'a str,
        text: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>>;
    fn write_atomic<'a>(
        &'a self,
        p: &'a str,
        data: Bytes,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>>;
    fn write_atomic_chunks<'a>(
        &'a self,
        p: &'a str,
        chunks: Vec<io::Result<Bytes>>,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>>;
    /// `open_atomic`: the sync [`AtomicWriter`](crate::AtomicWriter) or the tokio
    /// [`AsyncAtomicWriter`](crate::AsyncAtomicWriter).
    fn open_atomic<'a>(
        &'a self,
        p: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<Box<dyn WorldWriter>>>;
    fn delete<'a>(&'a self, p: &'a str, missing_ok: bool) -> BoxFuture<'a, Result<()>>;
    fn delete_folder<'a>(
        &'a self,
        p: &'a str,
        o: &'a DeleteFolderOptions,
    ) -> BoxFuture<'a, Result<()>>;
    fn list_files<'a>(&'a self, p: &'a str, o: &'a ListOptions)
        -> BoxFuture<'a, Listing<FileInfo>>;
    fn list_folders<'a>(
        &'a self,
        p: &'a str,
        o: &'a ListOptions,
    ) -> BoxFuture<'a, Listing<FolderEntry>>;
    fn iter_children<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Listing<Entry>>;
    fn glob<'a>(&'a self, pattern: &'a str) -> BoxFuture<'a, Listing<FileInfo>>;
    fn rename<'a>(
        &'a self,
        src: &'a str,
        dst: &'a str,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>>;
    fn copy<'a>(&'a self, src: &'a str, dst: &'a str, overwrite: bool)
        -> BoxFuture<'a, Result<()>>;
    fn get_file_info<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<FileInfo>>;
    fn get_folder_info<'a>(
        &'a self,
        p: &'a str,
        max_depth: Option<usize>,
    ) -> BoxFuture<'a, Result<FolderInfo>>;
    fn head<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<WriteResult>>;
    fn ping(&self) -> BoxFuture<'_, Result<()>>;
    fn close(&self) -> BoxFuture<'_, Result<()>>;
}

fn now<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    Box::pin(ready(value))
}

fn collect<T>(listing: Result<crate::ListIter<T>>) -> Listing<T> {
    listing.map(Iterator::collect)
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
    fn exists<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>> {
        now(Store::exists(self, p))
    }
    fn is_file<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>> {
        now(Store::is_file(self, p))
    }
    fn is_folder<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>> {
        now(Store::is_folder(self, p))
    }
    fn read<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<Result<Vec<u8>>>> {
        now(Store::read(self, p).map(|mut r| {
            let mut out = Vec::new();
            io::Read::read_to_end(&mut r, &mut out)
                .map(|_| out)
                .map_err(crate::Error::from_io_unlocated)
        }))
    }
    fn read_bytes<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<Bytes>> {
        now(Store::read_bytes(self, p))
    }
    fn read_range<'a>(&'a self, p: &'a str, offset: u64, len: u64) -> BoxFuture<'a, Result<Bytes>> {
        now(Store::read_range(self, p, offset, len))
    }
    fn read_text<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<String>> {
        now(Store::read_text(self, p))
    }
    fn write<'a>(
        &'a self,
        p: &'a str,
        data: Bytes,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::write(self, p, data, o))
    }
    fn write_chunks<'a>(
        &'a self,
        p: &'a str,
        chunks: Vec<io::Result<Bytes>>,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::write(self, p, ChunkReader::content(chunks), o))
    }
    fn write_text<'a>(
        &'a self,
        p: &'a str,
        text: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::write_text(self, p, text, o))
    }
    fn write_atomic<'a>(
        &'a self,
        p: &'a str,
        data: Bytes,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::write_atomic(self, p, data, o))
    }
    fn open_atomic<'a>(
        &'a self,
        p: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<Box<dyn WorldWriter>>> {
        now(Store::open_atomic(self, p, o).map(|w| Box::new(w) as Box<dyn WorldWriter>))
    }
    fn write_atomic_chunks<'a>(
        &'a self,
        p: &'a str,
        chunks: Vec<io::Result<Bytes>>,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        now(Store::write_atomic(
            self,
            p,
            ChunkReader::content(chunks),
            o,
        ))
    }
    fn delete<'a>(&'a self, p: &'a str, missing_ok: bool) -> BoxFuture<'a, Result<()>> {
        now(Store::delete(self, p, missing_ok))
    }
    fn delete_folder<'a>(
        &'a self,
        p: &'a str,
        o: &'a DeleteFolderOptions,
    ) -> BoxFuture<'a, Result<()>> {
        now(Store::delete_folder(self, p, o))
    }
    fn list_files<'a>(
        &'a self,
        p: &'a str,
        o: &'a ListOptions,
    ) -> BoxFuture<'a, Listing<FileInfo>> {
        now(collect(Store::list_files(self, p, o)))
    }
    fn list_folders<'a>(
        &'a self,
        p: &'a str,
        o: &'a ListOptions,
    ) -> BoxFuture<'a, Listing<FolderEntry>> {
        now(collect(Store::list_folders(self, p, o)))
    }
    fn iter_children<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Listing<Entry>> {
        now(collect(Store::iter_children(self, p)))
    }
    fn glob<'a>(&'a self, pattern: &'a str) -> BoxFuture<'a, Listing<FileInfo>> {
        now(collect(Store::glob(self, pattern)))
    }
    fn rename<'a>(
        &'a self,
        src: &'a str,
        dst: &'a str,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        now(Store::rename(self, src, dst, overwrite))
    }
    fn copy<'a>(
        &'a self,
        src: &'a str,
        dst: &'a str,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        now(Store::copy(self, src, dst, overwrite))
    }
    fn get_file_info<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<FileInfo>> {
        now(Store::get_file_info(self, p))
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
    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        now(Store::ping(self))
    }
    fn close(&self) -> BoxFuture<'_, Result<()>> {
        now(Store::close(self))
    }
}

async fn drain(stream: Result<crate::ByteStream>) -> Result<Result<Vec<u8>>> {
    let mut stream = stream?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => out.extend_from_slice(&chunk),
            Err(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(out))
}

async fn collect_stream<T>(listing: Result<crate::ListStream<T>>) -> Listing<T> {
    Ok(listing?.collect().await)
}

fn chunk_stream(chunks: Vec<io::Result<Bytes>>) -> AsyncContent {
    AsyncContent::stream(stream::iter(chunks))
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
    fn exists<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>> {
        Box::pin(AsyncStore::exists(self, p))
    }
    fn is_file<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>> {
        Box::pin(AsyncStore::is_file(self, p))
    }
    fn is_folder<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<bool>> {
        Box::pin(AsyncStore::is_folder(self, p))
    }
    fn read<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<Result<Vec<u8>>>> {
        Box::pin(async move { drain(AsyncStore::read(self, p).await).await })
    }
    fn read_bytes<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<Bytes>> {
        Box::pin(AsyncStore::read_bytes(self, p))
    }
    fn read_range<'a>(&'a self, p: &'a str, offset: u64, len: u64) -> BoxFuture<'a, Result<Bytes>> {
        Box::pin(AsyncStore::read_range(self, p, offset, len))
    }
    fn read_text<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(AsyncStore::read_text(self, p))
    }
    fn write<'a>(
        &'a self,
        p: &'a str,
        data: Bytes,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::write(self, p, data, o))
    }
    fn write_chunks<'a>(
        &'a self,
        p: &'a str,
        chunks: Vec<io::Result<Bytes>>,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::write(self, p, chunk_stream(chunks), o))
    }
    fn write_text<'a>(
        &'a self,
        p: &'a str,
        text: &'a str,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::write_text(self, p, text, o))
    }
    fn write_atomic<'a>(
        &'a self,
        p: &'a str,
        data: Bytes,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::write_atomic(self, p, data, o))
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
    fn write_atomic_chunks<'a>(
        &'a self,
        p: &'a str,
        chunks: Vec<io::Result<Bytes>>,
        o: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(AsyncStore::write_atomic(self, p, chunk_stream(chunks), o))
    }
    fn delete<'a>(&'a self, p: &'a str, missing_ok: bool) -> BoxFuture<'a, Result<()>> {
        Box::pin(AsyncStore::delete(self, p, missing_ok))
    }
    fn delete_folder<'a>(
        &'a self,
        p: &'a str,
        o: &'a DeleteFolderOptions,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(AsyncStore::delete_folder(self, p, o))
    }
    fn list_files<'a>(
        &'a self,
        p: &'a str,
        o: &'a ListOptions,
    ) -> BoxFuture<'a, Listing<FileInfo>> {
        Box::pin(async move { collect_stream(AsyncStore::list_files(self, p, o).await).await })
    }
    fn list_folders<'a>(
        &'a self,
        p: &'a str,
        o: &'a ListOptions,
    ) -> BoxFuture<'a, Listing<FolderEntry>> {
        Box::pin(async move { collect_stream(AsyncStore::list_folders(self, p, o).await).await })
    }
    fn iter_children<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Listing<Entry>> {
        Box::pin(async move { collect_stream(AsyncStore::iter_children(self, p).await).await })
    }
    fn glob<'a>(&'a self, pattern: &'a str) -> BoxFuture<'a, Listing<FileInfo>> {
        Box::pin(async move { collect_stream(AsyncStore::glob(self, pattern).await).await })
    }
    fn rename<'a>(
        &'a self,
        src: &'a str,
        dst: &'a str,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(AsyncStore::rename(self, src, dst, overwrite))
    }
    fn copy<'a>(
        &'a self,
        src: &'a str,
        dst: &'a str,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(AsyncStore::copy(self, src, dst, overwrite))
    }
    fn get_file_info<'a>(&'a self, p: &'a str) -> BoxFuture<'a, Result<FileInfo>> {
        Box::pin(AsyncStore::get_file_info(self, p))
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
    fn ping(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(AsyncStore::ping(self))
    }
    fn close(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(AsyncStore::close(self))
    }
}

/// A blocking reader over prepared chunks, failing where a chunk is an `Err`.
pub(crate) struct ChunkReader {
    chunks: std::vec::IntoIter<io::Result<Bytes>>,
    current: Bytes,
}

impl ChunkReader {
    pub(crate) fn content(chunks: Vec<io::Result<Bytes>>) -> Content {
        Content::reader(ChunkReader {
            chunks: chunks.into_iter(),
            current: Bytes::new(),
        })
    }
}

impl io::Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.next() {
                None => return Ok(0),
                Some(chunk) => self.current = chunk?,
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
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
/// the async world on a two-worker tokio runtime. A group that does not fit the fixture fails
/// before the item runs, saying why.
pub fn run<F: Fixture>(
    group: Group,
    item: impl for<'a> FnOnce(&'a dyn World) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>,
    make: impl FnOnce() -> F,
) {
    let fixture = make();
    let world = fixture.world();
    if let Some(why) = group.misfit(world) {
        panic!("{why}");
    }
    match world.kind() {
        WorldKind::Sync => futures_executor::block_on(item(world)),
        WorldKind::Async => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(item(world)),
    }
}

#[allow(dead_code)]
fn _assert_object_safe(_: &dyn World) {}
