//! `LocalBackend`: the embedded default, a folder on the local filesystem. Every key is
//! resolved relative to an open handle on the root (`root.rs`), so confinement holds under
//! races ([C-3.5](crate::contract#C-3.5)). One file per operation family: what a key names
//! (`lookup.rs`), reads (`read.rs`), plain and conditional writes (`write.rs`), atomic writes
//! through an unnamed temp linked into place (`atomic.rs`), renames and copies
//! (`transfer.rs`), removal (`remove.rs`), listings through each folder's handle (`walk.rs`),
//! a file's facts and etag (`etag.rs`), the errors (`errors.rs`), and configuration
//! (`builder.rs`). This file holds the type and its one implementation of the definition.

mod atomic;
mod builder;
mod errors;
mod etag;
mod lookup;
mod read;
mod remove;
mod root;
mod transfer;
mod walk;
mod write;

use std::any::{Any, TypeId};
use std::fs::{self};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use rustix::fs::{self as sys, AtFlags, FileType, Stat};
use rustix::io::Errno;

pub use self::builder::{LocalBuilder, LocalConfigKey};

use self::atomic::{LocalAtomicSink, Temp};
use self::errors::{is_folder, not_found};
use self::etag::info_of;
use self::lookup::Leaf;
use self::read::{read_whole, LocalReader};
use self::remove::{remove_if_only_temps, remove_tree};
use self::root::{Created, Root, Strategy};
use self::walk::{files_only, folders_only, walk_depth, Node};
use self::write::{lock_if_match, refuse_reserved};
use crate::atomic::AtomicWriter;
use crate::content::{Content, ListIter, ReadStream, SeekableStream};
use crate::derived::{kept_changing, same_version, CONSISTENT_READS};
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
/// Every key resolves inside the root, relative to an open handle on it, so the boundary is
/// enforced in the same system call that does the work: `openat2(RESOLVE_BENEATH)` on Linux
/// 5.6 and later, a walk of handles opened without following symlinks elsewhere (or after
/// [`with_portable_resolution`](Self::with_portable_resolution)). `..` never reaches the path
/// model; a symlink is followed while it stays inside and refused with
/// `InvalidPath("escapes root")` when it leaves, and no concurrent swap of a folder for a
/// symlink can lead a read, write, listing, delete, rename or copy outside. A FIFO, socket or
/// device inside the root is never opened in a way that blocks: reading or writing one is
/// `InvalidPath`.
/// Open it with
/// [`open`](Self::open) on a folder that exists; [`new`](Self::new) accepts one that does not,
/// which then reads as an empty store until the first write creates it.
///
/// Listings leave out what no key can name or reach, and log each such entry as a `tracing`
/// warning naming the folder (as a key) and the entry: names that are not UTF-8, names holding
/// `\`, symlinks that lead outside the root, dangle, or loop back to a folder above them. The
/// temp files of atomic writes in flight are left out without a warning.
///
/// Atomic writes go to an unnamed temp (`O_TMPFILE`) linked into place once whole, so even a
/// killed process leaves no temp behind; where the filesystem has none, to a named temp
/// `.~tmp.<random>` renamed into place. A create-only write leaves no name behind at any
/// instant; an overwrite links its content under a temp name for the instant before the
/// rename over the target. Names starting with `.~tmp.` are reserved: writing one (as a file,
/// or as a folder on the way) is `InvalidPath`.
///
/// Renames are one `renameat2` (`RENAME_NOREPLACE` without `overwrite`), so of racing
/// create-only renames exactly one wins; on a filesystem without `RENAME_NOREPLACE` a hard
/// link and an unlink stand in, and across a mount inside the root a copy and a delete.
///
/// The boundary is the root as it stands when each call starts: a process that can also write
/// outside the root, on the same filesystem, could move a folder out while a listing or a
/// recursive `delete_folder` holds it open, and the call would go on there; `RESOLVE_BENEATH`
/// has the same limit.
///
/// Every file has an etag built from its inode, modification time (nanoseconds) and size.
/// A conditional write ([`WriteOptions::if_match`]) always goes through a temp: it compares
/// the etag while holding an exclusive `flock` on the current file and renames over it before
/// letting go, so of conditional writers holding one etag exactly one wins and the others get
/// `PreconditionFailed`. Writers without `if_match` take no lock; one that lands between the
/// compare and the rename is overwritten. Standard attributes are not kept (no
/// `Attributes` capability): a folder has nowhere to put them that other tools would see.
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
    root: Root,
    fsync: bool,
}

