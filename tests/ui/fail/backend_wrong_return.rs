//! A wrong return type is reported on that type.
#![allow(dead_code)]

use store::{Bytes, FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv")]
impl Kv {
    async fn read_bytes(&self, path: &StorePath) -> Result<Vec<u8>> {
        let _ = path;
        Ok(Vec::new())
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
