//! The file operations: probes, reads, writes (plain and atomic), delete, rename, copy and
//! metadata. Requests that do not depend on each other go out together, so most operations
//! cost one or two round trips.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::join;
use futures_util::StreamExt;
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::extensions::HardlinkExtension;
use russh_sftp::protocol::{FileAttributes, OpenFlags, Packet, StatusCode};

use super::errors::{self, is_missing};
use super::session::Lease;
use super::transfer::{self, close_later, UploadError};
use super::{SftpBackend, NAME};
use crate::atomic::{refuse_reserved, temp_name};
use crate::content::{AsyncContent, ByteStream};
use crate::entry::FileInfo;
use crate::error::{Error, Result};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::write_result::WriteResult;

/// What a path holds, as `stat` (following links) sees it.
#[derive(Debug)]
pub(super) enum Kind {
    File(FileAttributes),
    Folder,
    /// Neither: a device, a socket, a fifo. Listed as nothing; written over as a file.
    Special,
}

pub(super) fn kind_of(attrs: FileAttributes) -> Kind {
    if attrs.is_dir() {
        Kind::Folder
    } else if attrs.is_regular() {
        Kind::File(attrs)
    } else {
        Kind::Special
    }
}

/// The `FileInfo` of `key` from its attributes.
pub(super) fn info(key: &StorePath, attrs: &FileAttributes) -> FileInfo {
    let modified = attrs
        .mtime
        .map(|t| SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(t)));
    FileInfo::new(key.clone(), attrs.size.unwrap_or(0), modified)
}

pub(super) fn escapes(key: &StorePath) -> Error {
    Error::escapes_root(key.as_str()).with_backend(NAME)
}

fn is_folder(key: &StorePath) -> Error {
    Error::is_a_folder(key.as_str()).with_backend(NAME)
}

pub(super) fn file_in_the_way(key: &StorePath) -> Error {
    Error::file_in_the_way(key.as_str()).with_backend(NAME)
}

/// The two-string payload of `posix-rename@openssh.com`, laid out as `hardlink@`'s.
fn two_paths(old: &str, new: &str) -> Result<Vec<u8>> {
    HardlinkExtension {
        oldpath: old.to_owned(),
        newpath: new.to_owned(),
    }
    .try_into()
    .map_err(|_| Error::other("an SFTP request could not be encoded").with_backend(NAME))
}

/// `posix-rename@openssh.com`: `from` replaces `to` in one step.
async fn posix_rename(
    conn: &Lease,
    from: &str,
    to: &str,
) -> Result<std::result::Result<(), SftpError>> {
    if !conn.ext.posix_rename {
        return Err(Error::other(
            "the SFTP server lacks posix-rename@openssh.com, which an atomic replace needs",
        )
        .with_backend(NAME));
    }
    Ok(
        match conn
            .sftp
            .extended("posix-rename@openssh.com", two_paths(from, to)?)
            .await
        {
            Ok(Packet::Status(st)) if st.status_code == StatusCode::Ok => Ok(()),
            Ok(Packet::Status(st)) => Err(SftpError::Status(st)),
            Ok(_) => Err(SftpError::UnexpectedPacket),
            Err(e) => Err(e),
        },
    )
}

/// Where a write goes, checked: the target's native path and whether a file is there now.
pub(super) struct Target {
    pub native: String,
    pub parent: String,
    pub exists: bool,
}

impl SftpBackend {
    /// Checks that `realpath` of `key` stays in the base folder: `Ok(true)` when it resolves
    /// (possibly to a missing last component), `Ok(false)` when an ancestor is missing.
    fn confined(
        &self,
        conn: &Lease,
        key: &StorePath,
        real: std::result::Result<russh_sftp::protocol::Name, SftpError>,
    ) -> Result<bool> {
        match real {
            Ok(name) => {
                let real = name
                    .files
                    .first()
                    .map(|f| f.filename.as_str())
                    .unwrap_or("");
                if conn.inside(real) {
                    Ok(true)
                } else {
                    Err(escapes(key))
                }
            }
            Err(e) if is_missing(&e) => Ok(false),
            Err(e) => Err(conn.fail(e, key.as_str())),
        }
    }

