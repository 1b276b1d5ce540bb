//! Resolving a key to a path inside the root, following symlinks only where they stay inside
//! (C-3.5). One `lstat` per key segment; the last one doubles as the leaf's metadata.

use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::path::StorePath;

use super::NAME;

/// What a key names on disk.
pub(super) enum Leaf {
    /// A regular file (or a symlink to one inside the root).
    File(Metadata),
    /// A folder (or a symlink to one inside the root).
    Folder,
    /// Nothing; `below_file` when an ancestor is a file.
    Missing { below_file: bool },
}

/// A key resolved below the root.
pub(super) struct Resolved {
    pub(super) path: PathBuf,
    pub(super) leaf: Leaf,
}

/// `InvalidPath("escapes root")` for `key`.
pub(super) fn escapes(key: &StorePath) -> Error {
    Error::invalid_path(key.as_str(), "escapes root").with_backend(NAME)
}

/// Follows the symlink at `link` if it resolves inside `root`; `None` for a dangling link or
/// a loop, `InvalidPath` for a target outside.
pub(super) fn follow(root: &Path, link: &Path) -> io::Result<Option<(PathBuf, Metadata)>> {
    match fs::canonicalize(link) {
        Ok(real) if real.starts_with(root) => fs::metadata(&real).map(|m| Some((real, m))),
        Ok(_) => Err(io::Error::new(io::ErrorKind::InvalidInput, "escapes root")),
        Err(e)
            if e.kind() == io::ErrorKind::NotFound
                || e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Walks `key` below the canonical `root`, refusing any symlink that leads outside.
pub(super) fn confine(root: &Path, key: &StorePath) -> Result<Resolved> {
    let mut path = root.to_path_buf();
    let segments: Vec<&str> = key.segments().collect();
    let last = segments.len().saturating_sub(1);
    let mut leaf = Leaf::Folder;
    for (i, segment) in segments.iter().enumerate() {
        path.push(segment);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => match follow(root, &path) {
                Ok(Some((_, meta))) => meta,
                Ok(None) => {
                    return Err(
                        Error::invalid_path(key.as_str(), "dangling or looping symlink")
                            .with_backend(NAME),
                    )
                }
                Err(e) if e.kind() == io::ErrorKind::InvalidInput => return Err(escapes(key)),
                Err(e) => return Err(Error::from_io(e, key, NAME)),
            },
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Resolved {
                    path: root.join(key.as_str()),
                    leaf: Leaf::Missing { below_file: false },
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
                return Ok(Resolved {
                    path: root.join(key.as_str()),
                    leaf: Leaf::Missing { below_file: true },
                })
            }
            Err(e) => return Err(Error::from_io(e, key, NAME)),
        };
        if i < last && !meta.is_dir() {
            return Ok(Resolved {
                path: root.join(key.as_str()),
                leaf: Leaf::Missing { below_file: true },
            });
        }
        leaf = if meta.is_dir() {
            Leaf::Folder
        } else {
            Leaf::File(meta)
        };
    }
    Ok(Resolved { path, leaf })
}
