//! The front end both macros read, as serde's `internals`: the annotated trait parsed
//! ([`attr`], [`model`]) and validated ([`check`]), every error collected in a [`Ctxt`], and the
//! one table of the types the two worlds spell differently ([`types`]). `#[dual_api]` reads it
//! to generate both worlds; `#[store::backend]` reads the same definition to check a backend.

mod attr;
mod callback;
mod check;
mod ctxt;
mod model;
mod shape;
mod types;

pub(crate) use self::attr::Role;
pub(crate) use self::callback::{call_back, called_back};
pub(crate) use self::check::closest;
pub(crate) use self::ctxt::Ctxt;
pub(crate) use self::model::{ArgKind, Args, Definition, Method, Output, World, Written};
pub(crate) use self::shape::check_signature;
pub(crate) use self::types::{async_name, tie_lifetimes};

use syn::ItemTrait;

/// Parses and validates the definition `item`, reporting into `cx`.
pub(crate) fn parse(cx: &Ctxt, item: ItemTrait) -> Definition {
    let mut def = Definition::from_syn(cx, item);
    check::check(cx, &mut def);
    def
}
