//! `AsyncMemoryBackend`: a natively async in-memory store whose reads stream in chunks.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use super::tree::Tree;
use crate::api::AsyncBackend;
use crate::api::BoxFuture;
use crate::capability::{Capabilities, Capability};
use crate::content::{AsyncContent, ByteStream, ListStream, CHUNK_SIZE};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::Result;
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::write_result::WriteResult;

/// An async in-memory backend: hierarchical, every gate, atomic renames; reads are streamed in
/// chunks of [`CHUNK_SIZE`] bytes, sliced from the stored `Bytes` without copying.
///
/// ```
/// use store::{AsyncBackend, AsyncMemoryBackend, StorePath, WriteOptions};
/// # futures_executor::block_on(async {
/// let backend = AsyncMemoryBackend::new();
/// let key = StorePath::new("a.txt")?;
/// backend.write(&key, "hi".into(), &WriteOptions::new()).await?;
/// assert_eq!(backend.read_bytes(&key).await?, "hi");
/// # Ok::<(), store::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct AsyncMemoryBackend {
    tree: Arc<Tree>,
}

impl AsyncMemoryBackend {
    /// The capabilities every instance declares (C-5.4): those of
    /// [`MemoryBackend`](crate::MemoryBackend) but SeekableRead, a flag of blocking streams.
    pub const CAPABILITIES: Capabilities =
        crate::MemoryBackend::CAPABILITIES.without(Capability::SeekableRead);

    /// An empty store.
    pub fn new() -> Self {
        AsyncMemoryBackend {
            tree: Arc::new(Tree::new("async-memory")),
        }
    }
}

impl Default for AsyncMemoryBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for AsyncMemoryBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncMemoryBackend").finish_non_exhaustive()
    }
}

/// A ready future: every memory operation completes without waiting.
fn done<'a, T: Send + 'a>(value: Result<T>) -> BoxFuture<'a, Result<T>> {
    Box::pin(std::future::ready(value))
}

/// Non-empty slices of `data`, at most `CHUNK_SIZE` bytes each; fused after the end.
fn chunks(data: Bytes) -> ByteStream {
    let chunks = stream::unfold(data, |mut rest| async move {
        if rest.is_empty() {
            return None;
        }
        let chunk = rest.split_to(rest.len().min(CHUNK_SIZE));
        Some((Ok(chunk), rest))
    });
    Box::pin(chunks.fuse())
}

impl AsyncBackend for AsyncMemoryBackend {
    fn name(&self) -> &'static str {
        "async-memory"
    }

    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
    }

    fn exists<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<bool>> {
        done(Ok(self.tree.exists(path)))
    }

    fn is_file<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<bool>> {
        done(Ok(self.tree.is_file(path)))
    }

    fn is_folder<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<bool>> {
        done(Ok(self.tree.is_folder(path)))
    }

    fn read<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<ByteStream>> {
        done(self.tree.read(path).map(chunks))
    }

    fn read_bytes<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<Bytes>> {
        done(self.tree.read(path))
    }

    fn read_range<'a>(
        &'a self,
        path: &'a StorePath,
        offset: u64,
        len: u64,
    ) -> BoxFuture<'a, Result<Bytes>> {
        done(self.tree.read(path).map(|data| {
            let size = data.len() as u64;
            let end = offset.saturating_add(len).min(size);
            data.slice(offset.min(size) as usize..end as usize)
        }))
    }

    fn write<'a>(
        &'a self,
        path: &'a StorePath,
        content: AsyncContent,
        options: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        Box::pin(async move {
            // Bytes cost nothing to consume; a stream is checked before it is read (C-2.4).
            if let AsyncContent::Stream(_) = content {
                self.tree.precheck_write(path, options)?;
            }
            let data = content.into_bytes().await?;
            self.tree.put(path, data, options)
        })
    }

    fn write_atomic<'a>(
        &'a self,
        path: &'a StorePath,
        content: AsyncContent,
        options: &'a WriteOptions,
    ) -> BoxFuture<'a, Result<WriteResult>> {
        // The content is collected in full before the one locked assignment that publishes it.
        self.write(path, content, options)
    }

    fn delete<'a>(&'a self, path: &'a StorePath, missing_ok: bool) -> BoxFuture<'a, Result<()>> {
        done(self.tree.delete(path, missing_ok))
    }

    fn delete_folder<'a>(
        &'a self,
        path: &'a StorePath,
        options: &'a DeleteFolderOptions,
    ) -> BoxFuture<'a, Result<()>> {
        done(self.tree.delete_folder(path, options))
    }

    fn list_files<'a>(
        &'a self,
        path: &'a StorePath,
        options: &'a ListOptions,
    ) -> BoxFuture<'a, Result<ListStream<FileInfo>>> {
        done(Ok(crate::stream_items(self.tree.list_files(path, options))))
    }

    fn list_folders<'a>(
        &'a self,
        path: &'a StorePath,
        options: &'a ListOptions,
    ) -> BoxFuture<'a, Result<ListStream<FolderEntry>>> {
        done(Ok(crate::stream_items(
            self.tree.list_folders(path, options),
        )))
    }

    fn iter_children<'a>(
        &'a self,
        path: &'a StorePath,
    ) -> BoxFuture<'a, Result<ListStream<Entry>>> {
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
        done(Ok(crate::stream_items(
            files.chain(folders).collect::<Vec<_>>(),
        )))
    }

    fn glob<'a>(&'a self, pattern: &'a Pattern) -> BoxFuture<'a, Result<ListStream<FileInfo>>> {
        done(Ok(crate::stream_items(self.tree.glob(pattern))))
    }

    fn rename<'a>(
        &'a self,
        src: &'a StorePath,
        dst: &'a StorePath,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        done(self.tree.transfer(src, dst, overwrite, false))
    }

    fn copy<'a>(
        &'a self,
        src: &'a StorePath,
        dst: &'a StorePath,
        overwrite: bool,
    ) -> BoxFuture<'a, Result<()>> {
        done(self.tree.transfer(src, dst, overwrite, true))
    }

    fn get_file_info<'a>(&'a self, path: &'a StorePath) -> BoxFuture<'a, Result<FileInfo>> {
        done(self.tree.file_info(path))
    }
}
