//! The one error type of the crate: [`Error`], its kinds (`kind.rs`), the contract's
//! vocabulary of constructors (`vocabulary.rs`) and the mapping to and from `std::io::Error`
//! (`io.rs`).

mod io;
mod kind;
mod vocabulary;

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use crate::capability::Capability;
use crate::path::StorePath;

#[cfg(feature = "conformance")]
pub(crate) use self::io::assert_io_round_trip;
pub use self::kind::ErrorKind;
pub(crate) use self::vocabulary::ESCAPES_ROOT;

/// `Result<T, store::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::Capabilities;

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
