//! The write path: where new content goes, the write-side verdicts of C-2.4, plain and
//! atomic writes, and the lock of a conditional write.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;
use std::sync::Arc;

use rustix::fs::{self as sys, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::atomic::{Perms, Temp};
use super::errors::{file_in_the_way, folder_in_the_way, not_found, special};
use super::etag::{etag_of, info_of};
use super::read::open_file;
use super::root::{self, Created, Handle, Place, Walked};
use super::{kind, LocalBackend, NAME};
use crate::content::{content_error, Content};
use crate::error::{Error, ErrorKind, Result};
use crate::options::WriteOptions;
use crate::path::StorePath;
use crate::write_result::WriteResult;

impl LocalBackend {
    /// The folder that will hold `key`'s new content, made as needed (recorded in `created`),
    /// after the write-side checks of [C-2.4](crate::contract#C-2.4): a folder in the way or a file where a folder
    /// should be is `InvalidPath`, an existing target without `overwrite` `AlreadyExists`.
    pub(super) fn target(
        &self,
        handle: &Arc<Handle>,
        key: &StorePath,
        overwrite: bool,
        created: &mut Created,
    ) -> Result<Place> {
        match handle.parent(key, Some(created))? {
            Ok((place, None)) => Ok(place),
            Ok((place, Some(stat))) => {
                let stat = match kind(&stat) {
                    // A link is replaced, not written through, but must lead inside.
                    FileType::Symlink => match handle.walk(key, true, None)? {
                        Walked::Found(_, stat) => stat,
                        _ => return Err(root::looping(key)),
                    },
                    _ => stat,
                };
                replaceable(&stat, key, overwrite).map(|()| place)
            }
            Err(Walked::BelowFile) => Err(file_in_the_way(key)),
            Err(_) => Err(not_found(key)),
        }
    }

    /// Opens `key` for a plain write: `openat2` creates or truncates it in one call; the walk
    /// decides where that declines, making missing folders on the way.
    pub(super) fn open_write(
        &self,
        handle: &Arc<Handle>,
        key: &StorePath,
        overwrite: bool,
        created: &mut Created,
    ) -> Result<OwnedFd> {
        let mode = Mode::from_raw_mode(0o666);
        // Non-blocking, so an existing FIFO never stalls the call (it is refused below).
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NONBLOCK;
        let how = if overwrite {
            OFlags::TRUNC
        } else {
            OFlags::EXCL
        };
        // Not following a last symlink: the walk decides where it leads (ELOOP hands over).
        if let Some(fd) = handle.open_beneath(key, flags | how | OFlags::NOFOLLOW, mode) {
            return fd.map_err(|e| match e.raw_os_error().map(Errno::from_raw_os_error) {
                Some(Errno::ISDIR) => folder_in_the_way(key),
                Some(Errno::NXIO) => special(key),
                _ => Error::from_io(e, key, NAME),
            });
        }
        match handle.walk(key, true, Some(created))? {
            Walked::Missing(place) => {
                open_at(&place, flags | OFlags::EXCL, key).map_err(|e| match e.kind() {
                    ErrorKind::AlreadyExists => {
                        Error::already_exists(key.as_str()).with_backend(NAME)
                    }
                    _ => e,
                })
            }
            Walked::Found(place, stat) => replaceable(&stat, key, overwrite).and_then(|()| {
                if kind(&stat) != FileType::RegularFile {
                    return Err(special(key));
                }
                open_at(
                    &place,
                    OFlags::WRONLY | OFlags::TRUNC | OFlags::NONBLOCK,
                    key,
                )
            }),
            Walked::BelowFile => Err(file_in_the_way(key)),
            Walked::MissingParent => Err(not_found(key)),
        }
    }

    pub(super) fn write_with(
        &self,
        key: &StorePath,
        content: Content,
        options: &WriteOptions,
        atomic: bool,
    ) -> Result<WriteResult> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        refuse_reserved(key)?;
        let handle = self.root.handle_or_create()?;
        let mut created = Created::default();
        let result = if options.expected_etag().is_some() {
            self.target(handle, key, true, &mut created)
                .and_then(|place| {
                    // Checked before the content is read, and again under the lock.
                    drop(lock_if_match(handle, key, options)?);
                    let name = place.name.clone().unwrap_or_default();
                    let mut temp = Temp::new(place.dir, key)?;
                    let size = pump(content, temp.file_mut(), key)?;
                    let _lock = lock_if_match(handle, key, options)?;
                    let file = temp.promote(&name, (true, Perms::Written), self.fsync)?;
                    written(key, &file, size)
                })
        } else if atomic {
            self.target(handle, key, options.overwrite, &mut created)
                .and_then(|place| {
                    let name = place.name.clone().unwrap_or_default();
                    let mut temp = Temp::new(place.dir, key)?;
                    let size = pump(content, temp.file_mut(), key)?;
                    let perms = (options.overwrite, Perms::Written);
                    let file = temp.promote(&name, perms, self.fsync)?;
                    written(key, &file, size)
                })
        } else {
            self.open_write(handle, key, options.overwrite, &mut created)
                .and_then(|fd| {
                    // A create-only open made a new regular file; an overwrite may have
                    // opened a FIFO or a device that was there, which is refused.
                    if options.overwrite {
                        let stat =
                            sys::fstat(&fd).map_err(|e| Error::from_io(e.into(), key, NAME))?;
                        if kind(&stat) != FileType::RegularFile {
                            return Err(special(key));
                        }
                    }
                    let mut file = File::from(fd);
                    let size = pump(content, &mut file, key)?;
                    written(key, &file, size)
                })
        };
        if result.is_ok() {
            created.keep();
        }
        result
    }
}

