//! The `Layer` impl: the hooks as written, and for each operation taken the hook of that
//! operation and world: the signature as the user wrote it around the backend below, the
//! user's body inside (boxed in the async world).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};

use super::model::{Layer, Taken};
use crate::definition::{Definition, Method, World, Written};

pub(crate) fn generate(def: &Definition, layer: &Layer) -> TokenStream {
    let krate = &layer.krate;
    let item = &layer.item;
    let attrs = &item.attrs;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let hooks = &item.items;
    // The trait as the user named it, so their import of it stays in use.
    let trait_path = match &item.trait_ {
        Some((_, path, _)) => quote!(#path),
        None => quote!(#krate::Layer),
    };
    let taken = layer
        .operations
        .iter()
        .filter_map(|t| def.method(&t.name).map(|m| (m, t)))
        .map(|(method, taken)| operation(method, taken));
    // Renamed apart (a blocking and an async function may share a name); never called.
    let refused = layer.refused.iter().enumerate().map(|(i, f)| {
        let mut f = f.clone();
        f.sig.ident = format_ident!("__refused_{}_{}", i, f.sig.ident);
        f
    });
    let refused = (!layer.refused.is_empty()).then(|| {
        quote! {
            #[allow(dead_code)]
            impl #impl_generics #self_ty #where_clause {
                #(#refused)*
            }
        }
    });
    quote! {
        #(#attrs)*
        impl #impl_generics #trait_path for #self_ty #where_clause {
            #(#hooks)*
            #(#taken)*
        }
        #refused
    }
}

fn operation(method: &Method, taken: &Taken) -> TokenStream {
    let call = format_ident!("call", span = Span::mixed_site());
    let below = format_ident!("below", span = Span::mixed_site());
    let bound = &taken.bound;
    let bound = quote!(#bound);
    // The user's receiver, so that the `self` of their body is the one of this signature.
    let receiver = match taken.f.sig.inputs.first() {
        Some(syn::FnArg::Receiver(r)) => {
            let mut r = r.clone();
            if taken.world == World::Async {
                if let Some((_, lifetime)) = &mut r.reference {
                    *lifetime = Some(syn::Lifetime::new("'a", Span::call_site()));
                }
            }
            let (attrs, reference, self_token) = (&r.attrs, &r.reference, &r.self_token);
            let reference = reference.as_ref().map(|(and, lt)| quote!(#and #lt));
            quote!(#(#attrs)* #reference #self_token)
        }
        _ => quote!(&self),
    };
    let written = Written {
        args: taken.args.iter().map(|a| (&*a.pat, &*a.ty)).collect(),
        output: &taken.f.sig.output,
    };
    let sig = method.hook_signature(
        taken.world,
        receiver,
        (&call, &below),
        &bound,
        Some(written),
    );
    let inner = &taken.inner;
    let block = &taken.f.block;
    let attrs = &taken.f.attrs;
    let body = quote! {
        let _ = #call;
        let #inner: &B = &**#below;
        #block
    };
    let body = match taken.world {
        World::Blocking => quote!({ #body }),
        World::Async => quote!({ ::std::boxed::Box::pin(async move { #body }) }),
    };
    quote! {
        #(#attrs)*
        #sig #body
    }
}
