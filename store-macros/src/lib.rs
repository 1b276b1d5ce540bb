//! Procedural macros of the `store` crate.
//!
//! [`macro@dual_api`] turns ONE blocking trait definition into the blocking trait, a
//! dyn-compatible async trait, both adapters and the forwarding methods of both stores, so the
//! two worlds cannot drift apart; [`macro@backend`] turns one `impl` block into a backend,
//! checked against that same definition. Both read one front end (`definition/`: parse →
//! model → validate, every error collected and spanned on the offending token), then each
//! generates (`dual_api/`, `backend/`); on error each still expands to what is right, so one
//! mistake gives one error.

mod backend;
mod definition;
mod dual_api;
mod layer;

#[cfg(test)]
mod snapshot_tests;

use proc_macro::TokenStream;

/// Generates both worlds of an API from one annotated blocking trait.
///
/// From `trait Backend` it emits, in order: `Backend` (the input, `#[store]` options
/// stripped), `AsyncBackend` (boxed `Send` futures and `'static` streams, dyn-compatible),
/// `SyncBackendAdapter<B>` (runs each call on tokio's blocking pool, inline without a runtime),
/// `AsyncBackendSyncAdapter<A>` (runs each call on a private runtime thread), and — with
/// `stores(Store, AsyncStore)` — every forwarding method of both stores, plus the definition
/// as a callback macro for `#[store::backend]`. The storage API is defined once with it, in
/// `store/src/api.rs`.
///
/// Per-method options live in `#[store(...)]`:
/// - `gate = Cap`: the capability the Store checks before forwarding, emitted as
///   `::store::Capability::Cap` so rustc checks the name;
/// - `file(arg)`, `folder(arg)`, `subfolder(arg)`, `pattern(arg)`: the role of each path
///   argument (C-1.2): a file path, a folder path where `""`/`"."` are the root, a folder path
///   that must not be the root, a glob pattern;
/// - `materialize`: a listing, whose iterator the async adapter moves to tokio's blocking pool
///   once and pulls in bounded batches from there;
/// - `filter = Type`: the Store keeps only the listed items that `Type` accepts;
/// - `pure`: no I/O, identical and synchronous in both worlds, not forwarded by the stores;
/// - `sync_only`: absent from the async world (`read_seekable`, `open_atomic`);
/// - `manual`: the stores write their own public method (extra Store-level behaviour);
/// - `mutates`: the operation changes what is stored (a fact of the operation table);
/// - `repeatable_if(arg)`: a mutating operation that may be repeated after an error that may
///   have been applied, when `arg` says so (`::store::__private::RepeatableIf`: `true`, an
///   overwrite without precondition);
/// - `async_default = path`: the default body of the async method;
/// - `async_to_sync = path`: the body of the method in `AsyncBackendSyncAdapter`, where it
///   differs from forwarding;
/// - `derive_from(a, b)`: `#[store::backend]` writes the method for a backend that has `a` and
///   `b` but not it, with the function of its name in the `blocking` or `asynchronous` module
///   of the trait's `#[store(derivations = path)]`;
/// - `flags(Cap, ...)`: the capability flags a backend may declare only if it has this
///   operation.
///
/// With `stores(..)` it also emits `OPERATIONS`, the table of every I/O method (name, gate,
/// arguments and their roles, whether it mutates, what it returns, whether it is blocking-only).
/// With `layers` besides, `Layered<L, B>` (a backend of either world with a `::store::Layer`
/// around every operation) and the per-operation hooks of `Layer` that `#[store::layer]`
/// overrides: `store`'s own definition, since the hooks are that trait's.
#[proc_macro_attribute]
pub fn dual_api(args: TokenStream, input: TokenStream) -> TokenStream {
    dual_api::dual_api(args.into(), input.into()).into()
}

