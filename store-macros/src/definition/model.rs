//! The annotated trait as a model the checks and both macros' generators read.

use proc_macro2::{Span, TokenStream};
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Block, FnArg, Ident, ItemTrait, Pat, Path, ReturnType, Signature, Token, TraitItem,
    Type,
};

use quote::quote;

use super::attr::{self, Key, Options, Role};
use super::ctxt::Ctxt;
use super::types;

/// The arguments of `#[dual_api(...)]`.
#[derive(Default)]
pub(crate) struct Args {
    /// `stores(Store, AsyncStore)`: the types that get forwarding methods.
    pub(crate) stores: Option<(Path, Path)>,
    /// `layers`: the `Layered` wrapper and the per-operation hooks of `::store::Layer`; the
    /// definition of `store` itself, since the hooks are that trait's.
    pub(crate) layers: Option<proc_macro2::Span>,
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
            } else if meta.path.is_ident("layers") {
                args.layers = Some(syn::spanned::Spanned::span(&meta.path));
                Ok(())
            } else {
                Err(meta.error(
                    "unknown `dual_api` argument; expected `stores(SyncStore, AsyncStore)` or `layers`",
                ))
            }
        });
        if let Err(err) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(err);
        } else if let (Some(span), None) = (args.layers, &args.stores) {
            cx.syn_error(syn::Error::new(
                span,
                "`layers` needs `stores(..)`: the layered wrapper names the operation table",
            ));
        }
        args
    }
}

/// The whole definition.
pub(crate) struct Definition {
    /// The input trait, `#[store]` options stripped; re-emitted as the blocking trait.
    pub(crate) item: ItemTrait,
    pub(crate) methods: Vec<Method>,
    /// `#[store(derivations = path)]` on the trait: the module whose `blocking` and
    /// `asynchronous` submodules hold, under each derivable operation's name, its derivation.
    pub(crate) derivations: Option<Path>,
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
    Plain,
    /// `Result<ReadStream>`: a byte stream in the async world.
    ReadStream,
    /// `Result<ListIter<T>>`: a listing.
    List,
    /// Anything else (only valid on pure methods).
    Other,
}

#[derive(Clone)]
pub(crate) struct Method {
    /// Whether this method passed validation; a fallback expansion leaves out those that did
    /// not, so one mistake gives one error.
    pub(crate) valid: bool,
    /// Doc comments and other attributes, `#[store]` and the examples removed.
    pub(crate) attrs: Vec<Attribute>,
    /// The `# Examples` section of the docs, heading included: it shows the stores' method,
    /// so only the stores carry it.
    pub(crate) examples: Vec<Attribute>,
    pub(crate) sig: Signature,
    pub(crate) default: Option<Block>,
    pub(crate) options: Options,
    pub(crate) args: Vec<Arg>,
    pub(crate) output: Output,
    /// The span of the `Result<..>` return type, or of the signature.
    pub(crate) output_span: Span,
}

/// The two worlds every operation exists in (or, `sync_only`, the first alone).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum World {
    Blocking,
    Async,
}

impl Method {
    pub(crate) fn ident(&self) -> &Ident {
        &self.sig.ident
    }

    pub(crate) fn docs(&self) -> impl Iterator<Item = &Attribute> {
        self.attrs.iter().filter(|a| a.path().is_ident("doc"))
    }

    /// No I/O: identical and synchronous in both worlds, not forwarded by the stores.
    pub(crate) fn is_pure(&self) -> bool {
        self.options.flag(Key::Pure).is_some()
    }

    /// The capability the stores check before forwarding (C-5.1), as written.
    pub(crate) fn gate(&self) -> Option<&Ident> {
        self.options.ident(Key::Gate)
    }

    /// Whether the method exists in `world`.
    pub(crate) fn in_world(&self, world: World) -> bool {
        world == World::Blocking || self.options.flag(Key::SyncOnly).is_none()
    }

    /// The stores write their own public method.
    pub(crate) fn is_manual(&self) -> bool {
        self.options.flag(Key::Manual).is_some()
    }

    /// The method changes what is stored.
    pub(crate) fn mutates(&self) -> bool {
        self.options.flag(Key::Mutates).is_some()
    }

    /// The filter the stores apply to a listing.
    pub(crate) fn filter(&self) -> Option<&Path> {
        self.options.path(Key::Filter)
    }

    /// The body of the async method, where the definition gives one.
    pub(crate) fn async_default(&self) -> Option<&Path> {
        self.options.path(Key::AsyncDefault)
    }

    /// The body of the method in the blocking adapter over an async backend.
    pub(crate) fn async_to_sync(&self) -> Option<&Path> {
        self.options.path(Key::AsyncToSync)
    }

    /// The operations this one is derived from, in a backend that does not write it.
    /// The argument that says whether this mutating operation may be repeated after an error
    /// that may have been applied (`repeatable_if(missing_ok)`): repeating it then cannot
    /// change the outcome.
    pub(crate) fn repeatable_if(&self) -> Option<&Ident> {
        self.options.names(Key::RepeatableIf).next()
    }

