//! Removing folders: each through its own handle, never following a symlink.

use std::ffi::CString;
use std::os::fd::{AsFd, OwnedFd};

use rustix::fs::{self as sys, AtFlags, Dir, FileType};
use rustix::io::Errno;

use super::walk::open_listing;
use crate::temp_names::is_temp_name;

/// The entries of the folder open at `fd` (`.` and `..` left out), each with its type, stated
/// without following where the directory entry does not say.
pub(super) fn entries(fd: &OwnedFd) -> rustix::io::Result<Vec<(CString, FileType)>> {
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
pub(super) fn remove_tree(parent: &impl AsFd, name: &std::ffi::CStr) -> rustix::io::Result<()> {
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
pub(super) fn remove_if_only_temps(
    parent: &impl AsFd,
    name: &std::ffi::CStr,
) -> rustix::io::Result<()> {
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
