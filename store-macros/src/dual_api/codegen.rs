//! What the generators share: the names derived from the definition, the order of the output,
//! and the types of each world.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{async_adapter, async_trait, kit, layered, operations, stores, sync_adapter};
use crate::definition::{ArgKind, Args, Definition, Method, World};

/// The names derived from the definition's trait name.
pub(crate) struct Names {
    pub(crate) sync_trait: Ident,
    pub(crate) async_trait: Ident,
    /// `SyncBackendAdapter`: a blocking backend in the async world.
    pub(crate) sync_adapter: Ident,
    /// `AsyncBackendSyncAdapter`: an async backend in the blocking world.
    pub(crate) async_adapter: Ident,
}

impl Names {
    fn new(def: &Definition) -> Names {
        let base = &def.item.ident;
        Names {
            sync_trait: def.trait_ident(World::Blocking),
            async_trait: def.trait_ident(World::Async),
            sync_adapter: format_ident!("Sync{}Adapter", base),
            async_adapter: format_ident!("Async{}SyncAdapter", base),
        }
    }
}

/// Everything `#[dual_api]` emits for a valid definition.
pub(crate) fn generate(def: &Definition, args: &Args) -> TokenStream {
    let names = Names::new(def);
    let blocking = &def.item;
    let asynchronous = async_trait::generate(def, &names);
    let sync_adapter = sync_adapter::generate(def, &names);
    let async_adapter = async_adapter::generate(def, &names);
    let stores = match &args.stores {
        Some((sync_store, async_store)) => {
            let forwarders = stores::generate(def, sync_store, async_store);
            let table = operations::generate(def);
            let kit = kit::generate(def, sync_store, async_store);
            let layered = args.layers.map(|_| layered::generate(def, &names));
            quote!(#forwarders #table #layered #kit)
        }
        // Without stores nothing else names the gates: rustc still checks each one.
        None => {
            let gates = def.methods.iter().filter_map(Method::gate);
            quote!(#(const _: ::store::Capability = ::store::Capability::#gates;)*)
        }
    };
    quote! {
        #blocking
        #asynchronous
        #sync_adapter
        #async_adapter
        #stores
    }
}

/// One `#[doc]` attribute per line of `text`, so `cargo expand` shows `///` comments.
pub(super) fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

/// The methods that exist in the async world.
pub(super) fn async_methods(def: &Definition) -> impl Iterator<Item = &Method> {
    def.methods.iter().filter(|m| m.in_world(World::Async))
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
