//! [`AsObjectStore`]: any [`AsyncStore`] as an `object_store::ObjectStore`.

use std::fmt;
use std::ops::Range;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    Attribute as OsAttribute, Attributes as OsAttributes, CopyMode, CopyOptions, GetOptions,
    GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMode,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, RenameTargetMode,
};

use super::errors::{to_object_store, STORE};
use super::keys::{file_key, folder_key, location};
use super::upload::Upload;
use crate::capability::{Capabilities, Capability};
use crate::content::AsyncContent;
use crate::derived::{kept_changing, same_facts, CONSISTENT_READS};
use crate::entry::{Attribute, Attributes, Entry, FileInfo, UserMetadata};
use crate::error::{Error, ErrorKind};
use crate::options::{ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::resolution::Namespace;
use crate::stores::asynchronous::AsyncStore;

/// Any [`AsyncStore`] as an [`ObjectStore`], so the libraries that read through object_store
/// (DataFusion, Polars, delta-rs, arrow's parquet reader) read and write a store's files,
/// confined to its root, on any backend, SFTP and custom ones included:
///
/// ```
/// use std::sync::Arc;
/// use object_store::{ObjectStore, ObjectStoreExt, path::Path};
/// use store::{AsyncStore, MemoryBackend};
/// use store::interop::object_store::AsObjectStore;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = AsyncStore::new(MemoryBackend::new());
/// let objects: Arc<dyn ObjectStore> = Arc::new(AsObjectStore::new(store.clone()));
/// objects.put(&Path::from("data/a.csv"), "x,y\n1,2\n".into()).await?;
/// assert_eq!(store.read_text("data/a.csv").await?, "x,y\n1,2\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
///
/// Every call maps to the store honestly:
/// - `put` is atomic where the backend has AtomicWrite; `PutMode::Create` is the create-only
///   write, `PutMode::Update` the `if_match` conditional write (NotImplemented without
///   ConditionalWrite); attributes need the Attributes capability, `Metadata(..)` ones the
///   UserMetadata capability, and `StorageClass` is not supported.
/// - `put_multipart` streams its parts, in order, into one `open_atomic` writer, so memory holds
///   only the parts in flight and nothing is visible before `complete`.
/// - `get_opts` honours ranges and the four conditions, and returns the metadata and the bytes
///   of one version: the file's facts are read before and after the read is opened, and a
///   change in between is retried.
/// - Folders are not objects: a `get` or `head` of one is `NotFound`, and
///   `list_with_delimiter` lists as common prefixes only folders that hold a file (a store's
///   empty folders are invisible here), sorted.
/// - A key `store` cannot represent (a raw `\`, which `store` reads as `/`) is an error,
///   never another file.
#[derive(Clone)]
pub struct AsObjectStore {
    store: AsyncStore,
    implementer: String,
}

impl AsObjectStore {
    /// `store` as an object store, rooted at its root.
    pub fn new(store: AsyncStore) -> Self {
        let implementer = format!(
            "store::interop::object_store::AsObjectStore({})",
            store.name()
        );
        AsObjectStore { store, implementer }
    }

    /// The store behind it.
    pub fn store(&self) -> &AsyncStore {
        &self.store
    }

    fn fail(&self, operation: &str) -> impl Fn(Error) -> object_store::Error + '_ {
        let operation = operation.to_owned();
        move |err| to_object_store(err, &operation, &self.implementer)
    }

    async fn meta_of(&self, key: &StorePath, location: &Path) -> object_store::Result<FileInfo> {
        self.store
            .get_file_info(key.as_str())
            .await
            .map_err(|e| not_a_folder(e, location))
            .map_err(self.fail("get"))
    }
}

impl From<AsyncStore> for AsObjectStore {
    fn from(store: AsyncStore) -> Self {
        AsObjectStore::new(store)
    }
}

impl fmt::Display for AsObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AsObjectStore({})", self.store.name())
    }
}

impl fmt::Debug for AsObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsObjectStore")
            .field("store", &self.store)
            .finish()
    }
}

/// A folder where an object was asked for: object stores have none, so it is `NotFound`.
fn not_a_folder(err: Error, location: &Path) -> Error {
    if err.kind() == ErrorKind::InvalidPath && err.message().contains("folder") {
        Error::not_found(location.as_ref()).with_source(err)
    } else {
        err
    }
}

