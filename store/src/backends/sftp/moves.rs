//! Renames and copies: `posix-rename` where the server has it, the checks of C-2.4 sent
//! together, a copy through the client where the server has no copy.

use std::sync::Arc;

use futures_util::future::join;
use futures_util::StreamExt;
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::extensions::HardlinkExtension;
use russh_sftp::protocol::{Packet, StatusCode};

use super::errors::is_folder;
use super::files::{Kind, Target};
use super::session::Lease;
use super::transfer::{self, close_later, UploadError};
use super::{SftpBackend, NAME};
use crate::content::AsyncContent;
use crate::error::{Error, Result};
use crate::path::StorePath;

/// The two-string payload of `posix-rename@openssh.com`, laid out as `hardlink@`'s.
pub(super) fn two_paths(old: &str, new: &str) -> Result<Vec<u8>> {
    HardlinkExtension {
        oldpath: old.to_owned(),
        newpath: new.to_owned(),
    }
    .try_into()
    .map_err(|_| Error::other("an SFTP request could not be encoded").with_backend(NAME))
}

/// `posix-rename@openssh.com`: `from` replaces `to` in one step.
pub(super) async fn posix_rename(
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

impl SftpBackend {
    /// The checks of a rename or copy: `src` is a file, `dst` is not a folder (nor, without
    /// `overwrite`, a file), both confined; `dst`'s folders are made. `None` when `src` is
    /// `dst`: a file moved or copied onto itself changes nothing, once it is known to be one.
    pub(super) async fn transfer_checks(
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
    pub(super) async fn copy_data(
        &self,
        conn: &Lease,
        from: &str,
        to: &str,
        key: &StorePath,
    ) -> Result<()> {
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
