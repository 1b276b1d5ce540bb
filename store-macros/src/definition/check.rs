//! Validation: every shape the generators cannot honour is reported, spanned on its token.

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{FnArg, GenericParam, Ident, Pat, ReturnType};

use super::attr::Key;
use super::ctxt::Ctxt;
use super::model::{ArgKind, Definition, Method, Output};

/// Validates the definition: trait-level checks decide [`Definition::sound`], and each method's
/// own checks its [`Method::valid`].
pub(crate) fn check(cx: &Ctxt, def: &mut Definition) {
    let before = cx.error_count();
    check_trait(cx, def);
    def.sound = cx.error_count() == before;
    let mut names = HashSet::new();
    let mut valid = Vec::with_capacity(def.methods.len());
    for method in &def.methods {
        let before = cx.error_count();
        if !names.insert(method.ident().to_string()) {
            cx.error_spanned_by(method.ident(), "duplicate method name");
        }
        check_signature(cx, method);
        check_options(cx, def, method);
        check_examples(cx, method);
        valid.push(cx.error_count() == before);
    }
    for (method, valid) in def.methods.iter_mut().zip(valid) {
        method.valid &= valid;
        // Everything generated names the backend: without a sound `name` nothing can be.
        if method.ident() == "name" && !method.valid {
            def.sound = false;
        }
    }
}

fn check_trait(cx: &Ctxt, def: &Definition) {
    let item = &def.item;
    if let Some(param) = item.generics.params.first() {
        cx.error_spanned_by(
            &item.generics,
            match param {
                GenericParam::Lifetime(_) => "`#[dual_api]` traits cannot have lifetime parameters",
                _ => "`#[dual_api]` traits cannot be generic: the async trait must stay dyn-compatible",
            },
        );
    }
    if let Some(wc) = &item.generics.where_clause {
        cx.error_spanned_by(wc, "`#[dual_api]` traits cannot have a where clause");
    }
    check_supertraits(cx, item);
    let has_name = def
        .methods
        .iter()
        .any(|m| m.ident() == "name" && m.is_pure() && m.args.is_empty());
    if !has_name {
        cx.error_spanned_by(
            &item.ident,
            "a `#[dual_api]` trait needs `#[store(pure)] fn name(&self) -> &'static str;`: the adapter names the backend in errors",
        );
    }
}

/// Backends are shared across threads and tasks behind `Arc`, and the adapter moves them into
/// blocking calls: the trait must require `Send + Sync + 'static`.
fn check_supertraits(cx: &Ctxt, item: &syn::ItemTrait) {
    let mut missing = Vec::new();
    for needed in ["Send", "Sync"] {
        let found = item.supertraits.iter().any(|b| match b {
            syn::TypeParamBound::Trait(t) => {
                t.path.segments.last().is_some_and(|s| s.ident == needed)
            }
            _ => false,
        });
        if !found {
            missing.push(needed);
        }
    }
    let has_static = item
        .supertraits
        .iter()
        .any(|b| matches!(b, syn::TypeParamBound::Lifetime(l) if l.ident == "static"));
    if !has_static {
        missing.push("'static");
    }
    if !missing.is_empty() {
        cx.error_spanned_by(
            &item.ident,
            format!(
                "a `#[dual_api]` trait must be `Send + Sync + 'static` (missing: {}): backends are shared behind `Arc` and moved into blocking calls",
                missing.join(", ")
            ),
        );
    }
}

