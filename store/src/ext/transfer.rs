//! Moving one file: between two stores ([`transfer`]), from a local path ([`upload`]) and to
//! one ([`download`]). Bytes stream through in bounded memory; the destination is written
//! atomically where its backend can, so a failed or cancelled transfer leaves nothing there.

use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;

use super::digest::{self, Algorithm, Hasher};
use super::progress::{NoProgress, Progress};
use crate::content::ByteStream;
use crate::entry::ContentDigest;
use crate::error::{Error, ErrorKind, Result};
use crate::{AsyncContent, AsyncStore, Capability, WriteOptions, WriteResult};

/// The backend name that errors about the local side of [`upload`] and [`download`] carry.
pub const LOCAL_FS: &str = "local-fs";

/// How a transfer goes: overwrite or not, a digest computed on the way (and checked against a
/// re-read of the destination with `verify`), progress reports, and a cancel flag.
#[derive(Clone, Default)]
pub struct TransferOptions {
    pub(crate) overwrite: bool,
    pub(crate) checksum: Option<Algorithm>,
    pub(crate) verify: bool,
    pub(crate) progress: Option<Arc<dyn Progress>>,
    pub(crate) cancel: Option<Arc<AtomicBool>>,
}

impl TransferOptions {
    /// Create-only, no digest, no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replace an existing destination (off: an existing one is `AlreadyExists`).
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Computes the source's digest as it streams by; [`Transferred::digest`] holds it.
    pub fn checksum(mut self, algorithm: Algorithm) -> Self {
        self.checksum = Some(algorithm);
        self
    }

    /// Checks the destination after the write against the source's digest (SHA-256 unless
    /// [`checksum`](Self::checksum) chose another): against the digest the destination's write
    /// reported, where the backend gives one of that algorithm, else by reading it back. A
    /// mismatch is `InvalidData`, and the corrupt destination is deleted.
    pub fn verify(mut self, verify: bool) -> Self {
        self.verify = verify;
        self
    }

    /// Where progress goes (nothing by default).
    pub fn progress(mut self, progress: Arc<dyn Progress>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// A flag that cancels the transfer when set: the next chunk fails with `Other`
    /// ("cancelled") and the destination is left as it was. In async code dropping the future
    /// cancels too.
    pub fn cancel(mut self, flag: Arc<AtomicBool>) -> Self {
        self.cancel = Some(flag);
        self
    }

    pub(crate) fn reporter(&self) -> Arc<dyn Progress> {
        self.progress
            .clone()
            .unwrap_or_else(|| Arc::new(NoProgress))
    }

    fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// The algorithm a verify or checksum needs, if any.
    fn algorithm(&self) -> Option<Algorithm> {
        match (self.checksum, self.verify) {
            (Some(a), _) => Some(a),
            (None, true) => Some(Algorithm::Sha256),
            (None, false) => None,
        }
    }
}

impl std::fmt::Debug for TransferOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferOptions")
            .field("overwrite", &self.overwrite)
            .field("checksum", &self.checksum)
            .field("verify", &self.verify)
            .field("progress", &self.progress.is_some())
            .field("cancel", &self.cancel.is_some())
            .finish()
    }
}

/// What a transfer did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Transferred {
    /// Bytes moved (for a server-side copy, the file's size as the source reported it, or 0).
    pub bytes: u64,
    /// The source's digest, with [`TransferOptions::checksum`] or `verify`.
    pub digest: Option<ContentDigest>,
    /// Whether the backend copied it server-side (source and destination share a backend).
    pub server_side: bool,
    /// The destination write's result (`None` for a server-side copy or a download); its
    /// `digest` is the one computed on the way when the backend reported none (no shipped
    /// backend reports digests of its own today).
    pub written: Option<WriteResult>,
}

