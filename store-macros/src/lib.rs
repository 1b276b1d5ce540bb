//! Procedural macros of the [`store`](https://docs.rs/store) crate.
//!
//! [`macro@dual_api`] turns ONE blocking trait definition into the blocking trait, a
//! dyn-compatible async trait, the sync→async adapter and the forwarding methods of both
//! stores, so the two worlds cannot drift apart. The pipeline is
//! parse ([`model`]) → validate ([`check`]) → generate ([`codegen`]); every error is collected
//! and spanned on the offending token.

mod attr;
mod backend;
mod check;
mod codegen;
mod ctxt;
mod expand;
mod model;
mod types;

#[cfg(test)]
mod snapshot_tests;

use proc_macro::TokenStream;

/// Generates both worlds of an API from one annotated blocking trait.
///
/// From `trait Backend` it emits, in order: `Backend` (the input, `#[store]` options
/// stripped), `AsyncBackend` (boxed `Send` futures and `'static` streams, dyn-compatible),
/// `SyncBackendAdapter<B>` (runs each call on tokio's blocking pool, inline without a runtime),
/// and — with `stores(Store, AsyncStore)` — every forwarding method of both stores.
/// The options each method may carry are documented on `store::api`.
#[proc_macro_attribute]
pub fn dual_api(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::dual_api(args.into(), input.into()).into()
}

/// Defines a backend from one `impl` block holding only the operations the service supports.
///
/// Write each operation as it appears in `store::Backend` (plain `fn`) or `store::AsyncBackend`
/// (plain `async fn` — the macro boxes the futures). The macro writes `name()`,
/// `capabilities()` (derived from what is implemented plus `flags(...)`), `Unsupported` answers
/// for the operations left out, and the derived ones of the contract. Arguments:
/// `name = "..."` (required), `flags(atomic_move, seekable_read, lazy_read,
/// write_result_native, user_metadata)`, `namespace = flat`.
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
