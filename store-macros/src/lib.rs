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
/// - `gate = Cap`: the capability the Store checks before forwarding;
/// - `file(arg)`, `folder(arg)`, `subfolder(arg)`, `pattern(arg)`: the role of each path
///   argument (C-1.2): a file path, a folder path where `""`/`"."` are the root, a folder path
///   that must not be the root, a glob pattern;
/// - `materialize`: a listing whose iterator the async adapter collects inside one blocking
///   call;
/// - `filter = Type`: the Store keeps only the listed items that `Type` accepts;
/// - `pure`: no I/O, identical and synchronous in both worlds, not forwarded by the stores;
/// - `sync_only`: absent from the async world (`read_seekable`, `open_atomic`);
/// - `manual`: the stores write their own public method (extra Store-level behaviour);
/// - `store_name = name`: the stores expose the method under another name;
/// - `async_default = path`: the default body of the async method;
/// - `reverse = path`: the body of the method in `AsyncBackendSyncAdapter`, where it differs
///   from forwarding.
#[proc_macro_attribute]
pub fn dual_api(args: TokenStream, input: TokenStream) -> TokenStream {
    dual_api::dual_api(args.into(), input.into()).into()
}

/// Defines a storage backend from one `impl` block holding only the operations the service
/// supports.
///
/// ```ignore
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
/// operation left out, a body: derived from the ones written where the contract derives it,
/// the definition's default where it has one, `Unsupported(gate)` otherwise.
///
/// - **Arguments:** `name = "..."` (required, the stable id), `namespace = flat` (folders
///   implied by key prefixes; hierarchical by default), `flags(...)` for what capabilities do
///   not show: `atomic_move` (needs `rename`), `seekable_read` (blocking, needs a read),
///   `lazy_read` (needs a read), `write_result_native` (needs `write`), `user_metadata`,
///   `attributes` and `conditional_write` (each needs `write` and `get_file_info`; the
///   backend then keeps what the options carry, or checks `if_match` in the same step as
///   the write).
/// - **The least a backend writes:** the probes, as `exists`, `is_file` and `is_folder`, or
///   what they derive from: `is_file` from `get_file_info`, `is_folder` from `list_files` and
///   `list_folders`, `exists` from the two probes.
/// - **Operations that come in pairs:** `delete` with `delete_folder` (gate Delete),
///   `list_files` with `list_folders` (gate List), and in a blocking backend `write_atomic`
///   with `open_atomic` (gate AtomicWrite).
/// - **What each gate needs:** Read: `read` or `read_bytes` (each derives the other, and
///   `read_range` and `read_seekable` derive from them); Write: `write`; Delete and List: their
///   pairs (`iter_children` derives from List); Glob: `glob`; Move: `rename`; Copy: `copy`;
///   AtomicWrite: `write_atomic`; Metadata: `get_file_info` (`get_folder_info` derives from
///   it and List).
///
/// The backend then works in both worlds: `AsyncStore::new(kv)` and `Store::new(kv)` alike.
/// Check it against the whole contract with `store::conformance_tests!` (feature
/// `conformance`): the group `all` applies to every backend, `hier` only to a hierarchical one,
/// `sync_world` to a `Store` fixture, `async_world` to an `AsyncStore` one, and `reverse` to a
/// `Store` over an async backend; a group that does not fit fails and says so.
#[proc_macro_attribute]
pub fn backend(args: TokenStream, input: TokenStream) -> TokenStream {
    backend::attribute(args.into(), input.into()).into()
}

/// The second half of `#[backend]`, called back with the definition. Not for direct use.
#[doc(hidden)]
#[proc_macro]
pub fn __backend_impl(input: TokenStream) -> TokenStream {
    backend::expand(input.into()).into()
}
