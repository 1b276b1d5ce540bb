//! `LocalBackend`: the embedded default, a folder on the local filesystem. Every key is
//! resolved relative to an open handle on the root ([`root`]), so confinement holds under
//! races ([C-3.5](crate::contract#C-3.5)); atomic writes go through an unnamed temp linked into place ([`atomic`]);
//! listings read each folder through its handle ([`walk`]).

mod atomic;
mod builder;
mod root;
mod walk;

use std::any::{Any, TypeId};
use std::ffi::CString;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use rustix::fs::{self as sys, AtFlags, Dir, FileType, Mode, OFlags, RenameFlags, Stat};
use rustix::io::Errno;

pub use self::builder::{LocalBuilder, LocalConfigKey};

use self::atomic::{LocalAtomicSink, Perms, Temp};
use self::root::{Created, DirFd, Handle, Place, Root, Strategy, Walked};
use self::walk::{open_listing, Node, Walk};
use crate::atomic::is_temp_name;
use crate::atomic::AtomicWriter;
use crate::content::{content_error, Content, ListIter, ReadStream, SeekableStream};
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

/// What a key names once in-root symlinks are followed.
enum Leaf {
    File(Stat),
    Folder,
    Missing,
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

    /// What `key` names, following in-root links: one `statx` for a key directly in the root,
    /// an `openat2(O_PATH)` and an `fstat` below it, the walk where those decline.
    fn leaf(&self, key: &StorePath) -> Result<Leaf> {
        let Some(handle) = self.root.handle()? else {
            return Ok(if key.is_root() {
                Leaf::Folder
            } else {
                Leaf::Missing
            });
        };
        if key.is_root() {
            return Ok(Leaf::Folder);
        }
        let io = |e: Errno| Error::from_io(e.into(), key, NAME);
        let classify = |stat: Stat| match kind(&stat) {
            FileType::Directory => Leaf::Folder,
            _ => Leaf::File(stat),
        };
        if key.depth() == 1 {
            match sys::statat(handle.fd(), key.as_str(), AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) if kind(&stat) != FileType::Symlink => return Ok(classify(stat)),
                Ok(_) => {}
                Err(Errno::NOENT) => return Ok(Leaf::Missing),
                Err(e) => return Err(io(e)),
            }
        }
        if let Some(fd) = handle.open_beneath(key, OFlags::PATH, Mode::empty()) {
            let stat = sys::fstat(fd.map_err(|e| Error::from_io(e, key, NAME))?).map_err(io)?;
            return Ok(classify(stat));
        }
        Ok(match handle.walk(key, true, None)? {
            Walked::Found(_, stat) => classify(stat),
            _ => Leaf::Missing,
        })
    }

    /// The regular file at `key`, opened for reading, with the read-side verdicts of [C-2.5](crate::contract#C-2.5).
    fn open_read(&self, key: &StorePath) -> Result<(File, Stat)> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        match self.root.handle()? {
            Some(handle) => open_file(handle, key),
            None => Err(not_found(key)),
        }
    }

    /// The folder that will hold `key`'s new content, made as needed (recorded in `created`),
    /// after the write-side checks of [C-2.4](crate::contract#C-2.4): a folder in the way or a file where a folder
    /// should be is `InvalidPath`, an existing target without `overwrite` `AlreadyExists`.
    fn target(
        &self,
        handle: &Arc<Handle>,
        key: &StorePath,
        overwrite: bool,
        created: &mut Created,
    ) -> Result<Place> {
        match handle.parent(key, Some(created))? {
            Ok((place, None)) => Ok(place),
            Ok((place, Some(stat))) => {
                let stat = match kind(&stat) {
                    // A link is replaced, not written through, but must lead inside.
                    FileType::Symlink => match handle.walk(key, true, None)? {
                        Walked::Found(_, stat) => stat,
                        _ => return Err(root::looping(key)),
                    },
                    _ => stat,
                };
                replaceable(&stat, key, overwrite).map(|()| place)
            }
            Err(Walked::BelowFile) => Err(file_in_the_way(key)),
            Err(_) => Err(not_found(key)),
        }
    }

    /// Opens `key` for a plain write: `openat2` creates or truncates it in one call; the walk
    /// decides where that declines, making missing folders on the way.
    fn open_write(
        &self,
        handle: &Arc<Handle>,
        key: &StorePath,
        overwrite: bool,
        created: &mut Created,
    ) -> Result<OwnedFd> {
        let mode = Mode::from_raw_mode(0o666);
        // Non-blocking, so an existing FIFO never stalls the call (it is refused below).
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::NONBLOCK;
        let how = if overwrite {
            OFlags::TRUNC
        } else {
            OFlags::EXCL
        };
        // Not following a last symlink: the walk decides where it leads (ELOOP hands over).
        if let Some(fd) = handle.open_beneath(key, flags | how | OFlags::NOFOLLOW, mode) {
            return fd.map_err(|e| match e.raw_os_error().map(Errno::from_raw_os_error) {
                Some(Errno::ISDIR) => folder_in_the_way(key),
                Some(Errno::NXIO) => special(key),
                _ => Error::from_io(e, key, NAME),
            });
        }
        match handle.walk(key, true, Some(created))? {
            Walked::Missing(place) => {
                open_at(&place, flags | OFlags::EXCL, key).map_err(|e| match e.kind() {
                    ErrorKind::AlreadyExists => {
                        Error::already_exists(key.as_str()).with_backend(NAME)
                    }
                    _ => e,
                })
            }
            Walked::Found(place, stat) => replaceable(&stat, key, overwrite).and_then(|()| {
                if kind(&stat) != FileType::RegularFile {
                    return Err(special(key));
                }
                open_at(
                    &place,
                    OFlags::WRONLY | OFlags::TRUNC | OFlags::NONBLOCK,
                    key,
                )
            }),
            Walked::BelowFile => Err(file_in_the_way(key)),
            Walked::MissingParent => Err(not_found(key)),
        }
    }

    fn write_with(
        &self,
        key: &StorePath,
        content: Content,
        options: &WriteOptions,
        atomic: bool,
    ) -> Result<WriteResult> {
        if key.is_root() {
            return Err(Error::root_is_folder().with_backend(NAME));
        }
        refuse_reserved(key)?;
        let handle = self.root.handle_or_create()?;
        let mut created = Created::default();
        let result = if options.expected_etag().is_some() {
            self.target(handle, key, true, &mut created)
                .and_then(|place| {
                    // Checked before the content is read, and again under the lock.
                    drop(lock_if_match(handle, key, options)?);
                    let name = place.name.clone().unwrap_or_default();
                    let mut temp = Temp::new(place.dir, key)?;
                    let size = pump(content, temp.file_mut(), key)?;
                    let _lock = lock_if_match(handle, key, options)?;
                    let file = temp.promote(&name, (true, Perms::Written), self.fsync)?;
                    written(key, &file, size)
                })
        } else if atomic {
            self.target(handle, key, options.overwrite, &mut created)
                .and_then(|place| {
                    let name = place.name.clone().unwrap_or_default();
                    let mut temp = Temp::new(place.dir, key)?;
                    let size = pump(content, temp.file_mut(), key)?;
                    let perms = (options.overwrite, Perms::Written);
                    let file = temp.promote(&name, perms, self.fsync)?;
                    written(key, &file, size)
                })
        } else {
            self.open_write(handle, key, options.overwrite, &mut created)
                .and_then(|fd| {
                    // A create-only open made a new regular file; an overwrite may have
                    // opened a FIFO or a device that was there, which is refused.
                    if options.overwrite {
                        let stat =
                            sys::fstat(&fd).map_err(|e| Error::from_io(e.into(), key, NAME))?;
                        if kind(&stat) != FileType::RegularFile {
                            return Err(special(key));
                        }
                    }
                    let mut file = File::from(fd);
                    let size = pump(content, &mut file, key)?;
                    written(key, &file, size)
                })
        };
        if result.is_ok() {
            created.keep();
        }
        result
    }

    /// The folder `key`'s entry sits in, its name, and what it names (following a last
    /// symlink, which must lead inside); `None` when missing.
    fn entry(&self, key: &StorePath) -> Result<Option<(Place, Stat, FileType)>> {
        let Some(handle) = self.root.handle()? else {
            return Ok(None);
        };
        match handle.parent(key, None)? {
            Ok((place, Some(stat))) => {
                let followed = match kind(&stat) {
                    FileType::Symlink => match handle.walk(key, true, None)? {
                        Walked::Found(_, target) => kind(&target),
                        _ => return Err(root::looping(key)),
                    },
                    other => other,
                };
                Ok(Some((place, stat, followed)))
            }
            Ok((_, None)) | Err(_) => Ok(None),
        }
    }

    fn walk(&self, folder: &StorePath, max_depth: Option<usize>) -> Result<Walk> {
        let Some(handle) = self.root.handle()? else {
            return Ok(Walk::empty());
        };
        let io = |e: Errno| Error::from_io(e.into(), folder, NAME);
        let flags = OFlags::RDONLY | OFlags::DIRECTORY;
        let fd = if folder.is_root() {
            sys::openat(handle.fd(), c".", flags | OFlags::CLOEXEC, Mode::empty()).map_err(io)?
        } else {
            match handle.open_beneath(folder, flags, Mode::empty()) {
                Some(fd) => fd.map_err(|e| Error::from_io(e, folder, NAME))?,
                None => match handle.walk(folder, true, None)? {
                    Walked::Found(place, stat) if kind(&stat) == FileType::Directory => {
                        open_listing(&place.dir, place.name()).map_err(io)?
                    }
                    _ => return Ok(Walk::empty()),
                },
            }
        };
        Walk::new(Arc::clone(handle), fd, folder.clone(), max_depth)
    }

    /// Moves or copies with the precondition order of [C-2.4](crate::contract#C-2.4).
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
        if !keep_src && src != dst && refuse_reserved(dst).is_ok() {
            if let Some(done) = self.rename_fast(src, dst, overwrite) {
                return done;
            }
        }
        let Some((from, _, src_kind)) = self.entry(src)? else {
            return Err(not_found(src));
        };
        if src_kind == FileType::Directory {
            return Err(Error::source_is_a_folder(src.as_str()).with_backend(NAME));
        }
        if src == dst {
            return Ok(());
        }
        refuse_reserved(dst)?;
        let handle = self.root.handle_or_create()?;
        let mut created = Created::default();
        let result = self
            .target(handle, dst, overwrite, &mut created)
            .and_then(|to| {
                if keep_src {
                    return self.copy_into(src, dst, to, overwrite);
                }
                let name = to.name.clone().unwrap_or_default();
                let flags = if overwrite {
                    RenameFlags::empty()
                } else {
                    RenameFlags::NOREPLACE
                };
                // One call: with NOREPLACE, of several renames to free targets exactly one wins.
                match sys::renameat_with(&from.dir, from.name(), &to.dir, &name, flags) {
                    Ok(()) => Ok(()),
                    Err(Errno::EXIST) => {
                        Err(Error::already_exists(dst.as_str()).with_backend(NAME))
                    }
                    Err(Errno::NOENT) => Err(not_found(src)),
                    Err(Errno::XDEV) => {
                        self.copy_into(src, dst, to, overwrite)?;
                        sys::unlinkat(&from.dir, from.name(), AtFlags::empty())
                            .map_err(|e| Error::from_io(e.into(), src, NAME))
                    }
                    Err(Errno::INVAL) if !overwrite => {
                        // No RENAME_NOREPLACE here: a hard link fails on an existing target.
                        match sys::linkat(&from.dir, from.name(), &to.dir, &name, AtFlags::empty())
                        {
                            Ok(()) => sys::unlinkat(&from.dir, from.name(), AtFlags::empty())
                                .map_err(|e| Error::from_io(e.into(), src, NAME)),
                            Err(Errno::EXIST) => {
                                Err(Error::already_exists(dst.as_str()).with_backend(NAME))
                            }
                            Err(e) => Err(Error::from_io(e.into(), dst, NAME)),
                        }
                    }
                    Err(e) => Err(Error::from_io(e.into(), dst, NAME)),
                }
            });
        if result.is_ok() {
            created.keep();
        }
        result
    }

    /// A rename in as few calls as the kernel's strategy allows: the source's folder opened
    /// once (and the destination's, when it differs), one `statx` that the source is a plain
    /// file, one `renameat2`. `None` where the general path must decide: a symlink, a missing
    /// folder, any refusal it has to tell apart.
    fn rename_fast(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Option<Result<()>> {
        let handle = self.root.handle().ok()??;
        if !handle.beneath() {
            return None;
        }
        let folder = |key: &StorePath| -> Option<DirFd> {
            let parent = key.parent()?;
            if parent.is_root() {
                return Some(DirFd::Root(Arc::clone(handle)));
            }
            let flags = OFlags::PATH | OFlags::DIRECTORY;
            handle
                .open_beneath(&parent, flags, Mode::empty())?
                .ok()
                .map(DirFd::Below)
        };
        let from = folder(src)?;
        let apart;
        let to = if folder_of(src) == folder_of(dst) {
            &from
        } else {
            apart = folder(dst)?;
            &apart
        };
        let (src_name, dst_name) = (
            CString::new(src.name()).ok()?,
            CString::new(dst.name()).ok()?,
        );
        let stat = sys::statat(&from, &src_name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        if kind(&stat) != FileType::RegularFile {
            return None;
        }
        let flags = if overwrite {
            // Only a plain file is replaced here; a folder or a link in the way is the general
            // path's to judge.
            match sys::statat(to, &dst_name, AtFlags::SYMLINK_NOFOLLOW) {
                Err(Errno::NOENT) => {}
                Ok(stat) if kind(&stat) == FileType::RegularFile => {}
                _ => return None,
            }
            RenameFlags::empty()
        } else {
            RenameFlags::NOREPLACE
        };
        sys::renameat_with(&from, &src_name, to, &dst_name, flags)
            .ok()
            .map(Ok)
    }

    /// Copies `src` into a temp in `to`'s folder, then promotes it: `dst` is never partial,
    /// and gets `src`'s permissions.
    fn copy_into(
        &self,
        src: &StorePath,
        dst: &StorePath,
        to: Place,
        overwrite: bool,
    ) -> Result<()> {
        let (mut source, stat) = self.open_read(src)?;
        let name = to.name.clone().unwrap_or_default();
        let mut temp = Temp::new(to.dir, dst)?;
        io::copy(&mut source, temp.file_mut()).map_err(|e| Error::from_io(e, dst, NAME))?;
        let perms = (overwrite, Perms::Of(stat.st_mode & 0o777));
        temp.promote(&name, perms, self.fsync)?;
        Ok(())
    }
}

/// The regular file at `key` (not the root), opened for reading, with the read-side verdicts
/// of [C-2.5](crate::contract#C-2.5). Opened non-blocking, so a FIFO never stalls the call, and refused unless regular.
fn open_file(handle: &Arc<Handle>, key: &StorePath) -> Result<(File, Stat)> {
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY;
    let fd = match handle.open_beneath(key, flags, Mode::empty()) {
        Some(fd) => fd.map_err(|e| match e.raw_os_error().map(Errno::from_raw_os_error) {
            Some(Errno::NXIO | Errno::NODEV) => special(key),
            _ => Error::from_io(e, key, NAME),
        })?,
        None => match handle.walk(key, true, None)? {
            Walked::Found(place, stat) => match kind(&stat) {
                FileType::Directory => return Err(is_folder(key)),
                FileType::RegularFile => open_at(&place, flags, key)?,
                _ => return Err(special(key)),
            },
            _ => return Err(not_found(key)),
        },
    };
    let stat = sys::fstat(&fd).map_err(|e| Error::from_io(e.into(), key, NAME))?;
    match kind(&stat) {
        FileType::RegularFile => Ok((File::from(fd), stat)),
        FileType::Directory => Err(is_folder(key)),
        _ => Err(special(key)),
    }
}

/// Whether the existing entry `stat` at `key` may be replaced: a folder is in the way, and a
/// file without `overwrite` is `AlreadyExists` ([C-2.4](crate::contract#C-2.4)).
fn replaceable(stat: &Stat, key: &StorePath, overwrite: bool) -> Result<()> {
    match kind(stat) {
        FileType::Directory => Err(folder_in_the_way(key)),
        _ if !overwrite => Err(Error::already_exists(key.as_str()).with_backend(NAME)),
        _ => Ok(()),
    }
}

/// Opens the entry at `place` without following a symlink.
fn open_at(place: &Place, flags: OFlags, key: &StorePath) -> Result<OwnedFd> {
    let flags = flags | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    sys::openat(&place.dir, place.name(), flags, Mode::from_raw_mode(0o666))
        .map_err(|e| Error::from_io(e.into(), key, NAME))
}

/// The folder part of `key`, without allocating; `None` for a key in the root.
fn folder_of(key: &StorePath) -> Option<&str> {
    key.as_str().rsplit_once('/').map(|(folder, _)| folder)
}

/// `InvalidPath` for a key with a segment in the temps' reserved namespace.
fn refuse_reserved(key: &StorePath) -> Result<()> {
    crate::atomic::refuse_reserved(key, NAME)
}

/// The entries of the folder open at `fd` (`.` and `..` left out), each with its type, stated
/// without following where the directory entry does not say.
fn entries(fd: &OwnedFd) -> rustix::io::Result<Vec<(CString, FileType)>> {
    let mut out = Vec::new();
    for entry in Dir::read_from(fd)? {
        let entry = entry?;
        let child = entry.file_name();
        if child == c"." || child == c".." {
            continue;
        }
        let mut child_kind = entry.file_type();
        if child_kind == FileType::Unknown {
            let stat = sys::statat(fd, child, AtFlags::SYMLINK_NOFOLLOW)?;
            child_kind = FileType::from_raw_mode(stat.st_mode);
        }
        out.push((child.to_owned(), child_kind));
    }
    Ok(out)
}

/// Removes the folder `name` of `parent` and everything below it, each folder through its own
/// handle, never following a symlink.
fn remove_tree(parent: &impl AsFd, name: &std::ffi::CStr) -> rustix::io::Result<()> {
    let fd = open_listing(parent, name)?;
    for (child, child_kind) in entries(&fd)? {
        if child_kind == FileType::Directory {
            remove_tree(&fd, &child)?;
        } else {
            sys::unlinkat(&fd, &child, AtFlags::empty())?;
        }
    }
    sys::unlinkat(parent, name, AtFlags::REMOVEDIR)
}

/// Removes the folder `name` of `parent` if it holds nothing but leftover temps of atomic
/// writes (named temps a killed process left behind), so it deletes as the empty folder it
/// lists as; `NOTEMPTY` when it holds anything else.
fn remove_if_only_temps(parent: &impl AsFd, name: &std::ffi::CStr) -> rustix::io::Result<()> {
    let fd = open_listing(parent, name)?;
    let children = entries(&fd)?;
    let only_temps = children.iter().all(|(child, child_kind)| {
        *child_kind == FileType::RegularFile && child.to_str().is_ok_and(is_temp_name)
    });
    if !only_temps {
        return Err(Errno::NOTEMPTY);
    }
    for (temp, _) in children {
        sys::unlinkat(&fd, &temp, AtFlags::empty())?;
    }
    sys::unlinkat(parent, name, AtFlags::REMOVEDIR)
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
    let stat = sys::fstat(file).map_err(|e| Error::from_io(e.into(), key, NAME))?;
    Ok(WriteResult {
        size,
        ..WriteResult::native(&info_of(key.clone(), &stat))
    })
}

/// The whole of the open `file`, sized from the status the open already has; going through
/// `Take` skips `File::read_to_end`'s own fstat and seek.
fn read_whole(file: &File, stat: &Stat, key: &StorePath) -> Result<Bytes> {
    let mut buf = Vec::new();
    // Sized up front where memory allows; a file too large for that still reads (or fails
    // with an error), never with a capacity panic.
    let _ = buf.try_reserve_exact((stat.st_size as u64).saturating_add(1) as usize);
    file.take(u64::MAX)
        .read_to_end(&mut buf)
        .map_err(|e| Error::from_io(e, key, NAME))?;
    Ok(buf.into())
}

/// The facts of a file from its status.
pub(super) fn info_of(key: StorePath, stat: &Stat) -> FileInfo {
    let modified = if stat.st_mtime >= 0 {
        UNIX_EPOCH.checked_add(Duration::new(
            stat.st_mtime as u64,
            stat.st_mtime_nsec as u32,
        ))
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(stat.st_mtime.unsigned_abs()))
    };
    FileInfo {
        etag: Some(etag_of(stat)),
        ..FileInfo::new(key, stat.st_size as u64, modified)
    }
}