    pub(crate) fn derive_from(&self) -> Vec<&Ident> {
        self.options.names(Key::DeriveFrom).collect()
    }

    /// The capability flags that need this operation.
    pub(crate) fn flags(&self) -> impl Iterator<Item = &Ident> {
        self.options.names(Key::Flags)
    }

    /// A backend must provide it (write it or have it derived): no default body and, in
    /// `world`, no gate to answer `Unsupported` with.
    pub(crate) fn is_required(&self, world: World) -> bool {
        self.in_world(world) && !self.is_pure() && self.default.is_none() && self.gate().is_none()
    }

    /// The content argument, if the method takes one.
    pub(crate) fn content_arg(&self) -> Option<&Ident> {
        self.args
            .iter()
            .find(|a| a.kind == ArgKind::Content)
            .map(|a| &a.ident)
    }

    /// The file and byte range of a method that returns a byte stream: its first path, and
    /// its by-value arguments as `(offset, len)` where it has two (`read_range_stream`), the
    /// whole file where it has none (`read`).
    pub(crate) fn stream_source(&self) -> Option<(&Ident, Option<(&Ident, &Ident)>)> {
        if !matches!(self.output, Output::ReadStream) {
            return None;
        }
        let path = self
            .args
            .iter()
            .find(|a| matches!(a.kind, ArgKind::Path(_)))?;
        let values: Vec<&Ident> = self
            .args
            .iter()
            .filter(|a| a.kind == ArgKind::Value)
            .map(|a| &a.ident)
            .collect();
        match values[..] {
            [] => Some((&path.ident, None)),
            [offset, len] => Some((&path.ident, Some((offset, len)))),
            _ => None,
        }
    }

    /// The item type of a listing (`T` in `Result<ListIter<T>>`).
    pub(crate) fn list_item(&self) -> Option<Type> {
        let ReturnType::Type(_, ty) = &self.sig.output else {
            return None;
        };
        let ok = types::single_argument(ty, "Result")?;
        types::single_argument(ok, types::LIST_ITER).cloned()
    }

    /// The return type in `world` (`Result<T>`, its world types spelled for that world).
    pub(crate) fn output_type(&self, world: World) -> Type {
        let ty = match &self.sig.output {
            ReturnType::Type(_, ty) => (**ty).clone(),
            ReturnType::Default => syn::parse_quote!(()),
        };
        match world {
            World::Blocking => ty,
            World::Async => types::in_async_world(&ty),
        }
    }

