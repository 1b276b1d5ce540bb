//! `SftpBackend`: an SFTP server as a hierarchical, natively async backend, on russh and
//! russh-sftp (pure Rust; no `ssh` binary).
//!
//! - `builder` — where the server is, the login, the host-key policy.
//! - `session` — connecting, verifying, logging in; the pool that reconnects.
//! - `files`, `writes`, `moves` and `folders` — the operations, in the protocol's terms.
//! - `transfer` — pipelined reads and writes.
//! - `errors` — SFTP status codes as store errors.

mod builder;
mod errors;
mod files;
mod folders;
mod moves;
mod session;
mod transfer;
mod writes;

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;

pub use self::builder::{SftpBuilder, SftpConfigKey};
use self::folders::Want;
use self::session::{Lease, Pool};
use crate::content::{stream_items, AsyncContent, ByteStream, ListStream};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::Result;
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::resolution::ResolutionPlan;
use crate::write_result::WriteResult;

const NAME: &str = "sftp";

/// A folder on an SFTP server (OpenSSH's and others speaking protocol version 3).
///
/// - **Safe by default.** The host key is checked against a `known_hosts` file or pinned keys;
///   an unknown or changed key is `PermissionDenied`, naming its SHA-256 fingerprint.
/// - **Confined.** Every path is resolved by the server (`realpath`) and refused with
///   `InvalidPath("escapes root")` if a symlink takes it out of the base folder; listings leave
///   such links out. SFTP has no `openat`, so a link swapped in between the check and the
///   operation is not caught: for a hard boundary, give the login a `ChrootDirectory`.
/// - **Atomic writes** go to a temp (`.~tmp.<random>`, never listed) beside the target and are
///   promoted with `posix-rename@openssh.com` to replace, or with `hardlink@openssh.com` and
///   the temp's removal to create without replacing: of two racing creators, one wins.
///   A create-only plain write is an exclusive open.
/// - **Fast.** Transfers pipeline 16 requests of up to 255 KiB; independent requests of one
///   call go out together; concurrent calls spread over up to 4 connections.
/// - **Connection life.** Connects on the first call; the call that finds the connection dead
///   is `BackendUnavailable` (retryable), and the next one reconnects.
///
/// Both worlds: `AsyncStore::new(backend)`, or `Store::new(backend)` from blocking code.
///
/// ```no_run
/// use store::{AsyncStore, SftpBackend, WriteOptions};
/// # async fn demo() -> store::Result<()> {
/// let backend = SftpBackend::builder()
///     .host("sftp.example.com")
///     .user("backup")
///     .private_key_file("/home/me/.ssh/id_ed25519")
///     .known_hosts("/home/me/.ssh/known_hosts")
///     .base_path("/srv/backup")
///     .build()?;
/// let store = AsyncStore::new(backend);
/// store.write_atomic("reports/q3.csv", "a,b\n", &WriteOptions::new()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SftpBackend {
    pool: Arc<Pool>,
}

impl SftpBackend {
    /// A builder; see [`SftpBuilder`].
    pub fn builder() -> SftpBuilder {
        SftpBuilder::default()
    }

    fn from_pool(pool: Pool) -> Self {
        SftpBackend {
            pool: Arc::new(pool),
        }
    }

    fn base(&self) -> &str {
        &self.pool.settings.base
    }

    /// The server-side path of `key`.
    fn native(&self, key: &StorePath) -> String {
        let base = self.base();
        match (key.is_root(), base) {
            (true, _) => base.to_owned(),
            (false, "/") => format!("/{}", key.as_str()),
            (false, _) => format!("{base}/{}", key.as_str()),
        }
    }

    async fn lease(&self) -> Result<Lease> {
        self.pool.lease().await
    }

    async fn probe(&self, key: &StorePath) -> Result<Option<files::Kind>> {
        let conn = self.lease().await?;
        self.kind(&conn, key).await
    }
}

impl std::fmt::Debug for SftpBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SftpBackend")
            .field("settings", &self.pool.settings)
            .finish()
    }
}

/// Every operation but `glob` (the portable glob applies), in the protocol's terms in
/// `files` and `folders`; `CAPABILITIES` ([C-5.4](crate::contract#C-5.4)) follows: every gate but Glob, ranged reads
/// that fetch on demand, and write results from the server's `fstat`.
#[store::backend(crate = crate, name = "sftp", flags(lazy_read, write_result_native))]
impl SftpBackend {
    fn to_key(&self, native: &str) -> String {
        let base = self.base();
        let rest = if base == "/" {
            native.strip_prefix('/')
        } else if native == base {
            Some("")
        } else {
            native.strip_prefix(base).and_then(|r| r.strip_prefix('/'))
        };
        rest.unwrap_or(native).to_owned()
    }

    fn native_path(&self, key: &StorePath) -> String {
        self.native(key)
    }

    fn resolve(&self, key: &StorePath) -> ResolutionPlan {
        let s = &self.pool.settings;
        let details = BTreeMap::from([
            ("host".to_owned(), s.host.clone()),
            ("port".to_owned(), s.port.to_string()),
            ("base_path".to_owned(), s.base.clone()),
        ]);
        ResolutionPlan {
            details,
            ..crate::derived::resolution(NAME, key, self.native(key))
        }
    }

    async fn ping(&self) -> Result<()> {
        let conn = self.lease().await?;
        match conn.sftp.stat(self.base()).await {
            Ok(_) => Ok(()),
            // A base folder the first write will make is not missing.
            Err(e) if errors::is_missing(&e) && self.pool.settings.create_base => Ok(()),
            Err(e) if errors::is_missing(&e) => {
                Err(self.pool.settings.missing_base().with_backend(NAME))
            }
            Err(e) => Err(conn.fail(e, "")),
        }
    }

    async fn close(&self) -> Result<()> {
        self.pool.clear();
        Ok(())
    }

    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root()
            || self
                .probe(path)
                .await?
                .is_some_and(|k| !matches!(k, files::Kind::Special)))
    }

    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(!path.is_root() && matches!(self.probe(path).await?, Some(files::Kind::File(_))))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || matches!(self.probe(path).await?, Some(files::Kind::Folder)))
    }

    async fn read(&self, path: &StorePath) -> Result<ByteStream> {
        self.read_stream(path).await
    }

    async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        self.read_span(path, 0, u64::MAX).await
    }

    async fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        self.read_span(path, offset, len).await
    }

    async fn read_range_stream(
        &self,
        path: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        self.read_stream_range(path, offset, len).await
    }

    async fn write(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        refuse_options(options)?;
        self.upload(path, content, options, false).await
    }

    async fn write_atomic(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        refuse_options(options)?;
        self.upload(path, content, options, true).await
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
        Ok(stream_items(self.walk_files(path, options).await?))
    }

    async fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FolderEntry>> {
        Ok(stream_items(self.walk_folders(path, options).await?))
    }

    async fn iter_children(&self, path: &StorePath) -> Result<ListStream<Entry>> {
        Ok(stream_items(
            self.walk(path, &ListOptions::new(), Want::Both).await?,
        ))
    }

    async fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.move_file(src, dst, overwrite).await
    }

    async fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.copy_file(src, dst, overwrite).await
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
        SftpBackend::CAPABILITIES
            .require(cap)
            .map_err(|e| e.with_backend(NAME))?;
    }
    Ok(())
}
