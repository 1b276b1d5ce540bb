//! What both adapters share: the struct wrapping an `Arc` of the other world's backend,
//! `new`, `from_arc`, `inner` and a `Debug` that names the backend.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// One adapter's wrapper struct and its inherent items.
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
