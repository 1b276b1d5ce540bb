//! Type shapes: types compared by the last segment of each path, so `store::Result<Bytes>`
//! and `Result<bytes::Bytes>` match while `Result<String>` does not.

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

use crate::definition::{async_name, world_type};

/// The shape of `ty`, with the async world's names when `asynchronous`.
pub(crate) fn shape(ty: &Type, asynchronous: bool) -> String {
    match ty {
        Type::Reference(r) => format!("&{}", shape(&r.elem, asynchronous)),
        Type::Paren(p) => shape(&p.elem, asynchronous),
        Type::Group(g) => shape(&g.elem, asynchronous),
        Type::Tuple(t) => format!(
            "({})",
            t.elems
                .iter()
                .map(|e| shape(e, asynchronous))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return ty.to_token_stream().to_string();
            };
            let mut name = last.ident.to_string();
            if asynchronous {
                name = async_name(&name).to_owned();
            }
            match &last.arguments {
                PathArguments::AngleBracketed(args) => {
                    let inner: Vec<String> = args
                        .args
                        .iter()
                        .map(|a| match a {
                            GenericArgument::Type(t) => shape(t, asynchronous),
                            other => other.to_token_stream().to_string(),
                        })
                        .collect();
                    format!("{name}<{}>", inner.join(","))
                }
                _ => name,
            }
        }
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}

/// `ty` spelled with absolute `::store::` paths, so generated signatures resolve anywhere:
/// the definition names only `store` types and primitives.
pub(crate) fn absolute(ty: &Type, asynchronous: bool) -> proc_macro2::TokenStream {
    use quote::quote;
    match ty {
        Type::Reference(r) => {
            let inner = absolute(&r.elem, asynchronous);
            let lifetime = &r.lifetime;
            quote!(&#lifetime #inner)
        }
        Type::Tuple(t) if t.elems.is_empty() => quote!(()),
        Type::Path(p) if p.qself.is_none() => {
            let Some(last) = p.path.segments.last() else {
                return ty.to_token_stream();
            };
            let ident = &last.ident;
            if ["u64", "usize", "bool", "str", "String"].contains(&ident.to_string().as_str()) {
                return quote!(#ident);
            }
            let name = world_type(&ident.to_string(), asynchronous);
            match &last.arguments {
                PathArguments::AngleBracketed(args) => {
                    let inner = args.args.iter().map(|a| match a {
                        GenericArgument::Type(t) => absolute(t, asynchronous),
                        other => other.to_token_stream(),
                    });
                    quote!(::store::#name<#(#inner),*>)
                }
                _ => quote!(::store::#name),
            }
        }
        other => other.to_token_stream(),
    }
}