/// The object metadata of a file.
fn object_meta(info: &FileInfo) -> object_store::Result<ObjectMeta> {
    Ok(ObjectMeta {
        location: location(&info.path).map_err(|e| to_object_store(e, "list", STORE))?,
        last_modified: info
            .modified_at
            .map(chrono::DateTime::<chrono::Utc>::from)
            .unwrap_or_default(),
        size: info.size,
        e_tag: info.etag.clone(),
        version: None,
    })
}

/// object_store's attributes as `store`'s attributes and user metadata.
pub(super) fn split_attributes(
    attributes: &OsAttributes,
) -> Result<(Attributes, Option<UserMetadata>), Error> {
    let mut ours = Attributes::new();
    let mut metadata = UserMetadata::new();
    for (attr, value) in attributes {
        let value = value.to_string();
        match attr {
            OsAttribute::ContentType => ours.set(Attribute::ContentType, value),
            OsAttribute::CacheControl => ours.set(Attribute::CacheControl, value),
            OsAttribute::ContentDisposition => ours.set(Attribute::ContentDisposition, value),
            OsAttribute::ContentEncoding => ours.set(Attribute::ContentEncoding, value),
            OsAttribute::ContentLanguage => ours.set(Attribute::ContentLanguage, value),
            OsAttribute::Metadata(key) => {
                metadata.insert(key.to_string(), value);
            }
            other => {
                return Err(Error::invalid_argument(format!(
                    "the attribute {other:?} has no counterpart in a store"
                )))
            }
        }
    }
    Ok((ours, (!metadata.is_empty()).then_some(metadata)))
}

/// `store`'s attributes and user metadata as object_store's attributes.
pub(super) fn join_attributes(
    attributes: &Attributes,
    metadata: Option<&UserMetadata>,
) -> OsAttributes {
    let mut out = OsAttributes::new();
    for (attr, value) in attributes.iter() {
        let attr = match attr {
            Attribute::ContentType => OsAttribute::ContentType,
            Attribute::CacheControl => OsAttribute::CacheControl,
            Attribute::ContentDisposition => OsAttribute::ContentDisposition,
            Attribute::ContentEncoding => OsAttribute::ContentEncoding,
            Attribute::ContentLanguage => OsAttribute::ContentLanguage,
        };
        out.insert(attr, value.to_owned().into());
    }
    for (key, value) in metadata.into_iter().flatten() {
        out.insert(
            OsAttribute::Metadata(key.clone().into()),
            value.clone().into(),
        );
    }
    out
}

/// The write options of an object_store put. An update needs the etag of the version it
/// replaces: without one (the store's files carry none, or the caller gave only a version id)
/// it is `Unsupported(ConditionalWrite)`, which object_store knows as `NotImplemented`.
fn write_options(
    mode: &PutMode,
    attributes: &OsAttributes,
    capabilities: Capabilities,
) -> Result<WriteOptions, Error> {
    let (attributes, metadata) = split_attributes(attributes)?;
    let mut options = WriteOptions::new().attributes(attributes);
    options.metadata = metadata;
    Ok(match mode {
        PutMode::Overwrite => options.overwrite(true),
        PutMode::Create => options.if_none_match(),
        PutMode::Update(version) => match &version.e_tag {
            Some(etag) => options.if_match(etag.clone()),
            None => {
                return Err(Error::unsupported(
                    Capability::ConditionalWrite,
                    capabilities,
                ))
            }
        },
    })
}

/// An object_store payload as write content, without copying its parts.
fn content(payload: PutPayload) -> AsyncContent {
    let parts: Vec<Bytes> = payload.into_iter().collect();
    match <[Bytes; 1]>::try_from(parts) {
        Ok([one]) => AsyncContent::Bytes(one),
        Err(parts) => AsyncContent::stream(futures_util::stream::iter(parts.into_iter().map(Ok))),
    }
}

/// The largest file `get` reads whole in one call with its facts; a larger one streams.
const INLINE_GET: u64 = 256 * 1024;

