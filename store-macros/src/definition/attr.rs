//! Typed values of the `#[store(...)]` method options, parsed with duplicate and unknown-key
//! errors spanned on the key. Every option is listed once, in [`Key::ALL`]; what it takes is
//! an exhaustive `match`, so the compiler holds the two together.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, Path};

use super::ctxt::Ctxt;

/// One `#[store(...)]` option.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Key {
    Gate,
    File,
    Folder,
    Subfolder,
    Pattern,
    Materialize,
    Filter,
    Pure,
    SyncOnly,
    Manual,
    Mutates,
    AsyncDefault,
    AsyncToSync,
    DeriveFrom,
    Flags,
    RepeatableIf,
}

/// What an option takes after its key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Nothing: `pure`.
    Flag,
    /// `= path`: `gate = Read`, `filter = FileFilter`.
    Path,
    /// `(a, b)`: `file(src, dst)`, `derive_from(read_bytes)`.
    Names,
}

impl Key {
    /// Every option, by the name it is written with.
    pub(crate) const ALL: [(&'static str, Key); 16] = [
        ("gate", Key::Gate),
        ("file", Key::File),
        ("folder", Key::Folder),
        ("subfolder", Key::Subfolder),
        ("pattern", Key::Pattern),
        ("materialize", Key::Materialize),
        ("filter", Key::Filter),
        ("pure", Key::Pure),
        ("sync_only", Key::SyncOnly),
        ("manual", Key::Manual),
        ("mutates", Key::Mutates),
        ("async_default", Key::AsyncDefault),
        ("async_to_sync", Key::AsyncToSync),
        ("derive_from", Key::DeriveFrom),
        ("flags", Key::Flags),
        ("repeatable_if", Key::RepeatableIf),
    ];

    pub(crate) fn name(self) -> &'static str {
        Key::ALL
            .iter()
            .find(|(_, key)| *key == self)
            .map_or("", |(name, _)| name)
    }

    fn form(self) -> Form {
        match self {
            Key::Materialize | Key::Pure | Key::SyncOnly | Key::Manual | Key::Mutates => Form::Flag,
            Key::Gate | Key::Filter | Key::AsyncDefault | Key::AsyncToSync => Form::Path,
            Key::File
            | Key::Folder
            | Key::Subfolder
            | Key::Pattern
            | Key::DeriveFrom
            | Key::Flags
            | Key::RepeatableIf => Form::Names,
        }
    }

    /// The path role this key gives its arguments, if it is a role.
    pub(crate) fn role(self) -> Option<Role> {
        match self {
            Key::File => Some(Role::File),
            Key::Folder => Some(Role::Folder),
            Key::Subfolder => Some(Role::Subfolder),
            Key::Pattern => Some(Role::Pattern),
            _ => None,
        }
    }
}

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

/// The value of one option as written.
#[derive(Clone)]
enum Value {
    Flag,
    Path(Path),
    Names(Vec<Ident>),
}

/// The parsed options of one method: each key with the span of its name and its value.
#[derive(Default, Clone)]
pub(crate) struct Options {
    given: Vec<(Key, Span, Value)>,
}

impl Options {
    /// The span of the flag `key`, when given.
    pub(crate) fn flag(&self, key: Key) -> Option<Span> {
        self.given
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, span, _)| *span)
    }

    /// The path given to `key`.
    pub(crate) fn path(&self, key: Key) -> Option<&Path> {
        self.given.iter().find_map(|(k, _, v)| match v {
            Value::Path(path) if *k == key => Some(path),
            _ => None,
        })
    }

    /// The single identifier given to `key` (`gate = Read`).
    pub(crate) fn ident(&self, key: Key) -> Option<&Ident> {
        self.path(key).and_then(Path::get_ident)
    }

    /// The names given to `key`, over every time it is written.
    pub(crate) fn names(&self, key: Key) -> impl Iterator<Item = &Ident> {
        self.given.iter().flat_map(move |(k, _, v)| match v {
            Value::Names(names) if *k == key => names.as_slice(),
            _ => &[],
        })
    }

    /// Each argument given a role, with its role.
    pub(crate) fn roles(&self) -> impl Iterator<Item = (Role, &Ident)> {
        self.given.iter().flat_map(|(k, _, v)| {
            let names = match v {
                Value::Names(names) => names.as_slice(),
                _ => &[],
            };
            k.role()
                .into_iter()
                .flat_map(move |role| names.iter().map(move |n| (role, n)))
        })
    }

    /// Every key given, with the span of its name, in the order written.
    pub(crate) fn keys(&self) -> impl Iterator<Item = (Key, Span)> + '_ {
        self.given.iter().map(|(k, span, _)| (*k, *span))
    }
}

/// Splits `attrs` into the `#[store]` options and the attributes to keep (docs and the rest).
pub(crate) fn take_options(cx: &Ctxt, attrs: Vec<Attribute>) -> (Options, Vec<Attribute>) {
    let mut options = Options::default();
    let mut kept = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("store") {
            kept.push(attr);
            continue;
        }
        let result = attr.parse_nested_meta(|meta| parse_one(cx, &mut options, &meta));
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
    (options, kept)
}

/// Takes the `# Examples` section out of `attrs`: the doc lines from that heading to the end of
/// the docs. An example shows the stores' method, so the stores carry it and the backend traits
/// (which a backend author reads) do not.
pub(crate) fn take_examples(attrs: &mut Vec<Attribute>) -> Vec<Attribute> {
    let heading = attrs
        .iter()
        .position(|a| doc_text(a).is_some_and(|text| text.trim() == "# Examples"));
    let Some(at) = heading else {
        return Vec::new();
    };
    let (examples, rest): (Vec<_>, Vec<_>) =
        attrs.drain(at..).partition(|a| a.path().is_ident("doc"));
    // The blank lines before the heading: the stores put one back before the section.
    while let Some(last) = attrs.iter().rposition(|a| a.path().is_ident("doc")) {
        match doc_text(&attrs[last]) {
            Some(text) if text.trim().is_empty() => drop(attrs.remove(last)),
            _ => break,
        }
    }
    attrs.extend(rest);
    examples
}

/// The text of a `#[doc = "..."]` attribute (a `///` line).
fn doc_text(attr: &Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn parse_one(cx: &Ctxt, options: &mut Options, meta: &ParseNestedMeta) -> syn::Result<()> {
    let Some(ident) = meta.path.get_ident() else {
        return Err(meta.error("expected a `store` option name"));
    };
    let name = ident.to_string();
    let Some(key) = Key::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k) else {
        let names: Vec<&str> = Key::ALL.iter().map(|(n, _)| *n).collect();
        let hint = super::closest(&name, &names)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        cx.error_spanned_by(
            &meta.path,
            format!(
                "unknown `store` option `{name}`; expected one of: {}{hint}",
                names.join(", ")
            ),
        );
        return skip_value(meta);
    };
    // Lists may be split over several attributes (`file(src)`, `file(dst)`); the rest once.
    if key.form() != Form::Names && options.flag(key).is_some() {
        cx.error_spanned_by(&meta.path, format!("duplicate `store` option `{name}`"));
        return skip_value(meta);
    }
    let value = match key.form() {
        Form::Flag => Value::Flag,
        Form::Path => Value::Path(meta.value()?.parse()?),
        Form::Names => {
            let mut names = Vec::new();
            meta.parse_nested_meta(|arg| match arg.path.get_ident() {
                Some(ident) => {
                    names.push(ident.clone());
                    Ok(())
                }
                None => Err(arg.error("expected a name")),
            })?;
            Value::Names(names)
        }
    };
    options.given.push((key, ident.span(), value));
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
