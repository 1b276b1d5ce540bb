//! The derived operations of an [`AsyncBackend`].

use bytes::Bytes;
use futures_util::{stream, StreamExt, TryStreamExt};

use super::{file_verdict, folder_verdict, kept_changing, same_version, CONSISTENT_READS};
use crate::api::AsyncBackend;
use crate::api::BoxFuture;
use crate::capability::Capability;
use crate::content::{ByteStream, ListStream};
use crate::entry::{Entry, FileInfo, FolderInfo};
use crate::error::{Error, Result};
use crate::options::{ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::stores::filter::{FileFilter, ListFilter};

/// `Unsupported(cap)`, before any I/O.
pub fn unsupported<'a, B: AsyncBackend + ?Sized, T: Send + 'a>(
    backend: &B,
    cap: Capability,
) -> BoxFuture<'a, Result<T>> {
    let err = super::unsupported(backend.name(), backend.capabilities(), cap);
    Box::pin(std::future::ready(Err(err)))
}

/// The default `ping` and `close`: nothing to do.
pub fn ready<B: AsyncBackend + ?Sized>(_backend: &B) -> BoxFuture<'_, Result<()>> {
    Box::pin(async { Ok(()) })
}

/// `read` over `read_bytes`: the bytes as one chunk (none when empty).
pub fn read<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<ByteStream>> {
    Box::pin(async move {
        let bytes = backend.read_bytes(path).await?;
        let chunks = (!bytes.is_empty()).then_some(Ok(bytes));
        Ok(Box::pin(stream::iter(chunks)) as ByteStream)
    })
}

/// `read_bytes` over `read`.
pub fn read_bytes<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<Bytes>> {
    Box::pin(async move { concat(backend.read(path).await?).await })
}

/// `read_range` as the backend's `read_range_stream`, collected ([C-6.6](crate::contract#C-6.6)).
pub fn read_range<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
    offset: u64,
    len: u64,
) -> BoxFuture<'a, Result<Bytes>> {
    Box::pin(async move { concat(backend.read_range_stream(path, offset, len).await?).await })
}

/// Every chunk of `stream`, in one buffer.
async fn concat(stream: ByteStream) -> Result<Bytes> {
    let chunks: Vec<Bytes> = stream.try_collect().await?;
    Ok(chunks.concat().into())
}

/// `read_range_stream` as skip-and-take over `read` ([C-6.6](crate::contract#C-6.6)): each chunk is sliced to the
/// range, the stream ends at its end or after its first error ([C-1.6](crate::contract#C-1.6)).
pub fn read_range_stream<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
    offset: u64,
    len: u64,
) -> BoxFuture<'a, Result<ByteStream>> {
    Box::pin(async move {
        let stream = backend.read(path).await?;
        let end = offset.saturating_add(len);
        let chunks = stream::unfold((stream, 0u64), move |(mut stream, mut pos)| async move {
            while pos < end {
                let chunk = match stream.next().await? {
                    Ok(chunk) => chunk,
                    Err(e) => return Some((Err(e), (stream, end))),
                };
                let chunk_end = pos + chunk.len() as u64;
                let from = offset.saturating_sub(pos).min(chunk.len() as u64) as usize;
                let to = (end.min(chunk_end) - pos) as usize;
                pos = chunk_end;
                if from < to {
                    return Some((Ok(chunk.slice(from..to)), (stream, pos)));
                }
            }
            None
        });
        Ok(Box::pin(chunks) as ByteStream)
    })
}

/// `read_with_info` as `get_file_info`, `read_bytes` and `get_file_info` again, repeated while
/// the two looks disagree; see [`blocking::read_with_info`](super::blocking::read_with_info).
pub fn read_with_info<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
    limit: u64,
) -> BoxFuture<'a, Result<(FileInfo, Option<Bytes>)>> {
    Box::pin(async move {
        for attempt in 0..CONSISTENT_READS {
            // Give the writer that came between room to finish, a little more each time.
            for _ in 0..attempt * attempt {
                tokio::task::yield_now().await;
            }
            let info = backend.get_file_info(path).await?;
            if info.size > limit {
                return Ok((info, None));
            }
            let bytes = backend.read_bytes(path).await?;
            if same_version(&info, &bytes, &backend.get_file_info(path).await?) {
                return Ok((info, Some(bytes)));
            }
        }
        Err(kept_changing(backend.name(), path))
    })
}

