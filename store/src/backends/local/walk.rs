//! A lazy, pruned walk for listings, every folder read through its own handle and every entry
//! stated relative to it: it descends only as deep as asked, reports a failing folder as an
//! error item, and leaves out what a key cannot name or reach — each such entry with a
//! `tracing` warning that names it and says why, never in silence.

use std::ffi::CStr;
use std::os::fd::OwnedFd;
use std::sync::Arc;

use rustix::fs::{self as sys, AtFlags, Dir, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::etag::info_of;
use super::root::{Handle, Walked, LOOPING};
use super::{kind, LocalBackend, NAME};
use crate::content::ListIter;
use crate::entry::{FileInfo, FolderEntry};
use crate::error::ESCAPES_ROOT;
use crate::error::{Error, Result};
use crate::options::ListOptions;
use crate::path::StorePath;
use crate::temp_names::is_temp_name;

/// One listed node.
pub(super) enum Node {
    File(FileInfo),
    Folder(FolderEntry),
}

/// One open folder of the walk.
struct Level {
    dir: Dir,
    key: StorePath,
    /// 0 for the listed folder.
    depth: usize,
    /// Device and inode, so a symlink back to a folder above is recognised as a loop.
    id: (u64, u64),
}

/// Walks below a folder, depth-first, yielding files and folders.
pub(super) struct Walk {
    handle: Option<Arc<Handle>>,
    stack: Vec<Level>,
    /// Folders at depth ≤ this are descended into; `None` means no limit.
    max_depth: Option<usize>,
    failed: bool,
    /// See [`Walk::above`].
    above: Option<Vec<(u64, u64)>>,
}

/// Opens a folder for reading its entries, never following a symlink.
pub(super) fn open_listing(
    dir: impl std::os::fd::AsFd,
    name: &CStr,
) -> rustix::io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    sys::openat(dir, name, flags, Mode::empty())
}

impl Walk {
    /// A walk of `folder`, open at `dir`; `max_depth` 0 lists direct children only.
    pub(super) fn new(
        handle: Arc<Handle>,
        dir: OwnedFd,
        folder: StorePath,
        max_depth: Option<usize>,
    ) -> Result<Walk> {
        let level =
            level(dir, folder.clone(), 0).map_err(|e| Error::from_io(e.into(), &folder, NAME))?;
        Ok(Walk {
            handle: Some(handle),
            stack: vec![level],
            max_depth,
            failed: false,
            above: None,
        })
    }

    /// An empty walk, for a listing of something that is not a folder.
    pub(super) fn empty() -> Walk {
        Walk {
            handle: None,
            stack: Vec::new(),
            max_depth: Some(0),
            failed: false,
            above: None,
        }
    }

    fn descends(&self, depth: usize) -> bool {
        self.max_depth.is_none_or(|max| depth < max)
    }

    fn fail(&mut self, err: Error) -> Option<Result<Node>> {
        self.failed = true;
        Some(Err(err))
    }
}

fn level(dir: OwnedFd, key: StorePath, depth: usize) -> rustix::io::Result<Level> {
    let stat = sys::fstat(&dir)?;
    Ok(Level {
        dir: Dir::new(dir)?,
        key,
        depth,
        id: id(&stat),
    })
}

impl Iterator for Walk {
    type Item = Result<Node>;

    fn next(&mut self) -> Option<Result<Node>> {
        if self.failed {
            return None;
        }
        let max_depth = self.max_depth;
        loop {
            let level = self.stack.last_mut()?;
            let entry = match level.dir.next() {
                None => {
                    self.stack.pop();
                    continue;
                }
                Some(Err(e)) => {
                    let err = Error::from_io(e.into(), &level.key, NAME);
                    return self.fail(err);
                }
                Some(Ok(entry)) => entry,
            };
            let (key, depth) = (&level.key, level.depth);
            let raw = entry.file_name();
            if raw == c"." || raw == c".." {
                continue;
            }
            // Names that are not UTF-8, or that a key would spell differently, are left out
            // rather than converted (C-3.5), and say so; our own temps quietly.
            let Ok(name) = raw.to_str() else {
                left_out(key, &raw.to_string_lossy(), "its name is not UTF-8");
                continue;
            };
            let mut kind = entry.file_type();
            if is_temp_name(name) {
                // Ours, a write in flight, quietly; anything else so named, with a warning.
                if kind != FileType::RegularFile {
                    left_out(
                        key,
                        name,
                        "its name starts with `.~tmp.`, reserved for temps",
                    );
                }
                continue;
            }
            if name.contains('\\') {
                left_out(
                    key,
                    name,
                    "its name holds a backslash, which no key can spell",
                );
                continue;
            }
            // One allocation for the key, the name joined onto the folder's.
            let child = StorePath::from_normalised(if key.is_root() {
                name.to_owned()
            } else {
                let mut joined = String::with_capacity(key.as_str().len() + 1 + name.len());
                joined.push_str(key.as_str());
                joined.push('/');
                joined.push_str(name);
                joined
            });
            let dir = match level.dir.fd() {
                Ok(fd) => fd,
                Err(e) => {
                    let err = Error::from_io(e.into(), key, NAME);
                    return self.fail(err);
                }
            };
            if kind == FileType::Unknown {
                match sys::statat(dir, raw, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => kind = FileType::from_raw_mode(stat.st_mode),
                    Err(Errno::NOENT) => continue,
                    Err(e) => return self.fail(Error::from_io(e.into(), &child, NAME)),
                }
            }
            match kind {
                FileType::Directory => {
                    if max_depth.is_none_or(|max| depth < max) {
                        match open_listing(dir, raw) {
                            Ok(fd) => match level_of(fd, &child, depth + 1) {
                                Ok(next) => self.stack.push(next),
                                Err(e) => return self.fail(e),
                            },
                            // Removed, or swapped for a link, since the folder was read.
                            Err(Errno::NOENT | Errno::LOOP | Errno::NOTDIR) => continue,
                            Err(e) => return self.fail(Error::from_io(e.into(), &child, NAME)),
                        }
                    }
                    return Some(Ok(Node::Folder(FolderEntry::new(child))));
                }
                FileType::Symlink => match self.follow(&child, depth) {
                    Some(node) => return Some(node),
                    None => continue,
                },
                _ => match sys::statat(dir, raw, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(stat) => return Some(Ok(Node::File(info_of(child, &stat)))),
                    Err(Errno::NOENT) => continue,
                    Err(e) => return self.fail(Error::from_io(e.into(), &child, NAME)),
                },
            }
        }
    }
}

