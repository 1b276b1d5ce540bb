//! [`ObjectStoreBackend`]: any `object_store::ObjectStore` as a flat, natively async backend.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    CopyMode, CopyOptions, GetOptions, GetRange, ObjectMeta, ObjectStore, ObjectStoreExt, PutMode,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, RenameTargetMode,
    UpdateVersion,
};

use super::as_object_store::{join_attributes, split_attributes};
use super::errors::from_object_store;
use super::keys::location;
use super::parts::{Gathered, Parts, UPLOAD_CONCURRENCY};
use crate::capability::{Capabilities, Capability};
use crate::content::{content_error, AsyncContent, ByteStream, ListStream};
use crate::entry::{Entry, FileInfo, FolderEntry, UserMetadata};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::write_result::{WriteResult, WriteSource};

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
    /// and probes only when it fails. Only Azure says so.
    #[cfg(feature = "azure")]
    pub(crate) fn with_deletes_reporting_missing(mut self) -> Self {
        self.deletes_report_missing = true;
        self
    }

    /// The object store behind it.
    pub fn object_store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    fn err(&self, err: object_store::Error, key: &StorePath) -> Error {
        from_object_store(err, key.as_str(), self.name)
    }

    fn located(&self, err: Error) -> Error {
        err.with_backend(self.name)
    }

    fn location(&self, key: &StorePath) -> Result<Path> {
        location(key).map_err(|e| self.located(e))
    }

    fn refuse_root(&self, key: &StorePath) -> Result<()> {
        if key.is_root() {
            Err(self.located(Error::root_is_folder()))
        } else {
            Ok(())
        }
    }

    /// The body of a GET as a byte stream, errors located at `path`, without empty chunks
    /// ([C-1.6](crate::contract#C-1.6)), which some stores send for an empty object.
    fn byte_stream(&self, result: object_store::GetResult, path: &StorePath) -> ByteStream {
        let (this, key) = (self.clone(), path.clone());
        let stream = result
            .into_stream()
            .map_err(move |e| this.err(e, &key))
            .try_filter(|chunk| std::future::ready(!chunk.is_empty()));
        Box::pin(stream)
    }

    /// The object at `key`, or `None` when there is none.
    async fn head(&self, key: &StorePath) -> Result<Option<ObjectMeta>> {
        match self.store.head(&self.location(key)?).await {
            Ok(meta) => Ok(Some(meta)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.err(e, key)),
        }
    }

    /// Whether some key lies below `key`: one listing, ended at its first item.
    async fn has_below(&self, key: &StorePath) -> Result<bool> {
        let prefix = match key.is_root() {
            true => None,
            false => Some(self.location(key)?),
        };
        match self.store.list(prefix.as_ref()).next().await {
            None => Ok(false),
            Some(Ok(_)) => Ok(true),
            Some(Err(e)) => match self.err(e, key) {
                // A listing is only NotFound for a missing container: an absent path (C-2.7).
                e if e.kind() == ErrorKind::NotFound => Ok(false),
                e => Err(e),
            },
        }
    }

    /// The read-half verdict after a miss ([C-2.14](crate::contract#C-2.14)): a folder is `InvalidPath`; the probe
    /// fails open, so if it errs the miss stands.
    async fn miss(&self, err: Error, key: &StorePath) -> Error {
        if err.kind() == ErrorKind::NotFound && self.has_below(key).await.unwrap_or(false) {
            self.located(Error::is_a_folder(key.as_str()))
        } else {
            err
        }
    }

    /// The write-side checks, when turned on: a folder at `key`, a file among its ancestors.
    async fn check_write_side(&self, key: &StorePath) -> Result<()> {
        if !self.check_ancestors {
            return Ok(());
        }
        if self.has_below(key).await? {
            return Err(self.located(Error::folder_in_the_way(key.as_str())));
        }
        let mut ancestor = key.parent();
        while let Some(a) = ancestor.filter(|a| !a.is_root()) {
            if self.head(&a).await?.is_some() {
                return Err(self.located(Error::invalid_path(
                    key.as_str(),
                    format!("a file is in the way at '{a}'"),
                )));
            }
            ancestor = a.parent();
        }
        Ok(())
    }

    fn info(&self, key: StorePath, meta: &ObjectMeta) -> FileInfo {
        FileInfo {
            etag: meta.e_tag.clone(),
            ..FileInfo::new(key, meta.size, Some(SystemTime::from(meta.last_modified)))
        }
    }

    /// The key of a listed object, or `None` for one `store` cannot name ([C-2.14](crate::contract#C-2.14): foreign keys
    /// are never returned as files).
    fn key_of(&self, meta: &ObjectMeta) -> Option<StorePath> {
        let raw = meta.location.as_ref();
        StorePath::new(raw).ok().filter(|k| k.as_str() == raw)
    }

    async fn put(
        &self,
        key: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.refuse_root(key)?;
        check_headers(options).map_err(|e| self.located(e))?;
        self.check_write_side(key).await?;
        let loc = self.location(key)?;
        let (attributes, mode) = put_parts(options);
        let mut content = match content {
            AsyncContent::Bytes(bytes) => {
                let payload = PutPayload::from(bytes);
                return self
                    .put_once(key, &loc, payload, attributes, mode, options)
                    .await;
            }
            AsyncContent::Stream(stream) => stream,
        };
        // Up to one part gathered: shorter content is one put, with its precondition.
        let mut gathered = Gathered::default();
        while !gathered.full() {
            match content.next().await {
                Some(chunk) => gathered.push(chunk.map_err(content_error)?),
                None => {
                    let payload = gathered.take_all();
                    return self
                        .put_once(key, &loc, payload, attributes, mode, options)
                        .await;
                }
            }
        }
        match &mode {
            PutMode::Create => {
                if self.head(key).await?.is_some() {
                    return Err(self.located(Error::already_exists(key.as_str())));
                }
            }
            PutMode::Update(_) => {
                let current = self.head(key).await?.and_then(|m| m.e_tag);
                options
                    .check_etag(key, current.as_deref())
                    .map_err(|e| self.located(e))?;
            }
            PutMode::Overwrite => {}
        }
        let opts = PutMultipartOptions {
            attributes,
            ..Default::default()
        };
        let upload = self
            .store
            .put_multipart_opts(&loc, opts)
            .await
            .map_err(|e| self.err(e, key))?;
        let mut parts = Parts::new(upload, self.upload_concurrency);
        let mut size = 0u64;
        let outcome: Result<()> = async {
            loop {
                while gathered.full() {
                    let part = gathered.take_part();
                    size += part.content_length() as u64;
                    parts.send(part).await.map_err(|e| self.err(e, key))?;
                }
                let next = parts.next_of(&mut content).await;
                match next.map_err(|e| self.err(e, key))? {
                    Some(chunk) => gathered.push(chunk.map_err(content_error)?),
                    None => break,
                }
            }
            if !gathered.is_empty() {
                let part = gathered.take_all();
                size += part.content_length() as u64;
                parts.send(part).await.map_err(|e| self.err(e, key))?;
            }
            Ok(())
        }
        .await;
        if let Err(e) = outcome {
            parts.abort().await;
            return Err(e);
        }
        let put = parts.complete().await.map_err(|e| self.err(e, key))?;
        Ok(self.written(key, size, options, put))
    }

    /// What a write reports ([C-5.5](crate::contract#C-5.5)): path, size and the caller's
    /// metadata, and, when WriteResultNative is declared, the etag and version the service
    /// returned (its response has no modification time or digest).
    fn written(
        &self,
        key: &StorePath,
        size: u64,
        options: &WriteOptions,
        put: PutResult,
    ) -> WriteResult {
        let mut result = WriteResult {
            metadata: options.user_metadata().cloned(),
            ..WriteResult::basic(key.clone(), size)
        };
        if self.capabilities.supports(Capability::WriteResultNative) {
            result.source = WriteSource::Native;
            result.etag = put.e_tag;
            result.version_id = put.version;
        }
        result
    }

    async fn put_once(
        &self,
        key: &StorePath,
        loc: &Path,
        payload: PutPayload,
        attributes: object_store::Attributes,
        mode: PutMode,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        let size = payload.content_length() as u64;
        let conditional = matches!(mode, PutMode::Update(_));
        let opts = PutOptions {
            mode,
            attributes,
            ..Default::default()
        };
        match self.store.put_opts(loc, payload, opts).await {
            Ok(put) => Ok(self.written(key, size, options, put)),
            // object_store reports an update of a missing object as a failed precondition;
            // the contract calls that NotFound.
            Err(e @ object_store::Error::Precondition { .. })
                if conditional && self.head(key).await?.is_none() =>
            {
                Err(self.located(Error::not_found(key.as_str()).with_source(e)))
            }
            Err(object_store::Error::NotImplemented { .. }) if conditional => Err(self.located(
                Error::unsupported(Capability::ConditionalWrite, self.capabilities),
            )),
            Err(e) => Err(self.err(e, key)),
        }
    }

    /// The files at and below `folder` (all depths), in the service's order.
    fn listing(&self, folder: &StorePath) -> Result<ListStream<(StorePath, ObjectMeta)>> {
        let prefix = match folder.is_root() {
            true => None,
            false => Some(self.location(folder)?),
        };
        let this = self.clone();
        let folder = folder.clone();
        let items = self.store.list(prefix.as_ref()).filter_map(move |item| {
            let out = match item {
                Ok(meta) => this.key_of(&meta).map(|key| Ok((key, meta))),
                // A missing container lists nothing (C-2.7).
                Err(e) => Some(Err(this.err(e, &folder))).filter(
                    |e: &Result<_>| !matches!(e, Err(e) if e.kind() == ErrorKind::NotFound),
                ),
            };
            std::future::ready(out)
        });
        Ok(Box::pin(items))
    }

    async fn transfer(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
        keep: bool,
    ) -> Result<()> {
        self.refuse_root(src)?;
        self.refuse_root(dst)?;
        if src == dst {
            // A service refuses to copy an object onto itself: the verdict is the source's.
            return match self.head(src).await? {
                Some(_) => Ok(()),
                None => Err(self.missing_source(src).await),
            };
        }
        self.check_write_side(dst).await?;
        let (from, to) = (self.location(src)?, self.location(dst)?);
        let overwrite = if self.check_then_copy && !overwrite {
            if self.head(dst).await?.is_some() {
                // A missing source outranks an occupied destination.
                if self.head(src).await?.is_none() {
                    return Err(self.missing_source(src).await);
                }
                return Err(self.located(Error::already_exists(dst.as_str())));
            }
            true
        } else {
            overwrite
        };
        let result = if keep {
            let mode = if overwrite {
                CopyMode::Overwrite
            } else {
                CopyMode::Create
            };
            let options = CopyOptions {
                mode,
                ..Default::default()
            };
            self.store.copy_opts(&from, &to, options).await
        } else {
            let target_mode = if overwrite {
                RenameTargetMode::Overwrite
            } else {
                RenameTargetMode::Create
            };
            let options = RenameOptions {
                target_mode,
                ..Default::default()
            };
            self.store.rename_opts(&from, &to, options).await
        };
        // The operation goes first; only a failure pays for a probe.
        match result {
            Ok(()) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => Err(self.missing_source(src).await),
            Err(e @ object_store::Error::AlreadyExists { .. }) => Err(self.err(e, dst)),
            Err(e) => Err(self.err(e, src)),
        }
    }

    /// The verdict on a copy or rename whose source is not an object: a folder there is
    /// `InvalidPath`, else `NotFound`.
    async fn missing_source(&self, src: &StorePath) -> Error {
        let missing = self.located(Error::not_found(src.as_str()));
        match self.miss(missing, src).await {
            e if e.kind() == ErrorKind::InvalidPath => {
                self.located(Error::source_is_a_folder(src.as_str()))
            }
            e => e,
        }
    }

    /// The verdict on deleting a path that is no object; the probe decides it, so it fails
    /// closed.
    async fn delete_missed(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        if self.has_below(path).await? {
            return Err(self.located(Error::invalid_path(
                path.as_str(),
                "is a folder; use delete_folder",
            )));
        }
        match missing_ok {
            true => Ok(()),
            false => Err(self.located(Error::not_found(path.as_str()))),
        }
    }

    /// The verdict on `delete_folder` of a path with nothing below it.
    async fn no_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        if self.head(path).await?.is_some() {
            return Err(self.located(Error::invalid_path(path.as_str(), "is a file; use delete")));
        }
        match options.missing_ok {
            true => Ok(()),
            false => Err(self.located(Error::not_found(path.as_str()))),
        }
    }

    /// The facts of the object a GET or HEAD answered with: its metadata, attributes and user
    /// metadata.
    fn info_of(&self, path: &StorePath, result: &object_store::GetResult) -> Result<FileInfo> {
        let (attributes, metadata) =
            split_attributes(&result.attributes).map_err(|e| self.located(e))?;
        let mut info = self.info(path.clone(), &result.meta);
        info.attributes = attributes;
        let metadata = metadata.map(|m| {
            m.into_iter()
                .map(|(k, v)| (k, from_header(&v).into_owned()))
                .collect()
        });
        info.metadata = self
            .capabilities
            .supports(Capability::UserMetadata)
            .then(|| metadata.unwrap_or_else(UserMetadata::new));
        Ok(info)
    }

    /// The direct children of `folder`: one delimited listing (the service collects its pages),
    /// files and folders apart. A missing container lists nothing ([C-2.7](crate::contract#C-2.7)).
    async fn children(&self, folder: &StorePath) -> Result<(Vec<FileInfo>, Vec<FolderEntry>)> {
        let prefix = match folder.is_root() {
            true => None,
            false => Some(self.location(folder)?),
        };
        let listed = match self.store.list_with_delimiter(prefix.as_ref()).await {
            Ok(listed) => listed,
            Err(e) => match self.err(e, folder) {
                e if e.kind() == ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
                e => return Err(e),
            },
        };
        let files = listed
            .objects
            .iter()
            .filter_map(|meta| Some(self.info(self.key_of(meta)?, meta)))
            .collect();
        let folders = listed
            .common_prefixes
            .iter()
            .filter_map(|prefix| {
                let key = StorePath::new(prefix.as_ref()).ok()?;
                (key.as_str() == prefix.as_ref()).then(|| FolderEntry::new(key))
            })
            .collect();
        Ok((files, folders))
    }
}

