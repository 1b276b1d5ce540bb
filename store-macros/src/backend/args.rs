//! The arguments of `#[store::backend(name = "...", flags(...), namespace = flat)]`.

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{Ident, ItemImpl, LitStr, Token};

use crate::definition::{closest, Ctxt};

/// The quality flags a backend may declare (C-5.1), as written in `flags(...)`.
pub(crate) const FLAGS: &[(&str, &str)] = &[
    ("atomic_move", "AtomicMove"),
    ("seekable_read", "SeekableRead"),
    ("lazy_read", "LazyRead"),
    ("write_result_native", "WriteResultNative"),
    ("user_metadata", "UserMetadata"),
    ("conditional_write", "ConditionalWrite"),
    ("attributes", "Attributes"),
];

pub(crate) struct BackendArgs {
    pub(crate) name: Option<LitStr>,
    pub(crate) flags: Vec<Ident>,
    pub(crate) flat: bool,
}

impl BackendArgs {
    pub(crate) fn parse(cx: &Ctxt, tokens: TokenStream, item: &ItemImpl) -> BackendArgs {
        let mut args = BackendArgs {
            name: None,
            flags: Vec::new(),
            flat: false,
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
                for ident in flags {
                    if !FLAGS.iter().any(|(name, _)| ident == name) {
                        let names: Vec<&str> = FLAGS.iter().map(|(n, _)| *n).collect();
                        let hint = closest(&ident.to_string(), &names)
                            .map(|c| format!("; did you mean `{c}`?"))
                            .unwrap_or_default();
                        return Err(syn::Error::new(
                            ident.span(),
                            format!(
                                "unknown flag `{ident}`; expected one of: {}{hint}",
                                names.join(", ")
                            ),
                        ));
                    }
                    args.flags.push(ident);
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
            } else {
                return Err(meta
                    .error("unknown `backend` argument; expected `name`, `flags` or `namespace`"));
            }
            Ok(())
        });
        if let Err(err) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(err);
        }
        if args.name.is_none() {
            cx.syn_error(syn::Error::new(
                item.self_ty.as_ref().span_or_call_site(),
                "missing `name = \"...\"`: every backend has a stable name (contract clause C-2.1)",
            ));
        }
        args
    }
}

trait SpanOrCallSite {
    fn span_or_call_site(&self) -> Span;
}

impl SpanOrCallSite for syn::Type {
    fn span_or_call_site(&self) -> Span {
        syn::spanned::Spanned::span(self)
    }
}
