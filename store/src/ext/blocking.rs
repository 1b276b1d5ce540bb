//! The extensions for blocking [`Store`]s: each function runs its async twin in
//! [`store::ext`](super) on a private runtime, over the store's own backend and root. Like
//! every blocking call, each refuses async code with `BlockingInAsync` first.

use std::path::Path;
use std::sync::Arc;

use super::{Algorithm, SyncOptions, TransferOptions, Transferred, TreeReport};
use crate::api::{Backend, SyncBackendAdapter};
use crate::content::ListIter;
use crate::entry::{ContentDigest, FileInfo};
use crate::error::{Error, Result};
use crate::{AsyncStore, Capability, Store};

/// `store` seen from the async world: its backend through the generated adapter and its root,
/// not owning the backend.
fn view(store: &Store, op: &'static str) -> Result<AsyncStore> {
    store.scope.refuse_blocking_in_async(op)?;
    let adapter = SyncBackendAdapter::<dyn Backend>::from_arc(Arc::clone(&store.backend));
    AsyncStore::shared(Arc::new(adapter), store.scope.root())
}

/// Both stores seen from the async world; over one backend, one adapter, so that the async
/// code sees one backend too (and copies server-side).
fn views(src: &Store, dst: &Store, op: &'static str) -> Result<(AsyncStore, AsyncStore)> {
    let source = view(src, op)?;
    if !Arc::ptr_eq(&src.backend, &dst.backend) {
        return Ok((source, view(dst, op)?));
    }
    let shared = Arc::clone(source.backend());
    Ok((source, AsyncStore::shared(shared, dst.scope.root())?))
}

/// Runs `work` to its end on a private current-thread runtime; the backends' blocking calls
/// go to its blocking pool, so transfers still overlap.
fn run<T>(work: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::other(format!("the extensions' runtime did not start: {e}")))?;
    runtime.block_on(work)
}

/// [`ext::transfer`](super::transfer) for blocking stores.
///
/// ```
/// use store::{MemoryBackend, Store, WriteOptions};
/// use store::ext::{blocking, TransferOptions};
/// let (src, dst) = (Store::new(MemoryBackend::new()), Store::new(MemoryBackend::new()));
/// src.write("a.txt", "hello", &WriteOptions::new())?;
/// let done = blocking::transfer(&src, "a.txt", &dst, "b.txt", &TransferOptions::new())?;
/// assert_eq!((done.bytes, dst.read_text("b.txt")?.as_str()), (5, "hello"));
/// # Ok::<(), store::Error>(())
/// ```
pub fn transfer(
    src: &Store,
    src_path: impl AsRef<str>,
    dst: &Store,
    dst_path: impl AsRef<str>,
    options: &TransferOptions,
) -> Result<Transferred> {
    let (s, d) = views(src, dst, "transfer")?;
    run(super::transfer(&s, src_path, &d, dst_path, options))
}

/// [`ext::upload`](super::upload) for a blocking store.
pub fn upload(
    store: &Store,
    local: impl AsRef<Path>,
    path: impl AsRef<str>,
    options: &TransferOptions,
) -> Result<Transferred> {
    let s = view(store, "upload")?;
    run(super::upload(&s, local, path, options))
}

/// [`ext::download`](super::download) for a blocking store.
pub fn download(
    store: &Store,
    path: impl AsRef<str>,
    local: impl AsRef<Path>,
    options: &TransferOptions,
) -> Result<Transferred> {
    let s = view(store, "download")?;
    run(super::download(&s, path, local, options))
}