/// The attributes and the mode of a put.
fn put_parts(options: &WriteOptions) -> (object_store::Attributes, PutMode) {
    let metadata: Option<UserMetadata> = options.user_metadata().map(|m| {
        m.iter()
            .map(|(k, v)| (k.clone(), header_safe(v).into_owned()))
            .collect()
    });
    let attributes = join_attributes(&options.attributes, metadata.as_ref());
    let mode = match options.expected_etag() {
        Some(etag) => PutMode::Update(UpdateVersion {
            e_tag: Some(etag.to_owned()),
            version: None,
        }),
        None if options.overwrite => PutMode::Overwrite,
        None => PutMode::Create,
    };
    (attributes, mode)
}

/// What an object store carries in HTTP headers must be spellable there: metadata keys are
/// header-name characters, attribute values visible ASCII (`InvalidArgument` otherwise, before
/// any request). Metadata values are encoded instead ([`header_safe`]).
fn check_headers(options: &WriteOptions) -> Result<()> {
    for key in options
        .user_metadata()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(Error::invalid_argument(format!(
                "metadata key {key:?}: an object store takes letters, digits, '-', '_' and '.'"
            )));
        }
    }
    for (attr, value) in options.attributes.iter() {
        if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::invalid_argument(format!(
                "the {} attribute must be visible ASCII for an object store",
                attr.header()
            )));
        }
    }
    Ok(())
}

