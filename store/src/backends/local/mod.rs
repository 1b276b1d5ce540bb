//! `LocalBackend`: the embedded default, a folder on the local filesystem through `std::fs`,
//! confined to its root (C-3.5) with atomic writes by temp file and rename.

mod atomic;
mod confine;
mod walk;

use std::any::{Any, TypeId};
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;

use self::atomic::{promote, temp_in, LocalAtomicSink, Mode};
use self::confine::{confine, Leaf, Resolved};
use self::walk::{Node, Walk};
use crate::api::Backend;
use crate::atomic::AtomicWriter;
use crate::capability::{Capabilities, Capability};
use crate::content::{content_error, Content, ListIter, ReadStream, SeekableStream};
use crate::entry::{Entry, FileInfo, FolderEntry};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::resolution::ResolutionPlan;
use crate::write_result::WriteResult;

/// The backend's stable name.
const NAME: &str = "local";

/// A folder on the local filesystem.
///
/// Every key resolves inside the root: `..` never reaches the path model, and a symlink that
/// leads outside the root is refused with `InvalidPath("escapes root")`. Races against an
/// attacker who swaps path components while a call runs are not yet covered. Open it with
/// [`open`](Self::open) on a folder that exists; [`new`](Self::new) accepts one that does not,
/// which then reads as an empty store until the first write creates it.
///
/// Listings leave out what no key can name or reach, and log each such entry as a `tracing`
/// warning naming the folder (as a key) and the entry: names that are not UTF-8, names holding
/// `\`, symlinks that lead outside the root, dangle, or loop back to a folder above them. The
/// temp files of atomic writes in flight are left out without a warning.
///
/// A plain [`write`](crate::Store::write) that overwrites a file truncates it and writes in
/// place, so a concurrent reader can see it empty or partly written; use
/// [`write_atomic`](crate::Store::write_atomic) where readers may be looking.
///
/// ```
/// use store::{LocalBackend, Store, WriteOptions};
/// let dir = tempfile::tempdir()?;
/// let store = Store::new(LocalBackend::new(dir.path()));
/// store.write_atomic("a/b.txt", "hello", &WriteOptions::new())?;
/// assert_eq!(std::fs::read_to_string(dir.path().join("a/b.txt"))?, "hello");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LocalBackend {
    root: PathBuf,
    canonical: OnceLock<Arc<PathBuf>>,
    fsync: bool,
}

impl LocalBackend {
    /// The capabilities every instance declares (C-5.4).
    pub const CAPABILITIES: Capabilities = Capabilities::GATES
        .with(Capability::AtomicMove)
        .with(Capability::SeekableRead)
        .with(Capability::LazyRead)
        .with(Capability::WriteResultNative);