/// Copies the file `src_path` of `src` to `dst_path` of `dst`, streaming in bounded memory.
///
/// - The destination is written with `write_atomic` where `dst` declares AtomicWrite, so a
///   failed or cancelled transfer leaves no partial file; elsewhere with `write`.
/// - Stores over the same backend copy server-side (no bytes through this process), unless
///   a checksum or verify is asked for.
/// - Errors: those of `src.read` and of the destination write (`AlreadyExists` without
///   `overwrite`), `InvalidData` for a failed verify.
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext::{self, Algorithm, TransferOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (src, dst) = (AsyncStore::new(MemoryBackend::new()), AsyncStore::new(MemoryBackend::new()));
/// src.write("photo.jpg", vec![7u8; 100_000], &WriteOptions::new()).await?;
/// let options = TransferOptions::new().checksum(Algorithm::Sha256).verify(true);
/// let done = ext::transfer(&src, "photo.jpg", &dst, "backup/photo.jpg", &options).await?;
/// assert_eq!(done.bytes, 100_000);
/// assert!(done.digest.is_some());
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn transfer(
    src: &AsyncStore,
    src_path: impl AsRef<str>,
    dst: &AsyncStore,
    dst_path: impl AsRef<str>,
    options: &TransferOptions,
) -> Result<Transferred> {
    transfer_sized(
        src,
        src_path.as_ref(),
        dst,
        dst_path.as_ref(),
        None,
        options,
    )
    .await
}

/// [`transfer`], with the source's size when the caller knows it (a listing did).
pub(crate) async fn transfer_sized(
    src: &AsyncStore,
    src_path: &str,
    dst: &AsyncStore,
    dst_path: &str,
    size: Option<u64>,
    options: &TransferOptions,
) -> Result<Transferred> {
    let work = run(src, src_path, dst, dst_path, size, options);
    reported(options, dst_path, size, work).await
}

/// Runs `work` for `path` between the progress reports of its start and of its end.
async fn reported<T>(
    options: &TransferOptions,
    path: &str,
    size: Option<u64>,
    work: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    let progress = options.reporter();
    progress.start(path, size);
    let outcome = work.await;
    match &outcome {
        Ok(_) => progress.finish(path),
        Err(e) => progress.failed(path, e),
    }
    outcome
}

async fn run(
    src: &AsyncStore,
    src_path: &str,
    dst: &AsyncStore,
    dst_path: &str,
    size: Option<u64>,
    options: &TransferOptions,
) -> Result<Transferred> {
    if options.cancelled() {
        return Err(cancelled(dst_path));
    }
    if options.algorithm().is_none() && same_backend(src, dst) && dst.supports(Capability::Copy) {
        let backend = AsyncStore::from_arc(Arc::clone(src.backend()));
        let (from, to) = (full_key(src, src_path), full_key(dst, dst_path));
        backend.copy(&from, &to, options.overwrite).await?;
        let size = size.unwrap_or(0);
        options.reporter().advance(dst_path, size);
        return Ok(Transferred {
            bytes: size,
            digest: None,
            server_side: true,
            written: None,
        });
    }
    let stream = src.read(src_path).await?;
    write_stream(dst, dst_path, stream, options).await
}

/// Writes `stream` to `path` of `store` (atomically where it can), counting, hashing and
/// reporting on the way, then verifies it if asked to.
async fn write_stream(
    store: &AsyncStore,
    path: &str,
    stream: ByteStream,
    options: &TransferOptions,
) -> Result<Transferred> {
    let (tapped, tap) = Tap::wrap(stream, path, options.algorithm(), options);
    let write = WriteOptions::new().overwrite(options.overwrite);
    let content = AsyncContent::from(tapped);
    let mut written = match store.supports(Capability::AtomicWrite) {
        true => store.write_atomic(path, content, &write).await?,
        false => store.write(path, content, &write).await?,
    };
    let digest = tap.digest();
    verify_written(
        store,
        path,
        options,
        digest.as_ref(),
        written.digest.as_ref(),
    )
    .await?;
    if written.digest.is_none() {
        // The client knows it now: the result carries it.
        written.digest = digest.clone();
    }
    Ok(Transferred {
        bytes: tap.bytes(),
        digest,
        server_side: false,
        written: Some(written),
    })
}

/// Whether two stores share one backend object.
fn same_backend(a: &AsyncStore, b: &AsyncStore) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a.backend()), Arc::as_ptr(b.backend()))
}

/// `path` of `store` as a key from its backend's root (validated by the call it goes to).
fn full_key(store: &AsyncStore, path: &str) -> String {
    match store.root().is_root() {
        true => path.to_owned(),
        false => format!("{}/{}", store.root().as_str(), path.trim_start_matches('/')),
    }
}

fn cancelled(path: &str) -> Error {
    Error::new(ErrorKind::Other, "cancelled").with_path(path)
}

