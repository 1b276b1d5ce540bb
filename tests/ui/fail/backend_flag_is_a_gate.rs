//! A gate named as a flag: gates follow from the operations implemented.
#![allow(dead_code)]

use store::{FileInfo, Result, StorePath};

struct Kv;

#[store::backend(name = "kv", flags(read))]
impl Kv {
    fn get_file_info(&self, path: &StorePath) -> Result<FileInfo> {
        Ok(FileInfo::new(path.clone(), 0, None))
    }

    fn is_folder(&self, path: &StorePath) -> Result<bool> {
        Ok(path.is_root())
    }
}

fn main() {}
