//! [`ObjectStoreBackend`]: any `object_store::ObjectStore` as a flat, natively async backend.
//! This file holds the type, its settings and its one implementation of the definition; the
//! folder rules over a flat store are in `verdicts.rs`, writes in `write.rs`, listings in
//! `listing.rs`, copies, renames and deletes in `transfer.rs`, and what HTTP headers carry in
//! `headers.rs`.

mod headers;
mod listing;
mod transfer;
mod verdicts;
mod write;

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};

use crate::capability::{Capabilities, Capability};
use crate::content::{AsyncContent, ByteStream, ListStream};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::{Error, ErrorKind, Result};
use crate::interop::object_store::parts::UPLOAD_CONCURRENCY;
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::write_result::WriteResult;

/// Any [`ObjectStore`] as a `store` backend: S3, Azure, GCS and HTTP through object_store's
/// own clients, or its `InMemory` and `LocalFileSystem`, with the folder rules of a flat
/// namespace ([C-2.14](crate::contract#C-2.14)), the contract's errors, and both worlds (`Store::new` runs it on a
/// private runtime thread).
///
/// ```
/// use std::sync::Arc;
/// use store::interop::object_store::ObjectStoreBackend;
/// use store::{AsyncStore, WriteOptions};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let objects = Arc::new(object_store::memory::InMemory::new());
/// let store = AsyncStore::new(ObjectStoreBackend::new(objects));
/// store.write("a/b.txt", "hi", &WriteOptions::new()).await?;
/// assert!(store.is_folder("a").await?); // implied by the key below it
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
///
/// - Folders are prefixes: one exists while a key lies below it, none is ever written, and it
///   goes with its last file. A non-recursive `delete_folder` of one is `DirectoryNotEmpty`.
/// - The write-side folder checks (a folder at the key, a file among its ancestors) cost a
///   request per ancestor, so they are off unless [`with_check_ancestors`](Self::with_check_ancestors)
///   turns them on; the read side checks on the error path only.
/// - Create-only writes use `PutMode::Create` and `if_match` uses `PutMode::Update`, one step
///   at the service. Streamed content up to 8 MiB is one `put` too; longer content goes up in
///   8 MiB parts cut from the caller's chunks without copying, up to
///   [`with_upload_concurrency`](Self::with_upload_concurrency) of them (4) in flight while
///   more is read, and an upload that fails or is dropped is aborted, so no part is ever
///   visible. For such a multipart write a create-only or `if_match` condition is
///   checked just before the upload starts, since completions take no precondition: a writer
///   landing in between is overwritten (the check-then-write race [C-2.8](crate::contract#C-2.8) asks to name).
/// - `rename` is the service's rename, a copy and a delete on most: not atomic (no
///   AtomicMove). If the delete fails both copies remain and the error is returned.
/// - Each call sends its operation first and probes only when it fails: a copy, a rename or a
///   delete of a missing object costs the failed request and one listing to tell a folder
///   from nothing. One-level listings are one delimited listing, collected page by page by
///   the service's client; recursive ones stream.
/// - A write reports the etag and the version id the service returned; its response has no
///   modification time or digest, so those are `None`.
/// - Capabilities: every gate, LazyRead, WriteResultNative, UserMetadata, ConditionalWrite and Attributes; a
///   service that lacks one answers NotImplemented, which becomes `Unsupported`, and
///   [`without`](Self::without) takes it out of the declared set.
#[derive(Clone)]
pub struct ObjectStoreBackend {
    store: Arc<dyn ObjectStore>,
    name: &'static str,
    capabilities: Capabilities,
    check_ancestors: bool,
    native_root: String,
    /// Create-only copies and renames as a check and then an overwriting copy, for services
    /// whose one-step create-only copy loses the object's metadata (S3's multipart copy).
    check_then_copy: bool,
    /// The service answers a DELETE of a missing object with NotFound (Azure), so a delete
    /// needs no HEAD first; S3 answers it with success.
    deletes_report_missing: bool,
    upload_concurrency: usize,
}

