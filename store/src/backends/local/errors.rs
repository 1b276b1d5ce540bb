//! The local backend's errors, each naming the key and the backend.

use super::NAME;
use crate::error::Error;
use crate::path::StorePath;

pub(super) fn not_found(key: &StorePath) -> Error {
    Error::not_found(key.as_str()).with_backend(NAME)
}

pub(super) fn is_folder(key: &StorePath) -> Error {
    Error::is_a_folder(key.as_str()).with_backend(NAME)
}

pub(super) fn folder_in_the_way(key: &StorePath) -> Error {
    Error::folder_in_the_way(key.as_str()).with_backend(NAME)
}

pub(super) fn file_in_the_way(key: &StorePath) -> Error {
    Error::file_in_the_way(key.as_str()).with_backend(NAME)
}

/// `InvalidPath` for a FIFO, socket or device: never opened in a way that could block.
pub(super) fn special(key: &StorePath) -> Error {
    Error::invalid_path(
        key.as_str(),
        "not a regular file (a FIFO, socket or device)",
    )
    .with_backend(NAME)
}
