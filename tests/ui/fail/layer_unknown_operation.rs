//! A layer's method that is neither an operation nor a hook gets the closest name.
#![allow(dead_code)]

use store::{Backend, Result, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    fn delet(&self, inner: &impl Backend, path: &StorePath, missing_ok: bool) -> Result<()> {
        inner.delete(path, missing_ok)
    }
}

fn main() {}
