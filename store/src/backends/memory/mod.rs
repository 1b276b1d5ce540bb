//! `MemoryBackend`: a thread-safe, natively blocking store held in process memory.

mod asynchronous;
mod tree;

pub use self::asynchronous::AsyncMemoryBackend;

use std::io::{self, Cursor, Write};
use std::sync::Arc;

use bytes::Bytes;

use self::tree::Tree;
use crate::atomic::{AtomicSink, AtomicWriter};
use crate::content::{Content, ListIter, ReadStream, SeekableStream};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::Result;
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::write_result::WriteResult;

/// A blocking in-memory backend: hierarchical, every gate, atomic renames, seekable reads,
/// conditional writes (`if_match` checked under the same lock as the write) and standard
/// attributes.
///
/// Clones share the same files. Reads hand out the stored `Bytes` without copying.
///
/// ```
/// use store::{Backend, MemoryBackend, StorePath, WriteOptions};
/// let backend = MemoryBackend::new();
/// let key = StorePath::new("a/b.txt")?;
/// backend.write(&key, "hi".into(), &WriteOptions::new())?;
/// assert!(backend.is_folder(&StorePath::new("a")?)?);
/// # Ok::<(), store::Error>(())
/// ```
#[derive(Clone)]
pub struct MemoryBackend {
    tree: Arc<Tree>,
}

impl MemoryBackend {
    /// An empty store.
    pub fn new() -> Self {
        MemoryBackend {
            tree: Arc::new(Tree::new("memory")),
        }
    }
}

impl Default for MemoryBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MemoryBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryBackend").finish_non_exhaustive()
    }
}

fn list<T: Send + 'static>(items: Vec<T>) -> ListIter<T> {
    Box::new(items.into_iter().map(Ok))
}

/// Every operation, natively; `CAPABILITIES` ([C-5.4](crate::contract#C-5.4)) follows: every gate, and the flags below.
#[store::backend(
    crate = crate,
    name = "memory",
    flags(
        user_metadata,
        conditional_write,
        attributes,
        atomic_move,
        seekable_read,
        write_result_native
    )
)]
impl MemoryBackend {
    fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(self.tree.exists(path))
    }

    fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(self.tree.is_file(path))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(self.tree.is_folder(path))
    }

    fn read(&self, path: &StorePath) -> Result<ReadStream> {
        Ok(Box::new(Cursor::new(self.tree.read(path)?)))
    }

    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        self.tree.read(path)
    }

    fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        self.tree.read_range(path, offset, len)
    }

    fn read_range_stream(&self, path: &StorePath, offset: u64, len: u64) -> Result<ReadStream> {
        Ok(Box::new(Cursor::new(
            self.tree.read_range(path, offset, len)?,
        )))
    }

    fn read_seekable(&self, path: &StorePath) -> Result<SeekableStream> {
        Ok(Box::new(Cursor::new(self.tree.read(path)?)))
    }

    fn write(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        // Bytes cost nothing to consume; a reader is checked before it is read (C-2.4).
        if let Content::Reader(_) = content {
            self.tree.precheck_write(path, options)?;
        }
        self.tree.put(path, content.into_bytes()?, options)
    }

    fn write_atomic(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        // The content is read in full before the one locked assignment that publishes it.
        self.write(path, content, options)
    }

    fn open_atomic(&self, path: &StorePath, options: &WriteOptions) -> Result<AtomicWriter> {
        self.tree.precheck_write(path, options)?;
        Ok(AtomicWriter::new(MemoryAtomicSink {
            tree: Arc::clone(&self.tree),
            path: path.clone(),
            options: options.clone(),
            buffer: Vec::new(),
        }))
    }

    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        self.tree.delete(path, missing_ok)
    }

    fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        self.tree.delete_folder(path, options)
    }

    fn list_files(&self, path: &StorePath, options: &ListOptions) -> Result<ListIter<FileInfo>> {
        Ok(list(self.tree.list_files(path, options)))
    }

    fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListIter<FolderEntry>> {
        Ok(list(self.tree.list_folders(path, options)))
    }

    fn iter_children(&self, path: &StorePath) -> Result<ListIter<Entry>> {
        let direct = ListOptions::new();
        let files = self
            .tree
            .list_files(path, &direct)
            .into_iter()
            .map(Entry::File);
        let folders = self
            .tree
            .list_folders(path, &direct)
            .into_iter()
            .map(Entry::Folder);
        Ok(list(files.chain(folders).collect()))
    }

    fn glob(&self, pattern: &Pattern) -> Result<ListIter<FileInfo>> {
        Ok(list(self.tree.glob(pattern)))
    }

    fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.tree.transfer(src, dst, overwrite, false)
    }

    fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.tree.transfer(src, dst, overwrite, true)
    }

    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        self.tree.file_info(path)
    }

    fn read_with_info(&self, path: &StorePath, limit: u64) -> Result<(FileInfo, Option<Bytes>)> {
        self.tree.read_with_info(path, limit)
    }

    fn never_blocks(&self) -> bool {
        true
    }
}

/// `open_atomic` for memory: content is buffered and published by one locked assignment.
struct MemoryAtomicSink {
    tree: Arc<Tree>,
    path: StorePath,
    options: WriteOptions,
    buffer: Vec<u8>,
}

impl Write for MemoryAtomicSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AtomicSink for MemoryAtomicSink {
    fn commit(self: Box<Self>) -> Result<WriteResult> {
        let MemoryAtomicSink {
            tree,
            path,
            options,
            buffer,
        } = *self;
        tree.put(&path, buffer.into(), &options)
    }

    fn abort(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}
