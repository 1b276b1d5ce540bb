//! The source of a stream read, as a layer sees it on the [`Call`](crate::Call): the backend
//! below and the range read, so that a layer can stat the file and open the rest of it again
//! (how [`Retry`](crate::layers::Retry) resumes a read that failed mid-body), and the version
//! of a file, so that it can tell that what it opens again is still the same file.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::api::{AsyncBackend, Backend, BoxFuture};
use crate::content::{ByteStream, ReadStream};
use crate::entry::FileInfo;
use crate::error::Result;
use crate::path::StorePath;

/// Where the bytes of a stream read come from: one file of the backend below the layer, from
/// an offset, for a length (to the end of the file for `read`).
#[derive(Clone, Copy)]
pub struct Source<'a> {
    below: Below<'a>,
    path: &'a StorePath,
    offset: u64,
    len: u64,
}

#[derive(Clone, Copy)]
enum Below<'a> {
    Blocking(&'a dyn BlockingReopener),
    Async(&'a dyn AsyncReopener),
}

impl<'a> Source<'a> {
    /// A read of `path` on a blocking backend; `range` is `(offset, len)`, or the whole file.
    #[doc(hidden)]
    pub fn blocking<B: Backend + ?Sized>(
        below: &'a Arc<B>,
        path: &'a StorePath,
        range: Option<(u64, u64)>,
    ) -> Self {
        Self::new(Below::Blocking(below), path, range)
    }

    /// A read of `path` on an async backend; `range` is `(offset, len)`, or the whole file.
    #[doc(hidden)]
    pub fn asynchronous<B: AsyncBackend + ?Sized>(
        below: &'a Arc<B>,
        path: &'a StorePath,
        range: Option<(u64, u64)>,
    ) -> Self {
        Self::new(Below::Async(below), path, range)
    }

    fn new(below: Below<'a>, path: &'a StorePath, range: Option<(u64, u64)>) -> Self {
        let (offset, len) = range.unwrap_or((0, u64::MAX));
        Source {
            below,
            path,
            offset,
            len,
        }
    }

    /// The file read (its full backend key).
    pub fn path(&self) -> &'a StorePath {
        self.path
    }

    /// A handle of its own on the blocking backend below, to stat the file and open it again;
    /// `None` in the async world.
    pub fn blocking_handle(&self) -> Option<BlockingHandle> {
        match self.below {
            Below::Blocking(below) => Some(BlockingHandle {
                below: below.own(),
                path: self.path.clone(),
                offset: self.offset,
                len: self.len,
            }),
            Below::Async(_) => None,
        }
    }

    /// A handle of its own on the async backend below, to stat the file and open it again;
    /// `None` in the blocking world.
    pub fn async_handle(&self) -> Option<AsyncHandle> {
        match self.below {
            Below::Async(below) => Some(AsyncHandle {
                below: below.own(),
                path: self.path.clone(),
                offset: self.offset,
                len: self.len,
            }),
            Below::Blocking(_) => None,
        }
    }
}

impl fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("path", &self.path)
            .field("offset", &self.offset)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// The blocking backend below a layer, kept alive by a handle.
trait BlockingReopener: Send + Sync {
    fn own(&self) -> Arc<dyn BlockingReopen>;
}

trait BlockingReopen: Send + Sync {
    fn stat(&self, path: &StorePath) -> Result<FileInfo>;
    fn open(&self, path: &StorePath, offset: u64, len: u64) -> Result<ReadStream>;
}

/// The async backend below a layer, kept alive by a handle.
trait AsyncReopener: Send + Sync {
    fn own(&self) -> Arc<dyn AsyncReopen>;
}

trait AsyncReopen: Send + Sync {
    fn stat<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<FileInfo>>;
    fn open<'a>(
        &'a self,
        path: &'a StorePath,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, Result<ByteStream>>;
}

impl<B: Backend + ?Sized> BlockingReopener for Arc<B> {
    fn own(&self) -> Arc<dyn BlockingReopen> {
        Arc::new(Arc::clone(self))
    }
}

impl<B: Backend + ?Sized> BlockingReopen for Arc<B> {
    fn stat(&self, path: &StorePath) -> Result<FileInfo> {
        self.get_file_info(path)
    }

    fn open(&self, path: &StorePath, offset: u64, len: u64) -> Result<ReadStream> {
        self.read_range_stream(path, offset, len)
    }
}

impl<B: AsyncBackend + ?Sized> AsyncReopener for Arc<B> {
    fn own(&self) -> Arc<dyn AsyncReopen> {
        Arc::new(Arc::clone(self))
    }
}

