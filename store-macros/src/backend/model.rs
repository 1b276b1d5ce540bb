//! The user's impl block, matched against the definition: which operations it implements, in
//! which world, and every mistake spanned on the token that makes it.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::{FnArg, Ident, ImplItem, ImplItemFn, ItemImpl, ItemTrait, LitStr, ReturnType};

use super::args::BackendArgs;
use super::shape::shape;
use crate::definition::{closest, Ctxt, Definition, Method};

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

/// A validated backend.
pub(crate) struct Backend {
    pub(crate) item: ItemImpl,
    pub(crate) asynchronous: bool,
    pub(crate) name: LitStr,
    pub(crate) flags: Vec<Ident>,
    pub(crate) flat: bool,
    /// The definition's methods the user wrote, by name.
    pub(crate) implemented: BTreeMap<String, ImplItemFn>,
}

impl Backend {
    pub(crate) fn has(&self, name: &str) -> bool {
        self.implemented.contains_key(name)
    }

    /// Whether the backend implements `name`, or gets it derived from what it implements.
    pub(crate) fn provides(&self, name: &str) -> bool {
        self.has(name) || (name == "read" && self.has("read_bytes"))
    }
}

/// Methods the macro writes itself.
const DERIVED: &[&str] = &["name", "capabilities"];

