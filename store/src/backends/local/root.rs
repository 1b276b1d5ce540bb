//! The root handle, and every key resolved relative to it, so that the boundary is enforced in
//! the same system call that does the work and no concurrent swap of a folder for a symlink
//! can lead outside ([C-3.5](crate::contract#C-3.5)).
//!
//! Two strategies, chosen once per backend: the kernel's (`openat2` with `RESOLVE_BENEATH`,
//! Linux 5.6+), which resolves a whole key in the call that opens it; and a walk of handles
//! (cap-std's "manual" technique), which opens one segment at a time with `O_NOFOLLOW`,
//! reads every symlink itself and follows it only while it stays inside. The kernel's is the
//! fast path: whenever it declines (a missing entry, an absolute symlink, a link it will not
//! cross) the walk decides, so both strategies give the same verdicts.

use std::collections::VecDeque;
use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustix::fs::{self as sys, AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::NAME;
use crate::error::{Error, Result};
use crate::path::StorePath;

/// How many symlinks one resolution follows before it calls the chain a loop (Linux's own
/// limit).
const MAX_LINKS: usize = 40;

/// How keys are resolved; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strategy {
    /// `openat2(RESOLVE_BENEATH)` first, the walk where it declines.
    Kernel,
    /// The walk of handles alone: what platforms without `openat2` use.
    Walk,
}

/// The root folder, its handle opened once it exists.
#[derive(Debug)]
pub(super) struct Root {
    path: PathBuf,
    strategy: Strategy,
    /// Set once the root exists; every call after reads it without a lock.
    handle: OnceLock<Arc<Handle>>,
    /// Serialises the attempts to open it until then.
    opening: Mutex<()>,
}

/// An open handle on the root, and its canonical path, to recognise absolute symlinks that
/// lead back inside.
#[derive(Debug)]
pub(super) struct Handle {
    fd: OwnedFd,
    real: PathBuf,
    /// Whether the kernel's strategy is in use: asked for, and available.
    beneath: bool,
}

impl Root {
    pub(super) fn new(path: PathBuf, strategy: Strategy) -> Root {
        Root {
            path,
            strategy,
            handle: OnceLock::new(),
            opening: Mutex::new(()),
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The root path, for `unwrap_native`.
    pub(super) fn path_buf(&self) -> &PathBuf {
        &self.path
    }

    /// The handle, or `None` while the root does not exist (it then reads as empty).
    pub(super) fn handle(&self) -> Result<Option<&Arc<Handle>>> {
        if let Some(handle) = self.handle.get() {
            return Ok(Some(handle));
        }
        let _opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(handle) = self.handle.get() {
            return Ok(Some(handle));
        }
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = match sys::open(&self.path, flags, Mode::empty()) {
            Ok(fd) => fd,
            Err(Errno::NOENT) => return Ok(None),
            Err(Errno::NOTDIR) => {
                return Err(Error::invalid_path("", "the root is not a folder").with_backend(NAME))
            }
            Err(e) => return Err(Error::from_io(e.into(), &StorePath::root(), NAME)),
        };
        let real = std::fs::canonicalize(&self.path)
            .map_err(|e| Error::from_io(e, &StorePath::root(), NAME))?;
        let beneath = self.strategy == Strategy::Kernel && kernel_resolves(&fd);
        Ok(Some(
            self.handle
                .get_or_init(|| Arc::new(Handle { fd, real, beneath })),
        ))
    }

    /// The handle, creating the root first if it does not exist yet (the first write does).
    pub(super) fn handle_or_create(&self) -> Result<&Arc<Handle>> {
        if let Some(handle) = self.handle()? {
            return Ok(handle);
        }
        std::fs::create_dir_all(&self.path)
            .map_err(|e| Error::from_io(e, &StorePath::root(), NAME))?;
        match self.handle()? {
            Some(handle) => Ok(handle),
            None => Err(Error::not_found("").with_backend(NAME)),
        }
    }
}

/// Whether `openat2` with `RESOLVE_BENEATH` works here: a probe on the root itself.
#[cfg(target_os = "linux")]
fn kernel_resolves(root: &OwnedFd) -> bool {
    let how = sys::ResolveFlags::BENEATH | sys::ResolveFlags::NO_MAGICLINKS;
    sys::openat2(
        root,
        c".",
        OFlags::PATH | OFlags::CLOEXEC,
        Mode::empty(),
        how,
    )
    .is_ok()
}

#[cfg(not(target_os = "linux"))]
fn kernel_resolves(_root: &OwnedFd) -> bool {
    false
}

/// A folder handle: the root's own, or one opened below it.
pub(super) enum DirFd {
    Root(Arc<Handle>),
    Below(OwnedFd),
}

impl AsFd for DirFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            DirFd::Root(handle) => handle.fd.as_fd(),
            DirFd::Below(fd) => fd.as_fd(),
        }
    }
}