impl ObjectStoreBackend {
    /// A backend over `store`, named `object-store`, without ancestor checks.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        ObjectStoreBackend {
            store,
            name: "object-store",
            capabilities: Self::CAPABILITIES,
            check_ancestors: false,
            native_root: String::new(),
            check_then_copy: false,
            deletes_report_missing: false,
            upload_concurrency: UPLOAD_CONCURRENCY,
        }
    }

    /// The same backend under another stable name (the configurations built on it, such as
    /// an S3 backend, use their own).
    #[must_use]
    pub fn with_name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Without `cap`, for a service that lacks it (object_store's `LocalFileSystem` has no
    /// conditional update, attributes or metadata).
    #[must_use]
    pub fn without(mut self, cap: Capability) -> Self {
        self.capabilities = self.capabilities.without(cap);
        self
    }

    /// Turns on the write-side folder checks ([C-2.14](crate::contract#C-2.14)): each write and each rename or copy
    /// destination first looks at every ancestor, and a file there is `InvalidPath`.
    #[must_use]
    pub fn with_check_ancestors(mut self, check: bool) -> Self {
        self.check_ancestors = check;
        self
    }

    /// What `native_path` puts before every key, such as `bucket/prefix` ([C-2.15](crate::contract#C-2.15)); empty by
    /// default, when a key is its own native path.
    #[must_use]
    pub fn with_native_root(mut self, root: impl Into<String>) -> Self {
        self.native_root = root.into();
        self
    }

    /// Create-only copies and renames check the destination, then copy over it; the race
    /// between the two is the one the docs of such a configuration name. Only S3 needs it.
    #[cfg(feature = "s3")]
    pub(crate) fn with_check_then_copy(mut self) -> Self {
        self.check_then_copy = true;
        self
    }

    /// How many parts of a streamed write are in flight at once (default 4, at least 1): more
    /// overlap round trips, and each holds an 8 MiB part in memory.
    #[must_use]
    pub fn with_upload_concurrency(mut self, parts: usize) -> Self {
        self.upload_concurrency = parts.max(1);
        self
    }

    /// A DELETE of a missing object is NotFound at this service, so `delete` sends it first
    /// and probes only when it fails. Azure and GCS say so.
    #[cfg(any(feature = "azure", feature = "gcs"))]
    pub(crate) fn with_deletes_reporting_missing(mut self) -> Self {
        self.deletes_report_missing = true;
        self
    }

    /// The object store behind it.
    pub fn object_store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }
}

impl fmt::Debug for ObjectStoreBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectStoreBackend")
            .field("name", &self.name)
            .field("store", &format_args!("{}", self.store))
            .field("check_ancestors", &self.check_ancestors)
            .field("native_root", &self.native_root)
            .finish()
    }
}

