//! `atomic_move` describes `rename`, which this backend does not implement.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv", flags(atomic_move))]
    blocking {
        fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
            let _ = path;
            Ok(Bytes::new())
        }
    }
}

fn main() {}