/// Where a key leads once every symlink on the way has been followed inside the root: the
/// folder that holds its last entry, and that entry's name there (`None` when the key leads to
/// the root itself).
pub(super) struct Place {
    pub(super) dir: DirFd,
    pub(super) name: Option<CString>,
}

impl Place {
    /// The entry's name, or `.` for the root itself.
    pub(super) fn name(&self) -> &CStr {
        self.name.as_deref().unwrap_or(c".")
    }
}

/// What a key names, as the walk finds it.
pub(super) enum Walked {
    /// An entry (not a symlink, unless the last one was not to be followed) and its status.
    Found(Place, Stat),
    /// No entry, but its folder exists: where it would be created.
    Missing(Place),
    /// An ancestor is missing.
    MissingParent,
    /// An ancestor is a file.
    BelowFile,
}

/// The folders a write created: removed again, deepest first, when it is dropped, unless the
/// write landed and [`keep`](Created::keep) said so. A folder someone filled meanwhile stays.
#[derive(Default)]
pub(super) struct Created(Vec<(OwnedFd, CString)>);

impl Created {
    /// Keeps the created folders: the write they were made for landed.
    pub(super) fn keep(&mut self) {
        self.0.clear();
    }
}

impl Drop for Created {
    fn drop(&mut self) {
        for (parent, name) in self.0.drain(..).rev() {
            let _ = sys::unlinkat(&parent, &name, AtFlags::REMOVEDIR);
        }
    }
}

impl Handle {
    /// Whether the kernel's strategy is in use.
    pub(super) fn beneath(&self) -> bool {
        self.beneath
    }

