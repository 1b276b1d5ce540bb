//! The derived operations of CONTRACT C-2.2, in both worlds: what a backend gets when it does
//! not implement a method itself.

use std::collections::BTreeMap;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};

use crate::api::AsyncBackend;
use crate::bridge::BoxFuture;
use crate::capability::Capability;
use crate::content::ListStream;
use crate::entry::{Entry, FolderInfo};
use crate::error::{Error, Result};
use crate::options::ListOptions;
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::resolution::ResolutionPlan;

/// The default `resolve`: kind and backend are the backend's name.
pub fn resolution(name: &str, key: &StorePath, native_path: String) -> ResolutionPlan {
    ResolutionPlan {
        kind: name.to_owned(),
        backend: name.to_owned(),
        key: key.as_str().to_owned(),
        native_path,
        details: BTreeMap::new(),
    }
}

/// Strict UTF-8 decoding for `read_text`; invalid data is `InvalidData`.
pub(crate) fn decode_text(bytes: Bytes, path: &str, backend: &'static str) -> Result<String> {
    String::from_utf8(bytes.into()).map_err(|e| {
        Error::new(crate::ErrorKind::InvalidData, "file is not valid UTF-8")
            .with_path(path)
            .with_backend(backend)
            .with_source(e)
    })
}

/// The path checks of an aggregate over `path`: the root always exists; otherwise a file is
/// `InvalidPath` and an absence `NotFound` (CONTRACT C-2.5).
fn folder_verdict(
    is_folder: bool,
    is_file: bool,
    path: &StorePath,
    backend: &'static str,
) -> Result<()> {
    match (is_folder, is_file) {
        (true, _) => Ok(()),
        (false, true) => {
            Err(Error::invalid_path(path.as_str(), "not a folder").with_backend(backend))
        }
        (false, false) => Err(Error::not_found(path.as_str()).with_backend(backend)),
    }
}

/// The default `AsyncBackend::check_health` and `close`: nothing to do.
pub fn ready<B: AsyncBackend + ?Sized>(_backend: &B) -> BoxFuture<'_, Result<()>> {
    Box::pin(async { Ok(()) })
}

/// Async `read_bytes` over `read`.
pub fn read_bytes<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<Bytes>> {
    Box::pin(async move {
        let chunks: Vec<Bytes> = backend.read(path).await?.try_collect().await?;
        Ok(chunks.concat().into())
    })
}

/// Async `read_range` as skip-and-take over `read` (CONTRACT C-6.6).
pub fn read_range<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
    offset: u64,
    len: u64,
) -> BoxFuture<'a, Result<Bytes>> {
    Box::pin(async move {
        let mut stream = backend.read(path).await?;
        let end = offset.saturating_add(len);
        let (mut pos, mut out) = (0u64, Vec::new());
        while pos < end {
            let Some(chunk) = stream.next().await else {
                break;
            };
            let chunk = chunk?;
            let chunk_end = pos + chunk.len() as u64;
            if chunk_end > offset {
                let from = offset.saturating_sub(pos) as usize;
                let to = (end.min(chunk_end) - pos) as usize;
                out.extend_from_slice(&chunk[from..to]);
            }
            pos = chunk_end;
        }
        Ok(out.into())
    })
}

/// Async `iter_children` as `list_files` then `list_folders`.
pub fn iter_children<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<ListStream<Entry>>> {
    Box::pin(async move {
        let direct = ListOptions::new();
        let files = backend.list_files(path, &direct).await?;
        let folders = backend.list_folders(path, &direct).await?;
        let entries = files
            .map_ok(Entry::File)
            .chain(folders.map_ok(Entry::Folder));
        Ok(Box::pin(entries) as ListStream<Entry>)
    })
}

/// Async `glob` when the backend has none: `Unsupported(Glob)`.
pub fn glob<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    _pattern: &'a Pattern,
) -> BoxFuture<'a, Result<ListStream<crate::FileInfo>>> {
    let err =
        Error::unsupported(Capability::Glob, backend.capabilities()).with_backend(backend.name());
    Box::pin(async move { Err(err) })
}

/// Async `get_folder_info` by aggregating a recursive `list_files`; needs List.
pub fn get_folder_info<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<FolderInfo>> {
    Box::pin(async move {
        backend.capabilities().require(Capability::List)?;
        if !path.is_root() {
            let is_folder = backend.is_folder(path).await?;
            let is_file = !is_folder && backend.is_file(path).await?;
            folder_verdict(is_folder, is_file, path, backend.name())?;
        }
        let files = backend
            .list_files(path, &ListOptions::new().recursive(true))
            .await?;
        files
            .try_fold(
                FolderInfo::empty(path.clone()),
                |mut info, file| async move {
                    info.add(&file);
                    Ok(info)
                },
            )
            .await
    })
}

/// The blocking defaults.
pub mod blocking {
    use std::io::{self, Read, Seek, SeekFrom};

    use bytes::Bytes;

    use super::folder_verdict;
    use crate::api::Backend;
    use crate::capability::Capability;
    use crate::content::{ListIter, SeekableStream, SPOOL_IN_MEMORY};
    use crate::entry::{Entry, FileInfo, FolderInfo};
    use crate::error::{Error, Result};
    use crate::options::ListOptions;
    use crate::path::StorePath;
    use crate::pattern::Pattern;

    fn io_error<B: Backend + ?Sized>(backend: &B, path: &StorePath) -> impl Fn(io::Error) -> Error {
        let name = backend.name();
        let path = path.clone();
        move |e| Error::from_io(e, &path, name)
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

    /// `read_range` as skip-and-take over `read` (CONTRACT C-6.6).
    pub fn read_range<B: Backend + ?Sized>(
        backend: &B,
        path: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<Bytes> {
        let mut reader = backend.read(path)?;
        let map = io_error(backend, path);
        io::copy(&mut (&mut reader).take(offset), &mut io::sink()).map_err(&map)?;
        let mut buf = Vec::new();
        reader.take(len).read_to_end(&mut buf).map_err(&map)?;
        Ok(buf.into())
    }

    /// `read_seekable` by spooling `read`: in memory up to [`SPOOL_IN_MEMORY`], then a temp file.
    pub fn read_seekable<B: Backend + ?Sized>(
        backend: &B,
        path: &StorePath,
    ) -> Result<SeekableStream> {
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
    pub fn glob<B: Backend + ?Sized>(
        backend: &B,
        _pattern: &Pattern,
    ) -> Result<ListIter<FileInfo>> {
        Err(Error::unsupported(Capability::Glob, backend.capabilities())
            .with_backend(backend.name()))
    }

    /// `get_folder_info` by aggregating a recursive `list_files`; needs List.
    pub fn get_folder_info<B: Backend + ?Sized>(
        backend: &B,
        path: &StorePath,
    ) -> Result<FolderInfo> {
        backend.capabilities().require(Capability::List)?;
        if !path.is_root() {
            let is_folder = backend.is_folder(path)?;
            let is_file = !is_folder && backend.is_file(path)?;
            folder_verdict(is_folder, is_file, path, backend.name())?;
        }
        let mut info = FolderInfo::empty(path.clone());
        for file in backend.list_files(path, &ListOptions::new().recursive(true))? {
            info.add(&file?);
        }
        Ok(info)
    }
}