    /// A backend on the existing folder `root`: a missing root is `NotFound`, and a root that
    /// is not a folder is `InvalidPath`, so a typo fails here instead of reading as an empty
    /// store. Neither error names the on-disk path.
    ///
    /// ```
    /// use store::{ErrorKind, LocalBackend};
    /// let dir = tempfile::tempdir()?;
    /// assert!(LocalBackend::open(dir.path()).is_ok());
    /// let typo = LocalBackend::open(dir.path().join("typo")).unwrap_err();
    /// assert_eq!(typo.kind(), ErrorKind::NotFound);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(root: impl Into<PathBuf>) -> Result<Self> {
        let backend = LocalBackend::new(root);
        let root_error = |kind, message| Error::new(kind, message).with_path("").with_backend(NAME);
        match fs::metadata(&backend.root) {
            Ok(meta) if meta.is_dir() => Ok(backend),
            Ok(_) => Err(root_error(
                ErrorKind::InvalidPath,
                "the root is not a folder",
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(root_error(
                ErrorKind::NotFound,
                "the root folder does not exist",
            )),
            Err(e) => Err(Error::from_io_unlocated(e).with_path("").with_backend(NAME)),
        }
    }

    /// A backend rooted at `root`, which need not exist yet: it then reads as an empty store,
    /// and the first write creates it. No I/O happens until the first call; use
    /// [`open`](Self::open) to require an existing folder.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        LocalBackend {
            root: std::path::absolute(&root).unwrap_or(root),
            canonical: OnceLock::new(),
            fsync: false,
        }
    }

    /// Whether atomic writes `fsync` the file and its folder before returning (off by default).
    #[must_use]
    pub fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    /// The root folder as given (made absolute).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The canonical root, resolved once it exists; until then the absolute path as given.
    fn base(&self) -> Arc<PathBuf> {
        if let Some(found) = self.canonical.get() {
            return Arc::clone(found);
        }
        match fs::canonicalize(&self.root) {
            Ok(real) => Arc::clone(self.canonical.get_or_init(|| Arc::new(real))),
            Err(_) => Arc::new(self.root.clone()),
        }
    }

    /// `key` resolved inside the root: the one place every operation finds its path.
    fn confine(&self, key: &StorePath) -> Result<Resolved> {
        confine(&self.base(), key)
    }

    fn io(key: &StorePath) -> impl Fn(io::Error) -> Error + '_ {
        move |e| Error::from_io(e, key, NAME)
    }

    /// The file at `key`, with the read-side verdicts of C-2.5.
    fn open_file(&self, key: &StorePath) -> Result<(File, Metadata)> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        let found = self.confine(key)?;
        match found.leaf {
            Leaf::File(meta) => {
                let file = File::open(&found.path).map_err(Self::io(key))?;
                Ok((file, meta))
            }
            Leaf::Folder => Err(is_folder(key)),
            Leaf::Missing { .. } => Err(not_found(key)),
        }
    }

    /// The write-side checks of C-2.4 for `key`; returns where the file goes.
    fn check_target(&self, key: &StorePath, overwrite: bool) -> Result<PathBuf> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        let found = self.confine(key)?;
        match found.leaf {
            Leaf::Folder => {
                Err(Error::invalid_path(key.as_str(), "a folder is in the way").with_backend(NAME))
            }
            Leaf::Missing { below_file: true } => Err(file_in_the_way(key)),
            Leaf::File(_) if !overwrite => {
                Err(Error::already_exists(key.as_str()).with_backend(NAME))
            }
            _ => Ok(found.path),
        }
    }

    /// Creates the parent folders of `path`; a file in the way is `InvalidPath`.
    fn create_parents(path: &Path, key: &StorePath) -> Result<PathBuf> {
        let Some(parent) = path.parent() else {
            return Err(Error::root_is_folder().with_backend(NAME));
        };
        fs::create_dir_all(parent).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => file_in_the_way(key),
            _ => Error::from_io(e, key, NAME),
        })?;
        Ok(parent.to_path_buf())
    }

    fn walk(&self, folder: &StorePath, max_depth: Option<usize>) -> Result<Walk> {
        let base = self.base();
        let found = self.confine(folder)?;
        match found.leaf {
            Leaf::Folder => {
                match Walk::new(Arc::clone(&base), found.path, folder.clone(), max_depth) {
                    Err(e) if e.kind() == ErrorKind::NotFound => Ok(Walk::empty(base)),
                    other => other,
                }
            }
            _ => Ok(Walk::empty(base)),
        }
    }

    /// Moves or copies with the precondition order of C-2.4.
    fn transfer(
        &self,
        src: &StorePath,
        dst: &StorePath,
        overwrite: bool,
        keep_src: bool,
    ) -> Result<()> {
        if src.is_root() || dst.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        let from = self.confine(src)?;
        match from.leaf {
            Leaf::File(_) => {}
            Leaf::Folder => {
                return Err(
                    Error::invalid_path(src.as_str(), "source is a folder").with_backend(NAME)
                )
            }
            Leaf::Missing { .. } => return Err(not_found(src)),
        }
        if src == dst {
            return Ok(());
        }
        let target = self.check_target(dst, overwrite)?;
        let dir = Self::create_parents(&target, dst)?;
        if keep_src {
            // Copy into a temp beside the target, then promote: dst is never partial.
            let mut temp = temp_in(&dir, dst.name(), dst)?;
            let mut source = File::open(&from.path).map_err(Self::io(src))?;
            io::copy(&mut source, temp.as_file_mut()).map_err(Self::io(dst))?;
            let mode = Mode::Of(source.metadata().map_err(Self::io(src))?.permissions());
            promote(temp, &target, dst, (overwrite, mode), self.fsync)?;
            return Ok(());
        }
        if overwrite {
            match fs::rename(&from.path, &target) {
                Err(e) if e.raw_os_error() == Some(18) => {
                    self.move_across(src, &from.path, dst, &target, overwrite)
                }
                other => other.map_err(Self::io(dst)),
            }
        } else {
            // Create-only: a hard link fails if dst appeared meanwhile; then drop the source.
            match fs::hard_link(&from.path, &target) {
                Ok(()) => fs::remove_file(&from.path).map_err(Self::io(src)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    Err(Error::already_exists(dst.as_str()).with_backend(NAME))
                }
                Err(e) if e.raw_os_error() == Some(18) => {
                    self.move_across(src, &from.path, dst, &target, overwrite)
                }
                Err(e) => Err(Error::from_io(e, dst, NAME)),
            }
        }
    }

    /// A move across filesystems: copy to a temp beside the target, promote, then delete the
    /// source; if the delete fails, both remain and the error is returned (C-2.9).
    fn move_across(
        &self,
        src: &StorePath,
        from: &Path,
        dst: &StorePath,
        target: &Path,
        overwrite: bool,
    ) -> Result<()> {
        let Some(dir) = target.parent() else {
            return Err(Error::root_is_folder().with_backend(NAME));
        };
        let mut temp = temp_in(dir, dst.name(), dst)?;
        let mut source = File::open(from).map_err(Self::io(src))?;
        io::copy(&mut source, temp.as_file_mut()).map_err(Self::io(dst))?;
        let mode = Mode::Of(source.metadata().map_err(Self::io(src))?.permissions());
        promote(temp, target, dst, (overwrite, mode), self.fsync)?;
        fs::remove_file(from).map_err(Self::io(src))
    }

    fn write_with(
        &self,
        key: &StorePath,
        content: Content,
        options: &WriteOptions,
        atomic: bool,
    ) -> Result<WriteResult> {
        let target = self.check_target(key, options.overwrite)?;
        let dir = Self::create_parents(&target, key)?;
        if atomic {
            let mut temp = temp_in(&dir, key.name(), key)?;
            let size = pump(content, temp.as_file_mut(), key)?;
            let file = promote(
                temp,
                &target,
                key,
                (options.overwrite, Mode::Written),
                self.fsync,
            )?;
            return written(key, &file, size);
        }
        let mut open = OpenOptions::new();
        open.write(true);
        if options.overwrite {
            open.create(true).truncate(true);
        } else {
            open.create_new(true);
        }
        let mut file = open.open(&target).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::already_exists(key.as_str()).with_backend(NAME),
            _ => Error::from_io(e, key, NAME),
        })?;
        let size = pump(content, &mut file, key)?;
        written(key, &file, size)
    }
}

