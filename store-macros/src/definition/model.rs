//! The annotated trait as a model the checks and both macros' generators read.

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Block, FnArg, Ident, ItemTrait, Pat, Path, ReturnType, Signature, Token, TraitItem,
    Type,
};

use super::attr::{self, Options, Role};
use super::ctxt::Ctxt;
use super::types;

/// The arguments of `#[dual_api(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    /// `stores(Store, AsyncStore)`: the types that get forwarding methods.
    pub(crate) stores: Option<(Path, Path)>,
}

impl Args {
    pub(crate) fn parse(cx: &Ctxt, tokens: TokenStream) -> Args {
        let mut args = Args::default();
        if tokens.is_empty() {
            return args;
        }
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("stores") {
                let content;
                syn::parenthesized!(content in meta.input);
                let paths = Punctuated::<Path, Token![,]>::parse_terminated(&content)?;
                if paths.len() != 2 {
                    return Err(meta.error("expected `stores(SyncStore, AsyncStore)`"));
                }
                let mut it = paths.into_iter();
                if let (Some(sync_store), Some(async_store)) = (it.next(), it.next()) {
                    args.stores = Some((sync_store, async_store));
                }
                Ok(())
            } else {
                Err(meta
                    .error("unknown `dual_api` argument; expected `stores(SyncStore, AsyncStore)`"))
            }
        });
        if let Err(err) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(err);
        }
        args
    }
}

/// The whole definition.
pub(crate) struct Definition {
    /// The input trait, `#[store]` options stripped; re-emitted as the blocking trait.
    pub(crate) item: ItemTrait,
    pub(crate) methods: Vec<Method>,
    /// Whether the trait itself (its generics, supertraits, `name`) passed validation; if not,
    /// nothing can be generated from it.
    pub(crate) sound: bool,
}

/// How an argument travels between the worlds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ArgKind {
    /// `&StorePath` or `&Pattern`: validated from a string at the stores.
    Path(Option<Role>),
    /// `Content`: `AsyncContent` in the async world.
    Content,
    /// Any other `&T`: cloned into the blocking call, validated as an option at the stores.
    Ref,
    /// A by-value argument (`u64`, `bool`, …): moved.
    Value,
}

#[derive(Clone)]
pub(crate) struct Arg {
    pub(crate) ident: Ident,
    pub(crate) ty: Type,
    pub(crate) kind: ArgKind,
}

/// What a method returns, as the worlds see it.
#[derive(Clone)]
pub(crate) enum Output {
    /// `Result<T>` for a plain `T`.
    Plain(Type),
    /// `Result<ReadStream>`: a byte stream in the async world.
    ReadStream,
    /// `Result<ListIter<T>>`: a listing.
    List(Type),
    /// Anything else (only valid on pure methods).
    Other,
}

#[derive(Clone)]
pub(crate) struct Method {
    /// Whether this method passed validation; a fallback expansion leaves out those that did
    /// not, so one mistake gives one error.
    pub(crate) valid: bool,
    /// Doc comments and other attributes, `#[store]` removed.
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) sig: Signature,
    pub(crate) default: Option<Block>,
    pub(crate) options: Options,
    pub(crate) args: Vec<Arg>,
    pub(crate) output: Output,
    /// The span of the `Result<..>` return type, or of the signature.
    pub(crate) output_span: Span,
}

impl Method {
    pub(crate) fn ident(&self) -> &Ident {
        &self.sig.ident
    }

    pub(crate) fn docs(&self) -> impl Iterator<Item = &Attribute> {
        self.attrs.iter().filter(|a| a.path().is_ident("doc"))
    }

    pub(crate) fn is_pure(&self) -> bool {
        self.options.pure.is_some()
    }

    /// The name the stores use.
    pub(crate) fn store_ident(&self) -> Ident {
        self.options
            .store_name
            .clone()
            .unwrap_or_else(|| self.sig.ident.clone())
    }
}

