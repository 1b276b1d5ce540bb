//! The contract's error vocabulary: one constructor for each situation the contract names,
//! so every backend words it the same way and each message is spelled once.

use std::borrow::Cow;

use super::{Error, ErrorKind};
use crate::capability::{Capabilities, Capability};

/// The message of [`Error::escapes_root`], for a listing that tells such a key from others.
pub(crate) const ESCAPES_ROOT: &str = "escapes root";

impl Error {
    /// `NotFound` for `path`.
    pub fn not_found(path: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotFound, "not found").with_path(path)
    }

    /// `AlreadyExists` for `path`.
    pub fn already_exists(path: impl Into<String>) -> Self {
        Error::new(ErrorKind::AlreadyExists, "already exists").with_path(path)
    }

    /// `PreconditionFailed` for `path`: its etag is no longer the one the write was made for.
    pub fn precondition_failed(path: impl Into<String>) -> Self {
        Error::new(
            ErrorKind::PreconditionFailed,
            "precondition failed: the file changed since its etag was read",
        )
        .with_path(path)
    }

    /// `InvalidPath` for `path` with a reason.
    pub fn invalid_path(path: impl Into<String>, reason: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorKind::InvalidPath, reason).with_path(path)
    }

    /// `InvalidPath` for a file operation aimed at the root ([C-2.3](crate::contract#C-2.3)).
    pub fn root_is_folder() -> Self {
        Error::invalid_path("", "must not be empty or root for file operations")
    }

    /// `InvalidArgument` with a reason.
    pub fn invalid_argument(reason: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorKind::InvalidArgument, reason)
    }

    /// `Unsupported(cap)`; the message lists what `supported` offers instead.
    pub fn unsupported(cap: Capability, supported: Capabilities) -> Self {
        Error::new(
            ErrorKind::Unsupported(cap),
            format!("operation needs the '{cap}' capability; supported: [{supported}]"),
        )
    }

    /// `BackendUnavailable("<name> is closed")`, never retryable ([C-2.10](crate::contract#C-2.10)).
    pub fn closed(backend: &'static str) -> Self {
        Error::new(
            ErrorKind::BackendUnavailable,
            format!("{backend} is closed"),
        )
        .with_backend(backend)
        .with_retryable(false)
    }

    /// `Other` with a message.
    pub fn other(message: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorKind::Other, message)
    }

    /// `InvalidPath("is a folder")`: a file operation on a key that is a folder
    /// ([C-2.5](crate::contract#C-2.5)).
    pub fn is_a_folder(path: impl Into<String>) -> Self {
        Error::invalid_path(path, "is a folder")
    }

    /// `InvalidPath("not a folder")`: a folder operation on a key that is a file
    /// ([C-2.5](crate::contract#C-2.5)).
    pub fn not_a_folder(path: impl Into<String>) -> Self {
        Error::invalid_path(path, "not a folder")
    }

    /// `InvalidPath("a folder is in the way")`: a write whose target is a folder.
    pub fn folder_in_the_way(path: impl Into<String>) -> Self {
        Error::invalid_path(path, "a folder is in the way")
    }

    /// `InvalidPath("a file is in the way")`: a write whose key has a file where a folder
    /// on the way would be ([C-2.14](crate::contract#C-2.14)).
    pub fn file_in_the_way(path: impl Into<String>) -> Self {
        Error::invalid_path(path, "a file is in the way")
    }

    /// `InvalidPath("source is a folder")`: a copy or rename whose source is a folder.
    pub fn source_is_a_folder(path: impl Into<String>) -> Self {
        Error::invalid_path(path, "source is a folder")
    }

    /// `InvalidPath("escapes root")`: a key that a symlink would lead out of the root
    /// ([C-3.5](crate::contract#C-3.5)).
    pub fn escapes_root(path: impl Into<String>) -> Self {
        Error::invalid_path(path, ESCAPES_ROOT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_is_not_retryable_but_unavailable_is() {
        assert!(!Error::closed("memory").is_retryable());
        assert!(Error::new(ErrorKind::BackendUnavailable, "down").is_retryable());
        assert!(!Error::not_found("a").is_retryable());
    }

    #[test]
    fn the_vocabulary_is_invalid_path_with_its_words() {
        for (err, words) in [
            (Error::is_a_folder("k"), "is a folder"),
            (Error::not_a_folder("k"), "not a folder"),
            (Error::folder_in_the_way("k"), "a folder is in the way"),
            (Error::file_in_the_way("k"), "a file is in the way"),
            (Error::source_is_a_folder("k"), "source is a folder"),
            (Error::escapes_root("k"), "escapes root"),
        ] {
            assert_eq!(
                (err.kind(), err.message(), err.path()),
                (ErrorKind::InvalidPath, words, Some("k"))
            );
        }
    }
}
