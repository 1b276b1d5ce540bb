//! A method that is not part of the contract gets the closest name.
#![allow(dead_code)]

use store::{Bytes, FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv")]
impl Kv {
    async fn read_byte(&self, path: &StorePath) -> Result<Bytes> {
        let _ = path;
        Ok(Bytes::new())
    }

    async fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    async fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
