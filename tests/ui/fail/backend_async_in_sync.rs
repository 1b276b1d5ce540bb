//! An async fn in a blocking backend.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    blocking {
        fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
            let _ = path;
            Ok(Bytes::new())
        }

        async fn exists(&self, path: &StorePath) -> Result<bool> {
            Ok(path.is_root())
        }
    }
}

fn main() {}