fn kind(stat: &Stat) -> FileType {
    FileType::from_raw_mode(stat.st_mode)
}

impl LocalBackend {
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
        match fs::metadata(backend.root.path()) {
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
        let root = std::path::absolute(&root).unwrap_or(root);
        LocalBackend {
            root: Root::new(root, Strategy::Kernel),
            fsync: false,
        }
    }

    /// Whether atomic writes `fsync` the file and its folder before returning (off by default).
    #[must_use]
    pub fn with_fsync(mut self, fsync: bool) -> Self {
        self.fsync = fsync;
        self
    }

    /// Resolves keys by the portable walk of handles alone, as platforms without `openat2`
    /// do: the same verdicts and the same confinement, with a few more system calls per deep
    /// key. For testing that walk, and for filesystems where `openat2` misbehaves.
    #[must_use]
    pub fn with_portable_resolution(self) -> Self {
        LocalBackend {
            root: Root::new(self.root.path().to_path_buf(), Strategy::Walk),
            fsync: self.fsync,
        }
    }

    /// The root folder as given (made absolute).
    pub fn root(&self) -> &Path {
        self.root.path()
    }
}

/// Every operation, natively; `CAPABILITIES` ([C-5.4](crate::contract#C-5.4)) follows: every gate, and the flags below.
#[store::backend(
    crate = crate,
    name = "local",
    flags(
        conditional_write,
        atomic_move,
        seekable_read,
        lazy_read,
        write_result_native
    )
)]
impl LocalBackend {
    fn to_key(&self, native: &str) -> String {
        // By components, so a trailing separator on either side and a sibling folder that
        // merely starts with the root's name (`<root>2/x`) are told apart.
        Path::new(native)
            .strip_prefix(self.root.path())
            .ok()
            .and_then(Path::to_str)
            .map_or_else(
                || native.to_owned(),
                |rest| rest.replace(std::path::MAIN_SEPARATOR, "/"),
            )
    }

    fn native_path(&self, key: &StorePath) -> String {
        if key.is_root() {
            self.root.path().to_string_lossy().into_owned()
        } else {
            self.root
                .path()
                .join(key.as_str())
                .to_string_lossy()
                .into_owned()
        }
    }

    fn resolve(&self, key: &StorePath) -> ResolutionPlan {
        let mut plan = crate::derived::resolution(NAME, key, self.native_path(key));
        plan.details.insert(
            "root".into(),
            self.root.path().to_string_lossy().into_owned(),
        );
        plan.details
            .insert("absolute_path".into(), plan.native_path.clone());
        plan
    }

    fn unwrap_native(&self, type_id: TypeId) -> Option<&(dyn Any + Send + Sync)> {
        (type_id == TypeId::of::<PathBuf>())
            .then_some(self.root.path_buf() as &(dyn Any + Send + Sync))
    }

    fn ping(&self) -> Result<()> {
        match self.root.handle()? {
            Some(_) => Ok(()),
            None => Err(Error::not_found("").with_backend(NAME)),
        }
    }

    fn exists(&self, path: &StorePath) -> Result<bool> {
        Ok(!matches!(self.leaf(path)?, Leaf::Missing))
    }