    /// The root's own handle.
    pub(super) fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// `openat2(root, key, flags, RESOLVE_BENEATH)`; `None` when the walk must decide.
    pub(super) fn open_beneath(
        &self,
        key: &StorePath,
        flags: OFlags,
        mode: Mode,
    ) -> Option<io::Result<OwnedFd>> {
        if !self.beneath || key.is_root() || too_long(key) {
            return None;
        }
        #[cfg(target_os = "linux")]
        {
            let how = sys::ResolveFlags::BENEATH | sys::ResolveFlags::NO_MAGICLINKS;
            match sys::openat2(&self.fd, key.as_str(), flags | OFlags::CLOEXEC, mode, how) {
                Ok(fd) => Some(Ok(fd)),
                // Missing, a file in the way, a symlink it will not cross, a loop: the walk
                // tells them apart, and follows absolute links that lead back inside.
                // EAGAIN: a `..` lookup raced a rename somewhere on the system.
                Err(
                    Errno::NOENT
                    | Errno::NOTDIR
                    | Errno::XDEV
                    | Errno::LOOP
                    | Errno::EXIST
                    | Errno::AGAIN,
                ) => None,
                Err(e) => Some(Err(e.into())),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (flags, mode);
            None
        }
    }

    /// Walks `key` from the root one handle at a time. Every symlink is read and followed by
    /// hand while it stays inside (the last one only with `follow_last`); one that leaves is
    /// `InvalidPath("escapes root")`, a dangling or looping one `InvalidPath` too. With
    /// `created`, missing folders on the way are made (and recorded there).
    pub(super) fn walk(
        self: &Arc<Self>,
        key: &StorePath,
        follow_last: bool,
        mut created: Option<&mut Created>,
    ) -> Result<Walked> {
        let fail = |e: Errno| Error::from_io(e.into(), key, NAME);
        if too_long(key) {
            return Err(fail(Errno::NAMETOOLONG));
        }
        let mut stack: Vec<OwnedFd> = Vec::new();
        // Each segment still to resolve, and whether a symlink's target supplied it.
        let mut todo: VecDeque<(Vec<u8>, bool)> = key
            .segments()
            .map(|s| (s.as_bytes().to_vec(), false))
            .collect();
        let mut links = 0;
        while let Some((segment, from_link)) = todo.pop_front() {
            let last = todo.is_empty();
            match segment.as_slice() {
                b"" | b"." => continue,
                b".." => {
                    if stack.pop().is_none() {
                        return Err(escapes(key));
                    }
                    continue;
                }
                _ => {}
            }
            let name = CString::new(segment)
                .map_err(|_| Error::invalid_path(key.as_str(), "null byte"))?;
            let top = stack.last().map_or(self.fd.as_fd(), |fd| fd.as_fd());
            let stat = match sys::statat(top, &name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => stat,
                // Missing where a symlink pointed: the link dangles.
                Err(Errno::NOENT) if from_link => return Err(looping(key)),
                Err(Errno::NOENT) if last => {
                    return Ok(Walked::Missing(self.place(stack, Some(name))))
                }
                Err(Errno::NOENT) => match created.as_deref_mut() {
                    Some(created) => {
                        // Only a folder this call made is recorded, to be undone on failure.
                        let made = match sys::mkdirat(top, &name, Mode::from_raw_mode(0o777)) {
                            Ok(()) => true,
                            Err(Errno::EXIST) => false,
                            Err(e) => return Err(fail(e)),
                        };
                        let dir = open_dir_at(top, &name).map_err(fail)?;
                        if made {
                            let flags = OFlags::PATH | OFlags::CLOEXEC;
                            let parent =
                                sys::openat(top, c".", flags, Mode::empty()).map_err(fail)?;
                            created.0.push((parent, name));
                        }
                        stack.push(dir);
                        continue;
                    }
                    None => return Ok(Walked::MissingParent),
                },
                Err(Errno::NOTDIR) => return Ok(Walked::BelowFile),
                Err(e) => return Err(fail(e)),
            };
            let kind = FileType::from_raw_mode(stat.st_mode);
            if kind == FileType::Symlink && (!last || follow_last) {
                links += 1;
                if links > MAX_LINKS {
                    return Err(looping(key));
                }
                let target = sys::readlinkat(top, &name, Vec::new()).map_err(fail)?;
                let target = Path::new(OsStr::from_bytes(target.as_bytes()));
                let rest = if target.is_absolute() {
                    // Absolute links lead back inside only through the root's real path.
                    let Ok(rest) = target.strip_prefix(&self.real) else {
                        return Err(escapes(key));
                    };
                    stack.clear();
                    rest
                } else {
                    target
                };
                for part in rest.iter().rev() {
                    todo.push_front((part.as_bytes().to_vec(), true));
                }
                continue;
            }
            if last {
                return Ok(Walked::Found(self.place(stack, Some(name)), stat));
            }
            if kind != FileType::Directory {
                return Ok(Walked::BelowFile);
            }
            // Opened without following: a folder swapped for a link meanwhile fails here.
            stack.push(open_dir_at(top, &name).map_err(fail)?);
        }
        // The key led to the root itself, or to a folder through `..`.
        let place = self.place(stack, None);
        let stat = sys::fstat(&place.dir).map_err(fail)?;
        Ok(Walked::Found(place, stat))
    }

    fn place(self: &Arc<Self>, mut stack: Vec<OwnedFd>, name: Option<CString>) -> Place {
        let dir = match stack.pop() {
            Some(fd) => DirFd::Below(fd),
            None => DirFd::Root(Arc::clone(self)),
        };
        Place { dir, name }
    }

    /// The folder that holds `key`'s last entry, and the entry's status there (`None` when
    /// missing), without following that entry. `created` as for [`walk`](Self::walk);
    /// `MissingParent` and `BelowFile` come back as `Err` of the walk's verdict.
    pub(super) fn parent(
        self: &Arc<Self>,
        key: &StorePath,
        created: Option<&mut Created>,
    ) -> Result<std::result::Result<(Place, Option<Stat>), Walked>> {
        if let (Some(parent), Some(name)) = (key.parent(), CString::new(key.name()).ok()) {
            let dir = if parent.is_root() {
                Some(Ok(DirFd::Root(Arc::clone(self))))
            } else {
                self.open_beneath(&parent, OFlags::PATH | OFlags::DIRECTORY, Mode::empty())
                    .map(|fd| fd.map(DirFd::Below))
            };
            if let Some(Ok(dir)) = dir {
                return match sys::statat(&dir, &name, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => Ok(Ok((
                        Place {
                            dir,
                            name: Some(name),
                        },
                        Some(stat),
                    ))),
                    Err(Errno::NOENT) => Ok(Ok((
                        Place {
                            dir,
                            name: Some(name),
                        },
                        None,
                    ))),
                    Err(e) => Err(Error::from_io(e.into(), key, NAME)),
                };
            }
            if let Some(Err(e)) = dir {
                return Err(Error::from_io(e, key, NAME));
            }
        }
        Ok(match self.walk(key, false, created)? {
            Walked::Found(place, stat) => Ok((place, Some(stat))),
            Walked::Missing(place) => Ok((place, None)),
            other => Err(other),
        })
    }
}

/// Whether `key` is longer than a path the system takes (`PATH_MAX`, with its NUL): refused
/// alike by both strategies, so the walk never makes what the kernel could not reach.
fn too_long(key: &StorePath) -> bool {
    key.as_str().len() >= 4096
}

/// Opens the folder `name` of `dir` as a handle, never following a symlink.
fn open_dir_at(dir: BorrowedFd<'_>, name: &CStr) -> rustix::io::Result<OwnedFd> {
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    sys::openat(dir, name, flags, Mode::empty())
}

/// `InvalidPath("escapes root")` for `key`.
pub(super) fn escapes(key: &StorePath) -> Error {
    Error::escapes_root(key.as_str()).with_backend(NAME)
}

/// `InvalidPath` for a key through a dangling or looping symlink.
pub(super) fn looping(key: &StorePath) -> Error {
    Error::invalid_path(key.as_str(), LOOPING).with_backend(NAME)
}

/// The message of a key refused for a dangling or looping symlink on the way.
pub(super) const LOOPING: &str = "dangling or looping symlink";
