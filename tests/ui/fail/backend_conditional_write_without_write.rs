//! `conditional_write` needs `write`, which this read-only backend does not implement.
#![allow(dead_code)]

use store::{Bytes, FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv", flags(conditional_write))]
impl Kv {
    fn read_bytes(&self, path: &StorePath) -> Result<Bytes> {
        let _ = path;
        Ok(Bytes::new())
    }

    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
