//! A return type other than the definition's is reported on it.
#![allow(dead_code)]

use store::{Backend, Result, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: bool) -> Result<bool> {
        inner.delete(path, missing_ok).map(|()| true)
    }
}

fn main() {}
