//! Atomic writes on disk. The content goes to an unnamed temp in the target's folder
//! (`O_TMPFILE`) and is linked into place once whole, so a crash leaves nothing behind; where
//! the filesystem has no unnamed temps, to a named one (`.~tmp.<random>`, short whatever the
//! target's name) that is renamed into place. Create-only never replaces: `linkat` and
//! `renameat2(RENAME_NOREPLACE)` fail on an existing target in the same call ([C-6.3](crate::contract#C-6.3), [C-6.4](crate::contract#C-6.4)).

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::Arc;

use rustix::fs::{self as sys, AtFlags, FileType, Mode, OFlags, RenameFlags};
use rustix::io::Errno;

use super::etag::info_of;
use super::root::{Created, DirFd, Handle};
use super::NAME;
use crate::atomic::AtomicSink;
use crate::error::{Error, Result};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::write_result::WriteResult;

/// A fresh temp name for the `openat` calls.
fn temp_name() -> CString {
    CString::new(crate::temp_names::temp_name()).unwrap_or_default()
}

/// The permissions a promoted file ends up with.
pub(super) enum Perms {
    /// Those of a written file: a new one's as a plain write gives them (the umask applies),
    /// and on an overwrite the replaced file's, as a plain write keeps them.
    Written,
    /// These mode bits, the source's: for a copy or a move, as `std::fs::copy` does.
    Of(u32),
}

/// Content on its way to a target in `dir`: an unnamed temp, or a named one (`name`).
pub(super) struct Temp {
    file: File,
    dir: DirFd,
    name: Option<CString>,
    key: StorePath,
}

impl Temp {
    /// A temp in `dir`, the folder of `key`'s target: unnamed where the filesystem can.
    pub(super) fn new(dir: DirFd, key: &StorePath) -> Result<Temp> {
        #[cfg(target_os = "linux")]
        {
            // Readable too, so its content can move to a named temp should linking it fail.
            let flags = OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC;
            match sys::openat(&dir, c".", flags, Mode::from_raw_mode(0o666)) {
                Ok(fd) => {
                    return Ok(Temp {
                        file: File::from(fd),
                        dir,
                        name: None,
                        key: key.clone(),
                    })
                }
                // No unnamed temps on this filesystem: a named one does.
                Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => {}
                Err(e) => return Err(Error::from_io(e.into(), key, NAME)),
            }
        }
        let (fd, name) = named(&dir, key)?;
        Ok(Temp {
            file: File::from(fd),
            dir,
            name: Some(name),
            key: key.clone(),
        })
    }

    pub(super) fn file_mut(&mut self) -> &mut File {
        &mut self.file
    }

