//! The user's impl block, matched against the definition: which operations it implements, in
//! which world, and every mistake spanned on the token that makes it.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use syn::{Ident, ImplItem, ImplItemFn, ItemImpl};

use super::args::BackendArgs;
use crate::definition::{check_signature, closest, Ctxt, Definition, Method, World};

/// A validated backend.
pub(crate) struct Backend {
    pub(crate) item: ItemImpl,
    pub(crate) world: World,
    pub(crate) args: BackendArgs,
    /// The definition's methods the user wrote, by name.
    pub(crate) implemented: BTreeMap<String, ImplItemFn>,
}

impl Backend {
    pub(crate) fn has(&self, name: &str) -> bool {
        self.implemented.contains_key(name)
    }

    /// Whether the backend has `method` in its world: written, or derived (`derive_from`)
    /// from operations it has.
    pub(crate) fn provides(&self, def: &Definition, method: &Method) -> bool {
        self.provides_within(def, method, 0)
    }

    fn provides_within(&self, def: &Definition, method: &Method, depth: usize) -> bool {
        if !method.in_world(self.world) {
            return false;
        }
        if self.has(&method.ident().to_string()) {
            return true;
        }
        let from = method.derive_from();
        // A derivation cycle in the definition provides nothing; the depth bounds the walk.
        !from.is_empty()
            && depth < def.methods.len()
            && from.iter().all(|name| {
                def.method(&name.to_string())
                    .is_some_and(|m| self.provides_within(def, m, depth + 1))
            })
    }

    /// Whether `method` is derived here: not written, but everything it derives from is.
    pub(crate) fn derives(&self, def: &Definition, method: &Method) -> bool {
        !self.has(&method.ident().to_string()) && self.provides(def, method)
    }

