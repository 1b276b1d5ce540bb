//! A wrong argument type is reported on that type.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    async {
        async fn read_bytes(&self, path: &str) -> Result<Bytes> {
            let _ = path;
            Ok(Bytes::new())
        }
    }
}

fn main() {}
