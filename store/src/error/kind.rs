//! `ErrorKind`: what went wrong, independent of the backend, and how each kind maps to
//! `std::io::ErrorKind`.

use std::io;

use crate::capability::Capability;

/// What went wrong, independent of the backend ([C-4.1](crate::contract#C-4.1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The path or container is absent; or a read-side path lies below a file.
    NotFound,
    /// The target exists and `overwrite` is false.
    AlreadyExists,
    /// Refused by credentials, ACL or OS permission.
    PermissionDenied,
    /// Malformed or escaping path, root misuse, wrong node type, or a file ancestor.
    InvalidPath,
    /// A bad option value: metadata shape or pattern grammar.
    InvalidArgument,
    /// Content that cannot be decoded, such as invalid UTF-8 in `read_text`.
    InvalidData,
    /// The operation needs a capability the backend does not declare.
    Unsupported(Capability),
    /// A conditional write whose `if_match` etag is not the file's current one ([C-2.8](crate::contract#C-2.8)).
    PreconditionFailed,
    /// A non-recursive `delete_folder` on a non-empty folder.
    DirectoryNotEmpty,
    /// Locked by another party.
    ResourceLocked,
    /// Unreachable, timed out, broken transport, or a closed terminal backend.
    BackendUnavailable,
    /// A blocking [`Store`](crate::Store) over an async backend was called from async code
    /// (a runtime worker, or inside `block_on`), where blocking would stall the runtime: use
    /// [`AsyncStore`](crate::AsyncStore) there, or move the call to `spawn_blocking`.
    BlockingInAsync,
    /// Anything else, including a panic in a backend and a failing content source.
    Other,
}

impl ErrorKind {
    /// The HTTP status a web handler answers this kind with: 404, 409, 403, 400, 422, 501,
    /// 412, 423, 503 or 500.
    ///
    /// ```
    /// use store::{ErrorKind, MemoryBackend, Store};
    /// let err = Store::new(MemoryBackend::new()).read_bytes("missing.txt").unwrap_err();
    /// assert_eq!(err.kind().http_status(), 404);
    /// ```
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::NotFound => 404,
            ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty => 409,
            ErrorKind::PermissionDenied => 403,
            ErrorKind::InvalidPath | ErrorKind::InvalidArgument => 400,
            ErrorKind::InvalidData => 422,
            ErrorKind::Unsupported(_) => 501,
            ErrorKind::PreconditionFailed => 412,
            ErrorKind::ResourceLocked => 423,
            ErrorKind::BackendUnavailable => 503,
            ErrorKind::BlockingInAsync | ErrorKind::Other => 500,
        }
    }

    /// The kind's stable snake-case name, for telemetry (`error.type`) and logs; the
    /// capability of `Unsupported` is not part of it.
    ///
    /// ```
    /// use store::{Capability, ErrorKind};
    /// assert_eq!(ErrorKind::NotFound.name(), "not_found");
    /// assert_eq!(ErrorKind::Unsupported(Capability::Glob).name(), "unsupported");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::AlreadyExists => "already_exists",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::InvalidPath => "invalid_path",
            ErrorKind::InvalidArgument => "invalid_argument",
            ErrorKind::InvalidData => "invalid_data",
            ErrorKind::Unsupported(_) => "unsupported",
            ErrorKind::PreconditionFailed => "precondition_failed",
            ErrorKind::DirectoryNotEmpty => "directory_not_empty",
            ErrorKind::ResourceLocked => "resource_locked",
            ErrorKind::BackendUnavailable => "backend_unavailable",
            ErrorKind::BlockingInAsync => "blocking_in_async",
            ErrorKind::Other => "other",
        }
    }

    /// The `std::io::ErrorKind` this kind maps to ([C-4.1](crate::contract#C-4.1)).
    pub fn io_kind(self) -> io::ErrorKind {
        match self {
            ErrorKind::NotFound => io::ErrorKind::NotFound,
            ErrorKind::AlreadyExists => io::ErrorKind::AlreadyExists,
            ErrorKind::PermissionDenied => io::ErrorKind::PermissionDenied,
            ErrorKind::InvalidPath | ErrorKind::InvalidArgument => io::ErrorKind::InvalidInput,
            ErrorKind::InvalidData => io::ErrorKind::InvalidData,
            ErrorKind::Unsupported(_) => io::ErrorKind::Unsupported,
            ErrorKind::PreconditionFailed => io::ErrorKind::Other,
            ErrorKind::DirectoryNotEmpty => io::ErrorKind::DirectoryNotEmpty,
            ErrorKind::ResourceLocked => io::ErrorKind::ResourceBusy,
            ErrorKind::BackendUnavailable => io::ErrorKind::NotConnected,
            ErrorKind::BlockingInAsync => io::ErrorKind::WouldBlock,
            ErrorKind::Other => io::ErrorKind::Other,
        }
    }

    pub(super) fn default_message(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not found",
            ErrorKind::AlreadyExists => "already exists",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::InvalidPath => "invalid path",
            ErrorKind::InvalidArgument => "invalid argument",
            ErrorKind::InvalidData => "invalid data",
            ErrorKind::Unsupported(_) => "unsupported operation",
            ErrorKind::PreconditionFailed => "precondition failed",
            ErrorKind::DirectoryNotEmpty => "folder is not empty",
            ErrorKind::ResourceLocked => "resource is locked",
            ErrorKind::BackendUnavailable => "backend unavailable",
            ErrorKind::BlockingInAsync => "blocking call from async code",
            ErrorKind::Other => "storage error",
        }
    }
}
