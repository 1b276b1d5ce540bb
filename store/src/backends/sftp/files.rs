//! The file operations that look: probes, confinement, reads, delete and metadata (writes are
//! in `writes.rs`, renames and copies in `moves.rs`). Requests that do not depend on each
//! other go out together, so most operations cost one or two round trips.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use futures_util::future::join;
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::protocol::{FileAttributes, OpenFlags, StatusCode};

use super::errors::{self, escapes, is_folder, is_missing};
use super::session::Lease;
use super::transfer::{self, close_later};
use super::{SftpBackend, NAME};
use crate::content::ByteStream;
use crate::entry::FileInfo;
use crate::error::{Error, Result};
use crate::path::StorePath;

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

/// Where a write goes, checked: the target's native path and whether a file is there now.
pub(super) struct Target {
    pub native: String,
    pub parent: String,
    pub exists: bool,
}

impl SftpBackend {
    /// Checks that `realpath` of `key` stays in the base folder: `Ok(true)` when it resolves
    /// (possibly to a missing last component), `Ok(false)` when an ancestor is missing.
    pub(super) fn confined(
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
    pub(super) async fn open_confined(&self, conn: &Lease, key: &StorePath) -> Result<String> {
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
    pub(super) fn regular(
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
    pub(super) async fn open_read(
        &self,
        conn: &Lease,
        key: &StorePath,
    ) -> Result<(String, FileAttributes)> {
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
}
