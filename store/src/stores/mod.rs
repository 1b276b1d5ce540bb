//! The blocking [`Store`](crate::Store) and the async [`AsyncStore`](crate::AsyncStore): a
//! backend seen through a root folder. Their forwarding I/O methods are generated from the one
//! definition (`api.rs`); what they add is written once, here and in [`scope`], for both.

pub(crate) mod asynchronous;
pub(crate) mod blocking;
pub(crate) mod filter;
pub(crate) mod rebase;
pub(crate) mod scope;

/// Marks a backend of the store's own world, for [`IntoBackend`](crate::IntoBackend) and
/// [`IntoAsyncBackend`](crate::IntoAsyncBackend).
#[derive(Debug)]
pub enum Native {}

/// Marks a backend of the other world, which the store wraps in the generated adapter.
#[derive(Debug)]
pub enum Adapted {}

/// A blocking store's refusal of async code, in the methods the stores write by hand; nothing
/// in the async store.
macro_rules! refuse_in_async {
    (blocking, $scope:expr, $op:literal) => {
        $scope.refuse_blocking_in_async($op)?
    };
    (asynchronous, $scope:expr, $op:literal) => {};
}

/// An `# Examples` section for a method of both stores, as one doc string: a hidden first line
/// binds `store`, a `$store` over an empty memory backend; for the async store (`[async .
/// await]`) the lines run inside a tokio runtime, and splice `.await` in themselves where the
/// worlds differ.
macro_rules! example {
    ($store:ident [] $($line:expr),* $(,)?) => {
        concat!(
            "# Examples\n\n```\n",
            "# let store = store::", stringify!($store), "::new(store::MemoryBackend::new());\n",
            $($line, "\n",)*
            "# Ok::<(), store::Error>(())\n```"
        )
    };
    ($store:ident [async . await] $($line:expr),* $(,)?) => {
        concat!(
            "# Examples\n\n```\n",
            "# tokio::runtime::Runtime::new().unwrap().block_on(async {\n",
            "# let store = store::", stringify!($store), "::new(store::MemoryBackend::new());\n",
            $($line, "\n",)*
            "# Ok::<(), store::Error>(())\n# }).unwrap();\n```"
        )
    };
}

