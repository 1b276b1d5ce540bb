//! `AsyncMemoryBackend`: a natively async in-memory store whose reads stream in chunks.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, StreamExt};

use super::tree::Tree;
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

/// Every operation, natively, none of them waiting; `CAPABILITIES` ([C-5.4](crate::contract#C-5.4)) follows: those of
/// [`MemoryBackend`](crate::MemoryBackend) but SeekableRead, a flag of blocking streams.
#[store::backend(
    crate = crate,
    name = "async-memory",
    flags(
        user_metadata,
        conditional_write,
        attributes,
        atomic_move,
        write_result_native
    )
)]
impl AsyncMemoryBackend {
    async fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(self.tree.exists(path))
    }

    async fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(self.tree.is_file(path))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(self.tree.is_folder(path))
    }

    async fn read(&self, path: &StorePath) -> Result<ByteStream> {
        self.tree.read(path).map(chunks)
    }

    async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        self.tree.read(path)
    }

    async fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        self.tree.read_range(path, offset, len)
    }

    async fn read_range_stream(
        &self,
        path: &StorePath,
        offset: u64,
        len: u64,
    ) -> Result<ByteStream> {
        self.tree.read_range(path, offset, len).map(chunks)
    }

    async fn write(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        // Bytes cost nothing to consume; a stream is checked before it is read (C-2.4).
        if let AsyncContent::Stream(_) = content {
            self.tree.precheck_write(path, options)?;
        }
        let data = content.into_bytes().await?;
        self.tree.put(path, data, options)
    }

    async fn write_atomic(
        &self,
        path: &StorePath,
        content: AsyncContent,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        // The content is collected in full before the one locked assignment that publishes it.
        self.write(path, content, options).await
    }

    async fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        self.tree.delete(path, missing_ok)
    }

    async fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        self.tree.delete_folder(path, options)
    }

    async fn list_files(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FileInfo>> {
        Ok(crate::stream_items(self.tree.list_files(path, options)))
    }

    async fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListStream<FolderEntry>> {
        Ok(crate::stream_items(self.tree.list_folders(path, options)))
    }

    async fn iter_children(&self, path: &StorePath) -> Result<ListStream<Entry>> {
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
        Ok(crate::stream_items(
            files.chain(folders).collect::<Vec<_>>(),
        ))
    }

    async fn glob(&self, pattern: &Pattern) -> Result<ListStream<FileInfo>> {
        Ok(crate::stream_items(self.tree.glob(pattern)))
    }

    async fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.tree.transfer(src, dst, overwrite, false)
    }

    async fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.tree.transfer(src, dst, overwrite, true)
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        self.tree.file_info(path)
    }

    async fn read_with_info(
        &self,
        path: &StorePath,
        limit: u64,
    ) -> Result<(FileInfo, Option<Bytes>)> {
        self.tree.read_with_info(path, limit)
    }
}