/// The etag of a file's status: inode, modification time in nanoseconds and size, as
/// object_store's `LocalFileSystem` spells it. Atomic and conditional writes always make a new
/// inode, so their etag changes; an in-place `write` changes the time (at the filesystem's
/// clock granularity) and usually the size.
///
/// Spelled out by hand: it is built for every file a stat or a listing returns, and
/// `format!` would cost several times the `fstatat` in a listing's hot loop.
fn etag_of(stat: &Stat) -> String {
    let nanos = i128::from(stat.st_mtime) * 1_000_000_000 + i128::from(stat.st_mtime_nsec);
    let mut etag = String::with_capacity(48);
    push_hex(&mut etag, u128::from(stat.st_ino));
    etag.push('-');
    // Two's complement for a time before 1970, as `{:x}` prints an `i128`.
    push_hex(&mut etag, nanos as u128);
    etag.push('-');
    push_hex(&mut etag, stat.st_size as u64 as u128);
    etag
}

/// Appends `value` in lower-case hex, without leading zeros.
fn push_hex(out: &mut String, value: u128) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Written from the last digit back into a buffer, then appended at once.
    let mut buf = [0u8; 32];
    let (mut at, mut rest) = (buf.len(), value);
    loop {
        at -= 1;
        buf[at] = DIGITS[(rest & 0xf) as usize];
        rest >>= 4;
        if rest == 0 {
            break;
        }
    }
    out.extend(buf[at..].iter().map(|&digit| char::from(digit)));
}