impl Backend {
    pub(crate) fn from_syn(
        cx: &Ctxt,
        def: &Definition,
        item: ItemImpl,
        args: BackendArgs,
    ) -> Option<Backend> {
        if let Some((_, path, _)) = &item.trait_ {
            cx.error_spanned_by(path, "write the backend as a plain `impl Type { ... }` block: `#[store::backend]` writes the trait impl");
        }
        let by_name: BTreeMap<String, &Method> = def
            .methods
            .iter()
            .map(|m| (m.ident().to_string(), m))
            .collect();
        let names: Vec<&str> = by_name
            .keys()
            .map(String::as_str)
            .filter(|n| !DERIVED.contains(n))
            .collect();
        let mut implemented = BTreeMap::new();
        let mut world: Option<(bool, Ident)> = None;
        for impl_item in &item.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            let ident = &f.sig.ident;
            let name = ident.to_string();
            if DERIVED.contains(&name.as_str()) {
                cx.error_spanned_by(
                    ident,
                    format!("`{name}` is written by `#[store::backend]`: set `name = \"...\"`; capabilities follow from the operations implemented and `flags(...)`"),
                );
                continue;
            }
            let Some(method) = by_name.get(&name) else {
                let hint = closest(&name, &names)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                cx.error_spanned_by(
                    ident,
                    format!("`{name}` is not an operation of the storage contract{hint}"),
                );
                continue;
            };
            let is_async = f.sig.asyncness.is_some();
            if method.is_pure() {
                if let Some(token) = &f.sig.asyncness {
                    cx.error_spanned_by(
                        token,
                        format!("`{name}` does no I/O: write it as a plain `fn` in both worlds"),
                    );
                }
            } else {
                match &world {
                    None => world = Some((is_async, ident.clone())),
                    Some((world_async, first)) if *world_async != is_async => {
                        let (this, that) = if is_async {
                            ("async", "sync")
                        } else {
                            ("sync", "async")
                        };
                        let token: TokenStream = match &f.sig.asyncness {
                            Some(a) => quote::quote!(#a),
                            None => quote::quote!(#ident),
                        };
                        cx.error_spanned_by(
                            token,
                            format!("`{name}` is {this}, but this backend is {that} (`{first}` is): write every operation as `fn` or every one as `async fn`"),
                        );
                    }
                    _ => {}
                }
            }
            check_signature(cx, method, f, is_async && !method.is_pure());
            implemented.insert(name, f.clone());
        }
        let asynchronous = world.as_ref().is_some_and(|(a, _)| *a);
        if world.is_none() {
            cx.error_spanned_by(
                &item.self_ty,
                "implement at least one operation of the storage contract",
            );
        }
        let backend = Backend {
            item,
            asynchronous,
            name: args.name.clone()?,
            flags: args.flags,
            flat: args.flat,
            implemented,
        };
        backend.check_world(cx, def);
        backend.check_pairs(cx);
        backend.check_flags(cx);
        backend.check_probes(cx);
        Some(backend)
    }

    fn check_world(&self, cx: &Ctxt, def: &Definition) {
        for method in &def.methods {
            if method.options.sync_only.is_some() && self.asynchronous {
                if let Some(f) = self.implemented.get(&method.ident().to_string()) {
                    cx.error_spanned_by(
                        &f.sig.ident,
                        format!("`{}` exists only in the blocking world", method.ident()),
                    );
                }
            }
        }
        if !self.asynchronous && self.has("write_atomic") && !self.has("open_atomic") {
            let f = &self.implemented["write_atomic"];
            cx.error_spanned_by(&f.sig.ident, "a blocking backend with `write_atomic` must also implement `open_atomic`: its writer outlives the call");
        }
    }

    fn check_pairs(&self, cx: &Ctxt) {
        for (a, b, gate) in [
            ("delete", "delete_folder", "Delete"),
            ("list_files", "list_folders", "List"),
        ] {
            for (have, missing) in [(a, b), (b, a)] {
                if self.has(have) && !self.has(missing) {
                    cx.error_spanned_by(
                        &self.implemented[have].sig.ident,
                        format!("{gate} needs both `{a}` and `{b}`: implement `{missing}` too (contract clause C-2.2)"),
                    );
                }
            }
        }
    }

    fn check_flags(&self, cx: &Ctxt) {
        for flag in &self.flags {
            let missing = match flag.to_string().as_str() {
                "atomic_move" => (!self.has("rename")).then_some("`rename`"),
                "seekable_read" if self.asynchronous => {
                    Some("the blocking world (async streams are not seekable)")
                }
                "seekable_read" | "lazy_read" => {
                    (!self.provides("read")).then_some("`read` or `read_bytes`")
                }
                "write_result_native" => (!self.has("write")).then_some("`write`"),
                "user_metadata" | "attributes" => (!(self.has("write")
                    && self.has("get_file_info")))
                .then_some("`write` and `get_file_info`"),
                "conditional_write" => (!(self.has("write") && self.has("get_file_info")))
                    .then_some("`write` and `get_file_info` (the etag to match)"),
                _ => None,
            };
            if let Some(missing) = missing {
                cx.error_spanned_by(
                    flag,
                    format!("the flag `{flag}` needs {missing} (contract clause C-2.2)"),
                );
            }
        }
    }

    fn check_probes(&self, cx: &Ctxt) {
        let file = self.has("is_file") || self.has("get_file_info");
        let folder = self.has("is_folder") || self.has("list_files");
        for (probe, ok, from) in [
            ("is_file", file, "`get_file_info`"),
            ("is_folder", folder, "`list_files` and `list_folders`"),
            (
                "exists",
                self.has("exists") || (file && folder),
                "`is_file` and `is_folder`",
            ),
        ] {
            if !ok {
                cx.error_spanned_by(
                    &self.item.self_ty,
                    format!("implement `{probe}`, or {from} from which it is derived"),
                );
            }
        }
    }
}

/// Compares the user's signature with the definition's, in the backend's world.
fn check_signature(cx: &Ctxt, method: &Method, f: &ImplItemFn, asynchronous: bool) {
    let name = method.ident();
    match f.sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() => {}
        Some(other) => cx.error_spanned_by(other, "operations take `&self`"),
        None => cx.error_spanned_by(&f.sig.ident, "operations take `&self`"),
    }
    let args: Vec<_> = f
        .sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => Some(t),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if args.len() != method.args.len() {
        let want: Vec<String> = method
            .args
            .iter()
            .map(|a| format!("{}: {}", a.ident, shape(&a.ty, asynchronous)))
            .collect();
        cx.error_spanned_by(
            &f.sig.inputs,
            format!(
                "`{name}` takes {} argument(s) after `&self`: {}",
                method.args.len(),
                want.join(", ")
            ),
        );
        return;
    }
    for (user, expected) in args.iter().zip(&method.args) {
        let want = shape(&expected.ty, asynchronous);
        if shape(&user.ty, false) != want {
            cx.error_spanned_by(
                &user.ty,
                format!("expected `{want}` here, as in the contract's `{name}`"),
            );
        }
    }
    let want = match &method.sig.output {
        ReturnType::Type(_, ty) => shape(ty, asynchronous),
        ReturnType::Default => "()".into(),
    };
    let got = match &f.sig.output {
        ReturnType::Type(_, ty) => shape(ty, false),
        ReturnType::Default => "()".into(),
    };
    if got != want {
        match &f.sig.output {
            ReturnType::Type(_, ty) => cx.error_spanned_by(
                ty,
                format!("expected `{want}` here, as in the contract's `{name}`"),
            ),
            ReturnType::Default => {
                cx.error_spanned_by(&f.sig.ident, format!("`{name}` returns `{want}`"))
            }
        }
    }
}
