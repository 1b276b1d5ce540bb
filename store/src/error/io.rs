//! The mapping between `store::Error` and `std::io::Error`, both ways
//! ([C-4.4](crate::contract#C-4.4)).

use std::io;

use super::{Error, ErrorKind};
use crate::path::StorePath;

impl Error {
    /// Maps a native I/O error for backend authors ([C-4.4](crate::contract#C-4.4)): an inner `store::Error`
    /// comes back unchanged; `NotADirectory` and `IsADirectory` become `InvalidPath`.
    pub fn from_io(err: io::Error, path: &StorePath, backend: &'static str) -> Self {
        if err.get_ref().is_some_and(|e| e.is::<Error>()) {
            return Error::from_io_unlocated(err);
        }
        Error::from_io_unlocated(err)
            .with_path(path.as_str())
            .with_backend(backend)
    }

    /// Maps a native I/O error whose path is not known; an inner `store::Error` comes back
    /// unchanged.
    pub fn from_io_unlocated(err: io::Error) -> Self {
        let err = match err.downcast::<Error>() {
            Ok(store) => return store,
            Err(err) => err,
        };
        let kind = match err.kind() {
            io::ErrorKind::NotFound => ErrorKind::NotFound,
            io::ErrorKind::AlreadyExists => ErrorKind::AlreadyExists,
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                ErrorKind::PermissionDenied
            }
            io::ErrorKind::NotADirectory
            | io::ErrorKind::IsADirectory
            | io::ErrorKind::InvalidFilename
            | io::ErrorKind::InvalidInput => ErrorKind::InvalidPath,
            io::ErrorKind::InvalidData => ErrorKind::InvalidData,
            io::ErrorKind::DirectoryNotEmpty => ErrorKind::DirectoryNotEmpty,
            io::ErrorKind::ResourceBusy => ErrorKind::ResourceLocked,
            io::ErrorKind::Unsupported => ErrorKind::Other,
            io::ErrorKind::NotConnected
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::TimedOut => ErrorKind::BackendUnavailable,
            _ => ErrorKind::Other,
        };
        let message = err.to_string();
        Error::new(kind, message).with_source(err)
    }
}

impl From<io::Error> for Error {
    /// Maps the I/O error by its kind ([C-4.1](crate::contract#C-4.1)), so `?` works on `std::io` calls in a function
    /// returning [`store::Result`](crate::Result); an inner `store::Error` comes back unchanged.
    ///
    /// ```
    /// fn size(path: &std::path::Path) -> store::Result<u64> {
    ///     Ok(std::fs::metadata(path)?.len())
    /// }
    /// let err = size("no/such/file".as_ref()).unwrap_err();
    /// assert_eq!(err.kind(), store::ErrorKind::NotFound);
    /// ```
    fn from(err: io::Error) -> Self {
        Error::from_io_unlocated(err)
    }
}

impl From<Error> for io::Error {
    /// Keeps the `store::Error` as the inner error: `get_ref().downcast_ref::<store::Error>()`.
    fn from(err: Error) -> Self {
        io::Error::new(err.kind().io_kind(), err)
    }
}

