//! The arguments of `#[store::backend(name = "...", flags(...), namespace = flat)]`.

use proc_macro2::TokenStream;
use quote::format_ident;
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Path, Token};

use crate::definition::Ctxt;

pub(crate) struct BackendArgs {
    pub(crate) name: Option<LitStr>,
    /// Each flag as written (`atomic_move`) and as the capability it names (`AtomicMove`,
    /// spanned on the written token so rustc reports a wrong one there).
    pub(crate) flags: Vec<(Ident, Ident)>,
    pub(crate) flat: bool,
    /// The path to the `store` crate: `::store`, or `crate` inside it.
    pub(crate) krate: Path,
}

impl BackendArgs {
    pub(crate) fn parse(cx: &Ctxt, tokens: TokenStream) -> BackendArgs {
        let mut args = BackendArgs {
            name: None,
            flags: Vec::new(),
            flat: false,
            krate: syn::parse_quote!(::store),
        };
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("name") {
                let name: LitStr = meta.value()?.parse()?;
                if name.value().is_empty() {
                    return Err(syn::Error::new(
                        name.span(),
                        "the backend name must not be empty",
                    ));
                }
                args.name = Some(name);
            } else if meta.path.is_ident("flags") {
                let content;
                syn::parenthesized!(content in meta.input);
                let flags = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                for written in flags {
                    let capability = format_ident!(
                        "{}",
                        camel_case(&written.to_string()),
                        span = written.span()
                    );
                    args.flags.push((written, capability));
                }
            } else if meta.path.is_ident("namespace") {
                let value: Ident = meta.value()?.parse()?;
                match value.to_string().as_str() {
                    "flat" => args.flat = true,
                    "hierarchical" => args.flat = false,
                    _ => {
                        return Err(syn::Error::new(
                            value.span(),
                            "expected `flat` or `hierarchical`",
                        ))
                    }
                }
            } else if meta.path.is_ident("crate") {
                args.krate = meta.value()?.parse()?;
            } else {
                return Err(meta.error(
                    "unknown `backend` argument; expected `name`, `flags`, `namespace` or `crate`",
                ));
            }
            Ok(())
        });
        if let Err(err) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(err);
        }
        args
    }
}

/// `atomic_move` → `AtomicMove`.
fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn flags_become_capability_names() {
        assert_eq!(super::camel_case("atomic_move"), "AtomicMove");
        assert_eq!(
            super::camel_case("write_result_native"),
            "WriteResultNative"
        );
        assert_eq!(super::camel_case("lazy_read"), "LazyRead");
    }
}
