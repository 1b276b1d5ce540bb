//! Errors across the boundary, both ways, keeping the original as the source.

use object_store::Error as OsError;

use crate::error::{Error, ErrorKind};

/// The `store` name object_store's `Generic` errors carry.
pub(super) const STORE: &str = "store";

/// A `store` error as object_store reports it; `operation` names the call for
/// `NotImplemented`, and `implementer` the adapter and its backend.
pub(super) fn to_object_store(err: Error, operation: &str, implementer: &str) -> OsError {
    let path = err.path().unwrap_or_default().to_owned();
    match err.kind() {
        ErrorKind::NotFound => OsError::NotFound {
            path,
            source: Box::new(err),
        },
        ErrorKind::AlreadyExists => OsError::AlreadyExists {
            path,
            source: Box::new(err),
        },
        ErrorKind::PreconditionFailed => OsError::Precondition {
            path,
            source: Box::new(err),
        },
        ErrorKind::PermissionDenied => OsError::PermissionDenied {
            path,
            source: Box::new(err),
        },
        ErrorKind::Unsupported(cap) => OsError::NotImplemented {
            operation: format!("{operation} (needs the {cap} capability)"),
            implementer: implementer.to_owned(),
        },
        _ => OsError::Generic {
            store: STORE,
            source: Box::new(err),
        },
    }
}

/// An object_store error as `store` reports it (C-2.12): typed variants first, the original
/// kept as the source; `path` is the key the call concerned.
pub(super) fn from_object_store(err: OsError, path: &str, backend: &'static str) -> Error {
    let kind = match &err {
        OsError::NotFound { .. } => ErrorKind::NotFound,
        OsError::AlreadyExists { .. } => ErrorKind::AlreadyExists,
        OsError::Precondition { .. } => ErrorKind::PreconditionFailed,
        OsError::PermissionDenied { .. } | OsError::Unauthenticated { .. } => {
            ErrorKind::PermissionDenied
        }
        OsError::InvalidPath { .. } => ErrorKind::InvalidPath,
        OsError::UnknownConfigurationKey { .. } => ErrorKind::InvalidArgument,
        // `NotImplemented` and `NotSupported` land here too: the capability was declared, so
        // the service lacks a variant of it (a create-only copy, say), as the message says.
        _ => ErrorKind::Other,
    };
    let mut mapped = Error::new(kind, err.to_string()).with_backend(backend);
    if !path.is_empty() {
        mapped = mapped.with_path(path);
    }
    mapped.with_source(err)
}
