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

use crate::definition::{self, krate, Ctxt};

/// The attribute: forwards to the definition callback (see `#[store::backend]`).
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let krate = krate(&args).unwrap_or_else(|| syn::parse_quote!(::store));
    let callback = if krate.is_ident("crate") {
        quote!(__store_definition!)
    } else {
        quote!(#krate::__store_definition!)
    };
    quote! {
        #callback([#krate::__private::layer_impl] (#args) #item);
    }
}

/// The callback: `{ definition } (args) impl-block`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<definition::Input>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    let definition_cx = Ctxt::new();
    let def = definition::parse(&definition_cx, parsed.definition);
    if let Err(err) = definition_cx.check() {
        return err.to_compile_error();
    }
    let cx = Ctxt::new();
    let krate = model::krate(&cx, parsed.args);
    let layer = model::Layer::from_syn(&cx, &def, parsed.item, krate);
    let generated = codegen::generate(&def, &layer);
    match cx.check() {
        Ok(()) => generated,
        Err(err) => {
            let errors = err.to_compile_error();
            quote!(#generated #errors)
        }
    }
}