/// Every operation; `CAPABILITIES` follows: every gate, LazyRead, WriteResultNative,
/// UserMetadata, ConditionalWrite and Attributes, narrowed per instance by
/// [`without`](Self::without).
#[store::backend(
    crate = crate,
    namespace = flat,
    flags(lazy_read, write_result_native, user_metadata, conditional_write, attributes)
)]
impl ObjectStoreBackend {
    fn name(&self) -> &'static str {
        self.name
    }

    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    fn native_path(&self, key: &StorePath) -> String {
        match (self.native_root.is_empty(), key.is_root()) {
            (true, _) => key.as_str().to_owned(),
            (false, true) => self.native_root.clone(),
            (false, false) => format!("{}/{key}", self.native_root),
        }
    }

    fn to_key(&self, native: &str) -> String {
        if self.native_root.is_empty() {
            return native.to_owned();
        }
        match native.strip_prefix(self.native_root.as_str()) {
            Some("") => String::new(),
            Some(rest) if rest.starts_with('/') => rest[1..].to_owned(),
            _ => native.to_owned(),
        }
    }

    async fn ping(&self) -> Result<()> {
        // One listing of the container: a missing one is NotFound here, unlike in probes.
        match self.store.list(None).next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(self.err(e, &StorePath::root())),
        }
    }

    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || self.head(path).await?.is_some() || self.has_below(path).await?)
    }

    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(!path.is_root() && self.head(path).await?.is_some())
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || self.has_below(path).await?)
    }

    async fn read(&self, path: &StorePath) -> Result<ByteStream> {
        self.refuse_root(path)?;
        match self.store.get(&self.location(path)?).await {
            Ok(result) => Ok(self.byte_stream(result, path)),
            Err(e) => Err(self.miss(self.err(e, path), path).await),
        }
    }

    async fn read_range_stream(
        &self,
        path: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        self.refuse_root(path)?;
        if len > 0 {
            let range = GetRange::Bounded(offset..offset.saturating_add(len));
            let options = GetOptions {
                range: Some(range),
                ..Default::default()
            };
            match self.store.get_opts(&self.location(path)?, options).await {
                Ok(result) => return Ok(self.byte_stream(result, path)),
                Err(e @ object_store::Error::NotFound { .. }) => {
                    return Err(self.miss(self.err(e, path), path).await)
                }
                // Past the end: clamped to nothing below, once the file is known to exist.
                Err(_) => {}
            }
        }
        match self.head(path).await? {
            Some(_) => Ok(Box::pin(futures_util::stream::empty()) as ByteStream),
            None => {
                let missing = self.located(Error::not_found(path.as_str()));
                Err(self.miss(missing, path).await)
            }
        }
    }

    async fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        self.refuse_root(path)?;
        let loc = self.location(path)?;
        if len > 0 {
            let range = GetRange::Bounded(offset..offset.saturating_add(len));
            let options = GetOptions {
                range: Some(range),
                ..Default::default()
            };
            match self.store.get_opts(&loc, options).await {
                Ok(result) => return result.bytes().await.map_err(|e| self.err(e, path)),
                Err(e @ object_store::Error::NotFound { .. }) => {
                    return Err(self.miss(self.err(e, path), path).await)
                }
                // Past the end: clamped to nothing below, once the file is known to exist.
                Err(_) => {}
            }
        }
        match self.head(path).await? {
            Some(_) => Ok(Bytes::new()),
            None => {
                let missing = self.located(Error::not_found(path.as_str()));
                Err(self.miss(missing, path).await)
            }
        }
    }

    async fn write(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.put(path, content, options).await
    }

    async fn write_atomic(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        // Every put and every completed upload appears whole or not at all.
        self.put(path, content, options).await
    }

    async fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        self.refuse_root(path)?;
        let loc = self.location(path)?;
        if !self.deletes_report_missing && self.head(path).await?.is_none() {
            return self.delete_missed(path, missing_ok).await;
        }
        match self.store.delete(&loc).await {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => self.delete_missed(path, missing_ok).await,
            Err(e) => Err(self.err(e, path)),
        }
    }

    async fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        if path.is_root() {
            return Err(self.located(Error::invalid_path("", "cannot delete the store root")));
        }
        // One listing: its first key decides, and the rest follows it into the deletes.
        let mut listing = self.store.list(Some(&self.location(path)?));
        let first = match listing.next().await {
            Some(Ok(meta)) => meta.location,
            None => return self.no_folder(path, options).await,
            Some(Err(e)) => match self.err(e, path) {
                e if e.kind() == ErrorKind::NotFound => return self.no_folder(path, options).await,
                e => return Err(e),
            },
        };
        if !options.recursive {
            // A flat folder exists only while something is below it.
            return Err(self.located(
                Error::new(ErrorKind::DirectoryNotEmpty, "folder is not empty")
                    .with_path(path.as_str()),
            ));
        }
        let locations = futures_util::stream::once(std::future::ready(Ok(first)))
            .chain(listing.map_ok(|meta| meta.location))
            .boxed();
        let mut deleted = self.store.delete_stream(locations);
        while let Some(item) = deleted.next().await {
            match item {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(self.err(e, path)),
            }
        }
        Ok(())
    }

    async fn list_files(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FileInfo>> {
        if !options.descends() {
            let (files, _) = self.children(path).await?;
            return Ok(crate::stream_items(files));
        }
        let base = path.depth();
        let this = self.clone();
        let files = self.listing(path)?.try_filter_map(move |(key, meta)| {
            let keep = key.depth() > base;
            std::future::ready(Ok(keep.then(|| this.info(key, &meta))))
        });
        Ok(Box::pin(files) as ListStream<FileInfo>)
    }

    async fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FolderEntry>> {
        if !options.descends() {
            let (_, folders) = self.children(path).await?;
            return Ok(crate::stream_items(folders));
        }
        let base = path.depth();
        let keys: Vec<StorePath> = self
            .listing(path)?
            .map_ok(|(key, _)| key)
            .try_collect()
            .await?;
        let mut folders = BTreeSet::new();
        for key in keys {
            let mut up = key.parent();
            while let Some(folder) = up.filter(|f| f.depth() > base) {
                folders.insert(folder.clone());
                up = folder.parent();
            }
        }
        Ok(crate::stream_items(
            folders.into_iter().map(FolderEntry::new),
        ))
    }

    async fn iter_children(&self, path: &StorePath) -> Result<ListStream<Entry>> {
        let (files, folders) = self.children(path).await?;
        let entries = files
            .into_iter()
            .map(Entry::File)
            .chain(folders.into_iter().map(Entry::Folder));
        Ok(crate::stream_items(entries))
    }

    async fn glob(&self, pattern: &Pattern) -> Result<ListStream<FileInfo>> {
        // One listing below the literal prefix, filtered here: what a prefix-listing
        // service offers as its glob.
        let this = self.clone();
        let pattern = pattern.clone();
        let files = self
            .listing(&pattern.literal_prefix())?
            .try_filter_map(move |(key, meta)| {
                let hit = pattern.matches(key.as_str());
                std::future::ready(Ok(hit.then(|| this.info(key, &meta))))
            });
        Ok(Box::pin(files) as ListStream<FileInfo>)
    }

    async fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.transfer(src, dst, overwrite, false).await
    }

    async fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.transfer(src, dst, overwrite, true).await
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        self.refuse_root(path)?;
        let options = GetOptions {
            head: true,
            ..Default::default()
        };
        match self.store.get_opts(&self.location(path)?, options).await {
            Ok(result) => self.info_of(path, &result),
            Err(e) => Err(self.miss(self.err(e, path), path).await),
        }
    }

    async fn read_with_info(
        &self,
        path: &StorePath,
        limit: u64,
    ) -> Result<(FileInfo, Option<Bytes>)> {
        self.refuse_root(path)?;
        if limit == 0 {
            let info = self.get_file_info(path).await?;
            let empty = (info.size == 0).then(Bytes::new);
            return Ok((info, empty));
        }
        // One GET of the first `limit + 1` bytes: its response says the whole size, and holds
        // the whole object when that is within the limit.
        let options = GetOptions {
            range: Some(GetRange::Bounded(0..limit.saturating_add(1))),
            ..Default::default()
        };
        match self.store.get_opts(&self.location(path)?, options).await {
            Ok(result) => {
                let info = self.info_of(path, &result)?;
                if info.size > limit {
                    return Ok((info, None));
                }
                let bytes = result.bytes().await.map_err(|e| self.err(e, path))?;
                Ok((info, Some(bytes)))
            }
            Err(e @ object_store::Error::NotFound { .. }) => {
                Err(self.miss(self.err(e, path), path).await)
            }
            // A range the service refuses (an empty object): the facts, then the bytes.
            Err(e) => match self.err(e, path) {
                e if e.kind() == ErrorKind::Other => {
                    crate::derived::asynchronous::read_with_info(self, path, limit).await
                }
                e => Err(e),
            },
        }
    }
}
