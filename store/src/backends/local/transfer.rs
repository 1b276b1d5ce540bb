//! Renames and copies, with the precondition order of C-2.4: one `renameat2` where it can.

use std::ffi::CString;
use std::io::{self};
use std::sync::Arc;

use rustix::fs::{self as sys, AtFlags, FileType, Mode, OFlags, RenameFlags};
use rustix::io::Errno;

use super::atomic::{Perms, Temp};
use super::errors::not_found;
use super::root::{Created, DirFd, Place};
use super::write::refuse_reserved;
use super::{kind, LocalBackend, NAME};
use crate::error::{Error, Result};
use crate::path::StorePath;

impl LocalBackend {
    /// Moves or copies with the precondition order of [C-2.4](crate::contract#C-2.4).
    pub(super) fn transfer(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
        keep_src: bool,
    ) -> Result<()> {
        if src.is_root() || dst.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        if !keep_src && src != dst && refuse_reserved(dst).is_ok() {
            if let Some(done) = self.rename_fast(src, dst, overwrite) {
                return done;
            }
        }
        let Some((from, _, src_kind)) = self.entry(src)? else {
            return Err(not_found(src));
        };
        if src_kind == FileType::Directory {
            return Err(Error::source_is_a_folder(src.as_str()).with_backend(NAME));
        }
        if src == dst {
            return Ok(());
        }
        refuse_reserved(dst)?;
        let handle = self.root.handle_or_create()?;
        let mut created = Created::default();
        let result = self
            .target(handle, dst, overwrite, &mut created)
            .and_then(|to| {
                if keep_src {
                    return self.copy_into(src, dst, to, overwrite);
                }
                let name = to.name.clone().unwrap_or_default();
                let flags = if overwrite {
                    RenameFlags::empty()
                } else {
                    RenameFlags::NOREPLACE
                };
                // One call: with NOREPLACE, of several renames to free targets exactly one wins.
                match sys::renameat_with(&from.dir, from.name(), &to.dir, &name, flags) {
                    Ok(()) => Ok(()),
                    Err(Errno::EXIST) => {
                        Err(Error::already_exists(dst.as_str()).with_backend(NAME))
                    }
                    Err(Errno::NOENT) => Err(not_found(src)),
                    Err(Errno::XDEV) => {
                        self.copy_into(src, dst, to, overwrite)?;
                        sys::unlinkat(&from.dir, from.name(), AtFlags::empty())
                            .map_err(|e| Error::from_io(e.into(), src, NAME))
                    }
                    Err(Errno::INVAL) if !overwrite => {
                        // No RENAME_NOREPLACE here: a hard link fails on an existing target.
                        match sys::linkat(&from.dir, from.name(), &to.dir, &name, AtFlags::empty())
                        {
                            Ok(()) => sys::unlinkat(&from.dir, from.name(), AtFlags::empty())
                                .map_err(|e| Error::from_io(e.into(), src, NAME)),
                            Err(Errno::EXIST) => {
                                Err(Error::already_exists(dst.as_str()).with_backend(NAME))
                            }
                            Err(e) => Err(Error::from_io(e.into(), dst, NAME)),
                        }
                    }
                    Err(e) => Err(Error::from_io(e.into(), dst, NAME)),
                }
            });
        if result.is_ok() {
            created.keep();
        }
        result
    }

    /// A rename in as few calls as the kernel's strategy allows: the source's folder opened
    /// once (and the destination's, when it differs), one `statx` that the source is a plain
    /// file, one `renameat2`. `None` where the general path must decide: a symlink, a missing
    /// folder, any refusal it has to tell apart.
    pub(super) fn rename_fast(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
    ) -> Option<Result<()>> {
        let handle = self.root.handle().ok()??;
        if !handle.beneath() {
            return None;
        }
        let folder = |key: &StorePath| -> Option<DirFd> {
            let parent = key.parent()?;
            if parent.is_root() {
                return Some(DirFd::Root(Arc::clone(handle)));
            }
            let flags = OFlags::PATH | OFlags::DIRECTORY;
            handle
                .open_beneath(&parent, flags, Mode::empty())?
                .ok()
                .map(DirFd::Below)
        };
        let from = folder(src)?;
        let apart;
        let to = if folder_of(src) == folder_of(dst) {
            &from
        } else {
            apart = folder(dst)?;
            &apart
        };
        let (src_name, dst_name) = (
            CString::new(src.name()).ok()?,
            CString::new(dst.name()).ok()?,
        );
        let stat = sys::statat(&from, &src_name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        if kind(&stat) != FileType::RegularFile {
            return None;
        }
        let flags = if overwrite {
            // Only a plain file is replaced here; a folder or a link in the way is the general
            // path's to judge.
            match sys::statat(to, &dst_name, AtFlags::SYMLINK_NOFOLLOW) {
                Err(Errno::NOENT) => {}
                Ok(stat) if kind(&stat) == FileType::RegularFile => {}
                _ => return None,
            }
            RenameFlags::empty()
        } else {
            RenameFlags::NOREPLACE
        };
        sys::renameat_with(&from, &src_name, to, &dst_name, flags)
            .ok()
            .map(Ok)
    }

    /// Copies `src` into a temp in `to`'s folder, then promotes it: `dst` is never partial,
    /// and gets `src`'s permissions.
    pub(super) fn copy_into(
        &self,
        src: &StorePath,
        dst: &StorePath,
        to: Place,
        overwrite: bool,
    ) -> Result<()> {
        let (mut source, stat) = self.open_read(src)?;
        let name = to.name.clone().unwrap_or_default();
        let mut temp = Temp::new(to.dir, dst)?;
        io::copy(&mut source, temp.file_mut()).map_err(|e| Error::from_io(e, dst, NAME))?;
        let perms = (overwrite, Perms::Of(stat.st_mode & 0o777));
        temp.promote(&name, perms, self.fsync)?;
        Ok(())
    }
}

/// The folder part of `key`, without allocating; `None` for a key in the root.
pub(super) fn folder_of(key: &StorePath) -> Option<&str> {
    key.as_str().rsplit_once('/').map(|(folder, _)| folder)
}
