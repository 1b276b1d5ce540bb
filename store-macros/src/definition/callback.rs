//! What the `__store_definition!` callback hands an attribute that needs the definition
//! (`#[store::backend]`, `#[store::layer]`): the definition, the attribute's arguments and the
//! item; and the one argument read before the definition is at hand, where `store` is.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{ItemImpl, ItemTrait, Path, Token};

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
