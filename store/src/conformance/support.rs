//! Small helpers the conformance items share.

use std::fmt::Debug;
use std::io;

use bytes::Bytes;

use super::World;
use crate::{Capability, Error, ErrorKind, Result, WriteOptions};

/// Write options without overwrite.
pub fn create() -> WriteOptions {
    WriteOptions::new()
}

/// Write options with overwrite.
pub fn replace() -> WriteOptions {
    WriteOptions::new().overwrite(true)
}

/// Writes each `(path, content)` pair, panicking on failure.
pub async fn seed(world: &dyn World, files: &[(&str, &str)]) {
    for (path, content) in files {
        world
            .write(path, Bytes::from(content.to_string()), &replace())
            .await
            .unwrap_or_else(|e| panic!("seeding {path:?} failed: {e}"));
    }
}

/// The error of `result`, which must be an `Err` of `kind`; also checks the error's shape
/// (a non-empty message and the backend's name, C-4.2).
#[track_caller]
pub fn expect_kind<T: Debug>(world: &dyn World, result: Result<T>, kind: ErrorKind) -> Error {
    match result {
        Ok(value) => panic!("expected {kind:?}, got Ok({value:?})"),
        Err(err) => {
            assert_eq!(err.kind(), kind, "wrong kind: {err}");
            assert!(!err.message().is_empty(), "empty message: {err:?}");
            assert_eq!(
                err.backend(),
                Some(world.name()),
                "backend missing: {err:?}"
            );
            err
        }
    }
}

/// `Unsupported(cap)` for `result`, when the backend lacks `cap`.
#[track_caller]
pub fn expect_unsupported<T: Debug>(world: &dyn World, result: Result<T>, cap: Capability) {
    expect_kind(world, result, ErrorKind::Unsupported(cap));
}

/// `n` bytes of a repeating, position-dependent pattern.
pub fn pattern_bytes(n: usize) -> Bytes {
    (0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>().into()
}

/// `total` bytes in chunks of `chunk`, then an error: a content source that fails midway.
pub fn failing_chunks(total: usize, chunk: usize) -> Vec<io::Result<Bytes>> {
    let mut out: Vec<io::Result<Bytes>> = pattern_bytes(total)
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    out.push(Err(io::Error::other("content source failed on purpose")));
    out
}

/// The sorted paths of a listing's items, panicking on any error.
pub fn paths<T, F: Fn(&T) -> String>(listing: Result<Vec<Result<T>>>, path: F) -> Vec<String> {
    let mut out: Vec<String> = listing
        .expect("listing failed")
        .into_iter()
        .map(|item| path(&item.expect("listing item failed")))
        .collect();
    out.sort();
    out
}