/// Holds the file `key` names under an exclusive `flock` once its etag is the one `options`
/// asks for, so that of conditional writers holding one etag exactly one promotes its content
/// while the lock is held, and the others find a new inode (another etag) once they get the
/// lock. Writers without `if_match` take no lock: one of them landing between this check and
/// the promotion is overwritten, the race the docs name.
fn lock_if_match(handle: &Arc<Handle>, key: &StorePath, options: &WriteOptions) -> Result<File> {
    let (file, _) = open_file(handle, key)?;
    sys::flock(&file, sys::FlockOperation::LockExclusive)
        .map_err(|e| Error::from_io(e.into(), key, NAME))?;
    // The lock was won on what the key named at the open; a writer before us may have put a
    // new file (a new inode, so another etag) there since.
    let (_, now) = open_file(handle, key)?;
    let held = sys::fstat(&file).map_err(|e| Error::from_io(e.into(), key, NAME))?;
    if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino) {
        return Err(Error::precondition_failed(key.as_str()).with_backend(NAME));
    }
    options
        .check_etag(key, Some(&etag_of(&held)))
        .map_err(|e| e.with_backend(NAME))?;
    Ok(file)
}

fn not_found(key: &StorePath) -> Error {
    Error::not_found(key.as_str()).with_backend(NAME)
}

