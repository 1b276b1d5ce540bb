//! An `async fn` gets the async backend below, not the blocking one.
#![allow(dead_code)]

use store::{Backend, Result, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    async fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: bool) -> Result<()> {
        inner.delete(path, missing_ok)
    }
}

fn main() {}
