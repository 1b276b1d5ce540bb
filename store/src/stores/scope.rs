//! What both stores share: the root they are scoped to, argument checks in contract order
//! ([C-1.3](crate::contract#C-1.3)), and the methods that need no I/O.

use super::rebase::Rebase;
use crate::capability::{Capabilities, Capability};
use crate::error::{Error, ErrorKind, Result};
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;

/// An option argument the stores check before any I/O.
pub trait Argument {
    /// Step 1 of [C-1.3](crate::contract#C-1.3): the option values themselves (`InvalidArgument`).
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// Step 3 of [C-1.3](crate::contract#C-1.3): the capabilities the value needs (`UserMetadata` for non-empty
    /// metadata, and so on).
    fn required_capabilities(&self) -> Capabilities {
        Capabilities::empty()
    }
}

impl Argument for WriteOptions {
    fn validate(&self) -> Result<()> {
        WriteOptions::validate(self)
    }

    fn required_capabilities(&self) -> Capabilities {
        WriteOptions::required_capabilities(self)
    }
}

impl Argument for ListOptions {
    fn validate(&self) -> Result<()> {
        ListOptions::validate(self)
    }
}

impl Argument for DeleteFolderOptions {}

/// A store's root and the facts about its backend that never change.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    root: StorePath,
    backend: &'static str,
    capabilities: Capabilities,
}

impl Scope {
    /// `BlockingInAsync` when a blocking store is called from async code (a task on a runtime
    /// worker, or a future inside `block_on`), whatever its backend: blocking there stalls
    /// the runtime, so a blocking `Store` never does it, and code that passes over a local
    /// folder does not fail over S3. Plain threads, `spawn_blocking` and `block_in_place`
    /// are blocking code, where every call works. Checked before anything else, so a refused
    /// call changes nothing.
    #[inline]
    pub(crate) fn refuse_blocking_in_async(&self, op: &'static str) -> Result<()> {
        match crate::adapters::async_to_sync::runtime::blocking_forbidden() {
            false => Ok(()),
            true => Err(self.blocking_in_async(op)),
        }
    }

    #[cold]
    fn blocking_in_async(&self, op: &'static str) -> Error {
        Error::new(
            ErrorKind::BlockingInAsync,
            format!(
                "{op} on a blocking Store was called from async code, where it would stall a \
                 runtime worker; use AsyncStore there, or run the call in \
                 tokio::task::spawn_blocking or block_in_place"
            ),
        )
        .with_backend(self.backend)
    }

    pub(crate) fn new(root: StorePath, backend: &'static str, capabilities: Capabilities) -> Self {
        Scope {
            root,
            backend,
            capabilities,
        }
    }

    /// The same scope over a backend that declares `capabilities` (a layer's effective set).
    pub(crate) fn with_capabilities(&self, capabilities: Capabilities) -> Scope {
        Scope {
            capabilities,
            ..self.clone()
        }
    }

    /// The root of the store (a key).
    pub fn root(&self) -> &StorePath {
        &self.root
    }

    /// The backend's name.
    pub fn backend(&self) -> &'static str {
        self.backend
    }

    /// The backend's capabilities.
    pub fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    pub(crate) fn child(&self, sub: &str) -> Result<Scope> {
        let sub = StorePath::new(sub).map_err(|e| self.located(e))?;
        Ok(Scope {
            root: self.root.join_path(&sub),
            ..self.clone()
        })
    }

    fn located(&self, err: Error) -> Error {
        err.with_backend(self.backend)
    }

    /// A file-role path as a key: the root in any spelling is `InvalidPath`.
    pub fn file_key(&self, path: &str) -> Result<StorePath> {
        StorePath::new(path)
            .map(|p| self.root.join_owned(p))
            .map_err(|e| self.located(e))
    }

    /// A folder-role path as a key: exactly `""` and `"."` are the root.
    pub fn folder_key(&self, path: &str) -> Result<StorePath> {
        StorePath::folder(path)
            .map(|p| self.root.join_owned(p))
            .map_err(|e| self.located(e))
    }

    /// A folder-role path that must not be the store's root.
    pub fn subfolder_key(&self, path: &str) -> Result<StorePath> {
        let rel = StorePath::folder(path).map_err(|e| self.located(e))?;
        if rel.is_root() {
            return Err(self.located(Error::invalid_path("", "cannot delete the store root")));
        }
        Ok(self.root.join_path(&rel))
    }

    /// A glob pattern placed under the root; grammar errors come before path errors.
    pub fn pattern_key(&self, pattern: &str) -> Result<Pattern> {
        Pattern::new(pattern)
            .map(|p| p.under(&self.root))
            .map_err(|e| self.located(e))
    }

    /// `Unsupported(cap)` unless the backend has `cap`.
    pub fn require(&self, cap: Capability) -> Result<()> {
        self.capabilities.require(cap).map_err(|e| self.located(e))
    }

    /// Step 1: the option values.
    pub fn check_argument(&self, arg: &impl Argument) -> Result<()> {
        arg.validate().map_err(|e| self.located(e))
    }

    /// Step 3a: the gates an option value needs, in declaration order.
    pub fn require_argument(&self, arg: &impl Argument) -> Result<()> {
        arg.required_capabilities()
            .iter()
            .try_for_each(|cap| self.require(cap))
    }

    /// Rebases a backend result onto the root, errors included.
    pub fn rebase<T: Rebase>(&self, result: Result<T>) -> Result<T> {
        result
            .and_then(|value| value.rebase(&self.root, self.backend))
            .map_err(|e| self.located(e.rebased(&self.root)))
    }

    /// The store-relative key of a native path ([C-1.9](crate::contract#C-1.9)). `key` is what the backend's `to_key`
    /// made of `native`, and `bare_root` the backend's `native_path` of its root: a non-empty
    /// bare root that `to_key` could not strip means `native` lies outside the backend, and a
    /// key outside the store's root lies outside the store. Neither names `native`, which may
    /// be an absolute on-disk path.
    pub(crate) fn key_from_native(
        &self,
        key: String,
        native: &str,
        bare_root: &str,
    ) -> Result<StorePath> {
        let outside = || {
            self.located(Error::new(
                ErrorKind::InvalidPath,
                "native path lies outside this store",
            ))
        };
        if key == native && !bare_root.is_empty() {
            return Err(outside());
        }
        let key = StorePath::folder(&key).map_err(|_| outside())?;
        key.strip_prefix(&self.root).ok_or_else(outside)
    }
}
