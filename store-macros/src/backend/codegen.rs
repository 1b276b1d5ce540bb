//! The impls `#[store::backend]` writes: the user's methods kept as inherent methods, a
//! `CAPABILITIES` constant derived from them, and the trait impl forwarding to them, with
//! `Unsupported` or derived bodies for everything left out.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::args::FLAGS;
use super::model::Backend;
use super::shape::absolute;
use crate::definition::{ArgKind, Definition, Method};

/// The gates the backend enables, read off the definition's `gate = ...` options (C-2.2): a
/// gate is on when the backend provides every operation of that gate which the definition
/// leaves without a default body (in the backend's world), and at least one of its operations.
fn gates(def: &Definition, backend: &Backend) -> Vec<Ident> {
    let mut gates: Vec<(&Ident, bool, bool)> = Vec::new();
    for method in &def.methods {
        let Some(gate) = &method.options.gate else {
            continue;
        };
        if backend.asynchronous && method.options.sync_only.is_some() {
            continue;
        }
        let provided = backend.provides(&method.ident().to_string());
        let required = method.default.is_none();
        let at = match gates.iter().position(|(g, _, _)| *g == gate) {
            Some(at) => at,
            None => {
                gates.push((gate, true, false));
                gates.len() - 1
            }
        };
        let (_, complete, any) = &mut gates[at];
        *complete &= provided || !required;
        *any |= provided;
    }
    gates
        .into_iter()
        .filter(|(_, complete, any)| *complete && *any)
        .map(|(gate, _, _)| format_ident!("{}", gate))
        .collect()
}

pub(crate) fn generate(def: &Definition, backend: &Backend) -> TokenStream {
    let item = &backend.item;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let self_ty = &item.self_ty;
    let sync_trait = &def.item.ident;
    let trait_ident = if backend.asynchronous {
        format_ident!("Async{}", sync_trait)
    } else {
        sync_trait.clone()
    };
    let caps = gates(def, backend)
        .into_iter()
        .chain(backend.flags.iter().map(|f| {
            let variant = FLAGS
                .iter()
                .find(|(n, _)| f == n)
                .map(|(_, v)| *v)
                .unwrap_or("Read");
            format_ident!("{}", variant, span = f.span())
        }));
    let name = &backend.name;
    let namespace = backend.flat.then(|| {
        quote! {
            fn namespace(&self) -> ::store::Namespace {
                ::store::Namespace::Flat
            }
        }
    });
    let methods = def
        .methods
        .iter()
        .filter(|m| !(backend.asynchronous && m.options.sync_only.is_some()))
        .filter_map(|m| method(m, backend));
    let user_items = &item.items;
    let user_attrs = &item.attrs;
    let world = if backend.asynchronous {
        "async"
    } else {
        "blocking"
    };
    let doc = " The capabilities every instance declares, derived by `#[store::backend]` from the operations implemented and the declared flags.";
    let impl_doc = format!(
        " The {world} backend `{}`, written by `#[store::backend]` from the operations of this type's impl block: the rest answer `Unsupported` or are derived (C-2.2).",
        name.value()
    );
    quote! {
        #(#user_attrs)*
        impl #impl_generics #self_ty #where_clause {
            #(#user_items)*

            #[doc = #doc]
            pub const CAPABILITIES: ::store::Capabilities =
                ::store::Capabilities::of(&[#(::store::Capability::#caps),*]);
        }

        #[doc = #impl_doc]
        impl #impl_generics ::store::#trait_ident for #self_ty #where_clause {
            fn name(&self) -> &'static str {
                #name
            }

            fn capabilities(&self) -> ::store::Capabilities {
                Self::CAPABILITIES
            }

            #namespace

            #(#methods)*
        }
    }
}

