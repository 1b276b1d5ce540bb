//! The entry point's body: parse, validate, generate; on error, the input plus every error.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

use crate::check;
use crate::codegen;
use crate::ctxt::Ctxt;
use crate::model::{Args, Definition};

pub(crate) fn dual_api(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = match syn::parse2::<Item>(input.clone()) {
        Ok(Item::Trait(item)) => item,
        Ok(other) => return not_a_trait(&other, input),
        Err(err) => return err.to_compile_error(),
    };
    let cx = Ctxt::default();
    let args = Args::parse(&cx, args);
    let def = Definition::from_syn(&cx, item);
    check::check(&cx, &def);
    match cx.check() {
        Ok(()) => codegen::generate(&def, &args),
        Err(err) => {
            // Keep the input (options stripped) so one mistake does not cascade into others.
            let errors = err.to_compile_error();
            let item = &def.item;
            quote!(#item #errors)
        }
    }
}

/// The attribute on anything but a trait: the error points at the item's keyword.
fn not_a_trait(item: &Item, input: TokenStream) -> TokenStream {
    let message = "`#[dual_api]` applies to a trait: write the API as the plain blocking trait";
    let err = match item {
        Item::Struct(s) => syn::Error::new_spanned(s.struct_token, message),
        Item::Enum(e) => syn::Error::new_spanned(e.enum_token, message),
        Item::Fn(f) => syn::Error::new_spanned(f.sig.fn_token, message),
        Item::Impl(i) => syn::Error::new_spanned(i.impl_token, message),
        Item::Mod(m) => syn::Error::new_spanned(m.mod_token, message),
        other => syn::Error::new_spanned(other, message),
    };
    let err = err.to_compile_error();
    quote!(#input #err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(input: TokenStream) -> String {
        dual_api(TokenStream::new(), input).to_string()
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let out = errors(quote! {
            trait Api {
                async fn a(&self) -> Result<()>;
                fn b(self) -> Result<()>;
                #[store(bogus)]
                fn c(&self) -> Result<()>;
            }
        });
        assert!(out.contains("blocking trait"), "{out}");
        assert!(out.contains("receiver must be"), "{out}");
        assert!(out.contains("unknown `store` option `bogus`"), "{out}");
    }

    #[test]
    fn gate_typo_gets_a_suggestion() {
        let out = errors(quote! {
            trait Api {
                #[store(gate = Reed)]
                fn c(&self) -> Result<()>;
            }
        });
        assert!(out.contains("did you mean `Read`"), "{out}");
    }
}
