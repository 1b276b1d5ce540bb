//! The user's impl block, matched against the definition: the operations it takes, each in
//! its world, and the hooks of `Layer` it writes; every mistake spanned on its token.

use proc_macro2::TokenStream;
use syn::{FnArg, ImplItem, ImplItemFn, ItemImpl, Pat, Path, Type};

use crate::definition::{check_signature, closest, Ctxt, Definition, Method, World};

/// The hooks of `::store::Layer` a block may write besides operations.
const HOOKS: &[&str] = &[
    "WRAPS_STREAMS",
    "capabilities",
    "around",
    "around_blocking",
    "around_stream",
    "around_reader",
    "bytes",
    "reader",
    "listing",
    "list_iter",
];

/// A validated layer: its impl block without the operations, and the operations it takes.
pub(crate) struct Layer {
    /// The block with only the `Layer` hooks left in it.
    pub(crate) item: ItemImpl,
    pub(crate) krate: Path,
    pub(crate) operations: Vec<Taken>,
    /// The functions refused, kept for the fallback: as the user wrote them, so their
    /// names and imports stay in use and one mistake gives one error.
    pub(crate) refused: Vec<ImplItemFn>,
}

/// One operation the layer takes, in one world.
pub(crate) struct Taken {
    pub(crate) name: String,
    pub(crate) world: World,
    pub(crate) f: ImplItemFn,
    /// The pattern the user binds the backend below to (`inner`).
    pub(crate) inner: Box<Pat>,
    /// The world's trait as the user named it in `&impl Backend`.
    pub(crate) bound: Path,
    /// The operation's arguments as written, in the definition's order.
    pub(crate) args: Vec<syn::PatType>,
}

/// The `crate = path` argument, the only one.
pub(crate) fn krate(cx: &Ctxt, tokens: TokenStream) -> Path {
    let mut krate = syn::parse_quote!(::store);
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            krate = meta.value()?.parse()?;
            Ok(())
        } else {
            Err(meta.error("unknown `layer` argument; expected `crate`"))
        }
    });
    if let Err(err) = syn::parse::Parser::parse2(parser, tokens) {
        cx.syn_error(err);
    }
    krate
}

impl Layer {
    pub(crate) fn from_syn(cx: &Ctxt, def: &Definition, mut item: ItemImpl, krate: Path) -> Layer {
        if let Some((_, path, _)) = &item.trait_ {
            if path.segments.last().is_none_or(|s| s.ident != "Layer") {
                cx.error_spanned_by(
                    path,
                    "`#[store::layer]` implements `Layer`: write `impl Layer for Type` or `impl Type`",
                );
                // The fallback implements `Layer` all the same.
                item.trait_ = None;
            }
        }
        let mut names: Vec<String> = def
            .methods
            .iter()
            .filter(|m| !m.is_pure())
            .map(|m| m.ident().to_string())
            .collect();
        names.extend(HOOKS.iter().map(|h| (*h).to_owned()));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut operations: Vec<Taken> = Vec::new();
        let mut refused = Vec::new();
        item.items.retain(|impl_item| {
            let ImplItem::Fn(f) = impl_item else {
                return true;
            };
            let name = f.sig.ident.to_string();
            if HOOKS.contains(&name.as_str()) {
                return true;
            }
            let Some(method) = def.method(&name) else {
                let hint = closest(&name, &names)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                cx.error_spanned_by(
                    &f.sig.ident,
                    format!("`{name}` is neither an operation of the storage contract nor a hook of `Layer`{hint}"),
                );
                refused.push(f.clone());
                return false;
            };
            let world = match f.sig.asyncness {
                Some(_) => World::Async,
                None => World::Blocking,
            };
            match check(cx, method, f, world) {
                Some(_) if operations.iter().any(|t| t.name == name && t.world == world) => {
                    cx.error_spanned_by(
                        &f.sig.ident,
                        format!("`{name}` is taken twice in the same world"),
                    );
                    refused.push(f.clone());
                }
                Some(taken) => operations.push(taken),
                None => refused.push(f.clone()),
            }
            false
        });
        Layer {
            item,
            krate,
            operations,
            refused,
        }
    }
}

/// Checks one operation against the definition: `&self`, the backend below, then the
/// operation's arguments and output as the world spells them.
fn check(cx: &Ctxt, method: &Method, f: &ImplItemFn, world: World) -> Option<Taken> {
    let name = method.ident();
    let asynchronous = world == World::Async;
    if method.is_pure() {
        cx.error_spanned_by(
            &f.sig.ident,
            format!("`{name}` does no I/O, so a layer cannot take it (the capabilities have the hook `capabilities`)"),
        );
        return None;
    }
    if !method.in_world(world) {
        let token: TokenStream = match &f.sig.asyncness {
            Some(a) => quote::quote!(#a),
            None => {
                let ident = &f.sig.ident;
                quote::quote!(#ident)
            }
        };
        cx.error_spanned_by(
            token,
            format!("`{name}` exists only in the blocking world: write it as a plain `fn`"),
        );
        return None;
    }
    let bound = match world {
        World::Blocking => "Backend",
        World::Async => "AsyncBackend",
    };
    let want_inner = format!("&impl {bound}");
    let first = f.sig.inputs.iter().find_map(|a| match a {
        FnArg::Typed(t) => Some(t),
        FnArg::Receiver(_) => None,
    });
    let (inner, bound) = match first {
        Some(t) => match backend_below(&t.ty, bound) {
            Some(path) => (t.pat.clone(), path.clone()),
            None => {
                cx.error_spanned_by(
                    &t.ty,
                    format!(
                        "expected `{want_inner}` here: the backend below the layer comes first"
                    ),
                );
                return None;
            }
        },
        None => {
            cx.error_spanned_by(
                &f.sig.inputs,
                format!("`{name}` takes the backend below first: `inner: {want_inner}`"),
            );
            return None;
        }
    };
    // The backend below is checked first: without it the arguments after it cannot be told.
    let written = check_signature(cx, method, f, (1, "the backend below"), asynchronous)?;
    Some(Taken {
        name: name.to_string(),
        world,
        f: f.clone(),
        inner,
        bound,
        args: written.into_iter().cloned().collect(),
    })
}

/// The trait path of `ty` when it is `&impl Bound` (any path ending in the world's trait name).
fn backend_below<'t>(ty: &'t Type, bound: &str) -> Option<&'t Path> {
    let Type::Reference(r) = ty else {
        return None;
    };
    let Type::ImplTrait(i) = &*r.elem else {
        return None;
    };
    i.bounds.iter().find_map(|b| match b {
        syn::TypeParamBound::Trait(t) if t.path.segments.last()?.ident == bound => Some(&t.path),
        _ => None,
    })
}
