//! What `#[store::backend]` expands to beside its errors, as thiserror's `fallback.rs`: the
//! user's impl block as written, a `CAPABILITIES` constant, and the trait impl with every
//! required operation present (its body never runs: the crate does not compile), so that
//! `Store::new(MyBackend)` and friends raise no second error after the real one.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ImplItem, ItemImpl, Path};

use super::codegen::trait_path;
use crate::definition::{Definition, World};

pub(crate) fn generate(def: &Definition, item: &ItemImpl, krate: &Path) -> TokenStream {
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let user_attrs = &item.attrs;
    let user_items = &item.items;
    let pure = |name: &str| def.method(name).is_some_and(|m| m.is_pure());
    // The world the user wrote most of: an I/O operation written as `async fn`.
    let asynchronous = item.items.iter().any(|i| match i {
        ImplItem::Fn(f) => f.sig.asyncness.is_some() && !pure(&f.sig.ident.to_string()),
        _ => false,
    });
    let world = if asynchronous {
        World::Async
    } else {
        World::Blocking
    };
    let trait_path = trait_path(def, krate, world);
    let required = def
        .methods
        .iter()
        .filter(|m| m.default.is_none() && m.in_world(world))
        .filter(|m| !matches!(m.ident().to_string().as_str(), "name" | "capabilities"))
        .map(|m| {
            let sig = m.signature(world);
            quote!(#sig { ::core::unreachable!() })
        });
    quote! {
        #(#user_attrs)*
        impl #impl_generics #self_ty #where_clause {
            #(#user_items)*

            #[doc(hidden)]
            pub const CAPABILITIES: #krate::Capabilities = #krate::Capabilities::of(&[]);
        }

        const _: () = {
            use #krate::__private::names::*;

            #[automatically_derived]
            impl #impl_generics #trait_path for #self_ty #where_clause {
                fn name(&self) -> &'static str {
                    ::core::unreachable!()
                }

                fn capabilities(&self) -> Capabilities {
                    ::core::unreachable!()
                }

                #(#required)*
            }
        };
    }
}