#[async_trait]
impl ObjectStore for AsObjectStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> object_store::Result<PutResult> {
        let fail = self.fail("put_opts");
        let key = file_key(location).map_err(&fail)?;
        let options = write_options(&opts.mode, &opts.attributes, self.store.capabilities())
            .map_err(&fail)?;
        let content = content(payload);
        let written = if self.store.supports(Capability::AtomicWrite) {
            self.store
                .write_atomic(key.as_str(), content, &options)
                .await
        } else {
            self.store.write(key.as_str(), content, &options).await
        };
        let written = written.map_err(|e| match (&opts.mode, e.kind()) {
            // object_store reports an update of a missing object as a failed precondition.
            (PutMode::Update(_), ErrorKind::NotFound) => {
                Error::precondition_failed(location.as_ref()).with_source(e)
            }
            _ => e,
        });
        let written = written.map_err(&fail)?;
        let e_tag = match written.etag {
            Some(etag) => Some(etag),
            // A backend whose writes report no etag: read it back at once.
            None => self
                .store
                .get_file_info(key.as_str())
                .await
                .ok()
                .and_then(|info| info.etag),
        };
        Ok(PutResult {
            e_tag,
            version: written.version_id,
            extensions: Default::default(),
        })
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        let fail = self.fail("put_multipart_opts");
        let key = file_key(location).map_err(&fail)?;
        let options = write_options(
            &PutMode::Overwrite,
            &opts.attributes,
            self.store.capabilities(),
        )
        .map_err(&fail)?;
        let writer = self
            .store
            .open_atomic(key.as_str(), &options)
            .await
            .map_err(&fail)?;
        Ok(Box::new(Upload::new(
            writer,
            location.clone(),
            self.implementer.clone(),
        )))
    }

    async fn get_opts(
        &self,
        location: &Path,
        options: GetOptions,
    ) -> object_store::Result<GetResult> {
        let fail = self.fail("get_opts");
        let key = file_key(location).map_err(&fail)?;
        if options.version.is_some() {
            return Err(object_store::Error::NotImplemented {
                operation: "get_opts with a version (a store keeps no versions)".to_owned(),
                implementer: self.implementer.clone(),
            });
        }
        // One call answers a file up to `INLINE_GET` whole: its facts and its bytes, of one
        // version. A larger one is streamed below, between two looks at its facts.
        let (mut info, mut inline) = if options.head {
            (self.meta_of(&key, location).await?, None)
        } else {
            self.store
                .read_with_info(key.as_str(), INLINE_GET)
                .await
                .map_err(|e| not_a_folder(e, location))
                .map_err(&fail)?
        };
        for attempt in 0..CONSISTENT_READS {
            if attempt > 0 {
                // Give the writers that changed it room to finish, a little more each time.
                for _ in 0..attempt * attempt {
                    tokio::task::yield_now().await;
                }
                info = self.meta_of(&key, location).await?;
            }
            let mut meta = object_meta(&info)?;
            meta.location = location.clone();
            options.check_preconditions(&meta)?;
            let range = match &options.range {
                Some(range) => {
                    range
                        .as_range(info.size)
                        .map_err(|e| object_store::Error::Generic {
                            store: STORE,
                            source: Box::new(e),
                        })?
                }
                None => 0..info.size,
            };
            let attributes = join_attributes(&info.attributes, info.metadata.as_ref());
            let whole = |payload: BoxStream<'static, object_store::Result<Bytes>>| GetResult {
                payload: GetResultPayload::Stream(payload),
                meta: meta.clone(),
                range: range.clone(),
                attributes: attributes.clone(),
                extensions: Default::default(),
            };
            if options.head {
                // No bytes to agree with: the facts alone are the answer.
                return Ok(whole(futures_util::stream::empty().boxed()));
            }
            // Bytes that do not match their facts (a backend's mistake) are not served.
            if let Some(bytes) = inline.take().filter(|b| b.len() as u64 == info.size) {
                let part = bytes.slice(range.start as usize..range.end as usize);
                return Ok(whole(
                    futures_util::stream::once(async move { Ok(part) }).boxed(),
                ));
            }
            let stream: BoxStream<'static, object_store::Result<Bytes>> = if options.range.is_some()
            {
                let bytes = self
                    .store
                    .read_range(key.as_str(), range.start, range.end - range.start)
                    .await
                    .map_err(|e| not_a_folder(e, location))
                    .map_err(&fail)?;
                futures_util::stream::once(async move { Ok(bytes) }).boxed()
            } else {
                let implementer = self.implementer.clone();
                self.store
                    .read(key.as_str())
                    .await
                    .map_err(|e| not_a_folder(e, location))
                    .map_err(&fail)?
                    .map_err(move |e| to_object_store(e, "get_opts", &implementer))
                    .boxed()
            };
            // The same version before and after the read was opened: what it streams is the
            // version `meta` describes.
            let after = self.meta_of(&key, location).await?;
            if !same_facts(&info, &after) {
                continue;
            }
            return Ok(whole(stream));
        }
        Err(fail(kept_changing(STORE, &key)))
    }

    async fn get_ranges(
        &self,
        location: &Path,
        ranges: &[Range<u64>],
    ) -> object_store::Result<Vec<Bytes>> {
        let fail = self.fail("get_ranges");
        let key = file_key(location).map_err(&fail)?;
        let size = self.meta_of(&key, location).await?.size;
        let mut out = Vec::with_capacity(ranges.len());
        for range in ranges {
            let r = object_store::GetRange::Bounded(range.clone())
                .as_range(size)
                .map_err(|e| object_store::Error::Generic {
                    store: STORE,
                    source: Box::new(e),
                })?;
            let bytes = self
                .store
                .read_range(key.as_str(), r.start, r.end - r.start)
                .await
                .map_err(|e| not_a_folder(e, location))
                .map_err(&fail)?;
            out.push(bytes);
        }
        Ok(out)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        let this = self.clone();
        locations
            .and_then(move |location| {
                let this = this.clone();
                async move {
                    let fail = this.fail("delete");
                    let key = file_key(&location).map_err(&fail)?;
                    this.store
                        .delete(key.as_str(), false)
                        .await
                        .map_err(|e| not_a_folder(e, &location))
                        .map_err(&fail)?;
                    Ok(location)
                }
            })
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        let this = self.clone();
        let folder = folder_key(prefix);
        futures_util::stream::once(async move {
            let fail = this.fail("list");
            let folder = folder.map_err(&fail)?;
            let listing = this
                .store
                .list_files(folder.as_str(), &ListOptions::new().recursive(true))
                .await
                .map_err(&fail)?;
            let implementer = this.implementer.clone();
            Ok::<_, object_store::Error>(listing.map(move |item| {
                item.map_err(|e| to_object_store(e, "list", &implementer))
                    .and_then(|info| object_meta(&info))
            }))
        })
        .try_flatten()
        .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        let fail = self.fail("list_with_delimiter");
        let folder = folder_key(prefix).map_err(&fail)?;
        let children: Vec<Entry> = self
            .store
            .iter_children(folder.as_str())
            .await
            .map_err(&fail)?
            .try_collect()
            .await
            .map_err(&fail)?;
        let mut result = ListResult {
            common_prefixes: Vec::new(),
            objects: Vec::new(),
            extensions: Default::default(),
        };
        let flat = self.store.backend().namespace() == Namespace::Flat;
        for child in children {
            match child {
                Entry::File(info) => result.objects.push(object_meta(&info)?),
                Entry::Folder(folder) => {
                    // A folder without a file below is no prefix of any object.
                    let holds_a_file = flat
                        || self
                            .store
                            .list_files(folder.path.as_str(), &ListOptions::new().recursive(true))
                            .await
                            .map_err(&fail)?
                            .next()
                            .await
                            .transpose()
                            .map_err(&fail)?
                            .is_some();
                    if holds_a_file {
                        result
                            .common_prefixes
                            .push(location(&folder.path).map_err(&fail)?);
                    }
                }
            }
        }
        result.common_prefixes.sort_unstable();
        result
            .objects
            .sort_unstable_by(|a, b| a.location.cmp(&b.location));
        Ok(result)
    }

    async fn copy_opts(
        &self,
        from: &Path,
        to: &Path,
        options: CopyOptions,
    ) -> object_store::Result<()> {
        let fail = self.fail("copy_opts");
        let (src, dst) = (file_key(from).map_err(&fail)?, file_key(to).map_err(&fail)?);
        let overwrite = matches!(options.mode, CopyMode::Overwrite);
        self.store
            .copy(src.as_str(), dst.as_str(), overwrite)
            .await
            .map_err(|e| not_a_folder(e, from))
            .map_err(&fail)
    }

    async fn rename_opts(
        &self,
        from: &Path,
        to: &Path,
        options: RenameOptions,
    ) -> object_store::Result<()> {
        let fail = self.fail("rename_opts");
        let (src, dst) = (file_key(from).map_err(&fail)?, file_key(to).map_err(&fail)?);
        let overwrite = matches!(options.target_mode, RenameTargetMode::Overwrite);
        self.store
            .rename(src.as_str(), dst.as_str(), overwrite)
            .await
            .map_err(|e| not_a_folder(e, from))
            .map_err(&fail)
    }
}
