//! The one error type of the crate, its kinds, and the mapping to and from `std::io::Error`.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::io;

use crate::capability::{Capabilities, Capability};
use crate::path::StorePath;

/// `Result<T, store::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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

    fn default_message(self) -> &'static str {
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

/// The error of every fallible operation in `store` (contract §4).
///
/// It carries a [`kind`](Error::kind), a message that is never empty, the path and backend it
/// concerns, whether a retry may help, and the native cause as [`source`](StdError::source).
/// `Display` is `<message>[ | path='<path>'][ | backend='<name>'][ | capability='<cap>']`.
///
/// ```
/// use store::{Error, ErrorKind};
/// let err = Error::not_found("a/b.txt").with_backend("memory");
/// assert_eq!(err.kind(), ErrorKind::NotFound);
/// assert_eq!(err.to_string(), "not found | path='a/b.txt' | backend='memory'");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
/// ```
#[derive(thiserror::Error)]
#[error(transparent)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(thiserror::Error)]
#[error("{message}{}", self.context())]
struct Inner {
    kind: ErrorKind,
    message: Cow<'static, str>,
    path: Option<String>,
    backend: Option<Cow<'static, str>>,
    retryable: bool,
    /// The request is known not to have reached the service ([C-4.2](crate::contract#C-4.2)).
    not_applied: bool,
    /// How many attempts a retrying layer made; 0 where none retried.
    attempts: u32,
    #[source]
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Inner {
    /// The part of `Display` after the message.
    fn context(&self) -> Context<'_> {
        Context(self)
    }
}

/// `[ | path='…'][ | backend='…'][ | capability='…']`, written without allocating.
struct Context<'a>(&'a Inner);

impl fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.0.path {
            write!(f, " | path='{path}'")?;
        }
        if let Some(backend) = &self.0.backend {
            write!(f, " | backend='{backend}'")?;
        }
        if let ErrorKind::Unsupported(cap) = self.0.kind {
            write!(f, " | capability='{cap}'")?;
        }
        Ok(())
    }
}

/// `Inner`'s `Debug` is never shown: [`Error`]'s own prints the source by its `Display`.
impl fmt::Debug for Inner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Inner")
    }
}

impl Error {
    /// A new error of `kind`; an empty `message` is replaced by one derived from the kind.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        let mut message = message.into();
        if message.is_empty() {
            message = Cow::Borrowed(kind.default_message());
        }
        Error {
            inner: Box::new(Inner {
                kind,
                message,
                path: None,
                backend: None,
                retryable: kind == ErrorKind::BackendUnavailable,
                not_applied: false,
                attempts: 0,
                source: None,
            }),
        }
    }

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

    /// Sets the path this error concerns.
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.inner.path = Some(path.into());
        self
    }

    /// Sets the backend name, unless one is already set.
    #[must_use]
    pub fn with_backend(mut self, backend: impl Into<Cow<'static, str>>) -> Self {
        if self.inner.backend.is_none() {
            self.inner.backend = Some(backend.into());
        }
        self
    }

    /// Sets the native cause.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Marks whether retrying may help.
    #[must_use]
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.inner.retryable = retryable;
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message, never empty, without path or backend.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The path concerned: store-relative at the Store, a key at the backend; `Some("")` is the root.
    pub fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }

    /// The name of the backend that reported the error.
    pub fn backend(&self) -> Option<&str> {
        self.inner.backend.as_deref()
    }

    /// The missing capability of an `Unsupported` error.
    pub fn capability(&self) -> Option<Capability> {
        match self.inner.kind {
            ErrorKind::Unsupported(cap) => Some(cap),
            _ => None,
        }
    }

    /// Whether the same call may succeed if retried.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// Whether the request is known not to have been applied: it never reached the service
    /// (the connection was refused, nothing was sent), so repeating it cannot apply it twice.
    /// Set by the backends that know it; a retrying layer repeats even a create-only or
    /// conditional write on such an error ([C-4.2](crate::contract#C-4.2), [C-7.8](crate::contract#C-7.8)).
    ///
    /// ```
    /// use store::{Error, ErrorKind};
    /// let refused = Error::new(ErrorKind::BackendUnavailable, "connection refused").with_not_applied(true);
    /// assert!(refused.not_applied() && refused.is_retryable());
    /// ```
    pub fn not_applied(&self) -> bool {
        self.inner.not_applied
    }

    /// Sets whether the request is known not to have been applied.
    #[must_use]
    pub fn with_not_applied(mut self, not_applied: bool) -> Self {
        self.inner.not_applied = not_applied;
        self
    }

    /// How many attempts a retrying layer made before this error; 0 where none retried.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Sets the attempt count (a retrying layer does).
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// The same error without its source, for a second report of one failure (a writer that
    /// fails in `poll_write` and again at `commit`); the source's message stays in `Display`
    /// through the first report only.
    pub(crate) fn clone_for_report(&self) -> Error {
        Error {
            inner: Box::new(Inner {
                kind: self.inner.kind,
                message: self.inner.message.clone(),
                path: self.inner.path.clone(),
                backend: self.inner.backend.clone(),
                retryable: self.inner.retryable,
                not_applied: self.inner.not_applied,
                attempts: self.inner.attempts,
                source: None,
            }),
        }
    }

    /// Rewrites the path from a backend key to a path relative to `root` ([C-1.4](crate::contract#C-1.4)).
    /// A path outside `root` is left as it is.
    #[doc(hidden)]
    #[must_use]
    pub fn rebased(mut self, root: &StorePath) -> Self {
        if root.is_root() {
            return self;
        }
        if let Some(path) = self.inner.path.as_deref() {
            if let Some(rel) = root.strip_from(path) {
                self.inner.path = Some(rel.to_owned());
            }
        }
        self
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(path) = &self.inner.path {
            d.field("path", path);
        }
        if let Some(backend) = &self.inner.backend {
            d.field("backend", backend);
        }
        d.field("retryable", &self.inner.retryable);
        if self.inner.not_applied {
            d.field("not_applied", &true);
        }
        if self.inner.attempts > 0 {
            d.field("attempts", &self.inner.attempts);
        }
        if let Some(source) = &self.inner.source {
            d.field("source", &format_args!("{source}"));
        }
        d.finish()
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
    use super::*;

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
    fn display_follows_the_contract_layout() {
        let err = Error::unsupported(Capability::Glob, Capabilities::of(&[Capability::Read]))
            .with_backend("memory");
        assert_eq!(
            err.to_string(),
            "operation needs the 'glob' capability; supported: [read] | backend='memory' | capability='glob'"
        );
        assert_eq!(Error::new(ErrorKind::Other, "").message(), "storage error");
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

    #[test]
    fn closed_is_not_retryable_but_unavailable_is() {
        assert!(!Error::closed("memory").is_retryable());
        assert!(Error::new(ErrorKind::BackendUnavailable, "down").is_retryable());
        assert!(!Error::not_found("a").is_retryable());
    }

    #[test]
    fn rebase_strips_the_root() {
        let root = StorePath::new("data/sub").unwrap();
        assert_eq!(
            Error::not_found("data/sub/x.txt").rebased(&root).path(),
            Some("x.txt")
        );
        assert_eq!(Error::not_found("data/sub").rebased(&root).path(), Some(""));
        assert_eq!(
            Error::not_found("other").rebased(&root).path(),
            Some("other")
        );
    }
}