fn is_folder(key: &StorePath) -> Error {
    Error::is_a_folder(key.as_str()).with_backend(NAME)
}

fn folder_in_the_way(key: &StorePath) -> Error {
    Error::folder_in_the_way(key.as_str()).with_backend(NAME)
}

fn file_in_the_way(key: &StorePath) -> Error {
    Error::file_in_the_way(key.as_str()).with_backend(NAME)
}

/// `InvalidPath` for a FIFO, socket or device: never opened in a way that could block.
fn special(key: &StorePath) -> Error {
    Error::invalid_path(
        key.as_str(),
        "not a regular file (a FIFO, socket or device)",
    )
    .with_backend(NAME)
}

/// A file as a read stream: mid-stream failures carry the key ([C-6.1](crate::contract#C-6.1)).
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

#[cfg(test)]
mod tests {
    use super::push_hex;

    #[test]
    fn hex_is_what_format_prints() {
        for value in [
            0u128,
            1,
            9,
            10,
            15,
            16,
            255,
            4096,
            u64::MAX as u128,
            u128::MAX,
        ] {
            let mut ours = String::new();
            push_hex(&mut ours, value);
            assert_eq!(ours, format!("{value:x}"));
        }
        let before_1970: i128 = -1_500_000_000;
        let mut ours = String::new();
        push_hex(&mut ours, before_1970 as u128);
        assert_eq!(ours, format!("{before_1970:x}"));
    }
}
