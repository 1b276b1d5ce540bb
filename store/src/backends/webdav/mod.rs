//! `WebDavBackend`: a WebDAV server as a hierarchical, natively async backend over reqwest.
//!
//! - `builder` — where the server is, the login, the transport.
//! - `requests` — the HTTP layer: URLs, sending, and statuses as store errors.
//! - `multistatus` — PROPFIND answers.
//! - `reads` — ranged GETs, shared with the read-only HTTP source.
//! - `files`, `folders` and `moves` — the operations, in the protocol's terms.
//! - `http_source` — `HttpBackend`, a read-only HTTP source on the same HTTP layer.

mod builder;
mod files;
mod folders;
mod http_source;
mod moves;
mod multistatus;
mod reads;
mod requests;

use std::sync::Arc;

use bytes::Bytes;

pub use self::builder::{WebDavBuilder, WebDavConfigKey};
use self::folders::Want;
pub use self::http_source::HttpBackend;
use self::requests::Http;
use crate::content::{stream_items, AsyncContent, ByteStream, ListStream};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::{Error, Result};
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::resolution::ResolutionPlan;
use crate::write_result::WriteResult;

const NAME: &str = "webdav";

/// A folder on a WebDAV server (RFC 4918: Apache's `mod_dav`, nginx's, wsgidav, Nextcloud,
/// …), reached over HTTP(S).
///
/// - **Folders are collections**: a write makes the missing ones above it (MKCOL), they stay
///   when emptied, and a non-recursive `delete_folder` of a non-empty one is
///   `DirectoryNotEmpty`.
/// - **Writes** are a PUT straight to the target, which servers may write in place (wsgidav
///   does: a reader can see part of a file being written). A create-only write takes an
///   exclusive LOCK of the new URL first, the protocol's way to claim a name (a server's
///   `If-None-Match: *` is a check then a write on wsgidav), and sends its PUT under it;
///   until the PUT ends, others see an empty locked file there. A server without locks gets
///   `If-None-Match: *`. Create-only writes of one key through one instance take turns, so
///   of concurrent creators sharing an instance exactly one wins; between separate clients
///   that rests on the server's LOCK, which wsgidav implements as a check, then a create,
///   then the lock: two clients racing for one new name can both get through there.
///   Apache's lock database loses locks under concurrent requests, so a PUT refused under a
///   lock just taken, with nothing there, takes a new lock and goes again (up to five
///   times, while the content is at hand to send again; a stream is `ResourceLocked`,
///   retryable, and not applied).
/// - **Servers differ, and both of the tested ones are met**: Apache keeps a placeholder for
///   a locked new URL (listed without a length, read as nothing), answers a path below a
///   file with 400 (absent, or a file in the way for a write), redirects a folder named
///   without its slash (followed), refuses `Depth: infinity` listings (walked one folder at
///   a time) and fails a MOVE into missing folders with 500 (they are made); wsgidav
///   answers 409 and lists whole trees.
/// - **No atomic writes** (no `write_atomic`, so no AtomicWrite): a MOVE that replaces a file
///   deletes it first (RFC 4918 §9.9.3), so no request makes a new version visible in one
///   step.
/// - **Safe against the protocol's sharp edges**: a DELETE is sent with `Depth: 0`, which
///   servers refuse on a collection, so deleting a file never takes a folder with it; and a
///   MOVE or COPY over a folder, which the protocol would carry out by deleting the folder,
///   is refused after a look at the destination.
/// - **Capabilities**: every gate but Glob (the portable glob applies) and AtomicWrite, and
///   lazy reads. No
///   conditional writes, metadata or attributes: servers' etags are not reliable (wsgidav's
///   stay the same for two writes of one length within a second), and PUT stores no
///   content type on most. No AtomicMove: whether MOVE is atomic is the server's business.
/// - **A call per operation** where the protocol allows: a read, a stat, a plain write, a
///   delete or a one-level listing is one request; a probe follows only a failed request,
///   and renames and copies look at their source (and, when replacing, their destination)
///   first.
///
/// Both worlds: `AsyncStore::new(backend)`, or `Store::new(backend)` from blocking code.
///
/// ```
/// use store::{AsyncStore, WebDavBackend};
/// let backend = WebDavBackend::builder()
///     .url("https://dav.example.com/remote.php/dav/files/me/backup")
///     .user("me")
///     .password("not-a-real-password")
///     .build()?;
/// assert!(!format!("{backend:?}").contains("not-a-real-password"));
/// let store = AsyncStore::new(backend);
/// # let _ = store;
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Clone)]
pub struct WebDavBackend {
    http: Arc<Http>,
}

