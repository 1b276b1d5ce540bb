//! Delete needs both `delete` and `delete_folder`.
#![allow(dead_code)]

include!("../fixture/kv.rs");

kv! {
    #[store::backend(name = "kv")]
    blocking {
        fn delete(&self, path: &StorePath, missing_ok: bool) -> Result<()> {
            let _ = (path, missing_ok);
            Ok(())
        }
    }
}

fn main() {}
