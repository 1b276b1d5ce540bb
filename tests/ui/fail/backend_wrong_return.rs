//! A wrong return type is reported on that type.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    async {
        async fn read_bytes(&self, path: &StorePath) -> Result<Vec<u8>> {
            let _ = path;
            Ok(Vec::new())
        }
    }
}

fn main() {}