fn check_signature(cx: &Ctxt, method: &Method) {
    let sig = &method.sig;
    if let Some(asyncness) = &sig.asyncness {
        cx.error_spanned_by(
            asyncness,
            "write the definition as the blocking trait: `#[dual_api]` generates the async world itself",
        );
    }
    if let Some(token) = &sig.unsafety {
        cx.error_spanned_by(token, "`unsafe` methods are not supported by `#[dual_api]`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, "extern methods are not supported by `#[dual_api]`");
    }
    if let Some(variadic) = &sig.variadic {
        cx.error_spanned_by(
            variadic,
            "variadic methods are not supported by `#[dual_api]`",
        );
    }
    for param in &sig.generics.params {
        match param {
            GenericParam::Lifetime(lt) => cx.error_spanned_by(
                lt,
                "explicit lifetimes are not supported: the generated async method ties every reference to its future",
            ),
            _ => cx.error_spanned_by(
                param,
                "generic methods are not supported: the async trait must stay dyn-compatible",
            ),
        }
    }
    if let Some(wc) = &sig.generics.where_clause {
        cx.error_spanned_by(
            wc,
            "where clauses are not supported on `#[dual_api]` methods",
        );
    }
    match sig.inputs.first() {
        Some(FnArg::Receiver(recv))
            if recv.reference.is_some()
                && recv.mutability.is_none()
                && recv.colon_token.is_none() =>
        {
            if let Some((_, Some(lt))) = &recv.reference {
                cx.error_spanned_by(lt, "explicit lifetimes are not supported on the receiver");
            }
        }
        Some(FnArg::Receiver(recv)) => cx.error_spanned_by(
            recv,
            "the receiver must be `&self`: backends are shared behind `Arc`",
        ),
        _ => cx.error_spanned_by(&sig.ident, "the method needs a `&self` receiver"),
    }
    for input in &sig.inputs {
        let FnArg::Typed(pt) = input else { continue };
        match &*pt.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                if let Some(m) = &p.mutability {
                    cx.error_spanned_by(
                        m,
                        "`mut` arguments are not supported; rebind inside the body",
                    );
                }
            }
            pat => {
                cx.error_spanned_by(pat, "argument patterns are not supported; use a plain name")
            }
        }
        refuse_in_type(cx, &pt.ty);
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        refuse_in_type(cx, ty);
    }
}

fn refuse_in_type(cx: &Ctxt, ty: &syn::Type) {
    let mut refused = super::types::Refused::default();
    refused.visit_type(ty);
    for it in refused.impl_traits {
        cx.error_spanned_by(
            it,
            "`impl Trait` is not supported: the async trait must stay dyn-compatible; name a type or a type alias",
        );
    }
    for lt in refused.lifetimes {
        cx.error_spanned_by(
            lt,
            "explicit lifetimes are not supported: the generated async method ties every reference to its future",
        );
    }
}

/// An example shows the stores' method, so it belongs on a method the stores generate.
fn check_examples(cx: &Ctxt, method: &Method) {
    let Some(heading) = method.examples.first() else {
        return;
    };
    let why = match (method.is_pure(), method.is_manual()) {
        (true, _) => "is `pure`",
        (_, true) => "is `manual`",
        _ => return,
    };
    cx.error_spanned_by(
        heading,
        format!(
            "`{}` {why}, so the stores write it themselves and no generated method would show this `# Examples` section: put the example on the stores' own method",
            method.ident()
        ),
    );
}

