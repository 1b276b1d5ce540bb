//! What both stores share: the root they are scoped to, argument checks in contract order
//! (CONTRACT C-1.3), and the methods that need no I/O.

use crate::capability::{Capabilities, Capability};
use crate::error::{Error, Result};
use crate::options::{DeleteFolderOptions, ListOptions, WriteOptions};
use crate::path::StorePath;
use crate::pattern::Pattern;
use crate::rebase::Rebase;

/// An option argument the stores check before any I/O.
pub trait Argument {
    /// Step 1 of C-1.3: the option values themselves (`InvalidArgument`).
    fn validate(&self) -> Result<()> {
        Ok(())
    }

    /// Step 3 of C-1.3: a capability the value needs (`UserMetadata` for non-empty metadata).
    fn required_capability(&self) -> Option<Capability> {
        None
    }
}

impl Argument for WriteOptions {
    fn validate(&self) -> Result<()> {
        WriteOptions::validate(self)
    }

    fn required_capability(&self) -> Option<Capability> {
        self.user_metadata().map(|_| Capability::UserMetadata)
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
    pub(crate) fn new(root: StorePath, backend: &'static str, capabilities: Capabilities) -> Self {
        Scope {
            root,
            backend,
            capabilities,
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

    /// Step 3a: the gate an option value needs.
    pub fn require_argument(&self, arg: &impl Argument) -> Result<()> {
        arg.required_capability()
            .map_or(Ok(()), |cap| self.require(cap))
    }

    /// Rebases a backend result onto the root, errors included.
    pub fn rebase<T: Rebase>(&self, result: Result<T>) -> Result<T> {
        result
            .and_then(|value| value.rebase(&self.root, self.backend))
            .map_err(|e| self.located(e.rebased(&self.root)))
    }

    /// A backend key from a native path, made relative to the root (CONTRACT C-1.9).
    pub(crate) fn key_from_native(&self, key: &str, native: &str) -> Result<StorePath> {
        let key = StorePath::folder(key).map_err(|e| self.located(e))?;
        key.strip_prefix(&self.root).ok_or_else(|| {
            self.located(Error::invalid_path(
                native,
                "native path lies outside this store",
            ))
        })
    }
}

/// The methods both stores spell the same way and that need no I/O. One definition, expanded
/// in `store.rs` and `async_store.rs`.
macro_rules! store_common {
    ($store:ident, $backend:ident) => {
        impl $store {
            /// The store's root, as a backend key (`""` for the backend root).
            pub fn root(&self) -> &$crate::StorePath {
                self.scope.root()
            }

            /// The backend's stable name.
            pub fn name(&self) -> &'static str {
                self.scope.backend()
            }

            /// What the backend can do.
            pub fn capabilities(&self) -> $crate::Capabilities {
                self.scope.capabilities()
            }

            /// Whether the backend has `cap`.
            pub fn supports(&self, cap: $crate::Capability) -> bool {
                self.scope.capabilities().supports(cap)
            }

            /// A store rooted at `root/sub`, sharing (and not owning) the backend.
            pub fn child(&self, sub: impl AsRef<str>) -> $crate::Result<Self> {
                Ok(Self {
                    backend: ::std::sync::Arc::clone(&self.backend),
                    scope: self.scope.child(sub.as_ref())?,
                    owner: false,
                })
            }

            /// The store-relative key of a backend-native path; `InvalidPath` outside this store.
            pub fn to_key(&self, native: &str) -> $crate::Result<$crate::StorePath> {
                let key = self.backend.to_key(native);
                self.scope.key_from_native(&key, native)
            }

            /// The backend-native path of `key` (a folder-role path).
            pub fn native_path(&self, key: impl AsRef<str>) -> $crate::Result<String> {
                let key = self.scope.folder_key(key.as_ref())?;
                Ok(self.backend.native_path(&key))
            }

            /// Where `key` lives, without I/O; `plan.key` is `key` as spelled.
            pub fn resolve(&self, key: impl AsRef<str>) -> $crate::Result<$crate::ResolutionPlan> {
                let spelled = key.as_ref();
                let full = self.scope.folder_key(spelled)?;
                let mut plan = self.backend.resolve(&full);
                plan.key = spelled.to_owned();
                Ok(plan)
            }

            /// The backend's native client of type `T`, if it exposes one.
            pub fn unwrap<T: ::std::any::Any>(&self) -> Option<&T> {
                self.backend
                    .unwrap_native(::std::any::TypeId::of::<T>())
                    .and_then(|native| native.downcast_ref::<T>())
            }

            /// The backend behind this store.
            pub fn backend(&self) -> &::std::sync::Arc<dyn $backend> {
                &self.backend
            }

            /// Whether this store closes the backend on `close()` (CONTRACT C-1.8).
            pub fn owns_backend(&self) -> bool {
                self.owner
            }
        }

        impl ::std::cmp::PartialEq for $store {
            /// Same backend object and same root.
            fn eq(&self, other: &Self) -> bool {
                ::std::sync::Arc::ptr_eq(&self.backend, &other.backend)
                    && self.scope.root() == other.scope.root()
            }
        }

        impl ::std::cmp::Eq for $store {}

        impl ::std::hash::Hash for $store {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                (::std::sync::Arc::as_ptr(&self.backend) as *const () as usize).hash(state);
                self.scope.root().hash(state);
            }
        }

        impl ::std::fmt::Debug for $store {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($store))
                    .field("backend", &self.scope.backend())
                    .field("root", &self.scope.root().as_str())
                    .finish()
            }
        }
    };
}
pub(crate) use store_common;