    /// The gates this backend enables (C-2.2): a gate is on when the backend provides every
    /// operation of that gate that has no default body in its world, and at least one.
    pub(crate) fn gates<'d>(&self, def: &'d Definition) -> Vec<&'d Ident> {
        def.gates()
            .into_iter()
            .filter(|gate| {
                let ops: Vec<&Method> = self.gate_operations(def, gate).collect();
                ops.iter().any(|m| self.provides(def, m))
                    && ops
                        .iter()
                        .all(|m| m.default.is_some() || self.provides(def, m))
            })
            .collect()
    }

    fn gate_operations<'d>(
        &self,
        def: &'d Definition,
        gate: &'d Ident,
    ) -> impl Iterator<Item = &'d Method> + 'd {
        let world = self.world;
        def.methods
            .iter()
            .filter(move |m| m.gate() == Some(gate) && m.in_world(world))
    }

    pub(crate) fn from_syn(
        cx: &Ctxt,
        def: &Definition,
        item: ItemImpl,
        args: BackendArgs,
    ) -> Option<Backend> {
        if let Some((_, path, _)) = &item.trait_ {
            cx.error_spanned_by(path, "write the backend as a plain `impl Type { ... }` block: `#[store::backend]` writes the trait impl");
        }
        let names: Vec<String> = def.methods.iter().map(|m| m.ident().to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut implemented = BTreeMap::new();
        let mut world: Option<(bool, Ident)> = None;
        for impl_item in &item.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            let ident = &f.sig.ident;
            let name = ident.to_string();
            let Some(method) = def.method(&name) else {
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
            check_signature(cx, method, f, (0, "`&self`"), is_async && !method.is_pure());
            implemented.insert(name, f.clone());
        }
        if world.is_none() {
            cx.error_spanned_by(
                &item.self_ty,
                "implement at least one operation of the storage contract",
            );
        }
        if args.name.is_none() && !implemented.contains_key("name") {
            cx.error_spanned_by(
                &item.self_ty,
                "missing `name = \"...\"`: every backend has a stable name (contract clause C-2.1)",
            );
        }
        let backend = Backend {
            item,
            world: match world {
                Some((true, _)) => World::Async,
                _ => World::Blocking,
            },
            args,
            implemented,
        };
        backend.check_world(cx, def);
        backend.check_gates(cx, def);
        backend.check_flags(cx, def);
        backend.check_required(cx, def);
        Some(backend)
    }

    fn check_world(&self, cx: &Ctxt, def: &Definition) {
        for method in def.methods.iter().filter(|m| !m.in_world(self.world)) {
            if let Some(f) = self.implemented.get(&method.ident().to_string()) {
                cx.error_spanned_by(
                    &f.sig.ident,
                    format!("`{}` exists only in the blocking world", method.ident()),
                );
            }
        }
    }

    /// A gate is all or nothing: a backend that writes one of its operations writes every one
    /// without a default body (or what it derives from).
    fn check_gates(&self, cx: &Ctxt, def: &Definition) {
        for gate in def.gates() {
            let ops: Vec<&Method> = self.gate_operations(def, gate).collect();
            let needed: Vec<&Method> = ops
                .iter()
                .copied()
                .filter(|m| m.default.is_none())
                .collect();
            let missing: Vec<&Method> = needed
                .iter()
                .copied()
                .filter(|m| !self.provides(def, m))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let list = |methods: &[&Method]| {
                methods
                    .iter()
                    .map(|m| format!("`{}`", m.ident()))
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            let missing_list = missing
                .iter()
                .map(|m| match m.derive_from().as_slice() {
                    [] => format!("`{}`", m.ident()),
                    from => format!(
                        "`{}` (or {}, from which it is derived)",
                        m.ident(),
                        from.iter()
                            .map(|f| format!("`{f}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    ),
                })
                .collect::<Vec<_>>()
                .join(" and ");
            for m in &ops {
                if let Some(f) = self.implemented.get(&m.ident().to_string()) {
                    cx.error_spanned_by(
                        &f.sig.ident,
                        format!(
                            "{gate} needs {}: implement {missing_list} too (contract clause C-2.2)",
                            list(&needed)
                        ),
                    );
                }
            }
        }
    }

    /// Each flag is one the definition declares, on operations this backend provides.
    fn check_flags(&self, cx: &Ctxt, def: &Definition) {
        let declared = def.flags();
        for (written, capability) in &self.args.flags {
            if !declared.contains(&capability) {
                let known: Vec<String> = declared
                    .iter()
                    .map(|d| snake_case(&d.to_string()))
                    .collect();
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                let hint = closest(&written.to_string(), &known)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                let gate = def.gates().contains(&capability);
                let why = if gate {
                    " (gates follow from the operations implemented)"
                } else {
                    ""
                };
                cx.error_spanned_by(
                    written,
                    format!(
                        "unknown flag `{written}`{why}; expected one of: {}{hint}",
                        known.join(", ")
                    ),
                );
                continue;
            }
            let missing: Vec<String> = def
                .methods
                .iter()
                .filter(|m| m.flags().any(|f| f == capability))
                .filter(|m| {
                    let default = m.default.is_some() && m.in_world(self.world);
                    !default && !self.provides(def, m)
                })
                .map(|m| match m.in_world(self.world) {
                    true => format!("`{}`", m.ident()),
                    false => format!("`{}`, which the async world does not have", m.ident()),
                })
                .collect();
            if !missing.is_empty() {
                cx.error_spanned_by(
                    written,
                    format!(
                        "the flag `{written}` needs {} (contract clause C-2.2)",
                        missing.join(" and ")
                    ),
                );
            }
        }
    }

    /// What every backend must have (the probes): written, or derived.
    fn check_required(&self, cx: &Ctxt, def: &Definition) {
        for method in def.methods.iter().filter(|m| m.is_required(self.world)) {
            if self.provides(def, method) {
                continue;
            }
            let from = method.derive_from();
            let from = match from.as_slice() {
                [] => String::new(),
                from => format!(
                    ", or {} from which it is derived",
                    from.iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            };
            cx.error_spanned_by(
                &self.item.self_ty,
                format!("implement `{}`{from}", method.ident()),
            );
        }
    }
}

/// `AtomicMove` → `atomic_move`.
fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}