    fn is_file(&self, path: &StorePath) -> Result<bool> {
        Ok(matches!(self.leaf(path)?, Leaf::File(_)))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root() || matches!(self.leaf(path)?, Leaf::Folder))
    }

    fn read(&self, path: &StorePath) -> Result<ReadStream> {
        let (file, _) = self.open_read(path)?;
        Ok(Box::new(LocalReader {
            file,
            key: path.clone(),
        }))
    }

    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        let (file, stat) = self.open_read(path)?;
        read_whole(&file, &stat, path)
    }

    fn read_with_info(&self, path: &StorePath, limit: u64) -> Result<(FileInfo, Option<Bytes>)> {
        for _ in 0..CONSISTENT_READS {
            let (file, stat) = self.open_read(path)?;
            let info = info_of(path.clone(), &stat);
            if info.size > limit {
                return Ok((info, None));
            }
            let bytes = read_whole(&file, &stat, path)?;
            // An atomic write replaces the file and leaves this one as it was; a writer in
            // place shows in a second status of the same file.
            let after = sys::fstat(&file).map_err(|e| Error::from_io(e.into(), path, NAME))?;
            if same_version(&info, &bytes, &info_of(path.clone(), &after)) {
                return Ok((info, Some(bytes)));
            }
        }
        Err(kept_changing(NAME, path))
    }

    fn read_range(&self, path: &StorePath, offset: u64, len: u64) -> Result<Bytes> {
        let (mut file, stat) = self.open_read(path)?;
        let size = stat.st_size as u64;
        let start = offset.min(size);
        let want = offset.saturating_add(len).min(size) - start;
        let io = |e| Error::from_io(e, path, NAME);
        file.seek(SeekFrom::Start(start)).map_err(io)?;
        let mut buf = Vec::new();
        let _ = buf.try_reserve_exact(want as usize);
        file.take(want).read_to_end(&mut buf).map_err(io)?;
        Ok(buf.into())
    }

    fn read_range_stream(&self, path: &StorePath, offset: u64, len: u64) -> Result<ReadStream> {
        let (mut file, stat) = self.open_read(path)?;
        let size = stat.st_size as u64;
        let start = offset.min(size);
        let want = offset.saturating_add(len).min(size) - start;
        file.seek(SeekFrom::Start(start))
            .map_err(|e| Error::from_io(e, path, NAME))?;
        let reader = LocalReader {
            file,
            key: path.clone(),
        };
        Ok(Box::new(reader.take(want)))
    }

    fn read_seekable(&self, path: &StorePath) -> Result<SeekableStream> {
        let (file, _) = self.open_read(path)?;
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
        if path.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        refuse_reserved(path)?;
        let handle = self.root.handle_or_create()?;
        let mut created = Created::default();
        let temp = self
            .target(handle, path, options.overwrite, &mut created)
            .and_then(|place| {
                if options.expected_etag().is_some() {
                    // Checked at open, and again under the lock at commit.
                    drop(lock_if_match(handle, path, options)?);
                }
                let target = place.name.clone().unwrap_or_default();
                Ok((Temp::new(place.dir, path)?, target))
            });
        // On error `created` drops here, and the folders it made go.
        let (temp, target) = temp?;
        Ok(AtomicWriter::new(LocalAtomicSink {
            temp: Some(temp),
            target,
            key: path.clone(),
            overwrite: options.overwrite,
            if_match: options
                .expected_etag()
                .map(|_| (Arc::clone(handle), options.clone())),
            fsync: self.fsync,
            created,
        }))
    }

    fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
        if path.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        match self.entry(path)? {
            Some((_, _, FileType::Directory)) => Err(Error::invalid_path(
                path.as_str(),
                "is a folder; use delete_folder",
            )
            .with_backend(NAME)),
            Some((place, _, _)) => {
                match sys::unlinkat(&place.dir, place.name(), AtFlags::empty()) {
                    Err(Errno::NOENT) if missing_ok => Ok(()),
                    Err(Errno::NOENT) => Err(not_found(path)),
                    other => other.map_err(|e| Error::from_io(e.into(), path, NAME)),
                }
            }
            None if missing_ok => Ok(()),
            None => Err(not_found(path)),
        }
    }

    fn delete_folder(&self, path: &StorePath, options: &DeleteFolderOptions) -> Result<()> {
        if path.is_root() {
            return Err(Error::invalid_path("", "cannot delete the store root").with_backend(NAME));
        }
        let io = |e: Errno| match e {
            Errno::NOTEMPTY => Error::new(ErrorKind::DirectoryNotEmpty, "folder is not empty")
                .with_path(path.as_str())
                .with_backend(NAME),
            e => Error::from_io(e.into(), path, NAME),
        };
        match self.entry(path)? {
            // A link to a folder inside: the link goes, not what it points to.
            Some((place, stat, FileType::Directory)) if kind(&stat) == FileType::Symlink => {
                sys::unlinkat(&place.dir, place.name(), AtFlags::empty()).map_err(io)
            }
            Some((place, _, FileType::Directory)) if options.recursive => {
                remove_tree(&place.dir, place.name()).map_err(io)
            }
            Some((place, _, FileType::Directory)) => {
                match sys::unlinkat(&place.dir, place.name(), AtFlags::REMOVEDIR) {
                    Err(Errno::NOTEMPTY | Errno::EXIST) => {
                        remove_if_only_temps(&place.dir, place.name()).map_err(io)
                    }
                    other => other.map_err(io),
                }
            }
            Some(_) => {
                Err(Error::invalid_path(path.as_str(), "is a file; use delete").with_backend(NAME))
            }
            None if options.missing_ok => Ok(()),
            None => Err(not_found(path)),
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
        match self.leaf(path)? {
            Leaf::File(stat) => Ok(info_of(path.clone(), &stat)),
            Leaf::Folder => Err(is_folder(path)),
            Leaf::Missing => Err(not_found(path)),
        }
    }
}