/// Copies the content into `file` in bounded memory; returns the bytes consumed.
fn pump(content: Content, file: &mut File, key: &StorePath) -> Result<u64> {
    match content {
        Content::Bytes(bytes) => {
            file.write_all(&bytes)
                .map_err(|e| Error::from_io(e, key, NAME))?;
            Ok(bytes.len() as u64)
        }
        Content::Reader(mut reader) => {
            let mut buf = vec![0; 256 * 1024];
            let mut total = 0u64;
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => return Ok(total),
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(content_error(e)),
                };
                file.write_all(&buf[..n])
                    .map_err(|e| Error::from_io(e, key, NAME))?;
                total += n as u64;
            }
        }
    }
}

fn written(key: &StorePath, file: &File, size: u64) -> Result<WriteResult> {
    let meta = file.metadata().map_err(|e| Error::from_io(e, key, NAME))?;
    Ok(WriteResult {
        size,
        ..WriteResult::native(&file_info(key.clone(), &meta))
    })
}

pub(super) fn file_info(key: StorePath, meta: &Metadata) -> FileInfo {
    FileInfo::new(key, meta.len(), meta.modified().ok())
}

fn not_found(key: &StorePath) -> Error {
    Error::not_found(key.as_str()).with_backend(NAME)
}

fn is_folder(key: &StorePath) -> Error {
    Error::invalid_path(key.as_str(), "is a folder").with_backend(NAME)
}

