//! A pure method (no I/O) cannot be taken by a layer.
#![allow(dead_code)]

use store::Backend;

struct Audit;

#[store::layer]
impl Audit {
    fn name(&self, inner: &impl Backend) -> &'static str {
        inner.name()
    }
}

fn main() {}