/// Everything of the stores' surface that is not forwarding, written once for both: the
/// constructors, the methods that need no I/O, and those that do more than forward (`close`,
/// `read_text`, `write_text`, `head`, `get_folder_info`). `$into` is what `new` accepts; the
/// async store passes `async` and `await`, which are spliced in where the two worlds differ;
/// `$world` names its module of derived operations.
macro_rules! store_surface {
    (
        $store:ident, $backend:ident, $into:ident :: $into_fn:ident, $world:ident
        $(, $asyncness:tt . $await:tt)?
    ) => {
        impl $store {
            /// A store at the backend's root, owning it. A backend of the other world is
            /// wrapped in the generated adapter: a blocking one under `AsyncStore` runs on
            /// tokio's blocking pool, an async one under `Store` on a private runtime thread.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                concat!("let memory = store::", stringify!($store), "::new(store::MemoryBackend::new());"),
                "assert_eq!(memory.name(), \"memory\");",
            )]
            pub fn new<M>(backend: impl $crate::$into<M>) -> Self {
                Self::from_arc($crate::$into::$into_fn(backend))
            }

            /// A store at the root of a shared backend, owning it.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let backend = std::sync::Arc::clone(store.backend());",
                concat!("let same = store::", stringify!($store), "::from_arc(backend);"),
                "assert!(same == store); // same backend object, same root",
            )]
            pub fn from_arc(backend: ::std::sync::Arc<dyn $crate::$backend>) -> Self {
                let scope = $crate::stores::scope::Scope::new(
                    $crate::StorePath::root(),
                    backend.name(),
                    backend.capabilities(),
                );
                Self {
                    backend,
                    scope,
                    owner: true,
                }
            }

            /// A store at `root` of a backend shared with others: closing it leaves the backend
            /// open ([C-1.8](crate::contract#C-1.8)).
            #[cfg_attr(not(feature = "toml"), allow(dead_code))]
            pub(crate) fn shared(
                backend: ::std::sync::Arc<dyn $crate::$backend>,
                root: &$crate::StorePath,
            ) -> $crate::Result<Self> {
                let store = Self::from_arc(backend);
                let scope = match root.is_root() {
                    true => store.scope.clone(),
                    false => store.scope.child(root.as_str())?,
                };
                Ok(Self {
                    scope,
                    owner: false,
                    ..store
                })
            }

            /// A store rooted at `root`: `""` or a valid non-empty path (`"/data/"` is `data`).
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                concat!("let reports = store::", stringify!($store), "::with_root(store::MemoryBackend::new(), \"/reports/\")?;"),
                "assert_eq!(reports.root().as_str(), \"reports\");",
            )]
            pub fn with_root<M>(
                backend: impl $crate::$into<M>,
                root: impl AsRef<str>,
            ) -> $crate::Result<Self> {
                let store = Self::new(backend);
                let root = root.as_ref();
                if root.is_empty() {
                    return Ok(store);
                }
                Ok(Self {
                    scope: store.scope.child(root)?,
                    ..store
                })
            }

            /// A store from a URL alone, rooted at the URL's path: [`from_url`](Self::from_url)
            /// with no options.
            ///
            /// ```
            #[doc = concat!("let store = store::", stringify!($store), "::open_url(\"memory:///reports\")?;")]
            /// assert_eq!(store.root().as_str(), "reports");
            /// # Ok::<(), store::Error>(())
            /// ```
            pub fn open_url(url: &str) -> $crate::Result<Self> {
                Self::from_url(url, ::core::iter::empty::<(&str, &str)>())
            }

            /// A store from a URL and explicit options. The URL's scheme names the backend's
            /// builder and the rest of it locates the backend, through the builder's
            /// `with_url`; each option is one of that builder's keys, through its
            /// `with_config`:
            ///
            /// | URL | builder (and its keys) | feature |
            /// |---|---|---|
            /// | `memory://root` | a fresh memory store, rooted at `root`; no keys | |
            /// | `file:///abs/path`, or a plain path | [`LocalBuilder`](crate::LocalBuilder) | |
            /// | `s3://bucket/prefix`, `s3a://…` | `S3Builder` | `s3` |
            /// | `az://container/prefix`, `azure://…`, `adl://…`, `abfs[s]://container@account.dfs.core.windows.net/prefix`, `https://account.blob.core.windows.net/container/prefix` | `AzureBuilder` | `azure` |
            /// | `sftp://user[:password]@host[:port]/base/path` | `SftpBuilder` | `sftp` |
            ///
            /// Each builder's docs list its keys with their meanings and defaults (retries
            /// and timeouts included). An unknown key is `InvalidArgument` naming the closest
            /// known one; credentials are kept as [`Secret`](crate::Secret)s; the
            /// environment is read only with `from_env = true`. No I/O (but a `file:` URL
            /// with `must_exist`).
            ///
            /// ```
            #[doc = concat!("let store = store::", stringify!($store), "::from_url(\"memory:///reports/2026\", [(\"\", \"\"); 0])?;")]
            /// assert_eq!(store.root().as_str(), "reports/2026");
            /// # Ok::<(), store::Error>(())
            /// ```
            pub fn from_url<K: AsRef<str>, V: Into<String>>(
                url: &str,
                options: impl IntoIterator<Item = (K, V)>,
            ) -> $crate::Result<Self> {
                let (backend, root) = $crate::config::open_url(url, options)?;
                let store = Self::from_arc(backend.into());
                if root.is_root() {
                    return Ok(store);
                }
                Ok(Self {
                    scope: store.scope.child(root.as_str())?,
                    ..store
                })
            }

            /// This store with `layer` around its backend ([C-7.8](crate::contract#C-7.8)): every operation goes through
            /// the layer's hooks, the stores gate on the layer's effective capabilities, and
            /// the root, ownership and child stores are kept (a child shares the layered
            /// backend). Layers added later wrap those added before.
            ///
            /// ```
            #[doc = concat!("let store = store::", stringify!($store), "::from_url(\"memory://\", [(\"\", \"\"); 0])?")]
            ///     .layer(store::layers::ReadOnly);
            /// assert!(!store.capabilities().supports(store::Capability::Write));
            /// # Ok::<(), store::Error>(())
            /// ```
            #[must_use]
            pub fn layer<L: $crate::Layer>(self, layer: L) -> Self {
                let backend: ::std::sync::Arc<dyn $crate::$backend> =
                    ::std::sync::Arc::new($crate::Layered::new(layer, self.backend));
                let scope = self.scope.with_capabilities(backend.capabilities());
                Self {
                    backend,
                    scope,
                    owner: self.owner,
                }
            }

            /// A store on an existing local folder, the embedded default
            /// ([`LocalBackend::open`](crate::LocalBackend::open)): a missing root, or one that
            /// is not a folder, is an error now rather than an empty store later.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let dir = tempfile::tempdir()?;",
                concat!("let files = store::", stringify!($store), "::open_local(dir.path())?;"),
                "assert_eq!(files.name(), \"local\");",
                concat!("assert!(store::", stringify!($store), "::open_local(dir.path().join(\"missing\")).is_err());"),
            )]
            pub fn open_local(dir: impl Into<::std::path::PathBuf>) -> $crate::Result<Self> {
                $crate::LocalBackend::open(dir).map(Self::new)
            }

            /// A store on a local folder that need not exist yet
            /// ([`LocalBackend::new`](crate::LocalBackend::new)): reads find nothing until it
            /// does, and the first write creates it. Prefer [`open_local`](Self::open_local)
            /// for a folder that should already be there.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let dir = tempfile::tempdir()?;",
                concat!("let files = store::", stringify!($store), "::local(dir.path().join(\"later\"));"),
                "assert!(!dir.path().join(\"later\").exists()); // until the first write",
                "assert_eq!(files.name(), \"local\");",
            )]
            pub fn local(dir: impl Into<::std::path::PathBuf>) -> Self {
                Self::new($crate::LocalBackend::new(dir))
            }

            /// The store's root, as a backend key (`""` for the backend root).
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "assert!(store.root().is_root());",
                "assert_eq!(store.child(\"reports\")?.root().as_str(), \"reports\");",
            )]
            pub fn root(&self) -> &$crate::StorePath {
                self.scope.root()
            }

            /// The backend's stable name.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "assert_eq!(store.name(), \"memory\");",
            )]
            pub fn name(&self) -> &'static str {
                self.scope.backend()
            }

            /// What the backend can do.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let capabilities = store.capabilities();",
                "assert!(capabilities.supports(store::Capability::AtomicWrite));",
            )]
            pub fn capabilities(&self) -> $crate::Capabilities {
                self.scope.capabilities()
            }

            /// Whether the backend has `cap`.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "assert!(store.supports(store::Capability::Read));",
                "let read_only = store.clone().layer(store::layers::ReadOnly);",
                "assert!(!read_only.supports(store::Capability::Write));",
            )]
            pub fn supports(&self, cap: $crate::Capability) -> bool {
                self.scope.capabilities().supports(cap)
            }

            /// A store rooted at `root/sub`, sharing (and not owning) the backend.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                concat!("store.write_text(\"team/a/notes.txt\", \"x\", &store::WriteOptions::new())" $(, ".", stringify!($await))?, "?;"),
                "let team = store.child(\"team\")?;",
                concat!("assert!(team.exists(\"a/notes.txt\")" $(, ".", stringify!($await))?, "?);"),
                "assert!(store.child(\"../escape\").is_err());",
            )]
            pub fn child(&self, sub: impl AsRef<str>) -> $crate::Result<Self> {
                Ok(Self {
                    backend: ::std::sync::Arc::clone(&self.backend),
                    scope: self.scope.child(sub.as_ref())?,
                    owner: false,
                })
            }

            /// The store-relative key of a backend-native path; `InvalidPath` for a path outside
            /// the backend's root or outside this store's root.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let dir = tempfile::tempdir()?;",
                concat!("let files = store::", stringify!($store), "::open_local(dir.path())?.child(\"reports\")?;"),
                "let native = dir.path().join(\"reports\").join(\"q1.csv\");",
                "assert_eq!(files.to_key(native.to_str().unwrap())?.as_str(), \"q1.csv\");",
                "assert!(files.to_key(\"/somewhere/else\").is_err());",
            )]
            pub fn to_key(&self, native: &str) -> $crate::Result<$crate::StorePath> {
                let bare_root = self.backend.native_path(&$crate::StorePath::root());
                self.scope
                    .key_from_native(self.backend.to_key(native), native, &bare_root)
            }

            /// The backend-native path of `key` (a folder-role path).
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let dir = tempfile::tempdir()?;",
                concat!("let files = store::", stringify!($store), "::open_local(dir.path())?;"),
                "let native = files.native_path(\"a/b.txt\")?;",
                "assert_eq!(std::path::Path::new(&native), dir.path().join(\"a/b.txt\"));",
            )]
            pub fn native_path(&self, key: impl AsRef<str>) -> $crate::Result<String> {
                let key = self.scope.folder_key(key.as_ref())?;
                Ok(self.backend.native_path(&key))
            }

            /// Where `key` lives, without I/O; `plan.key` is `key` as spelled.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let plan = store.child(\"reports\")?.resolve(\"q1.csv\")?;",
                "assert_eq!(plan.key, \"q1.csv\");",
            )]
            pub fn resolve(&self, key: impl AsRef<str>) -> $crate::Result<$crate::ResolutionPlan> {
                let spelled = key.as_ref();
                let full = self.scope.folder_key(spelled)?;
                let mut plan = self.backend.resolve(&full);
                plan.key = spelled.to_owned();
                Ok(plan)
            }

            /// The backend's native client of type `T`, if it exposes one.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "// Memory exposes no native client; S3 gives its `object_store` client.",
                "assert!(store.unwrap::<String>().is_none());",
            )]
            pub fn unwrap<T: ::std::any::Any>(&self) -> Option<&T> {
                self.backend
                    .unwrap_native(::std::any::TypeId::of::<T>())
                    .and_then(|native| native.downcast_ref::<T>())
            }

            /// The backend behind this store.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let child = store.child(\"sub\")?;",
                "assert!(std::sync::Arc::ptr_eq(store.backend(), child.backend()));",
            )]
            pub fn backend(&self) -> &::std::sync::Arc<dyn $backend> {
                &self.backend
            }

            /// Whether this store closes the backend on `close()` ([C-1.8](crate::contract#C-1.8)).
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "assert!(store.owns_backend());",
                "assert!(!store.child(\"sub\")?.owns_backend());",
            )]
            pub fn owns_backend(&self) -> bool {
                self.owner
            }

            /// Closes the backend if this store owns it; idempotent ([C-1.8](crate::contract#C-1.8)). A store made by
            /// [`child`](Self::child) does not own its backend, and its `close` does nothing.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let child = store.child(\"sub\")?;",
                concat!("child.close()" $(, ".", stringify!($await))?, "?; // not the owner: nothing happens"),
                concat!("store.close()" $(, ".", stringify!($await))?, "?;"),
                concat!("store.close()" $(, ".", stringify!($await))?, "?; // idempotent"),
            )]
            pub $($asyncness)? fn close(&self) -> $crate::Result<()> {
                $crate::stores::refuse_in_async!($world, self.scope, "close");
                if !self.owner {
                    return Ok(());
                }
                self.backend.close() $(.$await)? .map_err(|e| e.with_backend(self.name()))
            }

            /// Reads the file at `path` as strict UTF-8 (a BOM is kept); `InvalidData` otherwise.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                concat!("store.write_text(\"a.txt\", \"héllo\", &store::WriteOptions::new())" $(, ".", stringify!($await))?, "?;"),
                concat!("assert_eq!(store.read_text(\"a.txt\")" $(, ".", stringify!($await))?, "?, \"héllo\");"),
                concat!("store.write(\"bad.txt\", vec![0xffu8], &store::WriteOptions::new())" $(, ".", stringify!($await))?, "?;"),
                concat!("let err = store.read_text(\"bad.txt\")" $(, ".", stringify!($await))?, ".unwrap_err();"),
                "assert_eq!(err.kind(), store::ErrorKind::InvalidData);",
            )]
            pub $($asyncness)? fn read_text(&self, path: impl AsRef<str>) -> $crate::Result<String> {
                let path = path.as_ref();
                let bytes = self.read_bytes(path) $(.$await)? ?;
                $crate::derived::decode_text(bytes, path, self.name())
            }

            /// Writes `text` as UTF-8, with the semantics of `write`.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                concat!("let written = store.write_text(\"notes/a.md\", \"# Notes\", &store::WriteOptions::new())" $(, ".", stringify!($await))?, "?;"),
                "assert_eq!(written.size, 7);",
            )]
            pub $($asyncness)? fn write_text(
                &self,
                path: impl AsRef<str>,
                text: &str,
                options: &$crate::WriteOptions,
            ) -> $crate::Result<$crate::WriteResult> {
                self.write(path, text, options) $(.$await)?
            }

            /// The file's facts as a `WriteResult` with `source: Sidecar` ([C-5.5](crate::contract#C-5.5)).
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                concat!("store.write_text(\"a.txt\", \"hello\", &store::WriteOptions::new())" $(, ".", stringify!($await))?, "?;"),
                concat!("let facts = store.head(\"a.txt\")" $(, ".", stringify!($await))?, "?;"),
                "assert_eq!(facts.size, 5);",
            )]
            pub $($asyncness)? fn head(&self, path: impl AsRef<str>) -> $crate::Result<$crate::WriteResult> {
                let info = self.get_file_info(path) $(.$await)? ?;
                Ok($crate::WriteResult::sidecar(&info))
            }

            /// Aggregate facts about a folder, recursive over every file below it; with
            /// `max_depth`, only files at depth ≤ `max_depth` count, which needs List instead
            /// of Metadata.
            ///
            #[doc = $crate::stores::example!($store [$($asyncness . $await)?]
                "let options = store::WriteOptions::new();",
                concat!("store.write_text(\"data/a.csv\", \"1\", &options)" $(, ".", stringify!($await))?, "?;"),
                concat!("store.write_text(\"data/old/b.csv\", \"22\", &options)" $(, ".", stringify!($await))?, "?;"),
                concat!("let all = store.get_folder_info(\"data\", None)" $(, ".", stringify!($await))?, "?;"),
                "assert_eq!((all.file_count, all.total_size), (2, 3));",
                concat!("let top = store.get_folder_info(\"data\", Some(0))" $(, ".", stringify!($await))?, "?;"),
                "assert_eq!(top.file_count, 1);",
            )]
            pub $($asyncness)? fn get_folder_info(
                &self,
                path: impl AsRef<str>,
                max_depth: Option<usize>,
            ) -> $crate::Result<$crate::FolderInfo> {
                $crate::stores::refuse_in_async!($world, self.scope, "get_folder_info");
                let path = path.as_ref();
                let key = self.scope.folder_key(path)?;
                let Some(depth) = max_depth else {
                    self.scope.require($crate::Capability::Metadata)?;
                    return self.scope.rebase(self.backend.get_folder_info(&key) $(.$await)?);
                };
                self.scope.require($crate::Capability::List)?;
                let options = $crate::ListOptions::new().max_depth(depth);
                let info = $crate::derived::$world::folder_info(&*self.backend, &key, &options);
                self.scope.rebase(info $(.$await)?)
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
pub(crate) use {example, refuse_in_async, store_surface};