    /// What `key` holds, checked for confinement; `None` when nothing is there.
    pub(super) async fn kind(&self, conn: &Lease, key: &StorePath) -> Result<Option<Kind>> {
        let native = self.native(key);
        let (real, stat) = join(
            conn.sftp.realpath(native.as_str()),
            conn.sftp.stat(native.as_str()),
        )
        .await;
        if !self.confined(conn, key, real)? {
            return Ok(None);
        }
        match stat {
            Ok(attrs) => Ok(Some(kind_of(attrs.attrs))),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(conn.fail(e, key.as_str())),
        }
    }

    /// Opens `key` for reading, checked for confinement (one round trip).
    async fn open_confined(&self, conn: &Lease, key: &StorePath) -> Result<String> {
        let native = self.native(key);
        let (real, opened) = join(
            conn.sftp.realpath(native.as_str()),
            conn.sftp
                .open(native.as_str(), OpenFlags::READ, FileAttributes::empty()),
        )
        .await;
        match (self.confined(conn, key, real), opened) {
            (Ok(_), Ok(handle)) => Ok(handle.handle),
            (Err(e), Ok(handle)) => {
                close_later(Arc::new(conn.clone()), handle.handle);
                Err(e)
            }
            (Err(e), Err(_)) => Err(e),
            (Ok(_), Err(e)) => Err(conn.fail(e, key.as_str())),
        }
    }

    /// The attributes of an open file; a folder is `InvalidPath` and gets its handle closed.
    fn regular(
        &self,
        conn: &Lease,
        key: &StorePath,
        handle: &str,
        stat: std::result::Result<russh_sftp::protocol::Attrs, SftpError>,
    ) -> Result<FileAttributes> {
        match stat {
            Ok(attrs) if attrs.attrs.is_dir() => {
                close_later(Arc::new(conn.clone()), handle.to_owned());
                Err(is_folder(key))
            }
            Ok(attrs) => Ok(attrs.attrs),
            Err(e) => {
                close_later(Arc::new(conn.clone()), handle.to_owned());
                Err(conn.fail(e, key.as_str()))
            }
        }
    }

    /// Opens `key` for reading and states it: the handle and the file's attributes.
    async fn open_read(&self, conn: &Lease, key: &StorePath) -> Result<(String, FileAttributes)> {
        let handle = self.open_confined(conn, key).await?;
        let stat = conn.sftp.fstat(handle.as_str()).await;
        let attrs = self.regular(conn, key, &handle, stat)?;
        Ok((handle, attrs))
    }

    pub(super) async fn read_stream(&self, key: &StorePath) -> Result<ByteStream> {
        self.read_stream_range(key, 0, u64::MAX).await
    }

    /// `len` bytes from `offset`, clamped to the file's end, as a pipelined stream.
    pub(super) async fn read_stream_range(
        &self,
        key: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        let conn = self.lease().await?;
        let (handle, attrs) = self.open_read(&conn, key).await?;
        let size = attrs.size.unwrap_or(u64::MAX);
        let end = offset.saturating_add(len).min(size);
        Ok(transfer::stream(
            Arc::new(conn),
            handle,
            key.as_str(),
            offset.min(end),
            end,
        ))
    }

    /// The first request of the range goes out with the `fstat`, so a small file costs two
    /// round trips in all.
    pub(super) async fn read_span(&self, key: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        let conn = self.lease().await?;
        let handle = self.open_confined(&conn, key).await?;
        // Offsets past i64::MAX are past any file, and servers refuse them as malformed.
        let first = match offset > i64::MAX as u64 {
            true => 0,
            false => len.min(u64::from(conn.ext.read_len)) as u32,
        };
        let head = async {
            match first {
                0 => None,
                _ => Some(conn.sftp.read(handle.as_str(), offset, first).await),
            }
        };
        let (stat, head) = join(conn.sftp.fstat(handle.as_str()), head).await;
        let attrs = self.regular(&conn, key, &handle, stat)?;
        let size = attrs.size.unwrap_or(u64::MAX);
        let end = offset.saturating_add(len).min(size);
        let head = match head {
            None => Bytes::new(),
            Some(Ok(data)) => Bytes::from(data.data),
            Some(Err(e)) if errors::status(&e) == Some(StatusCode::Eof) => Bytes::new(),
            Some(Err(e)) => {
                close_later(Arc::new(conn.clone()), handle);
                return Err(conn.fail(e, key.as_str()));
            }
        };
        let got = offset + head.len() as u64;
        if got >= end || head.is_empty() {
            close_later(Arc::new(conn), handle);
            let keep = (end.saturating_sub(offset)).min(head.len() as u64) as usize;
            return Ok(head.slice(..keep));
        }
        let rest = transfer::collect(Arc::new(conn), handle, key.as_str(), got, end).await?;
        let mut whole = bytes::BytesMut::with_capacity(head.len() + rest.len());
        whole.extend_from_slice(&head);
        whole.extend_from_slice(&rest);
        Ok(whole.freeze())
    }

