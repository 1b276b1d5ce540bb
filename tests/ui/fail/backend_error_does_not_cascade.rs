//! One mistake in a backend gives one error: the fallback expansion still implements the
//! trait and the `CAPABILITIES` constant, so the uses below raise nothing more.
#![allow(dead_code)]

use store::{Bytes, FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv")]
impl Kv {
    async fn read_bytes(&self, path: &StorePath) -> Result<String> {
        Ok(path.to_string())
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {
    let _ = Kv::CAPABILITIES;
    let _blocking = store::Store::new(Kv);
    let _async = store::AsyncStore::new(Kv);
    let _ = Bytes::new();
}