fn check_options(cx: &Ctxt, def: &Definition, method: &Method) {
    let o = &method.options;
    // A gate is emitted as `Capability::<gate>` spanned on its token: rustc checks the name.
    if let (Some(path), None) = (o.path(Key::Gate), o.ident(Key::Gate)) {
        cx.error_spanned_by(
            path,
            "a gate is the name of a `Capability` variant alone, such as `gate = Read`",
        );
    }
    let mut with_role = HashSet::new();
    for (_, name) in o.roles() {
        if !with_role.insert(name.to_string()) {
            cx.error_spanned_by(name, format!("argument `{name}` has more than one role"));
            continue;
        }
        match method.args.iter().find(|a| a.ident == *name) {
            None => cx.error_spanned_by(
                name,
                format!("`{}` has no argument named `{name}`", method.ident()),
            ),
            Some(arg) if !matches!(arg.kind, ArgKind::Path(_)) => cx.error_spanned_by(
                name,
                format!(
                    "a role applies to `&StorePath` or `&Pattern` arguments; `{name}` is neither"
                ),
            ),
            Some(_) => {}
        }
    }
    if let Some(pure) = o.flag(Key::Pure) {
        // Only the blocking adapter's body over an async backend may differ.
        let allowed = [Key::Pure, Key::AsyncToSync];
        for (key, _) in o.keys().filter(|(key, _)| !allowed.contains(key)) {
            cx.syn_error(syn::Error::new(
                pure,
                format!(
                    "`pure` methods do no I/O and cannot also take `{}`",
                    key.name()
                ),
            ));
        }
        return;
    }
    for arg in &method.args {
        if arg.kind == ArgKind::Path(None) {
            cx.error_spanned_by(
                &arg.ident,
                format!(
                    "path argument `{}` needs a role: add `file({0})`, `folder({0})`, `subfolder({0})` or `pattern({0})` to `#[store(...)]`",
                    arg.ident
                ),
            );
        }
    }
    let materialize = o.flag(Key::Materialize);
    match (&method.output, materialize) {
        (Output::List, None) => cx.error_spanned_by(
            &method.sig.output,
            "a method returning `Result<ListIter<T>>` needs `#[store(materialize)]`: the async adapter pulls it in batches on the blocking pool",
        ),
        (Output::Other, _) => cx.syn_error(syn::Error::new(
            method.output_span,
            "I/O methods must return `Result<T>`; mark methods without I/O `#[store(pure)]`",
        )),
        (Output::Plain | Output::ReadStream, Some(span)) => cx.syn_error(syn::Error::new(
            span,
            "`materialize` applies only to methods returning `Result<ListIter<T>>`",
        )),
        _ => {}
    }
    if let (Some(filter), None) = (method.filter(), materialize) {
        cx.error_spanned_by(filter, "`filter` applies only to `materialize` listings");
    }
    let sync_only = o.flag(Key::SyncOnly);
    if let (Some(_), Some(path)) = (sync_only, method.async_default()) {
        cx.error_spanned_by(
            path,
            "a `sync_only` method has no async world to give a default to",
        );
    }
    if let (Some(span), None, None) = (sync_only, &method.default, method.async_to_sync()) {
        cx.syn_error(syn::Error::new(
            span,
            "a `sync_only` method needs a default body or `async_to_sync = path`: the blocking adapter over an async backend has no async method to call",
        ));
    }
    if let (Some(path), None) = (method.async_default(), &method.default) {
        cx.error_spanned_by(
            path,
            "`async_default` needs a default body in the blocking definition too",
        );
    }
    for from in method.derive_from() {
        if from == method.ident() || def.method(&from.to_string()).is_none_or(Method::is_pure) {
            cx.error_spanned_by(
                from,
                format!(
                    "`derive_from` names other I/O operations of the trait; `{from}` is not one"
                ),
            );
        }
    }
    if let Some(span) = o.flag(Key::RepeatableIf) {
        let names: Vec<&Ident> = o.names(Key::RepeatableIf).collect();
        if o.flag(Key::Mutates).is_none() {
            cx.syn_error(syn::Error::new(
                span,
                "`repeatable_if` applies to an operation that `mutates`: the others are always repeatable",
            ));
        } else if names.len() != 1 {
            cx.syn_error(syn::Error::new(
                span,
                "`repeatable_if` names one argument, whose value says whether the call may be repeated",
            ));
        }
        for name in names {
            if !method.args.iter().any(|a| a.ident == *name) {
                cx.error_spanned_by(
                    name,
                    format!("`repeatable_if` names an argument of the method; `{name}` is not one"),
                );
            }
        }
    }
    if let (Some(span), None) = (o.flag(Key::DeriveFrom), &def.derivations) {
        cx.syn_error(syn::Error::new(
            span,
            "`derive_from` needs `#[store(derivations = path)]` on the trait: the module whose `blocking` and `asynchronous` submodules hold the derivations",
        ));
    }
}

/// The candidate within edit distance 2 of `name`, for "did you mean" hints.
pub(crate) fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
