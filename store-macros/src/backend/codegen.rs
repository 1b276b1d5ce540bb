//! The impls `#[store::backend]` writes: the user's methods kept as inherent methods, a
//! `CAPABILITIES` constant derived from them, and the trait impl forwarding to them, with
//! derived or `Unsupported` bodies for everything left out. Every fact comes from the
//! definition's model: signatures, derivations, gates and flags.
//!
//! The trait impl sits in `const _: () = { use <store>::__private::names::*; ... };`, so its
//! signatures are spelled as `api.rs` spells them and resolve the same in any crate.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Path;

use super::model::Backend;
use crate::definition::{Definition, Method, World};

pub(crate) fn generate(def: &Definition, backend: &Backend) -> TokenStream {
    let item = &backend.item;
    let krate = &backend.args.krate;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let trait_path = trait_path(def, krate, backend.world);
    let caps = backend
        .gates(def)
        .into_iter()
        .chain(backend.args.flags.iter().map(|(_, capability)| capability));
    let name = match &backend.args.name {
        _ if backend.has("name") => quote! {
            fn name(&self) -> &'static str {
                Self::name(self)
            }
        },
        Some(name) => quote! {
            fn name(&self) -> &'static str {
                #name
            }
        },
        None => quote!(),
    };
    let capabilities = if backend.has("capabilities") {
        // A backend may narrow its set per instance, never widen it.
        quote! {
            fn capabilities(&self) -> Capabilities {
                Self::capabilities(self).intersection(Self::CAPABILITIES)
            }
        }
    } else {
        quote! {
            fn capabilities(&self) -> Capabilities {
                Self::CAPABILITIES
            }
        }
    };
    let namespace = (backend.args.flat && !backend.has("namespace")).then(|| {
        quote! {
            fn namespace(&self) -> Namespace {
                Namespace::Flat
            }
        }
    });
    let methods = def
        .methods
        .iter()
        .filter(|m| m.in_world(backend.world))
        .filter(|m| !matches!(m.ident().to_string().as_str(), "name" | "capabilities"))
        .filter_map(|m| method(def, m, backend));
    let user_items = &item.items;
    let user_attrs = &item.attrs;
    let world = match backend.world {
        World::Async => "async",
        World::Blocking => "blocking",
    };
    let doc = " The capabilities every instance declares, derived by `#[store::backend]` from the operations implemented and the declared flags.";
    let described = backend
        .args
        .name
        .as_ref()
        .map_or_else(String::new, |name| format!(" `{}`", name.value()));
    let impl_doc = format!(
        " The {world} backend{described}, written by `#[store::backend]` from the operations of this type's impl block: the rest answer `Unsupported` or are derived (C-2.2)."
    );
    quote! {
        #(#user_attrs)*
        impl #impl_generics #self_ty #where_clause {
            #(#user_items)*

            #[doc = #doc]
            pub const CAPABILITIES: #krate::Capabilities =
                #krate::Capabilities::of(&[#(#krate::Capability::#caps),*]);
        }

        const _: () = {
            use #krate::__private::names::*;

            #[doc = #impl_doc]
            #[automatically_derived]
            impl #impl_generics #trait_path for #self_ty #where_clause {
                #name

                #capabilities

                #namespace

                #(#methods)*
            }
        };
    }
}

/// `::store::Backend` or `::store::AsyncBackend`.
pub(super) fn trait_path(def: &Definition, krate: &Path, world: World) -> TokenStream {
    let ident = def.trait_ident(world);
    quote!(#krate::#ident)
}

fn method(def: &Definition, method: &Method, backend: &Backend) -> Option<TokenStream> {
    let ident = method.ident();
    let sig = method.signature(backend.world);
    let args: Vec<_> = method.args.iter().map(|a| &a.ident).collect();
    if backend.has(&ident.to_string()) {
        if method.is_pure() {
            return Some(quote!(#sig { Self::#ident(self, #(#args),*) }));
        }
        // Errors the operation returns name the backend, unless they already name one.
        let named = match &backend.args.name {
            Some(name) if !backend.has("name") => quote!(|e: Error| e.with_backend(#name)),
            _ => {
                let trait_path = trait_path(def, &backend.args.krate, backend.world);
                quote!(|e: Error| e.with_backend(<Self as #trait_path>::name(self)))
            }
        };
        return Some(match backend.world {
            World::Async => quote! {
                #sig {
                    ::std::boxed::Box::pin(async move {
                        Self::#ident(self, #(#args),*).await.map_err(#named)
                    })
                }
            },
            World::Blocking => quote! {
                #sig {
                    Self::#ident(self, #(#args),*).map_err(#named)
                }
            },
        });
    }
    if method.is_pure() {
        return None;
    }
    let body = missing_body(def, method, backend)?;
    Some(quote!(#sig { #body }))
}

/// The body of an operation the user left out: derived where the definition says it derives
/// and the backend has what it derives from, the trait's default where the definition has
/// one, `Unsupported(gate)` otherwise.
fn missing_body(def: &Definition, method: &Method, backend: &Backend) -> Option<TokenStream> {
    let ident = method.ident();
    let args = method.args.iter().map(|a| &a.ident);
    let world = match backend.world {
        World::Async => quote!(asynchronous),
        World::Blocking => quote!(blocking),
    };
    if backend.derives(def, method) {
        let module = in_krate(def.derivations.as_ref()?, &backend.args.krate);
        return Some(quote!(#module::#world::#ident(self, #(#args),*)));
    }
    if method.default.is_some() {
        return None;
    }
    let gate = method.gate()?;
    let krate = &backend.args.krate;
    Some(quote!(#krate::__private::#world::unsupported(self, #krate::Capability::#gate)))
}

/// `path` with a leading `crate` (as the definition, inside `store`, names its own items)
/// replaced by the path to `store` where the backend is.
fn in_krate(path: &Path, krate: &Path) -> TokenStream {
    let mut segments = path.segments.iter();
    match segments.next() {
        Some(first) if first.ident == "crate" && path.leading_colon.is_none() => {
            quote!(#krate #(::#segments)*)
        }
        _ => quote!(#path),
    }
}