/// Defines a storage backend from one `impl` block holding only the operations the service
/// supports. The outline below is compiled in full, bodies and tests included, as
/// `examples/custom_backend.rs` (this crate cannot run a doctest that needs `store`):
///
/// ```text
/// #[store::backend(name = "kv", namespace = flat, flags(atomic_move))]
/// impl KvBackend {
///     async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> { ... }
///     async fn write(&self, p: &StorePath, c: AsyncContent, o: &WriteOptions) -> Result<WriteResult> { ... }
///     async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> { ... }
///     async fn rename(&self, src: &StorePath, dst: &StorePath, overwrite: bool) -> Result<()> { ... }
///     async fn list_files(&self, p: &StorePath, o: &ListOptions) -> Result<ListStream<FileInfo>> { ... }
///     async fn list_folders(&self, p: &StorePath, o: &ListOptions) -> Result<ListStream<FolderEntry>> { ... }
/// }
/// ```
///
/// Write each operation with the signature it has in `store::Backend` (plain `fn`: a blocking
/// backend) or in `store::AsyncBackend` (plain `async fn`: an async backend; the macro boxes
/// the futures) — all of one world. Each is checked against the one definition: an unknown
/// name gets the closest operation's name, a wrong type is reported on that type.
///
/// The macro writes `name()`, `capabilities()` and a `CAPABILITIES` constant, and for every
/// operation left out, a body: derived from the ones written where the definition declares a
/// derivation (`derive_from`), the definition's default where it has one, `Unsupported(gate)`
/// otherwise. The trait impl is `#[automatically_derived]`, inside a `const _` block that
/// imports the names the definition spells its types with.
///
/// - **Arguments:** `name = "..."` (the stable id; may be left out when the block writes
///   `fn name(&self)`, for a name chosen per instance), `namespace = flat` (folders implied by
///   key prefixes; hierarchical by default), `flags(...)` for what capabilities do not show,
///   in snake case (`atomic_move` is `Capability::AtomicMove`): each is declared in the
///   definition on the operations it needs (`atomic_move` needs `rename`, `seekable_read` the
///   blocking world and a read, `conditional_write` `write` and `get_file_info`, …), and
///   `crate = path` (where `store` is, `::store` by default; `crate` inside it).
/// - **Narrowing per instance:** a block that writes `fn capabilities(&self)` declares, for
///   each instance, that set within `CAPABILITIES`: never more than its operations give.
/// - **The least a backend writes:** the probes, as `exists`, `is_file` and `is_folder`, or
///   what they derive from: `is_file` from `get_file_info`, `is_folder` from `list_files` and
///   `list_folders`, `exists` from the two probes.
/// - **A gate is all or nothing:** a backend that writes one operation of a gate writes every
///   one the definition leaves without a default (or what it derives from): `delete` with
///   `delete_folder`, `list_files` with `list_folders`, and in a blocking backend
///   `write_atomic` with `open_atomic`.
/// - **What each gate needs:** Read: `read` or `read_bytes` (each derives the other, and
///   `read_range` and `read_seekable` derive from them); Write: `write`; Delete and List: their
///   pairs (`iter_children` derives from List); Glob: `glob`; Move: `rename`; Copy: `copy`;
///   AtomicWrite: `write_atomic`; Metadata: `get_file_info` (`get_folder_info` derives from
///   it and List).
///
/// The backend then works in both worlds: `AsyncStore::new(kv)` and `Store::new(kv)` alike.
/// Check it against the whole contract with `store::conformance_tests!` (feature
/// `conformance`): the group `all` applies to every backend, `hier` only to a hierarchical one,
/// `sync_world` to a `Store` fixture, `async_world` to an `AsyncStore` one, and `async_to_sync` to a
/// `Store` over an async backend; a group that does not fit fails and says so.
#[proc_macro_attribute]
pub fn backend(args: TokenStream, input: TokenStream) -> TokenStream {
    backend::attribute(args.into(), input.into()).into()
}

/// Writes a layer that takes single operations itself, each written as the operation is in
/// the definition, with the backend below as its first argument. The outline below is
/// compiled, with the layer in use, in the workspace's `tests/layers.rs`:
///
/// ```text
/// #[store::layer]
/// impl Layer for AuditDeletes {
///     fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: bool) -> Result<()> {
///         self.log(path);
///         inner.delete(path, missing_ok)
///     }
///
///     async fn delete(&self, inner: &impl AsyncBackend, path: &StorePath, missing_ok: bool) -> Result<()> {
///         self.log(path);
///         inner.delete(path, missing_ok).await
///     }
/// }
/// ```
///
/// A plain `fn` takes the operation in the blocking world, an `async fn` in the async world;
/// a layer takes an operation in one world, the other or both. Each is checked against the
/// one definition like a backend's operations: an unknown name gets the closest operation's
/// (or hook's) name, a wrong type is reported on that type, a pure operation or one the world
/// lacks is refused. The operation taken replaces the layer's `around` and stream hooks for
/// it; every other operation goes through them as before. The block may also write the hooks
/// of `Layer` (`around`, `capabilities`, …), and may be a plain `impl Type`: the macro writes
/// the `Layer` impl. `crate = path` says where `store` is (`::store` by default).
#[proc_macro_attribute]
pub fn layer(args: TokenStream, input: TokenStream) -> TokenStream {
    layer::attribute(args.into(), input.into()).into()
}

/// The second half of `#[layer]`, called back with the definition. Not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __layer_impl(input: TokenStream) -> TokenStream {
    layer::expand(input.into()).into()
}

/// The second half of `#[backend]`, called back with the definition. Not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __backend_impl(input: TokenStream) -> TokenStream {
    backend::expand(input.into()).into()
}