    /// Puts the whole content at `target` in `dir`: replacing it with `overwrite`,
    /// create-only without. On failure nothing is left behind.
    pub(super) fn promote(
        mut self,
        target: &CStr,
        (overwrite, perms): (bool, Perms),
        fsync: bool,
    ) -> Result<File> {
        // Permission bits only: set-id and sticky bits are never carried over.
        let mode = match perms {
            Perms::Of(mode) => Some(mode & 0o777),
            Perms::Written if overwrite => {
                sys::statat(&self.dir, target, AtFlags::SYMLINK_NOFOLLOW)
                    .ok()
                    .filter(|st| FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
                    .map(|st| st.st_mode & 0o777)
            }
            Perms::Written => None,
        };
        self.settle(mode, fsync)?;
        if self.name.is_none() {
            match self.link_unnamed(target, overwrite) {
                Err(Errno::NOENT | Errno::PERM | Errno::ACCESS) => {
                    // No way to link it here: its content goes to a named temp after all.
                    self.spill_to_named()?;
                    self.settle(mode, fsync)?;
                }
                other => {
                    other.map_err(|e| self.placed_error(e))?;
                    return self.finish(fsync);
                }
            }
        }
        let name = self.name.take().unwrap_or_default();
        let placed = if overwrite {
            sys::renameat(&self.dir, &name, &self.dir, target)
        } else {
            match sys::renameat_with(&self.dir, &name, &self.dir, target, RenameFlags::NOREPLACE) {
                // No RENAME_NOREPLACE here: a hard link fails on an existing target just the same.
                Err(Errno::INVAL | Errno::NOSYS) => {
                    sys::linkat(&self.dir, &name, &self.dir, target, AtFlags::empty())
                        .and_then(|()| sys::unlinkat(&self.dir, &name, AtFlags::empty()))
                }
                other => other,
            }
        };
        if let Err(e) = placed {
            let _ = sys::unlinkat(&self.dir, &name, AtFlags::empty());
            return Err(self.placed_error(e));
        }
        self.finish(fsync)
    }

    /// Gives the temp its final permissions and, with `fsync`, makes its data durable.
    fn settle(&self, mode: Option<u32>, fsync: bool) -> Result<()> {
        if let Some(mode) = mode {
            sys::fchmod(&self.file, Mode::from_raw_mode(mode))
                .map_err(|e| Error::from_io(e.into(), &self.key, NAME))?;
        }
        if fsync {
            self.file
                .sync_all()
                .map_err(|e| Error::from_io(e, &self.key, NAME))?;
        }
        Ok(())
    }

    /// Links the unnamed temp to `target` (create-only), or to a fresh name then over
    /// `target` (overwrite). `NOENT` when `/proc` is missing and the link cannot be made.
    fn link_unnamed(&self, target: &CStr, overwrite: bool) -> rustix::io::Result<()> {
        if !overwrite {
            return self.link_to(target);
        }
        // An overwrite cannot link over an existing file: the content takes a temp name for
        // the instant between the link and the rename.
        let name = temp_name();
        self.link_to(&name)?;
        sys::renameat(&self.dir, &name, &self.dir, target).inspect_err(|_| {
            let _ = sys::unlinkat(&self.dir, &name, AtFlags::empty());
        })
    }

    /// Links the unnamed temp to `name` in its folder: by its handle (`AT_EMPTY_PATH`) where
    /// the kernel lets this process, through `/proc/self/fd` otherwise.
    fn link_to(&self, name: &CStr) -> rustix::io::Result<()> {
        match sys::linkat(&self.file, c"", &self.dir, name, AtFlags::EMPTY_PATH) {
            Err(Errno::NOENT | Errno::PERM | Errno::ACCESS | Errno::INVAL) => {
                let proc = format!("/proc/self/fd/{}", self.file.as_raw_fd());
                sys::linkat(
                    sys::CWD,
                    proc.as_str(),
                    &self.dir,
                    name,
                    AtFlags::SYMLINK_FOLLOW,
                )
            }
            other => other,
        }
    }

    /// Moves the content of the unnamed temp into a named one, where it cannot be linked.
    fn spill_to_named(&mut self) -> Result<()> {
        let (fd, name) = named(&self.dir, &self.key)?;
        let mut named_file = File::from(fd);
        let copied = self
            .file
            .seek(SeekFrom::Start(0))
            .and_then(|_| io::copy(&mut self.file, &mut named_file));
        if let Err(e) = copied {
            let _ = sys::unlinkat(&self.dir, &name, AtFlags::empty());
            return Err(Error::from_io(e, &self.key, NAME));
        }
        self.file = named_file;
        self.name = Some(name);
        Ok(())
    }

    fn placed_error(&self, e: Errno) -> Error {
        match e {
            Errno::EXIST => Error::already_exists(self.key.as_str()).with_backend(NAME),
            Errno::ISDIR => Error::folder_in_the_way(self.key.as_str()).with_backend(NAME),
            e => Error::from_io(e.into(), &self.key, NAME),
        }
    }

    fn finish(mut self, fsync: bool) -> Result<File> {
        if fsync {
            let dir = sys::openat(
                &self.dir,
                c".",
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| Error::from_io(e.into(), &self.key, NAME))?;
            sys::fsync(&dir).map_err(|e| Error::from_io(e.into(), &self.key, NAME))?;
        }
        self.name = None;
        let file = self
            .file
            .try_clone()
            .map_err(|e| Error::from_io(e, &self.key, NAME))?;
        Ok(file)
    }
}

impl Drop for Temp {
    /// An unnamed temp vanishes with its handle; a named one is removed.
    fn drop(&mut self) {
        if let Some(name) = &self.name {
            let _ = sys::unlinkat(&self.dir, name, AtFlags::empty());
        }
    }
}

/// A new named temp in `dir`.
fn named(dir: &impl AsFd, key: &StorePath) -> Result<(OwnedFd, CString)> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    loop {
        let name = temp_name();
        match sys::openat(dir, &name, flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => return Ok((fd, name)),
            Err(Errno::EXIST) => continue,
            Err(e) => return Err(Error::from_io(e.into(), key, NAME)),
        }
    }
}

/// The writer of `open_atomic`: the temp exists from open; dropping it, or a failed commit,
/// leaves nothing, not even the folders the open made for it (the fields drop in order: the
/// temp, then those folders).
pub(super) struct LocalAtomicSink {
    pub(super) temp: Option<Temp>,
    pub(super) target: CString,
    pub(super) key: StorePath,
    pub(super) overwrite: bool,
    /// Where and what to check under the lock at commit, for an `if_match` write.
    pub(super) if_match: Option<(Arc<Handle>, WriteOptions)>,
    pub(super) fsync: bool,
    pub(super) created: Created,
}

impl LocalAtomicSink {
    fn temp(&mut self) -> io::Result<&mut Temp> {
        self.temp
            .as_mut()
            .ok_or_else(|| io::Error::other("the atomic writer is already committed"))
    }
}

impl Write for LocalAtomicSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp()?.file_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp()?.file_mut().flush()
    }
}

impl AtomicSink for LocalAtomicSink {
    fn commit(mut self: Box<Self>) -> Result<WriteResult> {
        let Some(temp) = self.temp.take() else {
            return Err(Error::other("the atomic writer is already committed").with_backend(NAME));
        };
        let _lock = match &self.if_match {
            Some((handle, options)) => Some(super::lock_if_match(handle, &self.key, options)?),
            None => None,
        };
        let file = temp.promote(&self.target, (self.overwrite, Perms::Written), self.fsync)?;
        self.created.keep();
        let stat = sys::fstat(&file).map_err(|e| Error::from_io(e.into(), &self.key, NAME))?;
        Ok(WriteResult::native(&info_of(self.key.clone(), &stat)))
    }

    fn abort(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