/// [`ext::copy_tree`](super::copy_tree) for blocking stores.
///
/// ```
/// use store::{MemoryBackend, Store, WriteOptions};
/// use store::ext::{blocking, Action, SyncOptions};
/// let (src, dst) = (Store::new(MemoryBackend::new()), Store::new(MemoryBackend::new()));
/// src.write("docs/a.txt", "x", &WriteOptions::new())?;
/// let report = blocking::copy_tree(&src, "docs", &dst, "", &SyncOptions::new())?;
/// assert_eq!(report.count(Action::Copy), 1);
/// assert!(dst.exists("a.txt")?);
/// # Ok::<(), store::Error>(())
/// ```
pub fn copy_tree(
    src: &Store,
    src_folder: impl AsRef<str>,
    dst: &Store,
    dst_folder: impl AsRef<str>,
    options: &SyncOptions,
) -> Result<TreeReport> {
    let (s, d) = views(src, dst, "copy_tree")?;
    run(super::copy_tree(&s, src_folder, &d, dst_folder, options))
}

/// [`ext::sync`](super::sync) for blocking stores.
pub fn sync(
    src: &Store,
    src_folder: impl AsRef<str>,
    dst: &Store,
    dst_folder: impl AsRef<str>,
    options: &SyncOptions,
) -> Result<TreeReport> {
    let (s, d) = views(src, dst, "sync")?;
    run(super::sync(&s, src_folder, &d, dst_folder, options))
}

/// [`ext::delete_many`](super::delete_many) for a blocking store.
pub fn delete_many<P: AsRef<str>>(
    store: &Store,
    paths: impl IntoIterator<Item = P>,
    missing_ok: bool,
    concurrency: usize,
) -> Result<Vec<Result<()>>> {
    let s = view(store, "delete_many")?;
    run(super::delete_many(&s, paths, missing_ok, concurrency))
}

/// [`ext::copy_many`](super::copy_many) for a blocking store.
pub fn copy_many<P: AsRef<str>, Q: AsRef<str>>(
    store: &Store,
    pairs: impl IntoIterator<Item = (P, Q)>,
    overwrite: bool,
    concurrency: usize,
) -> Result<Vec<Result<()>>> {
    let s = view(store, "copy_many")?;
    run(super::copy_many(&s, pairs, overwrite, concurrency))
}

/// [`ext::exists_many`](super::exists_many) for a blocking store.
pub fn exists_many<P: AsRef<str>>(
    store: &Store,
    paths: impl IntoIterator<Item = P>,
    concurrency: usize,
) -> Result<Vec<Result<bool>>> {
    let s = view(store, "exists_many")?;
    run(super::exists_many(&s, paths, concurrency))
}

/// [`ext::checksum`](super::checksum) for a blocking store.
pub fn checksum(
    store: &Store,
    path: impl AsRef<str>,
    algorithm: Algorithm,
) -> Result<ContentDigest> {
    let s = view(store, "checksum")?;
    run(super::checksum(&s, path, algorithm))
}

/// [`ext::verify`](super::verify) for a blocking store.
pub fn verify(store: &Store, path: impl AsRef<str>, expected: &ContentDigest) -> Result<()> {
    let s = view(store, "verify")?;
    run(super::verify(&s, path, expected))
}

/// [`ext::glob_files`](super::glob_files) for a blocking store: the same choice of native glob
/// or filtered listing, pulled lazily as the iterator is.
///
/// ```
/// use store::{MemoryBackend, Store, WriteOptions};
/// let store = Store::new(MemoryBackend::new());
/// store.write("logs/2026/a.log", "x", &WriteOptions::new())?;
/// let found = store::ext::blocking::glob_files(&store, "logs/*/*.log")?.count();
/// assert_eq!(found, 1);
/// # Ok::<(), store::Error>(())
/// ```
pub fn glob_files(store: &Store, pattern: impl AsRef<str>) -> Result<ListIter<FileInfo>> {
    let pattern = pattern.as_ref();
    if store.supports(Capability::Glob) {
        return store.glob(pattern);
    }
    let (compiled, folder, options) = super::glob::fallback(pattern)?;
    let listed = store.list_files(folder.as_str(), &options)?;
    Ok(Box::new(listed.filter(move |file| match file {
        Ok(file) => compiled.matches(file.path.as_str()),
        Err(_) => true,
    })))
}
