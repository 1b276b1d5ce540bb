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

/// An object_store error as `store` reports it ([C-2.12](crate::contract#C-2.12)): typed variants first, the original
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
        _ if unreachable(&err) => ErrorKind::BackendUnavailable,
        // A status object_store left in a `Generic` error (its listings do). `NotImplemented`
        // and `NotSupported` end as `Other` too: the capability was declared, so the service
        // lacks a variant of it (a create-only copy, say), as the message says.
        _ => match status_of(&err) {
            Some(401 | 403) => ErrorKind::PermissionDenied,
            Some(404) => ErrorKind::NotFound,
            _ => ErrorKind::Other,
        },
    };
    let transient = kind == ErrorKind::BackendUnavailable
        || status_of(&err).is_some_and(|s| s == 429 || s >= 500);
    let mut mapped = Error::new(kind, err.to_string())
        .with_backend(backend)
        .with_retryable(transient);
    if !path.is_empty() {
        mapped = mapped.with_path(path);
    }
    mapped.with_source(err)
}

/// Whether the service could not be reached: a connect, request or timeout failure of the HTTP
/// transport, found by its typed kind anywhere in the error's chain.
fn unreachable(err: &OsError) -> bool {
    #[cfg(feature = "cloud-transport")]
    {
        use object_store::client::{HttpError, HttpErrorKind};
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = cause {
            if let Some(http) = e.downcast_ref::<HttpError>() {
                return matches!(
                    http.kind(),
                    HttpErrorKind::Connect
                        | HttpErrorKind::Request
                        | HttpErrorKind::Timeout
                        | HttpErrorKind::Interrupted
                );
            }
            cause = e.source();
        }
    }
    let _ = err;
    false
}

/// The HTTP status of a failed request, where object_store kept it only in its message (its
/// status type is not exported): the last resort [C-2.12](crate::contract#C-2.12) allows.
fn status_of(err: &OsError) -> Option<u16> {
    let text = err.to_string();
    let at = text.find("status code: ")? + "status code: ".len();
    text.get(at..at + 3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generic(message: &str) -> OsError {
        OsError::Generic {
            store: "S3",
            source: message.to_owned().into(),
        }
    }

    #[test]
    fn statuses_left_in_messages_map_by_code() {
        let cases = [
            (
                "Server returned non-2xx status code: 503 Service Unavailable",
                ErrorKind::Other,
                true,
            ),
            (
                "Server returned non-2xx status code: 429 Too Many Requests",
                ErrorKind::Other,
                true,
            ),
            (
                "Server returned non-2xx status code: 403 Forbidden",
                ErrorKind::PermissionDenied,
                false,
            ),
            (
                "Server returned non-2xx status code: 404 Not Found",
                ErrorKind::NotFound,
                false,
            ),
            ("something else entirely", ErrorKind::Other, false),
        ];
        for (message, kind, retryable) in cases {
            let err = from_object_store(generic(message), "a/b", "s3");
            assert_eq!(err.kind(), kind, "{message}");
            assert_eq!(err.is_retryable(), retryable, "{message}");
            assert_eq!(err.path(), Some("a/b"));
            assert!(
                std::error::Error::source(&err).is_some(),
                "the native error is kept"
            );
        }
        let typed = OsError::Precondition {
            path: "a".into(),
            source: "etag".into(),
        };
        assert_eq!(
            from_object_store(typed, "a", "s3").kind(),
            ErrorKind::PreconditionFailed
        );
    }
}
