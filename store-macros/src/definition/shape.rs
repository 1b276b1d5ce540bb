//! Type shapes: types compared by the last segment of each path, so `store::Result<Bytes>`
//! and `Result<bytes::Bytes>` match while `Result<String>` does not.

use quote::ToTokens;
use syn::{FnArg, GenericArgument, Ident, ImplItemFn, PatType, PathArguments, ReturnType, Type};

use super::{async_name, Ctxt, Method};

/// Checks a function a user wrote for `method` (an operation of a backend or a layer): `&self`,
/// then, after `leading` arguments of its own (the caller checks those; `after` names them),
/// the definition's arguments and output, in the async world's spelling when `asynchronous`:
/// their count, each argument's shape and the output's, every mismatch spanned on its token.
/// The operation's arguments as written, when all matched.
pub(crate) fn check_signature<'f>(
    cx: &Ctxt,
    method: &Method,
    f: &'f ImplItemFn,
    (leading, after): (usize, &str),
    asynchronous: bool,
) -> Option<Vec<&'f PatType>> {
    let (ident, inputs, output) = (&f.sig.ident, &f.sig.inputs, &f.sig.output);
    let receiver = match inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() => true,
        Some(other) => {
            cx.error_spanned_by(other, "operations take `&self`");
            false
        }
        None => {
            cx.error_spanned_by(ident, "operations take `&self`");
            false
        }
    };
    let args: Vec<&PatType> = inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => Some(t),
            FnArg::Receiver(_) => None,
        })
        .skip(leading)
        .collect();
    let shapes = check_shapes(
        cx,
        method,
        (ident, inputs, after),
        &args,
        output,
        asynchronous,
    );
    (receiver && shapes).then_some(args)
}

fn check_shapes(
    cx: &Ctxt,
    method: &Method,
    (ident, inputs, after): (&Ident, &dyn ToTokens, &str),
    args: &[&PatType],
    output: &ReturnType,
    asynchronous: bool,
) -> bool {
    let name = method.ident();
    if args.len() != method.args.len() {
        let want: Vec<String> = method
            .args
            .iter()
            .map(|a| format!("{}: {}", a.ident, shape(&a.ty, asynchronous)))
            .collect();
        cx.error_spanned_by(
            inputs,
            format!(
                "`{name}` takes {} argument(s) after {after}: {}",
                method.args.len(),
                want.join(", ")
            ),
        );
        return false;
    }
    let mut fine = true;
    for (user, expected) in args.iter().zip(&method.args) {
        let want = shape(&expected.ty, asynchronous);
        if shape(&user.ty, false) != want {
            cx.error_spanned_by(
                &user.ty,
                format!("expected `{want}` here, as in the contract's `{name}`"),
            );
            fine = false;
        }
    }
    let want = match &method.sig.output {
        ReturnType::Type(_, ty) => shape(ty, asynchronous),
        ReturnType::Default => "()".into(),
    };
    match output {
        ReturnType::Type(_, ty) if shape(ty, false) != want => {
            cx.error_spanned_by(
                ty,
                format!("expected `{want}` here, as in the contract's `{name}`"),
            );
            false
        }
        ReturnType::Default if want != "()" => {
            cx.error_spanned_by(ident, format!("`{name}` returns `{want}`"));
            false
        }
        _ => fine,
    }
}

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