impl WebDavBackend {
    /// A builder; see [`WebDavBuilder`].
    pub fn builder() -> WebDavBuilder {
        WebDavBuilder::default()
    }
}

impl std::fmt::Debug for WebDavBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebDavBackend")
            .field("base", &self.http.base.as_str())
            .field("user", &self.http.user)
            .finish_non_exhaustive()
    }
}

/// Every operation but `glob` (the portable glob applies) and `write_atomic`, in the
/// protocol's terms in `files`, `folders` and `moves`; `CAPABILITIES`
/// ([C-5.4](crate::contract#C-5.4)) follows: every gate but Glob and AtomicWrite, and reads
/// that fetch as they are consumed.
#[store::backend(crate = crate, name = "webdav", flags(lazy_read))]
impl WebDavBackend {
    fn to_key(&self, native: &str) -> String {
        self.http.to_key(native)
    }

    fn native_path(&self, key: &StorePath) -> String {
        self.http.url(key, false)
    }

    fn resolve(&self, key: &StorePath) -> ResolutionPlan {
        self.http.resolution(NAME, key)
    }

    async fn ping(&self) -> Result<()> {
        match self.probe(&StorePath::root()).await? {
            Some(entry) if entry.collection => Ok(()),
            _ => Err(Error::not_found("")
                .with_backend(NAME)
                .with_source("the base URL names no collection on the server")),
        }
    }

    async fn close(&self) -> Result<()> {
        Ok(())
    }

    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || self.probe(path).await?.is_some())
    }

    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(!path.is_root() && self.probe(path).await?.is_some_and(|e| !e.collection))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || self.probe(path).await?.is_some_and(|e| e.collection))
    }

    async fn read(&self, path: &StorePath) -> Result<ByteStream> {
        self.get_stream(path, 0, u64::MAX).await
    }

    async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        self.get_bytes(path, 0, u64::MAX).await
    }

    async fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        self.get_bytes(path, offset, len).await
    }

    async fn read_range_stream(
        &self,
        path: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        self.get_stream(path, offset, len).await
    }

    async fn write(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        refuse_options(options)?;
        self.upload(path, content, options.overwrite).await
    }

    async fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        self.remove_file(path, missing_ok).await
    }

    async fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        self.remove_folder(path, options).await
    }

    async fn list_files(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FileInfo>> {
        let entries = self.walk(path, options, Want::Files).await?;
        Ok(stream_items(entries.into_iter().filter_map(|e| match e {
            Entry::File(f) => Some(f),
            Entry::Folder(_) => None,
        })))
    }

    async fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FolderEntry>> {
        let entries = self.walk(path, options, Want::Folders).await?;
        Ok(stream_items(entries.into_iter().filter_map(|e| match e {
            Entry::Folder(f) => Some(f),
            Entry::File(_) => None,
        })))
    }

    async fn iter_children(&self, path: &StorePath) -> Result<ListStream<Entry>> {
        Ok(stream_items(
            self.walk(path, &ListOptions::new(), Want::Both).await?,
        ))
    }

    async fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.transfer(src, dst, overwrite, moves::Transfer::Move)
            .await
    }

    async fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.transfer(src, dst, overwrite, moves::Transfer::Copy)
            .await
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        self.file_info(path).await
    }
}

/// The checks a direct caller gets that a store makes first: valid option values, and no
/// option this backend cannot honour.
fn refuse_options(options: &WriteOptions) -> Result<()> {
    options.validate()?;
    for cap in options.required_capabilities().iter() {
        WebDavBackend::CAPABILITIES
            .require(cap)
            .map_err(|e| e.with_backend(NAME))?;
    }
    Ok(())
}