/// Checks that `err` survives the trip through `io::Error` and back ([C-4.4](crate::contract#C-4.4)): the io kind its
/// kind maps to, the same `Display`, and every fact recovered from the inner error, then
/// unchanged by `from_io`; panics naming `what` otherwise. For the conformance kit and the
/// unit tests below.
#[cfg(any(test, feature = "conformance"))]
pub(crate) fn assert_io_round_trip(what: &str, err: Error) -> ErrorKind {
    let kind = err.kind();
    let path = err.path().map(str::to_owned);
    let backend = err.backend().map(str::to_owned);
    let message = err.message().to_owned();
    let retryable = err.is_retryable();
    let (not_applied, attempts) = (err.not_applied(), err.attempts());
    let display = err.to_string();
    let capability = err.capability();
    let source = std::error::Error::source(&err).map(|s| s.to_string());

    let io_err = io::Error::from(err);
    assert_eq!(io_err.kind(), kind.io_kind(), "{what}: io kind of {kind:?}");
    assert_eq!(io_err.to_string(), display, "{what}: io Display");
    let inner = io_err
        .get_ref()
        .unwrap_or_else(|| panic!("{what}: the io::Error has no inner error"))
        .downcast_ref::<Error>()
        .unwrap_or_else(|| panic!("{what}: the inner error is not a store::Error"));
    assert_eq!(inner.kind(), kind, "{what}: recovered kind");
    assert_eq!(inner.path(), path.as_deref(), "{what}: recovered path");
    assert_eq!(
        inner.backend(),
        backend.as_deref(),
        "{what}: recovered backend"
    );
    assert_eq!(inner.message(), message, "{what}: recovered message");
    assert_eq!(
        inner.is_retryable(),
        retryable,
        "{what}: recovered retryability"
    );
    assert_eq!(
        inner.capability(),
        capability,
        "{what}: recovered capability"
    );
    assert_eq!(
        std::error::Error::source(inner).map(|s| s.to_string()),
        source,
        "{what}: recovered source"
    );

    // And back (C-4.4): an inner store::Error comes back unchanged.
    let elsewhere = StorePath::new("elsewhere").expect("a valid path");
    let back = Error::from_io(io_err, &elsewhere, "another-backend");
    assert_eq!(back.kind(), kind, "{what}: from_io kind");
    assert_eq!(back.path(), path.as_deref(), "{what}: from_io path");
    assert_eq!(
        back.backend(),
        backend.as_deref(),
        "{what}: from_io backend"
    );
    assert_eq!(
        back.is_retryable(),
        retryable,
        "{what}: from_io retryability"
    );
    assert_eq!(
        back.not_applied(),
        not_applied,
        "{what}: from_io not applied"
    );
    assert_eq!(back.attempts(), attempts, "{what}: from_io attempts");
    assert_eq!(back.to_string(), display, "{what}: from_io Display");
    kind
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;
    use crate::capability::{Capabilities, Capability};

    /// The `io::ErrorKind` of each kind, as the contract's [C-4.1](crate::contract#C-4.1) table gives it.
    #[test]
    fn io_kinds_follow_the_contract_table() {
        use std::io::ErrorKind as Io;
        for (kind, io) in [
            (ErrorKind::NotFound, Io::NotFound),
            (ErrorKind::AlreadyExists, Io::AlreadyExists),
            (ErrorKind::PermissionDenied, Io::PermissionDenied),
            (ErrorKind::InvalidPath, Io::InvalidInput),
            (ErrorKind::InvalidArgument, Io::InvalidInput),
            (ErrorKind::InvalidData, Io::InvalidData),
            (ErrorKind::Unsupported(Capability::Glob), Io::Unsupported),
            (ErrorKind::PreconditionFailed, Io::Other),
            (ErrorKind::DirectoryNotEmpty, Io::DirectoryNotEmpty),
            (ErrorKind::ResourceLocked, Io::ResourceBusy),
            (ErrorKind::BackendUnavailable, Io::NotConnected),
            (ErrorKind::BlockingInAsync, Io::WouldBlock),
            (ErrorKind::Other, Io::Other),
        ] {
            assert_eq!(kind.io_kind(), io, "{kind:?}");
        }
    }

    /// Every kind, built as the backends build it, survives `io::Error` and back ([C-4.4](crate::contract#C-4.4)).
    #[test]
    fn every_kind_survives_the_io_round_trip() {
        let name = "test";
        let caps = Capabilities::of(&[Capability::Read]);
        let mut samples: Vec<(&str, Error)> = Vec::new();
        let at = |kind: ErrorKind, message: &'static str| {
            Error::new(kind, message)
                .with_path("k107/constructed")
                .with_backend(name)
        };
        samples.extend([
            ("NotFound", Error::not_found("k107/x").with_backend(name)),
            (
                "AlreadyExists",
                Error::already_exists("k107/x").with_backend(name),
            ),
            (
                "PermissionDenied",
                at(ErrorKind::PermissionDenied, "access denied"),
            ),
            (
                "InvalidPath (root)",
                Error::root_is_folder().with_backend(name),
            ),
            (
                "InvalidArgument",
                Error::invalid_argument("bad option").with_backend(name),
            ),
            ("InvalidData", at(ErrorKind::InvalidData, "not UTF-8")),
            (
                "Unsupported",
                Error::unsupported(Capability::Glob, caps).with_backend(name),
            ),
            (
                "PreconditionFailed",
                Error::precondition_failed("k107/x").with_backend(name),
            ),
            (
                "DirectoryNotEmpty",
                at(ErrorKind::DirectoryNotEmpty, "folder is not empty"),
            ),
            (
                "ResourceLocked",
                at(ErrorKind::ResourceLocked, "lease held"),
            ),
            (
                "BackendUnavailable",
                at(ErrorKind::BackendUnavailable, "connection reset"),
            ),
            ("BackendUnavailable (closed)", Error::closed(name)),
            ("Other", at(ErrorKind::Other, "something else")),
            (
                "Other (transient)",
                at(ErrorKind::Other, "throttled").with_retryable(true),
            ),
            (
                "BackendUnavailable, not applied, after 3 attempts",
                at(ErrorKind::BackendUnavailable, "connection refused")
                    .with_not_applied(true)
                    .with_attempts(3),
            ),
            (
                "Other with a source",
                at(ErrorKind::Other, "content source failed")
                    .with_source(io::Error::other("caller's reader failed")),
            ),
        ]);
        let seen: Vec<ErrorKind> = samples
            .into_iter()
            .map(|(what, err)| assert_io_round_trip(what, err))
            .collect();
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::AlreadyExists,
            ErrorKind::PermissionDenied,
            ErrorKind::InvalidPath,
            ErrorKind::InvalidArgument,
            ErrorKind::InvalidData,
            ErrorKind::Unsupported(Capability::Glob),
            ErrorKind::PreconditionFailed,
            ErrorKind::DirectoryNotEmpty,
            ErrorKind::ResourceLocked,
            ErrorKind::BackendUnavailable,
            ErrorKind::Other,
        ] {
            assert!(seen.contains(&kind), "{kind:?} was not exercised");
        }
    }

    #[test]
    fn io_round_trip_keeps_the_store_error() {
        let key = StorePath::new("a/b").unwrap();
        let io: io::Error = Error::already_exists("a/b").with_backend("memory").into();
        assert_eq!(io.kind(), io::ErrorKind::AlreadyExists);
        let back = Error::from_io(io, &key, "local");
        assert_eq!(back.kind(), ErrorKind::AlreadyExists);
        assert_eq!(back.backend(), Some("memory"));
    }

    #[test]
    fn from_io_maps_directory_kinds_to_invalid_path() {
        let key = StorePath::new("x").unwrap();
        for kind in [io::ErrorKind::NotADirectory, io::ErrorKind::IsADirectory] {
            let err = Error::from_io(io::Error::from(kind), &key, "local");
            assert_eq!(err.kind(), ErrorKind::InvalidPath);
            assert_eq!(err.path(), Some("x"));
            assert!(err.source().is_some());
        }
    }
}