fn file_in_the_way(key: &StorePath) -> Error {
    Error::invalid_path(key.as_str(), "a file is in the way").with_backend(NAME)
}

/// A file as a read stream: mid-stream failures carry the key (C-6.1).
struct LocalReader {
    file: File,
    key: StorePath,
}

impl Read for LocalReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.file
            .read(buf)
            .map_err(|e| Error::from_io(e, &self.key, NAME).into())
    }
}

impl Seek for LocalReader {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.file.seek(pos)
    }
}

fn files_only(walk: Walk) -> ListIter<FileInfo> {
    Box::new(walk.filter_map(|node| match node {
        Ok(Node::File(f)) => Some(Ok(f)),
        Ok(Node::Folder(_)) => None,
        Err(e) => Some(Err(e)),
    }))
}

fn folders_only(walk: Walk) -> ListIter<FolderEntry> {
    Box::new(walk.filter_map(|node| match node {
        Ok(Node::Folder(f)) => Some(Ok(f)),
        Ok(Node::File(_)) => None,
        Err(e) => Some(Err(e)),
    }))
}

/// How deep a listing walks: `None` for everything below, `Some(0)` for direct children.
fn walk_depth(options: &ListOptions) -> Option<usize> {
    match options.max_depth {
        Some(depth) => Some(depth),
        None if options.recursive => None,
        None => Some(0),
    }
}

