//! The derived operations of a blocking [`Backend`].

use std::io::{self, Cursor, Read, Seek, SeekFrom};

use bytes::Bytes;

use super::{file_verdict, folder_verdict, kept_changing, same_version, CONSISTENT_READS};
use crate::api::Backend;
use crate::capability::Capability;
use crate::content::{ListIter, ReadStream, SeekableStream, SPOOL_IN_MEMORY};
use crate::entry::{Entry, FileInfo, FolderInfo};
use crate::error::{Error, Result};
use crate::options::ListOptions;
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::stores::filter::{FileFilter, ListFilter};

fn io_error<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> impl Fn(io::Error) -> Error {
    let name = backend.name();
    let path = path.clone();
    move |e| Error::from_io(e, &path, name)
}

/// `Unsupported(cap)`, before any I/O.
pub fn unsupported<B: Backend + ?Sized, T>(backend: &B, cap: Capability) -> Result<T> {
    Err(super::unsupported(
        backend.name(),
        backend.capabilities(),
        cap,
    ))
}

/// `read` over `read_bytes`.
pub fn read<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<ReadStream> {
    backend
        .read_bytes(path)
        .map(|b| Box::new(Cursor::new(b)) as ReadStream)
}

/// `read_bytes` over `read`.
pub fn read_bytes<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<Bytes> {
    let mut buf = Vec::new();
    backend
        .read(path)?
        .read_to_end(&mut buf)
        .map_err(io_error(backend, path))?;
    Ok(buf.into())
}

/// `read_with_info` as `get_file_info`, `read_bytes` and `get_file_info` again, repeated while
/// the two looks disagree (a writer came between): up to `CONSISTENT_READS` (16) times, then
/// `Other`, retryable.
pub fn read_with_info<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
    limit: u64,
) -> Result<(FileInfo, Option<Bytes>)> {
    for _ in 0..CONSISTENT_READS {
        let info = backend.get_file_info(path)?;
        if info.size > limit {
            return Ok((info, None));
        }
        let bytes = backend.read_bytes(path)?;
        if same_version(&info, &bytes, &backend.get_file_info(path)?) {
            return Ok((info, Some(bytes)));
        }
    }
    Err(kept_changing(backend.name(), path))
}

/// `read_range` as the backend's `read_range_stream`, read to its end ([C-6.6](crate::contract#C-6.6)).
pub fn read_range<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
    offset: u64,
    len: u64,
) -> Result<Bytes> {
    let mut buf = Vec::new();
    backend
        .read_range_stream(path, offset, len)?
        .read_to_end(&mut buf)
        .map_err(io_error(backend, path))?;
    Ok(buf.into())
}

/// `read_range_stream` as skip-and-take over `read` ([C-6.6](crate::contract#C-6.6)): the bytes before `offset` are
/// read and dropped at the call, never held.
pub fn read_range_stream<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
    offset: u64,
    len: u64,
) -> Result<ReadStream> {
    let mut reader = backend.read(path)?;
    io::copy(&mut (&mut reader).take(offset), &mut io::sink()).map_err(io_error(backend, path))?;
    Ok(Box::new(reader.take(len)))
}

/// `read_seekable` by spooling `read`: in memory up to [`SPOOL_IN_MEMORY`], then a temp file.
pub fn read_seekable<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<SeekableStream> {
    let mut reader = backend.read(path)?;
    let map = io_error(backend, path);
    let mut spool = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
    io::copy(&mut reader, &mut spool).map_err(&map)?;
    spool.seek(SeekFrom::Start(0)).map_err(&map)?;
    Ok(Box::new(spool))
}

/// `iter_children` as `list_files` then `list_folders`.
pub fn iter_children<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
) -> Result<ListIter<Entry>> {
    let direct = ListOptions::new();
    let files = backend.list_files(path, &direct)?;
    let folders = backend.list_folders(path, &direct)?;
    Ok(Box::new(
        files
            .map(|f| f.map(Entry::File))
            .chain(folders.map(|f| f.map(Entry::Folder))),
    ))
}

/// `glob` when the backend has none: `Unsupported(Glob)`.
pub fn glob<B: Backend + ?Sized>(backend: &B, _pattern: &Pattern) -> Result<ListIter<FileInfo>> {
    unsupported(backend, Capability::Glob)
}

/// `get_folder_info` by aggregating a recursive `list_files`; needs List.
pub fn get_folder_info<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<FolderInfo> {
    folder_info(backend, path, &ListOptions::new().recursive(true))
}

/// The facts of the files below the folder `path` that a listing with `options` gives: the
/// folder check ([C-2.5](crate::contract#C-2.5)), then one listing folded into a [`FolderInfo`], keeping what the
/// stores' filter keeps. Needs List. `get_folder_info` is this at every depth, and the stores'
/// `get_folder_info(path, Some(depth))` this with a depth bound.
pub fn folder_info<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
    options: &ListOptions,
) -> Result<FolderInfo> {
    backend.capabilities().require(Capability::List)?;
    if !path.is_root() {
        let is_folder = backend.is_folder(path)?;
        let is_file = !is_folder && backend.is_file(path)?;
        folder_verdict(is_folder, is_file, path.as_str(), backend.name())?;
    }
    let keep = FileFilter::new(path, options);
    let mut info = FolderInfo::empty(path.clone());
    for file in backend.list_files(path, options)? {
        let file = file?;
        if keep.keep(&file) {
            info.add(&file);
        }
    }
    Ok(info)
}

/// `is_file` over `get_file_info`: absent or a folder is `false`.
pub fn is_file<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<bool> {
    file_verdict(backend.get_file_info(path))
}

/// `is_folder` over the listings: the root, or anything below the path.
pub fn is_folder<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<bool> {
    if path.is_root() {
        return Ok(true);
    }
    if let Some(first) = backend.list_folders(path, &ListOptions::new())?.next() {
        return first.map(|_| true);
    }
    match backend
        .list_files(path, &ListOptions::new().recursive(true))?
        .next()
    {
        Some(first) => first.map(|_| true),
        None => Ok(false),
    }
}

/// `exists` as `is_file || is_folder`.
pub fn exists<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> Result<bool> {
    Ok(path.is_root() || backend.is_file(path)? || backend.is_folder(path)?)
}
