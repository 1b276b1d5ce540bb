//! A misspelt flag gets the closest name.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv", flags(atomic_mov))]
    blocking {

    }
}

fn main() {}