fn method(method: &Method, backend: &Backend) -> Option<TokenStream> {
    let ident = method.ident();
    let name = ident.to_string();
    if name == "name" || name == "capabilities" || (name == "namespace" && backend.flat) {
        return None;
    }
    let arg_names: Vec<_> = method.args.iter().map(|a| &a.ident).collect();
    if let Some(f) = backend.implemented.get(&name) {
        // Forward to the user's inherent method, keeping the user's own types.
        let user_args: Vec<_> = f
            .sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                syn::FnArg::Typed(t) => Some(t),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let params = user_args.iter().zip(&arg_names).map(|(t, n)| {
            let ty = &t.ty;
            if backend.asynchronous && !method.is_pure() {
                let ty = tie(ty);
                quote!(#n: #ty)
            } else {
                quote!(#n: #ty)
            }
        });
        let output = match &f.sig.output {
            syn::ReturnType::Type(_, ty) => quote!(#ty),
            syn::ReturnType::Default => quote!(()),
        };
        // Errors the operation returns name the backend, unless they already name one.
        let name = &backend.name;
        if backend.asynchronous && !method.is_pure() {
            return Some(quote! {
                fn #ident<'a>(&'a self, #(#params),*) -> ::store::BoxFuture<'a, #output> {
                    ::std::boxed::Box::pin(async move {
                        Self::#ident(self, #(#arg_names),*).await.map_err(|e| e.with_backend(#name))
                    })
                }
            });
        }
        if !method.is_pure() {
            return Some(quote! {
                fn #ident(&self, #(#params),*) -> #output {
                    Self::#ident(self, #(#arg_names),*).map_err(|e| e.with_backend(#name))
                }
            });
        }
        return Some(quote! {
            fn #ident(&self, #(#params),*) -> #output {
                Self::#ident(self, #(#arg_names),*)
            }
        });
    }
    if method.is_pure() {
        return None;
    }
    let body = missing_body(method, backend)?;
    let sig = signature(method, backend.asynchronous);
    Some(quote!(#sig { #body }))
}

/// `&T` becomes `&'a T`.
fn tie(ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Reference(r) if r.lifetime.is_none() => {
            let elem = &r.elem;
            quote!(&'a #elem)
        }
        other => quote!(#other),
    }
}

pub(super) fn signature(method: &Method, asynchronous: bool) -> TokenStream {
    let ident = method.ident();
    let params = method.args.iter().map(|a| {
        let name = &a.ident;
        let ty = absolute(&a.ty, asynchronous && a.kind == ArgKind::Content);
        let ty = if asynchronous {
            match syn::parse2::<syn::Type>(ty.clone()) {
                Ok(ty) => tie(&ty),
                Err(_) => ty,
            }
        } else {
            ty
        };
        quote!(#name: #ty)
    });
    let output = match &method.sig.output {
        syn::ReturnType::Type(_, ty) => absolute(ty, asynchronous),
        syn::ReturnType::Default => quote!(()),
    };
    if asynchronous {
        quote!(fn #ident<'a>(&'a self, #(#params),*) -> ::store::BoxFuture<'a, #output>)
    } else {
        quote!(fn #ident(&self, #(#params),*) -> #output)
    }
}

/// The body of an operation the user left out: derived where C-2.2 derives it, the trait's
/// default where the definition has one, `Unsupported(gate)` otherwise.
fn missing_body(method: &Method, backend: &Backend) -> Option<TokenStream> {
    let name = method.ident().to_string();
    let a = backend.asynchronous;
    // The argument's own ident: the definition arrives through `macro_rules!`, whose hygiene
    // a freshly made `path` would not match.
    let path = method.args.first().map(|a| a.ident.clone())?;
    let world = if a {
        quote!(::store::AsyncBackend)
    } else {
        quote!(::store::Backend)
    };
    let derived = match name.as_str() {
        "read" if backend.provides("read") => Some(if a {
            quote!(::std::boxed::Box::pin(::store::__private::asynchronous::read(<Self as #world>::read_bytes(self, #path))))
        } else {
            quote!(::store::__private::blocking::read(<Self as #world>::read_bytes(self, #path)))
        }),
        "is_file" if backend.has("get_file_info") => Some(if a {
            quote!(::std::boxed::Box::pin(::store::__private::asynchronous::is_file(<Self as #world>::get_file_info(self, #path))))
        } else {
            quote!(::store::__private::blocking::is_file(<Self as #world>::get_file_info(self, #path)))
        }),
        "is_folder" if backend.has("list_files") => Some(if a {
            quote!(::std::boxed::Box::pin(::store::__private::asynchronous::is_folder(self, #path)))
        } else {
            quote!(::store::__private::blocking::is_folder(self, #path))
        }),
        "exists" => Some(if a {
            quote!(::std::boxed::Box::pin(::store::__private::asynchronous::exists(self, #path)))
        } else {
            quote!(::store::__private::blocking::exists(self, #path))
        }),
        _ => None,
    };
    if derived.is_some() {
        return derived;
    }
    if method.default.is_some() {
        return None;
    }
    let gate = method.options.gate.as_ref()?;
    Some(if a {
        quote!(::store::__private::asynchronous::unsupported(self, ::store::Capability::#gate))
    } else {
        quote!(::store::__private::blocking::unsupported(self, ::store::Capability::#gate))
    })
}
