//! The one table of the types the two worlds spell differently, recognising them, and the
//! shapes we refuse in types.

use quote::format_ident;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{GenericArgument, Lifetime, PathArguments, Type, TypeImplTrait};

/// The content of a write: `Content` blocking, `AsyncContent` async.
pub(crate) const CONTENT: &str = "Content";
/// A read stream: `ReadStream` blocking, `ByteStream` async.
pub(crate) const READ_STREAM: &str = "ReadStream";
/// A listing: `ListIter<T>` blocking, `ListStream<T>` async.
pub(crate) const LIST_ITER: &str = "ListIter";

/// Each type the definition names in its blocking spelling, beside its async spelling. Every
/// other type is the same in both worlds.
const WORLD_TYPES: [(&str, &str); 3] = [
    (CONTENT, "AsyncContent"),
    (READ_STREAM, "ByteStream"),
    (LIST_ITER, "ListStream"),
];

/// The spelling of the blocking type `name` in the async world; `name` itself when the two
/// worlds share it.
pub(crate) fn async_name(name: &str) -> &str {
    WORLD_TYPES
        .iter()
        .find(|(blocking, _)| *blocking == name)
        .map_or(name, |(_, asynchronous)| asynchronous)
}

/// The lifetime every reference of an async method is tied to.
pub(crate) fn future_lifetime() -> Lifetime {
    Lifetime::new("'a", proc_macro2::Span::call_site())
}

/// `ty` with every elided reference lifetime tied to the future's (`&T` becomes `&'a T`).
pub(crate) fn tie_lifetimes(ty: &Type) -> Type {
    struct Tie;
    impl VisitMut for Tie {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.is_none() {
                r.lifetime = Some(future_lifetime());
            }
            self.visit_type_mut(&mut r.elem);
        }
    }
    let mut ty = ty.clone();
    Tie.visit_type_mut(&mut ty);
    ty
}

/// `ty` as the async world spells it: each world type by its async name, under `::store::`,
/// with its arguments kept, and every elided reference lifetime tied to the future's.
pub(crate) fn in_async_world(ty: &Type) -> Type {
    struct Async;
    impl VisitMut for Async {
        fn visit_type_mut(&mut self, ty: &mut Type) {
            visit_mut::visit_type_mut(self, ty);
            let Type::Path(p) = ty else { return };
            let Some(last) = p.path.segments.last() else {
                return;
            };
            let name = last.ident.to_string();
            let renamed = async_name(&name);
            if p.qself.is_some() || renamed == name {
                return;
            }
            let ident = format_ident!("{}", renamed, span = last.ident.span());
            let args = &last.arguments;
            *ty = syn::parse_quote!(::store::#ident #args);
        }
    }
    let mut ty = tie_lifetimes(ty);
    Async.visit_type_mut(&mut ty);
    ty
}

/// The last segment's identifier of a path type, e.g. `Content` for `crate::Content`.
pub(crate) fn last_ident(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_ident(&g.elem),
        Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

/// Whether `ty` is a path type ending in `name`.
pub(crate) fn is_named(ty: &Type, name: &str) -> bool {
    last_ident(ty).is_some_and(|seg| seg.ident == name)
}

/// The single type argument of a path type ending in `name`: `T` in `ListIter<T>`.
pub(crate) fn single_argument<'t>(ty: &'t Type, name: &str) -> Option<&'t Type> {
    let seg = last_ident(ty).filter(|seg| seg.ident == name)?;
    match &seg.arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// The referent of `&T` (not `&mut T`).
pub(crate) fn shared_ref(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Reference(r) if r.mutability.is_none() => Some(&r.elem),
        _ => None,
    }
}

/// Every `impl Trait` and every named lifetime other than `'static` inside a type.
#[derive(Default)]
pub(crate) struct Refused<'ast> {
    pub(crate) impl_traits: Vec<&'ast TypeImplTrait>,
    pub(crate) lifetimes: Vec<&'ast Lifetime>,
}

impl<'ast> Visit<'ast> for Refused<'ast> {
    fn visit_type_impl_trait(&mut self, node: &'ast TypeImplTrait) {
        self.impl_traits.push(node);
    }

    fn visit_lifetime(&mut self, node: &'ast Lifetime) {
        if node.ident != "static" && node.ident != "_" {
            self.lifetimes.push(node);
        }
    }
}
