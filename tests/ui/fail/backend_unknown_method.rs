//! A method that is not part of the contract gets the closest name.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    async {
        async fn read_byte(&self, path: &StorePath) -> Result<Bytes> {
            let _ = path;
            Ok(Bytes::new())
        }
    }
}

fn main() {}