/// `iter_children` as `list_files` then `list_folders`.
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

/// `glob` when the backend has none: `Unsupported(Glob)`.
pub fn glob<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    _pattern: &'a Pattern,
) -> BoxFuture<'a, Result<ListStream<FileInfo>>> {
    unsupported(backend, Capability::Glob)
}

/// `get_folder_info` by aggregating a recursive `list_files`; needs List.
pub fn get_folder_info<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<FolderInfo>> {
    Box::pin(async move { folder_info(backend, path, &ListOptions::new().recursive(true)).await })
}

/// The facts of the files below the folder `path` that a listing with `options` gives; see
/// the blocking [`folder_info`](super::blocking::folder_info).
pub fn folder_info<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
    options: &'a ListOptions,
) -> BoxFuture<'a, Result<FolderInfo>> {
    Box::pin(async move {
        backend.capabilities().require(Capability::List)?;
        if !path.is_root() {
            let is_folder = backend.is_folder(path).await?;
            let is_file = !is_folder && backend.is_file(path).await?;
            folder_verdict(is_folder, is_file, path.as_str(), backend.name())?;
        }
        let keep = FileFilter::new(path, options);
        let files = backend.list_files(path, options).await?;
        files
            .try_fold(FolderInfo::empty(path.clone()), |mut info, file| {
                if keep.keep(&file) {
                    info.add(&file);
                }
                std::future::ready(Ok(info))
            })
            .await
    })
}

/// `is_file` over `get_file_info`: absent or a folder is `false`.
pub fn is_file<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<bool>> {
    Box::pin(async move { file_verdict(backend.get_file_info(path).await) })
}

/// `is_folder` over the listings: the root, or anything below the path.
pub fn is_folder<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<bool>> {
    Box::pin(async move {
        if path.is_root() {
            return Ok(true);
        }
        if let Some(first) = backend
            .list_folders(path, &ListOptions::new())
            .await?
            .next()
            .await
        {
            return first.map(|_| true);
        }
        let recursive = ListOptions::new().recursive(true);
        match backend.list_files(path, &recursive).await?.next().await {
            Some(first) => first.map(|_| true),
            None => Ok(false),
        }
    })
}

/// `exists` as `is_file || is_folder`.
pub fn exists<'a, B: AsyncBackend + ?Sized>(
    backend: &'a B,
    path: &'a StorePath,
) -> BoxFuture<'a, Result<bool>> {
    Box::pin(async move {
        Ok(path.is_root() || backend.is_file(path).await? || backend.is_folder(path).await?)
    })
}

/// The checks of an `open_atomic` at open time, over an async backend that has no writer of
/// its own ([C-6.4](crate::contract#C-6.4)): the root and a folder or a file ancestor in the way are `InvalidPath`, an
/// existing file without `overwrite` `AlreadyExists`, and an `if_match` whose etag is not the
/// file's `NotFound` or `PreconditionFailed`. The write at commit checks again, in one step.
pub(crate) async fn open_atomic_checks<B: AsyncBackend + ?Sized>(
    backend: &B,
    path: &StorePath,
    options: &WriteOptions,
) -> Result<()> {
    let located = |e: Error| e.with_backend(backend.name());
    if path.is_root() {
        return Err(located(Error::root_is_folder()));
    }
    if backend.is_folder(path).await? {
        return Err(located(Error::folder_in_the_way(path.as_str())));
    }
    let is_file = backend.is_file(path).await?;
    if !is_file {
        let mut ancestor = path.parent();
        while let Some(a) = ancestor.filter(|a| !a.is_root()) {
            if backend.is_file(&a).await? {
                return Err(located(Error::file_in_the_way(path.as_str())));
            }
            ancestor = a.parent();
        }
    }
    if is_file && !options.overwrite {
        return Err(located(Error::already_exists(path.as_str())));
    }
    if options.expected_etag().is_some() {
        let current = match is_file {
            true => backend.get_file_info(path).await?.etag,
            false => None,
        };
        options
            .check_etag(path, current.as_deref())
            .map_err(located)?;
    }
    Ok(())
}
