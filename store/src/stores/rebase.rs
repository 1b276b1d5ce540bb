//! Rebasing: every path a Store hands back is relative to the store's root ([C-1.4](crate::contract#C-1.4)).

use std::io::{self, Read};

use bytes::Bytes;
use futures_util::{future::ready, StreamExt};

use crate::atomic::AtomicWriter;
use crate::content::{ListIter, ListStream, ReadStream, SeekableStream};
use crate::entry::{Entry, FileInfo, FolderEntry, FolderInfo};
use crate::error::{Error, Result};
use crate::path::StorePath;
use crate::resolution::ResolutionPlan;
use crate::write_result::WriteResult;

/// A value whose paths can be made relative to a store root.
pub trait Rebase: Sized {
    /// The value with every key rewritten relative to `root`; a key outside `root` is
    /// `InvalidPath`. Errors inside streams get `backend`'s name.
    fn rebase(self, root: &StorePath, backend: &'static str) -> Result<Self>;
}

/// `key` relative to `root`, or `InvalidPath` when the backend handed back a foreign key.
pub fn rebase_path(key: StorePath, root: &StorePath) -> Result<StorePath> {
    if root.is_root() {
        return Ok(key);
    }
    key.strip_prefix(root).ok_or_else(|| {
        Error::invalid_path(
            key.as_str(),
            "backend returned a path outside the store root",
        )
    })
}

macro_rules! unchanged {
    ($($t:ty),*) => {$(
        impl Rebase for $t {
            fn rebase(self, _root: &StorePath, _backend: &'static str) -> Result<Self> {
                Ok(self)
            }
        }
    )*};
}
unchanged!((), bool, u64, String, Bytes, SeekableStream, ResolutionPlan);

impl Rebase for FileInfo {
    fn rebase(mut self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        self.path = rebase_path(self.path, root)?;
        Ok(self)
    }
}

impl<T: Rebase> Rebase for Option<T> {
    fn rebase(self, root: &StorePath, backend: &'static str) -> Result<Self> {
        self.map(|value| value.rebase(root, backend)).transpose()
    }
}

impl<A: Rebase, B: Rebase> Rebase for (A, B) {
    fn rebase(self, root: &StorePath, backend: &'static str) -> Result<Self> {
        Ok((self.0.rebase(root, backend)?, self.1.rebase(root, backend)?))
    }
}

impl Rebase for FolderEntry {
    fn rebase(mut self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        self.path = rebase_path(self.path, root)?;
        Ok(self)
    }
}

impl Rebase for FolderInfo {
    fn rebase(mut self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        self.path = rebase_path(self.path, root)?;
        Ok(self)
    }
}

impl Rebase for Entry {
    fn rebase(self, root: &StorePath, backend: &'static str) -> Result<Self> {
        Ok(match self {
            Entry::File(f) => Entry::File(f.rebase(root, backend)?),
            Entry::Folder(f) => Entry::Folder(f.rebase(root, backend)?),
        })
    }
}

impl Rebase for WriteResult {
    fn rebase(mut self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        self.path = rebase_path(self.path, root)?;
        Ok(self)
    }
}

impl Rebase for AtomicWriter {
    fn rebase(self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        Ok(self.rebased(root))
    }
}

impl Rebase for ReadStream {
    fn rebase(self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        if root.is_root() {
            return Ok(self);
        }
        Ok(Box::new(RebasedReader {
            inner: self,
            root: root.clone(),
        }))
    }
}

/// Rewrites the path of mid-stream errors.
struct RebasedReader {
    inner: ReadStream,
    root: StorePath,
}

impl Read for RebasedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
                Error::from_io_unlocated(e).rebased(&self.root).into()
            } else {
                e
            }
        })
    }
}

// `ByteStream` is `ListStream<Bytes>`: its errors are rebased by the impl below.

impl<T: Rebase + Send + 'static> Rebase for ListIter<T> {
    fn rebase(self, root: &StorePath, backend: &'static str) -> Result<Self> {
        let root = root.clone();
        let mut failed = false;
        Ok(Box::new(self.map_while(move |item| {
            if failed {
                return None;
            }
            let item = item
                .and_then(|t| t.rebase(&root, backend))
                .map_err(|e| e.rebased(&root).with_backend(backend));
            failed = item.is_err();
            Some(item)
        })))
    }
}

impl<T: Rebase + Send + 'static> Rebase for ListStream<T> {
    fn rebase(self, root: &StorePath, backend: &'static str) -> Result<Self> {
        let root = root.clone();
        Ok(Box::pin(
            self.map(move |item| {
                item.and_then(|t| t.rebase(&root, backend))
                    .map_err(|e| e.rebased(&root).with_backend(backend))
            })
            .scan(false, |failed, item| {
                let out = (!*failed).then_some(item);
                if let Some(item) = &out {
                    *failed = item.is_err();
                }
                ready(out)
            }),
        ))
    }
}

impl Rebase for StorePath {
    fn rebase(self, root: &StorePath, _backend: &'static str) -> Result<Self> {
        rebase_path(self, root)
    }
}