impl Backend for LocalBackend {
    fn name(&self) -> &'static str {
        NAME
    }

    fn capabilities(&self) -> Capabilities {
        Self::CAPABILITIES
    }

    fn to_key(&self, native: &str) -> String {
        // By components, so a trailing separator on either side and a sibling folder that
        // merely starts with the root's name (`<root>2/x`) are told apart.
        Path::new(native)
            .strip_prefix(&self.root)
            .ok()
            .and_then(Path::to_str)
            .map_or_else(
                || native.to_owned(),
                |rest| rest.replace(std::path::MAIN_SEPARATOR, "/"),
            )
    }

    fn native_path(&self, key: &StorePath) -> String {
        if key.is_root() {
            self.root.to_string_lossy().into_owned()
        } else {
            self.root.join(key.as_str()).to_string_lossy().into_owned()
        }
    }

    fn resolve(&self, key: &StorePath) -> ResolutionPlan {
        let mut plan = crate::derived::resolution(NAME, key, self.native_path(key));
        plan.details
            .insert("root".into(), self.root.to_string_lossy().into_owned());
        plan.details
            .insert("absolute_path".into(), plan.native_path.clone());
        plan
    }

    fn unwrap_native(&self, type_id: TypeId) -> Option<&(dyn Any + Send + Sync)> {
        (type_id == TypeId::of::<PathBuf>()).then_some(&self.root as &(dyn Any + Send + Sync))
    }

    fn check_health(&self) -> Result<()> {
        match fs::metadata(&self.root) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(Error::invalid_path("", "the root is not a folder").with_backend(NAME)),
            Err(e) => Err(Error::from_io(e, &StorePath::root(), NAME)),
        }
    }

    fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(!matches!(self.confine(path)?.leaf, Leaf::Missing { .. }))
    }

    fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(matches!(self.confine(path)?.leaf, Leaf::File(_)))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || matches!(self.confine(path)?.leaf, Leaf::Folder))
    }

    fn read(&self, path: &StorePath) -> Result<ReadStream> {
        let (file, _) = self.open_file(path)?;
        Ok(Box::new(LocalReader {
            file,
            key: path.clone(),
        }))
    }

    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        let (file, meta) = self.open_file(path)?;
        // Sized from the metadata the confinement walk already has; going through `Take`
        // skips `File::read_to_end`'s own fstat and seek.
        let mut buf = Vec::with_capacity(meta.len() as usize + 1);
        (&file)
            .take(u64::MAX)
            .read_to_end(&mut buf)
            .map_err(Self::io(path))?;
        Ok(buf.into())
    }

    fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        let (mut file, meta) = self.open_file(path)?;
        let start = offset.min(meta.len());
        let want = offset.saturating_add(len).min(meta.len()) - start;
        file.seek(SeekFrom::Start(start)).map_err(Self::io(path))?;
        let mut buf = Vec::with_capacity(want as usize);
        file.take(want)
            .read_to_end(&mut buf)
            .map_err(Self::io(path))?;
        Ok(buf.into())
    }

    fn read_seekable(&self, path: &StorePath) -> Result<SeekableStream> {
        let (file, _) = self.open_file(path)?;
        Ok(Box::new(LocalReader {
            file,
            key: path.clone(),
        }))
    }

    fn write(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.write_with(path, content, options, false)
    }

    fn write_atomic(
        &self,
        path: &StorePath,
        content: Content,
        options: &WriteOptions,
    ) -> Result<WriteResult> {
        self.write_with(path, content, options, true)
    }

    fn open_atomic(&self, path: &StorePath, options: &WriteOptions) -> Result<AtomicWriter> {
        let target = self.check_target(path, options.overwrite)?;
        let dir = Self::create_parents(&target, path)?;
        let temp = temp_in(&dir, path.name(), path)?;
        Ok(AtomicWriter::new(LocalAtomicSink {
            temp,
            target,
            key: path.clone(),
            overwrite: options.overwrite,
            fsync: self.fsync,
        }))
    }

    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        if path.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        let found = self.confine(path)?;
        match found.leaf {
            Leaf::File(_) => match fs::remove_file(&found.path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound && missing_ok => Ok(()),
                other => other.map_err(Self::io(path)),
            },
            Leaf::Folder => Err(Error::invalid_path(
                path.as_str(),
                "is a folder; use delete_folder",
            )
            .with_backend(NAME)),
            Leaf::Missing { .. } if missing_ok => Ok(()),
            Leaf::Missing { .. } => Err(not_found(path)),
        }
    }

    fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        if path.is_root() {
            return Err(Error::invalid_path("", "cannot delete the store root").with_backend(NAME));
        }
        let found = self.confine(path)?;
        match found.leaf {
            Leaf::Folder if options.recursive => {
                fs::remove_dir_all(&found.path).map_err(Self::io(path))
            }
            Leaf::Folder => fs::remove_dir(&found.path).map_err(|e| match e.kind() {
                io::ErrorKind::DirectoryNotEmpty => {
                    Error::new(ErrorKind::DirectoryNotEmpty, "folder is not empty")
                        .with_path(path.as_str())
                        .with_backend(NAME)
                }
                _ => Error::from_io(e, path, NAME),
            }),
            Leaf::File(_) => {
                Err(Error::invalid_path(path.as_str(), "is a file; use delete").with_backend(NAME))
            }
            Leaf::Missing { .. } if options.missing_ok => Ok(()),
            Leaf::Missing { .. } => Err(not_found(path)),
        }
    }

    fn list_files(&self, path: &StorePath, options: &ListOptions) -> Result<ListIter<FileInfo>> {
        Ok(files_only(self.walk(path, walk_depth(options))?))
    }

    fn list_folders(
        &self,
        path: &StorePath,
        options: &ListOptions,
    ) -> Result<ListIter<FolderEntry>> {
        Ok(folders_only(self.walk(path, walk_depth(options))?))
    }

    fn iter_children(&self, path: &StorePath) -> Result<ListIter<Entry>> {
        Ok(Box::new(self.walk(path, Some(0))?.map(|node| {
            node.map(|node| match node {
                Node::File(f) => Entry::File(f),
                Node::Folder(f) => Entry::Folder(f),
            })
        })))
    }

    fn glob(&self, pattern: &Pattern) -> Result<ListIter<FileInfo>> {
        let depth = if pattern.needs_recursion() {
            None
        } else {
            Some(0)
        };
        let pattern = pattern.clone();
        let files = files_only(self.walk(&pattern.literal_prefix(), depth)?);
        Ok(Box::new(files.filter(move |f| {
            f.as_ref()
                .map_or(true, |f| pattern.matches(f.path.as_str()))
        })))
    }

    fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.transfer(src, dst, overwrite, false)
    }

    fn copy(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> {
        self.transfer(src, dst, overwrite, true)
    }

    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        if path.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        match self.confine(path)?.leaf {
            Leaf::File(meta) => Ok(file_info(path.clone(), &meta)),
            Leaf::Folder => Err(is_folder(path)),
            Leaf::Missing { .. } => Err(not_found(path)),
        }
    }
}
