//! Errors across the boundary, both ways, keeping the original as the source.

use object_store::Error as OsError;

use crate::capability::Capability;
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
    let (kind, retryable) = match &err {
        OsError::NotFound { .. } => (ErrorKind::NotFound, false),
        OsError::AlreadyExists { .. } => (ErrorKind::AlreadyExists, false),
        OsError::Precondition { .. } => (ErrorKind::PreconditionFailed, false),
        OsError::PermissionDenied { .. } | OsError::Unauthenticated { .. } => {
            (ErrorKind::PermissionDenied, false)
        }
        OsError::InvalidPath { .. } => (ErrorKind::InvalidPath, false),
        OsError::NotImplemented { .. } | OsError::NotSupported { .. } => {
            (ErrorKind::Unsupported(Capability::Write), false)
        }
        OsError::UnknownConfigurationKey { .. } => (ErrorKind::InvalidArgument, false),
        _ => (ErrorKind::Other, false),
    };
    let message = err.to_string();
    let mut mapped = Error::new(kind, message)
        .with_backend(backend)
        .with_retryable(retryable);
    if !path.is_empty() {
        mapped = mapped.with_path(path);
    }
    mapped.with_source(err)
}
