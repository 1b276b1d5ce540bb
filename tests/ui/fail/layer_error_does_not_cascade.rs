//! One mistake in a layer gives one error: the fallback still implements `Layer` (the
//! operation in error left out), so the uses below raise nothing more.
#![allow(dead_code)]

use store::{Backend, Result, StorePath};

struct Audit;

#[store::layer]
impl Audit {
    fn delete(&self, inner: &impl Backend, path: &StorePath, missing_ok: &bool) -> Result<()> {
        inner.delete(path, *missing_ok)
    }
}

fn main() {
    let _store = store::Store::new(store::MemoryBackend::new()).layer(Audit);
}
