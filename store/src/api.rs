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
/// ([C-2.3](crate::contract#C-2.3)) and the precondition order ([C-2.4](crate::contract#C-2.4)).
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

    /// Whether `close()` ends this instance for good ([C-2.10](crate::contract#C-2.10)).
    #[store(pure, async_to_sync = async_to_sync::terminal)]
    fn close_is_terminal(&self) -> bool {
        false
    }

    /// Whether every call returns without waiting on I/O: a blocking backend that only touches
    /// memory says `true`, and the async world then calls it on the task's own thread instead
    /// of tokio's blocking pool (a write of streamed content still goes there: it waits on its
    /// stream). A layer around it answers `false`, since a layer may wait. Async backends never
    /// block, so it means nothing there.
    #[store(pure)]
    fn never_blocks(&self) -> bool {
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
    ///
    /// # Examples
    ///
    /// ```
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.ping()?; // memory is always there; S3 would check the bucket and the credentials
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(async_default = asynchronous::ready)]
    fn ping(&self) -> Result<()> {
        Ok(())
    }

    /// Releases resources; idempotent. Terminal backends refuse every later call with
    /// `BackendUnavailable` ([C-2.10](crate::contract#C-2.10)); a store closes its backend only if it owns it ([C-1.8](crate::contract#C-1.8)).
    #[store(manual, async_default = asynchronous::ready, async_to_sync = async_to_sync::close)]
    fn close(&self) -> Result<()> {
        Ok(())
    }

    /// Whether a file or folder exists at `path`. `false` only for a confirmed absence (the
    /// path is missing, below a file, or in a missing container); a refusal or an unreachable
    /// backend is an error, never a guessed `false` ([C-1.7](crate::contract#C-1.7)). Ungated.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("logs/today.txt", "ok", &WriteOptions::new())?;
    /// assert!(store.exists("logs/today.txt")?);
    /// assert!(store.exists("logs")?); // a folder too
    /// assert!(!store.exists("logs/yesterday.txt")?);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(folder(path), derive_from(is_file, is_folder))]
    fn exists(&self, path: &StorePath) -> Result<bool>;

    /// Whether `path` is a file; the probe rules of [`exists`](Self::exists).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("logs/today.txt", "ok", &WriteOptions::new())?;
    /// assert!(store.is_file("logs/today.txt")?);
    /// assert!(!store.is_file("logs")?);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(folder(path), derive_from(get_file_info))]
    fn is_file(&self, path: &StorePath) -> Result<bool>;

    /// Whether `path` is a folder; the root always is. The probe rules of
    /// [`exists`](Self::exists).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("logs/today.txt", "ok", &WriteOptions::new())?;
    /// assert!(store.is_folder("logs")?);
    /// assert!(store.is_folder("")?); // the root
    /// assert!(!store.is_folder("logs/today.txt")?);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(folder(path), derive_from(list_files, list_folders))]
    fn is_folder(&self, path: &StorePath) -> Result<bool>;

    /// Opens the file at `path` for streaming, at byte 0. `NotFound` when it is missing,
    /// `InvalidPath` when it is a folder; errors knowable up front come from this call, later
    /// ones from the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Read;
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.txt", "streamed", &WriteOptions::new())?;
    /// let mut text = String::new();
    /// store.read("a.txt")?.read_to_string(&mut text)?;
    /// assert_eq!(text, "streamed");
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Read, file(path), derive_from(read_bytes), flags(LazyRead, SeekableRead))]
    fn read(&self, path: &StorePath) -> Result<ReadStream>;

    /// Reads the whole file at `path` into memory; the errors of [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{ErrorKind, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.bin", vec![1u8, 2, 3], &WriteOptions::new())?;
    /// assert_eq!(store.read_bytes("a.bin")?, [1u8, 2, 3].as_slice());
    /// assert_eq!(store.read_bytes("missing.bin").unwrap_err().kind(), ErrorKind::NotFound);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Read, file(path), async_default = asynchronous::read_bytes)]
    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        blocking::read_bytes(self, path)
    }

    /// Reads `len` bytes from `offset`, clamped to the file's end: an offset at or past the end
    /// gives empty bytes ([C-6.6](crate::contract#C-6.6)). The errors of [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.txt", "0123456789", &WriteOptions::new())?;
    /// assert_eq!(store.read_range("a.txt", 2, 3)?, "234");
    /// assert_eq!(store.read_range("a.txt", 8, 100)?, "89"); // clamped to the end
    /// assert!(store.read_range("a.txt", 20, 5)?.is_empty());
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Read, file(path), async_default = asynchronous::read_range)]
    fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        blocking::read_range(self, path, offset, len)
    }

    /// Opens `len` bytes of the file at `path` from `offset` for streaming, clamped to the
    /// file's end as [`read_range`](Self::read_range) is ([C-6.6](crate::contract#C-6.6)): an offset at or past the end
    /// streams nothing. The errors of [`read`](Self::read). Serves HTTP Range requests and
    /// other large slices in bounded memory.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Read;
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.txt", "0123456789", &WriteOptions::new())?;
    /// let mut slice = String::new();
    /// store.read_range_stream("a.txt", 4, 3)?.read_to_string(&mut slice)?;
    /// assert_eq!(slice, "456");
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Read, file(path), async_default = asynchronous::read_range_stream)]
    fn read_range_stream(&self, path: &StorePath, offset: u64, len: u64) -> Result<ReadStream> {
        blocking::read_range_stream(self, path, offset, len)
    }

    /// Opens the file at `path` as `Read + Seek` at byte 0, spooling (in memory, then a temp
    /// file) when the backend's stream is not seekable. The errors of [`read`](Self::read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::{Read, Seek, SeekFrom};
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.txt", "header|body", &WriteOptions::new())?;
    /// let mut file = store.read_seekable("a.txt")?;
    /// file.seek(SeekFrom::Start(7))?;
    /// let mut body = String::new();
    /// file.read_to_string(&mut body)?;
    /// assert_eq!(body, "body");
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Read, file(path), sync_only, flags(SeekableRead))]
    fn read_seekable(&self, path: &StorePath) -> Result<SeekableStream> {
        blocking::read_seekable(self, path)
    }

    /// Writes `content` to `path`, creating missing parent folders ([C-2.8](crate::contract#C-2.8)).
    ///
    /// Without `overwrite` an existing file is `AlreadyExists`; a folder at `path`, or a file
    /// where a parent folder should be, is `InvalidPath`. Non-empty user metadata needs the
    /// `UserMetadata` capability. A failing content source is `Other`, with its error kept.
    ///
    /// Not atomic: an overwrite may be seen empty or half-written by a concurrent reader, and a
    /// failed write may leave part of the content behind. Use
    /// [`write_atomic`](Self::write_atomic) where that matters.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{ErrorKind, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// let written = store.write("reports/q1.csv", "a,b\n1,2\n", &WriteOptions::new())?;
    /// assert_eq!(written.size, 8);
    /// // An existing file needs `overwrite`.
    /// let again = store.write("reports/q1.csv", "new", &WriteOptions::new());
    /// assert_eq!(again.unwrap_err().kind(), ErrorKind::AlreadyExists);
    /// store.write("reports/q1.csv", "new", &WriteOptions::new().overwrite(true))?;
    /// assert_eq!(store.read_text("reports/q1.csv")?, "new");
    /// # Ok::<(), store::Error>(())
    /// ```
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
    /// ([C-6.3](crate::contract#C-6.3)). The errors of [`write`](Self::write). On a local folder the new file gets the
    /// permissions a plain write would give, and an overwrite keeps the old file's.
    ///
    /// In the async world over a blocking backend the write runs on tokio's blocking pool:
    /// dropping the future does not stop it, and a write already under way still lands —
    /// whole, never in part.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write_atomic("config.toml", "version = 1", &WriteOptions::new())?;
    /// // Readers see version 1 or version 2, never a mix.
    /// store.write_atomic("config.toml", "version = 2", &WriteOptions::new().overwrite(true))?;
    /// assert_eq!(store.read_text("config.toml")?, "version = 2");
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = AtomicWrite, file(path), mutates, repeatable_if(options))]
    fn write_atomic(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult>;

    /// Opens a writer whose content appears at `path` only on `commit()`; dropping it without
    /// a commit leaves nothing behind ([C-6.4](crate::contract#C-6.4)). `AlreadyExists` without `overwrite`, checked at
    /// open and again at commit.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// let mut writer = store.open_atomic("big.log", &WriteOptions::new())?;
    /// for line in 0..3 {
    ///     writeln!(writer, "line {line}")?;
    /// }
    /// assert!(!store.exists("big.log")?); // nothing visible before the commit
    /// writer.commit()?;
    /// assert_eq!(store.read_text("big.log")?, "line 0\nline 1\nline 2\n");
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = AtomicWrite, file(path), mutates, sync_only, async_to_sync = async_to_sync::open_atomic)]
    fn open_atomic(&self, path: &StorePath, options: &WriteOptions) -> Result<AtomicWriter>;

    /// Deletes the file at `path`. `NotFound` when it is missing unless `missing_ok`;
    /// `InvalidPath` when it is a folder, even with `missing_ok`.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{ErrorKind, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("old.txt", "x", &WriteOptions::new())?;
    /// store.delete("old.txt", false)?;
    /// assert_eq!(store.delete("old.txt", false).unwrap_err().kind(), ErrorKind::NotFound);
    /// store.delete("old.txt", true)?; // missing_ok
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Delete, file(path), mutates, repeatable_if(missing_ok))]
    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()>;

    /// Deletes the folder at `path`, never the root. `NotFound` when it is missing unless
    /// `missing_ok`; `InvalidPath` when it is a file; `DirectoryNotEmpty` when it holds
    /// anything and `recursive` is off.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{DeleteFolderOptions, ErrorKind, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("tmp/a/b.txt", "x", &WriteOptions::new())?;
    /// let err = store.delete_folder("tmp", &DeleteFolderOptions::new()).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::DirectoryNotEmpty);
    /// store.delete_folder("tmp", &DeleteFolderOptions::new().recursive(true))?;
    /// assert!(!store.exists("tmp")?);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Delete, subfolder(path), mutates, repeatable_if(options))]
    fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()>;

    /// Lists the files below `path`: direct children, or every depth with `recursive`
    /// (bounded by `max_depth`), optionally filtered by a basename `pattern` ([C-6.9](crate::contract#C-6.9)). Never
    /// `NotFound`: a missing folder or a file lists nothing. Items arrive in no set order,
    /// each once; the iterator ends after its first `Err` ([C-1.6](crate::contract#C-1.6)).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{ListOptions, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// for name in ["a.csv", "b.txt", "deep/c.csv"] {
    ///     store.write(format!("data/{name}"), "x", &WriteOptions::new())?;
    /// }
    /// let mut top: Vec<String> = store
    ///     .list_files("data", &ListOptions::new())?
    ///     .map(|file| file.map(|f| f.name))
    ///     .collect::<Result<_, _>>()?;
    /// top.sort();
    /// assert_eq!(top, ["a.csv", "b.txt"]);
    /// let csv = ListOptions::new().recursive(true).pattern("*.csv");
    /// assert_eq!(store.list_files("data", &csv)?.count(), 2);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = List, folder(path), materialize, filter = FileFilter)]
    fn list_files(&self, path: &StorePath, options: &ListOptions) -> Result<ListIter<FileInfo>>;

    /// Lists the folders below `path`; the rules of [`list_files`](Self::list_files).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{ListOptions, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("data/2025/a.csv", "x", &WriteOptions::new())?;
    /// store.write("data/2026/b.csv", "x", &WriteOptions::new())?;
    /// let mut years: Vec<String> = store
    ///     .list_folders("data", &ListOptions::new())?
    ///     .map(|folder| folder.map(|f| f.name))
    ///     .collect::<Result<_, _>>()?;
    /// years.sort();
    /// assert_eq!(years, ["2025", "2026"]);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = List, folder(path), materialize, filter = FolderFilter)]
    fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListIter<FolderEntry>>;

    /// Lists the direct children of `path`, files and folders; the rules of
    /// [`list_files`](Self::list_files).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::{Entry, WriteOptions};
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("data/a.csv", "x", &WriteOptions::new())?;
    /// store.write("data/2026/b.csv", "x", &WriteOptions::new())?;
    /// for entry in store.iter_children("data")? {
    ///     match entry? {
    ///         Entry::File(file) => assert_eq!(file.name, "a.csv"),
    ///         Entry::Folder(folder) => assert_eq!(folder.name, "2026"),
    ///     }
    /// }
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = List, folder(path), materialize, async_default = asynchronous::iter_children)]
    fn iter_children(&self, path: &StorePath) -> Result<ListIter<Entry>> {
        blocking::iter_children(self, path)
    }

    /// Lists the files matching the glob `pattern` (`*`, `?`, `[...]`, `**` across folders;
    /// [C-6.7](crate::contract#C-6.7), [C-6.8](crate::contract#C-6.8)). A malformed pattern is `InvalidArgument`.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// for path in ["src/main.rs", "src/io/mod.rs", "README.md"] {
    ///     store.write(path, "x", &WriteOptions::new())?;
    /// }
    /// let mut rust: Vec<String> = store
    ///     .glob("src/**/*.rs")?
    ///     .map(|file| file.map(|f| f.path.as_str().to_owned()))
    ///     .collect::<Result<_, _>>()?;
    /// rust.sort();
    /// assert_eq!(rust, ["src/io/mod.rs", "src/main.rs"]);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Glob, pattern(pattern), materialize, async_default = asynchronous::glob)]
    fn glob(&self, pattern: &Pattern) -> Result<ListIter<FileInfo>> {
        blocking::glob(self, pattern)
    }

    /// Moves the file `src` to `dst`, creating `dst`'s parents ([C-2.9](crate::contract#C-2.9)). `NotFound` for a
    /// missing `src`, `AlreadyExists` for an existing `dst` without `overwrite`, `InvalidPath`
    /// when either is a folder. Atomic only where the backend declares `AtomicMove`.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("inbox/a.txt", "x", &WriteOptions::new())?;
    /// store.rename("inbox/a.txt", "done/a.txt", false)?; // creates `done`
    /// assert!(!store.exists("inbox/a.txt")? && store.exists("done/a.txt")?);
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Move, file(src, dst), mutates, flags(AtomicMove))]
    fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;

    /// Copies the file `src` to `dst`; the rules and errors of [`rename`](Self::rename).
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.txt", "x", &WriteOptions::new())?;
    /// store.copy("a.txt", "backup/a.txt", false)?;
    /// assert_eq!(store.read_text("backup/a.txt")?, "x");
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Copy, file(src, dst), mutates, repeatable_if(overwrite))]
    fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()>;

    /// Facts about the file at `path`: size, modification time, and what else the backend
    /// knows. `NotFound` when it is missing, `InvalidPath` when it is a folder.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("a.txt", "hello", &WriteOptions::new())?;
    /// let info = store.get_file_info("a.txt")?;
    /// assert_eq!((info.name.as_str(), info.size), ("a.txt", 5));
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Metadata, file(path), flags(UserMetadata, Attributes, ConditionalWrite))]
    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo>;

    /// The facts of the file at `path` and, when it holds at most `limit` bytes, its content,
    /// both of the same version of the file: one call where `get_file_info` and `read_bytes`
    /// would be two, which a concurrent writer could come between. A larger file gives its
    /// facts and `None`; read it with [`read`](Self::read). The errors of `get_file_info`.
    ///
    /// Backends answer it natively (local: one open, its `fstat` and its read; memory: one
    /// look under the lock); elsewhere it is the facts, the bytes, and the facts again,
    /// repeated while they disagree.
    ///
    /// # Examples
    ///
    /// ```
    /// use store::WriteOptions;
    /// let store = store::Store::new(store::MemoryBackend::new());
    /// store.write("small.txt", "hello", &WriteOptions::new())?;
    /// let (info, content) = store.read_with_info("small.txt", 1024)?;
    /// assert_eq!((info.size, content.as_deref()), (5, Some(&b"hello"[..])));
    /// let (info, content) = store.read_with_info("small.txt", 4)?; // over the limit
    /// assert_eq!((info.size, content), (5, None));
    /// # Ok::<(), store::Error>(())
    /// ```
    #[store(gate = Read, file(path), async_default = asynchronous::read_with_info)]
    fn read_with_info(&self, path: &StorePath, limit: u64) -> Result<(FileInfo, Option<Bytes>)> {
        blocking::read_with_info(self, path, limit)
    }

    /// Aggregate facts about the folder at `path`, recursive over every file below.
    /// `NotFound` when it is missing, `InvalidPath` when it is a file; the root always exists.
    #[store(gate = Metadata, folder(path), manual, async_default = asynchronous::get_folder_info)]
    fn get_folder_info(&self, path: &StorePath) -> Result<FolderInfo> {
        blocking::get_folder_info(self, path)
    }
}
