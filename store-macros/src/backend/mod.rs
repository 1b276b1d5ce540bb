//! `#[store::backend]`: one `impl` block with only the operations a service supports becomes a
//! full `Backend` or `AsyncBackend` impl, checked against the one definition.
//!
//! The attribute cannot see `store/src/api.rs`, so it asks for it: it expands to the
//! `__store_definition!` callback that `#[dual_api]` generated, which hands the definition and
//! the user's impl to `__backend_impl!`. Pipeline: the definition through the shared front end
//! ([`crate::definition`]); the arguments and the impl block parsed and checked against it
//! ([`args`], [`model`]); then generated ([`codegen`]), or on error the [`fallback`].

mod args;
mod codegen;
mod fallback;
mod model;

use proc_macro2::TokenStream;
use quote::quote;

use crate::definition::{self, Ctxt};

/// The attribute: forwards to the definition callback, which calls `__backend_impl!`.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    definition::call_back("backend_impl", args, item)
}

/// The callback: `{ definition } (args) impl-block`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let (def, args, item) = match definition::called_back(input) {
        Ok(parsed) => parsed,
        Err(errors) => return errors,
    };
    let cx = Ctxt::new();
    let args = args::BackendArgs::parse(&cx, args);
    let krate = args.krate.clone();
    let backend = model::Backend::from_syn(&cx, &def, item.clone(), args);
    match (cx.check(), backend) {
        (Ok(()), Some(backend)) => codegen::generate(&def, &backend),
        (Err(err), _) => {
            let errors = err.to_compile_error();
            let fallback = fallback::generate(&def, &item, &krate);
            quote!(#fallback #errors)
        }
        // Every `None` comes with an error; should one not, the fallback still compiles.
        (Ok(()), None) => fallback::generate(&def, &item, &krate),
    }
}
