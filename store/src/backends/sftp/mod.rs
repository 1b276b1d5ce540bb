//! `SftpBackend`: an SFTP server as a hierarchical, natively async backend, on russh and
//! russh-sftp (pure Rust; no `ssh` binary).
//!
//! - `builder` — where the server is, the login, the host-key policy.
//! - `session` — connecting, verifying, logging in; the pool that reconnects.
//! - `files` and `folders` — the operations, in the protocol's terms.
//! - `transfer` — pipelined reads and writes.
//! - `errors` — SFTP status codes as store errors.

mod builder;
mod errors;
mod files;
mod folders;
mod session;
mod transfer;

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;

pub use self::builder::SftpBuilder;
use self::folders::Want;
use self::session::{Lease, Pool};
use crate::api::{AsyncBackend, BoxFuture};
use crate::capability::{Capabilities, Capability};
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
    /// The capabilities every instance declares (C-5.4): every gate but Glob (the portable
    /// glob applies), ranged reads that fetch on demand, and write results from the server's
    /// `fstat`.
    pub const CAPABILITIES: Capabilities = Capabilities::GATES
        .without(Capability::Glob)
        .with(Capability::LazyRead)
        .with(Capability::WriteResultNative);

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

fn boxed<'a, T: Send + 'a>(
    future: impl std::future::Future<Output = Result<T>> + Send + 'a,
) -> BoxFuture<'a, Result<T>> {
    Box::pin(future)
}

impl AsyncBackend for SftpBackend {
    fn name(&self) -> &'static str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
    }

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

    fn check_health(&self) -> BoxFuture<'_, Result<()>> {
        boxed(async move {
            let conn = self.lease().await?;
            conn.sftp
                .stat(self.base())
                .await
                .map(|_| ())
                .map_err(|e| conn.fail(e, ""))
        })
    }

    fn close(&self) -> BoxFuture<'_, Result<()>> {
        self.pool.clear();
        boxed(async { Ok(()) })
    }

    fn exists<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<bool>> {
        boxed(async move {
            Ok(path.is_root()
                || self
                    .probe(path)
                    .await?
                    .is_some_and(|k| !matches!(k, files::Kind::Special)))
        })
    }

    fn is_file<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<bool>> {
        boxed(async move {
            Ok(!path.is_root() && matches!(self.probe(path).await?, Some(files::Kind::File(_))))
        })
    }

    fn is_folder<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<bool>> {
        boxed(async move {
            Ok(path.is_root() || matches!(self.probe(path).await?, Some(files::Kind::Folder)))
        })
    }

    fn read<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<ByteStream>> {
        boxed(self.read_stream(path))
    }

    fn read_bytes<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<Bytes>> {
        boxed(SftpBackend::read_range(self, path, 0, u64::MAX))
    }

    fn read_range<'a>(
        &'a self,
        path: &'a StorePath,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, Result<Bytes>> {
        boxed(SftpBackend::read_range(self, path, offset, len))
    }

    fn write<'a>(
        &'a self,
        path: &'a StorePath,
        content: AsyncContent,
        options: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        boxed(async move {
            refuse_options(options)?;
            SftpBackend::write(self, path, content, options).await
        })
    }

    fn write_atomic<'a>(
        &'a self,
        path: &'a StorePath,
        content: AsyncContent,
        options: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        boxed(async move {
            refuse_options(options)?;
            SftpBackend::write_atomic(self, path, content, options).await
        })
    }

    fn delete<'a>(&'a self, path: &'a StorePath, missing_ok: bool) -> BoxFuture<'a, Result<()>> {
        boxed(SftpBackend::delete(self, path, missing_ok))
    }

    fn delete_folder<'a>(
        &'a self,
        path: &'a StorePath,
        options: &'a DeleteFolderOptions,
    ) -> BoxFuture<'a, Result<()>> {
        boxed(SftpBackend::delete_folder(self, path, options))
    }

    fn list_files<'a>(
        &'a self,
        path: &'a StorePath,
        options: &'a ListOptions,
    ) -> BoxFuture<'a, Result<ListStream<FileInfo>>> {
        boxed(async move {
            Ok(stream_items(
                SftpBackend::list_files(self, path, options).await?,
            ))
        })
    }

    fn list_folders<'a>(
        &'a self,
        path: &'a StorePath,
        options: &'a ListOptions,
    ) -> BoxFuture<'a, Result<ListStream<FolderEntry>>> {
        boxed(async move {
            Ok(stream_items(
                SftpBackend::list_folders(self, path, options).await?,
            ))
        })
    }

    fn iter_children<'a>(
        &'a self,
        path: &'a StorePath,
    ) -> BoxFuture<'a, Result<ListStream<Entry>>> {
        boxed(async move {
            Ok(stream_items(
                self.walk(path, &ListOptions::new(), Want::Both).await?,
            ))
        })
    }

    fn rename<'a>(
        &'a self,
        src: &'a StorePath,
        dst: &'a StorePath,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        boxed(SftpBackend::rename(self, src, dst, overwrite))
    }

    fn copy<'a>(
        &'a self,
        src: &'a StorePath,
        dst: &'a StorePath,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        boxed(SftpBackend::copy(self, src, dst, overwrite))
    }

    fn get_file_info<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<FileInfo>> {
        boxed(self.file_info(path))
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