impl<B: AsyncBackend + ?Sized> AsyncReopen for Arc<B> {
    fn stat<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<FileInfo>> {
        self.get_file_info(path)
    }

    fn open<'a>(
        &'a self,
        path: &'a StorePath,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, Result<ByteStream>> {
        self.read_range_stream(path, offset, len)
    }
}

/// A [`Source`] of the blocking world that owns what it needs: it outlives the call, so a
/// stream wrapper can keep it.
#[derive(Clone)]
pub struct BlockingHandle {
    below: Arc<dyn BlockingReopen>,
    path: StorePath,
    offset: u64,
    len: u64,
}

impl BlockingHandle {
    /// The file read.
    pub fn path(&self) -> &StorePath {
        &self.path
    }

    /// The file's metadata now, from the backend below the layer.
    pub fn stat(&self) -> Result<FileInfo> {
        self.below.stat(&self.path)
    }

    /// The bytes of the read from `skip` bytes into it to its end, opened again below the
    /// layer (a ranged read).
    pub fn open_from(&self, skip: u64) -> Result<ReadStream> {
        let (offset, len) = rest(self.offset, self.len, skip);
        self.below.open(&self.path, offset, len)
    }
}

/// A [`Source`] of the async world that owns what it needs: it outlives the call, so a
/// stream wrapper can keep it.
#[derive(Clone)]
pub struct AsyncHandle {
    below: Arc<dyn AsyncReopen>,
    path: StorePath,
    offset: u64,
    len: u64,
}

impl AsyncHandle {
    /// The file read.
    pub fn path(&self) -> &StorePath {
        &self.path
    }

    /// The file's metadata now, from the backend below the layer.
    pub async fn stat(&self) -> Result<FileInfo> {
        self.below.stat(&self.path).await
    }

    /// The bytes of the read from `skip` bytes into it to its end, opened again below the
    /// layer (a ranged read).
    pub async fn open_from(&self, skip: u64) -> Result<ByteStream> {
        let (offset, len) = rest(self.offset, self.len, skip);
        self.below.open(&self.path, offset, len).await
    }
}

impl fmt::Debug for BlockingHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingHandle")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AsyncHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncHandle")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The range still to read after `skip` bytes of `len` from `offset`.
fn rest(offset: u64, len: u64, skip: u64) -> (u64, u64) {
    (offset.saturating_add(skip), len.saturating_sub(skip))
}

/// What tells one content of a file from another: its size, and its etag where the backend
/// gives one, else its modification time. Two reads of the same version may be joined; of
/// two versions, never.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    size: u64,
    etag: Option<String>,
    modified: Option<SystemTime>,
}

impl Version {
    /// The version `info` describes.
    pub fn of(info: &FileInfo) -> Self {
        Version {
            size: info.size,
            etag: info.etag.clone(),
            modified: info.modified_at,
        }
    }

    /// Whether this version can be told from another: the backend gave an etag or a
    /// modification time.
    pub fn is_checkable(&self) -> bool {
        self.etag.is_some() || self.modified.is_some()
    }

    /// Whether `other` is provably the same version: the same size and, by what both carry,
    /// the same etag, else the same modification time.
    pub fn same_as(&self, other: &Version) -> bool {
        if self.size != other.size {
            return false;
        }
        match (&self.etag, &other.etag) {
            (Some(a), Some(b)) => a == b,
            _ => self.modified.is_some() && self.modified == other.modified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn version(size: u64, etag: Option<&str>, modified: Option<u64>) -> Version {
        Version {
            size,
            etag: etag.map(str::to_owned),
            modified: modified.map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s)),
        }
    }

    #[test]
    fn versions_are_the_same_only_when_provably_so() {
        let a = version(10, Some("e1"), Some(5));
        assert!(a.same_as(&version(10, Some("e1"), Some(9))), "etags decide");
        assert!(!a.same_as(&version(10, Some("e2"), Some(5))));
        assert!(
            !a.same_as(&version(11, Some("e1"), Some(5))),
            "sizes differ"
        );
        let b = version(10, None, Some(5));
        assert!(b.same_as(&version(10, None, Some(5))));
        assert!(!b.same_as(&version(10, None, Some(6))));
        let blind = version(10, None, None);
        assert!(!blind.is_checkable() && !blind.same_as(&blind.clone()));
    }

    #[test]
    fn the_rest_of_a_range_is_clamped() {
        assert_eq!(rest(0, u64::MAX, 5), (5, u64::MAX - 5));
        assert_eq!(rest(10, 4, 3), (13, 1));
        assert_eq!(rest(10, 4, 9), (19, 0));
    }
}
