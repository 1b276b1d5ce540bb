//! A blocking fn in an async backend.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    async {
        async fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
            let _ = path;
            Ok(Bytes::new())
        }

        fn exists(&self, path: &StorePath) -> Result<bool> {
            Ok(path.is_root())
        }
    }
}

fn main() {}
