//! The one definition of the storage API.
//!
//! This trait is written once, as the plain blocking `Backend`. The [`dual_api`] attribute turns
//! it into [`Backend`], [`AsyncBackend`], [`SyncBackendAdapter`], [`AsyncBackendSyncAdapter`]
//! and every forwarding method of [`Store`](crate::Store) and [`AsyncStore`](crate::AsyncStore). Run
//! `cargo expand -p store api` to read the generated code; a snapshot of it is checked in at
//! `store-macros/src/snapshots/`.
//!
//! The options of each method, in `#[store(...)]`, are documented on [`dual_api`].

use bytes::Bytes;

use crate::adapters::async_to_sync;
use crate::capability::Capabilities;
use crate::content::{Content, ListIter, ReadStream, SeekableStream};
use crate::derived::{self, asynchronous, blocking};
use crate::entry::{Entry, FileInfo, FolderEntry, FolderInfo};
use crate::error::Result;
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::resolution::{Namespace, ResolutionPlan};
use crate::stores::filter::{FileFilter, FolderFilter};
use crate::write_result::WriteResult;
use crate::AtomicWriter;
use store_macros::dual_api;

/// A boxed `Send` future, the return type of every [`AsyncBackend`] method, so that
/// `Arc<dyn AsyncBackend>` works.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A storage backend, blocking flavour: the storage operations (contract §2) over [`StorePath`]
/// keys.
///
/// Keys are full backend-side paths; the root is [`StorePath::root`]. Stores validate every
/// argument before calling in, but a backend called directly must still apply the root rule
/// (C-2.3) and the precondition order (C-2.4).
#[dual_api(stores(crate::Store, crate::AsyncStore), layers)]
#[store(derivations = crate::__private)]
pub trait Backend: Send + Sync + 'static {
    /// The stable id of the backend type, e.g. `memory` or `local`.
    #[store(pure)]
    fn name(&self) -> &'static str;

    /// What this instance can do; constant for its lifetime.
    #[store(pure, async_to_sync = async_to_sync::capabilities)]
    fn capabilities(&self) -> Capabilities;

    /// Whether folders are real or implied by key prefixes.
    #[store(pure)]
    fn namespace(&self) -> Namespace {
        Namespace::Hierarchical
    }

    /// Whether `close()` ends this instance for good (C-2.10).
    #[store(pure, async_to_sync = async_to_sync::terminal)]
    fn close_is_terminal(&self) -> bool {
        false
    }

    /// Turns a backend-native path back into a key; the input is returned unchanged when the
    /// backend's prefix is absent.
    #[store(pure)]
    fn to_key(&self, native: &str) -> String {
        native.to_owned()
    }

    /// The backend-native path of `key`; the root gives the bare root.
    #[store(pure)]
    fn native_path(&self, key: &StorePath) -> String {
        key.as_str().to_owned()
    }

    /// Where `key` lives, without I/O.
    #[store(pure)]
    fn resolve(&self, key: &StorePath) -> ResolutionPlan {
        derived::resolution(self.name(), key, self.native_path(key))
    }

    /// The native client of type `type_id`, if the backend exposes one.
    #[store(pure, async_to_sync = async_to_sync::no_native)]
    fn unwrap_native(
        &self,
        type_id: ::core::any::TypeId,
    ) -> Option<&(dyn ::core::any::Any + Send + Sync)> {
        let _ = type_id;
        None
    }

    /// Makes the cheapest call that touches the container; read-only. Fails with
    /// `PermissionDenied` for bad credentials, `NotFound` for a missing container and
    /// `BackendUnavailable` when the service cannot be reached.
    #[store(async_default = asynchronous::ready)]
    fn ping(&self) -> Result<()> {
        Ok(())
    }

    /// Releases resources; idempotent. Terminal backends refuse every later call with
    /// `BackendUnavailable` (C-2.10); a store closes its backend only if it owns it (C-1.8).
    #[store(manual, async_default = asynchronous::ready, async_to_sync = async_to_sync::close)]
    fn close(&self) -> Result<()> {
        Ok(())
    }

    /// Whether a file or folder exists at `path`. `false` only for a confirmed absence (the
    /// path is missing, below a file, or in a missing container); a refusal or an unreachable
    /// backend is an error, never a guessed `false` (C-1.7). Ungated.
    #[store(folder(path), derive_from(is_file, is_folder))]
    fn exists(&self, path: &StorePath) -> Result<bool>;

    /// Whether `path` is a file; the probe rules of [`exists`](Self::exists).
    #[store(folder(path), derive_from(get_file_info))]
    fn is_file(&self, path: &StorePath) -> Result<bool>;

    /// Whether `path` is a folder; the root always is. The probe rules of
    /// [`exists`](Self::exists).
    #[store(folder(path), derive_from(list_files, list_folders))]
    fn is_folder(&self, path: &StorePath) -> Result<bool>;

    /// Opens the file at `path` for streaming, at byte 0. `NotFound` when it is missing,
    /// `InvalidPath` when it is a folder; errors knowable up front come from this call, later
    /// ones from the stream.
    #[store(gate = Read, file(path), derive_from(read_bytes), flags(LazyRead, SeekableRead))]
    fn read(&self, path: &StorePath) -> Result<ReadStream>;

    /// Reads the whole file at `path` into memory; the errors of [`read`](Self::read).
    #[store(gate = Read, file(path), async_default = asynchronous::read_bytes)]
    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        blocking::read_bytes(self, path)
    }

    /// Reads `len` bytes from `offset`, clamped to the file's end: an offset at or past the end
    /// gives empty bytes (C-6.6). The errors of [`read`](Self::read).
    #[store(gate = Read, file(path), async_default = asynchronous::read_range)]
    fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        blocking::read_range(self, path, offset, len)
    }

    /// Opens `len` bytes of the file at `path` from `offset` for streaming, clamped to the
    /// file's end as [`read_range`](Self::read_range) is (C-6.6): an offset at or past the end
    /// streams nothing. The errors of [`read`](Self::read). Serves HTTP Range requests and
    /// other large slices in bounded memory.
    #[store(gate = Read, file(path), async_default = asynchronous::read_range_stream)]
    fn read_range_stream(&self, path: &StorePath, offset: u64, len: u64) -> Result<ReadStream> {
        blocking::read_range_stream(self, path, offset, len)
    }

    /// Opens the file at `path` as `Read + Seek` at byte 0, spooling (in memory, then a temp
    /// file) when the backend's stream is not seekable. The errors of [`read`](Self::read).
    #[store(gate = Read, file(path), sync_only, flags(SeekableRead))]
    fn read_seekable(&self, path: &StorePath) -> Result<SeekableStream> {
        blocking::read_seekable(self, path)
    }

    /// Writes `content` to `path`, creating missing parent folders (C-2.8).
    ///
    /// Without `overwrite` an existing file is `AlreadyExists`; a folder at `path`, or a file
    /// where a parent folder should be, is `InvalidPath`. Non-empty user metadata needs the
    /// `UserMetadata` capability. A failing content source is `Other`, with its error kept.
    ///
    /// Not atomic: an overwrite may be seen empty or half-written by a concurrent reader, and a
    /// failed write may leave part of the content behind. Use
    /// [`write_atomic`](Self::write_atomic) where that matters.
    #[store(
        gate = Write,
        file(path),
        mutates,
        repeatable_if(options),
        flags(WriteResultNative, UserMetadata, Attributes, ConditionalWrite)
    )]
    fn write(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult>;

    /// Writes `content` to `path` so that it appears whole or not at all: readers see the old
    /// file or the new one, and a failed write leaves the old file (or nothing) in place
    /// (C-6.3). The errors of [`write`](Self::write). On a local folder the new file gets the
    /// permissions a plain write would give, and an overwrite keeps the old file's.
    ///
    /// In the async world over a blocking backend the write runs on tokio's blocking pool:
    /// dropping the future does not stop it, and a write already under way still lands —
    /// whole, never in part.
    #[store(gate = AtomicWrite, file(path), mutates, repeatable_if(options))]
    fn write_atomic(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult>;

    /// Opens a writer whose content appears at `path` only on `commit()`; dropping it without
    /// a commit leaves nothing behind (C-6.4). `AlreadyExists` without `overwrite`, checked at
    /// open and again at commit.
    #[store(gate = AtomicWrite, file(path), mutates, sync_only, async_to_sync = async_to_sync::open_atomic)]
    fn open_atomic(&self, path: &StorePath, options: &WriteOptions) -> Result<AtomicWriter>;

    /// Deletes the file at `path`. `NotFound` when it is missing unless `missing_ok`;
    /// `InvalidPath` when it is a folder, even with `missing_ok`.
    #[store(gate = Delete, file(path), mutates, repeatable_if(missing_ok))]
    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()>;

    /// Deletes the folder at `path`, never the root. `NotFound` when it is missing unless
    /// `missing_ok`; `InvalidPath` when it is a file; `DirectoryNotEmpty` when it holds
    /// anything and `recursive` is off.
    #[store(gate = Delete, subfolder(path), mutates, repeatable_if(options))]
    fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()>;

    /// Lists the files below `path`: direct children, or every depth with `recursive`
    /// (bounded by `max_depth`), optionally filtered by a basename `pattern` (C-6.9). Never
    /// `NotFound`: a missing folder or a file lists nothing. Items arrive in no set order,
    /// each once; the iterator ends after its first `Err` (C-1.6).
    #[store(gate = List, folder(path), materialize, filter = FileFilter)]
    fn list_files(&self, path: &StorePath, options: &ListOptions) -> Result<ListIter<FileInfo>>;

    /// Lists the folders below `path`; the rules of [`list_files`](Self::list_files).
    #[store(gate = List, folder(path), materialize, filter = FolderFilter)]
    fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListIter<FolderEntry>>;

    /// Lists the direct children of `path`, files and folders; the rules of
    /// [`list_files`](Self::list_files).
    #[store(gate = List, folder(path), materialize, async_default = asynchronous::iter_children)]
    fn iter_children(&self, path: &StorePath) -> Result<ListIter<Entry>> {
        blocking::iter_children(self, path)
    }

    /// Lists the files matching the glob `pattern` (`*`, `?`, `[...]`, `**` across folders;
    /// C-6.7, C-6.8). A malformed pattern is `InvalidArgument`.
    #[store(gate = Glob, pattern(pattern), materialize, async_default = asynchronous::glob)]
    fn glob(&self, pattern: &Pattern) -> Result<ListIter<FileInfo>> {
        blocking::glob(self, pattern)
    }

    /// Moves the file `src` to `dst`, creating `dst`'s parents (C-2.9). `NotFound` for a
    /// missing `src`, `AlreadyExists` for an existing `dst` without `overwrite`, `InvalidPath`
    /// when either is a folder. Atomic only where the backend declares `AtomicMove`.
    #[store(gate = Move, file(src, dst), mutates, flags(AtomicMove))]
    fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;

    /// Copies the file `src` to `dst`; the rules and errors of [`rename`](Self::rename).
    #[store(gate = Copy, file(src, dst), mutates, repeatable_if(overwrite))]
    fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;

    /// Facts about the file at `path`: size, modification time, and what else the backend
    /// knows. `NotFound` when it is missing, `InvalidPath` when it is a folder.
    #[store(gate = Metadata, file(path), flags(UserMetadata, Attributes, ConditionalWrite))]
    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo>;

    /// Aggregate facts about the folder at `path`, recursive over every file below.
    /// `NotFound` when it is missing, `InvalidPath` when it is a file; the root always exists.
    #[store(gate = Metadata, folder(path), manual, async_default = asynchronous::get_folder_info)]
    fn get_folder_info(&self, path: &StorePath) -> Result<FolderInfo> {
        blocking::get_folder_info(self, path)
    }
}
