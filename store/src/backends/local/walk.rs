//! A lazy, pruned directory walk for listings: it descends only as deep as asked, reports a
//! failing directory as an error item, and leaves out what a key cannot name — each such
//! entry with a `tracing` warning that names it and says why, never in silence.

use std::fs::{self, Metadata, ReadDir};
use std::path::PathBuf;
use std::sync::Arc;

use crate::entry::{FileInfo, FolderEntry};
use crate::error::{Error, Result};
use crate::path::StorePath;

use super::{atomic::is_temp_name, confine::follow, NAME};

/// One listed node.
pub(super) enum Node {
    File(FileInfo),
    Folder(FolderEntry),
}

/// Walks below a folder, depth-first, yielding files and folders.
pub(super) struct Walk {
    root: Arc<PathBuf>,
    /// Open directories: the handle, its key, its real path and its depth (0 = the listed
    /// folder). Real paths let a symlink back to an ancestor be recognised as a loop.
    stack: Vec<(ReadDir, StorePath, PathBuf, usize)>,
    /// Directories at depth ≤ this are descended into; `None` means no limit.
    max_depth: Option<usize>,
    failed: bool,
}

impl Walk {
    /// A walk of `folder` (resolved at `dir`); `max_depth` 0 lists direct children only.
    pub(super) fn new(
        root: Arc<PathBuf>,
        dir: PathBuf,
        folder: StorePath,
        max_depth: Option<usize>,
    ) -> Result<Walk> {
        let read = fs::read_dir(&dir).map_err(|e| Error::from_io(e, &folder, NAME))?;
        let real = fs::canonicalize(&dir).map_err(|e| Error::from_io(e, &folder, NAME))?;
        Ok(Walk {
            root,
            stack: vec![(read, folder, real, 0)],
            max_depth,
            failed: false,
        })
    }

    /// An empty walk, for a listing of something that is not a folder.
    pub(super) fn empty(root: Arc<PathBuf>) -> Walk {
        Walk {
            root,
            stack: Vec::new(),
            max_depth: Some(0),
            failed: false,
        }
    }

    /// The real path and metadata of an entry of the directory at `parent_real`, following
    /// an in-root symlink; `Err(reason)` to leave it out.
    fn metadata(
        &self,
        entry: &fs::DirEntry,
        parent_real: &std::path::Path,
    ) -> std::io::Result<std::result::Result<(PathBuf, Metadata), &'static str>> {
        let file_type = entry.file_type()?;
        if file_type.is_symlink() {
            return match follow(&self.root, &entry.path()) {
                Ok(Some((real, meta))) if meta.is_dir() && parent_real.starts_with(&real) => {
                    Ok(Err("a symlink back to a folder above it (a loop)"))
                }
                Ok(Some(found)) => Ok(Ok(found)),
                Ok(None) => Ok(Err("a dangling or looping symlink")),
                Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                    Ok(Err("a symlink that leads outside the root"))
                }
                Err(e) => Err(e),
            };
        }
        entry
            .metadata()
            .map(|meta| Ok((parent_real.join(entry.file_name()), meta)))
    }
}

impl Iterator for Walk {
    type Item = Result<Node>;

    fn next(&mut self) -> Option<Result<Node>> {
        if self.failed {
            return None;
        }
        loop {
            let (dir, key, real, depth) = self.stack.last_mut()?;
            let (key, parent_real, depth) = (key.clone(), real.clone(), *depth);
            let entry = match dir.next() {
                None => {
                    self.stack.pop();
                    continue;
                }
                Some(Err(e)) => {
                    self.failed = true;
                    return Some(Err(Error::from_io(e, &key, NAME)));
                }
                Some(Ok(entry)) => entry,
            };
            // Names that are not UTF-8, or that a key would spell differently, are left out
            // rather than converted (C-3.5), and say so; in-flight atomic-write temps are ours
            // and left out quietly.
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                left_out(
                    &key,
                    &entry.file_name().to_string_lossy(),
                    "its name is not UTF-8",
                );
                continue;
            };
            if is_temp_name(&name) {
                continue;
            }
            if name.contains('\\') {
                left_out(
                    &key,
                    &name,
                    "its name holds a backslash, which no key can spell",
                );
                continue;
            }
            let child = key.join_path(&StorePath::from_normalised(name));
            let (real, meta) = match self.metadata(&entry, &parent_real) {
                Ok(Ok(found)) => found,
                Ok(Err(why)) => {
                    left_out(&key, child.name(), why);
                    continue;
                }
                // Removed between the directory read and the stat: no longer there to list.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(Error::from_io(e, &child, NAME)));
                }
            };
            if meta.is_dir() {
                if self.max_depth.is_none_or(|max| depth < max) {
                    match fs::read_dir(entry.path()) {
                        Ok(read) => self.stack.push((read, child.clone(), real, depth + 1)),
                        Err(e) => {
                            self.failed = true;
                            return Some(Err(Error::from_io(e, &child, NAME)));
                        }
                    }
                }
                return Some(Ok(Node::Folder(FolderEntry::new(child))));
            }
            return Some(Ok(Node::File(FileInfo::new(
                child,
                meta.len(),
                meta.modified().ok(),
            ))));
        }
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
