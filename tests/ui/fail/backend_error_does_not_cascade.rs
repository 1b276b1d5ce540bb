//! One mistake in a backend gives one error: the fallback expansion still implements the
//! trait and the `CAPABILITIES` constant, so the uses below raise nothing more.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    async {
        async fn read_bytes(&self, path: &StorePath) -> Result<String> {
            Ok(path.to_string())
        }
    }
}

fn main() {
    let _ = Kv::CAPABILITIES;
    let _blocking = store::Store::new(Kv);
    let _async = store::AsyncStore::new(Kv);
    let _ = Bytes::new();
}
