//! The forwarding methods of both stores: validate, gate, scope, forward, rebase (C-1.3).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::Path;

use super::codegen::doc_lines;
use crate::definition::{ArgKind, Definition, Method, Role, World};

pub(crate) fn generate(def: &Definition, sync_store: &Path, async_store: &Path) -> TokenStream {
    let forwarded = || {
        def.methods
            .iter()
            .filter(|m| !m.is_pure() && !m.is_manual())
    };
    let sync_methods = forwarded().map(|m| {
        let examples = &m.examples;
        let blank = (!examples.is_empty()).then(|| quote!(#[doc = ""]));
        forwarder(m, false, quote!(#blank #(#examples)*))
    });
    let async_methods = forwarded()
        .filter(|m| m.in_world(World::Async))
        .map(|m| forwarder(m, true, async_examples(m, sync_store)));
    quote! {
        impl #sync_store {
            #(#sync_methods)*
        }

        impl #async_store {
            #(#async_methods)*
        }
    }
}

/// The async store's examples: the blocking store's, which are the same calls awaited (one
/// world each is enough, and the blocking one needs no runtime to run as a doctest).
fn async_examples(method: &Method, sync_store: &Path) -> TokenStream {
    if method.examples.is_empty() {
        return TokenStream::new();
    }
    let ident = method.ident();
    let store = quote!(#sync_store).to_string().replace(' ', "");
    let short = store.rsplit("::").next().unwrap_or(&store).to_owned();
    doc_lines(&format!(
        "\n# Examples\n\nAs on [`{short}::{ident}`]({store}::{ident}), with `.await` after the call."
    ))
}

fn forwarder(method: &Method, asynchronous: bool, examples: TokenStream) -> TokenStream {
    let attrs = method.docs();
    let ident = method.ident();
    let params = method.args.iter().map(|a| {
        let name = &a.ident;
        let ty = &a.ty;
        match (a.kind, asynchronous) {
            (ArgKind::Path(_), _) => quote!(#name: impl ::core::convert::AsRef<str>),
            (ArgKind::Content, false) => {
                quote!(#name: impl ::core::convert::Into<::store::Content>)
            }
            (ArgKind::Content, true) => {
                quote!(#name: impl ::core::convert::Into<::store::AsyncContent>)
            }
            (ArgKind::Ref | ArgKind::Value, _) => quote!(#name: #ty),
        }
    });
    // 1. option values, 2. path roles, 3. gates: argument gates, then the method's own.
    let check_options = method
        .args
        .iter()
        .filter(|a| a.kind == ArgKind::Ref)
        .map(|a| {
            let name = &a.ident;
            quote!(self.scope.check_argument(#name)?;)
        });
    let keys = method.args.iter().filter_map(|a| {
        let name = &a.ident;
        let ArgKind::Path(Some(role)) = a.kind else {
            return None;
        };
        let scope_fn = match role {
            Role::File => quote!(file_key),
            Role::Folder => quote!(folder_key),
            Role::Subfolder => quote!(subfolder_key),
            Role::Pattern => quote!(pattern_key),
        };
        Some(quote!(let #name = self.scope.#scope_fn(#name.as_ref())?;))
    });
    let argument_gates = method
        .args
        .iter()
        .filter(|a| a.kind == ArgKind::Ref)
        .map(|a| {
            let name = &a.ident;
            quote!(self.scope.require_argument(#name)?;)
        });
    let gate = method
        .gate()
        .map(|gate| quote!(self.scope.require(::store::Capability::#gate)?;));
    let call_args: Vec<_> = method
        .args
        .iter()
        .map(|a| {
            let name = &a.ident;
            match a.kind {
                ArgKind::Path(_) => quote!(&#name),
                ArgKind::Content => quote!(#name.into()),
                ArgKind::Ref | ArgKind::Value => quote!(#name),
            }
        })
        .collect();
    let await_ = asynchronous.then(|| quote!(.await));
    // Locals of generated bodies are hygienic, so no argument name can shadow them.
    let result = format_ident!("result", span = Span::mixed_site());
    let keeper = format_ident!("filter", span = Span::mixed_site());
    let filter = method.filter().map(|filter| {
        let keep = if asynchronous {
            quote!(::store::__private::keep_stream)
        } else {
            quote!(::store::__private::keep_iter)
        };
        let filter_args = method.args.iter().map(|a| {
            let name = &a.ident;
            match a.kind {
                ArgKind::Path(_) => quote!(&#name),
                _ => quote!(#name),
            }
        });
        (
            quote!(let #keeper = #filter::new(#(#filter_args),*);),
            quote!(let #result = #result.map(|items| #keep(items, #keeper));),
        )
    });
    let (make_filter, apply_filter) = filter.unzip();
    let output = method.output_type(if asynchronous {
        World::Async
    } else {
        World::Blocking
    });
    let asyncness = asynchronous.then(|| quote!(async));
    // A blocking store refuses async code first, whatever its backend (one rule).
    let in_async = (!asynchronous).then(|| {
        let name = ident.to_string();
        quote!(self.scope.refuse_blocking_in_async(#name)?;)
    });
    quote! {
        #(#attrs)*
        #examples
        pub #asyncness fn #ident(&self, #(#params),*) -> #output {
            #in_async
            #(#check_options)*
            #(#keys)*
            #(#argument_gates)*
            #gate
            #make_filter
            let #result = self.backend.#ident(#(#call_args),*)#await_;
            #apply_filter
            self.scope.rebase(#result)
        }
    }
}
