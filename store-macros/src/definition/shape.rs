//! Type shapes: types compared by the last segment of each path, so `store::Result<Bytes>`
//! and `Result<bytes::Bytes>` match while `Result<String>` does not.

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

use super::async_name;

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
        Type::TraitObject(t) => {
            let bounds: Vec<String> = t
                .bounds
                .iter()
                .map(|b| match b {
                    syn::TypeParamBound::Trait(t) => t
                        .path
                        .segments
                        .last()
                        .map_or_else(String::new, |s| s.ident.to_string()),
                    other => other.to_token_stream().to_string().replace(' ', ""),
                })
                .collect();
            format!("dyn {}", bounds.join("+"))
        }
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}
