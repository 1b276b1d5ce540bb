//! An argument of another type than the definition's is reported on that type.
#![allow(dead_code)]

use store::{Backend, Result, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: u8) -> Result<()> {
        inner.delete(path, missing_ok != 0)
    }
}

fn main() {}
