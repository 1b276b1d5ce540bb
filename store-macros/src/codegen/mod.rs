//! The back end: one generator per emitted item, in the order they appear in the output.

mod adapter;
mod asynchronous;
mod reverse;
mod stores;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Lifetime, Type};

use crate::model::{ArgKind, Args, Definition, Method, Output};

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
    let asynchronous = asynchronous::generate(def, &names);
    let adapter = adapter::generate(def, &names);
    let reverse = reverse::generate(def, &names);
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

/// What both adapters share: the struct wrapping an `Arc` of the other world's backend,
/// `new`, `from_arc`, `inner` and a `Debug` that names the backend.
pub(super) struct Wrapper<'a> {
    pub(super) vis: &'a syn::Visibility,
    pub(super) ident: &'a Ident,
    /// The type parameter: `B` for a blocking backend, `A` for an async one.
    pub(super) param: Ident,
    /// The trait the wrapped backend implements.
    pub(super) wrapped: &'a Ident,
    pub(super) doc: TokenStream,
    pub(super) new_doc: &'a str,
    /// Fields beyond `inner`, and the body of `from_arc` building `Self` from `backend`.
    pub(super) extra_fields: TokenStream,
    pub(super) from_arc: TokenStream,
}

impl Wrapper<'_> {
    pub(super) fn generate(&self) -> TokenStream {
        let Wrapper {
            vis,
            ident,
            param,
            wrapped,
            doc,
            new_doc,
            extra_fields,
            from_arc,
        } = self;
        quote! {
            #doc
            #vis struct #ident<#param: ?::core::marker::Sized> {
                inner: ::std::sync::Arc<#param>,
                #extra_fields
            }

            impl<#param: #wrapped> #ident<#param> {
                #[doc = #new_doc]
                #vis fn new(backend: #param) -> Self {
                    Self::from_arc(::std::sync::Arc::new(backend))
                }
            }

            impl<#param: #wrapped + ?::core::marker::Sized> #ident<#param> {
                /// Wraps a shared backend.
                #vis fn from_arc(backend: ::std::sync::Arc<#param>) -> Self {
                    #from_arc
                }

                /// The wrapped backend.
                #vis fn inner(&self) -> &#param {
                    &self.inner
                }
            }

            impl<#param: #wrapped + ?::core::marker::Sized> ::core::fmt::Debug for #ident<#param> {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.debug_struct(::core::stringify!(#ident))
                        .field("backend", &<#param as #wrapped>::name(&self.inner))
                        .finish()
                }
            }
        }
    }
}

/// One `#[doc]` attribute per line of `text`, so `cargo expand` shows `///` comments.
fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

/// The lifetime every reference of an async method is tied to.
fn future_lifetime() -> Lifetime {
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
fn async_arg_type(kind: ArgKind, ty: &Type) -> TokenStream {
    match kind {
        ArgKind::Content => quote!(::store::AsyncContent),
        ArgKind::Path(_) | ArgKind::Ref => {
            let ty = with_future_lifetime(ty);
            quote!(#ty)
        }
        ArgKind::Value => quote!(#ty),
    }
}

/// The `Ok` type of a method in each world.
fn ok_type(output: &Output, asynchronous: bool) -> TokenStream {
    match (output, asynchronous) {
        (Output::Plain(ty), _) => quote!(#ty),
        (Output::ReadStream, false) => quote!(::store::ReadStream),
        (Output::ReadStream, true) => quote!(::store::ByteStream),
        (Output::List(item), false) => quote!(::store::ListIter<#item>),
        (Output::List(item), true) => quote!(::store::ListStream<#item>),
        (Output::Other, _) => quote!(()),
    }
}

/// The methods that exist in the async world.
fn async_methods(def: &Definition) -> impl Iterator<Item = &Method> {
    def.methods.iter().filter(|m| m.options.sync_only.is_none())
}