    pub(super) async fn file_info(&self, key: &StorePath) -> Result<FileInfo> {
        let conn = self.lease().await?;
        match self.kind(&conn, key).await? {
            Some(Kind::File(attrs)) => Ok(info(key, &attrs)),
            Some(Kind::Folder) => Err(is_folder(key)),
            Some(Kind::Special) | None => Err(Error::not_found(key.as_str()).with_backend(NAME)),
        }
    }

    /// Checks a write to `key` and makes its parent folders: confinement of the target (the
    /// server resolves every folder on the way, so this covers the parents too), a folder or
    /// (without `overwrite`) a file in the target's place, and a file where a folder should be
    /// ([C-2.5](crate::contract#C-2.5), [C-2.8](crate::contract#C-2.8)). One round trip when the folder exists.
    ///
    /// A plain write passes `probe = false`: its open finds a folder or (exclusive) a file in
    /// the way by failing, so only the resolution goes out, and `exists` then means "may
    /// exist" for an overwrite.
    pub(super) async fn prepare(
        &self,
        conn: &Lease,
        key: &StorePath,
        overwrite: bool,
        probe: bool,
    ) -> Result<Target> {
        refuse_reserved(key, NAME)?;
        let parent_key = key.parent().unwrap_or_default();
        let native = self.native(key);
        let parent = self.native(&parent_key);
        let s = &conn.sftp;
        let stat = async {
            match probe {
                true => Some(s.stat(native.as_str()).await),
                false => None,
            }
        };
        let (real, stat) = join(s.realpath(native.as_str()), stat).await;
        // `false`: a folder on the way is missing, or is a file.
        let resolved = self.confined(conn, key, real)?;
        let exists = match stat.map(|st| st.map(|a| kind_of(a.attrs))) {
            None => overwrite,
            Some(Ok(Kind::Folder)) => return Err(is_folder(key)),
            Some(Ok(_)) => true,
            Some(Err(e)) if is_missing(&e) => false,
            Some(Err(e)) => return Err(conn.fail(e, key.as_str())),
        };
        if exists && !overwrite {
            return Err(Error::already_exists(key.as_str()).with_backend(NAME));
        }
        // OpenSSH resolves a path whose last component alone is missing; a missing folder,
        // or a file, on the way fails the resolution, and making the folders tells which.
        if !resolved {
            self.make_folders(conn, key).await?;
        }
        Ok(Target {
            native,
            parent,
            exists,
        })
    }

    /// Classifies a refused open or link of `key` after the fact: a file there now is
    /// `AlreadyExists`, a folder `InvalidPath`, anything else the original error.
    async fn classify(&self, conn: &Lease, key: &StorePath, err: SftpError) -> Error {
        if errors::status(&err) != Some(StatusCode::Failure) {
            return conn.fail(err, key.as_str());
        }
        match self.kind(conn, key).await {
            Ok(Some(Kind::Folder)) => is_folder(key),
            Ok(Some(_)) => Error::already_exists(key.as_str()).with_backend(NAME),
            Ok(None) => conn.fail(err, key.as_str()),
            Err(e) => e,
        }
    }

    pub(super) async fn upload(
        &self,
        key: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        let conn = self.lease().await?;
        let target = self.prepare(&conn, key, options.overwrite, false).await?;
        let flags = if options.overwrite {
            OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::TRUNCATE
        } else {
            OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUDE
        };
        let handle = match conn
            .sftp
            .open(target.native.as_str(), flags, FileAttributes::empty())
            .await
        {
            Ok(handle) => handle.handle,
            Err(e) => return Err(self.classify(&conn, key, e).await),
        };
        match transfer::upload(&conn, &handle, content, key.as_str()).await {
            Ok(attrs) => Ok(WriteResult::native(&info(key, &attrs))),
            Err(e) => {
                // A file this call created goes again; one it may have overwritten keeps what
                // arrived (a plain write is not atomic).
                if !target.exists {
                    let _ = conn.sftp.remove(target.native.as_str()).await;
                }
                Err(e.into_error())
            }
        }
    }