/// Device and inode; their types differ between platforms, hence the casts.
#[allow(clippy::unnecessary_cast)]
fn id(stat: &rustix::fs::Stat) -> (u64, u64) {
    (stat.st_dev as u64, stat.st_ino as u64)
}

fn level_of(fd: OwnedFd, key: &StorePath, depth: usize) -> Result<Level> {
    level(fd, key.clone(), depth).map_err(|e| Error::from_io(e.into(), key, NAME))
}

impl Walk {
    /// The device and inode of the root and of every folder between it and the listed one,
    /// found the first time a symlink to a folder needs them, so a link back to any folder
    /// above the listing is recognised as a loop too.
    fn above(&mut self) -> &[(u64, u64)] {
        if self.above.is_none() {
            let mut ids = Vec::new();
            if let (Some(handle), Some(first)) = (&self.handle, self.stack.first()) {
                let mut folder = first.key.parent();
                while let Some(key) = folder {
                    if let Ok(Walked::Found(_, stat)) = handle.walk(&key, true, None) {
                        ids.push(id(&stat));
                    }
                    folder = key.parent();
                }
            }
            self.above = Some(ids);
        }
        self.above.as_deref().unwrap_or_default()
    }

    /// The node a symlink entry stands for, following it inside the root; `None` to leave it
    /// out, with a warning.
    fn follow(&mut self, child: &StorePath, depth: usize) -> Option<Result<Node>> {
        let handle = Arc::clone(self.handle.as_ref()?);
        let parent = child.parent().unwrap_or_else(StorePath::root);
        let (place, stat) = match handle.walk(child, true, None) {
            Ok(Walked::Found(place, stat)) => (place, stat),
            Ok(_) => {
                left_out(&parent, child.name(), "a dangling or looping symlink");
                return None;
            }
            Err(e) if e.message() == ESCAPES_ROOT => {
                left_out(
                    &parent,
                    child.name(),
                    "a symlink that leads outside the root",
                );
                return None;
            }
            Err(e) if e.message() == LOOPING => {
                left_out(&parent, child.name(), "a dangling or looping symlink");
                return None;
            }
            // Anything else (a refusal, no descriptors left) is the listing's error.
            Err(e) => return self.fail(e),
        };
        if FileType::from_raw_mode(stat.st_mode) != FileType::Directory {
            return Some(Ok(Node::File(info_of(child.clone(), &stat))));
        }
        let id = id(&stat);
        if self.stack.iter().any(|level| level.id == id) || self.above().contains(&id) {
            left_out(
                &parent,
                child.name(),
                "a symlink back to a folder above it (a loop)",
            );
            return None;
        }
        if self.descends(depth) {
            match open_listing(&place.dir, place.name()) {
                Ok(fd) => match level_of(fd, child, depth + 1) {
                    Ok(next) => self.stack.push(next),
                    Err(e) => return self.fail(e),
                },
                Err(Errno::NOENT | Errno::LOOP | Errno::NOTDIR) => return None,
                Err(e) => return self.fail(Error::from_io(e.into(), child, NAME)),
            }
        }
        Some(Ok(Node::Folder(FolderEntry::new(child.clone()))))
    }
}

/// Says that the entry `name` of the folder `folder` is left out of a listing, and why. The
/// folder is a key, never an on-disk path.
fn left_out(folder: &StorePath, name: &str, why: &str) {
    tracing::warn!(
        backend = NAME,
        folder = folder.as_str(),
        entry = name,
        "listing leaves out an entry: {why}"
    );
}

impl LocalBackend {
    /// The walk of `folder` down to `max_depth`; a missing folder walks as empty.
    pub(super) fn walk(&self, folder: &StorePath, max_depth: Option<usize>) -> Result<Walk> {
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
}

pub(super) fn files_only(walk: Walk) -> ListIter<FileInfo> {
    Box::new(walk.filter_map(|node| match node {
        Ok(Node::File(f)) => Some(Ok(f)),
        Ok(Node::Folder(_)) => None,
        Err(e) => Some(Err(e)),
    }))
}

pub(super) fn folders_only(walk: Walk) -> ListIter<FolderEntry> {
    Box::new(walk.filter_map(|node| match node {
        Ok(Node::Folder(f)) => Some(Ok(f)),
        Ok(Node::File(_)) => None,
        Err(e) => Some(Err(e)),
    }))
}

/// How deep a listing walks: `None` for everything below, `Some(0)` for direct children.
pub(super) fn walk_depth(options: &ListOptions) -> Option<usize> {
    match options.max_depth {
        Some(depth) => Some(depth),
        None if options.recursive => None,
        None => Some(0),
    }
}
