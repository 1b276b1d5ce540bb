//! Opening files for reading, with the read-side verdicts of C-2.5, and the reader a
//! stream read hands out.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

use bytes::Bytes;
use rustix::fs::{self as sys, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::errors::{is_folder, not_found, special};
use super::root::{Handle, Walked};
use super::write::open_at;
use super::{kind, LocalBackend, NAME};
use crate::error::{Error, Result};
use crate::path::StorePath;

impl LocalBackend {
    /// The regular file at `key`, opened for reading, with the read-side verdicts of [C-2.5](crate::contract#C-2.5).
    pub(super) fn open_read(&self, key: &StorePath) -> Result<(File, Stat)> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        match self.root.handle()? {
            Some(handle) => open_file(handle, key),
            None => Err(not_found(key)),
        }
    }
}

/// The regular file at `key` (not the root), opened for reading, with the read-side verdicts
/// of [C-2.5](crate::contract#C-2.5). Opened non-blocking, so a FIFO never stalls the call, and refused unless regular.
pub(super) fn open_file(handle: &Arc<Handle>, key: &StorePath) -> Result<(File, Stat)> {
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY;
    let fd = match handle.open_beneath(key, flags, Mode::empty()) {
        Some(fd) => fd.map_err(|e| match e.raw_os_error().map(Errno::from_raw_os_error) {
            Some(Errno::NXIO | Errno::NODEV) => special(key),
            _ => Error::from_io(e, key, NAME),
        })?,
        None => match handle.walk(key, true, None)? {
            Walked::Found(place, stat) => match kind(&stat) {
                FileType::Directory => return Err(is_folder(key)),
                FileType::RegularFile => open_at(&place, flags, key)?,
                _ => return Err(special(key)),
            },
            _ => return Err(not_found(key)),
        },
    };
    let stat = sys::fstat(&fd).map_err(|e| Error::from_io(e.into(), key, NAME))?;
    match kind(&stat) {
        FileType::RegularFile => Ok((File::from(fd), stat)),
        FileType::Directory => Err(is_folder(key)),
        _ => Err(special(key)),
    }
}

/// The whole of the open `file`, sized from the status the open already has; going through
/// `Take` skips `File::read_to_end`'s own fstat and seek.
pub(super) fn read_whole(file: &File, stat: &Stat, key: &StorePath) -> Result<Bytes> {
    let mut buf = Vec::new();
    // Sized up front where memory allows; a file too large for that still reads (or fails
    // with an error), never with a capacity panic.
    let _ = buf.try_reserve_exact((stat.st_size as u64).saturating_add(1) as usize);
    file.take(u64::MAX)
        .read_to_end(&mut buf)
        .map_err(|e| Error::from_io(e, key, NAME))?;
    Ok(buf.into())
}

/// A file as a read stream: mid-stream failures carry the key ([C-6.1](crate::contract#C-6.1)).
pub(super) struct LocalReader {
    pub(super) file: File,
    pub(super) key: StorePath,
}

impl Read for LocalReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file
            .read(buf)
            .map_err(|e| Error::from_io(e, &self.key, NAME).into())
    }
}

impl Seek for LocalReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}