/// What the tap saw, shared with the caller.
#[derive(Default)]
struct Seen {
    bytes: std::sync::atomic::AtomicU64,
    digest: std::sync::Mutex<Option<ContentDigest>>,
}

struct TapHandle(Arc<Seen>);

impl TapHandle {
    fn bytes(&self) -> u64 {
        self.0.bytes.load(Ordering::Relaxed)
    }

    fn digest(&self) -> Option<ContentDigest> {
        self.0
            .digest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The source stream on its way to the destination: counts, hashes, reports progress and
/// fails at the next chunk once cancelled.
struct Tap {
    inner: ByteStream,
    path: String,
    hasher: Option<Hasher>,
    seen: Arc<Seen>,
    progress: Arc<dyn Progress>,
    cancel: Option<Arc<AtomicBool>>,
}

impl Tap {
    /// The tapped stream and the handle that reads what it saw.
    fn wrap(
        inner: ByteStream,
        path: &str,
        algorithm: Option<Algorithm>,
        options: &TransferOptions,
    ) -> (ByteStream, TapHandle) {
        let seen = Arc::new(Seen::default());
        let tap = Tap {
            inner,
            path: path.to_owned(),
            hasher: algorithm.map(Algorithm::hasher),
            seen: Arc::clone(&seen),
            progress: options.reporter(),
            cancel: options.cancel.clone(),
        };
        (Box::pin(tap), TapHandle(seen))
    }
}

impl Stream for Tap {
    type Item = Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            return Poll::Ready(Some(Err(cancelled(&self.path))));
        }
        let polled = self.inner.poll_next_unpin(cx);
        match &polled {
            Poll::Ready(Some(Ok(chunk))) => {
                let n = chunk.len() as u64;
                if let Some(hasher) = self.hasher.as_mut() {
                    hasher.update(chunk);
                }
                self.seen.bytes.fetch_add(n, Ordering::Relaxed);
                self.progress.advance(&self.path, n);
            }
            Poll::Ready(None) => {
                if let Some(hasher) = self.hasher.take() {
                    *self.seen.digest.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(hasher.finish());
                }
            }
            _ => {}
        }
        polled
    }
}

/// Copies the local file `local` to `path` of `store`, as [`transfer`] does. The local side is
/// checked first: a missing file is `NotFound` and a folder `InvalidPath`, with backend
/// [`LOCAL_FS`] and the path as given.
///
/// ```
/// use store::{AsyncStore, MemoryBackend};
/// use store::ext::{self, TransferOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("report.csv"), "a,b\n")?;
/// let store = AsyncStore::new(MemoryBackend::new());
/// ext::upload(&store, dir.path().join("report.csv"), "in/report.csv", &TransferOptions::new()).await?;
/// assert_eq!(store.read_text("in/report.csv").await?, "a,b\n");
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn upload(
    store: &AsyncStore,
    local: impl AsRef<Path>,
    path: impl AsRef<str>,
    options: &TransferOptions,
) -> Result<Transferred> {
    let local = local.as_ref();
    let shown = local.display().to_string();
    let meta = tokio::fs::metadata(local)
        .await
        .map_err(|e| local_error(e, &shown))?;
    if !meta.is_file() {
        return Err(Error::invalid_path(shown, "not a file").with_backend(LOCAL_FS));
    }
    let file = tokio::fs::File::open(local)
        .await
        .map_err(|e| local_error(e, &shown))?;
    let path = path.as_ref();
    let stream: ByteStream = Box::pin(
        tokio_util::io::ReaderStream::with_capacity(file, crate::content::CHUNK_SIZE)
            .map(move |chunk| chunk.map_err(|e| local_error(e, &shown))),
    );
    let work = write_stream(store, path, stream, options);
    reported(options, path, Some(meta.len()), work).await
}

/// With `verify`, checks what was written at `path` against `expected`: against the digest the
/// destination's write reported where it is of the same algorithm, else against a re-read. A
/// mismatch deletes the corrupt destination and is `InvalidData`.
async fn verify_written(
    store: &AsyncStore,
    path: &str,
    options: &TransferOptions,
    expected: Option<&ContentDigest>,
    reported: Option<&ContentDigest>,
) -> Result<()> {
    let (true, Some(expected)) = (options.verify, expected) else {
        return Ok(());
    };
    let algorithm = digest::algorithm_of(expected)?;
    let found = match reported.filter(|d| d.algorithm.eq_ignore_ascii_case(algorithm.name())) {
        Some(reported) => reported.clone(),
        None => digest::checksum(store, path, algorithm).await?,
    };
    if let Err(mismatch) = digest::check(path, expected, &found) {
        // What this call wrote is corrupt: it goes, the error stays.
        let _ = store.delete(path, true).await;
        return Err(mismatch);
    }
    Ok(())
}

