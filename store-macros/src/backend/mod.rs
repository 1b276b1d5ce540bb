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

/// The attribute: forwards to the definition callback. Outside `store` the callback is a path
/// (`::store::__store_definition!`); inside it (`crate = crate`) its textual name, the one
/// way rustc lets a crate call a `macro_export` macro that another macro wrote.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let krate = definition::krate(&args).unwrap_or_else(|| syn::parse_quote!(::store));
    let callback = if krate.is_ident("crate") {
        quote!(__store_definition!)
    } else {
        quote!(#krate::__store_definition!)
    };
    quote! {
        #callback([#krate::__private::backend_impl] (#args) #item);
    }
}

/// The callback: `{ definition } (args) impl-block`.
pub(crate) fn expand(input: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<definition::Input>(input) {
        Ok(parsed) => parsed,
        Err(err) => return err.to_compile_error(),
    };
    // The definition compiled once already, as `#[dual_api]`'s input; were it in error, its
    // errors would show here too.
    let definition_cx = Ctxt::new();
    let def = definition::parse(&definition_cx, parsed.definition);
    if let Err(err) = definition_cx.check() {
        return err.to_compile_error();
    }
    let cx = Ctxt::new();
    let args = args::BackendArgs::parse(&cx, parsed.args);
    let krate = args.krate.clone();
    let backend = model::Backend::from_syn(&cx, &def, parsed.item.clone(), args);
    match (cx.check(), backend) {
        (Ok(()), Some(backend)) => codegen::generate(&def, &backend),
        (Err(err), _) => {
            let errors = err.to_compile_error();
            let fallback = fallback::generate(&def, &parsed.item, &krate);
            quote!(#fallback #errors)
        }
        // Every `None` comes with an error; should one not, the fallback still compiles.
        (Ok(()), None) => fallback::generate(&def, &parsed.item, &krate),
    }
}
