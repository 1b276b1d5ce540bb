//! What the generators share: the names derived from the definition, the order of the output,
//! and the types of each world.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Lifetime, Type};

use super::{async_adapter, async_trait, stores, sync_adapter};
use crate::definition::{
    world_type, ArgKind, Args, Definition, Method, Output, CONTENT, LIST_ITER, READ_STREAM,
};

/// The names derived from the definition's trait name.
pub(crate) struct Names {
    pub(crate) sync_trait: Ident,
    pub(crate) async_trait: Ident,
    pub(crate) adapter: Ident,
    pub(crate) reverse: Ident,
}

impl Names {
    fn new(def: &Definition) -> Names {
        let base = &def.item.ident;
        Names {
            sync_trait: base.clone(),
            async_trait: format_ident!("Async{}", base),
            adapter: format_ident!("Sync{}Adapter", base),
            reverse: format_ident!("Async{}SyncAdapter", base),
        }
    }
}

/// Everything `#[dual_api]` emits for a valid definition.
pub(crate) fn generate(def: &Definition, args: &Args) -> TokenStream {
    let names = Names::new(def);
    let blocking = &def.item;
    let asynchronous = async_trait::generate(def, &names);
    let adapter = sync_adapter::generate(def, &names);
    let reverse = async_adapter::generate(def, &names);
    let stores = args
        .stores
        .as_ref()
        .map(|(sync_store, async_store)| stores::generate(def, sync_store, async_store));
    quote! {
        #blocking
        #asynchronous
        #adapter
        #reverse
        #stores
    }
}

/// One `#[doc]` attribute per line of `text`, so `cargo expand` shows `///` comments.
pub(super) fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

/// The lifetime every reference of an async method is tied to.
pub(super) fn future_lifetime() -> Lifetime {
    Lifetime::new("'a", proc_macro2::Span::call_site())
}

/// `ty` with every elided reference lifetime set to `'a`.
fn with_future_lifetime(ty: &Type) -> Type {
    struct Tie;
    impl VisitMut for Tie {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.is_none() {
                r.lifetime = Some(future_lifetime());
            }
            self.visit_type_mut(&mut r.elem);
        }
    }
    let mut ty = ty.clone();
    Tie.visit_type_mut(&mut ty);
    ty
}

/// The async world's type of an argument.
pub(super) fn async_arg_type(kind: ArgKind, ty: &Type) -> TokenStream {
    match kind {
        ArgKind::Content => {
            let ty = world_type(CONTENT, true);
            quote!(::store::#ty)
        }
        ArgKind::Path(_) | ArgKind::Ref => {
            let ty = with_future_lifetime(ty);
            quote!(#ty)
        }
        ArgKind::Value => quote!(#ty),
    }
}

/// The `Ok` type of a method in each world.
pub(super) fn ok_type(output: &Output, asynchronous: bool) -> TokenStream {
    match (output, asynchronous) {
        (Output::Plain(ty), _) => quote!(#ty),
        (Output::ReadStream, asynchronous) => {
            let ty = world_type(READ_STREAM, asynchronous);
            quote!(::store::#ty)
        }
        (Output::List(item), asynchronous) => {
            let ty = world_type(LIST_ITER, asynchronous);
            quote!(::store::#ty<#item>)
        }
        (Output::Other, _) => quote!(()),
    }
}

/// The methods that exist in the async world.
pub(super) fn async_methods(def: &Definition) -> impl Iterator<Item = &Method> {
    def.methods.iter().filter(|m| m.options.sync_only.is_none())
}

/// How a method's arguments reach a call made elsewhere (another thread, another runtime):
/// the statements that make owned copies — references cloned, content converted by
/// `content`, values moved — and the call's arguments, the copies borrowed again where the
/// method takes a reference.
pub(super) fn moved_args(
    method: &Method,
    content: impl Fn(&Ident) -> TokenStream,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    method
        .args
        .iter()
        .map(|a| {
            let name = &a.ident;
            match a.kind {
                ArgKind::Path(_) | ArgKind::Ref => (
                    quote!(let #name = ::core::clone::Clone::clone(#name);),
                    quote!(&#name),
                ),
                ArgKind::Content => (content(name), quote!(#name)),
                ArgKind::Value => (quote!(), quote!(#name)),
            }
        })
        .unzip()
}