/// The prefix and suffix of an RFC 2047 encoded word, the form S3 itself gives metadata values
/// that are not plain ASCII.
const ENCODED: (&str, &str) = ("=?UTF-8?Q?", "?=");

/// A metadata value as an HTTP header can carry it: visible ASCII with inner spaces stays as it
/// is; anything else (other characters, edge spaces, what looks encoded) becomes an RFC 2047
/// Q-encoded word, which [`from_header`] turns back.
fn header_safe(value: &str) -> Cow<'_, str> {
    let plain = value.bytes().all(|b| (0x20..0x7f).contains(&b))
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !value.starts_with(ENCODED.0);
    if plain {
        return Cow::Borrowed(value);
    }
    let mut out = String::from(ENCODED.0);
    for b in value.bytes() {
        match b {
            b' ' => out.push('_'),
            b'=' | b'?' | b'_' => out.push_str(&format!("={b:02X}")),
            0x21..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out.push_str(ENCODED.1);
    Cow::Owned(out)
}

/// The value [`header_safe`] encoded; any other value unchanged.
fn from_header(value: &str) -> Cow<'_, str> {
    let Some(inner) = value
        .strip_prefix(ENCODED.0)
        .and_then(|v| v.strip_suffix(ENCODED.1))
    else {
        return Cow::Borrowed(value);
    };
    let mut bytes = Vec::with_capacity(inner.len());
    let mut rest = inner.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        rest = tail;
        match b {
            b'_' => bytes.push(b' '),
            b'=' => {
                let hex = rest.get(..2).and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        bytes.push(byte);
                        rest = &rest[2..];
                    }
                    None => return Cow::Borrowed(value),
                }
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).map_or(Cow::Borrowed(value), Cow::Owned)
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

#[cfg(test)]
mod tests {
    use super::{from_header, header_safe};

    #[test]
    fn metadata_values_survive_headers() {
        for value in [
            "plain",
            "hello   world",
            "a value with spaces, ünïcode & symbols =;",
            " edge ",
            "=?UTF-8?Q?looks_encoded?=",
            "tab\there",
            "",
        ] {
            let sent = header_safe(value);
            assert!(sent.bytes().all(|b| (0x20..0x7f).contains(&b)), "{sent:?}");
            assert_eq!(from_header(&sent), value, "{sent:?}");
        }
        assert_eq!(header_safe("plain"), "plain");
    }
}
