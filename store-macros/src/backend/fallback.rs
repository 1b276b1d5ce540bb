//! What `#[store::backend]` expands to beside its errors, as thiserror's `fallback.rs`: the
//! user's impl block as written, a `CAPABILITIES` constant, and the trait impl with every
//! required operation present (its body never runs: the crate does not compile), so that
//! `Store::new(MyBackend)` and friends raise no second error after the real one.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ImplItem, ItemImpl};

use super::codegen::signature;
use crate::definition::Definition;

pub(crate) fn generate(def: &Definition, item: &ItemImpl) -> TokenStream {
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let user_attrs = &item.attrs;
    let user_items = &item.items;
    let pure = |name: &str| def.methods.iter().any(|m| m.ident() == name && m.is_pure());
    // The world the user wrote most of: an I/O operation written as `async fn`.
    let asynchronous = item.items.iter().any(|i| match i {
        ImplItem::Fn(f) => f.sig.asyncness.is_some() && !pure(&f.sig.ident.to_string()),
        _ => false,
    });
    let trait_ident = if asynchronous {
        quote!(::store::AsyncBackend)
    } else {
        quote!(::store::Backend)
    };
    let required = def
        .methods
        .iter()
        .filter(|m| m.default.is_none() && !m.is_pure())
        .filter(|m| !(asynchronous && m.options.sync_only.is_some()))
        .map(|m| {
            let sig = signature(m, asynchronous);
            quote!(#sig { ::core::unreachable!() })
        });
    quote! {
        #(#user_attrs)*
        impl #impl_generics #self_ty #where_clause {
            #(#user_items)*

            #[doc(hidden)]
            pub const CAPABILITIES: ::store::Capabilities = ::store::Capabilities::of(&[]);
        }

        impl #impl_generics #trait_ident for #self_ty #where_clause {
            fn name(&self) -> &'static str {
                ::core::unreachable!()
            }

            fn capabilities(&self) -> ::store::Capabilities {
                ::core::unreachable!()
            }

            #(#required)*
        }
    }
}