    /// A temp next to `target`, open for writing, and a guard that removes it unless disarmed.
    async fn temp(
        &self,
        conn: &Lease,
        target: &Target,
        key: &StorePath,
    ) -> Result<(String, TempGuard)> {
        let native = format!("{}/{}", target.parent.trim_end_matches('/'), temp_name());
        let flags = OpenFlags::WRITE | OpenFlags::CREATE | OpenFlags::EXCLUDE;
        let handle = conn
            .sftp
            .open(native.as_str(), flags, FileAttributes::empty())
            .await
            .map_err(|e| conn.fail(e, key.as_str()))?;
        let guard = TempGuard {
            conn: Some(Arc::new(conn.clone())),
            native,
            runtime: tokio::runtime::Handle::try_current().ok(),
        };
        Ok((handle.handle, guard))
    }

    /// Moves the finished temp onto the target: `posix-rename` to replace, a hard link and
    /// the temp's removal (sent together) to create without replacing.
    async fn promote(
        &self,
        conn: &Lease,
        temp: TempGuard,
        target: &Target,
        key: &StorePath,
        overwrite: bool,
    ) -> Result<()> {
        let s = &conn.sftp;
        let outcome = if overwrite {
            posix_rename(conn, &temp.native, &target.native).await?
        } else if conn.ext.hardlink {
            let (linked, _) = join(
                s.hardlink(temp.native.as_str(), target.native.as_str()),
                s.remove(temp.native.as_str()),
            )
            .await;
            linked.map(|_| ())
        } else {
            // Plain SFTP rename refuses an existing target on OpenSSH and most servers.
            s.rename(temp.native.as_str(), target.native.as_str())
                .await
                .map(|_| ())
        };
        match outcome {
            Ok(()) => {
                temp.disarm();
                Ok(())
            }
            Err(e) => {
                let err = self.classify(conn, key, e).await;
                temp.remove().await;
                Err(err)
            }
        }
    }

    pub(super) async fn upload_atomic(
        &self,
        key: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        let conn = self.lease().await?;
        let target = self.prepare(&conn, key, options.overwrite, true).await?;
        let (handle, temp) = self.temp(&conn, &target, key).await?;
        match transfer::upload(&conn, &handle, content, key.as_str()).await {
            Ok(attrs) => {
                self.promote(&conn, temp, &target, key, options.overwrite)
                    .await?;
                Ok(WriteResult::native(&info(key, &attrs)))
            }
            Err(e) => {
                temp.remove().await;
                Err(e.into_error())
            }
        }
    }

    pub(super) async fn remove_file(&self, key: &StorePath, missing_ok: bool) -> Result<()> {
        let conn = self.lease().await?;
        let native = self.native(key);
        // The entry is removed, never followed, so its folder is what must resolve inside;
        // both requests go out together.
        let parent = key.parent().unwrap_or_default();
        let parent_native = self.native(&parent);
        let (parent_real, lstat) = join(
            conn.sftp.realpath(parent_native.as_str()),
            conn.sftp.lstat(native.as_str()),
        )
        .await;
        self.confined(&conn, &parent, parent_real)?;
        let present = match lstat {
            Ok(attrs) if attrs.attrs.is_dir() => return Err(is_folder(key)),
            Ok(_) => true,
            Err(e) if is_missing(&e) => false,
            Err(e) => return Err(conn.fail(e, key.as_str())),
        };
        if present {
            match conn.sftp.remove(native.as_str()).await {
                Ok(_) => return Ok(()),
                Err(e) if is_missing(&e) => {}
                Err(e) => return Err(conn.fail(e, key.as_str())),
            }
        }
        if missing_ok {
            Ok(())
        } else {
            Err(Error::not_found(key.as_str()).with_backend(NAME))
        }
    }

    /// The checks of a rename or copy: `src` is a file, `dst` is not a folder (nor, without
    /// `overwrite`, a file), both confined; `dst`'s folders are made. `None` when `src` is
    /// `dst`: a file moved or copied onto itself changes nothing, once it is known to be one.
    async fn transfer_checks(
        &self,
        conn: &Lease,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
    ) -> Result<Option<Target>> {
        match self.kind(conn, src).await? {
            Some(Kind::File(_)) => {}
            Some(Kind::Folder) => return Err(is_folder(src)),
            Some(Kind::Special) | None => {
                return Err(Error::not_found(src.as_str()).with_backend(NAME))
            }
        }
        if src == dst {
            return Ok(None);
        }
        self.prepare(conn, dst, overwrite, true).await.map(Some)
    }

