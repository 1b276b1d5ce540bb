//! `conditional_write` needs `write`, which this read-only backend does not implement.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv", flags(conditional_write))]
    blocking {
        fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
            let _ = path;
            Ok(Bytes::new())
        }
    }
}

fn main() {}