    /// The signature in `world`: as written in the blocking world; in the async world a boxed
    /// `Send` future, every reference tied to it, each world type in its async spelling.
    /// Every generator asks this one function.
    ///
    /// The receiver is made here, not taken from the definition: the definition reaches
    /// `#[store::backend]` through `macro_rules!`, whose hygiene would set its `self` apart
    /// from the `self` of generated bodies.
    pub(crate) fn signature(&self, world: World) -> TokenStream {
        let receiver = match world == World::Blocking || self.is_pure() {
            true => quote!(&self),
            false => {
                let lt = types::future_lifetime();
                quote!(&#lt self)
            }
        };
        self.signature_of(world, self.ident(), None, receiver, None, None)
    }

    /// The name of this operation's hook in `::store::Layer`, in `world`: what a layer
    /// overrides to take the operation itself (`#[store::layer]`).
    pub(crate) fn hook_ident(&self, world: World) -> Ident {
        let prefix = match world {
            World::Blocking => "blocking",
            World::Async => "async",
        };
        quote::format_ident!("__{}_{}", prefix, self.ident())
    }

    /// The signature of that hook: the operation's, after `receiver`, the call (named `call`)
    /// and the backend below (named `inner`: an `Arc<B>`, `B` bounded by the world's trait
    /// `bound`). With `written`, the arguments and output as a layer wrote them (checked to
    /// have the operation's shapes), so the layer's own names stay in use.
    pub(crate) fn hook_signature(
        &self,
        world: World,
        receiver: TokenStream,
        (call, inner): (&Ident, &Ident),
        bound: &TokenStream,
        written: Option<Written<'_>>,
    ) -> TokenStream {
        let generics = quote!(B: #bound + ?::core::marker::Sized);
        let leading = match world {
            World::Blocking => quote!(#call: ::store::Call<'_>, #inner: &::std::sync::Arc<B>,),
            World::Async => {
                let lt = types::future_lifetime();
                quote!(#call: ::store::Call<#lt>, #inner: &#lt ::std::sync::Arc<B>,)
            }
        };
        let ident = self.hook_ident(world);
        self.signature_of(
            world,
            &ident,
            Some(generics),
            receiver,
            Some(leading),
            written,
        )
    }

    /// A signature in `world` named `ident`: `generics`, then `receiver`, `leading` and the
    /// operation's arguments (or those `written`).
    fn signature_of(
        &self,
        world: World,
        ident: &Ident,
        generics: Option<TokenStream>,
        receiver: TokenStream,
        leading: Option<TokenStream>,
        written: Option<Written<'_>>,
    ) -> TokenStream {
        let (args, output): (Vec<(TokenStream, &Type)>, &ReturnType) = match &written {
            Some(w) => (
                w.args.iter().map(|(pat, ty)| (quote!(#pat), *ty)).collect(),
                w.output,
            ),
            None => (
                self.args
                    .iter()
                    .map(|a| {
                        let ident = &a.ident;
                        (quote!(#ident), &a.ty)
                    })
                    .collect(),
                &self.sig.output,
            ),
        };
        if world == World::Blocking || self.is_pure() {
            let args = args.iter().map(|(name, ty)| quote!(#name: #ty));
            let generics = generics.map(|g| quote!(<#g>));
            return quote!(fn #ident #generics (#receiver, #leading #(#args),*) #output);
        }
        let lt = types::future_lifetime();
        let args = args.iter().map(|(name, ty)| {
            let ty = types::in_async_world(ty);
            quote!(#name: #ty)
        });
        let output = match (&written, output) {
            (None, _) => self.output_type(World::Async),
            (Some(_), ReturnType::Type(_, ty)) => types::in_async_world(ty),
            (Some(_), ReturnType::Default) => syn::parse_quote!(()),
        };
        let generics = generics.map(|g| quote!(, #g));
        quote! {
            fn #ident<#lt #generics>(#receiver, #leading #(#args),*) -> ::store::BoxFuture<#lt, #output>
        }
    }
}

/// The arguments (after the backend below) and output of an operation as a layer wrote it.
pub(crate) struct Written<'w> {
    pub(crate) args: Vec<(&'w syn::Pat, &'w Type)>,
    pub(crate) output: &'w ReturnType,
}

impl Definition {
    /// The trait of `world`: the definition's own (`Backend`) or its async twin
    /// (`AsyncBackend`).
    pub(crate) fn trait_ident(&self, world: World) -> Ident {
        match world {
            World::Blocking => self.item.ident.clone(),
            World::Async => quote::format_ident!("Async{}", self.item.ident),
        }
    }

    /// The model of `item`, its options parsed; items other than methods are reported and
    /// left out.
    pub(crate) fn from_syn(cx: &Ctxt, mut item: ItemTrait) -> Definition {
        let derivations = trait_options(cx, &mut item.attrs);
        let mut methods = Vec::new();
        item.items.retain_mut(|trait_item| match trait_item {
            TraitItem::Fn(f) => {
                let before = cx.error_count();
                let (options, mut kept) = attr::take_options(cx, std::mem::take(&mut f.attrs));
                let examples = attr::take_examples(&mut kept);
                f.attrs = kept.clone();
                let mut method = Method::from_syn(kept, f.sig.clone(), f.default.clone(), options);
                method.examples = examples;
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
            derivations,
            sound: true,
        }
    }

    /// The method called `name`.
    pub(crate) fn method(&self, name: &str) -> Option<&Method> {
        self.methods.iter().find(|m| m.ident() == name)
    }

    /// Every capability flag the definition names, once each, in order.
    pub(crate) fn flags(&self) -> Vec<&Ident> {
        let mut flags: Vec<&Ident> = Vec::new();
        for flag in self.methods.iter().flat_map(Method::flags) {
            if !flags.contains(&flag) {
                flags.push(flag);
            }
        }
        flags
    }

    /// Every gate the definition names, once each, in order.
    pub(crate) fn gates(&self) -> Vec<&Ident> {
        let mut gates: Vec<&Ident> = Vec::new();
        for gate in self.methods.iter().filter_map(Method::gate) {
            if !gates.contains(&gate) {
                gates.push(gate);
            }
        }
        gates
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
            derivations: self.derivations.clone(),
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
            examples: Vec::new(),
            sig,
            default,
            options,
            args,
            output,
            output_span,
        }
    }
}

/// Takes the trait's own `#[store(derivations = path)]` out of `attrs`.
fn trait_options(cx: &Ctxt, attrs: &mut Vec<Attribute>) -> Option<Path> {
    let mut derivations = None;
    attrs.retain(|attr| {
        if !attr.path().is_ident("store") {
            return true;
        }
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("derivations") {
                derivations = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta
                    .error("unknown `store` option on the trait; expected `derivations = path`"))
            }
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
        false
    });
    derivations
}

fn classify(ident: &Ident, ty: &Type, options: &Options) -> ArgKind {
    if let Some(inner) = types::shared_ref(ty) {
        if types::is_named(inner, "StorePath") || types::is_named(inner, "Pattern") {
            let role = options
                .roles()
                .find(|(_, name)| *name == ident)
                .map(|(role, _)| role);
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
    } else if types::single_argument(ok, types::LIST_ITER).is_some() {
        Output::List
    } else {
        Output::Plain
    }
}
