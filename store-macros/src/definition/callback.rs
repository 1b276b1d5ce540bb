//! What the `__store_definition!` callback hands an attribute that needs the definition
//! (`#[store::backend]`, `#[store::layer]`): the definition, the attribute's arguments and the
//! item; and the one argument read before the definition is at hand, where `store` is.

use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, ItemImpl, ItemTrait, Path, Token};

use super::{Ctxt, Definition};

/// The attribute's expansion: a call of the definition callback that hands it, the
/// attribute's arguments and `item` to `__private::<second_half>`. Outside `store` the
/// callback is a path (`::store::__store_definition!`); inside it (`crate = crate`) its
/// textual name, the one way rustc lets a crate call a `macro_export` macro that another
/// macro wrote.
pub(crate) fn call_back(second_half: &str, args: TokenStream, item: TokenStream) -> TokenStream {
    let krate = krate(&args).unwrap_or_else(|| syn::parse_quote!(::store));
    let callback = if krate.is_ident("crate") {
        quote!(__store_definition!)
    } else {
        quote!(#krate::__store_definition!)
    };
    let second_half = Ident::new(second_half, proc_macro2::Span::call_site());
    quote! {
        #callback([#krate::__private::#second_half] (#args) #item);
    }
}

/// The second half's input, parsed: the definition through the shared front end, the
/// attribute's arguments and the item. The definition compiled once already, as
/// `#[dual_api]`'s input; were it in error, its errors would show here too.
pub(crate) fn called_back(
    input: TokenStream,
) -> Result<(Definition, TokenStream, ItemImpl), TokenStream> {
    let parsed = syn::parse2::<Input>(input).map_err(|err| err.to_compile_error())?;
    let cx = Ctxt::new();
    let def = super::parse(&cx, parsed.definition);
    cx.check().map_err(|err| err.to_compile_error())?;
    Ok((def, parsed.args, parsed.item))
}

/// `{ definition } (args) impl-block`, as the definition callback passes it.
pub(crate) struct Input {
    pub(crate) definition: ItemTrait,
    pub(crate) args: TokenStream,
    pub(crate) item: ItemImpl,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let definition;
        syn::braced!(definition in input);
        let args;
        syn::parenthesized!(args in input);
        Ok(Input {
            definition: definition.parse()?,
            args: args.parse()?,
            item: input.parse()?,
        })
    }
}

/// The `crate` argument out of the raw arguments, before the definition is at hand: the
/// attribute needs it to know how to reach the definition.
pub(crate) fn krate(tokens: &TokenStream) -> Option<Path> {
    let mut found = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            found = Some(meta.value()?.parse()?);
        } else if meta.input.peek(Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        } else if meta.input.peek(syn::token::Paren) {
            let _content;
            syn::parenthesized!(_content in meta.input);
        }
        Ok(())
    });
    let _ = syn::parse::Parser::parse2(parser, tokens.clone());
    found
}
