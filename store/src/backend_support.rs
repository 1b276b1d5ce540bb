//! What `#[store::backend]` fills in for the operations a backend leaves out: `Unsupported`
//! answers, and the derivations of CONTRACT C-2.2 (read from read_bytes, probes from metadata
//! and listings).

use std::future::Future;
use std::io::Cursor;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use crate::api::{AsyncBackend, Backend};
use crate::bridge::BoxFuture;
use crate::capability::Capability;
use crate::content::{ByteStream, ReadStream};
use crate::entry::FileInfo;
use crate::error::{Error, ErrorKind, Result};
use crate::options::ListOptions;
use crate::path::StorePath;

/// `Unsupported(cap)` for a blocking backend, before any I/O.
pub fn unsupported<B: Backend + ?Sized, T>(backend: &B, cap: Capability) -> Result<T> {
    Err(Error::unsupported(cap, backend.capabilities()).with_backend(backend.name()))
}

/// `Unsupported(cap)` for an async backend, before any I/O.
pub fn unsupported_future<'a, B: AsyncBackend + ?Sized, T: Send + 'a>(
    backend: &B,
    cap: Capability,
) -> BoxFuture<'a, Result<T>> {
    let err = Error::unsupported(cap, backend.capabilities()).with_backend(backend.name());
    Box::pin(std::future::ready(Err(err)))
}

/// `read` over `read_bytes`, blocking.
pub fn reader_from_bytes(bytes: Bytes) -> ReadStream {
    Box::new(Cursor::new(bytes))
}

/// `read` over `read_bytes`, async: the bytes as one chunk (none when empty).
pub async fn stream_from_bytes(read: impl Future<Output = Result<Bytes>>) -> Result<ByteStream> {
    let bytes = read.await?;
    let chunks = (!bytes.is_empty()).then_some(Ok(bytes));
    Ok(Box::pin(stream::iter(chunks)))
}

fn file_verdict(info: Result<FileInfo>) -> Result<bool> {
    match info {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::InvalidPath) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `is_file` over `get_file_info`, blocking: absent or a folder is `false`.
pub fn is_file_from_info_blocking(info: Result<FileInfo>) -> Result<bool> {
    file_verdict(info)
}

/// `is_file` over `get_file_info`, async.
pub async fn is_file_from_info(info: impl Future<Output = Result<FileInfo>>) -> Result<bool> {
    file_verdict(info.await)
}

/// `is_folder` over the listings, blocking: the root, or anything below the path.
pub fn is_folder_from_listings_blocking<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
) -> Result<bool> {
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

/// `is_folder` over the listings, async.
pub async fn is_folder_from_listings<B: AsyncBackend + ?Sized>(
    backend: &B,
    path: &StorePath,
) -> Result<bool> {
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
}

/// `exists` as `is_file || is_folder`, blocking.
pub fn exists_from_probes_blocking<B: Backend + ?Sized>(
    backend: &B,
    path: &StorePath,
) -> Result<bool> {
    Ok(path.is_root() || backend.is_file(path)? || backend.is_folder(path)?)
}

/// `exists` as `is_file || is_folder`, async.
pub async fn exists_from_probes<B: AsyncBackend + ?Sized>(
    backend: &B,
    path: &StorePath,
) -> Result<bool> {
    Ok(path.is_root() || backend.is_file(path).await? || backend.is_folder(path).await?)
}
