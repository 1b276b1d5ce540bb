//! Writes, plain and atomic: the target checked first, content pipelined up, an atomic write
//! through a temp renamed into place and removed if the write fails or is dropped.

use std::sync::Arc;

use futures_util::future::join;
use russh_sftp::client::error::Error as SftpError;
use russh_sftp::protocol::{FileAttributes, OpenFlags, StatusCode};

use super::errors::is_folder;
use super::errors::{self, is_missing};
use super::files::{info, kind_of, Kind, Target};
use super::moves::posix_rename;
use super::session::Lease;
use super::transfer::{self};
use super::{SftpBackend, NAME};
use crate::content::AsyncContent;
use crate::error::{Error, Result};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::temp_names::{refuse_reserved, temp_name};
use crate::write_result::WriteResult;

impl SftpBackend {
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
    pub(super) async fn classify(&self, conn: &Lease, key: &StorePath, err: SftpError) -> Error {
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

    /// A temp next to `target`, open for writing, and a guard that removes it unless disarmed.
    pub(super) async fn temp(
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
    pub(super) async fn promote(
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

    /// Writes `content` to `key` after the write-side checks: in place, where a file this
    /// call created goes again if the upload fails (one it overwrote keeps what arrived: a
    /// plain write is not atomic); or, `atomic`, into a temp promoted once whole and removed
    /// otherwise.
    pub(super) async fn upload(
        &self,
        key: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
        atomic: bool,
    ) -> Result<WriteResult> {
        let conn = self.lease().await?;
        let target = self.prepare(&conn, key, options.overwrite, atomic).await?;
        if atomic {
            let (handle, temp) = self.temp(&conn, &target, key).await?;
            let attrs = match transfer::upload(&conn, &handle, content, key.as_str()).await {
                Ok(attrs) => attrs,
                Err(e) => {
                    temp.remove().await;
                    return Err(e.into_error());
                }
            };
            self.promote(&conn, temp, &target, key, options.overwrite)
                .await?;
            return Ok(WriteResult::native(&info(key, &attrs)));
        }
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
                if !target.exists {
                    let _ = conn.sftp.remove(target.native.as_str()).await;
                }
                Err(e.into_error())
            }
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
    pub(super) fn disarm(mut self) {
        self.conn = None;
    }

    pub(super) async fn remove(mut self) {
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
