//! `#[store::layer]`: a layer that takes single operations itself, written as the operations
//! are in the definition, with the backend below as their first argument.
//!
//! Like `#[store::backend]`, the attribute asks for the definition through the
//! `__store_definition!` callback, which hands it and the user's impl to `__layer_impl!`.
//! Pipeline: the definition through the shared front end ([`crate::definition`]); the impl
//! block checked against it ([`model`]); then generated ([`codegen`]), or on error the
//! fallback, the impl without the operations in error, so one mistake gives one error.

mod codegen;
mod model;

use proc_macro2::TokenStream;
use quote::quote;

use crate::definition::{self, Ctxt};

/// The attribute: forwards to the definition callback, which calls `__layer_impl!`.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    definition::call_back("layer_impl", args, item)
}

/// The callback: `{ definition } (args) impl-block`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let (def, args, item) = match definition::called_back(input) {
        Ok(parsed) => parsed,
        Err(errors) => return errors,
    };
    let cx = Ctxt::new();
    let krate = model::krate(&cx, args);
    let layer = model::Layer::from_syn(&cx, &def, item, krate);
    let generated = codegen::generate(&def, &layer);
    match cx.check() {
        Ok(()) => generated,
        Err(err) => {
            let errors = err.to_compile_error();
            quote!(#generated #errors)
        }
    }
}
