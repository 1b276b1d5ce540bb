//! The attribute implements `Layer`, no other trait.
#![allow(dead_code)]

struct Audit;

#[store::layer]
impl Clone for Audit {
    fn clone(&self) -> Self {
        Audit
    }
}

fn main() {}
