//! Typed values of the `#[store(...)]` method options, parsed with duplicate and unknown-key
//! errors spanned on the key.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, Path};

use super::ctxt::Ctxt;

/// The role of a path argument (C-1.2).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Role {
    /// A file path: the root is refused.
    File,
    /// A folder path: `""` and `"."` are the root.
    Folder,
    /// A folder path that must not be the root.
    Subfolder,
    /// A glob pattern.
    Pattern,
}

impl Role {
    pub(crate) const ALL: [(&'static str, Role); 4] = [
        ("file", Role::File),
        ("folder", Role::Folder),
        ("subfolder", Role::Subfolder),
        ("pattern", Role::Pattern),
    ];
}

/// Every key `#[store(...)]` accepts, for the "unknown option" message.
pub(crate) const KEYS: &[&str] = &[
    "gate",
    "file",
    "folder",
    "subfolder",
    "pattern",
    "materialize",
    "filter",
    "pure",
    "sync_only",
    "manual",
    "store_name",
    "async_default",
    "reverse",
];

/// A flag option: present or not, with the span of its key for later errors.
pub(crate) type Flag = Option<Span>;

/// The parsed options of one method.
#[derive(Default, Clone)]
pub(crate) struct Options {
    pub(crate) gate: Option<Ident>,
    pub(crate) roles: Vec<(Role, Ident)>,
    pub(crate) materialize: Flag,
    pub(crate) filter: Option<Path>,
    pub(crate) pure: Flag,
    pub(crate) sync_only: Flag,
    pub(crate) manual: Flag,
    pub(crate) store_name: Option<Ident>,
    pub(crate) async_default: Option<Path>,
    pub(crate) reverse: Option<Path>,
}

/// Splits `attrs` into the `#[store]` options and the attributes to keep (docs and the rest).
pub(crate) fn take_options(cx: &Ctxt, attrs: Vec<Attribute>) -> (Options, Vec<Attribute>) {
    let mut options = Options::default();
    let mut seen: Vec<String> = Vec::new();
    let mut kept = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("store") {
            kept.push(attr);
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            let key = match meta.path.get_ident() {
                Some(ident) => ident.to_string(),
                None => return Err(meta.error("expected a `store` option name")),
            };
            if seen.contains(&key) && !is_role(&key) {
                cx.error_spanned_by(&meta.path, format!("duplicate `store` option `{key}`"));
                skip_value(&meta)?;
                return Ok(());
            }
            seen.push(key.clone());
            parse_one(cx, &mut options, &key, &meta)
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
    (options, kept)
}

fn is_role(key: &str) -> bool {
    Role::ALL.iter().any(|(name, _)| *name == key)
}

fn parse_one(
    cx: &Ctxt,
    options: &mut Options,
    key: &str,
    meta: &ParseNestedMeta,
) -> syn::Result<()> {
    let span = meta.path.get_ident().map(Ident::span);
    match key {
        "gate" => options.gate = Some(meta.value()?.parse()?),
        "filter" => options.filter = Some(meta.value()?.parse()?),
        "store_name" => options.store_name = Some(meta.value()?.parse()?),
        "async_default" => options.async_default = Some(meta.value()?.parse()?),
        "reverse" => options.reverse = Some(meta.value()?.parse()?),
        "materialize" => options.materialize = span,
        "pure" => options.pure = span,
        "sync_only" => options.sync_only = span,
        "manual" => options.manual = span,
        _ => {
            if let Some((_, role)) = Role::ALL.iter().find(|(name, _)| *name == key) {
                meta.parse_nested_meta(|arg| {
                    match arg.path.get_ident() {
                        Some(ident) => options.roles.push((*role, ident.clone())),
                        None => return Err(arg.error("expected an argument name")),
                    }
                    Ok(())
                })?;
            } else {
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown `store` option `{key}`; expected one of: {}",
                        KEYS.join(", ")
                    ),
                );
                skip_value(meta)?;
            }
        }
    }
    Ok(())
}

/// Consumes whatever follows an option we are not going to use, so parsing can go on.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}