/// Copies `path` of `store` to the local file `local`: into a temp file beside it, renamed
/// into place once whole, so a failed or cancelled download leaves nothing. An existing
/// `local` without `overwrite` is `AlreadyExists`, a missing parent folder `NotFound`, both
/// with backend [`LOCAL_FS`], checked before the store is read.
///
/// ```
/// use store::{AsyncStore, MemoryBackend, WriteOptions};
/// use store::ext::{self, TransferOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// store.write("out/report.csv", "a,b\n", &WriteOptions::new()).await?;
/// let dir = tempfile::tempdir()?;
/// let local = dir.path().join("report.csv");
/// ext::download(&store, "out/report.csv", &local, &TransferOptions::new()).await?;
/// assert_eq!(std::fs::read_to_string(&local)?, "a,b\n");
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
pub async fn download(
    store: &AsyncStore,
    path: impl AsRef<str>,
    local: impl AsRef<Path>,
    options: &TransferOptions,
) -> Result<Transferred> {
    let local = local.as_ref().to_path_buf();
    let shown = local.display().to_string();
    let exists = tokio::fs::symlink_metadata(&local).await.is_ok();
    if exists && !options.overwrite {
        return Err(Error::already_exists(shown).with_backend(LOCAL_FS));
    }
    let parent = match local.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !tokio::fs::metadata(&parent).await.is_ok_and(|m| m.is_dir()) {
        return Err(Error::not_found(shown).with_backend(LOCAL_FS));
    }
    let path = path.as_ref();
    let work = download_into(store, path, &local, &parent, options);
    reported(options, path, None, work).await
}

async fn download_into(
    store: &AsyncStore,
    path: &str,
    local: &Path,
    parent: &Path,
    options: &TransferOptions,
) -> Result<Transferred> {
    use tokio::io::AsyncWriteExt;
    let shown = local.display().to_string();
    let stream = store.read(path).await?;
    let (mut tapped, tap) = Tap::wrap(stream, path, options.algorithm(), options);
    let parent_owned = parent.to_path_buf();
    let temp = tokio::task::spawn_blocking(move || tempfile::NamedTempFile::new_in(parent_owned))
        .await
        .map_err(|e| Error::other(format!("the temp file task failed: {e}")))?
        .map_err(|e| local_error(e, &shown))?;
    let (std_file, temp_path) = temp.into_parts();
    let mut file = tokio::fs::File::from_std(std_file);
    // `temp_path` removes the temp when dropped, on every early return below.
    while let Some(chunk) = tapped.next().await {
        file.write_all(&chunk?)
            .await
            .map_err(|e| local_error(e, &shown))?;
    }
    file.sync_all().await.map_err(|e| local_error(e, &shown))?;
    drop(file);
    let overwrite = options.overwrite;
    let target = local.to_path_buf();
    tokio::task::spawn_blocking(move || match overwrite {
        true => temp_path.persist(&target).map_err(|e| e.error),
        false => temp_path.persist_noclobber(&target).map_err(|e| e.error),
    })
    .await
    .map_err(|e| Error::other(format!("the rename task failed: {e}")))?
    .map_err(|e| local_error(e, &shown))?;
    Ok(Transferred {
        bytes: tap.bytes(),
        digest: tap.digest(),
        server_side: false,
        written: None,
    })
}

/// An error of the local side, with the path as the caller gave it.
fn local_error(err: std::io::Error, shown: &str) -> Error {
    let kind = match err.kind() {
        std::io::ErrorKind::NotFound => ErrorKind::NotFound,
        std::io::ErrorKind::AlreadyExists => ErrorKind::AlreadyExists,
        std::io::ErrorKind::PermissionDenied => ErrorKind::PermissionDenied,
        _ => ErrorKind::Other,
    };
    Error::new(kind, err.to_string())
        .with_path(shown)
        .with_backend(LOCAL_FS)
}
