//! The operations derived from others, in both worlds: what a backend gets for a method it does
//! not write itself (the trait's default bodies, and the bodies `#[store::backend]` fills in).
//!
//! One naming rule: a derived operation has the name of the method it implements, and the
//! world is the module — `blocking::read_bytes` and `asynchronous::read_bytes`. What both
//! worlds share, the verdicts below, is written once here.

use std::collections::BTreeMap;

use bytes::Bytes;

use crate::capability::{Capabilities, Capability};
use crate::entry::FileInfo;
use crate::error::{Error, ErrorKind, Result};
use crate::path::StorePath;
use crate::resolution::ResolutionPlan;

pub mod asynchronous;
pub mod blocking;

/// The default `resolve`: kind and backend are the backend's name.
pub fn resolution(name: &str, key: &StorePath, native_path: String) -> ResolutionPlan {
    ResolutionPlan {
        kind: name.to_owned(),
        backend: name.to_owned(),
        key: key.as_str().to_owned(),
        native_path,
        details: BTreeMap::new(),
    }
}

/// How many times a read that must describe one version of a file looks again when a writer
/// came between its looks (`read_with_info`, and `AsObjectStore::get`).
pub(crate) const CONSISTENT_READS: u32 = 16;

/// Whether two looks at a file saw the same version: etag, size and modification time.
pub(crate) fn same_facts(before: &FileInfo, after: &FileInfo) -> bool {
    (before.etag.as_ref(), before.size, before.modified_at)
        == (after.etag.as_ref(), after.size, after.modified_at)
}

/// Whether `bytes`, read between the looks `before` and `after`, are the version both describe.
pub(crate) fn same_version(before: &FileInfo, bytes: &Bytes, after: &FileInfo) -> bool {
    bytes.len() as u64 == before.size && same_facts(before, after)
}

/// The error of a read whose file kept changing under it: retryable.
pub(crate) fn kept_changing(backend: &'static str, path: &StorePath) -> Error {
    Error::new(
        ErrorKind::Other,
        "the file kept changing while it was read; try again",
    )
    .with_path(path.as_str())
    .with_backend(backend)
    .with_retryable(true)
}

/// Strict UTF-8 decoding for `read_text`; invalid data is `InvalidData`.
pub(crate) fn decode_text(bytes: Bytes, path: &str, backend: &'static str) -> Result<String> {
    String::from_utf8(bytes.into()).map_err(|e| {
        Error::new(ErrorKind::InvalidData, "file is not valid UTF-8")
            .with_path(path)
            .with_backend(backend)
            .with_source(e)
    })
}

/// The one folder check of an aggregate over `path`: the root always passes; otherwise a file
/// is `InvalidPath("not a folder")` and an absence `NotFound` ([C-2.5](crate::contract#C-2.5)).
fn folder_verdict(is_folder: bool, is_file: bool, path: &str, backend: &'static str) -> Result<()> {
    match (is_folder, is_file) {
        (true, _) => Ok(()),
        (false, true) => Err(Error::not_a_folder(path).with_backend(backend)),
        (false, false) => Err(Error::not_found(path).with_backend(backend)),
    }
}

/// `is_file` from a `get_file_info` answer: absent, or a folder, is `false`.
fn file_verdict(info: Result<FileInfo>) -> Result<bool> {
    match info {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::InvalidPath) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `Unsupported(cap)` from a backend's name and capabilities.
fn unsupported(name: &'static str, capabilities: Capabilities, cap: Capability) -> Error {
    Error::unsupported(cap, capabilities).with_backend(name)
}