/// Whether the existing entry `stat` at `key` may be replaced: a folder is in the way, and a
/// file without `overwrite` is `AlreadyExists` ([C-2.4](crate::contract#C-2.4)).
pub(super) fn replaceable(stat: &Stat, key: &StorePath, overwrite: bool) -> Result<()> {
    match kind(stat) {
        FileType::Directory => Err(folder_in_the_way(key)),
        _ if !overwrite => Err(Error::already_exists(key.as_str()).with_backend(NAME)),
        _ => Ok(()),
    }
}

/// Opens the entry at `place` without following a symlink.
pub(super) fn open_at(place: &Place, flags: OFlags, key: &StorePath) -> Result<OwnedFd> {
    let flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    sys::openat(&place.dir, place.name(), flags, Mode::from_raw_mode(0o666))
        .map_err(|e| Error::from_io(e.into(), key, NAME))
}

/// `InvalidPath` for a key with a segment in the temps' reserved namespace.
pub(super) fn refuse_reserved(key: &StorePath) -> Result<()> {
    crate::temp_names::refuse_reserved(key, NAME)
}

/// Copies the content into `file` in bounded memory; returns the bytes consumed.
pub(super) fn pump(content: Content, file: &mut File, key: &StorePath) -> Result<u64> {
    match content {
        Content::Bytes(bytes) => {
            file.write_all(&bytes)
                .map_err(|e| Error::from_io(e, key, NAME))?;
            Ok(bytes.len() as u64)
        }
        Content::Reader(mut reader) => {
            let mut buf = vec![0; 256 * 1024];
            let mut total = 0u64;
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => return Ok(total),
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(content_error(e)),
                };
                file.write_all(&buf[..n])
                    .map_err(|e| Error::from_io(e, key, NAME))?;
                total += n as u64;
            }
        }
    }
}

pub(super) fn written(key: &StorePath, file: &File, size: u64) -> Result<WriteResult> {
    let stat = sys::fstat(file).map_err(|e| Error::from_io(e.into(), key, NAME))?;
    Ok(WriteResult {
        size,
        ..WriteResult::native(&info_of(key.clone(), &stat))
    })
}

/// Holds the file `key` names under an exclusive `flock` once its etag is the one `options`
/// asks for, so that of conditional writers holding one etag exactly one promotes its content
/// while the lock is held, and the others find a new inode (another etag) once they get the
/// lock. Writers without `if_match` take no lock: one of them landing between this check and
/// the promotion is overwritten, the race the docs name.
pub(super) fn lock_if_match(
    handle: &Arc<Handle>,
    key: &StorePath,
    options: &WriteOptions,
) -> Result<File> {
    let (file, _) = open_file(handle, key)?;
    sys::flock(&file, sys::FlockOperation::LockExclusive)
        .map_err(|e| Error::from_io(e.into(), key, NAME))?;
    // The lock was won on what the key named at the open; a writer before us may have put a
    // new file (a new inode, so another etag) there since.
    let (_, now) = open_file(handle, key)?;
    let held = sys::fstat(&file).map_err(|e| Error::from_io(e.into(), key, NAME))?;
    if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino) {
        return Err(Error::precondition_failed(key.as_str()).with_backend(NAME));
    }
    options
        .check_etag(key, Some(&etag_of(&held)))
        .map_err(|e| e.with_backend(NAME))?;
    Ok(file)
}
