//! `AtomicWriter`: the sync writer of `open_atomic`, visible only after `commit()`.

use std::fmt;
use std::io::{self, Write};

use crate::error::Result;
use crate::path::StorePath;
use crate::write_result::WriteResult;

/// What a backend implements to offer `open_atomic` (C-6.4).
///
/// Dropping an implementation without `commit` must discard everything: no target, no temp.
pub trait AtomicSink: Write + Send {
    /// Promotes the content atomically and reports the result.
    fn commit(self: Box<Self>) -> Result<WriteResult>;
    /// Discards the content.
    fn abort(self: Box<Self>) -> Result<()>;
}

/// The writer returned by `open_atomic`: nothing appears until [`commit`](AtomicWriter::commit).
///
/// Dropping it, or calling [`abort`](AtomicWriter::abort), leaves neither target nor temp.
pub struct AtomicWriter {
    sink: Box<dyn AtomicSink>,
    root: StorePath,
}

impl AtomicWriter {
    /// Wraps a backend's sink.
    pub fn new(sink: impl AtomicSink + 'static) -> Self {
        AtomicWriter {
            sink: Box::new(sink),
            root: StorePath::root(),
        }
    }

    /// Makes the content visible at once; `AlreadyExists` if, without overwrite, the target
    /// appeared since `open_atomic`.
    pub fn commit(self) -> Result<WriteResult> {
        let root = self.root;
        self.sink
            .commit()
            .map(|mut r| {
                if let Some(rel) = r.path.strip_prefix(&root) {
                    r.path = rel;
                }
                r
            })
            .map_err(|e| e.rebased(&root))
    }

    /// Discards the content.
    pub fn abort(self) -> Result<()> {
        self.sink.abort()
    }

    pub(crate) fn rebased(mut self, root: &StorePath) -> Self {
        self.root = root.clone();
        self
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.sink.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.flush()
    }
}

impl fmt::Debug for AtomicWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicWriter").finish_non_exhaustive()
    }
}