impl Definition {
    /// The model of `item`, its options parsed; items other than methods are reported and
    /// left out.
    pub(crate) fn from_syn(cx: &Ctxt, mut item: ItemTrait) -> Definition {
        let mut methods = Vec::new();
        item.items.retain_mut(|trait_item| match trait_item {
            TraitItem::Fn(f) => {
                let before = cx.error_count();
                let (options, kept) = attr::take_options(cx, std::mem::take(&mut f.attrs));
                f.attrs = kept.clone();
                let mut method = Method::from_syn(kept, f.sig.clone(), f.default.clone(), options);
                method.valid = cx.error_count() == before;
                methods.push(method);
                true
            }
            other => {
                cx.error_spanned_by(
                    &*other,
                    "`#[dual_api]` traits may hold only methods; associated types and consts have no async counterpart",
                );
                false
            }
        });
        Definition {
            item,
            methods,
            sound: true,
        }
    }

    /// What the fallback expansion generates from: the methods that passed validation, and a
    /// trait in which each method that failed keeps its signature (so its types stay used)
    /// but gets a body and `where Self: Sized`, so no implementation owes it and the trait
    /// stays dyn-compatible. A duplicate goes, and so does a method with `impl Trait` in its
    /// signature, which no stand-in body can satisfy.
    pub(crate) fn valid_part(&self) -> Definition {
        let mut item = self.item.clone();
        let mut methods = self.methods.iter();
        let mut seen = Vec::new();
        item.items.retain_mut(|i| {
            let (TraitItem::Fn(f), Some(method)) = (i, methods.next()) else {
                return false;
            };
            let duplicate = seen.contains(&f.sig.ident);
            seen.push(f.sig.ident.clone());
            if method.valid {
                return !duplicate;
            }
            let mut refused = types::Refused::default();
            syn::visit::Visit::visit_signature(&mut refused, &f.sig);
            if duplicate || !refused.impl_traits.is_empty() {
                return false;
            }
            if f.default.is_none() {
                f.attrs.push(syn::parse_quote!(#[allow(unused_variables)]));
                f.default = Some(syn::parse_quote!({ ::core::unreachable!() }));
            }
            f.sig
                .generics
                .make_where_clause()
                .predicates
                .push(syn::parse_quote!(Self: ::core::marker::Sized));
            true
        });
        Definition {
            item,
            methods: self.methods.iter().filter(|m| m.valid).cloned().collect(),
            sound: self.sound,
        }
    }

    /// Keeps of `items`, the methods of this definition's trait in their order (as written, or
    /// as stripped), those that passed validation; other items go too.
    pub(crate) fn retain_valid(&self, items: &mut Vec<TraitItem>) {
        let mut methods = self.methods.iter();
        items.retain(|i| matches!(i, TraitItem::Fn(_)) && methods.next().is_some_and(|m| m.valid));
    }
}

impl Method {
    fn from_syn(
        attrs: Vec<Attribute>,
        sig: Signature,
        default: Option<Block>,
        options: Options,
    ) -> Method {
        let args = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(pt) => match &*pt.pat {
                    Pat::Ident(p) => Some(Arg {
                        ident: p.ident.clone(),
                        ty: (*pt.ty).clone(),
                        kind: classify(&p.ident, &pt.ty, &options),
                    }),
                    _ => None,
                },
                FnArg::Receiver(_) => None,
            })
            .collect();
        let (output, output_span) = match &sig.output {
            ReturnType::Type(_, ty) => (classify_output(ty), syn::spanned::Spanned::span(&**ty)),
            ReturnType::Default => (Output::Other, sig.ident.span()),
        };
        Method {
            valid: true,
            attrs,
            sig,
            default,
            options,
            args,
            output,
            output_span,
        }
    }
}

fn classify(ident: &Ident, ty: &Type, options: &Options) -> ArgKind {
    if let Some(inner) = types::shared_ref(ty) {
        if types::is_named(inner, "StorePath") || types::is_named(inner, "Pattern") {
            let role = options
                .roles
                .iter()
                .find(|(_, name)| name == ident)
                .map(|(role, _)| *role);
            return ArgKind::Path(role);
        }
        return ArgKind::Ref;
    }
    if types::is_named(ty, types::CONTENT) {
        ArgKind::Content
    } else {
        ArgKind::Value
    }
}

fn classify_output(ty: &Type) -> Output {
    let Some(ok) = types::single_argument(ty, "Result") else {
        return Output::Other;
    };
    if types::is_named(ok, types::READ_STREAM) {
        Output::ReadStream
    } else if let Some(item) = types::single_argument(ok, types::LIST_ITER) {
        Output::List(item.clone())
    } else {
        Output::Plain(ok.clone())
    }
}
