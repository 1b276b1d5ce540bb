//! `#[store::backend]`: one `impl` block with only the operations a service supports becomes a
//! full `Backend` or `AsyncBackend` impl, checked against the one definition.
//!
//! The attribute cannot see `store/src/api.rs`, so it asks for it: it expands to the
//! `__store_definition!` callback that `#[dual_api]` generated, which hands the definition and
//! the user's impl to `__backend_impl!`. Pipeline: parse ([`args`], [`model`]) → validate
//! (in [`model`]) → generate ([`codegen`]).

mod args;
mod codegen;
mod model;
mod shape;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ctxt::Ctxt;
use crate::model::Definition;

/// The attribute: forwards to the definition callback.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    quote! {
        ::store::__store_definition!([::store::__private::backend_impl] (#args) #item);
    }
}

/// The callback: `{ definition } (args) impl-block`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<model::Input>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    let definition_cx = Ctxt::default();
    let def = Definition::from_syn(&definition_cx, parsed.definition);
    // The definition compiled once already; its own errors cannot occur here.
    let _ = definition_cx.check();
    let cx = Ctxt::default();
    let args = args::BackendArgs::parse(&cx, parsed.args, &parsed.item);
    let backend = model::Backend::from_syn(&cx, &def, parsed.item.clone(), args);
    match (cx.check(), backend) {
        (Ok(()), Some(backend)) => codegen::generate(&def, &backend),
        (Err(err), _) => {
            let item = &parsed.item;
            let errors = err.to_compile_error();
            quote!(#item #errors)
        }
        (Ok(()), None) => {
            let item = &parsed.item;
            quote!(#item)
        }
    }
}
