//! What a key names: the one lookup every existence check, stat and transfer starts from.

use rustix::fs::{self as sys, AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::root::{self, Place, Walked};
use super::{kind, LocalBackend, NAME};
use crate::error::{Error, Result};
use crate::path::StorePath;

/// What a key names once in-root symlinks are followed.
pub(super) enum Leaf {
    File(Stat),
    Folder,
    Missing,
}

impl LocalBackend {
    /// What `key` names, following in-root links: one `statx` for a key directly in the root,
    /// an `openat2(O_PATH)` and an `fstat` below it, the walk where those decline.
    pub(super) fn leaf(&self, key: &StorePath) -> Result<Leaf> {
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

    /// The folder `key`'s entry sits in, its name, and what it names (following a last
    /// symlink, which must lead inside); `None` when missing.
    pub(super) fn entry(&self, key: &StorePath) -> Result<Option<(Place, Stat, FileType)>> {
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
}