    pub(super) async fn move_file(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
    ) -> Result<()> {
        let conn = self.lease().await?;
        let Some(target) = self.transfer_checks(&conn, src, dst, overwrite).await? else {
            return Ok(());
        };
        let from = self.native(src);
        let s = &conn.sftp;
        let outcome = if overwrite {
            posix_rename(&conn, &from, &target.native).await?
        } else if conn.ext.hardlink {
            match s.hardlink(from.as_str(), target.native.as_str()).await {
                Ok(_) => s.remove(from.as_str()).await.map(|_| ()),
                Err(e) => Err(e),
            }
        } else {
            // Plain SFTP rename refuses an existing target on OpenSSH and most servers.
            s.rename(from.as_str(), target.native.as_str())
                .await
                .map(|_| ())
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(e) => Err(self.classify(&conn, dst, e).await),
        }
    }

    pub(super) async fn copy_file(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
    ) -> Result<()> {
        let conn = self.lease().await?;
        let Some(target) = self.transfer_checks(&conn, src, dst, overwrite).await? else {
            return Ok(());
        };
        let (source, attrs) = self.open_read(&conn, src).await?;
        let (handle, temp) = match self.temp(&conn, &target, dst).await {
            Ok(opened) => opened,
            Err(e) => {
                close_later(Arc::new(conn.clone()), source);
                return Err(e);
            }
        };
        let copied = if conn.ext.copy_data {
            let copied = self.copy_data(&conn, &source, &handle, src).await;
            let (closed, _) = join(
                conn.sftp.close(handle.as_str()),
                conn.sftp.close(source.as_str()),
            )
            .await;
            copied.and(closed.map(|_| ()).map_err(|e| conn.fail(e, dst.as_str())))
        } else {
            // Through this process: the stream owns (and closes) the source handle, the
            // upload the temp's.
            let size = attrs.size.unwrap_or(u64::MAX);
            let stream = transfer::stream(Arc::new(conn.clone()), source, src.as_str(), 0, size);
            let content = AsyncContent::stream(stream.map(|c| c.map_err(std::io::Error::other)));
            transfer::upload(&conn, &handle, content, dst.as_str())
                .await
                .map(|_| ())
                .map_err(UploadError::into_error)
        };
        match copied {
            Ok(()) => self.promote(&conn, temp, &target, dst, overwrite).await,
            Err(e) => {
                temp.remove().await;
                Err(e)
            }
        }
    }

    /// Server-side copy of a whole open file (`copy-data`, OpenSSH 9.0 and later).
    async fn copy_data(&self, conn: &Lease, from: &str, to: &str, key: &StorePath) -> Result<()> {
        let payload = russh_sftp::ser::to_bytes(&(from, 0u64, 0u64, to, 0u64))
            .map_err(|e| Error::other(format!("an SFTP request could not be encoded: {e}")))?;
        match conn.sftp.extended("copy-data", payload.to_vec()).await {
            Ok(Packet::Status(st)) if st.status_code == StatusCode::Ok => Ok(()),
            Ok(Packet::Status(st)) => Err(conn.fail(SftpError::Status(st), key.as_str())),
            Ok(_) => Err(conn.fail(SftpError::UnexpectedPacket, key.as_str())),
            Err(e) => Err(conn.fail(e, key.as_str())),
        }
    }
}

/// Removes a temp when dropped unless disarmed: a failed or cancelled atomic write leaves
/// nothing behind while the connection lives (best-effort once it has died, [C-6.3](crate::contract#C-6.3)).
pub(super) struct TempGuard {
    conn: Option<Arc<Lease>>,
    native: String,
    runtime: Option<tokio::runtime::Handle>,
}

impl TempGuard {
    fn disarm(mut self) {
        self.conn = None;
    }

    async fn remove(mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.sftp.remove(self.native.as_str()).await;
        }
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let (Some(conn), Some(runtime)) = (self.conn.take(), &self.runtime) {
            let native = std::mem::take(&mut self.native);
            runtime.spawn(async move {
                let _ = conn.sftp.remove(native).await;
            });
        }
    }
}
